// Hall tablets (templates/kiosk/): the receipt page returns to the welcome screen by itself,
// and a turn's page left untouched ends the turn. Both submit the page's own form, with its
// CSRF token, so the server forgets the delegate exactly as when the button is pressed.
"use strict";
(function () {
  function seconds(form, name, fallback) {
    var value = parseInt(form.getAttribute(name), 10);
    return value > 0 ? value : fallback;
  }

  var done = document.querySelector("form[data-return-after]");
  if (done) {
    var left = seconds(done, "data-return-after", 60);
    var shown = document.querySelector("[data-countdown]");
    var tick = function () {
      left -= 1;
      if (shown) { shown.textContent = "(" + Math.max(left, 0) + ")"; }
      if (left <= 0) { done.submit(); } else { window.setTimeout(tick, 1000); }
    };
    window.setTimeout(tick, 1000);
  }

  var leave = document.querySelector("form[data-idle-after]");
  if (leave) {
    var limit = seconds(leave, "data-idle-after", 300) * 1000;
    var timer = null;
    var restart = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { leave.submit(); }, limit);
    };
    ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
      document.addEventListener(name, restart, { passive: true });
    });
    restart();
  }
})();
