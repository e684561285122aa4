//! The iCalendar files of the events: a subscribable calendar per municipality and
//! language (`/<m>/<lang>/events/calendar.ics`) and one file per event, written with
//! [`crate::output::ics::Writer`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::event::{FEED_FILE, FOLDER, Registration, Timing, event_url, zone};
use crate::model::{LangIdx, Municipality, Site};
use crate::output::ics::Writer;
use crate::theme::Theme;

/// Events that ended longer ago than this many days leave the calendar feeds.
const FEED_KEEPS_DAYS: i64 = 30;

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
            w.raw(
                &format!("DTSTART;{tzid}"),
                &crate::output::ics::local(start),
            );
            if let Some(end) = end {
                w.raw(&format!("DTEND;{tzid}"), &crate::output::ics::local(end));
            }
        }
        Timing::AllDay { start, end } => {
            w.raw("DTSTART;VALUE=DATE", &crate::output::ics::date(start));
            // DTEND of an all-day event is the day after its last day.
            let after = end.checked_add(1.day()).unwrap_or(end);
            w.raw("DTEND;VALUE=DATE", &crate::output::ics::date(after));
        }
    }
    if let Some(rule) = &d.recurrence {
        let timed = matches!(d.timing, Timing::Timed { .. });
        w.raw(
            "RRULE",
            &rule.to_ical(|day| {
                if timed {
                    crate::output::ics::until_utc(day, &tz)
                } else {
                    crate::output::ics::date(day)
                }
            }),
        );
        for x in &d.exceptions {
            match d.timing {
                Timing::Timed { start, .. } => w.raw(
                    &format!("EXDATE;{tzid}"),
                    &crate::output::ics::local(x.to_datetime(start.time())),
                ),
                Timing::AllDay { .. } => w.raw("EXDATE;VALUE=DATE", &crate::output::ics::date(*x)),
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
    format!("{}T000000Z", crate::output::ics::date(day))
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
        crate::output::ics::vtimezone(&mut w, &m.timezone, &zone(m), from, to);
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
    let ui = theme.ui.for_lang(&m.languages[lang]);
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
            let Some((dir, _)) = crate::model::place::section_location(m, lang, FOLDER) else {
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
