// The top bar's search box: "/" focuses it from anywhere but a field; Escape or a click
// elsewhere closes the live results. Searching works without this (Enter submits the form).
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
