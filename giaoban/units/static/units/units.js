// giaoban — the lazy unit tree: a node's children are fetched as an HTML fragment when it opens.
// Served from the app (CSP script-src 'self'); the pages still work without it (every name links
// to the unit page, which lists the children with pagination).
(function () {
  "use strict";

  function treeOf(el) {
    return el.closest("ul.tree") || document.querySelector("ul.tree");
  }

  function text(el, name, fallback) {
    var tree = treeOf(el);
    return (tree && tree.getAttribute(name)) || fallback;
  }

  function fetchFragment(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "text/html" },
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    });
  }

  // A list of leaves (e.g. the communes of a province) is laid out in columns by the CSS.
  function markLeaves(list) {
    list.classList.toggle("leaves", !list.querySelector(":scope > li > .tree-toggle"));
  }

  function statusItem(el, cls, message) {
    var li = document.createElement("li");
    li.className = cls;
    li.textContent = message;
    return li;
  }

  function openNode(toggle) {
    var node = toggle.closest("li");
    var list = node.querySelector(":scope > ul.tree-children");
    if (list) {
      list.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      return;
    }
    list = document.createElement("ul");
    list.className = "tree-children";
    list.setAttribute("aria-busy", "true");
    list.appendChild(statusItem(toggle, "tree-loading muted", text(toggle, "data-loading-text", "…")));
    node.appendChild(list);
    toggle.setAttribute("aria-expanded", "true");
    toggle.disabled = true;
    fetchFragment(toggle.getAttribute("data-url"))
      .then(function (html) {
        list.innerHTML = html;
        markLeaves(list);
      })
      .catch(function () {
        list.remove();
        toggle.setAttribute("aria-expanded", "false");
        node.appendChild(statusItem(toggle, "tree-error error", text(toggle, "data-error-text", "!")));
      })
      .finally(function () {
        list.removeAttribute("aria-busy");
        toggle.disabled = false;
      });
  }

  function closeNode(toggle) {
    var list = toggle.closest("li").querySelector(":scope > ul.tree-children");
    if (list) list.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  }

  function loadMore(link) {
    var item = link.closest("li");
    link.setAttribute("aria-busy", "true");
    link.textContent = text(link, "data-loading-text", "…");
    fetchFragment(link.getAttribute("data-more-url"))
      .then(function (html) {
        var list = item.parentNode;
        item.insertAdjacentHTML("afterend", html);
        item.remove();
        markLeaves(list);
      })
      .catch(function () {
        item.replaceWith(statusItem(link, "tree-error error", text(link, "data-error-text", "!")));
      });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("button.tree-toggle[data-url]");
    if (toggle) {
      event.preventDefault();
      var stale = toggle.closest("li").querySelector(":scope > .tree-error");
      if (stale) stale.remove();
      if (toggle.getAttribute("aria-expanded") === "true") closeNode(toggle);
      else openNode(toggle);
      return;
    }
    var more = event.target.closest("a[data-more-url]");
    if (more && treeOf(more) && more.closest("ul.tree")) {
      event.preventDefault();
      loadMore(more);
    }
  });

  // Filters that apply at once: <input data-autosubmit> submits its form when changed.
  document.addEventListener("change", function (event) {
    var input = event.target.closest("[data-autosubmit]");
    if (input && input.form) input.form.requestSubmit ? input.form.requestSubmit() : input.form.submit();
  });
})();
