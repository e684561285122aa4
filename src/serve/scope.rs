//! Which part of the site a change touches, and how the files of a render are collected
//! and replace those of the last one (see [`super::session`]).

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::load;
use crate::model::front_matter::FrontMatter;
use crate::model::{LangIdx, Municipality, PageKind, Site};
use crate::render::jobs::{RenderScope, actor_bits};
use crate::write::Sink;

use super::session::Served;

/// Put the files of a render of `scope` into the site: the files it renders replace
/// those it rendered last time (files of the whole portal, of the municipality, of
/// the page).
pub(super) fn merge(
    files: &mut BTreeMap<String, Served>,
    site: &Site,
    scope: RenderScope,
    deferred: &[(usize, LangIdx)],
    written: Vec<(String, Served)>,
) {
    let slugs: BTreeSet<&str> = site
        .municipalities
        .iter()
        .map(|m| m.slug.as_str())
        .collect();
    let owner = |rel: &str| {
        let first = rel.split('/').next().unwrap_or("");
        slugs.get(first).copied()
    };
    match scope {
        RenderScope::All => files.clear(),
        // Its search bundles still to be indexed again (`deferred`) stay until they are
        // replaced; the files of a bundle that no longer exists go.
        RenderScope::Municipality(m) => {
            let municipality = &site.municipalities[m];
            let slug = municipality.slug.as_str();
            let kept: BTreeSet<String> = deferred
                .iter()
                .filter(|&&(of, _)| of == m)
                .map(|&(_, lang)| {
                    format!("{}/", crate::model::search::bundle_dir(municipality, lang))
                })
                .collect();
            files.retain(|rel, _| {
                owner(rel).is_some_and(|o| o != slug)
                    || kept.iter().any(|prefix| rel.starts_with(prefix.as_str()))
            });
        }
        // Its pages keep their paths, and the portal's own files are not rendered. A
        // search bundle it rebuilt replaces the old one whole: its files are named by
        // their content.
        RenderScope::Page { .. } => {
            let rebuilt: BTreeSet<String> = written
                .iter()
                .filter_map(|(rel, _)| crate::model::search::bundle_of(rel))
                .map(|b| format!("{b}/"))
                .collect();
            for prefix in &rebuilt {
                let stale: Vec<String> = files
                    .range(prefix.clone()..)
                    .take_while(|(rel, _)| rel.starts_with(prefix.as_str()))
                    .map(|(rel, _)| rel.clone())
                    .collect();
                for rel in stale {
                    files.remove(&rel);
                }
            }
        }
    }
    files.extend(written);
}

/// What to render after one page file changed from `old` to `new` (its front matter;
/// the municipality resolved `before` and `after`), when that was no more than its
/// text, or its text and who provides it and when it was checked: that page, and the
/// pages of its actors before and after (they list it). `None`: anything else (title,
/// slug, weight, …), or the review data of a section or the start page, which pass
/// their actor and interval on to the pages below them: the whole municipality.
pub(super) fn page_scope(
    m: usize,
    old: &FrontMatter,
    new: &FrontMatter,
    key: &str,
    before: &Municipality,
    after: &Municipality,
) -> Option<RenderScope> {
    let &page = after.keys.get(key)?;
    if old == new {
        return Some(RenderScope::Page { m, page, actors: 0 });
    }
    let mut same = new.clone();
    same.actor.clone_from(&old.actor);
    same.actors.clone_from(&old.actors);
    same.reviewed = old.reviewed;
    same.reviewed_by.clone_from(&old.reviewed_by);
    same.review_interval = old.review_interval;
    let was = *before.keys.get(key)?;
    if same != *old
        || was != page
        || after.pages[page].kind != PageKind::Page
        || before.pages.len() != after.pages.len()
    {
        return None;
    }
    let actors_of = |m: &Municipality| {
        m.pages[page]
            .review
            .as_ref()
            .map(|r| r.actors.clone())
            .unwrap_or_default()
    };
    let actors = actor_bits(actors_of(before).into_iter().chain(actors_of(after)))?;
    Some(RenderScope::Page { m, page, actors })
}

/// The smallest scope covering both.
pub(super) fn union(pending: Option<RenderScope>, scope: RenderScope) -> RenderScope {
    use RenderScope::*;
    let Some(pending) = pending else {
        return scope;
    };
    match (pending, scope) {
        (a, b) if a == b => a,
        (
            Page { m, page, actors: a },
            Page {
                m: n,
                page: q,
                actors: b,
            },
        ) if m == n && page == q => Page {
            m,
            page,
            actors: a | b,
        },
        (Page { m, .. } | Municipality(m), Page { m: n, .. } | Municipality(n)) if m == n => {
            Municipality(m)
        }
        _ => All,
    }
}

/// `path` relative to `root`, `/`-free of `.` and `..` (`None` when outside).
pub(super) fn relative(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = if path.is_absolute() {
        path.strip_prefix(root).ok()?
    } else {
        path
    };
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| rel.to_path_buf())
}

/// Whether a change to `rel` (relative to the root) can change the site: the
/// configuration, content, static files, templates and themes, but no editor's
/// temporary or backup files.
pub fn affects_site(rel: &Path) -> bool {
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    let top = matches!(
        first.as_ref(),
        "content" | "static" | "templates" | "themes"
    ) || (first == "wegweiser.toml" && rel.components().count() == 1);
    top && !rel
        .components()
        .any(|c| load::is_ignored(&c.as_os_str().to_string_lossy()))
}

/// The municipality folder `content/<slug>/…` is in.
pub(super) fn municipality_of(rel: &Path) -> Option<&str> {
    let mut parts = rel.components();
    (parts.next()?.as_os_str() == "content")
        .then(|| parts.next()?.as_os_str().to_str())
        .flatten()
}

/// Collects the files of a render in memory.
#[derive(Default)]
pub(super) struct Collect {
    files: Mutex<Vec<(String, Served)>>,
}

impl Collect {
    pub(super) fn into_files(self) -> Vec<(String, Served)> {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for Collect {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_shared(rel, &bytes.into())
    }

    fn write_shared(&self, rel: &str, bytes: &Arc<[u8]>) -> io::Result<()> {
        let file = Served::Bytes(bytes.clone());
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((rel.to_string(), file));
        Ok(())
    }

    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let file = Served::File(from.to_path_buf());
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((rel.to_string(), file));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_grow_to_cover_both() {
        use RenderScope::*;
        let page = |m, page| Page { m, page, actors: 0 };
        assert_eq!(union(None, page(0, 3)), page(0, 3));
        assert_eq!(union(Some(page(0, 3)), page(0, 3)), page(0, 3));
        assert_eq!(union(Some(page(0, 3)), page(0, 4)), Municipality(0));
        assert_eq!(union(Some(page(0, 3)), Municipality(0)), Municipality(0));
        assert_eq!(union(Some(Municipality(0)), page(0, 1)), Municipality(0));
        assert_eq!(union(Some(page(0, 3)), page(1, 3)), All);
        assert_eq!(union(Some(Municipality(1)), Municipality(0)), All);
        assert_eq!(union(Some(All), page(0, 1)), All);
        // The actors of two edits of one page's front matter add up.
        let with = |actors| Page {
            m: 0,
            page: 3,
            actors,
        };
        assert_eq!(union(Some(with(0b01)), with(0b10)), with(0b11));
        assert_eq!(union(Some(with(0b01)), page(0, 3)), with(0b01));
    }

    #[test]
    fn only_sources_of_the_site_count() {
        for yes in [
            "wegweiser.toml",
            "content/musterstadt/arbeit.md",
            "templates/page.html",
            "static/logo.svg",
            "themes/dark/templates/base.html",
        ] {
            assert!(affects_site(Path::new(yes)), "{yes}");
        }
        for no in [
            "public/index.html",
            "README.md",
            ".git/index",
            "content/musterstadt/.arbeit.md.swp",
            "content/musterstadt/arbeit.md~",
            "content/musterstadt/4913",
            "content/musterstadt/#arbeit.md#",
            "content/musterstadt/.#arbeit.md",
            "static/wegweiser.toml/../x",
        ] {
            assert!(!affects_site(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn paths_outside_the_root_are_not_the_sites() {
        let root = Path::new("/portal");
        assert_eq!(
            relative(root, Path::new("/portal/content/a/b.md")),
            Some(PathBuf::from("content/a/b.md"))
        );
        assert_eq!(relative(root, Path::new("/elsewhere/content/a.md")), None);
        assert_eq!(relative(root, Path::new("content/../../x")), None);
        assert_eq!(
            municipality_of(Path::new("content/musterstadt/a.md")),
            Some("musterstadt")
        );
        assert_eq!(municipality_of(Path::new("static/a.css")), None);
    }
}
