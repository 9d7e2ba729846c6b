/* The roadmap's "what if" panel: changing a field fetches the plan at those answers
   (?...&fragment=1) and swaps it in (summary, timeline, study plan, costs), announcing
   the change. Without this file the panel is a plain GET form that re-renders the page. */
(function () {
  "use strict";
  var SWAPPED = ["what-if-note", "roadmap-downloads", "roadmap-summary", "roadmap-body"];
  var FIELDS = ["hours", "budget", "start"];

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-what-if]");
    var status = document.getElementById("what-if-status");
    if (!form || !status || !window.fetch || !window.DOMParser) { return; }
    var timer = null;
    var latest = 0;

    function showErrors(doc) {
      FIELDS.forEach(function (name) {
        var input = form.elements[name];
        var slot = document.getElementById("wi-" + name + "-error");
        var fresh = doc.querySelector('[data-error-for="' + name + '"]');
        if (!input || !slot) { return; }
        var box = input.closest(".field");
        if (fresh) {
          slot.textContent = fresh.textContent;
          slot.hidden = false;
          input.setAttribute("aria-invalid", "true");
          if (box) { box.classList.add("has-error"); }
        } else {
          slot.textContent = "";
          slot.hidden = true;
          input.removeAttribute("aria-invalid");
          if (box) { box.classList.remove("has-error"); }
        }
      });
      var summary = document.getElementById("what-if-summary");
      if (summary) { summary.remove(); }
    }

    function refresh() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var address = form.getAttribute("action") + "?" + query;
      var mine = ++latest;
      form.setAttribute("aria-busy", "true");
      fetch(address + "&fragment=1", { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.text().then(function (text) { return { ok: response.ok, text: text }; });
        })
        .then(function (result) {
          if (mine !== latest) { return; }
          var doc = new DOMParser().parseFromString(result.text, "text/html");
          // focus inside a part being swapped moves to its copy (or to the form's button)
          var focused = document.activeElement;
          var lost = false;
          SWAPPED.forEach(function (id) {
            var fresh = doc.getElementById(id);
            var old = document.getElementById(id);
            if (fresh && old) {
              if (focused && old.contains(focused)) { lost = true; }
              old.replaceWith(document.importNode(fresh, true));
            }
          });
          if (lost) {
            var again = focused.id ? document.getElementById(focused.id) : null;
            (again || form.querySelector("button[type=submit]")).focus();
          }
          showErrors(doc);
          var announce = doc.getElementById("what-if-announce");
          status.textContent = announce ? announce.textContent : "Updated.";
          if (result.ok && window.history && window.history.replaceState) {
            window.history.replaceState(null, "", address);
          }
        })
        .catch(function () {
          status.textContent = "The what-if could not be updated. Use the “Show this what-if” button.";
        })
        .then(function () { if (mine === latest) { form.removeAttribute("aria-busy"); } });
    }

    form.addEventListener("change", function () { window.clearTimeout(timer); refresh(); });
    form.addEventListener("submit", function (event) {  // the button: no page reload
      event.preventDefault();
      window.clearTimeout(timer);
      refresh();
    });
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 600);
    });
  });
})();
