// Forms that help: the error summary takes the focus when a form comes back with problems,
// its links put the cursor in the field they name, and a long text shows how many
// characters are left of its limit. The server checks everything again; without script
// the summary and the limits in the help text are still there.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (!link) return;
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      // The label above the field is part of what a person needs to see.
      (target.closest(".field") || target).scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  for (const box of document.querySelectorAll("textarea[maxlength][data-count]")) {
    const max = Number(box.getAttribute("maxlength"));
    if (!max) continue;
    const counter = document.createElement("p");
    counter.className = "help counter";
    counter.id = `${box.id}-count`;
    const show = () => {
      // What the server counts: each line break is one character, as here.
      counter.textContent = box.dataset.count
        .replace("{n}", box.value.length.toLocaleString())
        .replace("{max}", max.toLocaleString());
      counter.classList.toggle("near-limit", box.value.length > max * 0.9);
    };
    box.insertAdjacentElement("afterend", counter);
    show();
    box.addEventListener("input", show);
  }
});
