// Loaded by the assessment page's own content, before the theme's scripts: starts the Pyodide
// worker as early as possible. assess.js adopts it (or starts one itself if this never ran).
(function () {
  "use strict";
  if (window.kbEarlyWorker || window.kbEngineStarted || !window.Worker) return;
  try {
    window.kbEarlyWorker = new Worker(new URL("worker.js", document.currentScript.src), { type: "module" });
  } catch (error) {
    window.kbEarlyWorker = null; // assess.js reports the failure when it tries again
  }
})();
