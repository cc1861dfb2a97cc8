// Small site-wide fixes that the theme leaves open, re-applied on every instant-navigation page,
// and the one DOM helper the other scripts share (loaded first: see mkdocs.yml).
(function () {
  "use strict";

  // Build an element from text only: attributes are set one by one and children are nodes or
  // text, so nothing that reaches the page from rules, answers or a URL is parsed as HTML.
  window.kbEl = function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };

  function fix() {
    // Material's search overlay is a dialog without an accessible name.
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach((dialog) => dialog.setAttribute("aria-label", "Search"));
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(fix);
  else document.addEventListener("DOMContentLoaded", fix);
})();
