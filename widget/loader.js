// widget.js: the one script a host page includes.
//   <script src="https://WORKER/widget.js" data-board="BOARD_TOKEN" async></script>
// or, one round trip sooner on screen, the board's own script, which the worker serves as this
// loader with the board's first paint in it (options in its query, as the fragment names them):
//   <script src="https://WORKER/boards/BOARD_TOKEN/widget.js?group_by=department" async></script>
// It finds its own tag, works out the worker's origin from its URL, loads the wasm module
// once per page (however many widgets there are), and mounts a widget right after the tag,
// or into <div data-greenhouse-board="BOARD_TOKEN"> when the page has one. Every other
// data-* attribute of the tag (or of that div) is an embed option; see the README.
// With data-mode="connect" it loads the owner console instead (a separate bundle, so
// visitors never download it): data-org and data-owner-token say whose connection.
// Owners' candidate components, <div data-greenhouse-match data-email="…"> (is this person in
// Greenhouse?) and <div data-greenhouse-export data-candidate='{…}'> (export them), each with
// data-org and data-owner-token (or on the tag), are mounted with a third bundle, loaded only
// when the page has such an element. A tag without data-board mounts no job board: it only
// brings the code (for those components and for <greenhouse-jobs> elements).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  // A board's own script (/boards/BOARD_TOKEN/widget.js) is this loader after a statement that
  // hands it its board, the worker's origin and the board's first paint (see the README).
  var first = script.__ghwFirst || null;
  if (first && !script.hasAttribute("data-board")) script.setAttribute("data-board", first.board);
  var board = script.getAttribute("data-board") || "";
  var base = first ? first.base : new URL(".", script.src).href;
  // The embed options as the fragment's URL names them.
  var params = { groupBy: "group_by", departments: "departments", offices: "offices", lang: "lang", pageSize: "page_size", layout: "layout", filters: "filters" };
  var registry = (window.__greenhouseWidget = window.__greenhouseWidget || { count: 0, modules: {} });
  // User Timing marks for the host's own measurements (RUM): when the loader ran, when a
  // board's first paint was put on the page, when its live widget mounted.
  function mark(name, board) {
    try { performance.mark("greenhouse-jobs:" + name, { detail: { board: board } }); } catch (e) { /* old browser */ }
  }
  mark("loader", board);
  // Loads a bundle once per page: the widget, the owner console, the candidate components, or
  // (asked for by the widget when a job with a form opens) the application form.
  registry.load = registry.load || function (from, bundle) {
    if (!registry.modules[from + bundle]) {
      registry.modules[from + bundle] = import(from + bundle + ".js").then(function (m) {
        return m.default({ module_or_path: from + bundle + "_bg.wasm" }).then(function () { return m; });
      });
    }
    return registry.modules[from + bundle];
  };
  var parts = document.querySelectorAll("[data-greenhouse-match]:not([data-ghw-mounted]), [data-greenhouse-export]:not([data-ghw-mounted])");
  for (var p = 0; p < parts.length; p++) mountPart(parts[p]);
  function mountPart(el) {
    el.setAttribute("data-ghw-mounted", "");
    var match = el.hasAttribute("data-greenhouse-match");
    var o = { apiBase: base + "api/v1", org: el.dataset.org || script.dataset.org || "", ownerToken: el.dataset.ownerToken || script.dataset.ownerToken || "" };
    if (match) o.email = el.dataset.email || el.getAttribute("data-greenhouse-match") || "";
    else o.candidate = el.dataset.candidate || el.getAttribute("data-greenhouse-export") || "";
    registry.load(base, "candidates/gh_candidates").then(
      function (m) { (match ? m.mount_match : m.mount_export)(el, o); },
      function (err) {
        el.textContent = "Greenhouse is not available right now.";
        if (window.console) console.warn("greenhouse components could not load:", err);
      }
    );
  }
  defineElement();
  // A tag without data-board only brings the code: <greenhouse-jobs> elements and candidate
  // components mount themselves.
  if (!script.hasAttribute("data-board")) return;
  // The board's slot: the one right before the tag (a server include's), else the first free
  // one for this board. Tokens are one board in any case (the board script names it in lower
  // case).
  function free(el) {
    return !!el && el.hasAttribute("data-greenhouse-board") && !el.hasAttribute("data-ghw-mounted") &&
      (el.getAttribute("data-greenhouse-board") || "").toLowerCase() === board.toLowerCase();
  }
  var target = free(script.previousElementSibling) ? script.previousElementSibling : null;
  var slots = document.querySelectorAll("[data-greenhouse-board]");
  for (var i = 0; !target && i < slots.length; i++) if (free(slots[i])) target = slots[i];
  if (!target) {
    target = document.createElement("div");
    target.setAttribute("data-greenhouse-board", board);
    script.parentNode.insertBefore(target, script.nextSibling);
  }
  // Numbered by the tag's place in the document, not by which async script ran first, so
  // each widget keeps the same URL parameter prefix on every load. Board scripts count too,
  // whether or not they have run yet.
  var tags = Array.prototype.filter.call(document.querySelectorAll("script[src]"), function (t) {
    return t.hasAttribute("data-board") || (t.src.indexOf(base) === 0 && /\/boards\/[^/?#]+\/widget\.js([?#]|$)/.test(t.src));
  });
  var index = tags.indexOf(script);
  var options = { board: board, apiBase: base + "api/v1", index: String(index < 0 ? registry.count : index) };
  registry.count++;
  var names = ["groupBy", "departments", "offices", "lang", "pageSize", "layout", "filters", "theme", "mode", "org", "ownerToken"];
  // A board script's options may also be in its URL's query, under the fragment's names.
  var fromSrc = first ? new URL(script.src).searchParams : null;
  for (var n = 0; n < names.length; n++) {
    var v = target.dataset[names[n]] || script.dataset[names[n]] || (fromSrc && params[names[n]] && fromSrc.get(params[names[n]]));
    // Trimmed as the widget reads them, so the loader and the wasm agree on what is set.
    v = v ? String(v).trim() : "";
    if (v) options[names[n]] = v;
  }
  target.setAttribute("data-ghw-mounted", "");
  if (options.theme) target.setAttribute("data-theme", options.theme);
  start(target, options, true, first);

  // Mounts a job board (or the owner console) into `target`: the worker's first paint as soon
  // as it arrives, then the wasm, which takes it over. Returns the mount's state, which
  // `stop` ends.
  // With `count`, this mount stands for a view of the board in the owners' analytics (a page
  // load, an element added to the page or switched to another board; not an element whose
  // other attributes changed).
  // `inline`: a board script's first paint, shown at once when it was drawn for these options.
  function start(target, options, count, inline) {
    var bundle = options.mode === "connect" ? "console/gh_console" : "widget/gh_widget";
    // Owner analytics, counts only: the host page's gh_src / utm_source go with the requests
    // that stand for a view, and `count` marks the one list view: the first paint's below when
    // there is one, else the wasm's listing (`countList`).
    var here = new URLSearchParams(location.search), track = new URLSearchParams();
    ["gh_src", "utm_source"].forEach(function (k) { if (here.get(k)) track.set(k, here.get(k)); });
    options.track = String(track);
    options.countList = count ? "1" : "";
    var state = { failed: false, chosen: null, mounted: false, module: null, gone: false, onClick: null };
    // Clicks on the first paint's job links (the worker's, or the board an element keeps on
    // screen while it is redrawn): a job chosen before the wasm arrives opens in
    // place once it has (its `gh_jid`, with the page's own gh_src/utm_* kept); only if the wasm
    // fails does the link lead to the job's page.
    function listen(root) {
      if (state.onClick) return;
      state.onClick = function (e) {
        // Links of the first paint only: the live widget, in the same shadow root, has its own.
        var a = e.target.closest ? e.target.closest("[data-fragment] a.job-title") : null;
        if (!a || state.failed || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        var u = new URL(location.href);
        u.searchParams.set("gh_jid", a.getAttribute("data-job-id"));
        history.pushState(null, "", u);
        state.chosen = a.href;
        // A live widget already mounted behind the first paint reads the URL on popstate.
        if (state.mounted) window.dispatchEvent(new PopStateEvent("popstate"));
      };
      root.addEventListener("click", state.onClick);
    }
    // First paint from the edge: the board as the widget draws it, fetched beside the wasm and
    // shown as soon as it arrives; the wasm takes it over when it has drawn the same board. Not
    // for a deep link to a job (the wasm opens that directly), the owner console, or a board
    // already on screen (an element whose attributes changed keeps its board until the new one
    // is drawn).
    var painted = Promise.resolve(false);
    var empty = !target.shadowRoot || !target.shadowRoot.firstChild;
    if (!empty) {
      listen(target.shadowRoot);
      // A board the host page's own HTML brought (the server include: a declarative shadow
      // root, on screen from the page's first frame): it is this mount's first paint, kept as
      // links if the wasm fails, and its view is counted now.
      if (count && target.shadowRoot.querySelector("[data-fragment]")) {
        painted = Promise.resolve(true);
        countView();
      }
    }
    if (options.mode !== "connect" && options.board && target.attachShadow && empty && !/[?&]gh_jid=\d/.test(location.search)) {
      var q = new URLSearchParams(), drawn = new URLSearchParams();
      for (var k in params) if (options[k]) q.set(params[k], options[k]);
      for (var o in params) if (o !== "lang" && options[o] && String(options[o]).trim()) drawn.set(params[o], String(options[o]).trim());
      if (!options.lang && document.documentElement.lang) q.set("lang", document.documentElement.lang);
      // The worker's language choice (shared::i18n::Lang::pick): German for de, de-*; else English.
      var lang = /^de(-|$)/i.test((q.get("lang") || "").trim()) ? "de" : "en";
      q.set("index", options.index);
      // This widget's filters in the host page's URL, so the first paint shows what the wasm will.
      var prefix = options.index === "0" ? "ghw_" : "ghw" + (Number(options.index) + 1) + "_";
      var filtered = false;
      here.forEach(function (v, key) { if (key.indexOf(prefix) === 0) { q.append(key, v); filtered = true; } });
      if (inline && inline.html && inline.board === options.board.toLowerCase() && inline.key === String(drawn) && inline.lang === lang && !filtered) {
        // Drawn for this very view (its ids under the first widget's prefix, apart in their own
        // shadow root): on screen now, with no request for it, and counted now.
        var shown = false;
        try { shown = show(inline.html); } catch (e) { /* refused (Trusted Types): the wasm draws */ }
        painted = Promise.resolve(shown);
        if (shown && count) countView();
      } else {
        if (count) q.set("count", "1");
        track.forEach(function (v, key) { q.set(key, v); });
        options.countList = "";
        painted = fetch(options.apiBase + "/boards/" + encodeURIComponent(options.board) + "/fragment?" + q, { priority: "high" })
          .then(function (r) { return r.ok && /^text\/html/.test(r.headers.get("Content-Type") || "") ? r.text() : null; })
          .then(show)
          .catch(function () { return false; });
      }
    }
    // Counts the view of a first paint that came with no request of its own (a board script's,
    // a server include's) now, as a fetched one's is (not when the wasm's listing comes, which
    // a visitor who leaves or a failing wasm would never send): a HEAD of the listing, past
    // the browser's cache, sent even if the page goes.
    function countView() {
      var c = new URLSearchParams(track);
      c.set("count", "1");
      fetch(options.apiBase + "/boards/" + encodeURIComponent(options.board) + "/jobs?" + c, { method: "HEAD", cache: "no-store", keepalive: true }).catch(function () {});
      options.countList = "";
    }
    // Puts the first paint's HTML on the page, unless this mount ended or something is drawn.
    function show(html) {
      if (!html || state.gone || (target.shadowRoot && target.shadowRoot.firstChild)) return false;
      // Parsed apart first, so a page that refuses it (Trusted Types) is left as it was.
      var t = document.createElement("template");
      t.innerHTML = html;
      var root = target.shadowRoot || target.attachShadow({ mode: "open" });
      root.appendChild(t.content);
      mark("first-paint", options.board);
      listen(root);
      return true;
    }
    function fail(err) {
      if (state.gone) return;
      state.failed = true;
      if (window.console) console.warn("greenhouse widget could not load:", err);
      painted.then(function (shown) {
        if (state.gone) return;
        if (shown) {
          if (state.chosen) return location.assign(state.chosen);
          // The first paint stays, as links to the job pages; the filters it drew cannot work.
          var f = target.shadowRoot.querySelector(".filters");
          if (f) f.remove();
          return;
        }
        var link = document.createElement("a");
        link.href = "https://job-boards.greenhouse.io/" + encodeURIComponent(options.board);
        link.textContent = "See our open positions";
        var into = target.shadowRoot || target;
        into.textContent = "";
        into.appendChild(link);
      });
    }
    registry.load(base, bundle).then(function (m) {
      if (state.gone) return;
      try {
        m.mount(target, options);
        mark("mounted", options.board);
        state.mounted = true;
        state.module = m;
      } catch (err) {
        fail(err);
      }
    }, fail);
    return state;
  }

  // Ends a mount: its effects and listeners go. With `keep`, what it drew stays on screen
  // (as a first paint) until the next mount has drawn its board; without, the root is emptied.
  function stop(target, state, keep) {
    state.gone = true;
    var root = target.shadowRoot;
    if (root && state.onClick) root.removeEventListener("click", state.onClick);
    if (state.module) state.module.unmount(target, keep);
    else if (root && !keep) root.textContent = "";
  }

  // <greenhouse-jobs board="…" group-by="…" lang="…">: the same widget as a custom element,
  // for app frameworks. Changing an attribute redraws it in place; removing it from the page
  // disposes of it; adding it again mounts it afresh.
  function defineElement() {
    if (!window.customElements || customElements.get("greenhouse-jobs")) return;
    var attrs = { board: "board", "group-by": "groupBy", departments: "departments", offices: "offices", lang: "lang", "page-size": "pageSize", layout: "layout", filters: "filters", theme: "theme" };
    // The URL prefix numbers elements hold (101, 102…): the lowest free one is taken, and given
    // back when an element goes, so an app that re-creates its element keeps the same prefix
    // (and the filters in a shared or reloaded URL still apply).
    var taken = {};
    function release(el) {
      if (el._index !== undefined) delete taken[el._index];
      el._index = undefined;
    }
    class GreenhouseJobs extends HTMLElement {
      static get observedAttributes() { return Object.keys(attrs); }
      connectedCallback() { this._sync(); }
      attributeChangedCallback() { if (this.isConnected) this._sync(); }
      disconnectedCallback() {
        var el = this;
        // Moved rather than removed: it is back before the microtask runs.
        queueMicrotask(function () {
          if (!el.isConnected) {
            if (el._ghw) stop(el, el._ghw, false);
            el._ghw = null;
            release(el);
          }
        });
      }
      // Several attribute changes in one task make one update.
      _sync() {
        var el = this;
        if (el._queued) return;
        el._queued = true;
        queueMicrotask(function () {
          el._queued = false;
          if (!el.isConnected) return;
          // Each element keeps its URL parameters apart from the script tags' (ghw101_, ghw102_…).
          if (el._index === undefined) {
            var i = 100;
            while (taken[String(i)]) i++;
            el._index = String(i);
            taken[el._index] = true;
          }
          var o = { apiBase: base + "api/v1", index: el._index };
          for (var a in attrs) {
            var v = (el.getAttribute(a) || "").trim();
            if (v) o[attrs[a]] = v;
          }
          // Nothing to show until it names a board (a framework may set attributes one by one).
          if (!o.board) {
            if (el._ghw) stop(el, el._ghw, false);
            el._ghw = null;
            return;
          }
          var key = JSON.stringify(o);
          if (el._ghw && el._ghw.key === key) return;
          // Our data-theme only: a host's own stays unless the attribute sets one.
          if (o.theme) el.setAttribute("data-theme", o.theme);
          else if (el._ghw && el._ghw.theme) el.removeAttribute("data-theme");
          // A view of a board: a new element, or another board in the same one (not another
          // grouping or language of the same board, which keeps its board on screen until
          // redrawn). Another board's first paint is its own, not the old board's links.
          var board = o.board.toLowerCase();
          var other = !el._ghw || el._ghw.board !== board;
          if (el._ghw) stop(el, el._ghw, !other);
          el._ghw = start(el, o, other);
          el._ghw.key = key;
          el._ghw.board = board;
          el._ghw.theme = !!o.theme;
        });
      }
    }
    customElements.define("greenhouse-jobs", GreenhouseJobs);
  }
})();
