// Compile the standard library files the engine needs to bytecode, with Pyodide's own Python, into a zip.
//
// Usage: node stdlib_compile.mjs PYODIDE_DIR FILES_JSON OUT_ZIP
//   FILES_JSON: a JSON list of members of PYODIDE_DIR's python_stdlib.zip, in the order to write them.
//   OUT_ZIP:    each .py member as its .pyc beside nothing else (other members as they are), fixed dates.
//   on failure: one line on stderr, exit 1.
//
// Pyodide ships its standard library as source, so a browser compiles every module its start imports, the
// longest part of a first visit's start after the download. Bytecode made here by the same interpreter the
// browser runs is loaded as it is. It is compiled as `python -OO -X no_debug_ranges` would: no docstrings or
// asserts, and line numbers without columns, so that the zip is hardly larger on the wire than the sources
// were (0.67 MB against 0.60 MB, brotli; 1.07 MB with docstrings and columns).
// The pyc files are unchecked hash-based ones (PEP 552): no timestamps, so a build is byte-identical to the
// last, and nothing looks for the source. generator/site/stdlib.py then runs the engine on the result.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { runScript, startPyodide } from "./node_pyodide.mjs";

const COMPILE = `
import importlib.util, json, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

prefix = next(entry for entry in sys.path if entry.endswith(".zip")) + "/"  # as the modules' own file names read
wanted = json.loads(KB_FILES)
with zipfile.ZipFile("/tmp/stdlib.zip") as source, zipfile.ZipFile("/tmp/out.zip", "w") as out:
    for name in wanted:
        data = source.read(name)
        if name.endswith(".py"):
            code = compile(data, prefix + name, "exec", dont_inherit=True, optimize=2)
            data, name = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)), name + "c"
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.external_attr = 0o644 << 16
        out.writestr(entry, data)
`;

async function main([pyodideDir, filesPath, outPath]) {
  if (!outPath) throw new Error("usage: node stdlib_compile.mjs PYODIDE_DIR FILES_JSON OUT_ZIP");
  const options = { env: { PYTHONNODEBUGRANGES: "1" }, stdout: () => {}, stderr: (line) => console.error(line) };
  const pyodide = await startPyodide(pyodideDir, options);
  pyodide.FS.writeFile("/tmp/stdlib.zip", new Uint8Array(await readFile(path.join(pyodideDir, "python_stdlib.zip"))));
  pyodide.globals.set("KB_FILES", await readFile(filesPath, "utf8"));
  pyodide.runPython(COMPILE);
  await writeFile(outPath, pyodide.FS.readFile("/tmp/out.zip"));
}

runScript("stdlib_compile.mjs", main);
