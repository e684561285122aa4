//! Discoverability (issue 8): meta description, Open Graph, Twitter card, JSON-LD,
//! robots.txt, the QR codes (decoded with a QR reader), the poster page and the share
//! links, on tests/fixtures/discover (German, Arabic with native-script slugs, English;
//! a PNG logo; a title that tries to end its script element) and on content-example.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use scraper::Html;
use serde_json::Value;

const ORIGIN: &str = "https://portal.example.org";

/// The fixture, built once for all tests of this file.
fn site() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build_into(&fixture("discover"), &out, None);
        (tmp, out)
    });
    out
}

fn page(rel: &str) -> Html {
    let path = site().join(rel).join("index.html");
    Html::parse_document(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

fn meta(doc: &Html, key: &str) -> Option<String> {
    attr(doc, &format!("meta[property=\"{key}\"]"), "content")
        .or_else(|| attr(doc, &format!("meta[name=\"{key}\"]"), "content"))
}

fn metas(doc: &Html, key: &str) -> Vec<String> {
    select(doc, &format!("meta[property=\"{key}\"]"))
        .iter()
        .filter_map(|e| e.value().attr("content").map(str::to_string))
        .collect()
}

/// Every JSON-LD block of a page, parsed.
fn json_ld(doc: &Html) -> Vec<Value> {
    select(doc, "script[type=\"application/ld+json\"]")
        .iter()
        .map(|e| {
            let text: String = e.text().collect();
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"))
        })
        .collect()
}

fn of_type<'a>(blocks: &'a [Value], t: &str) -> Option<&'a Value> {
    blocks.iter().find(|b| b["@type"] == t)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// Read a QR code SVG as wegweiser writes it (a `viewBox` in modules, one `<path>`
/// stroked one module wide through the middle of each row: `M x y.5` starts a row,
/// `h n` draws a run of dark modules, `m gap 0` skips light ones), draw it 6 pixels to
/// a module, and decode it.
fn decode_qr(svg: &str) -> String {
    let size: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a viewBox");
    assert!(svg.contains("<path stroke=\"#000\" d=\""), "{svg}");
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a path");
    let mut dark = vec![false; size * size];
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let mut rest = d;
    while let Some(command) = rest.chars().next() {
        let end = rest[1..]
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or(rest.len(), |i| i + 1);
        let args: Vec<f64> = rest[1..end]
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        match command {
            'M' => (x, y) = (args[0], args[1]),
            'm' => (x, y) = (x + args[0], y + args[1]),
            'h' => {
                let row = y.floor() as usize;
                for i in x as usize..(x + args[0]) as usize {
                    dark[row * size + i] = true;
                }
                x += args[0];
            }
            other => panic!("unexpected path command {other}"),
        }
        rest = &rest[end..];
    }
    let scale = 6;
    let px = size * scale;
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(px, px, |x, y| {
        dark[(y / scale) * size + x / scale]
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (meta, text) = grids[0].decode().expect("the code decodes");
    // Error correction level M (rqrr numbers M as 0).
    assert_eq!(meta.ecc_level, 0, "level M");
    text
}

fn qr_of(rel: &str) -> String {
    decode_qr(&fs::read_to_string(site().join(rel).join("qr.svg")).unwrap())
}

#[test]
fn german_start_page_has_description_open_graph_and_twitter_card() {
    let doc = page("m/de");
    let description = "Der Wegweiser für Neuzugewanderte in Musterheim: Ämter, Deutschkurse, \
                       Arbeit, Wohnen.";
    assert_eq!(meta(&doc, "description").unwrap(), description);
    assert_eq!(meta(&doc, "og:type").unwrap(), "website");
    assert_eq!(meta(&doc, "og:title").unwrap(), "Willkommen in Musterheim");
    assert_eq!(meta(&doc, "og:description").unwrap(), description);
    assert_eq!(meta(&doc, "og:url").unwrap(), format!("{ORIGIN}/p/m/de/"));
    assert_eq!(meta(&doc, "og:site_name").unwrap(), "Musterheim");
    assert_eq!(meta(&doc, "og:locale").unwrap(), "de_DE");
    assert_eq!(metas(&doc, "og:locale:alternate"), ["ar_AR", "en_US"]);
    // The logo is a PNG: link previews can show it.
    assert_eq!(
        meta(&doc, "og:image").unwrap(),
        format!("{ORIGIN}/p/m/_theme/logo.png")
    );
    assert_eq!(meta(&doc, "twitter:card").unwrap(), "summary");
    assert_eq!(
        meta(&doc, "twitter:title").unwrap(),
        "Willkommen in Musterheim"
    );
    assert_eq!(meta(&doc, "twitter:description").unwrap(), description);
    assert_eq!(
        attr(&doc, "link[rel=canonical]", "href").unwrap(),
        format!("{ORIGIN}/p/m/de/")
    );
}

#[test]
fn arabic_page_has_arabic_locale_and_its_translations_as_alternates() {
    let doc = page("m/ar/السكن/تسجيل");
    let url =
        format!("{ORIGIN}/p/m/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/%D8%AA%D8%B3%D8%AC%D9%8A%D9%84/");
    assert_eq!(meta(&doc, "og:locale").unwrap(), "ar_AR");
    // The English reader is shown the German text: only German has its own translation.
    assert_eq!(metas(&doc, "og:locale:alternate"), ["de_DE"]);
    assert_eq!(meta(&doc, "og:type").unwrap(), "article");
    assert_eq!(meta(&doc, "og:title").unwrap(), "تسجيل السكن");
    assert_eq!(meta(&doc, "og:url").unwrap(), url);
    // No front matter description: the first paragraph, in Arabic.
    assert_eq!(
        meta(&doc, "description").unwrap(),
        "من ينتقل إلى موسترهايم يسجل سكنه في مكتب المواطنين خلال أسبوعين."
    );
    assert_eq!(qr_of("m/ar/السكن/تسجيل"), url);
}

#[test]
fn description_from_the_first_paragraph_is_cut_on_a_word() {
    let doc = page("m/de/wohnen/anmeldung");
    let d = meta(&doc, "description").unwrap();
    assert!(d.chars().count() <= 160, "{d}");
    assert!(
        d.starts_with("Wer nach Musterheim zieht, meldet sich innerhalb von zwei Wochen"),
        "the first paragraph, not the heading: {d}"
    );
    assert!(d.ends_with('…'), "{d}");
    assert!(!d.contains("**") && !d.contains('<'), "plain text: {d}");
    assert!(!d.contains("Zweiter"), "{d}");
    assert_eq!(meta(&doc, "og:description").unwrap(), d);
}

#[test]
fn start_page_describes_the_municipality_as_government_organization() {
    let blocks = json_ld(&page("m/de"));
    let org = of_type(&blocks, "GovernmentOrganization").expect("an organization");
    assert_eq!(org["@context"], "https://schema.org");
    assert_eq!(org["name"], "Musterheim");
    assert_eq!(org["url"], format!("{ORIGIN}/p/m/de/"));
    assert_eq!(org["logo"], format!("{ORIGIN}/p/m/_theme/logo.png"));
    assert_eq!(org["address"], "Marktplatz 1, 12345 Musterheim");
    assert_eq!(org["email"], "integration@musterheim.example");
    assert_eq!(org["telephone"], "+49 1234 99-0");
    assert_eq!(
        org["availableLanguage"],
        serde_json::json!(["de", "ar", "en"])
    );
    assert_eq!(org["areaServed"][0]["name"], "Musterheim");
    assert_eq!(org["areaServed"][1]["name"], "Unterdorf");
    // Only start pages carry it; a start page has no breadcrumbs.
    assert!(of_type(&blocks, "BreadcrumbList").is_none());
    let deep = json_ld(&page("m/de/wohnen/anmeldung"));
    assert!(of_type(&deep, "GovernmentOrganization").is_none());
}

#[test]
fn deep_page_has_its_breadcrumbs_as_json_ld() {
    let blocks = json_ld(&page("m/ar/السكن/تسجيل"));
    let list = of_type(&blocks, "BreadcrumbList").expect("breadcrumbs");
    let items = list["itemListElement"].as_array().unwrap();
    let expected = [
        ("أهلًا بكم في موسترهايم", format!("{ORIGIN}/p/m/ar/")),
        (
            "السكن",
            format!("{ORIGIN}/p/m/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/"),
        ),
        (
            "تسجيل السكن",
            format!(
                "{ORIGIN}/p/m/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/%D8%AA%D8%B3%D8%AC%D9%8A%D9%84/"
            ),
        ),
    ];
    assert_eq!(items.len(), expected.len());
    for (i, (item, (name, url))) in items.iter().zip(&expected).enumerate() {
        assert_eq!(item["@type"], "ListItem");
        assert_eq!(item["position"], i + 1);
        assert_eq!(item["name"], *name);
        assert_eq!(item["item"], *url);
    }
}

#[test]
fn a_title_cannot_break_out_of_json_ld_or_attributes() {
    let title = "Zeiten </script><script>alert(\"x\")</script> & 'mehr'";
    let path = site().join("m/de/hilfe/zeiten/index.html");
    let html = fs::read_to_string(&path).unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    let doc = Html::parse_document(&html);
    let blocks = json_ld(&doc);
    let list = of_type(&blocks, "BreadcrumbList").unwrap();
    assert_eq!(list["itemListElement"][2]["name"], title);
    assert_eq!(meta(&doc, "og:title").unwrap(), title);
    assert_eq!(
        meta(&doc, "description").unwrap(),
        "Wann \"offen\" ist </script> & mehr"
    );
    // Exactly the two scripts the page has: the breadcrumbs and the share button.
    assert_eq!(
        select(&doc, "script").len(),
        2 + select(&doc, "head script[src]").len()
    );
}

#[test]
fn robots_txt_names_the_sitemap_and_keeps_dashboards_out() {
    let robots = fs::read_to_string(site().join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        format!("User-agent: *\nDisallow: /p/*/_status/\n\nSitemap: {ORIGIN}/p/sitemap.xml\n")
    );
    assert!(site().join("m/_status/index.html").exists());
}

#[test]
fn qr_codes_encode_the_pages_absolute_urls() {
    assert_eq!(qr_of("m/de"), format!("{ORIGIN}/p/m/de/"));
    assert_eq!(
        qr_of("m/de/wohnen/anmeldung"),
        format!("{ORIGIN}/p/m/de/wohnen/anmeldung/")
    );
    assert_eq!(
        qr_of("m/ar/السكن"),
        format!("{ORIGIN}/p/m/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/")
    );
    // Every page readers see has one, and the page shows it.
    for (rel, doc) in html_files(site()) {
        let Some(src) = attr(&doc, ".share-qr img", "src") else {
            continue;
        };
        let dir = rel.strip_suffix("index.html").unwrap();
        assert_eq!(percent_decode(&src), format!("/p/{dir}qr.svg"), "{rel}");
        assert!(site().join(dir).join("qr.svg").exists(), "{rel}");
    }
}

#[test]
fn poster_has_a_labelled_code_of_the_start_page_in_every_language() {
    let doc = page("m/ar/poster");
    assert_eq!(attr(&doc, "html", "lang").unwrap(), "ar");
    assert_eq!(attr(&doc, "html", "dir").unwrap(), "rtl");
    assert_eq!(meta(&doc, "robots").unwrap(), "noindex");
    assert!(
        select(&doc, ".share").is_empty(),
        "no share section on the poster"
    );
    let codes = select(&doc, ".poster-codes li");
    let expected = [
        (
            "de",
            "ltr",
            "Scannen Sie den Code für Informationen auf Deutsch",
        ),
        ("ar", "rtl", "امسح الرمز للحصول على معلومات باللغة العربية"),
        ("en", "ltr", "Scan for information in English"),
    ];
    assert_eq!(codes.len(), expected.len());
    for (li, (lang, dir, label)) in codes.iter().zip(expected) {
        assert_eq!(li.value().attr("lang"), Some(lang));
        assert_eq!(li.value().attr("dir"), Some(dir));
        let text: String = li.text().collect();
        assert!(text.contains(label), "{text}");
        let src = li
            .select(&scraper::Selector::parse("img").unwrap())
            .next()
            .and_then(|i| i.value().attr("src").map(str::to_string))
            .unwrap();
        assert!(src.starts_with("/p/"), "{src}");
        let svg = fs::read_to_string(site().join(percent_decode(&src[3..]))).unwrap();
        assert_eq!(decode_qr(&svg), format!("{ORIGIN}/p/m/{lang}/"));
    }
    // Every page links to its municipality's poster in the reader's language.
    assert_eq!(
        attr(
            &page("m/de/wohnen"),
            ".share-links a[href$=\"/poster/\"]",
            "href"
        )
        .unwrap(),
        "/p/m/de/poster/"
    );
}

#[test]
fn share_links_carry_the_title_and_the_address() {
    let doc = page("m/ar/السكن/تسجيل");
    let url =
        format!("{ORIGIN}/p/m/ar/%D8%A7%D9%84%D8%B3%D9%83%D9%86/%D8%AA%D8%B3%D8%AC%D9%8A%D9%84/");
    let hrefs: Vec<String> = select(&doc, ".share-links a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    let mailto = hrefs.iter().find(|h| h.starts_with("mailto:")).unwrap();
    let query = mailto.strip_prefix("mailto:?").unwrap();
    let (subject, body) = query.split_once('&').unwrap();
    assert_eq!(
        percent_decode(subject.strip_prefix("subject=").unwrap()),
        "تسجيل السكن"
    );
    assert_eq!(
        percent_decode(body.strip_prefix("body=").unwrap()),
        format!("تسجيل السكن\r\n{url}")
    );
    let whatsapp = hrefs
        .iter()
        .find(|h| h.starts_with("https://wa.me/?text="))
        .unwrap();
    assert_eq!(
        percent_decode(whatsapp.strip_prefix("https://wa.me/?text=").unwrap()),
        format!("تسجيل السكن {url}")
    );
    // Without JavaScript the address is text to select; the copy button waits for
    // share.js, which announces the copy in a status element.
    assert_eq!(text(&doc, ".share-url-text"), url);
    assert_eq!(attr(&doc, ".share-url-text", "dir").unwrap(), "ltr");
    assert!(attr(&doc, "button.copy-link", "hidden").is_some());
    assert_eq!(attr(&doc, "button.copy-link", "data-url").unwrap(), url);
    assert_eq!(attr(&doc, ".copy-status", "role").unwrap(), "status");
    // Nothing is loaded from another host.
    for (_, doc) in html_files(site()) {
        for (css, name) in [
            ("script[src]", "src"),
            ("img", "src"),
            ("link[rel=stylesheet]", "href"),
        ] {
            for e in select(&doc, css) {
                let v = e.value().attr(name).unwrap();
                assert!(v.starts_with('/'), "{v}");
            }
        }
    }
}

#[test]
fn a_page_where_the_poster_goes_is_reported() {
    let (_tmp, root) = copy_fixture("discover");
    fs::write(
        root.join("content/m/aushang.de.md"),
        "+++\ntitle = \"Aushang\"\nslug = \"poster\"\n+++\nText.\n",
    )
    .unwrap();
    let options = wegweiser::BuildOptions {
        root: root.clone(),
        output: Some(root.join("public")),
        write: true,
        ..Default::default()
    };
    let failure = wegweiser::build(&options, &wegweiser::render::NoProgress)
        .expect_err("the page collides with the poster");
    let d = failure
        .diagnostics
        .iter()
        .find(|d| d.message.contains("where wegweiser puts the poster page"))
        .unwrap_or_else(|| panic!("{:?}", failure.diagnostics));
    assert!(d.file.ends_with("content/m/aushang.de.md"), "{d}");
    assert_eq!((d.line, d.column), (3, 1), "{d}");
    assert!(
        !root.join("public").exists(),
        "a failed build writes nothing"
    );
}

#[test]
fn content_example_pages_have_what_previews_need() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let options = wegweiser::BuildOptions {
        root,
        output: Some(out.clone()),
        write: true,
        today: Some(jiff::civil::date(2026, 11, 25)),
        ..Default::default()
    };
    wegweiser::build(&options, &wegweiser::render::NoProgress).expect("content-example builds");
    let mut pages = 0;
    for (rel, doc) in html_files(&out) {
        if meta(&doc, "og:url").is_none() {
            continue;
        }
        pages += 1;
        // Both municipalities have only SVG emblems: no og:image rather than one that
        // previews ignore.
        assert!(meta(&doc, "og:image").is_none(), "{rel}");
        assert!(meta(&doc, "og:locale").is_some(), "{rel}");
        for block in json_ld(&doc) {
            assert_eq!(block["@context"], "https://schema.org", "{rel}");
        }
        let dir = rel.strip_suffix("index.html").unwrap();
        assert!(out.join(dir).join("qr.svg").exists(), "{rel}");
    }
    assert!(pages > 500, "{pages} pages with Open Graph");
    let start =
        Html::parse_document(&fs::read_to_string(out.join("musterstadt/ar/index.html")).unwrap());
    let org = json_ld(&start);
    let org = of_type(&org, "GovernmentOrganization").unwrap();
    assert_eq!(
        org["logo"],
        "https://wegweiser.example.org/musterstadt/_theme/wappen.svg"
    );
    let poster = fs::read_to_string(out.join("landkreis-beispiel/de/poster/index.html")).unwrap();
    let doc = Html::parse_document(&poster);
    assert_eq!(select(&doc, ".poster-codes li").len(), 8);
}

#[test]
fn head_block_snapshot() {
    let doc = page("m/de/wohnen/anmeldung");
    let lines: Vec<String> = select(
        &doc,
        "meta[name=description], link[rel=canonical], meta[property], meta[name^=twitter], \
         script[type=\"application/ld+json\"]",
    )
    .iter()
    .map(|e| e.html())
    .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
