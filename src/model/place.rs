//! Places as plain data: the offices, counselling centres, schools and libraries readers
//! go to, and where their pages are in the output.
//!
//! A place is one file in the municipality's source language (`buergerbuero.md`) that
//! holds its data (id, category, address, coordinates, contact, opening hours), and
//! translations beside it (`buergerbuero.ar.md`) that hold only `title`, `description`
//! and the body. Places are not pages of the page tree: `places/` is a reserved folder.
//! The site has a list by category at `/<m>/<lang>/places/` and one page per place at
//! `/<m>/<lang>/places/<id>/` in every language (the text in the nearest language of
//! the fallback chain), and `/<m>/places.geojson` with every place that has coordinates.
//! Events refer to places by `id`.
//!
//! This module is the plain data and where it goes in the output; reading the files,
//! grouping them into places, their pages and the GeoJSON are in the `load`,
//! `resolve`, `render` and `output` layers (`load_place`, `resolve_place`,
//! `render_place`, `output_geojson`).

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::body::Body;
use crate::model::{LangIdx, Municipality};

/// The reserved folder below a municipality, and the URL segment of the place pages.
pub const FOLDER: &str = "places";

/// The file name of the GeoJSON export, in the municipality's folder.
pub const GEOJSON_FILE: &str = "places.geojson";

/// What kind of place it is; the list groups places by category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Authority,
    Counselling,
    Education,
    Health,
    Leisure,
    Religion,
    Shopping,
    Other,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Authority,
        Category::Counselling,
        Category::Education,
        Category::Health,
        Category::Leisure,
        Category::Religion,
        Category::Shopping,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Authority => "authority",
            Category::Counselling => "counselling",
            Category::Education => "education",
            Category::Health => "health",
            Category::Leisure => "leisure",
            Category::Religion => "religion",
            Category::Shopping => "shopping",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `street`, `postcode`, `town`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub town: String,
}

/// WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// `barrier_free = true` or a text that says what is and is not accessible.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum FlagOrText {
    Flag(bool),
    Text(String),
}

/// The weekday keys of `opening_hours`, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A time span of a day in minutes after midnight, `from < to <= 24:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    pub from: u16,
    pub to: u16,
}

impl Slot {
    /// `HH:MM-HH:MM` (an en dash works too).
    pub fn parse(s: &str) -> Result<Slot, String> {
        let hint = "write a slot as \"HH:MM-HH:MM\", e.g. \"08:00-12:00\"";
        let (a, b) = s
            .split_once('-')
            .or_else(|| s.split_once('–'))
            .ok_or_else(|| format!("`{s}` is not a time slot; {hint}"))?;
        let from =
            parse_time(a.trim()).ok_or_else(|| format!("`{}` is not a time; {hint}", a.trim()))?;
        let to =
            parse_time(b.trim()).ok_or_else(|| format!("`{}` is not a time; {hint}", b.trim()))?;
        if to <= from {
            return Err(format!("the slot `{s}` ends before it begins"));
        }
        Ok(Slot { from, to })
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", hhmm(self.from), hhmm(self.to))
    }
}

/// `HH:MM` (`24:00` is the end of the day) as minutes after midnight.
fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// What a place does on one day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Hours {
    /// Not given in `opening_hours`.
    #[default]
    Unknown,
    Closed,
    AppointmentOnly,
    /// Sorted, not overlapping.
    Open(Vec<Slot>),
}

impl Hours {
    pub fn state(&self) -> &'static str {
        match self {
            Hours::Unknown => "unknown",
            Hours::Closed => "closed",
            Hours::AppointmentOnly => "appointment_only",
            Hours::Open(_) => "open",
        }
    }

    /// The form the open-now script reads: `08:00-12:00,14:00-16:00`, `closed`, …
    pub(crate) fn data(&self) -> String {
        match self {
            Hours::Open(slots) => slots
                .iter()
                .map(Slot::to_string)
                .collect::<Vec<_>>()
                .join(","),
            other => other.state().to_string(),
        }
    }
}

/// Dated hours that replace the weekday's (a holiday, a shorter day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub date: Date,
    /// [`Hours::Closed`] or [`Hours::Open`].
    pub hours: Hours,
    /// Why, in the source language (`"Heiligabend"`).
    pub note: Option<String>,
}

/// The opening hours of a place: a week and its exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    /// Monday first.
    pub week: [Hours; 7],
    /// Sorted by date.
    pub exceptions: Vec<Exception>,
}

/// A place's data, from its source-language file.
#[derive(Debug, Clone)]
pub struct PlaceData {
    pub id: String,
    pub category: Category,
    pub address: Option<Address>,
    pub coordinates: Option<Coordinates>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub appointment_url: Option<String>,
    pub barrier_free: Option<FlagOrText>,
    pub temporarily_closed: Option<FlagOrText>,
    pub hours: OpeningHours,
}

/// A place's (or event's, or news item's) text in one language.
#[derive(Debug, Clone)]
pub struct Text {
    /// Path shown in diagnostics.
    pub file: PathBuf,
    pub path: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub body: Body,
    /// Digest of its title and text (see [`crate::model::translation::digest`]), as for pages.
    pub digest: String,
    /// `source_digest`: the version of its source a translation was made from.
    pub source_digest: Option<String>,
    /// `machine_translated = true` (translations only).
    pub machine_translated: bool,
    /// `in_translation = true` (translations only).
    pub in_translation: bool,
    /// `aliases`: old URLs of the item's page in this language, redirected to it.
    pub aliases: Vec<String>,
}

impl Text {
    /// The text of a file in the source language, whose title is `title` and whose body
    /// starts at `body_start` in `text`.
    pub(crate) fn source(
        file: PathBuf,
        path: &Path,
        (title, description): (String, Option<String>),
        (text, body_start): (&str, usize),
        body: Body,
    ) -> Text {
        Text {
            digest: crate::model::translation::digest(&title, &text[body_start..]),
            file,
            path: path.to_path_buf(),
            title,
            description,
            body,
            source_digest: None,
            machine_translated: false,
            in_translation: false,
            aliases: Vec::new(),
        }
    }
}

impl crate::model::translation::Translated for Text {
    fn file(&self) -> &Path {
        &self.file
    }
    fn path(&self) -> &Path {
        &self.path
    }
    fn digest(&self) -> &str {
        &self.digest
    }
    fn source_digest(&self) -> Option<&str> {
        self.source_digest.as_deref()
    }
    fn machine_translated(&self) -> bool {
        self.machine_translated
    }
    fn in_translation(&self) -> bool {
        self.in_translation
    }
}

/// A place with its texts.
#[derive(Debug, Clone)]
pub struct Place {
    /// The file name (`buergerbuero` for `places/buergerbuero.md`).
    pub stem: String,
    pub data: PlaceData,
    /// By [`LangIdx`]; `None` where the language has no file.
    pub texts: Vec<Option<Text>>,
    /// The language whose text readers of each language get.
    pub shown: Vec<LangIdx>,
    /// The state of each language's translation, indexed by [`LangIdx`], as for pages
    /// (filled in by [`crate::resolve`]).
    pub statuses: Vec<crate::model::translation::Status>,
}

impl Place {
    /// The text for readers of `lang`, and its language.
    pub fn text(&self, lang: LangIdx) -> (&Text, LangIdx) {
        shown_text(&self.texts, &self.shown, lang)
    }
}

/// The text readers of `lang` get from `texts` (by language), following `shown`
/// (the language shown to each), and its language: for places and news items.
pub fn shown_text<'a>(
    texts: &'a [Option<Text>],
    shown: &[LangIdx],
    lang: LangIdx,
) -> (&'a Text, LangIdx) {
    let shown = shown[lang];
    (
        texts[shown]
            .as_ref()
            .expect("the shown language has a text"),
        shown,
    )
}

/// The folder and URL of `/<m>/<lang>/<segment>/`: below the start page in `lang`.
pub(crate) fn section_location(
    m: &Municipality,
    lang: LangIdx,
    segment: &str,
) -> Option<(String, String)> {
    let start = m.pages.first()?.localized[lang].as_ref()?;
    Some((
        format!("{}/{segment}", start.dir),
        format!("{}{segment}/", start.url),
    ))
}

/// The URL path of the places list in `lang`.
pub fn list_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    section_location(m, lang, FOLDER).map(|(_, url)| url)
}

/// The URL path of place `place`'s page in `lang`.
pub fn place_url(m: &Municipality, lang: LangIdx, place: usize) -> Option<String> {
    Some(format!(
        "{}{}/",
        list_url(m, lang)?,
        crate::model::urls::encode_segment(&m.places[place].data.id)
    ))
}

/// The place a link key such as `places/buergerbuero` names (by file name or id).
pub fn by_link_key(m: &Municipality, key: &str) -> Option<usize> {
    let name = key.strip_prefix("places/")?;
    m.places
        .iter()
        .position(|p| p.stem == name || p.data.id == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_parse_and_reject() {
        assert_eq!(Slot::parse("08:00-12:30"), Ok(Slot { from: 480, to: 750 }));
        assert_eq!(
            Slot::parse("8:00 – 24:00"),
            Ok(Slot {
                from: 480,
                to: 1440
            })
        );
        assert!(
            Slot::parse("12:00-08:00")
                .unwrap_err()
                .contains("ends before")
        );
        assert!(Slot::parse("08:00-08:00").is_err());
        assert!(
            Slot::parse("25:00-26:00")
                .unwrap_err()
                .contains("not a time")
        );
        assert!(Slot::parse("08:60-09:00").is_err());
        assert!(Slot::parse("0800-1200").is_err());
        assert!(Slot::parse("morning").is_err());
    }
}
