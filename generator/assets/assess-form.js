// The form: one <details> per question group (INTERFACE.md: every input keeps its `name` while
// a group is closed), an answered count on each group, answers read and written, and the
// answers kept in step with location.hash (read back by assess-read.js).
//
// Which groups open is the rules' choice: a group without `open_when` is open; one with it opens
// when the engine lists it in `open_groups`, or when it holds an answer. A group the reader
// opened or closed by hand stays as they left it.

import { el, pageUrl } from "./dom.js";
import { t } from "./i18n.js";

const NUMBER = new Intl.NumberFormat("en", { maximumFractionDigits: 6 });

export function buildForm(rules) {
  const form = el("form", { class: "kb-form", novalidate: true, "aria-label": t("Your answers") });
  const inputs = new Map();
  const groups = [];
  for (const group of rules.groups) {
    const questions = rules.questions.filter((q) => q.group === group.id);
    const fields = questions.map((question) => (question.type === "boolean" ? booleanField(question) : numberField(question)));
    fields.forEach((field) => inputs.set(field.question.id, field));
    const count = el("span", { class: "kb-group__count", "data-kb": "group-count" });
    const details = el(
      "details",
      { class: "kb-group", "data-group": group.id, open: !group.open_when },
      el("summary", { class: "kb-group__summary" }, el("span", { class: "kb-group__title", text: group.title }), count),
      el("div", { class: "kb-group__body" }, ...fields.map((field) => field.node), readingFor(questions)),
    );
    const entry = { group, details, count, fields, chosen: false };
    // A click on the summary (mouse, Enter or Space) is the reader's own choice: keep it.
    details.querySelector("summary").addEventListener("click", () => (entry.chosen = true));
    groups.push(entry);
    form.append(details);
  }
  form.addEventListener("submit", (event) => event.preventDefault());
  return { form, inputs, groups };
}

// The articles that explain the group's questions, after its last question: out of the way
// of answering with the Tab key.
function readingFor(questions) {
  const seen = new Map();
  for (const q of questions) if (q.article && !seen.has(q.article.number)) seen.set(q.article.number, q.article);
  if (!seen.size) return null;
  const list = el("ul", { class: "kb-group__reading" });
  for (const article of seen.values()) list.append(el("li", {}, el("a", { href: pageUrl(article.page), text: `${article.number} ${article.title}` })));
  return el("div", { class: "kb-group__more" }, el("p", { class: "kb-group__more-title", text: t("What to count, explained:") }), list);
}

// Answered counts per group and overall; opens the groups the rules or the answers ask for.
export function showProgress(groups, openIds) {
  let answered = 0;
  let total = 0;
  for (const entry of groups) {
    const given = entry.fields.filter((field) => field.read().value !== undefined).length;
    answered += given;
    total += entry.fields.length;
    entry.count.textContent = t("{given} of {total} answered", { given, total: entry.fields.length });
    const wanted = !entry.group.open_when || openIds.includes(entry.group.id) || given > 0;
    if (wanted && !entry.chosen && !entry.details.open) entry.details.open = true;
  }
  return { answered, total };
}

// Shows a field whose group is closed (an error summary's link, say).
export function reveal(field) {
  const details = field.node.closest("details");
  if (details && !details.open) details.open = true;
}

function describedBy(question) {
  return `kb-${question.id}-help kb-${question.id}-error`;
}

function helpAndError(question) {
  return [
    el("p", { class: "kb-q__help", id: `kb-${question.id}-help`, text: question.help }),
    el("p", { class: "kb-q__error", id: `kb-${question.id}-error`, hidden: true }),
  ];
}

function numberField(question) {
  const id = `kb-q-${question.id}`;
  const input = el("input", {
    type: "number",
    id,
    name: question.id,
    min: question.min,
    max: question.max,
    step: question.step || (question.type === "integer" ? 1 : "any"),
    inputmode: question.type === "integer" ? "numeric" : "decimal",
    "aria-describedby": describedBy(question),
  });
  const row = el("div", { class: "kb-q__row" }, input, question.unit ? el("span", { class: "kb-q__unit", text: question.unit }) : null);
  const node = el("div", { class: "kb-q", "data-question": question.id }, el("label", { for: id, text: question.label }), row, ...helpAndError(question));
  return {
    node,
    question,
    focusId: id,
    read() {
      if (input.validity && input.validity.badInput) return { error: t("Enter a number, using digits.") };
      if (input.value.trim() === "") return { value: undefined };
      const value = Number(input.value);
      return Number.isFinite(value) ? { value } : { error: t("Enter a number this size can hold: this one is too large.") };
    },
    // Whether the field holds the value: a finite number, or nothing (undefined).
    write(value) {
      const held = value === undefined || (typeof value === "number" && Number.isFinite(value));
      input.value = held && value !== undefined ? String(value) : "";
      return held;
    },
    shown(value) {
      const number = typeof value === "number" ? NUMBER.format(value) : String(value); // 1,200,000, not 1200000
      return number + (question.unit ? ` ${question.unit}` : "");
    },
  };
}

function booleanField(question) {
  const choices = [
    ["true", t("Yes")],
    ["false", t("No")],
    ["", t("Not sure")],
  ];
  const radios = choices.map(([value, text]) => {
    const id = `kb-q-${question.id}-${value || "unknown"}`;
    const radio = el("input", { type: "radio", id, name: question.id, value, checked: value === "" });
    return el("span", { class: "kb-q__choice" }, radio, el("label", { for: id, text }));
  });
  const node = el(
    "fieldset",
    { class: "kb-q kb-q--boolean", "data-question": question.id, "aria-describedby": describedBy(question) },
    el("legend", { text: question.label }),
    el("div", { class: "kb-q__row" }, ...radios),
    ...helpAndError(question),
  );
  const all = () => Array.from(node.querySelectorAll("input[type=radio]"));
  return {
    node,
    question,
    focusId: `kb-q-${question.id}-true`,
    read() {
      const checked = all().find((radio) => radio.checked);
      if (!checked || checked.value === "") return { value: undefined };
      return { value: checked.value === "true" };
    },
    write(value) {
      const wanted = value === true ? "true" : value === false ? "false" : "";
      all().forEach((radio) => (radio.checked = radio.value === wanted));
      return value === undefined || typeof value === "boolean";
    },
    shown(value) {
      return value === true ? t("Yes") : value === false ? t("No") : String(value);
    },
  };
}

// ---- answers -> URL fragment (assess-read.js reads it back) ----
export function hashOf(answers) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(answers)) {
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") params.set(key, String(value));
  }
  return params.toString();
}

export function writeHash(answers) {
  const hash = hashOf(answers);
  const url = location.pathname + location.search + (hash ? `#${hash}` : "");
  if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
}
