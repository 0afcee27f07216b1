// While a title is typed, show similar proposals already made (Chinese-aware, server-side).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("similar");
  const input = document.getElementById("title");
  if (!box || !input) return;
  let timer = null;
  let last = "";

  const show = (items) => {
    box.replaceChildren();
    if (!items.length) return;
    const heading = document.createElement("p");
    heading.textContent = box.dataset.heading;
    const list = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      link.target = "_blank";
      link.rel = "noopener";
      li.append(link, ` (${item.cosigns} ${box.dataset.cosigns})`);
      list.append(li);
    }
    box.append(heading, list);
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const title = input.value.trim();
      if (title === last) return;
      last = title;
      if (title.length < 2) return show([]);
      const url = new URL(box.dataset.url, window.location.origin);
      url.searchParams.set("title", title);
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.ok) show(await response.json());
      } catch (_) {
        // Suggestions are a help, not a requirement: on a network error, show nothing.
      }
    }, 300);
  });
});
