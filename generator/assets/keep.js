// Keeping answers, privately: dated snapshots in this browser's localStorage, JSON export and
// import, and the printed report. Nothing here talks to a server.

import { el } from "./dom.js";
import { t, tn } from "./i18n.js";
import { showHistory, snapshotOf } from "./assess-history.js";
import { FILE_WORDS, IMPORT_LIMITS, formatSize, isRecord, measureJson, parseJson, readAnswers } from "./assess-read.js";
import { savedStore } from "./assess-saved.js";

// An answers file names the knowledge base it comes from (rules/site.yaml's id): "<id>-answers/1".
// Any knowledge base's file imports (its answers are read against this one's questions), so a file
// saved before a knowledge base changed its id, or from a sibling one, still loads.
const formatOf = (rules) => `${rules.site.id}-answers/1`;
const ANY_FORMAT = /^[a-z][a-z0-9-]{0,39}-answers\/1$/;

function download(rules, answers) {
  const body = JSON.stringify({ format: formatOf(rules), exported: new Date().toISOString(), answers }, null, 2);
  const url = URL.createObjectURL(new Blob([body], { type: "application/json" }));
  const link = el("a", { href: url, download: `${rules.site.id}-answers-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// An imported file, read against the questions (assess-read.js): a reading for hooks.apply. The
// file is measured before anything parses it; what is wrong with it as a whole is thrown.
function readImport(text, { questions }) {
  const problem = measureJson(text, IMPORT_LIMITS);
  if (problem) throw new Error(problem);
  const data = parseJson(text);
  const wrapped = isRecord(data) && Object.hasOwn(data, "format") && typeof data.format === "string" && ANY_FORMAT.test(data.format) && Object.hasOwn(data, "answers");
  const answers = wrapped ? data.answers : data;
  if (!isRecord(answers)) throw new Error(t("it does not map answer ids to values"));
  return readAnswers(answers, questions);
}

// hooks: {rules, answers(), result(), apply(reading)}
export function toolbar(assessment) {
  const message = el("p", { class: "kb-keep__message", role: "status", "data-kb": "keep-message" });
  // What a button did; a refusal is marked as one (kb-keep__message--refused), so it reads as a problem.
  const say = (text, refused = false) => {
    message.textContent = text;
    message.classList.toggle("kb-keep__message--refused", refused);
  };
  const hooks = { ...assessment, say };
  const store = savedStore(hooks.rules);
  const history = el("div", { class: "kb-history", "data-kb": "history" });
  const save = el("button", { type: "button", class: "kb-button kb-button--primary", "data-kb": "save", text: t("Save snapshot") });
  const exportButton = el("button", { type: "button", class: "kb-button", "data-kb": "export", text: t("Download answers") });
  const fileInput = el("input", { type: "file", accept: "application/json,.json", class: "kb-visually-hidden", id: "kb-import-file", "data-kb": "import" });
  const importLabel = el("label", { for: "kb-import-file", class: "kb-button", text: t("Load answers") });
  const print = el("button", { type: "button", class: "kb-button", "data-kb": "print", text: t("Print") });

  save.addEventListener("click", () => {
    const result = hooks.result();
    if (!result) {
      say(t("Answer a question first: there is nothing to save yet."));
      return;
    }
    try {
      const count = store.add(snapshotOf(hooks.rules, hooks.answers(), result));
      say(tn("Saved in this browser only ({count} snapshot).", "Saved in this browser only ({count} snapshots).", count, { count }));
    } catch (error) {
      say(t("The snapshot was not saved: {reason}.", { reason: error.message }), true);
    }
    showHistory(history, store, hooks);
  });
  exportButton.addEventListener("click", () => download(hooks.rules, hooks.answers()));
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    try {
      if (file.size > IMPORT_LIMITS.bytes) throw new Error(FILE_WORDS.bytes(formatSize(IMPORT_LIMITS.bytes))); // not even read
      hooks.apply(readImport(await file.text(), hooks.rules));
      say(t("Imported {file}. Check any answer marked as a problem.", { file: file.name }));
    } catch (error) {
      say(t("{file} was not loaded: {reason}. Load answers reads the file that Download answers saves.", { file: file.name, reason: error.message }), true);
    }
    fileInput.value = "";
  });
  print.addEventListener("click", () => window.print());

  const notice = showHistory(history, store, hooks);
  return el(
    "section",
    { class: "kb-keep", "aria-label": t("Keep your answers") },
    el("div", { class: "kb-keep__buttons" }, save, exportButton, fileInput, importLabel, print),
    el("p", { class: "kb-keep__privacy", text: t("Snapshots stay in this browser: nothing is sent anywhere. Delete removes one; clearing this site's data removes them all.") }),
    message,
    // Open when some saved snapshots could not be read: the reader should see that, not find it.
    el("details", { class: "kb-keep__history", open: Boolean(notice) }, el("summary", { text: t("Your progress over time") }), history),
  );
}
