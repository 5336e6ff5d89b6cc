// A one-click link carries its token in the URL fragment, which browsers never send to the
// server; this posts it, then removes it from the address bar and the history.
(function () {
  var match = window.location.hash.match(/^#link=([A-Za-z0-9_-]{20,100})$/);
  var form = document.getElementById("link-form");
  if (!match || !form) return;
  form.elements.link.value = match[1];
  window.history.replaceState(null, "", window.location.pathname);
  form.submit();
})();
