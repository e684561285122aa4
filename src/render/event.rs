//! The event pages: the upcoming-events page per language, one page per event with its
//! schema.org `Event`, and the events listed on a place's page and the start page.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::model::event::{
    Cost, Registration, Timing, event_ics_url, event_url, feed_url, list_url, occurrences,
    window_end, zone,
};
use crate::model::recurrence::{End, Freq, Rule};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, Site};

/// How many coming dates an event page lists for a recurring event.
const NEXT_DATES: usize = 5;

fn hm(dt: DateTime) -> String {
    dt.strftime("%H:%M").to_string()
}

/// `Dienstag, 1. Dezember 2026`: the weekday and date in the reader's language.
fn day_label(code: &str, ui: &LanguageStrings<'_>, day: Date) -> String {
    let weekday =
        &crate::theme::i18n::weekday_names(code)[day.weekday().to_monday_zero_offset() as usize];
    let date = crate::theme::i18n::format_date(
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
        crate::theme::i18n::format_number(code, i64::from(n))
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
    let code = &m.languages[lang].tag;
    let names = crate::theme::i18n::weekday_names(code);
    let first = e.data.timing.first_day();
    let n = crate::theme::i18n::format_number(code, i64::from(rule.interval));
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
                vec![crate::theme::i18n::format_number(
                    code,
                    i64::from(first.day()),
                )]
            } else {
                rule.by_month_day
                    .iter()
                    .map(|&d| {
                        if d > 0 {
                            crate::theme::i18n::format_number(code, i64::from(d))
                        } else {
                            format!(
                                "-{}",
                                crate::theme::i18n::format_number(code, i64::from(-d))
                            )
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
        let date = crate::theme::i18n::format_date(
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
        "url": crate::model::place::place_url(m, lang, place),
        "lang": l.tag,
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
    let code = &m.languages[lang].tag;
    let (time, until) = time_label(code, ui, &e.data.timing, day);
    let (start, _) = e.data.timing.on(day);
    let source = &m.languages[m.source_language];
    json!({
        "title": text.title,
        "description": text.description,
        "lang": l.tag,
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
        "source_lang": source.tag,
        "source_dir": source.dir.as_str(),
        "online": e.data.online_url.is_some(),
    })
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
        &crate::render::item::page_value(
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
    let code = &m.languages[lang].tag;
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
            &crate::theme::i18n::format_number(code, i64::from(m.event_window_days)),
        ),
    );
    ctx.insert("feed", &feed_value(m, lang, ui));
    let (languages, alternates) =
        crate::render::item::switcher(site, m, lang, |_| true, marker, |l| list_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert(
        "breadcrumbs",
        &crate::render::item::breadcrumbs(m, lang, None),
    );
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
        // Where is still to be announced: most likely in person.
        _ => "https://schema.org/OfflineEventAttendanceMode",
    };
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": text.title,
        "startDate": start_date,
        "eventAttendanceMode": mode,
        "eventStatus": "https://schema.org/EventScheduled",
        "inLanguage": m.languages[shown].tag,
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
        if let Some(url) = crate::model::place::place_url(m, lang, p) {
            l["url"] = json!(site.base_url.absolute(&url));
        }
        locations.push(l);
    } else if let Some(text) = &d.location {
        locations.push(json!({"@type": "Place", "name": text, "address": text}));
    }
    if let Some(url) = &d.online_url {
        locations.push(json!({"@type": "VirtualLocation", "url": url}));
    }
    // An event whose place is still to be announced has no location yet.
    match locations.len() {
        0 => {}
        1 => v["location"] = locations.remove(0),
        _ => v["location"] = Value::Array(locations),
    }
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
                format!("{} €", crate::theme::i18n::format_number(code, *p as i64))
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
    notices: crate::render::context::Notices<'_>,
    ctx: &mut tera::Context,
) {
    let e = &m.events[event];
    let (text, shown) = crate::render::item::item_page(
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
    let code = &m.languages[lang].tag;
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
        "lang": l.tag,
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
            "url": crate::model::actor::actor_url(m, lang, a),
        })),
        "source_lang": source.tag,
        "source_dir": source.dir.as_str(),
        "ics_url": event_ics_url(m, lang, event),
    });
    ctx.insert("event", &value);
    ctx.insert("sep", list_separator(code));
    ctx.insert(
        "json_ld",
        &crate::render::item::json_ld(&schema_org(site, m, event, lang, shown_day)),
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
    let code = &m.languages[lang].tag;
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
