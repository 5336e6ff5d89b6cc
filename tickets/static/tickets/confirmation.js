// The confirmation page: a "Print this page" button where the browser can print. Without
// JavaScript the button stays hidden and the page says how to print or save it.
(function () {
  "use strict";
  if (typeof window.print !== "function") return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
