//! Unit tests of `load_place`: the checks of a place's front matter and the loading
//! of its files.

use super::*;

fn check_front(front: &str) -> (Option<PlaceData>, Vec<Diagnostic>) {
    let text = format!("+++\n{front}+++\n");
    let f: PlaceFront = toml::from_str(front).unwrap();
    let mut problems = Vec::new();
    let data = check(Path::new("p.md"), &text, &f, &mut problems);
    (problems.is_empty().then_some(data), problems)
}

/// Load `text` as `places/<name>` of a municipality in de (source) and ar.
fn load(name: &str, text: &str) -> (Option<LoadedFile<PlaceData>>, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let ui = UiStrings::default();
    let languages = ["de".to_string(), "ar".to_string()];
    let scope = FileScope {
        root: dir.path(),
        languages: &languages,
        source_language: "de",
        ui: &ui,
        minify: false,
        derive_titles: false,
        own_urls: &[],
    };
    let mut problems = Vec::new();
    let loaded = load_file(&scope, &path, name, &mut problems);
    (loaded, problems)
}

#[test]
fn translations_have_translation_states_as_pages_do() {
    let (loaded, problems) = load(
        "amt.ar.md",
        "+++\ntitle = \"مكتب\"\nsource_digest = \"0123456789ab\"\nmachine_translated = true\n+++\nنص.\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let text = loaded.unwrap().text;
    assert_eq!(text.source_digest.as_deref(), Some("0123456789ab"));
    assert!(text.machine_translated && !text.in_translation);
    assert_eq!(
        text.digest,
        crate::model::translation::digest("مكتب", "نص.\n")
    );
    // The source's digest is made as a page's is: title and body, nothing else.
    let (loaded, problems) = load(
        "amt.md",
        "+++\ntitle = \"Amt\"\nid = \"amt\"\ncategory = \"authority\"\n+++\nText.\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        loaded.unwrap().text.digest,
        crate::model::translation::digest("Amt", "Text.")
    );
}

#[test]
fn a_malformed_source_digest_is_an_error_at_its_line() {
    let (loaded, problems) = load(
        "amt.ar.md",
        "---\ntitle: مكتب\nsource_digest: nicht-so\n---\nنص.\n",
    );
    assert!(loaded.is_none());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].message, "`nicht-so` is not a digest");
    assert_eq!((problems[0].line, problems[0].column), (3, 1));
    // Data keys still belong in the source-language file only.
    let (loaded, problems) = load("amt.ar.md", "+++\ntitle = \"x\"\nid = \"amt\"\n+++\n");
    assert!(loaded.is_none());
    assert!(
        problems[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("source_digest"),
        "{problems:?}"
    );
}

#[test]
fn overlapping_slots_are_reported_at_the_second() {
    let (_, p) = check_front(
        "title = \"A\"\nid = \"a\"\ncategory = \"health\"\n[opening_hours]\nmonday = [\"08:00-12:00\", \"11:00-13:00\"]\n",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("overlap"), "{}", p[0].message);
    assert_eq!((p[0].line, p[0].column), (6, 27));
}

#[test]
fn unknown_weekday_and_category_get_suggestions() {
    let (_, p) = check_front(
        "title = \"A\"\nid = \"a\"\ncategory = \"helth\"\n[opening_hours]\nmondy = \"closed\"\n",
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].line, 4);
    assert!(p[0].hint.as_deref().unwrap().contains("`health`"));
    assert_eq!(p[1].line, 6);
    assert_eq!(p[1].hint.as_deref(), Some("did you mean `monday`?"));
}

#[test]
fn coordinates_out_of_range() {
    let (_, p) = check_front(
        "title = \"A\"\nid = \"a\"\ncategory = \"other\"\ncoordinates = { lat = 95.0, lon = 6.9 }\n",
    );
    assert_eq!(p.len(), 1);
    assert!(p[0].message.contains("latitude 95"), "{}", p[0].message);
}

#[test]
fn hours_are_sorted_and_encoded_for_the_open_now_script() {
    let (data, p) = check_front(
        "title = \"A\"\nid = \"a\"\ncategory = \"authority\"\n[opening_hours]\nmonday = [\"14:00-16:00\", \"08:00-12:00\"]\ntuesday = \"appointment_only\"\nsunday = \"closed\"\n[[exceptions]]\ndate = 2026-12-31\nhours = [\"09:00-11:00\"]\n[[exceptions]]\ndate = 2026-12-28\nclosed = true\n",
    );
    assert!(p.is_empty(), "{p:?}");
    let h = data.unwrap().hours;
    assert_eq!(
        h.week[0],
        Hours::Open(vec![
            Slot { from: 480, to: 720 },
            Slot { from: 840, to: 960 }
        ])
    );
    assert_eq!(h.week[0].data(), "08:00-12:00,14:00-16:00");
    assert_eq!(h.week[1].data(), "appointment_only");
    assert_eq!(h.week[2], Hours::Unknown);
    assert_eq!(h.week[6].data(), "closed");
    let days: Vec<(String, String)> = h
        .exceptions
        .iter()
        .map(|e| (e.date.to_string(), e.hours.data()))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-12-28".to_string(), "closed".to_string()),
            ("2026-12-31".to_string(), "09:00-11:00".to_string())
        ]
    );
}

#[test]
fn titles_are_made_from_the_text_only_where_the_scope_says_so() {
    let ui = UiStrings::default();
    let languages = ["de".to_string()];
    let mut scope = FileScope {
        root: Path::new("."),
        languages: &languages,
        source_language: "de",
        ui: &ui,
        minify: false,
        derive_titles: false,
        own_urls: &[],
    };
    let text = "+++\ntitle = \"\"\n+++\nGeschlossen. Morgen wieder.";
    let mut problems = Vec::new();
    let body = render_body(
        &scope,
        Path::new("n.md"),
        text,
        text.rfind("+++\n").unwrap() + 4,
        "de",
        &mut problems,
    );
    assert_eq!(
        derived_title(&scope, &body),
        None,
        "places and events do not"
    );
    scope.derive_titles = true;
    assert_eq!(
        derived_title(&scope, &body).as_deref(),
        Some("Geschlossen.")
    );
}
