// "Answer next": the questions that can still change the reader's next goal, stage
// or warnings (the engine's ask_next, most decisive first), offered above the full form, and a
// quick path through them one at a time.
//
// The quick path uses the form's own fields (every answer keeps exactly one input with its
// name): it opens the question's group, marks the question, and moves focus to it. Choosing
// yes or no, or pressing Enter in a number, moves on once the engine has scored the answer, to
// the first question the new ask_next still lists; "Next question" leaves one unanswered.

import { el } from "./dom.js";
import { reveal } from "./assess-form.js";
import { mainStage } from "./assess-stage.js";
import { t, tn } from "./i18n.js";

export function buildNext(form, inputs, rules, refresh) {
  // Until the first result, a note holds the box's place, so the form below does not jump when it comes.
  const box = el(
    "section",
    { class: "kb-ask", "data-kb": "ask-next", "data-ids": "", "data-active": "false", tabindex: "-1" },
    el("p", { class: "kb-ask__more", text: t("“Answer next” appears here once the self-assessment has started: the questions that can still change your result, one at a time.") }),
  );
  const next = { box, inputs, rules, refresh, ids: [], active: false, want: false, done: false, skipped: new Set(), at: null, shown: 0 };
  next.bar = el(
    "div",
    { class: "kb-ask__bar", "data-kb": "ask-next-bar" },
    button(t("Next question"), "next", () => advance(next)),
    button(t("Stop"), "stop", () => stop(next, true)),
  );
  // Answering moves on: a yes/no (or "not sure") at once, a number on Enter.
  form.addEventListener("change", (event) => {
    if (current(next, event.target) && event.target.type === "radio") next.want = true;
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && current(next, event.target) && event.target.type === "number") advance(next);
  });
  form.prepend(box);
  return next;
}

function button(text, action, onClick) {
  const node = el("button", { type: "button", class: `kb-ask__button kb-ask__button--${action}`, "data-action": action, text });
  node.addEventListener("click", onClick);
  return node;
}

function current(next, target) {
  const field = next.active && next.at ? next.inputs.get(next.at) : null;
  return Boolean(field && field.node.contains(target));
}

// After every score: the new list, and the next step of the quick path if one is due.
export function renderNext(next, result) {
  next.result = result;
  next.ids = (result.ask_next || []).filter((id) => next.inputs.has(id));
  next.box.dataset.ids = next.ids.join(" ");
  if (next.want) {
    next.want = false;
    if (next.active) move(next);
  }
  paint(next, result);
}

function advance(next) {
  next.want = true;
  next.refresh(); // moves on once the answer just given is scored
}

function start(next) {
  next.active = true;
  next.done = false;
  next.skipped.clear();
  next.shown = 0;
  move(next);
  paint(next, next.result);
}

function move(next) {
  if (next.at && next.inputs.get(next.at).read().value === undefined) next.skipped.add(next.at); // left unanswered
  const id = next.ids.find((candidate) => !next.skipped.has(candidate));
  if (!id) {
    stop(next, false);
    next.done = true;
    next.box.focus({ preventScroll: true });
    return;
  }
  unmark(next);
  next.at = id;
  next.shown += 1;
  const field = next.inputs.get(id);
  reveal(field);
  field.node.classList.add("kb-q--asked");
  field.node.setAttribute("aria-current", "step");
  field.node.append(next.bar);
  field.node.scrollIntoView({ block: "center" });
  document.getElementById(field.focusId).focus({ preventScroll: true });
}

function stop(next, byReader) {
  unmark(next);
  next.active = false;
  next.at = null;
  next.box.dataset.active = "false";
  if (byReader) paint(next, next.result);
}

function unmark(next) {
  const field = next.at ? next.inputs.get(next.at) : null;
  if (field) {
    field.node.classList.remove("kb-q--asked");
    field.node.removeAttribute("aria-current");
  }
  next.bar.remove();
}

function label(next, id) {
  return next.inputs.get(id).question.label;
}

// Decided: the next goal's milestone is not met (an unknown one may yet be met), and the main stage is settled.
function settled(next, result) {
  const goal = result.next_goal;
  const here = mainStage(next.rules, result);
  return (!goal || result.milestones[goal].status === "not_met") && (!here || Boolean(here.detail && here.detail.settled));
}

function paint(next, result) {
  const box = next.box;
  box.hidden = false;
  box.dataset.active = String(next.active);
  const open = next.ids.filter((id) => !next.active || !next.skipped.has(id));
  if (next.active) {
    const lead = settled(next, result)
      ? t("Your next goal and stage are settled; the questions left can still raise or rule out a warning.")
      : t("Question {n}: answer it, and the next one that matters follows.", { n: next.shown });
    box.replaceChildren(
      el("p", { class: "kb-ask__lead", text: lead }),
      el("p", { class: "kb-ask__more", text: tn("{count} question left that can change your result.", "{count} questions left that can change your result.", open.length, { count: open.length }) }),
    );
    return;
  }
  if (!open.length) {
    const text = next.done ? t("Done: nothing left to answer can change your next goal, stage or warnings.") : t("Nothing left to answer can change your next goal, stage or warnings.");
    box.replaceChildren(el("p", { class: "kb-ask__lead", text }));
    return;
  }
  const go = button(t("Answer next: {question}", { question: label(next, open[0]) }), "start", () => start(next));
  const rest = open.length - 1;
  box.replaceChildren(
    go,
    el("p", { class: "kb-ask__more", text: rest
      ? tn("Then {count} more question that can still change your next goal, stage or warnings, one at a time. Or answer in any order below.",
        "Then {count} more questions that can still change your next goal, stage or warnings, one at a time. Or answer in any order below.", rest, { count: rest })
      : t("The one question left that can change your next goal, stage or warnings. Or answer in any order below.") }),
  );
}
