// The widget's words in the site's language : every string of ours that a reader sees
// goes through t() or tn(), never a bare literal.
//
//   t("Save snapshot")
//   t("{name} was not imported: {reason}.", { name: file.name, reason: error.message })
//   tn("{count} snapshot", "{count} snapshots", count, { count })
//
// - msgids are English, written as literal strings in the call (Babel extracts t and tn:1,2 from
//   generator/assets/*.js into generator/locale/widget.pot: `make catalogs`, then translate the
//   new entries of en and es widget.po; a computed msgid is never extracted, so never translated).
// - Placeholders are named, `{name}`; values are turned into text and put in as they are, never
//   parsed (set the result with textContent or an attribute, as dom.js's el() does). A translation
//   names exactly its msgid's placeholders (tests/test_catalogs.py). "{{" and "}}" are literal braces.
// - tn's form is the language's: Intl.PluralRules gives the number's category, and the table's
//   plural_index maps it to the catalog's form (generator/locale_tables.py writes both).
// - A comment "// Translators: …" on the line before the call reaches the translator.
//
// The table is assets/kb/messages.json ({language, plural_index, messages}), written by the build
// from the catalog of mkdocs.yml's theme.language and pinned like rules.json (pinned.js): the page
// names its revision in <meta name="kb-bundle">, a worker gets it in its URL. A page module that
// imports this one waits for the table, so t() is ready at its first call; a worker does not wait
// (its downloads start at once) and awaits `translated` before its first words. A missing message, or
// no table at all (another build's, offline with nothing kept), falls back to English, never to nothing.

const FILE = "messages.json";
const ENGLISH = { language: "en", plural_index: { one: 0, other: 1 }, messages: {} };

function pins() {
  if (typeof document === "undefined") return self.location.search; // a worker: worker.js?engine=…&messages=…
  const meta = document.querySelector('meta[name="kb-bundle"]');
  return meta ? meta.content : "";
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function load() {
  try {
    const revision = new URLSearchParams(pins()).get("messages") || "";
    if (!/^[0-9a-f]{64}$/.test(revision)) return ENGLISH;
    const response = await fetch(new URL(`${FILE}?v=${revision}`, import.meta.url), { cache: "no-cache" });
    if (!response.ok) return ENGLISH;
    const bytes = await response.arrayBuffer();
    if (self.crypto && crypto.subtle && (await sha256(bytes)) !== revision) return ENGLISH; // another build's words
    const read = JSON.parse(new TextDecoder().decode(bytes));
    const usable = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
    return usable(read) && typeof read.language === "string" && usable(read.messages) && usable(read.plural_index) ? read : ENGLISH;
  } catch (error) {
    return ENGLISH;
  }
}

let table = ENGLISH;
export const translated = load().then((loaded) => {
  table = loaded;
});
if (typeof document !== "undefined") await translated;

// The site's language as a BCP 47 tag ("es", "pt-BR"), for Intl's formats.
export function language() {
  return table.language.replace("_", "-");
}

function fill(text, values) {
  return text.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name) => {
    if (!name) return match[0];
    return values && Object.hasOwn(values, name) ? String(values[name]) : match;
  });
}

// `msgid` in the site's language, its {placeholders} filled from `values`.
export function t(msgid, values) {
  const found = Object.hasOwn(table.messages, msgid) ? table.messages[msgid] : null;
  return fill(typeof found === "string" ? found : msgid, values);
}

// The form of `singular`/`plural` for the number `n` in the site's language, filled from `values`.
export function tn(singular, plural, n, values) {
  const forms = Object.hasOwn(table.messages, singular) ? table.messages[singular] : null;
  if (!Array.isArray(forms)) return fill(n === 1 ? singular : plural, values);
  const index = table.plural_index[pluralRules().select(n)];
  return fill(forms[index === undefined ? forms.length - 1 : index] || plural, values);
}

function pluralRules() {
  try {
    return new Intl.PluralRules(language());
  } catch (error) {
    return new Intl.PluralRules("en");
  }
}
