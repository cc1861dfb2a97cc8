// The summary, [data-kb="summary"] (INTERFACE.md): the answer at a glance, kept in view while
// the reader answers. A bar (milestone pips, the next goal and its smallest step, the most
// serious warning) that a phone shows on its own and can expand; below it the raised warnings,
// most severe first (the engine's order), a jump to the answers to double-check, this week's
// actions for the reader's stage, and three reads, warnings' articles first.

import { el, pageUrl } from "./dom.js";
import { alsoCalled, mainStage } from "./assess-stage.js";
import { t, tn } from "./i18n.js";

const PIP_WORDS = { met: () => t("met"), not_met: () => t("not met"), unknown: () => t("unknown") };
const SEVERITY_WORDS = { high: () => t("high risk"), medium: () => t("medium risk"), low: () => t("low risk") };

export function buildSummary() {
  const bar = el("div", { class: "kb-summary__bar" }, el("p", { class: "kb-summary__lead", text: t("Your results appear here as soon as the self-assessment has started.") }));
  const more = el("div", { class: "kb-summary__more", id: "kb-summary-more" });
  const toggle = el("button", { type: "button", class: "kb-summary__toggle", "aria-expanded": "false", "aria-controls": "kb-summary-more", text: t("Show warnings and this week's actions") });
  const box = el("section", { class: "kb-summary", "data-kb": "summary", "aria-label": t("Your answer at a glance") }, bar, toggle, more);
  const show = (open) => {
    box.classList.toggle("kb-summary--open", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? t("Hide details") : t("Show warnings and this week's actions");
  };
  toggle.addEventListener("click", () => show(!box.classList.contains("kb-summary--open")));
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !box.classList.contains("kb-summary--open")) return;
    show(false);
    toggle.focus();
  });
  return { box, bar, more, expand: () => show(true), collapse: () => show(false) };
}

export function renderSummary(summary, { rules, result, problems, answered }) {
  const milestones = new Map(rules.milestones.map((m) => [m.id, m]));
  const goal = result.next_goal ? milestones.get(result.next_goal) : null;
  const flags = result.flags || [];
  const here = mainStage(rules, result);
  const bar = [...headline(here, rules, result), pips(rules, result), legend()];
  if (problems.length) bar.push(problemSummary(problems));
  bar.push(goalLine(goal, result, answered));
  if (flags.length) {
    const top = flags[0];
    bar.push(
      el(
        "p",
        { class: `kb-summary__risk kb-severity--${top.severity}`, "data-kb": "top-warning", "data-id": top.id, "data-short": t("Risk: ") },
        el("span", { class: "kb-summary__label", text: flags.length > 1 ? t("Biggest risk (of {count}): ", { count: flags.length }) : t("Biggest risk: ") }),
        el("button", { type: "button", class: "kb-linklike", "data-target": `kb-flag-${top.id}`, text: top.title }),
      ),
    );
  }
  summary.bar.replaceChildren(...bar);

  const more = [];
  more.push(el("h3", { text: flags.length ? t("Warnings, most serious first") : t("Warnings") }));
  if (flags.length) {
    const list = el("ul", { class: "kb-flags" });
    for (const flag of flags) {
      list.append(
        el(
          "li",
          { class: `kb-flag kb-severity--${flag.severity}`, id: `kb-flag-${flag.id}`, tabindex: "-1", "data-kb": "flag", "data-id": flag.id, "data-severity": flag.severity },
          el("span", { class: "kb-flag__severity", text: Object.hasOwn(SEVERITY_WORDS, flag.severity) ? SEVERITY_WORDS[flag.severity]() : flag.severity }),
          el("a", { class: "kb-flag__title", href: pageUrl(`flags/${flag.id}/`), text: flag.title }),
          el("p", { class: "kb-flag__why", text: flag.why }),
        ),
      );
    }
    more.push(list);
  } else {
    more.push(el("p", { class: "kb-muted", text: answered ? t("None raised by your answers so far.") : t("None yet: warnings appear as you answer.") }));
  }
  const warnings = result.warnings || [];
  if (warnings.length) {
    // The list itself sits below the form (assess-results.js): on a phone, far down the page.
    const count = warnings.length;
    more.push(
      el(
        "p",
        { class: "kb-summary__check", "data-kb": "double-check-jump" },
        el("button", { type: "button", class: "kb-linklike", "data-target": "kb-double-check",
          text: tn("{count} answer to double-check", "{count} answers to double-check", count, { count }) }),
      ),
    );
  }
  if (decided(here) && here.stage.this_week && here.stage.this_week.length) {
    more.push(el("h3", { text: t("This week") }));
    more.push(el("p", { class: "kb-muted", text: t("For your stage in {framework}:", { framework: here.framework.title }) }));
    const list = el("ul", { class: "kb-this-week", "data-kb": "this-week" });
    here.stage.this_week.slice(0, 3).forEach((action) => list.append(el("li", { text: action })));
    more.push(list);
  }
  const reads = topReads(rules, result, 3);
  if (reads.length) {
    more.push(el("h3", { text: t("Read next") }));
    const list = el("ol", { class: "kb-reading" });
    reads.forEach((item) =>
      list.append(
        el("li", { "data-kb": "reading", "data-id": item.number }, el("a", { href: pageUrl(item.page), text: `${item.title}` }), el("span", { class: "kb-muted", text: ` (${item.why})` })),
      ),
    );
    more.push(list);
  }
  summary.more.replaceChildren(...more);
}

// A stage the answers decide: the engine settles it once no later stage is still unknown.
function decided(here) {
  return Boolean(here && here.detail && here.detail.settled);
}

// The main framework's stage as the one headline, numbered in that framework only, and never
// before the answers decide it; what the other frameworks call the same period on one line.
function headline(here, rules, result) {
  if (!decided(here)) return [];
  const stages = here.framework.stages;
  // Translators: the reader's stage in the knowledge base's main framework, e.g. "Stage 2 of 4: Finding the first customers".
  const words = t("Stage {number} of {count}: {title}", { number: stages.indexOf(here.stage) + 1, count: stages.length, title: here.stage.title });
  const line = el("p", { class: "kb-summary__stage", "data-kb": "headline", "data-value": here.stage.id }, el("a", { href: pageUrl(here.stage.page), text: words }));
  const also = alsoCalled(rules, here.row, here.framework.id, result);
  if (!also.length) return [line];
  return [line, el("p", { class: "kb-summary__also", "data-kb": "also-called", text: t("Also called {names}.", { names: also.join("; ") }) })];
}

// m1..m8 as a row of labelled pips: met, not met or unknown; optional ones marked.
function pips(rules, result) {
  const list = el("ol", { class: "kb-pips", "aria-label": t("Milestones") });
  for (const milestone of rules.milestones) {
    const status = result.milestones[milestone.id].status;
    const state = Object.hasOwn(PIP_WORDS, status) ? PIP_WORDS[status]() : status;
    const words = milestone.optional ? t("{id} {status} (optional)", { id: milestone.id, status: state }) : t("{id} {status}", { id: milestone.id, status: state });
    const named = t("{status}: {title}", { status: words, title: milestone.title });
    list.append(
      el(
        "li",
        { class: `kb-pip kb-pip--${status}${milestone.optional ? " kb-pip--optional" : ""}`, "data-pip": milestone.id, "data-status": status, title: named },
        el("span", { "aria-hidden": "true", text: milestone.id }),
        el("span", { class: "kb-visually-hidden", text: named }),
      ),
    );
  }
  return list;
}

// What the pips' fills mean, drawn with the pips' own styles; each pip names itself to a screen
// reader ("m3 not met: 5 new leaves…"), so the legend is for the eye only.
function legend() {
  const swatch = (status, words, optional = false) =>
    el("li", {}, el("span", { class: `kb-pip kb-pip--swatch kb-pip--${status}${optional ? " kb-pip--optional" : ""}` }), el("span", { text: words }));
  return el(
    "ul",
    { class: "kb-pips__legend", "data-kb": "pip-legend", "aria-hidden": "true" },
    swatch("met", t("met")),
    swatch("not_met", t("not met")),
    swatch("unknown", t("unknown")),
    swatch("unknown", t("optional"), true),
  );
}

function goalLine(goal, result, answered) {
  const box = el("div", { class: "kb-next", "data-kb": "next-goal", "data-value": result.next_goal || "" });
  if (!goal) {
    box.append(el("p", { class: "kb-next__goal", text: t("Every milestone is met: hold each of them while you grow.") }));
    return box;
  }
  const status = result.milestones[goal.id].status;
  const link = el("a", { href: pageUrl(goal.page), text: `${goal.id}: ${goal.title}` });
  const lead = !answered ? t("Start with ") : t("Next goal: ");
  box.append(el("p", { class: "kb-next__goal", "data-short": t("Next: ") }, el("span", { class: "kb-summary__label", text: lead }), link));
  if (status === "unknown") {
    box.append(el("p", { class: "kb-next__change", text: result.milestones[goal.id].why }));
  } else if (result.next_goal_change) {
    box.append(el("p", { class: "kb-next__change", "data-kb": "next-change" }, el("span", { class: "kb-summary__label", text: t("Smallest step: ") }), el("span", { text: result.next_goal_change.text })));
  }
  return box;
}

// Invalid answers come first, each naming the question to fix and linking to it.
function problemSummary(problems) {
  const list = el("ul", { class: "kb-summary__problems" });
  for (const problem of problems) {
    const text = problem.label ? `${problem.label} ${problem.message}` : problem.message;
    list.append(el("li", {}, problem.focusId ? el("button", { type: "button", class: "kb-linklike", "data-target": problem.focusId, text }) : el("span", { text })));
  }
  // A phone's collapsed bar shows one line instead, so that it never grows over the answers to fix.
  const first = problems.find((problem) => problem.focusId);
  const count = problems.length;
  const short = tn("{count} answer to fix; the results leave it out", "{count} answers to fix; the results leave them out", count, { count });
  return el(
    "div",
    { class: "kb-summary__invalid", "data-kb": "invalid", role: "alert" },
    first ? el("button", { type: "button", class: "kb-linklike kb-summary__fix", "data-target": first.focusId, text: short }) : el("p", { class: "kb-summary__fix", text: short }),
    el("p", { class: "kb-summary__label", text: tn("Fix this answer; the results below leave it out:", "Fix these {count} answers; the results below leave them out:", problems.length, { count: problems.length }) }),
    list,
  );
}

// Three reads: the raised warnings' articles first, then what the engine suggests.
function topReads(rules, result, limit) {
  const flagRules = new Map((rules.flags || []).map((f) => [f.id, f]));
  const picks = new Map();
  for (const flag of result.flags || []) {
    const articles = (flagRules.get(flag.id) || {}).articles || [];
    const first = articles[0];
    if (first && !picks.has(first.number)) picks.set(first.number, { ...first, why: t("about “{title}”", { title: flag.title }) });
  }
  for (const item of result.reading || []) if (!picks.has(item.number)) picks.set(item.number, item);
  return Array.from(picks.values()).slice(0, limit);
}
