// Draws the charts of templates/_charts.html with the vendored plotly.js.
// Progressive enhancement: every chart's numbers are already in a table next to it,
// so when plotly.js is missing or a figure fails, the table simply stays on its own.
(function () {
  "use strict";

  function unavailable(div) {
    div.classList.add("chart-unavailable");
  }

  function draw(div) {
    const block = document.getElementById(div.dataset.figure);
    if (!block || typeof window.Plotly === "undefined") {
      unavailable(div);
      return;
    }
    let figure;
    try {
      figure = JSON.parse(block.textContent);
    } catch (error) {
      console.error("charts.js: cannot read the data of #" + div.id, error);
      unavailable(div);
      return;
    }
    window.Plotly.newPlot(div, figure.data, figure.layout, figure.config).then(
      () => div.classList.add("chart-drawn"),
      (error) => {
        console.error("charts.js: cannot draw #" + div.id, error);
        unavailable(div);
      }
    );
  }

  function drawAll() {
    document.querySelectorAll(".chart[data-figure]").forEach((div) => {
      try {
        draw(div);
      } catch (error) {
        console.error("charts.js: cannot draw #" + div.id, error);
        unavailable(div);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
