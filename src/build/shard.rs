//! Building part of a portal: `--shard I/N` (one of N machines, for portals larger than
//! one) and `--changed-since REF` (only municipalities with changes, for previews).
//!
//! A shard build writes, besides its pages, a small manifest ([`crate::model::files::SHARD_MANIFEST`]) with what
//! the files of the whole portal need to know about its municipalities (portal index
//! and 404 entries, sitemap entries, redirect rules). `wegweiser merge` joins the
//! shards and writes those files anew from the manifests, so that the merged site is
//! the same, byte for byte, as one build of the whole portal (see [`crate::build::merge`]).

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::config::DeploySettings;
use crate::output::deploy::Rule;
use crate::output::sitemap::Entry;
use crate::render::portal::PortalEntry;

/// One of `count` parts of a portal; `index` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("`{s}` is no shard: write I/N with 1 ≤ I ≤ N, such as 2/3");
        let (i, n) = s.split_once('/').ok_or_else(wrong)?;
        let index: usize = i.trim().parse().map_err(|_| wrong())?;
        let count: usize = n.trim().parse().map_err(|_| wrong())?;
        if index == 0 || index > count {
            return Err(wrong());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The municipality folders below `content/`, sorted.
pub fn municipality_folders(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("content")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| !crate::load::is_ignored(name))
        .collect();
    out.sort();
    out
}

/// How many Markdown files (pages in one language) each municipality has: what a
/// build of it costs.
pub fn page_counts(root: &Path, municipalities: &[String]) -> Vec<(String, usize)> {
    municipalities
        .iter()
        .map(|m| {
            let pages = walkdir::WalkDir::new(root.join("content").join(m))
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_str().is_some_and(crate::load::is_ignored)
                })
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                .count();
            (m.clone(), pages)
        })
        .collect()
}

/// Split municipalities into `count` shards of about equal work: the largest first,
/// each onto the shard with the fewest pages so far (the lowest-numbered one on a tie);
/// equal sizes go in name order. Deterministic: every machine of a CI matrix computes
/// the same split. Each shard's municipalities come back sorted.
pub fn assign(weights: &[(String, usize)], count: usize) -> Vec<Vec<String>> {
    let mut order: Vec<&(String, usize)> = weights.iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut shards: Vec<(usize, Vec<String>)> = vec![(0, Vec::new()); count.max(1)];
    for (name, pages) in order {
        let lightest = shards
            .iter_mut()
            .min_by_key(|(load, _)| *load)
            .expect("at least one shard");
        lightest.0 += pages.max(&1);
        lightest.1.push(name.clone());
    }
    shards
        .into_iter()
        .map(|(_, mut names)| {
            names.sort();
            names
        })
        .collect()
}

/// What `--changed-since` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// A change outside the municipalities' folders (configuration, theme, templates,
    /// static files): everything.
    All,
    /// Only these municipalities (perhaps none).
    Municipalities(BTreeSet<String>),
}

/// The municipalities with changes in the portal at `root` since the git revision
/// `since`: committed, staged, unstaged and new untracked files alike. Only what a
/// build reads counts (`wegweiser.toml`, `content/`, `static/`, `templates/`,
/// `themes/`); a README does not.
pub fn changed_since(root: &Path, since: &str) -> Result<Changed, String> {
    if since.starts_with('-') {
        return Err(format!("`{since}` is not a git revision"));
    }
    let run = |args: &[&str]| -> Result<Vec<String>, String> {
        let out = Command::new("git")
            .current_dir(root)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_NO_LAZY_FETCH", "1")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(format!(
                "git {} failed: {}",
                args.join(" "),
                err.lines().next().unwrap_or("").trim()
            ));
        }
        Ok(out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect())
    };
    // `--relative`: paths from the portal root, and nothing outside it.
    let mut paths = run(&[
        "-c",
        "core.quotepath=off",
        "diff",
        "--name-only",
        "--no-renames",
        "--relative",
        "-z",
        since,
        "--",
    ])?;
    paths.extend(run(&[
        "ls-files",
        "--others",
        "--exclude-standard",
        "-z",
        "--",
        ".",
    ])?);
    Ok(classify(paths.iter().map(String::as_str)))
}

/// Sort changed paths (relative to the portal root) into what they affect.
pub fn classify<'a>(paths: impl IntoIterator<Item = &'a str>) -> Changed {
    let mut found = BTreeSet::new();
    for path in paths {
        let mut parts = path.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            // Hidden files and editor backups are no part of the portal.
            (Some("content"), Some(m), _) if crate::load::is_ignored(m) => {}
            (Some("content"), Some(m), Some(_)) => {
                found.insert(m.to_string());
            }
            (Some("wegweiser.toml"), None, _)
            | (Some("content" | "static" | "templates" | "themes"), Some(_), _) => {
                return Changed::All;
            }
            _ => {}
        }
    }
    Changed::Municipalities(found)
}

/// The manifest of a shard build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The wegweiser version that wrote it: shards must come from the same one.
    pub wegweiser: String,
    pub shard: Shard,
    /// What every shard of one portal shares; `None` for a shard without
    /// municipalities (it built nothing).
    pub portal: Option<PortalSettings>,
    pub municipalities: Vec<ManifestMunicipality>,
    /// Files at the root this shard wrote for its municipalities alone: the merge
    /// writes them anew for all.
    pub portal_files: Vec<String>,
}

/// The settings the files of the whole portal are made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalSettings {
    pub title: String,
    pub base_url: String,
    pub theme: Option<String>,
    pub minify: bool,
    pub deploy: DeploySettings,
}

/// What the files of the whole portal need of one municipality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestMunicipality {
    #[serde(flatten)]
    pub portal: PortalEntry,
    pub sitemap: Vec<Entry>,
    pub redirects: Vec<Rule>,
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("manifests serialise");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("3".parse::<Shard>().is_err());
        assert!("a/b".parse::<Shard>().is_err());
    }

    #[test]
    fn largest_first_onto_the_lightest_shard() {
        let w: Vec<(String, usize)> = [("a", 10), ("b", 7), ("c", 5), ("d", 5), ("e", 1)]
            .iter()
            .map(|(n, p)| (n.to_string(), *p))
            .collect();
        // a(10) → 1; b(7) → 2; c(5) → 2 (7 < 10); d(5) → 1 (10 < 12); e(1) → 2 (12 < 15).
        assert_eq!(
            assign(&w, 2),
            vec![
                vec!["a".to_string(), "d".into()],
                vec!["b".into(), "c".into(), "e".into()]
            ]
        );
        let three = assign(&w, 3);
        assert_eq!(three.iter().map(Vec::len).sum::<usize>(), 5);
        assert_eq!(assign(&w, 1), vec![vec!["a", "b", "c", "d", "e"]]);
        // More shards than municipalities: some are empty.
        assert_eq!(assign(&w[..1], 3)[1], Vec::<String>::new());
        // Input order does not matter.
        let mut rev = w.clone();
        rev.reverse();
        assert_eq!(assign(&rev, 3), three);
    }

    #[test]
    fn changes_are_classified() {
        let m =
            |names: &[&str]| Changed::Municipalities(names.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            classify(["content/a/x.de.md", "content/b/c/y.md"]),
            m(&["a", "b"])
        );
        assert_eq!(classify(["README.md", ".github/workflows/x.yml"]), m(&[]));
        assert_eq!(
            classify(["content/a/x.de.md", "wegweiser.toml"]),
            Changed::All
        );
        assert_eq!(classify(["themes/t/templates/page.html"]), Changed::All);
        assert_eq!(classify(["static/logo.svg"]), Changed::All);
        assert_eq!(classify(["content/.x/y"]), m(&[]));
    }
}
