/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the signed-in menu starts folded under "Menu" (templates/base.html).
    var menu = document.querySelector("[data-site-menu]");
    var phone = window.matchMedia("(max-width: 640px)");
    if (menu && phone.matches) { menu.removeAttribute("open"); }
    // Wider again (a phone turned, a window widened): the toggle is hidden there, so open it.
    if (menu) {
      phone.addEventListener("change", function () { if (!phone.matches) { menu.open = true; } });
    }
    // Move focus to the error summary so screen-reader and keyboard users hear it first.
    var summary = document.querySelector(".form-summary");
    if (summary) { summary.focus(); }
    // Ask before destructive actions marked with data-confirm.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();

/* Inside the booking widget (a frame on the firm's site): tell the page how tall this page
   is, so the frame grows with it instead of scrolling. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  function report() {
    window.parent.postMessage(
      { type: "advising:height", height: document.documentElement.scrollHeight }, "*"
    );
  }
  window.addEventListener("load", report);
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.documentElement); }
})();
