//! When files were last changed, from git: for the "the original was updated on …"
//! notice of outdated translations.
//!
//! One `git log` for all files of a build, run in the portal root. A portal that is no
//! git repository, a machine without git, or a file git does not track: no date, and
//! the notice reads without one. The dates are those of the commits, so a build of the
//! same commit gives the same pages.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Above this many bytes of paths the command line could get too long (Windows allows
/// 32,767 characters): then git lists the whole portal and the files are picked out.
const MAX_PATHSPEC_BYTES: usize = 24_000;

/// The date (`YYYY-MM-DD`, the committer's) of the last commit that changed each of
/// `files` (paths relative to `root`). Files without one are left out.
pub fn last_commit_dates(root: &Path, files: &[&Path]) -> BTreeMap<PathBuf, String> {
    let mut wanted: BTreeMap<String, &Path> = files
        .iter()
        .filter_map(|f| Some((git_path(f)?, *f)))
        .collect();
    let mut dates = BTreeMap::new();
    if wanted.is_empty() {
        return dates;
    }
    let mut command = Command::new("git");
    command
        .current_dir(root)
        // File names are file names, not patterns (`[id].md`, `:x`).
        .arg("--literal-pathspecs")
        .args(["-c", "log.showSignature=false", "log"])
        .args(["--format=%x01date %cd %P", "--date=short"])
        .args(["--name-only", "--relative", "-z", "--no-color", "--"])
        .env("GIT_TERMINAL_PROMPT", "0")
        // A partial clone must not go to the network for this.
        .env("GIT_NO_LAZY_FETCH", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if wanted.keys().map(|p| p.len() + 1).sum::<usize>() > MAX_PATHSPEC_BYTES {
        command.arg(".");
    } else {
        command.args(wanted.keys());
    }
    let Ok(mut child) = command.spawn() else {
        return dates;
    };
    // In a shallow clone the oldest commits there look like first commits that added
    // every file; their dates are not when the files changed.
    let shallow = is_shallow(root);
    if let Some(stdout) = child.stdout.take() {
        let mut current: Option<String> = None;
        for token in BufReader::new(stdout).split(b'\0') {
            let Ok(token) = token else { break };
            let Ok(token) = String::from_utf8(token) else {
                continue;
            };
            if let Some(header) = token.strip_prefix("\u{1}date ") {
                let mut parts = header.split(' ');
                let date = parts.next().unwrap_or_default();
                let has_parents = parts.any(|p| !p.is_empty());
                current = (crate::model::legal::Date::parse(date).is_some()
                    && (has_parents || !shallow))
                    .then(|| date.to_string());
                continue;
            }
            // The first file of a commit follows its header after a line break.
            let name = token.strip_prefix('\n').unwrap_or(&token);
            if let Some(date) = &current
                && let Some(path) = wanted.remove(name)
            {
                dates.insert(path.to_path_buf(), date.clone());
                if wanted.is_empty() {
                    break;
                }
            }
        }
    }
    // Every file has its date: the rest of the history is not needed.
    let _ = child.kill();
    let _ = child.wait();
    dates
}

/// `path` as git prints it: `/`-separated, relative. `None` for paths git cannot name.
fn git_path(path: &Path) -> Option<String> {
    let parts: Vec<&str> = path
        .components()
        .map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether the repository `root` is in is a shallow clone (has `.git/shallow`).
fn is_shallow(root: &Path) -> bool {
    let Ok(root) = crate::base::path::absolute(root) else {
        return false;
    };
    root.ancestors()
        .map(|dir| dir.join(".git"))
        .find(|git| git.exists())
        .is_some_and(|git| git.join("shallow").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str], date: &str) -> bool {
        Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    fn the_last_commit_of_each_file_counts() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path();
        let root = repo.join("portal");
        std::fs::create_dir_all(root.join("content/ort")).unwrap();
        if !git(repo, &["init", "-q"], "2026-01-01T00:00:00Z") {
            eprintln!("no git here: skipped");
            return;
        }
        std::fs::write(root.join("content/ort/a.de.md"), "a").unwrap();
        std::fs::write(root.join("content/ort/سكن [1].de.md"), "b").unwrap();
        assert!(git(repo, &["add", "-A"], "2026-03-21T10:00:00+01:00"));
        assert!(git(
            repo,
            &["commit", "-qm", "one"],
            "2026-03-21T10:00:00+01:00"
        ));
        std::fs::write(root.join("content/ort/a.de.md"), "a2").unwrap();
        // Late in the evening west of UTC: the committer's own date counts.
        assert!(git(
            repo,
            &["commit", "-qam", "two"],
            "2026-05-12T23:30:00-05:00"
        ));
        std::fs::write(root.join("content/ort/neu.de.md"), "untracked").unwrap();

        let a = Path::new("content/ort/a.de.md");
        let b = Path::new("content/ort/سكن [1].de.md");
        let new = Path::new("content/ort/neu.de.md");
        let dates = last_commit_dates(&root, &[a, b, new]);
        assert_eq!(dates.get(a).map(String::as_str), Some("2026-05-12"));
        assert_eq!(dates.get(b).map(String::as_str), Some("2026-03-21"));
        assert_eq!(dates.get(new), None, "untracked files have no date");
        // So many files that git is asked about the whole portal instead.
        let many: Vec<PathBuf> = (0..1000)
            .map(|i| PathBuf::from(format!("content/ort/missing-page-{i:04}.de.md")))
            .collect();
        let mut files: Vec<&Path> = many.iter().map(PathBuf::as_path).collect();
        files.push(b);
        let dates = last_commit_dates(&root, &files);
        assert_eq!(dates.len(), 1);
        assert_eq!(dates.get(b).map(String::as_str), Some("2026-03-21"));
        assert!(last_commit_dates(&root, &[]).is_empty());
    }

    #[test]
    fn outside_git_there_are_no_dates() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "a").unwrap();
        assert!(last_commit_dates(tmp.path(), &[Path::new("a.md")]).is_empty());
    }
}
