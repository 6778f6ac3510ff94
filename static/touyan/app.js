// Touyan: small behaviours with no inline script (CSP: script-src 'self').
document.addEventListener("DOMContentLoaded", () => {
  // Buttons with data-confirm ask before an irreversible step.
  document.body.addEventListener("click", (event) => {
    const target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Selects with data-autosubmit submit their form on change.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form && select.form.submit());
  });
});
