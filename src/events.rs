//! Events: the conversation café every Tuesday, the job fair, the info evening, from
//! `content/<municipality>/events/*.md`.
//!
//! An event is one file in the municipality's source language (`sprachcafe.md`) that
//! holds its data (start, end, place, recurrence, registration, cost) and translations
//! beside it (`sprachcafe.ar.md`) with only `title`, `description` and the body, as
//! for places. Times are local date-times in the municipality's `timezone`; recurring
//! events use the RRULE subset of [`crate::recurrence`]. The site has an upcoming-events
//! page per language (`/<m>/<lang>/events/`, the occurrences of the next
//! `[events] window_days` days, grouped by day), one page per event
//! (`/<m>/<lang>/events/<name>/`), an iCalendar file per event
//! (`/<m>/<lang>/events/<name>/<name>.ics`) and a subscribable calendar per language
//! (`/<m>/<lang>/events/calendar.ics`), see [`crate::ics`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Value, json};

use crate::diagnostics::{Diagnostic, Severity, did_you_mean};
use crate::ics::Writer;
use crate::model::{LangIdx, Municipality, Site};
use crate::model_review::Day;
use crate::model_ui_strings::LanguageStrings;
use crate::places::{FileScope, LoadedFile, Text, at_key};
use crate::recurrence::{End, Freq, Rule};
use crate::theme::Theme;

/// The reserved folder below a municipality, and the URL segment of the event pages.
pub const FOLDER: &str = "events";

/// The subscribable calendar's file name, in the events folder of each language.
pub const FEED_FILE: &str = "calendar.ics";

/// How many days ahead the events page lists, unless `[events] window_days` says.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;

/// How many coming dates an event page lists for a recurring event.
const NEXT_DATES: usize = 5;

/// Events that ended longer ago than this many days leave the calendar feeds.
const FEED_KEEPS_DAYS: i64 = 30;

/// `[events]` in municipality.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSettings {
    /// How many days ahead the upcoming-events page lists occurrences.
    #[serde(default = "default_window", deserialize_with = "window_days")]
    pub window_days: u32,
}

/// The longest `window_days`: ten years.
pub const MAX_WINDOW_DAYS: u32 = 3660;

fn default_window() -> u32 {
    DEFAULT_WINDOW_DAYS
}

fn window_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = i64::deserialize(d)?;
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=MAX_WINDOW_DAYS).contains(n))
        .ok_or_else(|| {
            de::Error::custom(format!(
                "window_days = {n} is not 1 to {MAX_WINDOW_DAYS} (ten years)"
            ))
        })
}

impl Default for EventSettings {
    fn default() -> Self {
        EventSettings {
            window_days: DEFAULT_WINDOW_DAYS,
        }
    }
}

/// `start`/`end` in front matter: a day (`2026-12-05`) or a local date-time
/// (`2026-12-01T18:00`), as a TOML date or date-time, or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Day(Date),
    Time(DateTime),
}

/// Parse `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` (a space for the `T` is fine).
pub fn parse_moment(s: &str) -> Result<Moment, String> {
    let s = s.trim();
    if s.len() == 10 {
        return crate::model_review::parse_day(s).map(Moment::Day);
    }
    let hint = "write a local date and time, e.g. 2026-12-01T18:00";
    if s.len() < 16 || !s.is_char_boundary(10) {
        return Err(format!("`{s}` is not a date or date and time: {hint}"));
    }
    let (day, time) = s.split_at(10);
    // The separator is one ASCII character (`T` or a space): anything else is no time.
    let Some(time) = time.strip_prefix(['T', 't', ' ']) else {
        return Err(format!("`{s}` is not a date or date and time: {hint}"));
    };
    if time.ends_with(['Z', 'z']) || time.contains(['+', '-']) {
        return Err(format!(
            "`{s}` has a UTC offset: give the local time in the municipality's time zone, e.g. 2026-12-01T18:00"
        ));
    }
    let day = crate::model_review::parse_day(day)?;
    let shape = time.get(..5).is_some_and(|hm| {
        hm.bytes().enumerate().all(|(i, b)| {
            if i == 2 {
                b == b':'
            } else {
                b.is_ascii_digit()
            }
        })
    });
    let parsed = shape
        .then(|| jiff::civil::Time::strptime("%H:%M:%S", pad_seconds(time)).ok())
        .flatten();
    match parsed {
        Some(t) => Ok(Moment::Time(day.to_datetime(t))),
        None => Err(format!("`{time}` is not a time of day: {hint}")),
    }
}

fn pad_seconds(time: &str) -> String {
    let time = time.split('.').next().unwrap_or(time);
    if time.len() == 5 {
        format!("{time}:00")
    } else {
        time.to_string()
    }
}

/// The key under which the `toml` crate hands a datetime to a deserializer.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MomentVisitor;
        impl<'de> Visitor<'de> for MomentVisitor {
            type Value = Moment;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date (2026-12-05) or a local date and time (2026-12-01T18:00)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Moment, E> {
                parse_moment(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Moment, A::Error> {
                match map.next_key::<String>()? {
                    Some(key) if key == TOML_DATETIME_KEY => {
                        let value: String = map.next_value()?;
                        parse_moment(&value).map_err(de::Error::custom)
                    }
                    _ => Err(de::Error::custom(
                        "expected a date (2026-12-05) or a local date and time (2026-12-01T18:00)",
                    )),
                }
            }
        }
        d.deserialize_any(MomentVisitor)
    }
}

/// `cost = "free"`, `cost = 0`, `cost = 5` (euros) or a text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
enum CostFront {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFront {
    title: String,
    #[serde(default)]
    description: Option<String>,
    start: Moment,
    #[serde(default)]
    end: Option<Moment>,
    #[serde(default)]
    all_day: bool,
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    online_url: Option<String>,
    #[serde(default)]
    recurrence: Option<String>,
    #[serde(default)]
    exceptions: Vec<Day>,
    #[serde(default)]
    registration: Option<String>,
    #[serde(default)]
    cost: Option<CostFront>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    draft: bool,
}

/// The keys of an event's source-language file.
pub const EVENT_KEYS: &[&str] = &[
    "title",
    "description",
    "start",
    "end",
    "all_day",
    "place",
    "location",
    "online_url",
    "recurrence",
    "exceptions",
    "registration",
    "cost",
    "actor",
    "draft",
];

/// When an event (its first occurrence) takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Local date-times in the municipality's time zone; no end: open end.
    Timed {
        start: DateTime,
        end: Option<DateTime>,
    },
    /// Whole days, `end` inclusive.
    AllDay { start: Date, end: Date },
}

impl Timing {
    pub fn first_day(&self) -> Date {
        match *self {
            Timing::Timed { start, .. } => start.date(),
            Timing::AllDay { start, .. } => start,
        }
    }

    /// The days from the first day to the last day of one occurrence (0: one day).
    pub fn extra_days(&self) -> i32 {
        let last = match *self {
            Timing::Timed { start, end } => end.map_or(start.date(), |e| e.date()),
            Timing::AllDay { end, .. } => end,
        };
        let days = (last - self.first_day()).get_days();
        days.max(0)
    }

    /// The start and end of the occurrence on `day`, as local date-times (all-day:
    /// midnight to the next day's midnight).
    pub fn on(&self, day: Date) -> (DateTime, Option<DateTime>) {
        match *self {
            Timing::Timed { start, end } => {
                let s = day.to_datetime(start.time());
                let e = end.map(|e| {
                    let shift = (e.date() - start.date()).get_days();
                    day.checked_add(shift.days())
                        .unwrap_or(day)
                        .to_datetime(e.time())
                });
                (s, e)
            }
            Timing::AllDay { start, end } => {
                let shift = (end - start).get_days() + 1;
                (
                    day.to_datetime(jiff::civil::Time::midnight()),
                    Some(
                        day.checked_add(shift.days())
                            .unwrap_or(day)
                            .to_datetime(jiff::civil::Time::midnight()),
                    ),
                )
            }
        }
    }
}

/// Where to register: a link or a text (in the source language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    Url(String),
    Text(String),
}

/// What it costs.
#[derive(Debug, Clone, PartialEq)]
pub enum Cost {
    Free,
    /// Euros.
    Price(f64),
    /// A text in the source language ("5 €, ermäßigt 2 €").
    Text(String),
}

/// An event's data, from its source-language file.
#[derive(Debug, Clone)]
pub struct EventData {
    pub timing: Timing,
    /// The id of a place in `places/`.
    pub place: Option<String>,
    /// A free text, in the source language.
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub recurrence: Option<Rule>,
    /// Days of a recurring event on which it does not take place.
    pub exceptions: Vec<Date>,
    pub registration: Option<Registration>,
    pub cost: Option<Cost>,
    /// The id of an actor in actors.toml.
    pub actor: Option<String>,
}

/// An event with its texts.
#[derive(Debug, Clone)]
pub struct Event {
    /// The file name: the last URL segment.
    pub stem: String,
    pub data: EventData,
    pub texts: Vec<Option<Text>>,
    pub shown: Vec<LangIdx>,
    /// The state of each language's translation, indexed by [`LangIdx`], as for pages
    /// (filled in by [`crate::resolve`]).
    pub statuses: Vec<crate::model_translation::Status>,
    /// Index of its place in [`Municipality::places`].
    pub place: Option<usize>,
    /// Index of its actor in [`Municipality::actors`].
    pub actor: Option<usize>,
}

impl Event {
    /// The text for readers of `lang`, and its language.
    pub fn text(&self, lang: LangIdx) -> (&Text, LangIdx) {
        crate::places::shown_text(&self.texts, &self.shown, lang)
    }

    /// The days occurrences start on that are not over before `from` and start no
    /// later than `to`, exceptions left out.
    pub fn days_between(&self, from: Date, to: Date) -> Vec<Date> {
        let earliest = from
            .checked_sub(i64::from(self.data.timing.extra_days()).days())
            .unwrap_or(from);
        let first = self.data.timing.first_day();
        match &self.data.recurrence {
            None => {
                if (earliest..=to).contains(&first) {
                    vec![first]
                } else {
                    Vec::new()
                }
            }
            Some(rule) => rule.between(first, &self.data.exceptions, earliest, to),
        }
    }

    /// The next `n` days occurrences start on from `from` (ongoing ones included).
    pub fn next_days(&self, from: Date, n: usize) -> Vec<Date> {
        let earliest = from
            .checked_sub(i64::from(self.data.timing.extra_days()).days())
            .unwrap_or(from);
        let first = self.data.timing.first_day();
        match &self.data.recurrence {
            None => (first >= earliest).then_some(first).into_iter().collect(),
            Some(rule) => rule
                .instances(first)
                .filter(|d| *d >= earliest && !self.data.exceptions.contains(d))
                .take(n)
                .collect(),
        }
    }

    /// The last day of the last occurrence; `None` for a rule without end.
    pub fn last_day(&self) -> Option<Date> {
        let first = self.data.timing.first_day();
        let last_start = match &self.data.recurrence {
            None => first,
            Some(rule) => match rule.end {
                End::Never => return None,
                _ => rule.last(first, &self.data.exceptions).unwrap_or(first),
            },
        };
        last_start
            .checked_add(i64::from(self.data.timing.extra_days()).days())
            .ok()
    }

    /// Whether every occurrence is over before `today`.
    pub fn is_past(&self, today: Date) -> bool {
        self.last_day().is_some_and(|d| d < today)
    }
}

/// Parse one file below `events/`; problems go to `diagnostics`.
pub fn load_file(
    scope: &FileScope<'_>,
    path: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedFile<EventData>> {
    crate::places::load_item_file(scope, path, name, diagnostics, |display, text, problems| {
        let (front, _, body_start) =
            crate::load_front_matter::parse_as::<EventFront>(display, text, EVENT_KEYS)
                .map_err(|d| {
                    let d = if d.message.contains("missing field `start`") {
                        d.with_hint("an event needs its start: start = 2026-12-01T18:00, or start = 2026-12-05 with all_day = true")
                    } else {
                        d
                    };
                    problems.push(d)
                })
                .ok()?;
        let data = check(display, text, &front, problems);
        Some(crate::places::SourceFront {
            data,
            title: front.title,
            description: front.description,
            body_start,
            draft: front.draft,
        })
    })
}

/// The byte offset of `value` after the line of `key` in the front matter of `text`.
fn value_offset(text: &str, key: &str, value: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with(['=', ':'])
        {
            return text[offset..].find(value).map(|i| offset + i);
        }
        offset += line.len();
    }
    None
}

fn warning(mut d: Diagnostic) -> Diagnostic {
    d.severity = Severity::Warning;
    d
}

/// Check an event's front matter; `None` when the timing cannot be made sense of.
fn check(
    display: &Path,
    text: &str,
    front: &EventFront,
    problems: &mut Vec<Diagnostic>,
) -> Option<EventData> {
    let at = |key: &str, needle: Option<&str>, message: String| {
        at_key(display, text, 0, key, needle, message)
    };
    if front.title.trim().is_empty() {
        problems.push(at("title", None, "`title` must not be empty".into()));
    }
    let timing = match (front.all_day, front.start, front.end) {
        (true, Moment::Day(start), None) => Some(Timing::AllDay { start, end: start }),
        (true, Moment::Day(start), Some(Moment::Day(end))) => {
            if end < start {
                problems.push(
                    at(
                        "end",
                        None,
                        format!("the event ends ({end}) before it starts ({start})"),
                    )
                    .with_hint("for an all-day event, end is its last day"),
                );
            }
            Some(Timing::AllDay { start, end })
        }
        (true, Moment::Time(_), _) | (true, _, Some(Moment::Time(_))) => {
            let key = if matches!(front.start, Moment::Time(_)) {
                "start"
            } else {
                "end"
            };
            problems.push(
                at(key, None, "an all-day event has days, not times".into()).with_hint(
                    "write start = 2026-12-05 (and end = 2026-12-06), or leave all_day out",
                ),
            );
            None
        }
        (false, Moment::Day(_), _) => {
            problems.push(
                at(
                    "start",
                    None,
                    "`start` is a day without a time of day".into(),
                )
                .with_hint("write start = 2026-12-01T18:00, or add all_day = true"),
            );
            None
        }
        (false, Moment::Time(_), Some(Moment::Day(_))) => {
            problems.push(
                at("end", None, "`end` is a day without a time of day".into())
                    .with_hint("write end = 2026-12-01T20:00"),
            );
            None
        }
        (false, Moment::Time(start), end) => {
            let end = match end {
                Some(Moment::Time(e)) => Some(e),
                _ => None,
            };
            if let Some(e) = end
                && e <= start
            {
                let message = if e == start {
                    format!(
                        "the event ends when it starts ({})",
                        start.strftime("%Y-%m-%dT%H:%M")
                    )
                } else {
                    format!(
                        "the event ends ({}) before it starts ({})",
                        e.strftime("%Y-%m-%dT%H:%M"),
                        start.strftime("%Y-%m-%dT%H:%M")
                    )
                };
                problems.push(at("end", None, message).with_hint(
                    "leave end out for an open end; an event past midnight ends on the next day",
                ));
            }
            Some(Timing::Timed { start, end })
        }
    };
    // Years outside what an event can have (a typo like 0226 or 2226): the rule would
    // run for centuries.
    let day_of = |m: Moment| match m {
        Moment::Day(d) => d,
        Moment::Time(t) => t.date(),
    };
    let mut out_of_range = false;
    for (key, moment) in [("start", Some(front.start)), ("end", front.end)] {
        if let Some(day) = moment.map(day_of)
            && !crate::recurrence::in_range(day)
        {
            let (message, hint) = crate::recurrence::out_of_range(day);
            problems.push(at(key, None, format!("`{key}` {message}")).with_hint(hint));
            out_of_range = true;
        }
    }
    let timing = if out_of_range { None } else { timing };
    if front.place.is_none() && front.location.is_none() && front.online_url.is_none() {
        problems.push(
            at(
                "place",
                None,
                "the event has no place, location or online_url".into(),
            )
            .with_hint("add place = \"<place id>\" (a file in places/), location = \"…\" or online_url = \"https://…\""),
        );
    }
    if let Some(id) = &front.place
        && (id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'))
    {
        problems.push(
            at("place", None, format!("`{id}` is not a place id")).with_hint(
                "the place's id from its file in places/, e.g. place = \"buergerbuero\"",
            ),
        );
    }
    if let Some(url) = &front.online_url
        && let Some(problem) = crate::safe_url::web_url_problem(url)
    {
        problems.push(
            at("online_url", None, problem)
                .with_hint("write the whole address, e.g. https://meet.example.org/sprachcafe"),
        );
    }
    let registration = front.registration.as_ref().map(|r| {
        let r = r.trim();
        if r.starts_with("http://") || r.starts_with("https://") {
            if let Some(problem) = crate::safe_url::web_url_problem(r) {
                problems.push(at("registration", None, problem));
            }
            Registration::Url(r.to_string())
        } else {
            Registration::Text(r.to_string())
        }
    });
    let cost = match &front.cost {
        None => None,
        Some(CostFront::Number(n)) if *n == 0.0 => Some(Cost::Free),
        Some(CostFront::Number(n)) if *n > 0.0 && n.is_finite() => Some(Cost::Price(*n)),
        Some(CostFront::Number(n)) => {
            problems.push(at("cost", None, format!("cost {n} is not a price")));
            None
        }
        Some(CostFront::Text(t)) if t.trim().eq_ignore_ascii_case("free") || t.trim() == "0" => {
            Some(Cost::Free)
        }
        Some(CostFront::Text(t)) => Some(Cost::Text(t.clone())),
    };
    let first = timing.map(|t| t.first_day());
    let recurrence = front.recurrence.as_deref().and_then(|rule_text| {
        let base = value_offset(text, "recurrence", rule_text);
        match crate::recurrence::parse(rule_text) {
            Err(e) => {
                let d = match base {
                    Some(b) => Diagnostic::error_at(
                        display,
                        text,
                        (b + e.span.start)..(b + e.span.end.max(e.span.start + 1)),
                        e.message,
                    ),
                    None => at("recurrence", None, e.message),
                };
                problems.push(d.with_hint_opt(e.hint));
                None
            }
            Ok(rule) => {
                if let Some(first) = first
                    && let Err((message, hint)) = rule.check_start(first)
                {
                    // At the UNTIL part when it is the problem, else at the rule.
                    let needle = if message.starts_with("UNTIL") {
                        rule_text
                            .split(';')
                            .find(|p| p.trim_start().to_ascii_uppercase().starts_with("UNTIL"))
                            .unwrap_or(rule_text)
                    } else {
                        rule_text
                    };
                    problems.push(at("recurrence", Some(needle), message).with_hint(hint));
                }
                Some(rule)
            }
        }
    });
    let exceptions: Vec<Date> = front.exceptions.iter().map(|d| d.0).collect();
    for day in exceptions
        .iter()
        .filter(|d| !crate::recurrence::in_range(**d))
    {
        let (message, hint) = crate::recurrence::out_of_range(*day);
        problems.push(
            at(
                "exceptions",
                Some(&day.to_string()),
                format!("exception {message}"),
            )
            .with_hint(hint),
        );
    }
    if !exceptions.is_empty() && front.recurrence.is_none() {
        problems.push(
            at(
                "exceptions",
                None,
                "`exceptions` without `recurrence`".into(),
            )
            .with_hint("exceptions are the days a recurring event does not take place"),
        );
    }
    if let (Some(rule), Some(first)) = (&recurrence, first) {
        for day in &exceptions {
            if crate::recurrence::in_range(*day) && !rule.occurs_on(first, *day) {
                problems.push(
                    warning(at(
                        "exceptions",
                        Some(&day.to_string()),
                        format!("exception {day} is not a day the event takes place on"),
                    ))
                    .with_hint(format!(
                        "the rule `{rule}` does not give {day}; check the date"
                    )),
                );
            }
        }
    }
    if let Some(actor) = &front.actor
        && actor.trim().is_empty()
    {
        problems.push(at("actor", None, "`actor` must not be empty".into()));
    }
    Some(EventData {
        timing: timing?,
        place: front.place.clone(),
        location: front.location.clone(),
        online_url: front.online_url.clone(),
        recurrence,
        exceptions,
        registration,
        cost,
        actor: front.actor.clone(),
    })
}

/// The events of a municipality: place and actor ids resolved, local times checked
/// against the time zone `tz_name`; sorted by first day, then name.
#[allow(clippy::too_many_arguments)]
pub fn resolve(
    files: &[LoadedFile<EventData>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    places: &[crate::places::Place],
    // `None`: actors.toml failed to load, so an unknown id is not reported.
    actors: Option<&[crate::model_actor::Actor]>,
    tz_name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Event> {
    let actors_known = actors.is_some();
    let actors = actors.unwrap_or_default();
    let tz = crate::model_review::time_zone(tz_name).ok();
    let mut events = Vec::new();
    for a in crate::places::assemble(
        files,
        languages,
        source_language,
        chains,
        "event",
        diagnostics,
    ) {
        let Some(source) = a.texts[source_language].as_ref() else {
            continue;
        };
        let mut text: Option<String> = None;
        let mut source_text = || {
            text.get_or_insert_with(|| std::fs::read_to_string(&source.path).unwrap_or_default())
                .clone()
        };
        let mut failed = false;
        let place = match &a.data.place {
            None => None,
            Some(id) => match places.iter().position(|p| p.data.id == *id) {
                Some(i) => Some(i),
                None => {
                    let t = source_text();
                    let hint = match did_you_mean(id, places.iter().map(|p| p.data.id.as_str())) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None if places.is_empty() => {
                            "the municipality has no places: add one in places/, or write location = \"…\"".into()
                        }
                        None => format!(
                            "places: {}",
                            places.iter().map(|p| p.data.id.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    diagnostics.push(
                        at_key(
                            &source.file,
                            &t,
                            0,
                            "place",
                            Some(id),
                            format!("there is no place with the id `{id}`"),
                        )
                        .with_hint(hint),
                    );
                    failed = true;
                    None
                }
            },
        };
        let actor = match &a.data.actor {
            None => None,
            Some(id) => match actors.iter().position(|x| x.id == *id) {
                Some(i) => Some(i),
                None if !actors_known => None,
                None => {
                    let t = source_text();
                    let hint = did_you_mean(id, actors.iter().map(|x| x.id.as_str()))
                        .map(|near| format!("did you mean `{near}`?"))
                        .unwrap_or_else(|| "actors are listed in actors.toml".into());
                    diagnostics.push(
                        at_key(
                            &source.file,
                            &t,
                            0,
                            "actor",
                            Some(id),
                            format!("there is no actor with the id `{id}`"),
                        )
                        .with_hint(hint),
                    );
                    failed = true;
                    None
                }
            },
        };
        if let (Some(tz), Timing::Timed { start, end }) = (&tz, a.data.timing) {
            for (key, dt) in [("start", Some(start)), ("end", end)] {
                let Some(dt) = dt else { continue };
                if let Some(d) = local_time_problem(tz, tz_name, dt) {
                    let t = source_text();
                    diagnostics.push(at_key(&source.file, &t, 0, key, None, d.0).with_hint(d.1));
                    failed = true;
                }
            }
            if let (false, Some(rule)) = (failed, &a.data.recurrence) {
                // Later occurrences on the night clocks go forward: said once per event.
                let first = start.date();
                let limit = first.checked_add(3.years()).unwrap_or(first);
                let gap = rule
                    .instances(first)
                    .take_while(|d| *d <= limit)
                    .filter(|d| !a.data.exceptions.contains(d))
                    .skip(1)
                    .find_map(|d| {
                        let (s, _) = a.data.timing.on(d);
                        matches!(
                            tz.to_ambiguous_zoned(s).offset(),
                            AmbiguousOffset::Gap { .. }
                        )
                        .then_some(s)
                    });
                if let Some(s) = gap {
                    let t = source_text();
                    let shown = tz
                        .to_zoned(s)
                        .map(|z| z.time().strftime("%H:%M").to_string())
                        .unwrap_or_default();
                    diagnostics.push(warning(
                        at_key(
                            &source.file,
                            &t,
                            0,
                            "start",
                            None,
                            format!(
                                "on {} the time {} does not exist in {tz_name} (clocks go forward); that occurrence is at {shown}",
                                s.date(),
                                s.time().strftime("%H:%M")
                            ),
                        )
                        .with_hint("as RFC 5545 and calendar apps do, the offset before the change is used; add the day to exceptions to leave it out"),
                    ));
                }
            }
        }
        if failed {
            continue;
        }
        events.push(Event {
            stem: a.stem,
            data: a.data,
            texts: a.texts,
            shown: a.shown,
            statuses: Vec::new(),
            place,
            actor,
        });
    }
    events.sort_by(|a, b| {
        a.data
            .timing
            .first_day()
            .cmp(&b.data.timing.first_day())
            .then_with(|| a.stem.cmp(&b.stem))
    });
    events
}

/// A local time that does not exist (clocks go forward: an error) or exists twice
/// (clocks go back: jiff's "compatible" choice, the earlier one, is taken silently
/// unless it is an error here). Message and hint.
fn local_time_problem(tz: &TimeZone, name: &str, dt: DateTime) -> Option<(String, String)> {
    match tz.to_ambiguous_zoned(dt).offset() {
        AmbiguousOffset::Gap { before, after } => Some((
            format!(
                "{} does not exist in {name}: clocks go forward from UTC{before} to UTC{after} that night",
                dt.strftime("%Y-%m-%dT%H:%M")
            ),
            "choose a time before or after the change, e.g. 03:00".into(),
        )),
        AmbiguousOffset::Fold { before, after } => Some((
            format!(
                "{} happens twice in {name}: clocks go back from UTC{before} to UTC{after} that night",
                dt.strftime("%Y-%m-%dT%H:%M")
            ),
            "choose a time before or after the change, e.g. 03:00".into(),
        )),
        AmbiguousOffset::Unambiguous { .. } => None,
    }
}

/// The URL path of the events page in `lang`.
pub fn list_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    crate::places::section_location(m, lang, FOLDER).map(|(_, url)| url)
}

/// The URL path of event `event`'s page in `lang`.
pub fn event_url(m: &Municipality, lang: LangIdx, event: usize) -> Option<String> {
    Some(format!("{}{}/", list_url(m, lang)?, m.events[event].stem))
}

/// The URL path of event `event`'s iCalendar file in `lang`.
pub fn event_ics_url(m: &Municipality, lang: LangIdx, event: usize) -> Option<String> {
    let stem = &m.events[event].stem;
    Some(format!("{}{stem}.ics", event_url(m, lang, event)?))
}

/// The URL path of the calendar of every event in `lang`.
pub fn feed_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    Some(format!("{}{FEED_FILE}", list_url(m, lang)?))
}

/// The event a link key such as `events/sprachcafe` names.
pub fn by_link_key(m: &Municipality, key: &str) -> Option<usize> {
    let name = key.strip_prefix("events/")?;
    m.events.iter().position(|e| e.stem == name)
}

/// The municipality's time zone (reported when unknown, while loading).
fn zone(m: &Municipality) -> TimeZone {
    crate::model_review::time_zone(&m.timezone).unwrap_or(TimeZone::UTC)
}

fn hm(dt: DateTime) -> String {
    dt.strftime("%H:%M").to_string()
}

/// `Dienstag, 1. Dezember 2026`: the weekday and date in the reader's language.
fn day_label(code: &str, ui: &LanguageStrings<'_>, day: Date) -> String {
    let weekday = &crate::i18n::weekday_names(code)[day.weekday().to_monday_zero_offset() as usize];
    let date = crate::i18n::format_date(
        code,
        i32::from(day.year()),
        day.month() as u8,
        day.day() as u8,
    );
    ui.get("event_day")
        .replace("{weekday}", weekday)
        .replace("{date}", &date)
}

/// The time of the occurrence on `day`: `18:00–20:00`, and the end's day when it ends
/// on another day; `None` for all-day events.
fn time_label(
    code: &str,
    ui: &LanguageStrings<'_>,
    timing: &Timing,
    day: Date,
) -> (Option<String>, Option<String>) {
    let (start, end) = timing.on(day);
    match *timing {
        Timing::Timed { .. } => match end {
            Some(e) if e.date() == start.date() => (Some(format!("{}–{}", hm(start), hm(e))), None),
            Some(e) => (
                Some(hm(start)),
                Some(format!("{} {}", day_label(code, ui, e.date()), hm(e))),
            ),
            None => (Some(hm(start)), None),
        },
        Timing::AllDay { start: s, end: e } => {
            let until = (e > s).then(|| {
                let last = day.checked_add((e - s).get_days().days()).unwrap_or(day);
                day_label(code, ui, last)
            });
            (None, until)
        }
    }
}

/// The separator of a list in the reader's script: the Arabic comma in Arabic-script
/// languages, the Ethiopic comma in Amharic and Tigrinya, the ideographic comma in
/// Chinese.
pub fn list_separator(code: &str) -> &'static str {
    match code.split('-').next().unwrap_or(code) {
        "ar" | "fa" | "prs" | "ps" | "ur" | "ckb" => "، ",
        "am" | "ti" => "፣ ",
        "zh" => "，",
        _ => ", ",
    }
}

/// The number of an n-th weekday as readers of `code` write it in the rule summary:
/// English has ordinal suffixes (`1st`), the other languages' texts put the number
/// where their grammar wants it.
fn nth_label(code: &str, n: i8) -> String {
    if code == "en" || code.starts_with("en-") {
        let suffix = match n {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        };
        format!("{n}{suffix}")
    } else {
        crate::i18n::format_number(code, i64::from(n))
    }
}

/// "Every Tuesday, 18:00–20:00" in the reader's language; `None` for one-off events.
pub fn rule_summary(
    m: &Municipality,
    event: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Option<String> {
    let e = &m.events[event];
    let rule = e.data.recurrence.as_ref()?;
    let code = &m.languages[lang].code;
    let names = crate::i18n::weekday_names(code);
    let first = e.data.timing.first_day();
    let n = crate::i18n::format_number(code, i64::from(rule.interval));
    let weekday = |w: jiff::civil::Weekday| names[w.to_monday_zero_offset() as usize].clone();
    let days = |rule: &Rule| -> String {
        if rule.by_day.is_empty() {
            weekday(first.weekday())
        } else {
            rule.by_day
                .iter()
                .map(|b| weekday(b.weekday))
                .collect::<Vec<_>>()
                .join(list_separator(code))
        }
    };
    let which = || -> String {
        if !rule.by_day.is_empty() {
            let parts: Vec<String> = rule
                .by_day
                .iter()
                .map(|b| match b.nth {
                    Some(-1) => ui
                        .get("event_rule_last")
                        .replace("{weekday}", &weekday(b.weekday)),
                    Some(k) => ui
                        .get("event_rule_nth")
                        .replace("{nth}", &nth_label(code, k))
                        .replace("{weekday}", &weekday(b.weekday)),
                    None => weekday(b.weekday),
                })
                .collect();
            parts.join(list_separator(code))
        } else {
            let days: Vec<String> = if rule.by_month_day.is_empty() {
                vec![crate::i18n::format_number(code, i64::from(first.day()))]
            } else {
                rule.by_month_day
                    .iter()
                    .map(|&d| {
                        if d > 0 {
                            crate::i18n::format_number(code, i64::from(d))
                        } else {
                            format!("-{}", crate::i18n::format_number(code, i64::from(-d)))
                        }
                    })
                    .collect()
            };
            ui.get("event_rule_month_day")
                .replace("{day}", &days.join(list_separator(code)))
        }
    };
    let (one, many) = match rule.freq {
        Freq::Daily => ("event_rule_daily", "event_rule_days"),
        Freq::Weekly => ("event_rule_weekly", "event_rule_weeks"),
        Freq::Monthly => ("event_rule_monthly", "event_rule_months"),
        Freq::Yearly => ("event_rule_yearly", "event_rule_years"),
    };
    let pattern = ui.get(if rule.interval == 1 { one } else { many });
    let mut s = pattern.replace("{n}", &n);
    if s.contains("{days}") {
        s = s.replace("{days}", &days(rule));
    }
    if s.contains("{which}") {
        s = s.replace("{which}", &which());
    }
    if let (Some(t), _) = time_label(code, ui, &e.data.timing, first) {
        s = format!("{s}{}{t}", list_separator(code));
    }
    if let End::Until(until) = rule.end {
        let date = crate::i18n::format_date(
            code,
            i32::from(until.year()),
            until.month() as u8,
            until.day() as u8,
        );
        s = format!(
            "{s} ({})",
            ui.get("event_rule_until").replace("{date}", &date)
        );
    }
    Some(s)
}

/// The place of an event for readers of `lang`: title, link and address.
fn place_value(m: &Municipality, place: usize, lang: LangIdx) -> Value {
    let p = &m.places[place];
    let (text, shown) = p.text(lang);
    let l = &m.languages[shown];
    json!({
        "title": text.title,
        "url": crate::places::place_url(m, lang, place),
        "lang": l.code,
        "dir": l.dir.as_str(),
        "address": p.data.address,
    })
}

/// One occurrence in a list: title, link, time, where.
fn occurrence_value(
    m: &Municipality,
    event: usize,
    day: Date,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Value {
    let e = &m.events[event];
    let (text, shown) = e.text(lang);
    let l = &m.languages[shown];
    let code = &m.languages[lang].code;
    let (time, until) = time_label(code, ui, &e.data.timing, day);
    let (start, _) = e.data.timing.on(day);
    let source = &m.languages[m.source_language];
    json!({
        "title": text.title,
        "description": text.description,
        "lang": l.code,
        "dir": l.dir.as_str(),
        "url": event_url(m, lang, event),
        "date": day.to_string(),
        "datetime": match e.data.timing {
            Timing::Timed { .. } => start.strftime("%Y-%m-%dT%H:%M").to_string(),
            Timing::AllDay { .. } => day.to_string(),
        },
        "time": time,
        "until": until,
        "all_day": matches!(e.data.timing, Timing::AllDay { .. }),
        "place": e.place.map(|p| place_value(m, p, lang)),
        "location": e.data.location,
        "source_lang": source.code,
        "source_dir": source.dir.as_str(),
        "online": e.data.online_url.is_some(),
    })
}

/// The occurrences of the events of `m` (those `keep` accepts) on the days
/// `from..=to`, in order: (event, day its occurrence starts).
fn occurrences(
    m: &Municipality,
    from: Date,
    to: Date,
    keep: impl Fn(&Event) -> bool,
) -> Vec<(usize, Date)> {
    let mut out: Vec<(usize, Date)> = m
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| keep(e))
        .flat_map(|(i, e)| e.days_between(from, to).into_iter().map(move |d| (i, d)))
        .collect();
    out.sort_by_key(|&(i, d)| {
        let (start, _) = m.events[i].data.timing.on(d);
        let timed = matches!(m.events[i].data.timing, Timing::Timed { .. });
        (d.max(from), timed, start, m.events[i].stem.clone())
    });
    out
}

/// The last day the events page lists.
fn window_end(m: &Municipality) -> Date {
    let days = i64::from(m.event_window_days.max(1)) - 1;
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| m.today.checked_add(span).ok())
        .unwrap_or(m.today)
}

/// Values for `events.html`: `page`, `days` (each with `date`, `label` and `events`),
/// `window_days`, `feed`, `languages`, `alternates`, `breadcrumbs`.
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
            "events",
            ui.get("event_list_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let code = &m.languages[lang].code;
    let mut days: Vec<Value> = Vec::new();
    let mut current: Option<Date> = None;
    for (event, day) in occurrences(m, m.today, window_end(m), |_| true) {
        let heading = day.max(m.today);
        if current != Some(heading) {
            current = Some(heading);
            days.push(json!({
                "date": heading.to_string(),
                "label": day_label(code, ui, heading),
                "events": [],
            }));
        }
        if let Some(Value::Array(list)) = days.last_mut().map(|d| &mut d["events"]) {
            list.push(occurrence_value(m, event, day, lang, ui));
        }
    }
    ctx.insert("days", &days);
    ctx.insert(
        "no_events",
        &ui.get("event_none").replace(
            "{days}",
            &crate::i18n::format_number(code, i64::from(m.event_window_days)),
        ),
    );
    ctx.insert("feed", &feed_value(m, lang, ui));
    let (languages, alternates) =
        crate::places::switcher(site, m, lang, |_| true, marker, |l| list_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &crate::places::breadcrumbs(m, lang, None));
}

fn feed_value(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>) -> Value {
    json!({
        "url": feed_url(m, lang),
        "title": format!("{} – {}", m.name, ui.get("event_list_title")),
        "label": ui.get("event_feed"),
    })
}

/// An ISO 8601 date-time with the UTC offset of that moment in `tz`.
fn with_offset(tz: &TimeZone, dt: DateTime) -> String {
    match tz.to_zoned(dt) {
        Ok(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => dt.to_string(),
    }
}

/// schema.org `Event` of the occurrence on `day` (the next one for recurring events).
fn schema_org(site: &Site, m: &Municipality, event: usize, lang: LangIdx, day: Date) -> Value {
    let e = &m.events[event];
    let d = &e.data;
    let (text, shown) = e.text(lang);
    let tz = zone(m);
    let (start, end) = d.timing.on(day);
    let (start_date, end_date) = match d.timing {
        Timing::Timed { .. } => (with_offset(&tz, start), end.map(|e| with_offset(&tz, e))),
        Timing::AllDay {
            start: s,
            end: last,
        } => {
            let last_day = day.checked_add((last - s).get_days().days()).unwrap_or(day);
            (day.to_string(), Some(last_day.to_string()))
        }
    };
    let physical = e.place.is_some() || d.location.is_some();
    let mode = match (physical, d.online_url.is_some()) {
        (true, true) => "https://schema.org/MixedEventAttendanceMode",
        (false, true) => "https://schema.org/OnlineEventAttendanceMode",
        _ => "https://schema.org/OfflineEventAttendanceMode",
    };
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": text.title,
        "startDate": start_date,
        "eventAttendanceMode": mode,
        "eventStatus": "https://schema.org/EventScheduled",
        "inLanguage": m.languages[shown].code,
    });
    if let Some(end) = end_date {
        v["endDate"] = json!(end);
    }
    if let Some(url) = event_url(m, lang, event) {
        v["url"] = json!(site.base_url.absolute(&url));
    }
    if let Some(t) = &text.description {
        v["description"] = json!(t);
    }
    let mut locations = Vec::new();
    if let Some(p) = e.place {
        let place = &m.places[p];
        let (pt, _) = place.text(lang);
        let mut l = json!({"@type": "Place", "name": pt.title});
        if let Some(a) = &place.data.address {
            l["address"] = json!({
                "@type": "PostalAddress",
                "streetAddress": a.street,
                "postalCode": a.postcode,
                "addressLocality": a.town,
                "addressCountry": "DE",
            });
        }
        if let Some(c) = place.data.coordinates {
            l["geo"] = json!({"@type": "GeoCoordinates", "latitude": c.lat, "longitude": c.lon});
        }
        if let Some(url) = crate::places::place_url(m, lang, p) {
            l["url"] = json!(site.base_url.absolute(&url));
        }
        locations.push(l);
    } else if let Some(text) = &d.location {
        locations.push(json!({"@type": "Place", "name": text, "address": text}));
    }
    if let Some(url) = &d.online_url {
        locations.push(json!({"@type": "VirtualLocation", "url": url}));
    }
    v["location"] = match locations.len() {
        1 => locations.remove(0),
        _ => Value::Array(locations),
    };
    match &d.cost {
        Some(Cost::Free) => {
            v["isAccessibleForFree"] = json!(true);
            v["offers"] = json!({"@type": "Offer", "price": 0, "priceCurrency": "EUR"});
        }
        Some(Cost::Price(p)) => {
            v["isAccessibleForFree"] = json!(false);
            v["offers"] = json!({"@type": "Offer", "price": p, "priceCurrency": "EUR"});
        }
        _ => {}
    }
    if let (Some(Registration::Url(url)), Some(offers)) = (&d.registration, v.get_mut("offers")) {
        offers["url"] = json!(url);
    }
    if let Some(a) = e.actor {
        let actor = &m.actors[a];
        let mut o = json!({"@type": "Organization", "name": actor.name});
        if let Some(url) = &actor.url {
            o["url"] = json!(url);
        }
        v["organizer"] = o;
    }
    v
}

fn cost_value(cost: &Option<Cost>, ui: &LanguageStrings<'_>, code: &str) -> Value {
    match cost {
        None => Value::Null,
        Some(Cost::Free) => json!({"free": true, "text": ui.get("event_free")}),
        Some(Cost::Price(p)) => {
            let text = if p.fract() == 0.0 {
                format!("{} €", crate::i18n::format_number(code, *p as i64))
            } else {
                format!("{p:.2} €")
            };
            json!({"free": false, "text": text, "price": true})
        }
        Some(Cost::Text(t)) => json!({"free": false, "text": t, "source": true}),
    }
}

/// Values for `event.html`: `page`, `event`, `content`, `json_ld`, `languages`,
/// `alternates`, `breadcrumbs`, `feed`.
#[allow(clippy::too_many_arguments)]
pub fn event_context(
    site: &Site,
    m: &Municipality,
    event: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::Notices<'_>,
    ctx: &mut tera::Context,
) {
    let e = &m.events[event];
    let (text, shown) = crate::places::item_page(
        site,
        m,
        "event",
        (&e.texts, &e.shown),
        |l| event_url(m, l, event),
        list_url(m, lang).map(|u| (ui.get("event_list_title"), u)),
        lang,
        ui,
        marker,
        notices,
        ctx,
    );
    let url = event_url(m, lang, event).unwrap_or_default();
    let code = &m.languages[lang].code;
    let l = &m.languages[shown];
    let source = &m.languages[m.source_language];
    let next = e.next_days(m.today, NEXT_DATES);
    let shown_day = next.first().copied().unwrap_or(e.data.timing.first_day());
    let dates: Vec<Value> = next
        .iter()
        .map(|&d| {
            let (time, until) = time_label(code, ui, &e.data.timing, d);
            json!({"date": d.to_string(), "label": day_label(code, ui, d), "time": time, "until": until})
        })
        .collect();
    let (time, until) = time_label(code, ui, &e.data.timing, shown_day);
    let d = &e.data;
    let value = json!({
        "title": text.title,
        "description": text.description,
        "lang": l.code,
        "dir": l.dir.as_str(),
        "url": url,
        "all_day": matches!(d.timing, Timing::AllDay { .. }),
        "when": {"date": shown_day.to_string(), "label": day_label(code, ui, shown_day), "time": time, "until": until},
        "recurring": rule_summary(m, event, lang, ui),
        "next": dates,
        "past": e.is_past(m.today),
        "place": e.place.map(|p| place_value(m, p, lang)),
        "location": d.location,
        "online_url": d.online_url,
        "registration": match &d.registration {
            None => Value::Null,
            Some(Registration::Url(u)) => json!({"url": u}),
            Some(Registration::Text(t)) => json!({"text": t}),
        },
        "cost": cost_value(&d.cost, ui, code),
        "actor": e.actor.map(|a| json!({
            "name": m.actors[a].name,
            "url": crate::model_actor::actor_url(m, lang, a),
        })),
        "source_lang": source.code,
        "source_dir": source.dir.as_str(),
        "ics_url": event_ics_url(m, lang, event),
    });
    ctx.insert("event", &value);
    ctx.insert("sep", list_separator(code));
    ctx.insert(
        "json_ld",
        &crate::places::json_ld(&schema_org(site, m, event, lang, shown_day)),
    );
    ctx.insert("feed", &feed_value(m, lang, ui));
}

/// The events at place `place` for its page: recurring ones with their summary and
/// next day, one-off ones on each day in the window.
pub fn at_place(
    m: &Municipality,
    place: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Vec<Value> {
    let code = &m.languages[lang].code;
    let mut out = Vec::new();
    let mut seen_recurring = BTreeMap::new();
    for (event, day) in occurrences(m, m.today, window_end(m), |e| e.place == Some(place)) {
        let mut v = occurrence_value(m, event, day, lang, ui);
        v["label"] = json!(day_label(code, ui, day.max(m.today)));
        v["sep"] = json!(list_separator(code));
        if m.events[event].data.recurrence.is_some() {
            if seen_recurring.insert(event, ()).is_some() {
                continue;
            }
            v["recurring"] = json!(rule_summary(m, event, lang, ui));
        }
        out.push(v);
    }
    out
}

/// Links for the start page, beside places and news.
pub fn start_link(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>) -> Option<Value> {
    if m.events.is_empty() {
        return None;
    }
    Some(json!({"title": ui.get("event_list_title"), "url": list_url(m, lang)?}))
}

/// The host of the portal's base URL, for UIDs.
fn host(site: &Site) -> &str {
    let origin = &site.base_url.origin;
    let rest = origin.split_once("://").map_or(origin.as_str(), |(_, r)| r);
    rest.split(':').next().unwrap_or(rest)
}

/// The UID of an event: the same in every language and every build.
pub fn uid(site: &Site, m: &Municipality, event: usize) -> String {
    format!("{}@{}.{}", m.events[event].stem, m.slug, host(site))
}

/// Write `event`'s VEVENT for readers of `lang`; `stamp` is the DTSTAMP.
fn vevent(w: &mut Writer, site: &Site, m: &Municipality, event: usize, lang: LangIdx, stamp: &str) {
    let e = &m.events[event];
    let d = &e.data;
    let (text, _) = e.text(lang);
    let tz = zone(m);
    let tzid = format!("TZID={}", m.timezone);
    w.begin("VEVENT");
    w.raw("UID", &uid(site, m, event));
    w.raw("DTSTAMP", stamp);
    match d.timing {
        Timing::Timed { start, end } => {
            w.raw(&format!("DTSTART;{tzid}"), &crate::ics::local(start));
            if let Some(end) = end {
                w.raw(&format!("DTEND;{tzid}"), &crate::ics::local(end));
            }
        }
        Timing::AllDay { start, end } => {
            w.raw("DTSTART;VALUE=DATE", &crate::ics::date(start));
            // DTEND of an all-day event is the day after its last day.
            let after = end.checked_add(1.day()).unwrap_or(end);
            w.raw("DTEND;VALUE=DATE", &crate::ics::date(after));
        }
    }
    if let Some(rule) = &d.recurrence {
        let timed = matches!(d.timing, Timing::Timed { .. });
        w.raw(
            "RRULE",
            &rule.to_ical(|day| {
                if timed {
                    crate::ics::until_utc(day, &tz)
                } else {
                    crate::ics::date(day)
                }
            }),
        );
        for x in &d.exceptions {
            match d.timing {
                Timing::Timed { start, .. } => w.raw(
                    &format!("EXDATE;{tzid}"),
                    &crate::ics::local(x.to_datetime(start.time())),
                ),
                Timing::AllDay { .. } => w.raw("EXDATE;VALUE=DATE", &crate::ics::date(*x)),
            }
        }
    }
    w.text("SUMMARY", &text.title);
    let mut description = text.description.clone().unwrap_or_default();
    if let Some(Registration::Text(r)) = &d.registration {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(r);
    }
    if !description.is_empty() {
        w.text("DESCRIPTION", &description);
    }
    let location = match e.place {
        Some(p) => {
            let place = &m.places[p];
            let (pt, _) = place.text(lang);
            let mut s = pt.title.clone();
            if let Some(a) = &place.data.address {
                s.push_str(&format!(", {}, {} {}", a.street, a.postcode, a.town));
            }
            if let Some(c) = place.data.coordinates {
                w.raw("GEO", &format!("{};{}", c.lat, c.lon));
            }
            Some(s)
        }
        None => d.location.clone().or_else(|| d.online_url.clone()),
    };
    if let Some(l) = location {
        w.text("LOCATION", &l);
    }
    if let Some(url) = event_url(m, lang, event) {
        w.raw("URL", &site.base_url.absolute(&url));
    }
    if let Some(url) = &d.online_url {
        w.raw("CONFERENCE;VALUE=URI", url);
    }
    w.raw("STATUS", "CONFIRMED");
    w.raw("TRANSP", "OPAQUE");
    w.end("VEVENT");
}

/// DTSTAMP of an event: the last commit date of its source file, else its first day
/// (never the build's clock: two builds give the same file).
fn stamp(
    m: &Municipality,
    event: usize,
    dates: &BTreeMap<PathBuf, String>,
    source: LangIdx,
) -> String {
    let e = &m.events[event];
    let day = e.texts[source]
        .as_ref()
        .and_then(|t| dates.get(&t.file))
        .and_then(|d| d.get(..10)?.parse::<Date>().ok())
        .unwrap_or(e.data.timing.first_day());
    format!("{}T000000Z", crate::ics::date(day))
}

/// An iCalendar file of `events` for readers of `lang`, called `name`.
fn calendar(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    events: &[usize],
    name: &str,
    dates: &BTreeMap<PathBuf, String>,
) -> String {
    let mut w = Writer::new();
    w.begin("VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw(
        "PRODID",
        &format!("-//wegweiser//wegweiser {}//EN", env!("CARGO_PKG_VERSION")),
    );
    w.raw("CALSCALE", "GREGORIAN");
    w.raw("METHOD", "PUBLISH");
    w.text("X-WR-CALNAME", name);
    w.raw("X-WR-TIMEZONE", &m.timezone);
    let timed: Vec<usize> = events
        .iter()
        .copied()
        .filter(|&e| matches!(m.events[e].data.timing, Timing::Timed { .. }))
        .collect();
    if !timed.is_empty() {
        let from = timed
            .iter()
            .map(|&e| m.events[e].data.timing.first_day().year())
            .min()
            .unwrap_or(m.today.year());
        let to = timed
            .iter()
            .map(|&e| {
                m.events[e]
                    .last_day()
                    .map_or(m.today.year() + 2, |d| d.year())
            })
            .max()
            .unwrap_or(m.today.year())
            .max(m.today.year() + 1);
        crate::ics::vtimezone(&mut w, &m.timezone, &zone(m), from, to);
    }
    for &e in events {
        vevent(
            &mut w,
            site,
            m,
            e,
            lang,
            &stamp(m, e, dates, m.source_language),
        );
    }
    w.end("VCALENDAR");
    w.finish()
}

/// The events a calendar feed holds: every event not over for more than 30 days.
fn feed_events(m: &Municipality) -> Vec<usize> {
    let since = m
        .today
        .checked_sub(FEED_KEEPS_DAYS.days())
        .unwrap_or(m.today);
    (0..m.events.len())
        .filter(|&e| !m.events[e].is_past(since))
        .collect()
}

/// The calendar of the events of `m` for readers of `lang`.
pub fn feed(
    site: &Site,
    theme: &Theme,
    m: &Municipality,
    lang: LangIdx,
    dates: &BTreeMap<PathBuf, String>,
) -> String {
    let ui = theme.ui.for_language(&m.languages[lang].code);
    let name = format!("{} – {}", m.name, ui.get("event_list_title"));
    calendar(site, m, lang, &feed_events(m), &name, dates)
}

/// The calendar of one event for readers of `lang`.
pub fn event_calendar(
    site: &Site,
    m: &Municipality,
    event: usize,
    lang: LangIdx,
    dates: &BTreeMap<PathBuf, String>,
) -> String {
    let (text, _) = m.events[event].text(lang);
    calendar(site, m, lang, &[event], &text.title, dates)
}

/// Write the calendars of every municipality with events, in every language: the
/// feed and one file per event; returns files and bytes.
pub fn write(
    site: &Site,
    theme: &Theme,
    dates: &BTreeMap<PathBuf, String>,
    municipalities: &[usize],
    out: &dyn crate::write::Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = 0;
    let mut bytes = 0;
    let mut put = |rel: String, text: String| -> Result<(), Diagnostic> {
        out.write(&rel, text.as_bytes()).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
        })?;
        files += 1;
        bytes += text.len() as u64;
        Ok(())
    };
    for &mi in municipalities {
        let m = &site.municipalities[mi];
        if m.events.is_empty() {
            continue;
        }
        for lang in 0..m.languages.len() {
            let Some((dir, _)) = crate::places::section_location(m, lang, FOLDER) else {
                continue;
            };
            put(
                format!("{dir}/{FEED_FILE}"),
                feed(site, theme, m, lang, dates),
            )?;
            for (i, e) in m.events.iter().enumerate() {
                put(
                    format!("{dir}/{}/{}.ics", e.stem, e.stem),
                    event_calendar(site, m, i, lang, dates),
                )?;
            }
        }
    }
    Ok((files, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_parse() {
        assert_eq!(
            parse_moment("2026-12-05"),
            Ok(Moment::Day(jiff::civil::date(2026, 12, 5)))
        );
        assert_eq!(
            parse_moment("2026-12-01T18:00"),
            Ok(Moment::Time(jiff::civil::date(2026, 12, 1).at(18, 0, 0, 0)))
        );
        assert_eq!(
            parse_moment("2026-12-01 18:30:00"),
            Ok(Moment::Time(
                jiff::civil::date(2026, 12, 1).at(18, 30, 0, 0)
            ))
        );
        assert!(
            parse_moment("2026-12-01T18:00+01:00")
                .unwrap_err()
                .contains("UTC offset")
        );
        assert!(
            parse_moment("2026-12-01T25:00")
                .unwrap_err()
                .contains("not a time")
        );
        assert!(
            parse_moment("2026-02-30")
                .unwrap_err()
                .contains("not a day")
        );
        assert!(parse_moment("1.12.2026").is_err());
    }

    #[test]
    fn all_day_occurrence_ends_at_midnight_after_its_last_day() {
        let t = Timing::AllDay {
            start: jiff::civil::date(2026, 12, 5),
            end: jiff::civil::date(2026, 12, 6),
        };
        let (s, e) = t.on(jiff::civil::date(2026, 12, 5));
        assert_eq!(s.to_string(), "2026-12-05T00:00:00");
        assert_eq!(e.unwrap().to_string(), "2026-12-07T00:00:00");
        assert_eq!(t.extra_days(), 1);
    }

    #[test]
    fn a_time_in_the_spring_gap_is_named() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let (m, _) = local_time_problem(
            &tz,
            "Europe/Berlin",
            jiff::civil::date(2027, 3, 28).at(2, 30, 0, 0),
        )
        .unwrap();
        assert!(m.contains("does not exist"), "{m}");
        assert!(
            local_time_problem(
                &tz,
                "Europe/Berlin",
                jiff::civil::date(2027, 3, 28).at(3, 30, 0, 0)
            )
            .is_none()
        );
        let (m, _) = local_time_problem(
            &tz,
            "Europe/Berlin",
            jiff::civil::date(2027, 10, 31).at(2, 30, 0, 0),
        )
        .unwrap();
        assert!(m.contains("twice"), "{m}");
    }
}
