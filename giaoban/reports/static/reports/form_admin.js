// Form editing: on the validation-rule page, show only the fields the chosen kind uses;
// on an indicator's page, only the parameters of the chosen source of records.
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

  // On an indicator's page, show only the parameters the chosen source of records takes.
  function updateSource(form, key) {
    form.querySelectorAll(".fa-param").forEach(function (wrapper) {
      var sources = (wrapper.getAttribute("data-sources") || "").split(" ");
      wrapper.hidden = sources.indexOf(key) === -1 && !wrapper.querySelector(".field-error");
    });
  }

  function start() {
    document.querySelectorAll("form.fa-kind-indicator").forEach(function (form) {
      var select = form.querySelector("select[name=source]");
      if (!select) return;
      updateSource(form, select.value);
      select.addEventListener("change", function () { updateSource(form, select.value); });
    });
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
