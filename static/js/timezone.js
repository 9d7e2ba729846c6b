/* Detect the visitor's time zone and show slot times in it. Without JavaScript the page
   shows the advisor's zone and names it; the picker still works as a plain GET form.
   Zone pickers also get a search box that narrows the long list of zones as you type (by
   city, region or offset), and the intake's picker starts at the zone this device is set to. */
(function () {
  "use strict";
  var script = document.currentScript;
  var aliasesUrl = script ? script.getAttribute("data-zone-aliases") : null;
  var aliases = null;

  function detectedZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function hasOption(select, zone) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  }

  /* Calls done with the name the picker offers for zone: the name itself, or the current
     name of an old one some browsers still report (Asia/Calcutta for Asia/Kolkata), or "". */
  function offeredZone(select, zone, done) {
    if (!zone) { done(""); return; }
    if (hasOption(select, zone)) { done(zone); return; }
    if (!aliasesUrl || !window.fetch) { done(""); return; }
    if (aliases === null) {
      aliases = fetch(aliasesUrl, { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .catch(function () { return {}; });
    }
    aliases.then(function (map) {
      var name = Object.prototype.hasOwnProperty.call(map, zone) ? map[zone] : "";
      done(name && hasOption(select, name) ? name : "");
    });
  }

  function showTimesInDetectedZone(form) {
    var select = form.querySelector("select[name=tz]");
    // A choice applies with the form's button, never on change: arrow keys in a select fire
    // change on every step, which reloaded the page at each zone (WCAG 3.2.2).
    if (new URLSearchParams(window.location.search).has("tz")) { return; }
    offeredZone(select, detectedZone(), function (zone) {
      if (zone && zone !== select.value) { select.value = zone; form.submit(); }
    });
  }

  /* What a typed word stands for: US abbreviations and short names mean the zones whose
     label starts with that everyday name ("EST", "EDT", "ET": Eastern Time, in either
     season), never a word of other zones ("pst" is no Pacific/Auckland). */
  var ZONE_WORDS = {
    est: "eastern time", edt: "eastern time", et: "eastern time",
    cst: "central time", cdt: "central time", ct: "central time",
    mst: "mountain time", mdt: "mountain time", mt: "mountain time",
    pst: "pacific time", pdt: "pacific time", pt: "pacific time",
    akst: "alaska time", akdt: "alaska time", hst: "hawaii time", ast: "atlantic time"
  };

  /* "+5:30", "-5", "utc-05:00", "gmt+1" as one form ("+5:30", "-5", "+1"); null otherwise. */
  function offsetOf(text) {
    var m = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
    if (!m) { return /^(utc|gmt)$/.test(text) ? "+0" : null; }
    var hours = parseInt(m[2], 10), minutes = m[3] ? parseInt(m[3], 10) : 0;
    return (hours === 0 && minutes === 0 ? "+" : m[1]) + hours + (minutes ? ":" + m[3] : "");
  }

  /* A word matches an option when it starts one of the option's words (so "est" is no part
     of "Creston"), names its offset, or stands for its everyday name. */
  function matches(option, words) {
    var text = (option.text + " " + option.value + " " + (option.getAttribute("data-words") || ""))
      .toLowerCase().replace(/_/g, " ");
    var tokens = text.split(/[\s\/(),]+/);
    var offsetMatch = /utc([+-]\d{1,2}(?::\d{2})?)/.exec(text);
    var offset = offsetMatch ? offsetOf(offsetMatch[1]) : null;
    return words.every(function (word) {
      if (Object.prototype.hasOwnProperty.call(ZONE_WORDS, word)) {
        return option.text.toLowerCase().indexOf(ZONE_WORDS[word]) === 0;
      }
      var asOffset = offsetOf(word);
      if (asOffset !== null) { return asOffset === offset; }
      return tokens.some(function (token) { return token.indexOf(word) === 0; });
    });
  }

  function addZoneSearch(select) {
    var search = document.createElement("input");
    search.type = "search";
    search.className = "zone-search";
    search.placeholder = "Search: city, EST, or UTC offset";
    search.setAttribute("aria-label", "Search time zones");
    search.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "zone-search-status small muted";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(status, select.nextSibling);
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().replace(/_/g, " ").split(/\s+/).filter(Boolean);
      var first = null, count = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !option.value || !words.length || matches(option, words);
        option.hidden = !match;
        if (match && option.value) {
          count += 1;
          if (first === null) { first = option; }
        }
      });
      // a group with no match left hides its heading too ("United States" over nothing)
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      var moved = false;
      if (first !== null && words.length && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
        select.value = first.value;
        moved = true;
      }
      status.textContent = !words.length ? "" : count === 0 ? "No time zone matches."
        : count === 1 ? "1 time zone matches: " + first.text + "."
        : count + " time zones match" + (moved ? "; the first is selected." : ".");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // A hidden field (the sign-in form's) just carries the browser's zone with the form.
    Array.prototype.forEach.call(document.querySelectorAll("input[data-detect-tz-input]"), function (input) {
      input.value = detectedZone();
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-detect-tz]"), showTimesInDetectedZone);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-detect-zone]"), function (select) {
      if (select.value) { return; }
      offeredZone(select, detectedZone(), function (zone) {
        if (zone && !select.value) { select.value = zone; }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("select[data-zone-search]"), addZoneSearch);
  });
})();
