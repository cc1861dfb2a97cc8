// Loaded by the assessment page's own content, before the theme's scripts: starts the Pyodide
// worker as early as possible. assess-engine.js adopts it (or starts one itself if this never ran).
//
// The hand-over lives under a Symbol.for() key on window, never under a name: an element with
// id="kbEarlyWorker" in a page would otherwise *be* window.kbEarlyWorker (DOM clobbering), and
// a page's markup can make a named global but never a symbol-keyed one.
(function () {
  "use strict";
  const KEY = Symbol.for("kb.engine");
  const shared = window[KEY] || (window[KEY] = { started: false, worker: null });
  const script = document.currentScript;
  if (shared.started || shared.worker || !window.Worker || !(script instanceof HTMLScriptElement)) return;
  try {
    const pins = document.querySelector('meta[name="kb-bundle"]'); // this build's rules and engine: see pinned.js
    shared.worker = new Worker(new URL(`worker.js?${pins ? pins.content : ""}`, script.src), { type: "module" });
  } catch (error) {
    shared.worker = null; // assess-engine.js reports the failure when it tries again
  }
})();
