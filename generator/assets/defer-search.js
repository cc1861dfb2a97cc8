// Runs between the theme's configuration and its scripts, on pages with `defer_search: true`
// (the self-assessment). The theme would start its search worker at once, and building the
// search index then competes with Pyodide for the CPU: on a 2-core machine that added up to
// half a second to the assessment's start. This points the theme at a stand-in worker that
// starts the real one when the assessment says it is ready (or after a few seconds).
//
// The stand-in is published beside the real worker (the build copies it there as
// kb-search-standin.js), because the worker imports lunr's language files relative to its own
// address ("../lunr/…"): from assets/kb/ they would 404 on every non-English site.
//
// The assessment announces "settled" once on the "kb-engine" channel, and a stand-in that
// starts later (a slow main thread runs the theme's scripts late) would miss it and wait for
// its time limit. So this page remembers the announcement and repeats it to any stand-in
// that asks.
(function () {
  "use strict";
  const element = document.getElementById("__config");
  if (!element) return;
  try {
    const config = JSON.parse(element.textContent);
    if (typeof config.search !== "string") return;
    const base = new URL(".", document.currentScript.src); // …/assets/kb/
    const real = new URL(config.search, location.href);
    if (real.origin !== location.origin) return;
    const standIn = new URL("kb-search-standin.js", real);
    const name = `kb-engine:${base.pathname}`; // this site's: another knowledge base on the origin has its own
    standIn.searchParams.set("worker", real.pathname + real.search);
    standIn.searchParams.set("channel", name);
    if ("BroadcastChannel" in window) {
      const channel = new BroadcastChannel(name);
      let settled = false;
      channel.onmessage = (event) => {
        if (event.data === "settled") settled = true;
        else if (event.data === "asking" && settled) channel.postMessage("settled");
      };
    }
    config.search = standIn.pathname + standIn.search;
    element.textContent = JSON.stringify(config);
  } catch (error) {
    // leave the theme's configuration as it was: search starts at once, nothing breaks
  }
})();
