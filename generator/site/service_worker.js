// The site's service worker, written to the site's root by the build (generator/site/offline.py),
// which replaces the MANIFEST line below with every file of this build and its revision.
//
// - "eager" files (pages, styles, scripts, the search index) are cached when this worker installs;
// - "lazy" files (the Python runtime, the engine, the rules) only when a page first asks for them,
//   or when a page says the runtime has started ({type: "cache-runtime"}): a reader who never
//   opens the assessment never downloads them;
// - each file is kept under its revision, so a new build fetches only what changed (and, for the
//   lazy files, only what this browser had cached before);
// - a new build waits until a page asks for it ({type: "skip-waiting"}, after the reader chose to
//   reload): until then every page comes from one build, never a mix. Its first act is to delete
//   the caches of older builds;
// - with no network, a page that is not cached answers with the site's own offline page.

const MANIFEST = null; // replaced at build time: {version, offline, entries: [[url, revision, "eager"|"lazy"]]}
const PREFIX = "site-";
const CACHE = PREFIX + MANIFEST.version;
const scope = new URL(self.registration.scope);
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

async function olderCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
}

// URLs (without revision) that older builds of this site had cached.
async function urlsCachedBefore() {
  const seen = new Set();
  for (const name of await olderCaches()) {
    for (const request of await (await caches.open(name)).keys()) seen.add(request.url.split("?__rev=")[0]);
  }
  return seen;
}

async function store(cache, url) {
  const key = keyOf(url);
  if (await cache.match(key)) return;
  const earlier = await caches.match(key); // the same revision, kept by an older build
  if (earlier) return cache.put(key, earlier);
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  await cache.put(key, response);
}

async function storeAll(cache, urls) {
  const queue = [...urls];
  const lane = async () => {
    while (queue.length) await store(cache, queue.shift());
  };
  await Promise.all(Array.from({ length: 6 }, lane));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const before = await urlsCachedBefore();
    const wanted = [...entries].filter(([url, entry]) => entry.kind === "eager" || before.has(url)).map(([url]) => url);
    await storeAll(cache, wanted);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    await Promise.all((await olderCaches()).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") self.skipWaiting();
  else if (message.type === "cache-runtime") {
    const lazy = [...entries].filter(([, entry]) => entry.kind === "lazy").map(([url]) => url);
    event.waitUntil(caches.open(CACHE).then((cache) => storeAll(cache, lazy)).catch(() => {}));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = manifestUrl(request.url);
  const page = request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html");
  if (!url && !page) return;
  event.respondWith(respond(request, url, page));
});

async function respond(request, url, page) {
  if (url) {
    const cached = await caches.match(keyOf(url), { cacheName: CACHE });
    if (cached) return cached.url === request.url ? cached : answeredAs(cached);
  }
  try {
    const response = await fetch(request);
    if (url && response.ok && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(keyOf(url), copy)).catch(() => {});
    }
    return response;
  } catch (error) {
    if (!page) throw error;
    const offlineUrl = new URL(MANIFEST.offline, scope).href;
    const offline = await caches.match(keyOf(offlineUrl), { cacheName: CACHE });
    if (offline) return offlinePage(offline, offlineUrl);
    throw error;
  }
}

// A cached response without its own URL, so that it stands for the request: a worker's
// location keeps the query it was started with (the search stand-in reads it).
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
