//! Which part of the site a change touches, and how the files of a render replace
//! those of the last one (see [`super::session`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::load;
use crate::model::{LangIdx, Site};
use crate::render::jobs::RenderScope;

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

/// The smallest scope covering both.
pub(super) fn union(pending: Option<RenderScope>, scope: RenderScope) -> RenderScope {
    use RenderScope::*;
    let Some(pending) = pending else {
        return scope;
    };
    match (pending, scope) {
        (a, b) if a == b => a,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_grow_to_cover_both() {
        use RenderScope::*;
        let page = |m, page| Page { m, page };
        assert_eq!(union(None, page(0, 3)), page(0, 3));
        assert_eq!(union(Some(page(0, 3)), page(0, 3)), page(0, 3));
        assert_eq!(union(Some(page(0, 3)), page(0, 4)), Municipality(0));
        assert_eq!(union(Some(page(0, 3)), Municipality(0)), Municipality(0));
        assert_eq!(union(Some(Municipality(0)), page(0, 1)), Municipality(0));
        assert_eq!(union(Some(page(0, 3)), page(1, 3)), All);
        assert_eq!(union(Some(Municipality(1)), Municipality(0)), All);
        assert_eq!(union(Some(All), page(0, 1)), All);
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
