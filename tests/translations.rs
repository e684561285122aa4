//! Translation states, the status report, and stamping.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{copy_fixture, fixture};
use wegweiser::diagnostics::Diagnostics;
use wegweiser::pipeline::{BuildOptions, load_site};
use wegweiser::translation::State;
use wegweiser::translation_report::{Filter, rows};

fn states(root: &Path) -> Vec<(String, String, State)> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut d = Diagnostics::new();
    let (site, _) = load_site(&options, &mut d).expect("loads");
    assert!(!d.has_errors(), "{:?}", d.into_sorted());
    rows(&site, &Filter::default())
        .into_iter()
        .map(|r| (r.page, r.language, r.state))
        .collect()
}

fn state_of(all: &[(String, String, State)], page: &str, lang: &str) -> State {
    all.iter()
        .find(|(p, l, _)| p == page && l == lang)
        .map(|(_, _, s)| *s)
        .unwrap_or_else(|| panic!("no row for {page} [{lang}]"))
}

#[test]
fn every_state_and_the_cascade() {
    let s = states(&fixture("translations"));
    assert_eq!(state_of(&s, "a", "en"), State::UpToDate);
    assert_eq!(
        state_of(&s, "a", "ti"),
        State::UpToDate,
        "ti is made from en"
    );
    assert_eq!(state_of(&s, "a", "ar"), State::Outdated, "no source_digest");
    assert_eq!(
        state_of(&s, "b", "en"),
        State::Outdated,
        "the German source changed"
    );
    assert_eq!(
        state_of(&s, "b", "ti"),
        State::Outdated,
        "its English source is outdated"
    );
    assert_eq!(state_of(&s, "b", "ar"), State::Missing);
    assert_eq!(state_of(&s, "c", "en"), State::MachineTranslated);
    assert_eq!(state_of(&s, "c", "ar"), State::InTranslation);
    assert_eq!(state_of(&s, "d", "en"), State::Missing);
    assert!(
        s.iter().all(|(_, l, _)| l != "de"),
        "the source language is no translation"
    );
}

#[test]
fn moving_and_reordering_pages_keeps_their_states() {
    let (_tmp, root) = copy_fixture("translations");
    let before = states(&root);
    let dir = root.join("content/ort");
    fs::create_dir_all(dir.join("neu")).unwrap();
    for lang in ["de", "en", "ti", "ar"] {
        fs::rename(
            dir.join(format!("a.{lang}.md")),
            dir.join(format!("neu/a.{lang}.md")),
        )
        .unwrap();
    }
    let de = fs::read_to_string(dir.join("neu/a.de.md"))
        .unwrap()
        .replace("weight = 1", "weight = 9");
    fs::write(dir.join("neu/a.de.md"), de).unwrap();
    let after: Vec<_> = states(&root)
        .into_iter()
        .map(|(p, l, s)| (p.trim_start_matches("neu/").to_string(), l, s))
        .filter(|(p, _, _)| p != "neu")
        .collect();
    let mut before = before;
    before.sort();
    let mut after = after;
    after.sort();
    assert_eq!(before, after);
}

fn wegweiser(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn stamping_changes_only_the_digest_line_and_makes_the_translation_current() {
    let (_tmp, root) = copy_fixture("translations");
    let file = root.join("content/ort/b.en.md");
    let before = fs::read_to_string(&file).unwrap();
    let out = wegweiser(&["translations", "stamp", "content/ort/b.en.md"], &root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = fs::read_to_string(&file).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.starts_with("source_digest = \""));
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(state_of(&states(&root), "b", "en"), State::UpToDate);
    // Stamping again changes nothing.
    let out = wegweiser(&["translations", "stamp", "content/ort/b.en.md"], &root);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already stamped"));
    assert_eq!(fs::read_to_string(&file).unwrap(), after);
    // YAML front matter gets a YAML line.
    let ar = root.join("content/ort/c.ar.md");
    wegweiser(&["translations", "stamp", "content/ort/c.ar.md"], &root);
    assert!(
        fs::read_to_string(ar)
            .unwrap()
            .contains("\nsource_digest: \"")
    );
}

#[test]
fn stamping_a_source_file_is_an_error() {
    let (_tmp, root) = copy_fixture("translations");
    let out = wegweiser(&["translations", "stamp", "content/ort/a.de.md"], &root);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("source text, not a translation"),
        "{stderr}"
    );
    assert!(stderr.contains("content/ort/a.de.md"), "{stderr}");
}

#[test]
fn a_minor_edit_keeps_translations_current() {
    let (_tmp, root) = copy_fixture("translations");
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(&root)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "start"]);
    // A typo fix in the German source of page a: en was up to date, ar never stamped.
    let de = root.join("content/ort/a.de.md");
    fs::write(
        &de,
        fs::read_to_string(&de)
            .unwrap()
            .replace("Melden Sie sich an.", "Melden Sie sich bitte an."),
    )
    .unwrap();
    assert_eq!(state_of(&states(&root), "a", "en"), State::Outdated);
    let out = wegweiser(
        &["translations", "stamp", "--minor", "content/ort/a.de.md"],
        &root,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = states(&root);
    assert_eq!(state_of(&s, "a", "en"), State::UpToDate);
    assert_eq!(
        state_of(&s, "a", "ti"),
        State::UpToDate,
        "ti follows en, which did not change"
    );
    assert_eq!(
        state_of(&s, "a", "ar"),
        State::Outdated,
        "it was not up to date before the edit"
    );
}

#[test]
fn the_report_in_json_and_csv() {
    let root = fixture("translations");
    let out = wegweiser(
        &["translations", "--format", "json", "--state", "outdated"],
        &root,
    );
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines
            .iter()
            .all(|l| l["state"] == "outdated" && l["reason"].is_string())
    );
    let out = wegweiser(
        &["translations", "--format", "csv", "--language", "ti"],
        &root,
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("municipality,page,language,state"));
    assert!(csv.lines().skip(1).all(|l| l.contains(",ti,")));
    let out = wegweiser(&["translations", "--state", "bogus"], &root);
    assert_eq!(out.status.code(), Some(2));
}

fn broken(setup: impl FnOnce(&Path)) -> String {
    let (_tmp, root) = copy_fixture("translations");
    setup(&root);
    let out = wegweiser(&["check"], &root);
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_translation_settings_are_errors_with_their_place() {
    let toml = |root: &Path, extra: &str| {
        let path = root.join("content/ort/municipality.toml");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("ti = \"en\"", extra);
        fs::write(path, text).unwrap();
    };
    let err = broken(|r| toml(r, "ti = \"xx\""));
    assert!(
        err.contains("`xx` in [translation] is not one of the municipality's languages"),
        "{err}"
    );
    assert!(err.contains("content/ort/municipality.toml:6"), "{err}");
    let err = broken(|r| toml(r, "ti = \"en\"\nen = \"ti\""));
    assert!(err.contains("forms a cycle"), "{err}");
    let err = broken(|r| {
        let path = r.join("content/ort/a.en.md");
        let text = fs::read_to_string(&path).unwrap();
        let text = text.replace(
            &text[text.find("source_digest").unwrap()..]
                .lines()
                .next()
                .unwrap()
                .to_string(),
            "source_digest = \"not-a-digest\"",
        );
        fs::write(path, text).unwrap();
    });
    assert!(err.contains("`not-a-digest` is not a digest"), "{err}");
    assert!(err.contains("content/ort/a.en.md:3"), "{err}");
}

#[test]
fn outdated_translations_show_what_changed_in_the_source() {
    let (_tmp, root) = copy_fixture("translations");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(&root)
            .output()
            .unwrap()
    };
    git(&["init", "-q"]);
    // The version b.en.md was made from, then the change that outdated it.
    let de = root.join("content/ort/b.de.md");
    let now = fs::read_to_string(&de).unwrap();
    fs::write(&de, "+++\ntitle = \"Miete\"\nweight = 2\n+++\nDie Miete.\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "old"]);
    fs::write(&de, now).unwrap();
    git(&["commit", "-qam", "new"]);
    let out = wegweiser(
        &[
            "translations",
            "--format",
            "json",
            "--language",
            "en",
            "--state",
            "outdated",
        ],
        &root,
    );
    let row: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(row["page"], "b");
    assert_eq!(
        row["changes"],
        "Miete Die [-Miete.-]{+Miete ist am Monatsanfang fällig.+}"
    );
}

#[test]
fn the_command_the_dashboard_and_the_notices_agree() {
    let root = fixture("translations");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    common::build_into(&root, &out, None);
    let dashboard = scraper::Html::parse_document(
        &fs::read_to_string(out.join("ort/_status/index.html")).unwrap(),
    );
    assert_eq!(
        common::attr(&dashboard, "meta[name=robots]", "content").as_deref(),
        Some("noindex, nofollow")
    );
    let languages: Vec<String> = common::select(&dashboard, ".status-matrix thead th[lang]")
        .iter()
        .map(|th| th.value().attr("lang").unwrap().to_string())
        .collect();
    let mut seen = 0;
    for row in common::select(&dashboard, ".status-matrix tbody tr") {
        let key = row
            .select(&scraper::Selector::parse("small").unwrap())
            .next()
            .map(|s| s.text().collect::<String>())
            .unwrap_or_default();
        for (cell, lang) in row
            .select(&scraper::Selector::parse("td").unwrap())
            .zip(&languages)
        {
            let class = cell.value().attr("class").unwrap();
            let state = State::parse(class.strip_prefix("state-").unwrap()).unwrap();
            assert_eq!(
                state,
                state_of(&states(&root), &key, lang),
                "{key} [{lang}]"
            );
            seen += 1;
        }
    }
    assert_eq!(
        seen,
        5 * 3,
        "every page with a file × every translated language"
    );
    // Readers of an outdated translation are told, and led to the original.
    let b_en = scraper::Html::parse_document(
        &fs::read_to_string(out.join("ort/en/b/index.html")).unwrap(),
    );
    assert_eq!(common::select(&b_en, ".outdated-notice").len(), 1);
    assert_eq!(
        common::attr(&b_en, ".outdated-notice a", "href").as_deref(),
        Some("/ort/de/b/")
    );
    let a_en = scraper::Html::parse_document(
        &fs::read_to_string(out.join("ort/en/a/index.html")).unwrap(),
    );
    assert!(
        common::select(&a_en, ".outdated-notice").is_empty(),
        "up to date: no notice"
    );
    let c_en = scraper::Html::parse_document(
        &fs::read_to_string(out.join("ort/en/c/index.html")).unwrap(),
    );
    assert_eq!(common::select(&c_en, ".machine-notice").len(), 1);
    // The dashboard is no page for search engines.
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("_status"));
}

/// Run git in `dir` as a fixed committer at a fixed time; `false` where it fails (or
/// there is no git).
fn git(dir: &Path, args: &[&str], date: &str) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Redaktion",
            "-c",
            "user.email=redaktion@example.org",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn notice(out: &Path, page: &str) -> String {
    let doc = scraper::Html::parse_document(&fs::read_to_string(out.join(page)).unwrap());
    common::text(&doc, ".outdated-notice")
}

#[test]
fn the_outdated_notice_says_when_the_original_changed_where_the_portal_is_in_git() {
    let (tmp, root) = copy_fixture("translations");
    // This portal's Arabic UI texts have the dated notice (the default theme may not yet).
    fs::create_dir_all(root.join("i18n")).unwrap();
    fs::write(
        root.join("i18n/ar.toml"),
        "outdated_notice_dated = \"حُدِّث الأصل ({original}) في {date}.\"\n",
    )
    .unwrap();

    // Not a git repository: the notices have no date.
    let out = tmp.path().join("public-1");
    common::build_into(&root, &out, None);
    let b_en = notice(&out, "ort/en/b/index.html");
    assert!(
        b_en.starts_with("This translation may be out of date"),
        "{b_en}"
    );
    assert!(!notice(&out, "ort/ar/a/index.html").contains("حُدِّث"));

    if !git(&root, &["init", "-q"], "2026-03-21T12:00:00+01:00") {
        eprintln!("git is not available: skipped");
        return;
    }
    // The source of a (for ar) is committed; the source of b (for en) not yet.
    assert!(git(&root, &["add", "-A"], "2026-03-21T12:00:00+01:00"));
    assert!(git(
        &root,
        &["rm", "-q", "--cached", "content/ort/b.de.md"],
        "2026-03-21T12:00:00+01:00"
    ));
    assert!(git(
        &root,
        &["commit", "-qm", "Start"],
        "2026-03-21T12:00:00+01:00"
    ));
    let out = tmp.path().join("public-2");
    common::build_into(&root, &out, None);
    let a_ar = notice(&out, "ort/ar/a/index.html");
    assert!(
        a_ar.starts_with("حُدِّث الأصل (Deutsch) في 21 مارس 2026."),
        "the date in Arabic: {a_ar}"
    );
    let b_en = notice(&out, "ort/en/b/index.html");
    assert!(
        b_en.starts_with("This translation may be out of date"),
        "an untracked source has no date: {b_en}"
    );

    // Once committed, the source's own last commit counts.
    assert!(git(
        &root,
        &["add", "content/ort/b.de.md"],
        "2026-05-12T18:00:00+02:00"
    ));
    assert!(git(
        &root,
        &["commit", "-qm", "Miete"],
        "2026-05-12T18:00:00+02:00"
    ));
    let out = tmp.path().join("public-3");
    common::build_into(&root, &out, None);
    let b_en = notice(&out, "ort/en/b/index.html");
    assert!(
        b_en.starts_with("The original (Deutsch) was updated on May 12, 2026. This translation may be out of date."),
        "{b_en}"
    );
    assert!(b_en.ends_with("Read the original (Deutsch)"), "{b_en}");
    assert!(notice(&out, "ort/ar/a/index.html").contains("21 مارس 2026"));

    // The same commit builds the same site.
    let again = tmp.path().join("public-4");
    common::build_into(&root, &again, None);
    assert_eq!(common::tree(&out), common::tree(&again));
}

#[test]
fn the_dashboard_counts_outdated_pages_in_the_editors_plural_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    common::build_into(&fixture("translations"), &out, None);
    let dashboard = scraper::Html::parse_document(
        &fs::read_to_string(out.join("ort/_status/index.html")).unwrap(),
    );
    let summary: Vec<String> = common::select(&dashboard, ".status-summary li")
        .iter()
        .map(|li| li.text().collect())
        .collect();
    // b is outdated in en and ti (the cascade), a in ar: one page each, in German.
    assert_eq!(
        summary,
        [
            "English: 1 Seite veraltet",
            "ትግርኛ: 1 Seite veraltet",
            "العربية: 1 Seite veraltet"
        ]
    );
}
