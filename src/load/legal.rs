//! Checks of `[legal]`, `[legal.accessibility]` and `[accessibility]` in
//! municipality.toml (see `model_legal` for what they mean).

use std::collections::BTreeSet;
use std::path::Path;

use toml::Spanned;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::legal::{AccessibilitySettings, Date, LegalKind, LegalSettings, reference_key};

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
    // (field, the generated pages that need it; none: every page's footer)
    let mut missing: Vec<(&str, Vec<LegalKind>)> = Vec::new();
    let mut need = |present: bool, name: &'static str, kind: Option<LegalKind>| {
        if present {
            return;
        }
        match missing.iter_mut().find(|(n, _)| *n == name) {
            Some((_, kinds)) => kinds.extend(kind),
            None => missing.push((name, kind.into_iter().collect())),
        }
    };
    // Who is responsible and how to reach them: every generated page names them.
    for &kind in &generated {
        need(legal.body.is_some(), "body", Some(kind));
        need(legal.address.is_some(), "address", Some(kind));
        need(legal.email.is_some(), "email", Some(kind));
    }
    if generated.contains(&LegalKind::Imprint) {
        let imprint = Some(LegalKind::Imprint);
        need(legal.legal_form.is_some(), "legal_form", imprint);
        need(legal.representative.is_some(), "representative", imprint);
        need(legal.phone.is_some(), "phone", imprint);
        need(
            legal.supervisory_authority.is_some(),
            "supervisory_authority",
            imprint,
        );
        need(
            legal.content_responsible.is_some(),
            "content_responsible",
            imprint,
        );
    }
    if generated.contains(&LegalKind::Privacy) {
        let privacy = Some(LegalKind::Privacy);
        need(
            legal.data_protection_officer.is_some(),
            "data_protection_officer",
            privacy,
        );
        need(
            legal.data_protection_authority.is_some(),
            "data_protection_authority",
            privacy,
        );
        need(legal.hosting.is_some(), "hosting", privacy);
    }
    let statement = legal.accessibility.clone().unwrap_or_default();
    // The feedback contact is linked from every page, even with a written statement.
    need(
        statement.feedback_email.is_some(),
        "accessibility.feedback_email",
        None,
    );
    if generated.contains(&LegalKind::Accessibility) {
        let a11y = Some(LegalKind::Accessibility);
        need(statement.status.is_some(), "accessibility.status", a11y);
        need(statement.prepared.is_some(), "accessibility.prepared", a11y);
        need(statement.method.is_some(), "accessibility.method", a11y);
        need(
            statement.conciliation_body.is_some(),
            "accessibility.conciliation_body",
            a11y,
        );
        need(
            statement.conciliation_url.is_some(),
            "accessibility.conciliation_url",
            a11y,
        );
    }
    if missing.is_empty() {
        return;
    }
    let fields = missing
        .iter()
        .map(|(f, _)| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    // Which page needs what: a portal that writes some pages itself sees why the
    // others still need their data.
    let mut needs: Vec<String> = generated
        .iter()
        .filter_map(|&kind| {
            let of_kind: Vec<String> = missing
                .iter()
                .filter(|(_, kinds)| kinds.contains(&kind))
                .map(|(f, _)| format!("`{f}`"))
                .collect();
            (!of_kind.is_empty()).then(|| {
                format!(
                    "the generated {} needs {}",
                    kind.title(),
                    of_kind.join(", ")
                )
            })
        })
        .collect();
    if missing.iter().any(|(_, kinds)| kinds.is_empty()) {
        needs.push(
            "the \"report a barrier\" link on every page needs `accessibility.feedback_email`"
                .into(),
        );
    }
    let message = format!(
        "[legal] is missing {} required field{}: {fields} ({})",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" },
        needs.join("; ")
    );
    let written: Vec<&str> = LegalKind::ALL
        .iter()
        .filter(|k| !generated.contains(k))
        .map(|k| k.page_key())
        .collect();
    let hint = if generated.is_empty() {
        "readers report barriers to this address from every page: accessibility.feedback_email = \"barrierefrei@…\" under [legal.accessibility]".to_string()
    } else if written.is_empty() {
        "the imprint, privacy notice and accessibility statement are generated from them (see docs/legal.md); or name pages you wrote yourself with `imprint_page`, `privacy_page`, `accessibility_page`".to_string()
    } else {
        let open: Vec<String> = generated
            .iter()
            .map(|k| format!("`{}`", k.page_key()))
            .collect();
        format!(
            "pages you wrote yourself need none of this data ({} set); fill in the fields, or name your own page with {} (see docs/legal.md)",
            written
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            open.join(" or ")
        )
    };
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
        && let Some(problem) = crate::base::safe_url::web_url_problem(url.get_ref())
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

#[cfg(test)]
mod tests {
    use serde::Deserialize;

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
}
