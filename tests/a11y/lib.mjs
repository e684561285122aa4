// Shared by check.mjs and screenshots.mjs: build the demo portal, serve it on
// 127.0.0.1, start Debian's Chromium through playwright-core.

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');

/** Build the portal at `WEGWEISER_PORTAL` (default content-example/) into a fresh
 *  temporary folder with `WEGWEISER_BIN` (default: `cargo run --release`), with
 *  `extra` build options (such as `--today`); the folder is removed when the process
 *  exits. */
export function buildSite(extra = []) {
  const portal = resolve(REPO, process.env.WEGWEISER_PORTAL || 'content-example');
  const dir = mkdtempSync(join(tmpdir(), 'wegweiser-a11y-'));
  // Removed when the check ends, however it ends (WEGWEISER_KEEP=1 keeps it to look at).
  if (!process.env.WEGWEISER_KEEP) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'site');
  const bin = process.env.WEGWEISER_BIN;
  const [cmd, args] = bin
    ? [resolve(REPO, bin), ['build', portal, '--out', out, '-q', ...extra]]
    : ['cargo', ['run', '--release', '--locked', '--quiet', '--', 'build', portal, '--out', out, '-q', ...extra]];
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status}): ${cmd} ${args.join(' ')}`);
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The rules of the site's `_headers` file (Netlify and Cloudflare Pages format):
 *  [{ path, pattern, headers: [[name, value]] }]; none without the file. A path line
 *  starts at the beginning of a line (`*` matches anything, `:name` one segment); the
 *  indented `Name: value` lines below it are its headers. */
export function readHeaders(root) {
  const file = join(root, '_headers');
  if (!existsSync(file)) return [];
  const rules = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const re = line
        .trim()
        .split(/(\*|:[A-Za-z]\w*)/)
        .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      rules.push({ path: line.trim(), pattern: new RegExp(`^${re}$`), headers: [] });
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0 || rules.length === 0) throw new Error(`_headers: cannot read "${line}"`);
    rules.at(-1).headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

/** The headers `rules` give the URL path `pathname` (percent-encoded, as requested); a
 *  later rule's header replaces an earlier one's, as Netlify does. */
export function headersFor(rules, pathname) {
  const out = {};
  for (const r of rules) if (r.pattern.test(pathname)) for (const [name, value] of r.headers) out[name] = value;
  return out;
}

/** A static file server for `root` on 127.0.0.1 and a free port: folders serve their
 *  index.html, anything missing gets 404.html with status 404. Responses carry the
 *  headers of the site's `_headers` file, as Netlify would send them. */
export async function serve(root) {
  root = resolve(root);
  const rules = readHeaders(root);
  const server = createServer((req, res) => {
    let path;
    let pathname;
    try {
      pathname = new URL(req.url, 'http://x').pathname;
      path = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let status = 200;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      status = 404;
      file = join(root, '404.html');
    }
    res.writeHead(status, {
      'content-type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
      'cache-control': 'no-store',
      ...headersFor(rules, pathname),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Debian's Chromium, headless, quiet: it must not reach out on its own. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Every file below `dir` (relative paths with `/`), sorted. */
export function walk(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** Wait until `condition(arg)`, evaluated in `page`, is truthy; polls every 100 ms.
 *  Unlike Playwright's `page.waitForFunction`, which takes a promise for a truthy value
 *  and so returns at once for an `async` condition, this awaits what the condition
 *  returns: conditions on `caches` and service worker registrations are async. A
 *  navigation while polling is waited out. Returns the truthy value. */
export async function waitUntil(page, condition, arg, { timeout = 15000, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await page.evaluate(condition, arg);
      if (value) return value;
      last = value;
    } catch (e) {
      // The page navigated while the condition ran: try again on the new page.
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}
