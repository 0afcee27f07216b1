// The hall's big screen: ask the ballot's screen.json every few seconds and show the
// turnout; when the desk switches what the screen shows, load the page again.
(function () {
  "use strict";
  var body = document.getElementById("screen");
  if (!body) { return; }
  var source = body.getAttribute("data-source");
  var showing = body.getAttribute("data-showing");
  var every = parseInt(body.getAttribute("data-every"), 10) || 1500;
  var fields = ["entitled", "present", "cast", "paper"];

  function show(data) {
    if (data.showing !== showing) {
      window.location.reload();
      return;
    }
    fields.forEach(function (name) {
      var element = document.getElementById("screen-" + name);
      var text = String(data[name]);
      if (element && element.textContent !== text) { element.textContent = text; }
    });
  }

  function ask() {
    fetch(source, { headers: { "Accept": "application/json" }, cache: "no-cache" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* the hall's network dropped a beat: ask again next time */ })
      .then(function () { window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
}());
