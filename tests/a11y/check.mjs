// Accessibility and validity check of the default theme on the demo portal.
//
//   cd tests/a11y && npm ci --ignore-scripts && node check.mjs
//
// Builds content-example/ (with $WEGWEISER_BIN if set, else `cargo run --release`),
// serves it on 127.0.0.1, and for a sample of pages in every language of every
// municipality (start page, a section, a page with a table and an alert, a fallback
// page) plus the language choosers, any other page of a municipality outside its
// language folders, the portal index and the 404 page:
//   - axe-core, WCAG 2.0/2.1 A and AA rules, in light mode at 1280 px and in dark mode
//     at 320 px: zero violations;
//   - no request leaves 127.0.0.1, no subresource fails, no script on the page;
//   - no horizontal scrolling at 320 px (WCAG 1.4.10 reflow, = 1280 px at 400 %),
//     375 px and 640 px (= 1280 px at 200 %), also with each <details> menu open,
//     and at 375 px with text at 200 %;
//   - html lang and dir, exactly one h1, header/main/footer landmarks, a title, and a
//     skip link that is the first Tab stop, visible, outlined and leads to <main>.
// Then the Nu HTML Checker over every generated HTML page: zero errors; and the
// style sheet under 20 KB.
// Ends with `N passed, N failed`; exits 1 on any failure.
//
// Environment: WEGWEISER_BIN (a built wegweiser), WEGWEISER_PORTAL (default
// content-example), WEGWEISER_SITE (check an already built site instead of building),
// CHROMIUM (default /usr/bin/chromium), CONCURRENCY (tabs at once, default 4),
// VERBOSE=1 (list every check).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { buildSite, HERE, launchChromium, serve, walk } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const RTL = new Set(['ar', 'fa', 'prs', 'ps', 'ckb', 'ur', 'he', 'yi', 'dv', 'sd', 'ug']);
const CSS_LIMIT = 20 * 1024;
const CONCURRENCY = Number(process.env.CONCURRENCY) || 4;
// Whether the site has a _headers file (set in main): then every page must be served
// with its Content-Security-Policy.
let HEADERS_FILE = false;
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
    for (const p of problems) console.log(`     ${p.replace(/\n/g, '\n     ')}`);
  }
}

// ── Which pages to look at ──────────────────────────────────────────────────────

/** Attributes of the first start tag named `tag` in `html` matching `filter`. */
function tags(html, tag) {
  const out = [];
  const re = new RegExp(`<${tag}\\b((?:"[^"]*"|'[^']*'|[^'">])*)>`, 'gi');
  for (const m of html.matchAll(re)) {
    const attrs = {};
    const are = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
    for (const a of m[1].matchAll(are)) attrs[a[1].toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? '';
    out.push(attrs);
  }
  return out;
}

/** The sample: [{url, lang, what, status}] for every municipality and language. */
function samplePages(site) {
  const html = walk(site).filter((f) => f.endsWith('.html'));
  const read = (f) => readFileSync(join(site, f), 'utf8');
  const urlOf = (f) => '/' + f.replace(/index\.html$/, '').split('/').map(encodeURIComponent).join('/').replace(/%2F/g, '/');
  const pages = [
    { url: '/', what: 'portal index', lang: null },
    { url: '/this-page-does-not-exist/', what: '404', lang: null, status: 404 },
  ];
  // A municipality: a top-level folder with language folders whose start page is in
  // that language (`<m>/<lang>/index.html` with `<html lang="<lang>">`).
  const top = [...new Set(html.filter((f) => f.split('/').length === 3).map((f) => f.split('/')[0]))];
  for (const m of top) {
    const langs = html
      .filter((f) => f.split('/').length === 3 && f.startsWith(`${m}/`))
      .map((f) => f.split('/')[1])
      .filter((l) => tags(read(`${m}/${l}/index.html`), 'html')[0]?.lang === l);
    if (langs.length === 0) continue;
    if (html.includes(`${m}/index.html`)) pages.push({ url: `/${m}/`, what: 'language chooser', lang: null });
    // Other pages of the municipality outside its languages (not forwarding pages).
    for (const f of html.filter((f) => f.split('/').length === 3 && f.startsWith(`${m}/`))) {
      const folder = f.split('/')[1];
      if (langs.includes(folder) || /http-equiv=("|)refresh/i.test(read(f))) continue;
      pages.push({ url: urlOf(f), what: `${m} ${folder}`, lang: null });
    }
    for (const l of langs) {
      const prefix = `${m}/${l}/`;
      const mine = html.filter((f) => f.startsWith(prefix) && f !== `${prefix}index.html`);
      const depth = (f) => f.split('/').length;
      const picks = [{ file: `${prefix}index.html`, what: 'start page' }];
      const section = mine.find(
        (f) => depth(f) === 4 && mine.some((g) => depth(g) > 4 && g.startsWith(dirname(f) + '/')),
      );
      if (section) picks.push({ file: section, what: 'section' });
      const hasTable = (f) => /<table[\s>]/i.test(read(f));
      const hasAlert = (f) => /class=("[^"]*\balert\b[^"]*"|alert[\s>])/.test(read(f));
      const both = mine.find((f) => hasTable(f) && hasAlert(f));
      if (both) picks.push({ file: both, what: 'table + alert' });
      else {
        const t = mine.find(hasTable);
        const a = mine.find(hasAlert);
        if (t) picks.push({ file: t, what: 'table' });
        if (a) picks.push({ file: a, what: 'alert' });
      }
      // A fallback page: its canonical URL is the translation it shows, elsewhere.
      const fallback = mine.find((f) => {
        const canonical = tags(read(f), 'link').find((a) => a.rel === 'canonical')?.href;
        return canonical && !canonical.endsWith(urlOf(f));
      });
      if (fallback) picks.push({ file: fallback, what: 'fallback page' });
      // The legal pages every footer links (generated from [legal]): the accessibility
      // statement in every language, imprint and privacy notice in the first.
      const legal = l === langs[0] ? ['impressum', 'datenschutz', 'barrierefreiheit'] : ['barrierefreiheit'];
      for (const slug of legal) {
        const file = `${prefix}${slug}/index.html`;
        if (html.includes(file)) picks.push({ file, what: `legal page ${slug}` });
      }
      // The integration actors: the overview by kind and one actor's page.
      const actors = `${prefix}actors/index.html`;
      if (html.includes(actors)) {
        picks.push({ file: actors, what: 'actors overview' });
        const actor = mine.find((f) => f.startsWith(`${prefix}actors/`) && f !== actors);
        if (actor) picks.push({ file: actor, what: 'actor page' });
      }
      // Places, news and events: the lists, a place with opening hours (its open-now
      // script runs under the CSP), a news item and an event.
      for (const [folder, what] of [['places', 'place'], ['news', 'news item'], ['events', 'event']]) {
        const list = `${prefix}${folder}/index.html`;
        if (!html.includes(list)) continue;
        picks.push({ file: list, what: `${folder} list` });
        const items = mine.filter((f) => f.startsWith(`${prefix}${folder}/`) && f !== list);
        const item = items.find((f) => read(f).includes('data-open-now')) ?? items[0];
        if (item) picks.push({ file: item, what: `${what} page` });
      }
      // The poster with the QR codes of every language (issue 8); every other page
      // has the share section.
      const poster = `${prefix}poster/index.html`;
      if (html.includes(poster)) picks.push({ file: poster, what: 'poster' });
      const seen = new Set();
      for (const p of picks) {
        if (seen.has(p.file)) continue;
        seen.add(p.file);
        pages.push({ url: urlOf(p.file), what: `${m} ${l} ${p.what}`, lang: l });
      }
    }
  }
  return pages;
}

// ── Checks in the browser ───────────────────────────────────────────────────────

async function runAxe(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return result.violations.map(
    (v) =>
      `axe ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `  ${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1).join(' ').trim()}`)
        .join('\n') +
      (v.nodes.length > 5 ? `\n  … ${v.nodes.length - 5} more` : ''),
  );
}

/** Structure that axe does not enforce (or only as best practice). */
async function structure(page, expectLang) {
  const problems = await page.evaluate(() => {
    const p = [];
    const count = (sel) => document.querySelectorAll(sel).length;
    const html = document.documentElement;
    if (!html.lang) p.push('<html> has no lang');
    if (!['ltr', 'rtl'].includes(html.dir)) p.push(`<html dir="${html.dir}">: want ltr or rtl`);
    if (!document.title.trim()) p.push('empty <title>');
    if (count('h1') !== 1) p.push(`${count('h1')} h1 elements, want exactly 1`);
    for (const [sel, name] of [
      ['body > header, [role=banner]', 'header (banner)'],
      ['main, [role=main]', 'main'],
      ['body > footer, [role=contentinfo]', 'footer (contentinfo)'],
    ]) {
      if (count(sel) !== 1) p.push(`${count(sel)} ${name} landmarks, want 1`);
    }
    // Scripts: only data blocks (schema.org JSON-LD) and the site's own files (the
    // places' open-now enhancement); no inline code, frames or plugins.
    const scripts = [...document.querySelectorAll('script')].filter(
      (s) => s.type !== 'application/ld+json' && !(s.src && new URL(s.src).origin === location.origin),
    );
    if (scripts.length + count('iframe, object, embed')) p.push('inline or foreign script, iframe, object or embed on the page');
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) p.push(`event handler ${a.name} on <${el.localName}>`);
      }
    }
    if (document.styleSheets.length === 0 || !document.styleSheets[0].cssRules.length) p.push('no style sheet applied');
    // Text in another language than the page must say so (dir too, for bidi).
    for (const el of document.querySelectorAll('body [lang]')) {
      if (!el.hasAttribute('dir')) p.push(`<${el.localName} lang="${el.lang}"> without dir`);
    }
    return p;
  });
  if (expectLang) {
    const { lang, dir } = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
    }));
    if (lang !== expectLang) problems.push(`<html lang="${lang}">, want ${expectLang}`);
    const want = RTL.has(expectLang.split('-')[0]) ? 'rtl' : 'ltr';
    if (dir !== want) problems.push(`<html dir="${dir}">, want ${want}`);
  }
  // The first Tab stop is a visible skip link to the main content, with a focus ring.
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a.localName !== 'a') return `first Tab stop is <${a?.localName}>, want the skip link`;
    const href = a.getAttribute('href') || '';
    const target = href.startsWith('#') && document.getElementById(decodeURIComponent(href.slice(1)));
    const main = document.querySelector('main');
    if (!target || !(target === main || main.contains(target))) return `first Tab stop ${href} does not lead to <main>`;
    const r = a.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) {
      return 'skip link is not visible when focused';
    }
    const s = getComputedStyle(a);
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) return `focused skip link has no focus outline (${s.outline})`;
    return null;
  });
  if (skip) problems.push(skip);
  return problems;
}

/** No horizontal scrolling at the current width; names what sticks out if there is. */
async function reflow(page) {
  return page.evaluate(() => {
    const sw = document.scrollingElement.scrollWidth;
    if (sw <= innerWidth) return [];
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && out.length < 5; n = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width && (r.right > innerWidth + 0.5 || r.left < -0.5)) {
        out.push(`<${n.parentElement.localName}> "${n.textContent.trim().slice(0, 40)}"`);
      }
    }
    return [`horizontal scrolling at ${innerWidth}px: scrollWidth ${sw} (${out.join(', ')})`];
  });
}

/** Every <details> menu, opened in turn, stays inside the viewport. */
async function menusFit(page) {
  return page.evaluate(() => {
    const p = [];
    for (const d of document.querySelectorAll('details')) {
      d.open = true;
      for (const el of d.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5)) {
          p.push(`open <details> (${d.querySelector('summary')?.textContent.trim()}): <${el.localName}> at ${Math.round(r.left)}..${Math.round(r.right)} leaves the ${innerWidth}px viewport`);
          break;
        }
      }
      if (document.scrollingElement.scrollWidth > innerWidth) p.push(`open <details> makes the page scroll sideways`);
      d.open = false;
    }
    return p;
  });
}

/** Requests to any host but 127.0.0.1 are stopped before they leave the machine (the
 *  page's `request` event still records them, so they fail the check). */
async function stayLocal(context) {
  await context.route(
    (url) => !['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) ? false : url.hostname !== '127.0.0.1',
    (route) => route.abort('blockedbyclient'),
  );
}

async function checkPage(context, origin, p, mode) {
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url() !== origin + p.url) problems.push(`${r.status()} for ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The Content-Security-Policy of _headers, sent by the server: anything it blocks
  // (inline style or script, another host) is reported as a violation event and on
  // the console. (axe and these checks run through the DevTools protocol, which the
  // policy does not cover.)
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    ),
  );
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  try {
    const res = await page.goto(origin + p.url, { waitUntil: 'load' });
    const want = p.status || 200;
    if (!res || res.status() !== want) problems.push(`status ${res?.status()}, want ${want}`);
    if (res && HEADERS_FILE && !res.headers()['content-security-policy']) problems.push('no Content-Security-Policy header');
    problems.push(...(await runAxe(page)));
    problems.push(...(await menusFit(page)));
    // A place's open-now line: places.js ran (under the CSP) and said open, closed or
    // by appointment.
    const openNow = await page.evaluate(() => {
      const el = document.querySelector('[data-open-now]');
      if (!el) return null;
      const said = ['data-open', 'data-closed', 'data-appointment'].map((a) => el.getAttribute(a));
      return el.hidden || !said.includes(el.textContent) ? `"${el.textContent}" (hidden: ${el.hidden})` : '';
    });
    if (openNow) problems.push(`open-now line not filled in by places.js: ${openNow}`);
    if (mode === 'mobile') {
      // 320 px (axe ran there), a common phone, and 1280 px at 200 % zoom.
      for (const width of [320, 375, 640]) {
        if (width !== 320) await page.setViewportSize({ width, height: 640 });
        problems.push(...(await reflow(page)));
        if (width !== 320) problems.push(...(await menusFit(page)));
      }
      // A phone with its text size at 200 % (WCAG 1.4.4 on a small screen).
      await page.setViewportSize({ width: 375, height: 640 });
      await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
      problems.push(...(await reflow(page)).map((m) => `text at 200 %: ${m}`));
    } else {
      problems.push(...(await structure(page, p.lang)));
    }
  } catch (e) {
    problems.push(`error: ${e.message}`);
  } finally {
    await page.close();
  }
  for (const u of requests) {
    const url = new URL(u);
    if (!['data:', 'about:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
      problems.push(`request to another host: ${u}`);
    }
  }
  return problems;
}

/** Every page of the site (not only the sample) at 320 and 640 px: no sideways
 *  scrolling. A few tabs take turns through the list. */
async function reflowEverywhere(browser, origin, files) {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  await stayLocal(context);
  const queue = files.map((f) => '/' + f.replace(/index\.html$/, '').split('/').map(encodeURIComponent).join('/'));
  const worker = async () => {
    const page = await context.newPage();
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      const problems = [];
      try {
        await page.setViewportSize({ width: 320, height: 640 });
        await page.goto(origin + url, { waitUntil: 'load' });
        problems.push(...(await reflow(page)));
        await page.setViewportSize({ width: 640, height: 640 });
        problems.push(...(await reflow(page)));
      } catch (e) {
        problems.push(`error: ${e.message}`);
      }
      record(`reflow ${decodeURI(url)}`, problems);
    }
    await page.close();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await context.close();
}

// ── Nu HTML Checker ─────────────────────────────────────────────────────────────

/** Start the Nu HTML Checker over every HTML file of `site`; resolves to a function
 *  that records its findings (so that it runs while the browser works). */
function startVnu(site) {
  const t0 = Date.now();
  const jar = join(dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
  const child = spawn('java', ['-jar', jar, '--errors-only', '--format', 'json', '--skip-non-html', site], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  return new Promise((ok) => {
    child.on('error', (e) => ok(() => record('vnu ran', [`cannot run java: ${e.message}`])));
    child.on('close', (status) => {
      console.log(`vnu: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      ok(() => vnuReport(site, status, stdout, stderr));
    });
  });
}

function vnuReport(site, status, stdout, stderr) {
  const files = walk(site).filter((f) => f.endsWith('.html'));
  const r = { status, stdout, stderr };
  let messages;
  try {
    messages = JSON.parse(r.stderr).messages;
  } catch {
    record('vnu ran', [`could not read the Nu HTML Checker's output (exit ${r.status}):\n${r.stderr.slice(0, 2000)}`]);
    return;
  }
  const byFile = new Map();
  for (const m of messages) {
    if (m.type === 'info' && m.subType !== 'warning') continue;
    const file = m.url ? decodeURIComponent(new URL(m.url).pathname).slice(site.length + 1) : '(no file)';
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(`${m.type} ${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'} ${m.message}  [${(m.extract || '').replace(/\n/g, ' ')}]`);
  }
  for (const f of files) record(`vnu ${f}`, byFile.get(f) || []);
  for (const [f, p] of byFile) if (!files.includes(f)) record(`vnu ${f}`, p);
  if (r.status !== 0 && messages.length === 0) record('vnu exit code', [`exit ${r.status}: ${r.stdout}`]);
}

// ── Main ────────────────────────────────────────────────────────────────────────

async function main() {
  const t0 = Date.now();
  const built = !process.env.WEGWEISER_SITE;
  const site = resolve(process.env.WEGWEISER_SITE || buildSite());
  console.log(`site: ${site} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const css = walk(site).filter((f) => f.endsWith('.css'));
  for (const f of css) {
    const size = statSync(join(site, f)).size;
    record(`size ${f}`, size < CSS_LIMIT ? [] : [`${size} bytes, want < ${CSS_LIMIT}`]);
  }

  HEADERS_FILE = existsSync(join(site, '_headers'));
  record('_headers with a Content-Security-Policy', HEADERS_FILE && /^\s+Content-Security-Policy: /m.test(readFileSync(join(site, '_headers'), 'utf8')) ? [] : ['missing']);

  const vnuDone = startVnu(site);
  const pages = samplePages(site);
  if (verbose) for (const p of pages) console.log(`sample: ${p.what} ${decodeURI(p.url)}`);
  const server = await serve(site);
  const browser = await launchChromium();
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', reducedMotion: 'reduce' });
  const mobile = await browser.newContext({ viewport: { width: 320, height: 640 }, colorScheme: 'dark', deviceScaleFactor: 1 });
  await stayLocal(desktop);
  await stayLocal(mobile);
  try {
    const t1 = Date.now();
    // A few pages at once: the browser waits on its renderers much of the time.
    const results = new Map();
    const queue = pages.flatMap((p) => [
      [p, 'desktop', `light 1280px ${p.what} ${decodeURI(p.url)}`],
      [p, 'mobile', `dark 320px ${p.what} ${decodeURI(p.url)}`],
    ]);
    const jobs = queue.slice();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let job = jobs.shift(); job; job = jobs.shift()) {
          const [p, mode, name] = job;
          results.set(name, await checkPage(mode === 'desktop' ? desktop : mobile, server.origin, p, mode));
        }
      }),
    );
    for (const [, , name] of queue) record(name, results.get(name));
    console.log(`browser: ${pages.length} pages × 2 in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    const t3 = Date.now();
    const all = walk(site).filter((f) => f.endsWith('index.html'));
    await reflowEverywhere(browser, server.origin, all);
    console.log(`reflow: ${all.length} pages in ${((Date.now() - t3) / 1000).toFixed(1)} s`);
  } finally {
    await browser.close();
    await server.close();
  }

  (await vnuDone)();

  if (built) rmSync(dirname(site), { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
