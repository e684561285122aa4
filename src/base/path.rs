//! Paths without domain knowledge.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The URL path `rel` (`/`-separated) followed from the folders `parts`: empty and `.`
/// segments are skipped, `..` goes up one; `None` when it would leave the root. The
/// result has no leading or trailing slash.
pub fn follow_url_path<'a>(mut parts: Vec<&'a str>, rel: &'a str) -> Option<String> {
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
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
