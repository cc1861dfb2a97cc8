// The scoring worker: runs the Python engine under Pyodide, off the page's thread.
//
// Protocol (postMessage):
//   page -> worker  {type: "init"}   (the page listens from now on)
//                   {type: "score", id, answers: "<answers JSON>"}
//   worker -> page  {type: "progress", text}
//                   {type: "ready", ms}   (ms since the worker started)
//                   {type: "result", id, payload: "<score_json output>"}
//                   {type: "error", message}
//
// Everything is loaded from this site: Pyodide's files from ../pyodide/, the
// engine (engine.zip) and the compiled rules (rules.json) from beside this
// file. Nothing is fetched from elsewhere. All of it starts downloading the
// moment the worker starts, side by side, and the engine is built without
// waiting for the page: "init" only says the page is ready to hear about it.

const here = new URL(".", import.meta.url);
const PROGRESS = {
  runtime: "Downloading the Python runtime (about 4 MB, cached after the first visit)…",
  engine: "Starting the scoring engine…",
};
let listening = false;
let phase = "runtime";
let engine = null;

function post(message) {
  self.postMessage(message);
}

function enter(next) {
  phase = next;
  if (listening) post({ type: "progress", text: PROGRESS[phase] });
}

// Pyodide reports a missing or broken file on the console and then waits for ever. Every
// download in this worker, Pyodide's and ours, goes through this wrapper: a failed one rejects
// its own fetch and ends the start at once, naming the file, instead of after the page's
// time limit.
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
    if (response.ok) return response;
    failure = new Error(`${name} could not be downloaded (HTTP ${response.status})`);
  } catch (error) {
    failure = new Error(`${name} could not be downloaded (${error.message})`);
  }
  downloadFailed(failure);
  throw failure;
};

const engineZip = fetch(new URL("engine.zip", here)).then((response) => response.arrayBuffer());
const rulesText = fetch(new URL("rules.json", here)).then((response) => response.text());
engineZip.catch(() => {}); // reported through `prepared`
rulesText.catch(() => {});

const starting = (async () => {
  const { loadPyodide } = await import(new URL("../pyodide/pyodide.mjs", here).href);
  const pyodide = await loadPyodide({ indexURL: new URL("../pyodide/", here).href, stdout: () => {}, stderr: () => {} });
  enter("engine");
  pyodide.unpackArchive(new Uint8Array(await engineZip), "zip", { extractDir: "/home/pyodide/kb" });
  pyodide.runPython('import sys; sys.path.insert(0, "/home/pyodide/kb")');
  pyodide.globals.set("KB_RULES_JSON", await rulesText);
  engine = pyodide.runPython("from scoring import Engine\nEngine.from_json(KB_RULES_JSON)");
  pyodide.globals.delete("KB_RULES_JSON");
  return Math.round(performance.now());
})();
const prepared = Promise.race([starting, failedDownload]);
prepared.catch(() => {}); // reported when "init" awaits it

async function init() {
  listening = true;
  post({ type: "progress", text: PROGRESS[phase] });
  post({ type: "ready", ms: await prepared });
}

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
      post({ type: "error", message: "the engine was asked to score before it was ready" });
      return;
    }
    try {
      post({ type: "result", id: message.id, payload: engine.score_json(message.answers) });
    } catch (error) {
      post({ type: "error", message: `scoring failed: ${String((error && error.message) || error)}` });
    }
  }
};
