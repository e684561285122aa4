//! Files copied from the portal's content folders (page bundle assets, images beside
//! pages, the `[theme]` logo and coat of arms): what may be published on the site's
//! origin.
//!
//! A browser runs some file types when they are opened: HTML, XHTML, XML with a style
//! sheet, JavaScript, SVG. Such a file from `content/` would run with the site's cookies
//! and storage, and could replace any of its pages for a reader who follows a link. So
//! the types in [`REFUSED`] are an error, and every SVG is published only as
//! [`crate::load::svg`] writes it again. `static/` and themes are the operator's own and are
//! copied as they are (docs/security.md).

use std::path::Path;
use std::sync::Arc;

use crate::base::diagnostics::{Diagnostic, Severity};

/// File types (lower-case extensions) that a browser runs or renders as a document
/// able to run script, refused in content folders.
pub const REFUSED: &[&str] = &[
    "htm", "html", "shtml", "xht", "xhtml", "xml", "xsl", "xslt", "mht", "mhtml", "js", "mjs",
    "cjs", "svgz", "swf",
];

/// At most this many warnings for the parts left out of one SVG; the rest are counted.
pub const MAX_WARNINGS: usize = 5;

/// Whether the file `rel` may be copied from a content folder; an error names it if not.
pub fn check_type(rel: &str, display: &Path) -> Result<(), Diagnostic> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return Ok(());
    };
    let ext = ext.to_ascii_lowercase();
    if !REFUSED.contains(&ext.as_str()) {
        return Ok(());
    }
    let hint = if ext == "svgz" {
        "save the drawing as an uncompressed .svg: wegweiser checks SVGs before it publishes them"
            .to_string()
    } else {
        format!(
            "a browser runs a .{ext} file on the site's origin: write the page in Markdown, or put files you trust in static/"
        )
    };
    Err(Diagnostic::file(
        Severity::Error,
        display,
        format!("`{name}` cannot be published from a content folder: .{ext} files can run script"),
    )
    .with_hint(hint))
}

/// Whether `rel` names an SVG.
pub fn is_svg(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("svg"))
}

/// Read and sanitise the SVG at `path` (shown as `display`): the bytes to publish, with
/// a warning for each part left out; `None` with an error when it cannot be published.
pub fn sanitize_svg(
    path: &Path,
    display: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Arc<[u8]>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diagnostics.push(Diagnostic::file(
                Severity::Error,
                display,
                format!("cannot read: {e}"),
            ));
            return None;
        }
    };
    let result = crate::load::svg::sanitize(&bytes);
    // Positions need the text; a file that is not UTF-8 is reported without one.
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).ok();
    let at = |severity, offset: usize, message: String| match text {
        Some(text) => Diagnostic::at(severity, display, text, span(text, offset), message),
        None => Diagnostic::file(severity, display, message),
    };
    match result {
        Err(invalid) => {
            diagnostics.push(
                at(
                    Severity::Error,
                    invalid.offset,
                    format!("this SVG cannot be published: {}", invalid.message),
                )
                .with_hint(
                    "export it again as plain SVG (UTF-8, without DOCTYPE), or check it with an XML validator",
                ),
            );
            None
        }
        Ok(sanitized) => {
            for r in sanitized.removed.iter().take(MAX_WARNINGS) {
                diagnostics.push(
                    at(
                        Severity::Warning,
                        r.offset,
                        format!("left out of the published SVG: {}: {}", r.what, r.why),
                    )
                    .with_hint(
                        "the site carries only drawing markup; remove it from the file to silence this warning",
                    ),
                );
            }
            if sanitized.removed.len() > MAX_WARNINGS {
                let more = sanitized.removed.len() - MAX_WARNINGS;
                diagnostics.push(at(
                    Severity::Warning,
                    sanitized.removed[MAX_WARNINGS].offset,
                    format!("{more} more parts left out of the published SVG from here on"),
                ));
            }
            Some(sanitized.svg.into())
        }
    }
}

/// The span of the token (tag name, attribute name) at `offset` in `text`.
fn span(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let rest = &text[offset..];
    let len = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '>' | '=' | '/'))
        .map_or(rest.len(), |(i, _)| i);
    offset..offset + len.max(usize::from(!rest.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_types_are_refused_whatever_their_case() {
        for rel in [
            "a/b/x.html",
            "x.HTM",
            "b/run.js",
            "m.mjs",
            "doc.xhtml",
            "d.xml",
            "p.svgz",
        ] {
            let e = check_type(rel, Path::new(rel)).unwrap_err();
            assert!(e.is_error());
            let name = rel.rsplit('/').next().unwrap();
            assert!(e.message.contains(name), "{}", e.message);
        }
        for rel in [
            "plan.svg",
            "a.pdf",
            "b.png",
            "c.webp",
            "README",
            "d.html.txt",
            ".hidden",
        ] {
            assert!(check_type(rel, Path::new(rel)).is_ok(), "{rel}");
        }
    }

    #[test]
    fn removals_are_warnings_at_their_place_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.svg");
        let handlers: String = (0..8).map(|i| format!(" on{i}=\"1\"")).collect();
        std::fs::write(
            &path,
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\"\n{handlers}>\n<script>x</script></svg>"
            ),
        )
        .unwrap();
        let mut d = Vec::new();
        let svg = sanitize_svg(&path, Path::new("c/x.svg"), &mut d).unwrap();
        assert_eq!(
            &*svg,
            b"<svg xmlns=\"http://www.w3.org/2000/svg\">\n</svg>".as_slice()
        );
        assert_eq!(d.len(), MAX_WARNINGS + 1);
        assert!(d.iter().all(|d| d.severity == Severity::Warning));
        assert_eq!(d[0].location(), "c/x.svg:2:2");
        assert!(d[0].message.contains("`on0` attribute (an event handler)"));
        assert!(d[5].message.starts_with("4 more parts"), "{}", d[5].message);
        assert_eq!((d[5].line, d[5].column), (2, 42));

        std::fs::write(
            &path,
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<g>\n</svg>",
        )
        .unwrap();
        let mut d = Vec::new();
        assert!(sanitize_svg(&path, Path::new("c/x.svg"), &mut d).is_none());
        assert!(d[0].is_error());
        assert_eq!(d[0].line, 3, "{:?}", d[0]);
    }
}
