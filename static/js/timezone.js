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

/* Zone pickers: a search box that narrows the long list of zones as you type (by city,
   region or offset), and the intake's picker starts at the zone this device is set to. */
(function () {
  "use strict";
  function detectedZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-detect-zone]"), function (select) {
      if (select.value) { return; }
      var zone = detectedZone();
      if (Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) {
        select.value = zone;
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("select[data-zone-search]"), function (select) {
      var search = document.createElement("input");
      search.type = "search";
      search.className = "zone-search";
      search.placeholder = "Search zones (city or UTC offset)";
      search.setAttribute("aria-label", "Search time zones");
      search.setAttribute("aria-controls", select.id);
      select.parentNode.insertBefore(search, select);
      search.addEventListener("input", function () {
        var words = search.value.toLowerCase().replace(/_/g, " ").split(/\s+/).filter(Boolean);
        var first = null;
        Array.prototype.forEach.call(select.options, function (option) {
          var text = (option.text + " " + option.value).toLowerCase().replace(/_/g, " ");
          var match = !option.value || words.every(function (w) { return text.indexOf(w) !== -1; });
          option.hidden = !match;
          if (match && option.value && first === null) { first = option; }
        });
        if (first !== null && words.length && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
          select.value = first.value;
        }
      });
    });
  });
})();
