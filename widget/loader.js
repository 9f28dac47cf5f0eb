// widget.js: the one script a host page includes.
//   <script src="https://WORKER/widget.js" data-board="BOARD_TOKEN" async></script>
// It finds its own tag, works out the worker's origin from its URL, loads the wasm module
// once per page (however many widgets there are), and mounts a widget right after the tag,
// or into <div data-greenhouse-board="BOARD_TOKEN"> when the page has one.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var board = script.getAttribute("data-board") || "";
  var base = new URL(".", script.src).href;
  var target = null;
  var slots = document.querySelectorAll("[data-greenhouse-board]");
  for (var i = 0; i < slots.length; i++) {
    if (slots[i].getAttribute("data-greenhouse-board") === board && !slots[i].hasAttribute("data-ghw-mounted")) {
      target = slots[i];
      break;
    }
  }
  if (!target) {
    target = document.createElement("div");
    target.setAttribute("data-greenhouse-board", board);
    script.parentNode.insertBefore(target, script.nextSibling);
  }
  target.setAttribute("data-ghw-mounted", "");
  var registry = (window.__greenhouseWidget = window.__greenhouseWidget || {});
  if (!registry[base]) {
    registry[base] = import(base + "widget/gh_widget.js").then(function (m) {
      return m.default({ module_or_path: base + "widget/gh_widget_bg.wasm" }).then(function () { return m; });
    });
  }
  registry[base].then(
    function (m) { m.mount(target, board, base + "api/v1"); },
    function (err) {
      var link = document.createElement("a");
      link.href = "https://job-boards.greenhouse.io/" + encodeURIComponent(board);
      link.textContent = "See our open positions";
      target.textContent = "";
      target.appendChild(link);
      if (window.console) console.warn("greenhouse widget could not load:", err);
    }
  );
})();
