// lead-hub ops console: keyboard shortcuts on the review page, confirmations. No build step.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var actions = { a: "accept", r: "reject", n: "next", j: "next", k: "prev" };
    var id = actions[event.key];
    if (id && click(id)) { event.preventDefault(); }
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();

// The import progress page: poll its JSON until the import ends, then reload for the summary.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.getAttribute("data-status") !== "running") { return; }
  var url = box.getAttribute("data-url");

  function show(state) {
    ["done", "total", "rate", "rejected"].forEach(function (name) {
      var el = box.querySelector('[data-field="' + name + '"]');
      if (el && state[name] !== null && state[name] !== undefined) { el.textContent = String(state[name]); }
    });
    var bar = document.getElementById("import-bar");
    if (bar && state.total) { bar.max = state.total; bar.value = state.done; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 5000); return; }
        show(state);
        if (state.status !== "running") { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
