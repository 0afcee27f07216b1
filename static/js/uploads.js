// Before a long upload the server would refuse as a whole (413, nothing saved), say so on
// the form; the server checks everything again, so this is a courtesy only. Also shows the
// 413 page's "go back" button.
document.addEventListener("DOMContentLoaded", () => {
  for (const place of document.querySelectorAll("[data-go-back]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary";
    button.textContent = place.dataset.goBack;
    // Back, not a fresh GET of the form, is what keeps the text already typed.
    button.addEventListener("click", () => history.back());
    place.replaceWith(button);
  }

  for (const box of document.querySelectorAll("[data-max-request]")) {
    const input = box.querySelector('input[type="file"]');
    if (!input || !input.form) continue;
    const limit = Number(box.dataset.maxRequest);
    const warning = document.createElement("p");
    warning.className = "error";
    warning.setAttribute("role", "alert");
    warning.hidden = true;
    box.append(warning);
    const tooLarge = () =>
      Array.from(input.files || []).reduce((sum, file) => sum + file.size, 0) > limit;

    input.addEventListener("change", () => {
      warning.textContent = tooLarge() ? box.dataset.tooLarge : "";
      warning.hidden = !tooLarge();
    });
    // The forms are novalidate, so the browser would send it anyway.
    input.form.addEventListener("submit", (event) => {
      if (!tooLarge()) return;
      event.preventDefault();
      warning.textContent = box.dataset.tooLarge;
      warning.hidden = false;
      input.focus();
    });
  }
});
