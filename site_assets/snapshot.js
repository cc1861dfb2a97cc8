// The engine's memory snapshot, kept in this browser's Cache Storage (see worker.js).
//
// One entry: the snapshot of Pyodide's memory with the engine built, gzipped, stored with the
// key of the runtime it was made from (runtime.json's key: Pyodide's files, the engine and the
// rules). A snapshot with another key is never restored, and is replaced by the next one made.

const CACHE = "kb-snapshot";
const ENTRY = new URL("engine.snapshot", import.meta.url).href;
const KEY_HEADER = "X-KB-Runtime-Key";

async function open() {
  if (!self.caches) return null;
  try {
    return await caches.open(CACHE);
  } catch (error) {
    return null; // storage refused (private mode, quota): no snapshots
  }
}

// The snapshot's bytes for this key, or null (none, another key, or unreadable).
export async function findSnapshot(key) {
  try {
    if (!self.caches || !(await caches.has(CACHE))) return null; // first visits: no waiting at all
    const cache = await open();
    const response = cache && (await cache.match(ENTRY));
    if (!response) return null;
    if (response.headers.get(KEY_HEADER) !== key) {
      await cache.delete(ENTRY);
      return null;
    }
    const bytes = new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    return bytes.length ? bytes : null;
  } catch (error) {
    await forgetSnapshot();
    return null;
  }
}

export async function saveSnapshot(key, bytes) {
  const cache = await open();
  if (!cache) return 0;
  const gzipped = await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).blob();
  await cache.put(ENTRY, new Response(gzipped, { headers: { [KEY_HEADER]: key, "Content-Type": "application/octet-stream" } }));
  return gzipped.size;
}

export async function forgetSnapshot() {
  try {
    if (self.caches) await caches.delete(CACHE);
  } catch (error) {
    // nothing to forget
  }
}
