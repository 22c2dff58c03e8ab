// Small enhancements; every page works without them.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Toasts fade after a few seconds; errors stay until read (they are banners, not toasts).
  for (const toast of document.querySelectorAll(".toast:not(.toast-error)")) {
    setTimeout(() => toast.classList.add("fading"), 4000);
    setTimeout(() => toast.remove(), 4500);
  }

  // Composer tabs switch in place instead of reloading the page.
  for (const tab of document.querySelectorAll("[data-composer-tab]")) {
    tab.addEventListener("click", (event) => {
      event.preventDefault();
      const chosen = tab.dataset.composerTab;
      for (const other of document.querySelectorAll("[data-composer-tab]")) {
        const selected = other.dataset.composerTab === chosen;
        other.setAttribute("aria-selected", String(selected));
        if (selected) other.setAttribute("aria-current", "page");
        else other.removeAttribute("aria-current");
      }
      for (const panel of document.querySelectorAll("[data-composer-panel]")) {
        panel.hidden = panel.dataset.composerPanel !== chosen;
      }
    });
  }

  // A canned reply is inserted at the cursor of its composer's text box.
  for (const picker of document.querySelectorAll("select[data-insert-into]")) {
    picker.addEventListener("change", () => {
      const option = picker.selectedOptions[0];
      const box = document.getElementById(picker.dataset.insertInto);
      if (!option || !option.value || !box) return;
      const text = option.dataset.message || "";
      const start = box.selectionStart ?? box.value.length;
      const end = box.selectionEnd ?? box.value.length;
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
      box.selectionStart = box.selectionEnd = start + text.length;
      picker.value = "";
    });
  }
});
