//! `sitemap.xml` and `robots.txt`: built from the fixtures and read back with a small
//! namespace-aware XML reader (below), since an HTML parser does not check XML, and the
//! sitemap's few constructs do not need an XML crate.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use common::*;
use wegweiser::build::pipeline::{BuildOptions, load_site};
use wegweiser::output::sitemap::{self, Limits};
use wegweiser::{Diagnostics, model::Site};

const ORIGIN: &str = "https://portal.example.org";
const BASE: &str = "/sub";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

fn basic() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture("basic"), &out, None);
    (tmp, out)
}

fn site(name: &str, base_url: Option<&str>) -> Site {
    let options = BuildOptions {
        root: fixture(name),
        base_url: base_url.map(str::to_string),
        ..Default::default()
    };
    let mut diagnostics = Diagnostics::new();
    let (site, _) = load_site(&options, &mut diagnostics).expect("fixture loads");
    site
}

/// One `<url>`: its loc and its alternates (hreflang → href).
#[derive(Debug)]
struct Url {
    loc: String,
    alternates: BTreeMap<String, String>,
}

fn urlset(xml: &str) -> Vec<Url> {
    let root = parse(xml);
    assert_eq!(root.name, (SITEMAP_NS.to_string(), "urlset".to_string()));
    root.children
        .iter()
        .map(|url| {
            assert_eq!(url.name, (SITEMAP_NS.to_string(), "url".to_string()));
            let locs: Vec<&Element> = url.children_named(SITEMAP_NS, "loc").collect();
            assert_eq!(locs.len(), 1, "one <loc> per <url>");
            let mut alternates = BTreeMap::new();
            for link in url.children_named(XHTML_NS, "link") {
                assert_eq!(link.attr("rel"), Some("alternate"));
                let hreflang = link.attr("hreflang").expect("hreflang").to_string();
                let href = link.attr("href").expect("href").to_string();
                assert!(
                    alternates.insert(hreflang.clone(), href).is_none(),
                    "{hreflang} twice in {}",
                    locs[0].text
                );
            }
            assert_eq!(
                url.children.len(),
                1 + alternates.len(),
                "only <loc> and <xhtml:link> in <url>"
            );
            Url {
                loc: locs[0].text.clone(),
                alternates,
            }
        })
        .collect()
}

/// The output file an absolute site URL leads to.
fn file_of(url: &str) -> String {
    assert!(url.starts_with(&format!("{ORIGIN}{BASE}/")), "{url}");
    target_of(url, ORIGIN, BASE, "").expect("on the site").0
}

#[test]
fn every_loc_is_a_rendered_page_and_every_canonical_page_is_listed() {
    let (_tmp, out) = basic();
    let urls = urlset(&fs::read_to_string(out.join("sitemap.xml")).unwrap());
    let files = tree(&out);
    let listed: BTreeSet<String> = urls.iter().map(|u| file_of(&u.loc)).collect();
    assert_eq!(listed.len(), urls.len(), "no URL twice");
    for file in &listed {
        assert!(file.ends_with("index.html"), "{file}");
        assert!(files.contains_key(file), "{file} is listed but not written");
    }
    // Every page whose canonical URL is its own is listed (and nothing else: 404 and
    // forwarding pages have none, fallback pages have another page's).
    let canonical: BTreeSet<String> = html_files(&out)
        .into_iter()
        .filter(|(rel, doc)| {
            attr(doc, "link[rel=canonical]", "href").is_some_and(|href| file_of(&href) == *rel)
        })
        .map(|(rel, _)| rel)
        .collect();
    assert_eq!(listed, canonical);
    for expected in [
        "index.html",
        "stadt/index.html",
        "dorf/index.html",
        "stadt/de/index.html",
        "stadt/de-si/wohnen/anmeldung/index.html",
        "stadt/ar/السكن/الإيجار/index.html",
        // A section without any `_index` file, in every language.
        "stadt/de-si/arbeit/anerkennung/index.html",
    ] {
        assert!(listed.contains(expected), "{expected} missing");
    }
}

#[test]
fn fallback_404_and_forwarding_pages_are_left_out() {
    let (_tmp, out) = basic();
    let urls = urlset(&fs::read_to_string(out.join("sitemap.xml")).unwrap());
    let listed: BTreeSet<String> = urls.iter().map(|u| file_of(&u.loc)).collect();
    for fallback in [
        // de-si and en show the German page.
        "stadt/de-si/wohnen/miete/index.html",
        "stadt/en/wohnen/miete/index.html",
        "stadt/en/arbeit/index.html",
    ] {
        assert!(out.join(fallback).is_file(), "{fallback} is rendered");
        assert!(!listed.contains(fallback), "{fallback} is a fallback page");
    }
    assert!(out.join("dorf/de/alt/index.html").is_file());
    assert!(
        !listed.contains("dorf/de/alt/index.html"),
        "forwarding page"
    );
    assert!(!urls.iter().any(|u| u.loc.contains("404")));
    assert!(!urls.iter().any(|u| u.loc.contains("/_status/")));
    // Every listed page declares itself canonical.
    for u in &urls {
        let rel = file_of(&u.loc);
        let doc = scraper::Html::parse_document(&fs::read_to_string(out.join(&rel)).unwrap());
        assert_eq!(
            attr(&doc, "link[rel=canonical]", "href").as_deref(),
            Some(u.loc.as_str()),
            "{rel}"
        );
    }
}

#[test]
fn alternates_are_symmetric_with_x_default() {
    let (_tmp, out) = basic();
    let urls = urlset(&fs::read_to_string(out.join("sitemap.xml")).unwrap());
    let by_loc: BTreeMap<&str, &Url> = urls.iter().map(|u| (u.loc.as_str(), u)).collect();
    let neutral = [
        format!("{ORIGIN}{BASE}/"),
        format!("{ORIGIN}{BASE}/stadt/"),
        format!("{ORIGIN}{BASE}/dorf/"),
    ];
    for u in &urls {
        if neutral.contains(&u.loc) {
            assert!(u.alternates.is_empty(), "{}", u.loc);
            continue;
        }
        assert!(
            u.alternates.values().any(|href| *href == u.loc),
            "{} lists itself",
            u.loc
        );
        let default = u.alternates.get("x-default").expect("x-default");
        for (lang, href) in &u.alternates {
            let other = by_loc
                .get(href.as_str())
                .unwrap_or_else(|| panic!("{lang} alternate {href} of {} is not listed", u.loc));
            assert_eq!(
                other.alternates, u.alternates,
                "{} and {href} list different alternates",
                u.loc
            );
        }
        assert!(
            u.alternates
                .iter()
                .any(|(lang, href)| lang != "x-default" && href == default),
            "x-default of {} is one of its translations",
            u.loc
        );
    }
    let anmeldung = by_loc[format!("{ORIGIN}{BASE}/stadt/en/wohnen/registration/").as_str()];
    let langs: Vec<&str> = anmeldung.alternates.keys().map(String::as_str).collect();
    assert_eq!(langs, ["ar", "de", "de-si", "en", "x-default"]);
    assert_eq!(
        anmeldung.alternates["x-default"],
        format!("{ORIGIN}{BASE}/stadt/de/wohnen/anmeldung/")
    );
    // Only the translations that exist: no fallback URLs among the alternates.
    let miete = by_loc[format!("{ORIGIN}{BASE}/stadt/de/wohnen/miete/").as_str()];
    let langs: Vec<&str> = miete.alternates.keys().map(String::as_str).collect();
    assert_eq!(langs, ["ar", "de", "x-default"]);
}

#[test]
fn order_is_municipality_page_language() {
    let site = site("basic", None);
    let locs: Vec<String> = sitemap::entries(&site).into_iter().map(|e| e.loc).collect();
    let mut expected = vec![format!("{ORIGIN}{BASE}/")];
    for m in &site.municipalities {
        expected.push(format!("{ORIGIN}{BASE}/{}/", m.slug));
        for p in &m.pages {
            for (lang, l) in p.localized.iter().enumerate() {
                if let Some(l) = l.as_ref().filter(|l| l.shown.is_none_or(|s| s == lang)) {
                    expected.push(format!("{ORIGIN}{}", l.url));
                }
            }
        }
    }
    assert_eq!(locs, expected);
    assert_eq!(
        sitemap::files(&site, Limits::default()),
        sitemap::files(&site, Limits::default()),
        "deterministic"
    );
}

#[test]
fn split_with_limit_3_makes_an_index_and_parts() {
    let site = site("basic", None);
    let whole = sitemap::files(&site, Limits::default());
    assert_eq!(whole.len(), 1, "the fixture fits in one file");
    assert_eq!(whole[0].0, "sitemap.xml");
    let all: Vec<String> = urlset(&whole[0].1).into_iter().map(|u| u.loc).collect();

    let files = sitemap::files(
        &site,
        Limits {
            urls: 3,
            ..Limits::default()
        },
    );
    let parts = all.len().div_ceil(3);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut expected = vec!["sitemap.xml".to_string()];
    expected.extend((1..=parts).map(|i| format!("sitemap-{i}.xml")));
    assert_eq!(names, expected);

    let index = parse(&files[0].1);
    assert_eq!(
        index.name,
        (SITEMAP_NS.to_string(), "sitemapindex".to_string())
    );
    let listed: Vec<String> = index
        .children
        .iter()
        .map(|s| {
            assert_eq!(s.name, (SITEMAP_NS.to_string(), "sitemap".to_string()));
            s.children_named(SITEMAP_NS, "loc")
                .next()
                .unwrap()
                .text
                .clone()
        })
        .collect();
    let part_urls: Vec<String> = (1..=parts)
        .map(|i| format!("{ORIGIN}{BASE}/sitemap-{i}.xml"))
        .collect();
    assert_eq!(listed, part_urls);

    let mut again = Vec::new();
    for (name, xml) in &files[1..] {
        let urls = urlset(xml);
        assert!(
            !urls.is_empty() && urls.len() <= 3,
            "{name}: {}",
            urls.len()
        );
        again.extend(urls.into_iter().map(|u| u.loc));
    }
    assert_eq!(again, all, "the parts hold every URL once, in order");

    // At the limit: still one file.
    let exact = sitemap::files(
        &site,
        Limits {
            urls: all.len(),
            ..Limits::default()
        },
    );
    assert_eq!(exact, whole);
}

#[test]
fn large_sitemaps_are_split_by_size_too() {
    let site = site("basic", None);
    let limit = 4096;
    let files = sitemap::files(
        &site,
        Limits {
            urls: usize::MAX,
            bytes: limit,
        },
    );
    assert!(files.len() > 2, "{} files", files.len());
    for (name, xml) in &files[1..] {
        assert!(xml.len() <= limit, "{name}: {} bytes", xml.len());
        urlset(xml);
    }
}

#[test]
fn urls_are_xml_escaped() {
    let site = site("basic", Some("https://portal.example.org/a&b"));
    let files = sitemap::files(&site, Limits::default());
    let xml = &files[0].1;
    assert!(xml.contains("<loc>https://portal.example.org/a&amp;b/</loc>"));
    assert!(!xml.contains("a&b"), "a raw & in the XML");
    let urls = urlset(xml);
    assert_eq!(urls[0].loc, "https://portal.example.org/a&b/");
    assert!(
        urls.iter()
            .flat_map(|u| u.alternates.values())
            .all(|href| href.starts_with("https://portal.example.org/a&b/"))
    );
    assert!(
        sitemap::robots(&site.base_url)
            .contains("Sitemap: https://portal.example.org/a&b/sitemap.xml")
    );
}

#[test]
fn robots_txt_names_the_sitemap_unless_static_has_one() {
    let (_tmp, out) = basic();
    assert_eq!(
        fs::read_to_string(out.join("robots.txt")).unwrap(),
        "User-agent: *\n",
        "the portal's own robots.txt is kept"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture("tiny"), &out, None);
    let robots = fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.starts_with("User-agent: *\n"), "{robots}");
    assert!(
        robots
            .lines()
            .any(|l| l == "Sitemap: https://portal.example.org/sitemap.xml"),
        "{robots}"
    );
    let urls = urlset(&fs::read_to_string(out.join("sitemap.xml")).unwrap());
    assert_eq!(urls[0].loc, "https://portal.example.org/");
}

#[test]
fn x_default_of_a_page_missing_in_the_source_language_is_its_canonical_translation() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("portal");
    for (rel, bytes) in tree(&fixture("tiny")) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    fs::write(
        root.join("content/m/nur-en.en.md"),
        "+++\ntitle = \"English only\"\n+++\n\nText.\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    assert!(
        out.join("m/de/nur-en/index.html").is_file(),
        "fallback page"
    );
    let urls = urlset(&fs::read_to_string(out.join("sitemap.xml")).unwrap());
    let en = "https://portal.example.org/m/en/nur-en/";
    assert!(!urls.iter().any(|u| u.loc.contains("/m/de/nur-en/")));
    let page = urls.iter().find(|u| u.loc == en).expect("listed");
    let alternates: Vec<(&str, &str)> = page
        .alternates
        .iter()
        .map(|(l, h)| (l.as_str(), h.as_str()))
        .collect();
    assert_eq!(alternates, [("en", en), ("x-default", en)]);
}

#[test]
fn the_xml_reader_rejects_what_is_not_xml() {
    for bad in [
        "<a><b></a></b>",
        "<a>x & y</a>",
        "<a href=x/>",
        "<p:a/>",
        "<a></a><b/>",
        "<a>&nbsp;</a>",
    ] {
        assert!(
            std::panic::catch_unwind(|| parse(bad)).is_err(),
            "{bad} accepted"
        );
    }
    let ok = parse(
        "<?xml version=\"1.0\"?>\n<a xmlns=\"u\" xmlns:p=\"v\"><p:b c=\"&amp;&lt;\">t&gt;</p:b></a>\n",
    );
    assert_eq!(ok.name, ("u".to_string(), "a".to_string()));
    assert_eq!(ok.children[0].name, ("v".to_string(), "b".to_string()));
    assert_eq!(ok.children[0].attr("c"), Some("&<"));
    assert_eq!(ok.children[0].text, "t>");
}

// A small XML reader: elements, attributes, text, the five predefined entities and
// namespaces; panics on anything not well-formed. Enough for the sitemap protocol.

#[derive(Debug)]
struct Element {
    /// (namespace, local name).
    name: (String, String),
    /// Attributes without a prefix, by local name (namespace declarations left out).
    attrs: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn children_named<'a>(
        &'a self,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.0 == ns && c.name.1 == local)
    }
}

fn parse(xml: &str) -> Element {
    let mut rest = xml;
    if let Some(r) = rest.strip_prefix("<?xml") {
        rest = &r[r.find("?>").expect("end of the XML declaration") + 2..];
    }
    rest = rest.trim_start();
    let (root, after) = element(rest, &[]);
    assert!(after.trim().is_empty(), "content after the root: {after:?}");
    root
}

/// Parse the element at the start of `s` with the namespaces in scope; returns it and
/// what follows it.
fn element<'a>(s: &'a str, scope: &[(String, String)]) -> (Element, &'a str) {
    let s = s.strip_prefix('<').expect("an element");
    let end = s.find(['>', '/', ' ', '\n', '\t']).expect("tag name ends");
    let qname = &s[..end];
    assert!(is_name(qname), "bad element name {qname:?}");
    let mut s = &s[end..];
    let mut raw_attrs = Vec::new();
    let empty = loop {
        s = s.trim_start();
        if let Some(r) = s.strip_prefix("/>") {
            s = r;
            break true;
        }
        if let Some(r) = s.strip_prefix('>') {
            s = r;
            break false;
        }
        let eq = s.find('=').expect("attribute value");
        let name = s[..eq].trim();
        assert!(is_name(name), "bad attribute name {name:?}");
        let r = s[eq + 1..].trim_start();
        let quote = r.chars().next().filter(|c| *c == '"' || *c == '\'');
        let quote = quote.expect("quoted attribute value");
        let r = &r[1..];
        let close = r.find(quote).expect("closing quote");
        let value = unescape(&r[..close]);
        assert!(!r[..close].contains('<'), "< in an attribute value");
        raw_attrs.push((name.to_string(), value));
        s = &r[close + 1..];
    };
    let mut scope = scope.to_vec();
    let mut attrs = BTreeMap::new();
    for (name, value) in raw_attrs {
        if name == "xmlns" {
            scope.push((String::new(), value));
        } else if let Some(prefix) = name.strip_prefix("xmlns:") {
            scope.push((prefix.to_string(), value));
        } else {
            assert!(!name.contains(':'), "prefixed attribute {name}");
            assert!(attrs.insert(name.clone(), value).is_none(), "{name} twice");
        }
    }
    let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
    let ns = scope
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, ns)| ns.clone());
    assert!(
        ns.is_some() || prefix.is_empty(),
        "undeclared prefix {prefix}"
    );
    let mut el = Element {
        name: (ns.unwrap_or_default(), local.to_string()),
        attrs,
        children: Vec::new(),
        text: String::new(),
    };
    if empty {
        return (el, s);
    }
    loop {
        let lt = s.find('<').expect("closing tag");
        el.text.push_str(&unescape(&s[..lt]));
        s = &s[lt..];
        if let Some(r) = s.strip_prefix("</") {
            let gt = r.find('>').expect("end of closing tag");
            assert_eq!(r[..gt].trim_end(), qname, "mismatched closing tag");
            s = &r[gt + 1..];
            break;
        }
        let (child, r) = element(s, &scope);
        el.children.push(child);
        s = r;
    }
    if !el.children.is_empty() {
        assert!(el.text.trim().is_empty(), "mixed content in {qname}");
    }
    (el, s)
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        && s.matches(':').count() <= 1
}

fn unescape(s: &str) -> String {
    assert!(!s.contains("]]>"), "]]> in text");
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let r = &rest[amp + 1..];
        let semi = r.find(';').expect("entity ends with ;");
        out.push(match &r[..semi] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => panic!("unknown entity &{other};"),
        });
        rest = &r[semi + 1..];
    }
    out.push_str(rest);
    out
}
