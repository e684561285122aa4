//! Places: the offices, counselling centres, schools and libraries readers go to, from
//! `content/<municipality>/places/*.md`.
//!
//! A place is one file in the municipality's source language (`buergerbuero.md`) that
//! holds its data (id, category, address, coordinates, contact, opening hours), and
//! translations beside it (`buergerbuero.ar.md`) that hold only `title`, `description`
//! and the body. Places are not pages of the page tree: `places/` is a reserved folder.
//! The site has a list by category at `/<m>/<lang>/places/` and one page per place at
//! `/<m>/<lang>/places/<id>/` in every language (the text in the nearest language of
//! the fallback chain), and `/<m>/places.geojson` with every place that has coordinates.
//! Events refer to places by `id`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::diagnostics::{Diagnostic, Severity, did_you_mean};
use crate::markdown;
use crate::model::{LangIdx, Municipality, Site};
use crate::model_body::Body;
use crate::review::Day;
use crate::theme::{LanguageStrings, UiStrings};

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

    /// The heading of the category in the list, in the reader's language.
    pub fn label<'a>(self, ui: &LanguageStrings<'a>) -> &'a str {
        ui.get(match self {
            Category::Authority => "place_category_authority",
            Category::Counselling => "place_category_counselling",
            Category::Education => "place_category_education",
            Category::Health => "place_category_health",
            Category::Leisure => "place_category_leisure",
            Category::Religion => "place_category_religion",
            Category::Shopping => "place_category_shopping",
            Category::Other => "place_category_other",
        })
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

/// One weekday's value in front matter: a list of slots, one slot, `"closed"` or
/// `"appointment_only"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum DayValue {
    Slots(Vec<String>),
    Word(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionFront {
    date: Day,
    #[serde(default)]
    closed: bool,
    #[serde(default)]
    hours: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

/// The front matter of a place's source-language file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFront {
    title: String,
    #[serde(default)]
    description: Option<String>,
    id: String,
    category: String,
    #[serde(default)]
    address: Option<Address>,
    #[serde(default)]
    coordinates: Option<Coordinates>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    appointment_url: Option<String>,
    #[serde(default)]
    barrier_free: Option<FlagOrText>,
    #[serde(default)]
    temporarily_closed: Option<FlagOrText>,
    #[serde(default)]
    opening_hours: BTreeMap<String, DayValue>,
    #[serde(default)]
    exceptions: Vec<ExceptionFront>,
    #[serde(default)]
    draft: bool,
}

/// The keys of a place's source-language file.
pub const PLACE_KEYS: &[&str] = &[
    "title",
    "description",
    "id",
    "category",
    "address",
    "coordinates",
    "phone",
    "email",
    "website",
    "appointment_url",
    "barrier_free",
    "temporarily_closed",
    "opening_hours",
    "exceptions",
    "draft",
];

/// The front matter of a translation of a place, event or news item: its texts, and
/// what its translation state is decided from, with the same meaning as for pages
/// (see [`crate::translation`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextFront {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    source_digest: Option<String>,
    #[serde(default)]
    machine_translated: bool,
    #[serde(default)]
    in_translation: bool,
}

/// The keys of a translation file.
pub(crate) const TEXT_KEYS: &[&str] = &[
    "title",
    "description",
    "source_digest",
    "machine_translated",
    "in_translation",
];

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
    fn data(&self) -> String {
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
    /// Digest of its title and text (see [`crate::translation::digest`]), as for pages.
    pub digest: String,
    /// `source_digest`: the version of its source a translation was made from.
    pub source_digest: Option<String>,
    /// `machine_translated = true` (translations only).
    pub machine_translated: bool,
    /// `in_translation = true` (translations only).
    pub in_translation: bool,
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
            digest: crate::translation::digest(&title, &text[body_start..]),
            file,
            path: path.to_path_buf(),
            title,
            description,
            body,
            source_digest: None,
            machine_translated: false,
            in_translation: false,
        }
    }
}

impl crate::translation::Translated for Text {
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

/// One file below `places/` (or `news/`), parsed.
#[derive(Debug, Clone)]
pub struct LoadedFile<D> {
    /// File name without language suffix and `.md`: the place or item it belongs to.
    pub stem: String,
    pub language: String,
    pub text: Text,
    /// The data, in the source-language file; `None` in translations.
    pub data: Option<D>,
    pub draft: bool,
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
    pub statuses: Vec<crate::translation::Status>,
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

/// What parsing a content file below `places/` or `news/` needs.
pub struct FileScope<'a> {
    pub root: &'a Path,
    /// The municipality's languages; the first file-name suffix that is one of them
    /// names the file's language.
    pub languages: &'a [String],
    pub source_language: &'a str,
    pub ui: &'a UiStrings,
    pub minify: bool,
}

/// The stem and language of `name` (`x.ar.md` → (`x`, `ar`); `x.md` → source).
pub(crate) fn split_name(
    scope: &FileScope<'_>,
    display: &Path,
    name: &str,
) -> Result<(String, String), Diagnostic> {
    let Some(stem) = name.strip_suffix(".md") else {
        return Err(Diagnostic::file(
            Severity::Error,
            display,
            "only Markdown files (.md) belong in this folder",
        )
        .with_hint("keep images and documents beside the pages that use them"));
    };
    let (base, language) = match stem.rsplit_once('.') {
        Some((base, suffix)) if crate::language::is_language_code(suffix) => {
            if !scope.languages.iter().any(|l| l == suffix) {
                return Err(Diagnostic::file(
                    Severity::Error,
                    display,
                    format!(
                        "`{suffix}` is not one of the municipality's languages ({})",
                        scope.languages.join(", ")
                    ),
                )
                .with_hint("add it to languages in municipality.toml, or rename the file"));
            }
            (base.to_string(), suffix.to_string())
        }
        _ => (stem.to_string(), scope.source_language.to_string()),
    };
    if base.is_empty()
        || !base
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(Diagnostic::file(
            Severity::Error,
            display,
            format!("file name `{base}` is not usable in URLs"),
        )
        .with_hint("use lower-case letters, digits and `-`, e.g. buergerbuero.md"));
    }
    Ok((base, language))
}

/// The body of a content file, rendered as pages are.
pub(crate) fn render_body(
    scope: &FileScope<'_>,
    display: &Path,
    text: &str,
    body_start: usize,
    language: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Body {
    let strings = scope.ui.for_language(language);
    let source = markdown::Source {
        display_path: display,
        text,
        body_start,
        dir: "",
        languages: scope.languages,
        alert_labels: strings.alert_labels(),
        table_label: strings.get("table"),
        minify: scope.minify,
    };
    markdown::render(&source, diagnostics)
}

/// A diagnostic at the line of `key` (TOML `key =` or YAML `key:`) at or after byte
/// `from`, marking `needle` where it follows on that line or the next ones; else at
/// the front matter's start.
pub(crate) fn at_key(
    display: &Path,
    text: &str,
    from: usize,
    key: &str,
    needle: Option<&str>,
    message: String,
) -> Diagnostic {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let stripped = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")));
        if let Some(rest) = stripped
            && rest.trim_start().starts_with(['=', ':'])
        {
            let start = offset + (line.len() - trimmed.len());
            if let Some(needle) = needle {
                let end = text[start..]
                    .find("\n+++")
                    .or_else(|| text[start..].find("\n---"))
                    .map_or(text.len(), |i| start + i);
                if let Some(i) = text[start..end].find(needle) {
                    return Diagnostic::error_at(
                        display,
                        text,
                        (start + i)..(start + i + needle.len()),
                        message,
                    );
                }
            }
            return Diagnostic::error_at(
                display,
                text,
                start..offset + line.trim_end().len(),
                message,
            );
        }
        offset += line.len();
    }
    Diagnostic::error_at(display, text, 0..3, message)
}

/// What a module reads from the source-language file of a place, event or news item:
/// its data (`None` when its checks failed), title, description, where its Markdown
/// starts, and `draft`.
pub(crate) struct SourceFront<D> {
    pub data: Option<D>,
    pub title: String,
    pub description: Option<String>,
    pub body_start: usize,
    pub draft: bool,
}

/// Parse one file below `places/`, `events/` or `news/`: a translation by the rules
/// they share ([`load_translation`]), the source-language file by `parse` (its front
/// matter and checks; `None` when the front matter cannot be read). The Markdown is
/// rendered here, also when the data has errors, so that one run reports both. Problems
/// go to `diagnostics`; `None` when the file is unusable.
pub(crate) fn load_item_file<D>(
    scope: &FileScope<'_>,
    path: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
    parse: impl FnOnce(&Path, &str, &mut Vec<Diagnostic>) -> Option<SourceFront<D>>,
) -> Option<LoadedFile<D>> {
    let display = crate::load::display_of(scope.root, path);
    let (stem, language) = split_name(scope, &display, name)
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let text = crate::load::read_text(path, &display)
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    if language != scope.source_language {
        return Some(LoadedFile {
            text: load_translation(scope, display, path, &text, &language, diagnostics)?,
            stem,
            language,
            data: None,
            draft: false,
        });
    }
    let mut problems = Vec::new();
    let front = parse(&display, &text, &mut problems);
    let body = front.as_ref().map(|f| {
        render_body(
            scope,
            &display,
            &text,
            f.body_start,
            &language,
            &mut problems,
        )
    });
    let failed = problems.iter().any(Diagnostic::is_error);
    diagnostics.extend(problems);
    let (front, body) = (front?, body?);
    let data = front.data.filter(|_| !failed)?;
    Some(LoadedFile {
        stem,
        language,
        text: Text::source(
            display,
            path,
            (front.title, front.description),
            (&text, front.body_start),
            body,
        ),
        data: Some(data),
        draft: front.draft,
    })
}

/// Parse one file below `places/`; problems go to `diagnostics`.
pub fn load_file(
    scope: &FileScope<'_>,
    path: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedFile<PlaceData>> {
    load_item_file(scope, path, name, diagnostics, |display, text, problems| {
        let (front, _, body_start) =
            crate::frontmatter::parse_as::<PlaceFront>(display, text, PLACE_KEYS)
                .map_err(|d| {
                    let d = if d.message.contains("did not match any variant") {
                        d.with_hint(
                            "a weekday is a list of slots [\"08:00-12:00\", \"14:00-16:00\"], \"closed\" or \"appointment_only\"; barrier_free and temporarily_closed are true, false or a text",
                        )
                    } else {
                        d
                    };
                    problems.push(d)
                })
                .ok()?;
        let data = check(display, text, &front, problems);
        Some(SourceFront {
            data: Some(data),
            title: front.title,
            description: front.description,
            body_start,
            draft: front.draft,
        })
    })
}

/// Parse `text`, the translation into `language` of a place, event or news item (read
/// from `path`, shown as `display`): its texts and translation state keys only.
pub(crate) fn load_translation(
    scope: &FileScope<'_>,
    display: PathBuf,
    path: &Path,
    text: &str,
    language: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Text> {
    let (front, _, body_start) =
        crate::frontmatter::parse_as::<TextFront>(&display, text, TEXT_KEYS)
            .map_err(|d| diagnostics.push(translation_hint(d)))
            .ok()?;
    if front.title.trim().is_empty() {
        diagnostics.push(at_key(
            &display,
            text,
            0,
            "title",
            None,
            "`title` must not be empty".into(),
        ));
        return None;
    }
    crate::translation::check_source_digest(&display, text, front.source_digest.as_deref())
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let body = render_body(scope, &display, text, body_start, language, diagnostics);
    Some(Text {
        digest: crate::translation::digest(&front.title, &text[body_start..]),
        file: display,
        path: path.to_path_buf(),
        title: front.title,
        description: front.description,
        body,
        source_digest: front.source_digest,
        machine_translated: front.machine_translated,
        in_translation: front.in_translation,
    })
}

/// Data keys in a translation: say where they belong.
fn translation_hint(d: Diagnostic) -> Diagnostic {
    if d.message.contains("unknown field") {
        d.with_hint(
            "a translation has only `title`, `description`, its text, and `source_digest`, `machine_translated` and `in_translation` as for pages; the other keys are set once, in the source-language file",
        )
    } else {
        d
    }
}

/// Check the data of a place's front matter.
fn check(
    display: &Path,
    text: &str,
    front: &PlaceFront,
    problems: &mut Vec<Diagnostic>,
) -> PlaceData {
    let at = |key: &str, needle: Option<&str>, message: String| {
        at_key(display, text, 0, key, needle, message)
    };
    if front.title.trim().is_empty() {
        problems.push(at("title", None, "`title` must not be empty".into()));
    }
    if !is_id(&front.id) {
        problems.push(
            at(
                "id",
                None,
                format!("place id `{}` is not usable in URLs", front.id),
            )
            .with_hint("use lower-case letters, digits and `-`, e.g. id = \"buergerbuero\""),
        );
    }
    let category = Category::parse(&front.category).unwrap_or_else(|| {
        let names = Category::ALL.map(Category::as_str);
        let hint = match did_you_mean(&front.category, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? Categories: {}", names.join(", ")),
            None => format!("categories: {}", names.join(", ")),
        };
        problems.push(
            at(
                "category",
                Some(&front.category),
                format!("unknown category `{}`", front.category),
            )
            .with_hint(hint),
        );
        Category::Other
    });
    if let Some(c) = front.coordinates {
        if !(-90.0..=90.0).contains(&c.lat) || !c.lat.is_finite() {
            problems.push(
                at(
                    "coordinates",
                    Some("lat"),
                    format!("latitude {} is not between -90 and 90", c.lat),
                )
                .with_hint("write decimal degrees, e.g. lat = 50.9375, lon = 6.9603"),
            );
        }
        if !(-180.0..=180.0).contains(&c.lon) || !c.lon.is_finite() {
            problems.push(
                at(
                    "coordinates",
                    Some("lon"),
                    format!("longitude {} is not between -180 and 180", c.lon),
                )
                .with_hint("write decimal degrees, e.g. lat = 50.9375, lon = 6.9603"),
            );
        }
        if c.lat == 0.0 && c.lon == 0.0 {
            problems.push(
                at(
                    "coordinates",
                    None,
                    "coordinates 0, 0 are in the Atlantic Ocean".into(),
                )
                .with_hint("look the place up on openstreetmap.org and copy its coordinates"),
            );
        }
    }
    if let Some(email) = &front.email
        && !crate::actor::is_email(email)
    {
        problems.push(at(
            "email",
            None,
            format!("`{email}` is not an e-mail address"),
        ));
    }
    for (key, url) in [
        ("website", &front.website),
        ("appointment_url", &front.appointment_url),
    ] {
        if let Some(url) = url
            && let Some(problem) = crate::safe_url::web_url_problem(url)
        {
            problems.push(
                at(key, None, problem)
                    .with_hint("write the whole address, e.g. https://example.org/termin"),
            );
        }
    }
    let mut hours = OpeningHours::default();
    for (day, value) in &front.opening_hours {
        let Some(index) = WEEKDAYS.iter().position(|w| w == day) else {
            problems.push(
                at(day, None, format!("`{day}` is not a weekday")).with_hint_opt(
                    did_you_mean(day, WEEKDAYS.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(format!("weekdays: {}", WEEKDAYS.join(", ")))),
                ),
            );
            continue;
        };
        let report =
            |needle: &str, message: String| at_key(display, text, 0, day, Some(needle), message);
        hours.week[index] = match value {
            DayValue::Word(w) if w == "closed" => Hours::Closed,
            DayValue::Word(w) if w == "appointment_only" => Hours::AppointmentOnly,
            DayValue::Word(w) => slots(std::slice::from_ref(w), &report, problems),
            DayValue::Slots(list) => slots(list, &report, problems),
        };
    }
    let mut seen = BTreeMap::new();
    for e in &front.exceptions {
        let date = e.date.0.to_string();
        // At `needle` in the exception's entry (found by its date), else at its date.
        let report = |needle: &str, message: String| {
            let Some(at) = text.find(&date) else {
                return at_key(display, text, 0, "exceptions", None, message);
            };
            let from = if needle == date {
                at
            } else {
                text[at..].find(needle).map_or(at, |i| at + i)
            };
            let len = if from == at { date.len() } else { needle.len() };
            Diagnostic::error_at(display, text, from..from + len, message)
        };
        if seen.insert(e.date.0, ()).is_some() {
            problems.push(report(&date, format!("two exceptions for {date}")));
            continue;
        }
        let h = match (e.closed, e.hours.is_empty()) {
            (true, true) => Hours::Closed,
            (false, false) => slots(&e.hours, &report, problems),
            (true, false) => {
                problems.push(report(
                    &date,
                    format!("the exception for {date} is both closed and has hours"),
                ));
                continue;
            }
            (false, true) => {
                problems.push(
                    report(
                        &date,
                        format!("the exception for {date} says neither closed nor hours"),
                    )
                    .with_hint("write closed = true, or hours = [\"09:00-12:00\"]"),
                );
                continue;
            }
        };
        hours.exceptions.push(Exception {
            date: e.date.0,
            hours: h,
            note: e.note.clone(),
        });
    }
    hours.exceptions.sort_by_key(|e| e.date);
    PlaceData {
        id: front.id.clone(),
        category,
        address: front.address.clone(),
        coordinates: front.coordinates,
        phone: front.phone.clone(),
        email: front.email.clone(),
        website: front.website.clone(),
        appointment_url: front.appointment_url.clone(),
        barrier_free: front.barrier_free.clone(),
        temporarily_closed: front.temporarily_closed.clone(),
        hours,
    }
}

/// Parse and check a day's slots: each valid, none overlapping another.
fn slots(
    list: &[String],
    report: &dyn Fn(&str, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> Hours {
    let mut parsed: Vec<(Slot, &str)> = Vec::new();
    for s in list {
        match Slot::parse(s) {
            Ok(slot) => parsed.push((slot, s)),
            Err(message) => problems.push(report(s, message)),
        }
    }
    if list.is_empty() {
        problems.push(report(
            "[",
            "no slots: write \"closed\" for a day without opening hours".into(),
        ));
        return Hours::Unknown;
    }
    parsed.sort();
    for pair in parsed.windows(2) {
        let ((a, a_text), (b, b_text)) = (pair[0], pair[1]);
        if b.from < a.to {
            problems.push(
                report(
                    b_text,
                    format!("the slots `{a_text}` and `{b_text}` overlap"),
                )
                .with_hint("merge them into one slot, or correct the times"),
            );
        }
    }
    Hours::Open(parsed.into_iter().map(|(s, _)| s).collect())
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// An item (place or news item) with its texts in every language.
pub(crate) struct Assembled<D> {
    pub stem: String,
    pub data: D,
    pub texts: Vec<Option<Text>>,
    /// The language whose text readers of each language get.
    pub shown: Vec<LangIdx>,
}

/// Group loaded files into items: one source-language file with the data, and its
/// translations. Items without a source-language file are reported.
pub(crate) fn assemble<D: Clone>(
    files: &[LoadedFile<D>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Assembled<D>> {
    let mut by_stem: BTreeMap<&str, Vec<&LoadedFile<D>>> = BTreeMap::new();
    for f in files {
        by_stem.entry(&f.stem).or_default().push(f);
    }
    let mut out = Vec::new();
    for (stem, group) in by_stem {
        let Some(data) = group.iter().find_map(|f| f.data.clone()) else {
            // The source-language file is there but gave no data: its own errors are
            // reported (or it is a draft, left out with its translations); saying it is
            // missing would only mislead.
            let dir = group[0].text.path.parent().unwrap_or(Path::new(""));
            let source = &languages[source_language];
            if [format!("{stem}.md"), format!("{stem}.{source}.md")]
                .iter()
                .any(|name| dir.join(name).is_file())
            {
                continue;
            }
            let first = &group[0].text.file;
            diagnostics.push(
                Diagnostic::file(
                    Severity::Error,
                    first,
                    format!(
                        "{what} `{stem}` has no file in the source language ({})",
                        languages[source_language]
                    ),
                )
                .with_hint(format!(
                    "the data is kept in {stem}.md; translations beside it"
                )),
            );
            continue;
        };
        let mut texts: Vec<Option<Text>> = vec![None; languages.len()];
        for f in &group {
            if let Some(i) = languages.iter().position(|l| *l == f.language) {
                texts[i] = Some(f.text.clone());
            }
        }
        let shown: Vec<LangIdx> = chains
            .iter()
            .map(|chain| {
                chain
                    .iter()
                    .copied()
                    .chain(std::iter::once(source_language))
                    .find(|&l| texts[l].is_some())
                    .unwrap_or(source_language)
            })
            .collect();
        out.push(Assembled {
            stem: stem.to_string(),
            data,
            texts,
            shown,
        });
    }
    out
}

/// The places of a municipality, with duplicate ids reported.
pub fn resolve(
    files: &[LoadedFile<PlaceData>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    for Assembled {
        stem,
        data,
        texts,
        shown,
    } in assemble(
        files,
        languages,
        source_language,
        chains,
        "place",
        diagnostics,
    ) {
        let file = texts[source_language]
            .as_ref()
            .map(|t| t.path.clone())
            .unwrap_or_default();
        if let Some(first) = ids.get(&data.id) {
            let display = texts[source_language]
                .as_ref()
                .map(|t| t.file.clone())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            diagnostics.push(
                at_key(
                    &display,
                    &text,
                    0,
                    "id",
                    Some(&format!("\"{}\"", data.id)),
                    format!("two places have the id `{}`", data.id),
                )
                .with_hint(format!("the other is {}", first.display())),
            );
            continue;
        }
        ids.insert(
            data.id.clone(),
            texts[source_language]
                .as_ref()
                .map(|t| t.file.clone())
                .unwrap_or_default(),
        );
        places.push(Place {
            stem,
            data,
            texts,
            shown,
            statuses: Vec::new(),
        });
    }
    places.sort_by(|a, b| a.data.id.cmp(&b.data.id));
    places
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
        crate::resolve::encode_segment(&m.places[place].data.id)
    ))
}

/// The place a link key such as `places/buergerbuero` names (by file name or id).
pub fn by_link_key(m: &Municipality, key: &str) -> Option<usize> {
    let name = key.strip_prefix("places/")?;
    m.places
        .iter()
        .position(|p| p.stem == name || p.data.id == name)
}

/// Links to the places list and the news list for the start page.
pub fn start_links(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>) -> Value {
    let mut links = Vec::new();
    if !m.places.is_empty()
        && let Some(url) = list_url(m, lang)
    {
        links.push(json!({"title": ui.get("places_title"), "url": url}));
    }
    if !m.news.is_empty()
        && let Some(url) = crate::news::list_url(m, lang)
    {
        links.push(json!({"title": ui.get("news_title"), "url": url}));
    }
    links.extend(crate::events::start_link(m, lang, ui));
    Value::Array(links)
}

/// `tel:` target: the number without spaces and separators.
pub(crate) fn phone_link(phone: &str) -> String {
    phone.replace([' ', '/', '-', '(', ')'], "")
}

/// The `page` value of the generated pages, with what `municipality.html` reads. Its
/// translation notices are off; the pages of events, places and news items set theirs
/// with [`crate::render::Notices::apply`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn page_value(
    site: &Site,
    m: &Municipality,
    kind: &str,
    title: &str,
    description: Option<&str>,
    url: &str,
    canonical: &str,
    reader: LangIdx,
    shown: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Value {
    let l = &m.languages[shown];
    let notice = (shown != reader).then(|| ui.get("not_translated").replace("{original}", &l.name));
    json!({
        "key": "",
        "kind": kind,
        "title": title,
        "description": description,
        "lang": l.code,
        "dir": l.dir.as_str(),
        "fallback": shown != reader,
        "notice": notice,
        "outdated": null,
        "machine_translated": false,
        "url": url,
        "permalink": site.base_url.absolute(url),
        "canonical": site.base_url.absolute(canonical),
    })
}

/// Switcher entries (marked where the text is a fallback) and `hreflang` alternates
/// (only languages with their own text) for a generated page at `url_of(lang)`.
pub(crate) fn switcher(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    own_text: impl Fn(LangIdx) -> bool,
    marker: impl Fn(&str) -> String,
    url_of: impl Fn(LangIdx) -> Option<String>,
) -> (Value, Value) {
    let mut languages = Vec::new();
    let mut alternates = Vec::new();
    for (i, l) in m.languages.iter().enumerate() {
        let Some(url) = url_of(i) else { continue };
        if own_text(i) {
            alternates.push(json!({"hreflang": l.code, "href": site.base_url.absolute(&url)}));
        }
        languages.push(json!({
            "code": l.code, "name": l.name, "dir": l.dir.as_str(), "url": url,
            "current": i == lang, "fallback": !own_text(i), "marker": marker(&l.code),
        }));
    }
    if let Some(url) = url_of(m.source_language) {
        alternates.push(json!({"hreflang": "x-default", "href": site.base_url.absolute(&url)}));
    }
    (Value::Array(languages), Value::Array(alternates))
}

/// Breadcrumbs: the start page, then `list` (title, url) where given.
pub(crate) fn breadcrumbs(m: &Municipality, lang: LangIdx, list: Option<(&str, String)>) -> Value {
    let mut crumbs = Vec::new();
    if let Some(start) = m.pages.first().and_then(|p| p.localized[lang].as_ref()) {
        let (title, title_lang) = m.title(0, lang);
        let l = &m.languages[title_lang];
        crumbs
            .push(json!({"title": title, "url": start.url, "lang": l.code, "dir": l.dir.as_str()}));
    }
    if let Some((title, url)) = list {
        let l = &m.languages[lang];
        crumbs.push(json!({"title": title, "url": url, "lang": l.code, "dir": l.dir.as_str()}));
    }
    Value::Array(crumbs)
}

/// The body of `text` as HTML, with internal links resolved for readers of `lang`.
pub(crate) fn body_html(m: &Municipality, text: &Text, lang: LangIdx) -> String {
    let mut html = String::with_capacity(text.body.len() + 64);
    text.body.write_html(&mut html, |link| {
        crate::resolve::link_url(m, 0, link, lang).unwrap_or_else(|_| "#".to_string())
    });
    html
}

/// JSON for a `<script type="application/ld+json">` data block: `<`, `>` and `&`
/// escaped so that the text cannot end the element.
pub(crate) fn json_ld(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn slot_values(hours: &Hours) -> Vec<Value> {
    match hours {
        Hours::Open(slots) => slots
            .iter()
            .map(|s| json!({"from": hhmm(s.from), "to": hhmm(s.to)}))
            .collect(),
        _ => Vec::new(),
    }
}

fn flag_value(flag: &Option<FlagOrText>) -> Value {
    match flag {
        None | Some(FlagOrText::Flag(false)) => Value::Null,
        Some(FlagOrText::Flag(true)) => json!({"text": null}),
        Some(FlagOrText::Text(t)) => json!({"text": t}),
    }
}

/// The `place` value of a place page or a list entry, for readers of `lang`.
fn place_value(
    site: &Site,
    m: &Municipality,
    place: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Value {
    let p = &m.places[place];
    let d = &p.data;
    let (text, shown) = p.text(lang);
    let l = &m.languages[shown];
    let source = &m.languages[m.source_language];
    let code = &m.languages[lang].code;
    let names = crate::i18n::weekday_names(code);
    let week: Vec<Value> = d
        .hours
        .week
        .iter()
        .enumerate()
        .filter(|(_, h)| **h != Hours::Unknown)
        .map(|(i, h)| json!({"day": i + 1, "name": names[i], "state": h.state(), "slots": slot_values(h)}))
        .collect();
    let week_data: Vec<String> = d
        .hours
        .week
        .iter()
        .enumerate()
        .filter(|(_, h)| **h != Hours::Unknown)
        .map(|(i, h)| format!("{}={}", i + 1, h.data()))
        .collect();
    let upcoming: Vec<&Exception> = d
        .hours
        .exceptions
        .iter()
        .filter(|e| e.date >= m.today)
        .collect();
    let exceptions: Vec<Value> = upcoming
        .iter()
        .map(|e| {
            let iso = e.date.to_string();
            json!({
                "date": iso,
                "label": crate::i18n::format_iso_date(code, &iso).unwrap_or_else(|| iso.clone()),
                "state": e.hours.state(),
                "slots": slot_values(&e.hours),
                "note": e.note,
            })
        })
        .collect();
    let exceptions_data: Vec<String> = upcoming
        .iter()
        .map(|e| format!("{}={}", e.date, e.hours.data()))
        .collect();
    let (geo, osm) = match d.coordinates {
        Some(c) => (
            Some(format!("geo:{},{}", c.lat, c.lon)),
            Some(format!(
                "https://www.openstreetmap.org/?mlat={}&mlon={}#map=18/{}/{}",
                c.lat, c.lon, c.lat, c.lon
            )),
        ),
        None => (None, None),
    };
    let url = place_url(m, lang, place);
    json!({
        "id": d.id,
        "title": text.title,
        "description": text.description,
        "lang": l.code,
        "dir": l.dir.as_str(),
        "url": url,
        "permalink": url.as_deref().map(|u| site.base_url.absolute(u)),
        "category": d.category.as_str(),
        "category_label": d.category.label(ui),
        "address": d.address,
        "coordinates": d.coordinates,
        "geo_uri": geo,
        "osm_url": osm,
        "phone": d.phone,
        "phone_link": d.phone.as_deref().map(phone_link),
        "email": d.email,
        "website": d.website,
        "appointment_url": d.appointment_url,
        "barrier_free": match &d.barrier_free {
            None => Value::Null,
            Some(FlagOrText::Flag(b)) => json!({"yes": b, "text": null}),
            Some(FlagOrText::Text(t)) => json!({"yes": true, "text": t}),
        },
        "temporarily_closed": flag_value(&d.temporarily_closed),
        "source_lang": source.code,
        "source_dir": source.dir.as_str(),
        "hours": week,
        "hours_data": week_data.join(";"),
        "exceptions": exceptions,
        "exceptions_data": exceptions_data.join(";"),
        "timezone": m.timezone,
    })
}

/// schema.org data of a place (a `Place`, or a `GovernmentOffice` for authorities).
fn schema_org(site: &Site, m: &Municipality, place: usize, lang: LangIdx) -> Value {
    let p = &m.places[place];
    let d = &p.data;
    let (text, _) = p.text(lang);
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": match d.category {
            Category::Authority => "GovernmentOffice",
            Category::Education => "EducationalOrganization",
            Category::Health => "MedicalOrganization",
            Category::Religion => "PlaceOfWorship",
            Category::Shopping => "Store",
            _ => "Place",
        },
        "name": text.title,
    });
    if let Some(url) = place_url(m, lang, place) {
        v["url"] = json!(site.base_url.absolute(&url));
    }
    if let Some(t) = &text.description {
        v["description"] = json!(t);
    }
    if let Some(a) = &d.address {
        v["address"] = json!({
            "@type": "PostalAddress",
            "streetAddress": a.street,
            "postalCode": a.postcode,
            "addressLocality": a.town,
        });
    }
    if let Some(c) = d.coordinates {
        v["geo"] = json!({"@type": "GeoCoordinates", "latitude": c.lat, "longitude": c.lon});
    }
    if let Some(phone) = &d.phone {
        v["telephone"] = json!(phone);
    }
    if let Some(email) = &d.email {
        v["email"] = json!(email);
    }
    if let Some(web) = &d.website {
        v["sameAs"] = json!(web);
    }
    if let Some(b) = &d.barrier_free {
        let accessible = !matches!(b, FlagOrText::Flag(false));
        v["amenityFeature"] = json!([{
            "@type": "LocationFeatureSpecification",
            "name": "wheelchair accessible",
            "value": accessible,
        }]);
    }
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut specs: Vec<Value> = Vec::new();
    for (i, h) in d.hours.week.iter().enumerate() {
        if let Hours::Open(slots) = h {
            for s in slots {
                specs.push(json!({
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": format!("https://schema.org/{}", DAYS[i]),
                    "opens": hhmm(s.from),
                    "closes": hhmm(s.to),
                }));
            }
        }
    }
    if !specs.is_empty() {
        v["openingHoursSpecification"] = Value::Array(specs);
    }
    let special: Vec<Value> = d
        .hours
        .exceptions
        .iter()
        .filter(|e| e.date >= m.today)
        .flat_map(|e| {
            let day = e.date.to_string();
            match &e.hours {
                Hours::Open(slots) => slots
                    .iter()
                    .map(|s| json!({"@type": "OpeningHoursSpecification", "validFrom": day, "validThrough": day, "opens": hhmm(s.from), "closes": hhmm(s.to)}))
                    .collect::<Vec<_>>(),
                _ => vec![json!({"@type": "OpeningHoursSpecification", "validFrom": day, "validThrough": day, "opens": "00:00", "closes": "00:00"})],
            }
        })
        .collect();
    if !special.is_empty() {
        v["specialOpeningHoursSpecification"] = Value::Array(special);
    }
    v
}

/// What the pages of a place, event and news item have in common, put into `ctx`:
/// `page` (the text readers of `lang` get, from `texts` by `shown`, with the
/// translation notices), `content`, `languages`, `alternates` and `breadcrumbs` (the
/// start page, then `list`: the title and URL of the item's list). `url_of` is the
/// item's URL for readers of a language. Returns the item's text and its language.
#[allow(clippy::too_many_arguments)]
pub(crate) fn item_page<'t>(
    site: &Site,
    m: &Municipality,
    kind: &str,
    (texts, shown): (&'t [Option<Text>], &[LangIdx]),
    url_of: impl Fn(LangIdx) -> Option<String>,
    list: Option<(&str, String)>,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::Notices<'_>,
    ctx: &mut tera::Context,
) -> (&'t Text, LangIdx) {
    let (text, shown) = shown_text(texts, shown, lang);
    let url = url_of(lang).unwrap_or_default();
    let canonical = url_of(shown).unwrap_or_else(|| url.clone());
    let mut page = page_value(
        site,
        m,
        kind,
        &text.title,
        text.description.as_deref(),
        &url,
        &canonical,
        lang,
        shown,
        ui,
    );
    notices.apply(&mut page);
    ctx.insert("page", &page);
    ctx.insert("content", &body_html(m, text, lang));
    let (languages, alternates) = switcher(site, m, lang, |l| texts[l].is_some(), marker, url_of);
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &breadcrumbs(m, lang, list));
    (text, shown)
}

/// Values for `place.html`: `page`, `place`, `content`, `json_ld`, `languages`,
/// `alternates`, `breadcrumbs`.
#[allow(clippy::too_many_arguments)]
pub fn place_context(
    site: &Site,
    m: &Municipality,
    place: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::Notices<'_>,
    ctx: &mut tera::Context,
) {
    let p = &m.places[place];
    item_page(
        site,
        m,
        "place",
        (&p.texts, &p.shown),
        |l| place_url(m, l, place),
        list_url(m, lang).map(|u| (ui.get("places_title"), u)),
        lang,
        ui,
        marker,
        notices,
        ctx,
    );
    ctx.insert("place", &place_value(site, m, place, lang, ui));
    ctx.insert("json_ld", &json_ld(&schema_org(site, m, place, lang)));
    ctx.insert("events", &crate::events::at_place(m, place, lang, ui));
}

/// Values for `places.html`: `page`, `groups` (places by category), `languages`,
/// `alternates`, `breadcrumbs`.
pub fn places_context(
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
        &page_value(
            site,
            m,
            "places",
            ui.get("places_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let groups: Vec<Value> = Category::ALL
        .iter()
        .filter_map(|&c| {
            let mut places: Vec<Value> = (0..m.places.len())
                .filter(|&p| m.places[p].data.category == c)
                .map(|p| place_value(site, m, p, lang, ui))
                .collect();
            places.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
            (!places.is_empty())
                .then(|| json!({"category": c.as_str(), "label": c.label(ui), "places": places}))
        })
        .collect();
    ctx.insert("groups", &groups);
    let (languages, alternates) = switcher(site, m, lang, |_| true, marker, |l| list_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &breadcrumbs(m, lang, None));
}

/// The GeoJSON (RFC 7946) of the places of `m` that have coordinates: a
/// FeatureCollection of Points, `[longitude, latitude]`, with names in the source
/// language and links to the places' pages.
pub fn geojson(site: &Site, m: &Municipality) -> String {
    let source = m.source_language;
    let features: Vec<Value> = m
        .places
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let c = p.data.coordinates?;
            let (text, _) = p.text(source);
            let mut props = json!({
                "id": p.data.id,
                "name": text.title,
                "category": p.data.category.as_str(),
            });
            if let Some(url) = place_url(m, source, i) {
                props["url"] = json!(site.base_url.absolute(&url));
            }
            if let Some(a) = &p.data.address {
                props["address"] = json!(format!("{}, {} {}", a.street, a.postcode, a.town));
            }
            if let Some(phone) = &p.data.phone {
                props["phone"] = json!(phone);
            }
            Some(json!({
                "type": "Feature",
                "id": p.data.id,
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": props,
            }))
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "type": "FeatureCollection",
        "features": features,
    }))
    .expect("JSON serialises");
    text.push('\n');
    text
}

/// Write `/<m>/places.geojson` for every municipality with places; returns files and
/// bytes.
pub fn write(
    site: &Site,
    municipalities: &[usize],
    out: &dyn crate::write::Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = 0;
    let mut bytes = 0;
    for &mi in municipalities {
        let m = &site.municipalities[mi];
        if m.places.is_empty() {
            continue;
        }
        let text = geojson(site, m);
        let rel = format!("{}/{GEOJSON_FILE}", m.slug);
        out.write(&rel, text.as_bytes()).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
        })?;
        files += 1;
        bytes += text.len() as u64;
    }
    Ok((files, bytes))
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

    fn check_front(front: &str) -> (Option<PlaceData>, Vec<Diagnostic>) {
        let text = format!("+++\n{front}+++\n");
        let f: PlaceFront = toml::from_str(front).unwrap();
        let mut problems = Vec::new();
        let data = check(Path::new("p.md"), &text, &f, &mut problems);
        (problems.is_empty().then_some(data), problems)
    }

    /// Load `text` as `places/<name>` of a municipality in de (source) and ar.
    fn load(name: &str, text: &str) -> (Option<LoadedFile<PlaceData>>, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let ui = UiStrings::default();
        let languages = ["de".to_string(), "ar".to_string()];
        let scope = FileScope {
            root: dir.path(),
            languages: &languages,
            source_language: "de",
            ui: &ui,
            minify: false,
        };
        let mut problems = Vec::new();
        let loaded = load_file(&scope, &path, name, &mut problems);
        (loaded, problems)
    }

    #[test]
    fn translations_have_translation_states_as_pages_do() {
        let (loaded, problems) = load(
            "amt.ar.md",
            "+++\ntitle = \"مكتب\"\nsource_digest = \"0123456789ab\"\nmachine_translated = true\n+++\nنص.\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let text = loaded.unwrap().text;
        assert_eq!(text.source_digest.as_deref(), Some("0123456789ab"));
        assert!(text.machine_translated && !text.in_translation);
        assert_eq!(text.digest, crate::translation::digest("مكتب", "نص.\n"));
        // The source's digest is made as a page's is: title and body, nothing else.
        let (loaded, problems) = load(
            "amt.md",
            "+++\ntitle = \"Amt\"\nid = \"amt\"\ncategory = \"authority\"\n+++\nText.\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            loaded.unwrap().text.digest,
            crate::translation::digest("Amt", "Text.")
        );
    }

    #[test]
    fn a_malformed_source_digest_is_an_error_at_its_line() {
        let (loaded, problems) = load(
            "amt.ar.md",
            "---\ntitle: مكتب\nsource_digest: nicht-so\n---\nنص.\n",
        );
        assert!(loaded.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message, "`nicht-so` is not a digest");
        assert_eq!((problems[0].line, problems[0].column), (3, 1));
        // Data keys still belong in the source-language file only.
        let (loaded, problems) = load("amt.ar.md", "+++\ntitle = \"x\"\nid = \"amt\"\n+++\n");
        assert!(loaded.is_none());
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("source_digest"),
            "{problems:?}"
        );
    }

    #[test]
    fn overlapping_slots_are_reported_at_the_second() {
        let (_, p) = check_front(
            "title = \"A\"\nid = \"a\"\ncategory = \"health\"\n[opening_hours]\nmonday = [\"08:00-12:00\", \"11:00-13:00\"]\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("overlap"), "{}", p[0].message);
        assert_eq!((p[0].line, p[0].column), (6, 27));
    }

    #[test]
    fn unknown_weekday_and_category_get_suggestions() {
        let (_, p) = check_front(
            "title = \"A\"\nid = \"a\"\ncategory = \"helth\"\n[opening_hours]\nmondy = \"closed\"\n",
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].line, 4);
        assert!(p[0].hint.as_deref().unwrap().contains("`health`"));
        assert_eq!(p[1].line, 6);
        assert_eq!(p[1].hint.as_deref(), Some("did you mean `monday`?"));
    }

    #[test]
    fn coordinates_out_of_range() {
        let (_, p) = check_front(
            "title = \"A\"\nid = \"a\"\ncategory = \"other\"\ncoordinates = { lat = 95.0, lon = 6.9 }\n",
        );
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("latitude 95"), "{}", p[0].message);
    }

    #[test]
    fn hours_are_sorted_and_encoded_for_the_open_now_script() {
        let (data, p) = check_front(
            "title = \"A\"\nid = \"a\"\ncategory = \"authority\"\n[opening_hours]\nmonday = [\"14:00-16:00\", \"08:00-12:00\"]\ntuesday = \"appointment_only\"\nsunday = \"closed\"\n[[exceptions]]\ndate = 2026-12-31\nhours = [\"09:00-11:00\"]\n[[exceptions]]\ndate = 2026-12-28\nclosed = true\n",
        );
        assert!(p.is_empty(), "{p:?}");
        let h = data.unwrap().hours;
        assert_eq!(
            h.week[0],
            Hours::Open(vec![
                Slot { from: 480, to: 720 },
                Slot { from: 840, to: 960 }
            ])
        );
        assert_eq!(h.week[0].data(), "08:00-12:00,14:00-16:00");
        assert_eq!(h.week[1].data(), "appointment_only");
        assert_eq!(h.week[2], Hours::Unknown);
        assert_eq!(h.week[6].data(), "closed");
        let days: Vec<(String, String)> = h
            .exceptions
            .iter()
            .map(|e| (e.date.to_string(), e.hours.data()))
            .collect();
        assert_eq!(
            days,
            [
                ("2026-12-28".to_string(), "closed".to_string()),
                ("2026-12-31".to_string(), "09:00-11:00".to_string())
            ]
        );
    }

    #[test]
    fn json_ld_cannot_end_its_script_element() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = json_ld(&v);
        assert!(!s.contains('<'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
