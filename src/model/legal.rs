//! The legal pages every municipality needs: imprint (Impressum, § 5 DDG, § 18 MStV),
//! privacy notice (Datenschutzerklärung, Art. 13 GDPR) and accessibility statement
//! (Erklärung zur Barrierefreiheit, EU model statement 2018/1523), with the "report a
//! barrier" contact (§ 7 BITV 2.0), and the start page's links to Leichte Sprache and
//! Gebärdensprache.
//!
//! They are generated from `[legal]` in `municipality.toml` (templates `imprint.html`,
//! `privacy.html`, `accessibility.html`), in German, the legally binding language, at
//! `/<m>/<lang>/impressum/`, `/<m>/<lang>/datenschutz/` and `/<m>/<lang>/barrierefreiheit/`
//! for every language of the municipality: the page around the text is in the reader's
//! language, the text itself is marked `lang="de"`, and every language's copy names the
//! German one as canonical (the sitemap lists only that one, as for other pages shown in
//! another language). A municipality that writes a page itself names it instead
//! (`imprint_page = "@/impressum.md"`), and that page is linked.
//!
//! This module holds the settings and the kinds of pages as plain data; the checks are
//! in `load_legal`, where the pages go in `resolve_legal`.

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

/// `[legal]` in municipality.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalSettings {
    /// A page the municipality wrote itself, used instead of the generated imprint:
    /// `"@/impressum.md"` (path below the municipality folder, without language).
    pub imprint_page: Option<Spanned<String>>,
    pub privacy_page: Option<Spanned<String>>,
    pub accessibility_page: Option<Spanned<String>>,

    /// The responsible body: "Stadt Musterstadt".
    pub body: Option<String>,
    /// "Gebietskörperschaft des öffentlichen Rechts".
    pub legal_form: Option<String>,
    /// Who represents the body: "Oberbürgermeisterin Erika Mustermann".
    pub representative: Option<String>,
    /// Postal address, one line or several (`\n`).
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub supervisory_authority: Option<String>,
    /// Responsible for the content under § 18 Abs. 2 MStV: name and address.
    pub content_responsible: Option<String>,
    /// Umsatzsteuer-Identifikationsnummer, where the body has one.
    pub vat_id: Option<String>,

    /// Contact of the data protection officer (Art. 13 (1) b GDPR).
    pub data_protection_officer: Option<String>,
    /// The supervisory authority for data protection, with address.
    pub data_protection_authority: Option<String>,
    /// Who hosts the site (processor under Art. 28 GDPR), with address.
    pub hosting: Option<String>,
    /// How many days the server keeps its access logs (default 7).
    pub log_retention_days: Option<u32>,

    pub accessibility: Option<StatementSettings>,
}

/// `[legal.accessibility]`: the accessibility statement and the feedback contact.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementSettings {
    /// `full`, `partial` or `not` compliant with BITV 2.0 / EN 301 549.
    pub status: Option<Spanned<String>>,
    /// When the statement was prepared (TOML date: `2026-03-01`).
    pub prepared: Option<Spanned<Datetime>>,
    /// When it was last reviewed; default: `prepared`.
    pub reviewed: Option<Spanned<Datetime>>,
    /// `self-assessment` or `third-party`.
    pub method: Option<Spanned<String>>,
    /// Who assessed the site, for `third-party`.
    pub assessor: Option<String>,
    /// Where readers report barriers ("report a barrier" on every page).
    pub feedback_email: Option<String>,
    pub feedback_phone: Option<String>,
    /// The conciliation body (Schlichtungsstelle) and its web address.
    pub conciliation_body: Option<String>,
    pub conciliation_url: Option<Spanned<String>>,
    /// Content that is not accessible, with reasons and alternatives.
    #[serde(default)]
    pub barriers: Vec<Barrier>,
}

/// One part of the site that is not accessible.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Barrier {
    pub content: String,
    pub reason: String,
    /// The accessible alternative readers can use.
    pub alternative: String,
}

/// `[accessibility]` in municipality.toml: the start page's links to content in
/// Leichte Sprache and Deutsche Gebärdensprache.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccessibilitySettings {
    /// The page in Leichte Sprache: `"@/leichte-sprache.md"`.
    pub leichte_sprache: Option<Spanned<String>>,
    /// The page in Deutsche Gebärdensprache: `"@/gebaerdensprache.md"`.
    pub gebaerdensprache: Option<Spanned<String>>,
    /// Link them (and the `de-si` Einfache Sprache start page) from the start page;
    /// `false` for states that do not require it.
    pub start_page_links: bool,
}

impl Default for AccessibilitySettings {
    fn default() -> Self {
        AccessibilitySettings {
            leichte_sprache: None,
            gebaerdensprache: None,
            start_page_links: true,
        }
    }
}

/// The three legal pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalKind {
    Imprint,
    Privacy,
    Accessibility,
}

impl LegalKind {
    pub const ALL: [LegalKind; 3] = [
        LegalKind::Imprint,
        LegalKind::Privacy,
        LegalKind::Accessibility,
    ];

    /// URL segment of the generated page (German, as the text).
    pub fn slug(self) -> &'static str {
        match self {
            LegalKind::Imprint => "impressum",
            LegalKind::Privacy => "datenschutz",
            LegalKind::Accessibility => "barrierefreiheit",
        }
    }

    pub fn template(self) -> &'static str {
        match self {
            LegalKind::Imprint => "imprint.html",
            LegalKind::Privacy => "privacy.html",
            LegalKind::Accessibility => "accessibility.html",
        }
    }

    /// The German title of the page.
    pub fn title(self) -> &'static str {
        match self {
            LegalKind::Imprint => "Impressum",
            LegalKind::Privacy => "Datenschutzerklärung",
            LegalKind::Accessibility => "Erklärung zur Barrierefreiheit",
        }
    }

    /// The `[legal]` key naming a page written instead.
    pub fn page_key(self) -> &'static str {
        match self {
            LegalKind::Imprint => "imprint_page",
            LegalKind::Privacy => "privacy_page",
            LegalKind::Accessibility => "accessibility_page",
        }
    }

    pub(crate) fn written(self, s: &LegalSettings) -> Option<&Spanned<String>> {
        match self {
            LegalKind::Imprint => s.imprint_page.as_ref(),
            LegalKind::Privacy => s.privacy_page.as_ref(),
            LegalKind::Accessibility => s.accessibility_page.as_ref(),
        }
    }
}

impl LegalSettings {
    /// The page key of the page the municipality wrote for `kind`, if it did.
    pub fn written_key(&self, kind: LegalKind) -> Option<String> {
        kind.written(self).and_then(|r| reference_key(r.get_ref()))
    }

    /// The legal pages wegweiser generates for this municipality.
    pub fn generated(&self) -> impl Iterator<Item = LegalKind> + '_ {
        LegalKind::ALL
            .into_iter()
            .filter(|k| k.written(self).is_none())
    }
}

/// The page key of a reference to a content page: `@/impressum.md` → `impressum`,
/// `@/hilfe/_index.md` → `hilfe`, `@/hilfe/index.md` (bundle) → `hilfe`, `@/_index.md` → ``.
pub fn reference_key(reference: &str) -> Option<String> {
    let path = reference.strip_prefix("@/")?.strip_suffix(".md")?;
    let key = path
        .strip_suffix("/_index")
        .or_else(|| path.strip_suffix("/index"))
        .unwrap_or(path);
    let key = if key == "_index" { "" } else { key };
    Some(key.to_string())
}

/// A calendar date, enough for the statement's age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Today in UTC, from the system clock.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date { year, month, day })
    }

    pub(crate) fn of(dt: &Datetime) -> Option<Date> {
        let d = dt.date.as_ref()?;
        Some(Date {
            year: i32::from(d.year),
            month: d.month,
            day: d.day,
        })
    }

    /// The same day twelve months earlier.
    pub fn year_before(self) -> Date {
        Date {
            year: self.year - 1,
            ..self
        }
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_page_keys() {
        assert_eq!(
            reference_key("@/impressum.md").as_deref(),
            Some("impressum")
        );
        assert_eq!(reference_key("@/a/b/_index.md").as_deref(), Some("a/b"));
        assert_eq!(reference_key("@/a/index.md").as_deref(), Some("a"));
        assert_eq!(reference_key("impressum.md"), None);
    }

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(Date::from_days(0).iso(), "1970-01-01");
        assert_eq!(Date::from_days(20_416).iso(), "2025-11-24");
        assert_eq!(Date::from_days(11_016).iso(), "2000-02-29");
        assert_eq!(Date::parse("2026-03-01").unwrap().iso(), "2026-03-01");
        assert!(Date::parse("2026-13-01").is_none());
    }
}
