// The live preview (`generator serve`) answers the site's service worker URL with this worker: an
// offline copy would answer a reload with the page as it was, hiding the edit. It takes the place
// of a worker an earlier visit to this address installed, deletes that site's caches (named
// site-<id>:<scope path>:<version>, service_worker.js) and unregisters itself. A built site keeps
// its own worker; serve site/ with any static server to try it offline.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const scope = new URL(self.registration.scope).pathname;
    const ours = (await caches.keys()).filter((name) => name.startsWith("site-") && name.includes(`:${scope}:`));
    await Promise.all(ours.map((name) => caches.delete(name)));
    await self.registration.unregister();
  })());
});
