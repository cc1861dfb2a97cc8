// The engine client: one Pyodide worker for the whole visit (instant navigation keeps it), the
// compiled rules, and scoring requests. Protocol: see worker.js.
//
// Loading gives way on a stall, never on total time: a slow link that keeps delivering bytes
// keeps the start alive; nothing at all for STALL_MS (20 s) ends it with a reason.
//
// Nothing here is read from a named global: a page's markup can clobber those (an element with
// id="kbEarlyWorker" is window.kbEarlyWorker). What boot.js and offline.js hand over sits under a
// Symbol.for() key, and so does the tests' shorter stall limit, which no markup can set.

import { assets } from "./dom.js";
import { fetchPinned, pagePins } from "./pinned.js";
import { t, tn } from "./i18n.js";

const STALL_MS = 20000;
const FIRST_RESULT_MS = 5000; // after ready, the longest a page's first result holds back the search and the precache
const SHARED = Symbol.for("kb.engine"); // {started, worker, settled}: boot.js, offline.js and this module
const STALL_FOR_TESTS = Symbol.for("kb.stall-ms"); // set by tests through the browser, before the page runs
let engine = null;

function shared() {
  return window[SHARED] || (window[SHARED] = { started: false, worker: null });
}

// The stall limit: a test may shorten it (a finite number of milliseconds above zero), nothing else may.
function stallLimit() {
  const wanted = window[STALL_FOR_TESTS];
  return typeof wanted === "number" && Number.isFinite(wanted) && wanted > 0 ? wanted : STALL_MS;
}

export function startEngine() {
  if (engine) return engine;
  const handOver = shared();
  handOver.started = true; // boot.js and offline.js must not start a second runtime on a later visit
  const state = { progress: { text: t("Starting the self-assessment…") }, listeners: new Set(), pending: new Map(), nextId: 1 };
  let resultCame;
  state.firstResult = new Promise((resolve) => {
    resultCame = resolve;
  });
  state.rules = fetchPinned(assets, "rules.json", pagePins(), "rules").then((bytes) => JSON.parse(new TextDecoder().decode(bytes)));
  state.ready = new Promise((resolve, reject) => {
    let worker;
    try {
      // boot.js, on the assessment page itself, may have started the worker before the theme's scripts ran.
      worker = handOver.worker || new Worker(new URL(`worker.js?${pagePins()}`, assets), { type: "module" });
      handOver.worker = null;
    } catch (error) {
      reject(new Error(t("this browser cannot start the scoring worker ({reason})", { reason: error.message })));
      return;
    }
    state.worker = worker;
    const limit = stallLimit();
    let timer = 0;
    const watch = () => {
      clearTimeout(timer);
      const seconds = Math.round(limit / 1000);
      const stalled = tn("loading stopped: nothing arrived for {seconds} second", "loading stopped: nothing arrived for {seconds} seconds", seconds, { seconds });
      timer = setTimeout(() => reject(new Error(stalled)), limit);
    };
    watch();
    worker.onerror = (event) => {
      clearTimeout(timer);
      reject(new Error(event.message || t("the scoring worker could not be loaded")));
    };
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === "progress") {
        watch();
        state.progress = progressOf(message, state.progress);
        state.listeners.forEach((listener) => listener(state.progress));
      } else if (message.type === "ready") {
        clearTimeout(timer);
        state.startMs = message.ms;
        state.startMarks = message.marks;
        resolve();
      } else if (message.type === "error") {
        clearTimeout(timer);
        reject(new Error(message.message));
        state.pending.forEach(({ reject: fail }) => fail(new Error(message.message)));
        state.pending.clear();
        resultCame();
      } else if (message.type === "result") {
        const waiting = state.pending.get(message.id);
        state.pending.delete(message.id);
        if (waiting) waiting.resolve(JSON.parse(message.payload));
        resultCame();
      }
    };
    worker.postMessage({ type: "init" }); // the worker fetches the rules itself, side by side with Pyodide
  });
  state.ready.catch(() => {}); // reported by each view
  // The theme's search worker waits for this on the assessment page (defer-search.js), and the service worker's
  // precache (offline.js), which also reads the flag should it look after the announcement. Settled is the
  // first result after ready (the page's own ready: the first score after start takes up to 1.75 s, and the search
  // index and the precache would share the link and the CPU with it), or FIRST_RESULT_MS after ready if no page
  // asks for one; a failed start at once.
  let announced = false;
  const announce = () => {
    if (announced) return;
    announced = true;
    handOver.settled = true;
    if (!("BroadcastChannel" in window)) return;
    const channel = new BroadcastChannel(`kb-engine:${new URL(".", import.meta.url).pathname}`); // this site's pages only
    channel.postMessage("settled");
    channel.close();
  };
  state.ready.then(() => {
    state.firstResult.then(() => setTimeout(announce, 0)); // after the page has shown it
    setTimeout(announce, FIRST_RESULT_MS);
  }, announce);
  state.score = (answers) =>
    new Promise((resolve, reject) => {
      const id = state.nextId++;
      state.pending.set(id, { resolve, reject });
      state.worker.postMessage({ type: "score", id, answers: JSON.stringify(answers) });
    });
  engine = state;
  return state;
}

// {text, loaded, total, starting}: bytes only when the worker sends both as numbers (older workers send text only);
// starting: the download is over (or there was none) and Python is starting, which has no bytes to count.
function progressOf(message, before) {
  const text = typeof message.text === "string" && message.text ? message.text : before.text;
  const loaded = Number(message.loaded);
  const total = Number(message.total);
  const starting = message.phase === "start";
  if (Number.isFinite(loaded) && Number.isFinite(total) && total > 0) return { text, loaded: Math.min(loaded, total), total, starting };
  return { text, starting };
}
