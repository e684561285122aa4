//! The XSS fixture (tests/fixtures/xss: OWASP filter-evasion vectors and Markdown's own,
//! in page bodies, front matter, municipality.toml and actors.toml) builds into pages
//! that an independent HTML parser (scraper, on html5ever as browsers parse) finds free
//! of scripts, event handlers, styles and URLs outside the allow-list; and every vector
//! that had something removed is reported with file, line and column.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{build_into, fixture, html_files, tree};
use scraper::Html;

/// Attributes holding URLs, as browsers read them.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "cite",
    "poster",
    "data",
    "background",
    "longdesc",
    "ping",
    "xlink:href",
    "dynsrc",
    "lowsrc",
];

/// The scheme of `url` as the URL standard reads it (written here independently of
/// wegweiser's `safe_url`): leading C0 controls and spaces stripped, tabs and newlines
/// removed, then an ASCII letter followed by letters, digits, `+`, `-`, `.` up to `:`.
fn scheme(url: &str) -> Option<String> {
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

fn url_allowed(url: &str) -> bool {
    scheme(url).is_none_or(|s| ["http", "https", "mailto", "tel", "geo"].contains(&s.as_str()))
}

/// Everything in `doc` that could run a script or restyle the page, as `file: what`.
fn dangers(file: &str, doc: &Html, found: &mut Vec<String>) {
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        let mut say = |what: String| found.push(format!("{file}: {what}"));
        match name {
            "script" => {
                // The theme's own: external same-site files, and JSON-LD data.
                let text: String = scraper::ElementRef::wrap(node).unwrap().text().collect();
                match (el.attr("src"), el.attr("type")) {
                    (Some(src), None | Some("module"))
                        if src.starts_with('/') && text.is_empty() => {}
                    (None, Some("application/ld+json"))
                        if serde_json::from_str::<serde_json::Value>(&text).is_ok() => {}
                    _ => say(format!("<script> {:?} {text:?}", el.attr("src"))),
                }
            }
            "style" | "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base"
            | "math" | "template" | "noscript" | "xss" | "x" | "isindex" | "video" | "audio"
            | "source" | "bgsound" | "marquee" | "plaintext" | "textarea" | "select" | "keygen" => {
                say(format!("<{name}>"))
            }
            "meta" => {
                if let Some(equiv) = el.attr("http-equiv") {
                    // Alias pages refresh to a page of the portal; nothing else may.
                    let content = el.attr("content").unwrap_or("");
                    let url = content.split_once("url=").map_or("", |(_, u)| u);
                    if !equiv.eq_ignore_ascii_case("refresh") || !url.starts_with('/') {
                        say(format!("<meta http-equiv={equiv:?} content={content:?}>"));
                    }
                }
            }
            "link" => {
                let rel = el.attr("rel").unwrap_or("");
                if rel.contains("import") {
                    say(format!("<link rel={rel:?}>"));
                }
            }
            _ => {}
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                say(format!("<{name} {attr}={value:?}>"));
            }
            if attr == "style" {
                say(format!("<{name} style={value:?}>"));
            }
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                let urls: Vec<&str> = if attr == "srcset" {
                    value
                        .split(',')
                        .map(|c| c.split_whitespace().next().unwrap_or(""))
                        .collect()
                } else {
                    vec![value]
                };
                for url in urls {
                    if !url_allowed(url) {
                        say(format!("<{name} {attr}={url:?}>"));
                    }
                }
            }
        }
    }
}

#[test]
fn no_vector_survives_into_the_built_site() {
    let out = tempfile::tempdir().unwrap();
    build_into(&fixture("xss"), out.path(), Some(2));
    let files = html_files(out.path());
    assert!(files.len() >= 6, "{} HTML files", files.len());
    let mut found = Vec::new();
    for (file, doc) in &files {
        dangers(file, doc, &mut found);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));

    // The text people wrote is still there, shown as text.
    let (_, start) = files
        .iter()
        .find(|(f, _)| f == "x/de/index.html")
        .expect("start page");
    let title: String = start.root_element().text().collect();
    assert!(title.contains("Start <script>alert(1)</script>"), "{title}");
    let (_, markdown) = files
        .iter()
        .find(|(f, _)| f == "x/de/markdown/index.html")
        .expect("markdown page");
    let text: String = markdown.root_element().text().collect();
    for kept in [
        "inline",
        "table link",
        "alert link",
        "footnote link",
        "Focus",
    ] {
        assert!(text.contains(kept), "link text {kept:?} is kept");
    }
    // Internal links still work.
    assert!(
        start
            .select(&scraper::Selector::parse("article a[href='/x/de/markdown/']").unwrap())
            .next()
            .is_some()
    );
}

/// Every vector page's body is blocks separated by blank lines, one vector each: each
/// block must have a warning inside it, at a line and column of the file.
#[test]
fn every_removal_is_reported_where_it_was_written() {
    let out = tempfile::tempdir().unwrap();
    let report = build_into(&fixture("xss"), out.path(), Some(2));
    let mut warned: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for d in &report.diagnostics {
        assert!(!d.is_error(), "{d}");
        let file = d.file.to_string_lossy().replace('\\', "/");
        assert!(d.line > 0 && d.column > 0, "{d} has no position");
        warned.entry(file).or_default().insert(d.line);
    }
    let root = fixture("xss");
    let mut missing = Vec::new();
    let mut vectors = 0;
    for page in [
        "markdown",
        "markdown-only",
        "tags",
        "attributes",
        "obfuscated",
    ] {
        let rel = format!("content/x/{page}.de.md");
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let body_start = 1 + lines[1..].iter().position(|l| *l == "+++").unwrap() + 1;
        let warned = warned.get(&rel).cloned().unwrap_or_default();
        let mut block: Vec<usize> = Vec::new();
        for n in body_start..=lines.len() {
            let line = lines.get(n).copied().unwrap_or("");
            if !line.trim().is_empty() {
                block.push(n + 1);
                continue;
            }
            if block.is_empty() {
                continue;
            }
            vectors += 1;
            if !block.iter().any(|l| warned.contains(l)) {
                missing.push(format!("{rel}:{}: {}", block[0], lines[block[0] - 1]));
            }
            block.clear();
        }
    }
    assert!(vectors >= 150, "{vectors} vectors");
    assert!(
        missing.is_empty(),
        "removed without a warning:\n{}",
        missing.join("\n")
    );
}

/// The vectors that Markdown shows as text (code, escapes, tags CommonMark does not
/// read as tags) are shown as text: nothing to remove, no warning.
#[test]
fn vectors_markdown_shows_as_text_stay_text() {
    let out = tempfile::tempdir().unwrap();
    let report = build_into(&fixture("xss"), out.path(), Some(2));
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.file.ends_with("escaped.de.md")),
        "{:?}",
        report.diagnostics
    );
    let files = tree(out.path());
    let page = String::from_utf8(files["x/de/escaped/index.html"].clone()).unwrap();
    assert!(page.contains("&lt;IMG SRC=javascript:alert('XSS')&gt;"));
    assert!(page.contains("&lt;svg/onload=alert('XSS')&gt;"));
}
