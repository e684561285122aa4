//! Showing diagnostics to people and machines: source snippets for terminals, JSON
//! lines for tools, and GitHub Actions annotations for CI logs.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::base::diagnostics::{Diagnostic, Severity};

/// How to print diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Source snippets, for people.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// `::error file=…,line=…::` workflow commands for GitHub Actions.
    Github,
}

/// Render one diagnostic for a terminal (`color` for ANSI colours).
pub fn human(d: &Diagnostic, color: bool) -> String {
    let path = d.file.display().to_string();
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str());
    let group = match &d.excerpt {
        Some(ex) if !ex.text.is_empty() => title.element(
            Snippet::source(ex.text.as_str())
                .line_start(ex.first_line)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(ex.span.clone())),
        ),
        _ => {
            let mut origin = Origin::path(path.as_str());
            if d.line > 0 {
                origin = origin.line(d.line);
                if d.column > 0 {
                    origin = origin.char_column(d.column - 1);
                }
            }
            title.element(origin)
        }
    };
    let mut groups = vec![group];
    if let Some(hint) = &d.hint {
        groups.push(Group::with_title(
            Level::HELP.secondary_title(hint.as_str()),
        ));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&groups)
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
}

/// One JSON object (no newline).
pub fn json(d: &Diagnostic) -> String {
    serde_json::to_string(&JsonDiagnostic {
        severity: d.severity,
        file: d.file.display().to_string().replace('\\', "/"),
        line: d.line,
        column: d.column,
        message: &d.message,
        hint: d.hint.as_deref(),
    })
    .expect("diagnostics serialise")
}

/// A GitHub Actions workflow command.
pub fn github(d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!(
        "::{kind} file={}",
        escape_property(&d.file.display().to_string())
    );
    if d.line > 0 {
        let _ = write!(out, ",line={}", d.line);
        if d.column > 0 {
            let _ = write!(out, ",col={}", d.column);
        }
    }
    let mut message = d.message.clone();
    if let Some(hint) = &d.hint {
        let _ = write!(message, " ({hint})");
    }
    let _ = write!(out, "::{}", escape_data(&message));
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Render `d` in `format`.
pub fn format(d: &Diagnostic, format: Format, color: bool) -> String {
    match format {
        Format::Human => human(d, color),
        Format::Json => json(d),
        Format::Github => github(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic::error_at(
            "content/m/a.de.md",
            "+++\ntilte = \"x\"\n+++\n",
            4..9,
            "unknown field `tilte`",
        )
        .with_hint("did you mean `title`?")
    }

    #[test]
    fn human_output_shows_place_snippet_and_hint() {
        let out = human(&sample(), false);
        assert!(out.contains("content/m/a.de.md:2:1"), "{out}");
        assert!(out.contains("tilte = \"x\""), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
    }

    #[test]
    fn json_is_one_object_per_problem() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample())).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 1);
        assert_eq!(v["file"], "content/m/a.de.md");
    }

    #[test]
    fn github_annotations_escape_their_fields() {
        let out = github(&sample());
        assert_eq!(
            out,
            "::error file=content/m/a.de.md,line=2,col=1::unknown field `tilte` (did you mean `title`?)"
        );
        let mut d = sample();
        d.message = "a\nb: 100%".into();
        d.hint = None;
        assert!(github(&d).ends_with("::a%0Ab: 100%25"));
    }
}
