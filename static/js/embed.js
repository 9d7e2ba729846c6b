/* The booking widget for the firm's own site. Paste where it should appear:

     <script src="https://BOOKING-HOST/static/js/embed.js" data-advisor="maria-lopez" async></script>

   data-advisor: an advisor's address name, or "any" (default) for the best-matching advisor.
   data-mode: "inline" (default: the booking pages in the page, growing with their content)
   or "popup" (a "Book a consultation" button opening them over the page); data-label names
   the button. The booking host must list this site in EMBED_ALLOWED_ORIGINS. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var host = new URL(script.src).origin;
  var advisor = script.getAttribute("data-advisor") || "any";
  var mode = script.getAttribute("data-mode") || "inline";
  var path = advisor === "any" ? "/book/any" : "/advisors/" + encodeURIComponent(advisor);
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var src = host + path + (zone ? "?tz=" + encodeURIComponent(zone) : "");

  function frame() {
    var iframe = document.createElement("iframe");
    iframe.src = src;
    iframe.title = "Book a consultation";
    iframe.loading = "lazy";
    iframe.style.cssText = "width:100%;min-height:480px;border:0;display:block;";
    window.addEventListener("message", function (event) {
      if (event.origin !== host || event.source !== iframe.contentWindow) { return; }
      var data = event.data || {};
      if (data.type === "advising:height" && data.height > 0) {
        iframe.style.height = Math.ceil(data.height) + "px";
      }
    });
    return iframe;
  }

  if (mode !== "popup") {
    var holder = document.createElement("div");
    holder.className = "advising-widget";
    holder.appendChild(frame());
    script.parentNode.insertBefore(holder, script);
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "advising-book-button";
  button.textContent = script.getAttribute("data-label") || "Book a consultation";
  script.parentNode.insertBefore(button, script);
  button.addEventListener("click", function () {
    var overlay = document.createElement("div");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", "Book a consultation");
    overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.55);z-index:2147483647;" +
      "display:flex;align-items:center;justify-content:center;padding:1rem;";
    var panel = document.createElement("div");
    panel.style.cssText = "background:#fff;width:min(760px,100%);max-height:100%;overflow:auto;" +
      "border-radius:10px;position:relative;";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.style.cssText = "position:sticky;top:0;float:right;margin:.5rem;";
    function shut() { overlay.remove(); button.focus(); document.removeEventListener("keydown", onKey); }
    function onKey(event) { if (event.key === "Escape") { shut(); } }
    close.addEventListener("click", shut);
    overlay.addEventListener("click", function (event) { if (event.target === overlay) { shut(); } });
    document.addEventListener("keydown", onKey);
    panel.appendChild(close);
    panel.appendChild(frame());
    overlay.appendChild(panel);
    document.body.appendChild(overlay);
    close.focus();
  });
})();
