//! `wegweiser serve` on a portal like a real one (examples/gen-portal.rs by default:
//! actors, review dates, events, places, news, stamped translations): an edit renders
//! what it changed, the actor pages only when who provides a page or when it was checked
//! changed, and the site served still equals a full build (issue 26).

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/gen-portal.rs"]
mod gen_portal;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use wegweiser::build::pipeline::BuildOptions;
use wegweiser::render::jobs::RenderScope;
use wegweiser::serve::{Outcome, Session};

fn session_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        base_url: Some("http://127.0.0.1:1111".into()),
        today: Some("2026-12-01".parse().unwrap()),
        write: true,
        ..Default::default()
    }
}

/// A generated portal of one municipality (30 pages in de, en, ar, 6 actors) in a
/// folder of its own.
fn portal(name: &str) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-actors-{name}"));
    let args = [
        "--municipalities",
        "1",
        "--pages",
        "30",
        "--languages",
        "de,en,ar",
        "--actors",
        "6",
        "--out",
    ]
    .iter()
    .map(ToString::to_string)
    .chain([out.display().to_string()]);
    match gen_portal::parse_args(args) {
        Ok(gen_portal::Command::Run(config)) => {
            gen_portal::generate(&config).expect("portal generated");
        }
        other => panic!("gen-portal arguments: {other:?}"),
    }
    out
}

fn served(session: &Session) -> BTreeMap<String, Vec<u8>> {
    session
        .files()
        .iter()
        .map(|(rel, file)| (rel.clone(), file.read().unwrap().to_vec()))
        .collect()
}

/// A session with the whole portal built, without a problem.
fn session(root: &Path) -> Session {
    let mut session = Session::new(session_options(root));
    match session.build() {
        Outcome::Built { warnings, .. } => {
            assert!(
                warnings.is_empty(),
                "the generated portal warns: {warnings:?}"
            );
        }
        other => panic!("the full build fails: {other:?}"),
    }
    session
}

fn assert_same(session: &Session, root: &Path, step: &str) {
    let incremental = served(session);
    let full = served(&self::session(root));
    let keys = |s: &BTreeMap<String, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&incremental), keys(&full), "{step}: other files");
    for (rel, bytes) in &full {
        assert!(
            incremental[rel] == *bytes,
            "{step}: {rel} differs from a full build"
        );
    }
}

/// The actor pages (every language, with their QR codes), by path.
fn actor_files(site: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&str, &[u8]> {
    site.iter()
        .filter(|(rel, _)| rel.contains("/actors/"))
        .map(|(rel, bytes)| (rel.as_str(), bytes.as_slice()))
        .collect()
}

/// A page's source file (relative to the root) that names one actor itself, and the id.
fn page_with_actor(root: &Path) -> (PathBuf, String) {
    let mut stack = vec![root.join("content/m01")];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() && !["events", "places", "news"].contains(&name.as_str()) {
                stack.push(path);
            } else if name.ends_with(".de.md") && !name.starts_with('_') {
                let text = fs::read_to_string(&path).unwrap();
                if let Some(line) = text.lines().find(|l| l.starts_with("actor = \"")) {
                    let id = line.trim_start_matches("actor = \"").trim_end_matches('"');
                    found.push((
                        path.strip_prefix(root).unwrap().to_path_buf(),
                        id.to_string(),
                    ));
                }
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .next()
        .expect("a page that names its actor")
}

fn edit(root: &Path, rel: &Path, from: &str, to: &str) -> PathBuf {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", rel.display());
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn scope_of(outcome: &Outcome) -> RenderScope {
    match outcome {
        Outcome::Built { scope, .. } => *scope,
        other => panic!("expected a build, got {other:?}"),
    }
}

#[test]
fn a_text_edit_leaves_the_actor_pages_alone() {
    let root = portal("text");
    let mut session = session(&root);
    let before = served(&session);
    let (file, _) = page_with_actor(&root);
    let text = fs::read_to_string(root.join(&file)).unwrap();
    let path = root.join(&file);
    fs::write(&path, format!("{text}\nA sentence added by a test.\n")).unwrap();
    let scope = scope_of(&session.apply(&[path]));
    assert!(
        matches!(scope, RenderScope::Page { actors: 0, .. }),
        "{scope:?}"
    );
    let after = served(&session);
    assert_eq!(actor_files(&before), actor_files(&after));
    assert!(!actor_files(&after).is_empty());
    assert_same(&session, &root, "text of a page with an actor");
}

#[test]
fn a_title_edit_equals_a_full_build() {
    let root = portal("title");
    let mut session = session(&root);
    let (file, actor) = page_with_actor(&root);
    let path = edit(&root, &file, "title = \"", "title = \"Neu ");
    let scope = scope_of(&session.apply(&[path]));
    assert_eq!(scope, RenderScope::Municipality(0));
    // The actor's page lists the page by its title.
    let page = &served(&session)[&format!("m01/de/actors/{actor}/index.html")];
    assert!(String::from_utf8_lossy(page).contains("Neu "));
    assert_same(&session, &root, "title of a page");
}

#[test]
fn an_actor_change_renders_the_pages_of_both_actors_and_no_other() {
    let root = portal("actor");
    let mut session = session(&root);
    let before = served(&session);
    let (file, old) = page_with_actor(&root);
    let new = if old == "actor-01" {
        "actor-02"
    } else {
        "actor-01"
    };
    let path = edit(
        &root,
        &file,
        &format!("actor = \"{old}\""),
        &format!("actor = \"{new}\""),
    );
    let scope = scope_of(&session.apply(&[path]));
    let index = |id: &str| id.trim_start_matches("actor-").parse::<u32>().unwrap() - 1;
    assert_eq!(
        scope,
        RenderScope::Page {
            m: 0,
            page: match scope {
                RenderScope::Page { page, .. } => page,
                _ => panic!("{scope:?}"),
            },
            actors: (1 << index(&old)) | (1 << index(new)),
        }
    );
    let after = served(&session);
    for (rel, bytes) in actor_files(&before) {
        let theirs = rel.contains(&format!("/{old}/")) || rel.contains(&format!("/{new}/"));
        if theirs && rel.ends_with("index.html") {
            assert_ne!(after[rel], bytes, "{rel} still lists the page where it was");
        } else {
            assert_eq!(after[rel], bytes, "{rel} changed");
        }
    }
    assert_same(&session, &root, "actor of a page");

    // The day it was checked: the page, its actor's page and the dashboard.
    let text = fs::read_to_string(root.join(&file)).unwrap();
    let reviewed = text.lines().find(|l| l.starts_with("reviewed = "));
    let path = match reviewed {
        Some(line) => edit(&root, &file, line, "reviewed = 2026-02-03"),
        None => edit(&root, &file, "+++\n\n", "reviewed = 2026-02-03\n+++\n\n"),
    };
    let scope = scope_of(&session.apply(&[path]));
    assert!(
        matches!(scope, RenderScope::Page { actors, .. } if actors == 1 << index(new)),
        "{scope:?}"
    );
    assert_same(&session, &root, "review date of a page");
}

#[test]
fn a_sections_actor_renders_its_municipality() {
    let root = portal("section");
    let mut session = session(&root);
    let rel = Path::new("content/m01/sec01/_index.de.md");
    let text = fs::read_to_string(root.join(rel)).unwrap();
    let line = text.lines().find(|l| l.starts_with("actor = ")).unwrap();
    let other = if line.contains("actor-03") {
        "actor-04"
    } else {
        "actor-03"
    };
    let path = edit(&root, rel, line, &format!("actor = \"{other}\""));
    // Its pages that name no actor of their own are now provided by another one.
    assert_eq!(
        scope_of(&session.apply(&[path])),
        RenderScope::Municipality(0)
    );
    assert_same(&session, &root, "actor of a section");
}
