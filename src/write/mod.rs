//! Stage 4: write the site into a staging folder and swap it in only when the whole
//! build succeeded. A failed build leaves the previous output untouched, and wegweiser
//! never deletes a folder it did not create.
//!
//! The staging folder lies beside the output folder, which is then replaced by two
//! renames; where the output folder is a mount point (it cannot be renamed), the
//! staging folder lies inside it and the contents are swapped ([`swap_contents`]). A
//! marker file in the staging folder names the process writing it: an interrupted build
//! removes its own ([`interrupt`]), and every build removes those of processes that
//! have ended ([`remove_stale_staging`]).

pub mod interrupt;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use thiserror::Error;

use crate::base::path::absolute;

/// The file that marks a folder as wegweiser's output.
use crate::model::files::OUTPUT_MARKER as MARKER;

/// Why an output folder cannot be used.
#[derive(Debug, Error)]
pub enum OutputError {
    #[error("refusing to write the site into {0}: it is the portal itself or contains it")]
    ContainsPortal(PathBuf),
    #[error("refusing to write the site into {0}: it is inside the portal's {1}/ folder")]
    InsideSources(PathBuf, &'static str),
    #[error("refusing to replace {0}: it is not empty and was not created by wegweiser")]
    Foreign(PathBuf),
    #[error("cannot prepare the site in {0}: it exists and was not made by this wegweiser process")]
    Occupied(PathBuf),
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
    /// [`Sink::write`] bytes that are shared with others (a cache): a sink that keeps
    /// files in memory keeps these without a copy.
    fn write_shared(&self, rel: &str, bytes: &std::sync::Arc<[u8]>) -> io::Result<()> {
        self.write(rel, bytes)
    }
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
    layout: Layout,
    /// Swapped in: nothing to remove.
    committed: bool,
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let _writing = InFlight::start()?;
        let path = self.prepare(rel)?;
        if self.reuse(rel, &path, |old| fs::read(old).is_ok_and(|b| b == bytes)) {
            return Ok(());
        }
        fs::write(path, bytes)
    }

    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let _writing = InFlight::start()?;
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
            // Staging folders a killed build left inside do not count.
            let empty = fs::read_dir(&target)
                .map_err(io_err(&target))?
                .flatten()
                .all(|e| staging_owner(&e.path()).is_some());
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

/// The file inside a staging folder that names the process writing it, so that a later
/// build can tell a folder left behind by a process that has ended (removed) from one
/// of a build still running, or from a folder that is not wegweiser's (both kept).
pub const STAGING_MARKER: &str = ".wegweiser-staging";

/// The part of a staging folder's name before the process id.
const STAGING_INFIX: &str = "wegweiser-staging-";

/// Where a site is written before it replaces the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Beside the output folder, which is swapped as a whole by two renames.
    Beside,
    /// Inside the output folder, whose contents are swapped: for an output folder that
    /// is a mount point (containers and CI mount them), which cannot be renamed.
    Inside,
}

/// Staging folders (and old outputs moved aside) of this process, to remove when it is
/// interrupted.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set once a signal asks the process to end: nothing more is written.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Writes into staging folders in progress (see [`interrupt`]).
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

fn active() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    ACTIVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The process is being interrupted (SIGINT, SIGTERM): stop writing, wait for a swap in
/// progress to finish, and remove every staging folder of this process; the caller
/// exits afterwards. Builds of this process start no staging folder and no swap after
/// this (they fail).
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let mut folders = active();
    // Writes that saw the flag unset finish before the folders go.
    while IN_FLIGHT.load(Ordering::SeqCst) > 0 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    for folder in folders.drain(..) {
        let _ = fs::remove_dir_all(folder);
    }
}

/// A write into a staging folder, refused once the process is interrupted.
struct InFlight;

impl InFlight {
    fn start() -> io::Result<InFlight> {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        if INTERRUPTED.load(Ordering::SeqCst) {
            IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        Ok(InFlight)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The text of a staging folder's marker for process `pid`.
fn staging_marker(pid: u32) -> String {
    format!(
        "wegweiser {pid}\nA build of wegweiser (process {pid}) is writing this folder; \
         the next build removes it once that process has ended.\n"
    )
}

/// The process that wrote the staging folder `dir`, if `dir` is one: its name is
/// `.<output>.wegweiser-staging-<pid>` or `.wegweiser-staging-<pid>` (`.old` after
/// it, for an old output moved aside), and its marker names wegweiser and that pid.
fn staging_owner(dir: &Path) -> Option<u32> {
    let name = dir.file_name()?.to_str()?;
    let name = name.strip_suffix(".old").unwrap_or(name);
    let (_, pid) = name.strip_prefix('.')?.rsplit_once(STAGING_INFIX)?;
    let pid: u32 = pid.parse().ok()?;
    let marker = fs::read_to_string(dir.join(STAGING_MARKER)).ok()?;
    let first = marker.lines().next()?;
    (first == format!("wegweiser {pid}")).then_some(pid)
}

/// Whether process `pid` is still running (on this machine).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    // Without a way to ask, every folder could be a running build's: keep them.
    true
}

/// Remove the staging folders in `dir` that earlier builds left behind: those with
/// wegweiser's marker whose process has ended. Returns how many.
pub fn remove_stale_staging(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if let Some(pid) = staging_owner(&path).filter(|_| is_dir)
            && pid != std::process::id()
            && !alive(pid)
            && fs::remove_dir_all(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Whether `dir` is a mount point: on another device than its parent, or (a bind
/// mount of the same file system) listed as one in /proc/self/mountinfo.
pub fn is_mount_point(dir: &Path) -> bool {
    let Ok(real) = fs::canonicalize(dir) else {
        return false;
    };
    let Some(parent) = real.parent() else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (fs::metadata(&real), fs::metadata(parent))
            && (a.dev() != b.dev() || a.ino() == b.ino())
        {
            return true;
        }
    }
    fs::read_to_string("/proc/self/mountinfo").is_ok_and(|table| {
        table.lines().any(|line| {
            line.split(' ')
                .nth(4)
                .is_some_and(|point| unescape_mountinfo(point) == real.as_os_str())
        })
    })
}

/// A path of /proc/self/mountinfo, whose spaces and the like are written `\040`.
fn unescape_mountinfo(field: &str) -> std::ffi::OsString {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            std::str::from_utf8(d)
                .ok()
                .and_then(|d| u8::from_str_radix(d, 8).ok())
        });
        match (bytes[i], octal) {
            (b'\\', Some(b)) => {
                out.push(b);
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        std::ffi::OsString::from_vec(out)
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(&out).into_owned().into()
    }
}

/// Move `from` to `to`: a rename, or a copy where they are on different file systems.
fn move_entry(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(e) if e.raw_os_error() == Some(EXDEV) => {
            copy_tree(from, to)?;
            if from.is_dir() {
                fs::remove_dir_all(from)
            } else {
                fs::remove_file(from)
            }
        }
        other => other,
    }
}

#[cfg(unix)]
const EXDEV: i32 = libc::EXDEV;
#[cfg(unix)]
const EBUSY: i32 = libc::EBUSY;
#[cfg(not(unix))]
const EXDEV: i32 = 17; // ERROR_NOT_SAME_DEVICE
#[cfg(not(unix))]
const EBUSY: i32 = 32; // ERROR_SHARING_VIOLATION

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(from).map_err(io::Error::other)?;
        // `to.join("")` would end in a slash: a file copied alone goes to `to` itself.
        let dest = if rel.as_os_str().is_empty() {
            to.to_path_buf()
        } else {
            to.join(rel)
        };
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest)?;
        } else {
            fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// Replace the contents of `target` with those of `new` (staging marker aside): the
/// old entries go into `aside` (a new folder inside `target`), the new ones are moved
/// in, then the old ones are deleted. Should a move fail, everything is moved back: the
/// old site stays. `new` may lie inside `target` (it is left alone there), or beside.
pub fn swap_contents(target: &Path, new: &Path, aside: &Path) -> io::Result<()> {
    let keep = |name: &std::ffi::OsStr| {
        Some(name) == new.file_name() && new.parent() == Some(target)
            || Some(name) == aside.file_name()
            || staging_owner(&target.join(name)).is_some()
    };
    fs::create_dir(aside)?;
    fs::write(
        aside.join(STAGING_MARKER),
        staging_marker(std::process::id()),
    )?;
    let mut moved_old = Vec::new();
    let mut moved_new = Vec::new();
    let result = (|| -> io::Result<()> {
        for entry in fs::read_dir(target)? {
            let name = entry?.file_name();
            if !keep(&name) {
                fs::rename(target.join(&name), aside.join(&name))?;
                moved_old.push(name);
            }
        }
        for entry in fs::read_dir(new)? {
            let name = entry?.file_name();
            if name != STAGING_MARKER {
                move_entry(&new.join(&name), &target.join(&name))?;
                moved_new.push(name);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for name in moved_new.iter().rev() {
            let _ = move_entry(&target.join(name), &new.join(name));
        }
        for name in moved_old.iter().rev() {
            let _ = fs::rename(aside.join(name), target.join(name));
        }
        let _ = fs::remove_dir_all(aside);
        return Err(e);
    }
    fs::remove_dir_all(aside)
}

impl Staging {
    /// Start writing a site that will replace `target` (checked with [`check_target`]):
    /// beside it, or inside it when it is a mount point.
    pub fn begin(target: &Path) -> Result<Staging, OutputError> {
        let abs = absolute(target).map_err(io_err(target))?;
        let layout = if abs.is_dir() && is_mount_point(&abs) {
            Layout::Inside
        } else {
            Layout::Beside
        };
        Staging::begin_with(target, layout)
    }

    /// [`Staging::begin`] with the layout chosen by the caller (tests of a layout on
    /// any machine; [`Layout::Inside`] needs `target` to exist).
    pub fn begin_with(target: &Path, layout: Layout) -> Result<Staging, OutputError> {
        let target = absolute(target).map_err(io_err(target))?;
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = target
            .file_name()
            .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let pid = std::process::id();
        // Folders of earlier builds that were killed, in both places they can be.
        remove_stale_staging(&parent);
        if target.is_dir() {
            remove_stale_staging(&target);
        }
        let staging = match layout {
            Layout::Beside => parent.join(format!(".{name}.{STAGING_INFIX}{pid}")),
            Layout::Inside => target.join(format!(".{STAGING_INFIX}{pid}")),
        };
        let mut folders = active();
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(io_err(&staging)(io::Error::new(
                io::ErrorKind::Interrupted,
                "interrupted",
            )));
        }
        if fs::symlink_metadata(&staging).is_ok() {
            // Left by an earlier build of this process; anything else is not ours.
            if staging_owner(&staging) != Some(pid) {
                return Err(OutputError::Occupied(staging));
            }
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_err(&staging))?;
        folders.push(staging.clone());
        drop(folders);
        let staging = Staging {
            previous: target.join(MARKER).is_file().then(|| target.clone()),
            target,
            staging,
            layout,
            committed: false,
        };
        let marked = fs::write(staging.staging.join(STAGING_MARKER), staging_marker(pid))
            .and_then(|()| {
                fs::write(
                    staging.staging.join(MARKER),
                    "This folder was written by wegweiser; `wegweiser build` replaces it as a whole.\n",
                )
            });
        marked.map_err(io_err(&staging.staging))?;
        Ok(staging)
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

    /// Where the site is written before the swap.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Swap the finished site in place of the old one.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        // A signal arriving now waits for the swap (see `interrupt`).
        let mut folders = active();
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(io_err(&self.target)(io::Error::new(
                io::ErrorKind::Interrupted,
                "interrupted",
            )));
        }
        let result = match self.layout {
            Layout::Inside => self.swap_inside(),
            Layout::Beside => self.swap_beside(&mut folders),
        };
        folders.retain(|f| *f != self.staging);
        drop(folders);
        self.committed = result.is_ok();
        result.map(|()| self.target.clone())
    }

    fn swap_inside(&self) -> Result<(), OutputError> {
        let aside = self.target.join(format!(
            "{}.old",
            self.staging
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
        ));
        swap_contents(&self.target, &self.staging, &aside).map_err(io_err(&self.target))?;
        fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))
    }

    fn swap_beside(&self, folders: &mut Vec<PathBuf>) -> Result<(), OutputError> {
        let old = self.staging.with_file_name(format!(
            "{}.old",
            self.staging
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
        ));
        let had_old = self.target.exists();
        if had_old {
            match fs::rename(&self.target, &old) {
                Ok(()) => {}
                // A mount point that `begin` did not recognise: swap its contents.
                Err(e) if matches!(e.raw_os_error(), Some(EBUSY | EXDEV)) => {
                    let aside = self
                        .target
                        .join(format!(".{STAGING_INFIX}{}.old", std::process::id()));
                    swap_contents(&self.target, &self.staging, &aside)
                        .map_err(io_err(&self.target))?;
                    return fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging));
                }
                Err(e) => return Err(io_err(&self.target)(e)),
            }
            folders.push(old.clone());
            let _ = fs::write(old.join(STAGING_MARKER), staging_marker(std::process::id()));
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::remove_file(old.join(STAGING_MARKER));
                let _ = fs::rename(&old, &self.target);
            }
            folders.retain(|f| *f != old);
            return Err(io_err(&self.target)(e));
        }
        let _ = fs::remove_file(self.target.join(STAGING_MARKER));
        if had_old {
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
            folders.retain(|f| *f != old);
        }
        Ok(())
    }

    /// Throw the staging folder away; the old site stays.
    pub fn abort(self) {
        drop(self);
    }
}

/// A staging folder that is not committed (an error, a panic) is removed.
impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut folders = active();
            let _ = fs::remove_dir_all(&self.staging);
            folders.retain(|f| *f != self.staging);
        }
    }
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
