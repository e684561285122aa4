// Search on /<municipality>/<lang>/search/, in the browser: Pagefind's index of the
// reader's language (/<municipality>/_search/<lang>/) and, for readers of a translation,
// the source language's as a second, labelled list (readers often type the German word
// from a letter). The page works without this script: it then says search needs
// JavaScript and links the topics.
//
// `normalize` is src/search/normalize.rs in JavaScript: the index holds normalised text,
// queries are normalised the same way, results show the original title and description
// (Pagefind's metadata), never the normalised excerpt. Both are checked against
// tests/fixtures/search-normalisation.json (tests/a11y/search.mjs).

const APOSTROPHES = new Set(["'", "\u2019", "\u2018", "\u02BC", "`"]);
const FOLD = new Map([
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

/** How many results of each bundle are shown. */
const LIMIT = 20;
const DEBOUNCE_MS = 250;

/** Pagefind over the bundle at `bundle`. Each bundle's own `pagefind.js` (a module of
 *  its own, with its own web worker): one Pagefind module cannot hold two languages'
 *  WebAssembly at once (Pagefind 1.6 fails with "memory access out of bounds"). */
async function load(bundle) {
  const pagefind = await import(`${bundle}pagefind.js`);
  // The records' URLs are complete paths already.
  await pagefind.options({ basePath: bundle, baseUrl: "/", excerptLength: 0 });
  await pagefind.init();
  return pagefind;
}

/** The first results' data (title, URL, description) and how many there are. */
async function find(pagefind, query) {
  const search = await pagefind.search(query);
  if (!search || !search.results) {
    return { total: 0, shown: [] };
  }
  const shown = await Promise.all(search.results.slice(0, LIMIT).map((r) => r.data()));
  return { total: search.results.length, shown };
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
  const source = document.getElementById("search-source");
  const sourceList = document.getElementById("search-source-results");
  const labels = {
    place: app.dataset.kindPlace,
    news: app.dataset.kindNews,
    event: app.dataset.kindEvent,
  };
  const language = source && {
    lang: source.dataset.lang, dir: source.dataset.dir, marker: source.dataset.marker,
  };
  document.getElementById("search-nojs")?.setAttribute("hidden", "");
  app.hidden = false;

  // Both bundles load once, on the first search.
  let bundles = null;
  function bundlesLoaded() {
    if (!bundles) {
      bundles = Promise.all([
        load(app.dataset.bundle),
        source ? load(source.dataset.bundle) : null,
      ]);
    }
    return bundles;
  }

  let latest = 0;
  async function run(raw) {
    const ticket = ++latest;
    const query = normalize(raw.trim());
    if (!query) {
      list.replaceChildren();
      if (source) {
        source.hidden = true;
        sourceList.replaceChildren();
      }
      status.textContent = "";
      return;
    }
    status.textContent = app.dataset.loading;
    let own, other;
    try {
      const [reader, original] = await bundlesLoaded();
      [own, other] = await Promise.all([
        find(reader, query),
        original ? find(original, query) : { total: 0, shown: [] },
      ]);
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
    list.replaceChildren(...own.shown.map((d) => item(d, labels, null)));
    if (source) {
      sourceList.replaceChildren(...other.shown.map((d) => item(d, labels, language)));
      source.hidden = other.total === 0;
    }
    // All matches are counted; the first LIMIT of each list are shown.
    const count = own.total + other.total;
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
      run(input.value);
    }, DEBOUNCE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value);
    run(input.value);
  });

  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    run(q);
  }
}

if (typeof document !== "undefined") {
  start();
}
