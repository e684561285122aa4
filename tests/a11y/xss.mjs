// The XSS fixture in a real browser, without the Content-Security-Policy: no script a
// page author wrote may run.
//
//   cd tests/a11y && npm ci --ignore-scripts && node xss.mjs
//
// Builds tests/fixtures/xss (with $WEGWEISER_BIN if set, else `cargo run --release`),
// deletes the built `_headers`, so that the server sends no CSP (the sanitiser is the
// only wall), serves the folder on 127.0.0.1 and opens every page in Debian's
// Chromium. On each page it hovers over, clicks and tabs to every element of the
// content, then checks that
//   - no dialog opened (the vectors call alert(1));
//   - no vector set `window.__xss`;
//   - no request went to the beacon (`/__xss`) or to any other host than 127.0.0.1
//     (vectors load scripts, style sheets and frames from xss.example);
//   - the server sent no Content-Security-Policy (else this would test the CSP).
// Ends with `N passed, N failed`; exits 1 on any failure.
//
// Environment: WEGWEISER_BIN (a built wegweiser), WEGWEISER_SITE (an already built
// fixture), CHROMIUM (default /usr/bin/chromium), VERBOSE=1.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, launchChromium, serve, walk } from './lib.mjs';

const verbose = process.env.VERBOSE === '1';
let passed = 0;
let failed = 0;
function record(name, problems) {
  if (problems.length === 0) {
    passed++;
    if (verbose) console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems) console.log(`     ${p}`);
  }
}

async function main() {
  if (!process.env.WEGWEISER_SITE) process.env.WEGWEISER_PORTAL = 'tests/fixtures/xss';
  const site = process.env.WEGWEISER_SITE || buildSite();
  // The second wall down: no _headers, no CSP.
  rmSync(join(site, '_headers'), { force: true });
  const pages = walk(site)
    .filter((f) => f.endsWith('.html'))
    .map((f) => '/' + f.replace(/index\.html$/, ''));
  const server = await serve(site);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const problems = [];
    context.on('dialog', (d) => problems.push(`dialog ${d.type()}: ${d.message()}`));
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== server.origin || url.pathname.startsWith('/__xss')) {
        problems.push(`request to ${url.href}`);
        return route.abort();
      }
      return route.continue();
    });
    for (const path of pages) {
      problems.length = 0;
      const page = await context.newPage();
      page.on('dialog', (d) => {
        problems.push(`dialog ${d.type()}: ${d.message()}`);
        d.dismiss().catch(() => {});
      });
      const response = await page.goto(server.origin + path, { waitUntil: 'load' });
      const csp = response.headers()['content-security-policy'];
      if (csp) problems.push(`the server sent a CSP (${csp}): this check needs none`);
      // The portal's root and language choosers may move on to a language by themselves.
      await page.waitForTimeout(200);
      const start = page.url();
      await exercise(page);
      await page.waitForTimeout(300);
      // Still on the page (a click may follow a fragment link): its globals are there.
      if (page.url().split('#')[0] === start.split('#')[0]) {
        const flag = await page.evaluate(() => window.__xss);
        if (flag !== undefined) problems.push(`window.__xss = ${flag}`);
      } else {
        problems.push(`left ${start} for ${page.url()}`);
      }
      record(`no script runs on ${path}`, [...problems]);
      await page.close();
    }
    record('the fixture has pages', pages.length >= 6 ? [] : [`only ${pages.length}`]);
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** What a reader does: hover over and focus every element of the content, and click
 *  everything but links to pages and apps. */
async function exercise(page) {
  const count = await page.locator('main *').count();
  for (let i = 0; i < count; i++) {
    const el = page.locator('main *').nth(i);
    const info = await el
      .evaluate((e) => ({
        visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length),
        // Links to pages (relative, http, https) and to apps (mailto, tel, geo) are
        // not followed: a click on them, or on what holds them, would leave the page.
        // Any other link (javascript:…) is clicked.
        link: [e.closest('a[href]'), e.querySelector('a[href]')].some(
          (a) => a && /^(https?:|mailto:|tel:|geo:|[^:]*$)/i.test(a.getAttribute('href').trim()),
        ),
        inShare: !!e.closest('.share, nav, button'),
      }))
      .catch(() => null);
    if (!info || !info.visible) continue;
    await el.hover({ timeout: 500, force: true }).catch(() => {});
    await el.focus({ timeout: 500 }).catch(() => {});
    if (!info.link && !info.inShare) await el.click({ timeout: 500, force: true, noWaitAfter: true }).catch(() => {});
  }
  for (let i = 0; i < 40; i++) await page.keyboard.press('Tab').catch(() => {});
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
