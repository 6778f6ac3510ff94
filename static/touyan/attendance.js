// Attendance pages: small behaviours with no inline script (CSP: script-src 'self').
document.addEventListener("DOMContentLoaded", () => {
  // Sign-in where the village checks location (A4): pressing 签到 asks the browser for the
  // position once, fills the hidden inputs and sends the form. Refused, unavailable or too slow
  // (no answer to the permission prompt within 10 s): the form goes without it, the sign-in
  // stands. Registered before data-once, which then sees the first submit as prevented.
  document.querySelectorAll("form[data-locate]").forEach((form) => {
    let sent = false;
    let guard = 0;
    const button = form.querySelector("button[type=submit]");
    const send = () => {
      if (sent) return;
      sent = true;
      window.clearTimeout(guard);
      if (button) {
        button.disabled = true;
        if (button.dataset.busy) button.textContent = button.dataset.busy;
      }
      form.submit();
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (sent) return;
      if (!navigator.geolocation || !window.isSecureContext) {
        send();
        return;
      }
      if (button) {
        button.disabled = true;
        button.textContent = form.dataset.locating || button.textContent;
      }
      guard = window.setTimeout(send, 10000);
      navigator.geolocation.getCurrentPosition((where) => {
        form.elements.latitude.value = where.coords.latitude.toFixed(6);
        form.elements.longitude.value = where.coords.longitude.toFixed(6);
        send();
      }, send, { enableHighAccuracy: false, timeout: 8000, maximumAge: 60000 });
    });
  });
  // Fence page: "用我现在的位置" fills a village's centre from the officer's own device.
  document.querySelectorAll("[data-fence-here]").forEach((button) => {
    if (!navigator.geolocation || !window.isSecureContext) return;
    button.hidden = false;
    const form = button.closest("form");
    const status = form.querySelector("[data-fence-status]");
    button.addEventListener("click", () => {
      status.textContent = button.dataset.busy;
      navigator.geolocation.getCurrentPosition((where) => {
        form.elements.latitude.value = where.coords.latitude.toFixed(6);
        form.elements.longitude.value = where.coords.longitude.toFixed(6);
        status.textContent = "";
      }, () => { status.textContent = button.dataset.failed; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
    });
  });
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
