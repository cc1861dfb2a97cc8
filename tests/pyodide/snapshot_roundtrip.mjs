// The memory-snapshot options the assessment's worker relies on, checked against the pinned Pyodide.
//
// They are private (`@ignore` in pyodide.d.ts): a new Pyodide may change or drop them. This script
// fails loudly if it does: it makes a snapshot with the engine built (loadPyodide({_makeSnapshot:
// true}), then pyodide.makeMemorySnapshot()), restores it (loadPyodide({_loadSnapshot})) and scores
// with the restored engine, exactly as generator/assets/worker.js does.
//
// Usage: node snapshot_roundtrip.mjs ENGINE_ZIP RULES_JSON
//   stdout: JSON {version, snapshot_bytes, make_ms, restore_ms, plain_ms, fresh, restored}
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pyodideDir = path.join(here, "..", "..", "node_modules", "pyodide");
const { loadPyodide, version } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const [enginePath, rulesPath] = process.argv.slice(2);
const engineZip = new Uint8Array(await readFile(enginePath));
const rules = await readFile(rulesPath, "utf8");
const ANSWERS = JSON.stringify({ sales_calls_per_week: 6, paying_customers: 3 });
const quiet = { stdout: () => {}, stderr: () => {} };

let started = performance.now();
const maker = await loadPyodide({ ...quiet, _makeSnapshot: true });
maker.unpackArchive(engineZip, "zip", { extractDir: "/home/pyodide/kb" });
maker.runPython('import sys; sys.path.insert(0, "/home/pyodide/kb")');
maker.globals.set("KB_RULES_JSON", rules);
maker.runPython("from scoring import Engine\nKB_ENGINE = Engine.from_json(KB_RULES_JSON)\ndel KB_RULES_JSON");
const fresh = maker.runPython(`KB_ENGINE.score_json(${JSON.stringify(ANSWERS)})`);
const plainMs = performance.now() - started;
started = performance.now();
const snapshot = maker.makeMemorySnapshot();
const makeMs = performance.now() - started;
if (!(snapshot instanceof Uint8Array) || snapshot.length === 0) throw new Error("makeMemorySnapshot() returned no bytes");

started = performance.now();
const restoredPyodide = await loadPyodide({ ...quiet, _loadSnapshot: snapshot });
const engine = restoredPyodide.globals.get("KB_ENGINE");
if (!engine) throw new Error("the restored snapshot has no KB_ENGINE: _loadSnapshot no longer restores Python's state");
const restored = engine.score_json(ANSWERS);
const restoreMs = performance.now() - started;
console.log(JSON.stringify({ version, snapshot_bytes: snapshot.length, plain_ms: Math.round(plainMs), make_ms: Math.round(makeMs),
  restore_ms: Math.round(restoreMs), fresh, restored }));
