//! Events on the fixture portal `tests/fixtures/events/` (Teststadt: German, Arabic,
//! Ukrainian; `[events] window_days = 60`; built on 2026-11-25): the upcoming-events
//! page grouped by day with localized headings, past and far events left out, the event
//! pages with their schema.org data, the .ics files parsed back with the `icalendar`
//! crate (instants across the DST change of 2027-03-28, UIDs, folding), the events at a
//! place, and every bad input in `tests/fixtures/broken/event_*`.

mod common;

use std::fs;
use std::path::Path;

use common::{attr, copy_fixture, fixture, select, text};
use icalendar::parser::{Component, read_calendar, unfold};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use scraper::Html;
use serde_json::Value;
use wegweiser::base::diagnostics::{Diagnostic, Severity};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

const TODAY: &str = "2026-11-25";

fn build_at(root: &Path, out: &Path, today: &str) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        minify: Some(false),
        write: true,
        today: Some(today.parse().unwrap()),
        ..Default::default()
    };
    if let Err(f) = build(&options, &NoProgress) {
        let shown: Vec<String> = f.diagnostics.iter().map(ToString::to_string).collect();
        panic!("build failed:\n{}", shown.join("\n"));
    }
}

fn build_site(out: &Path) {
    build_at(&fixture("events"), out, TODAY);
}

fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel).join("index.html");
    Html::parse_document(
        &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

/// (day heading, [(time, title)]) of an events page.
fn days(doc: &Html) -> Vec<(String, Vec<(String, String)>)> {
    select(doc, "article.events section.event-day")
        .iter()
        .map(|s| {
            let frag = Html::parse_fragment(&s.html());
            let heading = text(&frag, "h2");
            let entries = select(&frag, "li")
                .iter()
                .map(|li| {
                    let li = Html::parse_fragment(&li.html());
                    (text(&li, ".event-time"), text(&li, "h3"))
                })
                .collect();
            (heading, entries)
        })
        .collect()
}

#[test]
fn the_events_page_groups_the_window_by_day() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let list = page(tmp.path(), "stadt/de/events");
    let days = days(&list);
    let headings: Vec<&str> = days.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        &headings[..5],
        [
            "Mittwoch, 25. November 2026",
            "Dienstag, 1. Dezember 2026",
            "Donnerstag, 3. Dezember 2026",
            "Samstag, 5. Dezember 2026",
            "Dienstag, 8. Dezember 2026",
        ]
    );
    assert_eq!(
        days[0].1,
        [("15:00–16:30".to_string(), "Elterntreff online".to_string())]
    );
    assert_eq!(
        days[3].1,
        [(
            "Ganztägig – Sonntag, 6. Dezember 2026".to_string(),
            "Winterfest".to_string()
        )]
    );
    let all: Vec<String> = days
        .iter()
        .flat_map(|(h, e)| e.iter().map(move |(_, t)| format!("{h}: {t}")))
        .collect();
    // Past events are left out, and so is everything after the 60-day window
    // (2026-11-25 … 2027-01-23).
    assert!(!all.iter().any(|e| e.contains("Infoabend")), "{all:#?}");
    assert!(!all.iter().any(|e| e.contains("Sommerfest")), "{all:#?}");
    assert!(!all.iter().any(|e| e.contains("26. Januar")), "{all:#?}");
    // The exceptions of the weekly café are left out; the Jobmesse is in.
    assert!(!all.iter().any(|e| e.contains("22. Dezember")), "{all:#?}");
    assert!(!all.iter().any(|e| e.contains("29. Dezember")), "{all:#?}");
    assert!(all.contains(&"Dienstag, 19. Januar 2027: Sprachcafé".to_string()));
    assert!(all.contains(&"Mittwoch, 20. Januar 2027: Jobmesse".to_string()));
    // Two on one day: by time.
    let jan20 = days.iter().find(|(h, _)| h.contains("20. Januar")).unwrap();
    assert_eq!(
        jan20.1.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["10:00–16:00", "15:00–16:30"]
    );
    // Links to the event and to its place; the calendar feed.
    assert_eq!(
        attr(&list, "section.event-day li h3 a", "href").as_deref(),
        Some("/stadt/de/events/elterntreff/")
    );
    let place_links: Vec<String> = select(&list, ".event-where a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(place_links.contains(&"/stadt/de/places/stadtbibliothek/".to_string()));
    assert_eq!(
        attr(&list, ".feed-link a", "href").as_deref(),
        Some("/stadt/de/events/calendar.ics")
    );
}

#[test]
fn headings_are_in_the_readers_language_and_times_stay_left_to_right() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let ar = page(tmp.path(), "stadt/ar/events");
    assert_eq!(attr(&ar, "html", "dir").as_deref(), Some("rtl"));
    let ar_days = days(&ar);
    assert!(ar_days[0].0.starts_with("الأربعاء، "), "{}", ar_days[0].0);
    assert!(ar_days[0].0.contains("2026"), "{}", ar_days[0].0);
    assert_eq!(attr(&ar, ".event-time time", "dir").as_deref(), Some("ltr"));
    // The café has an Arabic text; the Elterntreff is shown in German, marked so.
    let titles: Vec<(String, String)> = select(&ar, "section.event-day h3 a")
        .iter()
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("lang").unwrap().to_string(),
            )
        })
        .collect();
    assert!(titles.contains(&("مقهى اللغة".to_string(), "ar".to_string())));
    assert!(titles.contains(&("Elterntreff online".to_string(), "de".to_string())));
    let uk = page(tmp.path(), "stadt/uk/events");
    assert!(
        days(&uk)[1].0.starts_with("вівторок, 1 грудня 2026"),
        "{}",
        days(&uk)[1].0
    );
}

#[test]
fn an_empty_window_says_so() {
    let (_guard, root) = copy_fixture("events");
    let events = root.join("content/stadt/events");
    for f in [
        "sprachcafe.md",
        "sprachcafe.ar.md",
        "sprachcafe.uk.md",
        "beratung.md",
    ] {
        fs::remove_file(events.join(f)).unwrap();
    }
    let start = root.join("content/stadt/_index.de.md");
    let text_before = fs::read_to_string(&start).unwrap();
    fs::write(
        &start,
        text_before.replace(
            " Jeden Dienstag: das [Sprachcafé](@/events/sprachcafe.md).",
            "",
        ),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    build_at(&root, tmp.path(), "2027-07-01");
    let list = page(tmp.path(), "stadt/de/events");
    assert!(days(&list).is_empty());
    assert!(
        text(&list, "article.events")
            .contains("In den nächsten 60 Tagen sind keine Veranstaltungen geplant."),
        "{}",
        text(&list, "article.events")
    );
    // Past events keep their page, with a notice.
    let fair = page(tmp.path(), "stadt/de/events/jobmesse");
    assert!(text(&fair, ".expired-notice").contains("vorbei"));
}

fn json_ld(doc: &Html) -> Value {
    let script = select(doc, "script[type='application/ld+json']")
        .last()
        .map(|s| s.inner_html())
        .expect("a JSON-LD block");
    serde_json::from_str(&script).unwrap_or_else(|e| panic!("{e}: {script}"))
}

#[test]
fn a_recurring_event_page_says_how_it_recurs_and_lists_the_next_dates() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let cafe = page(tmp.path(), "stadt/de/events/sprachcafe");
    let facts = text(&cafe, ".event-facts");
    assert!(
        facts.contains("Jede Woche: Dienstag, 18:00–20:00"),
        "{facts}"
    );
    assert!(facts.contains("Stadtbibliothek"), "{facts}");
    assert!(facts.contains("Am Markt 3, 12345 Teststadt"), "{facts}");
    assert!(facts.contains("Kostenlos"), "{facts}");
    let next: Vec<String> = select(&cafe, ".event-dates li")
        .iter()
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(
        next,
        [
            "Dienstag, 1. Dezember 2026, 18:00–20:00",
            "Dienstag, 8. Dezember 2026, 18:00–20:00",
            "Dienstag, 15. Dezember 2026, 18:00–20:00",
            "Dienstag, 5. Januar 2027, 18:00–20:00",
            "Dienstag, 12. Januar 2027, 18:00–20:00",
        ]
    );
    assert_eq!(
        attr(&cafe, ".calendar-link a", "href").as_deref(),
        Some("/stadt/de/events/sprachcafe/sprachcafe.ics")
    );
    let ld = json_ld(&cafe);
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["name"], "Sprachcafé");
    assert_eq!(ld["startDate"], "2026-12-01T18:00:00+01:00");
    assert_eq!(ld["endDate"], "2026-12-01T20:00:00+01:00");
    assert_eq!(
        ld["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(ld["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(ld["location"]["@type"], "Place");
    assert_eq!(ld["location"]["address"]["@type"], "PostalAddress");
    assert_eq!(ld["location"]["address"]["postalCode"], "12345");
    assert_eq!(ld["location"]["geo"]["latitude"], 51.5341);
    assert_eq!(ld["isAccessibleForFree"], true);
    assert_eq!(ld["inLanguage"], "de");
    assert_eq!(
        ld["url"],
        "https://portal.example/stadt/de/events/sprachcafe/"
    );
    // In Arabic: the Arabic text, the same instants, the rule in Arabic.
    let ar = page(tmp.path(), "stadt/ar/events/sprachcafe");
    let ld = json_ld(&ar);
    assert_eq!(ld["name"], "مقهى اللغة");
    assert_eq!(ld["inLanguage"], "ar");
    assert_eq!(ld["startDate"], "2026-12-01T18:00:00+01:00");
    // The Arabic comma between the parts, the time left-to-right.
    let facts = text(&ar, ".event-facts");
    assert!(facts.contains("كل أسبوع: الثلاثاء، 18:00–20:00"), "{facts}");
    assert!(
        select(&ar, ".event-dates li span[dir='ltr']").len() == 5,
        "{}",
        ar.html()
    );
}

#[test]
fn one_off_online_and_monthly_events() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let online = page(tmp.path(), "stadt/de/events/elterntreff");
    let ld = json_ld(&online);
    assert_eq!(
        ld["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(ld["location"]["@type"], "VirtualLocation");
    assert_eq!(
        ld["location"]["url"],
        "https://meet.teststadt.example/elterntreff"
    );
    let facts = text(&online, ".event-facts");
    assert!(
        facts.contains("Alle 2 Wochen: Mittwoch, 15:00–16:30"),
        "{facts}"
    );
    assert!(facts.contains("eltern@teststadt.example"), "{facts}");
    let monthly = page(tmp.path(), "stadt/de/events/beratung");
    let facts = text(&monthly, ".event-facts");
    assert!(
        facts.contains("Jeden Monat: 1. Donnerstag, 10:00–12:00"),
        "{facts}"
    );
    assert_eq!(
        attr(&monthly, ".event-facts a", "href").as_deref(),
        Some("https://termine.teststadt.example/beratung")
    );
    let fair = page(tmp.path(), "stadt/de/events/jobmesse");
    let facts = text(&fair, ".event-facts");
    assert!(
        facts.contains("Mittwoch, 20. Januar 2027, 10:00–16:00"),
        "{facts}"
    );
    let ld = json_ld(&fair);
    assert_eq!(ld["startDate"], "2027-01-20T10:00:00+01:00");
    assert_eq!(ld["offers"]["price"], 0);
    let fest = page(tmp.path(), "stadt/de/events/winterfest");
    let ld = json_ld(&fest);
    assert_eq!(ld["startDate"], "2026-12-05");
    assert_eq!(ld["endDate"], "2026-12-06");
    assert!(text(&fest, ".event-facts").contains("5 €, Kinder frei"));
}

#[test]
fn place_pages_list_their_events() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let place = page(tmp.path(), "stadt/de/places/stadtbibliothek");
    let entries: Vec<String> = select(&place, "#events-here + ul li")
        .iter()
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(
        entries,
        [
            "SprachcaféJede Woche: Dienstag, 18:00–20:00",
            "JobmesseMittwoch, 20. Januar 2027, 10:00–16:00",
        ]
    );
    let start = page(tmp.path(), "stadt/de");
    let sections: Vec<String> = select(&start, ".portal-sections a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(
        sections.contains(&"/stadt/de/events/".to_string()),
        "{sections:?}"
    );
}

#[test]
fn the_sitemap_lists_the_event_pages() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let sitemap = fs::read_to_string(tmp.path().join("sitemap.xml")).unwrap();
    for lang in ["de", "ar", "uk"] {
        assert!(sitemap.contains(&format!(
            "<loc>https://portal.example/stadt/{lang}/events/</loc>"
        )));
    }
    assert!(sitemap.contains("<loc>https://portal.example/stadt/uk/events/sprachcafe/</loc>"));
    // Only where the event has its own text.
    assert!(!sitemap.contains("<loc>https://portal.example/stadt/uk/events/jobmesse/</loc>"));
    assert!(
        sitemap
            .contains("hreflang=\"ar\" href=\"https://portal.example/stadt/ar/events/jobmesse/\"")
    );
}

// ---------------------------------------------------------------------------------------
// iCalendar

fn ics(out: &Path, rel: &str) -> String {
    let bytes = fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    String::from_utf8(bytes).expect("UTF-8")
}

fn prop<'a>(c: &'a Component<'a>, name: &str) -> String {
    c.find_prop(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .val
        .as_str()
        .to_string()
}

fn param(c: &Component<'_>, name: &str, key: &str) -> Option<String> {
    c.find_prop(name)?
        .params
        .iter()
        .find(|p| p.key.as_str() == key)
        .and_then(|p| p.val.as_ref().map(|v| v.as_str().to_string()))
}

/// The VEVENTs of a parsed calendar (`read_calendar` gives the VCALENDAR's properties
/// and sub-components).
fn events_of<'a>(cal: &'a [Component<'a>]) -> Vec<&'a Component<'a>> {
    cal.iter().filter(|c| c.name.as_str() == "VEVENT").collect()
}

fn cal_prop(cal: &icalendar::parser::Calendar<'_>, name: &str) -> String {
    cal.properties
        .iter()
        .find(|p| p.name.as_str() == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .val
        .as_str()
        .to_string()
}

#[test]
fn the_calendar_parses_and_keeps_local_time_across_the_dst_change() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let text = ics(tmp.path(), "stadt/de/events/calendar.ics");
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).expect("the calendar parses");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(cal_prop(&cal, "VERSION"), "2.0");
    assert_eq!(cal_prop(&cal, "METHOD"), "PUBLISH");
    assert_eq!(cal_prop(&cal, "CALSCALE"), "GREGORIAN");
    assert!(cal_prop(&cal, "PRODID").contains("wegweiser"));
    assert_eq!(
        cal_prop(&cal, "X-WR-CALNAME"),
        "Teststadt – Veranstaltungen"
    );
    let events = events_of(&cal.components);
    // The past Infoabend (2026-11-10) is still within the 30 days the feed keeps.
    let uids: Vec<String> = events.iter().map(|e| prop(e, "UID")).collect();
    assert!(
        uids.contains(&"sprachcafe@stadt.portal.example".to_string()),
        "{uids:?}"
    );
    assert!(
        uids.contains(&"infoabend@stadt.portal.example".to_string()),
        "{uids:?}"
    );

    let cafe = events
        .iter()
        .find(|e| prop(e, "UID").starts_with("sprachcafe@"))
        .unwrap();
    let tzid = param(cafe, "DTSTART", "TZID").expect("DTSTART has a TZID");
    assert_eq!(tzid, "Europe/Berlin");
    let start: DateTime = DateTime::strptime("%Y%m%dT%H%M%S", prop(cafe, "DTSTART")).unwrap();
    let end: DateTime = DateTime::strptime("%Y%m%dT%H%M%S", prop(cafe, "DTEND")).unwrap();
    let rule_text = prop(cafe, "RRULE");
    assert_eq!(
        rule_text, "FREQ=WEEKLY;BYDAY=TU",
        "the rule is kept, not expanded"
    );
    let exdates: Vec<String> = cafe
        .properties
        .iter()
        .filter(|p| p.name.as_str() == "EXDATE")
        .map(|p| p.val.as_str().to_string())
        .collect();
    assert_eq!(exdates, ["20261222T180000", "20261229T180000"]);
    // The instants of the occurrences around 2027-03-28, from DTSTART, TZID and RRULE.
    let tz = TimeZone::get(&tzid).unwrap();
    let rule = wegweiser::model::recurrence::parse(&rule_text).unwrap();
    let days = rule.between(
        start.date(),
        &[],
        "2027-03-16".parse().unwrap(),
        "2027-04-06".parse().unwrap(),
    );
    let instants: Vec<String> = days
        .iter()
        .map(|d| {
            tz.to_zoned(d.to_datetime(start.time()))
                .unwrap()
                .timestamp()
                .to_string()
        })
        .collect();
    assert_eq!(
        instants,
        [
            "2027-03-16T17:00:00Z",
            "2027-03-23T17:00:00Z",
            "2027-03-30T16:00:00Z",
            "2027-04-06T16:00:00Z",
        ]
    );
    assert_eq!((end - start).get_hours(), 2);
    // The VTIMEZONE says the same: +0100 to +0200 at 02:00 local on 2027-03-28.
    let vtz = cal
        .components
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE")
        .expect("a VTIMEZONE");
    assert_eq!(prop(vtz, "TZID"), "Europe/Berlin");
    let spring = vtz
        .components
        .iter()
        .find(|c| c.name.as_str() == "DAYLIGHT" && prop(c, "DTSTART") == "20270328T020000")
        .expect("the change of 2027-03-28");
    assert_eq!(prop(spring, "TZOFFSETFROM"), "+0100");
    assert_eq!(prop(spring, "TZOFFSETTO"), "+0200");

    // COUNT and INTERVAL kept; UNTIL-less monthly rule; all-day with exclusive DTEND.
    let parent = events
        .iter()
        .find(|e| prop(e, "UID").starts_with("elterntreff@"))
        .unwrap();
    assert_eq!(prop(parent, "RRULE"), "FREQ=WEEKLY;INTERVAL=2;COUNT=6");
    let fest = events
        .iter()
        .find(|e| prop(e, "UID").starts_with("winterfest@"))
        .unwrap();
    assert_eq!(param(fest, "DTSTART", "VALUE").as_deref(), Some("DATE"));
    assert_eq!(prop(fest, "DTSTART"), "20261205");
    assert_eq!(prop(fest, "DTEND"), "20261207");
    assert_eq!(prop(fest, "SUMMARY"), "Winterfest");
}

#[test]
fn uids_are_stable_across_builds_and_languages() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build_site(a.path());
    build_site(b.path());
    let uids = |out: &Path, lang: &str| -> Vec<String> {
        let text = ics(out, &format!("stadt/{lang}/events/calendar.ics"));
        let unfolded = unfold(&text);
        let cal = read_calendar(&unfolded).unwrap();
        events_of(&cal.components)
            .iter()
            .map(|e| prop(e, "UID"))
            .collect()
    };
    let de = uids(a.path(), "de");
    assert_eq!(de.len(), 7, "{de:?}");
    assert_eq!(de, uids(a.path(), "ar"));
    assert_eq!(de, uids(a.path(), "uk"));
    for rel in [
        "stadt/de/events/calendar.ics",
        "stadt/ar/events/calendar.ics",
        "stadt/uk/events/sprachcafe/sprachcafe.ics",
    ] {
        assert_eq!(
            ics(a.path(), rel),
            ics(b.path(), rel),
            "{rel} differs between builds"
        );
    }
    let single = ics(a.path(), "stadt/ar/events/sprachcafe/sprachcafe.ics");
    let unfolded = unfold(&single);
    let cal = read_calendar(&unfolded).unwrap();
    let events = events_of(&cal.components);
    assert_eq!(events.len(), 1);
    assert_eq!(prop(events[0], "UID"), "sprachcafe@stadt.portal.example");
}

#[test]
fn lines_are_folded_at_75_octets_and_unfold_to_the_texts() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    for lang in ["ar", "uk"] {
        let text = ics(tmp.path(), &format!("stadt/{lang}/events/calendar.ics"));
        assert!(text.ends_with("\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "bare LF in {lang}"
        );
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{lang}: {} octets: {line}", line.len());
        }
        let unfolded = unfold(&text);
        let cal = read_calendar(&unfolded).unwrap();
        let cafe = events_of(&cal.components)
            .into_iter()
            .find(|e| prop(e, "UID").starts_with("sprachcafe@"))
            .unwrap();
        let (summary, description) = match lang {
            "ar" => ("مقهى اللغة", "التحدث بالألمانية مع القهوة والشاي"),
            _ => ("Мовне кафе", "Розмовляємо німецькою за кавою та чаєм"),
        };
        assert_eq!(prop(cafe, "SUMMARY"), summary);
        assert_eq!(prop(cafe, "DESCRIPTION"), description);
        assert_eq!(
            prop(cafe, "LOCATION"),
            "Stadtbibliothek, Am Markt 3, 12345 Teststadt"
        );
        // Written escaped: commas in TEXT values are `\,`.
        assert!(unfolded.contains("LOCATION:Stadtbibliothek\\, Am Markt 3\\, 12345 Teststadt"));
    }
    // A long Arabic line was folded somewhere: continuation lines exist.
    let text = ics(tmp.path(), "stadt/ar/events/calendar.ics");
    assert!(text.contains("\r\n "), "nothing was folded");
}

#[test]
fn one_event_calendar_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let text = ics(tmp.path(), "stadt/de/events/sprachcafe/sprachcafe.ics");
    // DTSTAMP is the source file's last commit date: not part of the snapshot.
    let text: String = text
        .split("\r\n")
        .map(|l| {
            if l.starts_with("DTSTAMP:") {
                "DTSTAMP:[commit date]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(text);
}

// ---------------------------------------------------------------------------------------
// Bad input

fn problems(case: &str) -> (bool, Vec<Diagnostic>) {
    let options = BuildOptions {
        root: fixture("broken").join(case),
        write: false,
        ..Default::default()
    };
    match build(&options, &NoProgress) {
        Ok(report) => (true, report.diagnostics.into_iter().collect()),
        Err(f) => (false, f.diagnostics),
    }
}

/// The one problem of `case`: in `file` (below content/m/), at `(line, column)`,
/// saying `contains`; returns its hint.
#[track_caller]
fn sole(
    case: &str,
    severity: Severity,
    file: &str,
    position: (usize, usize),
    contains: &str,
) -> Option<String> {
    let (built, diags) = problems(case);
    assert_eq!(built, severity == Severity::Warning, "{case}: {diags:?}");
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{d} [{}:{}]", d.line, d.column))
        .collect();
    assert_eq!(diags.len(), 1, "{case}:\n{}", shown.join("\n"));
    let d = &diags[0];
    assert_eq!(d.severity, severity, "{case}: {}", shown[0]);
    assert_eq!(
        d.file,
        Path::new("content/m").join(file),
        "{case}: {}",
        shown[0]
    );
    assert_eq!((d.line, d.column), position, "{case}: {}", shown[0]);
    assert!(d.message.contains(contains), "{case}: {}", shown[0]);
    d.hint.clone()
}

#[track_caller]
fn sole_error(case: &str, file: &str, position: (usize, usize), contains: &str) -> Option<String> {
    sole(case, Severity::Error, file, position, contains)
}

#[test]
fn times_that_do_not_work() {
    sole_error(
        "event_end_before_start",
        "events/abend.md",
        (4, 1),
        "ends (2026-12-01T17:00) before it starts (2026-12-01T18:00)",
    );
    sole_error(
        "event_bad_date",
        "events/abend.md",
        (3, 9),
        "`2026-02-30` is not a day of the calendar",
    );
    let hint = sole_error(
        "event_day_without_time",
        "events/abend.md",
        (3, 1),
        "a day without a time of day",
    );
    assert!(hint.unwrap().contains("all_day = true"));
    let hint = sole_error(
        "event_dst_gap",
        "events/nacht.md",
        (3, 1),
        "2027-03-28T02:30 does not exist in Europe/Berlin",
    );
    assert!(hint.unwrap().contains("before or after"));
    // The municipality's time zone is checked where it is written.
    let hint = sole_error(
        "event_unknown_timezone",
        "municipality.toml",
        (4, 1),
        "unknown time zone `Europe/Berlni`",
    );
    assert_eq!(hint.as_deref(), Some("did you mean `Europe/Berlin`?"));
}

#[test]
fn places_that_do_not_exist() {
    let hint = sole_error(
        "event_unknown_place",
        "events/cafe.md",
        (4, 10),
        "there is no place with the id `stadtbibliotek`",
    );
    assert_eq!(hint.as_deref(), Some("did you mean `stadtbibliothek`?"));
    // An event without place, location or online_url is announced with its place to
    // follow (tests/integreat.rs); an empty location is a mistake.
    let hint = sole_error(
        "event_empty_location",
        "events/abend.md",
        (4, 1),
        "`location` is empty",
    );
    assert!(hint.unwrap().contains("place to be announced"));
    let hint = sole_error(
        "event_data_in_translation",
        "events/abend.en.md",
        (3, 1),
        "unknown field `location`",
    );
    assert!(hint.unwrap().contains("source-language file"));
}

#[test]
fn impossible_recurrence_rules_point_at_the_part() {
    let hint = sole_error(
        "event_interval_zero",
        "events/cafe.md",
        (5, 36),
        "INTERVAL=0 never repeats",
    );
    assert!(hint.is_some());
    // YAML front matter.
    sole_error(
        "event_count_zero",
        "events/cafe.md",
        (5, 32),
        "COUNT=0 means no occurrence at all",
    );
    sole_error(
        "event_until_before_start",
        "events/cafe.md",
        (5, 27),
        "UNTIL (2026-11-30) is before the start (2026-12-01)",
    );
    sole_error(
        "event_start_not_in_rule",
        "events/cafe.md",
        (5, 15),
        "start 2026-11-30 is a Monday, the rule says Tuesdays",
    );
    let hint = sole_error(
        "event_rrule_unsupported",
        "events/fest.md",
        (6, 27),
        "BYMONTH is not supported",
    );
    assert!(hint.unwrap().starts_with("supported: FREQ"));
    sole_error(
        "event_rrule_syntax",
        "events/cafe.md",
        (5, 36),
        "`XX` is not a weekday",
    );
    let hint = sole(
        "event_exception_not_occurrence",
        Severity::Warning,
        "events/cafe.md",
        (6, 27),
        "exception 2026-12-24 is not a day the event takes place on",
    );
    assert!(hint.unwrap().contains("FREQ=WEEKLY;BYDAY=TU"));
    // A later occurrence in the night the clocks go forward: shown an hour later.
    let hint = sole(
        "event_recurring_dst_gap",
        Severity::Warning,
        "events/nachtcafe.md",
        (3, 1),
        "on 2027-03-28 the time 02:30 does not exist in Europe/Berlin (clocks go forward); that occurrence is at 03:30",
    );
    assert!(hint.unwrap().contains("RFC 5545"));
}

/// Numbers at and beyond every limit (`tests/fixtures/broken/event_extreme_numbers/`,
/// one event file each): `check` ends with exit code 1 and an error at file:line:col
/// for each, never with a panic (exit code 101).
#[test]
fn extreme_numbers_are_located_errors_not_panics() {
    let root = fixture("broken").join("event_extreme_numbers");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(["check", "--format", "json"])
        .arg(&root)
        .output()
        .expect("wegweiser runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let (built, diags) = problems("event_extreme_numbers");
    assert!(!built);
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{d} [{}:{}]", d.line, d.column))
        .collect();
    let expected = [
        (
            "count.md",
            (5, 32),
            "COUNT=99999999999999999999 is more than 10000",
        ),
        (
            "early.md",
            (3, 1),
            "`start` 0001-01-01 is not in the years 1900 to 2199",
        ),
        (
            "ends.md",
            (5, 1),
            "`end` 2300-12-01 is not in the years 1900 to 2199",
        ),
        (
            "exception.md",
            (6, 15),
            "exception 9999-12-29 is not in the years 1900 to 2199",
        ),
        (
            "far.md",
            (3, 1),
            "`start` 9999-12-31 is not in the years 1900 to 2199",
        ),
        ("feb30.md", (3, 9), "invalid date"),
        ("interval.md", (5, 35), "INTERVAL=1000000 is more than 1000"),
        ("minutes.md", (3, 9), "`18:0é` is not a time of day"),
        (
            "monthday.md",
            (5, 39),
            "BYMONTHDAY -128 is not a day of the month",
        ),
        (
            "nth.md",
            (5, 34),
            "there is no 128th last Tuesday in a month",
        ),
        (
            "separator.md",
            (3, 9),
            "`2026-12-01é18:00` is not a date or date and time",
        ),
        (
            "until.md",
            (5, 32),
            "UNTIL 9999-12-31 is not in the years 1900 to 2199",
        ),
        (
            "weekly.md",
            (5, 36),
            "INTERVAL=4294967296 is more than 1000",
        ),
    ];
    assert_eq!(diags.len(), expected.len(), "{}", shown.join("\n"));
    for (d, (file, position, message)) in diags.iter().zip(expected) {
        assert_eq!(d.severity, Severity::Error, "{d}");
        assert_eq!(d.file, Path::new("content/m/events").join(file), "{d}");
        assert_eq!((d.line, d.column), position, "{d}");
        assert!(d.message.contains(message), "{d}");
        // What to write instead: in a hint, or in the message of a value the front
        // matter's parser refuses.
        assert!(
            d.hint.is_some() || d.message.contains(": write") || file == "feb30.md",
            "{d} says nothing of what to write"
        );
    }
}

/// `[events] window_days` beyond ten years is an error in municipality.toml, not a
/// panic when the window's end is worked out.
#[test]
fn a_window_beyond_ten_years_is_an_error() {
    for (value, ok) in [
        ("3660", true),
        ("3661", false),
        ("4000000000", false),
        ("0", false),
        ("-1", false),
    ] {
        let (_tmp, root) = copy_fixture("events");
        let path = root.join("content/stadt/municipality.toml");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.replace("window_days = 60", &format!("window_days = {value}")),
        )
        .unwrap();
        let options = BuildOptions {
            root: root.clone(),
            write: false,
            today: Some(TODAY.parse().unwrap()),
            ..Default::default()
        };
        match build(&options, &NoProgress) {
            Ok(_) => assert!(ok, "window_days = {value} is accepted"),
            Err(f) => {
                assert!(!ok, "window_days = {value}: {:?}", f.diagnostics);
                let d = &f.diagnostics[0];
                assert_eq!(d.file, Path::new("content/stadt/municipality.toml"), "{d}");
                assert_eq!(d.line, 7, "{d}");
                assert!(d.message.contains("is not 1 to 3660 (ten years)"), "{d}");
            }
        }
    }
}

/// A daily event without end that began in 1900: its days in the window are found
/// from the period that holds the window (`Rule::instances_from`), not by walking
/// from 1900, and every one of them is listed.
#[test]
fn a_daily_event_since_1900_is_listed_on_every_day_of_the_window() {
    let (_tmp, root) = copy_fixture("events");
    fs::write(
        root.join("content/stadt/events/immer.md"),
        "+++\ntitle = \"Immer\"\nstart = 1900-01-01T09:00\nend = 1900-01-01T10:00\nlocation = \"Rathaus\"\nrecurrence = \"FREQ=DAILY;INTERVAL=3\"\n+++\nJeden dritten Tag.\n",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    build_at(&root, tmp.path(), TODAY);
    let list = page(tmp.path(), "stadt/de/events");
    let immer: Vec<String> = days(&list)
        .into_iter()
        .filter(|(_, entries)| entries.iter().any(|(_, t)| t == "Immer"))
        .map(|(h, _)| h)
        .collect();
    // 1900-01-01 + 3k days: 2026-11-25 is day 46,349 = 3 × 15,449 + 2, so the first in
    // the window is 2026-11-26, then every third day: 20 in 60 days.
    assert_eq!(immer.len(), 20, "{immer:#?}");
    assert_eq!(immer[0], "Donnerstag, 26. November 2026");
    assert_eq!(immer[1], "Sonntag, 29. November 2026");
}

/// Search finds the events that are not over, in the languages they are written in.
#[test]
fn search_finds_events_that_are_not_over() {
    let options = BuildOptions {
        root: fixture("events"),
        today: Some(TODAY.parse().unwrap()),
        ..Default::default()
    };
    let mut diagnostics = wegweiser::base::diagnostics::Diagnostics::default();
    let (site, _) = wegweiser::build::pipeline::load_site(&options, &mut diagnostics)
        .expect("the fixture loads");
    let m = &site.municipalities[0];
    let events = |code: &str| -> Vec<String> {
        wegweiser::output::search::records(m, m.language_index(code).unwrap())
            .into_iter()
            .filter(|r| r.kind == wegweiser::output::search::Kind::Event)
            .map(|r| r.url)
            .collect()
    };
    // By first day. The Infoabend (10 November) is over; the weekly Sprachcafé that
    // began before today is not. Far events (the Sommerfest) are found although the
    // list leaves them out: their page exists.
    assert_eq!(
        events("de"),
        [
            "/stadt/de/events/sprachcafe/",
            "/stadt/de/events/elterntreff/",
            "/stadt/de/events/beratung/",
            "/stadt/de/events/winterfest/",
            "/stadt/de/events/jobmesse/",
            "/stadt/de/events/sommerfest/",
        ]
    );
    // In the order of the events page (by first day). Only events with their own text
    // in the language; fallbacks are found in German.
    assert_eq!(
        events("ar"),
        ["/stadt/ar/events/sprachcafe/", "/stadt/ar/events/jobmesse/"]
    );
    assert_eq!(events("uk"), ["/stadt/uk/events/sprachcafe/"]);
    let uk = wegweiser::output::search::records(m, m.language_index("uk").unwrap());
    let cafe = uk.iter().find(|r| r.url.ends_with("/sprachcafe/")).unwrap();
    assert_eq!(cafe.title, "Мовне кафе");
    assert_eq!(cafe.description, "Розмовляємо німецькою за кавою та чаєм");
}
