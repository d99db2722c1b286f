// giaoban — the requirement form of a campaign (yêu cầu của đợt). No inline script (CSP); the
// form works without this script (every field shown, the server ignores what does not apply).
//
// - The activity kind and the minimum number of activities are shown only when the
//   requirement is met by activities.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function setUpKind(form) {
    var radios = form.querySelectorAll("input[data-requirement-kind]");
    if (!radios.length) return;
    function apply() {
      var checked = form.querySelector("input[data-requirement-kind]:checked");
      var kind = checked ? checked.value : "";
      form.querySelectorAll("[data-kind-part]").forEach(function (part) {
        part.hidden = part.getAttribute("data-kind-part") !== kind;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", apply); });
    apply();
  }

  ready(function () {
    document.querySelectorAll("form[data-requirement-form]").forEach(setUpKind);
  });
})();
