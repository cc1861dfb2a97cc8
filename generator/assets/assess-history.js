// Progress over time, from the snapshots saved in this browser: a chart with axes (dates across,
// required milestones met up, optional ones apart above), what changed since the snapshot before,
// and a delete that asks first. The snapshots arrive checked (assess-saved.js); even so, drawing
// them can fail only here: showHistory says so in the section and the assessment carries on.

import { el, shortDate, svg } from "./dom.js";
import { language, t, tn } from "./i18n.js";
import { readAnswers } from "./assess-read.js";
import { fits, savedNotice } from "./assess-saved.js";

// What a snapshot keeps of a result: counts for the chart, statuses and warnings for differences.
// Of the answers, only those of their question's type (an answer the engine refused is not kept).
export function snapshotOf(rules, answers, result) {
  const optional = new Set(rules.milestones.filter((m) => m.optional).map((m) => m.id));
  const statuses = Object.fromEntries(Object.entries(result.milestones).map(([id, m]) => [id, m.status]));
  const met = (want) => Object.entries(statuses).filter(([id, s]) => s === "met" && optional.has(id) === want).length;
  const kept = {};
  for (const question of rules.questions) if (Object.hasOwn(answers, question.id) && fits(question, answers[question.id])) kept[question.id] = answers[question.id];
  return {
    saved: new Date().toISOString(),
    answers: kept,
    met: met(false) + met(true),
    required_met: met(false),
    required_of: rules.milestones.length - optional.size,
    optional_met: met(true),
    next_goal: result.next_goal,
    milestones: statuses,
    flags: (result.flags || []).map((f) => ({ id: f.id, title: f.title })),
  };
}

// "12 Nov 2026, 14:05: 3 of 6 required milestones met, next goal m4: <its title>"; the time
// tells apart two snapshots of one day, and the goal's title is the rules' own (an id they no longer
// have stays an id).
export function describe(snapshot, rules) {
  const saved = new Date(snapshot.saved);
  const time = saved.toLocaleTimeString(language() === "en" ? "en-GB" : language(), { hour: "2-digit", minute: "2-digit" });
  const values = { date: t("{date}, {time}", { date: shortDate(saved), time }), met: snapshot.required_met, of: snapshot.required_of, optional: snapshot.optional_met };
  const met = typeof snapshot.required_of === "number"
    ? tn("{met} of {of} required milestone met", "{met} of {of} required milestones met", snapshot.required_of, values)
    : tn("{met} required milestone met", "{met} required milestones met", snapshot.required_met, values);
  const optional = snapshot.optional_met ? tn(" (and {optional} optional)", " (and {optional} optional)", snapshot.optional_met, values) : "";
  const milestone = snapshot.next_goal && rules ? rules.milestones.find((m) => m.id === snapshot.next_goal) : null;
  const named = milestone ? t("{id}: {title}", { id: milestone.id, title: milestone.title }) : snapshot.next_goal;
  const goal = snapshot.next_goal ? t("next goal {goal}", { goal: named }) : t("no next goal");
  // Translators: "12 Nov 2026, 14:05: 3 of 6 required milestones met (and 1 optional), next goal m4: <its title>"
  return t("{date}: {met}{optional}, {goal}", { date: values.date, met, optional, goal });
}

// "m3 met; “Scaling ahead of demand” cleared", between an older and a newer snapshot.
export function changes(older, newer) {
  const found = [];
  if (older.milestones && newer.milestones) {
    for (const [id, status] of Object.entries(newer.milestones)) {
      const before = older.milestones[id];
      if (before === status) continue;
      if (status === "met") found.push(t("{id} met", { id }));
      else if (before === "met") found.push(t("{id} no longer met", { id }));
    }
  } else if (older.required_met !== newer.required_met) {
    found.push(tn("{before} → {after} required milestone met", "{before} → {after} required milestones met", newer.required_met, { before: older.required_met, after: newer.required_met }));
  }
  if (older.flags && newer.flags) {
    const was = new Set(older.flags.map((f) => f.id));
    const now = new Set(newer.flags.map((f) => f.id));
    newer.flags.filter((f) => !was.has(f.id)).forEach((f) => found.push(t("“{title}” raised", { title: f.title })));
    older.flags.filter((f) => !now.has(f.id)).forEach((f) => found.push(t("“{title}” cleared", { title: f.title })));
  }
  const date = shortDate(new Date(older.saved));
  return found.length ? t("Since {date}: {changes}.", { date, changes: found.join("; ") }) : t("Since {date}: no change.", { date });
}

export function chart(snapshots) {
  const width = 320;
  const height = 150;
  const left = 30;
  const right = 12;
  const top = 26;
  const bottom = 26;
  // Loops, not Math.max(...list): spreading a long list overflows the stack.
  let max = 1;
  for (const s of snapshots) max = Math.max(max, typeof s.required_of === "number" ? s.required_of : s.required_met);
  const times = snapshots.map((s) => Date.parse(s.saved));
  let first = Infinity;
  let last = -Infinity;
  for (const time of times) {
    first = Math.min(first, time);
    last = Math.max(last, time);
  }
  const span = last - first;
  const x = (i) => left + (span === 0 ? (snapshots.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (snapshots.length - 1)) : ((times[i] - first) * (width - left - right)) / span);
  const y = (v) => height - bottom - (v * (height - top - bottom)) / max;
  const values = snapshots.map((s) => s.required_met);
  const label = tn("Required milestones met over {count} snapshot: {values}", "Required milestones met over {count} snapshots: {values}", snapshots.length, { count: snapshots.length, values: values.join(", ") });
  const chartSvg = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "kb-history__chart", role: "img", "aria-label": label });
  // y axis: 0 and every step up to the number of required milestones, at most 7 ticks
  const step = Math.max(1, Math.ceil(max / 6));
  for (let v = 0; v <= max; v += step) {
    chartSvg.append(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "kb-history__grid" }));
    chartSvg.append(svg("text", { x: left - 6, y: y(v) + 3, class: "kb-history__tick", "text-anchor": "end", text: String(v) }));
  }
  chartSvg.append(svg("text", { x: 2, y: top - 14, class: "kb-history__axis", text: t("Required milestones met") }));
  // x axis: the first and last dates (and the middle one when there are three or more)
  const labelled = new Set([0, snapshots.length - 1, Math.floor((snapshots.length - 1) / 2)]);
  for (const i of labelled) {
    chartSvg.append(svg("text", { x: x(i), y: height - 8, class: "kb-history__tick", "text-anchor": snapshots.length === 1 ? "middle" : i === 0 ? "start" : i === snapshots.length - 1 ? "end" : "middle", text: shortDate(new Date(snapshots[i].saved)) }));
  }
  if (snapshots.length > 1) chartSvg.append(svg("polyline", { points: values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "), class: "kb-history__line" }));
  values.forEach((v, i) => chartSvg.append(svg("circle", { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3.5, class: "kb-history__dot" })));
  // optional milestones apart: a count above the plot
  snapshots.forEach((s, i) => {
    if (s.optional_met) chartSvg.append(svg("text", { x: x(i), y: top - 2, class: "kb-history__optional", "text-anchor": "middle", text: t("+{count} opt.", { count: s.optional_met }) }));
  });
  return chartSvg;
}

// The history section, whatever the stored snapshots hold: a failure to draw them is reported
// in the section itself. Returns what the reader is told about them ("" if all is well).
export function showHistory(box, store, hooks) {
  try {
    return renderHistory(box, store, hooks);
  } catch (error) {
    const text = t("Your saved snapshots could not be shown ({reason}). The assessment works without them.", { reason: error.message });
    box.replaceChildren(el("p", { class: "kb-history__notice kb-history__notice--error", "data-kb": "history-error", role: "alert", text }));
    return text;
  }
}

// The list, newest first; each entry with its changes, Restore, and a Delete that asks first.
function renderHistory(box, store, hooks) {
  const saved = store.read();
  const snapshots = saved.snapshots;
  const notice = savedNotice(saved);
  box.replaceChildren();
  if (notice) box.append(el("p", { class: "kb-history__notice", "data-kb": "history-notice", role: "status", text: notice }));
  if (!snapshots.length) {
    box.append(el("p", { class: "kb-muted", text: t("No snapshots yet. Save one each month to see your progress here.") }));
    return notice;
  }
  box.append(chart(snapshots));
  const list = el("ol", { class: "kb-history__list", reversed: true });
  for (let index = snapshots.length - 1; index >= 0; index--) {
    const snapshot = snapshots[index];
    const label = describe(snapshot, hooks.rules);
    const item = el("li", { "data-kb": "snapshot" }, el("span", { class: "kb-history__label", text: label }));
    if (index > 0) item.append(el("span", { class: "kb-history__changes", "data-kb": "changes", text: changes(snapshots[index - 1], snapshot) }));
    const actions = el("span", { class: "kb-history__actions" });
    const restore = el("button", { type: "button", class: "kb-button kb-button--small", text: t("Restore") });
    restore.addEventListener("click", () => hooks.apply(readAnswers(snapshot.answers, hooks.rules.questions)));
    const remove = el("button", { type: "button", class: "kb-button kb-button--small", "data-kb": "delete", text: t("Delete"), "aria-label": t("Delete snapshot {label}", { label }) });
    remove.addEventListener("click", () => {
      const yes = el("button", { type: "button", class: "kb-button kb-button--small kb-button--danger", "data-kb": "confirm-delete", text: t("Yes, delete it") });
      const no = el("button", { type: "button", class: "kb-button kb-button--small", "data-kb": "keep-snapshot", text: t("Keep it") });
      yes.addEventListener("click", () => {
        try {
          store.remove(snapshot.saved);
        } catch (error) {
          hooks.say(t("The snapshot was not deleted: {reason}.", { reason: error.message }), true);
        }
        showHistory(box, store, hooks);
      });
      no.addEventListener("click", () => showHistory(box, store, hooks));
      actions.replaceChildren(el("span", { class: "kb-history__ask", role: "alert", text: t("Delete this snapshot from this browser?") + " " }), yes, no);
      no.focus();
    });
    actions.append(restore, remove);
    item.append(actions);
    list.append(item);
  }
  box.append(list);
  return notice;
}
