// Search on /<municipality>/<lang>/search/, in the browser, over wegweiser's own index
// (src/output/search_index.rs) of the reader's language (/<municipality>/_search/<lang>/)
// and, for readers of a translation, the source language's, in one list where
// source-language results are marked with their language (readers often type the
// German word from a letter). The page works without this
// script: it then says search needs JavaScript and links the topics.
//
// `normalize` is src/output/search_normalize.rs in JavaScript, `words` and
// `arabicBase` are their namesakes in src/output/search_index.rs: the index holds
// normalised words, queries are split and normalised the same way; results show the
// original title and description. Both are checked against
// tests/fixtures/search-normalisation.json (tests/a11y/search.mjs).

const APOSTROPHES = new Set(["'", "\u2019", "\u2018", "\u02BC", "`"]);
const FOLD = new Map([
  ..."٠١٢٣٤٥٦٧٨٩".split("").map((d, i) => [d, String(i)]),
  ..."۰۱۲۳۴۵۶۷۸۹".split("").map((d, i) => [d, String(i)]),
  ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"],
  ["ى", "ي"], ["ی", "ي"],
  ["ک", "ك"],
  ["ة", "ه"],
  ["İ", "i"], ["I", "i"], ["ı", "i"],
  ["і", "i"], ["І", "i"],
]);
const LETTER = /\p{Alphabetic}/u;

function removed(c) {
  const n = c.codePointAt(0);
  return (n >= 0x064b && n <= 0x0655) || n === 0x0670 || n === 0x0640 ||
    n === 0x200c || n === 0x200d || n === 0x00ad;
}

/** `text` as the index stores it: NFKC, letters folded, marks removed, lower case. */
export function normalize(text) {
  const folded = [];
  for (const c of text.normalize("NFKC")) {
    if (!removed(c)) {
      folded.push(FOLD.get(c) ?? c);
    }
  }
  let out = "";
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i];
    if (APOSTROPHES.has(c) && i > 0 && LETTER.test(folded[i - 1]) &&
        i + 1 < folded.length && LETTER.test(folded[i + 1])) {
      continue;
    }
    out += c.toLowerCase();
  }
  return out;
}

/** How many results are shown. */
const LIMIT = 20;
const DEBOUNCE_MS = 250;
/** Results scoring below this share of the best one are left out. */
const CUTOFF = 0.25;
/** What a source-language result's score counts beside the reader's language's. */
const SOURCE = 0.8;
/** Index words one query word may stand for, at most (the best matches). */
const EXPANSIONS = 40;
/** Longer words are not split into parts (search_index.rs: `MAX_COMPOUND`). */
const MAX_COMPOUND = 64;
/** Words of one query searched, at most (questions have about 9). */
const MAX_WORDS = 24;
/** Postings shards one query fetches, at most (each ~16 KB, ~5 KB compressed). */
const SHARDS = 12;
/** How much a match counts, by kind. */
const EXACT = 1;
const INFLECTED = 0.75;
const PART = 0.7;
const CONTAINED = 0.45;
const TYPO = [1, 0.6, 0.4];
const TYPED = 0.5;

/** The index format search.js reads (src/output/search_index.rs, `VERSION`). */
const VERSION = 1;

async function json(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${url}: ${response.status}`);
  }
  return response.json();
}

/** The bundle at `bundle` (a folder URL): its entry and its words, fetched once; the
 *  postings and records files are fetched when a query needs them. */
async function load(bundle) {
  const entry = await json(`${bundle}index.json`);
  if (entry.version !== VERSION) {
    throw new Error(`search index version ${entry.version}, expected ${VERSION}`);
  }
  const words = await json(bundle + entry.terms);
  return {
    bundle,
    entry,
    terms: words.terms,
    lengths: words.terms.map((t) => [...t].length),
    ids: new Map(words.terms.map((t, i) => [t, i])),
    starts: words.shards,
    stop: new Set(entry.stop),
    files: new Map(),
  };
}

function fetched(index, name) {
  if (!index.files.has(name)) {
    const promise = json(index.bundle + name);
    promise.catch(() => index.files.delete(name));
    index.files.set(name, promise);
  }
  return index.files.get(name);
}

/** The words of normalised text, as src/output/search_index.rs `words` splits it. */
export function words(text) {
  return (text.match(/[\p{Alphabetic}\p{M}\p{N}]+/gu) ?? [])
    .filter((w) => [...w].length > 1 || /^\p{N}$/u.test(w));
}

/** `word` without the Arabic article, as `arabic_base` in search_index.rs. */
export function arabicBase(word) {
  for (const prefix of ["وال", "فال", "بال", "كال", "ال", "لل"]) {
    if (word.startsWith(prefix) && [...word.slice(prefix.length)].length >= 3) {
      return word.slice(prefix.length);
    }
  }
  return word;
}

/** Edit distance of `a` and `b` (adjacent swaps count one), or `max + 1` when larger. */
function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) {
    return max + 1;
  }
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) {
      return max + 1;
    }
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

/** The parts of a German compound that are words of the index: the head (without a
 *  linking s, n, en, es) and the tail, as `Compounds::parts` in search_index.rs. */
function parts(index, word) {
  const chars = [...word];
  const known = (w) => index.ids.has(w);
  const head = (h) => {
    if (known(h)) {
      return h;
    }
    for (const link of ["s", "n", "en", "es"]) {
      const base = h.slice(0, -link.length);
      if (h.endsWith(link) && [...base].length >= 4 && known(base)) {
        return base;
      }
    }
    return null;
  };
  let best = null;
  let bestScore = -1;
  for (let split = 4; split <= chars.length - 4; split++) {
    const h = head(chars.slice(0, split).join(""));
    const tail = chars.slice(split).join("");
    const found = [h, known(tail) ? tail : null].filter((p) => p);
    if (found.length) {
      const score = found.length * 1000 + Math.min(...found.map((p) => [...p].length));
      if (score > bestScore) {
        best = found;
        bestScore = score;
      }
    }
  }
  return best ?? [];
}

/** The index words `word` stands for, each with how much a match counts:
 *  the word itself, its inflections (a common beginning, different endings), typos,
 *  for the word being typed the words it begins, and for German the compounds it is
 *  part of and its own parts. */
function expand(index, word, typing) {
  const found = new Map();
  const add = (id, factor) => {
    if (id !== undefined && factor > (found.get(id) ?? 0)) {
      found.set(id, factor);
    }
  };
  add(index.ids.get(word), EXACT);
  const chars = [...word];
  const n = chars.length;
  const maxTypos = n >= 9 ? 2 : n >= 5 ? 1 : 0;
  const compounds = index.entry.compounds;
  index.terms.forEach((term, id) => {
    if (term === word) {
      return;
    }
    const m = index.lengths[id];
    let common = 0;
    const limit = Math.min(word.length, term.length);
    while (common < limit && word[common] === term[common]) {
      common++;
    }
    if (common >= 4 && common >= word.length - 2 && term.length - common <= 3) {
      add(id, INFLECTED);
    }
    if (typing && term.startsWith(word)) {
      add(id, TYPED * Math.sqrt(n / m));
    }
    if (compounds && n >= 4 && m - n >= 3 && (term.endsWith(word) || term.startsWith(word))) {
      add(id, CONTAINED);
    }
    if (maxTypos && Math.abs(m - n) <= maxTypos) {
      const d = distance(chars, [...term], maxTypos);
      if (d <= maxTypos) {
        add(id, TYPO[d]);
      }
    }
  });
  if (compounds && n >= 8 && n <= MAX_COMPOUND && !index.ids.has(word)) {
    for (const p of parts(index, word)) {
      add(index.ids.get(p), PART);
    }
  }
  return [...found.entries()]
    .sort((a, b) => b[1] - a[1] || index.lengths[a[0]] - index.lengths[b[0]])
    .slice(0, EXPANSIONS);
}

/** Records holding index word `id` with their weights: [[record, weight], …]. */
/** The postings shard index word `id` is in. */
function shardOf(index, id) {
  let k = 0;
  while (k + 1 < index.starts.length && index.starts[k + 1] <= id) {
    k++;
  }
  return k;
}

async function postings(index, id) {
  const k = shardOf(index, id);
  const shard = await fetched(index, index.entry.postings[k]);
  const row = shard[id - index.starts[k]];
  const out = [];
  let record = 0;
  for (let i = 0; i < row.length; i += 2) {
    record += row[i];
    out.push([record, row[i + 1]]);
  }
  return out;
}

/** Records ranked for normalised `query`, best first, as [record, score]: every word
 *  optional; a record's score is the sum over the query's words of its best match's
 *  weight (BM25 from the index) times how much the match counts. */
export async function rank(index, query, typing) {
  // As the index: stop words out (unless there is nothing else), then the article.
  // The word being typed stays even if it is a stop word so far ("wo" of "wohnung").
  const all = words(query);
  const last = all.length - 1;
  const meaningful = all.filter((w, i) => !index.stop.has(w) || (typing && i === last));
  const wanted = (meaningful.length ? meaningful : all)
    .map((w) => (index.entry.arabic ? arabicBase(w) : w));
  // A pasted letter is not a question: its first words are searched.
  const unique = [...new Set(wanted)].slice(0, MAX_WORDS);
  const lastTyped = typing && all.length ? wanted[wanted.length - 1] : null;
  // A word's best matches first, each word's own match before anyone's variants: the
  // postings shards fetched are those of the best matches, at most SHARDS of them, so
  // that a question of many words on a large municipality stays a small download.
  const expanded = unique.map((word) => expand(index, word, word === lastTyped));
  const shards = new Set();
  const byFactor = expanded.flatMap((list) => list.map(([id, factor], rank) => [id, factor, rank]))
    .sort((a, b) => a[2] - b[2] || b[1] - a[1]);
  for (const [id] of byFactor) {
    const k = shardOf(index, id);
    if (shards.size < SHARDS || shards.has(k)) {
      shards.add(k);
    }
  }
  const perWord = await Promise.all(expanded.map(async (all) => {
    const best = new Map();
    const expansions = all.filter(([id]) => shards.has(shardOf(index, id)));
    const lists = await Promise.all(expansions.map(([id]) => postings(index, id)));
    expansions.forEach(([, factor], i) => {
      for (const [record, weight] of lists[i]) {
        const score = weight * factor;
        if (score > (best.get(record) ?? 0)) {
          best.set(record, score);
        }
      }
    });
    return best;
  }));
  const scores = new Map();
  for (const best of perWord) {
    for (const [record, score] of best) {
      scores.set(record, (scores.get(record) ?? 0) + score);
    }
  }
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** The data of ranked record `record` (title, URL, description, kind, key). */
async function data(index, record) {
  const per = index.entry.records_per_file;
  const rows = await fetched(index, index.entry.record_files[Math.floor(record / per)]);
  const [url, title, description, kind, key] = rows[record % per];
  return { url, key, meta: { title, description, kind } };
}

/** The results for readers of `reader`'s language: its own records and, for readers of
 *  a translation, the source language's (`original`), in one list by score (a
 *  source-language score counts a little less), so that where the reader's language
 *  finds little, the source language's answer is near the top, marked with its
 *  language. Records far below the best one are left out; a record found in both
 *  languages is shown once, in the reader's. Returns the records shown, in order, as
 *  {url, key, meta, original}, and how many records were found. */
async function find(reader, original, query, typing) {
  const [own, other] = await Promise.all([
    rank(reader, query, typing),
    original ? rank(original, query, typing) : [],
  ]);
  const merged = [
    ...own.map(([r, score]) => [reader, r, score, false]),
    ...other.map(([r, score]) => [original, r, score * SOURCE, true]),
  ].sort((a, b) => b[2] - a[2] || a[3] - b[3] || a[1] - b[1]);
  const best = merged.length ? merged[0][2] : 0;
  const kept = merged.filter(([, , score]) => score >= best * CUTOFF);
  // Twice as many as are shown: room for the records found in both languages.
  const candidates = await Promise.all(kept.slice(0, 2 * LIMIT).map(async ([index, r, , source]) => ({
    ...(await data(index, r)),
    original: source,
  })));
  const inReaders = new Set(candidates.filter((d) => !d.original).map((d) => d.key));
  const unique = candidates.filter((d) => !d.original || !inReaders.has(d.key));
  return {
    total: kept.length - (candidates.length - unique.length),
    shown: unique.slice(0, LIMIT),
  };
}

function item(data, labels, language) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  const heading = document.createElement("p");
  heading.className = "search-result-title";
  heading.append(a);
  if (language) {
    li.lang = language.lang;
    li.dir = language.dir;
    const marker = document.createElement("span");
    marker.className = "search-language";
    marker.textContent = language.marker;
    heading.append(" ", marker);
  }
  const kind = labels[data.meta.kind];
  if (kind) {
    const label = document.createElement("span");
    label.className = "search-kind";
    label.textContent = kind;
    heading.append(" ", label);
  }
  li.append(heading);
  if (data.meta.description) {
    const p = document.createElement("p");
    p.textContent = data.meta.description;
    li.append(p);
  }
  return li;
}

function start() {
  const app = document.getElementById("search-app");
  const input = document.getElementById("search-query");
  if (!app || !input) {
    return;
  }
  const form = input.form;
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const labels = {
    place: app.dataset.kindPlace,
    news: app.dataset.kindNews,
    event: app.dataset.kindEvent,
  };
  // The source language of a translation's search page: its bundle, and how its
  // results are marked.
  const sourceData = document.getElementById("search-source")?.dataset;
  const source = sourceData && {
    bundle: sourceData.bundle,
    lang: sourceData.lang,
    dir: sourceData.dir,
    marker: sourceData.marker,
  };
  document.getElementById("search-nojs")?.setAttribute("hidden", "");
  app.hidden = false;

  // Both bundles load once, on the first search.
  let bundles = null;
  function bundlesLoaded() {
    if (!bundles) {
      bundles = Promise.all([
        load(app.dataset.bundle),
        source ? load(source.bundle) : null,
      ]);
    }
    return bundles;
  }

  let latest = 0;
  // `typing`: the reader is still typing the last word (search while typing), so it
  // may be the beginning of a longer word.
  async function run(raw, typing) {
    const ticket = ++latest;
    const query = normalize(raw.trim());
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = app.dataset.loading;
    let found;
    try {
      const [reader, original] = await bundlesLoaded();
      found = await find(reader, original, query, typing);
    } catch (e) {
      bundles = null;
      if (ticket === latest) {
        status.textContent = app.dataset.error;
      }
      return;
    }
    if (ticket !== latest) {
      return; // a newer query is on its way
    }
    list.replaceChildren(...found.shown.map((d) => item(d, labels, d.original ? source : null)));
    // All matches are counted; the first LIMIT are shown.
    const count = found.total;
    status.textContent = count === 0
      ? app.dataset.none
      : app.dataset.count.replace("{count}", String(count));
  }

  function remember(q) {
    const url = new URL(location.href);
    if (q) {
      url.searchParams.set("q", q);
    } else {
      url.searchParams.delete("q");
    }
    history.replaceState(null, "", url);
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      remember(input.value);
      run(input.value, !/[\s\p{P}]$/u.test(input.value));
    }, DEBOUNCE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value);
    run(input.value, false);
  });

  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    run(q, false);
  }
}

if (typeof document !== "undefined") {
  start();
}
