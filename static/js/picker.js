/* The time picker: in the month calendar arrow keys move between days (left/right a day,
   up/down a week), Home/End to the first/last day with times; in the day's times arrow keys
   move between times. Links work without it. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.querySelector("[data-month-grid]");
    if (!grid) { return; }
    var cells = Array.prototype.slice.call(grid.querySelectorAll("td"));
    var days = cells.map(function (td) { return td.querySelector(".day"); });
    var links = days.filter(function (d) { return d && d.tagName === "A"; });
    links.forEach(function (link) { link.tabIndex = link.classList.contains("selected") ? 0 : -1; });
    if (links.length && !links.some(function (l) { return l.tabIndex === 0; })) { links[0].tabIndex = 0; }
    grid.addEventListener("keydown", function (event) {
      var index = days.indexOf(document.activeElement);
      if (index < 0) { return; }
      var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key];
      var target = null;
      if (step) {
        for (var i = index + step; i >= 0 && i < days.length; i += step) {
          if (days[i] && days[i].tagName === "A") { target = days[i]; break; }
        }
      } else if (event.key === "Home") { target = links[0]; }
      else if (event.key === "End") { target = links[links.length - 1]; }
      if (!target) { return; }
      event.preventDefault();
      links.forEach(function (l) { l.tabIndex = -1; });
      target.tabIndex = 0;
      target.focus();
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("[data-slot-list]");
    if (!list) { return; }
    list.addEventListener("keydown", function (event) {
      var times = Array.prototype.slice.call(list.querySelectorAll("a, button"));
      var index = times.indexOf(document.activeElement);
      var step = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[event.key];
      if (index < 0 || !step || !times[index + step]) { return; }
      event.preventDefault();
      times[index + step].focus();
    });
  });
})();
