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
//!
//! This module is the plain data and where it goes in the output; reading the files,
//! grouping them into items, their pages and the feed are in the `load`, `resolve`,
//! `render` and `output` layers (`load_news`, `resolve_news`, `render_news`,
//! `output_news_feed`).

use jiff::civil::Date;

use crate::model::place::Text;
use crate::model::{LangIdx, Municipality};

/// The reserved folder below a municipality, and the URL segment of the news pages.
pub const FOLDER: &str = "news";

/// The feed's file name, in the news folder of each language.
pub const FEED_FILE: &str = "atom.xml";

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
    pub statuses: Vec<crate::model::translation::Status>,
}

impl NewsItem {
    /// The text for readers of `lang`, and its language.
    pub fn text(&self, lang: LangIdx) -> (&Text, LangIdx) {
        crate::model::place::shown_text(&self.texts, &self.shown, lang)
    }

    /// Listed on `today`: published and not expired.
    pub fn is_current(&self, today: Date) -> bool {
        self.dates.date <= today && self.dates.expires.is_none_or(|e| today <= e)
    }
}

/// The URL path of the news list in `lang`.
pub fn list_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    crate::model::place::section_location(m, lang, FOLDER).map(|(_, url)| url)
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
