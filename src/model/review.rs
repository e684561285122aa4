//! Content freshness: when a page was last checked (`reviewed`), how often it must be
//! checked (`review_interval`), and what that means today in the municipality's time
//! zone: overdue, due soon, current or never reviewed.
//!
//! Dates are days of the civil (Gregorian) calendar. Adding months keeps the day of the
//! month where it exists and otherwise takes the last day of the month
//! (2026-01-31 + 1 month = 2026-02-28; 2024-02-29 + 1 year = 2025-02-28).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Municipality, Review};

/// The municipality's time zone when `municipality.toml` names none.
pub const DEFAULT_TIMEZONE: &str = "Europe/Berlin";

/// Pages whose next check is at most this far away are "due soon".
pub const DUE_SOON: Interval = Interval {
    amount: 30,
    unit: Unit::Days,
};

/// The municipality's review interval when `municipality.toml` sets none.
pub const DEFAULT_INTERVAL: Interval = Interval {
    amount: 12,
    unit: Unit::Months,
};

/// The unit of an [`Interval`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    fn name(self, amount: u32) -> &'static str {
        match (self, amount == 1) {
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
            (Unit::Years, true) => "year",
            (Unit::Years, false) => "years",
        }
    }
}

/// A span of calendar time: `90 days`, `6 months`, `1 year` (also `30d`, `2w`, `6mo`,
/// `1y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    pub amount: u32,
    pub unit: Unit,
}

impl Interval {
    /// `date` plus this interval; month ends are clamped. `None` past the year 9999.
    pub fn after(self, date: Date) -> Option<Date> {
        let amount = i64::from(self.amount);
        let span = match self.unit {
            Unit::Days => Span::new().try_days(amount),
            Unit::Weeks => Span::new().try_weeks(amount),
            Unit::Months => Span::new().try_months(amount),
            Unit::Years => Span::new().try_years(amount),
        }
        .ok()?;
        date.checked_add(span).ok()
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.name(self.amount))
    }
}

/// Why a text is not an interval.
pub const INTERVAL_HELP: &str =
    "write a number and a unit: \"90 days\", \"6 weeks\", \"6 months\", \"1 year\"";

impl FromStr for Interval {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = s.split_at(digits);
        let bad = || format!("`{s}` is not a review interval: {INTERVAL_HELP}");
        let amount: u32 = number.parse().map_err(|_| bad())?;
        let unit = match unit.trim().to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => Unit::Days,
            "w" | "week" | "weeks" => Unit::Weeks,
            "mo" | "month" | "months" => Unit::Months,
            "y" | "year" | "years" => Unit::Years,
            _ => return Err(bad()),
        };
        if amount == 0 {
            return Err(format!(
                "`{s}` is not a review interval: it must be longer than 0"
            ));
        }
        // Keep date arithmetic far from its limits.
        let days = match unit {
            Unit::Days => u64::from(amount),
            Unit::Weeks => u64::from(amount) * 7,
            Unit::Months => u64::from(amount) * 31,
            Unit::Years => u64::from(amount) * 366,
        };
        if days > 100 * 366 {
            return Err(format!("`{s}` is not a review interval: at most 100 years"));
        }
        Ok(Interval { amount, unit })
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A day in front matter: a TOML date (`reviewed = 2026-05-12`) or a string
/// `YYYY-MM-DD` (YAML `reviewed: 2026-05-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Parse `YYYY-MM-DD` (a day that exists).
pub fn parse_day(s: &str) -> Result<Date, String> {
    let s = s.trim();
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape {
        return Err(format!(
            "`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2026-05-12"
        ));
    }
    s.parse::<Date>()
        .map_err(|_| format!("`{s}` is not a day of the calendar"))
}

/// `YYYY-MM-DD` as (year, month, day); `None` unless it is a day of the calendar.
pub fn parse_iso_date(s: &str) -> Option<(i32, u8, u8)> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |from: usize, to: usize| {
        let part = s.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse::<u16>().ok())?
    };
    let year = i32::from(number(0, 4)?);
    let month = u8::try_from(number(5, 7)?).ok()?;
    let day = u8::try_from(number(8, 10)?).ok()?;
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()?;
    Some((year, month, day))
}

/// The key under which the `toml` crate hands a datetime to a deserializer.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DayVisitor;
        impl<'de> Visitor<'de> for DayVisitor {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date (YYYY-MM-DD)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Day, E> {
                parse_day(v).map(Day).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Day, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom("expected a date (YYYY-MM-DD)"));
                };
                if key != TOML_DATETIME_KEY {
                    return Err(de::Error::custom("expected a date (YYYY-MM-DD)"));
                }
                let value: String = map.next_value()?;
                if value.len() != 10 {
                    return Err(de::Error::custom(format!(
                        "`{value}` is not a date: give the day only, e.g. 2026-05-12"
                    )));
                }
                parse_day(&value).map(Day).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(DayVisitor)
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// How current a page's content is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Freshness {
    /// The next check was due before today.
    Overdue,
    /// The next check is due today or within the due-soon window.
    DueSoon,
    /// Nobody has confirmed the content yet.
    NeverReviewed,
    Current,
}

impl Freshness {
    pub const ALL: [Freshness; 4] = [
        Freshness::Overdue,
        Freshness::DueSoon,
        Freshness::NeverReviewed,
        Freshness::Current,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::Overdue => "overdue",
            Freshness::DueSoon => "due-soon",
            Freshness::NeverReviewed => "never-reviewed",
            Freshness::Current => "current",
        }
    }

    pub fn parse(s: &str) -> Option<Freshness> {
        Freshness::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether somebody should check the page now.
    pub fn needs_check(self) -> bool {
        self != Freshness::Current
    }
}

impl fmt::Display for Freshness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the next check of content reviewed on `reviewed` is due.
pub fn due_date(reviewed: Date, interval: Interval) -> Date {
    interval.after(reviewed).unwrap_or(Date::MAX)
}

/// The freshness of content last reviewed on `reviewed`, checked every `interval`, on
/// `today`; due soon when due at most `due_within` after today.
pub fn freshness(
    reviewed: Option<Date>,
    interval: Interval,
    today: Date,
    due_within: Interval,
) -> Freshness {
    let Some(reviewed) = reviewed else {
        return Freshness::NeverReviewed;
    };
    let due = due_date(reviewed, interval);
    if due < today {
        Freshness::Overdue
    } else if due <= due_within.after(today).unwrap_or(Date::MAX) {
        Freshness::DueSoon
    } else {
        Freshness::Current
    }
}

/// The time zone called `name` in the IANA database compiled into wegweiser.
pub fn time_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| format!("unknown time zone `{name}`"))
}

/// The IANA name closest to a misspelt `name`, for hints.
pub fn suggest_time_zone(name: &str) -> Option<String> {
    let names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect();
    let lower = name.to_ascii_lowercase();
    if let Some(exact) = names.iter().find(|n| n.to_ascii_lowercase() == lower) {
        return Some(exact.clone());
    }
    crate::base::diagnostics::did_you_mean(name, names.iter().map(String::as_str))
        .map(str::to_string)
}

/// The date at instant `now` in time zone `tz`.
pub fn date_at(now: Timestamp, tz: &TimeZone) -> Date {
    now.to_zoned(tz.clone()).date()
}

/// Today in time zone `tz`.
pub fn today_in(tz: &TimeZone) -> Date {
    date_at(Timestamp::now(), tz)
}

/// A page's freshness in its municipality on its `today`.
pub fn page_freshness(m: &Municipality, review: &Review, due_within: Interval) -> Freshness {
    freshness(review.reviewed, review.interval, m.today, due_within)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn iv(s: &str) -> Interval {
        s.parse().unwrap()
    }

    #[test]
    fn intervals_parse_and_print() {
        assert_eq!(
            iv("6 months"),
            Interval {
                amount: 6,
                unit: Unit::Months
            }
        );
        assert_eq!(
            iv("1 year"),
            Interval {
                amount: 1,
                unit: Unit::Years
            }
        );
        assert_eq!(
            iv("90 days"),
            Interval {
                amount: 90,
                unit: Unit::Days
            }
        );
        assert_eq!(iv("30d"), iv("30 days"));
        assert_eq!(iv("2w"), iv("2 weeks"));
        assert_eq!(iv("6mo"), iv(" 6 Months "));
        assert_eq!(iv("1 year").to_string(), "1 year");
        assert_eq!(iv("6mo").to_string(), "6 months");
        for bad in [
            "",
            "months",
            "6",
            "six months",
            "6 moons",
            "-1 year",
            "0 days",
            "1.5 years",
            "200 years",
        ] {
            assert!(bad.parse::<Interval>().is_err(), "{bad}");
        }
        let e = "6 moons".parse::<Interval>().unwrap_err();
        assert!(e.contains("\"6 months\""), "{e}");
    }

    #[test]
    fn month_ends_are_clamped() {
        assert_eq!(
            iv("1 month").after(date(2026, 1, 31)),
            Some(date(2026, 2, 28))
        );
        assert_eq!(
            iv("1 month").after(date(2028, 1, 31)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            iv("3 months").after(date(2026, 11, 30)),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            iv("6 months").after(date(2026, 8, 31)),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            iv("12 months").after(date(2026, 5, 12)),
            Some(date(2027, 5, 12))
        );
    }

    #[test]
    fn leap_years() {
        assert_eq!(
            iv("1 year").after(date(2024, 2, 29)),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            iv("4 years").after(date(2024, 2, 29)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            iv("365 days").after(date(2024, 1, 1)),
            Some(date(2024, 12, 31))
        );
        assert_eq!(
            iv("365 days").after(date(2025, 1, 1)),
            Some(date(2026, 1, 1))
        );
        // 1900 was no leap year, 2000 was.
        assert_eq!(
            iv("1 month").after(date(2000, 1, 31)),
            Some(date(2000, 2, 29))
        );
        assert_eq!(
            iv("1 month").after(date(2100, 1, 31)),
            Some(date(2100, 2, 28))
        );
    }

    #[test]
    fn states_around_the_due_date() {
        let year = iv("1 year");
        let today = date(2026, 6, 1);
        let f = |reviewed| freshness(reviewed, year, today, DUE_SOON);
        assert_eq!(f(None), Freshness::NeverReviewed);
        // Due yesterday: overdue. Due today: due soon, not yet overdue.
        assert_eq!(f(Some(date(2025, 5, 31))), Freshness::Overdue);
        assert_eq!(f(Some(date(2025, 6, 1))), Freshness::DueSoon);
        // Due in exactly 30 days: due soon; in 31: current.
        assert_eq!(f(Some(date(2025, 7, 1))), Freshness::DueSoon);
        assert_eq!(f(Some(date(2025, 7, 2))), Freshness::Current);
        assert_eq!(f(Some(date(2026, 5, 12))), Freshness::Current);
        // A wider window.
        assert_eq!(
            freshness(Some(date(2025, 8, 1)), year, today, iv("90 days")),
            Freshness::DueSoon
        );
    }

    #[test]
    fn today_is_the_municipalitys_date() {
        let berlin = time_zone("Europe/Berlin").unwrap();
        let utc = time_zone("UTC").unwrap();
        let late: Timestamp = "2026-12-31T23:30:00Z".parse().unwrap();
        assert_eq!(date_at(late, &utc), date(2026, 12, 31));
        assert_eq!(date_at(late, &berlin), date(2027, 1, 1));
        // Summer time: UTC+2.
        let summer: Timestamp = "2026-06-30T22:15:00Z".parse().unwrap();
        assert_eq!(date_at(summer, &berlin), date(2026, 7, 1));
        let winter: Timestamp = "2026-01-31T22:59:59Z".parse().unwrap();
        assert_eq!(date_at(winter, &berlin), date(2026, 1, 31));
        let ny = time_zone("America/New_York").unwrap();
        assert_eq!(date_at(late, &ny), date(2026, 12, 31));
    }

    #[test]
    fn unknown_time_zones_get_a_suggestion() {
        assert!(time_zone("Europe/Berlinn").is_err());
        assert_eq!(
            suggest_time_zone("Europe/Berlinn").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            suggest_time_zone("europe/berlin").as_deref(),
            Some("Europe/Berlin")
        );
    }

    #[test]
    fn iso_dates() {
        assert_eq!(parse_iso_date("2026-05-12"), Some((2026, 5, 12)));
        assert_eq!(parse_iso_date(" 2024-02-29 "), Some((2024, 2, 29)));
        for bad in [
            "2025-02-29",
            "2026-5-12",
            "2026/05/12",
            "12.05.2026",
            "",
            "2026-13-01",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_from_toml_and_yaml() {
        #[derive(Deserialize)]
        struct F {
            reviewed: Day,
        }
        let t: F = toml::from_str("reviewed = 2026-05-12").unwrap();
        assert_eq!(t.reviewed.0, date(2026, 5, 12));
        let t: F = toml::from_str("reviewed = \"2026-05-12\"").unwrap();
        assert_eq!(t.reviewed.0, date(2026, 5, 12));
        let y: F = serde_saphyr::from_str("reviewed: 2026-05-12").unwrap();
        assert_eq!(y.reviewed.0, date(2026, 5, 12));
        assert!(toml::from_str::<F>("reviewed = 2026-05-12T10:00:00").is_err());
        assert!(serde_saphyr::from_str::<F>("reviewed: 2026-02-30").is_err());
        assert!(serde_saphyr::from_str::<F>("reviewed: 12.05.2026").is_err());
        assert!(parse_day("2026-5-12").is_err());
    }
}
