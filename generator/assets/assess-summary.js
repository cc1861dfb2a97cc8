// The summary, [data-kb="summary"] (CONTRACT §7): the answer at a glance, kept in view while
// the reader answers. A bar (milestone pips, the next goal and its smallest step, the most
// serious warning) that a phone shows on its own and can expand; below it the raised warnings,
// most severe first (the engine's order), this week's actions for the reader's stage, and three
// reads, warnings' articles first.

import { el, pageUrl } from "./dom.js";
import { mainStage } from "./assess-stage.js";

const PIP_WORDS = { met: "met", not_met: "not met", unknown: "unknown" };

export function buildSummary() {
  const bar = el("div", { class: "kb-summary__bar" }, el("p", { class: "kb-summary__lead", text: "Your results appear here as soon as the engine has started." }));
  const more = el("div", { class: "kb-summary__more", id: "kb-summary-more" });
  const toggle = el("button", { type: "button", class: "kb-summary__toggle", "aria-expanded": "false", "aria-controls": "kb-summary-more", text: "Show warnings and this week's actions" });
  const box = el("section", { class: "kb-summary", "data-kb": "summary", "aria-label": "Your answer at a glance" }, bar, toggle, more);
  const show = (open) => {
    box.classList.toggle("kb-summary--open", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide details" : "Show warnings and this week's actions";
  };
  toggle.addEventListener("click", () => show(!box.classList.contains("kb-summary--open")));
  return { box, bar, more, expand: () => show(true) };
}

export function renderSummary(summary, { rules, result, problems, answered }) {
  const milestones = new Map(rules.milestones.map((m) => [m.id, m]));
  const goal = result.next_goal ? milestones.get(result.next_goal) : null;
  const flags = result.flags || [];
  const bar = [pips(rules, result)];
  if (problems.length) bar.push(problemSummary(problems));
  bar.push(goalLine(goal, result, answered));
  if (flags.length) {
    const top = flags[0];
    bar.push(
      el(
        "p",
        { class: `kb-summary__risk kb-severity--${top.severity}`, "data-kb": "top-warning", "data-id": top.id },
        el("span", { class: "kb-summary__label", text: flags.length > 1 ? `Biggest risk (of ${flags.length}): ` : "Biggest risk: " }),
        el("button", { type: "button", class: "kb-linklike", "data-target": `kb-flag-${top.id}`, text: top.title }),
      ),
    );
  }
  summary.bar.replaceChildren(...bar);

  const more = [];
  more.push(el("h3", { text: flags.length ? "Warnings, most serious first" : "Warnings" }));
  if (flags.length) {
    const list = el("ul", { class: "kb-flags" });
    for (const flag of flags) {
      list.append(
        el(
          "li",
          { class: `kb-flag kb-severity--${flag.severity}`, id: `kb-flag-${flag.id}`, tabindex: "-1", "data-kb": "flag", "data-id": flag.id, "data-severity": flag.severity },
          el("span", { class: "kb-flag__severity", text: `${flag.severity} risk` }),
          el("a", { class: "kb-flag__title", href: pageUrl(`flags/${flag.id}/`), text: flag.title }),
          el("p", { class: "kb-flag__why", text: flag.why }),
        ),
      );
    }
    more.push(list);
  } else {
    more.push(el("p", { class: "kb-muted", text: answered ? "None raised by your answers so far." : "None yet: warnings appear as you answer." }));
  }
  const here = mainStage(rules, result);
  if (here && here.stage.this_week && here.stage.this_week.length) {
    more.push(el("h3", { text: "This week" }));
    more.push(el("p", { class: "kb-muted", text: `For ${here.stage.title} (${here.framework.title}):` }));
    const list = el("ul", { class: "kb-this-week", "data-kb": "this-week" });
    here.stage.this_week.slice(0, 3).forEach((action) => list.append(el("li", { text: action })));
    more.push(list);
  }
  const reads = topReads(rules, result, 3);
  if (reads.length) {
    more.push(el("h3", { text: "Read next" }));
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

// m1..m8 as a row of labelled pips: met, not met or unknown; optional ones marked.
function pips(rules, result) {
  const list = el("ol", { class: "kb-pips", "aria-label": "Milestones" });
  for (const milestone of rules.milestones) {
    const status = result.milestones[milestone.id].status;
    const words = `${milestone.id} ${PIP_WORDS[status] || status}${milestone.optional ? " (optional)" : ""}`;
    list.append(
      el(
        "li",
        { class: `kb-pip kb-pip--${status}${milestone.optional ? " kb-pip--optional" : ""}`, "data-pip": milestone.id, "data-status": status, title: `${words}: ${milestone.title}` },
        el("span", { "aria-hidden": "true", text: milestone.id }),
        el("span", { class: "kb-visually-hidden", text: words }),
      ),
    );
  }
  return list;
}

function goalLine(goal, result, answered) {
  const box = el("div", { class: "kb-next", "data-kb": "next-goal", "data-value": result.next_goal || "" });
  if (!goal) {
    box.append(el("p", { class: "kb-next__goal", text: "Every milestone is met: hold each of them while you grow." }));
    return box;
  }
  const status = result.milestones[goal.id].status;
  const link = el("a", { href: pageUrl(goal.page), text: `${goal.id}: ${goal.title}` });
  const lead = !answered ? "Start with " : "Next goal: ";
  box.append(el("p", { class: "kb-next__goal" }, el("span", { class: "kb-summary__label", text: lead }), link));
  if (status === "unknown") {
    box.append(el("p", { class: "kb-next__change", text: result.milestones[goal.id].why }));
  } else if (result.next_goal_change) {
    box.append(el("p", { class: "kb-next__change", "data-kb": "next-change" }, el("span", { class: "kb-summary__label", text: "Smallest step: " }), el("span", { text: result.next_goal_change.text })));
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
  return el(
    "div",
    { class: "kb-summary__invalid", "data-kb": "invalid", role: "alert" },
    el("p", { class: "kb-summary__label", text: problems.length === 1 ? "Fix this answer; the results below leave it out:" : `Fix these ${problems.length} answers; the results below leave them out:` }),
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
    if (first && !picks.has(first.number)) picks.set(first.number, { ...first, why: `about “${flag.title}”` });
  }
  for (const item of result.reading || []) if (!picks.has(item.number)) picks.set(item.number, item);
  return Array.from(picks.values()).slice(0, limit);
}
