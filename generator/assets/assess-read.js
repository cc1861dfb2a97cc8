// Answers from outside the form: a shared link (location.hash), an imported file, a saved
// snapshot. All of it is untrusted, and all of it is read against the rules' questions:
//
// - its size (and a file's nesting and key count) is measured before anything parses it;
// - only the questions' own ids are looked up, with Object.hasOwn or a Map (`__proto__` and
//   `constructor` are names like any other), and at most a few unknown ids are kept, so the
//   engine can name them ("did you mean …?");
// - no method of an untrusted value is ever called (a value may be {"toString": 1}), and a
//   number that is not finite (1e309, Infinity, NaN) is never taken for a number.
//
// A reading is {answers, refused, notices}:
//   answers  Map id -> boolean, finite number or short text. Text goes to the engine, which
//            names what is wrong with it; unknown ids likewise.
//   refused  Map id -> message, for values no answer can be (a list, an object, a number too
//            large to read), shown at the question like any other problem.
//   notices  messages about the input as a whole ("this link's answers are too long to read").

import { t, tn } from "./i18n.js";

const LINK_LIMIT = 16 * 1024; // characters of a link's answers read at all; a full answer set is about 1 KB
export const IMPORT_LIMITS = { bytes: 64 * 1024, depth: 5, keys: 200 }; // an exported file: about 1 KB, 3 deep
const UNKNOWN_KEPT = 5; // unknown ids passed on for the engine to name; the rest are counted
const TEXT_KEPT = 100; // characters of a text answer kept (the engine echoes 60)
const ID_KEPT = 100; // an unknown id longer than this is counted, not shown
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i; // what a link may write as a number: no 0x, no Infinity

// The type a question expects, in words: "expected a whole number, got a list".
const TYPE_WORDS = { integer: () => t("a whole number"), number: () => t("a number"), boolean: () => t("true or false") };
// What measureJson says about an imported file.
export const FILE_WORDS = {
  bytes: (size) => t("it is larger than {size}", { size }),
  depth: (depth) => t("it nests more than {depth} levels deep", { depth }),
  keys: (keys) => t("it holds more than {keys} keys", { keys }),
};

export function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function reading() {
  return { answers: new Map(), refused: new Map(), notices: [] };
}

function kept(text) {
  return text.length > TEXT_KEPT ? `${text.slice(0, TEXT_KEPT)}…` : text;
}

// One value for one question, from a parsed file or a snapshot.
function take(into, question, value) {
  if (value === null || value === undefined) return; // not answered
  const type = Object.hasOwn(TYPE_WORDS, question.type) ? TYPE_WORDS[question.type]() : t("an answer");
  if (typeof value === "boolean") into.answers.set(question.id, value);
  else if (typeof value === "string") into.answers.set(question.id, kept(value));
  else if (typeof value === "number" && Number.isFinite(value)) into.answers.set(question.id, value);
  else if (typeof value === "number") into.refused.set(question.id, t("expected {type}, got a number too large to read", { type }));
  else if (Array.isArray(value)) into.refused.set(question.id, t("expected {type}, got a list", { type }));
  else into.refused.set(question.id, t("expected {type}, got a group of values", { type }));
}

// A value under an id the rules do not know, as the engine may see it: never an object.
function plain(value) {
  if (typeof value === "string") return kept(value);
  if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
  return null;
}

function noteUnknown(into, more) {
  if (more <= 0) return;
  into.notices.push(tn("{count} more answer id that this assessment does not ask was left out",
    "{count} more answer ids that this assessment does not ask were left out", more, { count: more.toLocaleString("en") }));
}

function keepUnknown(into, id, value, count) {
  if (count < UNKNOWN_KEPT && id.length <= ID_KEPT) {
    into.answers.set(id, plain(value));
    return count + 1;
  }
  return count;
}

// answers: a parsed JSON object (an imported file's, a snapshot's); anything else reads as no answers.
export function readAnswers(answers, questions) {
  const into = reading();
  if (!isRecord(answers)) return into;
  const known = new Set();
  for (const question of questions) {
    known.add(question.id);
    if (Object.hasOwn(answers, question.id)) take(into, question, answers[question.id]);
  }
  let unknown = 0;
  let shown = 0;
  for (const id of Object.keys(answers)) {
    if (known.has(id)) continue;
    unknown += 1;
    shown = keepUnknown(into, id, answers[id], shown);
  }
  noteUnknown(into, unknown - shown);
  return into;
}

// location.hash: question ids with their values, as the form writes them (hashOf).
export function readLink(hash, questions) {
  const into = reading();
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  if (text.length > LINK_LIMIT) {
    const size = Math.round(text.length / 1024).toLocaleString("en");
    into.notices.push(t("this link's answers are too long to read ({size} KB; at most {limit} KB), so the form starts empty", { size, limit: LINK_LIMIT / 1024 }));
    return into;
  }
  const byId = new Map(questions.map((question) => [question.id, question]));
  let unknown = 0;
  let shown = 0;
  for (const [id, raw] of new URLSearchParams(text)) {
    const question = byId.get(id);
    if (!question) {
      unknown += 1;
      shown = keepUnknown(into, id, raw, shown);
    } else if (!into.answers.has(id) && raw.trim() !== "") {
      into.answers.set(id, linkValue(question, raw));
    }
  }
  noteUnknown(into, unknown - shown);
  return into;
}

function linkValue(question, raw) {
  if (question.type === "boolean") return raw === "true" ? true : raw === "false" ? false : kept(raw);
  const number = DECIMAL.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(number) ? number : kept(raw); // "1e309" stays text, which the engine names
}

// What is wrong with JSON text before JSON.parse sees it, or "": nesting thousands deep overflows
// its stack (or the Python engine's after it), and tens of thousands of keys freeze the page.
// limits: {bytes, depth, keys?}; words: what to say (FILE_WORDS). One pass over the characters, nothing built.
export function measureJson(text, limits, words = FILE_WORDS) {
  if (text.length > limits.bytes) return words.bytes(formatSize(limits.bytes));
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (++depth > limits.depth) return words.depth(limits.depth);
    } else if (c === "}" || c === "]") depth--;
    else if (c === ":" && limits.keys && ++keys > limits.keys) return words.keys(limits.keys.toLocaleString("en"));
  }
  return "";
}

export function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB` : `${Math.round(bytes / 1024)} KB`;
}

export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(t("it is not valid JSON")); // the browser's own message would quote the file
  }
}
