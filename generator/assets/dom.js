// The one DOM helper every assessment module shares, and where the site's pages are.
//
// Elements are built from text only: attributes are set one by one and children are nodes or
// text, so nothing that reaches the page from rules, answers or a URL is ever parsed as HTML.

import { language } from "./i18n.js";

export const assets = new URL(".", import.meta.url); // …/assets/kb/
export const siteRoot = new URL("../../", assets);
const SVG = "http://www.w3.org/2000/svg";

export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

export function pageUrl(path) {
  return new URL(path, siteRoot).href;
}

export function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// "12 Nov 2026" ("12 nov 2026" on a Spanish site): the site's language, never the browser's.
export function shortDate(date) {
  const tag = language();
  return date.toLocaleDateString(tag === "en" ? "en-GB" : tag, { day: "numeric", month: "short", year: "numeric" });
}

export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
