// Screenshots of pages of the demo portal, for a person to look at.
//
//   node screenshots.mjs [OUT_DIR] [URL_PATH…]
//
// OUT_DIR defaults to /tmp/shots. Without paths: a German, an Arabic and a Ukrainian
// page of Musterstadt. Each at 375 px and 1280 px (full page), light mode; set
// SCHEME=dark for dark mode; PARTS=1 also writes screen-high slices; WIDTHS=640 for
// other widths (640 px = 1280 px at 200 % zoom).
// Same environment as check.mjs (WEGWEISER_BIN, WEGWEISER_PORTAL, WEGWEISER_SITE).

import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSite, launchChromium, serve } from './lib.mjs';

const [outDir = '/tmp/shots', ...paths] = process.argv.slice(2);
const defaults = [
  '/musterstadt/de/notfall/',
  '/musterstadt/ar/الطوارئ/',
  '/musterstadt/uk/екстрена-допомога/',
];
const site = process.env.WEGWEISER_SITE || buildSite();
mkdirSync(outDir, { recursive: true });
const server = await serve(site);
const browser = await launchChromium();
try {
  for (const width of (process.env.WIDTHS || '375,1280').split(',').map(Number)) {
    const context = await browser.newContext({
      viewport: { width, height: width < 600 ? 800 : 900 },
      colorScheme: process.env.SCHEME === 'dark' ? 'dark' : 'light',
    });
    const page = await context.newPage();
    for (const path of paths.length ? paths : defaults) {
      await page.goto(server.origin + encodeURI(path));
      const name = decodeURI(path).split('/').filter(Boolean).join('_').replace(/[^\p{L}\p{N}_-]/gu, '') || 'index';
      const file = join(outDir, `${name}-${width}${process.env.SCHEME === 'dark' ? '-dark' : ''}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
      if (process.env.PARTS) {
        // Also in screen-high slices, easier to look at than one long image.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        const step = width < 600 ? 700 : 900;
        for (let y = 0, i = 1; y < height; y += step, i++) {
          const part = file.replace(/\.png$/, `.part${i}.png`);
          await page.screenshot({ path: part, fullPage: true, clip: { x: 0, y, width, height: Math.min(step, height - y) } });
        }
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  if (!process.env.WEGWEISER_SITE) rmSync(dirname(site), { recursive: true, force: true });
}
