//! Helpers shared by the integration tests: building fixtures into temporary folders
//! and walking the HTML they produce.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use wegweiser::build::pipeline::{BuildOptions, BuildReport, build};
use wegweiser::render::NoProgress;

/// Path of a fixture portal.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Build `root` into `out`, panicking with the problems if the build fails.
pub fn build_into(root: &Path, out: &Path, jobs: Option<usize>) -> BuildReport {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        jobs,
        write: true,
        ..Default::default()
    };
    match build(&options, &NoProgress) {
        Ok(report) => report,
        Err(failure) => {
            let shown: Vec<String> = failure
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect();
            panic!("build of {} failed:\n{}", root.display(), shown.join("\n"))
        }
    }
}

/// A copy of fixture `name` in a temporary folder (kept alive by the returned guard),
/// for tests that change files.
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name);
    for (rel, bytes) in tree(&fixture(name)) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    (tmp, root)
}

/// Every file below `dir`, relative, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every HTML file below `dir`, parsed.
pub fn html_files(dir: &Path) -> Vec<(String, Html)> {
    tree(dir)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| {
            (
                rel,
                Html::parse_document(&String::from_utf8(bytes).unwrap()),
            )
        })
        .collect()
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

pub fn attr(doc: &Html, css: &str, name: &str) -> Option<String> {
    select(doc, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

pub fn text(doc: &Html, css: &str) -> String {
    select(doc, css)
        .first()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default()
}

/// The output file a site URL (`/sub/a/b/#x` or `https://host/sub/a/`) leads to, and its
/// fragment. `None` for URLs that leave the site.
pub fn target_of(
    url: &str,
    origin: &str,
    base_path: &str,
    from: &str,
) -> Option<(String, Option<String>)> {
    let url = url.strip_prefix(origin).unwrap_or(url);
    if url.contains("://")
        || url.starts_with("mailto:")
        || url.starts_with("tel:")
        || url.starts_with("geo:")
    {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (url, None),
    };
    let path = percent_decode(path);
    let rel = if path.is_empty() {
        from.to_string()
    } else if let Some(abs) = path.strip_prefix('/') {
        let abs = abs
            .strip_prefix(base_path.trim_start_matches('/'))
            .unwrap_or(abs);
        abs.trim_start_matches('/').to_string()
    } else {
        // Relative to the folder of `from`.
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        if dir.is_empty() {
            path.clone()
        } else {
            format!("{dir}/{path}")
        }
    };
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel
    };
    Some((rel, fragment))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Every `href` and `src` in every HTML file that stays on the site must lead to a file,
/// and its `#fragment` to an element with that id. Returns the broken ones.
pub fn broken_links(dir: &Path, origin: &str, base_path: &str) -> Vec<String> {
    let files = tree(dir);
    let docs: BTreeMap<String, Html> = html_files(dir).into_iter().collect();
    let mut broken = Vec::new();
    for (rel, doc) in &docs {
        for el in select(doc, "[href], [src]") {
            for name in ["href", "src"] {
                let Some(url) = el.value().attr(name) else {
                    continue;
                };
                let Some((target, fragment)) = target_of(url, origin, base_path, rel) else {
                    continue;
                };
                if !files.contains_key(&target) {
                    broken.push(format!("{rel}: {name}={url} → missing {target}"));
                    continue;
                }
                if let (Some(fragment), Some(target_doc)) = (fragment, docs.get(&target)) {
                    let id = fragment.replace('"', "\\\"");
                    if select(target_doc, &format!("[id=\"{id}\"]")).is_empty() {
                        broken.push(format!("{rel}: {name}={url} → no #{fragment} in {target}"));
                    }
                }
            }
        }
    }
    broken
}
