// The composer's enhancements: live preview, one-click templates, article links. Without
// JavaScript the "Preview" and "Insert template" buttons do the same through the server.
(() => {
  const form = document.getElementById("composer");
  if (!form) return;
  const body = form.querySelector("[data-composer-body]");
  const preview = document.querySelector("[data-preview]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  const insert = (text) => {
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? body.value.length;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.selectionStart = body.selectionEnd = start + text.length;
    body.dispatchEvent(new Event("input"));
  };

  let timer;
  const refresh = () => {
    const data = new FormData();
    data.append("body", body.value);
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        preview.innerHTML = html; // sanitised by the server (tickets.rendering)
      })
      .catch(() => {});
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });

  const templates = document.getElementById("answer-templates");
  const templateButton = form.querySelector("[data-insert-template]");
  if (templates && templateButton) {
    const texts = Object.fromEntries(JSON.parse(templates.textContent).map((t) => [t.id, t.text]));
    templateButton.addEventListener("click", (event) => {
      event.preventDefault();
      const chosen = form.querySelector("#id_template").value;
      if (texts[chosen]) insert(texts[chosen]);
    });
  }

  // Article links: one click inserts the Markdown link (public address, requester's language)
  // from the "Insert a link to an article" list or the suggested articles panel.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-insert-link]");
    if (!button) return;
    event.preventDefault();
    insert(button.dataset.insertLink);
  });
  const linksQuery = document.querySelector("[data-article-links-query]");
  const linksList = document.querySelector("[data-article-links-list]");
  if (linksQuery && linksList && form.dataset.articleLinksUrl) {
    let linksTimer;
    linksQuery.addEventListener("input", () => {
      clearTimeout(linksTimer);
      linksTimer = setTimeout(() => {
        const url = `${form.dataset.articleLinksUrl}?q=${encodeURIComponent(linksQuery.value)}`;
        fetch(url, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
          .then((html) => {
            const fragment = new DOMParser().parseFromString(html, "text/html");
            const list = fragment.querySelector("[data-article-links-list]");
            if (list) linksList.replaceChildren(...list.childNodes);
          })
          .catch(() => {});
      }, 250);
    });
    linksQuery.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  }
})();
