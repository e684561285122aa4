//! Stage 4: write the site into a staging folder and swap it in only when the whole
//! build succeeded. A failed build leaves the previous output untouched, and wegweiser
//! never deletes a folder it did not create.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

/// Name of the file that marks a folder as wegweiser's output.
pub const MARKER: &str = ".wegweiser-output";

/// Why an output folder cannot be used.
#[derive(Debug, Error)]
pub enum OutputError {
    #[error("refusing to write the site into {0}: it is the portal itself or contains it")]
    ContainsPortal(PathBuf),
    #[error("refusing to write the site into {0}: it is inside the portal's {1}/ folder")]
    InsideSources(PathBuf, &'static str),
    #[error("refusing to replace {0}: it is not empty and was not created by wegweiser")]
    Foreign(PathBuf),
    #[error("{0} exists and is not a folder")]
    NotADirectory(PathBuf),
    #[error("cannot prepare {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where rendered files go.
pub trait Sink: Sync {
    /// Write `bytes` to `rel` (a `/`-separated path below the site root).
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copy a file to `rel`.
    fn copy(&self, from: &Path, rel: &str) -> io::Result<()>;
}

/// Discards everything: `wegweiser check` renders without writing.
pub struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn copy(&self, from: &Path, _: &str) -> io::Result<()> {
        fs::File::open(from).map(|_| ())
    }
}

/// A site being written.
///
/// Files that are the same as in the previous output are hard-linked from there instead
/// of written again: on a rebuild most pages do not change, and a link costs the file
/// system far less than a new file does, both now and when the old site is deleted.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    /// The previous output, when there is one written by wegweiser.
    previous: Option<PathBuf>,
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.prepare(rel)?;
        if self.reuse(rel, &path, |old| fs::read(old).is_ok_and(|b| b == bytes)) {
            return Ok(());
        }
        fs::write(path, bytes)
    }

    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let path = self.prepare(rel)?;
        let same = |old: &Path| match (fs::metadata(old), fs::metadata(from)) {
            (Ok(a), Ok(b)) if a.len() == b.len() => fs::read(old)
                .ok()
                .zip(fs::read(from).ok())
                .is_some_and(|(a, b)| a == b),
            _ => false,
        };
        if self.reuse(rel, &path, same) {
            return Ok(());
        }
        fs::copy(from, path).map(|_| ())
    }
}

/// A hidden temporary name beside `path`, for writing it atomically.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.wegweiser-tmp"))
}

/// Replace `path` with `contents` through a temporary file and a rename: readers (and a
/// crash) see the old file or the new one, never half of it.
pub fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    fs::write(&tmp, contents)
        .and_then(|()| fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
}

/// Make `path` absolute and lexically normal (without touching the file system).
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Check that `target` may be (re)written for the portal at `root`.
pub fn check_target(root: &Path, target: &Path) -> Result<(), OutputError> {
    let root = absolute(root).map_err(io_err(root))?;
    let target = absolute(target).map_err(io_err(target))?;
    let real_root = fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let real_target = canonical_prefix(&target);
    if real_root.starts_with(&real_target) || root.starts_with(&target) {
        return Err(OutputError::ContainsPortal(target));
    }
    for source in ["content", "static", "templates", "themes"] {
        if real_target.starts_with(real_root.join(source)) || target.starts_with(root.join(source))
        {
            return Err(OutputError::InsideSources(target, source));
        }
    }
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_dir() => Err(OutputError::NotADirectory(target)),
        Ok(_) => {
            let empty = fs::read_dir(&target)
                .map_err(io_err(&target))?
                .next()
                .is_none();
            if empty || target.join(MARKER).is_file() {
                Ok(())
            } else {
                Err(OutputError::Foreign(target))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(&target)(e)),
    }
}

/// The canonical form of the longest existing ancestor, with the rest appended.
fn canonical_prefix(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

impl Staging {
    /// Start writing a site that will replace `target` (checked with [`check_target`]).
    pub fn begin(target: &Path) -> Result<Staging, OutputError> {
        let target = absolute(target).map_err(io_err(target))?;
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = target
            .file_name()
            .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let staging = parent.join(format!(".{name}.wegweiser-staging-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_err(&staging))?;
        fs::write(
            staging.join(MARKER),
            "This folder was written by wegweiser; `wegweiser build` replaces it as a whole.\n",
        )
        .map_err(io_err(&staging))?;
        let previous = target.join(MARKER).is_file().then(|| target.clone());
        Ok(Staging {
            target,
            staging,
            previous,
        })
    }

    /// The path of `rel` in the staging folder, with its folder created.
    fn prepare(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.staging.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(path)
    }

    /// Link the previous output's `rel` to `path` if `unchanged` says it is the same.
    fn reuse(&self, rel: &str, path: &Path, unchanged: impl FnOnce(&Path) -> bool) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let old = previous.join(rel);
        unchanged(&old) && fs::hard_link(&old, path).is_ok()
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Swap the finished site in place of the old one.
    pub fn commit(self) -> Result<PathBuf, OutputError> {
        let old = self.staging.with_file_name(format!(
            "{}.old",
            self.staging
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            let _ = fs::remove_dir_all(&self.staging);
            return Err(io_err(&self.target)(e));
        }
        if had_old {
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        }
        Ok(self.target.clone())
    }

    /// Throw the staging folder away; the old site stays.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_targets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("portal");
        fs::create_dir_all(root.join("content/m")).unwrap();
        assert!(matches!(
            check_target(&root, &root),
            Err(OutputError::ContainsPortal(_))
        ));
        assert!(matches!(
            check_target(&root, dir.path()),
            Err(OutputError::ContainsPortal(_))
        ));
        assert!(matches!(
            check_target(&root, &root.join("content/m/out")),
            Err(OutputError::InsideSources(_, "content"))
        ));
        let foreign = root.join("docs");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(matches!(
            check_target(&root, &foreign),
            Err(OutputError::Foreign(_))
        ));
        assert!(check_target(&root, &root.join("public")).is_ok());
        assert!(check_target(&root, &root.join("content/../public")).is_ok());
    }

    #[test]
    fn commit_swaps_and_abort_keeps_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert!(check_target(dir.path().join("x").as_path(), &out).is_ok());

        let s = Staging::begin(&out).unwrap();
        s.write("a/index.html", b"two").unwrap();
        s.abort();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        let s = Staging::begin(&out).unwrap();
        s.write("b/index.html", b"three").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a").exists());

        // Unchanged files are linked from the previous output; changed ones written anew.
        let s = Staging::begin(&out).unwrap();
        s.write("b/index.html", b"three").unwrap();
        s.write("c/index.html", b"four").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("b/index.html")).unwrap(), b"three");
        assert_eq!(fs::read(out.join("c/index.html")).unwrap(), b"four");
        let s = Staging::begin(&out).unwrap();
        s.write("b/index.html", b"changed").unwrap();
        s.abort();
        assert_eq!(
            fs::read(out.join("b/index.html")).unwrap(),
            b"three",
            "old output intact"
        );
        assert!(out.join(MARKER).is_file());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging or old folders left behind");
    }
}
