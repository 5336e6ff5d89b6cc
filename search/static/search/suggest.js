// Live suggestions on the intake form: while the visitor types the subject or the question,
// ask the server for matching articles (an HTML fragment it rendered and escaped). Without
// JavaScript the "Check the knowledge base" button does the same with a full page.
(function () {
  "use strict";
  var box = document.querySelector("[data-suggest-url]");
  if (!box || !window.fetch) return;
  var target = box.querySelector("#kb-suggestions");
  var form = box.closest("form");
  var fields = form ? form.querySelectorAll("input[name=subject], textarea[name=body]") : [];
  var timer = null;
  var last = "";
  function text() {
    return Array.prototype.map.call(fields, function (field) { return field.value; }).join("\n");
  }
  function update() {
    var query = text().trim();
    if (query.length < 3 || query === last) return;
    last = query;
    var url = box.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(query.slice(0, 1000));
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && query === last) target.innerHTML = html; })
      .catch(function () { /* suggestions are optional */ });
  }
  Array.prototype.forEach.call(fields, function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
})();
