//! Before an import writes anything: build-check the portal with the imported
//! translations in a staging copy, so that a translation whose links or anchors are
//! broken is refused (at its XLIFF line) and the portal never holds it.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::build::pipeline::{self, BuildOptions};
use crate::render::NoProgress;

use super::{ImportPlan, PlannedWrite, error_at, slash_path};

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> io::Result<TempDir> {
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for n in 0..100u32 {
            let dir = base.join(format!(
                "wegweiser-import-{}-{nanos}-{n}",
                std::process::id()
            ));
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("no free temporary folder name"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copy the portal at `from` into `to`, leaving out git's folder and the output
/// folder; symbolic links are followed for files and left out for folders.
fn copy_portal(from: &Path, to: &Path, skip: &BTreeSet<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if skip.contains(&path) || entry.file_name() == ".git" {
            continue;
        }
        let target = to.join(entry.file_name());
        let meta = fs::metadata(&path)?;
        if meta.is_dir() {
            if entry.file_type()?.is_symlink() {
                continue;
            }
            fs::create_dir(&target)?;
            copy_portal(&path, &target, skip)?;
        } else if meta.is_file() {
            fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

/// Where `w` lies in the staging copy.
fn staged(root: &Path, staging: &Path, w: &PlannedWrite) -> PathBuf {
    match w.path.strip_prefix(root) {
        Ok(rel) => staging.join(rel),
        Err(_) => staging.join(&w.file),
    }
}

/// The errors a check of the portal at `root` finds in the municipalities `only`.
fn check(root: &Path, only: &[String]) -> Vec<Diagnostic> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        only: only.to_vec(),
        write: false,
        ..Default::default()
    };
    match pipeline::build(&options, &NoProgress) {
        Ok(report) => report.diagnostics,
        Err(failure) => failure.diagnostics,
    }
    .into_iter()
    .filter(Diagnostic::is_error)
    .collect()
}

fn key(d: &Diagnostic) -> (String, String) {
    (slash_path(&d.file), d.message.clone())
}

/// Check the portal at `root` as a build does, with the planned translations in a
/// staging copy. A translation in which the check finds errors (a broken link, an
/// anchor its page lacks) is refused: it moves from `plan.writes` to `plan.errors`, at
/// its XLIFF line in `display`. If the translations break other files (an anchor that
/// a page of the portal links to is gone), the import as a whole is refused. Nothing in
/// the portal is written. `Err` when the staging copy cannot be made.
pub fn check_in_staging(
    root: &Path,
    display: &Path,
    plan: &mut ImportPlan,
) -> Result<(), Diagnostic> {
    if plan.writes.is_empty() {
        return Ok(());
    }
    let cannot = |e: io::Error| {
        Diagnostic::file(
            Severity::Error,
            display,
            format!(
                "cannot make a staging copy of the portal to check the import: {e}; nothing was imported"
            ),
        )
    };
    let tmp = TempDir::new().map_err(cannot)?;
    let staging = tmp.0.join("portal");
    fs::create_dir(&staging).map_err(cannot)?;
    let mut skip = BTreeSet::new();
    if let Ok(text) = fs::read_to_string(root.join("wegweiser.toml"))
        && let Ok(c) = crate::load::config::parse_toml::<crate::model::config::PortalConfig>(
            Path::new("wegweiser.toml"),
            &text,
            crate::model::config::PORTAL_KEYS,
        )
    {
        skip.insert(root.join(c.build.output_dir));
    }
    copy_portal(root, &staging, &skip).map_err(cannot)?;
    let only: Vec<String> = plan
        .writes
        .iter()
        .filter_map(|w| w.page.split('/').next().map(str::to_string))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for w in &plan.writes {
        let path = staged(root, &staging, w);
        fs::write(&path, &w.contents).map_err(cannot)?;
    }
    let mut before: Option<BTreeSet<(String, String)>> = None;
    // Refusing a translation can only remove problems, but check again to be sure
    // the rest stands on its own.
    for _ in 0..4 {
        let errors = check(&staging, &only);
        if errors.is_empty() {
            return Ok(());
        }
        let written: BTreeSet<String> = plan.writes.iter().map(|w| slash_path(&w.file)).collect();
        let (mine, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) = errors
            .into_iter()
            .partition(|d| written.contains(&slash_path(&d.file)));
        if !mine.is_empty() {
            let mut refused = Vec::new();
            plan.writes.retain(|w| {
                let file = slash_path(&w.file);
                let found: Vec<&Diagnostic> = mine
                    .iter()
                    .filter(|d| slash_path(&d.file) == file)
                    .collect();
                if found.is_empty() {
                    return true;
                }
                for d in found {
                    let mut e = error_at(
                        display,
                        w.line,
                        format!(
                            "page {}: not imported: {file}:{}:{} would have an error: {}",
                            w.page, d.line, d.column, d.message
                        ),
                    );
                    e.hint = d.hint.clone();
                    plan.errors.push(e);
                }
                refused.push(w.clone());
                false
            });
            // Put the staging copy back as it was for the refused ones.
            for w in refused {
                let path = staged(root, &staging, &w);
                let _ = if w.path.is_file() {
                    fs::copy(&w.path, &path).map(|_| ())
                } else {
                    fs::remove_file(&path)
                };
            }
            if plan.writes.is_empty() {
                return Ok(());
            }
            continue;
        }
        let before = before.get_or_insert_with(|| check(root, &only).iter().map(key).collect());
        let new: Vec<Diagnostic> = elsewhere
            .into_iter()
            .filter(|d| !before.contains(&key(d)))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        for d in &new {
            plan.errors.push(error_at(
                display,
                0,
                format!(
                    "the imported translations would break {}:{}:{}: {}",
                    slash_path(&d.file),
                    d.line,
                    d.column,
                    d.message
                ),
            ));
        }
        let pages: Vec<String> = plan.writes.drain(..).map(|w| w.page).collect();
        plan.errors.push(
            error_at(display, 0, format!("not imported: {}", pages.join(", "))).with_hint(
                "fix the links named above (or the translations they point to), then import again",
            ),
        );
        return Ok(());
    }
    Ok(())
}
