// A button marked data-print opens the browser's print dialog (the print stylesheet in
// yishi.css keeps only the receipt). Without scripts the button stays hidden.
"use strict";
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
