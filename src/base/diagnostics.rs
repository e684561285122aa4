//! Problems found in a portal, with the place they were found.
//!
//! Every stage of the pipeline reports into a [`Diagnostics`] collection instead of
//! stopping at the first problem, so that one run shows editors everything that is
//! wrong. A [`Diagnostic`] carries its own copy of the offending source line, so it can
//! be rendered with a snippet long after the file's text was dropped.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// The source line(s) a diagnostic points into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    /// The text of the line(s), without the final newline.
    pub text: String,
    /// 1-based number of the first line of `text`.
    pub first_line: usize,
    /// Byte range inside `text` that is marked.
    pub span: Range<usize>,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path of the file, as shown to the user (relative to the portal root if inside it).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    pub message: String,
    /// A suggestion ("did you mean …").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip)]
    pub excerpt: Option<Box<Excerpt>>,
}

impl Diagnostic {
    /// A problem with a whole file (no position).
    pub fn file(severity: Severity, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            excerpt: None,
        }
    }

    /// A problem at a byte range of a file's text.
    pub fn at(
        severity: Severity,
        file: impl Into<PathBuf>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let pos = Position::of(source, span.start);
        let excerpt = Excerpt::around(source, span);
        Diagnostic {
            severity,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: None,
            excerpt: Some(Box::new(excerpt)),
        }
    }

    pub fn error_at(
        file: impl Into<PathBuf>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Error, file, source, span, message)
    }

    pub fn warning_at(
        file: impl Into<PathBuf>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Warning, file, source, span, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` as editors and CI annotations expect it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.display().to_string(),
            (l, 0) => format!("{}:{l}", self.file.display()),
            (l, c) => format!("{}:{l}:{c}", self.file.display()),
        }
    }

    fn sort_key(&self) -> (&Path, usize, usize, Severity, &str) {
        (
            &self.file,
            self.line,
            self.column,
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.severity,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `source` (clamped to the text).
    pub fn of(source: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let before = &source[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = source[line_start..offset].chars().count() + 1;
        Position { line, column }
    }
}

impl Excerpt {
    /// The full lines of `source` that `span` touches.
    pub fn around(source: &str, span: Range<usize>) -> Excerpt {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
        // A span ending right after a newline belongs to the line before.
        let line_end = line_end.max(start);
        let text = source[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let first_line = source[..line_start].bytes().filter(|&b| b == b'\n').count() + 1;
        let rel_start = (start - line_start).min(text.len());
        let rel_end = (end - line_start).clamp(rel_start, text.len());
        Excerpt {
            text,
            first_line,
            span: rel_start..rel_end,
        }
    }
}

/// Positions and excerpts of many diagnostics in one text, in time and memory linear in
/// the text: [`Diagnostic::at`] counts the lines before every offset and copies every
/// touched line, which for a file with thousands of problems (10,000 removed tags on
/// one line) takes time and memory quadratic in its size. The line table is built on
/// the first diagnostic; columns are counted on from the previous one when they follow
/// it on the same line; an excerpt longer than [`Locator::MAX_EXCERPT`] bytes is left
/// out (the diagnostic keeps its line and column).
pub struct Locator<'a> {
    source: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// The last offset located and its 1-based column.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> Locator<'a> {
    /// Longest excerpt kept, in bytes.
    pub const MAX_EXCERPT: usize = 1000;

    pub fn new(source: &'a str) -> Self {
        Locator {
            source,
            line_starts: std::cell::OnceCell::new(),
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.source.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// Index (0-based) of the line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= offset) - 1
    }

    /// The position of byte `offset` (clamped to the text), as [`Position::of`].
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        let line = self.line_index(offset);
        let line_start = self.line_starts()[line];
        let (last, last_column) = self.cursor.get();
        let column = if (line_start..=offset).contains(&last) {
            last_column + self.source[last..offset].chars().count()
        } else {
            self.source[line_start..offset].chars().count() + 1
        };
        self.cursor.set((offset, column));
        Position {
            line: line + 1,
            column,
        }
    }

    /// The lines `span` touches, as [`Excerpt::around`], unless they are longer than
    /// [`Self::MAX_EXCERPT`].
    pub fn excerpt(&self, span: Range<usize>) -> Option<Excerpt> {
        let source = self.source;
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let starts = self.line_starts();
        let first = self.line_index(start);
        let line_start = starts[first];
        let last = self.line_index(end);
        let line_end = starts
            .get(last + 1)
            .map_or(source.len(), |&next| next - 1)
            .max(start);
        if line_end - line_start > Self::MAX_EXCERPT {
            return None;
        }
        let text = source[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let rel_start = (start - line_start).min(text.len());
        let rel_end = (end - line_start).clamp(rel_start, text.len());
        Some(Excerpt {
            text,
            first_line: first + 1,
            span: rel_start..rel_end,
        })
    }

    /// A problem at a byte range of the text, as [`Diagnostic::at`].
    pub fn at(
        &self,
        severity: Severity,
        file: impl Into<PathBuf>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let pos = self.position(span.start);
        Diagnostic {
            severity,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: None,
            excerpt: self.excerpt(span).map(Box::new),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// All problems found in one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Sorted by file, line, column; duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// The closest candidate to `wrong` by edit distance, if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diag
            } else {
                1 + diag.min(above).min(row[j])
            };
            diag = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        let src = "ab\nالعمل x";
        let off = src.find('x').unwrap();
        assert_eq!(Position::of(src, off), Position { line: 2, column: 7 });
        assert_eq!(Position::of(src, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn excerpt_holds_the_marked_line() {
        let src = "one\ntwo three\nfour";
        let start = src.find("three").unwrap();
        let e = Excerpt::around(src, start..start + 5);
        assert_eq!(e.text, "two three");
        assert_eq!(e.first_line, 2);
        assert_eq!(&e.text[e.span.clone()], "three");
    }

    #[test]
    fn suggestions_find_typos_only() {
        let keys = ["title", "description", "weight"];
        assert_eq!(did_you_mean("tilte", keys), Some("title"));
        assert_eq!(did_you_mean("weigth", keys), Some("weight"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn locator_agrees_with_the_direct_functions() {
        let src = "one\ntwo three\r\nالعمل x <b>\n\nlast";
        let loc = Locator::new(src);
        // In order, backwards, and again: the cursor must not change the answers.
        let offsets: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        for &i in offsets.iter().chain(offsets.iter().rev()).chain(&offsets) {
            assert_eq!(loc.position(i), Position::of(src, i), "offset {i}");
            for j in [i, i + 1, i + 4, src.len()] {
                let j = floor_char_boundary(src, j.min(src.len()));
                assert_eq!(
                    loc.excerpt(i..j),
                    Some(Excerpt::around(src, i..j)),
                    "span {i}..{j}"
                );
            }
        }
    }

    #[test]
    fn locator_leaves_out_long_excerpts() {
        let src = format!("a\n{}<x>\n", "y".repeat(2000));
        let loc = Locator::new(&src);
        let d = loc.at(Severity::Warning, "a.md", 2002..2005, "m");
        assert_eq!((d.line, d.column), (2, 2001));
        assert!(d.excerpt.is_none());
    }

    #[test]
    fn sorted_by_place() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::file(Severity::Error, "b.md", "x"));
        d.push(Diagnostic::error_at("a.md", "l1\nl2", 3..4, "y"));
        d.push(Diagnostic::error_at("a.md", "l1\nl2", 0..1, "z"));
        let v: Vec<String> = d.into_sorted().iter().map(|d| d.location()).collect();
        assert_eq!(v, ["a.md:1:1", "a.md:2:1", "b.md"]);
    }
}
