// The search evaluation of issue 24 (README.md beside this file): every question of
// questions.json typed into the real search page of content-example/ in headless
// Chromium, and the same questions through MiniSearch configured as Integreat's app
// configures it (the baseline), in one run. Prints recall@1, recall@5, MRR@10 and the
// no-result rate per engine and language, and per tag; writes every question's ranks
// and results to a JSON file; exits 1 when a wegweiser figure is below
// thresholds.json.
//
//   cd tests/a11y && npm ci --ignore-scripts          # playwright-core, minisearch
//   WEGWEISER_BIN=/abs/path/to/wegweiser node tests/search-eval/run.mjs
//
// Options: --limit N (N questions spread over the set; no threshold check),
// --seed S (with --limit: a random sample instead), --verbose (each question's ranks
// and top 3), --navigate (load the search page with ?q= for every question instead of
// typing into the field), --self-test (only the metric checks).
// Environment: WEGWEISER_BIN, WEGWEISER_SITE (a site built already; the binary is
// still needed for `translations`), WEGWEISER_PORTAL, CHROMIUM, SEARCH_EVAL_ONLY=de,en
// (only these languages), SEARCH_EVAL_OUT (the JSON file; default in the temp folder),
// SEARCH_EVAL_TODAY (the build's `--today`; default TODAY below),
// SEARCH_EVAL_QUESTIONS (another question file).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, buildSite, launchChromium, serve, walk } from '../a11y/lib.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** A failure the harness explains itself: printed without a stack trace. */
class Failure extends Error {}

/** The day the site is built for (`build --today`): the day thresholds.json was set. */
const TODAY = '2026-12-07';

// ---------------------------------------------------------------------------------
// Metrics

/** 1-based position of the first of `results` (URL paths, in displayed order) that is
 *  in the set `hits`, or null. A URL shown twice (two links of one result) counts once. */
function rankOf(results, hits) {
  const seen = new Set();
  for (const url of results) {
    if (seen.has(url)) continue;
    seen.add(url);
    if (hits.has(url)) return seen.size;
  }
  return null;
}

/** recall@1, recall@5, MRR@10 and the no-result rate of `rows` ({ rank, count }: the
 *  rank of the expected page or null, the number of results shown). */
function summarize(rows) {
  const n = rows.length;
  const share = (f) => (n ? rows.filter(f).length / n : 0);
  return {
    n,
    r1: share((r) => r.rank !== null && r.rank <= 1),
    r5: share((r) => r.rank !== null && r.rank <= 5),
    mrr10: n ? rows.reduce((s, r) => s + (r.rank !== null && r.rank <= 10 ? 1 / r.rank : 0), 0) / n : 0,
    none: share((r) => r.count === 0),
  };
}

function selfTest() {
  const problems = [];
  const eq = (what, got, want) => {
    const same = typeof got === 'number' && typeof want === 'number' ? Math.abs(got - want) < 1e-12 : got === want;
    if (!same) problems.push(`${what}: ${got}, want ${want}`);
  };
  const s = summarize([
    { rank: 1, count: 5 },
    { rank: 3, count: 4 },
    { rank: null, count: 0 },
    { rank: 6, count: 7 },
    { rank: 11, count: 12 },
  ]);
  eq('n', s.n, 5);
  eq('recall@1', s.r1, 1 / 5);
  eq('recall@5', s.r5, 2 / 5);
  eq('MRR@10', s.mrr10, (1 + 1 / 3 + 1 / 6) / 5); // rank 11 counts 0
  eq('no-result', s.none, 1 / 5);
  const e = summarize([]);
  eq('empty n', e.n, 0);
  eq('empty MRR', e.mrr10, 0);
  eq('rank', rankOf(['/a/', '/b/', '/c/'], new Set(['/c/', '/b/'])), 2);
  eq('rank after a repeated URL', rankOf(['/a/', '/a/', '/b/'], new Set(['/b/'])), 2);
  eq('no rank', rankOf(['/a/'], new Set(['/b/'])), null);
  eq('no results', rankOf([], new Set(['/b/'])), null);
  eq('URL path, percent-encoded', urlPath('/m/uk/%D0%B6%D0%B8%D1%82%D0%BB%D0%BE/'), '/m/uk/житло/');
  eq('URL path of a full URL', urlPath('https://example.org/m/de/a/?q=x#h'), '/m/de/a/');
  if (problems.length) {
    console.error(`self-test failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { limit: 0, seed: null, verbose: false, navigate: false, selfTest: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new Failure(`${a}: a number, please`);
      return Number(v);
    };
    if (a.startsWith('--limit')) opts.limit = value();
    else if (a.startsWith('--seed')) opts.seed = value();
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--navigate') opts.navigate = true;
    else if (a === '--self-test') opts.selfTest = true;
    else throw new Failure(`unknown argument ${a} (see the head of run.mjs)`);
  }
  return opts;
}

/** `n` of `items`: evenly spread, or a seeded random sample. */
function sample(items, n, seed) {
  if (!n || n >= items.length) return items;
  if (seed === null) return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
  let x = seed || 1; // xorshift32
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const chosen = new Set(pool.slice(0, n));
  return items.filter((q) => chosen.has(q));
}

// ---------------------------------------------------------------------------------
// From the expected file to the URLs that count: `wegweiser translations` names every
// page's source file and id, the build's translation dashboard (_status/) gives the
// id's URL in the source language and the URL of every translation file; each URL is
// checked against the built page (it exists, its canonical URL is itself).

function wegweiser(args) {
  const bin = process.env.WEGWEISER_BIN;
  const [cmd, all] = bin
    ? [resolve(REPO, bin), args]
    : ['cargo', ['run', '--release', '--locked', '--quiet', '--', ...args]];
  const r = spawnSync(cmd, all, { cwd: REPO, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Failure(`${cmd} ${all.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const decodeEntities = (s) =>
  s
    .replace(/&#(x[0-9a-f]+|\d+);/gi, (_, n) => String.fromCodePoint(n[0].toLowerCase() === 'x' ? parseInt(n.slice(1), 16) : Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The value of attribute `name` in the tag text `tag` (quoted or not), or null. */
function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}=(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`));
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3]) : null;
}

/** A URL (absolute, or a path; percent-encoded or not) as its decoded path. */
function urlPath(url) {
  const path = new URL(url, 'http://x').pathname;
  try {
    return decodeURIComponent(path).normalize('NFC');
  } catch {
    return path;
  }
}

/** The rows of `<site>/<m>/_status/index.html`'s matrix: id -> { source, files }
 *  (`source` the URL path of the source-language page, `files` translation file ->
 *  URL path). */
function statusRows(site, m) {
  const file = join(site, m, '_status', 'index.html');
  if (!existsSync(file)) throw new Failure(`${file} is missing: the build wrote no translation dashboard for ${m}`);
  const html = readFileSync(file, 'utf8');
  const table = html.match(/<table[^>]*status-matrix[^>]*>([\s\S]*?)<\/table>/);
  if (!table) throw new Failure(`${file}: no table "status-matrix"`);
  const rows = new Map();
  for (const [tr] of table[1].matchAll(/<tr[\s>][\s\S]*?<\/tr>/g)) {
    const th = tr.match(/<th[^>]*scope=("?)row\1[^>]*>([\s\S]*?)<\/th>/);
    if (!th) continue;
    const link = th[2].match(/<a\s[^>]*>/);
    const id = th[2].match(/<small>([^<]*)<\/small>/);
    if (!link || !id) throw new Failure(`${file}: a row without link or id: ${tr.slice(0, 200)}`);
    const files = new Map();
    for (const [a] of tr.matchAll(/<td[^>]*>\s*(<a\s[^>]*>)/g)) {
      const tag = a.match(/<a\s[^>]*>/)[0];
      const f = attr(tag, 'title');
      const href = attr(tag, 'href');
      if (f && href) files.set(f, urlPath(href));
    }
    rows.set(decodeEntities(id[1]), { source: urlPath(attr(link[0], 'href')), files });
  }
  if (rows.size === 0) throw new Failure(`${file}: no rows in the matrix`);
  return rows;
}

/** The built HTML of URL path `path`, or null. */
function builtPage(site, path) {
  const file = join(site, path, 'index.html');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

function canonicalOf(html) {
  const tag = html.match(/<link\s[^>]*rel=("?)canonical\1[^>]*>/);
  return tag ? urlPath(attr(tag[0], 'href')) : null;
}

/** Everything the harness needs from the build: per municipality the source language,
 *  the dashboard rows, and per (id, language) the state and file. */
function readBuild(site, portal, municipalities) {
  const lines = wegweiser(['translations', portal, '--format', 'json']).split('\n').filter((l) => l.trim());
  const entries = lines.map((l) => JSON.parse(l));
  const out = new Map();
  for (const m of municipalities) {
    const mine = entries.filter((e) => e.municipality === m);
    if (!mine.length) throw new Failure(`wegweiser translations lists nothing of ${m}`);
    const bySource = new Map(); // "content/…de.md" -> id
    const state = new Map(); // `${id}\u0000${lang}` -> entry
    for (const e of mine) {
      bySource.set(e.source_file, e.page);
      state.set(`${e.page}\u0000${e.language}`, e);
    }
    out.set(m, { source: mine[0].source_language, bySource, state, rows: statusRows(site, m) });
  }
  return out;
}

/** Every built page below `/<m>/<lang>/` whose canonical URL is `path` (the copies of
 *  an untranslated page that readers of other languages see at their URLs). */
function copiesOf(site, m, lang, path, cache) {
  const key = `${m}/${lang}`;
  if (!cache.has(key)) {
    const byCanonical = new Map();
    const dir = join(site, m, lang);
    for (const f of existsSync(dir) ? walk(dir) : []) {
      if (!f.endsWith('index.html')) continue;
      const c = canonicalOf(readFileSync(join(dir, f), 'utf8'));
      const own = urlPath(`/${m}/${lang}/${f.slice(0, -'index.html'.length)}`);
      if (c && c !== own) byCanonical.set(c, [...(byCanonical.get(c) || []), own]);
    }
    cache.set(key, byCanonical);
  }
  return cache.get(key).get(path) || [];
}

/** For each question: `reader` (the page's URL in its language, or null), `source` (the
 *  source-language page), `hits` (every URL path that counts). Throws naming every
 *  question it cannot map. */
function mapQuestions(questions, build, site) {
  const problems = [];
  const label = (q) => `#${q.n} ${q.municipality}/${q.lang} "${q.question}"`;
  const copies = new Map();
  const checked = new Map();
  const check = (path, why) => {
    if (!checked.has(path)) {
      const html = builtPage(site, path);
      checked.set(path, !html ? 'no built page' : canonicalOf(html) !== path ? `canonical URL ${canonicalOf(html)}` : null);
    }
    return checked.get(path) && `${why} ${path}: ${checked.get(path)}`;
  };
  for (const q of questions) {
    const b = build.get(q.municipality);
    const id = b.bySource.get(`content/${q.expected}`);
    const row = id !== undefined && b.rows.get(id);
    if (!row) {
      problems.push(`${label(q)}: ${q.expected} is ${id === undefined ? 'not a source file `wegweiser translations` lists' : `${id}, not in ${q.municipality}/_status/`}`);
      continue;
    }
    let reader = null;
    if (q.lang === b.source) reader = row.source;
    else {
      const e = b.state.get(`${id}\u0000${q.lang}`);
      if (!e) {
        problems.push(`${label(q)}: no ${q.lang} entry for ${id} in \`wegweiser translations\``);
        continue;
      }
      if (e.state !== 'missing') {
        reader = row.files.get(e.file);
        if (!reader) {
          problems.push(`${label(q)}: ${e.file} (${e.state}) has no URL in ${q.municipality}/_status/`);
          continue;
        }
      }
    }
    const fallback = q.tags.includes('fallback');
    if (fallback === (reader !== null)) {
      problems.push(`${label(q)}: ${fallback ? 'tagged fallback, but the build has a' : 'not tagged fallback, but the build has no'} ${q.lang} text of ${id}`);
      continue;
    }
    const bad = [check(row.source, 'source page'), reader && check(reader, `${q.lang} page`)].filter(Boolean);
    if (bad.length) {
      problems.push(`${label(q)}: ${bad.join('; ')}`);
      continue;
    }
    const hits = new Set([row.source]);
    if (reader) hits.add(reader);
    else for (const c of copiesOf(site, q.municipality, q.lang, row.source, copies)) hits.add(c);
    q.map = { id, reader, source: row.source, hits: [...hits] };
  }
  if (problems.length) {
    throw new Failure(`${problems.length} question(s) cannot be mapped to built pages:\n  ${problems.join('\n  ')}`);
  }
}

// ---------------------------------------------------------------------------------
// The baseline: MiniSearch as Integreat's app configures it.
//
// digitalfabrik/integreat-app, shared/hooks/useSearch.ts at commit
// 7e4010ee537dcdf89ff97c7560e80d296a7f52ca (minisearch "^6.3.0" in shared/package.json
// there; 6.3.0 pinned in tests/a11y/package.json):
//   new MiniSearch({ idField: 'path', fields: ['title', 'content'],
//     storeFields: ['title', 'content', 'path', 'thumbnail'],
//     searchOptions: { boost: { title: 2 }, fuzzy: true, prefix: true } })
//   ... query.length === 0 ? allPossibleResults : minisearch.search(query)
// No tokenize/processTerm (MiniSearch's defaults: split at Unicode spaces and
// punctuation, lower case), no combineWith (OR). Its documents are the region's
// categories except the root, its events and its POIs (formatPossibleSearchResults),
// in the app's language only: here the pages but the start page, the places, and the
// current events with a text of their own in the reader's language (no news: the app
// does not search news), title and text from the built pages.

const MINISEARCH_OPTIONS = {
  idField: 'path',
  fields: ['title', 'content'],
  storeFields: ['title'],
  searchOptions: { boost: { title: 2 }, fuzzy: true, prefix: true },
};

/** MiniSearch from tests/a11y/node_modules, and its version. */
function loadMiniSearch() {
  const require = createRequire(join(REPO, 'tests', 'a11y', 'package.json'));
  let main;
  try {
    main = require.resolve('minisearch');
  } catch {
    throw new Failure('minisearch is missing: cd tests/a11y && npm ci --ignore-scripts');
  }
  const mod = require(main);
  const root = main.slice(0, main.lastIndexOf('node_modules/minisearch/') + 'node_modules/minisearch/'.length);
  return { MiniSearch: mod.default || mod, version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version };
}

/** The URL paths of the documents of `m` in `lang` (see above). */
function baselinePaths(site, b, m, lang) {
  const paths = [];
  const listed = new Map(); // events list page -> the event URLs it links
  for (const [id, row] of b.rows) {
    if (id === '' || id.startsWith('news/')) continue;
    let path;
    if (lang === b.source) path = row.source;
    else {
      const e = b.state.get(`${id}\u0000${lang}`);
      if (!e || e.state === 'missing') continue;
      path = row.files.get(e.file);
      if (!path) throw new Failure(`${e.file} (${e.state}) has no URL in ${m}/_status/`);
    }
    if (id.startsWith('events/')) {
      // Current events are the ones the language's event list links.
      const list = path.replace(/[^/]+\/$/, '');
      if (!listed.has(list)) {
        const html = builtPage(site, list);
        listed.set(list, html && new Set([...html.matchAll(/<a\s[^>]*>/g)].map(([t]) => attr(t, 'href')).filter(Boolean).map(urlPath)));
      }
      if (listed.get(list) && !listed.get(list).has(path)) continue;
    }
    paths.push(path);
  }
  return paths;
}

/** Title (the `h1`) and content (the rest of the `article`) of built pages, read by
 *  Chromium's HTML parser; block elements end with a space so words do not join. */
async function pageTexts(page, htmls) {
  return page.evaluate((htmls) => {
    const parser = new DOMParser();
    return htmls.map((html) => {
      const doc = parser.parseFromString(html, 'text/html');
      const article = doc.querySelector('main article') || doc.querySelector('main');
      const h1 = article.querySelector('h1') || doc.querySelector('h1');
      const title = (h1?.textContent || doc.title).replace(/\s+/g, ' ').trim();
      h1?.remove();
      for (const el of article.querySelectorAll('p,li,dt,dd,td,th,tr,h2,h3,h4,h5,h6,div,br,caption,blockquote,pre')) el.append(' ');
      const content = article.textContent.replace(/\s+/g, ' ').trim();
      return { title, content };
    });
  }, htmls);
}

async function buildBaselines(page, site, build, combos) {
  const { MiniSearch, version } = loadMiniSearch();
  const engines = new Map();
  for (const key of combos) {
    const [m, lang] = key.split('/');
    const paths = baselinePaths(site, build.get(m), m, lang);
    const htmls = paths.map((p) => builtPage(site, p));
    const missing = paths.filter((_, i) => !htmls[i]);
    if (missing.length) throw new Failure(`${key}: no built page at ${missing.join(', ')}`);
    const texts = await pageTexts(page, htmls);
    const docs = paths.map((path, i) => ({ path, ...texts[i] }));
    const ms = new MiniSearch(MINISEARCH_OPTIONS);
    ms.addAll(docs);
    engines.set(key, { ms, docs: docs.length });
  }
  return { engines, version };
}

// ---------------------------------------------------------------------------------
// The search page

/** Both result lists as shown, in the page: the links of `#search-results`, then those
 *  of `#search-source-results` when its section is shown. */
function readLists() {
  const app = document.getElementById('search-app');
  const links = (sel) => [...document.querySelectorAll(sel)].map((a) => ({ href: a.getAttribute('href'), title: a.textContent.trim() }));
  const source = document.getElementById('search-source');
  const sourceShown = !!source && !source.hidden && source.checkVisibility();
  const status = document.getElementById('search-status').textContent;
  return {
    status,
    error: status === app.dataset.error,
    own: links('#search-results a'),
    source: sourceShown ? links('#search-source-results a') : [],
  };
}

/** Ask `q` on the open search page as a reader who pastes it and presses Enter: the
 *  text goes into the field and the form is submitted. (No `input` event: the page's
 *  search-as-you-type timer could then answer late, after the next question.)
 *  Resolves when `#search-status` has changed and holds its final text (not empty,
 *  not the loading text of `data-loading`), with both lists as shown. */
async function typeQuery(page, q, timeout) {
  await page.evaluate(
    ([q, timeout]) =>
      new Promise((done, fail) => {
        const app = document.getElementById('search-app');
        const status = document.getElementById('search-status');
        const input = document.getElementById('search-query');
        const timer = setTimeout(() => {
          observer.disconnect();
          fail(new Error(`no final status after ${timeout} ms (status: "${status.textContent}")`));
        }, timeout);
        const observer = new MutationObserver(() => {
          const t = status.textContent;
          if (t && t !== app.dataset.loading) {
            observer.disconnect();
            clearTimeout(timer);
            done();
          }
        });
        observer.observe(status, { childList: true, characterData: true, subtree: true });
        input.value = q;
        input.form.requestSubmit();
      }),
    [q, timeout],
  );
  return page.evaluate(readLists);
}

/** Open `/<m>/<lang>/search/?q=` for `q` (the page reads `?q=` on load) and wait for
 *  the final status text. */
async function openQuery(page, origin, m, lang, q, timeout) {
  await page.goto(`${origin}/${m}/${lang}/search/?q=${encodeURIComponent(q)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(
    () => {
      const t = document.getElementById('search-status')?.textContent;
      return t && t !== document.getElementById('search-app').dataset.loading;
    },
    null,
    { timeout, polling: 20 },
  );
  return page.evaluate(readLists);
}

// ---------------------------------------------------------------------------------
// Report

const pct = (x) => (x * 100).toFixed(1).padStart(5);
const fig = (x) => x.toFixed(3);

function table(header, rows) {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c < 2 ? String(cell).padEnd(w[c]) : String(cell).padStart(w[c]))).join('  ');
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

function figuresRow(name, group, s) {
  return [name, group, s.n, fig(s.r1), fig(s.r5), fig(s.mrr10), pct(s.none)];
}

const ENGINES = ['wegweiser', 'minisearch'];

// ---------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  selfTest();
  if (opts.selfTest) {
    console.log('self-test: metrics ok');
    return 0;
  }
  const started = Date.now();
  const lap = (() => {
    let t = started;
    return () => {
      const now = Date.now();
      const s = ((now - t) / 1000).toFixed(1);
      t = now;
      return `${s} s`;
    };
  })();

  const questionsFile = resolve(process.env.SEARCH_EVAL_QUESTIONS || join(HERE, 'questions.json'));
  const all = JSON.parse(readFileSync(questionsFile, 'utf8')).map((q, i) => ({ ...q, n: i + 1 }));
  const only = (process.env.SEARCH_EVAL_ONLY || '').split(',').map((s) => s.trim()).filter(Boolean);
  const filtered = only.length ? all.filter((q) => only.includes(q.lang)) : all;
  if (!filtered.length) throw new Failure(`no questions in ${only.join(', ')}`);
  const questions = sample(filtered, opts.limit, opts.seed);
  const partial = questions.length < filtered.length;

  const portal = resolve(REPO, process.env.WEGWEISER_PORTAL || 'content-example');
  // News and events are found while current: the build takes a fixed day as today, so
  // that the figures do not move with the calendar.
  const today = process.env.SEARCH_EVAL_TODAY || TODAY;
  const site = resolve(process.env.WEGWEISER_SITE || buildSite(['--today', today]));
  const buildTime = lap();
  const municipalities = [...new Set(questions.map((q) => q.municipality))];
  const build = readBuild(site, portal, municipalities);
  mapQuestions(questions, build, site);
  const mapTime = lap();

  const server = await serve(site);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
  const pageErrors = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));

  const combos = [...new Set(questions.map((q) => `${q.municipality}/${q.lang}`))];
  const scratch = await context.newPage();
  const { engines: baselines, version: minisearchVersion } = await buildBaselines(scratch, site, build, combos);
  await scratch.close();
  const baselineTime = lap();

  const TIMEOUT = 15000;
  const failures = [];
  let open = null;
  // One search page per municipality and language, its questions typed one after
  // another (the set is ordered by page, the languages interleaved).
  const order = [...questions].sort((a, b) => combos.indexOf(`${a.municipality}/${a.lang}`) - combos.indexOf(`${b.municipality}/${b.lang}`) || a.n - b.n);
  try {
    for (const q of order) {
      const hits = new Set(q.map.hits);
      const combo = `${q.municipality}/${q.lang}`;
      let r;
      const t0 = Date.now();
      try {
        if (opts.navigate || open !== combo) {
          r = await openQuery(page, server.origin, q.municipality, q.lang, q.question, TIMEOUT);
          open = combo;
        } else {
          r = await typeQuery(page, q.question, TIMEOUT);
        }
      } catch (e) {
        failures.push(`#${q.n} "${q.question}": ${e.message.split('\n')[0]}`);
        open = null;
        r = { status: null, error: true, own: [], source: [] };
      }
      if (r.error && r.status !== null) failures.push(`#${q.n} "${q.question}": the page says "${r.status}"`);
      const shown = [...r.own, ...r.source].map((l) => urlPath(l.href));
      q.wegweiser = {
        rank: rankOf(shown, hits),
        count: shown.length,
        ms: Date.now() - t0,
        status: r.status,
        own: r.own.map((l) => ({ url: urlPath(l.href), title: l.title })),
        source: r.source.map((l) => ({ url: urlPath(l.href), title: l.title })),
      };
      const found = baselines.get(combo).ms.search(q.question);
      const ids = found.map((f) => f.id);
      q.minisearch = {
        rank: rankOf(ids, hits),
        count: ids.length,
        top: found.slice(0, 10).map((f) => ({ url: f.id, title: f.title, score: Number(f.score.toFixed(3)) })),
      };
      if (opts.verbose) {
        const top = (list) => list.slice(0, 3).map((x) => `${x.title} <${x.url}>`).join(' | ') || '(none)';
        console.log(`#${q.n} ${q.municipality}/${q.lang} "${q.question}" → ${q.map.hits.join(' or ')}`);
        console.log(`   wegweiser  rank ${q.wegweiser.rank ?? '–'} of ${q.wegweiser.count}: ${top([...q.wegweiser.own, ...q.wegweiser.source])}`);
        console.log(`   minisearch rank ${q.minisearch.rank ?? '–'} of ${q.minisearch.count}: ${top(q.minisearch.top)}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const searchTime = lap();

  // Figures per engine and language, then per tag.
  const langs = [...new Set(questions.map((q) => q.lang))];
  const figures = {};
  const rows = [];
  for (const engine of ENGINES) {
    figures[engine] = {};
    for (const lang of [...langs, 'all']) {
      const qs = questions.filter((q) => lang === 'all' || q.lang === lang);
      figures[engine][lang] = summarize(qs.map((q) => q[engine]));
      rows.push(figuresRow(engine, lang, figures[engine][lang]));
    }
  }
  const header = ['engine', 'lang', 'questions', 'recall@1', 'recall@5', 'MRR@10', 'no-result %'];
  console.log(`\nSearch evaluation: ${questions.length} questions${partial ? ` (a sample of ${filtered.length})` : ''} over ${portal}${process.env.WEGWEISER_SITE ? ` (built: ${site})` : `, built for ${today}`}\n`);
  console.log(table(header, rows));

  const tags = [...new Set(questions.flatMap((q) => q.tags))].sort();
  const tagRows = [];
  figures.tags = {};
  for (const tag of tags) {
    const qs = questions.filter((q) => q.tags.includes(tag));
    const w = summarize(qs.map((q) => q.wegweiser));
    const m = summarize(qs.map((q) => q.minisearch));
    figures.tags[tag] = { wegweiser: w, minisearch: m };
    tagRows.push([tag, '', w.n, fig(w.r1), fig(w.r5), fig(w.mrr10), pct(w.none), fig(m.r5)]);
  }
  console.log(`\nwegweiser per tag (MiniSearch's recall@5 beside it)\n`);
  console.log(table(['tag', '', 'questions', 'recall@1', 'recall@5', 'MRR@10', 'no-result %', 'MiniSearch r@5'], tagRows));

  const docs = [...baselines.entries()].map(([k, v]) => `${k} ${v.docs}`).join(', ');
  console.log(`\nMiniSearch ${minisearchVersion} as integreat-app 7e4010ee configures it; documents: ${docs}`);

  // Thresholds (wegweiser only; not for a sample).
  const thresholds = JSON.parse(readFileSync(join(HERE, 'thresholds.json'), 'utf8'));
  const below = [];
  if (partial) console.log('\nthresholds: not checked (a sample)');
  else {
    for (const lang of langs) {
      const t = thresholds.languages?.[lang];
      const f = figures.wegweiser[lang];
      if (!t) {
        below.push(`${lang}: no thresholds in thresholds.json`);
        continue;
      }
      if (f.r1 < t['recall@1']) below.push(`${lang} recall@1 ${fig(f.r1)} < ${t['recall@1']}`);
      if (f.r5 < t['recall@5']) below.push(`${lang} recall@5 ${fig(f.r5)} < ${t['recall@5']}`);
      if (f.mrr10 < t['mrr@10']) below.push(`${lang} MRR@10 ${fig(f.mrr10)} < ${t['mrr@10']}`);
      if (f.none > t['no-result max']) below.push(`${lang} no-result rate ${fig(f.none)} > ${t['no-result max']}`);
    }
  }

  const out = resolve(process.env.SEARCH_EVAL_OUT || join(tmpdir(), `search-eval-${process.pid}.json`));
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        portal,
        today: process.env.WEGWEISER_SITE ? null : today,
        mode: opts.navigate ? 'navigate' : 'type',
        sample: partial ? { of: filtered.length, limit: opts.limit, seed: opts.seed } : null,
        baseline: { minisearch: minisearchVersion, options: MINISEARCH_OPTIONS, source: 'digitalfabrik/integreat-app shared/hooks/useSearch.ts @ 7e4010ee537dcdf89ff97c7560e80d296a7f52ca' },
        figures,
        questions: questions.map(({ n, municipality, lang, question, expected, tags, map, wegweiser, minisearch }) => ({
          n, municipality, lang, question, expected, tags, hits: map.hits, wegweiser, minisearch,
        })),
      },
      null,
      1,
    ),
  );
  console.log(`\nper-question results: ${out}`);
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s (build ${buildTime}, mapping ${mapTime}, MiniSearch index ${baselineTime}, ${questions.length} questions in Chromium and MiniSearch ${searchTime})`);

  let status = 0;
  if (pageErrors.length) console.log(`\npage errors:\n  ${[...new Set(pageErrors)].join('\n  ')}`);
  if (failures.length) {
    console.log(`\nFAIL: ${failures.length} question(s) got no answer from the search page:\n  ${failures.join('\n  ')}`);
    status = 1;
  }
  if (below.length) {
    console.log(`\nFAIL: below the thresholds of tests/search-eval/thresholds.json:\n  ${below.join('\n  ')}`);
    status = 1;
  } else if (!partial) console.log('\nthresholds: all met');
  return status;
}

main().then(
  (status) => process.exit(status),
  (e) => {
    console.error(e instanceof Failure ? `FAIL: ${e.message}` : e.stack || e);
    process.exit(1);
  },
);
