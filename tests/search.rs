//! Search on the fixture portal `tests/fixtures/search/` (Suchstadt: German source,
//! Arabic, Persian, Turkish, Ukrainian; built on 2026-11-25): one Pagefind bundle per
//! municipality and language and nowhere else, what each bundle holds (decoded from
//! Pagefind's fragment files: normalised text, original titles), the search page in
//! every language, the header form, determinism, and the reserved `search` folder.
//! The queries themselves run in Chromium: tests/a11y/search.mjs.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use common::{attr, copy_fixture, fixture, select, text, tree};
use scraper::Html;
use wegweiser::base::diagnostics::Diagnostics;
use wegweiser::build::pipeline::{BuildOptions, build, load_site};
use wegweiser::output::search::{self, Kind};
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
    let options = BuildOptions {
        jobs,
        ..options(&fixture("search"), out)
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

/// The records of one bundle as Pagefind stored them: url → (title, kind, content).
fn stored(bundle: &Path) -> BTreeMap<String, (String, String, String)> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(bundle.join("fragment")).unwrap() {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        let mut data = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut data)
            .unwrap();
        assert_eq!(&data[..12], b"pagefind_dcd");
        let json: serde_json::Value = serde_json::from_slice(&data[12..]).unwrap();
        let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
        out.insert(
            s(&json["url"]),
            (
                s(&json["meta"]["title"]),
                s(&json["meta"]["kind"]),
                s(&json["content"]),
            ),
        );
    }
    out
}

#[test]
fn one_bundle_per_language_and_nowhere_else() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let files = tree(tmp.path());
    let entries: Vec<&String> = files
        .keys()
        .filter(|f| f.ends_with("pagefind-entry.json"))
        .collect();
    let want: Vec<String> = LANGUAGES
        .iter()
        .map(|l| format!("stadt/_search/{l}/pagefind-entry.json"))
        .collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(
        entries,
        want_sorted.iter().collect::<Vec<_>>(),
        "bundles: {entries:?}"
    );
    for f in files.keys() {
        if f.ends_with(".pf_fragment") || f.ends_with("pagefind.js") || f.contains(".pagefind") {
            assert!(f.starts_with("stadt/_search/"), "{f} outside the bundles");
        }
        // Only what pagefind.js loads: no Pagefind UI.
        assert!(!f.contains("pagefind-ui"), "{f}");
    }
    for lang in LANGUAGES {
        let entry: serde_json::Value =
            serde_json::from_slice(&files[&format!("stadt/_search/{lang}/pagefind-entry.json")])
                .unwrap();
        let langs = entry["languages"].as_object().unwrap();
        assert_eq!(langs.keys().collect::<Vec<_>>(), [lang], "{entry}");
        // Stemming where Pagefind has a stemmer, the generic WebAssembly elsewhere.
        let wasm = match lang {
            "fa" | "uk" => "unknown",
            l => l,
        };
        assert!(
            files.contains_key(&format!("stadt/_search/{lang}/wasm.{wasm}.pagefind")),
            "{lang}: wasm.{wasm}.pagefind"
        );
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
fn bundles_hold_normalised_text_and_original_titles() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let bundle = |l: &str| stored(&tmp.path().join(format!("stadt/_search/{l}")));

    let ar = bundle("ar");
    assert_eq!(ar.len(), 3, "{ar:?}");
    let (title, kind, content) = &ar["/stadt/ar/ankommen/aufenthalt/"];
    assert_eq!(title, "تصريح الإقامة", "the title shown is the original");
    assert_eq!(kind, "page");
    assert!(content.contains("تصريح الاقامه"), "normalised: {content}");
    assert!(
        content.contains("تجدد دايره") || content.contains("تجدد"),
        "{content}"
    );
    assert!(
        !content.contains('\u{064F}'),
        "diacritics removed: {content}"
    );
    assert!(!ar.contains_key("/stadt/ar/ankommen/anmeldung/"));

    let fa = bundle("fa");
    let (_, _, content) = &fa["/stadt/fa/ankommen/aufenthalt/"];
    assert!(content.contains("ثبتنام"), "ZWNJ removed: {content}");
    assert!(content.contains("پزشك"), "keheh folded: {content}");

    let tr = bundle("tr");
    let (title, _, content) = &tr["/stadt/tr/ankommen/aufenthalt/"];
    assert_eq!(title, "İkamet izni");
    assert!(content.starts_with("ikamet izni"), "{content}");

    let uk = bundle("uk");
    let (_, _, content) = &uk["/stadt/uk/ankommen/aufenthalt/"];
    assert!(
        content.contains("імя") || content.contains("iмя"),
        "apostrophe removed: {content}"
    );
    assert!(content.contains("обовязкової"), "{content}");

    // German: everything with a German text, each once.
    let de = bundle("de");
    assert_eq!(de.len(), 6, "{:?}", de.keys());
    assert_eq!(de["/stadt/de/places/buergerbuero/"].1, "place");
    assert_eq!(de["/stadt/de/news/sprachkurs/"].1, "news");
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
        // The search page's script is a file of the site (the CSP allows no inline code).
        let script = attr(&doc, "script[type=module]", "src").unwrap();
        assert!(
            script.starts_with("/search.") && script.ends_with(".js"),
            "{script}"
        );
        assert!(tmp.path().join(&script[1..]).is_file());
        // Readers of a translation get the German matches as a second, marked list.
        if lang == "de" {
            assert!(select(&doc, "#search-source").is_empty());
        } else {
            assert_eq!(
                attr(&doc, "#search-source", "data-bundle").as_deref(),
                Some("/stadt/_search/de/")
            );
            assert_eq!(
                attr(&doc, "#search-source", "data-lang").as_deref(),
                Some("de")
            );
            assert_eq!(
                attr(&doc, "#search-source", "data-dir").as_deref(),
                Some("ltr")
            );
            assert_eq!(
                attr(&doc, "#search-source", "data-marker").as_deref(),
                Some("Deutsch")
            );
            assert!(text(&doc, "#search-source-heading").contains("Deutsch"));
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
    assert!(x.len() > 20, "{}", x.len());
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
