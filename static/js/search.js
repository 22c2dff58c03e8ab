// The top bar's search box: "/" focuses it from anywhere but a field; the arrow keys move
// through the live results; Escape or a click elsewhere closes them. Searching works without
// this (Enter submits the form).
(() => {
  const box = () => document.getElementById("search-q");
  const live = () => document.getElementById("search-live");
  const close = () => {
    const panel = live();
    if (panel) panel.replaceChildren();
  };

  document.addEventListener("keydown", (event) => {
    const input = box();
    if (!input) return;
    if (event.key === "Escape" && event.target === input) {
      close();
      return;
    }
    // Arrow keys walk from the box through the live results and back.
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const links = [...(live()?.querySelectorAll("a") ?? [])];
      const at = links.indexOf(document.activeElement);
      if (event.target !== input && at < 0) return;
      event.preventDefault();
      const next = event.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) input.focus();
      else if (next < links.length) links[next].focus();
      return;
    }
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    event.preventDefault();
    input.focus();
    input.select();
  });

  document.addEventListener("click", (event) => {
    const form = box()?.form;
    if (form && event.target instanceof Node && !form.contains(event.target)) close();
  });
})();
