// Pages: network first, the cached copy when offline (or after 4 s without an answer),
// else the offline page. Files with a content hash in their name: cache first.
// Other files of this site: the cached copy at once, refreshed in the background.
// Other hosts: not touched. One cache per municipality and language (CACHE); a new
// build's worker keeps what did not change and deletes the older caches of PREFIX only.
'use strict';

const HASHED = /\.[0-9a-f]{8}\.(?:css|js|mjs|woff2?|ttf|otf)$/;
const SAVED = LIST + '?saved';

const cacheable = (response) => response && response.ok && response.status === 200 && response.type === 'basic';

async function fresh(url) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'no-cache' })));
      // The list of this build: the next build's worker compares with it.
      await cache.put(LIST, await fresh(LIST));
      await self.skipWaiting();
    })(),
  );
});

/** Copy from the caches of older builds what did not change; return the URLs that
 *  were cached but changed, and whether the reader had saved the whole portal. */
async function carryOver(cache, list) {
  const hashes = new Map(list.entries.map((e) => [new URL(e.url, self.location.href).href, e.hash]));
  const changed = new Set();
  let saved = false;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await caches.open(name);
    const oldList = await old.match(LIST).then((r) => (r ? r.json() : null)).catch(() => null);
    if (await old.match(SAVED)) saved = true;
    const oldHashes = new Map((oldList ? oldList.entries : []).map((e) => [new URL(e.url, self.location.href).href, e.hash]));
    for (const request of await old.keys()) {
      const url = request.url;
      if (url === new URL(LIST, self.location.href).href || url === new URL(SAVED, self.location.href).href) continue;
      if (!hashes.has(url)) continue;
      if (oldHashes.get(url) === hashes.get(url)) {
        if (!(await cache.match(request))) await cache.put(request, await old.match(request));
      } else {
        changed.add(url);
      }
    }
    await caches.delete(name);
  }
  return { changed, saved };
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const listResponse = await cache.match(LIST);
      const list = listResponse ? await listResponse.json() : { entries: [] };
      const { changed, saved } = await carryOver(cache, list);
      await self.clients.claim();
      // The page that registered the worker was loaded before it: keep it too, so
      // that a page read once is readable offline.
      for (const client of await self.clients.matchAll({ type: 'window' })) {
        const url = new URL(client.url);
        url.hash = '';
        if (url.pathname.startsWith(SCOPE) && !(await cache.match(url.href))) {
          try {
            await cache.put(url.href, await fresh(url.href));
          } catch {
            // Offline already: the next visit stores it.
          }
        }
      }
      // Pages the reader had (or, when the portal was saved, every file) are fetched
      // again where they changed: updates arrive while online.
      const wanted = saved ? list.entries.map((e) => new URL(e.url, self.location.href).href) : [...changed];
      for (const url of wanted) {
        if (await cache.match(url)) continue;
        try {
          await cache.put(url, await fresh(url));
        } catch {
          // Offline again: the next visit fetches it.
        }
      }
      if (saved) await cache.put(SAVED, new Response('saved'));
    })(),
  );
});

self.addEventListener('message', (event) => {
  // The reader removed the saved copy: keep the offline page working.
  if (event.data === 'removed') {
    event.waitUntil(
      caches.open(CACHE).then(async (cache) => {
        await cache.addAll(SHELL);
        await cache.put(LIST, await fresh(LIST));
      }),
    );
  }
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((response) => {
    if (cacheable(response)) cache.put(request, response.clone());
    return response;
  });
  const cached = await cache.match(request);
  const slow = new Promise((resolve) => setTimeout(resolve, 4000));
  try {
    const response = cached ? await Promise.race([network, slow.then(() => cached)]) : await network;
    return response;
  } catch {
    return cached || (await cache.match(OFFLINE)) || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (cacheable(response)) await cache.put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const network = fetch(event.request).then((response) => {
    if (cacheable(response)) return cache.put(event.request, response.clone()).then(() => response);
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => {}));
    return cached;
  }
  return network;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  // Other hosts are never intercepted.
  if (url.origin !== self.location.origin) return;
  // The list is always asked for fresh: it tells what a save downloads.
  if (url.pathname === new URL(LIST, self.location.href).pathname) return;
  if (request.mode === 'navigate' || (request.headers.get('accept') || '').includes('text/html')) {
    event.respondWith(networkFirst(request));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(staleWhileRevalidate(event));
  }
});
