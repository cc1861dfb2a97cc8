// Score many answer sets with the engine under Pyodide in Node, exactly as the browser does.
// Usage: node score_many.mjs ENGINE_ZIP RULES_JSON ANSWERS_JSON  (prints a JSON list of results)
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const [enginePath, rulesPath, answersPath] = process.argv.slice(2);
if (!answersPath) {
  console.error("usage: node score_many.mjs ENGINE_ZIP RULES_JSON ANSWERS_JSON");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const pyodideDir = path.resolve(here, "..", "..", "node_modules", "pyodide");
const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));

const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: () => {}, stderr: (line) => console.error(line) });
pyodide.unpackArchive(new Uint8Array(await readFile(enginePath)), "zip", { extractDir: "/home/pyodide/kb" });
pyodide.globals.set("RULES_JSON", await readFile(rulesPath, "utf8"));
pyodide.globals.set("ANSWER_SETS_JSON", await readFile(answersPath, "utf8"));
const output = pyodide.runPython(`
import json, sys
sys.path.insert(0, "/home/pyodide/kb")
from scoring import Engine
print(f"pyodide python {sys.version.split()[0]}", file=sys.stderr)
engine = Engine.from_json(RULES_JSON)
json.dumps([json.loads(engine.score_json(json.dumps(answers))) for answers in json.loads(ANSWER_SETS_JSON)])
`);
process.stdout.write(output);
