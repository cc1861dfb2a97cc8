// One build's files: what the assessment scores with (runtime.json, the rules, the engine) is
// fetched at the revisions the page's own build wrote into it, and its bytes are checked.
//
// Every page carries <meta name="kb-bundle" content="engine=<sha256>&messages=<sha256>&rules=<sha256>&runtime=<sha256>">
// (generator/site/offline.py). The page passes it to the scoring worker in the worker's URL
// (worker.js?engine=…); both fetch `rules.json?v=<sha256>`, which the service worker answers from
// this build's cache or from the network, and hash what arrives. Bytes of another build (a deploy
// since the page was loaded, a stale cache) end the start with a reason: a page never scores with
// another build's rules. Browsers give pages on plain http (not https, not this computer) no
// hashing: there the revision in the URL still keeps caches apart, but the bytes go unchecked.

import { t } from "./i18n.js";

export const BUNDLE_META = 'meta[name="kb-bundle"]';

// The page's pins, as the query the worker is started with ("" when the page names none).
export function pagePins() {
  const meta = document.querySelector(BUNDLE_META);
  return meta ? meta.content : "";
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// The bytes of `file` (beside `base`) at the revision `pins` names under `name`, revalidated with
// the server rather than taken from the browser's HTTP cache unasked.
export async function fetchPinned(base, file, pins, name) {
  const revision = new URLSearchParams(pins).get(name) || "";
  if (!/^[0-9a-f]{64}$/.test(revision)) throw new Error(t("this page does not say which {file} it was built with; reload the page", { file }));
  const url = new URL(`${file}?v=${revision}`, base);
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(t("{file} could not be downloaded (HTTP {status})", { file, status: response.status }));
  const bytes = await response.arrayBuffer();
  if (self.crypto && crypto.subtle && (await sha256(bytes)) !== revision) {
    throw new Error(t("the site has been updated since this page was loaded (its {file} is no longer on the server); reload the page to use the new version", { file }));
  }
  return bytes;
}
