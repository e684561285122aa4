//! News: short dated items from `content/<municipality>/news/*.md`.
//!
//! An item is a file in the municipality's source language (`deutschkurs.md`) with
//! `title`, `date` (required) and `expires` (optional: the last day it is listed), and
//! translations beside it (`deutschkurs.uk.md`) with `title`, `description` and text.
//! The site has a list at `/<m>/<lang>/news/` (newest first, items dated after the
//! build's day and expired items left out), one page per item at
//! `/<m>/<lang>/news/<name>/` in every language (fallback as for pages), and an Atom
//! feed per language at `/<m>/<lang>/news/atom.xml`. "Today" is the day in the
//! municipality's time zone, or `--today`.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{LangIdx, Municipality, Site};
use crate::model_review::Day;
use crate::model_ui_strings::LanguageStrings;
use crate::places::{FileScope, LoadedFile, Text};
use crate::theme::Theme;

/// The reserved folder below a municipality, and the URL segment of the news pages.
pub const FOLDER: &str = "news";

/// The feed's file name, in the news folder of each language.
pub const FEED_FILE: &str = "atom.xml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewsFront {
    title: String,
    #[serde(default)]
    description: Option<String>,
    date: Day,
    #[serde(default)]
    expires: Option<Day>,
    #[serde(default)]
    draft: bool,
}

/// The keys of a news item's source-language file.
pub const NEWS_KEYS: &[&str] = &["title", "description", "date", "expires", "draft"];

/// The dates of a news item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewsDates {
    pub date: Date,
    /// The last day the item is listed.
    pub expires: Option<Date>,
}

/// A news item with its texts.
#[derive(Debug, Clone)]
pub struct NewsItem {
    /// The file name: the last URL segment.
    pub stem: String,
    pub dates: NewsDates,
    pub texts: Vec<Option<Text>>,
    pub shown: Vec<LangIdx>,
    /// The state of each language's translation, indexed by [`LangIdx`], as for pages
    /// (filled in by [`crate::resolve`]).
    pub statuses: Vec<crate::model_translation::Status>,
}

impl NewsItem {
    /// The text for readers of `lang`, and its language.
    pub fn text(&self, lang: LangIdx) -> (&Text, LangIdx) {
        crate::places::shown_text(&self.texts, &self.shown, lang)
    }

    /// Listed on `today`: published and not expired.
    pub fn is_current(&self, today: Date) -> bool {
        self.dates.date <= today && self.dates.expires.is_none_or(|e| today <= e)
    }
}

/// Parse one file below `news/`; problems go to `diagnostics`.
pub fn load_file(
    scope: &FileScope<'_>,
    path: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedFile<NewsDates>> {
    crate::places::load_item_file(scope, path, name, diagnostics, |display, text, problems| {
        let (front, _, body_start) =
            crate::load_front_matter::parse_as::<NewsFront>(display, text, NEWS_KEYS)
                .map_err(|d| {
                    let d = if d.message.contains("missing field `date`") {
                        d.with_hint("a news item needs the day it is published: date = 2026-05-12")
                    } else {
                        d
                    };
                    problems.push(d)
                })
                .ok()?;
        if let Some(expires) = front.expires
            && expires < front.date
        {
            problems.push(crate::places::at_key(
                display,
                text,
                0,
                "expires",
                None,
                format!(
                    "the item expires ({expires}) before its date ({})",
                    front.date
                ),
            ));
            return None;
        }
        if front.title.trim().is_empty() {
            problems.push(crate::places::at_key(
                display,
                text,
                0,
                "title",
                None,
                "`title` must not be empty".into(),
            ));
            return None;
        }
        Some(crate::places::SourceFront {
            data: Some(NewsDates {
                date: front.date.0,
                expires: front.expires.map(|d| d.0),
            }),
            title: front.title,
            description: front.description,
            body_start,
            draft: front.draft,
        })
    })
}

/// The news items of a municipality, newest first.
pub fn resolve(
    files: &[LoadedFile<NewsDates>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NewsItem> {
    let mut items: Vec<NewsItem> = crate::places::assemble(
        files,
        languages,
        source_language,
        chains,
        "news item",
        diagnostics,
    )
    .into_iter()
    .map(|a| NewsItem {
        stem: a.stem,
        dates: a.data,
        texts: a.texts,
        shown: a.shown,
        statuses: Vec::new(),
    })
    .collect();
    items.sort_by(|a, b| {
        b.dates
            .date
            .cmp(&a.dates.date)
            .then_with(|| a.stem.cmp(&b.stem))
    });
    items
}

/// The URL path of the news list in `lang`.
pub fn list_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    crate::places::section_location(m, lang, FOLDER).map(|(_, url)| url)
}

/// The URL path of item `item`'s page in `lang`.
pub fn item_url(m: &Municipality, lang: LangIdx, item: usize) -> Option<String> {
    Some(format!("{}{}/", list_url(m, lang)?, m.news[item].stem))
}

/// The URL path of the news feed in `lang`.
pub fn feed_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    Some(format!("{}{FEED_FILE}", list_url(m, lang)?))
}

/// The item a link key such as `news/deutschkurs` names.
pub fn by_link_key(m: &Municipality, key: &str) -> Option<usize> {
    let name = key.strip_prefix("news/")?;
    m.news.iter().position(|n| n.stem == name)
}

fn item_value(site: &Site, m: &Municipality, item: usize, lang: LangIdx) -> Value {
    let n = &m.news[item];
    let (text, shown) = n.text(lang);
    let l = &m.languages[shown];
    let code = &m.languages[lang].code;
    let iso = n.dates.date.to_string();
    let url = item_url(m, lang, item);
    json!({
        "title": text.title,
        "description": text.description,
        "lang": l.code,
        "dir": l.dir.as_str(),
        "url": url,
        "permalink": url.as_deref().map(|u| site.base_url.absolute(u)),
        "date": iso,
        "date_label": crate::i18n::format_iso_date(code, &iso).unwrap_or_else(|| iso.clone()),
        "expired": n.dates.expires.is_some_and(|e| e < m.today),
    })
}

fn feed_value(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>) -> Option<Value> {
    let url = feed_url(m, lang)?;
    Some(json!({"url": url, "title": format!("{} – {}", m.name, ui.get("news_title"))}))
}

/// Values for `news_item.html`: `page`, `item`, `content`, `languages`, `alternates`,
/// `breadcrumbs`, `feed`.
#[allow(clippy::too_many_arguments)]
pub fn item_context(
    site: &Site,
    m: &Municipality,
    item: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::Notices<'_>,
    ctx: &mut tera::Context,
) {
    let n = &m.news[item];
    crate::places::item_page(
        site,
        m,
        "news_item",
        (&n.texts, &n.shown),
        |l| item_url(m, l, item),
        list_url(m, lang).map(|u| (ui.get("news_title"), u)),
        lang,
        ui,
        marker,
        notices,
        ctx,
    );
    ctx.insert("item", &item_value(site, m, item, lang));
    if let Some(feed) = feed_value(m, lang, ui) {
        ctx.insert("feed", &feed);
    }
}

/// Values for `news.html`: `page`, `items` (current items, newest first),
/// `languages`, `alternates`, `breadcrumbs`, `feed`.
pub fn list_context(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    ctx: &mut tera::Context,
) {
    let url = list_url(m, lang).unwrap_or_default();
    ctx.insert(
        "page",
        &crate::places::page_value(
            site,
            m,
            "news",
            ui.get("news_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let items: Vec<Value> = (0..m.news.len())
        .filter(|&i| m.news[i].is_current(m.today))
        .map(|i| item_value(site, m, i, lang))
        .collect();
    ctx.insert("items", &items);
    let (languages, alternates) =
        crate::places::switcher(site, m, lang, |_| true, marker, |l| list_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &crate::places::breadcrumbs(m, lang, None));
    if let Some(feed) = feed_value(m, lang, ui) {
        ctx.insert("feed", &feed);
    }
}

/// The Atom feed of the current news of `m` for readers of `lang`.
pub fn feed(site: &Site, theme: &Theme, m: &Municipality, lang: LangIdx) -> Option<String> {
    let self_url = site.base_url.absolute(&feed_url(m, lang)?);
    let home = site.base_url.absolute(&list_url(m, lang)?);
    let code = &m.languages[lang].code;
    let ui = theme.ui.for_language(code);
    let rows: Vec<(String, &Text, String, Option<&str>)> = (0..m.news.len())
        .filter(|&i| m.news[i].is_current(m.today))
        .take(crate::feed::ENTRIES)
        .filter_map(|i| {
            let (text, shown) = m.news[i].text(lang);
            Some((
                m.news[i].dates.date.to_string(),
                text,
                site.base_url.absolute(&item_url(m, lang, i)?),
                (shown != lang).then(|| m.languages[shown].code.as_str()),
            ))
        })
        .collect();
    let entries: Vec<crate::feed::AtomEntry<'_>> = rows
        .iter()
        .map(|(day, text, url, lang)| crate::feed::AtomEntry {
            title: &text.title,
            url,
            updated: day,
            summary: text.description.as_deref(),
            lang: *lang,
        })
        .collect();
    let title = format!("{} – {}", m.name, ui.get("news_title"));
    Some(crate::feed::atom(
        code, &title, &self_url, &home, &m.name, &entries,
    ))
}

/// Write the news feed of every municipality with news in every language; returns
/// files and bytes.
pub fn write(
    site: &Site,
    theme: &Theme,
    municipalities: &[usize],
    out: &dyn crate::write::Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = 0;
    let mut bytes = 0;
    for &mi in municipalities {
        let m = &site.municipalities[mi];
        if m.news.is_empty() {
            continue;
        }
        for lang in 0..m.languages.len() {
            let (Some(text), Some((dir, _))) = (
                feed(site, theme, m, lang),
                crate::places::section_location(m, lang, FOLDER),
            ) else {
                continue;
            };
            let rel = format!("{dir}/{FEED_FILE}");
            out.write(&rel, text.as_bytes()).map_err(|e| {
                Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
            })?;
            files += 1;
            bytes += text.len() as u64;
        }
    }
    Ok((files, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(date: &str, expires: Option<&str>) -> NewsItem {
        NewsItem {
            stem: "x".into(),
            dates: NewsDates {
                date: date.parse().unwrap(),
                expires: expires.map(|e| e.parse().unwrap()),
            },
            texts: Vec::new(),
            shown: Vec::new(),
            statuses: Vec::new(),
        }
    }

    #[test]
    fn current_from_its_date_to_its_last_day() {
        let today: Date = "2026-11-25".parse().unwrap();
        assert!(item("2026-11-25", None).is_current(today));
        assert!(!item("2026-11-26", None).is_current(today), "not yet");
        assert!(item("2026-11-01", Some("2026-11-25")).is_current(today));
        assert!(!item("2026-11-01", Some("2026-11-24")).is_current(today));
    }
}
