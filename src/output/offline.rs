//! Offline reading (issue 8): for every municipality and language a web app manifest
//! (`/<m>/<lang>/manifest.webmanifest`), a service worker (`/<m>/<lang>/sw.js`, so that
//! its scope is exactly that municipality and language), an offline fallback page
//! (`/<m>/<lang>/offline.html`) and the list of files "save for offline" downloads
//! (`/<m>/<lang>/offline.json`).
//!
//! The list is made from what the build actually wrote: a [`Recorder`] wraps the
//! [`Sink`] and notes every file's size, content hash and, for HTML and CSS, the files
//! it references. A municipality and language get every file below their folder and
//! the shared files (style sheets, fonts, scripts, theme images) those reference, so
//! whatever a new feature writes there is saved too, without a list of page kinds.
//! See docs/offline.md.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::path::Path;
use std::sync::Mutex;

use percent_encoding::percent_decode_str;
use serde::Serialize;

use crate::model::urls::push_encoded_segment;
use crate::model::{LangIdx, Municipality, Site};
use crate::write::Sink;

use crate::model::files::{
    OFFLINE_FALLBACK as FALLBACK, OFFLINE_LIST as LIST, OFFLINE_MANIFEST as MANIFEST,
    SERVICE_WORKER as WORKER,
};

/// The theme's icon, for municipalities without an SVG logo or coat of arms.
pub const DEFAULT_ICON: &str = "icon.svg";

/// What the lists need of one written file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub size: u64,
    /// Hash of the content: unchanged files are carried over to a new cache.
    pub hash: u64,
    /// Files the file references (site-relative paths), for HTML, CSS and manifests.
    pub refs: Vec<String>,
}

/// A hash of `bytes`, the same in every build by the same wegweiser (foldhash's quality
/// hash with a fixed seed): it tells a service worker which files changed. It was the
/// standard library's SipHash, three times slower over every written file.
fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x5765_6777_6569_7365).hash_one(bytes)
}

/// Size, hash and references of the file written at `rel` with `bytes`; `base_path`
/// is the URL prefix of the site (`""` or `/portal`).
pub fn file_info(base_path: &str, rel: &str, bytes: &[u8]) -> FileInfo {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    let raw: Vec<String> = match ext {
        "html" => html_refs(bytes),
        "css" => css_refs(bytes),
        "webmanifest" => serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| {
                v.get("icons")?.as_array().map(|icons| {
                    icons
                        .iter()
                        .filter_map(|i| Some(i.get("src")?.as_str()?.to_string()))
                        .collect()
                })
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut refs: Vec<String> = raw
        .iter()
        .filter_map(|r| resolve_ref(base_path, rel, r))
        .collect();
    refs.sort();
    refs.dedup();
    FileInfo {
        size: bytes.len() as u64,
        hash: content_hash(bytes),
        refs,
    }
}

/// Values of `src`, `href` and `data-*` attributes, quoted or not (minified pages drop
/// quotes). A `data-*` value that is a folder (`/m/_search/de/`, a search bundle a
/// script loads from) comes with a trailing `/`: every file below it is needed.
///
/// Every page passes through here, so the page is searched for the three names
/// (`src=`, `href=`, `data-`) with memchr's vectorised substring search, on bytes: a
/// page is never decoded or scanned character by character, only the values found.
fn html_refs(bytes: &[u8]) -> Vec<String> {
    use memchr::memmem;
    let mut out = Vec::new();
    // An attribute's name starts after a space or a line break (the renderer and the
    // minifier write nothing else between attributes).
    let after_separator = |at: usize| at > 0 && matches!(bytes[at - 1], b' ' | b'\n');
    for name in [&b"src="[..], b"href="] {
        for at in memmem::find_iter(bytes, name) {
            if after_separator(at) {
                let value = attribute_value(&bytes[at + name.len()..]);
                if may_name_a_file(&value) {
                    out.push(value.replace("&amp;", "&"));
                }
            }
        }
    }
    for at in memmem::find_iter(bytes, b"data-") {
        if !after_separator(at) {
            continue;
        }
        let rest = &bytes[at + 5..];
        let name_len = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .unwrap_or(rest.len());
        if rest.get(name_len) != Some(&b'=') {
            continue;
        }
        let value = attribute_value(&rest[name_len + 1..]).replace("&amp;", "&");
        // Only folders (and files, which src and href name anyway) of this site.
        if value.starts_with('/') && value.ends_with('/') {
            out.push(format!("{value}{FOLDER_MARK}"));
        }
    }
    out
}

/// The value of an attribute whose `=` is just before `rest`: up to the matching
/// quote, or unquoted up to white space or `>`.
fn attribute_value(rest: &[u8]) -> std::borrow::Cow<'_, str> {
    let value = match rest.first() {
        Some(q @ (b'"' | b'\'')) => {
            let rest = &rest[1..];
            &rest[..memchr::memchr(*q, rest).unwrap_or(rest.len())]
        }
        _ => {
            let end = rest
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'>')
                .unwrap_or(rest.len());
            &rest[..end]
        }
    };
    String::from_utf8_lossy(value)
}

/// Whether the `src` or `href` value `value` may name a file of this site, as
/// [`resolve_ref`] decides: false for what it always refuses (a fragment, another
/// scheme, a folder: most of a page's links are to other pages), so that those cost
/// no allocation. Percent-encoded values are left to [`resolve_ref`].
fn may_name_a_file(value: &str) -> bool {
    let path = value.split(['?', '#']).next().unwrap_or("");
    if path.contains('%') {
        return true;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    !has_scheme(path) && !path.ends_with('/') && last.contains('.')
}

/// `url(…)` and `@import "…"` references of a style sheet.
fn css_refs(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        out.push(rest[..end].trim().trim_matches(['"', '\'']).to_string());
    }
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("@import") {
        rest = rest[at + 7..].trim_start();
        if let Some(q @ ('"' | '\'')) = rest.chars().next() {
            out.push(rest[1..].split(q).next().unwrap_or("").to_string());
        }
    }
    out
}

/// Whether `reference` starts with a URL scheme (`mailto:`, `https:`): a `:` before
/// any `/`, `?` or `#`.
fn has_scheme(reference: &str) -> bool {
    reference
        .find(':')
        .is_some_and(|c| !reference[..c].contains(['/', '?', '#']))
}

/// Marks a folder reference found by [`html_refs`] until [`resolve_ref`] sees it.
const FOLDER_MARK: &str = "\u{0}";

/// The site-relative path of the file `reference` (in the file at `from`) names, if it
/// is a file of this site (not a page's folder, another host, a fragment); a folder
/// whose files are all needed (see [`html_refs`]) ends with `/`.
fn resolve_ref(base_path: &str, from: &str, reference: &str) -> Option<String> {
    let (reference, folder) = match reference.strip_suffix(FOLDER_MARK) {
        Some(r) => (r, true),
        None => (reference, false),
    };
    let r = reference.trim();
    if r.is_empty() || r.starts_with('#') || r.starts_with("//") || has_scheme(r) {
        return None;
    }
    let r = r.split(['?', '#']).next().unwrap_or("");
    let joined = if let Some(abs) = r.strip_prefix('/') {
        let prefix = base_path.trim_start_matches('/');
        if prefix.is_empty() {
            abs.to_string()
        } else {
            abs.strip_prefix(prefix)?.strip_prefix('/')?.to_string()
        }
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        if dir.is_empty() {
            r.to_string()
        } else {
            format!("{dir}/{r}")
        }
    };
    let decoded = percent_decode_str(&joined).decode_utf8().ok()?;
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    if folder {
        return (!parts.is_empty()).then(|| format!("{}/", parts.join("/")));
    }
    // Links to folders (pages) end with `/`; only files are resources a page loads.
    let last = parts.last()?;
    (!decoded.ends_with('/') && last.contains('.')).then(|| parts.join("/"))
}

/// Every file of a site with its [`FileInfo`], by site-relative path.
#[derive(Debug, Clone, Default)]
pub struct Index {
    files: BTreeMap<String, FileInfo>,
}

impl Index {
    pub fn insert(&mut self, rel: String, info: FileInfo) {
        self.files.insert(rel, info);
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.files.retain(|rel, _| keep(rel));
    }

    pub fn get(&self, rel: &str) -> Option<&FileInfo> {
        self.files.get(rel)
    }
}

/// A [`Sink`] that passes everything on and notes what was written.
pub struct Recorder<'a> {
    inner: &'a dyn Sink,
    base_path: &'a str,
    files: Mutex<Vec<(String, FileInfo)>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Sink, base_path: &'a str) -> Self {
        Recorder {
            inner,
            base_path,
            files: Mutex::new(Vec::new()),
        }
    }

    /// What was written.
    pub fn into_index(self) -> Index {
        Index {
            files: self
                .files
                .into_inner()
                .expect("recorder lock")
                .into_iter()
                .collect(),
        }
    }

    fn note(&self, rel: &str, bytes: &[u8]) {
        let info = file_info(self.base_path, rel, bytes);
        self.files
            .lock()
            .expect("recorder lock")
            .push((rel.to_string(), info));
    }
}

impl Sink for Recorder<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(rel, bytes)?;
        self.note(rel, bytes);
        Ok(())
    }

    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        self.inner.copy(from, rel)?;
        self.note(rel, &std::fs::read(from)?);
        Ok(())
    }
}

/// The folder (site-relative) of a municipality's language, where its start page is:
/// `None` for a language without a start page (nothing is published in it).
pub fn language_dir(m: &Municipality, lang: LangIdx) -> Option<&str> {
    m.pages
        .first()?
        .localized
        .get(lang)?
        .as_ref()
        .map(|l| l.dir.as_str())
}

/// URL of the file at `rel` (site-relative): `…/index.html` is its folder.
fn url_of(base_path: &str, rel: &str) -> String {
    let rel = rel.strip_suffix("index.html").unwrap_or(rel);
    let mut url = String::with_capacity(base_path.len() + 1 + rel.len() * 3 / 2);
    url.push_str(base_path);
    for segment in rel.split('/') {
        url.push('/');
        push_encoded_segment(&mut url, segment);
    }
    url
}

/// The URLs of a municipality's language as the manifest, the worker and the page
/// templates use them.
#[derive(Debug, Clone, Serialize)]
pub struct Urls {
    /// The folder: the worker's scope and the app's start URL.
    pub scope: String,
    pub manifest: String,
    pub worker: String,
    pub list: String,
    pub fallback: String,
}

pub fn urls(base_path: &str, dir: &str) -> Urls {
    let scope = url_of(base_path, &format!("{dir}/"));
    Urls {
        manifest: format!("{scope}{MANIFEST}"),
        worker: format!("{scope}{WORKER}"),
        list: format!("{scope}{LIST}"),
        fallback: format!("{scope}{FALLBACK}"),
        scope,
    }
}

/// The web app manifest of municipality `m` for readers of `lang`.
pub fn manifest(site: &Site, m: &Municipality, lang: LangIdx, dir: &str) -> String {
    let base = &site.base_url.path;
    let u = urls(base, dir);
    let l = &m.languages[lang];
    let brand = crate::output::branding::brand(base, m);
    let theme = m.theme.as_ref();
    // An SVG logo or coat of arms scales to every size; other images have sizes the
    // manifest would have to state, so the theme's icon stands in for them.
    let svg = |url: Option<String>| url.filter(|u| u.to_ascii_lowercase().ends_with(".svg"));
    let icon = brand
        .as_ref()
        .and_then(|b| svg(b.coat_of_arms.clone()).or_else(|| svg(b.logo.clone())))
        .unwrap_or_else(|| format!("{base}/{DEFAULT_ICON}"));
    let colour = theme
        .and_then(|t| t.primary_color.as_ref())
        .and_then(|c| crate::model::branding::Rgb::parse(c.get_ref()))
        .map_or_else(|| "#0b5cad".to_string(), |c| c.hex());
    let value = serde_json::json!({
        "name": format!("{} ({})", m.name, l.name),
        "short_name": m.name,
        "lang": l.tag,
        "dir": l.dir.as_str(),
        "start_url": u.scope,
        "scope": u.scope,
        "id": u.scope,
        "display": "standalone",
        "theme_color": colour,
        "background_color": "#ffffff",
        "icons": [{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    let mut text = serde_json::to_string_pretty(&value).expect("manifest serialises");
    text.push('\n');
    text
}

/// Which service worker the lists come with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worker {
    /// The caching worker of a built site.
    Build,
    /// `wegweiser serve`: a worker that removes itself and its caches, because a
    /// preview that answers from a cache would hide the edit just saved.
    Preview,
}

#[derive(Serialize)]
struct Entry {
    url: String,
    size: u64,
    hash: String,
}

#[derive(Serialize)]
struct List<'a> {
    version: &'a str,
    cache: &'a str,
    scope: &'a str,
    files: usize,
    bytes: u64,
    entries: Vec<Entry>,
}

/// The files of one municipality's language a reader saves: everything below `dir`
/// (but the worker and the list) and the shared files those reference, transitively.
fn files_of<'i>(
    index: &'i Index,
    dir: &str,
    others: &BTreeSet<String>,
) -> BTreeMap<&'i str, &'i FileInfo> {
    let prefix = format!("{dir}/");
    let mut out: BTreeMap<&str, &FileInfo> = index
        .files
        .range(prefix.clone()..)
        .take_while(|(rel, _)| rel.starts_with(&prefix))
        .filter(|(rel, _)| {
            let name = &rel[prefix.len()..];
            name != WORKER && name != LIST
        })
        .map(|(rel, info)| (rel.as_str(), info))
        .collect();
    let mut todo: Vec<&str> = out
        .values()
        .flat_map(|i| i.refs.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    while let Some(rel) = todo.pop() {
        if out.contains_key(rel) || rel.ends_with(".html") {
            continue;
        }
        // Nothing of another municipality's or language's folder.
        if others.iter().any(|o| rel.starts_with(o.as_str())) {
            continue;
        }
        if rel.ends_with('/') {
            // Every file below a folder a script loads from (not its pages).
            for (file, info) in index
                .files
                .range(rel.to_string()..)
                .take_while(|(f, _)| f.starts_with(rel))
            {
                if !file.ends_with(".html") && !out.contains_key(file.as_str()) {
                    out.insert(file.as_str(), info);
                    todo.extend(info.refs.iter().map(String::as_str));
                }
            }
        } else if let Some((rel, info)) = index.files.get_key_value(rel) {
            out.insert(rel.as_str(), info);
            todo.extend(info.refs.iter().map(String::as_str));
        }
    }
    out
}

/// The name of the cache of one municipality's language, for a build `version`:
/// `wegweiser|<m>|<lang>|` and the version. Workers delete only caches of their own
/// prefix.
pub fn cache_prefix(m: &Municipality, lang: LangIdx) -> String {
    format!("wegweiser|{}|{}|", m.slug, m.languages[lang].code)
}

/// The manifest, `offline.json` and `sw.js` of every language of the municipalities
/// `covered` says, from the files in `index` (the manifests are added to it):
/// (site-relative path, bytes).
pub fn outputs(
    site: &Site,
    index: &mut Index,
    covered: impl Fn(usize) -> bool,
    worker: Worker,
) -> Vec<(String, Vec<u8>)> {
    let base = &site.base_url.path;
    let all_dirs: BTreeSet<String> = site
        .municipalities
        .iter()
        .flat_map(|m| (0..m.languages.len()).filter_map(|l| language_dir(m, l)))
        .map(|d| format!("{d}/"))
        .collect();
    let mut out = Vec::new();
    for (mi, m) in site.municipalities.iter().enumerate() {
        if !covered(mi) {
            continue;
        }
        for lang in 0..m.languages.len() {
            let Some(dir) = language_dir(m, lang) else {
                continue;
            };
            let manifest_rel = format!("{dir}/{MANIFEST}");
            let manifest = manifest(site, m, lang, dir).into_bytes();
            index.insert(
                manifest_rel.clone(),
                file_info(base, &manifest_rel, &manifest),
            );
            out.push((manifest_rel, manifest));
            let index = &*index;
            let mut others = all_dirs.clone();
            others.remove(&format!("{dir}/"));
            let files = files_of(index, dir, &others);
            let entries: Vec<Entry> = files
                .iter()
                .map(|(rel, info)| Entry {
                    url: url_of(base, rel),
                    size: info.size,
                    hash: format!("{:016x}", info.hash),
                })
                .collect();
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for e in &entries {
                (&e.url, &e.hash).hash(&mut h);
            }
            let version = format!("{:016x}", h.finish());
            let cache = format!("{}{version}", cache_prefix(m, lang));
            let u = urls(base, dir);
            let list = List {
                version: &version,
                cache: &cache,
                scope: &u.scope,
                files: entries.len(),
                bytes: entries.iter().map(|e| e.size).sum(),
                entries,
            };
            let json = serde_json::to_string(&list).expect("list serialises");
            out.push((format!("{dir}/{LIST}"), json.into_bytes()));
            // What the worker caches when it is installed: the fallback page and
            // what it needs.
            let fallback_rel = format!("{dir}/{FALLBACK}");
            let mut shell: Vec<String> = vec![url_of(base, &fallback_rel)];
            if let Some(info) = index.get(&fallback_rel) {
                let mut seen = BTreeSet::new();
                let mut todo: Vec<&str> = info.refs.iter().map(String::as_str).collect();
                while let Some(rel) = todo.pop() {
                    if !seen.insert(rel) || !files.contains_key(rel) {
                        continue;
                    }
                    shell.push(url_of(base, rel));
                    todo.extend(
                        index
                            .get(rel)
                            .into_iter()
                            .flat_map(|i| &i.refs)
                            .map(String::as_str),
                    );
                }
            }
            let script = match worker {
                Worker::Build => worker_script(&cache, &cache_prefix(m, lang), &u, &shell),
                Worker::Preview => preview_script(&cache_prefix(m, lang)),
            };
            out.push((format!("{dir}/{WORKER}"), script.into_bytes()));
        }
    }
    out
}

const WORKER_JS: &str = include_str!("offline/sw.js");

/// The service worker of a built site: its settings, then the fixed script.
fn worker_script(cache: &str, prefix: &str, u: &Urls, shell: &[String]) -> String {
    let js = |s: &str| serde_json::to_string(s).expect("string serialises");
    format!(
        "// Written by wegweiser: the service worker of one municipality and language\n\
         // (docs/offline.md).\n\
         const CACHE = {};\nconst PREFIX = {};\nconst SCOPE = {};\nconst LIST = {};\n\
         const OFFLINE = {};\nconst SHELL = {};\n{WORKER_JS}",
        js(cache),
        js(prefix),
        js(&u.scope),
        js(&u.list),
        js(&u.fallback),
        serde_json::to_string(shell).expect("shell serialises"),
    )
}

/// The worker `wegweiser serve` sends: it removes its caches and itself.
fn preview_script(prefix: &str) -> String {
    let prefix = serde_json::to_string(prefix).expect("string serialises");
    format!(
        "// wegweiser serve: the preview is not cached (docs/offline.md). This worker\n\
         // removes the caches of its municipality and language, and itself.\n\
         const PREFIX = {prefix};\n\
         self.addEventListener('install', () => self.skipWaiting());\n\
         self.addEventListener('activate', (event) => {{\n  \
         event.waitUntil(caches.keys()\n    \
         .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX)).map((n) => caches.delete(n))))\n    \
         .then(() => self.registration.unregister()));\n}});\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_to_site_files() {
        let r = |from, s| resolve_ref("", from, s);
        assert_eq!(
            r("m/de/a/index.html", "/wegweiser.1234abcd.css").as_deref(),
            Some("wegweiser.1234abcd.css")
        );
        assert_eq!(
            r("m/de/a/index.html", "plan.svg").as_deref(),
            Some("m/de/a/plan.svg")
        );
        assert_eq!(
            r("fonts/arabic.css", "noto.woff2").as_deref(),
            Some("fonts/noto.woff2")
        );
        assert_eq!(
            r("m/ar/index.html", "/m/ar/%D8%A3/x.png?v=1#t").as_deref(),
            Some("m/ar/أ/x.png")
        );
        for no in [
            "/m/de/",
            "https://example.org/a.css",
            "mailto:a@b.de",
            "#main",
            "//cdn/x.js",
            "tel:+49",
        ] {
            assert_eq!(r("m/de/index.html", no), None, "{no}");
        }
        assert_eq!(
            resolve_ref("/portal", "m/de/index.html", "/portal/x.css").as_deref(),
            Some("x.css")
        );
        assert_eq!(
            resolve_ref("/portal", "m/de/index.html", "/other/x.css"),
            None
        );
    }

    #[test]
    fn html_and_css_references_are_found() {
        let html = br#"<link href=/w.css rel=stylesheet><img src="a b.png" alt=""><a href='/m/de/'>x</a><script src=/o.js defer></script>"#;
        let info = file_info("", "m/de/index.html", html);
        assert_eq!(info.refs, ["m/de/a b.png", "o.js", "w.css"]);
        let search =
            br#"<div data-bundle=/m/_search/de/ data-x="3" data-list="/m/de/a.json"></div>"#;
        assert_eq!(
            file_info("", "m/de/search/index.html", search).refs,
            ["m/_search/de/"]
        );
        let css = b"@font-face{src:url(\"n.woff2\") format('woff2')} @import 'base.css';";
        assert_eq!(
            file_info("", "fonts/a.css", css).refs,
            ["fonts/base.css", "fonts/n.woff2"]
        );
        assert_eq!(info.size, html.len() as u64);
    }

    #[test]
    fn references_are_found_in_attributes_only() {
        // Quoted, unquoted, at the end of the file, after a line break; names that only
        // end in `src`/`href`/`data-`, values containing `=`, `&amp;`, RTL text.
        let html = "<img\nsrc=a.png><a xhref=b.png>x</a><p data-x=\"/m/\">\
                    <a title=\"src=c.png\" href=\"d.png?a=1&amp;b=2\">\u{645}</a>\
                    <img srcset=e.png data-z='/p/'><img src=\"ب.png\"><a href=f.png";
        let info = file_info("", "m/ar/index.html", html.as_bytes());
        assert_eq!(
            info.refs,
            [
                "m/",
                "m/ar/a.png",
                "m/ar/d.png",
                "m/ar/f.png",
                "m/ar/ب.png",
                "p/"
            ]
        );
        // Bytes that are not UTF-8 around and inside a value.
        let info = file_info("", "m/de/index.html", b"\xff <img src=\"a\xfe.png\"> \xc3");
        assert_eq!(info.refs, ["m/de/a\u{fffd}.png"]);
    }

    #[test]
    fn the_quick_filter_refuses_only_what_resolving_refuses() {
        let values = [
            "/m/de/",
            "/m/de/a/",
            "a.css",
            "/w.1234.css",
            "../x.svg?v=1",
            "#main",
            "",
            "mailto:a@b.de",
            "https://e.org/a.css",
            "//cdn/x.js",
            "/m/de/a?x=1",
            "a/b",
            "%2E%2E/x",
            "x%2Ecss",
            "plan.svg#top",
            "/m/ar/%D8%A3/",
            "tel:+49",
            "a.b/c",
            "./",
            ".",
            "..",
            "/",
            "?",
            "data:image/png;base64,AAA",
            "a:b/c.css",
        ];
        for v in values {
            if !may_name_a_file(v) {
                assert_eq!(resolve_ref("", "m/de/a/index.html", v), None, "{v}");
            }
        }
    }
}
