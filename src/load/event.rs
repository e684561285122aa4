//! Reading events: the front matter of `content/<municipality>/events/*.md` parsed
//! into [`EventData`] and checked, each problem at its file, line and column.

use std::fmt;
use std::path::Path;

use jiff::civil::{Date, DateTime};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::place::{FileScope, LoadedFile, at_key};
use crate::model::event::{Cost, EventData, Registration, Timing};
use crate::model::recurrence::Rule;
use crate::model::review::Day;

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
        return crate::model::review::parse_day(s).map(Moment::Day);
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
    let day = crate::model::review::parse_day(day)?;
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
    /// Old URLs of the item's page in this file's language, redirected to it.
    #[serde(default)]
    aliases: Vec<String>,
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
    "aliases",
];

/// Parse one file below `events/`; problems go to `diagnostics`.
pub fn load_file(
    scope: &FileScope<'_>,
    path: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedFile<EventData>> {
    crate::load::place::load_item_file(scope, path, name, diagnostics, |display, text, problems| {
        let (front, _, body_start) =
            crate::load::front_matter::parse_as::<EventFront>(display, text, EVENT_KEYS)
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
        Some(crate::load::place::SourceFront {
            data,
            title: front.title,
            description: front.description,
            body_start,
            draft: front.draft,
            aliases: front.aliases,
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

pub(crate) fn warning(mut d: Diagnostic) -> Diagnostic {
    d.severity = Severity::Warning;
    d
}

/// Check an event's front matter; `None` when the timing cannot be made sense of.
/// The steps report in the order of the keys' meaning: title, when, where, how to
/// take part, how often, who.
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
        problems.push(
            at("title", None, "`title` must not be empty".into())
                .with_hint(crate::load::place::TITLE_HINT),
        );
    }
    let timing = check_timing(front, &at, problems);
    check_where(front, &at, problems);
    let registration = check_registration(front, &at, problems);
    let cost = check_cost(front, &at, problems);
    let first = timing.map(|t| t.first_day());
    let recurrence = check_recurrence(display, text, front, first, &at, problems);
    let exceptions = check_exceptions(front, recurrence.as_ref(), first, &at, problems);
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

/// `start`, `end` and `all_day` as a [`Timing`]; `None` when they do not fit together
/// or a year is out of range.
fn check_timing(
    front: &EventFront,
    at: &impl Fn(&str, Option<&str>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> Option<Timing> {
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
            && !crate::model::recurrence::in_range(day)
        {
            let (message, hint) = crate::model::recurrence::out_of_range(day);
            problems.push(at(key, None, format!("`{key}` {message}")).with_hint(hint));
            out_of_range = true;
        }
    }
    if out_of_range { None } else { timing }
}

/// `place`, `location` and `online_url`, each well-formed. An event without any of
/// them is announced with its place to follow, as Integreat allows.
fn check_where(
    front: &EventFront,
    at: &impl Fn(&str, Option<&str>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) {
    if front
        .location
        .as_deref()
        .is_some_and(|l| l.trim().is_empty())
    {
        problems.push(
            at("location", None, "`location` is empty".into()).with_hint(
                "leave `location` out while the place is not known: readers see \"place to be announced\"",
            ),
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
        && let Some(problem) = crate::base::safe_url::web_url_problem(url)
    {
        problems.push(
            at("online_url", None, problem)
                .with_hint("write the whole address, e.g. https://meet.example.org/sprachcafe"),
        );
    }
}

/// `registration`: a web address (checked) or a text.
fn check_registration(
    front: &EventFront,
    at: &impl Fn(&str, Option<&str>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> Option<Registration> {
    front.registration.as_ref().map(|r| {
        let r = r.trim();
        if r.starts_with("http://") || r.starts_with("https://") {
            if let Some(problem) = crate::base::safe_url::web_url_problem(r) {
                problems.push(at("registration", None, problem));
            }
            Registration::Url(r.to_string())
        } else {
            Registration::Text(r.to_string())
        }
    })
}

/// `cost`: free, a price in euros or a text.
fn check_cost(
    front: &EventFront,
    at: &impl Fn(&str, Option<&str>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> Option<Cost> {
    match &front.cost {
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
    }
}

/// `recurrence` parsed (errors at their place in the rule) and checked against the
/// first day `first`.
fn check_recurrence(
    display: &Path,
    text: &str,
    front: &EventFront,
    first: Option<Date>,
    at: &impl Fn(&str, Option<&str>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> Option<Rule> {
    front.recurrence.as_deref().and_then(|rule_text| {
        let base = value_offset(text, "recurrence", rule_text);
        match crate::model::recurrence::parse(rule_text) {
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
    })
}

/// `exceptions`: days in range, with a rule, on which the rule gives an occurrence.
fn check_exceptions(
    front: &EventFront,
    recurrence: Option<&Rule>,
    first: Option<Date>,
    at: &impl Fn(&str, Option<&str>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Date> {
    let exceptions: Vec<Date> = front.exceptions.iter().map(|d| d.0).collect();
    for day in exceptions
        .iter()
        .filter(|d| !crate::model::recurrence::in_range(**d))
    {
        let (message, hint) = crate::model::recurrence::out_of_range(*day);
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
    if let (Some(rule), Some(first)) = (recurrence, first) {
        for day in &exceptions {
            if crate::model::recurrence::in_range(*day) && !rule.occurs_on(first, *day) {
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
    exceptions
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
}
