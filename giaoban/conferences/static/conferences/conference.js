// giaoban — the conference's forms (hội nghị giao ban). No inline script (CSP); the forms
// work without this script.
//
// - A rule of units (participants, a task's units) shows the level select or the box of
//   units only when it applies.
// - Beside a box of unit codes, a search box (units/unit-picker.js) adds the unit picked.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function setUpRule(form) {
    var radios = form.querySelectorAll("input[data-rule-choice]");
    if (!radios.length) return;
    function apply() {
      var checked = form.querySelector("input[data-rule-choice]:checked");
      var rule = checked ? checked.value : "";
      form.querySelectorAll("[data-rule-part]").forEach(function (part) {
        part.hidden = part.getAttribute("data-rule-part") !== rule;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", apply); });
    apply();
  }

  function setUpAdder(adder) {
    var input = adder.querySelector("input[data-adds-to-box]");
    var scope = adder.parentElement;
    var box = scope ? scope.querySelector("textarea[data-units-box]") : null;
    if (!input || !box) return;
    adder.hidden = false;
    input.addEventListener("change", function () {
      var code = (input.value || "").split(" — ")[0].trim().toUpperCase();
      if (!code || input.value.indexOf(" — ") < 0) return;
      var codes = box.value.split(/[,;\n]+/).map(function (c) {
        return c.split(" — ")[0].trim().toUpperCase();
      }).filter(Boolean);
      if (codes.indexOf(code) < 0) codes.push(code);
      box.value = codes.join(", ");
      input.value = "";
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  ready(function () {
    document.querySelectorAll("form").forEach(setUpRule);
    document.querySelectorAll("[data-add-unit]").forEach(setUpAdder);
  });
})();
