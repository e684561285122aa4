//! The links of a Markdown body (see [`crate::load::markdown`]): what a destination
//! points to, language-neutrally (a page by its key, a file, an anchor, an address of the
//! portal's own `base_url`), and the links and images of its raw HTML, which take the
//! same way as Markdown's.

use std::ops::Range;

use crate::base::diagnostics::Diagnostic;
use crate::load::markdown::At;
use crate::load::markdown_html::SLOT;
use crate::model::body::{Link, LinkTarget};

/// The `href` of a raw `<a>` (`image` false) or the `src` of a raw `<img>`, `url` as
/// the browser reads it, written at `span` of the file: checked as a Markdown link or
/// image is, and the text of its slot when it is internal.
pub(crate) fn raw_url(
    at: &At<'_>,
    links: &mut Vec<Link>,
    (image, url): (bool, &str),
    span: Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if image && is_external(url) && own_site(at, url).is_none() {
        diagnostics.push(third_party_image(at, url, span));
        return None;
    }
    let target = classify(at, url, span.clone(), diagnostics)?;
    links.push(Link {
        target,
        span,
        written: url.to_string(),
    });
    Some(format!("{SLOT}{}", links.len() - 1))
}

/// The warning about an image at `dest` loaded from another host.
pub(crate) fn third_party_image(at: &At<'_>, dest: &str, span: Range<usize>) -> Diagnostic {
    at.warning(
        span,
        format!("image `{dest}` is loaded from another host: readers' IP addresses are sent there"),
    )
    .with_hint("put the image next to the page and link it relatively")
}

pub(crate) fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !dest[..colon].contains('/')
}

/// What a link destination points to; `None` for external links and on errors.
pub(crate) fn classify(
    at: &At<'_>,
    dest: &str,
    span: Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LinkTarget> {
    if dest.is_empty() {
        diagnostics.push(at.error(span, "link without a destination"));
        return None;
    }
    if let Some(target) = own_site(at, dest) {
        return Some(target);
    }
    if is_external(dest) {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    if path.is_empty() {
        // `#` alone is the top of the page: as written.
        return anchor.filter(|a| !a.is_empty()).map(LinkTarget::Anchor);
    }
    let path = percent_decode(path);
    let (base, rel) = match path.strip_prefix("@/") {
        Some(rest) => ("", rest),
        None if path.starts_with('/') => {
            diagnostics.push(
                at.error(span,
                    format!("link `{dest}` is an absolute path: it breaks when the portal moves"),
                )
                .with_hint("link the Markdown file relatively (`../wohnen/miete.md`) or from the municipality root (`@/wohnen/miete.md`)"),
            );
            return None;
        }
        None => (at.src.dir, path.as_str()),
    };
    let is_dir = rel.ends_with('/') || rel == "." || rel == "..";
    let Some(joined) = join(base, rel) else {
        diagnostics.push(at.error(
            span,
            format!("link `{dest}` leaves the municipality's folder"),
        ));
        return None;
    };
    if is_dir {
        return Some(LinkTarget::Page {
            key: joined,
            language: None,
            anchor,
        });
    }
    let (parent, file) = match joined.rsplit_once('/') {
        Some((p, f)) => (p, f),
        None => ("", joined.as_str()),
    };
    let Some(stem) = file.strip_suffix(".md") else {
        return Some(LinkTarget::Asset { path: joined });
    };
    let (stem, language) = match stem.rsplit_once('.') {
        Some((s, l)) if at.src.languages.iter().any(|x| x == l) => (s, Some(l.to_string())),
        _ => (stem, None),
    };
    let key = match stem {
        "_index" | "index" => parent.to_string(),
        _ if parent.is_empty() => stem.to_string(),
        _ => format!("{parent}/{stem}"),
    };
    Some(LinkTarget::Page {
        key,
        language,
        anchor,
    })
}

/// An absolute link to the portal's own address: its output folder (below the output
/// root, decoded, without `index.html`) and anchor.
pub(crate) fn own_site(at: &At<'_>, dest: &str) -> Option<LinkTarget> {
    if at.src.own_urls.is_empty() || !dest.starts_with(['h', 'H']) {
        return None;
    }
    at.src.own_urls.iter().find_map(|base| {
        let head = dest.get(..base.origin.len())?;
        if !head.eq_ignore_ascii_case(&base.origin) {
            return None;
        }
        let rest = &dest[base.origin.len()..];
        if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
            return None;
        }
        let (path, anchor) = match rest.split_once('#') {
            Some((p, a)) => (p, Some(percent_decode(a)).filter(|a| !a.is_empty())),
            None => (rest, None),
        };
        let path = percent_decode(path.split_once('?').map_or(path, |(p, _)| p));
        let below = path.strip_prefix(base.path.as_str())?;
        if !(below.is_empty() || below.starts_with('/')) {
            return None;
        }
        let below = below.trim_matches('/');
        let dir = below
            .strip_suffix("index.html")
            .unwrap_or(below)
            .trim_end_matches('/');
        Some(LinkTarget::Site {
            dir: dir.to_string(),
            anchor,
        })
    })
}

/// Join a relative path to a directory, resolving `.` and `..`; `None` when it leaves
/// the root. The result has no leading or trailing slash.
fn join(dir: &str, rel: &str) -> Option<String> {
    let parts = dir.split('/').filter(|s| !s.is_empty()).collect();
    crate::base::path::follow_url_path(parts, rel)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
