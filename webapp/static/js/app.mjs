// The portal's one behaviour module. No inline script or hx-on anywhere, so the
// Content-Security-Policy can stay at script-src 'self'.
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK components in the page, and in every fragment htmx swaps in.
if (window.htmx) {
  window.htmx.onLoad((element) => initAll({ scope: element }));
} else {
  initAll();
}

// A new request clears the message of an earlier refused one.
// A result marked data-stale-on-request goes too, so an old answer never sits under
// new input.
document.body.addEventListener("htmx:beforeRequest", () => {
  const region = document.getElementById("request-error");
  if (region) region.replaceChildren();
  document.querySelectorAll("[data-stale-on-request]").forEach((element) => element.remove());
});

// After htmx swaps in a result, move focus to it so screen readers announce it: the
// verification result, the status of a user after Suspend, Reinstate or Unlock (with its
// message), or the field a refused action needs filled in.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const swapped = event.detail.elt;
  if (!(swapped instanceof Element)) return;
  const target = swapped.matches("[data-focus-on-swap]")
    ? swapped : swapped.querySelector("[data-focus-on-swap]");
  if (target) target.focus();
});

// Session timeout warning: opens SESSION_WARNING_SECONDS before the idle timeout.
// ‘Stay signed in’ posts to the keep-alive endpoint (with the CSRF token) and restarts the
// clock; when the time runs out the browser goes to the sign-in page, which the server
// would have required anyway.
function startTimeoutWarning() {
  const body = document.body;
  const dialog = document.getElementById("timeout-warning");
  if (!dialog || !body.dataset.idleSeconds) return;
  const idleSeconds = Number(body.dataset.idleSeconds);
  const warningSeconds = Math.min(Number(body.dataset.warningSeconds), idleSeconds);
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  let deadline;
  let warnTimer;
  let tickTimer;

  function describe(seconds) {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = describe(left);
    if (left <= 0) {
      window.location.href = body.dataset.signedOutUrl;
    }
  }

  function restart() {
    clearTimeout(warnTimer);
    clearInterval(tickTimer);
    deadline = Date.now() + idleSeconds * 1000;
    warnTimer = setTimeout(() => {
      tick();
      if (!dialog.open) dialog.showModal();
      tickTimer = setInterval(tick, 1000);
    }, (idleSeconds - warningSeconds) * 1000);
  }

  dialog.querySelector("[data-timeout-stay]").addEventListener("click", async () => {
    const headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
    // A session that has already ended answers with a redirect to the sign-in page:
    // do not follow it, or the redirected page's 200 would look like success.
    const response = await fetch(body.dataset.keepAliveUrl, {
      method: "POST", headers, credentials: "same-origin", redirect: "manual",
    });
    if (response.status !== 204) {
      window.location.href = body.dataset.signedOutUrl;
      return;
    }
    dialog.close();
    restart();
  });
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  document.body.addEventListener("htmx:afterRequest", restart);
  restart();
}

startTimeoutWarning();

// ‘Select all’ on Find user: ticks or unticks every role, and follows them. Without
// JavaScript the server reads a ticked ‘Select all’ as every role. Listened for in the
// capture phase, so the boxes agree before the active search sends the form.
document.addEventListener("change", (event) => {
  const scope = event.target.closest("[data-select-all-scope]");
  if (!scope) return;
  const selectAll = scope.querySelector("[data-select-all] input[type=checkbox]");
  const roles = [...scope.querySelectorAll("input[type=checkbox]")].filter((box) => box !== selectAll);
  if (event.target === selectAll) {
    roles.forEach((box) => { box.checked = selectAll.checked; });
  } else {
    selectAll.checked = roles.every((box) => box.checked);
  }
}, true);

// Create organisation: show only the role boxes of the kind chosen (all show without
// JavaScript, each named for its kind; the server reads only the chosen kind's).
function showRolesOfChosenKind() {
  const groups = document.querySelectorAll("[data-roles-for-kind]");
  if (!groups.length) return;
  const chosen = document.querySelector("input[name=kind]:checked");
  groups.forEach((group) => {
    group.hidden = !chosen || group.dataset.rolesForKind !== chosen.value;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches?.("input[name=kind]")) showRolesOfChosenKind();
});
showRolesOfChosenKind();
