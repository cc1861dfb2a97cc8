// A stand-in for the theme's search worker (see defer-search.js), published beside it as
// kb-search-standin.js so that the real worker's relative imports resolve. It keeps every message the
// page sends until the self-assessment announces on the "kb-engine" channel that its engine is
// ready or has failed (the page announces it itself when the assessment never started); then it
// loads the real search worker into this same worker and hands it the kept messages, in order.
// Same origin only. It asks once on start, in case the announcement came before it existed
// (defer-search.js repeats it). The time limit is a last resort only: on a slow link the engine's
// download takes as long as it takes, and the search should not share the link with it.
"use strict";
const LIMIT_MS = 120000;
const held = [];
const hold = (event) => held.push(event.data);
self.addEventListener("message", hold);
// The page names the channel (after its site's assets folder: another knowledge base on the origin has its own).
const name = new URL(location.href).searchParams.get("channel");
const channel = name && "BroadcastChannel" in self ? new BroadcastChannel(name) : null;
let started = false;

function start() {
  if (started) return;
  started = true;
  if (channel) channel.close();
  const real = new URL(new URL(location.href).searchParams.get("worker") || "", location.href);
  if (real.origin !== location.origin) return;
  self.removeEventListener("message", hold);
  importScripts(real.href);
  for (const data of held) self.dispatchEvent(new MessageEvent("message", { data }));
}

if (channel) {
  channel.onmessage = (event) => {
    if (event.data === "settled") start();
  };
  channel.postMessage("asking");
  setTimeout(start, LIMIT_MS);
} else {
  start(); // nothing can announce the engine: search at once
}
