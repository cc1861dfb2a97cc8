// The snapshots this browser keeps in localStorage, read as untrusted data: the reader's own
// browser may hold anything (an older build's format, a hand edit, an extension's, a full or
// blocked storage). Before, one malformed entry stopped the assessment on every visit.
//
// - The stored text is measured (size, nesting) before JSON.parse sees it.
// - Only the newest MAX_SNAPSHOTS entries are read; saving drops the oldest beyond them.
// - Each entry is checked against a strict shape and the rules (their questions and milestones)
//   and rebuilt from what passed: a malformed one is skipped and counted, never thrown.
// - Counts are whole numbers within COUNT_LIMIT and dates are real dates, so the chart's loops
//   are bounded whatever the storage held.

import { formatSize, isRecord, measureJson } from "./assess-read.js";
import { t, tn } from "./i18n.js";

// Under the knowledge base's id (rules/site.yaml): two knowledge bases on one origin keep their own.
const keyOf = (rules) => `${rules.site.id}:snapshots:v1`;
const MAX_SNAPSHOTS = 200;
const STORED_LIMITS = { bytes: 2 * 1024 * 1024, depth: 6 }; // 200 snapshots of a big questionnaire: under 1 MB
const COUNT_LIMIT = 1000;
const TEXT_LIMIT = 300;
const STATUSES = new Set(["met", "not_met", "unknown"]);
const STORED_WORDS = { // what is wrong with the stored text (measureJson)
  bytes: (size) => t("the stored text is larger than {size}", { size }),
  depth: (depth) => t("the stored text nests more than {depth} levels deep", { depth }),
  keys: (keys) => t("the stored text holds more than {keys} keys", { keys }),
};

const isCount = (value) => Number.isInteger(value) && value >= 0 && value <= COUNT_LIMIT;
const isText = (value, limit = TEXT_LIMIT) => typeof value === "string" && value.length > 0 && value.length <= limit;

// Whether a value is an answer of the question's type: what a snapshot may keep.
export function fits(question, value) {
  if (question.type === "boolean") return typeof value === "boolean";
  return typeof value === "number" && Number.isFinite(value) && (question.type !== "integer" || Number.isInteger(value));
}

function answersOf(raw, questions) {
  if (!isRecord(raw)) return null;
  const answers = {};
  for (const question of questions) {
    if (!Object.hasOwn(raw, question.id) || raw[question.id] === null) continue;
    if (!fits(question, raw[question.id])) return null;
    answers[question.id] = raw[question.id];
  }
  return answers; // ids the rules no longer ask are left out: the snapshot still reads
}

function milestonesOf(raw, rules) {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) return null;
  const statuses = {};
  for (const milestone of rules.milestones) {
    if (!Object.hasOwn(raw, milestone.id)) continue;
    if (!STATUSES.has(raw[milestone.id])) return null;
    statuses[milestone.id] = raw[milestone.id];
  }
  return statuses;
}

function flagsOf(raw) {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length > COUNT_LIMIT) return null;
  const flags = [];
  for (const flag of raw) {
    if (!isRecord(flag) || !isText(flag.id, 100) || !isText(flag.title)) return null;
    flags.push({ id: flag.id, title: flag.title });
  }
  return flags;
}

// One stored entry rebuilt from its checked fields, or null when it is malformed.
function checkSnapshot(raw, rules) {
  if (!isRecord(raw) || !isText(raw.saved, 64) || !Number.isFinite(Date.parse(raw.saved))) return null;
  const answers = answersOf(raw.answers, rules.questions);
  const requiredMet = raw.required_met !== undefined ? raw.required_met : raw.met; // older snapshots: met only
  if (!answers || !isCount(requiredMet)) return null;
  const snapshot = { saved: raw.saved, answers, required_met: requiredMet, optional_met: 0, next_goal: null };
  if (raw.required_of !== undefined) {
    if (!isCount(raw.required_of) || raw.required_of < requiredMet) return null;
    snapshot.required_of = raw.required_of;
  }
  if (raw.optional_met !== undefined) {
    if (!isCount(raw.optional_met)) return null;
    snapshot.optional_met = raw.optional_met;
  }
  if (raw.next_goal !== undefined && raw.next_goal !== null) {
    if (!isText(raw.next_goal, 64)) return null;
    snapshot.next_goal = raw.next_goal;
  }
  const milestones = milestonesOf(raw.milestones, rules);
  const flags = flagsOf(raw.flags);
  if (milestones === null || flags === null) return null;
  if (milestones) snapshot.milestones = milestones;
  if (flags) snapshot.flags = flags;
  return snapshot;
}

// {snapshots, skipped, dropped, problem}: problem says why nothing could be read at all.
function readSaved(text, rules) {
  const nothing = { snapshots: [], skipped: 0, dropped: 0, problem: "" };
  if (text === null || text === "") return nothing;
  const measured = measureJson(text, STORED_LIMITS, STORED_WORDS);
  if (measured) return { ...nothing, problem: measured };
  let list;
  try {
    list = JSON.parse(text);
  } catch (error) {
    return { ...nothing, problem: t("the stored text is not valid JSON") };
  }
  if (!Array.isArray(list)) return { ...nothing, problem: t("the stored text is not a list of snapshots") };
  const first = Math.max(0, list.length - MAX_SNAPSHOTS);
  const snapshots = [];
  for (let i = first; i < list.length; i++) {
    const snapshot = checkSnapshot(list[i], rules);
    if (snapshot) snapshots.push(snapshot);
  }
  return { snapshots, skipped: list.length - first - snapshots.length, dropped: first, problem: "" };
}

// What the reader is told about a reading, or "" when everything read.
export function savedNotice({ skipped, dropped, problem }) {
  const parts = [];
  if (problem) parts.push(t("The snapshots saved in this browser could not be read ({problem}). Saving a snapshot starts a new history in their place.", { problem }));
  if (skipped) {
    parts.push(tn("{count} saved snapshot could not be read and was skipped; saving a snapshot removes it.",
      "{count} saved snapshots could not be read and were skipped; saving a snapshot removes them.", skipped, { count: skipped.toLocaleString("en") }));
  }
  if (dropped) {
    parts.push(tn("Only the newest {limit} snapshots are kept: {count} older one was left out.",
      "Only the newest {limit} snapshots are kept: {count} older ones were left out.", dropped, { limit: MAX_SNAPSHOTS, count: dropped.toLocaleString("en") }));
  }
  return parts.join(" ");
}

// The store itself. storage() may throw (a browser that blocks site data): read() then reports
// it as its problem, and add() and remove() throw an Error worded for the reader.
export function savedStore(rules, storage = () => window.localStorage) {
  const KEY = keyOf(rules);
  const read = () => {
    let text;
    try {
      text = storage().getItem(KEY);
    } catch (error) {
      return { snapshots: [], skipped: 0, dropped: 0, problem: t("this browser does not let the page read its saved data") };
    }
    if (typeof text === "string" && text.length > STORED_LIMITS.bytes) {
      return { snapshots: [], skipped: 0, dropped: 0, problem: t("the stored text is {size}, more than the {limit} this page reads", { size: formatSize(text.length), limit: formatSize(STORED_LIMITS.bytes) }) };
    }
    return readSaved(text, rules);
  };
  const write = (snapshots) => {
    try {
      storage().setItem(KEY, JSON.stringify(snapshots.slice(-MAX_SNAPSHOTS)));
    } catch (error) {
      throw new Error(t("this browser's storage for the site is full or blocked"));
    }
  };
  return {
    read,
    add(snapshot) {
      const all = read().snapshots.concat([snapshot]).slice(-MAX_SNAPSHOTS);
      write(all);
      return all.length;
    },
    remove(saved) {
      write(read().snapshots.filter((s) => s.saved !== saved));
    },
  };
}
