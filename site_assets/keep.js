// Keeping answers, privately: dated snapshots in this browser's localStorage with a
// small chart of milestones over time, JSON export and import, and a printable report.
// Nothing here talks to a server. Loaded before assess.js, which calls kbKeep.toolbar().
(function () {
  "use strict";

  const KEY = "founder-kb:snapshots:v1";
  const FORMAT = "founder-kb-answers/1";
  const SVG = "http://www.w3.org/2000/svg";

  const el = window.kbEl; // site.js

  function load() {
    try {
      const list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter((s) => s && typeof s.saved === "string" && s.answers && typeof s.answers === "object") : [];
    } catch (error) {
      return [];
    }
  }

  function store(list) {
    localStorage.setItem(KEY, JSON.stringify(list));
  }

  function chart(snapshots) {
    // Milestones met per snapshot, oldest first: a tiny line chart built with DOM calls only.
    const width = 260;
    const height = 70;
    const pad = 6;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("class", "kb-history__chart");
    svg.setAttribute("role", "img");
    const values = snapshots.map((s) => s.met);
    svg.setAttribute("aria-label", `Milestones met over ${snapshots.length} snapshots: ${values.join(", ")}`);
    const max = Math.max(8, ...values);
    const x = (i) => pad + (snapshots.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (snapshots.length - 1));
    const y = (v) => height - pad - (v * (height - 2 * pad)) / max;
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "));
    line.setAttribute("class", "kb-history__line");
    svg.append(line);
    values.forEach((v, i) => {
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", x(i).toFixed(1));
      dot.setAttribute("cy", y(v).toFixed(1));
      dot.setAttribute("r", "3");
      dot.setAttribute("class", "kb-history__dot");
      svg.append(dot);
    });
    return svg;
  }

  function renderHistory(box, hooks) {
    const snapshots = load();
    box.replaceChildren();
    if (!snapshots.length) {
      box.append(el("p", { class: "kb-muted", text: "No saved snapshots yet. Save one each month to see your progress." }));
      return;
    }
    box.append(chart(snapshots));
    const list = el("ol", { class: "kb-history__list", reversed: true });
    snapshots
      .slice()
      .reverse()
      .forEach((snapshot, reverseIndex) => {
        const index = snapshots.length - 1 - reverseIndex;
        const date = new Date(snapshot.saved);
        const label = `${date.toLocaleDateString()}: ${snapshot.met} milestones met, next goal ${snapshot.next_goal || "none"}`;
        const restore = el("button", { type: "button", class: "md-button kb-button--small", text: "Restore" });
        restore.addEventListener("click", () => hooks.apply(snapshot.answers));
        const remove = el("button", { type: "button", class: "md-button kb-button--small", text: "Delete", "aria-label": `Delete snapshot ${label}` });
        remove.addEventListener("click", () => {
          const all = load();
          all.splice(index, 1);
          store(all);
          renderHistory(box, hooks);
        });
        list.append(el("li", { "data-kb": "snapshot" }, el("span", { text: label }), restore, remove));
      });
    box.append(list);
  }

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
  const IMPORT_LIMITS = { bytes: 64 * 1024, depth: 5, keys: 200 };

  function importProblem(text) {
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

  function readImport(text) {
    const problem = importProblem(text);
    if (problem) throw new Error(problem);
    const data = JSON.parse(text);
    const answers = data && typeof data === "object" && !Array.isArray(data) && data.format === FORMAT ? data.answers : data;
    if (!answers || typeof answers !== "object" || Array.isArray(answers)) throw new Error("it does not map answer ids to values");
    return answers; // the engine validates each answer
  }

  function toolbar(hooks) {
    const message = el("p", { class: "kb-keep__message", role: "status", "data-kb": "keep-message" });
    const history = el("div", { class: "kb-history", "data-kb": "history" });
    const save = el("button", { type: "button", class: "md-button md-button--primary", "data-kb": "save", text: "Save snapshot" });
    const exportButton = el("button", { type: "button", class: "md-button", "data-kb": "export", text: "Export JSON" });
    const fileInput = el("input", { type: "file", accept: "application/json,.json", class: "kb-visually-hidden", id: "kb-import-file", "data-kb": "import" });
    const importLabel = el("label", { for: "kb-import-file", class: "md-button", text: "Import JSON" });
    const print = el("button", { type: "button", class: "md-button", "data-kb": "print", text: "Print report" });

    save.addEventListener("click", () => {
      const result = hooks.result();
      if (!result) {
        message.textContent = "Answer a question first: there is nothing to save yet.";
        return;
      }
      const met = Object.values(result.milestones).filter((m) => m.status === "met").length;
      const all = load();
      all.push({ saved: new Date().toISOString(), answers: hooks.answers(), met, next_goal: result.next_goal });
      store(all);
      message.textContent = `Saved in this browser only (${all.length} snapshot${all.length === 1 ? "" : "s"}).`;
      renderHistory(history, hooks);
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

    renderHistory(history, hooks);
    return el(
      "section",
      { class: "kb-keep", "aria-label": "Keep your answers" },
      el("div", { class: "kb-keep__buttons" }, save, exportButton, fileInput, importLabel, print),
      message,
      el("details", { class: "kb-keep__history" }, el("summary", { text: "Your progress over time" }), history),
    );
  }

  window.kbKeep = { toolbar, readImport, importProblem, FORMAT };
})();
