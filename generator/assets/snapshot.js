// The engine's memory snapshot, kept in this browser's Cache Storage (see worker.js).
//
// One entry per runtime key (runtime.json's key: Pyodide's files, the engine and the rules),
// holding the snapshot of Pyodide's memory with the engine built, without its all-zero pages
// (packed, below: about 15 of its 31 MB are zeros, and reading the bytes is on a repeat visit's
// critical path: 90-220 ms for 31 MB on an idle machine, up to a second on a busy one). Not gzipped:
// gunzipping a 6 MB copy took 270-400 ms of every repeat visit's start here. Entries are only ever
// added, never overwritten (a put cut short by a closing page cannot spoil a good one), and a
// snapshot for another key is deleted as soon as one for this key is found or kept.

// One cache per site (its assets folder): a knowledge base beside it on the same origin keeps its own.
const CACHE = `kb-snapshot:${new URL(".", import.meta.url).pathname}`;
const ENTRY = new URL("engine.packed-snapshot", import.meta.url).href; // a new name: older entries were not packed
// The packed form: MAGIC, the snapshot's length, the number of runs, then each run's offset and length
// (little-endian 32-bit words), then the runs' bytes one after another. What is not in a run is zeros.
const MAGIC = 0x3153424b; // "KBS1"
const PAGE = 4096;

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

// The bytes of a snapshot findSnapshot found; rejects when they cannot be read, there are none, or they are not packed.
export async function readSnapshot(response) {
  return unpack(new Uint8Array(await response.arrayBuffer()));
}

// The snapshot without its all-zero pages (see MAGIC).
export function pack(bytes) {
  const runs = [];
  const aligned = bytes.byteOffset % 4 === 0; // Pyodide's snapshot is: read it a word at a time
  const words = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4)) : null;
  let start = -1;
  for (let page = 0; page < bytes.byteLength; page += PAGE) {
    const end = Math.min(page + PAGE, bytes.byteLength);
    let zero = true;
    if (aligned && end % 4 === 0) {
      for (let i = page / 4; i < end / 4; i++) if (words[i]) { zero = false; break; }
    } else {
      for (let i = page; i < end; i++) if (bytes[i]) { zero = false; break; }
    }
    if (!zero && start < 0) start = page;
    if (zero && start >= 0) {
      runs.push([start, page - start]);
      start = -1;
    }
  }
  if (start >= 0) runs.push([start, bytes.byteLength - start]);
  const head = 3 + 2 * runs.length;
  const out = new Uint8Array(head * 4 + runs.reduce((sum, [, length]) => sum + length, 0));
  const view = new DataView(out.buffer);
  [MAGIC, bytes.byteLength, runs.length].forEach((word, i) => view.setUint32(i * 4, word, true));
  let at = head * 4;
  runs.forEach(([offset, length], i) => {
    view.setUint32((3 + 2 * i) * 4, offset, true);
    view.setUint32((4 + 2 * i) * 4, length, true);
    out.set(bytes.subarray(offset, offset + length), at);
    at += length;
  });
  return out;
}

// The snapshot pack() packed; throws on anything else (an entry of an older format, broken bytes).
export function unpack(packed) {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  if (packed.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error("not a packed snapshot");
  const length = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  if (!length || packed.byteLength < 12 + count * 8) throw new Error("broken snapshot");
  const bytes = new Uint8Array(length);
  let at = 12 + count * 8;
  let end = 0;
  for (let i = 0; i < count; i++) {
    const offset = view.getUint32(12 + i * 8, true);
    const size = view.getUint32(16 + i * 8, true);
    if (offset < end || offset + size > length || at + size > packed.byteLength) throw new Error("broken snapshot");
    bytes.set(packed.subarray(at, at + size), offset);
    at += size;
    end = offset + size;
  }
  if (at !== packed.byteLength) throw new Error("broken snapshot");
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
  const bytes = pack(make());
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
