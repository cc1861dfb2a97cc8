// Small site-wide fixes that the theme leaves open, re-applied on every instant-navigation page.
(function () {
  "use strict";

  // Where the navigation is a drawer (Material: below 76.25em) and search an overlay (below 60em),
  // what is closed holds no tab stop: focus never lands off-screen or on an invisible box. The menu
  // button, a label in the theme, takes the keyboard (Enter, as the theme clicks a focused label,
  // or Space; Escape in the drawer closes it); search opens with the theme's own keys, "/" or "s", as it does everywhere.
  const DRAWER = window.matchMedia("(max-width: 76.234375em)");
  const OVERLAY = window.matchMedia("(max-width: 59.984375em)");

  function closedOutOfReach() {
    const drawer = document.getElementById("__drawer");
    const sidebar = document.querySelector(".md-sidebar--primary");
    if (drawer && sidebar) sidebar.inert = DRAWER.matches && !drawer.checked;
    const search = document.getElementById("__search");
    const hidden = OVERLAY.matches && search && !search.checked;
    document.querySelectorAll(".md-search__input, .md-search__scrollwrap").forEach((box) => {
      if (hidden) box.setAttribute("tabindex", "-1"); // still focusable by the theme's "/" key
      else if (box.matches(".md-search__input")) box.removeAttribute("tabindex");
      else box.setAttribute("tabindex", "0");
    });
  }

  function menuButton() {
    const label = document.querySelector('label.md-header__button[for="__drawer"]');
    const drawer = document.getElementById("__drawer");
    if (!label || !drawer || label.dataset.kbKeys) return;
    label.dataset.kbKeys = "true";
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    // Named as the theme names the navigation it opens, in the site's language.
    const nav = document.querySelector(".md-nav--primary[aria-label]");
    if (!label.hasAttribute("aria-label") && nav) label.setAttribute("aria-label", nav.getAttribute("aria-label"));
    label.addEventListener("keydown", (event) => {
      if (event.key !== " ") return; // Enter on a focused label is the theme's own: it clicks it
      event.preventDefault();
      label.click();
    });
    document.addEventListener("keydown", (event) => {
      const sidebar = document.querySelector(".md-sidebar--primary");
      if (event.key !== "Escape" || !drawer.checked || !sidebar || !sidebar.contains(document.activeElement)) return;
      drawer.checked = false;
      closedOutOfReach();
      label.focus();
    });
  }

  function fix() {
    menuButton();
    ["__drawer", "__search"].forEach((id) => {
      const toggle = document.getElementById(id);
      if (toggle && !toggle.dataset.kbWatched) {
        toggle.dataset.kbWatched = "true";
        toggle.addEventListener("change", closedOutOfReach);
      }
    });
    closedOutOfReach();
    // A palette of one option has no switch to show; its hidden radio leaves the tab order. So does
    // the page title's permalink, a link to the page itself.
    const palette = document.querySelectorAll('input[name="__palette"]');
    if (palette.length === 1) palette[0].setAttribute("tabindex", "-1");
    document.querySelectorAll("h1 > a.headerlink").forEach((link) => link.setAttribute("tabindex", "-1"));
    // Material's search overlay is a dialog without an accessible name: it takes its search box's,
    // which the theme words in the site's language ("Search", "Buscar").
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach((dialog) => {
      const box = dialog.querySelector("input[aria-label]");
      if (box) dialog.setAttribute("aria-label", box.getAttribute("aria-label"));
    });
  }
  DRAWER.addEventListener("change", closedOutOfReach);
  OVERLAY.addEventListener("change", closedOutOfReach);
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(fix);
  else document.addEventListener("DOMContentLoaded", fix);
})();
