//! Review assignment: which integration actors provide each page and how often it must
//! be checked, inherited from sections (see [`crate::model::review`]), and the folders
//! wegweiser fills itself (actor, place, news pages) kept free of pages.

use crate::base::diagnostics::{Diagnostic, Severity, did_you_mean};
use crate::load::front_matter::{front_matter_key_span, narrow};
use crate::model::actor::Actor;
use crate::model::front_matter::FrontMatter;
use crate::model::review::Interval;
use crate::model::{LangIdx, Municipality, Page, Review, Translation};

/// Work out every page's [`Review`]: its own `actor`/`actors`/`review_interval`, else
/// those of its nearest section, else the municipality's interval. Unknown actor ids
/// are reported at the id, in every file that names one, unless `check_ids` is false
/// (`actors.toml` failed to load: its problem is the one to report). `pages` must list
/// sections before their children.
pub fn assign(
    pages: &mut [Page],
    actors: &[Actor],
    check_ids: bool,
    default_interval: Interval,
    source: LangIdx,
    municipality_dir: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut inherited: Vec<(Vec<usize>, Interval)> = Vec::with_capacity(pages.len());
    for page in pages.iter_mut() {
        let (parent_actors, parent_interval) = match page.parent {
            Some(p) => inherited[p].clone(),
            None => (Vec::new(), default_interval),
        };
        for t in page.translations.iter().flatten().filter(|_| check_ids) {
            check_actor_ids(t, actors, municipality_dir, diagnostics);
        }
        let reference = page.translations[source]
            .as_ref()
            .map(|t| (source, t))
            .or_else(|| {
                page.translations
                    .iter()
                    .enumerate()
                    .find_map(|(l, t)| t.as_ref().map(|t| (l, t)))
            });
        let Some((lang, t)) = reference else {
            inherited.push((parent_actors, parent_interval));
            continue;
        };
        let own: Vec<usize> = named_actors(&t.front)
            .filter_map(|id| actors.iter().position(|a| a.id == id))
            .fold(Vec::new(), |mut v, i| {
                if !v.contains(&i) {
                    v.push(i);
                }
                v
            });
        let page_actors = if own.is_empty() { parent_actors } else { own };
        let interval = t.front.review_interval.unwrap_or(parent_interval);
        let review = Review {
            actors: page_actors.clone(),
            reviewed: t.front.reviewed.map(|d| d.0),
            reviewed_by: t.front.reviewed_by.clone(),
            interval,
            lang,
        };
        page.review = Some(review);
        inherited.push((page_actors, interval));
    }
}

/// The actor ids a page's front matter names, `actor` first.
fn named_actors(front: &FrontMatter) -> impl Iterator<Item = &str> {
    front
        .actor
        .iter()
        .chain(front.actors.iter())
        .map(String::as_str)
}

fn check_actor_ids(
    t: &Translation,
    actors: &[Actor],
    municipality_dir: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut text: Option<String> = None;
    for (key, ids) in [
        ("actor", t.front.actor.iter().collect::<Vec<_>>()),
        ("actors", t.front.actors.iter().collect()),
    ] {
        for id in ids {
            if actors.iter().any(|a| &a.id == id) {
                continue;
            }
            let text =
                text.get_or_insert_with(|| std::fs::read_to_string(&t.path).unwrap_or_default());
            let message = format!("unknown actor `{id}`");
            let d = match front_matter_key_span(text, key) {
                Some(span) => Diagnostic::error_at(&t.file, text, narrow(text, span, id), message),
                None => Diagnostic::file(Severity::Error, &t.file, message),
            };
            let hint = match did_you_mean(id, actors.iter().map(|a| a.id.as_str())) {
                Some(near) => format!(
                    "did you mean `{near}`? Actors are listed in {municipality_dir}/actors.toml"
                ),
                None if actors.is_empty() => {
                    format!("add it as an [[actor]] to {municipality_dir}/actors.toml")
                }
                None => format!(
                    "known actors: {}; add new ones to {municipality_dir}/actors.toml",
                    actors
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diagnostics.push(d.with_hint(hint));
        }
    }
}

/// Report pages and aliases that would be written where the actor pages are
/// (`/<m>/<lang>/actors/…`), for example a page whose translated slug is `actors`.
pub fn check_actor_paths(m: &Municipality, diagnostics: &mut Vec<Diagnostic>) {
    if m.actors.is_empty() {
        return;
    }
    check_reserved_paths(
        m,
        |lang| crate::model::actor::actors_dir(m, lang),
        "the pages of the integration actors",
        diagnostics,
    );
}

/// Report pages and aliases that would be written into the folder `dir_of(lang)` that
/// wegweiser fills with `what` (actor pages, place pages, news pages).
pub fn check_reserved_paths(
    m: &Municipality,
    dir_of: impl Fn(LangIdx) -> Option<String>,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut reported = std::collections::BTreeSet::new();
    for lang in 0..m.languages.len() {
        let Some(dir) = dir_of(lang) else {
            continue;
        };
        let inside = |d: &str| {
            d == dir
                || d.strip_prefix(dir.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        for page in &m.pages {
            for l in page.localized.iter().flatten() {
                if !inside(&l.dir) {
                    continue;
                }
                let Some(t) = l.shown.and_then(|s| page.translations[s].as_ref()) else {
                    continue;
                };
                if reported.insert((t.file.clone(), l.dir.clone())) {
                    let message = format!(
                        "this page would be written to /{}/, where wegweiser puts {what}",
                        l.dir
                    );
                    // Point at the `slug` that puts it there, if the file has one.
                    let text = std::fs::read_to_string(&t.path).unwrap_or_default();
                    let d = match front_matter_key_span(&text, "slug") {
                        Some(span) => Diagnostic::error_at(&t.file, &text, span, message),
                        None => Diagnostic::file(Severity::Error, &t.file, message),
                    };
                    diagnostics.push(d.with_hint("give the page another `slug`"));
                }
            }
        }
        for r in &m.redirects {
            if inside(&r.dir) && reported.insert((r.file.clone(), r.dir.clone())) {
                let message = format!(
                    "alias `{}` would be written to /{}/, where wegweiser puts {what}",
                    r.alias, r.dir
                );
                diagnostics.push(
                    crate::resolve::paths::alias_diagnostic(r, message)
                        .with_hint("choose another alias"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::review::due_date;
    use jiff::civil::date;

    fn iv(s: &str) -> Interval {
        s.parse().unwrap()
    }

    fn page(key: &str, parent: Option<usize>, front: Option<&str>) -> Page {
        use crate::model::{PageKind, Translation};
        let translation = front.map(|f| {
            let text = format!("+++\ntitle = \"Seite {key}\"\n{f}+++\n");
            let parsed =
                crate::load::front_matter::parse(std::path::Path::new("x.md"), &text).unwrap();
            Translation {
                file: format!("content/m/{key}.md").into(),
                path: format!("{key}.md").into(),
                front: parsed.front,
                body: Default::default(),
                digest: String::new(),
            }
        });
        Page {
            key: key.to_string(),
            kind: if front.is_some_and(|f| f.contains("#section")) || translation.is_none() {
                PageKind::Section
            } else {
                PageKind::Page
            },
            parent,
            children: Vec::new(),
            translations: vec![translation],
            localized: vec![None],
            statuses: Vec::new(),
            folder_title: key.to_string(),
            review: None,
        }
    }

    fn actor(id: &str) -> Actor {
        Actor {
            id: id.into(),
            name: id.into(),
            kind: crate::model::actor::ActorKind::Other,
            email: None,
            phone: None,
            url: None,
            contact_person: None,
            address: None,
            description: None,
        }
    }

    #[test]
    fn sections_pass_actor_and_interval_down() {
        let actors = [actor("amt"), actor("vhs"), actor("verein")];
        let mut pages = vec![
            page("", None, Some("actor = \"amt\"\n#section\n")),
            // A folder without files passes on what is above it.
            page("kurse", Some(0), None),
            page(
                "kurse/abend",
                Some(1),
                Some("actor = \"vhs\"\nreview_interval = \"6 months\"\n#section\n"),
            ),
            page("kurse/abend/b1", Some(2), Some("reviewed = 2026-01-31\n")),
            page(
                "kurse/abend/cafe",
                Some(2),
                Some("actors = [\"verein\", \"vhs\", \"verein\"]\nreview_interval = \"90 days\"\n"),
            ),
            page("wohnen", Some(0), Some("")),
        ];
        let mut problems = Vec::new();
        assign(
            &mut pages,
            &actors,
            true,
            iv("1 year"),
            0,
            "content/m",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let r = |i: usize| pages[i].review.clone().unwrap();
        assert!(pages[1].review.is_none());
        assert_eq!((r(0).actors, r(0).interval), (vec![0], iv("1 year")));
        assert_eq!((r(2).actors, r(2).interval), (vec![1], iv("6 months")));
        // Inherited from the section two levels up, with its interval.
        assert_eq!((r(3).actors, r(3).interval), (vec![1], iv("6 months")));
        assert_eq!(r(3).reviewed, Some(date(2026, 1, 31)));
        assert_eq!(
            due_date(date(2026, 1, 31), r(3).interval),
            date(2026, 7, 31)
        );
        // Own actors (each once, in order) and interval win.
        assert_eq!((r(4).actors, r(4).interval), (vec![2, 1], iv("90 days")));
        // A page beside the sections gets the start page's.
        assert_eq!((r(5).actors, r(5).interval), (vec![0], iv("1 year")));
        assert_eq!(r(5).reviewed, None);
    }
}
