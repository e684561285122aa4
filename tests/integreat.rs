//! Content that Integreat allows builds, on the fixture portal `tests/fixtures/integreat/`
//! (Testregion: de, en, `pes` declared with the tag `fa-IR`, `de-si` with `de-x-ls`, and
//! `hidden`, a hidden language whose slug is no language tag; and `archiv`, a hidden
//! municipality; built on 2026-11-25): language slugs with their real tags, events
//! without a place, draft sources of places and events, a written imprint without the
//! imprint's data, hidden languages and municipalities, translations still in
//! translation, and news items without a title. Each is read back from the HTML.

mod common;

use std::fs;
use std::path::Path;

use common::{attr, copy_fixture, fixture, select, text};
use scraper::Html;
use wegweiser::base::diagnostics::{Diagnostic, Severity};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

const TODAY: &str = "2026-11-25";

/// Build `root` into `out` on [`TODAY`]: Ok(warnings) or Err(problems).
fn try_build(root: &Path, out: &Path) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        minify: Some(false),
        write: true,
        today: Some(TODAY.parse().unwrap()),
        ..Default::default()
    };
    match build(&options, &NoProgress) {
        Ok(report) => Ok(report.diagnostics.into_iter().collect()),
        Err(f) => Err(f.diagnostics),
    }
}

fn build_site(root: &Path, out: &Path) {
    if let Err(problems) = try_build(root, out) {
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!("build failed:\n{}", shown.join("\n"));
    }
}

/// The fixture, built once per test into a temporary folder.
fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_site(&fixture("integreat"), &out);
    (tmp, out)
}

fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel).join("index.html");
    Html::parse_document(
        &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

fn hreflangs(doc: &Html) -> Vec<(String, String)> {
    select(doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|e| {
            (
                e.value().attr("hreflang").unwrap().to_string(),
                e.value().attr("href").unwrap().to_string(),
            )
        })
        .collect()
}

fn robots(doc: &Html) -> Option<String> {
    attr(doc, "meta[name=robots]", "content")
}

/// The errors of building a copy of the fixture after `change` (given the copy's root).
fn errors_after(change: impl FnOnce(&Path)) -> Vec<Diagnostic> {
    let (tmp, root) = copy_fixture("integreat");
    change(&root);
    let out = tmp.path().join("public");
    match try_build(&root, &out) {
        Ok(warnings) => panic!("built although it should not: {warnings:?}"),
        Err(problems) => problems
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replace(from, to)).unwrap();
}

#[track_caller]
fn sole(errors: &[Diagnostic]) -> &Diagnostic {
    let shown: Vec<String> = errors
        .iter()
        .map(|d| format!("{d} [{}:{}]", d.line, d.column))
        .collect();
    assert_eq!(errors.len(), 1, "{}", shown.join("\n"));
    &errors[0]
}

#[test]
fn language_slugs_are_in_urls_and_their_tags_in_lang_hreflang_and_dates() {
    let (_tmp, out) = built();
    // `pes` is the slug: URL and folder. `fa-IR` is the tag: lang, hreflang, dates.
    let pes = page(&out, "region/pes");
    assert_eq!(attr(&pes, "html", "lang").as_deref(), Some("fa-IR"));
    assert_eq!(attr(&pes, "html", "dir").as_deref(), Some("rtl"));
    let de = page(&out, "region/de");
    let alternates = hreflangs(&de);
    assert!(
        alternates.contains(&(
            "fa-IR".to_string(),
            "https://portal.example/region/pes/".to_string()
        )),
        "{alternates:?}"
    );
    assert!(alternates.iter().all(|(l, _)| l != "pes" && l != "de-si"));
    let switcher: Vec<(String, String)> = select(&de, "nav.language-switcher a")
        .iter()
        .map(|a| {
            (
                a.value().attr("lang").unwrap().to_string(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        switcher.contains(&("fa-IR".into(), "/region/pes/".into())),
        "{switcher:?}"
    );
    assert!(switcher.contains(&("de-x-ls".into(), "/region/de-si/".into())));
    // A built-in language with a tag of its own: Einfache Sprache as private use.
    let si = page(&out, "region/de-si");
    assert_eq!(attr(&si, "html", "lang").as_deref(), Some("de-x-ls"));
    assert!(text(&si, "nav.language-switcher").contains("Sprache"));
    // Dates and UI strings follow the tag: Solar Hijri with Persian digits.
    let event = page(&out, "region/pes/events/infoabend");
    let when = text(&event, "article dl");
    assert!(when.contains("۱۲ آذر ۱۴۰۵"), "{when}");
    assert!(when.contains("کجا"), "{when}");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains(r#"hreflang="fa-IR" href="https://portal.example/region/pes/""#));
    assert!(!sitemap.contains(r#"hreflang="pes""#));
}

#[test]
fn a_slug_that_is_no_tag_gets_one_error_that_says_what_to_do() {
    // Declared without its tag: one error, at the declaration.
    let errors = errors_after(|root| edit(root, "wegweiser.toml", "tag = \"en\"\n", ""));
    let d = sole(&errors);
    assert_eq!(d.file, Path::new("wegweiser.toml"));
    assert_eq!((d.line, d.column), (5, 1));
    assert!(
        d.message.contains("`hidden` is no BCP 47 language tag"),
        "{d}"
    );
    assert!(d.message.contains("tag"), "{d}");
    // Not declared: one error where the municipality names it, whose hint says how to
    // declare it (with its tag), and nothing that contradicts it.
    let errors = errors_after(|root| {
        let path = root.join("wegweiser.toml");
        let text = fs::read_to_string(&path).unwrap();
        let start = text.find("[languages.hidden]").unwrap();
        let end = text.find("[languages.pes]").unwrap();
        fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    });
    let d = sole(&errors);
    assert_eq!(d.file, Path::new("content/region/municipality.toml"));
    assert_eq!((d.line, d.column), (3, 42));
    assert_eq!(d.message, "unknown language `hidden`");
    let hint = d.hint.as_deref().unwrap();
    assert!(
        hint.contains("[languages.hidden]") && hint.contains("tag ="),
        "{hint}"
    );
    assert!(!hint.contains("<code>"), "{hint}");
}

#[test]
fn bad_tags_and_slugs_are_refused_at_their_place() {
    for bad in [
        "",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "فارسی",
        "hidden",
        &"de-".repeat(400),
    ] {
        let errors = errors_after(|root| {
            edit(
                root,
                "wegweiser.toml",
                "tag = \"fa-IR\"",
                &format!("tag = {}", toml::Value::String(bad.to_string())),
            )
        });
        let d = sole(&errors);
        assert_eq!(d.file, Path::new("wegweiser.toml"), "{bad}");
        assert_eq!(d.line, 11, "{bad}: {d}");
        assert!(
            d.message.contains("is no BCP 47 language tag"),
            "{bad}: {d}"
        );
        assert!(
            d.message.len() < 400,
            "{bad}: the message repeats a huge value"
        );
    }
    let errors = errors_after(|root| {
        edit(
            root,
            "wegweiser.toml",
            "[languages.pes]",
            "[languages.\"pes<x>\"]",
        );
    });
    // At the declaration; the municipality, which names `pes`, is told to declare it.
    assert!(
        errors.iter().any(|d| d.file == Path::new("wegweiser.toml")
            && d.message.contains("`pes<x>` cannot be a language's slug")),
        "{errors:?}"
    );
    // An empty name would be an empty entry in every switcher.
    let errors = errors_after(|root| {
        edit(
            root,
            "wegweiser.toml",
            "name = \"فارسی (ایران)\"",
            "name = \" \"",
        );
    });
    assert!(
        sole(&errors)
            .message
            .contains("`name` of language `pes` is empty")
    );
}

#[test]
fn events_without_a_place_are_announced_as_such_in_every_language() {
    let (_tmp, out) = built();
    let de = page(&out, "region/de/events/infoabend");
    assert_eq!(text(&de, "dd.place-tba"), "Ort wird noch bekannt gegeben");
    let pes = page(&out, "region/pes/events/infoabend");
    assert_eq!(text(&pes, "dd.place-tba"), "مکان بعداً اعلام می‌شود");
    let en = page(&out, "region/en/events");
    assert!(text(&en, ".event-where.place-tba").contains("Place to be announced"));
    // schema.org: no empty location; the online event is no "place to be announced".
    let json = text(&de, "script[type='application/ld+json']");
    assert!(!json.contains("\"location\""), "{json}");
    let online = page(&out, "region/de/events/sprechstunde");
    assert!(select(&online, ".place-tba").is_empty());
    assert!(text(&online, "article dl").contains("Online teilnehmen"));
    // The calendar file has no LOCATION rather than an empty one.
    let ics = fs::read_to_string(out.join("region/de/events/infoabend/infoabend.ics")).unwrap();
    assert!(ics.contains("SUMMARY:Infoabend Ausbildung"));
    assert!(!ics.contains("LOCATION"), "{ics}");
    // Every UI language of the default theme says it in its own words.
    let i18n = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n");
    for entry in fs::read_dir(i18n).unwrap() {
        let path = entry.unwrap().path();
        let table: toml::Table = fs::read_to_string(&path).unwrap().parse().unwrap();
        for key in ["event_place_tba", "in_translation_notice"] {
            let value = table.get(key).and_then(|v| v.as_str());
            assert!(
                value.is_some_and(|v| !v.trim().is_empty()),
                "{key} in {}",
                path.display()
            );
        }
        let notice = table["in_translation_notice"].as_str().unwrap();
        assert!(notice.contains("{original}"), "{}", path.display());
    }
}

#[test]
fn places_and_events_with_a_draft_source_are_published_in_their_translations() {
    let (_tmp, out) = built();
    for (rel, title) in [
        ("region/de/events/sommerfest", "Summer party"),
        ("region/de/places/beratung", "Migration counselling"),
        ("region/de/entwurf", "Draft in German, ready in English"),
    ] {
        let doc = page(&out, rel);
        assert_eq!(text(&doc, "main h1"), title, "{rel}");
        let lang = attr(&doc, "main h1", "lang").or_else(|| attr(&doc, "main article", "lang"));
        assert_eq!(lang.as_deref(), Some("en"), "{rel}");
        let notice = text(&doc, ".fallback-notice");
        assert!(
            notice.contains("noch nicht in Ihre Sprache übersetzt"),
            "{rel}: {notice}"
        );
        // The draft is no original to point readers to.
        assert!(select(&doc, ".outdated-notice").is_empty(), "{rel}");
        assert!(
            !fs::read_to_string(out.join(rel).join("index.html"))
                .unwrap()
                .contains("Noch")
        );
    }
    // Its data is kept: the summer party is in the park, on its day.
    let party = page(&out, "region/en/events/sommerfest");
    assert!(text(&party, "article dl").contains("Stadtpark"));
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://portal.example/region/en/places/beratung/</loc>"));
    assert!(!sitemap.contains("<loc>https://portal.example/region/de/places/beratung/</loc>"));
}

#[test]
fn a_written_imprint_needs_only_the_data_of_the_pages_still_generated() {
    let (_tmp, out) = built();
    // The fixture has none of the imprint's fields: the written page is linked.
    let start = page(&out, "region/de");
    assert_eq!(
        attr(&start, ".legal-links a[href$='impressum/']", "href").as_deref(),
        Some("/region/de/impressum/")
    );
    assert!(text(&page(&out, "region/de/impressum"), "main").contains("vertreten durch"));
    assert!(
        text(&page(&out, "region/de/datenschutz"), "main").contains("Rechenzentrum Testregion")
    );
    // What is missing is named with the page that needs it.
    let errors = errors_after(|root| {
        let rel = "content/region/municipality.toml";
        edit(root, rel, "method = \"self-assessment\"\n", "");
        let path = root.join(rel);
        let text = fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("hosting")).collect();
        fs::write(&path, kept.join("\n")).unwrap();
    });
    let d = sole(&errors);
    assert_eq!((d.line, d.column), (6, 1));
    assert!(
        d.message
            .contains("missing 2 required fields: `hosting`, `accessibility.method`"),
        "{d}"
    );
    assert!(
        d.message
            .contains("the generated Datenschutzerklärung needs `hosting`"),
        "{d}"
    );
    assert!(!d.message.contains("legal_form"), "{d}");
    let hint = d.hint.as_deref().unwrap();
    assert!(
        hint.contains("`imprint_page` set") && hint.contains("`privacy_page`"),
        "{hint}"
    );
}

#[test]
fn hidden_languages_and_municipalities_are_built_but_not_listed() {
    let (_tmp, out) = built();
    // Built and reachable, in the language's tag, asked not to be indexed.
    let hidden = page(&out, "region/hidden");
    assert_eq!(attr(&hidden, "html", "lang").as_deref(), Some("en"));
    assert_eq!(robots(&hidden).as_deref(), Some("noindex"));
    assert_eq!(text(&hidden, "main h1"), "Welcome (hidden test language)");
    // Its readers see where they are in the switcher.
    let current = attr(
        &hidden,
        "nav.language-switcher a[aria-current=page]",
        "href",
    );
    assert_eq!(current.as_deref(), Some("/region/hidden/"));
    let archive = page(&out, "archiv/de");
    assert_eq!(robots(&archive).as_deref(), Some("noindex"));
    assert_eq!(robots(&page(&out, "archiv")).as_deref(), Some("noindex"));
    assert!(text(&archive, "main").contains("nicht mehr gepflegt"));
    // Not listed: portal index, 404, chooser, switchers and alternates, sitemap.
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!index.contains("archiv") && !index.contains("Altkreis"));
    assert!(!index.contains("/region/hidden/"));
    assert!(
        !fs::read_to_string(out.join("404.html"))
            .unwrap()
            .contains("archiv")
    );
    for rel in [
        "region",
        "region/de",
        "region/de/wohnen",
        "region/en/places/beratung",
        "region/de/events/sommerfest",
        "region/de/datenschutz",
    ] {
        let doc = page(&out, rel);
        let html = doc.html();
        assert!(
            !html.contains("/region/hidden/"),
            "{rel} names the hidden language"
        );
        assert_eq!(robots(&doc), None, "{rel}");
    }
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/hidden/") && !sitemap.contains("/archiv/"));
    let redirects = fs::read_to_string(out.join("_redirects")).unwrap();
    assert!(!redirects.contains("/region/hidden/"), "{redirects}");
}

#[test]
fn translations_in_translation_show_the_source_with_a_notice() {
    let (_tmp, out) = built();
    // Marked in translation, with an empty body: the German text, and why.
    let en = page(&out, "region/en/wohnen");
    let notice = text(&en, ".fallback-notice");
    assert_eq!(
        notice,
        "This page is being translated into your language. Until then, you are reading it in: Deutsch."
    );
    assert_eq!(text(&en, "main h1"), "Wohnen");
    assert_eq!(attr(&en, "main article", "lang").as_deref(), Some("de"));
    assert!(text(&en, "main").contains("innerhalb von zwei Wochen"));
    assert_eq!(
        attr(&en, "link[rel=canonical]", "href").as_deref(),
        Some("https://portal.example/region/de/wohnen/")
    );
    // An empty translation that is not marked is not published empty either.
    let pes = page(&out, "region/pes/wohnen");
    assert!(text(&pes, ".fallback-notice").starts_with("این صفحه در حال ترجمه"));
    assert!(text(&pes, "main").contains("innerhalb von zwei Wochen"));
    // A section's translation may be only its title, for its list of pages.
    let work = page(&out, "region/en/arbeit");
    assert_eq!(text(&work, "main h1"), "Work");
    assert!(select(&work, ".fallback-notice").is_empty());
    // Events, places and news items alike.
    let event = page(&out, "region/en/events/sprechstunde");
    assert!(text(&event, ".fallback-notice").starts_with("This page is being translated"));
    assert_eq!(text(&event, "main h1"), "Online-Sprechstunde");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("<loc>https://portal.example/region/en/wohnen/</loc>"));
    assert!(!sitemap.contains("<loc>https://portal.example/region/en/events/sprechstunde/</loc>"));
}

#[test]
fn news_items_without_a_title_are_headed_by_their_first_sentence() {
    let (_tmp, out) = built();
    let de = page(&out, "region/de/news/push");
    assert_eq!(
        text(&de, "main h1"),
        "Das Bürgerbüro ist am Freitag geschlossen."
    );
    assert!(text(&de, "title").starts_with("Das Bürgerbüro ist am Freitag geschlossen."));
    // Right to left, with the Arabic question mark ending the sentence.
    let pes = page(&out, "region/pes/news/push");
    assert_eq!(
        text(&pes, "main h1"),
        "آیا دفتر شهروندان روز جمعه بسته است؟"
    );
    assert_eq!(attr(&pes, "main h1", "dir").as_deref(), Some("rtl"));
    let list = page(&out, "region/en/news");
    assert!(text(&list, "main").contains("The citizens' office is closed on Friday."));
}

#[test]
fn titles_made_from_text_are_short_and_safe() {
    let (tmp, root) = copy_fixture("integreat");
    let long = format!(
        "+++\ntitle = \"\"\ndate = 2026-11-21\n+++\n<script>alert(1)</script>\n\nDie **Ausländerbehörde** {} ist umgezogen.\n",
        "bleibt wegen Bauarbeiten an mehreren Tagen im Dezember geschlossen und".repeat(3)
    );
    fs::write(root.join("content/region/news/lang.md"), long).unwrap();
    let out = tmp.path().join("public");
    let warnings = try_build(&root, &out).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        warnings.iter().any(|w| w.message.contains("script")),
        "{warnings:?}"
    );
    let doc = page(&out, "region/de/news/lang");
    let title = text(&doc, "main h1");
    assert!(title.starts_with("Die Ausländerbehörde bleibt"), "{title}");
    assert!(
        title.ends_with('…') && title.chars().count() <= 81,
        "{title}"
    );
    assert!(!doc.html().contains("alert(1)"));
}

#[test]
fn empty_titles_that_cannot_be_made_are_errors_at_the_title() {
    // A news item with neither title nor text.
    let errors = errors_after(|root| {
        fs::write(
            root.join("content/region/news/leer.md"),
            "+++\ntitle = \"\"\ndate = 2026-11-21\n+++\n\n",
        )
        .unwrap();
    });
    let d = sole(&errors);
    assert_eq!(d.file, Path::new("content/region/news/leer.md"));
    assert_eq!((d.line, d.column), (2, 1));
    assert!(d.message.contains("no words to make one from"), "{d}");
    // A page, an event, a place: their title names them, nothing else would.
    for (rel, from) in [
        ("content/region/wohnen.de.md", "title = \"Wohnen\""),
        (
            "content/region/events/infoabend.md",
            "title = \"Infoabend Ausbildung\"",
        ),
        (
            "content/region/places/beratung.md",
            "title = \"Migrationsberatung\"",
        ),
    ] {
        let errors = errors_after(|root| edit(root, rel, from, "title = \"  \""));
        let d = sole(&errors);
        assert_eq!(d.file, Path::new(rel));
        assert_eq!((d.line, d.column), (2, 1), "{rel}: {d}");
        assert!(
            d.message.contains("`title` must not be empty"),
            "{rel}: {d}"
        );
        assert!(d.hint.as_deref().unwrap().contains("heading"), "{rel}");
    }
}
