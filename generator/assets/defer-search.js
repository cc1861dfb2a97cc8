// Runs between the theme's configuration and its scripts, on pages with `defer_search: true`
// (the self-assessment). The theme would start its search worker at once, and building the
// search index then competes with Pyodide for the CPU: on a 2-core machine that added up to
// half a second to the assessment's start. This points the theme at a stand-in worker that
// starts the real one when the assessment says it is ready.
//
// The theme also downloads the search index itself, on its first script run (an XMLHttpRequest
// from the page; 92 KB compressed here, 2% of the assessment's first visit): that request is
// held too, and sent when the assessment has settled. Other requests pass untouched.
//
// The stand-in is published beside the real worker (the build copies it there as
// kb-search-standin.js), because the worker imports lunr's language files relative to its own
// address ("../lunr/…"): from assets/kb/ they would 404 on every non-English site.
//
// The assessment announces "settled" once on the "kb-engine" channel (ready, or failed: a stalled
// download fails it), and a stand-in that starts later (a slow main thread runs the theme's scripts
// late) would miss it. So this page remembers the announcement and repeats it to any stand-in that
// asks. An assessment whose scripts never took its worker over (they failed to load) announces
// nothing: then this page announces it after ORPHAN_MS, so search always starts.
(function () {
  "use strict";
  const ORPHAN_MS = 30000; // as offline.js: the assessment takes its worker over after the page's load event
  const element = document.getElementById("__config");
  if (!element) return;
  try {
    const config = JSON.parse(element.textContent);
    if (typeof config.search !== "string") return;
    const base = new URL(".", document.currentScript.src); // …/assets/kb/
    const real = new URL(config.search, location.href);
    if (real.origin !== location.origin || !("BroadcastChannel" in window)) return;
    const standIn = new URL("kb-search-standin.js", real);
    const name = `kb-engine:${base.pathname}`; // this site's: another knowledge base on the origin has its own
    standIn.searchParams.set("worker", real.pathname + real.search);
    standIn.searchParams.set("channel", name);
    const index = new URL("search/search_index.json", new URL(config.base || ".", location.href)).href;
    const release = holdIndex(index);
    const channel = new BroadcastChannel(name);
    const key = Symbol.for("kb.engine"); // {started, worker, settled}: boot.js, assess-engine.js
    const shared = window[key] || (window[key] = { started: false, worker: null });
    let settled = false;
    const settle = () => {
      settled = true;
      release();
    };
    channel.onmessage = (event) => {
      if (event.data === "settled") settle();
      else if (event.data === "asking" && settled) channel.postMessage("settled");
    };
    if (shared.settled) settle();
    setTimeout(() => {
      if (settled || shared.settled || shared.started) return; // the assessment runs: it announces
      settle();
      channel.postMessage("settled");
    }, ORPHAN_MS);
    config.search = standIn.pathname + standIn.search;
    element.textContent = JSON.stringify(config);
  } catch (error) {
    // leave the theme's configuration as it was: search starts at once, nothing breaks
  }

  // Hold the sending of a request for `url` until the returned function is called; then the page's
  // XMLHttpRequest is as it was.
  function holdIndex(url) {
    const proto = XMLHttpRequest.prototype;
    const { open, send } = proto;
    const urls = new WeakMap();
    const waiting = [];
    let released = false;
    proto.open = function (method, target, ...rest) {
      urls.set(this, new URL(String(target), location.href).href);
      return open.call(this, method, target, ...rest);
    };
    proto.send = function (...args) {
      if (!released && urls.get(this) === url) waiting.push(() => send.apply(this, args));
      else send.apply(this, args);
    };
    return () => {
      if (released) return;
      released = true;
      if (proto.open !== open) proto.open = open;
      if (proto.send !== send) proto.send = send;
      waiting.splice(0).forEach((go) => go());
    };
  }
})();
