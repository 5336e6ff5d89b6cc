// Move focus to the error summary when a form comes back with errors, so screen readers and
// keyboard users start there. Without JavaScript the summary is still the first thing in the
// page's content.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
