//! Reading places from disk: the front matter of `content/<municipality>/places/*.md`
//! and its checks, and what the files below `places/`, `events/` and `news/` share
//! (file names, translations, the Markdown body, diagnostics at a key).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::diagnostics::{Diagnostic, Severity, did_you_mean};
use crate::load::markdown::{self};
use crate::model::body::Body;
use crate::model::place::{
    Address, Category, Coordinates, Exception, FlagOrText, Hours, OpeningHours, PlaceData, Slot,
    Text, WEEKDAYS,
};
use crate::model::review::Day;
use crate::model::ui_strings::UiStrings;

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
    /// Old URLs of the item's page in this file's language, redirected to it.
    #[serde(default)]
    aliases: Vec<String>,
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
    "aliases",
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
    #[serde(default)]
    aliases: Vec<String>,
}

/// The keys of a translation file.
pub(crate) const TEXT_KEYS: &[&str] = &[
    "title",
    "description",
    "source_digest",
    "machine_translated",
    "in_translation",
    "aliases",
];

/// One file below `places/` (or `news/`), parsed.
#[derive(Debug, Clone)]
pub struct LoadedFile<D> {
    /// File name without language suffix and `.md`: the place or item it belongs to.
    pub stem: String,
    pub language: String,
    pub text: Text,
    /// The data, in the source-language file; `None` in translations.
    pub data: Option<D>,
    /// The file is a draft that is not built: its data is used, its text is not.
    pub draft: bool,
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
    /// An empty `title` is made from the text's first sentence instead of being an
    /// error: news items, which may come from push notifications that have only a text.
    pub derive_titles: bool,
    /// The portal's own addresses (see [`crate::load::LoadedPortal::own_urls`]).
    pub own_urls: &'a [crate::model::config::BaseUrl],
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
        Some((base, suffix))
            if crate::model::language::is_language_code(suffix)
                || scope.languages.iter().any(|l| l == suffix) =>
        {
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
        own_urls: scope.own_urls,
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
    /// Old URLs of the item's page, redirected to it.
    pub aliases: Vec<String>,
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
    let (mut front, body) = match (front, body) {
        (Some(f), Some(b)) => (f, b),
        _ => {
            diagnostics.extend(problems);
            return None;
        }
    };
    if front.title.trim().is_empty() {
        match derived_title(scope, &body) {
            Some(title) => front.title = title,
            None => problems.push(empty_title(&display, &text, scope.derive_titles)),
        }
    }
    let failed = problems.iter().any(Diagnostic::is_error);
    diagnostics.extend(problems);
    let data = front.data.filter(|_| !failed)?;
    let mut source = Text::source(
        display,
        path,
        (front.title, front.description),
        (&text, front.body_start),
        body,
    );
    source.aliases = front.aliases;
    Some(LoadedFile {
        stem,
        language,
        text: source,
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
            crate::load::front_matter::parse_as::<PlaceFront>(display, text, PLACE_KEYS)
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
            aliases: front.aliases,
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
        crate::load::front_matter::parse_as::<TextFront>(&display, text, TEXT_KEYS)
            .map_err(|d| diagnostics.push(translation_hint(d)))
            .ok()?;
    crate::load::front_matter::check_source_digest(&display, text, front.source_digest.as_deref())
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let body = render_body(scope, &display, text, body_start, language, diagnostics);
    let title = if front.title.trim().is_empty() {
        let Some(title) = derived_title(scope, &body) else {
            diagnostics.push(empty_title(&display, text, scope.derive_titles));
            return None;
        };
        title
    } else {
        front.title
    };
    Some(Text {
        // A title made from the text is covered by the digest as a written one is.
        digest: crate::model::translation::digest(&title, &text[body_start..]),
        file: display,
        path: path.to_path_buf(),
        title,
        description: front.description,
        body,
        source_digest: front.source_digest,
        machine_translated: front.machine_translated,
        in_translation: front.in_translation,
        aliases: front.aliases,
    })
}

/// The title of an item whose `title` is empty, where the scope makes one
/// ([`FileScope::derive_titles`]): the first sentence of its text
/// ([`crate::load::title::first_sentence`]). `None` where titles are not derived or the
/// text has no words.
fn derived_title(scope: &FileScope<'_>, body: &crate::model::body::Body) -> Option<String> {
    if !scope.derive_titles {
        return None;
    }
    let mut html = String::new();
    body.write_html(&mut html, |l| l.written.clone());
    crate::load::title::first_sentence(&html)
}

/// `title = ""` where no title can be made.
fn empty_title(display: &Path, text: &str, derived: bool) -> Diagnostic {
    let (message, hint) = if derived {
        (
            "`title` is empty and the text has no words to make one from",
            "write a title, or the text: a news item without a title is headed by its first sentence",
        )
    } else {
        ("`title` must not be empty", TITLE_HINT)
    };
    at_key(display, text, 0, "title", None, message.into()).with_hint(hint)
}

/// What an empty title is told to change.
pub(crate) const TITLE_HINT: &str = "the title is the heading, the browser tab and the link text in every list: write what it is about";

/// Data keys in a translation: say where they belong.
fn translation_hint(d: Diagnostic) -> Diagnostic {
    if d.message.contains("unknown field") {
        d.with_hint(
            "a translation has only `title`, `description`, its text, `aliases`, and `source_digest`, `machine_translated` and `in_translation` as for pages; the other keys are set once, in the source-language file",
        )
    } else {
        d
    }
}

/// Check the data of a place's front matter, in named steps that report to `problems`
/// one after the other (so diagnostics come in the order of the keys below).
fn check(
    display: &Path,
    text: &str,
    front: &PlaceFront,
    problems: &mut Vec<Diagnostic>,
) -> PlaceData {
    let at = |key: &str, needle: Option<&str>, message: String| {
        at_key(display, text, 0, key, needle, message)
    };
    let category = check_identity(front, &at, problems);
    if let Some(c) = front.coordinates {
        check_coordinates(c, &at, problems);
    }
    check_contact(front, &at, problems);
    let mut hours = OpeningHours {
        week: check_week(display, text, &front.opening_hours, &at, problems),
        exceptions: check_exceptions(display, text, &front.exceptions, problems),
    };
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

/// A diagnostic at `key` of the front matter, marking `needle` where given.
type At<'a> = dyn Fn(&str, Option<&str>, String) -> Diagnostic + 'a;

/// `title`, `id` and `category`; the category, [`Category::Other`] when unknown.
fn check_identity(front: &PlaceFront, at: &At<'_>, problems: &mut Vec<Diagnostic>) -> Category {
    if front.title.trim().is_empty() {
        problems.push(at("title", None, "`title` must not be empty".into()).with_hint(TITLE_HINT));
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
    Category::parse(&front.category).unwrap_or_else(|| {
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
    })
}

/// `coordinates`: degrees in range, and not the 0, 0 of a forgotten value.
fn check_coordinates(c: Coordinates, at: &At<'_>, problems: &mut Vec<Diagnostic>) {
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

/// `email`, `website` and `appointment_url`.
fn check_contact(front: &PlaceFront, at: &At<'_>, problems: &mut Vec<Diagnostic>) {
    if let Some(email) = &front.email
        && !crate::load::actor::is_email(email)
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
            && let Some(problem) = crate::base::safe_url::web_url_problem(url)
        {
            problems.push(
                at(key, None, problem)
                    .with_hint("write the whole address, e.g. https://example.org/termin"),
            );
        }
    }
}

/// `opening_hours`: the week, Monday first.
fn check_week(
    display: &Path,
    text: &str,
    opening_hours: &BTreeMap<String, DayValue>,
    at: &At<'_>,
    problems: &mut Vec<Diagnostic>,
) -> [Hours; 7] {
    let mut week: [Hours; 7] = Default::default();
    for (day, value) in opening_hours {
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
        week[index] = match value {
            DayValue::Word(w) if w == "closed" => Hours::Closed,
            DayValue::Word(w) if w == "appointment_only" => Hours::AppointmentOnly,
            DayValue::Word(w) => slots(std::slice::from_ref(w), &report, problems),
            DayValue::Slots(list) => slots(list, &report, problems),
        };
    }
    week
}

/// `exceptions`: one per date, each either closed or with hours; in file order.
fn check_exceptions(
    display: &Path,
    text: &str,
    exceptions: &[ExceptionFront],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Exception> {
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for e in exceptions {
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
        out.push(Exception {
            date: e.date.0,
            hours: h,
            note: e.note.clone(),
        });
    }
    out
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

#[cfg(test)]
#[path = "load_place_tests.rs"]
mod tests;
