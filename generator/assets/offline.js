// The site offline and instant: registers the service worker (the build writes sw.js at the
// site's root), says when a new version is ready, and warms the assessment's runtime when a
// reader shows the intent to start it. Loaded once (mkdocs.yml extra_javascript); Material's
// instant navigation keeps it running from page to page.
//
// - Registration waits until this page's own start is over (the assessment's engine settled, however
//   long its download takes, or the page loaded and idle), so a first visit never shares its bandwidth
//   with the precache; the worker installs with the shell only, and is then asked for the pages
//   ({type: "cache-pages"}).
// - A new build's worker waits: the page shows "A new version is ready — reload" and swaps only
//   when the reader chooses to, so no page ever mixes two builds.
// - Once the assessment's runtime has started on this page, the worker is asked to keep it
//   (Python's runtime, the engine and the rules), so it starts offline next time.
// - Warming: hovering, focusing or pressing a link to the assessment starts its worker early
//   (assess-engine adopts it after instant navigation, through the same Symbol.for() hand-over as
//   boot.js: a named global could be clobbered by an element's id); a reader who used the
//   assessment before (a snapshot is kept) gets it warmed when the home page is idle.
(function () {
  "use strict";

  const script = document.currentScript;
  const assets = new URL(".", script ? script.src : location.href); // …/assets/kb/
  const root = new URL("../../", assets);
  const assessUrl = new URL("assess/", root).href;
  const UPDATE_CHECK_MS = 10 * 60 * 1000;
  const ORPHAN_MS = 30000; // a worker boot.js started that no assessment took over by then: its scripts failed
  let registration = null;
  let lastUpdateCheck = Date.now();
  let reloading = false;

  const ENGINE = Symbol.for("kb.engine"); // {started, worker, settled}: see boot.js and assess-engine.js
  const engine = () => window[ENGINE] || (window[ENGINE] = { started: false, worker: null });

  function engineStarted() {
    return Boolean(engine().started || engine().worker);
  }

  // ---- warming on intent ----
  function warm() {
    if (engineStarted() || !window.Worker) return;
    const connection = navigator.connection;
    if (connection && connection.saveData) return;
    try {
      const pins = document.querySelector('meta[name="kb-bundle"]'); // this build's rules and engine: see pinned.js
      engine().worker = new Worker(new URL(`worker.js?${pins ? pins.content : ""}`, assets), { type: "module" });
    } catch (error) {
      engine().worker = null; // the assessment reports it when it tries again
    }
  }

  function startLinks() {
    return [...document.querySelectorAll("a[href]")].filter((link) => link.href === assessUrl && link.classList.contains("md-button"));
  }

  function watchIntent() {
    const links = startLinks();
    for (const link of links) {
      if (link.dataset.kbWarm) continue;
      link.dataset.kbWarm = "on-intent";
      for (const type of ["pointerenter", "focus", "pointerdown", "touchstart"]) link.addEventListener(type, warm, { passive: true });
    }
    if (links.length) whenIdle(warmForReturningReader);
  }

  async function warmForReturningReader() {
    try {
      if (startLinks().length && window.caches && (await caches.has(`kb-snapshot:${assets.pathname}`))) warm(); // nothing to download
    } catch (error) {
      // storage refused: no warming
    }
  }

  function whenIdle(callback) {
    if ("requestIdleCallback" in window) requestIdleCallback(callback, { timeout: 5000 });
    else setTimeout(callback, 2000);
  }

  // The widget's words (i18n.js, an ES module this classic script imports when it has words to say).
  async function words() {
    try {
      return (await import(new URL("i18n.js", assets).href)).t;
    } catch (error) {
      return (text) => text; // English, rather than no bar
    }
  }

  // ---- the service worker ----
  async function offerReload(reg) {
    if (document.querySelector("[data-kb=new-version]")) return;
    const t = await words();
    if (document.querySelector("[data-kb=new-version]")) return; // offered while the words loaded
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button md-button--primary";
    button.textContent = t("Reload");
    const bar = document.createElement("div");
    bar.dataset.kb = "new-version";
    bar.setAttribute("role", "status");
    bar.className = "md-typeset";
    bar.append(t("A new version of this site is ready — reload to use it."), button);
    Object.assign(bar.style, {
      position: "fixed", insetInline: "1rem", bottom: "1rem", zIndex: 10, padding: "0.6rem 1rem",
      background: "var(--md-default-bg-color)", border: "1px solid var(--md-default-fg-color--lighter)",
      borderRadius: "0.2rem", boxShadow: "var(--md-shadow-z2)", display: "flex", gap: "1rem", alignItems: "center",
    });
    button.addEventListener("click", () => {
      reloading = true;
      if (reg.waiting) reg.waiting.postMessage({ type: "skip-waiting" }); // the newest build, should one more have come since
    });
    document.body.append(bar);
  }

  function watchUpdates(reg) {
    const check = () => {
      if (reg.waiting && navigator.serviceWorker.controller) offerReload(reg);
    };
    reg.addEventListener("updatefound", () => {
      const installing = reg.installing;
      if (installing) installing.addEventListener("statechange", check);
    });
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (reloading) location.reload();
    });
    check();
  }

  function keepRuntime() {
    if (!registration || !engineStarted()) return;
    navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ type: "cache-runtime" }));
  }

  async function register() {
    try {
      registration = await navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.href });
    } catch (error) {
      return; // no offline copy; the site works as before
    }
    watchUpdates(registration);
    keepRuntime();
    // This page's own start is over (afterOwnStart): now the pages, after the runtime if it was asked for.
    navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ type: "cache-pages" }));
  }

  // The page's own start is over: the assessment's engine settled (ready, or failed: a stalled download fails it),
  // then idle; any other page once loaded and idle. No time limit while the assessment runs: on a slow link its
  // download takes as long as it takes, and a precache begun meanwhile shares the link with it (on Lighthouse's
  // slow 4G a 30 s limit here had the service worker download the runtime a second time before the first was in).
  // Which kind of page this is, is asked once it has loaded, not when this script runs: boot.js is async and may
  // run after it, and the assessment's module starts its engine when Material's document$ first emits. The load
  // event waits for async scripts, and the idle callback after it for that first emission.
  // Only an assessment whose scripts never took the worker over (they failed to load) announces nothing: after
  // ORPHAN_MS, that one registers anyway.
  function afterOwnStart(callback) {
    const decide = () => {
      if (!engineStarted() || engine().settled || !("BroadcastChannel" in window)) return callback();
      const channel = new BroadcastChannel(`kb-engine:${assets.pathname}`); // this site's: see assess-engine.js
      let called = false;
      const done = () => {
        if (called) return;
        called = true;
        channel.close();
        whenIdle(callback);
      };
      channel.onmessage = (event) => {
        if (event.data === "settled") done(); // not the search stand-in's "asking" (defer-search.js), on the same channel
      };
      setTimeout(() => {
        if (engine().settled || !engine().started) done();
      }, ORPHAN_MS);
    };
    if (document.readyState === "complete") whenIdle(decide);
    else window.addEventListener("load", () => whenIdle(decide), { once: true });
  }

  function onPage() {
    watchIntent();
    keepRuntime();
    if (registration && Date.now() - lastUpdateCheck > UPDATE_CHECK_MS) {
      lastUpdateCheck = Date.now();
      registration.update().catch(() => {});
    }
  }

  if ("serviceWorker" in navigator) afterOwnStart(register);
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(onPage);
  else document.addEventListener("DOMContentLoaded", onPage);
})();
