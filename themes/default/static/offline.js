// Offline reading (docs/offline.md): registers the service worker of this
// municipality and language, and runs "save this portal for offline use". Pages work
// without it; the save box stays hidden where service workers are not available.
(() => {
  'use strict';
  const link = document.querySelector('link[rel="manifest"]');
  if (!link || !('serviceWorker' in navigator) || !('caches' in window)) return;
  const scope = new URL('./', link.href);
  const worker = new URL('sw.js', scope);
  // `wegweiser serve` marks its pages (src/serve/live.js): a preview is never cached.
  if (document.documentElement.hasAttribute('data-wegweiser-preview')) {
    navigator.serviceWorker.getRegistration(scope.href).then((r) => r && r.unregister());
    return;
  }
  // The worker in charge brings its cache up to this build (docs/offline.md). While a
  // newer build's worker is on its way, the old one is left alone (a message would
  // wake it and can hold up the new one); the new one is asked once it takes over.
  const refill = (sw) => navigator.onLine && sw && sw.postMessage('refill');
  const register = () =>
    navigator.serviceWorker
      .register(worker.href, { scope: scope.pathname })
      .then((r) => r.installing || r.waiting || refill(r.active))
      .catch(() => {});
  navigator.serviceWorker.addEventListener('controllerchange', () => refill(navigator.serviceWorker.controller));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);

  const box = document.getElementById('offline-save');
  if (!box) return;
  const $ = (selector) => box.querySelector(selector);
  const check = $('.offline-check');
  const confirm = $('.offline-confirm');
  const remove = $('.offline-remove');
  const progress = $('.offline-progress');
  const status = $('.offline-status');
  const listUrl = new URL(box.dataset.list, location.href).href;
  const savedUrl = listUrl + '?saved';
  const lang = document.documentElement.lang || 'en';
  let list = null;

  const number = (options) => {
    try {
      return new Intl.NumberFormat(lang, options);
    } catch {
      return new Intl.NumberFormat('en', options);
    }
  };
  const size = (bytes) =>
    bytes >= 1e6
      ? number({ style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1e6)
      : number({ style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(Math.max(1, Math.round(bytes / 1e3)));
  const say = (text) => {
    status.textContent = text;
  };
  const show = (element, visible) => {
    element.hidden = !visible;
  };

  // Never `caches.open` a name that may be gone: that would create it again.
  const saved = async () => (await caches.match(savedUrl)) !== undefined;

  check.addEventListener('click', async () => {
    check.disabled = true;
    try {
      const response = await fetch(listUrl, { cache: 'no-cache' });
      if (!response.ok) throw new Error(String(response.status));
      list = await response.json();
      say(box.dataset.size.replace('{size}', size(list.bytes)).replace('{count}', number({}).format(list.files)));
      show(check, false);
      show(confirm, true);
      confirm.focus();
    } catch {
      say(box.dataset.failed);
    } finally {
      check.disabled = false;
    }
  });

  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    show(progress, true);
    progress.max = list.files;
    progress.value = 0;
    say(box.dataset.saving);
    const cache = await caches.open(list.cache);
    const todo = list.entries.slice();
    let done = 0;
    let failed = false;
    const next = async () => {
      for (let entry = todo.shift(); entry; entry = todo.shift()) {
        try {
          if (!(await cache.match(entry.url))) {
            const response = await fetch(entry.url, { cache: 'no-cache' });
            if (!response.ok) throw new Error(String(response.status));
            await cache.put(entry.url, response);
          }
        } catch {
          failed = true;
        }
        done += 1;
        progress.value = done;
      }
    };
    await Promise.all([next(), next(), next(), next()]);
    show(progress, false);
    show(confirm, false);
    confirm.disabled = false;
    if (failed) {
      show(check, true);
      say(box.dataset.failed);
      return;
    }
    await cache.put(listUrl, new Response(JSON.stringify(list), { headers: { 'content-type': 'application/json' } }));
    await cache.put(savedUrl, new Response('saved'));
    say(box.dataset.done);
    show(remove, true);
  });

  remove.addEventListener('click', async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith(box.dataset.cache));
    await Promise.all(names.map((n) => caches.delete(n)));
    const registration = await navigator.serviceWorker.getRegistration(scope.href);
    if (registration && registration.active) registration.active.postMessage('removed');
    show(remove, false);
    show(check, true);
    say(box.dataset.removed);
    check.focus();
  });

  box.hidden = false;
  saved().then((yes) => {
    if (yes) {
      say(box.dataset.done);
      show(remove, true);
    }
  });
})();
