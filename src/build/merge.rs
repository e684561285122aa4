//! `wegweiser merge OUT SHARD…`: join the outputs of `wegweiser build --shard I/N` into
//! one site, the same byte for byte as one build of the whole portal.
//!
//! Files of one municipality come from the shard that built it, and files every shard
//! writes alike (theme static files, `_headers`) must be the same in all of them. The
//! files of the whole portal that list municipalities (portal index, 404 page, sitemap,
//! `robots.txt`, `_redirects`) are not joined as text: each shard's manifest
//! ([`crate::model::files::SHARD_MANIFEST`]) says which they are and holds what they need, and the
//! merge renders them anew with the portal's theme. A file a shard writes that is in
//! neither group and differs between shards stops the merge, so a new portal-wide file
//! cannot be silently taken from one shard.
//!
//! The merge writes through [`Staging`] like a build: all or nothing, and it replaces
//! only a folder wegweiser wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::build::shard::{Manifest, ManifestMunicipality, PortalSettings};
use crate::model::config::BaseUrl;
use crate::model::files::{OUTPUT_MARKER as MARKER, SHARD_MANIFEST as MANIFEST};
use crate::output::sitemap;
use crate::render::portal::PortalEntry;
use crate::theme::Theme;
use crate::write::{self, Sink, Staging};

/// What a merge did.
#[derive(Debug)]
pub struct MergeReport {
    pub output: PathBuf,
    pub shards: usize,
    pub municipalities: usize,
    /// Files copied from the shards (without the files of the whole portal).
    pub files: usize,
}

fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::file(Severity::Error, file, message)
}

/// Read and check the manifest of the shard output `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, Diagnostic> {
    let path = dir.join(MANIFEST);
    if !dir.join(MARKER).is_file() || !path.is_file() {
        return Err(error(
            dir,
            "not the output of a shard build: it has no shard manifest",
        )
        .with_hint(format!(
            "build each shard with `wegweiser build --shard I/N --out {}`",
            dir.display()
        )));
    }
    let text = fs::read_to_string(&path).map_err(|e| error(&path, format!("cannot read: {e}")))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        // serde_json counts lines from 1 and columns (bytes) from 1.
        let line_start: usize = text
            .split_inclusive('\n')
            .take(e.line().saturating_sub(1))
            .map(str::len)
            .sum();
        let offset = (line_start + e.column().saturating_sub(1)).min(text.len());
        Diagnostic::error_at(
            &path,
            &text,
            offset..offset,
            format!("broken shard manifest: {e}"),
        )
    })?;
    let version = env!("CARGO_PKG_VERSION");
    if manifest.wegweiser != version {
        return Err(error(
            &path,
            format!(
                "written by wegweiser {}, this is {version}",
                manifest.wegweiser
            ),
        )
        .with_hint("build all shards with the wegweiser that merges them"));
    }
    Ok(manifest)
}

/// Whether the shard file `rel` is one the merge writes anew.
fn is_portal_file(manifest: &Manifest, rel: &str) -> bool {
    manifest.portal_files.iter().any(|f| f == rel)
        || manifest.portal_files.iter().any(|f| f == "sitemap.xml")
            && rel
                .strip_prefix("sitemap-")
                .and_then(|r| r.strip_suffix(".xml"))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Join the shard outputs `shards` into `output` for the portal at `root`.
pub fn merge(
    root: &Path,
    output: &Path,
    shards: &[PathBuf],
) -> Result<MergeReport, Vec<Diagnostic>> {
    if shards.is_empty() {
        return Err(vec![error("wegweiser merge", "no shard outputs given")]);
    }
    let mut manifests = Vec::new();
    let mut problems = Vec::new();
    for dir in shards {
        match read_manifest(dir) {
            Ok(m) => manifests.push((dir.clone(), m)),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let settings = agreed_settings(&manifests)?;
    check_places(root, output, shards)?;

    // Each municipality from exactly one shard.
    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    for (dir, m) in &manifests {
        for entry in &m.municipalities {
            if let Some(first) = owner.insert(&entry.portal.slug, dir) {
                problems.push(
                    error(
                        dir.join(MANIFEST),
                        format!(
                            "municipality `{}` is in this shard and in {}",
                            entry.portal.slug,
                            first.display()
                        ),
                    )
                    .with_hint("merge the shards of one `--shard I/N` run, each once"),
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut theme_problems = Vec::new();
    let theme = Theme::load(
        root,
        settings.theme.as_deref(),
        settings.minify,
        &mut theme_problems,
    );
    theme_problems.retain(Diagnostic::is_error);
    let Some(theme) = theme.filter(|_| theme_problems.is_empty()) else {
        return Err(theme_problems);
    };
    let base =
        BaseUrl::parse(&settings.base_url).map_err(|e| vec![error(shards[0].join(MANIFEST), e)])?;

    let staging = Staging::begin(output).map_err(|e| vec![error(output, e.to_string())])?;
    let result = (|| {
        let files = copy_shards(&manifests, &staging)?;
        write_portal_files(&settings, &base, &theme, &manifests, &staging)?;
        Ok(files)
    })();
    match result {
        Ok(files) => {
            let output = staging
                .commit()
                .map_err(|e| vec![error(output, e.to_string())])?;
            Ok(MergeReport {
                output,
                shards: manifests.len(),
                municipalities: owner.len(),
                files,
            })
        }
        Err(problems) => {
            staging.abort();
            Err(problems)
        }
    }
}

/// The settings every shard that built something was made with; they must agree.
fn agreed_settings(manifests: &[(PathBuf, Manifest)]) -> Result<PortalSettings, Vec<Diagnostic>> {
    let mut agreed: Option<(&Path, &PortalSettings)> = None;
    for (dir, m) in manifests {
        let Some(s) = &m.portal else { continue };
        match agreed {
            None => agreed = Some((dir, s)),
            Some((first, a)) if a != s => {
                return Err(vec![
                    error(
                        dir.join(MANIFEST),
                        format!(
                            "built with other settings than {} (title, base_url, theme, minify or [deploy])",
                            first.display()
                        ),
                    )
                    .with_hint("build every shard from the same commit with the same options"),
                ]);
            }
            Some(_) => {}
        }
    }
    agreed
        .map(|(_, s)| s.clone())
        .ok_or_else(|| vec![error(&manifests[0].0, "no shard built any municipality")])
}

/// The output must be a folder wegweiser may replace, and no shard may be in it (the
/// swap would delete it) or be it.
fn check_places(root: &Path, output: &Path, shards: &[PathBuf]) -> Result<(), Vec<Diagnostic>> {
    write::check_target(root, output).map_err(|e| vec![error(output, e.to_string())])?;
    let out =
        crate::base::path::absolute(output).map_err(|e| vec![error(output, e.to_string())])?;
    let real_out = fs::canonicalize(&out).unwrap_or_else(|_| out.clone());
    for dir in shards {
        let shard =
            crate::base::path::absolute(dir).map_err(|e| vec![error(dir, e.to_string())])?;
        let real = fs::canonicalize(&shard).unwrap_or_else(|_| shard.clone());
        if shard.starts_with(&out) || real.starts_with(&real_out) || out.starts_with(&shard) {
            return Err(vec![
                error(
                    dir,
                    format!(
                        "the merged site cannot go to {}: this shard is there",
                        output.display()
                    ),
                )
                .with_hint("merge into a folder of its own, such as public/"),
            ]);
        }
    }
    Ok(())
}

/// Copy every file of every shard except the files of the whole portal; a file that
/// more than one shard has must be the same in all. Returns how many were copied.
fn copy_shards(
    manifests: &[(PathBuf, Manifest)],
    out: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut problems = Vec::new();
    for (dir, manifest) in manifests {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| vec![error(dir, e.to_string())])?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(rel) = entry
                .path()
                .strip_prefix(dir)
                .ok()
                .and_then(Path::to_str)
                .map(|r| r.replace('\\', "/"))
            else {
                problems.push(error(entry.path(), "file name is not valid UTF-8"));
                continue;
            };
            if rel == MARKER || rel == MANIFEST || is_portal_file(manifest, &rel) {
                continue;
            }
            if let Some(first) = seen.get(&rel) {
                let same = fs::read(first).ok() == fs::read(entry.path()).ok();
                if !same {
                    problems.push(
                        error(
                            entry.path(),
                            format!("differs from {}, and both shards wrote it", first.display()),
                        )
                        .with_hint("build every shard from the same commit with the same options"),
                    );
                }
                continue;
            }
            if let Err(e) = out.copy(entry.path(), &rel) {
                problems.push(error(entry.path(), format!("cannot copy: {e}")));
            }
            seen.insert(rel, entry.into_path());
        }
    }
    if problems.is_empty() {
        Ok(seen.len())
    } else {
        Err(problems)
    }
}

/// The files of the whole portal, for the municipalities of all shards in name order:
/// what a build of the whole portal writes at its root.
fn write_portal_files(
    settings: &PortalSettings,
    base: &BaseUrl,
    theme: &Theme,
    manifests: &[(PathBuf, Manifest)],
    out: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    let mut all: Vec<&ManifestMunicipality> = manifests
        .iter()
        .flat_map(|(_, m)| &m.municipalities)
        .collect();
    all.sort_by(|a, b| a.portal.slug.cmp(&b.portal.slug));
    let write = |rel: &str, bytes: &[u8]| {
        out.write(rel, bytes)
            .map_err(|e| vec![error(rel, format!("cannot write: {e}"))])
    };
    let assets = crate::output::fingerprint::plan(&theme.static_files)
        .map_err(|e| vec![error("static", format!("cannot read a static file: {e}"))])?;
    let site_value = crate::render::context::site_value(&settings.title, base, &assets);
    let entries: Vec<PortalEntry> = all.iter().map(|m| m.portal.clone()).collect();
    let pages = crate::render::portal::portal_pages(theme, &site_value, &entries, settings.minify)
        .map_err(|d| vec![d])?;
    for (rel, html) in pages {
        write(rel, &html)?;
    }
    let urls = || {
        let entries = std::iter::once(sitemap::portal_entry(base))
            .chain(all.iter().flat_map(|m| m.sitemap.iter().cloned()));
        sitemap::files_of(base, entries, sitemap::Limits::default())
    };
    sitemap::write_files(base, theme, urls, out).map_err(|d| vec![d])?;
    if settings.deploy.redirects && !theme.static_files.contains_key("_redirects") {
        let text = crate::output::deploy::redirects(all.iter().flat_map(|m| &m.redirects));
        write("_redirects", text.as_bytes())?;
    }
    Ok(())
}

/// The files of the whole portal a shard build writes (for its manifest): those that
/// list municipalities.
pub fn portal_files_written(settings: &PortalSettings, theme: &Theme) -> Vec<String> {
    let mut files: BTreeSet<&str> = ["index.html", "404.html"].into();
    if !theme.static_files.contains_key("sitemap.xml") {
        files.insert("sitemap.xml");
    }
    if !theme.static_files.contains_key("robots.txt") {
        files.insert("robots.txt");
    }
    if settings.deploy.redirects && !theme.static_files.contains_key("_redirects") {
        files.insert("_redirects");
    }
    files.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_parts_are_portal_files_only_with_the_sitemap() {
        let mut m = Manifest {
            wegweiser: "x".into(),
            shard: crate::build::shard::Shard { index: 1, count: 1 },
            portal: None,
            municipalities: Vec::new(),
            portal_files: vec!["index.html".into()],
        };
        assert!(is_portal_file(&m, "index.html"));
        assert!(!is_portal_file(&m, "sitemap-1.xml"));
        m.portal_files.push("sitemap.xml".into());
        assert!(is_portal_file(&m, "sitemap-12.xml"));
        assert!(!is_portal_file(&m, "sitemap-.xml"));
        assert!(!is_portal_file(&m, "m/sitemap-1.xml"));
    }
}
