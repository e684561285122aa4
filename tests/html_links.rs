//! Raw HTML in page bodies (as Integreat writes them) is checked like Markdown, on the
//! fixture portal `tests/fixtures/html-links/` (Musterstadt, base_url
//! `https://musterstadt.example/`): its links and images resolve and are rewritten
//! through the same slots, broken ones are errors at the attribute value, images from
//! other hosts are flagged; absolute links to the portal's own base_url are internal;
//! places, events and news items carry `aliases`. The output is read back with scraper.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, fixture};
use scraper::{Html, Selector};
use wegweiser::base::diagnostics::{Diagnostic, Severity};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

fn options(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        write: true,
        today: Some("2026-12-01".parse().unwrap()),
        ..Default::default()
    }
}

/// `file:line:col: message [hint]` of each diagnostic of `severity`.
fn shown(diagnostics: &[Diagnostic], severity: Severity) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| {
            let mut s = format!(
                "{}:{}:{}: {}",
                d.file.display().to_string().replace('\\', "/"),
                d.line,
                d.column,
                d.message
            );
            if let Some(h) = &d.hint {
                s.push_str(&format!(" [{h}]"));
            }
            s
        })
        .collect()
}

/// Build `root`; the errors when it fails.
fn errors_of(root: &Path) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    match build(&options(root, tmp.path()), &NoProgress) {
        Ok(_) => Vec::new(),
        Err(f) => shown(&f.diagnostics, Severity::Error),
    }
}

fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel).join("index.html");
    Html::parse_document(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

/// The values of `attr` of the elements `css` selects in the article of `html`
/// (`-` for an element without it).
fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    html.select(&sel)
        .map(|e| e.value().attr(attr).unwrap_or("-").to_string())
        .collect()
}

#[test]
fn raw_html_links_and_images_are_resolved_and_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let report = build(&options(&fixture("html-links"), tmp.path()), &NoProgress)
        .unwrap_or_else(|f| panic!("{:#?}", shown(&f.diagnostics, Severity::Error)));
    let out = tmp.path();

    let wohnen = page(out, "musterstadt/de/wohnen");
    assert_eq!(
        attrs(&wohnen, "article a", "href"),
        [
            "/musterstadt/de/arbeit/",
            "/musterstadt/de/arbeit/#jobcenter",
            // Another host: as written.
            "https://integreat.app/augsburg/de/wohnen/",
            // The portal's own base_url, in any case of its host: the site's own URL.
            "/musterstadt/de/arbeit/#beratung",
            "/musterstadt/en/work/",
            // Entity-encoded `../arbeit/` inside right-to-left text.
            "/musterstadt/de/arbeit/",
            // `&#x6a;avascript:` removed, as before.
            "-",
            "#mietvertrag",
            // A Markdown link to the own base_url.
            "/musterstadt/de/arbeit/",
        ]
    );
    assert_eq!(
        attrs(&wohnen, "article img", "src"),
        [
            "https://other.host/x.png",
            "/musterstadt/de/wohnen/plan.svg"
        ]
    );
    assert!(out.join("musterstadt/de/wohnen/plan.svg").is_file());
    // A German page shown to Arabic readers links to the Arabic pages, raw HTML too.
    assert_eq!(
        attrs(&page(out, "musterstadt/ar"), "article a", "href"),
        ["/musterstadt/ar/arbeit/", "/musterstadt/ar/wohnen/"]
    );
    // The English start page links to the translated slug.
    assert_eq!(
        attrs(&page(out, "musterstadt/en"), "article a", "href"),
        ["/musterstadt/en/work/"]
    );
    // Items' texts: raw HTML and own base_url links, in their language.
    assert_eq!(
        attrs(
            &page(out, "musterstadt/de/places/rathaus"),
            ".place-text a",
            "href"
        ),
        ["/musterstadt/de/wohnen/"]
    );
    assert_eq!(
        attrs(
            &page(out, "musterstadt/en/places/rathaus"),
            ".place-text a",
            "href"
        ),
        ["/musterstadt/en/wohnen/"]
    );
    assert_eq!(
        attrs(
            &page(out, "musterstadt/de/events/sprachcafe"),
            ".event-text a",
            "href"
        ),
        ["/musterstadt/de/places/rathaus/"]
    );
    assert_eq!(
        attrs(
            &page(out, "musterstadt/de/news/deutschkurs"),
            "article div[lang] > p a",
            "href"
        ),
        ["/musterstadt/de/arbeit/"]
    );

    assert_eq!(
        shown(&report.diagnostics, Severity::Warning),
        [
            "content/musterstadt/wohnen/_index.de.md:8:14: image `https://other.host/x.png` is loaded from another host: readers' IP addresses are sent there [put the image next to the page and link it relatively]",
            "content/musterstadt/wohnen/_index.de.md:11:7: `href` of raw HTML `<a>` removed: `javascript:alert(1)` is a kind of address that is never published [links and images may use http, https, mailto, tel and geo addresses or relative paths]",
        ]
    );
}

#[test]
fn broken_links_in_raw_html_are_errors_at_their_value() {
    let (_tmp, root) = copy_fixture("html-links");
    fs::write(
        root.join("content/musterstadt/kaputt.de.md"),
        "+++\ntitle = \"Kaputt\"\n+++\n\
<p>Ein <a href=\"arbeit/#nirgends\">Anker</a>, <a href=\"arbiet/\">eine Seite</a>,\n  <a href='https://musterstadt.example/musterstadt/de/arbet/'>eine Adresse</a>.</p>\n\
<div><img src=\"/bild.png\" alt=\"\"> <a href=\"#oben\">oben</a> <a href=wohnen/plan.sgv>Plan</a></div>\n\
\n\
[Markdown](https://musterstadt.example/musterstadt/de/wohnen/#nirgends)\n",
    )
    .unwrap();
    assert_eq!(
        errors_of(&root),
        [
            "content/musterstadt/kaputt.de.md:4:17: link to `arbeit/#nirgends`: anchor `#nirgends` does not exist in content/musterstadt/arbeit/_index.de.md",
            "content/musterstadt/kaputt.de.md:4:55: link to `arbiet/`: there is no such page [did you mean `@/arbeit/`?]",
            "content/musterstadt/kaputt.de.md:5:12: link to `https://musterstadt.example/musterstadt/de/arbet/`: there is no such page [did you mean `/musterstadt/de/arbeit/`?]",
            "content/musterstadt/kaputt.de.md:6:16: link `/bild.png` is an absolute path: it breaks when the portal moves [link the Markdown file relatively (`../wohnen/miete.md`) or from the municipality root (`@/wohnen/miete.md`)]",
            "content/musterstadt/kaputt.de.md:6:44: anchor `#oben` does not exist in content/musterstadt/kaputt.de.md",
            "content/musterstadt/kaputt.de.md:6:68: link to `wohnen/plan.sgv`: there is no such file [did you mean `wohnen/plan.svg`?]",
            "content/musterstadt/kaputt.de.md:8:1: link to `https://musterstadt.example/musterstadt/de/wohnen/#nirgends`: anchor `#nirgends` does not exist in content/musterstadt/wohnen/_index.de.md",
        ]
    );
}

#[test]
fn odd_urls_in_raw_html_do_not_break_the_build() {
    let (_tmp, root) = copy_fixture("html-links");
    let huge = format!("https://other.example/{}", "a".repeat(200_000));
    let body = format!(
        "+++\ntitle = \"Seltsam\"\n+++\n\
<P><A HREF=\"{huge}\">lang</A> <a href=\"https://musterstadt.example.evil.org/musterstadt/de/arbeit/\">fremd</a>\n\
<a href=\"https://musterstadt.example:8443/musterstadt/de/arbeit/\">Port</a> <a href=\"//musterstadt.example/x\">ohne Schema</a>\n\
<a href=\"https://musterstadt.example/\">Portal</a> <a href=\"https://musterstadt.example/musterstadt/\">Wahl</a> <a href=\"https://musterstadt.example/musterstadt/de/search/\">Suche</a> <a href=\"HTTPS://MUSTERSTADT.EXAMPLE/musterstadt/de/wohnen/index.html\">index</a>\n\
<a href=\"jav&#x61;script&colon;alert(1)\">x</a> <a href=\"wwlink:0\">gefälscht</a> <a href=\"\">leer</a> <a title=\"ohne\">kein Ziel</a>\n\
<a href=\"../../../etc/passwd\">raus</a> <img src=\"data:image/png;base64,AAAA\" alt=\"d\"></P>\n"
    );
    fs::write(root.join("content/musterstadt/seltsam.de.md"), body).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let failure = build(&options(&root, tmp.path()), &NoProgress).unwrap_err();
    // Only the links that cannot be followed are errors; nothing panics.
    assert_eq!(
        shown(&failure.diagnostics, Severity::Error),
        [
            "content/musterstadt/seltsam.de.md:7:90: link without a destination",
            "content/musterstadt/seltsam.de.md:8:10: link `../../../etc/passwd` leaves the municipality's folder",
        ]
    );
    fs::write(
        root.join("content/musterstadt/seltsam.de.md"),
        fs::read_to_string(root.join("content/musterstadt/seltsam.de.md"))
            .unwrap()
            .replace(" <a href=\"\">leer</a>", "")
            .replace("../../../etc/passwd", "./seltsam.md"),
    )
    .unwrap();
    build(&options(&root, tmp.path()), &NoProgress)
        .unwrap_or_else(|f| panic!("{:#?}", shown(&f.diagnostics, Severity::Error)));
    let html = page(tmp.path(), "musterstadt/de/seltsam");
    assert_eq!(
        attrs(&html, "article a", "href"),
        [
            huge.as_str(),
            "https://musterstadt.example.evil.org/musterstadt/de/arbeit/",
            "https://musterstadt.example:8443/musterstadt/de/arbeit/",
            "//musterstadt.example/x",
            // The portal's root is not in this municipality: as written.
            "https://musterstadt.example/",
            // What wegweiser generates (the language choice, the search page): as written.
            "https://musterstadt.example/musterstadt/",
            "https://musterstadt.example/musterstadt/de/search/",
            "/musterstadt/de/wohnen/",
            "-",
            "-",
            "-",
            "/musterstadt/de/seltsam/",
        ]
    );
    assert_eq!(attrs(&html, "article img", "src"), ["-"]);
    let written = fs::read_to_string(tmp.path().join("musterstadt/de/seltsam/index.html")).unwrap();
    assert!(!written.to_ascii_lowercase().contains("javascript"));
    assert!(!written.contains("wwlink"));
}

#[test]
fn aliases_of_places_events_and_news_redirect() {
    let tmp = tempfile::tempdir().unwrap();
    build(&options(&fixture("html-links"), tmp.path()), &NoProgress)
        .unwrap_or_else(|f| panic!("{:#?}", shown(&f.diagnostics, Severity::Error)));
    let out = tmp.path();
    for (alias, to) in [
        (
            "musterstadt/de/locations/rathaus",
            "musterstadt/de/places/rathaus",
        ),
        (
            "musterstadt/en/locations/town-hall",
            "musterstadt/en/places/rathaus",
        ),
        (
            "musterstadt/de/events-alt/sprachcafe",
            "musterstadt/de/events/sprachcafe",
        ),
        (
            "musterstadt/de/news-alt/deutschkurs",
            "musterstadt/de/news/deutschkurs",
        ),
    ] {
        let html = page(out, alias);
        let target = format!("https://musterstadt.example/{to}/");
        assert_eq!(
            attrs(&html, "link[rel=canonical]", "href"),
            [target.as_str()]
        );
        assert_eq!(
            attrs(&html, "meta[http-equiv=refresh]", "content"),
            [format!("0; url={target}")]
        );
        assert!(out.join(to).join("index.html").is_file(), "{to}");
    }
    let redirects = fs::read_to_string(out.join("_redirects")).unwrap();
    for line in [
        "/musterstadt/de/locations/rathaus/  /musterstadt/de/places/rathaus/  301!",
        "/musterstadt/en/locations/town-hall/  /musterstadt/en/places/rathaus/  301!",
        "/musterstadt/de/events-alt/sprachcafe/  /musterstadt/de/events/sprachcafe/  301!",
        "/musterstadt/de/news-alt/deutschkurs/  /musterstadt/de/news/deutschkurs/  301!",
    ] {
        assert!(
            redirects.lines().any(|l| l == line),
            "{line} in\n{redirects}"
        );
    }
}

#[test]
fn item_aliases_that_collide_are_errors_at_the_alias() {
    let (_tmp, root) = copy_fixture("html-links");
    let edit = |rel: &str, from: &str, to: &str| {
        let path = root.join("content/musterstadt").join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel}");
        fs::write(&path, text.replace(from, to)).unwrap();
    };
    // A news item's old URL where a page is; an event's inside the event pages; a
    // place's the same as the news item's old URL; one that is not a path.
    edit(
        "news/deutschkurs.md",
        "/musterstadt/de/news-alt/deutschkurs/",
        "/musterstadt/de/wohnen/",
    );
    edit(
        "events/sprachcafe.md",
        "/musterstadt/de/events-alt/sprachcafe/",
        "/musterstadt/de/events/alt/",
    );
    edit(
        "places/rathaus.md",
        "[\"/musterstadt/de/locations/rathaus/\"]",
        "[\"musterstadt/alt\", \"/musterstadt/de/arbeit/\"]",
    );
    assert_eq!(
        errors_of(&root),
        [
            "content/musterstadt/events/sprachcafe.md:6:12: alias `/musterstadt/de/events/alt/` would be written to /musterstadt/de/events/alt/, where wegweiser puts the event pages [choose another alias]",
            "content/musterstadt/news/deutschkurs.md:4:12: an alias would be written to /musterstadt/de/wohnen/, which content/musterstadt/wohnen/_index.de.md already uses [give one of them another `slug`]",
            "content/musterstadt/places/rathaus.md:0:0: alias `musterstadt/alt` is not a path from the site root [write old URLs like \"/musterstadt/de/old-name/\"]",
            "content/musterstadt/places/rathaus.md:5:31: an alias would be written to /musterstadt/de/arbeit/, which content/musterstadt/arbeit/_index.de.md already uses [give one of them another `slug`]",
        ]
    );
}
