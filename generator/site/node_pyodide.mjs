// Starting Pyodide in Node for the build's scripts (stdlib_probe.mjs, stdlib_compile.mjs), and ending a script
// in one line when it fails.
import path from "node:path";
import { pathToFileURL } from "node:url";

const LOAD_TIMEOUT_MS = 120_000; // loadPyodide hangs rather than failing in some setups

// PYODIDE_DIR's Pyodide, started with `options` (indexURL is set here), or an error once the time is up.
export async function startPyodide(pyodideDir, options) {
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Pyodide did not start within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
  });
  return Promise.race([loadPyodide({ indexURL: pyodideDir + path.sep, ...options }), timeout]).finally(() => clearTimeout(timer));
}

// Runs main(argv); a failure is one line on stderr, "SCRIPT: reason", and exit status 1.
export function runScript(script, main) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`${script}: ${oneLine(error)}`);
    process.exit(1);
  });
}

// One line: a Python error's own ("ModuleNotFoundError: No module named 'x'"), not Pyodide's advice after it.
function oneLine(error) {
  const lines = String((error && error.message) || error).split("\n").filter(Boolean);
  const own = error && error.type ? lines.filter((line) => line.startsWith(`${error.type}:`)) : [];
  return (own.length ? own : lines).pop();
}
