// giaoban — fill-in page of a report: saves changed fields a second after typing stops.
// Progressive enhancement only: without this file the "Lưu" button posts the whole form.
// The server answers the same URL with JSON when asked with X-Requested-With: every field
// it can read is saved; one it cannot read (letters for a number) is named in "unsaved",
// stays dirty here with what was typed, and its error is shown beside it. The form's
// checks come back with every save. Beside each box the page holds, hidden ("b-" + its
// name), what the box showed when the officer began; it goes with every save and is moved
// on once the box is saved, so the server can tell a box changed here from one another
// person saved meanwhile — which it keeps, naming it in "unsaved" with why.
(function () {
  "use strict";

  var DELAY = 1000;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  ready(function () {
    var form = document.getElementById("entry-form");
    if (!form || form.getAttribute("data-autosave") !== "1" || !window.fetch) return;
    var status = form.querySelector(".autosave-status");
    var summary = document.getElementById("entry-summary");
    var labels = {
      saved: form.getAttribute("data-saved-label"),
      saving: form.getAttribute("data-saving-label"),
      dirty: form.getAttribute("data-dirty-label"),
      failed: form.getAttribute("data-failed-label"),
      offline: form.getAttribute("data-offline-label"),
      error: form.getAttribute("data-error-label"),
      warning: form.getAttribute("data-warning-label")
    };
    var dirty = {};
    var timer = null;
    var inFlight = false;
    var again = false;
    var submitting = false;
    var ruleProblems = null; // the form's checks as of the last successful save

    function setStatus(text, state) {
      if (!status) return;
      status.textContent = text;
      status.setAttribute("data-state", state || "");
    }

    function fields() {
      return form.querySelectorAll("input[name^='v-'], textarea[name^='t-'], textarea[name^='r-']");
    }

    // A computed figure's override and its reason go together: the server needs both.
    function markDirty(field) {
      dirty[field.name] = true;
      var pair = field.getAttribute("data-pair");
      if (pair && form.elements[pair]) dirty[pair] = true;
    }

    function showComputed(values) {
      Object.keys(values || {}).forEach(function (code) {
        var out = form.querySelector("[data-live-for='" + code + "']");
        if (out) out.textContent = values[code] || "0";
      });
    }

    function showProblems(problems) {
      var byField = {};
      problems.forEach(function (p) {
        (byField[p.field] = byField[p.field] || []).push(p);
      });
      form.querySelectorAll(".field-problems").forEach(function (box) {
        var code = box.id.replace(/^problems-/, "");
        var row = document.getElementById("row-" + code);
        box.textContent = "";
        if (row) row.classList.remove("has-error", "has-warning");
        (byField[code] || []).forEach(function (p) {
          var label = p.severity === "error" ? labels.error : labels.warning;
          box.appendChild(el("p", "problem " + p.severity, label + ": " + p.message));
          if (row) row.classList.add("has-" + p.severity);
        });
      });
      if (!summary) return;
      var list = summary.querySelector(".summary-list");
      var counts = summary.querySelector(".summary-counts");
      if (list) {
        list.textContent = "";
        problems.forEach(function (p) {
          var li = el("li", "problem " + p.severity);
          li.appendChild(el("span", "problem-kind", (p.severity === "error" ? labels.error : labels.warning) + ":"));
          li.appendChild(document.createTextNode(" "));
          if (p.field) {
            var a = el("a", "", p.field);
            a.href = "#row-" + p.field;
            li.appendChild(a);
            li.appendChild(document.createTextNode(" — "));
          }
          li.appendChild(document.createTextNode(p.message));
          list.appendChild(li);
        });
      }
      if (counts) {
        var errors = problems.filter(function (p) { return p.severity === "error"; }).length;
        counts.textContent = errors + " " + labels.error.toLowerCase() + " · " +
          (problems.length - errors) + " " + labels.warning.toLowerCase();
      }
    }

    function save() {
      timer = null;
      var names = Object.keys(dirty);
      if (!names.length) return;
      if (inFlight) { again = true; return; }
      var body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      var sent = {};
      names.forEach(function (name) {
        var field = form.elements[name];
        if (!field) return;
        sent[name] = field.value;
        body.append(name, field.value);
        var shown = form.elements["b-" + name];
        if (shown) body.append(shown.name, shown.value);
      });
      inFlight = true;
      setStatus(labels.saving, "saving");
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("not json");
        return response.json().then(function (data) { return { response: response, data: data }; });
      }).then(function (result) {
        var data = result.data;
        if (data.ok) {
          var unsaved = {};
          (data.unsaved || []).forEach(function (code) { unsaved[code] = true; });
          Object.keys(sent).forEach(function (name) {
            var field = form.elements[name];
            if (unsaved[name.slice(2)]) return; // kept as typed, to be corrected
            var shown = form.elements["b-" + name];
            if (shown) shown.value = sent[name]; // what the server now holds
            if (field && field.value === sent[name]) {
              delete dirty[name];
              var code = name.slice(2);
              // Show the figure as saved (1.234,5) unless the officer is still in the box.
              if (name.indexOf("v-") === 0 && field !== document.activeElement) {
                field.value = (data.values && data.values[code]) || "";
              }
            }
          });
          ruleProblems = data.problems;
          showComputed(data.computed);
          showProblems(data.problems);
          if ((data.unsaved || []).length) setStatus(data.message, "failed");
          else setStatus(Object.keys(dirty).length ? labels.dirty : data.message, "saved");
        } else {
          var bad = {};
          data.problems.forEach(function (p) { bad[p.field] = true; });
          var shown = (ruleProblems || []).filter(function (p) { return !bad[p.field]; });
          showProblems(data.problems.concat(shown));
          setStatus(labels.failed + ": " + data.message, "failed");
        }
      }).catch(function () {
        setStatus(labels.offline, "failed");
      }).then(function () {
        inFlight = false;
        if (again) { again = false; schedule(); }
      });
    }

    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY);
    }

    // Figures typed before this script ran (a slow page), or put back by the browser on
    // returning to the page, fired no event here: find them by their changed value.
    fields().forEach(function (field) {
      if (field.value !== field.defaultValue) markDirty(field);
    });
    if (Object.keys(dirty).length) {
      setStatus(labels.dirty, "dirty");
      schedule();
    }

    fields().forEach(function (field) {
      field.addEventListener("input", function () {
        markDirty(field);
        setStatus(labels.dirty, "dirty");
        schedule();
      });
      field.addEventListener("blur", function (event) {
        // Moving from an override to its reason (or back) is not done yet: wait for both.
        var next = event.relatedTarget;
        if (next && next.name && next.name === field.getAttribute("data-pair")) return;
        if (dirty[field.name]) { if (timer) window.clearTimeout(timer); save(); }
      });
    });

    form.addEventListener("submit", function () {
      submitting = true;
      if (timer) window.clearTimeout(timer);
    });

    window.addEventListener("beforeunload", function (event) {
      if (!submitting && Object.keys(dirty).length) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
