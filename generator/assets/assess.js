// On every page (extra_javascript): mounts the self-assessment where a page has one.
//
// Material's instant navigation swaps page content without reloading scripts, so this looks on
// every `document$` emission for an #kb-assess element. The widget itself (assess-widget.js and
// the modules it imports) is imported only then: every other page would otherwise download,
// compile and run it for nothing, which was about a third of the processor time a page view
// took in Chromium.

const ENGINE = Symbol.for("kb.engine"); // {started, worker, settled}: boot.js, offline.js and assess-engine.js

function onPage() {
  const root = document.getElementById("kb-assess");
  if (!root || root.dataset.kbMounted) return;
  // Said now, not once the widget has come: offline.js asks, when the page has loaded, whether an assessment
  // starts here (its service worker then waits for it to settle), and boot.js must not start a second runtime.
  const engine = window[ENGINE] || (window[ENGINE] = { started: false, worker: null });
  engine.started = true;
  import("./assess-widget.js").then(({ mount }) => mount(root), (error) => {
    engine.started = false; // no assessment runs here after all: offline.js goes ahead without it
    root.dataset.kbState = "error"; // and nothing waits for it; the reason is on the console
    throw error;
  });
}

if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(onPage);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onPage);
else onPage();
