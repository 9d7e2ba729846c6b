/* Weekly hours rows: add and remove rows without a round trip. Without this file the page
   shows blank rows to fill in, and clearing a row removes it. */
(function () {
  "use strict";
  function rowName(weekday, index, part) { return "hours-" + weekday + "-" + index + "-" + part; }

  function usedIndexes(day) {
    var used = {};
    day.querySelectorAll("input[type=time]").forEach(function (input) {
      used[input.name.split("-")[2]] = true;
    });
    return used;
  }

  function addRemove(day, row) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button small hours-remove";
    var label = day.querySelector("legend").textContent;
    var number = Array.prototype.indexOf.call(row.parentNode.children, row) + 1;
    button.textContent = "Remove";
    button.setAttribute("aria-label", "Remove " + label + " row " + number);
    button.addEventListener("click", function () {
      var list = row.parentNode;
      row.remove();
      var next = list.querySelector("input");
      (next || day.querySelector(".hours-add")).focus();
    });
    row.appendChild(button);
  }

  function makeRow(day, weekday, index) {
    var label = day.querySelector("legend").textContent;
    var row = document.createElement("li");
    row.className = "hours-row";
    ["start", "end"].forEach(function (part) {
      var name = rowName(weekday, index, part);
      var text = document.createElement("label");
      text.htmlFor = name;
      text.textContent = part === "start" ? "From" : "to";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " (" + label + ", new row)";
      text.appendChild(hidden);
      var input = document.createElement("input");
      input.type = "time";
      input.step = "300";
      input.id = name;
      input.name = name;
      var pair = document.createElement("span");  // a label and its field wrap together
      pair.className = "hours-pair";
      pair.appendChild(text);
      pair.appendChild(input);
      row.appendChild(pair);
    });
    return row;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".hours-day").forEach(function (day) {
      var weekday = day.getAttribute("data-weekday");
      var max = parseInt(day.getAttribute("data-max-rows"), 10);
      var list = day.querySelector(".hours-rows");
      list.querySelectorAll(".hours-row").forEach(function (row) { addRemove(day, row); });
      var add = document.createElement("button");
      add.type = "button";
      add.className = "button button-small hours-add";
      add.textContent = "Add a row";
      add.setAttribute("aria-label", "Add a row to " + day.querySelector("legend").textContent);
      add.addEventListener("click", function () {
        var used = usedIndexes(day);
        for (var i = 0; i < max; i += 1) {
          if (!used[String(i)]) {
            var row = makeRow(day, weekday, i);
            list.appendChild(row);
            addRemove(day, row);
            row.querySelector("input").focus();
            return;
          }
        }
      });
      day.querySelector(".hours-copy").prepend(add);
    });
  });
})();
