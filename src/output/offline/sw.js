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

const absolute = (url) => new URL(url, self.location.href).href;
const PREVIOUS = LIST + '?previous';
const MARKERS = new Set([absolute(LIST), absolute(SAVED), absolute(PREVIOUS)]);

/** Move what the caches of older builds of this municipality and language hold into
 *  this build's cache (local copies only: activation must not wait for the network),
 *  with their list as PREVIOUS, then delete them. Never touches other caches. */
async function carryOver(cache) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await caches.open(name);
    for (const request of await old.keys()) {
      const url = request.url;
      if (url === absolute(LIST)) {
        if (!(await cache.match(PREVIOUS))) await cache.put(PREVIOUS, await old.match(request));
      } else if (!(await cache.match(request))) {
        await cache.put(request, await old.match(request));
      }
    }
    await caches.delete(name);
  }
}

// Settled when this worker's activation is done: an update waits for it.
let activation = Promise.resolve();

self.addEventListener('activate', (event) => {
  activation = (async () => {
    const cache = await caches.open(CACHE);
    await carryOver(cache);
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
  })();
  event.waitUntil(activation);
});

/** Whether a newer build's worker has taken over from this one. Where the browser does
 *  not say (no `self.serviceWorker`), `false`: the newer worker's sweep (`refill`)
 *  removes what this one may still write. */
function superseded() {
  const me = self.serviceWorker;
  const active = self.registration.active;
  return Boolean(me && active && active !== me);
}

/** This worker's cache, unless a newer build's worker has taken over or deleted it: an
 *  older worker still running must not create it again (`caches.open` would). */
async function ownCache() {
  if (superseded() || !(await caches.has(CACHE))) return null;
  return caches.open(CACHE);
}

/** Bring the cache up to this build (offline.js asks on every page load while
 *  online): fetch again the files kept from an older build that changed since (their
 *  hash in the lists differs), drop what this build no longer has, and, where the
 *  reader saved the whole portal, fetch what is missing. Resumes where it stopped. */
let refilling = null;
async function refill() {
  await activation;
  // Not before this worker is activated: the older caches are carried over then.
  if (self.serviceWorker && self.serviceWorker.state !== 'activated') return;
  const cache = await ownCache();
  if (!cache) return;
  // An older worker that was still answering while this one took over may have
  // written to its cache again: carry that over too, and delete it.
  await carryOver(cache);
  const read = async (url) => {
    const r = await cache.match(url);
    return r ? new Map((await r.json()).entries.map((e) => [absolute(e.url), e.hash])) : null;
  };
  const now = await read(LIST);
  if (!now) return;
  const before = (await read(PREVIOUS)) || new Map();
  const shell = new Set(SHELL.map(absolute));
  for (const request of await cache.keys()) {
    const url = request.url;
    if (MARKERS.has(url) || shell.has(url)) continue;
    if (!now.has(url)) {
      // Gone from the site, or an older build's asset: only older copies used it.
      if (before.has(url) || HASHED.test(new URL(url).pathname)) await cache.delete(request);
    } else if (before.has(url) && before.get(url) !== now.get(url)) {
      await cache.put(url, await fresh(url));
    }
  }
  if (await cache.match(SAVED)) {
    for (const url of now.keys()) {
      if (!(await cache.match(url))) await cache.put(url, await fresh(url));
    }
  }
  await cache.delete(PREVIOUS);
}

self.addEventListener('message', (event) => {
  if (event.data === 'refill') {
    refilling = refilling || refill().catch(() => {}).finally(() => (refilling = null));
    event.waitUntil(refilling);
  } else if (event.data === 'removed') {
    // The reader removed the saved copy: keep the offline page working.
    event.waitUntil(
      caches.open(CACHE).then(async (cache) => {
        await cache.addAll(SHELL);
        await cache.put(LIST, await fresh(LIST));
      }),
    );
  }
});

async function networkFirst(request) {
  const cache = await ownCache();
  if (!cache) return fetch(request);
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
  const cache = await ownCache();
  if (!cache) return fetch(request);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (cacheable(response)) await cache.put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(event) {
  const cache = await ownCache();
  if (!cache) return fetch(event.request);
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
