// Keeping answers, privately: dated snapshots in this browser's localStorage, JSON export and
// import, and the printed report. Nothing here talks to a server.

import { el } from "./dom.js";
import { renderHistory, snapshotOf } from "./assess-history.js";

const KEY = "founder-kb:snapshots:v1";
export const FORMAT = "founder-kb-answers/1";

export const store = {
  load() {
    try {
      const list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter((s) => s && typeof s.saved === "string" && s.answers && typeof s.answers === "object") : [];
    } catch (error) {
      return [];
    }
  },
  add(snapshot) {
    const all = store.load();
    all.push(snapshot);
    localStorage.setItem(KEY, JSON.stringify(all));
    return all.length;
  },
  remove(saved) {
    localStorage.setItem(KEY, JSON.stringify(store.load().filter((s) => s.saved !== saved)));
  },
};

function download(answers) {
  const body = JSON.stringify({ format: FORMAT, exported: new Date().toISOString(), answers }, null, 2);
  const url = URL.createObjectURL(new Blob([body], { type: "application/json" }));
  const link = el("a", { href: url, download: `founder-answers-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// An import is measured before anything parses it. JSON nested thousands deep overflows the stack of
// JSON.parse, or of the Python engine after it (which kills the widget until a reload), and tens of
// thousands of keys freeze the page: such a file is refused with a message and the form stays as it was.
// An exported answers file is about 1 KB, 3 levels deep, with one key per question.
export const IMPORT_LIMITS = { bytes: 64 * 1024, depth: 5, keys: 200 };

export function importProblem(text) {
  if (text.length > IMPORT_LIMITS.bytes) return `it is larger than ${IMPORT_LIMITS.bytes / 1024} KB`;
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (++depth > IMPORT_LIMITS.depth) return `it nests more than ${IMPORT_LIMITS.depth} levels deep`;
    } else if (c === "}" || c === "]") depth--;
    else if (c === ":" && ++keys > IMPORT_LIMITS.keys) return `it holds more than ${IMPORT_LIMITS.keys} keys`;
  }
  return "";
}

export function readImport(text) {
  const problem = importProblem(text);
  if (problem) throw new Error(problem);
  const data = JSON.parse(text);
  const answers = data && typeof data === "object" && !Array.isArray(data) && data.format === FORMAT ? data.answers : data;
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) throw new Error("it does not map answer ids to values");
  return answers; // the engine validates each answer
}

// hooks: {rules, answers(), result(), apply(answers)}
export function toolbar(hooks) {
  const message = el("p", { class: "kb-keep__message", role: "status", "data-kb": "keep-message" });
  const history = el("div", { class: "kb-history", "data-kb": "history" });
  const save = el("button", { type: "button", class: "kb-button kb-button--primary", "data-kb": "save", text: "Save snapshot" });
  const exportButton = el("button", { type: "button", class: "kb-button", "data-kb": "export", text: "Export JSON" });
  const fileInput = el("input", { type: "file", accept: "application/json,.json", class: "kb-visually-hidden", id: "kb-import-file", "data-kb": "import" });
  const importLabel = el("label", { for: "kb-import-file", class: "kb-button", text: "Import JSON" });
  const print = el("button", { type: "button", class: "kb-button", "data-kb": "print", text: "Print" });

  save.addEventListener("click", () => {
    const result = hooks.result();
    if (!result) {
      message.textContent = "Answer a question first: there is nothing to save yet.";
      return;
    }
    const count = store.add(snapshotOf(hooks.rules, hooks.answers(), result));
    message.textContent = `Saved in this browser's localStorage only (${count} snapshot${count === 1 ? "" : "s"}).`;
    renderHistory(history, store, hooks);
  });
  exportButton.addEventListener("click", () => download(hooks.answers()));
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    try {
      if (file.size > IMPORT_LIMITS.bytes) throw new Error(`it is larger than ${IMPORT_LIMITS.bytes / 1024} KB`); // not even read
      hooks.apply(readImport(await file.text()));
      message.textContent = `Imported ${file.name}. Check any answer marked as a problem.`;
    } catch (error) {
      message.textContent = `${file.name} was not imported: ${error.message}. An answers file is the JSON that Export JSON saves.`;
    }
    fileInput.value = "";
  });
  print.addEventListener("click", () => window.print());

  renderHistory(history, store, hooks);
  return el(
    "section",
    { class: "kb-keep", "aria-label": "Keep your answers" },
    el("div", { class: "kb-keep__buttons" }, save, exportButton, fileInput, importLabel, print),
    el("p", { class: "kb-keep__privacy", text: "Snapshots stay in this browser's localStorage: nothing is sent anywhere. Delete removes one; clearing this site's data removes them all." }),
    message,
    el("details", { class: "kb-keep__history" }, el("summary", { text: "Your progress over time" }), history),
  );
}
