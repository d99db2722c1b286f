// Form editing: on the validation-rule page, show only the fields the chosen kind uses.
// Progressive enhancement only: without it every field shows and the server ignores
// the ones a kind does not use. No inline script (CSP).
(function () {
  "use strict";
  var FIELDS = {
    bounds: ["indicator", "min_value", "max_value"],
    required: ["indicator", "narrative"],
    compare: ["indicator", "operator", "other"],
  };
  var OPTIONAL = ["indicator", "narrative", "operator", "other", "min_value", "max_value"];

  function update(form, kind) {
    var wanted = FIELDS[kind] || OPTIONAL;
    OPTIONAL.forEach(function (name) {
      var wrapper = form.querySelector(".fa-field-" + name);
      if (!wrapper) return;
      var keep = wanted.indexOf(name) !== -1 || wrapper.querySelector(".field-error");
      wrapper.hidden = !keep;
    });
  }

  function start() {
    document.querySelectorAll("form.fa-kind-rule").forEach(function (form) {
      var select = form.querySelector("select[name=kind]");
      if (!select) return;
      update(form, select.value);
      select.addEventListener("change", function () { update(form, select.value); });
    });
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
