//! Resolving events: place and actor ids to indices, local times checked against the
//! municipality's time zone.

use jiff::ToSpan;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

use crate::base::diagnostics::{Diagnostic, did_you_mean};
use crate::load::event::warning;
use crate::load::place::{LoadedFile, at_key};
use crate::model::LangIdx;
use crate::model::event::{Event, EventData, Timing};
use crate::model::recurrence::Rule;

/// The events of a municipality: place and actor ids resolved, local times checked
/// against the time zone `tz_name`; sorted by first day, then name.
#[allow(clippy::too_many_arguments)]
pub fn resolve(
    files: &[LoadedFile<EventData>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    places: &[crate::model::place::Place],
    // `None`: actors.toml failed to load, so an unknown id is not reported.
    actors: Option<&[crate::model::actor::Actor]>,
    tz_name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Event> {
    let actors_known = actors.is_some();
    let actors = actors.unwrap_or_default();
    let tz = crate::model::review::time_zone(tz_name).ok();
    let mut events = Vec::new();
    for a in crate::resolve::place::assemble(
        files,
        languages,
        source_language,
        chains,
        "event",
        diagnostics,
    ) {
        let source = &a.source;
        let mut text: Option<String> = None;
        let mut source_text = || {
            text.get_or_insert_with(|| std::fs::read_to_string(&source.path).unwrap_or_default())
                .clone()
        };
        let mut failed = false;
        let place = match &a.data.place {
            None => None,
            Some(id) => match place_index(id, places) {
                Ok(i) => Some(i),
                Err(hint) => {
                    let t = source_text();
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
            Some(id) => match actor_index(id, actors) {
                Ok(i) => Some(i),
                Err(_) if !actors_known => None,
                Err(hint) => {
                    let t = source_text();
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
            if let (false, Some(rule)) = (failed, &a.data.recurrence)
                && let Some((message, hint)) = spring_gap(tz, tz_name, &a.data, rule, start)
            {
                let t = source_text();
                diagnostics.push(warning(
                    at_key(&source.file, &t, 0, "start", None, message).with_hint(hint),
                ));
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

/// The index of the place `id` in `places`, or the hint for an unknown id.
fn place_index(id: &str, places: &[crate::model::place::Place]) -> Result<usize, String> {
    match places.iter().position(|p| p.data.id == *id) {
        Some(i) => Ok(i),
        None => Err(
            match did_you_mean(id, places.iter().map(|p| p.data.id.as_str())) {
                Some(near) => format!("did you mean `{near}`?"),
                None if places.is_empty() => {
                    "the municipality has no places: add one in places/, or write location = \"…\""
                        .into()
                }
                None => format!(
                    "places: {}",
                    places
                        .iter()
                        .map(|p| p.data.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        ),
    }
}

/// The index of the actor `id` in `actors`, or the hint for an unknown id.
fn actor_index(id: &str, actors: &[crate::model::actor::Actor]) -> Result<usize, String> {
    actors.iter().position(|x| x.id == *id).ok_or_else(|| {
        did_you_mean(id, actors.iter().map(|x| x.id.as_str()))
            .map(|near| format!("did you mean `{near}`?"))
            .unwrap_or_else(|| "actors are listed in actors.toml".into())
    })
}

/// The first later occurrence of a recurring timed event (within three years) that
/// starts in the night clocks go forward: message and hint, said once per event.
fn spring_gap(
    tz: &TimeZone,
    tz_name: &str,
    data: &EventData,
    rule: &Rule,
    start: DateTime,
) -> Option<(String, String)> {
    let first = start.date();
    let limit = first.checked_add(3.years()).unwrap_or(first);
    let s = rule
        .instances(first)
        .take_while(|d| *d <= limit)
        .filter(|d| !data.exceptions.contains(d))
        .skip(1)
        .find_map(|d| {
            let (s, _) = data.timing.on(d);
            matches!(
                tz.to_ambiguous_zoned(s).offset(),
                AmbiguousOffset::Gap { .. }
            )
            .then_some(s)
        })?;
    let shown = tz
        .to_zoned(s)
        .map(|z| z.time().strftime("%H:%M").to_string())
        .unwrap_or_default();
    Some((
        format!(
            "on {} the time {} does not exist in {tz_name} (clocks go forward); that occurrence is at {shown}",
            s.date(),
            s.time().strftime("%H:%M")
        ),
        "as RFC 5545 and calendar apps do, the offset before the change is used; add the day to exceptions to leave it out".into(),
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

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
