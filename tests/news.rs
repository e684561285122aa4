//! News on the fixture portal `tests/fixtures/places/` (Teststadt: German, Arabic,
//! English), built on a fixed day: the list (newest first, expired and future items
//! left out), the item pages in every language with fallback, the Atom feeds (parsed
//! with `atom_syndication`), and the bad inputs in `tests/fixtures/broken/news_*`.

mod common;

use std::fs;
use std::path::Path;

use common::{attr, fixture, select, text};
use scraper::Html;
use wegweiser::base::diagnostics::Diagnostic;
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

fn build_on(today: &str, out: &Path) {
    let options = BuildOptions {
        root: fixture("places"),
        output: Some(out.to_path_buf()),
        minify: Some(false),
        write: true,
        today: Some(today.parse().unwrap()),
        ..Default::default()
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

fn listed(out: &Path, lang: &str) -> Vec<String> {
    select(&page(out, &format!("stadt/{lang}/news")), ".news-list h2 a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

#[test]
fn the_list_is_newest_first_without_expired_or_future_items() {
    let tmp = tempfile::tempdir().unwrap();
    build_on("2026-11-25", tmp.path());
    for lang in ["de", "ar", "en"] {
        assert_eq!(
            listed(tmp.path(), lang),
            [
                format!("/stadt/{lang}/news/deutschkurs/"),
                format!("/stadt/{lang}/news/sprechstunde/"),
            ]
        );
    }
    // In July the summer party is news, and the later items are not yet.
    let tmp = tempfile::tempdir().unwrap();
    build_on("2026-07-15", tmp.path());
    assert_eq!(listed(tmp.path(), "de"), ["/stadt/de/news/sommerfest/"]);
    // In December the Christmas market is listed first.
    let tmp = tempfile::tempdir().unwrap();
    build_on("2026-12-01", tmp.path());
    assert_eq!(
        listed(tmp.path(), "de"),
        [
            "/stadt/de/news/zukunft/",
            "/stadt/de/news/deutschkurs/",
            "/stadt/de/news/sprechstunde/"
        ]
    );
}

#[test]
fn item_pages_in_every_language_with_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    build_on("2026-11-25", tmp.path());
    let ar = page(tmp.path(), "stadt/ar/news/deutschkurs");
    assert_eq!(text(&ar, "h1"), "دورات جديدة في اللغة الألمانية");
    assert_eq!(attr(&ar, "h1", "dir").as_deref(), Some("rtl"));
    assert_eq!(
        attr(&ar, ".news-date time", "datetime").as_deref(),
        Some("2026-11-20")
    );
    let en = page(tmp.path(), "stadt/en/news/deutschkurs");
    assert_eq!(text(&en, "h1"), "Neue Deutschkurse");
    assert_eq!(attr(&en, "h1", "lang").as_deref(), Some("de"));
    assert!(!select(&en, ".fallback-notice").is_empty());
    assert_eq!(text(&en, ".news-date time"), "November 20, 2026");
    // Expired items keep their page (links stay valid) and say that they are old.
    let old = page(tmp.path(), "stadt/de/news/sommerfest");
    assert_eq!(
        text(&old, ".expired-notice"),
        "Diese Meldung ist nicht mehr aktuell."
    );
    assert!(select(&en, ".expired-notice").is_empty());
    // The start page links the list; the list links its feed.
    let start = page(tmp.path(), "stadt/de");
    assert_eq!(
        attr(&start, ".portal-sections li:last-child a", "href").as_deref(),
        Some("/stadt/de/news/")
    );
    let list = page(tmp.path(), "stadt/de/news");
    assert_eq!(
        attr(&list, "link[type='application/atom+xml']", "href").as_deref(),
        Some("/stadt/de/news/atom.xml")
    );
}

#[test]
fn atom_feeds_parse_and_hold_the_current_items() {
    let tmp = tempfile::tempdir().unwrap();
    build_on("2026-11-25", tmp.path());
    let de: atom_syndication::Feed = fs::read_to_string(tmp.path().join("stadt/de/news/atom.xml"))
        .unwrap()
        .parse()
        .expect("a valid Atom feed");
    assert_eq!(de.title().as_str(), "Teststadt – Neuigkeiten");
    assert_eq!(de.id(), "https://portal.example/stadt/de/news/atom.xml");
    let titles: Vec<&str> = de.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles, ["Neue Deutschkurse", "Neue Sprechstunde"]);
    let first = &de.entries()[0];
    assert_eq!(
        first.id(),
        "https://portal.example/stadt/de/news/deutschkurs/"
    );
    assert_eq!(first.updated().to_rfc3339(), "2026-11-20T00:00:00+00:00");
    assert_eq!(
        first.summary().map(|s| s.as_str()),
        Some("Ab Januar gibt es neue Kurse.")
    );
    assert_eq!(de.updated().to_rfc3339(), "2026-11-20T00:00:00+00:00");

    let ar: atom_syndication::Feed = fs::read_to_string(tmp.path().join("stadt/ar/news/atom.xml"))
        .unwrap()
        .parse()
        .expect("a valid Atom feed");
    assert_eq!(ar.lang(), Some("ar"));
    assert_eq!(
        ar.entries()[0].title().as_str(),
        "دورات جديدة في اللغة الألمانية"
    );
    // An entry shown in a fallback language says which.
    let xml = fs::read_to_string(tmp.path().join("stadt/ar/news/atom.xml")).unwrap();
    assert!(
        xml.contains("<entry xml:lang=\"de\">\n<title>Neue Sprechstunde</title>"),
        "{xml}"
    );
}

// ---------------------------------------------------------------------------------------
// Bad input

fn errors(case: &str) -> Vec<Diagnostic> {
    let options = BuildOptions {
        root: fixture("broken").join(case),
        write: false,
        ..Default::default()
    };
    match build(&options, &NoProgress) {
        Ok(_) => panic!("the check of {case} should fail"),
        Err(f) => f.diagnostics,
    }
}

#[track_caller]
fn sole_error(case: &str, file: &str, position: (usize, usize), contains: &str) -> Option<String> {
    let diags = errors(case);
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{d} [{}:{}]", d.line, d.column))
        .collect();
    assert_eq!(diags.len(), 1, "{case}:\n{}", shown.join("\n"));
    let d = &diags[0];
    assert_eq!(
        d.file,
        Path::new("content/m").join(file),
        "{case}: {}",
        shown[0]
    );
    assert_eq!((d.line, d.column), position, "{case}: {}", shown[0]);
    assert!(d.message.contains(contains), "{case}: {}", shown[0]);
    d.hint.clone()
}

#[test]
fn a_date_is_required_and_expiry_comes_after_it() {
    let hint = sole_error(
        "news_missing_date",
        "news/fest.md",
        (2, 1),
        "missing field `date`",
    );
    assert!(hint.unwrap().contains("date = "));
    sole_error(
        "news_expires_before_date",
        "news/fest.md",
        (4, 1),
        "expires (2026-06-30) before its date (2026-07-01)",
    );
}

#[test]
fn an_item_needs_a_file_in_the_source_language() {
    let hint = sole_error(
        "news_without_source_file",
        "news/fest.en.md",
        (0, 0),
        "has no file in the source language (de)",
    );
    assert!(hint.unwrap().contains("fest.md"));
}
