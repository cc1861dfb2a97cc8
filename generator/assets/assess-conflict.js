// An answer that breaks a rule between answers (rules/constraints.yaml, e.g. `a <= b`) and the
// answers it conflicts with. The engine names the problem under the rule's first answer, but
// either answer may be the typo: every answer the rule reads is marked, and none of them is left
// under the summary that sticks to the top of a phone screen.

const NAME = /[A-Za-z_][A-Za-z0-9_]*/g;

// The other answers each problem's rule reads, each with the problem's message (the problem's own
// answer already carries it). A rule is the problem's when the engine's message carries it.
export function partners(rules, problems, inputs) {
  const ids = new Map();
  for (const problem of problems) {
    if (!problem.id || !problem.message) continue;
    for (const constraint of rules.constraints || []) {
      const named = constraint.rule.match(NAME) || [];
      if (named[0] !== problem.id || !problem.message.includes(constraint.message)) continue;
      named.filter((id) => id !== problem.id && inputs.has(id) && !ids.has(id)).forEach((id) => ids.set(id, problem.message));
    }
  }
  return ids;
}

// Scrolls just enough that `nodes` sit below a sticky summary that covers any of them.
export function keepClear(summary, nodes) {
  if (!nodes.length || getComputedStyle(summary).position !== "sticky") return;
  const bar = summary.getBoundingClientRect();
  const boxes = nodes.map((node) => node.getBoundingClientRect());
  const covered = boxes.some((box) => box.top < bar.bottom && box.bottom > bar.top && box.left < bar.right && box.right > bar.left);
  if (!covered) return;
  const top = Math.min(...boxes.map((box) => box.top));
  window.scrollBy({ top: top - bar.bottom - 8, behavior: "instant" });
}
