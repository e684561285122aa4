//! Reminders for integration actors: "please check whether these pages are still
//! correct", as ready-to-send e-mails (`.eml`, RFC 5322 with MIME) that
//! `wegweiser review remind` writes (the edit layer's `remind::write_all`), and as
//! `mailto:` links in the dashboard that open the same text. wegweiser sends no mail
//! itself.
//!
//! The text is in the municipality's source language, from the theme's UI texts. This
//! is the output layer: it only reads the model; the command that writes the files
//! sits in the edit layer above.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::model::review::Freshness;
use crate::model::ui_strings::LanguageStrings;
use crate::model::urls::encode_segment;
use crate::model::{Municipality, Site};
use crate::output::review_report::{ActorGroup, Entry};

/// One actor's reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub actor_id: String,
    /// The actor's e-mail address, if `actors.toml` has one.
    pub to: Option<String>,
    pub to_name: String,
    pub subject: String,
    /// Lines joined with `\n`.
    pub body: String,
}

/// The label of a freshness state in the editors' language.
pub fn state_label<'a>(ui: &LanguageStrings<'a>, state: Freshness) -> &'a str {
    ui.get(match state {
        Freshness::Overdue => "freshness_overdue",
        Freshness::DueSoon => "freshness_due_soon",
        Freshness::NeverReviewed => "freshness_never_reviewed",
        Freshness::Current => "freshness_current",
    })
}

/// `2026-05-12` as readers of `code` write it.
pub fn local_date(code: &str, iso: &str) -> String {
    crate::theme::i18n::format_iso_date(code, iso).unwrap_or_else(|| iso.to_string())
}

/// The reminder for one actor's group of pages; `None` for pages without an actor.
pub fn reminder(
    site: &Site,
    m: &Municipality,
    group: &ActorGroup,
    ui: &LanguageStrings<'_>,
) -> Option<Reminder> {
    let actor = group.actor.as_ref()?;
    if is_coordinators_own(m, actor.email.as_deref()) {
        return None;
    }
    let code = &m.languages[m.source_language].tag;
    let mut body = String::new();
    // A person is greeted by name; an organisation's name is no greeting ("Guten Tag
    // Stadtwerke Musterstadt,"), and needs a grammatical case in many languages.
    let greeting = match &actor.contact_person {
        Some(person) => ui.get("remind_greeting").replace("{name}", person),
        None => ui.get("remind_greeting_neutral").to_string(),
    };
    let _ = writeln!(body, "{greeting}");
    body.push('\n');
    let _ = writeln!(
        body,
        "{}",
        ui.get("remind_intro")
            .replace("{portal}", &site.title)
            .replace("{municipality}", &m.name)
            .replace("{actor}", &actor.name)
    );
    for e in &group.pages {
        body.push('\n');
        let _ = writeln!(body, "- {}", e.title);
        let _ = writeln!(body, "  {}", e.url);
        let _ = writeln!(body, "  {}", entry_state(ui, code, e));
    }
    body.push('\n');
    let _ = writeln!(body, "{}", ui.get("remind_how"));
    body.push('\n');
    let _ = writeln!(body, "{}", ui.get("remind_thanks"));
    let _ = writeln!(body, "{}", sender_name(m));
    if let Some(c) = &m.contact {
        for line in [&c.email, &c.phone].into_iter().flatten() {
            let _ = writeln!(body, "{line}");
        }
    }
    Some(Reminder {
        actor_id: actor.id.clone(),
        to: actor.email.clone(),
        to_name: actor.name.clone(),
        subject: ui
            .get("remind_subject")
            .replace("{portal}", &site.title)
            .replace("{municipality}", &m.name),
        body,
    })
}

/// Who signs and sends reminders: the portal's coordinator from `municipality.toml`
/// (`[contact] coordinator`), or the municipality.
pub fn sender_name(m: &Municipality) -> &str {
    m.contact
        .as_ref()
        .and_then(|c| c.coordinator.as_deref())
        .unwrap_or(&m.name)
}

/// Whether an actor with the address `email` is the coordinator itself (the same
/// address as `[contact] email`): its pages need no reminder from itself to itself.
pub fn is_coordinators_own(m: &Municipality, email: Option<&str>) -> bool {
    let own = m.contact.as_ref().and_then(|c| c.email.as_deref());
    matches!((own, email), (Some(a), Some(b)) if a.trim().eq_ignore_ascii_case(b.trim()))
}

/// The actors whose pages are the coordinator's own (see [`is_coordinators_own`]),
/// with how many pages to check they have, for `filter`: no reminder is written
/// for them.
pub fn coordinators_own<'s>(
    site: &'s Site,
    filter: &crate::output::review_report::Filter,
) -> Vec<(&'s Municipality, String, usize)> {
    let mut out = Vec::new();
    for m in &site.municipalities {
        if filter.municipality.as_ref().is_some_and(|s| *s != m.slug) {
            continue;
        }
        let review = crate::output::review_report::municipality_review(site, m, filter);
        for group in &review.actors {
            if let Some(actor) = &group.actor
                && is_coordinators_own(m, actor.email.as_deref())
            {
                out.push((m, actor.id.clone(), group.pages.len()));
            }
        }
    }
    out
}

/// "overdue · last checked: 12 May 2025".
fn entry_state(ui: &LanguageStrings<'_>, code: &str, e: &Entry) -> String {
    let label = state_label(ui, e.state);
    match &e.reviewed {
        Some(r) => format!(
            "{label} · {}",
            ui.get("last_checked")
                .replace("{date}", &local_date(code, r))
        ),
        None => label.to_string(),
    }
}

/// The reminder as an `.eml` file: RFC 5322 headers (non-ASCII text as RFC 2047
/// encoded words), a UTF-8 quoted-printable body, CRLF line ends. `X-Unsent: 1` makes
/// mail programs open it as a draft to send.
pub fn eml(reminder: &Reminder, m: &Municipality, site: &Site, date: Date) -> String {
    let mut h = String::new();
    let tz = crate::model::review::time_zone(&m.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let stamp = date
        .to_zoned(tz)
        .map(|z| z.strftime("%a, %d %b %Y %H:%M:%S %z").to_string())
        .unwrap_or_default();
    if let Some(from) = m.contact.as_ref().and_then(|c| c.email.as_deref()) {
        header(&mut h, "From", &mailbox(sender_name(m), from));
    }
    if let Some(to) = &reminder.to {
        header(&mut h, "To", &mailbox(&reminder.to_name, to));
    }
    header(
        &mut h,
        "Subject",
        &encode_words(&reminder.subject, "Subject".len() + 2),
    );
    header(&mut h, "Date", &stamp);
    let host = site
        .base_url
        .origin
        .split("://")
        .nth(1)
        .unwrap_or("wegweiser.invalid");
    header(
        &mut h,
        "Message-ID",
        &format!(
            "<review-{}-{}-{}@{}>",
            m.slug, reminder.actor_id, date, host
        ),
    );
    header(&mut h, "MIME-Version", "1.0");
    header(&mut h, "Content-Type", "text/plain; charset=UTF-8");
    header(&mut h, "Content-Transfer-Encoding", "quoted-printable");
    header(&mut h, "X-Unsent", "1");
    h.push_str("\r\n");
    h.push_str(&quoted_printable(&reminder.body));
    h
}

fn header(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, "{name}: {value}\r\n");
}

/// `"Name" <address>` with the name as encoded words where it is not plain ASCII.
fn mailbox(name: &str, address: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | '\''));
    if plain {
        format!("\"{name}\" <{address}>")
    } else {
        // The name is folded as a header text; the address follows on its last line,
        // or on a line of its own where that line would grow too long.
        let name = encode_words(name, "From: ".len());
        let last = name.rsplit("\r\n").next().unwrap_or_default().len();
        let first_line = if name.contains("\r\n") {
            0
        } else {
            "From: ".len()
        };
        if first_line + last + address.len() + 3 > 76 {
            format!("{name}\r\n <{address}>")
        } else {
            format!("{name} <{address}>")
        }
    }
}

/// `text` for a header: as it is when it is printable ASCII, otherwise as RFC 2047
/// "Q" encoded words of at most 75 characters, folded onto continuation lines.
/// `used` is how much of the first line the header name takes. Words are folded only
/// where the text has a space (carried as `_` at the start of the next encoded word),
/// so mail programs that show the folding as a space ("Musters tadt") show the text
/// as written; only a word too long for one encoded word is split inside.
pub fn encode_words(text: &str, used: usize) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) && text.len() + used <= 78 {
        return text.to_string();
    }
    const OPEN: &str = "=?UTF-8?Q?";
    const CLOSE: &str = "?=";
    let room = |budget: usize| budget - OPEN.len() - CLOSE.len();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut budget = 75 - used.min(30);
    for (i, word) in text.split(' ').enumerate() {
        // The encoded characters of the word, with the space before it.
        let mut pieces: Vec<String> = Vec::new();
        if i > 0 {
            pieces.push("_".to_string());
        }
        for c in word.chars() {
            let mut piece = String::new();
            if c.is_ascii_alphanumeric() || matches!(c, '!' | '*' | '+' | '-' | '/') {
                piece.push(c);
            } else {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(piece, "={b:02X}");
                }
            }
            pieces.push(piece);
        }
        let len: usize = pieces.iter().map(String::len).sum();
        if !current.is_empty() && current.len() + len > room(budget) {
            words.push(std::mem::take(&mut current));
            // Continuation lines start with one space.
            budget = 75;
        }
        for piece in pieces {
            if !current.is_empty() && current.len() + piece.len() > room(budget) {
                words.push(std::mem::take(&mut current));
                budget = 75;
            }
            current.push_str(&piece);
        }
    }
    words.push(current);
    words
        .iter()
        .map(|w| format!("{OPEN}{w}{CLOSE}"))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// UTF-8 `text` as a quoted-printable body (RFC 2045): lines of at most 76 characters
/// with soft breaks, CRLF line ends.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        let mut width = 0;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            let last = chars.peek().is_none();
            let literal = ((c == ' ' || c == '\t') && !last) || (c.is_ascii_graphic() && c != '=');
            // A character's bytes stay on one line.
            let piece = if literal {
                c.to_string()
            } else {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("={b:02X}"))
                    .collect()
            };
            // Leave room for the soft break's `=`.
            let room = if last { 76 } else { 75 };
            if width + piece.len() > room {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

/// A `mailto:` link that opens the reminder in the reader's mail program.
pub fn mailto(reminder: &Reminder) -> String {
    mailto_link(
        reminder.to.as_deref().unwrap_or(""),
        &reminder.subject,
        &reminder.body,
    )
}

/// A `mailto:` link with a subject and a body (RFC 6068: everything but unreserved
/// characters percent-encoded, as in a URL path segment; line breaks as CRLF).
pub fn mailto_link(to: &str, subject: &str, body: &str) -> String {
    let body = body.replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        encode_segment(to).replace("%40", "@"),
        encode_segment(subject),
        encode_segment(&body)
    )
}

/// A file name for an actor's reminder: `<municipality>-<actor>.eml`.
pub fn file_name(m: &Municipality, reminder: &Reminder) -> String {
    format!("{}-{}.eml", m.slug, reminder.actor_id)
}

/// The reminders for `filter` (every actor with pages to check), with their
/// municipality, in the source language of each municipality.
pub fn reminders<'s>(
    site: &'s Site,
    ui: &crate::model::ui_strings::UiStrings,
    filter: &crate::output::review_report::Filter,
) -> Vec<(&'s Municipality, Reminder)> {
    let mut out = Vec::new();
    for m in &site.municipalities {
        if filter.municipality.as_ref().is_some_and(|s| *s != m.slug) {
            continue;
        }
        let strings = ui.for_lang(&m.languages[m.source_language]);
        let review = crate::output::review_report::municipality_review(site, m, filter);
        for group in &review.actors {
            if let Some(r) = reminder(site, m, group, &strings) {
                out.push((m, r));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_encodes_and_wraps() {
        assert_eq!(quoted_printable("Grüße\n"), "Gr=C3=BC=C3=9Fe\r\n");
        assert_eq!(quoted_printable("a = b \n"), "a =3D b=20\r\n");
        let long = "ä".repeat(40);
        let qp = quoted_printable(&long);
        for line in qp.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
            assert!(!line.contains("=C3=\r"), "split inside a sequence");
        }
        assert_eq!(qp.matches("=C3=A4").count(), 40);
    }

    #[test]
    fn headers_are_encoded_words() {
        assert_eq!(encode_words("Hello", 9), "Hello");
        assert_eq!(encode_words("Prüfen", 9), "=?UTF-8?Q?Pr=C3=BCfen?=");
        let long = encode_words(&"Bitte prüfen Sie Ihre Angaben im Portal ".repeat(3), 9);
        for (i, line) in long.split("\r\n").enumerate() {
            let word = line.trim_start();
            assert!(
                word.starts_with("=?UTF-8?Q?") && word.ends_with("?="),
                "{word}"
            );
            assert!(word.len() <= 75, "{word}");
            if i > 0 {
                assert!(line.starts_with(' '));
            }
        }
    }

    #[test]
    fn headers_are_folded_between_words_only() {
        let subject = "Musterstadt: Bitte prüfen Sie Ihre Angaben auf „Wegweiser für Neuzugewanderte in Musterstadt“";
        let folded = encode_words(subject, "Subject: ".len());
        let words: Vec<&str> = folded.split("\r\n ").collect();
        assert!(words.len() > 1, "{folded}");
        for w in &words {
            assert!(w.len() <= 75, "{w}");
        }
        // Every encoded word after the first starts with the space it was folded at.
        for w in &words[1..] {
            assert!(
                w.starts_with("=?UTF-8?Q?_"),
                "folded inside a word: {folded}"
            );
        }
        // Decoded as RFC 2047 says (the folding whitespace between encoded words is
        // dropped), the text is what was written.
        let decoded: String = words
            .iter()
            .map(|w| w.trim_start_matches("=?UTF-8?Q?").trim_end_matches("?="))
            .collect::<String>()
            .replace('_', " ");
        let mut bytes = Vec::new();
        let mut it = decoded.bytes();
        while let Some(b) = it.next() {
            if b == b'=' {
                let hex: String = [it.next().unwrap(), it.next().unwrap()]
                    .iter()
                    .map(|&b| b as char)
                    .collect();
                bytes.push(u8::from_str_radix(&hex, 16).unwrap());
            } else {
                bytes.push(b);
            }
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), subject);
        // A word longer than one encoded word is still split, within the limit.
        let long = encode_words(&"ä".repeat(40), 9);
        assert!(long.split("\r\n ").all(|w| w.len() <= 75), "{long}");
    }

    #[test]
    fn mailto_encodes_everything_but_unreserved() {
        assert_eq!(
            mailto_link(
                "a@b.de",
                "Fehler: Seite „Miete“",
                "Seite\nhttps://x.de/a b/"
            ),
            "mailto:a@b.de?subject=Fehler%3A%20Seite%20%E2%80%9EMiete%E2%80%9C&body=Seite%0D%0Ahttps%3A%2F%2Fx.de%2Fa%20b%2F"
        );
    }
}
