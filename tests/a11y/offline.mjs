// Offline reading in headless Chromium over content-example, served with its _headers
// (CSP): the service worker takes control of a page, a visited page reloads offline,
// a page never visited shows the offline page in the reader's language, "save for
// offline use" shows the size first and then makes a page never visited readable
// offline, and the cache holds nothing of another municipality or language. Offline
// is switched on through the DevTools protocol (Network.emulateNetworkConditions) and
// for the browser context (which covers the service worker's own requests).
//
//   cd tests/a11y && npm ci --ignore-scripts && node offline.mjs
//   (WEGWEISER_SITE=<built site> skips the build.)

import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, buildSite, launchChromium, serve, waitUntil, walk } from './lib.mjs';

let passed = 0;
let failed = 0;
function record(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems) console.log(`     ${p}`);
  }
}

const M = 'musterstadt';
const LANG = 'ar';

const site = process.env.WEGWEISER_SITE || buildSite();
// Served through a link, so that a new build can take its place (step 6).
const work = mkdtempSync(join(tmpdir(), 'wegweiser-offline-'));
const served = join(work, 'site');
symlinkSync(site, served);
const server = await serve(served);
const browser = await launchChromium();

/** The text of the first <h1> of the built page at folder `rel` (decoded entities). */
function h1Of(rel) {
  const html = readFileSync(join(site, rel, 'index.html'), 'utf8');
  const m = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
  return m ? m[1].replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').trim() : null;
}

/** Folders of the language's pages below its start page, as URL paths. */
const pages = walk(join(site, M, LANG))
  .filter((f) => f.endsWith('/index.html') && f.split('/').length === 2)
  .map((f) => f.slice(0, -'index.html'.length))
  .filter((dir) => h1Of(`${M}/${LANG}/${dir}`));
// Language folders of every municipality: those with a manifest.
const languageDirs = readdirSync(site, { withFileTypes: true })
  .filter((m) => m.isDirectory())
  .flatMap((m) =>
    readdirSync(join(site, m.name))
      .filter((l) => existsSync(join(site, m.name, l, 'manifest.webmanifest')))
      .map((l) => `/${m.name}/${l}/`),
  );
const own = `/${M}/${LANG}/`;
const ui = Object.fromEntries(
  readFileSync(join(import.meta.dirname, '../../themes/default/i18n', `${LANG}.toml`), 'utf8')
    .split('\n')
    .map((l) => l.match(/^(\w+) = "(.*)"$/))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);

const context = await browser.newContext();
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(m.text()) && errors.push(m.text()));
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
async function offline(on) {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: on,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await context.setOffline(on);
}
const h1 = () => page.locator('h1').first().innerText();

try {
  // 1. A first visit: the worker installs and takes control; the page is kept.
  {
    const problems = [];
    await page.goto(server.origin + own);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
    await waitUntil(page, async () => (await caches.match(location.href)) !== undefined, null, { what: 'the page in the cache' });
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope);
    if (scope !== server.origin + own) problems.push(`scope ${scope}, want ${server.origin + own}`);
    const visible = await page.locator('#offline-save').isVisible();
    if (!visible) problems.push('the save box is not shown where service workers work');
    record('the service worker controls the page, its scope is the municipality and language', problems);
  }

  // 2. Offline: the visited page reloads from the cache.
  const startTitle = await h1();
  {
    const problems = [];
    await offline(true);
    await page.reload();
    const title = await h1();
    if (title !== startTitle) problems.push(`offline reload shows "${title}", want "${startTitle}"`);
    const dir = await page.evaluate(() => document.documentElement.dir);
    if (dir !== 'rtl') problems.push(`dir=${dir}`);
    record('a visited page reloads offline', problems);
  }

  // 3. Offline: a page never visited gives the offline page in Arabic.
  const [neverA, neverB] = pages;
  {
    const problems = [];
    await page.goto(server.origin + own + neverA);
    const title = await h1();
    if (title !== ui.offline_page_title) problems.push(`shows "${title}", want "${ui.offline_page_title}"`);
    const lang = await page.evaluate(() => document.documentElement.lang);
    if (lang !== LANG) problems.push(`lang=${lang}`);
    record('a page never visited shows the offline page in the reader\'s language', problems);
  }

  // 4. Save for offline use: the size first, then every file; a page never visited
  //    is then readable offline.
  {
    const problems = [];
    await offline(false);
    await page.goto(server.origin + own);
    await page.locator('.offline-check').click();
    await page.locator('.offline-confirm').waitFor({ state: 'visible' });
    const sizeText = await page.locator('.offline-status').innerText();
    const list = JSON.parse(readFileSync(join(site, M, LANG, 'offline.json'), 'utf8'));
    const count = new Intl.NumberFormat(LANG).format(list.files);
    if (!sizeText.includes(count)) problems.push(`size text "${sizeText}" does not name ${count} files`);
    if (!/\d/.test(sizeText.replace(count, ''))) problems.push(`size text "${sizeText}" has no size`);
    await page.locator('.offline-confirm').click();
    await page.waitForFunction(
      (done) => document.querySelector('.offline-status').textContent === done,
      ui.offline_done,
      { timeout: 60000 },
    );
    if (!(await page.locator('.offline-remove').isVisible())) problems.push('no way to remove the saved copy');
    await offline(true);
    await page.goto(server.origin + own + neverB);
    const title = await h1();
    const want = h1Of(`${M}/${LANG}/${neverB}`);
    if (title !== want) problems.push(`offline, ${neverB} shows "${title}", want "${want}"`);
    record(`"save for offline use" shows the size (${sizeText}), then a page never visited loads offline`, problems);
  }

  // 5. The cache: this municipality and language only.
  {
    const problems = [];
    const { names, urls } = await page.evaluate(async () => {
      const names = await caches.keys();
      const urls = [];
      for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname); // (no worker deletes caches here)
      return { names, urls };
    });
    for (const n of names) if (!n.startsWith(`wegweiser|${M}|${LANG}|`)) problems.push(`cache ${n}`);
    if (names.length !== 1) problems.push(`${names.length} caches: ${names.join(', ')}`);
    for (const u of urls) {
      const other = languageDirs.find((d) => d !== own && decodeURIComponent(u).startsWith(decodeURIComponent(d)));
      if (other) problems.push(`${u} (of ${other}) is cached`);
    }
    if (!urls.some((u) => u.startsWith(own))) problems.push('nothing of the language is cached');
    record(`the cache holds ${urls.length} files of ${own} and the shared files only`, problems);
  }

  // 6. A new build with a changed Arabic start page: the new worker replaces the Arabic
  //    cache (and only it), carries the saved portal over and fetches the changed page.
  if (process.env.WEGWEISER_SITE && !process.env.WEGWEISER_BIN) {
    console.log('skip a new build: set WEGWEISER_BIN with WEGWEISER_SITE');
  } else {
    const problems = [];
    await offline(false);
    await page.goto(`${server.origin}/${M}/de/`);
    await waitUntil(page, async (m) => (await caches.keys()).some((n) => n.startsWith(`wegweiser|${m}|de|`)), M, { what: 'the German cache' });
    const before = await page.evaluate(() => caches.keys());
    const oldAr = before.find((n) => n.startsWith(`wegweiser|${M}|${LANG}|`));
    const portal = join(work, 'portal');
    cpSync(join(REPO, 'content-example'), portal, { recursive: true, filter: (f) => !f.includes(`${join(REPO, 'content-example')}/public`) });
    appendFileSync(join(portal, 'content', M, `_index.${LANG}.md`), '\nUPDATE-MARKER\n');
    process.env.WEGWEISER_PORTAL = portal;
    const next = buildSite();
    rmSync(served);
    symlinkSync(next, served);
    // Any page of the language, online: the browser finds the new worker.
    await page.goto(server.origin + own + neverA);
    await waitUntil(
      page,
      async ([prefix, old]) => {
        const r = await navigator.serviceWorker.getRegistration();
        const settled = r && r.active && r.active.state === 'activated' && !r.installing && !r.waiting;
        const names = (await caches.keys()).filter((n) => n.startsWith(prefix));
        return settled && names.length === 1 && names[0] !== old;
      },
      [`wegweiser|${M}|${LANG}|`, oldAr],
      { timeout: 20000, what: 'the new worker to replace the old cache' },
    );
    await page.reload();
    await waitUntil(
      page,
      async ([prefix, url]) => {
        for (const cacheName of (await caches.keys()).filter((n) => n.startsWith(prefix))) {
          const r = await caches.match(url, { cacheName });
          if (r && (await r.text()).includes('UPDATE-MARKER')) return true;
        }
        return false;
      },
      [`wegweiser|${M}|${LANG}|`, own],
      { timeout: 20000, what: 'the changed start page in the cache' },
    );
    const after = await page.evaluate(() => caches.keys());
    for (const n of before.filter((n) => n !== oldAr)) if (!after.includes(n)) problems.push(`${n} was deleted`);
    if (after.includes(oldAr)) problems.push(`${oldAr} is still there`);
    await offline(true);
    await page.goto(server.origin + own);
    if (!(await page.locator('main').innerText()).includes('UPDATE-MARKER')) problems.push('offline, the start page is the old one');
    await page.goto(server.origin + own + neverB);
    if ((await h1()) !== h1Of(`${M}/${LANG}/${neverB}`)) problems.push(`offline, ${neverB} is no longer saved`);
    record('a new build replaces the language\'s cache only, keeps the saved copy and fetches what changed', problems);
  }

  // 7. Remove the saved copy.
  {
    const problems = [];
    await offline(false);
    await page.goto(server.origin + own);
    await page.locator('.offline-remove').click();
    await page.waitForFunction((t) => document.querySelector('.offline-status').textContent === t, ui.offline_removed);
    const saved = await page.evaluate(async (list) => (await caches.match(list + '?saved')) !== undefined, `${own}offline.json`);
    if (saved) problems.push('still marked as saved');
    record('the saved copy can be removed', problems);
  }
  record('no script errors', errors);
} catch (e) {
  record('offline run', [String(e.stack || e)]);
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
