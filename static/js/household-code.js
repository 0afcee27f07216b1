// The QR code on a household letter opens this page with the code after "#", which no
// server receives: it is put into the form here, and taken out of the address bar.
"use strict";
(function () {
  var match = /(?:^#|&)code=([A-Za-z0-9-]{1,30})/.exec(window.location.hash);
  var input = document.getElementById("code");
  if (!match || !input) { return; }
  input.value = match[1];
  history.replaceState(null, "", window.location.pathname + window.location.search);
  input.focus();
})();
