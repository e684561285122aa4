//! `sitemap.xml` and `robots.txt`, from the same model as the pages.
//!
//! The sitemap lists every URL whose page is canonical (a real translation, or a section
//! without any `_index` file), each with `xhtml:link` hreflang alternates for every
//! translation of the same page, itself included, and an `x-default`. Fallback pages
//! (content from another language, canonical URL elsewhere), the 404 page, forwarding
//! pages and `_status` dashboards are left out. Above [`Limits`] the URLs are split over
//! `sitemap-1.xml`, `sitemap-2.xml`, … and `sitemap.xml` becomes a sitemap index.

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::base::xml::escape_attr;
use crate::model::config::BaseUrl;
use crate::model::urls::encode_segment;
use crate::model::{LangIdx, Municipality, PageId, Site};
use crate::theme::Theme;
use crate::write::Sink;

/// The sitemap protocol's limits for one file.
pub const MAX_URLS: usize = 50_000;
/// 50 MiB uncompressed.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

const URLSET_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// How much one sitemap file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub urls: usize,
    pub bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            urls: MAX_URLS,
            bytes: MAX_BYTES,
        }
    }
}

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Absolute URL.
    pub loc: String,
    /// (hreflang, absolute URL), in language order, `x-default` last; empty for the
    /// language-neutral portal index and language choosers.
    pub alternates: Vec<(String, String)>,
}

/// Every URL of the sitemap, in order: the portal index, then per municipality its
/// language chooser and its pages in model order, each in language order.
pub fn entries(site: &Site) -> Vec<Entry> {
    let mut out = vec![portal_entry(&site.base_url)];
    for m in &site.municipalities {
        out.extend(municipality_entries(&site.base_url, m));
    }
    out
}

/// The entry of the portal index.
pub fn portal_entry(base: &BaseUrl) -> Entry {
    Entry {
        loc: base.absolute(&format!("{}/", base.path)),
        alternates: Vec::new(),
    }
}

/// The entries of one municipality: its language chooser, then its pages.
pub fn municipality_entries(base: &BaseUrl, m: &Municipality) -> Vec<Entry> {
    let mut out = Vec::new();
    // A hidden municipality is reachable but not listed.
    if m.hidden {
        return out;
    }
    out.push(Entry {
        loc: base.absolute(&format!("{}/{}/", base.path, encode_segment(&m.slug))),
        alternates: Vec::new(),
    });
    for page in 0..m.pages.len() {
        let langs = canonical_languages(m, page);
        let Some(&first) = langs.first() else {
            continue;
        };
        let url = |lang: LangIdx| {
            let l = m.pages[page].localized[lang]
                .as_ref()
                .expect("canonical languages are localized");
            base.absolute(&l.url)
        };
        let mut alternates: Vec<(String, String)> = langs
            .iter()
            .map(|&lang| (m.languages[lang].tag.clone(), url(lang)))
            .collect();
        alternates.push((
            "x-default".to_string(),
            url(x_default(m, page, &langs, first)),
        ));
        for &lang in &langs {
            out.push(Entry {
                loc: url(lang),
                alternates: alternates.clone(),
            });
        }
    }
    // Generated legal pages: only the German copy is canonical.
    for path in crate::resolve::legal::canonical_urls(&base.path, m) {
        let loc = base.absolute(&path);
        out.push(Entry {
            alternates: vec![
                ("de".to_string(), loc.clone()),
                ("x-default".to_string(), loc.clone()),
            ],
            loc,
        });
    }
    out.extend(actor_entries(base, m));
    out
}

/// The actors overview and every actor's page, the places and news lists in every
/// language, and the place and news pages in the languages they have their own text in
/// (elsewhere they are canonical at another language); each with its other languages
/// as alternates.
fn actor_entries(base: &BaseUrl, m: &Municipality) -> Vec<Entry> {
    use crate::model::actor::{actor_url, actors_url};
    let in_languages = |own: &dyn Fn(LangIdx) -> bool,
                        url_of: &dyn Fn(LangIdx) -> Option<String>| {
        (0..m.languages.len())
            .filter(|&l| own(l) && !m.languages[l].hidden)
            .filter_map(|l| Some((l, base.absolute(&url_of(l)?))))
            .collect::<Vec<_>>()
    };
    let every = |_: LangIdx| true;
    let mut pages = Vec::new();
    if !m.actors.is_empty() {
        pages.push(in_languages(&every, &|l| actors_url(m, l)));
        for a in 0..m.actors.len() {
            pages.push(in_languages(&every, &|l| actor_url(m, l, a)));
        }
    }
    if !m.places.is_empty() {
        pages.push(in_languages(&every, &|l| {
            crate::model::place::list_url(m, l)
        }));
        for (i, p) in m.places.iter().enumerate() {
            pages.push(in_languages(&|l| p.shown[l] == l, &|l| {
                crate::model::place::place_url(m, l, i)
            }));
        }
    }
    if !m.news.is_empty() {
        pages.push(in_languages(&every, &|l| {
            crate::model::news::list_url(m, l)
        }));
        for (i, n) in m.news.iter().enumerate() {
            pages.push(in_languages(&|l| n.shown[l] == l, &|l| {
                crate::model::news::item_url(m, l, i)
            }));
        }
    }
    if !m.events.is_empty() {
        pages.push(in_languages(&every, &|l| {
            crate::model::event::list_url(m, l)
        }));
        for (i, e) in m.events.iter().enumerate() {
            pages.push(in_languages(&|l| e.shown[l] == l, &|l| {
                crate::model::event::event_url(m, l, i)
            }));
        }
    }
    let mut out = Vec::new();
    for urls in pages {
        let Some((_, x_default)) = urls
            .iter()
            .find(|(l, _)| *l == m.source_language)
            .or(urls.first())
        else {
            continue;
        };
        let mut alternates: Vec<(String, String)> = urls
            .iter()
            .map(|(l, u)| (m.languages[*l].tag.clone(), u.clone()))
            .collect();
        alternates.push(("x-default".to_string(), x_default.clone()));
        for (_, loc) in &urls {
            out.push(Entry {
                loc: loc.clone(),
                alternates: alternates.clone(),
            });
        }
    }
    out
}

/// The languages in which `page` has a canonical URL: where readers get the page's own
/// translation, or, for a section without any `_index` file, wherever it is shown.
fn canonical_languages(m: &Municipality, page: PageId) -> Vec<LangIdx> {
    m.pages[page]
        .localized
        .iter()
        .enumerate()
        .filter_map(|(lang, l)| {
            let l = l.as_ref()?;
            let own = l.shown.is_none_or(|shown| shown == lang);
            let listed = !m.languages[lang].hidden;
            (own && listed && !l.url.contains("/_status/")).then_some(lang)
        })
        .collect()
}

/// The `x-default` of a page: its source-language translation; where there is none, the
/// translation source-language readers are shown (so that it stays a canonical URL);
/// else its first language.
fn x_default(m: &Municipality, page: PageId, langs: &[LangIdx], first: LangIdx) -> LangIdx {
    let source = m.source_language;
    if langs.contains(&source) {
        return source;
    }
    m.pages[page].localized[source]
        .as_ref()
        .and_then(|l| l.shown)
        .filter(|shown| langs.contains(shown))
        .unwrap_or(first)
}

/// The sitemap files: (path relative to the output root, XML). One `sitemap.xml` when
/// everything fits in `limits`, else `sitemap.xml` as an index of `sitemap-N.xml`.
pub fn files(site: &Site, limits: Limits) -> Vec<(String, String)> {
    let entries = std::iter::once(portal_entry(&site.base_url)).chain(
        site.municipalities
            .iter()
            .flat_map(|m| municipality_entries(&site.base_url, m)),
    );
    files_of(&site.base_url, entries, limits)
}

/// The sitemap files for `entries` (see [`files`]).
pub fn files_of(
    base: &BaseUrl,
    entries: impl Iterator<Item = Entry>,
    limits: Limits,
) -> Vec<(String, String)> {
    // Entries become XML one by one (each freed as it goes), so the sitemap is in memory
    // once, not three times: at 35,000 pages with 8 alternates that is ~65 MB less.
    let urls = entries.map(|e| url_element(&e));
    let open = format!("{HEADER}<urlset xmlns=\"{URLSET_NS}\" xmlns:xhtml=\"{XHTML_NS}\">\n");
    let close = "</urlset>\n";
    // Greedy: fill each file up to the limits; a URL too big for any file goes alone.
    let mut parts: Vec<String> = Vec::new();
    let mut current = open.clone();
    let mut count = 0;
    for url in urls {
        let full = count >= limits.urls || current.len() + url.len() + close.len() > limits.bytes;
        if count > 0 && full {
            current.push_str(close);
            parts.push(std::mem::replace(&mut current, open.clone()));
            count = 0;
        }
        current.push_str(&url);
        count += 1;
    }
    current.push_str(close);
    parts.push(current);
    if parts.len() == 1 {
        return vec![("sitemap.xml".to_string(), parts.remove(0))];
    }
    let mut index = format!("{HEADER}<sitemapindex xmlns=\"{URLSET_NS}\">\n");
    let mut out = Vec::with_capacity(parts.len() + 1);
    for (i, part) in parts.into_iter().enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            escape_attr(&file_url(base, &name))
        ));
        out.push((name, part));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, ("sitemap.xml".to_string(), index));
    out
}

fn url_element(entry: &Entry) -> String {
    let mut s = format!("  <url>\n    <loc>{}</loc>\n", escape_attr(&entry.loc));
    for (hreflang, href) in &entry.alternates {
        s.push_str(&format!(
            "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
            escape_attr(hreflang),
            escape_attr(href)
        ));
    }
    s.push_str("  </url>\n");
    s
}

/// The absolute URL of a file at the output root.
fn file_url(base: &BaseUrl, name: &str) -> String {
    base.absolute(&format!("{}/{name}", base.path))
}

/// `robots.txt` that allows everything but the translation dashboards of the
/// municipalities (`/<m>/_status/`, for editors; `*` is part of RFC 9309) and names the
/// sitemap.
pub fn robots(base: &BaseUrl) -> String {
    format!(
        "User-agent: *\nDisallow: {}/*/_status/\n\nSitemap: {}\n",
        base.path,
        file_url(base, "sitemap.xml")
    )
}

/// Write the sitemap file(s) and `robots.txt`, each unless the portal or theme
/// `static/` brings its own. Returns the number of files and bytes written.
pub fn write(site: &Site, theme: &Theme, out: &dyn Sink) -> Result<(u64, u64), Diagnostic> {
    let files = || files(site, Limits::default());
    write_files(&site.base_url, theme, files, out)
}

/// Write the sitemap (made by `sitemap` when needed) and `robots.txt`, each unless the
/// portal or theme `static/` brings its own.
pub fn write_files(
    base: &BaseUrl,
    theme: &Theme,
    sitemap: impl FnOnce() -> Vec<(String, String)>,
    out: &dyn Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = if theme.static_files.contains_key("sitemap.xml") {
        Vec::new()
    } else {
        sitemap()
    };
    if !theme.static_files.contains_key("robots.txt") {
        files.push(("robots.txt".to_string(), robots(base)));
    }
    let mut bytes = 0;
    for (rel, text) in &files {
        out.write(rel, text.as_bytes()).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
        })?;
        bytes += text.len() as u64;
    }
    Ok((files.len() as u64, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_xml_specials() {
        assert_eq!(
            escape_attr("https://x.org/a?b=1&c=<2>\"'"),
            "https://x.org/a?b=1&amp;c=&lt;2&gt;&quot;&apos;"
        );
        assert_eq!(escape_attr("/%D8%A7/"), "/%D8%A7/");
    }

    #[test]
    fn url_elements_escape_loc_and_href() {
        let e = Entry {
            loc: "https://x.org/a&b/".to_string(),
            alternates: vec![("de".to_string(), "https://x.org/a&b/".to_string())],
        };
        let xml = url_element(&e);
        assert!(xml.contains("<loc>https://x.org/a&amp;b/</loc>"), "{xml}");
        assert!(xml.contains("href=\"https://x.org/a&amp;b/\""), "{xml}");
        assert!(!xml.contains("a&b"), "{xml}");
    }
}
