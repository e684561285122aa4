use super::*;
use jiff::civil::date;

fn days(rule: &str, start: Date, n: usize) -> Vec<String> {
    let r = parse(rule).unwrap();
    r.check_start(start).unwrap();
    r.instances(start).take(n).map(|d| d.to_string()).collect()
}

#[test]
fn weekly_on_several_weekdays() {
    assert_eq!(
        days("FREQ=WEEKLY;BYDAY=TU,TH", date(2026, 11, 24), 5),
        [
            "2026-11-24",
            "2026-11-26",
            "2026-12-01",
            "2026-12-03",
            "2026-12-08"
        ]
    );
    // A start on Thursday: that week's Tuesday is before it and is not an occurrence.
    assert_eq!(
        days("FREQ=WEEKLY;BYDAY=TU,TH", date(2026, 11, 26), 3),
        ["2026-11-26", "2026-12-01", "2026-12-03"]
    );
}

#[test]
fn every_two_weeks() {
    assert_eq!(
        days("FREQ=WEEKLY;INTERVAL=2", date(2026, 11, 25), 4),
        ["2026-11-25", "2026-12-09", "2026-12-23", "2027-01-06"]
    );
    assert_eq!(
        days("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", date(2026, 11, 30), 4),
        ["2026-11-30", "2026-12-04", "2026-12-14", "2026-12-18"]
    );
}

#[test]
fn monthly_second_tuesday_and_last_friday() {
    assert_eq!(
        days("FREQ=MONTHLY;BYDAY=2TU", date(2026, 12, 8), 3),
        ["2026-12-08", "2027-01-12", "2027-02-09"]
    );
    assert_eq!(
        days("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 11, 27), 4),
        ["2026-11-27", "2026-12-25", "2027-01-29", "2027-02-26"]
    );
}

#[test]
fn fifth_weekday_skips_months_without_one() {
    // Thursdays: December 2026 has five, January to March 2027 four, April five.
    assert_eq!(
        days("FREQ=MONTHLY;BYDAY=5TH", date(2026, 12, 31), 3),
        ["2026-12-31", "2027-04-29", "2027-07-29"]
    );
}

#[test]
fn monthly_by_month_day_skips_short_months() {
    assert_eq!(
        days("FREQ=MONTHLY;BYMONTHDAY=31", date(2027, 1, 31), 3),
        ["2027-01-31", "2027-03-31", "2027-05-31"]
    );
    assert_eq!(
        days("FREQ=MONTHLY;BYMONTHDAY=-1", date(2027, 1, 31), 3),
        ["2027-01-31", "2027-02-28", "2027-03-31"]
    );
}

#[test]
fn until_and_count() {
    assert_eq!(
        days("FREQ=DAILY;UNTIL=20261203", date(2026, 12, 1), 10),
        ["2026-12-01", "2026-12-02", "2026-12-03"]
    );
    assert_eq!(
        days("FREQ=WEEKLY;COUNT=3;BYDAY=WE", date(2026, 12, 2), 10),
        ["2026-12-02", "2026-12-09", "2026-12-16"]
    );
}

#[test]
fn exceptions_are_removed_after_count() {
    let r = parse("FREQ=WEEKLY;COUNT=3").unwrap();
    let start = date(2026, 12, 1);
    let got = r.between(start, &[date(2026, 12, 8)], start, date(2027, 12, 31));
    assert_eq!(got, [date(2026, 12, 1), date(2026, 12, 15)]);
    assert!(r.occurs_on(start, date(2026, 12, 15)));
    assert!(!r.occurs_on(start, date(2026, 12, 22)), "after COUNT");
    assert!(!r.occurs_on(start, date(2026, 12, 9)));
}

#[test]
fn leap_years() {
    assert_eq!(
        days("FREQ=YEARLY", date(2028, 2, 29), 3),
        ["2028-02-29", "2032-02-29", "2036-02-29"]
    );
    assert_eq!(
        days("FREQ=MONTHLY;BYMONTHDAY=29", date(2028, 1, 29), 3),
        ["2028-01-29", "2028-02-29", "2028-03-29"]
    );
    assert_eq!(
        days("FREQ=MONTHLY;BYMONTHDAY=29", date(2027, 1, 29), 2),
        ["2027-01-29", "2027-03-29"]
    );
}

#[test]
fn local_time_stays_across_the_dst_change() {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let r = parse("FREQ=WEEKLY;BYDAY=TU").unwrap();
    let utc: Vec<String> = r
        .between(date(2027, 3, 16), &[], date(2027, 3, 16), date(2027, 3, 31))
        .into_iter()
        .map(|d| {
            tz.to_zoned(d.at(18, 0, 0, 0))
                .unwrap()
                .timestamp()
                .to_string()
        })
        .collect();
    assert_eq!(
        utc,
        [
            "2027-03-16T17:00:00Z",
            "2027-03-23T17:00:00Z",
            "2027-03-30T16:00:00Z"
        ]
    );
}

#[test]
fn start_must_fit_the_rule() {
    let r = parse("FREQ=WEEKLY;BYDAY=TU").unwrap();
    let (m, _) = r.check_start(date(2026, 11, 23)).unwrap_err();
    assert_eq!(m, "start 2026-11-23 is a Monday, the rule says Tuesdays");
    let r = parse("FREQ=MONTHLY;BYDAY=1TH").unwrap();
    let (m, _) = r.check_start(date(2026, 12, 10)).unwrap_err();
    assert_eq!(
        m,
        "start 2026-12-10 is the 2nd Thursday of its month, the rule says the 1st Thursday"
    );
    let r = parse("FREQ=DAILY;UNTIL=20261130").unwrap();
    assert!(
        r.check_start(date(2026, 12, 1))
            .unwrap_err()
            .0
            .contains("before the start")
    );
}

#[test]
fn errors_name_the_part() {
    let e = |s: &str| parse(s).unwrap_err();
    let err = e("FREQ=WEEKLY;INTERVAL=0");
    assert_eq!(err.message, "INTERVAL=0 never repeats");
    assert_eq!(&"FREQ=WEEKLY;INTERVAL=0"[err.span], "0");
    let err = e("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31");
    assert_eq!(err.message, "BYMONTH is not supported");
    assert_eq!(
        &"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"[err.span],
        "BYMONTH=2"
    );
    assert_eq!(
        e("FREQ=WEEKLY;COUNT=0").message,
        "COUNT=0 means no occurrence at all"
    );
    let text = "FREQ=WEEKLY;BYDAY=TU,XX";
    let err = e(text);
    assert_eq!(&text[err.span], "XX");
    assert!(e("FREQ=FORTNIGHTLY").message.contains("not a frequency"));
    assert!(e("BYDAY=TU").message.contains("no FREQ"));
    assert!(
        e("FREQ=WEEKLY;BYDAY=2TU")
            .message
            .contains("needs FREQ=MONTHLY")
    );
    assert!(
        e("FREQ=MONTHLY;BYDAY=6TU")
            .message
            .contains("no 6th Tuesday")
    );
    assert!(
        e("FREQ=DAILY;COUNT=2;UNTIL=20270101")
            .message
            .contains("together")
    );
    assert!(
        e("FREQ=WEEKLY;UNTIL=2027-02-30")
            .message
            .contains("not a day")
    );
    assert!(e("FREQ=WEEKLY;FREQ=DAILY").message.contains("twice"));
    assert!(e("FREQ=HOURLY").message.contains("not supported"));
}

#[test]
fn numbers_out_of_bounds_are_errors() {
    let e = |s: &str| parse(s).unwrap_err();
    for text in [
        "FREQ=DAILY;INTERVAL=1000000",
        "FREQ=WEEKLY;INTERVAL=1001",
        "FREQ=MONTHLY;INTERVAL=4294967296",
        "FREQ=YEARLY;INTERVAL=99999999999999999999999999",
    ] {
        let err = e(text);
        assert!(err.message.contains("is more than 1000"), "{text}: {err:?}");
        assert!(text[err.span].starts_with(|c: char| c.is_ascii_digit()));
    }
    assert!(parse("FREQ=DAILY;INTERVAL=1000").is_ok());
    for text in [
        "FREQ=DAILY;INTERVAL=-1",
        "FREQ=DAILY;INTERVAL=+2",
        "FREQ=DAILY;INTERVAL=",
    ] {
        assert!(e(text).message.contains("is not a number"), "{text}");
    }
    assert!(
        e("FREQ=DAILY;COUNT=10001")
            .message
            .contains("is more than 10000")
    );
    assert!(
        e("FREQ=DAILY;COUNT=18446744073709551616")
            .message
            .contains("is more than")
    );
    assert!(e("FREQ=DAILY;COUNT=-3").message.contains("not a number"));
    assert!(parse("FREQ=DAILY;COUNT=10000").is_ok());
    for text in [
        "FREQ=DAILY;UNTIL=99991231",
        "FREQ=DAILY;UNTIL=00010101",
        "FREQ=DAILY;UNTIL=18991231",
        "FREQ=DAILY;UNTIL=22000101",
    ] {
        assert!(
            e(text).message.contains("not in the years 1900 to 2199"),
            "{text}"
        );
    }
    assert!(e("FREQ=DAILY;UNTIL=20270230").message.contains("not a day"));
    // BYDAY and BYMONTHDAY numbers beyond every integer type.
    assert!(
        e("FREQ=MONTHLY;BYDAY=-128TU")
            .message
            .contains("no 128th last Tuesday")
    );
    assert!(
        e("FREQ=MONTHLY;BYDAY=99999999999999999999TU")
            .message
            .contains("not a weekday")
    );
    for text in [
        "FREQ=MONTHLY;BYMONTHDAY=-128",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=MONTHLY;BYMONTHDAY=99999999999",
    ] {
        assert!(e(text).message.contains("not a day of the month"), "{text}");
    }
    // Multi-byte text where a weekday code is expected.
    for text in [
        "FREQ=WEEKLY;BYDAY=éa",
        "FREQ=WEEKLY;BYDAY=2é",
        "FREQ=WEEKLY;BYDAY=ü",
    ] {
        assert!(e(text).message.contains("is not a weekday"), "{text}");
    }
}

#[test]
fn expansion_never_panics_at_the_ends_of_the_calendar() {
    // Rules parsed from the largest numbers allowed, from starts at the edges.
    let rules = [
        "FREQ=DAILY;INTERVAL=1000",
        "FREQ=WEEKLY;INTERVAL=1000;BYDAY=MO,SU",
        "FREQ=MONTHLY;INTERVAL=1000;BYMONTHDAY=31",
        "FREQ=MONTHLY;INTERVAL=1000;BYDAY=5FR",
        "FREQ=YEARLY;INTERVAL=1000",
        "FREQ=MONTHLY;BYMONTHDAY=30",
        "FREQ=DAILY;COUNT=10000",
    ];
    let starts = [
        date(1900, 1, 1),
        date(2028, 2, 29),
        date(2199, 12, 31),
        date(9999, 12, 31),
        date(-9999, 1, 1),
    ];
    for text in rules {
        let r = parse(text).unwrap();
        for start in starts {
            let all: Vec<Date> = r.instances(start).collect();
            // Events start in 1900 at the earliest: at most one a day until 2199.
            if start.year() >= FIRST_YEAR {
                assert!(all.len() <= 110_000, "{text} from {start}");
            }
            assert!(all.iter().all(|d| *d <= horizon()), "{text} from {start}");
            let _ = r.between(start, &[], date(1900, 1, 1), date(9999, 12, 31));
            let _ = r.occurs_on(start, date(9999, 12, 31));
            let _ = r.check_start(start);
        }
    }
    // The periods of a rule whose steps leave the calendar (as a hand-made rule
    // with a huge interval would): none, not a panic.
    for freq in [Freq::Daily, Freq::Weekly, Freq::Monthly, Freq::Yearly] {
        let r = Rule {
            freq,
            interval: u32::MAX,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            end: End::Never,
        };
        assert_eq!(
            r.instances(date(2026, 1, 1)).collect::<Vec<_>>(),
            [date(2026, 1, 1)]
        );
        for k in [1, 1_000_000, i64::MAX / 2, i64::MAX] {
            assert!(r.period(date(2026, 1, 1), k).is_empty(), "{freq:?} {k}");
        }
    }
}

#[test]
fn a_rule_without_end_stops_at_the_horizon() {
    let r = parse("FREQ=DAILY").unwrap();
    let all: Vec<Date> = r.instances(date(2026, 1, 1)).collect();
    assert_eq!(all.last(), Some(&date(2199, 12, 31)));
    assert_eq!(all.len(), 63_552);
    assert!(
        r.between(date(2199, 12, 1), &[], date(2200, 1, 1), date(2300, 1, 1))
            .is_empty()
    );
}

#[test]
fn the_days_asked_for_are_found_without_walking_from_the_start() {
    // Every kind of rule gives the same days from instances_from as from the start.
    let cases = [
        ("FREQ=DAILY;INTERVAL=3", date(1900, 1, 1)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", date(1900, 1, 1)),
        ("FREQ=WEEKLY;BYDAY=SU", date(1950, 1, 1)),
        ("FREQ=MONTHLY;BYDAY=-1FR", date(1900, 1, 26)),
        ("FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=31", date(1900, 1, 31)),
        ("FREQ=YEARLY;INTERVAL=3", date(1904, 2, 29)),
        ("FREQ=DAILY;UNTIL=20270110", date(1900, 1, 1)),
    ];
    for (text, start) in cases {
        let r = parse(text).unwrap();
        r.check_start(start).unwrap();
        for (from, to) in [
            (date(2026, 11, 25), date(2027, 1, 24)),
            (date(2027, 1, 1), date(2040, 12, 31)),
            (start, date(1900, 3, 1)),
        ] {
            let walked: Vec<Date> = r
                .instances(start)
                .take_while(|d| *d <= to)
                .filter(|d| *d >= from)
                .collect();
            assert_eq!(
                r.between(start, &[], from, to),
                walked,
                "{text} {from}..{to}"
            );
            for d in &walked {
                assert!(r.occurs_on(start, *d), "{text} {d}");
            }
        }
    }
    // From 1900, daily: the window of 2026 takes a few periods, not 46,000.
    let r = parse("FREQ=DAILY").unwrap();
    assert!(r.first_period(date(1900, 1, 1), date(2026, 11, 25)) > 46_000);
    // COUNT counts from the start: no skipping.
    let r = parse("FREQ=DAILY;COUNT=5").unwrap();
    assert_eq!(r.first_period(date(1900, 1, 1), date(2026, 11, 25)), 0);
}

#[test]
fn the_last_day_is_found_from_the_end() {
    let start = date(1900, 1, 1);
    for (text, exceptions) in [
        ("FREQ=DAILY;UNTIL=21991231", vec![]),
        (
            "FREQ=DAILY;UNTIL=21991231",
            vec![date(2199, 12, 31), date(2199, 12, 30)],
        ),
        ("FREQ=WEEKLY;INTERVAL=7;UNTIL=20270101", vec![]),
        ("FREQ=MONTHLY;INTERVAL=1000;UNTIL=21991231", vec![]),
        (
            "FREQ=YEARLY;INTERVAL=100;UNTIL=21991231",
            vec![date(2100, 1, 1)],
        ),
        ("FREQ=DAILY;COUNT=40", vec![date(1900, 2, 9)]),
        ("FREQ=DAILY;COUNT=1", vec![start]),
        ("FREQ=DAILY", vec![]),
    ] {
        let r = parse(text).unwrap();
        let walked = match r.end {
            End::Never => None,
            _ => r
                .instances(start)
                .filter(|d| !exceptions.contains(d))
                .last(),
        };
        assert_eq!(r.last(start, &exceptions), walked, "{text} {exceptions:?}");
    }
    let r = parse("FREQ=DAILY;UNTIL=21991231").unwrap();
    assert_eq!(
        r.last(start, &[date(2199, 12, 31)]),
        Some(date(2199, 12, 30))
    );
}

#[test]
fn written_back_as_ical() {
    let r = parse("RRULE:freq=monthly;byday=-1fr;interval=2;until=2027-06-30").unwrap();
    assert_eq!(
        r.to_string(),
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;UNTIL=20270630"
    );
}
