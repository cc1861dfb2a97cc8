// The scoring worker: runs the Python engine under Pyodide, off the page's thread.
//
// Protocol (postMessage):
//   page -> worker  {type: "init"}   (the page listens from now on)
//                   {type: "score", id, answers: "<answers JSON>"}
//   worker -> page  {type: "progress", text, loaded, total}
//                       loaded/total: bytes of everything the start downloads (Pyodide's
//                       files, the engine, the rules; total from runtime.json, written by the
//                       build with the files' true sizes). Posted once "init" came and the kind of
//                       visit is known (runtime.json read, a kept snapshot looked for), then at
//                       least every PROGRESS_EVERY_MS while bytes flow, and when the phase changes.
//                   {type: "ready", ms, start, marks}   (ms since the worker started; start: "snapshot"
//                       when a memory snapshot was restored, "normal" otherwise; marks: ms at each step)
//                   {type: "result", id, payload: "<score_json output>", ms}   (ms: the engine's own time)
//                   {type: "error", message}
//
// Everything is loaded from this site: Pyodide's files from ../pyodide/, the
// engine (engine.zip), the compiled rules (rules.json) and their sizes and
// version key (runtime.json) from beside this file. Nothing is fetched from
// elsewhere. All of it starts downloading the moment the worker starts, side
// by side, and the engine is built without waiting for the page: "init" only
// says the page is ready to hear about it.
//
// The page starts this worker as worker.js?engine=<sha256>&rules=<sha256>&runtime=<sha256>, the
// revisions its own build wrote into it: those three files are fetched at those revisions and
// their bytes checked (pinned.js), so the page scores with its own build's rules and engine, and
// restores only a snapshot made from them. Another build's bytes end the start with a reason.
//
// Later starts restore a memory snapshot of the engine ready to score (snapshot.js),
// made in this browser after a normal start and kept in Cache Storage under
// runtime.json's key. Anything wrong with it (another Pyodide, new rules, a failed
// restore) means a normal start, silently.

import { fetchPinned } from "./pinned.js";
import { t, translated } from "./i18n.js";
import { findSnapshot, forgetSnapshot, hasSnapshot, readSnapshot, saveSnapshot } from "./snapshot.js";

const here = new URL(".", import.meta.url);
// The start's phases, in the reader's words (no "Python", no "engine"): the download (bytes), then starting as its own
// step; a visit that finds the engine kept on this device only starts.
const PROGRESS = {
  download: (bytes) => (bytes
    ? t("Step 1 of 2: downloading {size} MB (first visit only)…", { size: (bytes / 1e6).toFixed(1) })
    : t("Step 1 of 2: downloading (first visit only)…")),
  start: () => t("Step 2 of 2: starting in this browser…"),
  engine: () => t("Step 2 of 2: preparing your results…"),
  again: () => t("Starting the self-assessment: it is already on this device…"),
};
const PROGRESS_EVERY_MS = 250;
const ENGINE_GLOBAL = "KB_ENGINE";
const RESTORE_LIMIT_MS = 10000; // a restore that hangs gives way to a normal start
let listening = false;
let phase = "download";
let sized = false; // the total is runtime.json's: every byte in means the download is over
let engine = null;
let loaded = 0;
let total = 0;
let lastPost = 0;
// Milliseconds since the worker started at each step of the start, for the benchmark's breakdown (ready's `marks`).
const marks = {};
const mark = (name) => {
  marks[name] = Math.round(performance.now());
};

function post(message) {
  self.postMessage(message);
}

function postProgress() {
  lastPost = performance.now();
  const step = phase === "download" ? "download" : "start";
  post({ type: "progress", text: PROGRESS[phase](total), phase: step, loaded: Math.min(loaded, total), total });
}

function counted(bytes) {
  loaded += bytes;
  total = Math.max(total, loaded);
  if (phase === "download" && sized && loaded >= total) enter("start"); // compiling and starting: no bytes to count
  else if (listening && performance.now() - lastPost >= PROGRESS_EVERY_MS) postProgress();
}

function enter(next) {
  if (phase === "again") return; // a repeat visit's start is one step
  phase = next;
  if (listening) postProgress();
}

// Pyodide reports a missing or broken file on the console and then waits for ever. Every
// download in this worker, Pyodide's and ours, goes through this wrapper: a failed one rejects
// its own fetch and ends the start at once, naming the file, instead of after the page's
// time limit. The wrapper also counts the bytes of each body as they arrive, on a clone: the
// response Pyodide gets is the browser's own, so WebAssembly compiles while it streams and
// Chromium keeps the compiled code beside the cached file (a Response built here has no such
// cache, and the wasm would be compiled again on every visit).
let downloadFailed;
const failedDownload = new Promise((_, reject) => {
  downloadFailed = reject;
});
failedDownload.catch(() => {}); // reported through `prepared`
const siteFetch = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  const name = String(resource instanceof Request ? resource.url : resource).split("/").pop().split("?")[0];
  let failure;
  try {
    const response = await siteFetch(resource, options);
    if (response.ok) return name === "runtime.json" ? response : countBody(response); // the list of what is counted, not in it
    failure = new Error(t("{file} could not be downloaded (HTTP {status})", { file: name, status: response.status }));
  } catch (error) {
    failure = new Error(t("{file} could not be downloaded ({reason})", { file: name, reason: error.message }));
  }
  downloadFailed(failure);
  throw failure;
};

function countBody(response) {
  if (!response.body) return response;
  const reader = response.clone().body.getReader();
  const count = () => reader.read().then(({ done, value }) => {
    if (done) return undefined;
    counted(value.byteLength);
    return count();
  });
  count().catch(() => {}); // a broken body is the consumer's to report
  return response;
}

// One of this page's build's files, checked; a failure (another build's bytes too) ends the start at once.
// After the words (i18n.js): a failure is told in the reader's language. Not on the start's critical
// path, which is Pyodide's own download.
function pinned(file, name) {
  const bytes = translated.then(() => fetchPinned(here, file, self.location.search, name));
  bytes.catch(downloadFailed); // reported through `prepared`
  return bytes;
}
const text = (bytes) => new TextDecoder().decode(bytes);

// runtime.json: {key, files: {path relative to this file: bytes}}. Known before most bytes flow.
const runtime = pinned("runtime.json", "runtime").then((bytes) => JSON.parse(text(bytes)));
runtime.then((info) => {
  total = Math.max(total, Object.values(info.files).reduce((sum, bytes) => sum + bytes, 0));
  sized = true;
  counted(0); // every byte may be in already
}, () => {});
// A snapshot kept by an earlier visit: this start downloads nothing new, and says so from its first report.
const again = runtime.then((info) => hasSnapshot(info.key)).then((kept) => {
  if (kept) phase = "again";
}, () => {});
const engineZip = pinned("engine.zip", "engine");
const rulesText = pinned("rules.json", "rules").then(text);
rulesText.catch(() => {});

// Pyodide's two scripts are imports, not fetches: each is counted once it is in. The second is the one
// loadPyodide imports itself: imported here too, side by side (one URL, one download), so the bar reaches
// its total when the last byte is in, and starting is told as its own step.
async function importPyodide() {
  const sizes = runtime.then((info) => info.files, () => ({}));
  const load = async (name) => {
    const module = await import(new URL(`../pyodide/${name}`, here).href);
    counted((await sizes)[`../pyodide/${name}`] || 0);
    return module;
  };
  load("pyodide.asm.mjs").then(() => mark("asm_imported"), () => {}); // a failure is Pyodide's to report
  const loadPyodide = (await load("pyodide.mjs")).loadPyodide;
  mark("imported");
  return loadPyodide;
}

function pyodideOptions(extra) {
  return { indexURL: new URL("../pyodide/", here).href, stdout: () => {}, stderr: () => {}, ...extra };
}

async function normalStart(loadPyodide) {
  const pyodide = await loadPyodide(pyodideOptions({ _makeSnapshot: true }));
  enter("engine");
  pyodide.unpackArchive(new Uint8Array(await engineZip), "zip", { extractDir: "/home/pyodide/kb" });
  pyodide.runPython('import sys; sys.path.insert(0, "/home/pyodide/kb")');
  pyodide.globals.set("KB_RULES_JSON", await rulesText);
  pyodide.runPython(`from scoring import Engine\n${ENGINE_GLOBAL} = Engine.from_json(KB_RULES_JSON)\ndel KB_RULES_JSON`);
  remember("{}", pyodide.runPython(`${ENGINE_GLOBAL}.score_json("{}")`)); // every import the engine makes, in the snapshot
  return pyodide;
}

// The snapshot kept on this device, looked for and read from the worker's start: reading it (12 MB) is a
// repeat visit's longest step, so it runs while Pyodide's scripts are imported and its wasm fetched and
// compiled; loadPyodide awaits the bytes only when it is about to restore. {bytes} (a promise), or null.
const kept = runtime.then((info) => { mark("runtime_read"); return findSnapshot(info.key); }, () => null).then((found) => {
  mark("snapshot_found");
  if (!found) return null;
  const bytes = readSnapshot(found);
  bytes.then(() => mark("snapshot_read"), () => {}); // a failure is reported by loadPyodide, which awaits it
  return { bytes };
});

// A snapshot restore, or null when there is none to try or it failed (the failed one is forgotten).
async function restoredStart(loadPyodide) {
  const snapshot = await kept;
  if (!snapshot) return null;
  try {
    const pyodide = await withTimeout(loadPyodide(pyodideOptions({ _loadSnapshot: snapshot.bytes })), RESTORE_LIMIT_MS);
    mark("restored");
    enter("engine");
    const restored = pyodide.globals.get(ENGINE_GLOBAL);
    JSON.parse(remember("{}", restored.score_json("{}"))); // a restore that cannot score is a failed restore
    restored.destroy();
    mark("checked");
    return pyodide;
  } catch (error) {
    await forgetSnapshot();
    return null;
  }
}

// The last answers scored and their result: the engine is a pure function of the answers (for this build's
// rules), and a page's first score is usually of the answers the start already scored ("{}", no answers yet):
// that one costs no second run, which right after a restore also compiles much of the runtime's code.
let last = { answers: null, payload: null };
function remember(answers, payload) {
  last = { answers, payload };
  return payload;
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms))]);
}

const starting = (async () => {
  const loadPyodide = await importPyodide();
  const restored = await restoredStart(loadPyodide);
  const pyodide = restored || (await normalStart(loadPyodide));
  engine = pyodide.globals.get(ENGINE_GLOBAL);
  loaded = total;
  if (!restored) keepSnapshot(pyodide);
  return { ms: Math.round(performance.now()), start: restored ? "snapshot" : "normal", marks };
})();
const prepared = Promise.race([starting, failedDownload]);
prepared.catch(() => {}); // reported when "init" awaits it

// After a normal start, once the page has had its first results: a snapshot for the next visit.
function keepSnapshot(pyodide) {
  setTimeout(async () => {
    try {
      const info = await runtime;
      await saveSnapshot(info.key, () => pyodide.makeMemorySnapshot());
    } catch (error) {
      // no snapshot this time: the next visit starts normally
    }
  }, 1500);
}

async function init() {
  await translated; // the progress in the reader's language
  await Promise.race([again, prepared.catch(() => {})]); // the total and the kind of visit, before the first report:
  listening = true; // bytes counted meanwhile (a repeat visit's, from this device) are not reported as a download
  postProgress();
  const { ms, start, marks: steps } = await prepared;
  postProgress();
  post({ type: "ready", ms, start, marks: steps });
}

// Answers reach Python only at a sane size (an answer set is about 1 KB). The engine itself measures
// nesting before json.loads, which would overflow Pyodide's stack, and refuses more than 1,000 answers.
const MAX_ANSWERS_JSON = 256 * 1024;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      await init();
    } catch (error) {
      post({ type: "error", message: String((error && error.message) || error) });
    }
  } else if (message.type === "score") {
    if (!engine) {
      post({ type: "error", message: t("the engine was asked to score before it was ready") });
      return;
    }
    const size = typeof message.answers === "string" ? message.answers.length : Infinity;
    if (size > MAX_ANSWERS_JSON) {
      const problem = { id: "", message: t("answers are too large to score (at most {size} KB)", { size: MAX_ANSWERS_JSON / 1024 }) };
      post({ type: "result", id: message.id, payload: JSON.stringify({ ok: false, problems: [problem] }) });
      return;
    }
    try {
      const started = performance.now();
      const payload = message.answers === last.answers ? last.payload : remember(message.answers, engine.score_json(message.answers));
      post({ type: "result", id: message.id, payload, ms: performance.now() - started });
    } catch (error) {
      post({ type: "error", message: t("scoring failed: {reason}", { reason: String((error && error.message) || error) }) });
    }
  }
};
