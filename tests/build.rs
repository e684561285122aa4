//! Building fixture portals and checking the HTML that comes out.

mod common;

use std::fs;

use common::*;
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

const ORIGIN: &str = "https://portal.example.org";
const BASE: &str = "/sub";

fn basic() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture("basic"), &out, None);
    (tmp, out)
}

fn page(out: &std::path::Path, rel: &str) -> scraper::Html {
    let text = fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    scraper::Html::parse_document(&text)
}

#[test]
fn every_page_declares_language_and_direction() {
    let (_tmp, out) = basic();
    let ar = page(&out, "stadt/ar/index.html");
    assert_eq!(attr(&ar, "html", "lang").as_deref(), Some("ar"));
    assert_eq!(attr(&ar, "html", "dir").as_deref(), Some("rtl"));
    let de = page(&out, "stadt/de/index.html");
    assert_eq!(attr(&de, "html", "lang").as_deref(), Some("de"));
    assert_eq!(attr(&de, "html", "dir").as_deref(), Some("ltr"));
    for (rel, doc) in html_files(&out) {
        assert!(attr(&doc, "html", "lang").is_some(), "{rel} has no lang");
        if !rel.ends_with("alt/index.html") {
            assert_eq!(
                select(&doc, "h1").len(),
                1,
                "{rel} must have exactly one h1"
            );
        }
    }
}

#[test]
fn urls_use_translated_slugs_in_native_script() {
    let (_tmp, out) = basic();
    assert!(out.join("stadt/ar/السكن/الإيجار/index.html").is_file());
    assert!(
        out.join("stadt/en/wohnen/registration/index.html")
            .is_file()
    );
    let de = page(&out, "stadt/de/wohnen/miete/index.html");
    let ar_link = select(&de, ".language-switcher a[hreflang=ar]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(
        ar_link,
        "/sub/stadt/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/%D8%A7%D9%84%D8%A5%D9%8A%D8%AC%D8%A7%D8%B1/"
    );
}

#[test]
fn every_internal_link_resolves_to_a_file_and_anchor() {
    let (_tmp, out) = basic();
    let broken = broken_links(&out, ORIGIN, BASE);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn language_switcher_targets_the_same_page() {
    let (_tmp, out) = basic();
    let doc = page(&out, "stadt/de/wohnen/anmeldung/index.html");
    let targets: Vec<(String, String)> = select(&doc, ".language-switcher a")
        .iter()
        .map(|a| {
            (
                a.value().attr("hreflang").unwrap().to_string(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            (
                "de".to_string(),
                "/sub/stadt/de/wohnen/anmeldung/".to_string()
            ),
            (
                "en".to_string(),
                "/sub/stadt/en/wohnen/registration/".to_string()
            ),
            (
                "ar".to_string(),
                "/sub/stadt/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/anmeldung/".to_string()
            ),
            (
                "de-si".to_string(),
                "/sub/stadt/de-si/wohnen/anmeldung/".to_string()
            ),
        ]
    );
    let current = select(&doc, ".language-switcher a[aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].value().attr("lang"), Some("de"));
}

#[test]
fn missing_translation_shows_the_fallback_marked_with_its_language() {
    let (_tmp, out) = basic();
    // The bundle has no English translation: English readers get German text.
    let doc = page(&out, "stadt/en/wohnen/miete/index.html");
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("en"));
    assert_eq!(attr(&doc, "article", "lang").as_deref(), Some("de"));
    assert_eq!(attr(&doc, "article", "dir").as_deref(), Some("ltr"));
    assert!(
        text(&doc, ".fallback-notice").contains("Deutsch"),
        "notice names the language shown"
    );
    assert!(
        text(&doc, ".fallback-notice").contains("not been translated"),
        "notice is in English"
    );
    assert_eq!(text(&doc, "h1"), "Miete und Kaution");
    // The theme speaks the reader's language.
    assert_eq!(text(&doc, ".skip-link"), "Skip to content");
    // Canonical points at the real German page.
    assert_eq!(
        attr(&doc, "link[rel=canonical]", "href").as_deref(),
        Some("https://portal.example.org/sub/stadt/de/wohnen/miete/")
    );
    // Links inside fallback content stay in the reader's language.
    let link = select(&doc, "article a")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "Anmeldung")
        .unwrap();
    assert_eq!(
        link.value().attr("href"),
        Some("/sub/stadt/en/wohnen/registration/")
    );
    // Einfache Sprache falls back to German, marked in the switcher.
    let de_si = page(&out, "stadt/de-si/wohnen/miete/index.html");
    assert_eq!(attr(&de_si, "article", "lang").as_deref(), Some("de"));
    let marked = select(
        &doc,
        ".language-switcher a[hreflang=de-si] .fallback-marker",
    );
    assert_eq!(marked.len(), 1);
}

#[test]
fn rtl_content_shown_to_ltr_readers_keeps_its_direction() {
    let (_tmp, out) = basic();
    // Arabic readers of an untranslated German page: page rtl, content ltr.
    let doc = page(&out, "stadt/ar/arbeit/anerkennung/zeugnisse/index.html");
    assert_eq!(attr(&doc, "html", "dir").as_deref(), Some("rtl"));
    assert_eq!(attr(&doc, "article", "dir").as_deref(), Some("ltr"));
    // Navigation entries in another language carry their own lang and dir.
    let wohnen = select(&doc, ".main-nav a")[0];
    assert_eq!(
        wohnen.value().attr("lang"),
        Some("ar"),
        "Wohnen has an Arabic title"
    );
    assert_eq!(wohnen.value().attr("dir"), Some("rtl"));
    let arbeit = select(&doc, ".main-nav a")[1];
    assert_eq!(arbeit.value().attr("lang"), Some("de"));
    assert_eq!(arbeit.value().attr("dir"), Some("ltr"));
}

#[test]
fn fallback_none_leaves_pages_out_and_links_to_the_existing_language() {
    let (_tmp, out) = basic();
    assert!(!out.join("dorf/uk/nur-deutsch").exists());
    let uk = page(&out, "dorf/uk/index.html");
    let link = select(&uk, "article a")[0];
    assert_eq!(link.value().attr("href"), Some("/sub/dorf/de/nur-deutsch/"));
    let de = page(&out, "dorf/de/nur-deutsch/index.html");
    assert_eq!(
        select(&de, ".language-switcher a").len(),
        1,
        "only languages the page exists in"
    );
}

#[test]
fn portal_index_chooser_404_aliases_static_and_assets() {
    let (_tmp, out) = basic();
    let index = page(&out, "index.html");
    assert!(
        text(&index, ".municipalities").contains("Vorort"),
        "aliases are listed"
    );
    let chooser = page(&out, "stadt/index.html");
    let langs: Vec<_> = select(&chooser, ".language-list a")
        .iter()
        .map(|a| a.text().collect::<String>())
        .collect();
    assert_eq!(langs, ["Deutsch", "English", "العربية", "Einfache Sprache"]);
    assert_eq!(
        select(&chooser, ".language-list a[lang=ar][dir=rtl][hreflang=ar]").len(),
        1
    );
    assert!(out.join("404.html").is_file());
    let alias = fs::read_to_string(out.join("dorf/de/alt/index.html")).unwrap();
    assert!(alias.contains("https://portal.example.org/sub/dorf/de/nur-deutsch/"));
    assert_eq!(
        fs::read_to_string(out.join("robots.txt")).unwrap(),
        "User-agent: *\n"
    );
    for lang in ["de", "en", "de-si"] {
        assert!(
            out.join(format!("stadt/{lang}/wohnen/miete/plan.svg"))
                .is_file(),
            "{lang}"
        );
    }
    assert!(out.join("stadt/ar/السكن/الإيجار/plan.svg").is_file());
    assert!(
        !out.join("stadt/de/arbeit/entwurf").exists(),
        "drafts are left out"
    );
}

#[test]
fn hreflang_alternates_list_real_translations() {
    let (_tmp, out) = basic();
    let doc = page(&out, "stadt/de/wohnen/anmeldung/index.html");
    let alternates: Vec<String> = select(&doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| l.value().attr("hreflang").unwrap().to_string())
        .collect();
    assert_eq!(alternates, ["de", "en", "ar", "de-si", "x-default"]);
}

#[test]
fn output_is_identical_whatever_the_number_of_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    build_into(&fixture("basic"), &one, Some(1));
    build_into(&fixture("basic"), &two, Some(4));
    assert_eq!(tree(&one), tree(&two));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let portal = tmp.path().join("portal");
    copy_dir(&fixture("basic"), &portal);
    let out = tmp.path().join("public");
    build_into(&portal, &out, None);
    let before = tree(&out);
    fs::write(
        portal.join("content/stadt/wohnen/anmeldung.de.md"),
        "+++\ntitle = \"Kaputt\"\n+++\n[weg](gibt-es-nicht.md)\n",
    )
    .unwrap();
    let result = build(
        &BuildOptions {
            root: portal.clone(),
            output: Some(out.clone()),
            write: true,
            ..Default::default()
        },
        &NoProgress,
    );
    assert!(result.is_err());
    assert_eq!(tree(&out), before);
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn drafts_are_built_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let options = BuildOptions {
        root: fixture("basic"),
        output: Some(out.clone()),
        drafts: true,
        write: true,
        ..Default::default()
    };
    build(&options, &NoProgress).unwrap();
    assert!(out.join("stadt/de/arbeit/entwurf/index.html").is_file());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for (rel, bytes) in tree(from) {
        let path = to.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

#[test]
fn the_link_checker_itself_notices_missing_files_and_anchors() {
    let (_tmp, out) = basic();
    fs::remove_file(out.join("stadt/de/wohnen/registration/index.html")).ok();
    fs::remove_dir_all(out.join("stadt/en/wohnen/registration")).unwrap();
    let anmeldung = out.join("stadt/de/wohnen/anmeldung/index.html");
    let html = fs::read_to_string(&anmeldung)
        .unwrap()
        .replace("id=kaution", "id=other")
        .replace("id=\"kaution\"", "id=\"other\"");
    fs::write(&anmeldung, html).unwrap();
    let miete = out.join("stadt/de/wohnen/miete/index.html");
    let html = fs::read_to_string(&miete)
        .unwrap()
        .replace("id=kaution", "id=other")
        .replace("id=\"kaution\"", "id=\"other\"");
    fs::write(&miete, html).unwrap();
    let broken = broken_links(&out, ORIGIN, BASE);
    assert!(
        broken
            .iter()
            .any(|b| b.contains("missing stadt/en/wohnen/registration/index.html")),
        "{broken:?}"
    );
    assert!(
        broken.iter().any(|b| b.contains("no #kaution")),
        "{broken:?}"
    );
}

#[test]
fn content_example_builds_without_problems_and_every_link_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    // A fixed day: the demo's accessibility statement is meant to be current, and a
    // statement older than a year is (rightly) a warning.
    let options = BuildOptions {
        root: root.clone(),
        output: Some(out.clone()),
        today: Some(jiff::civil::date(2026, 11, 24)),
        write: true,
        ..Default::default()
    };
    let report = build(&options, &NoProgress).expect("content-example builds");
    let warnings: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        warnings.is_empty(),
        "content-example has warnings:\n{}",
        warnings.join("\n")
    );
    assert_eq!(report.municipalities, 2);
    assert!(report.languages >= 7);
    let broken = broken_links(&out, "https://wegweiser.example.org", "");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    for (rel, doc) in html_files(&out) {
        let lang = attr(&doc, "html", "lang").unwrap_or_default();
        let dir = attr(&doc, "html", "dir").unwrap_or_default();
        let rtl = ["ar", "fa"].contains(&lang.as_str());
        assert_eq!(dir, if rtl { "rtl" } else { "ltr" }, "{rel}");
    }
    // Pages in native-script URLs exist for the right-to-left languages.
    let arabic_dirs = walkdir::WalkDir::new(out.join("musterstadt/ar"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        })
        .count();
    assert!(arabic_dirs > 10, "Arabic slugs: {arabic_dirs}");
    // Events in both municipalities: recurring and one-off ones in the 90-day window,
    // in the reader's language where translated, and their calendars.
    for (list, expected) in [
        (
            "musterstadt/de/events",
            ["Sprachcafé", "Jobmesse „Arbeit in Musterstadt“"],
        ),
        (
            "musterstadt/uk/events",
            ["Мовне кафе", "Свято вогнів культур"],
        ),
        (
            "landkreis-beispiel/ru/events",
            ["Языковое кафе в Оберау", "Tag der offenen Moschee"],
        ),
        (
            "landkreis-beispiel/ar/events",
            ["ملتقى النساء – الاستقرار في المقاطعة", "يوم المسجد المفتوح"],
        ),
    ] {
        let doc = page(&out, &format!("{list}/index.html"));
        let titles: Vec<String> = common::select(&doc, "section.event-day h3")
            .iter()
            .map(|h| h.text().collect())
            .collect();
        for title in expected {
            assert!(
                titles.iter().any(|t| t == title),
                "{list}: {title} in {titles:?}"
            );
        }
        assert!(out.join(list).join("calendar.ics").is_file(), "{list}");
    }
    let later = page(
        &out,
        "landkreis-beispiel/de/events/ausbildungsmesse/index.html",
    );
    assert_eq!(text(&later, "h1"), "Ausbildungsmesse im Kreishaus");
}

#[test]
fn a_portal_theme_and_portal_templates_override_the_default_theme() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture("themed"), &out, None);
    let seite = page(&out, "ort/de/seite/index.html");
    assert_eq!(
        text(&seite, ".theme-mine"),
        "Farbe: grün",
        "theme template with page.extra"
    );
    assert_eq!(
        text(&seite, "h1"),
        "Seite",
        "default templates still fill the rest"
    );
    let start = page(&out, "ort/fa/index.html");
    assert_eq!(
        text(&start, ".portal-override"),
        "1",
        "portal templates/ win"
    );
    assert_eq!(attr(&start, "html", "dir").as_deref(), Some("rtl"));
}
