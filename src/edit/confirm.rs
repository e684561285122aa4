//! `wegweiser review confirm`: "checked, still correct". Sets `reviewed` (and
//! `reviewed_by`) in the page's file, changing no other byte of it. Review dates are
//! not part of a page's content digest ([`crate::model::translation::digest`] covers title and
//! body only), so no translation becomes outdated.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::edit::stamp::{locate, set_key_raw};
use crate::model::{Site, Translatable};

/// What a confirm did to one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    /// The file named on the command line.
    pub given: PathBuf,
    /// The file that holds the page's review dates (the source-language file).
    pub file: PathBuf,
    pub date: Date,
    /// The file already said so.
    pub unchanged: bool,
}

fn error(file: &Path, message: impl Into<String>) -> Diagnostic {
    Diagnostic::file(Severity::Error, file, message)
}

/// `text` with `reviewed` set to `date` and, if given, `reviewed_by` to `by`.
pub fn set_review(text: &str, date: Date, by: Option<&str>) -> Result<String, String> {
    let mut text = set_key_raw(text, "reviewed", &date.to_string())?;
    if let Some(by) = by {
        text = crate::edit::stamp::set_key(&text, "reviewed_by", by)?;
    }
    Ok(text)
}

/// Confirm the page `file` belongs to (any of its translations may be named): write
/// `date` (and `by`) into the file its review dates are read from. A date after the
/// municipality's today is refused unless `future` allows it: a review records a check
/// that happened, and a future date would hide the page from every reminder until then.
pub fn confirm(
    site: &Site,
    file: &Path,
    date: Date,
    by: Option<&str>,
    future: bool,
) -> Result<Confirmed, Diagnostic> {
    if !file.is_file() {
        return Err(error(file, "no such file"));
    }
    let (m, page) = match locate(site, file) {
        Some((m, Translatable::Page(page), _)) => (m, page),
        Some(_) => {
            return Err(error(
                file,
                "events, news items and places have no review dates: only pages are confirmed",
            ));
        }
        None => {
            return Err(
                error(file, "not a page of this portal (or it failed to load)")
                    .with_hint("name page files such as content/<municipality>/wohnen/miete.md"),
            );
        }
    };
    if date > m.today && !future {
        return Err(error(
            file,
            format!(
                "the review date {date} is in the future (today is {} in {})",
                m.today, m.timezone
            ),
        )
        .with_hint(
            "a review records a check that happened: give today's date or an earlier one (or --force to write it anyway)",
        ));
    }
    let review = m.pages[page]
        .review
        .as_ref()
        .ok_or_else(|| error(file, "this page has no file to record the review in"))?;
    let target = m.pages[page].translations[review.lang]
        .as_ref()
        .ok_or_else(|| error(file, "this page has no file to record the review in"))?;
    let path = &target.path;
    let text = fs::read_to_string(path).map_err(|e| error(path, format!("cannot read: {e}")))?;
    let updated = set_review(&text, date, by).map_err(|m| error(&target.file, m))?;
    // The result must still be a page that loads.
    crate::load::front_matter::parse(&target.file, &updated).map_err(|d| {
        error(
            &target.file,
            format!(
                "the front matter would not be valid afterwards: {}",
                d.message
            ),
        )
    })?;
    let unchanged = updated == text;
    if !unchanged {
        crate::write::replace_file(path, updated.as_bytes())
            .map_err(|e| error(&target.file, format!("cannot write: {e}")))?;
    }
    Ok(Confirmed {
        given: file.to_path_buf(),
        file: target.file.clone(),
        date,
        unchanged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn sets_and_replaces_the_date_only() {
        let toml = "+++\ntitle = \"Miete\"\nactor = \"amt\"\n\n[extra]\nreviewed = 1\n+++\nText\n";
        assert_eq!(
            set_review(toml, date(2026, 5, 12), None).unwrap(),
            "+++\ntitle = \"Miete\"\nactor = \"amt\"\nreviewed = 2026-05-12\n\n[extra]\nreviewed = 1\n+++\nText\n"
        );
        let again = "+++\ntitle = \"Miete\"\nreviewed = 2025-01-01 # last check\n+++\nText\n";
        assert_eq!(
            set_review(again, date(2026, 5, 12), Some("Frau A")).unwrap(),
            "+++\ntitle = \"Miete\"\nreviewed = 2026-05-12\nreviewed_by = \"Frau A\"\n+++\nText\n"
        );
        let yaml = "---\r\ntitle: Miete\r\nreviewed: '2025-01-01'\r\n---\r\nText\r\n";
        assert_eq!(
            set_review(yaml, date(2026, 5, 12), None).unwrap(),
            "---\r\ntitle: Miete\r\nreviewed: 2026-05-12\r\n---\r\nText\r\n"
        );
    }
}
