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
            "FREQ" => freq = Some(parse_freq(value, value_span)?),
            "INTERVAL" => interval = Some(parse_interval(value, value_span)?),
            "COUNT" => count = Some((parse_count(value, value_span)?, span.clone())),
            "UNTIL" => until = Some((parse_until(value, value_span)?, span.clone())),
            "BYDAY" => by_day = Some((parse_by_days(value, value_span.clone())?, value_span)),
            "BYMONTHDAY" => {
                by_month_day = Some((parse_by_month_days(value, value_span.clone())?, value_span))
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
    check_parts(freq, &by_day, by_day_span, by_month_day_span)?;
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

/// FREQ: daily, weekly, monthly or yearly.
fn parse_freq(value: &str, value_span: Range<usize>) -> Result<Freq, RuleError> {
    Ok(match value.to_ascii_uppercase().as_str() {
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
            return Err(
                RuleError::new(format!("`{value}` is not a frequency"), value_span)
                    .hint("use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
            );
        }
    })
}

/// INTERVAL: 1 to [`MAX_INTERVAL`].
fn parse_interval(value: &str, value_span: Range<usize>) -> Result<u32, RuleError> {
    let n = number(value, "INTERVAL", &value_span)?;
    if n == 0 {
        return Err(RuleError::new("INTERVAL=0 never repeats", value_span)
            .hint("INTERVAL=1 is every week (or day, month, year), INTERVAL=2 every other"));
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
    Ok(n as u32)
}

/// COUNT: 1 to [`MAX_COUNT`].
fn parse_count(value: &str, value_span: Range<usize>) -> Result<u32, RuleError> {
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
    Ok(n as u32)
}

/// UNTIL: a day, `20270331` or `2027-03-31`, inside the calendar's range.
fn parse_until(value: &str, value_span: Range<usize>) -> Result<Date, RuleError> {
    let compact = value.replace('-', "");
    let day = (compact.len() == 8 && compact.bytes().all(|b| b.is_ascii_digit()))
        .then(|| {
            format!("{}-{}-{}", &compact[..4], &compact[4..6], &compact[6..])
                .parse::<Date>()
                .ok()
        })
        .flatten();
    let Some(day) = day else {
        return Err(
            RuleError::new(format!("UNTIL `{value}` is not a day"), value_span)
                .hint("write the last day as UNTIL=20270331"),
        );
    };
    if !in_range(day) {
        let (message, hint) = out_of_range(day);
        return Err(RuleError::new(format!("UNTIL {message}"), value_span).hint(hint));
    }
    Ok(day)
}

/// BYDAY: weekdays, each maybe with its n-th (`TU,1TH,-1FR`).
fn parse_by_days(value: &str, value_span: Range<usize>) -> Result<Vec<ByDay>, RuleError> {
    let mut days = Vec::new();
    let mut at = value_span.start;
    for item in value.split(',') {
        let item_span = at..at + item.len();
        at += item.len() + 1;
        days.push(parse_by_day(item.trim(), item_span)?);
    }
    Ok(days)
}

/// BYMONTHDAY: days of the month, 1 to 31 or counted from the end (-1).
fn parse_by_month_days(value: &str, value_span: Range<usize>) -> Result<Vec<i8>, RuleError> {
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
    Ok(days)
}

/// The parts that FREQ allows together.
fn check_parts(
    freq: Freq,
    by_day: &[ByDay],
    by_day_span: Option<Range<usize>>,
    by_month_day_span: Option<Range<usize>>,
) -> Result<(), RuleError> {
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
    Ok(())
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
#[path = "recurrence_tests.rs"]
mod tests;
