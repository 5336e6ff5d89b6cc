// The composer's enhancements: live preview, one-click templates, article links, and "Send" /
// "Save draft" without reloading the page. Without JavaScript the same buttons post the form
// and the server redirects back to the workspace (tickets/workspace).
//
// The composer is replaced after each send (the server renders it again, emptied), so every
// handler here is delegated from the document and looks its elements up when it runs.
(() => {
  const root = document.querySelector("[data-workspace]");
  if (!root || !document.getElementById("composer")) return;
  const composer = () => document.getElementById("composer");
  const body = () => composer().querySelector("[data-composer-body]");
  const preview = () => composer().querySelector("[data-preview]");
  const csrf = () => composer().querySelector("input[name=csrfmiddlewaretoken]").value;

  const insert = (text) => {
    const field = body();
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? field.value.length;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.selectionStart = field.selectionEnd = start + text.length;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };

  // Live preview: the same sanitised rendering the requester will see.
  let timer;
  const refresh = () => {
    const data = new FormData();
    data.append("body", body().value);
    return fetch(composer().dataset.previewUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf() },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        preview().innerHTML = html; // sanitised by the server (tickets.rendering)
      })
      .catch(() => {});
  };
  document.addEventListener("input", (event) => {
    if (!event.target.matches("#composer [data-composer-body]")) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });

  const templateTexts = () => {
    const templates = document.getElementById("answer-templates");
    if (!templates) return {};
    return Object.fromEntries(JSON.parse(templates.textContent).map((t) => [t.id, t.text]));
  };

  // Article links: one click inserts the Markdown link (public address, requester's language)
  // from the "Insert a link to an article" list or the suggested articles panel.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-insert-link]");
    if (button) {
      event.preventDefault();
      insert(button.dataset.insertLink);
      return;
    }
    if (event.target.closest("#composer [data-insert-template]")) {
      event.preventDefault();
      const text = templateTexts()[composer().querySelector("#id_template").value];
      if (text) insert(text);
    }
  });
  let linksTimer;
  document.addEventListener("input", (event) => {
    const query = event.target.closest("[data-article-links-query]");
    if (!query || !composer().dataset.articleLinksUrl) return;
    clearTimeout(linksTimer);
    linksTimer = setTimeout(() => {
      const url = `${composer().dataset.articleLinksUrl}?q=${encodeURIComponent(query.value)}`;
      fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          const fragment = new DOMParser().parseFromString(html, "text/html");
          const list = fragment.querySelector("[data-article-links-list]");
          const shown = document.querySelector("[data-article-links-list]");
          if (list && shown) shown.replaceChildren(...list.childNodes);
        })
        .catch(() => {});
    }, 250);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.closest("[data-article-links-query]")) {
      event.preventDefault();
    }
  });

  // The admin's message area (Wagtail's w-messages controller, a role=status live region).
  const say = (text, type) => {
    if (!text) return;
    document.dispatchEvent(
      new CustomEvent("w-messages:add", { detail: { clear: true, text, type } }),
    );
  };

  // After a send: the composer as the server would show it anew (no text, no draft, a public
  // reply), knowing the newest message for the next concurrent-reply check.
  const emptyComposer = (form, reset) => {
    form.reset();
    form.querySelector("[data-composer-body]").value = "";
    form.querySelector("input[name=last_seen]").value = reset.last_seen;
    const publicReply = form.querySelector("input[name=internal][value='0']");
    if (publicReply) publicReply.checked = true;
    form.querySelectorAll("[data-composer-errors], .help-warning").forEach((node) => node.remove());
    form.querySelectorAll(".w-field--error").forEach((field) => {
      field.classList.remove("w-field--error");
      field.querySelector(".w-field__errors")?.replaceChildren();
    });
    form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
    document.querySelector("[data-draft-notice]")?.remove();
    preview().replaceChildren();
  };

  // Send and Save draft in place: the server runs the same service and answers with the
  // panels that changed (JSON: panels, message, level, focus).
  let sending = false;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "composer") return;
    const intent = event.submitter?.value || "send";
    if (intent === "preview") {
      event.preventDefault();
      refresh().then(() => preview().closest("section").scrollIntoView({ block: "nearest" }));
      return;
    }
    if (intent !== "send" && intent !== "draft") return;
    event.preventDefault();
    if (sending) return; // one send at a time: a double click sends once
    sending = true;
    const data = new FormData(form);
    data.set("intent", intent);
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.setAttribute("aria-disabled", "true");
    });
    // form.action would be the hidden input named "action".
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Workspace-Fragments": "1", Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => {
        const json = (response.headers.get("Content-Type") || "").includes("application/json");
        if (json) return response.json();
        return Promise.reject(response.status);
      })
      .then((answer) => {
        Object.entries(answer.panels).forEach(([name, html]) => {
          const box = document.querySelector(`[data-ws-panel="${name}"]`);
          if (box) box.innerHTML = html;
        });
        if (answer.reset) emptyComposer(form, answer.reset);
        say(answer.message, answer.level);
        const target = answer.focus && document.querySelector(answer.focus);
        if (target) {
          if (!target.hasAttribute("tabindex") && !target.matches("input, textarea, select")) {
            target.setAttribute("tabindex", "-1");
          }
          target.focus();
          target.scrollIntoView({ block: "nearest" });
        }
      })
      .catch((status) => {
        // Refused (403/404: no longer this user's question) or failed: the text stays.
        const refused = status === 403 || status === 404;
        say(refused ? root.dataset.refused : root.dataset.fragmentsError, "error");
      })
      .finally(() => {
        sending = false;
        form.querySelectorAll("button[type=submit]").forEach((button) => {
          button.removeAttribute("aria-disabled");
        });
      });
  });
})();
