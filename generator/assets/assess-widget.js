// The self-assessment widget (INTERFACE.md: the self-assessment page), an ES module that
// assess.js imports on a page that has the widget, and mounts there.
//
// One Pyodide worker (assess-engine.js) lives for the whole visit, across the theme's instant
// navigation. Every text a reader sees is set with textContent: nothing from rules, answers or
// the URL is ever parsed as HTML.

import { capitalise, el, megabytes } from "./dom.js";
import { startEngine } from "./assess-engine.js";
import { buildForm, reveal, showProgress, writeHash } from "./assess-form.js";
import { readLink } from "./assess-read.js";
import { buildSummary, renderSummary } from "./assess-summary.js";
import { renderResults } from "./assess-results.js";
import { buildNext, renderNext } from "./assess-next.js";
import { renderPrint } from "./assess-print.js";
import { keepClear, partners } from "./assess-conflict.js";
import { toolbar } from "./keep.js";
import { t } from "./i18n.js";

let view = null; // the mounted widget, if this page has one

// The status box keeps its place and size from the first paint: loading progress, then the
// reader's own progress through the questions. Nothing below it moves when the engine is ready.
// Loading is the download (the bar counts bytes), then starting (no bytes to count: the bar runs
// without a value, so it still moves), with a note that the questions can be answered meanwhile.
function showStatus(status, { text, loaded, total, done, starting, note }) {
  const bar = el("progress", { class: "kb-status__bar", "data-kb": "progress", max: total || 1, "aria-hidden": "true" });
  if (total && !starting) bar.value = loaded;
  else if (done !== undefined) bar.value = done;
  const bytes = total && !starting ? t("{loaded} of {total}", { loaded: megabytes(loaded), total: megabytes(total) }) : "";
  status.replaceChildren(el("span", { class: "kb-status__text", text }), bar, el("span", { class: "kb-status__bytes", "data-kb": "bytes", text: bytes }),
    ...(note ? [el("span", { class: "kb-status__note", "data-kb": "loading-note", text: note })] : []));
  status.dataset.phase = done !== undefined ? "answering" : starting ? "starting" : "downloading";
  if (total) {
    status.dataset.loaded = String(loaded);
    status.dataset.total = String(total);
  }
}

// What the form holds, with what a link or a file gave that the form cannot (assess-read.js):
// text and unknown ids for the engine to name, values no answer can be as local errors. A
// prototype-free object, so an id such as `__proto__` is a key like any other.
function currentAnswers(current, localErrors = []) {
  const answers = Object.create(null);
  for (const [id, value] of current.extra) answers[id] = value;
  for (const entry of current.refused) localErrors.push(entry);
  for (const [id, field] of current.inputs) {
    const read = field.read();
    if (read.error) localErrors.push([id, read.error]);
    else if (read.value !== undefined) answers[id] = read.value;
  }
  return answers;
}

function showProblems(current, problems, localErrors) {
  const byId = new Map(localErrors);
  for (const problem of problems) if (problem.id && !byId.has(problem.id)) byId.set(problem.id, problem.message);
  // An answer that a broken rule between answers also reads carries the same message.
  const shared = partners(current.rules, problems, current.inputs);
  current.conflicts = Array.from(current.inputs).filter(([id]) => byId.has(id) || shared.has(id)).map(([, field]) => field.node);
  for (const [id, field] of current.inputs) {
    const box = field.node.querySelector(".kb-q__error");
    const message = byId.get(id) || shared.get(id);
    box.hidden = !message;
    box.textContent = message ? capitalise(message) : "";
    field.node.querySelectorAll("input").forEach((input) => (message ? input.setAttribute("aria-invalid", "true") : input.removeAttribute("aria-invalid")));
    if (message) reveal(field);
  }
  const general = problems.filter((problem) => !problem.id || !current.inputs.has(problem.id));
  current.problems.replaceChildren(...general.map((problem) => el("li", { text: problem.id ? `${problem.id}: ${problem.message}` : problem.message })));
  current.problems.hidden = general.length === 0;
  // For the summary: each problem with the question it is about.
  return Array.from(byId, ([id, message]) => {
    const field = current.inputs.get(id);
    return field ? { id, label: t("“{label}”:", { label: field.question.label }), message: capitalise(message), focusId: field.focusId } : { id, message: `${id}: ${message}` };
  }).concat(general.filter((p) => !byId.has(p.id)).map((p) => ({ id: p.id, message: p.id ? `${p.id}: ${p.message}` : p.message })));
}

async function update(current) {
  const localErrors = [];
  const answers = currentAnswers(current, localErrors);
  writeHash(answers);
  if (!current.ready) return;
  const key = stateKey(current, answers, localErrors);
  const ticket = ++current.ticket;
  const started = performance.now();
  // While a result is on its way the one shown is for older answers: say so (a slow score dims it, see assess.css).
  busy(current, true);
  let reply = await current.engine.score(answers);
  let problems = [];
  if (!reply.ok) {
    // Show what is wrong, and score the answers that are fine meanwhile.
    problems = reply.problems;
    const rest = Object.assign(Object.create(null), answers);
    problems.forEach((problem) => delete rest[problem.id]);
    reply = await current.engine.score(rest);
  }
  if (ticket !== current.ticket || current.root.dataset.kbState === "error") return; // a newer change is on its way
  busy(current, false);
  current.root.dataset.kbScoreMs = (performance.now() - started).toFixed(1);
  const named = showProblems(current, current.notices.map((message) => ({ id: "", message })).concat(problems), localErrors);
  if (reply.ok) {
    const result = reply.result;
    current.lastResult = result;
    const { answered, total } = showProgress(current.groups, result.open_groups || []);
    const text = t("{answered} of {total} questions answered. Results update as you answer.", { answered, total });
    showStatus(current.status, { text, done: answered / Math.max(total, 1) });
    renderSummary(current.summary, { rules: current.rules, result, problems: named, answered });
    // A new conflict comes into view below the summary; the same one left as it is stays put.
    const conflictKey = named.map((p) => `${p.id}:${p.message}`).join("\n");
    if (conflictKey && conflictKey !== current.conflictKey) keepClear(current.summary.box, current.conflicts);
    current.conflictKey = conflictKey;
    renderResults(current.results, current.rules, result);
    renderNext(current.next, result);
    renderPrint(current.print, current.inputs, answers);
    if (!current.keep) {
      current.keep = toolbar(current.hooks);
      current.side.append(current.keep);
    }
    const goal = result.next_goal ? current.rules.milestones.find((m) => m.id === result.next_goal) : null;
    const announcement = goal ? t("Next goal: {id}, {title}.", { id: goal.id, title: goal.title }) : t("Every milestone is met.");
    if (current.announcer.textContent !== announcement) current.announcer.textContent = announcement;
  }
  current.scored = { key, ticket };
  current.root.dataset.kbScored = JSON.stringify(answers); // what this result is for (tests wait on it)
  current.root.dataset.kbScores = String(Number(current.root.dataset.kbScores || 0) + 1);
}

// aria-busy at once; the fading (data-kb-stale, assess.css) only once a score has taken 0.3 s, so a quick
// one changes no style at all: a style change between a press and its release can move the click elsewhere.
// What a result depends on besides the rules: the answers, the form's own refusals and a reading's notices.
function stateKey(current, answers, localErrors) {
  return JSON.stringify([answers, localErrors, current.notices]);
}

// True when the result shown is for exactly what the form holds now, and no other score is on its way.
function scoredAlready(current) {
  if (!current.ready || !current.scored || current.scored.ticket !== current.ticket) return false;
  const localErrors = [];
  const answers = currentAnswers(current, localErrors);
  return current.scored.key === stateKey(current, answers, localErrors);
}

function busy(current, scoring) {
  const nodes = [current.summary.box, current.results];
  clearTimeout(current.staleTimer);
  for (const node of nodes) node.setAttribute("aria-busy", String(scoring));
  if (scoring) current.staleTimer = setTimeout(() => nodes.forEach((node) => (node.dataset.kbStale = "")), 300);
  else nodes.forEach((node) => delete node.dataset.kbStale);
}

function fail(root, error) {
  root.dataset.kbState = "error";
  const status = root.querySelector("[data-kb=status]");
  status.className = "kb-assess__status kb-assess__status--error";
  status.replaceChildren(
    el("strong", { text: `${t("The self-assessment could not start.")} ` }),
    el("span", { text: `${t("Reason: {reason}.", { reason: error.message })} ` }),
    el("span", { text: `${t("Reloading the page may help. You can also score the same questions on your own computer:")} ` }),
    el("code", { text: "python -m generator score --answers answers.yaml" }),
  );
}

export async function mount(root) {
  if (root.dataset.kbMounted) return;
  root.dataset.kbMounted = "true";
  root.dataset.kbState = "loading";
  const status = root.querySelector("[data-kb=status]");
  const engine = startEngine();
  let note = ""; // once the questions are on the page
  const onProgress = (progress) => showStatus(status, { ...progress, note });
  onProgress(engine.progress);
  engine.listeners.add(onProgress);
  let rules;
  try {
    rules = await engine.rules;
  } catch (error) {
    engine.listeners.delete(onProgress);
    fail(root, error);
    return;
  }
  const { form, inputs, groups } = buildForm(rules);
  const summary = buildSummary();
  const results = el("div", { class: "kb-results", "data-kb": "results" });
  const problems = el("ul", { class: "kb-problems", "data-kb": "problems", hidden: true });
  const print = el("div", { class: "kb-print", "data-kb": "print-only" });
  const announcer = el("p", { class: "kb-visually-hidden", "aria-live": "polite", "data-kb": "announcer" });
  const side = el("div", { class: "kb-assess__side" }, summary.box, problems, results);
  root.append(print, el("div", { class: "kb-assess__layout" }, form, side), announcer);
  const current = { root, rules, engine, inputs, groups, status, summary, results, problems, print, side, announcer, ticket: 0, ready: false };
  view = current;

  // A reading (assess-read.js) into the form. Values the form cannot hold (text in a number box,
  // an unknown id) still reach the engine, which names the problem; until the reader edits.
  const forget = () => {
    current.extra = new Map();
    current.refused = new Map();
    current.notices = [];
  };
  const applyAnswers = (reading) => {
    forget();
    current.refused = reading.refused;
    current.notices = reading.notices;
    for (const [id, field] of inputs) {
      const value = reading.answers.get(id);
      if (!field.write(value)) current.extra.set(id, value);
    }
    for (const [id, value] of reading.answers) if (!inputs.has(id)) current.extra.set(id, value);
  };
  forget();
  const refresh = () => update(current).catch((error) => fail(root, error));
  current.next = buildNext(form, inputs, rules, refresh);
  current.hooks = {
    rules,
    answers: () => currentAnswers(current),
    result: () => current.lastResult,
    apply: (reading) => {
      applyAnswers(reading);
      refresh();
    },
  };
  applyAnswers(readLink(location.hash, rules.questions));
  note = t("You can start answering now.");
  onProgress(engine.progress);
  form.addEventListener("input", () => {
    forget();
    refresh();
  });
  // A blur's change after the input event that already scored the same answers scores nothing: its new
  // result would be the same, and drawing it again would take the focus from where the reader just moved it.
  form.addEventListener("change", () => {
    if (!scoredAlready(current)) refresh();
  });
  summary.box.addEventListener("click", (event) => {
    // Jumps within the page (a question to fix, a warning) are buttons, not #links: location.hash
    // holds the answers, and the theme's instant navigation handles every link itself.
    const link = event.target.closest("button[data-target]");
    if (!link) return;
    const target = document.getElementById(link.dataset.target);
    if (!target) return;
    const field = Array.from(inputs.values()).find((f) => f.focusId === target.id);
    if (field) reveal(field);
    if (target instanceof HTMLDetailsElement) target.open = true; // a part of the results the reader folded
    // A jump inside the summary opens it; a jump below it folds it, so that it covers less of the target.
    if (summary.box.contains(target)) summary.expand();
    else summary.collapse();
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    if (field) keepClear(summary.box, (current.conflicts || []).includes(field.node) ? current.conflicts : [field.node]);
    else if (!summary.box.contains(target)) keepClear(summary.box, [target]);
  });
  window.addEventListener("hashchange", () => {
    if (view !== current) return;
    applyAnswers(readLink(location.hash, rules.questions));
    refresh();
  });

  try {
    await engine.ready;
  } catch (error) {
    engine.listeners.delete(onProgress);
    fail(root, error);
    return;
  }
  engine.listeners.delete(onProgress);
  if (!root.isConnected) return;
  current.ready = true;
  root.dataset.kbStartMs = String(engine.startMs || 0);
  root.dataset.kbStartMarks = JSON.stringify(engine.startMarks || {}); // the start's steps (worker.js), for the benchmark
  await refresh();
  if (root.dataset.kbState !== "error") root.dataset.kbState = "ready";
}
