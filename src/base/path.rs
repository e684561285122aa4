//! Paths without domain knowledge.

use std::io;
use std::path::{Component, Path, PathBuf};

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
