// Score many answer sets with the engine under Pyodide in Node, the way the browser does:
// the engine zip unpacked into the Pyodide file system, one Engine built from rules.json,
// and score_json() called from JavaScript with a JSON string for each answer set.
//
// Usage: node score_many.mjs ENGINE_ZIP RULES_JSON ANSWERS_JSON [STDLIB_ZIP]
//   ANSWERS_JSON holds a JSON list of answer sets (usually objects).
//   STDLIB_ZIP: the standard library to start with (the site's cut-down one), instead of Pyodide's.
//   stdout: a JSON list with one score_json() result object per answer set, in order.
//   stderr: "pyodide python <sys.version>", then timings; on failure a message, exit 1.
//
// Only strings cross between JavaScript and Python. Each answer set is serialised by
// Python's json.dumps, as CPython's side of the parity test does, and each result is
// written out as the exact text score_json() returned (never re-serialised by
// JavaScript, which would turn 5.0 into 5 and round integers above 2**53).
// Pyodide is loaded from this repository's node_modules: nothing is downloaded.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const LOAD_TIMEOUT_MS = 120_000; // loadPyodide hangs rather than failing in some setups
const EXTRACT_DIR = "/home/pyodide/kb";

function fail(message) {
  console.error(`score_many.mjs: ${message}`);
  process.exit(1);
}

async function readInput(file, what, encoding) {
  try {
    return await readFile(file, encoding);
  } catch (error) {
    throw new Error(`cannot read the ${what} ${file}: ${error.message}`);
  }
}

function explained(call, context) {
  try {
    return call();
  } catch (error) {
    throw new Error(`${context}:\n${error.message}`);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(argv) {
  if (argv.length !== 3 && argv.length !== 4) {
    throw new Error("usage: node score_many.mjs ENGINE_ZIP RULES_JSON ANSWERS_JSON [STDLIB_ZIP]");
  }
  const [enginePath, rulesPath, answersPath, stdlibPath] = argv;
  const engineZip = await readInput(enginePath, "engine zip", undefined);
  const rulesText = await readInput(rulesPath, "compiled rules", "utf8");
  const answersText = await readInput(answersPath, "answer sets", "utf8");

  const here = path.dirname(fileURLToPath(import.meta.url));
  const pyodideDir = path.resolve(here, "..", "..", "node_modules", "pyodide");
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href));
  } catch (error) {
    throw new Error(`cannot import Pyodide from ${pyodideDir} (run \`npm ci\`): ${error.message}`);
  }

  const started = performance.now();
  const pyodide = await withTimeout(
    loadPyodide({
      indexURL: pyodideDir + path.sep,
      ...(stdlibPath ? { stdLibURL: path.resolve(stdlibPath) } : {}),
      // Python's own output goes to stderr: stdout carries only the JSON results.
      stdout: (line) => console.error(line),
      stderr: (line) => console.error(line),
    }),
    LOAD_TIMEOUT_MS,
    "loadPyodide()",
  );
  const loaded = performance.now();
  console.error(`pyodide python ${pyodide.runPython("import sys; sys.version")}`);

  // A Node Buffer is rejected by unpackArchive: pass a Uint8Array.
  explained(
    () => pyodide.unpackArchive(new Uint8Array(engineZip), "zip", { extractDir: EXTRACT_DIR }),
    `cannot unpack the engine zip ${enginePath}`,
  );

  const helpers = explained(
    () =>
      pyodide.runPython(`
import json, sys
sys.path.insert(0, ${JSON.stringify(EXTRACT_DIR)})
from scoring import Engine

def build_engine(rules_text):
    return Engine.from_json(rules_text)

def answer_texts(answers_text):
    """The answer sets as a JSON list of JSON texts, each made by json.dumps as on CPython."""
    sets = json.loads(answers_text)
    if not isinstance(sets, list):
        raise ValueError(f"the answer sets file must hold a JSON list, not {type(sets).__name__}")
    return json.dumps([json.dumps(answers) for answers in sets])

{"build_engine": build_engine, "answer_texts": answer_texts}
`),
    `cannot import the engine (package scoring/) from ${enginePath}`,
  );
  // Every proxy made here is destroyed: only strings cross into JavaScript.
  let engine;
  let texts;
  const buildEngine = helpers.get("build_engine");
  const answerTexts = helpers.get("answer_texts");
  try {
    engine = explained(() => buildEngine(rulesText), `cannot build the engine from ${rulesPath}`);
    texts = JSON.parse(explained(() => answerTexts(answersText), `cannot read the answer sets in ${answersPath}`));
  } finally {
    buildEngine.destroy();
    answerTexts.destroy();
    helpers.destroy();
  }
  const results = [];
  try {
    for (const [index, text] of texts.entries()) {
      const output = explained(() => engine.score_json(text), `answer set ${index} (${text}) raised in Python`);
      if (typeof output !== "string") {
        throw new Error(`answer set ${index}: score_json returned ${typeof output}, not a string`);
      }
      results.push(output);
    }
  } finally {
    engine.destroy();
  }
  const done = performance.now();
  console.error(
    `loaded Pyodide in ${((loaded - started) / 1000).toFixed(2)} s; ` +
      `scored ${results.length} answer sets in ${((done - loaded) / 1000).toFixed(2)} s`,
  );
  // Each result is already a JSON object's text: join them into a list unchanged.
  process.stdout.write(`[${results.join(",\n")}]\n`, () => process.exit(0));
}

main(process.argv.slice(2)).catch((error) => fail(error && error.message ? error.message : String(error)));
