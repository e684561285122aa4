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

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{LangIdx, Municipality, PageId, Site};
use crate::model_urls::encode_segment;

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

    fn written(self, s: &LegalSettings) -> Option<&Spanned<String>> {
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

    fn of(dt: &Datetime) -> Option<Date> {
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

/// Check `[legal]`, `[legal.accessibility]` and `[accessibility]` of one municipality:
/// required data (one error listing every missing field), the statement's age against
/// `today` (warning), and that pages named there exist among `page_keys`.
pub fn check(
    legal: Option<&LegalSettings>,
    accessibility: &AccessibilitySettings,
    display: &Path,
    text: &str,
    page_keys: &BTreeSet<&str>,
    today: Date,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut references: Vec<(&str, &Spanned<String>)> = Vec::new();
    if let Some(r) = &accessibility.leichte_sprache {
        references.push(("leichte_sprache", r));
    }
    if let Some(r) = &accessibility.gebaerdensprache {
        references.push(("gebaerdensprache", r));
    }
    if let Some(legal) = legal {
        for kind in LegalKind::ALL {
            if let Some(r) = kind.written(legal) {
                references.push((kind.page_key(), r));
            }
        }
        check_required(legal, display, text, diagnostics);
        check_statement(legal, display, text, today, diagnostics);
    }
    for (key, reference) in references {
        let span = reference.span();
        let problem = match reference_key(reference.get_ref()) {
            None => Some(format!(
                "`{key}` must name a content page as \"@/path/page.md\""
            )),
            Some(k) if !page_keys.contains(k.as_str()) => Some(format!(
                "`{key}` names `{}`, but the municipality has no such page",
                reference.get_ref()
            )),
            Some(_) => None,
        };
        if let Some(message) = problem {
            diagnostics.push(
                Diagnostic::error_at(display, text, span, message).with_hint(
                    "write the path below the municipality folder without the language: \"@/impressum.md\", \"@/hilfe/_index.md\"",
                ),
            );
        }
    }
}

fn check_required(legal: &LegalSettings, display: &Path, text: &str, out: &mut Vec<Diagnostic>) {
    let generated: Vec<LegalKind> = legal.generated().collect();
    let mut missing: Vec<&str> = Vec::new();
    let mut need = |present: bool, name: &'static str| {
        if !present && !missing.contains(&name) {
            missing.push(name);
        }
    };
    let any = !generated.is_empty();
    need(!any || legal.body.is_some(), "body");
    need(!any || legal.address.is_some(), "address");
    need(!any || legal.email.is_some(), "email");
    if generated.contains(&LegalKind::Imprint) {
        need(legal.legal_form.is_some(), "legal_form");
        need(legal.representative.is_some(), "representative");
        need(legal.phone.is_some(), "phone");
        need(
            legal.supervisory_authority.is_some(),
            "supervisory_authority",
        );
        need(legal.content_responsible.is_some(), "content_responsible");
    }
    if generated.contains(&LegalKind::Privacy) {
        need(
            legal.data_protection_officer.is_some(),
            "data_protection_officer",
        );
        need(
            legal.data_protection_authority.is_some(),
            "data_protection_authority",
        );
        need(legal.hosting.is_some(), "hosting");
    }
    let statement = legal.accessibility.clone().unwrap_or_default();
    // The feedback contact is linked from every page, even with a written statement.
    need(
        statement.feedback_email.is_some(),
        "accessibility.feedback_email",
    );
    if generated.contains(&LegalKind::Accessibility) {
        need(statement.status.is_some(), "accessibility.status");
        need(statement.prepared.is_some(), "accessibility.prepared");
        need(statement.method.is_some(), "accessibility.method");
        need(
            statement.conciliation_body.is_some(),
            "accessibility.conciliation_body",
        );
        need(
            statement.conciliation_url.is_some(),
            "accessibility.conciliation_url",
        );
    }
    if missing.is_empty() {
        return;
    }
    let fields = missing
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!(
        "[legal] is missing {} required field{}: {fields}",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" }
    );
    let hint = "the imprint, privacy notice and accessibility statement are generated from them (see docs/legal.md); or name pages you wrote yourself with `imprint_page`, `privacy_page`, `accessibility_page`";
    out.push(table_diagnostic(display, text, "legal", message).with_hint(hint));
}

fn check_statement(
    legal: &LegalSettings,
    display: &Path,
    text: &str,
    today: Date,
    out: &mut Vec<Diagnostic>,
) {
    let Some(s) = &legal.accessibility else {
        return;
    };
    let generated = legal.accessibility_page.is_none();
    if let Some(url) = &s.conciliation_url
        && let Some(problem) = crate::safe_url::web_url_problem(url.get_ref())
    {
        out.push(
            Diagnostic::error_at(
                display,
                text,
                url.span(),
                format!("`accessibility.conciliation_url`: {problem}"),
            )
            .with_hint(
                "the conciliation body's website, e.g. \"https://www.schlichtungsstelle-bgg.de\"",
            ),
        );
    }
    if let Some(status) = &s.status
        && !["full", "partial", "not"].contains(&status.get_ref().as_str())
    {
        out.push(
            Diagnostic::error_at(
                display,
                text,
                status.span(),
                format!("unknown compliance status `{}`", status.get_ref()),
            )
            .with_hint("use \"full\", \"partial\" or \"not\""),
        );
    }
    if let Some(method) = &s.method
        && !["self-assessment", "third-party"].contains(&method.get_ref().as_str())
    {
        out.push(
            Diagnostic::error_at(
                display,
                text,
                method.span(),
                format!("unknown assessment method `{}`", method.get_ref()),
            )
            .with_hint("use \"self-assessment\" or \"third-party\""),
        );
    }
    if generated
        && s.status.as_ref().is_some_and(|st| st.get_ref() != "full")
        && s.barriers.is_empty()
    {
        out.push(
            Diagnostic::error_at(
                display,
                text,
                s.status.as_ref().expect("checked").span(),
                "a site that is not fully accessible must list its barriers".to_string(),
            )
            .with_hint("add [[legal.accessibility.barriers]] with content, reason and alternative"),
        );
    }
    for date in [&s.prepared, &s.reviewed].into_iter().flatten() {
        if Date::of(date.get_ref()).is_none() || date.get_ref().time.is_some() {
            out.push(
                Diagnostic::error_at(
                    display,
                    text,
                    date.span(),
                    format!("`{}` is not a date", date.get_ref()),
                )
                .with_hint("write a date without quotes: 2026-03-01"),
            );
        }
    }
    let last = s.reviewed.as_ref().or(s.prepared.as_ref());
    if let Some(last) = last
        && let Some(date) = Date::of(last.get_ref())
        && date < today.year_before()
    {
        out.push(
            Diagnostic::at(
                Severity::Warning,
                display,
                text,
                last.span(),
                format!(
                    "the accessibility statement was last reviewed on {}, more than 12 months ago",
                    date.iso()
                ),
            )
            .with_hint("review the site, update the statement and set `reviewed` to the date of the review: statements must be reviewed every year"),
        );
    }
}

/// A diagnostic at the `[table]` header, or the whole file when there is none.
fn table_diagnostic(display: &Path, text: &str, table: &str, message: String) -> Diagnostic {
    let header = format!("[{table}]");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with(&header) {
            let start = offset + (line.len() - line.trim_start().len());
            return Diagnostic::error_at(display, text, start..start + header.len(), message);
        }
        offset += line.len();
    }
    Diagnostic::file(Severity::Error, display, message)
}

/// Output folder and URL of the generated page `kind` for readers of `lang`.
pub fn generated_location(
    base_path: &str,
    m: &Municipality,
    kind: LegalKind,
    lang: LangIdx,
) -> (String, String) {
    let code = &m.languages[lang].code;
    let dir = format!("{}/{}/{}", m.slug, code, kind.slug());
    let url = format!(
        "{}/{}/{}/{}/",
        base_path,
        encode_segment(&m.slug),
        encode_segment(code),
        kind.slug()
    );
    (dir, url)
}

/// The URL path of the copy of each generated legal page that is canonical: German
/// (or the source language where German is not among the languages).
pub fn canonical_urls(base_path: &str, m: &Municipality) -> Vec<String> {
    let Some(legal) = &m.legal else {
        return Vec::new();
    };
    let german = m.language_index("de").unwrap_or(m.source_language);
    legal
        .generated()
        .map(|kind| generated_location(base_path, m, kind, german).1)
        .collect()
}

/// A generated legal page must not take the folder of a content page.
pub fn check_output_paths(m: &Municipality, config: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let Some(legal) = &m.legal else { return };
    for kind in legal.generated() {
        for (lang, l) in m.languages.iter().enumerate() {
            let dir = format!("{}/{}/{}", m.slug, l.code, kind.slug());
            let taken = m
                .pages
                .iter()
                .find(|p| p.localized[lang].as_ref().is_some_and(|loc| loc.dir == dir));
            if let Some(p) = taken {
                diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        config,
                        format!(
                            "the generated {} would be written to /{dir}/, where the page `{}` is",
                            kind.title(),
                            p.key
                        ),
                    )
                    .with_hint(format!(
                        "name the page in [legal] as `{} = \"@/{}.md\"` to use it instead, or give it another slug",
                        kind.page_key(),
                        p.key
                    )),
                );
                break;
            }
        }
    }
}

/// The footer's links for readers of `lang` (the source language where `None`).
#[derive(Debug, Serialize)]
pub struct LegalLinks {
    pub imprint: String,
    pub privacy: String,
    pub accessibility: String,
    /// Where readers report barriers.
    pub feedback_email: Option<String>,
}

/// The URL readers of `lang` follow to the legal page `kind`: the written page in their
/// language (or the language it is shown in), else the generated one.
pub fn url(site: &Site, m: &Municipality, kind: LegalKind, lang: LangIdx) -> Option<String> {
    let legal = m.legal.as_ref()?;
    match legal.written_key(kind) {
        Some(key) => {
            let id = *m.keys.get(&key)?;
            m.url_for(id, lang).map(|(l, _)| l.url.clone())
        }
        None => Some(generated_location(&site.base_url.path, m, kind, lang).1),
    }
}

pub fn links(site: &Site, m: &Municipality, lang: Option<LangIdx>) -> Option<LegalLinks> {
    let legal = m.legal.as_ref()?;
    let lang = lang.unwrap_or(m.source_language);
    Some(LegalLinks {
        imprint: url(site, m, LegalKind::Imprint, lang)?,
        privacy: url(site, m, LegalKind::Privacy, lang)?,
        accessibility: url(site, m, LegalKind::Accessibility, lang)?,
        feedback_email: legal
            .accessibility
            .as_ref()
            .and_then(|a| a.feedback_email.clone()),
    })
}

/// A link on the start page to content in Leichte Sprache, Gebärdensprache or
/// Einfache Sprache. The labels are the German names of these offers, as the entries
/// of a language switcher are in their own language.
#[derive(Debug, Serialize)]
pub struct Offer {
    pub kind: &'static str,
    pub label: &'static str,
    pub url: String,
    pub lang: String,
}

/// The pages named in `[legal]` and `[accessibility]`: linked from the footer and the
/// start page rather than listed among the topics.
pub fn pages_linked_apart(m: &Municipality) -> Vec<PageId> {
    let mut references: Vec<&Spanned<String>> = Vec::new();
    if let Some(legal) = &m.legal {
        references.extend(LegalKind::ALL.iter().filter_map(|k| k.written(legal)));
    }
    references.extend(m.accessibility.leichte_sprache.iter());
    references.extend(m.accessibility.gebaerdensprache.iter());
    references
        .into_iter()
        .filter_map(|r| reference_key(r.get_ref()))
        .filter_map(|k| m.keys.get(&k).copied())
        .filter(|&id| id != 0)
        .collect()
}

/// The start page's links for readers of `lang`.
pub fn offers(m: &Municipality, lang: LangIdx) -> Vec<Offer> {
    let a = &m.accessibility;
    if !a.start_page_links {
        return Vec::new();
    }
    let mut out = Vec::new();
    let page = |r: &Option<Spanned<String>>| -> Option<String> {
        let key = reference_key(r.as_ref()?.get_ref())?;
        let id = *m.keys.get(&key)?;
        m.url_for(id, lang).map(|(l, _)| l.url.clone())
    };
    if let Some(url) = page(&a.leichte_sprache) {
        out.push(Offer {
            kind: "leichte-sprache",
            label: "Leichte Sprache",
            url,
            lang: "de".into(),
        });
    }
    if let Some(url) = page(&a.gebaerdensprache) {
        out.push(Offer {
            kind: "gebaerdensprache",
            label: "Gebärdensprache",
            url,
            lang: "de".into(),
        });
    }
    // Einfache Sprache: the `de-si` start page, where it is written in it.
    if let Some(si) = m.language_index("de-si")
        && si != lang
        && let Some(start) = m.pages[0].localized[si].as_ref()
        && start.shown == Some(si)
    {
        out.push(Offer {
            kind: "einfache-sprache",
            label: "Einfache Sprache",
            url: start.url.clone(),
            lang: "de".into(),
        });
    }
    out
}

/// The generated text's data for the templates, with German dates and wording.
pub fn template_value(legal: &LegalSettings) -> serde_json::Value {
    let s = legal.accessibility.clone().unwrap_or_default();
    let date = |d: &Option<Spanned<Datetime>>| {
        d.as_ref()
            .and_then(|d| Date::of(d.get_ref()))
            .map(|d| crate::i18n::format_iso_date("de", &d.iso()).unwrap_or_else(|| d.iso()))
    };
    fn lines(s: &Option<String>) -> Option<Vec<&str>> {
        s.as_ref()
            .map(|s| s.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
    }
    serde_json::json!({
        "body": legal.body,
        "legal_form": legal.legal_form,
        "representative": legal.representative,
        "address": lines(&legal.address),
        "email": legal.email,
        "phone": legal.phone,
        "supervisory_authority": lines(&legal.supervisory_authority),
        "content_responsible": lines(&legal.content_responsible),
        "vat_id": legal.vat_id,
        "data_protection_officer": lines(&legal.data_protection_officer),
        "data_protection_authority": lines(&legal.data_protection_authority),
        "hosting": lines(&legal.hosting),
        "log_retention_days": legal.log_retention_days.unwrap_or(7),
        "statement": {
            "status": s.status.as_ref().map(|x| x.get_ref().clone()),
            "prepared": date(&s.prepared),
            "reviewed": date(&s.reviewed).or_else(|| date(&s.prepared)),
            "method": s.method.as_ref().map(|x| x.get_ref().clone()),
            "assessor": s.assessor,
            "feedback_email": s.feedback_email,
            "feedback_phone": s.feedback_phone,
            "conciliation_body": s.conciliation_body,
            "conciliation_url": s.conciliation_url.as_ref().map(|u| u.get_ref()),
            "barriers": s.barriers,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> LegalSettings {
        #[derive(Deserialize)]
        struct W {
            legal: LegalSettings,
        }
        toml::from_str::<W>(text).unwrap().legal
    }

    fn run(text: &str, today: Date) -> Vec<Diagnostic> {
        let legal = parse(text);
        let mut out = Vec::new();
        let keys: BTreeSet<&str> = ["impressum"].into_iter().collect();
        check(
            Some(&legal),
            &AccessibilitySettings::default(),
            Path::new("m.toml"),
            text,
            &keys,
            today,
            &mut out,
        );
        out
    }

    const COMPLETE: &str = r#"
[legal]
body = "Stadt X"
legal_form = "Gebietskörperschaft des öffentlichen Rechts"
representative = "Bürgermeisterin A"
address = "Markt 1, 12345 X"
email = "info@x.example"
phone = "+49 1 2"
supervisory_authority = "Landratsamt Y"
content_responsible = "B, Markt 1, 12345 X"
data_protection_officer = "C, datenschutz@x.example"
data_protection_authority = "Landesbeauftragte"
hosting = "Rechenzentrum Z"

[legal.accessibility]
status = "full"
prepared = 2026-03-01
method = "self-assessment"
feedback_email = "barrierefrei@x.example"
conciliation_body = "Schlichtungsstelle BGG"
conciliation_url = "https://www.schlichtungsstelle-bgg.de"
"#;

    const TODAY: Date = Date {
        year: 2026,
        month: 11,
        day: 24,
    };

    #[test]
    fn complete_settings_pass() {
        assert!(
            run(COMPLETE, TODAY).is_empty(),
            "{:?}",
            run(COMPLETE, TODAY)
        );
    }

    #[test]
    fn every_missing_field_is_named_at_the_table() {
        let text = "name = \"X\"\n\n[legal]\nbody = \"Stadt X\"\n\n[legal.accessibility]\nstatus = \"full\"\n";
        let d = run(text, TODAY);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (3, 1));
        for f in [
            "`address`",
            "`email`",
            "`legal_form`",
            "`representative`",
            "`phone`",
            "`supervisory_authority`",
            "`content_responsible`",
            "`data_protection_officer`",
            "`data_protection_authority`",
            "`hosting`",
            "`accessibility.feedback_email`",
            "`accessibility.prepared`",
            "`accessibility.method`",
            "`accessibility.conciliation_body`",
            "`accessibility.conciliation_url`",
        ] {
            assert!(d[0].message.contains(f), "{f} in {}", d[0].message);
        }
        assert!(!d[0].message.contains("`body`"));
        assert!(d[0].message.contains("15 required fields"));
    }

    #[test]
    fn a_written_imprint_needs_no_imprint_data() {
        let text = COMPLETE
            .replace(
                "legal_form = \"Gebietskörperschaft des öffentlichen Rechts\"\n",
                "",
            )
            .replace("[legal]\n", "[legal]\nimprint_page = \"@/impressum.md\"\n");
        assert!(run(&text, TODAY).is_empty());
        let text = text.replace("@/impressum.md", "@/impresum.md");
        let d = run(&text, TODAY);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("no such page"), "{}", d[0].message);
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn statement_older_than_a_year_warns() {
        let late = Date {
            year: 2027,
            month: 3,
            day: 2,
        };
        let d = run(COMPLETE, late);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0].message.contains("2026-03-01"));
        assert_eq!(d[0].line, 17);
        // Exactly twelve months is still fine; a review resets the clock.
        let d = run(
            COMPLETE,
            Date {
                year: 2027,
                month: 3,
                day: 1,
            },
        );
        assert!(d.is_empty());
        let reviewed = COMPLETE.replace("method =", "reviewed = 2027-02-01\nmethod =");
        assert!(run(&reviewed, late).is_empty());
    }

    #[test]
    fn partial_compliance_needs_barriers_and_known_words() {
        let text = COMPLETE
            .replace("\"full\"", "\"partial\"")
            .replace("\"self-assessment\"", "\"selbst\"");
        let d = run(&text, TODAY);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.message.contains("barriers")));
        assert!(d.iter().any(|d| d.message.contains("`selbst`")));
    }

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
