// giaoban — the draft form of a document (soạn thảo văn bản). No inline script (CSP).
//
// - The kind select shows only the kinds of the chosen issuing body (party or command).
// - The recipient rule shows the level select or the explicit units only when they apply.
// - The explicit units: the box of codes (which the server reads, and which works without
//   this script) becomes a list of chosen units with a finder — search by name or code
//   without diacritics, filter by level and by the unit they belong to — fed by
//   documents:pick_units, so 3,355 units are never one select.
(function () {
  "use strict";

  var DELAY = 250;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function checked(name) {
    var input = document.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  function codeOf(value) {
    return (value || "").split(" — ")[0].trim().toUpperCase();
  }

  // ------------------------------------------------------------ kinds by body

  function setUpKinds() {
    var select = document.querySelector("select[data-kind-select]");
    var radios = document.querySelectorAll("input[data-body-choice]");
    if (!select || !radios.length) return;
    function apply() {
      var body = checked("body");
      select.querySelectorAll("option[data-body]").forEach(function (option) {
        var other = body && option.getAttribute("data-body") !== body;
        option.hidden = other;
        option.disabled = other;
        if (other && option.selected) select.value = "";
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        var visible = group.querySelector("option:not([hidden])");
        group.hidden = !visible;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", apply); });
    apply();
  }

  // ------------------------------------------------------------ rule parts

  function setUpRule() {
    var radios = document.querySelectorAll("input[data-rule-choice]");
    if (!radios.length) return;
    function apply() {
      var rule = checked("recipient_rule");
      document.querySelectorAll("[data-rule-part]").forEach(function (part) {
        var name = part.getAttribute("data-rule-part");
        part.hidden = !((name === "level" && rule === "level") ||
          (name === "explicit" && rule === "explicit"));
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", apply); });
    apply();
  }

  // ------------------------------------------------------------ explicit units

  function setUpUnits(box) {
    var finder = document.querySelector("[data-units-finder]");
    if (!finder) return;
    var labels = {};
    document.querySelectorAll(".doc-chosen-static li[data-code]").forEach(function (li) {
      labels[li.getAttribute("data-code")] = li.textContent;
    });
    var staticList = document.querySelector(".doc-chosen-static");
    if (staticList) staticList.hidden = true;

    var chosen = document.createElement("ul");
    chosen.className = "doc-chips";
    chosen.setAttribute("aria-live", "polite");
    var count = document.createElement("p");
    count.className = "small muted";
    box.insertAdjacentElement("afterend", chosen);
    chosen.insertAdjacentElement("afterend", count);
    box.classList.add("doc-codes-box");

    function codes() {
      var out = [];
      box.value.split(/[,;\n]+/).forEach(function (item) {
        item.split(" — ")[0].split(/\s+/).forEach(function (token) {
          var code = token.trim().toUpperCase();
          if (code && out.indexOf(code) < 0) out.push(code);
        });
      });
      return out;
    }

    function write(list) {
      box.value = list.join(", ");
      render();
    }

    function render() {
      var list = codes();
      chosen.textContent = "";
      list.forEach(function (code) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = labels[code] || code;
        li.appendChild(name);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link danger-link";
        remove.textContent = box.getAttribute("data-remove-label") || "×";
        remove.setAttribute("aria-label", remove.textContent + " " + (labels[code] || code));
        remove.addEventListener("click", function () {
          write(codes().filter(function (c) { return c !== code; }));
        });
        li.appendChild(remove);
        chosen.appendChild(li);
      });
      count.textContent = list.length
        ? (box.getAttribute("data-count-label") || "{n}").replace("{n}", list.length)
        : (box.getAttribute("data-none-label") || "");
    }

    function add(unit) {
      labels[unit.code] = unit.label;
      var list = codes();
      if (list.indexOf(unit.code) < 0) list.push(unit.code);
      write(list);
    }

    var q = finder.querySelector("[data-finder-q]");
    var level = finder.querySelector("[data-finder-level]");
    var within = finder.querySelector("[data-finder-within]");
    var results = finder.querySelector("[data-finder-results]");
    var status = finder.querySelector("[data-finder-status]");
    var all = finder.querySelector("[data-finder-all]");
    var found = [];
    var timer = null;

    function under() {
      if (finder.getAttribute("data-under")) return finder.getAttribute("data-under");
      var unit = document.querySelector("input[name=unit]");
      return unit ? codeOf(unit.value) : "";
    }

    function show(data) {
      found = data.results || [];
      results.textContent = "";
      found.forEach(function (unit) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = unit.label;
        button.addEventListener("click", function () { add(unit); });
        li.appendChild(button);
        var where = document.createElement("small");
        where.className = "muted";
        where.textContent = " " + unit.level + (unit.parent ? " · " + unit.parent : "");
        li.appendChild(where);
        results.appendChild(li);
      });
      status.textContent = found.length
        ? (box.getAttribute("data-found-label") || "{n}").replace("{n}", found.length + (data.more ? "+" : ""))
        : (q.value.trim() || level.value || within.value.trim() ? box.getAttribute("data-empty-label") || "" : "");
      all.hidden = found.length < 2;
    }

    function search() {
      var params = new URLSearchParams();
      params.set("q", q.value.trim());
      params.set("level", level.value);
      params.set("under", under());
      params.set("within", codeOf(within.value));
      fetch(finder.getAttribute("data-url") + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(show)
        .catch(function () { show({ results: [] }); });
    }

    function later() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    }

    q.addEventListener("input", later);
    q.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
    level.addEventListener("change", search);
    within.addEventListener("change", search);
    all.addEventListener("click", function () {
      var list = codes();
      found.forEach(function (unit) {
        labels[unit.code] = unit.label;
        if (list.indexOf(unit.code) < 0) list.push(unit.code);
      });
      write(list);
    });
    box.addEventListener("change", render);
    finder.hidden = false;
    render();
  }

  ready(function () {
    setUpKinds();
    setUpRule();
    var box = document.querySelector("textarea[data-units-picker]");
    if (box) setUpUnits(box);
  });
})();
