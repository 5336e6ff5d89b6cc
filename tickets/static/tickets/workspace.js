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

  const articleButton = form.querySelector("[data-insert-article]");
  if (articleButton && window.PageChooserModal) {
    articleButton.hidden = false;
    articleButton.addEventListener("click", () => {
      const modal = new window.PageChooserModal(form.dataset.chooserUrl);
      modal.open({ modelNames: [form.dataset.articleModel] }, (page) => {
        let url = page.url || "";
        if (url.startsWith("/")) url = form.dataset.publicBase + url;
        const title = (page.title || page.adminTitle || "").replace(/[[\]]/g, "");
        insert(`[${title}](${url})`);
      });
    });
  }
})();
