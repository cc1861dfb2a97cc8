// The engine's memory snapshot, kept in this browser's Cache Storage (see worker.js).
//
// One entry per runtime key (runtime.json's key: Pyodide's files, the engine and the rules),
// holding the snapshot of Pyodide's memory with the engine built, as it is (about 31 MB of disk):
// gunzipping a 6 MB copy took 270-400 ms of every repeat visit's start here, reading the bytes
// 90-220 ms. Entries are only ever added, never overwritten (a put cut short by a closing page cannot spoil a good one), and a
// snapshot for another key is deleted as soon as one for this key is found or kept.

// One cache per site (its assets folder): a knowledge base beside it on the same origin keeps its own.
const CACHE = `kb-snapshot:${new URL(".", import.meta.url).pathname}`;
const ENTRY = new URL("engine.snapshot", import.meta.url).href;

function entryFor(key) {
  return `${ENTRY}?key=${encodeURIComponent(key)}`;
}

async function open() {
  if (!self.caches) return null;
  try {
    return await caches.open(CACHE);
  } catch (error) {
    return null; // storage refused (private mode, quota): no snapshots
  }
}

async function forgetOthers(cache, key) {
  for (const request of await cache.keys()) if (request.url !== entryFor(key)) await cache.delete(request);
}

// The snapshot kept for this key, or null; snapshots for other keys are forgotten. Its bytes come
// with readSnapshot, which the worker awaits while Pyodide fetches and compiles its wasm.
export async function findSnapshot(key) {
  try {
    if (!self.caches || !(await caches.has(CACHE))) return null; // first visits: no waiting at all
    const cache = await open();
    if (!cache) return null;
    await forgetOthers(cache, key);
    return (await cache.match(entryFor(key))) || null;
  } catch (error) {
    await forgetSnapshot();
    return null;
  }
}

// The bytes of a snapshot findSnapshot found; rejects when they cannot be read or there are none.
export async function readSnapshot(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!bytes.length) throw new Error("empty snapshot");
  return bytes;
}

// Whether a snapshot for this key is kept, without reading it: a repeat visit says "starting" from its first word.
export async function hasSnapshot(key) {
  try {
    return Boolean(self.caches && (await caches.has(CACHE)) && (await (await caches.open(CACHE)).match(entryFor(key))));
  } catch (error) {
    return false;
  }
}

// Keep a snapshot for this key (bytes, or a function that makes them); return its stored size.
export async function saveSnapshot(key, make) {
  const cache = await open();
  if (!cache || (await cache.match(entryFor(key)))) return 0;
  // Bytes, not a Blob: a private window's in-memory cache may keep a Blob only as long as this worker lives.
  const bytes = make();
  await cache.put(entryFor(key), new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
  await forgetOthers(cache, key);
  return bytes.byteLength;
}

export async function forgetSnapshot() {
  try {
    if (self.caches) await caches.delete(CACHE);
  } catch (error) {
    // nothing to forget
  }
}
