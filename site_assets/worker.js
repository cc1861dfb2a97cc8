// The scoring worker: runs the Python engine under Pyodide, off the page's thread.
//
// Protocol (postMessage):
//   page -> worker  {type: "init", rules: "<rules.json text>"}
//                   {type: "score", id, answers: "<answers JSON>"}
//   worker -> page  {type: "progress", text}
//                   {type: "ready", ms}
//                   {type: "result", id, payload: "<score_json output>"}
//                   {type: "error", message}
//
// Everything is loaded from this site: Pyodide's files from ../pyodide/, the
// engine from engine.zip beside this file. Nothing is fetched from elsewhere.

const here = new URL(".", import.meta.url);
let engine = null;

// Start the Python runtime at once; the rules arrive with the "init" message.
const runtime = (async () => {
  const { loadPyodide } = await import(new URL("../pyodide/pyodide.mjs", here).href);
  const pyodide = await loadPyodide({ indexURL: new URL("../pyodide/", here).href, stdout: () => {}, stderr: () => {} });
  const response = await fetch(new URL("engine.zip", here));
  if (!response.ok) {
    throw new Error(`the scoring engine could not be downloaded (HTTP ${response.status})`);
  }
  pyodide.unpackArchive(new Uint8Array(await response.arrayBuffer()), "zip", { extractDir: "/home/pyodide/kb" });
  pyodide.runPython('import sys; sys.path.insert(0, "/home/pyodide/kb")');
  return pyodide;
})();
runtime.catch(() => {}); // reported when "init" awaits it

function post(message) {
  self.postMessage(message);
}

async function init(rulesText) {
  const started = performance.now();
  post({ type: "progress", text: "Downloading the Python runtime (about 4 MB, cached after the first visit)…" });
  const pyodide = await runtime;
  post({ type: "progress", text: "Starting the scoring engine…" });
  pyodide.globals.set("KB_RULES_JSON", rulesText);
  engine = pyodide.runPython("from scoring import Engine\nEngine.from_json(KB_RULES_JSON)");
  pyodide.globals.delete("KB_RULES_JSON");
  post({ type: "ready", ms: Math.round(performance.now() - started) });
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      await init(message.rules);
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
