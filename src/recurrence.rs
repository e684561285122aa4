//! Recurring events: the subset of iCalendar's RRULE (RFC 5545 § 3.3.10) that
//! municipal events need, parsed, checked against the event's start and expanded to the
//! days it takes place.
//!
//! Supported: `FREQ=DAILY|WEEKLY|MONTHLY|YEARLY`, `INTERVAL`, `BYDAY` (weekdays for
//! `WEEKLY`; for `MONTHLY` weekdays with or without an ordinal: `2TU`, `-1FR`),
//! `BYMONTHDAY` (for `MONTHLY`), `UNTIL` (a day) or `COUNT`, and `WKST=MO`. Anything
//! else is an error that names the part. Occurrences are days: the event keeps its local
//! time of day on each of them, whatever the UTC offset of that day.
//!
//! Every number is bounded ([`MAX_INTERVAL`], [`MAX_COUNT`]) and no occurrence is
//! generated after [`LAST_YEAR`], so a rule without end costs time in proportion to the
//! days asked for, never more: [`Rule::instances_from`] starts at the period that holds
//! the first day wanted instead of at the event's start.

use std::fmt;
use std::ops::Range;

use jiff::Span;
use jiff::civil::{Date, Weekday};

/// The largest `INTERVAL`: every 1000th day, week, month or year.
pub const MAX_INTERVAL: u32 = 1000;

/// The largest `COUNT`.
pub const MAX_COUNT: u32 = 10_000;

/// The first and the last year an event's days (start, end, `UNTIL`, exceptions) may
/// be in; no occurrence is generated after the end of [`LAST_YEAR`].
pub const FIRST_YEAR: i16 = 1900;
pub const LAST_YEAR: i16 = 2199;

/// The last day an occurrence can fall on.
pub fn horizon() -> Date {
    Date::constant(LAST_YEAR, 12, 31)
}

/// Whether `day` is in the years events may have.
pub fn in_range(day: Date) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&day.year())
}

/// The message and hint for a day outside [`FIRST_YEAR`]`..=`[`LAST_YEAR`].
pub fn out_of_range(day: Date) -> (String, String) {
    (
        format!("{day} is not in the years {FIRST_YEAR} to {LAST_YEAR}"),
        "check the year: events are dated from 1900 to 2199".into(),
    )
}

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Freq {
    pub fn as_str(self) -> &'static str {
        match self {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
            Freq::Yearly => "YEARLY",
        }
    }
}

/// A `BYDAY` entry: a weekday, for `MONTHLY` optionally the n-th (`2TU`) or n-th last
/// (`-1FR`) of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByDay {
    pub nth: Option<i8>,
    pub weekday: Weekday,
}

/// Where the repetition stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Never,
    /// The last day an occurrence may fall on (inclusive).
    Until(Date),
    /// The number of occurrences, counted from the start, exceptions included.
    Count(u32),
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: u32,
    pub by_day: Vec<ByDay>,
    pub by_month_day: Vec<i8>,
    pub end: End,
}

/// A problem with a rule: the message, the bytes of the rule text it is about, and a
/// hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub message: String,
    pub span: Range<usize>,
    pub hint: Option<String>,
}

impl RuleError {
    fn new(message: impl Into<String>, span: Range<usize>) -> RuleError {
        RuleError {
            message: message.into(),
            span,
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> RuleError {
        self.hint = Some(hint.into());
        self
    }
}

const WEEKDAY_CODES: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

/// `MO`, `TU`, …
pub fn weekday_code(w: Weekday) -> &'static str {
    WEEKDAY_CODES[w.to_monday_zero_offset() as usize].0
}

/// The English name of a weekday, for messages.
pub fn weekday_name(w: Weekday) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][w.to_monday_zero_offset() as usize]
}

fn ordinal(n: i64) -> String {
    match n {
        -1 => "last".into(),
        n if n < 0 => format!("{} last", ordinal(-n)),
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}

const EXAMPLE: &str = "e.g. FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=1TH";

/// Parse a rule such as `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270331` (an
/// `RRULE:` prefix is allowed).
pub fn parse(text: &str) -> Result<Rule, RuleError> {
    let offset = if text.starts_with("RRULE:") { 6 } else { 0 };
    let mut freq = None;
    let mut interval = None;
    let mut by_day = None;
    let mut by_month_day = None;
    let mut until = None;
    let mut count = None;
    let mut seen: Vec<&str> = Vec::new();
    let mut start = offset;
    for part in text[offset..].split(';') {
        let span = start..start + part.len();
        start += part.len() + 1;
        if part.is_empty() {
            if span.start == text.len() {
                continue; // a trailing `;`
            }
            return Err(RuleError::new("empty part in the rule", span).hint(EXAMPLE));
        }
        let Some((key, value)) = part.split_once('=') else {
            return Err(RuleError::new(format!("`{part}` is not KEY=VALUE"), span).hint(EXAMPLE));
        };
        let key_upper = key.trim().to_ascii_uppercase();
        if seen.iter().any(|k| k.eq_ignore_ascii_case(key.trim())) {
            return Err(RuleError::new(
                format!("`{key_upper}` is given twice"),
                span,
            ));
        }
        seen.push(key.trim());
        let value = value.trim();
        let value_span = (span.end - value.len())..span.end;
        match key_upper.as_str() {
            "FREQ" => {
                freq = Some(match value.to_ascii_uppercase().as_str() {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    "SECONDLY" | "MINUTELY" | "HOURLY" => {
                        return Err(RuleError::new(
                            format!("FREQ={value} is not supported: events repeat at most daily"),
                            value_span,
                        )
                        .hint("use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"));
                    }
                    _ => {
                        return Err(RuleError::new(
                            format!("`{value}` is not a frequency"),
                            value_span,
                        )
                        .hint("use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"));
                    }
                })
            }
            "INTERVAL" => {
                let n = number(value, "INTERVAL", &value_span)?;
                if n == 0 {
                    return Err(RuleError::new("INTERVAL=0 never repeats", value_span).hint(
                        "INTERVAL=1 is every week (or day, month, year), INTERVAL=2 every other",
                    ));
                }
                if n > u64::from(MAX_INTERVAL) {
                    return Err(RuleError::new(
                        format!("INTERVAL={value} is more than {MAX_INTERVAL}"),
                        value_span,
                    )
                    .hint(format!(
                        "INTERVAL is 1 to {MAX_INTERVAL}: INTERVAL=2 is every other week (or day, month, year)"
                    )));
                }
                interval = Some(n as u32);
            }
            "COUNT" => {
                let n = number(value, "COUNT", &value_span)?;
                if n == 0 {
                    return Err(
                        RuleError::new("COUNT=0 means no occurrence at all", value_span)
                            .hint("COUNT is the number of occurrences, the first one included"),
                    );
                }
                if n > u64::from(MAX_COUNT) {
                    return Err(RuleError::new(
                        format!("COUNT={value} is more than {MAX_COUNT}"),
                        value_span,
                    )
                    .hint("for an event without end leave COUNT out, or give the last day as UNTIL=20270331"));
                }
                count = Some((n as u32, span.clone()));
            }
            "UNTIL" => {
                let compact = value.replace('-', "");
                let day = (compact.len() == 8 && compact.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| {
                        format!("{}-{}-{}", &compact[..4], &compact[4..6], &compact[6..])
                            .parse::<Date>()
                            .ok()
                    })
                    .flatten();
                let Some(day) = day else {
                    return Err(RuleError::new(
                        format!("UNTIL `{value}` is not a day"),
                        value_span,
                    )
                    .hint("write the last day as UNTIL=20270331"));
                };
                if !in_range(day) {
                    let (message, hint) = out_of_range(day);
                    return Err(RuleError::new(format!("UNTIL {message}"), value_span).hint(hint));
                }
                until = Some((day, span.clone()));
            }
            "BYDAY" => {
                let mut days = Vec::new();
                let mut at = value_span.start;
                for item in value.split(',') {
                    let item_span = at..at + item.len();
                    at += item.len() + 1;
                    days.push(parse_by_day(item.trim(), item_span)?);
                }
                by_day = Some((days, value_span));
            }
            "BYMONTHDAY" => {
                let mut days = Vec::new();
                let mut at = value_span.start;
                for item in value.split(',') {
                    let item_span = at..at + item.len();
                    at += item.len() + 1;
                    let n: i8 = item.trim().parse().map_err(|_| {
                        RuleError::new(
                            format!("`{item}` is not a day of the month"),
                            item_span.clone(),
                        )
                    })?;
                    if n == 0 || !(-31..=31).contains(&n) {
                        return Err(RuleError::new(
                            format!("BYMONTHDAY {n} is not a day of the month"),
                            item_span,
                        )
                        .hint("1 to 31, or -1 for the last day"));
                    }
                    days.push(n);
                }
                by_month_day = Some((days, value_span));
            }
            "WKST" => {
                if !value.eq_ignore_ascii_case("MO") {
                    return Err(RuleError::new(
                        format!("WKST={value} is not supported: weeks begin on Monday"),
                        span,
                    )
                    .hint("leave WKST out"));
                }
            }
            "BYMONTH" | "BYSETPOS" | "BYYEARDAY" | "BYWEEKNO" | "BYHOUR" | "BYMINUTE"
            | "BYSECOND" | "RSCALE" | "SKIP" => {
                return Err(RuleError::new(
                    format!("{key_upper} is not supported"),
                    span,
                )
                .hint("supported: FREQ, INTERVAL, BYDAY, BYMONTHDAY, UNTIL, COUNT; list further days in `exceptions` or make a second event"));
            }
            _ => {
                return Err(RuleError::new(
                    format!("`{}` is not a part of a recurrence rule", key.trim()),
                    span,
                )
                .hint("supported: FREQ, INTERVAL, BYDAY, BYMONTHDAY, UNTIL, COUNT"));
            }
        }
    }
    let Some(freq) = freq else {
        return Err(RuleError::new("the rule has no FREQ", offset..text.len()).hint(EXAMPLE));
    };
    if let (Some(_), Some((_, span))) = (&until, &count) {
        return Err(RuleError::new("UNTIL and COUNT together", span.clone())
            .hint("give either the last day (UNTIL) or the number of occurrences (COUNT)"));
    }
    let by_day_span = by_day.as_ref().map(|(_, s)| s.clone());
    let by_day: Vec<ByDay> = by_day.map(|(d, _)| d).unwrap_or_default();
    let by_month_day_span = by_month_day.as_ref().map(|(_, s)| s.clone());
    let by_month_day: Vec<i8> = by_month_day.map(|(d, _)| d).unwrap_or_default();
    match freq {
        Freq::Daily | Freq::Yearly => {
            if let Some(span) = by_day_span.or(by_month_day_span) {
                return Err(RuleError::new(
                    format!("BYDAY and BYMONTHDAY are not supported with FREQ={}", freq.as_str()),
                    span,
                )
                .hint("FREQ=WEEKLY;BYDAY=TU for weekdays, FREQ=MONTHLY;BYDAY=1TH or BYMONTHDAY=15 for days of the month"));
            }
        }
        Freq::Weekly => {
            if let Some(span) = by_month_day_span {
                return Err(
                    RuleError::new("BYMONTHDAY is not supported with FREQ=WEEKLY", span)
                        .hint("use FREQ=MONTHLY;BYMONTHDAY=…"),
                );
            }
            if let (Some(span), true) = (by_day_span, by_day.iter().any(|d| d.nth.is_some())) {
                return Err(
                    RuleError::new("an n-th weekday (like 2TU) needs FREQ=MONTHLY", span)
                        .hint("FREQ=WEEKLY;BYDAY=TU,TH is every Tuesday and Thursday"),
                );
            }
        }
        Freq::Monthly => {
            if let (Some(span), false) = (by_month_day_span, by_day.is_empty()) {
                return Err(RuleError::new(
                    "BYDAY and BYMONTHDAY together are not supported",
                    span,
                ));
            }
        }
    }
    Ok(Rule {
        freq,
        interval: interval.unwrap_or(1),
        by_day,
        by_month_day,
        end: match (until, count) {
            (Some((d, _)), _) => End::Until(d),
            (_, Some((n, _))) => End::Count(n),
            _ => End::Never,
        },
    })
}

/// A whole number `0..` in the rule (digits only, as RFC 5545 writes them).
fn number(value: &str, key: &str, span: &Range<usize>) -> Result<u64, RuleError> {
    let not_a_number = || RuleError::new(format!("{key} `{value}` is not a number"), span.clone());
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    // Too many digits for u64 is certainly more than any maximum.
    Ok(value.parse().unwrap_or(u64::MAX))
}

fn parse_by_day(item: &str, span: Range<usize>) -> Result<ByDay, RuleError> {
    let upper = item.to_ascii_uppercase();
    let split = upper.len().saturating_sub(2);
    let Some((number, code)) = upper.split_at_checked(split) else {
        return Err(RuleError::new(format!("`{item}` is not a weekday"), span));
    };
    let Some(&(_, weekday)) = WEEKDAY_CODES.iter().find(|(c, _)| *c == code) else {
        return Err(RuleError::new(format!("`{item}` is not a weekday"), span)
            .hint("weekdays are MO, TU, WE, TH, FR, SA, SU; the 2nd Tuesday is 2TU, the last Friday -1FR"));
    };
    if number.is_empty() {
        return Ok(ByDay { nth: None, weekday });
    }
    let digits = number.strip_prefix(['+', '-']).unwrap_or(number);
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RuleError::new(format!("`{item}` is not a weekday"), span));
    }
    let nth: i64 = number
        .trim_start_matches('+')
        .parse()
        .map_err(|_| RuleError::new(format!("`{item}` is not a weekday"), span.clone()))?;
    if nth == 0 || !(-5..=5).contains(&nth) {
        return Err(RuleError::new(
            format!(
                "there is no {} {} in a month",
                ordinal(nth),
                weekday_name(weekday)
            ),
            span,
        )
        .hint("a month has 1 to 5 of each weekday: 1TU … 5TU, or -1TU for the last"));
    }
    Ok(ByDay {
        nth: Some(nth as i8),
        weekday,
    })
}

/// The `nth` (1…5, -1…-5) `weekday` of the month of `day`, if the month has one.
fn nth_weekday(day: Date, nth: i8, weekday: Weekday) -> Option<Date> {
    day.nth_weekday_of_month(nth, weekday).ok()
}

/// Day `n` of the month of `first` (negative: from the end), if it exists.
fn month_day(first: Date, n: i8) -> Option<Date> {
    let len = first.days_in_month();
    let d = if n > 0 { n } else { len + 1 + n };
    (1..=len)
        .contains(&d)
        .then(|| first.with().day(d).build().ok())?
}

/// Which of the month's weekdays `day` is (1st … 5th).
fn nth_of_month(day: Date) -> i8 {
    (day.day() - 1) / 7 + 1
}

impl Rule {
    /// Whether the rule fits the event's first day: an error message and hint if not.
    pub fn check_start(&self, start: Date) -> Result<(), (String, String)> {
        if let End::Until(until) = self.end
            && until < start
        {
            return Err((
                format!("UNTIL ({until}) is before the start ({start})"),
                "UNTIL is the last day the event may take place".into(),
            ));
        }
        let weekday = start.weekday();
        match self.freq {
            Freq::Weekly | Freq::Monthly if !self.by_day.is_empty() => {
                if self.freq == Freq::Monthly
                    && let Some(d) = self.by_day.iter().find(|d| d.nth.is_some())
                {
                    let fits = self.by_day.iter().any(|b| match b.nth {
                        Some(n) => nth_weekday(start, n, b.weekday) == Some(start),
                        None => b.weekday == weekday,
                    });
                    if !fits {
                        return Err((
                            format!(
                                "start {start} is the {} {} of its month, the rule says the {} {}",
                                ordinal(nth_of_month(start).into()),
                                weekday_name(weekday),
                                ordinal(d.nth.unwrap_or(1).into()),
                                weekday_name(d.weekday)
                            ),
                            "the start is the first occurrence: move it to a day the rule gives"
                                .into(),
                        ));
                    }
                    return Ok(());
                }
                if !self.by_day.iter().any(|b| b.weekday == weekday) {
                    let days: Vec<String> = self
                        .by_day
                        .iter()
                        .map(|b| format!("{}s", weekday_name(b.weekday)))
                        .collect();
                    return Err((
                        format!(
                            "start {start} is a {}, the rule says {}",
                            weekday_name(weekday),
                            days.join(" and ")
                        ),
                        "the start is the first occurrence: move it to a day the rule gives".into(),
                    ));
                }
            }
            Freq::Monthly if !self.by_month_day.is_empty() => {
                let first = start.first_of_month();
                if !self
                    .by_month_day
                    .iter()
                    .any(|&n| month_day(first, n) == Some(start))
                {
                    let days: Vec<String> =
                        self.by_month_day.iter().map(|n| n.to_string()).collect();
                    return Err((
                        format!(
                            "start {start} is day {} of its month, the rule says BYMONTHDAY={}",
                            start.day(),
                            days.join(",")
                        ),
                        "the start is the first occurrence: move it to a day the rule gives".into(),
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The days of period `k` (the k-th day, week, month or year after the start's,
    /// counted in intervals), sorted; none when they are beyond the dates jiff knows.
    fn period(&self, start: Date, k: i64) -> Vec<Date> {
        let Some(step) = k.checked_mul(i64::from(self.interval)) else {
            return Vec::new();
        };
        let add_days = |day: Date, n: i64| {
            Span::new()
                .try_days(n)
                .ok()
                .and_then(|span| day.checked_add(span).ok())
        };
        let mut days = match self.freq {
            Freq::Daily => add_days(start, step).into_iter().collect(),
            Freq::Weekly => {
                let monday = start
                    .checked_sub(Span::new().days(start.weekday().to_monday_zero_offset()))
                    .ok()
                    .zip(step.checked_mul(7))
                    .and_then(|(m, n)| add_days(m, n));
                let Some(monday) = monday else {
                    return Vec::new();
                };
                let weekdays: Vec<Weekday> = if self.by_day.is_empty() {
                    vec![start.weekday()]
                } else {
                    self.by_day.iter().map(|b| b.weekday).collect()
                };
                weekdays
                    .iter()
                    .filter_map(|w| add_days(monday, w.to_monday_zero_offset().into()))
                    .collect()
            }
            Freq::Monthly => {
                let first = Span::new()
                    .try_months(step)
                    .ok()
                    .and_then(|span| start.first_of_month().checked_add(span).ok());
                let Some(first) = first else {
                    return Vec::new();
                };
                if !self.by_day.is_empty() {
                    let mut out = Vec::new();
                    for b in &self.by_day {
                        match b.nth {
                            Some(n) => out.extend(nth_weekday(first, n, b.weekday)),
                            None => {
                                out.extend((1..=5).filter_map(|n| nth_weekday(first, n, b.weekday)))
                            }
                        }
                    }
                    out
                } else if !self.by_month_day.is_empty() {
                    self.by_month_day
                        .iter()
                        .filter_map(|&n| month_day(first, n))
                        .collect()
                } else {
                    month_day(first, start.day()).into_iter().collect()
                }
            }
            Freq::Yearly => {
                let year = i64::from(start.year()).checked_add(step);
                year.and_then(|y| i16::try_from(y).ok())
                    .and_then(|y| Date::new(y, start.month(), start.day()).ok())
                    .into_iter()
                    .collect()
            }
        };
        days.sort();
        days.dedup();
        days
    }

    /// The first period that can hold a day on or after `from`: 0 when `from` is not
    /// after the start, or when COUNT needs every occurrence counted from the start.
    fn first_period(&self, start: Date, from: Date) -> i64 {
        if from <= start || matches!(self.end, End::Count(_)) {
            return 0;
        }
        let units = match self.freq {
            Freq::Daily => start.until(from).map_or(0, |s| i64::from(s.get_days())),
            Freq::Weekly => {
                let days = start.until(from).map_or(0, |s| i64::from(s.get_days()));
                (days + i64::from(start.weekday().to_monday_zero_offset())) / 7
            }
            Freq::Monthly => {
                (i64::from(from.year()) - i64::from(start.year())) * 12 + i64::from(from.month())
                    - i64::from(start.month())
            }
            Freq::Yearly => i64::from(from.year()) - i64::from(start.year()),
        };
        // One period earlier than needed is harmless: its days are before `from`.
        (units / i64::from(self.interval) - 1).max(0)
    }

    /// Every occurrence from `start` on (the start is the first), in order, as far as
    /// UNTIL or COUNT allow and no later than [`horizon`]: exceptions are not removed
    /// here (they still count for COUNT, as RFC 5545 says).
    pub fn instances(&self, start: Date) -> impl Iterator<Item = Date> + '_ {
        self.instances_from(start, start)
    }

    /// The occurrences as [`Rule::instances`] gives them, but from the period that
    /// holds `from` on (for COUNT from the start): the days before `from` may or may not
    /// be among them, and every one on or after it is. The cost is in proportion to the
    /// days from `from`, whenever the event started.
    pub fn instances_from(&self, start: Date, from: Date) -> impl Iterator<Item = Date> + '_ {
        let mut k = self.first_period(start, from);
        let mut empty = 0u32;
        let mut buffer: std::vec::IntoIter<Date> = Vec::new().into_iter();
        let mut produced = 0u32;
        let horizon = horizon();
        std::iter::from_fn(move || {
            loop {
                if let Some(d) = buffer.next() {
                    if d < start {
                        continue;
                    }
                    if d > horizon {
                        return None;
                    }
                    match self.end {
                        End::Until(u) if d > u => return None,
                        End::Count(n) if produced >= n => return None,
                        _ => {}
                    }
                    produced += 1;
                    return Some(d);
                }
                // No day in 400 periods in a row (years for Feb 29 with an interval):
                // the rule has no more days.
                if empty > 400 {
                    return None;
                }
                let days = self.period(start, k);
                k += 1;
                if days.is_empty() {
                    empty += 1;
                } else {
                    empty = 0;
                }
                buffer = days.into_iter();
            }
        })
    }

    /// The occurrences on the days `from..=to`, without `exceptions`.
    pub fn between(&self, start: Date, exceptions: &[Date], from: Date, to: Date) -> Vec<Date> {
        self.instances_from(start, from)
            .take_while(|d| *d <= to)
            .filter(|d| *d >= from && !exceptions.contains(d))
            .collect()
    }

    /// The last occurrence that is not one of `exceptions`: `None` for a rule without
    /// end, or when every occurrence is an exception. For UNTIL it looks back from that
    /// day, in growing steps, instead of walking from the start.
    pub fn last(&self, start: Date, exceptions: &[Date]) -> Option<Date> {
        let last_from = |from: Date| {
            self.instances_from(start, from)
                .filter(|d| !exceptions.contains(d))
                .last()
        };
        let until = match self.end {
            End::Never => return None,
            End::Count(_) => return last_from(start),
            End::Until(until) => until.min(horizon()),
        };
        let mut back: i64 = 64;
        loop {
            let from = Span::new()
                .try_days(back)
                .ok()
                .and_then(|span| until.checked_sub(span).ok())
                .filter(|from| *from > start);
            let Some(from) = from else {
                return last_from(start);
            };
            if let Some(day) = last_from(from) {
                return Some(day);
            }
            back = back.saturating_mul(4);
        }
    }

    /// Whether `day` is one of the occurrences.
    pub fn occurs_on(&self, start: Date, day: Date) -> bool {
        self.instances_from(start, day)
            .take_while(|d| *d <= day)
            .any(|d| d == day)
    }

    /// The rule as RRULE text; `until` writes the last day in the form the event's
    /// DTSTART needs (a DATE, or a UTC DATE-TIME).
    pub fn to_ical(&self, until: impl Fn(Date) -> String) -> String {
        let mut s = format!("FREQ={}", self.freq.as_str());
        if self.interval != 1 {
            s.push_str(&format!(";INTERVAL={}", self.interval));
        }
        if !self.by_day.is_empty() {
            let days: Vec<String> = self
                .by_day
                .iter()
                .map(|b| match b.nth {
                    Some(n) => format!("{n}{}", weekday_code(b.weekday)),
                    None => weekday_code(b.weekday).to_string(),
                })
                .collect();
            s.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        if !self.by_month_day.is_empty() {
            let days: Vec<String> = self.by_month_day.iter().map(|n| n.to_string()).collect();
            s.push_str(&format!(";BYMONTHDAY={}", days.join(",")));
        }
        match self.end {
            End::Never => {}
            End::Until(d) => s.push_str(&format!(";UNTIL={}", until(d))),
            End::Count(n) => s.push_str(&format!(";COUNT={n}")),
        }
        s
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ical(|d| d.strftime("%Y%m%d").to_string()))
    }
}

#[cfg(test)]
mod tests {
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
}
