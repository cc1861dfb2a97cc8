// Small site-wide fixes that the theme leaves open, re-applied on every instant-navigation page.
(function () {
  "use strict";

  function fix() {
    // Material's search overlay is a dialog without an accessible name: it takes its search box's,
    // which the theme words in the site's language ("Search", "Buscar").
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach((dialog) => {
      const box = dialog.querySelector("input[aria-label]");
      if (box) dialog.setAttribute("aria-label", box.getAttribute("aria-label"));
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(fix);
  else document.addEventListener("DOMContentLoaded", fix);
})();
