// The site's service worker, written to the site's root by the build (generator/site/offline.py),
// which replaces the MANIFEST line below with every file of this build and its revision (the
// SHA-256 of its bytes).
//
// - "eager" files (the shell: styles, scripts, images, the search index, the offline page) are
//   cached when this worker installs;
// - "page" files (every page) once a page says its own start is over ({type: "cache-pages"}: the
//   assessment ready, or the page idle), after the runtime if that was asked first: a first visit
//   spends its link on what the reader waits for;
// - "lazy" files (the Python runtime, the engine, the rules) only when a page first asks for them,
//   or when a page says the runtime has started ({type: "cache-runtime"}): a reader who never
//   opens the assessment never downloads them;
// - each file is kept under its revision, and only once its bytes hash to that revision: the
//   server may already hold a newer build, and a file an older worker kept may be anything. What
//   does not match is served to the one request that asked for it, and never kept;
// - a request pinned to a revision (`rules.json?v=<sha256>`, from a page that names what its
//   build scores with) is answered from this cache only when the revision is this build's;
// - a new build waits until a page asks for it ({type: "skip-waiting"}, after the reader chose to
//   reload): until then every page comes from one build, never a mix. Its first act is to delete
//   the caches of older builds;
// - with no network, a page that is not cached answers with the site's own offline page.

const MANIFEST = null; // replaced at build time: {id, version, offline, entries: [[url, revision, "eager"|"page"|"lazy"]]}
const scope = new URL(self.registration.scope);
// Caches are shared by a whole origin: this site's are named after the knowledge base's id
// (rules/site.yaml) and its scope, so a sibling site's worker never adopts nor deletes them.
const PREFIX = `site-${MANIFEST.id}:${scope.pathname}:`;
const CACHE = PREFIX + MANIFEST.version;
const entries = new Map(MANIFEST.entries.map(([url, revision, kind]) => [new URL(url, scope).href, { revision, kind }]));

function keyOf(url) {
  return `${url}?__rev=${entries.get(url).revision}`;
}

// The manifest's URL for a request: no query or fragment; ".../index.html" is the page ".../".
function manifestUrl(requestUrl) {
  const url = new URL(requestUrl);
  if (url.origin !== scope.origin) return null;
  url.search = "";
  url.hash = "";
  if (url.pathname.endsWith("/index.html")) url.pathname = url.pathname.slice(0, -"index.html".length);
  return entries.has(url.href) ? url.href : null;
}

async function otherCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
}

// URLs (without revision) that other builds of this site had cached.
async function urlsCachedBefore(others) {
  const seen = new Set();
  for (const name of others) {
    for (const request of await (await caches.open(name)).keys()) seen.add(request.url.split("?__rev=")[0]);
  }
  return seen;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// A copy of `response` to keep under `url`'s revision, or null when its bytes are not that revision.
async function verified(response, url) {
  const bytes = await response.arrayBuffer();
  if ((await sha256(bytes)) !== entries.get(url).revision) return null;
  return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
}

// Keep `url` at this build's revision: from this cache, from another build's (checked again: an
// older worker kept whatever the server sent), or from the network. Bytes of another revision fail.
async function store(cache, url, others) {
  const key = keyOf(url);
  if (await cache.match(key)) return; // put there by this worker, after checking
  for (const name of others) {
    const earlier = await (await caches.open(name)).match(key);
    const copy = earlier && (await verified(earlier, url));
    if (copy) return cache.put(key, copy);
  }
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const copy = await verified(response, url);
  if (!copy) throw new Error(`${url}: the server's bytes are not this build's`);
  await cache.put(key, copy);
}

async function storeAll(cache, urls) {
  const others = await otherCaches();
  const queue = [...urls];
  const lane = async () => {
    while (queue.length) await store(cache, queue.shift(), others);
  };
  await Promise.all(Array.from({ length: 6 }, lane));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const before = await urlsCachedBefore(await otherCaches());
    const wanted = [...entries].filter(([url, entry]) => entry.kind === "eager" || before.has(url)).map(([url]) => url); // a returning reader's pages too
    await storeAll(cache, wanted);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    await Promise.all((await otherCaches()).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// Files kept after install, one kind at a time, in the order pages asked: the runtime before the pages.
let keeping = Promise.resolve();
function keepKind(kind) {
  const urls = [...entries].filter(([, entry]) => entry.kind === kind).map(([url]) => url);
  keeping = keeping.then(() => caches.open(CACHE)).then((cache) => storeAll(cache, urls)).catch(() => {});
  return keeping;
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") self.skipWaiting();
  else if (message.type === "cache-runtime") event.waitUntil(keepKind("lazy"));
  else if (message.type === "cache-pages") event.waitUntil(keepKind("page"));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = manifestUrl(request.url);
  const page = request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html");
  if (!url && !page) return;
  event.respondWith(respond(event, url, page));
});

// This build's file for the request, if it asks for one: unpinned, or pinned to this build's revision.
function ours(request, url) {
  if (!url) return false;
  const pin = new URL(request.url).searchParams.get("v");
  return pin === null || pin === entries.get(url).revision;
}

async function respond(event, url, page) {
  const request = event.request;
  const mine = ours(request, url);
  if (mine) {
    const cached = await caches.match(keyOf(url), { cacheName: CACHE });
    if (cached) return request.destination === "" ? cached : answeredAs(cached);
  }
  try {
    const response = await fetch(request);
    if (mine && response.ok && response.type === "basic") event.waitUntil(keep(url, response.clone()));
    return response;
  } catch (error) {
    if (!page) throw error;
    const offlineUrl = new URL(MANIFEST.offline, scope).href;
    const offline = await caches.match(keyOf(offlineUrl), { cacheName: CACHE });
    if (offline) return offlinePage(offline, offlineUrl);
    throw error;
  }
}

// A response from the network, kept if its bytes are this build's. Otherwise the server holds
// another build: it served its one request, and the browser is asked to look for the new worker
// (which offers the reader a reload).
async function keep(url, response) {
  try {
    const copy = await verified(response, url);
    if (copy) await (await caches.open(CACHE)).put(keyOf(url), copy);
    else await self.registration.update();
  } catch (error) {
    // storage refused, or the update check failed: nothing kept
  }
}

// A cached response without its own URL, so that it stands for the request: a worker's
// location keeps the query it was started with (the search stand-in and the scoring worker read it);
// pages and scripts get it too. A plain fetch (the runtime's wasm and zip, the engine, JSON) gets the
// cached response itself: Chromium hands its body over whole instead of piping it through this worker
// (the 9.6 MB wasm reached the page in ~0.8 s of a repeat visit here through a copy, 2 s for the
// standard library under load), and compiled wasm is kept beside a Cache Storage entry only when the
// response is that entry's.
function answeredAs(cached) {
  return new Response(cached.body, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
}

// The offline page, shown at the address the reader asked for: its relative links were written for
// its own folder, so it gets a <base> naming that folder (allowed: the CSP says base-uri 'self'),
// and the theme's configuration (data, not script) gets its two paths made absolute.
async function offlinePage(cached, offlineUrl) {
  const text = (await cached.text()).replace(/(<script id="__config" type="application\/json">)(.*?)(<\/script>)/s, (all, open, json, close) => {
    try {
      const config = JSON.parse(json);
      for (const key of ["base", "search"]) if (typeof config[key] === "string") config[key] = new URL(config[key], offlineUrl).href;
      return open + JSON.stringify(config).replace(/</g, "\\u003c") + close;
    } catch (error) {
      return all;
    }
  });
  const base = `<base href="${offlineUrl}">`;
  const csp = /<meta http-equiv="Content-Security-Policy"[^>]*>/i.exec(text);
  const at = csp ? csp.index + csp[0].length : text.search(/<head[^>]*>/i) >= 0 ? text.indexOf(">", text.search(/<head[^>]*>/i)) + 1 : 0;
  return new Response(text.slice(0, at) + base + text.slice(at), { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
