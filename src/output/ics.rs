//! Writing iCalendar (RFC 5545) text: content lines with escaped values, folded at 75
//! octets without splitting a UTF-8 sequence, CRLF line ends, and a `VTIMEZONE` made
//! from the transitions of the time zone database compiled into wegweiser.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The longest content line in octets, line break excluded (RFC 5545 § 3.1).
pub const MAX_LINE: usize = 75;

/// An iCalendar document being written.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// A content line `name:value`, the value written as it is (already in the
    /// property's value syntax); folded.
    pub fn raw(&mut self, name: &str, value: &str) {
        fold_into(&mut self.out, &format!("{name}:{value}"));
    }

    /// A TEXT property: `\`, `;`, `,` and line breaks escaped.
    pub fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape_text(value));
    }

    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", component);
    }

    pub fn end(&mut self, component: &str) {
        self.raw("END", component);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A TEXT value (RFC 5545 § 3.3.11): backslash, semicolon, comma and newlines escaped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Append `line` to `out`, folded: at most [`MAX_LINE`] octets per physical line (the
/// leading space of a continuation included), never inside a UTF-8 sequence; CRLF.
pub fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = MAX_LINE;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The space that starts the continuation line counts.
        limit = MAX_LINE - 1;
    }
}

/// `20261201T180000`: a local DATE-TIME.
pub fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// `20261201`: a DATE.
pub fn date(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

/// `20261201T170000Z`: a UTC DATE-TIME.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn offset(o: jiff::tz::Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// Write a `VTIMEZONE` for `tz` (named `name`) that covers the years `from..=to`: the
/// offset in force on 1 January of `from`, then one `STANDARD` or `DAYLIGHT`
/// sub-component per transition of the time zone database in those years, each with
/// its local start (in the offset before it), `TZOFFSETFROM` and `TZOFFSETTO`.
pub fn vtimezone(w: &mut Writer, name: &str, tz: &TimeZone, from: i16, to: i16) {
    w.begin("VTIMEZONE");
    w.raw("TZID", name);
    let start = Date::new(from, 1, 1).ok().and_then(|d| {
        tz.to_zoned(d.to_datetime(jiff::civil::Time::midnight()))
            .ok()
    });
    let end = Date::new(to.saturating_add(1), 1, 1).ok().and_then(|d| {
        tz.to_zoned(d.to_datetime(jiff::civil::Time::midnight()))
            .ok()
    });
    let (Some(start), Some(end)) = (start, end) else {
        w.end("VTIMEZONE");
        return;
    };
    let first = tz.to_offset_info(start.timestamp());
    let kind = |dst: bool| if dst { "DAYLIGHT" } else { "STANDARD" };
    // The offset at the start of the range, as a sub-component that begins there.
    let initial = first.offset();
    w.begin(kind(first.dst().is_dst()));
    w.raw("DTSTART", &local(start.datetime()));
    w.raw("TZOFFSETFROM", &offset(initial));
    w.raw("TZOFFSETTO", &offset(initial));
    if !first.abbreviation().is_empty() {
        w.text("TZNAME", first.abbreviation());
    }
    w.end(kind(first.dst().is_dst()));
    let mut before = initial;
    for t in tz.following(start.timestamp()) {
        if t.timestamp() >= end.timestamp() {
            break;
        }
        let after = t.offset();
        // The transition's wall-clock time in the offset that was in force before it.
        let at = t.timestamp().to_zoned(TimeZone::fixed(before)).datetime();
        let name = kind(t.dst().is_dst());
        w.begin(name);
        w.raw("DTSTART", &local(at));
        w.raw("TZOFFSETFROM", &offset(before));
        w.raw("TZOFFSETTO", &offset(after));
        if !t.abbreviation().is_empty() {
            w.text("TZNAME", t.abbreviation());
        }
        w.end(name);
        before = after;
    }
    w.end("VTIMEZONE");
}

/// The UTC DATE-TIME for RRULE's `UNTIL` when DTSTART has a time zone: the end of the
/// last day (23:59:59 local) in UTC (RFC 5545 § 3.3.10 requires UTC there).
pub fn until_utc(day: Date, tz: &TimeZone) -> String {
    let end = day.to_datetime(jiff::civil::Time::constant(23, 59, 59, 0));
    match tz.to_zoned(end) {
        Ok(z) => utc(z.timestamp()),
        Err(_) => date(day.checked_add(1.day()).unwrap_or(day)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a\\b; c, d\r\ne\nf"),
            "a\\\\b\\; c\\, d\\ne\\nf"
        );
    }

    #[test]
    fn folding_keeps_lines_short_and_utf8_whole() {
        for text in [
            "مقهى اللغة الألمانية: تعلم الألمانية والتعرف على أشخاص جدد كل يوم ثلاثاء في المكتبة",
            "Мовне кафе: вивчайте німецьку та знайомтеся з новими людьми щовівторка в бібліотеці",
            &"x".repeat(200),
        ] {
            let mut out = String::new();
            fold_into(&mut out, &format!("SUMMARY:{text}"));
            assert!(out.ends_with("\r\n"));
            for line in out.split("\r\n").filter(|l| !l.is_empty()) {
                assert!(line.len() <= MAX_LINE, "{} octets: {line}", line.len());
            }
            let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
            assert_eq!(unfolded, format!("SUMMARY:{text}"));
        }
    }

    #[test]
    fn berlin_has_both_transitions_of_2027() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let mut w = Writer::new();
        vtimezone(&mut w, "Europe/Berlin", &tz, 2027, 2027);
        let text = w.finish();
        assert!(
            text.contains(
                "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
            ),
            "{text}"
        );
        assert!(text.starts_with("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    }

    #[test]
    fn until_is_the_end_of_the_day_in_utc() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(
            until_utc(jiff::civil::date(2027, 3, 30), &tz),
            "20270330T215959Z"
        );
    }
}
