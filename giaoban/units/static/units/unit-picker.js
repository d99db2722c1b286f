// giaoban — the unit picker: a search-as-you-type list for <input data-unit-picker>.
// Typing a few letters of a name (with or without diacritics) or a code lists the matching
// units of the user's scope (GET data-url?q=…&action=…); choosing one puts
// "CODE — Name" in the box, which the server reads. Without this script the box takes a
// code, or a name that matches exactly one unit. No inline script (CSP).
(function () {
  "use strict";

  var DELAY = 200;
  var counter = 0;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function setUp(input) {
    counter += 1;
    var listId = "unit-picker-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "unit-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var timer = null;
    var active = -1;
    var asked = "";

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(option) {
      input.value = option.getAttribute("data-label");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(results) {
      list.textContent = "";
      active = -1;
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = input.getAttribute("data-empty-label") || "—";
        list.appendChild(none);
      }
      results.forEach(function (unit, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("data-label", unit.label);
        var name = document.createElement("span");
        name.textContent = unit.label;
        option.appendChild(name);
        if (unit.trail) {
          var trail = document.createElement("small");
          trail.className = "muted";
          trail.textContent = unit.trail;
          option.appendChild(trail);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          choose(option);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      asked = text;
      var url = input.getAttribute("data-url") + "?q=" + encodeURIComponent(text) +
        "&action=" + encodeURIComponent(input.getAttribute("data-action") || "view");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === text) show(data.results); })
        .catch(close);
    }

    input.addEventListener("input", function () {
      if (timer) window.clearTimeout(timer);
      if (input.value.trim().length < 2) { close(); asked = ""; return; }
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.querySelectorAll("[role=option]")[active]);
      } else if (event.key === "Escape") close();
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  ready(function () {
    document.querySelectorAll("input[data-unit-picker]").forEach(setUp);
  });
})();
