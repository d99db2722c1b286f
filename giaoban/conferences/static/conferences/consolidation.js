// The consolidated report's pages (conferences/consolidation): small enhancements only; every
// action is a plain form that works without this file. No inline script (CSP).
(function () {
  "use strict";

  var GAP = " … "; // as excerpts.GAP: where sentences were left out

  // Lập báo cáo: only the chosen form's periods are offered.
  function periodsOfForm(form) {
    var formSelect = form.querySelector("select[name=form]");
    var periodSelect = form.querySelector("select[name=period]");
    if (!formSelect || !periodSelect) return;
    function filter() {
      var code = formSelect.value;
      var firstVisible = null;
      var selectedVisible = false;
      Array.prototype.forEach.call(periodSelect.options, function (option) {
        var mine = !option.getAttribute("data-form") || option.getAttribute("data-form") === code;
        option.hidden = !mine;
        option.disabled = !mine;
        if (mine && firstVisible === null) firstVisible = option;
        if (mine && option.selected) selectedVisible = true;
      });
      Array.prototype.forEach.call(periodSelect.querySelectorAll("optgroup"), function (group) {
        var visible = group.querySelector("option:not([hidden])");
        group.hidden = !visible;
      });
      if (!selectedVisible && firstVisible) firstVisible.selected = true;
    }
    formSelect.addEventListener("change", filter);
    filter();
  }

  // Sentence checkboxes: count, "all" / "none", and a preview of the excerpt they make.
  function sentencePicker(box) {
    var boxes = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    var tools = box.querySelector("[data-cs-tools]");
    var count = box.querySelector("[data-cs-count]");
    var preview = box.querySelector("[data-cs-preview]");
    var previewText = box.querySelector("[data-cs-preview-text]");
    if (!boxes.length) return;
    function sentenceOf(input) {
      var span = input.parentNode.querySelector("span");
      return span ? span.textContent : "";
    }
    function update() {
      var chosen = 0;
      var text = "";
      var last = -2;
      boxes.forEach(function (input, index) {
        if (!input.checked) return;
        chosen += 1;
        if (text) text += index === last + 1 ? " " : GAP;
        text += sentenceOf(input);
        last = index;
      });
      if (count) {
        count.textContent = count.getAttribute("data-label")
          .replace("{n}", chosen).replace("{all}", boxes.length);
      }
      if (preview && previewText) {
        previewText.textContent = text;
        preview.hidden = chosen === 0 || chosen === boxes.length;
      }
    }
    function setAll(value) {
      boxes.forEach(function (input) { input.checked = value; });
      update();
    }
    var all = box.querySelector("[data-cs-all]");
    var none = box.querySelector("[data-cs-none]");
    if (all) all.addEventListener("click", function () { setAll(true); });
    if (none) none.addEventListener("click", function () { setAll(false); });
    boxes.forEach(function (input) { input.addEventListener("change", update); });
    if (tools) tools.hidden = false;
    update();
  }

  function ready(fn) {
    if (window.giaoban) window.giaoban.onReady(fn);
    else if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // A paragraph's buttons share one form; "Xóa" asks first (its data-confirm).
  function confirmSubmitter(form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var question = button && button.getAttribute("data-confirm");
      if (question && !window.confirm(question)) event.preventDefault();
    });
  }

  ready(function () {
    document.querySelectorAll("form[data-cs-new]").forEach(periodsOfForm);
    document.querySelectorAll("form[data-cs-part]").forEach(confirmSubmitter);
    document.querySelectorAll("[data-cs-sentences]").forEach(sentencePicker);
  });
})();
