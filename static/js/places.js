// Cascading choice of a community: a <select data-places> lists the communities grouped by
// street (<optgroup>), which works without script. With it, a street list comes first and
// the community list offers only that street's communities. The server checks the choice
// either way; the street list is not sent (it has no name).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-places]")) {
    // WTForms puts the options of no street ("— not said —") in a group without a label.
    const groups = [...select.querySelectorAll("optgroup")].filter((group) => group.label);
    if (groups.length < 2) continue;
    const loose = [...select.querySelectorAll("option")]
      .filter((option) => !groups.includes(option.parentElement));
    const streets = document.createElement("select");
    streets.id = `${select.id}-street`;
    const label = document.createElement("label");
    label.htmlFor = streets.id;
    label.textContent = select.dataset.places;
    const any = new Option("—", "");
    streets.add(any);
    groups.forEach((group, i) => streets.add(new Option(group.label, String(i))));
    const all = groups.map((group) => [...group.children]);
    const show = () => {
      const chosen = streets.value === "" ? null : Number(streets.value);
      groups.forEach((group, i) => {
        group.hidden = chosen !== null && chosen !== i;
        for (const option of all[i]) option.disabled = group.hidden;
      });
      if (select.selectedOptions[0] && select.selectedOptions[0].disabled) {
        select.value = loose.length ? loose[0].value : "";
      }
    };
    const current = groups.findIndex((group) => group.contains(select.selectedOptions[0]));
    if (current >= 0) streets.value = String(current);
    const wrap = document.createElement("div");
    wrap.className = "field street-choice";
    wrap.append(label, streets);
    (select.closest(".field") || select).insertAdjacentElement("beforebegin", wrap);
    streets.addEventListener("change", show);
    show();
  }
});
