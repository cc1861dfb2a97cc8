// What only paper shows: the date, the answers given and a link that restores them. The
// summary and the milestones print from the page itself (assess.css, @media print).

import { el, shortDate } from "./dom.js";
import { hashOf } from "./assess-form.js";
import { t } from "./i18n.js";

export function renderPrint(box, inputs, answers) {
  const url = `${location.origin}${location.pathname}${Object.keys(answers).length ? `#${hashOf(answers)}` : ""}`;
  const given = el("dl", { class: "kb-print__answers" });
  for (const [id, value] of Object.entries(answers)) {
    const field = inputs.get(id);
    given.append(el("dt", { text: field ? field.question.label : id }), el("dd", { text: field ? field.shown(value) : String(value) }));
  }
  box.replaceChildren(
    el("p", { class: "kb-print__date", text: t("Self-assessment of {date}. Answers left blank count as unknown.", { date: shortDate(new Date()) }) }),
    el("p", { class: "kb-print__link" }, el("span", { text: t("Restore these answers: ") }), el("a", { href: url, text: url })),
    el("h2", { text: Object.keys(answers).length ? t("Your answers") : t("No answers given yet") }),
    given,
  );
}
