//! Symbolic links in a portal (issue 15). Git stores symbolic links, so a portal
//! repository (or a pull request to it) can hold a link to `/proc/self/environ` or
//! `/etc/passwd`; followed blindly, a build would publish the CI machine's secrets.
//!
//! The rule, for every file and folder wegweiser reads below the portal root (content,
//! static files, templates, themes, page bundles): a symbolic link is followed when
//! its target lies inside the portal root and is not hidden there (`.git/config` holds
//! a CI's credentials); a link leading elsewhere, and a link whose target does not
//! exist, is an error at the link's path. Paths are compared in their canonical form,
//! so a portal named through a relative path or a symbolic link of its own works.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::{display_of, is_ignored};

/// The portal root as given and as the file system spells it (no `..`, no links).
#[derive(Debug, Clone)]
pub struct Root {
    given: PathBuf,
    real: PathBuf,
}

impl Root {
    pub fn new(root: &Path) -> Root {
        let real = fs::canonicalize(root)
            .or_else(|_| crate::base::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        Root {
            given: root.to_path_buf(),
            real,
        }
    }

    /// The root as it was named.
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// Why `path` (below the root as given) may not be read, if it leads outside the
    /// portal or nowhere. Every link on the way counts, not only the last one.
    pub fn check(&self, path: &Path) -> Result<(), Diagnostic> {
        match fs::canonicalize(path) {
            Ok(real) => match real.strip_prefix(&self.real) {
                Ok(rel)
                    if !rel
                        .components()
                        .any(|c| c.as_os_str().to_str().is_none_or(is_ignored)) =>
                {
                    Ok(())
                }
                Ok(_) => Err(self.problem(
                    path,
                    format!(
                        "symbolic link to {}, a hidden or backup file of the portal: wegweiser publishes neither",
                        self.target_of(path)
                    ),
                )),
                Err(_) => Err(self.problem(
                    path,
                    format!(
                        "symbolic link to {}, outside the portal: wegweiser publishes no files from outside the portal folder",
                        self.target_of(path)
                    ),
                )),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A path the walk found but that cannot be resolved: a dangling link
                // (at the path itself or on its way).
                Err(self
                    .problem(
                        path,
                        format!(
                            "symbolic link to {}, which does not exist",
                            self.target_of(path)
                        ),
                    )
                    .with_hint("remove the link, or restore the file it points to"))
            }
            Err(e) => Err(Diagnostic::file(
                Severity::Error,
                display_of(&self.given, path),
                format!("cannot read: {e}"),
            )),
        }
    }

    /// [`Root::check`] for a path that may not exist at all (`actors.toml`): only a
    /// path that is there, as a file or as a link, is checked.
    pub fn check_if_present(&self, path: &Path) -> Result<(), Diagnostic> {
        if fs::symlink_metadata(path).is_err() {
            return Ok(());
        }
        self.check(path)
    }

    /// [`Root::check`] for a file found by a walk that checked its folders already:
    /// only a link costs more than one `lstat`.
    pub fn check_file(&self, path: &Path) -> Result<(), Diagnostic> {
        match fs::symlink_metadata(path) {
            Ok(meta) if !meta.file_type().is_symlink() => Ok(()),
            _ => self.check(path),
        }
    }

    /// The target of the link at `path` as written, quoted (or of the first link on
    /// its way).
    fn target_of(&self, path: &Path) -> String {
        if let Ok(target) = fs::read_link(path) {
            return format!("`{}`", target.display());
        }
        for ancestor in path.ancestors().skip(1) {
            if let Ok(target) = fs::read_link(ancestor) {
                return format!(
                    "`{}` (by way of {})",
                    target.display(),
                    display_of(&self.given, ancestor).display()
                );
            }
        }
        "another place".to_string()
    }

    fn problem(&self, path: &Path, message: String) -> Diagnostic {
        Diagnostic::file(Severity::Error, display_of(&self.given, path), message)
            .with_hint("copy the file into the portal, or let the link point to a file inside it")
    }

    /// All files below `dir` (itself below the root), as (relative `/` path, path),
    /// sorted; editor backups and hidden files are skipped. Links inside the portal are
    /// followed; every link that may not be followed, every loop and every unreadable
    /// entry is reported in `diagnostics`. A missing `dir` has no files.
    pub fn files_below(
        &self,
        dir: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<(String, PathBuf)> {
        let mut files = Vec::new();
        if fs::symlink_metadata(dir).is_err() {
            return files;
        }
        if let Err(d) = self.check(dir) {
            diagnostics.push(d);
            return files;
        }
        if !dir.is_dir() {
            return files;
        }
        let refused = std::cell::RefCell::new(Vec::new());
        let walker = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && e.file_name().to_str().is_some_and(is_ignored) {
                    return false;
                }
                // Below a folder that is inside the portal, only a link can lead out.
                if e.depth() > 0
                    && e.path_is_symlink()
                    && let Err(d) = self.check(e.path())
                {
                    refused.borrow_mut().push(d);
                    return false;
                }
                true
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| dir.to_path_buf());
                    // A link leading out of the portal is refused before walkdir
                    // looks further (a link to an ancestor of the portal is a loop too).
                    let refused = is_link(&path).then(|| self.check(&path).err()).flatten();
                    let diagnostic = if let Some(d) = refused {
                        d
                    } else if let Some(ancestor) = e.loop_ancestor() {
                        Diagnostic::file(
                            Severity::Error,
                            display_of(&self.given, &path),
                            format!(
                                "symbolic link loop: this folder links back to {}",
                                display_of(&self.given, ancestor).display()
                            ),
                        )
                    } else {
                        Diagnostic::file(
                            Severity::Error,
                            display_of(&self.given, &path),
                            format!(
                                "cannot read: {}",
                                e.io_error().map_or(e.to_string(), |io| io.to_string())
                            ),
                        )
                    };
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel_path = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let Some(rel) = rel_path.to_str() else {
                diagnostics.push(Diagnostic::file(
                    Severity::Error,
                    display_of(&self.given, entry.path()),
                    "file name is not valid UTF-8",
                ));
                continue;
            };
            files.push((rel.replace('\\', "/"), entry.into_path()));
        }
        diagnostics.extend(refused.into_inner());
        files
    }
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn portal() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("portal");
        fs::create_dir_all(root.join("content/m/bundle")).unwrap();
        fs::write(root.join("content/m/a.md"), "a").unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join(".git/config"), "token").unwrap();
        fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        (dir, root)
    }

    fn messages(d: &[Diagnostic]) -> Vec<String> {
        d.iter()
            .map(|d| format!("{}: {}", d.file.display(), d.message))
            .collect()
    }

    #[test]
    fn links_inside_are_followed_and_others_refused() {
        let (dir, root) = portal();
        let m = root.join("content/m");
        symlink("../a.md", m.join("bundle/b.md")).unwrap();
        symlink(dir.path().join("secret.txt"), m.join("bundle/env")).unwrap();
        symlink("../../../secret.txt", m.join("relative")).unwrap();
        symlink("/nowhere/at/all", m.join("dangling")).unwrap();
        symlink("../../.git/config", m.join("git")).unwrap();
        symlink(dir.path(), m.join("outside-folder")).unwrap();
        let r = Root::new(&root);
        let mut d = Vec::new();
        let files = r.files_below(&m, &mut d);
        let names: Vec<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
        assert_eq!(names, ["a.md", "bundle/b.md"]);
        let shown = messages(&d).join("\n");
        assert_eq!(d.len(), 5, "{shown}");
        for (file, what) in [
            ("content/m/bundle/env", "outside the portal"),
            ("content/m/relative", "outside the portal"),
            ("content/m/outside-folder", "outside the portal"),
            ("content/m/dangling", "does not exist"),
            ("content/m/git", "hidden or backup file"),
        ] {
            assert!(
                d.iter()
                    .any(|d| d.file == Path::new(file) && d.message.contains(what)),
                "{file}: {what}\n{shown}"
            );
        }
        assert!(d.iter().all(Diagnostic::is_error));
    }

    #[test]
    fn a_root_named_through_a_link_or_relatively_is_the_same_portal() {
        let (dir, root) = portal();
        let alias = dir.path().join("alias");
        symlink(&root, &alias).unwrap();
        symlink("a.md", root.join("content/m/b.md")).unwrap();
        for named in [
            alias.clone(),
            alias.join("../portal"),
            root.join("content/.."),
        ] {
            let mut d = Vec::new();
            let files = Root::new(&named).files_below(&named.join("content/m"), &mut d);
            assert!(d.is_empty(), "{named:?}: {:?}", messages(&d));
            assert_eq!(files.len(), 2, "{named:?}");
        }
    }

    #[test]
    fn a_folder_linked_from_outside_is_refused_at_its_start() {
        let (dir, root) = portal();
        fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        fs::write(dir.path().join("elsewhere/x.md"), "x").unwrap();
        symlink(dir.path().join("elsewhere"), root.join("content/n")).unwrap();
        let r = Root::new(&root);
        let mut d = Vec::new();
        assert!(r.files_below(&root.join("content/n"), &mut d).is_empty());
        assert_eq!(
            messages(&d),
            ["content/n: symbolic link to `".to_string()
                + &dir.path().join("elsewhere").display().to_string()
                + "`, outside the portal: wegweiser publishes no files from outside the portal folder"]
        );
        assert!(r.check(&root.join("content/n/x.md")).is_err());
        assert!(
            r.check_if_present(&root.join("content/m/none.toml"))
                .is_ok()
        );
        assert!(r.check_file(&root.join("content/m/a.md")).is_ok());
    }
}
