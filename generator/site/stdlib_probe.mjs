// Start Pyodide in Node as the assessment's worker does (generator/assets/worker.js), score answer sets,
// and report which files of Python's standard library the whole run imported.
//
// Usage: node stdlib_probe.mjs PYODIDE_DIR ENGINE_ZIP RULES_JSON ANSWERS_JSON [STDLIB_ZIP]
//   ANSWERS_JSON: a JSON list of answer texts (strings), scored one by one with score_json().
//   STDLIB_ZIP:   a standard library to start with instead of PYODIDE_DIR's python_stdlib.zip.
//   stdout: {"python": sys.version, "files": [members of the standard library zip], "results": [texts]}
//   on failure: one line on stderr, exit 1.
//
// The build (generator/site/stdlib.py) runs it once on Pyodide's whole standard library to record the
// files, then on the cut-down zip it wrote to check that the same run gives the same results.
// The run includes what Pyodide's own start imports, unpacking the engine's zip, and a memory
// snapshot (the worker keeps one for the next visit): the browser does all of these.
import { readFile } from "node:fs/promises";

import { runScript, startPyodide } from "./node_pyodide.mjs";

const ZIP_DIR = "/lib/python314.zip/";

async function main([pyodideDir, enginePath, rulesPath, answersPath, stdlibPath]) {
  if (!answersPath) throw new Error("usage: node stdlib_probe.mjs PYODIDE_DIR ENGINE_ZIP RULES_JSON ANSWERS_JSON [STDLIB_ZIP]");
  const options = { stdout: () => {}, stderr: (line) => console.error(line), _makeSnapshot: true };
  if (stdlibPath) options.stdLibURL = stdlibPath;
  const pyodide = await startPyodide(pyodideDir, options);
  pyodide.unpackArchive(new Uint8Array(await readFile(enginePath)), "zip", { extractDir: "/home/pyodide/kb" });
  pyodide.runPython('import sys; sys.path.insert(0, "/home/pyodide/kb")');
  pyodide.globals.set("KB_RULES_JSON", await readFile(rulesPath, "utf8"));
  pyodide.runPython("from scoring import Engine\nKB_ENGINE = Engine.from_json(KB_RULES_JSON)\ndel KB_RULES_JSON");
  const engine = pyodide.globals.get("KB_ENGINE");
  const results = JSON.parse(await readFile(answersPath, "utf8")).map((text) => engine.score_json(text));
  engine.destroy();
  pyodide.makeMemorySnapshot();
  const report = pyodide.runPython(`
import json, sys
files = sorted({m.__file__ for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith(${JSON.stringify(ZIP_DIR)})})
json.dumps({"python": sys.version, "files": [f[${ZIP_DIR.length}:] for f in files]})
`);
  process.stdout.write(JSON.stringify({ ...JSON.parse(report), results }), () => process.exit(0));
}

runScript("stdlib_probe.mjs", main);
