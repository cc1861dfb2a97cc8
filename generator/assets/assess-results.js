// Everything below the summary, each part collapsible: every milestone with its reason, the
// reader's stage (one view, from the crosswalk), checklists and answers to double-check.

import { el, pageUrl } from "./dom.js";
import { alsoCalled, mainStage, rowOf } from "./assess-stage.js";

const STATUS_WORDS = { met: "Met", not_met: "Not met", unknown: "Unknown" };

export function renderResults(box, rules, result) {
  const parts = [milestones(rules, result), stages(rules, result), checklists(rules, result), doubleCheck(result)];
  box.replaceChildren(...parts.filter(Boolean));
}

function part(name, title, ...content) {
  return el("details", { class: "kb-part", "data-part": name, open: true }, el("summary", { class: "kb-part__title", text: title }), ...content);
}

function milestones(rules, result) {
  const ladder = el("ol", { class: "kb-ladder" });
  for (const milestone of rules.milestones) {
    const outcome = result.milestones[milestone.id];
    ladder.append(
      el(
        "li",
        { class: `kb-ladder__step kb-ladder__step--${outcome.status}`, "data-kb": "milestone", "data-id": milestone.id, "data-status": outcome.status },
        el("span", { class: "kb-badge", text: STATUS_WORDS[outcome.status] || outcome.status }),
        el("a", { class: "kb-ladder__title", href: pageUrl(milestone.page), text: `${milestone.id}: ${milestone.title}` }),
        milestone.optional ? el("span", { class: "kb-ladder__optional", text: "optional" }) : null,
        el("p", { class: "kb-ladder__why", text: outcome.why }),
      ),
    );
  }
  return part("milestones", "All milestones", ladder);
}

// The main framework's stage first; the other frameworks' own results after it, each saying
// whether it agrees with the crosswalk's period.
function stages(rules, result) {
  const here = mainStage(rules, result);
  if (!here) return null;
  const frameworks = rules.frameworks || [];
  const content = [
    el("p", { class: "kb-stage__main" }, el("span", { class: "kb-stage__framework", text: `${here.framework.title}: ` }), el("a", { href: pageUrl(here.stage.page), text: here.stage.title })),
  ];
  const also = alsoCalled(rules, here.row, here.framework.id);
  if (here.row) content.push(el("p", { class: "kb-stage__period", text: `The period: ${here.row.title}.${also.length ? ` Also called ${also.join("; ")}.` : ""}` }));
  const list = el("ul", { class: "kb-stages" });
  for (const framework of frameworks) {
    const detail = (result.stage_details || {})[framework.id];
    if (!detail) continue;
    const stage = framework.stages.find((s) => s.id === detail.stage);
    // A stage may span several consecutive rows: it contradicts the main stage only when the
    // main stage's row does not list it at all.
    const inHereRow = here.row && (here.row.stages[framework.id] || []).includes(stage.id);
    const row = rowOf(rules, framework.id, stage.id);
    const elsewhere = here.row && row && !inHereRow ? ` Its own questions place you in another period (${row.title}).` : "";
    list.append(
      el(
        "li",
        { class: "kb-stage", "data-kb": "stage", "data-framework": framework.id, "data-value": detail.stage, "data-settled": String(detail.settled) },
        el("span", { class: "kb-stage__framework", text: `${framework.title}: ` }),
        el("a", { class: "kb-stage__title", href: pageUrl(stage.page), text: stage.title }),
        el("p", { class: "kb-stage__why", text: plainWhy(detail.why, stage.title) + elsewhere }),
      ),
    );
  }
  content.push(el("details", { class: "kb-stage__each" }, el("summary", { text: "Your stage in each framework, and why" }), list));
  return part("stage", "Your stage", ...content);
}

// The engine's reason starts with the stage's title, which the line already shows.
function plainWhy(why, title) {
  return why.startsWith(`${title}, because`) ? `Because${why.slice(title.length + ", because".length)}` : why;
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
      el("span", { text: `: ${score.yes} of ${score.of} yes` + (score.unanswered.length ? `, ${score.unanswered.length} not answered` : "") }),
    );
    if (score.unanswered.length) {
      const open = el("ul", { class: "kb-checklists__open" });
      score.unanswered.forEach((qid) => open.append(el("li", { text: labels.get(qid) || qid })));
      item.append(el("details", {}, el("summary", { text: "Not answered yet" }), open));
    }
    list.append(item);
  }
  return part("checklists", "Checklists", list);
}

function doubleCheck(result) {
  const warnings = result.warnings || [];
  if (!warnings.length) return null;
  const list = el("ul", { class: "kb-warnings" });
  warnings.forEach((w) => list.append(el("li", { "data-kb": "warning", "data-id": w.id }, el("strong", { text: w.message }), el("span", { text: ` ${w.why}` }))));
  return part("double-check", "Answers to double-check", list);
}
