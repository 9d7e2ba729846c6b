/* Detect the visitor's time zone and show slot times in it. Without JavaScript the page
   shows the advisor's zone and names it; the picker still works as a plain GET form. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // A hidden field (the sign-in form's) just carries the browser's zone with the form.
    Array.prototype.forEach.call(document.querySelectorAll("input[data-detect-tz-input]"), function (input) {
      try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* none */ }
    });
    var form = document.querySelector("form[data-detect-tz]");
    if (!form) { return; }
    var select = form.querySelector("select[name=tz]");
    select.addEventListener("change", function () { form.submit(); });
    var params = new URLSearchParams(window.location.search);
    if (params.has("tz")) { return; }
    var detected;
    try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!detected || detected === select.value) { return; }
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === detected; });
    if (known) { select.value = detected; form.submit(); }
  });
})();
