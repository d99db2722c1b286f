// giaoban — small progressive enhancements; pages work without them. No inline script (CSP).
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // A print button: <button data-print>. The print style sheet hides the navigation.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // On paper a closed <details> (a chart's table of figures) would print as its summary
    // only: open them for printing, close them again afterwards.
    var openedForPrint = [];
    window.addEventListener("beforeprint", function () {
      openedForPrint = Array.prototype.filter.call(
        document.querySelectorAll("details:not([open])"), function (d) { d.open = true; return true; });
    });
    window.addEventListener("afterprint", function () {
      openedForPrint.forEach(function (d) { d.open = false; });
      openedForPrint = [];
    });
    // Confirmation prompts for destructive forms: <form data-confirm="…">.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    document.querySelectorAll(".file-picker").forEach(filePicker);
  });

  // A file box in Vietnamese (core/widgets.py FilePickerInput): the browser's own control is
  // hidden behind a "Chọn tệp…" label; this names the chosen file, and takes a dropped one.
  function filePicker(picker) {
    var input = picker.querySelector("input[type=file]");
    var name = picker.querySelector(".file-name");
    if (!input || !name) return;
    function show() {
      var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      name.textContent = names.length ? names.join(", ") : name.getAttribute("data-empty");
      picker.classList.toggle("has-file", names.length > 0);
    }
    input.addEventListener("change", show);
    picker.addEventListener("dragover", function (event) {
      event.preventDefault();
      picker.classList.add("is-dragover");
    });
    picker.addEventListener("dragleave", function () { picker.classList.remove("is-dragover"); });
    picker.addEventListener("drop", function (event) {
      event.preventDefault();
      picker.classList.remove("is-dragover");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
    show();  // a file kept by the browser on "back" is named too
  }

  window.giaoban = { onReady: onReady };
})();
