// Everything below the summary, each part collapsible: every milestone with its reason, the
// reader's stage (one view, from the crosswalk), checklists and answers to double-check.

import { el, pageUrl } from "./dom.js";
import { alsoCalled, mainStage, placeOf } from "./assess-stage.js";
import { t } from "./i18n.js";

const STATUS_WORDS = { met: () => t("Met"), not_met: () => t("Not met"), unknown: () => t("Unknown") };

export function renderResults(box, rules, result) {
  const parts = [milestones(rules, result), stages(rules, result), checklists(rules, result), doubleCheck(result)];
  box.replaceChildren(...parts.filter(Boolean));
}

function part(name, title, ...content) {
  // Each part's id is what the summary's jumps name (data-target), e.g. kb-double-check.
  return el("details", { class: "kb-part", "data-part": name, id: `kb-${name}`, tabindex: "-1", open: true }, el("summary", { class: "kb-part__title", text: title }), ...content);
}

function milestones(rules, result) {
  const ladder = el("ol", { class: "kb-ladder" });
  for (const milestone of rules.milestones) {
    const outcome = result.milestones[milestone.id];
    ladder.append(
      el(
        "li",
        { class: `kb-ladder__step kb-ladder__step--${outcome.status}`, "data-kb": "milestone", "data-id": milestone.id, "data-status": outcome.status },
        el("span", { class: "kb-badge", text: Object.hasOwn(STATUS_WORDS, outcome.status) ? STATUS_WORDS[outcome.status]() : outcome.status }),
        el("a", { class: "kb-ladder__title", href: pageUrl(milestone.page), text: `${milestone.id}: ${milestone.title}` }),
        milestone.optional ? el("span", { class: "kb-ladder__optional", text: t("optional") }) : null,
        el("p", { class: "kb-ladder__why", text: outcome.why }),
      ),
    );
  }
  return part("milestones", t("All milestones"), ladder);
}

// The main framework's stage first; the other frameworks' own results after it, each saying
// whether it agrees with the crosswalk's period.
function stages(rules, result) {
  const here = mainStage(rules, result);
  if (!here) return null;
  const frameworks = rules.frameworks || [];
  const settled = Boolean(here.detail && here.detail.settled);
  const content = [
    el("p", { class: "kb-stage__main" }, el("span", { class: "kb-stage__framework", text: t("{framework}: ", { framework: here.framework.title }) }),
      settled ? el("a", { href: pageUrl(here.stage.page), text: here.stage.title }) : el("span", { text: t("not decided by your answers yet") })),
  ];
  const also = alsoCalled(rules, here.row, here.framework.id, result);
  if (here.row && settled) {
    // The period's name describes the reader's situation ("Before the first paying customer"), so it
    // is said only when no framework's own answers place the reader later than the main stage.
    const later = frameworks.some((f) => f.id !== here.framework.id && placeOf(rules, here.row, f.id, result) === "later");
    const period = later
      ? t("Some of your answers place you in a later period than this stage: see each framework below.")
      : t("The period: {period}.", { period: here.row.title });
    content.push(el("p", { class: "kb-stage__period", text: also.length && !later ? `${period} ${t("Also called {names}.", { names: also.join("; ") })}` : period }));
  }
  const list = el("ul", { class: "kb-stages" });
  for (const framework of frameworks) {
    const detail = (result.stage_details || {})[framework.id];
    if (!detail) continue;
    const stage = framework.stages.find((s) => s.id === detail.stage);
    // A stage may span several consecutive rows: it contradicts the main stage only when the
    // main stage's row does not list it at all.
    const inHereRow = here.row && (here.row.stages[framework.id] || []).includes(stage.id);
    // Only answers that decide a framework's stage place the reader anywhere in it.
    const elsewhere = settled && detail.settled && here.row && !inHereRow ? periodNote(rules, framework, stage, here.row) : "";
    list.append(
      el(
        "li",
        { class: "kb-stage", "data-kb": "stage", "data-framework": framework.id, "data-value": detail.stage, "data-settled": String(detail.settled) },
        el("span", { class: "kb-stage__framework", text: t("{framework}: ", { framework: framework.title }) }),
        el("a", { class: "kb-stage__title", href: pageUrl(stage.page), text: stage.title }),
        el("p", { class: "kb-stage__why", text: plainWhy(detail.why, stage.title) + elsewhere }),
      ),
    );
  }
  content.push(el("details", { class: "kb-stage__each" }, el("summary", { text: t("Your stage in each framework, and why") }), list));
  return part("stage", t("Your stage"), ...content);
}

// Where a framework's own result sits against the main stage's period, in words true for this
// reader: a framework whose stages end before that period says so (its last stage cannot place
// anyone later); otherwise the period its stage belongs to is named, earlier or later.
function periodNote(rules, framework, stage, hereRow) {
  const rows = rules.crosswalk || [];
  const here = rows.indexOf(hereRow);
  const listed = rows.filter((row) => (row.stages[framework.id] || []).includes(stage.id));
  if (!listed.length) return "";
  const first = listed[0];
  const last = listed[listed.length - 1];
  if (rows.indexOf(last) < here) {
    const isLast = framework.stages[framework.stages.length - 1] === stage;
    if (isLast && !Object.hasOwn(hereRow.stages, framework.id)) return ` ${t("It names no stage for this period: {stage} is its last.", { stage: stage.title })}`;
    return ` ${t("Its own questions place you in an earlier period ({period}).", { period: last.title })}`;
  }
  if (rows.indexOf(first) > here) return ` ${t("Its own questions place you in a later period ({period}).", { period: first.title })}`;
  return "";
}

// The engine's reason starts with the stage's title, which the line already shows (the engine
// catalog's "%(stage)s, because", in the same words here).
function plainWhy(why, title) {
  const lead = t("{stage}, because", { stage: title });
  return why.startsWith(lead) ? t("Because") + why.slice(lead.length) : why;
}

function checklists(rules, result) {
  const entries = Object.entries(result.checklists || {});
  if (!entries.length) return null;
  const titles = new Map((rules.checklists || []).map((c) => [c.id, c]));
  const labels = new Map(rules.questions.map((q) => [q.id, q.label]));
  const list = el("ul", { class: "kb-checklists" });
  for (const [cid, score] of entries) {
    const checklist = titles.get(cid);
    const item = el(
      "li",
      { "data-kb": "checklist", "data-id": cid, "data-yes": score.yes, "data-of": score.of },
      el("a", { href: pageUrl(checklist.page), text: checklist.title }),
      el("span", { text: score.unanswered.length
        ? t(": {yes} of {of} yes, {open} not answered", { yes: score.yes, of: score.of, open: score.unanswered.length })
        : t(": {yes} of {of} yes", { yes: score.yes, of: score.of }) }),
    );
    if (score.unanswered.length) {
      const open = el("ul", { class: "kb-checklists__open" });
      score.unanswered.forEach((qid) => open.append(el("li", { text: labels.get(qid) || qid })));
      item.append(el("details", {}, el("summary", { text: t("Not answered yet") }), open));
    }
    list.append(item);
  }
  return part("checklists", t("Checklists"), list);
}

function doubleCheck(result) {
  const warnings = result.warnings || [];
  if (!warnings.length) return null;
  const list = el("ul", { class: "kb-warnings" });
  warnings.forEach((w) => list.append(el("li", { "data-kb": "warning", "data-id": w.id }, el("strong", { text: w.message }), el("span", { text: ` ${w.why}` }))));
  return part("double-check", t("Answers to double-check"), list);
}
