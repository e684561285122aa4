//! Content-hashed names for style sheets, scripts and fonts (`wegweiser.3f9a1c2b.css`),
//! so that hosts may let browsers cache them for a year: a changed file gets a new name.
//!
//! Templates reach the files through `site.assets`: `{{ site.assets["wegweiser.css"] }}`
//! is the URL of the hashed copy. References inside style sheets (`url(fonts/x.woff2)`,
//! `@import "base.css"`) are rewritten to the hashed names before the style sheet itself
//! is hashed, so a changed font changes the name of every style sheet that uses it.
//!
//! Every hashed file is also written under its plain name (with the same rewritten
//! content): portal templates and themes written before fingerprinting link files by
//! name, and a link that silently breaks is worse than a few duplicate bytes. The plain
//! names keep the host's default caching (revalidated on every request); only the
//! hashed names are cached for a year.

use std::collections::BTreeMap;

use crate::theme::FileSource;

/// File types that get hashed names.
const HASHED: &[&str] = &["css", "js", "mjs", "woff2", "woff", "ttf", "otf"];

/// Hex digits of the hash in a file name.
pub const HASH_LEN: usize = 8;

/// The content of one output file.
#[derive(Debug, Clone)]
pub enum Content {
    /// A theme file as it is.
    File(FileSource),
    /// Rewritten bytes.
    Bytes(Vec<u8>),
}

/// The static files of a theme as they are written to the site.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Output path (relative to the site root) → content, sorted by path.
    pub files: BTreeMap<String, Content>,
    /// Static file path → output path of its hashed copy.
    pub names: BTreeMap<String, String>,
}

impl Assets {
    /// Output paths with a content hash in their name (cacheable forever).
    pub fn immutable(&self) -> impl Iterator<Item = &str> {
        self.names.values().map(String::as_str)
    }
}

/// A stable 128-bit FNV-1a hash of `bytes`, as hex: the same bytes give the same name
/// on every machine and with every Rust version.
pub fn hash(bytes: &[u8]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

fn extension(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, e)| e)
}

/// `fonts/a.woff2` with hash `h` → `fonts/a.<h>.woff2`.
fn hashed_name(path: &str, hash: &str) -> String {
    let (stem, ext) = path
        .rsplit_once('.')
        .expect("hashed files have an extension");
    format!("{stem}.{}.{ext}", &hash[..HASH_LEN])
}

/// Plan the output of `static_files`, reading the files that get hashed names.
pub fn plan(static_files: &BTreeMap<String, FileSource>) -> std::io::Result<Assets> {
    let mut assets = Assets::default();
    let mut pending: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    for (rel, source) in static_files {
        let hashed = extension(rel)
            .map(|e| e.to_ascii_lowercase())
            .is_some_and(|e| HASHED.contains(&e.as_str()));
        if !hashed {
            assets
                .files
                .insert(rel.clone(), Content::File(source.clone()));
            continue;
        }
        let bytes = match source {
            FileSource::Embedded(b) => b.to_vec(),
            FileSource::Disk(p) => std::fs::read(p)?,
        };
        pending.insert(rel, bytes);
    }
    // Files that reference nothing first; then style sheets whose references are all
    // named; a cycle of @imports is broken in path order.
    while !pending.is_empty() {
        let ready: Vec<&str> = pending
            .iter()
            .filter(|(rel, bytes)| {
                !is_css(rel)
                    || css_references(rel, bytes)
                        .iter()
                        .all(|r| !pending.contains_key(r.as_str()) || r == *rel)
            })
            .map(|(rel, _)| *rel)
            .collect();
        let batch = if ready.is_empty() {
            vec![*pending.keys().next().expect("not empty")]
        } else {
            ready
        };
        for rel in batch {
            let bytes = pending.remove(rel).expect("pending");
            let bytes = if is_css(rel) {
                rewrite_css(rel, &bytes, &assets.names)
            } else {
                bytes
            };
            let name = hashed_name(rel, &hash(&bytes));
            assets
                .files
                .insert(rel.to_string(), Content::Bytes(bytes.clone()));
            assets.files.insert(name.clone(), Content::Bytes(bytes));
            assets.names.insert(rel.to_string(), name);
        }
    }
    Ok(assets)
}

fn is_css(rel: &str) -> bool {
    extension(rel).is_some_and(|e| e.eq_ignore_ascii_case("css"))
}

/// One reference in a style sheet: the byte range of the URL and the static path it
/// leads to.
struct Reference {
    range: std::ops::Range<usize>,
    target: String,
}

/// The site-local references of a style sheet at `rel`: `url(…)` and `@import "…"`.
fn references(rel: &str, css: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Comments hold no references.
        if css[i..].starts_with("/*") {
            i = css[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |e| i + 2 + e + 2);
            continue;
        }
        let start = if bytes.len() >= i + 4 && bytes[i..i + 4].eq_ignore_ascii_case(b"url(") {
            Some(i + 4)
        } else if css[i..].starts_with("@import") {
            Some(i + 7)
        } else {
            None
        };
        let Some(mut j) = start else {
            i += css[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let (from, to) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = css[j + 1..]
                    .find(q as char)
                    .map_or(bytes.len(), |e| j + 1 + e);
                (j + 1, end)
            }
            // `@import url(…)` is found as `url(` next.
            _ if start == Some(i + 7) => {
                i = j;
                continue;
            }
            _ => {
                let end = css[j..]
                    .find(|c: char| c == ')' || c.is_ascii_whitespace())
                    .map_or(bytes.len(), |e| j + e);
                (j, end)
            }
        };
        let url = &css[from..to];
        if let Some(target) = local_target(rel, url) {
            let path_len = url.find(['?', '#']).unwrap_or(url.len());
            out.push(Reference {
                range: from..from + path_len,
                target,
            });
        }
        i = to.max(i + 1);
    }
    out
}

/// The static path a URL in the style sheet `rel` leads to; `None` for other sites,
/// `data:` URLs and fragments.
fn local_target(rel: &str, url: &str) -> Option<String> {
    if url.is_empty()
        || url.starts_with('#')
        || url.starts_with("//")
        || url.contains(':') && url.find(':') < url.find('/')
    {
        return None;
    }
    let path = &url[..url.find(['?', '#']).unwrap_or(url.len())];
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        rel.split('/').collect::<Vec<_>>()
    };
    parts.pop();
    crate::base::path::follow_url_path(parts, path)
}

fn css_references(rel: &str, bytes: &[u8]) -> Vec<String> {
    std::str::from_utf8(bytes)
        .map(|css| references(rel, css).into_iter().map(|r| r.target).collect())
        .unwrap_or_default()
}

/// The style sheet `rel` with references to hashed files renamed.
fn rewrite_css(rel: &str, bytes: &[u8], names: &BTreeMap<String, String>) -> Vec<u8> {
    let Ok(css) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let mut out = String::with_capacity(css.len() + 64);
    let mut last = 0;
    for r in references(rel, css) {
        let Some(hashed) = names.get(&r.target) else {
            continue;
        };
        let url = &css[r.range.clone()];
        let new_file = hashed.rsplit('/').next().unwrap_or(hashed);
        let prefix = url.rfind('/').map_or("", |p| &url[..=p]);
        out.push_str(&css[last..r.range.start]);
        out.push_str(prefix);
        out.push_str(new_file);
        last = r.range.end;
    }
    out.push_str(&css[last..]);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded(files: &[(&str, &'static str)]) -> BTreeMap<String, FileSource> {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), FileSource::Embedded(c.as_bytes())))
            .collect()
    }

    fn text(assets: &Assets, path: &str) -> String {
        match &assets.files[path] {
            Content::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Content::File(FileSource::Embedded(b)) => String::from_utf8(b.to_vec()).unwrap(),
            Content::File(FileSource::Disk(p)) => std::fs::read_to_string(p).unwrap(),
        }
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(hash(b""), "6c62272e07bb014262b821756295c58d");
        assert_ne!(hash(b"a"), hash(b"b"));
    }

    #[test]
    fn names_carry_the_content_hash_and_css_references_follow() {
        let files = embedded(&[
            ("fonts/Noto Sans.woff2", "font bytes"),
            (
                "site.css",
                "/* url(fonts/ignored.woff2) */\n@font-face{src:url(\"fonts/Noto Sans.woff2?v=1#x\") format(\"woff2\")}\n@import 'base.css';\nb{background:url(data:image/png;base64,AA==)}a{background:url(https://x.org/a.png)}",
            ),
            ("base.css", "p{color:red}"),
            ("logo.svg", "<svg/>"),
        ]);
        let assets = plan(&files).unwrap();
        let font = &assets.names["fonts/Noto Sans.woff2"];
        assert_eq!(
            font,
            &format!("fonts/Noto Sans.{}.woff2", &hash(b"font bytes")[..HASH_LEN])
        );
        assert!(
            assets.files.contains_key("fonts/Noto Sans.woff2"),
            "plain copy kept"
        );
        assert!(
            assets.files.contains_key("logo.svg"),
            "other files as they are"
        );
        assert!(!assets.names.contains_key("logo.svg"));
        let css = text(&assets, &assets.names["site.css"]);
        let base = assets.names["base.css"].clone();
        assert!(css.contains(&format!("url(\"{font}?v=1#x\")")), "{css}");
        assert!(css.contains(&format!("@import '{base}'")), "{css}");
        assert!(css.contains("/* url(fonts/ignored.woff2) */"), "{css}");
        assert!(css.contains("url(data:image/png;base64,AA==)"), "{css}");
        assert!(css.contains("url(https://x.org/a.png)"), "{css}");
        assert_eq!(text(&assets, "site.css"), css, "plain copy, same content");
        assert!(assets.names["site.css"].contains(&hash(css.as_bytes())[..HASH_LEN]));
        // Deterministic.
        let again = plan(&files).unwrap();
        assert_eq!(again.names, assets.names);
    }

    #[test]
    fn relative_references_resolve_against_the_style_sheet() {
        assert_eq!(
            local_target("css/a.css", "../fonts/x.woff2").as_deref(),
            Some("fonts/x.woff2")
        );
        assert_eq!(
            local_target("css/a.css", "/fonts/x.woff2").as_deref(),
            Some("fonts/x.woff2")
        );
        assert_eq!(local_target("a.css", "../x.woff2"), None);
        assert_eq!(local_target("a.css", "data:font/woff2;base64,AA"), None);
        assert_eq!(local_target("a.css", "#mask"), None);
    }

    #[test]
    fn import_cycles_do_not_hang() {
        let files = embedded(&[("a.css", "@import 'b.css';"), ("b.css", "@import 'a.css';")]);
        let assets = plan(&files).unwrap();
        assert_eq!(assets.names.len(), 2);
    }
}
