// While a request runs: the region it will replace says so (aria-busy, dimmed by the
// stylesheet) and the control that started it cannot start it again. A form posts once:
// its submit buttons are disabled once it is on its way, and enabled again when the page is
// shown from the back/forward cache. After an HTMX page or tab change the person is at the
// top of the new rows and the window title names the view and page.
(() => {
  const SITE = "FinHub Back Office";
  const busyControls = new Map();

  const disable = (control) => {
    if (!control || control.disabled || control.getAttribute("aria-disabled") === "true") return;
    if ("disabled" in control) control.disabled = true;
    else control.setAttribute("aria-disabled", "true");
    control.classList.add("is-busy");
  };
  const enable = (control) => {
    if ("disabled" in control) control.disabled = false;
    else control.removeAttribute("aria-disabled");
    control.classList.remove("is-busy");
  };

  document.addEventListener("htmx:beforeRequest", (event) => {
    const { elt, target, requestConfig } = event.detail;
    if (target && target.id !== "search-live") target.setAttribute("aria-busy", "true");
    // A form started by a change: the changed control (a disabled field is not sent, but
    // htmx has read the values by now); by a submit: its buttons; otherwise the element.
    const controls = [];
    if (elt instanceof HTMLFormElement) {
      const trigger = requestConfig?.triggeringEvent;
      if (trigger?.type === "change" && trigger.target instanceof HTMLElement) controls.push(trigger.target);
      controls.push(...elt.querySelectorAll("button[type=submit], button:not([type])"));
    } else if (elt instanceof HTMLInputElement && elt.type === "search") {
      return; // live search keeps its box typable
    } else {
      controls.push(elt);
    }
    controls.forEach(disable);
    busyControls.set(elt, { controls, target });
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const entry = busyControls.get(event.detail.elt);
    if (!entry) return;
    busyControls.delete(event.detail.elt);
    entry.controls.forEach(enable);
    entry.target?.removeAttribute("aria-busy");
  });

  // A plain form (not HTMX) posts once; its buttons are disabled after the browser has
  // read them, so the pressed button's name and value are still sent.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if (form.method !== "post" || form.hasAttribute("hx-post")) return;
    setTimeout(() => {
      for (const button of form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")) {
        button.disabled = true;
        button.dataset.disabledOnSubmit = "true";
      }
    });
  });
  window.addEventListener("pageshow", () => {
    for (const button of document.querySelectorAll("[data-disabled-on-submit]")) {
      button.disabled = false;
      delete button.dataset.disabledOnSubmit;
    }
  });

  // The window title after a swap: the page's heading, the chosen tab (unless "All") and
  // the page number past the first.
  const retitle = (region) => {
    const heading = document.querySelector("main h1");
    if (!heading) return;
    const parts = [heading.textContent.trim()];
    const tab = region.querySelector(".tabs [aria-current=page]");
    if (tab && tab.textContent.trim() !== "All") parts.push(tab.textContent.trim());
    const number = /Page (\d+) of/.exec(region.querySelector(".pager")?.textContent || "");
    if (number && number[1] !== "1") parts.push(`page ${number[1]}`);
    document.title = `${parts.join(" · ")} · ${SITE}`;
  };

  document.addEventListener("htmx:afterSettle", (event) => {
    const region = event.detail.elt;
    if (!(region instanceof HTMLElement) || !region.classList.contains("list-region")) return;
    if (!region.isConnected) return;
    retitle(region);
    // Paging, tabs and sort links move the person to the new rows; a filter field keeps focus.
    const trigger = event.detail.requestConfig?.elt;
    if (trigger instanceof HTMLAnchorElement) {
      const heading = region.querySelector("#" + region.getAttribute("aria-labelledby"));
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: "start" });
      }
    }
  });
})();
