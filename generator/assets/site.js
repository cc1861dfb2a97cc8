// Small site-wide fixes that the theme leaves open, re-applied on every instant-navigation page.
(function () {
  "use strict";

  function fix() {
    // Material's search overlay is a dialog without an accessible name.
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach((dialog) => dialog.setAttribute("aria-label", "Search"));
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(fix);
  else document.addEventListener("DOMContentLoaded", fix);
})();
