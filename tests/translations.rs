//! Translation states, the status report, and stamping.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{copy_fixture, fixture};
use wegweiser::base::diagnostics::Diagnostics;
use wegweiser::build::pipeline::{BuildOptions, load_site};
use wegweiser::model::translation::State;
use wegweiser::output::translation_report::{Filter, rows};

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

// Events, places and news items: translation states as for pages. The fixture
// `item-translations` was stamped with `wegweiser translations stamp`; its German
// sources of the event and the place changed afterwards.

const ITEMS: &str = "item-translations";

#[test]
fn events_places_and_news_items_have_every_state() {
    let s = states(&fixture(ITEMS));
    let expect = [
        ("events/sprachcafe", "en", State::UpToDate),
        ("events/sprachcafe", "ti", State::UpToDate),
        ("events/sprachcafe", "ar", State::Outdated),
        ("events/sprachcafe", "uk", State::MachineTranslated),
        ("events/sprachcafe", "fa", State::InTranslation),
        ("events/sprachcafe", "tr", State::Missing),
        ("places/buergerbuero", "en", State::Outdated),
        ("places/buergerbuero", "ti", State::Outdated),
        ("places/buergerbuero", "ar", State::UpToDate),
        ("places/buergerbuero", "uk", State::InTranslation),
        ("places/buergerbuero", "fa", State::MachineTranslated),
        ("places/buergerbuero", "tr", State::Missing),
        ("news/deutschkurse", "en", State::MachineTranslated),
        ("news/deutschkurse", "ti", State::Missing),
        ("news/deutschkurse", "ar", State::Outdated),
        ("news/deutschkurse", "uk", State::UpToDate),
        ("news/deutschkurse", "fa", State::InTranslation),
        ("news/deutschkurse", "tr", State::Missing),
    ];
    for (item, lang, state) in expect {
        assert_eq!(state_of(&s, item, lang), state, "{item} [{lang}]");
    }
    // Pages first, then events, news items and places; no row for the source language.
    let keys: Vec<&str> = s.iter().map(|(p, _, _)| p.as_str()).collect();
    let mut order = keys.clone();
    order.dedup();
    assert_eq!(
        order,
        [
            "",
            "events/sprachcafe",
            "news/deutschkurse",
            "places/buergerbuero"
        ]
    );
    assert!(s.iter().all(|(_, l, _)| l != "de"));

    // The reasons say why, as for pages; the cascade goes through en to ti.
    let root = fixture(ITEMS);
    let out = wegweiser(
        &["translations", "--format", "json", "--state", "outdated"],
        &root,
    );
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let reason = |page: &str, lang: &str| {
        rows.iter()
            .find(|r| r["page"] == page && r["language"] == lang)
            .map(|r| r["reason"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no outdated row for {page} [{lang}]"))
    };
    assert_eq!(
        reason("events/sprachcafe", "ar"),
        "the German source changed since it was translated"
    );
    assert_eq!(
        reason("places/buergerbuero", "ti"),
        "its source, the English translation, is outdated"
    );
    assert!(reason("news/deutschkurse", "ar").contains("no source_digest"));
    assert_eq!(rows.len(), 4);
    let ti = rows
        .iter()
        .find(|r| r["page"] == "places/buergerbuero" && r["language"] == "ti")
        .unwrap();
    assert_eq!(ti["file"], "content/ort/places/buergerbuero.ti.md");
    assert_eq!(ti["source_language"], "en");
    assert_eq!(ti["source_file"], "content/ort/places/buergerbuero.en.md");
}

#[test]
fn the_report_filters_and_counts_events_places_and_news_items() {
    let root = fixture(ITEMS);
    let out = wegweiser(
        &["translations", "--format", "csv", "--language", "tr"],
        &root,
    );
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "ort,,tr,missing,,content/ort/_index.de.md,de,content/ort/_index.de.md",
            "ort,events/sprachcafe,tr,missing,,content/ort/events/sprachcafe.md,de,content/ort/events/sprachcafe.md",
            "ort,news/deutschkurse,tr,missing,,content/ort/news/deutschkurse.md,de,content/ort/news/deutschkurse.md",
            "ort,places/buergerbuero,tr,missing,,content/ort/places/buergerbuero.md,de,content/ort/places/buergerbuero.md",
        ]
        .map(|l| format!("{l},"))
    );
    let out = wegweiser(
        &[
            "translations",
            "--municipality",
            "ort",
            "--state",
            "machine-translated,in-translation",
        ],
        &root,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  events/sprachcafe"), "{text}");
    assert!(text.contains("  news/deutschkurse"), "{text}");
    assert!(text.contains("  places/buergerbuero"), "{text}");
    // fa: the event and the news item are being translated, the place is machine-made.
    assert!(
        text.contains("    fa     2 in-translation, 1 machine-translated\n"),
        "{text}"
    );
    let out = wegweiser(&["translations", "--municipality", "nirgendwo"], &root);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "No translations match.\n"
    );
}

#[test]
fn stamping_events_places_and_news_items() {
    let (_tmp, root) = copy_fixture(ITEMS);
    let file = root.join("content/ort/places/buergerbuero.en.md");
    let before = fs::read_to_string(&file).unwrap();
    let out = wegweiser(
        &[
            "translations",
            "stamp",
            "content/ort/places/buergerbuero.en.md",
        ],
        &root,
    );
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
    let s = states(&root);
    assert_eq!(state_of(&s, "places/buergerbuero", "en"), State::UpToDate);
    assert_eq!(
        state_of(&s, "places/buergerbuero", "ti"),
        State::UpToDate,
        "ti was made from the English text, which did not change"
    );
    // A YAML translation of a news item gets a YAML line.
    let out = wegweiser(
        &[
            "translations",
            "stamp",
            "content/ort/news/deutschkurse.ar.md",
        ],
        &root,
    );
    assert!(out.status.success());
    assert_eq!(
        state_of(&states(&root), "news/deutschkurse", "ar"),
        State::UpToDate
    );
    // The source-language file of an event is no translation.
    let out = wegweiser(
        &["translations", "stamp", "content/ort/events/sprachcafe.md"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/ort/events/sprachcafe.md")
            && stderr.contains("source text, not a translation"),
        "{stderr}"
    );
}

#[test]
fn a_minor_edit_of_an_event_keeps_its_translations_current() {
    let (_tmp, root) = copy_fixture(ITEMS);
    if !git(&root, &["init", "-q"], "2026-03-21T12:00:00+01:00") {
        eprintln!("git is not available: skipped");
        return;
    }
    assert!(git(&root, &["add", "-A"], "2026-03-21T12:00:00+01:00"));
    assert!(git(
        &root,
        &["commit", "-qm", "Start"],
        "2026-03-21T12:00:00+01:00"
    ));
    let de = root.join("content/ort/events/sprachcafe.md");
    fs::write(
        &de,
        fs::read_to_string(&de)
            .unwrap()
            .replace("Alle sind willkommen.", "Alle sind herzlich willkommen."),
    )
    .unwrap();
    let s = states(&root);
    assert_eq!(state_of(&s, "events/sprachcafe", "en"), State::Outdated);
    assert_eq!(state_of(&s, "events/sprachcafe", "ti"), State::Outdated);
    let out = wegweiser(
        &[
            "translations",
            "stamp",
            "--minor",
            "content/ort/events/sprachcafe.md",
        ],
        &root,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = states(&root);
    assert_eq!(state_of(&s, "events/sprachcafe", "en"), State::UpToDate);
    assert_eq!(state_of(&s, "events/sprachcafe", "ti"), State::UpToDate);
    assert_eq!(
        state_of(&s, "events/sprachcafe", "uk"),
        State::MachineTranslated,
        "re-stamped, and still made by a machine"
    );
    assert_eq!(
        state_of(&s, "events/sprachcafe", "ar"),
        State::Outdated,
        "it was not up to date before the edit"
    );
}

#[test]
fn outdated_item_translations_show_what_changed_in_the_source() {
    let (_tmp, root) = copy_fixture(ITEMS);
    if !git(&root, &["init", "-q"], "2026-03-21T12:00:00+01:00") {
        eprintln!("git is not available: skipped");
        return;
    }
    // The version the Arabic event text was made from, then the change that outdated it.
    let de = root.join("content/ort/events/sprachcafe.md");
    let now = fs::read_to_string(&de).unwrap();
    fs::write(
        &de,
        now.replace(
            "Jeden Dienstag sprechen wir Deutsch bei Kaffee und Tee. Alle sind willkommen.",
            "Jeden Dienstag sprechen wir Deutsch bei Kaffee.",
        ),
    )
    .unwrap();
    assert!(git(&root, &["add", "-A"], "2026-03-21T12:00:00+01:00"));
    assert!(git(
        &root,
        &["commit", "-qm", "old"],
        "2026-03-21T12:00:00+01:00"
    ));
    fs::write(&de, now).unwrap();
    assert!(git(
        &root,
        &["commit", "-qam", "new"],
        "2026-05-12T18:00:00+02:00"
    ));
    let out = wegweiser(
        &[
            "translations",
            "--format",
            "json",
            "--language",
            "ar",
            "--state",
            "outdated",
        ],
        &root,
    );
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let event = rows
        .iter()
        .find(|r| r["page"] == "events/sprachcafe")
        .unwrap();
    assert_eq!(
        event["changes"],
        "sprechen wir Deutsch bei [-Kaffee.-]{+Kaffee und Tee. Alle sind willkommen.+}"
    );
    // The item page tells when the original changed.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("public");
    common::build_into(&root, &site, None);
    let ar = notice(&site, "ort/ar/events/sprachcafe/index.html");
    assert!(ar.contains("Deutsch"), "{ar}");
    let en = notice(&site, "ort/en/places/buergerbuero/index.html");
    assert!(
        en.starts_with("The original (Deutsch) was updated on March 21, 2026."),
        "{en}"
    );
}

#[test]
fn item_pages_show_the_notices_and_the_dashboard_lists_them() {
    let root = fixture(ITEMS);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    common::build_into(&root, &out, None);
    let page =
        |rel: &str| scraper::Html::parse_document(&fs::read_to_string(out.join(rel)).unwrap());
    let original = |rel: &str| {
        let doc = page(rel);
        assert_eq!(common::select(&doc, ".outdated-notice").len(), 1, "{rel}");
        assert!(common::select(&doc, ".machine-notice").is_empty(), "{rel}");
        (
            common::attr(&doc, ".outdated-notice a", "href").unwrap(),
            common::attr(&doc, ".outdated-notice a", "hreflang").unwrap(),
        )
    };
    // Outdated: the notice leads to the text it was made from.
    assert_eq!(
        original("ort/ar/events/sprachcafe/index.html"),
        ("/ort/de/events/sprachcafe/".to_string(), "de".to_string())
    );
    assert_eq!(
        original("ort/en/places/buergerbuero/index.html"),
        ("/ort/de/places/buergerbuero/".to_string(), "de".to_string())
    );
    assert_eq!(
        original("ort/ti/places/buergerbuero/index.html"),
        ("/ort/en/places/buergerbuero/".to_string(), "en".to_string()),
        "ti is made from en"
    );
    assert_eq!(
        original("ort/ar/news/deutschkurse/index.html"),
        ("/ort/de/news/deutschkurse/".to_string(), "de".to_string())
    );
    // Machine-made: said so, in the reader's language.
    for rel in [
        "ort/uk/events/sprachcafe/index.html",
        "ort/fa/places/buergerbuero/index.html",
        "ort/en/news/deutschkurse/index.html",
    ] {
        let doc = page(rel);
        assert_eq!(common::select(&doc, ".machine-notice").len(), 1, "{rel}");
        assert!(common::select(&doc, ".outdated-notice").is_empty(), "{rel}");
    }
    assert!(
        common::text(
            &page("ort/en/news/deutschkurse/index.html"),
            ".machine-notice"
        )
        .starts_with("This page was translated by a machine")
    );
    // Up to date, and the source itself: no notice.
    for rel in [
        "ort/en/events/sprachcafe/index.html",
        "ort/ti/events/sprachcafe/index.html",
        "ort/ar/places/buergerbuero/index.html",
        "ort/de/events/sprachcafe/index.html",
    ] {
        let doc = page(rel);
        assert!(
            common::select(&doc, ".outdated-notice, .machine-notice, .fallback-notice").is_empty(),
            "{rel}"
        );
    }
    // Missing: the German text with the fallback notice, as for pages.
    let tr = page("ort/tr/events/sprachcafe/index.html");
    assert_eq!(common::select(&tr, ".fallback-notice").len(), 1);
    assert!(common::select(&tr, ".outdated-notice, .machine-notice").is_empty());

    // The dashboard has a row per item, with the states of the command.
    let dashboard = page("ort/_status/index.html");
    let languages: Vec<String> = common::select(&dashboard, ".status-matrix thead th[lang]")
        .iter()
        .map(|th| th.value().attr("lang").unwrap().to_string())
        .collect();
    let s = states(&root);
    let mut keys = Vec::new();
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
            assert_eq!(state, state_of(&s, &key, lang), "{key} [{lang}]");
        }
        keys.push(key);
    }
    assert_eq!(
        keys,
        [
            "",
            "events/sprachcafe",
            "news/deutschkurse",
            "places/buergerbuero"
        ]
    );
    let event = common::select(&dashboard, ".status-matrix tbody tr")[1]
        .select(&scraper::Selector::parse("th a").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(event, "/ort/de/events/sprachcafe/");
}

#[test]
fn a_malformed_source_digest_in_an_event_translation_is_an_error_at_its_line() {
    let (_tmp, root) = copy_fixture(ITEMS);
    let path = root.join("content/ort/events/sprachcafe.en.md");
    let text = fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("source_digest"))
        .unwrap();
    fs::write(&path, text.replace(line, "source_digest = \"gestern\"")).unwrap();
    let out = wegweiser(&["check"], &root);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`gestern` is not a digest"), "{err}");
    assert!(
        err.contains("content/ort/events/sprachcafe.en.md:4:1"),
        "{err}"
    );
    assert!(err.contains("wegweiser translations stamp"), "{err}");
}

#[test]
fn a_heading_new_in_the_source_does_not_fail_the_build_for_translations_behind_it() {
    let (tmp, root) = copy_fixture("translations");
    let ort = root.join("content/ort");
    // A German editor adds a heading and links to it from the German start page.
    let b = fs::read_to_string(ort.join("b.de.md")).unwrap();
    fs::write(
        ort.join("b.de.md"),
        format!("{b}\n## Unterlagen\n\nPass und Mietvertrag.\n"),
    )
    .unwrap();
    let index = fs::read_to_string(ort.join("_index.de.md")).unwrap();
    fs::write(
        ort.join("_index.de.md"),
        format!("{index}\nBringen Sie [die Unterlagen](b.md#unterlagen) mit.\n"),
    )
    .unwrap();
    // The English text of b is now outdated, and English readers see the German
    // start page: its link leads them to the English page's top, with a warning.
    let all = states(&root);
    assert_eq!(state_of(&all, "b", "en"), State::Outdated);
    let out = tmp.path().join("public");
    let report = common::build_into(&root, &out, None);
    let warning = report
        .diagnostics
        .iter()
        .find(|d| {
            d.message
                .contains("`#unterlagen` is not yet in the English translation")
        })
        .unwrap_or_else(|| panic!("a warning: {:?}", report.diagnostics));
    assert!(!warning.is_error());
    assert!(
        warning.file.ends_with("content/ort/_index.de.md"),
        "{warning}"
    );
    assert!(warning.message.contains("outdated"), "{warning}");
    let href = |page: &str| {
        let doc = scraper::Html::parse_document(&fs::read_to_string(out.join(page)).unwrap());
        common::select(&doc, "main a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .find(|h| h.contains("/b/") || h.contains("unterlagen"))
            .map(str::to_string)
    };
    assert_eq!(
        href("ort/de/index.html").as_deref(),
        Some("/ort/de/b/#unterlagen")
    );
    let en = href("ort/en/index.html").expect("the English start page links b");
    assert!(!en.contains('#'), "{en}");

    // A heading that is in no text at all is still an error.
    fs::write(
        ort.join("_index.de.md"),
        format!("{index}\nBringen Sie [die Unterlagen](b.md#gibt-es-nicht) mit.\n"),
    )
    .unwrap();
    let mut d = Diagnostics::new();
    let options = BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    load_site(&options, &mut d);
    assert!(d.has_errors(), "a missing anchor stays an error");
}
