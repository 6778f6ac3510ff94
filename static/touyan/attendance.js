// Attendance pages: small behaviours with no inline script (CSP: script-src 'self').
document.addEventListener("DOMContentLoaded", () => {
  // Forms with data-once disable their buttons once sent (a slow phone network invites a second tap).
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        window.setTimeout(() => { button.disabled = true; }, 0);
        if (button.dataset.busy) button.textContent = button.dataset.busy;
      });
    });
  });
  // Duty book: "全部在岗" marks every cadre not yet recorded as present.
  document.querySelectorAll("[data-mark-all]").forEach((button) => {
    button.addEventListener("click", () => {
      const value = button.dataset.markAll;
      document.querySelectorAll(`input[type=radio][value='${value}']`).forEach((radio) => { radio.checked = true; });
    });
  });
  // Leave form: show how many days the chosen dates cover.
  const start = document.querySelector("input[name=start_date]");
  const end = document.querySelector("input[name=end_date]");
  const out = document.querySelector("[data-leave-days]");
  if (start && end && out) {
    const show = () => {
      const a = Date.parse(start.value);
      const b = Date.parse(end.value);
      out.textContent = (a && b && b >= a) ? out.dataset.template.replace("N", String(Math.round((b - a) / 86400000) + 1)) : "";
    };
    start.addEventListener("change", show);
    end.addEventListener("change", show);
    show();
  }
});
