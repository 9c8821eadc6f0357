// Loaded in <head> from our own origin (no inline script under the CSP): tells GOV.UK
// Frontend's CSS that JavaScript runs, before the page paints.
document.documentElement.classList.add("lrs-js");
document.addEventListener("DOMContentLoaded", function () {
  document.body.classList.add("js-enabled");
  if ("noModule" in HTMLScriptElement.prototype) {
    document.body.classList.add("govuk-frontend-supported");
  }
});
