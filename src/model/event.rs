//! Events as plain data: the conversation café every Tuesday, the job fair, the info
//! evening, and where they are in the output.
//!
//! An event is one file in the municipality's source language (`sprachcafe.md`) that
//! holds its data (start, end, place, recurrence, registration, cost) and translations
//! beside it (`sprachcafe.ar.md`) with only `title`, `description` and the body, as
//! for places. Times are local date-times in the municipality's `timezone`; recurring
//! events use the RRULE subset of [`crate::model::recurrence`]. The site has an upcoming-events
//! page per language (`/<m>/<lang>/events/`, the occurrences of the next
//! `[events] window_days` days, grouped by day), one page per event
//! (`/<m>/<lang>/events/<name>/`), an iCalendar file per event
//! (`/<m>/<lang>/events/<name>/<name>.ics`) and a subscribable calendar per language
//! (`/<m>/<lang>/events/calendar.ics`).
//!
//! This module is the model layer's part: the data and where it is in the output.
//! Reading and checking the files, resolving place and actor ids, the pages and the
//! calendars are the event modules of the load, resolve, render and output layers.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::model::place::Text;
use crate::model::recurrence::{End, Rule};
use crate::model::{LangIdx, Municipality};

/// The reserved folder below a municipality, and the URL segment of the event pages.
pub const FOLDER: &str = "events";

/// The subscribable calendar's file name, in the events folder of each language.
pub const FEED_FILE: &str = "calendar.ics";

/// How many days ahead the events page lists, unless `[events] window_days` says.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;

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
    /// (filled in while resolving).
    pub statuses: Vec<crate::model::translation::Status>,
    /// Index of its place in [`Municipality::places`].
    pub place: Option<usize>,
    /// Index of its actor in [`Municipality::actors`].
    pub actor: Option<usize>,
}

impl Event {
    /// The text for readers of `lang`, and its language.
    pub fn text(&self, lang: LangIdx) -> (&Text, LangIdx) {
        crate::model::place::shown_text(&self.texts, &self.shown, lang)
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

/// The URL path of the events page in `lang`.
pub fn list_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    crate::model::place::section_location(m, lang, FOLDER).map(|(_, url)| url)
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
pub fn zone(m: &Municipality) -> TimeZone {
    crate::model::review::time_zone(&m.timezone).unwrap_or(TimeZone::UTC)
}

/// The occurrences of the events of `m` (those `keep` accepts) on the days
/// `from..=to`, in order: (event, day its occurrence starts).
pub fn occurrences(
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
pub fn window_end(m: &Municipality) -> Date {
    let days = i64::from(m.event_window_days.max(1)) - 1;
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| m.today.checked_add(span).ok())
        .unwrap_or(m.today)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
