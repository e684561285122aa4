//! "Recently updated": an Atom feed (RFC 4287) per municipality and language at
//! `/<municipality>/<lang>/atom.xml`, so actors and newsletters can follow changes.
//!
//! A page is in a language's feed when it has its own text in that language (pages
//! shown in a fallback language are not news for its readers). When a page was
//! updated is the date of the last commit that changed its file, where the portal is
//! in git, else the file's modification time. Feeds are linked from every page with
//! `<link rel="alternate" type="application/atom+xml">` and are not in the sitemap.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::base::xml::{escape_attr, escape_text};
use crate::model::feed::{FILE_NAME, feed_url};
use crate::model::{LangIdx, Municipality, Site};
use crate::theme::Theme;
use crate::write::Sink;

/// Entries per feed: the most recently updated pages.
pub const ENTRIES: usize = 30;

/// The modification day of `path` (UTC), for portals that are not in git.
fn modified_day(path: &Path) -> Option<String> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let ts = jiff::Timestamp::try_from(modified).ok()?;
    Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
}

/// The feed of `m` for readers of `lang`; `dates` are last-commit days by file.
pub fn feed(
    site: &Site,
    theme: &Theme,
    m: &Municipality,
    lang: LangIdx,
    dates: &BTreeMap<PathBuf, String>,
) -> Option<String> {
    let self_url = site.base_url.absolute(&feed_url(m, lang)?);
    let home = site
        .base_url
        .absolute(&m.pages.first()?.localized[lang].as_ref()?.url);
    let code = &m.languages[lang].tag;
    let ui = theme.ui.for_lang(&m.languages[lang]);
    let mut entries: Vec<(String, &str, String, Option<&str>)> = m
        .pages
        .iter()
        .filter_map(|p| {
            let t = p.translations[lang].as_ref()?;
            let loc = p.localized[lang].as_ref()?;
            let day = dates
                .get(&t.file)
                .cloned()
                .or_else(|| modified_day(&t.path))?;
            Some((
                day,
                t.front.title.as_str(),
                site.base_url.absolute(&loc.url),
                t.front.description.as_deref(),
            ))
        })
        .collect();
    // Newest first; the same day by URL, so that the order is stable.
    entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    entries.truncate(ENTRIES);
    let title = format!("{} – {}", m.name, ui.get("feed_title"));
    let entries: Vec<AtomEntry<'_>> = entries
        .iter()
        .map(|(day, title, url, summary)| AtomEntry {
            title,
            url,
            updated: day,
            summary: *summary,
            lang: None,
        })
        .collect();
    Some(atom(code, &title, &self_url, &home, &m.name, &entries))
}

/// One entry of an Atom feed.
pub struct AtomEntry<'a> {
    pub title: &'a str,
    /// Absolute URL of the entry's page; also its id.
    pub url: &'a str,
    /// `YYYY-MM-DD`.
    pub updated: &'a str,
    pub summary: Option<&'a str>,
    /// The entry's language where it differs from the feed's (a text shown in a
    /// fallback language).
    pub lang: Option<&'a str>,
}

/// An Atom feed (RFC 4287) in language `code` with `entries` (newest first); `self_url`
/// is the feed's own absolute URL (and id), `home` the page it belongs to.
pub fn atom(
    code: &str,
    title: &str,
    self_url: &str,
    home: &str,
    author: &str,
    entries: &[AtomEntry<'_>],
) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or("1970-01-01");
    let mut x = String::with_capacity(4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape_attr(code)
    );
    let _ = writeln!(x, "<title>{}</title>", escape_text(title));
    let _ = writeln!(x, "<id>{}</id>", escape_text(self_url));
    let _ = writeln!(
        x,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_attr(self_url)
    );
    let _ = writeln!(
        x,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_attr(home)
    );
    let _ = writeln!(x, "<updated>{updated}T00:00:00Z</updated>");
    let _ = writeln!(x, "<author><name>{}</name></author>", escape_text(author));
    let _ = writeln!(x, "<generator>wegweiser</generator>");
    for e in entries {
        match e.lang {
            Some(lang) => {
                let _ = writeln!(x, "<entry xml:lang=\"{}\">", escape_attr(lang));
            }
            None => x.push_str("<entry>\n"),
        }
        let _ = writeln!(x, "<title>{}</title>", escape_text(e.title));
        let _ = writeln!(x, "<id>{}</id>", escape_text(e.url));
        let _ = writeln!(
            x,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape_attr(e.url)
        );
        let _ = writeln!(x, "<updated>{}T00:00:00Z</updated>", e.updated);
        if let Some(d) = e.summary {
            let _ = writeln!(x, "<summary>{}</summary>", escape_text(d));
        }
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// Write the feeds of `municipalities` (indices) in every language (their pages'
/// `dates`: see [`crate::output::dates::dated_files`]); returns files and bytes.
pub fn write(
    site: &Site,
    theme: &Theme,
    dates: &BTreeMap<PathBuf, String>,
    municipalities: &[usize],
    out: &dyn Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = 0;
    let mut bytes = 0;
    for m in municipalities.iter().map(|&i| &site.municipalities[i]) {
        for lang in 0..m.languages.len() {
            let (Some(text), Some(dir)) = (
                feed(site, theme, m, lang, dates),
                m.pages.first().and_then(|p| p.localized[lang].as_ref()),
            ) else {
                continue;
            };
            let rel = format!("{}/{FILE_NAME}", dir.dir);
            out.write(&rel, text.as_bytes()).map_err(|e| {
                Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
            })?;
            files += 1;
            bytes += text.len() as u64;
        }
    }
    Ok((files, bytes))
}
