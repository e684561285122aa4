//! Search on the fixture portal `tests/fixtures/search/` (Suchstadt: German source,
//! Arabic, Persian, Turkish, Ukrainian; built on 2026-11-25): one bundle of wegweiser's
//! own index (`src/output/search_index.rs`) per municipality and language and nowhere
//! else, what each bundle holds (read back from its files as search.js reads them:
//! normalised words without stop words, German compounds, title above body, original
//! titles in the records), the search page in every language, the header form,
//! determinism, and the reserved `search` folder.
//! The queries themselves run in Chromium: tests/a11y/search.mjs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::{attr, copy_fixture, fixture, select, text, tree};
use scraper::Html;
use serde_json::Value;
use wegweiser::base::diagnostics::Diagnostics;
use wegweiser::build::pipeline::{BuildOptions, build, load_site};
use wegweiser::output::fingerprint;
use wegweiser::output::search::{self, Kind};
use wegweiser::output::search_index::{self, arabic_base, stop_words, words};
use wegweiser::output::search_normalize::normalize;
use wegweiser::render::NoProgress;

const LANGUAGES: [&str; 5] = ["de", "ar", "fa", "tr", "uk"];

fn options(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        minify: Some(false),
        write: true,
        today: Some("2026-11-25".parse().unwrap()),
        ..Default::default()
    }
}

fn build_site(out: &Path) {
    build_site_on(out, None);
}

/// With `jobs` threads (`--jobs`), or one per core.
fn build_site_on(out: &Path, jobs: Option<usize>) {
    build_root(&fixture("search"), out, jobs);
}

/// Builds the portal at `root` into `out`, panicking with the problems if it fails.
fn build_root(root: &Path, out: &Path, jobs: Option<usize>) {
    let options = BuildOptions {
        jobs,
        ..options(root, out)
    };
    if let Err(f) = build(&options, &NoProgress) {
        let shown: Vec<String> = f.diagnostics.iter().map(ToString::to_string).collect();
        panic!("build failed:\n{}", shown.join("\n"));
    }
}

fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel).join("index.html");
    Html::parse_document(
        &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

fn json(path: &Path) -> Value {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The entry (`index.json`) of the bundle in folder `bundle`.
fn entry(bundle: &Path) -> Value {
    json(&bundle.join(search_index::ENTRY))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The records of one bundle in the order of their numbers, from its records files:
/// `[url, title, description, kind]`.
fn rows(bundle: &Path) -> Vec<[String; 4]> {
    let entry = entry(bundle);
    let per = entry["records_per_file"].as_u64().unwrap() as usize;
    let files = strings(&entry["record_files"]);
    let mut out = Vec::new();
    for (k, name) in files.iter().enumerate() {
        let file = json(&bundle.join(name));
        let file = file.as_array().unwrap();
        // Record `r` is row `r % per` of file `r / per`, as search.js finds it.
        if k + 1 < files.len() {
            assert_eq!(file.len(), per, "{name}");
        } else {
            assert!((1..=per).contains(&file.len()), "{name}");
        }
        for row in file {
            let s = |i: usize| row[i].as_str().unwrap().to_string();
            assert_eq!(row.as_array().unwrap().len(), 5, "{row}");
            // The key names the record in every language: `page/12`, `place/3`.
            let key = s(4);
            let (kind, number) = key.split_once('/').unwrap();
            assert_eq!(kind, s(3), "{row}");
            assert!(number.parse::<usize>().is_ok(), "{row}");
            out.push([s(0), s(1), s(2), s(3)]);
        }
    }
    assert_eq!(out.len() as u64, entry["records"].as_u64().unwrap());
    out
}

/// The records of one bundle as its records files hold them, each once:
/// url → (title, description, kind).
fn stored(bundle: &Path) -> BTreeMap<String, (String, String, String)> {
    let rows = rows(bundle);
    let count = rows.len();
    let out: BTreeMap<_, _> = rows
        .into_iter()
        .map(|[url, title, description, kind]| (url, (title, description, kind)))
        .collect();
    assert_eq!(out.len(), count, "a record twice: {:?}", out.keys());
    out
}

/// The words of one bundle's terms file, in its order.
fn terms(bundle: &Path) -> Vec<String> {
    let entry = entry(bundle);
    strings(&json(&bundle.join(entry["terms"].as_str().unwrap()))["terms"])
}

/// The records holding the normalised `word` with its weight there: url → weight.
/// Decoded as search.js does: the word's number in the terms file, the postings shard
/// whose start is the last at or before it, the word's row there, records as
/// differences to the previous one.
fn holding(bundle: &Path, word: &str) -> BTreeMap<String, u64> {
    let entry = entry(bundle);
    let terms = json(&bundle.join(entry["terms"].as_str().unwrap()));
    let Some(id) = strings(&terms["terms"]).iter().position(|t| t == word) else {
        return BTreeMap::new();
    };
    let starts: Vec<usize> = terms["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap() as usize)
        .collect();
    let mut k = 0;
    while k + 1 < starts.len() && starts[k + 1] <= id {
        k += 1;
    }
    let shard = json(&bundle.join(entry["postings"][k].as_str().unwrap()));
    let row = shard[id - starts[k]].as_array().unwrap();
    assert!(
        !row.is_empty() && row.len().is_multiple_of(2),
        "{word}: {row:?}"
    );
    let records = rows(bundle);
    let mut out = BTreeMap::new();
    let mut record = 0;
    for (i, pair) in row.chunks(2).enumerate() {
        let delta = pair[0].as_u64().unwrap() as usize;
        assert!(i == 0 || delta > 0, "{word}: records in order, each once");
        record += delta;
        let weight = pair[1].as_u64().unwrap();
        assert!(weight > 0, "{word}");
        out.insert(records[record][0].clone(), weight);
    }
    out
}

/// The urls of `found`, sorted.
fn urls(found: &BTreeMap<String, u64>) -> Vec<&str> {
    found.keys().map(String::as_str).collect()
}

#[test]
fn one_bundle_per_language_and_nowhere_else() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let files = tree(tmp.path());
    let entries: Vec<&String> = files
        .keys()
        .filter(|f| f.contains("/_search/") && f.ends_with("/index.json"))
        .collect();
    let mut want: Vec<String> = LANGUAGES
        .iter()
        .map(|l| format!("stadt/_search/{l}/index.json"))
        .collect();
    want.sort();
    assert_eq!(
        entries,
        want.iter().collect::<Vec<_>>(),
        "bundles: {entries:?}"
    );

    // Every file of a bundle is named in its entry, by its content; nothing else is
    // in the bundle's folder.
    let mut named = BTreeSet::new();
    for lang in LANGUAGES {
        let dir = format!("stadt/_search/{lang}");
        let entry: Value = serde_json::from_slice(&files[&format!("{dir}/index.json")]).unwrap();
        assert_eq!(entry["version"], search_index::VERSION, "{entry}");
        assert_eq!(entry["lang"], lang);
        // The Arabic article and German compounds only where the language has them.
        assert_eq!(entry["arabic"], lang == "ar", "{entry}");
        assert_eq!(entry["compounds"], lang == "de", "{entry}");
        let per = entry["records_per_file"].as_u64().unwrap() as usize;
        let records = entry["records"].as_u64().unwrap() as usize;
        assert!(records > 0 && per > 0, "{entry}");
        let record_files = strings(&entry["record_files"]);
        assert_eq!(record_files.len(), records.div_ceil(per), "{entry}");
        let postings = strings(&entry["postings"]);
        assert!(!postings.is_empty(), "{entry}");

        let mut names = vec![(
            "terms".to_string(),
            entry["terms"].as_str().unwrap().to_string(),
        )];
        names.extend(
            postings
                .iter()
                .enumerate()
                .map(|(k, n)| (format!("postings{k}"), n.clone())),
        );
        names.extend(
            record_files
                .iter()
                .enumerate()
                .map(|(k, n)| (format!("records{k}"), n.clone())),
        );
        for (stem, name) in &names {
            let path = format!("{dir}/{name}");
            let content = files
                .get(&path)
                .unwrap_or_else(|| panic!("{path}: named in the entry, not written"));
            let hash = fingerprint::hash(content);
            assert_eq!(name, &format!("{stem}.{}.json", &hash[..12]), "{lang}");
            assert!(named.insert(path));
        }
        named.insert(format!("{dir}/index.json"));

        // The shards cover the words in order, one row per word.
        let terms_file: Value =
            serde_json::from_slice(&files[&format!("{dir}/{}", names[0].1)]).unwrap();
        let word_count = terms_file["terms"].as_array().unwrap().len();
        let mut starts: Vec<usize> = terms_file["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(starts.len(), postings.len(), "{lang}");
        assert_eq!(starts[0], 0, "{lang}");
        starts.push(word_count);
        for (k, name) in postings.iter().enumerate() {
            let shard: Value = serde_json::from_slice(&files[&format!("{dir}/{name}")]).unwrap();
            assert_eq!(
                shard.as_array().unwrap().len(),
                starts[k + 1] - starts[k],
                "{name}"
            );
        }
    }
    for f in files.keys() {
        if f.split('/').any(|s| s == "_search") {
            assert!(named.contains(f), "{f}: not a file of a bundle's entry");
        }
        let name = f.rsplit('/').next().unwrap();
        if ["terms.", "postings", "records"]
            .iter()
            .any(|s| name.starts_with(s))
            && name.ends_with(".json")
        {
            assert!(named.contains(f), "{f} outside the bundles");
        }
        // Pagefind is gone, with its WebAssembly.
        assert!(!f.contains("pagefind") && !f.ends_with(".wasm"), "{f}");
    }
}

#[test]
fn each_language_finds_its_own_texts_only() {
    let mut diagnostics = Diagnostics::default();
    let (site, _) = load_site(
        &options(&fixture("search"), Path::new("/nonexistent")),
        &mut diagnostics,
    )
    .expect("the fixture loads");
    let m = &site.municipalities[0];
    let lang = |code: &str| m.language_index(code).unwrap();
    let urls = |code: &str| -> Vec<(Kind, String)> {
        search::records(m, lang(code))
            .into_iter()
            .map(|r| (r.kind, r.url))
            .collect()
    };
    assert_eq!(
        urls("de"),
        [
            (Kind::Page, "/stadt/de/".to_string()),
            (Kind::Page, "/stadt/de/ankommen/".to_string()),
            (Kind::Page, "/stadt/de/ankommen/anmeldung/".to_string()),
            (Kind::Page, "/stadt/de/ankommen/aufenthalt/".to_string()),
            (Kind::Place, "/stadt/de/places/buergerbuero/".to_string()),
            // The expired news item is not found.
            (Kind::News, "/stadt/de/news/sprachkurs/".to_string()),
        ]
    );
    // Arabic: its own texts. Not the German-only pages that Arabic readers are shown as
    // fallback at Arabic URLs (they are in the German bundle, once), not the news
    // item that has no Arabic text.
    assert_eq!(
        urls("ar"),
        [
            (Kind::Page, "/stadt/ar/".to_string()),
            (Kind::Page, "/stadt/ar/ankommen/aufenthalt/".to_string()),
            (Kind::Place, "/stadt/ar/places/buergerbuero/".to_string()),
        ]
    );
    let ankommen = m.keys["ankommen/anmeldung"];
    assert!(
        m.pages[ankommen].localized[lang("ar")].is_some(),
        "the fixture shows the German page at an Arabic URL"
    );

    // Descriptions: from front matter, else the first paragraph; original text.
    let de = search::records(m, lang("de"));
    let anmeldung = de.iter().find(|r| r.url.ends_with("/anmeldung/")).unwrap();
    assert_eq!(anmeldung.title, "Anmeldung der Wohnung");
    assert_eq!(
        anmeldung.description,
        "Die Anmeldung machen Sie im Bürgerbüro innerhalb von zwei Wochen."
    );
    assert!(anmeldung.text.contains("Wohnungsgeberbestätigung"));
    let place = de.iter().find(|r| r.kind == Kind::Place).unwrap();
    assert_eq!(place.description, "Anmeldung, Pässe und Ausweise");
    let ar = search::records(m, lang("ar"));
    assert_eq!(ar[1].title, "تصريح الإقامة");
    assert!(ar[1].description.contains("تُجدِّد"), "{}", ar[1].description);
}

#[test]
fn bundles_hold_normalised_words_and_original_titles() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let dir = |l: &str| tmp.path().join(format!("stadt/_search/{l}"));

    // Every bundle: its own language's records only, its words normalised, one word
    // each, as search.js splits queries.
    for lang in LANGUAGES {
        for url in stored(&dir(lang)).keys() {
            assert!(url.starts_with(&format!("/stadt/{lang}/")), "{lang}: {url}");
        }
        let terms = terms(&dir(lang));
        assert!(terms.is_sorted(), "{lang}");
        for t in &terms {
            assert_eq!(&normalize(t), t, "{lang}: not normalised");
            assert_eq!(words(t).collect::<Vec<_>>(), [t.as_str()], "{lang}");
        }
    }

    let ar = dir("ar");
    let records = stored(&ar);
    assert_eq!(records.len(), 3, "{records:?}");
    let aufenthalt = "/stadt/ar/ankommen/aufenthalt/";
    let (title, description, kind) = &records[aufenthalt];
    assert_eq!(title, "تصريح الإقامة", "the title shown is the original");
    assert!(description.contains("تُجدِّد"), "{description}");
    assert_eq!(kind, "page");
    // "الإقامة": alef with hamza folded, teh marbuta folded, the article removed.
    assert_eq!(urls(&holding(&ar, "اقامه")), [aufenthalt]);
    for written in ["الإقامة", "الاقامه", "إقامة", "اقامة"] {
        assert!(
            holding(&ar, written).is_empty(),
            "{written} indexed as written"
        );
    }
    assert_eq!(urls(&holding(&ar, "تصريح")), [aufenthalt]);
    // "تُجدِّد": diacritics removed; "الأجانب": alef folded, article removed.
    assert_eq!(urls(&holding(&ar, "تجدد")), [aufenthalt]);
    assert_eq!(urls(&holding(&ar, "اجانب")), [aufenthalt]);
    for t in terms(&ar) {
        assert!(
            !t.chars().any(|c| ('\u{064B}'..='\u{0655}').contains(&c)),
            "diacritics removed: {t}"
        );
        assert!(!t.contains(['إ', 'أ', 'ة']), "folded: {t}");
        assert_eq!(arabic_base(&t), t, "the article removed");
    }
    // The German page that Arabic readers are shown as fallback is not in it.
    assert!(!records.contains_key("/stadt/ar/ankommen/anmeldung/"));
    assert!(holding(&ar, "wohnungsgeberbestätigung").is_empty());
    assert!(holding(&ar, "anmeldung").is_empty());

    let fa = dir("fa");
    let aufenthalt = "/stadt/fa/ankommen/aufenthalt/";
    assert_eq!(stored(&fa)[aufenthalt].0, "اجازه اقامت");
    assert_eq!(urls(&holding(&fa, "ثبتنام")), [aufenthalt], "ZWNJ removed");
    assert_eq!(urls(&holding(&fa, "پزشك")), [aufenthalt], "keheh folded");
    assert!(holding(&fa, "پزشک").is_empty());

    let tr = dir("tr");
    let aufenthalt = "/stadt/tr/ankommen/aufenthalt/";
    assert_eq!(stored(&tr)[aufenthalt].0, "İkamet izni");
    assert_eq!(urls(&holding(&tr, "ikamet")), [aufenthalt]);
    assert_eq!(urls(&holding(&tr, "izni")), [aufenthalt]);

    let uk = dir("uk");
    let aufenthalt = "/stadt/uk/ankommen/aufenthalt/";
    assert_eq!(stored(&uk)[aufenthalt].0, "Дозвіл на проживання");
    // "ім’я": the apostrophe removed, Ukrainian і as the Latin i Russian keyboards type.
    assert_eq!(
        urls(&holding(&uk, "iмя")),
        [aufenthalt],
        "apostrophe removed"
    );
    assert_eq!(urls(&holding(&uk, "обовязкової")), [aufenthalt]);
    assert_eq!(urls(&holding(&uk, "дозвiл")), [aufenthalt]);

    // German: everything with a German text, each once, with its kind and description.
    let de = dir("de");
    let records = stored(&de);
    assert_eq!(records.len(), 6, "{:?}", records.keys());
    assert_eq!(records["/stadt/de/places/buergerbuero/"].2, "place");
    assert_eq!(
        records["/stadt/de/places/buergerbuero/"].1,
        "Anmeldung, Pässe und Ausweise"
    );
    assert_eq!(records["/stadt/de/news/sprachkurs/"].2, "news");
    let anmeldung = "/stadt/de/ankommen/anmeldung/";
    assert_eq!(
        records[anmeldung],
        (
            "Anmeldung der Wohnung".to_string(),
            "Die Anmeldung machen Sie im Bürgerbüro innerhalb von zwei Wochen.".to_string(),
            "page".to_string()
        )
    );
    assert_eq!(urls(&holding(&de, "wohnungsgeberbestätigung")), [anmeldung]);
    // The expired news item is not.
    assert!(holding(&de, "sommerfest").is_empty());
}

#[test]
fn stop_words_are_not_indexed() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    for lang in LANGUAGES {
        let dir = tmp.path().join(format!("stadt/_search/{lang}"));
        // The entry has the language's stop words normalised, for queries.
        let stop = strings(&entry(&dir)["stop"]);
        let want: BTreeSet<String> = stop_words(lang).iter().map(|w| normalize(w)).collect();
        assert!(!want.is_empty(), "{lang}");
        assert_eq!(stop, want.into_iter().collect::<Vec<_>>(), "{lang}");
        let terms: BTreeSet<String> = terms(&dir).into_iter().collect();
        for w in &stop {
            assert!(!terms.contains(w), "{lang}: stop word {w} indexed");
        }
    }
    // Stop words the fixture's texts use, and a word beside them that is indexed.
    for (lang, used, meaningful) in [
        (
            "de",
            &["die", "der", "sie", "im", "von", "mit"][..],
            "wochen",
        ),
        ("ar", &["هنا", "كل", "ما", "عند"][..], "تحتاجه"),
        ("fa", &["برای", "و", "به", "را", "هم"][..], "اداره"),
        ("tr", &["için", "her"][..], "burada"),
        ("uk", &["тут", "ви", "для", "на", "та", "до"][..], "паспорт"),
    ] {
        let dir = tmp.path().join(format!("stadt/_search/{lang}"));
        for w in used {
            assert!(holding(&dir, &normalize(w)).is_empty(), "{lang}: {w}");
        }
        assert!(
            !holding(&dir, meaningful).is_empty(),
            "{lang}: {meaningful}"
        );
    }
    // Stop words are stored as queries are normalised: Arabic "إلى" as "الي".
    let ar = strings(&entry(&tmp.path().join("stadt/_search/ar"))["stop"]);
    assert!(ar.contains(&"الي".to_string()), "{ar:?}");
    assert!(!ar.iter().any(|w| w.contains(['إ', 'ى'])), "{ar:?}");
}

#[test]
fn german_compounds_are_found_by_their_parts() {
    let (_tmp, root) = copy_fixture("search");
    let dir = root.join("content/stadt/ankommen");
    // "Beratung" and "Stelle" on their own on one page, the compound on another;
    // "Familienzentrum" has no part that the municipality's texts use on its own.
    fs::write(
        dir.join("beratung.de.md"),
        "+++\ntitle = \"Beratung\"\n+++\nBeratung bekommen Sie an jeder Stelle der Stadt.\n",
    )
    .unwrap();
    fs::write(
        dir.join("hilfe.de.md"),
        "+++\ntitle = \"Hilfe\"\n+++\nDie Beratungsstelle im Familienzentrum hilft weiter.\n",
    )
    .unwrap();
    let out = root.join("public");
    build_root(&root, &out, None);
    let de = out.join("stadt/_search/de");
    let beratung = "/stadt/de/ankommen/beratung/";
    let hilfe = "/stadt/de/ankommen/hilfe/";

    assert_eq!(urls(&holding(&de, "beratungsstelle")), [hilfe]);
    assert_eq!(urls(&holding(&de, "beratung")), [beratung, hilfe]);
    assert_eq!(urls(&holding(&de, "stelle")), [beratung, hilfe]);
    // No dictionary: parts that are no words of their own are not indexed.
    assert_eq!(urls(&holding(&de, "familienzentrum")), [hilfe]);
    for part in ["familien", "familie", "zentrum"] {
        assert!(holding(&de, part).is_empty(), "{part}");
    }
    // The entry tells search.js to split queries' compounds too.
    assert_eq!(entry(&de)["compounds"], true);
}

#[test]
fn titles_weigh_more_than_bodies() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let de = tmp.path().join("stadt/_search/de");
    // (word, the record with it in its title, records with it only in their text)
    for (word, title, body) in [
        (
            "anmeldung",
            "/stadt/de/ankommen/anmeldung/",
            &[
                "/stadt/de/news/sprachkurs/",
                "/stadt/de/places/buergerbuero/",
            ][..],
        ),
        (
            "bürgerbüro",
            "/stadt/de/places/buergerbuero/",
            &[
                "/stadt/de/ankommen/anmeldung/",
                "/stadt/de/news/sprachkurs/",
            ][..],
        ),
    ] {
        let found = holding(&de, word);
        assert_eq!(found.len(), body.len() + 1, "{word}: {found:?}");
        for url in body {
            assert!(found[title] > found[*url], "{word}: {found:?}");
        }
    }
}

#[test]
fn the_search_page_in_every_language() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    for lang in LANGUAGES {
        let doc = page(tmp.path(), &format!("stadt/{lang}/search"));
        let dir = if matches!(lang, "ar" | "fa") {
            "rtl"
        } else {
            "ltr"
        };
        assert_eq!(attr(&doc, "html", "lang").as_deref(), Some(lang));
        assert_eq!(attr(&doc, "html", "dir").as_deref(), Some(dir));
        // Without JavaScript: what search needs, and the topics.
        assert!(
            text(&doc, "#search-nojs p").contains("JavaScript"),
            "{lang}"
        );
        let links: Vec<String> = select(&doc, "#search-nojs a")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        assert!(
            links.contains(&format!("/stadt/{lang}/")),
            "{lang}: {links:?}"
        );
        assert!(
            links
                .iter()
                .any(|l| l.starts_with(&format!("/stadt/{lang}/")) && l.len() > 8 + lang.len()),
            "{lang}: {links:?}"
        );
        // The form: a labelled search field that submits ?q= to this page.
        assert_eq!(
            attr(&doc, "form.search-form", "action"),
            Some(format!("/stadt/{lang}/search/"))
        );
        assert_eq!(
            attr(&doc, "form.search-form", "role").as_deref(),
            Some("search")
        );
        assert_eq!(
            attr(&doc, "#search-query", "type").as_deref(),
            Some("search")
        );
        assert_eq!(attr(&doc, "#search-query", "name").as_deref(), Some("q"));
        assert_eq!(select(&doc, "label[for=search-query]").len(), 1);
        assert_eq!(
            attr(&doc, "#search-status", "aria-live").as_deref(),
            Some("polite")
        );
        assert_eq!(
            attr(&doc, "#search-app", "data-bundle"),
            Some(format!("/stadt/_search/{lang}/"))
        );
        // search.js loads the entry there.
        assert!(
            tmp.path()
                .join(format!("stadt/_search/{lang}/index.json"))
                .is_file(),
            "{lang}"
        );
        // The search page's script is a file of the site (the CSP allows no inline code).
        let script = attr(&doc, "script[type=module]", "src").unwrap();
        assert!(
            script.starts_with("/search.") && script.ends_with(".js"),
            "{script}"
        );
        assert!(tmp.path().join(&script[1..]).is_file());
        // Readers of a translation also get the German matches, marked with their
        // language, in the same list.
        if lang == "de" {
            assert!(select(&doc, "#search-source").is_empty());
        } else {
            for (name, want) in [
                ("data-bundle", "/stadt/_search/de/"),
                ("data-lang", "de"),
                ("data-dir", "ltr"),
                ("data-marker", "Deutsch"),
            ] {
                assert_eq!(
                    attr(&doc, "#search-source", name).as_deref(),
                    Some(want),
                    "{name}"
                );
            }
        }
        // Not twice: the header has no second search form on the search page.
        assert!(select(&doc, ".header-search").is_empty());
    }
}

#[test]
fn every_page_header_has_the_search_form() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    for (rel, lang) in [
        ("stadt/de", "de"),
        ("stadt/ar/ankommen/aufenthalt", "ar"),
        ("stadt/ar/ankommen/anmeldung", "ar"),
        ("stadt/uk/places/buergerbuero", "uk"),
        ("stadt/tr/news/sprachkurs", "tr"),
    ] {
        let doc = page(tmp.path(), rel);
        assert_eq!(
            attr(&doc, "header form.header-search", "action"),
            Some(format!("/stadt/{lang}/search/")),
            "{rel}"
        );
        assert_eq!(
            attr(&doc, "header form.header-search", "role").as_deref(),
            Some("search")
        );
        assert_eq!(
            attr(&doc, "header form.header-search input", "name").as_deref(),
            Some("q")
        );
        let id = attr(&doc, "header form.header-search input", "id").unwrap();
        assert_eq!(select(&doc, &format!("label[for={id}]")).len(), 1, "{rel}");
    }
}

/// The same index from one thread (`--jobs 1`: the bundles' builders must not wait for
/// a pool worker they hold themselves) and from more threads than bundles.
#[test]
fn two_builds_write_the_same_index() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build_site_on(a.path(), Some(1));
    build_site_on(b.path(), Some(8));
    let bundles = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        tree(dir)
            .into_iter()
            .filter(|(f, _)| f.contains("/_search/"))
            .collect()
    };
    let (x, y) = (bundles(a.path()), bundles(b.path()));
    for lang in LANGUAGES {
        assert!(
            x.contains_key(&format!("stadt/_search/{lang}/index.json")),
            "{lang}"
        );
    }
    assert!(x.len() >= 4 * LANGUAGES.len(), "{}", x.len());
    assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
    for (f, bytes) in &x {
        assert!(&y[f] == bytes, "{f} differs between two builds");
    }
}

#[test]
fn a_page_where_the_search_page_goes_is_reported() {
    let (_tmp, root) = copy_fixture("search");
    let file = root.join("content/stadt/suche.de.md");
    fs::write(
        &file,
        "+++\ntitle = \"Suche\"\nslug = \"search\"\n+++\nText.\n",
    )
    .unwrap();
    let out = root.join("public");
    let failure = build(&options(&root, &out), &NoProgress).expect_err("the build fails");
    let shown: Vec<String> = failure
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    let all = shown.join("\n");
    assert!(all.contains("suche.de.md:3:"), "{all}");
    assert!(
        all.contains("where wegweiser puts the search page"),
        "{all}"
    );
    assert!(!out.join("stadt").exists(), "no half-written site");
}
