//! Legal pages, the "report a barrier" contact, per-municipality branding, the Arabic
//! font and the start page's Leichte Sprache links, on `tests/fixtures/legal/` (two
//! municipalities: `ort` with generated legal pages in four languages, `kreis` with a
//! written imprint) and `content-example/`.

mod common;

use std::fs;
use std::path::Path;

use common::{attr, build_into, copy_fixture, fixture, html_files, select, target_of, text};
use scraper::Html;
use wegweiser::base::diagnostics::{Diagnostic, Severity};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

const ORIGIN: &str = "https://portal.example.org";
const BASE: &str = "/sub";

/// The fixture built as on a fixed day, so that its statements do not age.
fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let options = BuildOptions {
        root: fixture("legal"),
        output: Some(out.clone()),
        jobs: Some(2),
        write: true,
        today: Some(jiff::civil::date(2026, 11, 24)),
        ..Default::default()
    };
    let report = build(&options, &NoProgress).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    assert!(
        report.diagnostics.is_empty(),
        "{:?}",
        report
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    (tmp, out)
}

fn read(out: &Path, rel: &str) -> Html {
    let text = fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

fn failure(root: &Path) -> Vec<Diagnostic> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        write: false,
        ..Default::default()
    };
    match build(&options, &NoProgress) {
        Ok(r) => panic!("should fail, got {:?}", r.diagnostics),
        Err(f) => f.diagnostics,
    }
}

#[test]
fn generated_texts_contain_the_data_in_german() {
    let (_tmp, out) = built();
    let imprint = read(&out, "ort/de/impressum/index.html");
    let body = text(&imprint, "article");
    for expected in [
        "Impressum",
        "§ 5 Digitale-Dienste-Gesetz",
        "Stadt Ort",
        "Gebietskörperschaft des öffentlichen Rechts",
        "Bürgermeisterin Anna Probe",
        "11111 Ort",
        "Landratsamt Kreis, Kommunalaufsicht",
        "§ 18 Abs. 2 MStV",
        "Bert Probe",
    ] {
        assert!(
            body.contains(expected),
            "imprint lacks {expected:?}: {body}"
        );
    }
    assert_eq!(attr(&imprint, "article", "lang").as_deref(), Some("de"));
    assert_eq!(
        attr(&imprint, "a[href^='tel:']", "href").as_deref(),
        Some("tel:+491112222")
    );

    let privacy = text(&read(&out, "ort/de/datenschutz/index.html"), "article");
    for expected in [
        "Art. 13",
        "Rechenzentrum Test GmbH",
        "nach 10 Tagen gelöscht",
        "keine Cookies",
        "§ 25",
        "Datenschutzbeauftragte, datenschutz@ort.example",
        "Landesbeauftragte für den Datenschutz Testland",
        "Art. 77",
    ] {
        assert!(privacy.contains(expected), "privacy lacks {expected:?}");
    }

    let statement = text(&read(&out, "ort/de/barrierefreiheit/index.html"), "article");
    for expected in [
        "teilweise vereinbar",
        "Der Stadtplan als PDF",
        "Karten lassen sich nicht",
        "Die Wege stehen als Text",
        "am 4. Mai 2026 erstellt",
        "Prüfung durch Prüfstelle Test",
        "innerhalb eines Monats",
        "barrieren@ort.example",
        "Schlichtungsstelle BGG",
        "https://www.schlichtungsstelle-bgg.de/",
    ] {
        assert!(statement.contains(expected), "statement lacks {expected:?}");
    }
}

#[test]
fn legal_pages_in_other_languages_say_the_german_text_binds() {
    let (_tmp, out) = built();
    let ar = read(&out, "ort/ar/impressum/index.html");
    assert_eq!(attr(&ar, "html", "lang").as_deref(), Some("ar"));
    assert_eq!(attr(&ar, "html", "dir").as_deref(), Some("rtl"));
    assert_eq!(attr(&ar, "article", "lang").as_deref(), Some("de"));
    assert_eq!(attr(&ar, "article", "dir").as_deref(), Some("ltr"));
    assert!(text(&ar, ".notice").contains("الألمانية"));
    assert_eq!(
        attr(&ar, "link[rel=canonical]", "href").as_deref(),
        Some("https://portal.example.org/sub/ort/de/impressum/")
    );
    // The German page has no such note.
    let de = read(&out, "ort/de/impressum/index.html");
    assert!(select(&de, ".notice").is_empty());
    // Only the German copy is in the sitemap, as with other pages shown in German.
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://portal.example.org/sub/ort/de/impressum/</loc>"));
    assert!(sitemap.contains("<loc>https://portal.example.org/sub/ort/de/barrierefreiheit/</loc>"));
    assert!(!sitemap.contains("/ort/ar/impressum/"));
}

#[test]
fn every_page_in_every_language_links_working_legal_pages_and_the_barrier_contact() {
    let (_tmp, out) = built();
    let mut checked = 0;
    for (rel, doc) in html_files(&out) {
        // The portal's index and 404 page belong to no municipality.
        let Some(m) = ["ort/", "kreis/"].into_iter().find(|m| rel.starts_with(m)) else {
            continue;
        };
        if rel.contains("/_status/") || rel.contains("/_actors/") {
            continue;
        }
        let links = select(&doc, "footer nav.legal-links a");
        assert_eq!(links.len(), 4, "{rel}: {} legal links", links.len());
        for a in &links[..3] {
            let href = a.value().attr("href").unwrap();
            let (target, _) = target_of(href, ORIGIN, BASE, &rel).unwrap();
            assert!(
                out.join(&target).is_file(),
                "{rel}: {href} leads to missing {target}"
            );
            assert!(
                target.starts_with(m),
                "{rel}: {href} leaves the municipality"
            );
        }
        let mailto = links[3].value().attr("href").unwrap();
        let expected = if m == "ort/" {
            "mailto:barrieren@ort.example?subject=Barriere%20melden%3A%20https%3A%2F%2Fportal.example.org%2Fsub%2F"
        } else {
            "mailto:barrierefrei@kreis.example?subject=Barriere%20melden%3A%20https%3A%2F%2Fportal.example.org%2Fsub%2F"
        };
        assert!(mailto.starts_with(expected), "{rel}: {mailto}");
        checked += 1;
    }
    // ort: 4 languages × (start, wohnen, leicht, dgs, 3 legal pages) + chooser;
    // kreis: 2 × (start, leicht, recht, impressum, 2 legal pages) + chooser.
    assert!(checked >= 40, "{checked} pages checked");

    // Labels are in the reader's language.
    let uk = read(&out, "ort/uk/index.html");
    let labels: Vec<String> = select(&uk, "footer nav.legal-links a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        labels,
        [
            "Вихідні дані",
            "Захист даних",
            "Доступність",
            "Повідомити про бар’єр"
        ]
    );
    // The subject names the page itself.
    let mailto = attr(&uk, "footer nav.legal-links a[href^='mailto:']", "href").unwrap();
    assert!(mailto.ends_with("%2Fsub%2Fort%2Fuk%2F"), "{mailto}");
}

#[test]
fn a_written_imprint_is_linked_instead_of_a_generated_one() {
    let (_tmp, out) = built();
    assert!(!out.join("kreis/de/impressum").exists());
    assert!(out.join("kreis/de/datenschutz/index.html").is_file());
    let en = read(&out, "kreis/en/index.html");
    let href = attr(&en, "footer nav.legal-links a", "href").unwrap();
    // Readers of English get the German imprint at the English address of the page.
    assert_eq!(href, "/sub/kreis/en/recht/impressum/");
    let imprint = read(&out, "kreis/en/recht/impressum/index.html");
    assert!(text(&imprint, "article").contains("Von Hand geschrieben"));
    // Written legal and Leichte Sprache pages are not listed among the topics.
    let de = read(&out, "kreis/de/recht/index.html");
    assert!(
        select(&de, ".listing a").is_empty(),
        "the imprint is listed"
    );
    let start = read(&out, "kreis/de/index.html");
    assert!(!text(&start, ".listing").contains("Leichte Sprache"));
}

#[test]
fn the_start_page_links_leichte_sprache_gebaerdensprache_and_einfache_sprache() {
    let (_tmp, out) = built();
    for lang in ["de", "ar", "uk"] {
        let doc = read(&out, &format!("ort/{lang}/index.html"));
        let offers: Vec<(String, String)> = select(&doc, "nav.offers a")
            .iter()
            .map(|a| {
                (
                    a.text().collect::<String>(),
                    a.value().attr("href").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            offers,
            [
                ("Leichte Sprache".into(), format!("/sub/ort/{lang}/leicht/")),
                ("Gebärdensprache".into(), format!("/sub/ort/{lang}/dgs/")),
                ("Einfache Sprache".into(), "/sub/ort/de-si/".into()),
            ],
            "{lang}"
        );
        assert_eq!(attr(&doc, "nav.offers a", "lang").as_deref(), Some("de"));
    }
    // Only the start page; and `start_page_links = false` switches them off.
    assert!(select(&read(&out, "ort/de/wohnen/index.html"), "nav.offers").is_empty());
    assert!(select(&read(&out, "kreis/de/index.html"), "nav.offers").is_empty());
}

#[test]
fn branding_comes_from_a_generated_stylesheet_and_theme_images() {
    let (_tmp, out) = built();
    let css = fs::read_to_string(out.join("ort/_theme/theme.css")).unwrap();
    assert!(css.contains("--accent: #004b87"), "{css}");
    assert!(out.join("ort/_theme/wappen.svg").is_file());
    assert!(out.join("kreis/_theme/logo.svg").is_file());
    // Theme images are not published again as page assets.
    assert!(!out.join("kreis/de/logo.svg").exists());
    for (rel, doc) in html_files(&out) {
        if !rel.starts_with("ort/") || rel.contains("/_status/") {
            continue;
        }
        assert_eq!(
            select(
                &doc,
                "link[rel=stylesheet][href='/sub/ort/_theme/theme.css']"
            )
            .len(),
            1,
            "{rel}"
        );
        assert!(select(&doc, "[style]").is_empty(), "{rel}: inline style");
    }
    let ort = read(&out, "ort/ar/index.html");
    assert_eq!(
        attr(&ort, ".brand img", "src").as_deref(),
        Some("/sub/ort/_theme/wappen.svg")
    );
    // The coat of arms stands beside the name; the logo replaces it.
    assert_eq!(attr(&ort, ".brand img", "alt").as_deref(), Some(""));
    assert_eq!(text(&ort, ".brand"), "Stadt Ort");
    let kreis = read(&out, "kreis/en/index.html");
    assert_eq!(attr(&kreis, ".brand img", "alt").as_deref(), Some("Kreis"));
    assert!(select(&kreis, "link[href$='theme.css']").is_empty());
}

#[test]
fn only_arabic_script_pages_load_the_arabic_font() {
    let (_tmp, out) = built();
    let css = fs::read_to_string(out.join("fonts/arabic.css")).unwrap();
    assert!(css.contains("url(noto-naskh-arabic-400."), "{css}");
    assert!(css.contains("unicode-range: U+0600-06FF"));
    assert!(out.join("fonts/noto-naskh-arabic-400.woff2").is_file());
    assert!(out.join("fonts/OFL.txt").is_file());
    let main_css = fs::read_to_string(out.join("wegweiser.css")).unwrap();
    assert!(!main_css.contains("naskh-arabic-400"));
    let mut arabic = 0;
    for (rel, doc) in html_files(&out) {
        let Some(lang) = attr(&doc, "html", "lang") else {
            continue;
        };
        let raw = fs::read_to_string(out.join(&rel)).unwrap();
        if lang == "ar" {
            arabic += 1;
            let links = select(&doc, "link[rel=stylesheet][href^='/sub/fonts/arabic.']");
            assert_eq!(links.len(), 1, "{rel}");
        } else {
            assert!(
                !raw.contains("arabic.css") && !raw.contains(".woff2"),
                "{rel}"
            );
        }
    }
    assert!(arabic >= 6, "{arabic} Arabic pages");
}

#[test]
fn missing_legal_fields_are_one_error_naming_them_all() {
    let root = fixture("broken/legal_missing_fields");
    let diags = failure(&root);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    let d = errors[0];
    assert_eq!(
        d.file,
        Path::new("content/m/municipality.toml"),
        "{}",
        d.file.display()
    );
    assert_eq!((d.line, d.column), (5, 1));
    for field in [
        "legal_form",
        "representative",
        "supervisory_authority",
        "content_responsible",
        "data_protection_officer",
        "data_protection_authority",
        "accessibility.feedback_email",
        "accessibility.prepared",
        "accessibility.conciliation_url",
    ] {
        assert!(
            d.message.contains(&format!("`{field}`")),
            "{field}: {}",
            d.message
        );
    }
    for present in ["`body`", "`hosting`", "`accessibility.status`"] {
        assert!(!d.message.contains(present), "{present}: {}", d.message);
    }
    assert!(d.hint.as_deref().unwrap().contains("imprint_page"));
}

#[test]
fn an_invalid_colour_is_an_error_at_its_value() {
    let diags = failure(&fixture("broken/theme_bad_color"));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].is_error());
    assert_eq!((diags[0].line, diags[0].column), (6, 17));
    assert!(diags[0].message.contains("`#12345g` is not a colour"));
}

#[test]
fn pale_colours_and_old_statements_warn_with_their_position() {
    let (_tmp, root) = copy_fixture("legal");
    let config = root.join("content/ort/municipality.toml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replace("#004b87", "#3399ff");
    fs::write(&config, text).unwrap();
    let options = BuildOptions {
        root: root.clone(),
        write: false,
        today: Some(jiff::civil::date(2027, 5, 5)),
        ..Default::default()
    };
    let report = build(&options, &NoProgress).unwrap();
    let warnings: Vec<(usize, usize, &str)> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .filter(|d| d.file == Path::new("content/ort/municipality.toml"))
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|(l, c, m)| (*l, *c) == (23, 12) && m.contains("last reviewed on 2026-05-04"))
    );
    assert!(
        warnings
            .iter()
            .any(|(l, c, m)| (*l, *c) == (41, 17) && m.contains("2.94:1") && m.contains("4.5:1"))
    );
    // A year to the day is still in time.
    let options = BuildOptions {
        today: Some(jiff::civil::date(2027, 5, 4)),
        ..options
    };
    let report = build(&options, &NoProgress).unwrap();
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(report.warning_count(), 1, "{messages:?}");
}

#[test]
fn a_legal_reference_to_a_missing_page_is_an_error() {
    let (_tmp, root) = copy_fixture("legal");
    fs::remove_file(root.join("content/kreis/recht/impressum.de.md")).unwrap();
    let diags = failure(&root);
    let d = diags.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(d.file, Path::new("content/kreis/municipality.toml"));
    assert_eq!((d.line, d.column), (6, 16));
    assert!(d.message.contains("no such page"), "{}", d.message);
}

#[test]
fn content_example_links_legal_pages_from_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    build_into(&root, &out, None);
    let mut pages = 0;
    for (rel, doc) in html_files(&out) {
        if rel.split('/').count() < 3 || rel.contains("/_") {
            continue;
        }
        let links = select(&doc, "footer nav.legal-links a");
        assert_eq!(links.len(), 4, "{rel}");
        for a in &links[..3] {
            let href = a.value().attr("href").unwrap();
            let (target, _) = target_of(href, "https://wegweiser.example.org", "", &rel).unwrap();
            assert!(out.join(&target).is_file(), "{rel}: {href}");
        }
        pages += 1;
    }
    assert!(pages > 200, "{pages}");
    // Landkreis Beispiel wrote its imprint; Musterstadt's is generated.
    assert!(out.join("musterstadt/de/impressum/index.html").is_file());
    let written = read(&out, "landkreis-beispiel/de/impressum/index.html");
    assert!(text(&written, "article").contains("Inhalte der Integrationsakteure"));
    assert!(
        out.join("landkreis-beispiel/de/barrierefreiheit/index.html")
            .is_file()
    );
    let start = read(&out, "musterstadt/ar/index.html");
    assert_eq!(select(&start, "nav.offers a").len(), 3);
}
