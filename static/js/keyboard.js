// Keyboard shortcuts, as in the help desks staff know: j/k move through a list's rows (Enter
// opens the focused row's link), r and n open the reply and note composers, / searches,
// g c and g t go to customers and tickets, ? lists them all. Ignored while typing.
(() => {
  const SHORTCUTS = [
    ["j / k", "Next / previous row in a list"],
    ["Enter", "Open the chosen row"],
    ["r", "Reply (ticket page)"],
    ["n", "Internal note (ticket page)"],
    ["/", "Search"],
    ["g c", "Go to customers"],
    ["g t", "Go to tickets"],
    ["?", "Show these shortcuts"],
  ];
  let pendingG = 0;

  const typing = (target) =>
    target instanceof Element &&
    Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]"));

  const rows = () => [...document.querySelectorAll("main table.data tbody tr")].filter((row) => row.querySelector("a[href]"));

  const moveRow = (step) => {
    const all = rows();
    if (!all.length) return;
    const current = all.findIndex((row) => row.classList.contains("is-current"));
    const next = current === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + step));
    all.forEach((row, index) => row.classList.toggle("is-current", index === next));
    const link = all[next].querySelector("a[href]");
    link.focus({ preventScroll: true });
    all[next].scrollIntoView({ block: "nearest" });
  };

  const openComposer = (kind) => {
    const tab = document.querySelector(`[data-composer-tab="${kind}"]`);
    const panel = document.querySelector(`[data-composer-panel="${kind}"]`);
    if (!tab || !panel) return false;
    if (panel.hidden) tab.click();
    const box = panel.querySelector("textarea");
    if (box) {
      box.focus({ preventScroll: true });
      box.scrollIntoView({ block: "center" });
    }
    return true;
  };

  const focusSearch = () => {
    const box = document.getElementById("search-q") || document.getElementById("goto-id");
    if (!box) return false;
    box.focus();
    box.select();
    return true;
  };

  const mainLink = (name) =>
    [...document.querySelectorAll("header nav a")].find((link) => link.textContent.trim().startsWith(name));

  let dialog = null;
  const showShortcuts = () => {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "shortcuts";
      dialog.setAttribute("aria-labelledby", "shortcuts-title");
      const title = document.createElement("h2");
      title.id = "shortcuts-title";
      title.textContent = "Keyboard shortcuts";
      const list = document.createElement("dl");
      for (const [keys, meaning] of SHORTCUTS) {
        const term = document.createElement("dt");
        for (const key of keys.split(" ")) {
          const kbd = document.createElement(key === "/" && keys.includes(" / ") ? "span" : "kbd");
          kbd.textContent = key;
          term.append(kbd, " ");
        }
        const description = document.createElement("dd");
        description.textContent = meaning;
        list.append(term, description);
      }
      const form = document.createElement("form");
      form.method = "dialog";
      const close = document.createElement("button");
      close.textContent = "Close";
      form.append(close);
      dialog.append(title, list, form);
      document.body.append(dialog);
    }
    if (!dialog.open) dialog.showModal();
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || (dialog && dialog.open)) return;
    const key = event.key;
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      const link = key === "c" ? mainLink("Customers") : key === "t" ? mainLink("Tickets") : null;
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
      return;
    }
    pendingG = 0;
    let handled = true;
    if (key === "j") moveRow(1);
    else if (key === "k") moveRow(-1);
    else if (key === "r") handled = openComposer("reply");
    else if (key === "n") handled = openComposer("note");
    else if (key === "/") handled = focusSearch();
    else if (key === "?") showShortcuts();
    else if (key === "g") pendingG = Date.now();
    else handled = false;
    if (handled) event.preventDefault();
  });
})();
