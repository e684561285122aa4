// Checks tests/search-eval/questions.json, the question set of the search evaluation
// (README.md beside this file): every expected page exists, is the source-language file
// of a page (not a draft, not a dated news item or event) and can be found by a reader of
// the question's language; the language is one of the municipality's; no question is
// there twice; the minimum counts and the shares of keyword queries and typos hold.
//
//   node tests/search-eval/check-questions.mjs [questions.json] [content dir]
//
// Prints the counts per language and municipality. Exits with 1 and a list of the
// problems when there are any. No dependencies.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const questionsFile = process.argv[2] ?? path.join(here, "questions.json");
const content = process.argv[3] ?? path.join(here, "../../content-example/content");

const MIN = { de: 100, en: 100, ar: 50, uk: 50 };
const MIN_TOTAL = 300;
/** Share of short keyword queries and of queries with typos in the whole set. */
const SHARES = { keywords: [0.2, 0.35], typo: [0.08, 0.15] };
/** More questions than this on one page is no longer "spread over the pages". */
const MAX_PER_PAGE = 12;
const FIELDS = ["municipality", "lang", "question", "expected", "why", "tags"];
const TAGS = new Set([
  "question", // a full question, as asked
  "keywords", // a short keyword query
  "typo", // with a typing error (or a letter of the wrong script)
  "compound", // a German compound the page splits, or the reverse
  "colloquial", // an everyday word for the page's official term (Kita/Kindergarten)
  "german-term", // a German word from a letter in a question in another language
  "fallback", // the page has no text in the question's language (see `why`)
]);

const problems = [];
const problem = (i, msg) => problems.push(i === null ? msg : `#${i}: ${msg}`);

/** The top-level string and string-array keys of a small TOML file (before any table). */
function topLevelToml(file) {
  const out = {};
  const text = fs.readFileSync(file, "utf8").replace(/\r\n/g, "\n");
  const re = /^([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/gm;
  const end = text.search(/^\[/m);
  const head = end === -1 ? text : text.slice(0, end);
  for (const m of head.matchAll(re)) {
    const value = m[2];
    out[m[1]] = value.startsWith("[")
      ? [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => s[1])
      : value.slice(1, -1);
  }
  return out;
}

/** `draft` in a Markdown file's front matter (TOML `+++` or YAML `---`). */
function isDraft(file) {
  const text = fs.readFileSync(file, "utf8");
  const m = text.match(/^(\+\+\+|---)\n([\s\S]*?)\n\1/);
  return Boolean(m && /^draft\s*[:=]\s*true\s*$/m.test(m[2]));
}

const municipalities = new Map();
function municipality(name) {
  if (!municipalities.has(name)) {
    const file = path.join(content, name, "municipality.toml");
    municipalities.set(
      name,
      fs.existsSync(file) ? topLevelToml(file) : null,
    );
  }
  return municipalities.get(name);
}

let questions;
try {
  questions = JSON.parse(fs.readFileSync(questionsFile, "utf8"));
} catch (e) {
  console.error(`cannot read ${questionsFile}: ${e.message}`);
  process.exit(1);
}
if (!Array.isArray(questions)) {
  console.error(`${questionsFile}: not an array`);
  process.exit(1);
}

const seen = new Map();
const perPage = new Map();
const counts = {}; // lang -> municipality -> n
const tagCounts = {};

questions.forEach((q, i) => {
  const n = i + 1;
  if (typeof q !== "object" || q === null) {
    problem(n, "not an object");
    return;
  }
  for (const f of FIELDS) {
    if (!(f in q)) problem(n, `missing "${f}"`);
  }
  for (const f of Object.keys(q)) {
    if (!FIELDS.includes(f)) problem(n, `unknown field "${f}"`);
  }
  for (const f of ["municipality", "lang", "question", "expected", "why"]) {
    if (typeof q[f] !== "string" || !q[f].trim()) problem(n, `"${f}" must be a non-empty string`);
  }
  if (!Array.isArray(q.tags)) {
    problem(n, `"tags" must be an array`);
    q.tags = [];
  }
  for (const t of q.tags) {
    if (!TAGS.has(t)) problem(n, `unknown tag "${t}"`);
    tagCounts[t] = (tagCounts[t] ?? 0) + 1;
  }
  if (q.tags.includes("question") === q.tags.includes("keywords")) {
    problem(n, `tags need exactly one of "question" and "keywords"`);
  }
  if (typeof q.question !== "string" || typeof q.expected !== "string") return;

  const key = q.question.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
  if (seen.has(key)) problem(n, `the same question as #${seen.get(key)}: "${q.question}"`);
  else seen.set(key, n);

  const m = municipality(q.municipality);
  if (!m) {
    problem(n, `no municipality "${q.municipality}" (no ${q.municipality}/municipality.toml)`);
    return;
  }
  const languages = m.languages ?? [];
  const source = m.source_language;
  if (!languages.includes(q.lang)) {
    problem(n, `"${q.lang}" is not a language of ${q.municipality} (${languages.join(", ")})`);
  }
  (counts[q.lang] ??= {})[q.municipality] = (counts[q.lang][q.municipality] ?? 0) + 1;

  // The expected page: its source-language file, inside the municipality.
  const expected = q.expected;
  if (path.isAbsolute(expected) || expected.split("/").includes("..")) {
    problem(n, `"${expected}" must be a path relative to content/`);
    return;
  }
  if (!expected.startsWith(`${q.municipality}/`)) {
    problem(n, `"${expected}" is not a page of ${q.municipality}`);
    return;
  }
  const file = path.join(content, expected);
  if (!fs.existsSync(file)) {
    problem(n, `"${expected}" does not exist under ${content}`);
    return;
  }
  const match = expected.match(/^(.*?)(?:\.([a-z]{2,3}(?:-[a-z]+)?))?\.md$/);
  if (!match) {
    problem(n, `"${expected}" is not a Markdown file`);
    return;
  }
  const [, stem, fileLang] = match;
  if (fileLang && fileLang !== source) {
    problem(n, `"${expected}" is a translation: name the source-language file (${source})`);
  }
  const section = stem.split("/")[1];
  if (section === "news" || section === "events") {
    problem(n, `"${expected}" is a ${section} item: it is searchable only while current, name a page or place`);
  }
  if (isDraft(file)) problem(n, `"${expected}" is a draft: it is not built, so not found`);
  perPage.set(expected, (perPage.get(expected) ?? 0) + 1);

  // A reader of q.lang finds the page in their language, or (fallback) in the source
  // language's list; `tags` and `why` must say which.
  const translated =
    q.lang === source || fs.existsSync(path.join(content, `${stem}.${q.lang}.md`));
  const fallback = q.tags.includes("fallback");
  if (!translated && !fallback) {
    problem(n, `"${expected}" has no ${q.lang} translation: tag it "fallback" and say so in "why", or pick another page`);
  }
  if (translated && fallback) {
    problem(n, `tagged "fallback", but "${expected}" has a ${q.lang} text`);
  }
  if (fallback && !/fallback/i.test(q.why)) {
    problem(n, `a fallback question: "why" must say so`);
  }
});

// Counts and shares.
const total = questions.length;
const langTotal = (l) => Object.values(counts[l] ?? {}).reduce((a, b) => a + b, 0);
if (total < MIN_TOTAL) problem(null, `${total} questions, at least ${MIN_TOTAL} wanted`);
for (const [l, min] of Object.entries(MIN)) {
  if (langTotal(l) < min) problem(null, `${langTotal(l)} questions in ${l}, at least ${min} wanted`);
}
for (const [tag, [lo, hi]] of Object.entries(SHARES)) {
  const share = (tagCounts[tag] ?? 0) / Math.max(total, 1);
  if (share < lo || share > hi) {
    problem(null, `"${tag}": ${(share * 100).toFixed(1)} % of the questions, ${lo * 100}–${hi * 100} % wanted`);
  }
}
for (const [page, count] of perPage) {
  if (count > MAX_PER_PAGE) problem(null, `${count} questions on ${page}, at most ${MAX_PER_PAGE}`);
}

// The table.
const names = [...municipalities.keys()].filter((k) => municipalities.get(k));
const langs = Object.keys(counts).sort((a, b) => langTotal(b) - langTotal(a));
const rows = [["lang", ...names, "all"]];
for (const l of langs) {
  rows.push([l, ...names.map((m) => String(counts[l][m] ?? 0)), String(langTotal(l))]);
}
rows.push([
  "all",
  ...names.map((m) => String(langs.reduce((a, l) => a + (counts[l][m] ?? 0), 0))),
  String(total),
]);
const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) {
  console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(width[c]) : cell.padStart(width[c]))).join("  "));
}
console.log(
  `\npages: ${perPage.size}; tags: ` +
    [...TAGS].map((t) => `${t} ${tagCounts[t] ?? 0} (${(((tagCounts[t] ?? 0) / Math.max(total, 1)) * 100).toFixed(0)} %)`).join(", "),
);

if (problems.length) {
  console.error(`\n${problems.length} problem${problems.length === 1 ? "" : "s"} in ${questionsFile}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log("\nquestions.json: no problems");
