// Toasts fade after a few seconds; errors stay until read (they are banners, not toasts).
document.addEventListener("DOMContentLoaded", () => {
  for (const toast of document.querySelectorAll(".toast:not(.toast-error)")) {
    setTimeout(() => toast.classList.add("fading"), 4000);
    setTimeout(() => toast.remove(), 4500);
  }
});
