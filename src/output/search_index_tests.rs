//! Tests of the search index (`search_index.rs`).

use super::*;
use crate::output::search::Kind;

fn record(url: &str, title: &str, text: &str) -> Record {
    Record {
        kind: Kind::Page,
        url: url.into(),
        key: format!("page{url}"),
        title: title.into(),
        description: String::new(),
        headings: String::new(),
        text: format!("{title}\n{text}"),
    }
}

#[test]
fn words_are_letters_and_digits() {
    let w: Vec<&str> = words("wo ist das bürgerbüro? tel. 112, a-b 7 c3po ثبتنام").collect();
    assert_eq!(
        w,
        [
            "wo",
            "ist",
            "das",
            "bürgerbüro",
            "tel",
            "112",
            "7",
            "c3po",
            "ثبتنام"
        ]
    );
}

#[derive(serde::Deserialize)]
struct WordsCase {
    lang: String,
    input: String,
    words: Vec<String>,
    why: String,
}

/// The table search.js is checked against too (tests/a11y/search.mjs): queries are
/// split into the words the index holds.
#[test]
fn the_shared_table_of_words() {
    let cases: Vec<WordsCase> =
        serde_json::from_str(include_str!("../../tests/fixtures/search-words.json")).unwrap();
    assert!(cases.len() >= 8);
    for c in &cases {
        let text = normalize(&c.input);
        let got: Vec<&str> = words(&text)
            .map(|w| if c.lang == "ar" { arabic_base(w) } else { w })
            .collect();
        assert_eq!(got, c.words, "{}: {:?}", c.why, c.input);
    }
}

#[test]
fn the_fast_ranges_answer_as_unicode_does() {
    for c in (0..0x800).filter_map(char::from_u32) {
        let unicode = c.is_alphabetic()
            || c.is_numeric()
            || unicode_normalization::char::is_combining_mark(c);
        assert_eq!(in_word(c), unicode, "{c:?} U+{:04X}", c as u32);
    }
}

#[test]
fn the_arabic_article_goes() {
    assert_eq!(arabic_base("الاقامه"), "اقامه");
    assert_eq!(arabic_base("والعمل"), "عمل");
    assert_eq!(arabic_base("الى"), "الى");
}

#[test]
fn compounds_split_into_known_words() {
    let vocabulary: HashSet<String> = ["beratung", "stelle", "notruf", "nummern", "frau"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let c = Compounds::new(&vocabulary);
    assert_eq!(c.parts("beratungsstelle"), ["beratung", "stelle"]);
    assert_eq!(c.parts("handynummern"), ["nummern"]);
    assert_eq!(c.parts("notrufnummern"), ["notruf", "nummern"]);
    assert!(c.parts("stelle").is_empty());
    assert!(c.parts("unbekanntes").is_empty());
}

fn parse(files: &[(String, Vec<u8>)], name: &str) -> serde_json::Value {
    let (_, c) = files.iter().find(|(n, _)| n == name).expect(name);
    serde_json::from_slice(c).unwrap()
}

/// The records holding `term` with their weights, read back from the files.
fn postings_of(files: &[(String, Vec<u8>)], term: &str) -> Vec<(u64, u64)> {
    let entry = parse(files, ENTRY);
    let terms = parse(files, entry["terms"].as_str().unwrap());
    let list: Vec<&str> = terms["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let Some(at) = list.iter().position(|t| *t == term) else {
        return Vec::new();
    };
    let starts: Vec<usize> = terms["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap() as usize)
        .collect();
    let k = starts.iter().rposition(|&s| s <= at).unwrap();
    let shard = parse(files, entry["postings"][k].as_str().unwrap());
    let row = shard[at - starts[k]].as_array().unwrap();
    let mut doc = 0;
    row.chunks(2)
        .map(|p| {
            doc += p[0].as_u64().unwrap();
            (doc, p[1].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn titles_weigh_more_than_bodies_and_stop_words_are_not_indexed() {
    let records = vec![
        record(
            "/m/de/a/",
            "Anmeldung",
            "Die Wohnung im Bürgerbüro anmelden.",
        ),
        record(
            "/m/de/b/",
            "Wohnen",
            "Nach der Anmeldung eine Wohnung suchen.",
        ),
        record("/m/de/c/", "Arbeit", "Arbeit finden."),
    ];
    let files = bundle("de", &records, &[]).unwrap();
    let anmeldung = postings_of(&files, "anmeldung");
    assert_eq!(anmeldung.len(), 2);
    assert!(anmeldung[0].1 > anmeldung[1].1, "{anmeldung:?}");
    assert!(postings_of(&files, "die").is_empty());
    assert!(postings_of(&files, "der").is_empty());
    // Deterministic.
    assert_eq!(files, bundle("de", &records, &[]).unwrap());
    // Records files hold what results show.
    let entry = parse(&files, ENTRY);
    let rows = parse(&files, entry["record_files"][0].as_str().unwrap());
    assert_eq!(rows[1][0], "/m/de/b/");
    assert_eq!(rows[1][1], "Wohnen");
    assert_eq!(rows[1][3], "page");
}

#[test]
fn german_compounds_are_found_by_their_parts() {
    let records = vec![
        record("/m/de/a/", "Beratung", "Beratung für alle."),
        record("/m/de/b/", "Stelle", "Eine Stelle."),
        record("/m/de/c/", "Ämter", "Die Beratungsstelle hilft."),
    ];
    let files = bundle("de", &records, &[]).unwrap();
    let beratung = postings_of(&files, "beratung");
    assert_eq!(beratung.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 2]);
    // Not in English bundles.
    let files = bundle("en", &records, &[]).unwrap();
    assert_eq!(postings_of(&files, "beratung").len(), 1);
}

#[test]
fn synonyms_find_each_other_also_as_phrases() {
    let records = vec![
        record("/m/de/a/", "Jobcenter", "Das Jobcenter zahlt Bürgergeld."),
        record("/m/de/b/", "Kita", "Ein Platz in der Kita."),
        record("/m/de/c/", "Schule", "Die Schule."),
    ];
    let groups = vec![
        vec![
            "Jobcenter".to_string(),
            "Hartz IV".to_string(),
            "Arbeitsamt".to_string(),
        ],
        vec!["Kita".to_string(), "Kindergarten".to_string()],
    ];
    let files = bundle("de", &records, &groups).unwrap();
    assert_eq!(
        postings_of(&files, "hartz")
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>(),
        [0]
    );
    assert_eq!(
        postings_of(&files, "iv")
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>(),
        [0]
    );
    assert_eq!(
        postings_of(&files, "kindergarten")
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>(),
        [1]
    );
    // Less than the word itself where both are there.
    let kita = postings_of(&files, "kita")[0].1;
    assert!(postings_of(&files, "kindergarten")[0].1 < kita);
    // Without synonyms, none of that.
    assert!(postings_of(&bundle("de", &records, &[]).unwrap(), "hartz").is_empty());
    assert_eq!(occurrences(&[1, 2, 1, 2, 3], &[1, 2]), 2);
    assert_eq!(occurrences(&[1], &[1, 2]), 0);
}

#[test]
fn many_records_make_many_shards_and_record_files() {
    let records: Vec<Record> = (0..500)
        .map(|i| {
            record(
                &format!("/m/de/p{i}/"),
                &format!("Seite{i}"),
                &format!("wort{i} gemeinsam text{} {}", i % 7, "füllwort ".repeat(20)),
            )
        })
        .collect();
    let files = bundle("de", &records, &[]).unwrap();
    let entry = parse(&files, ENTRY);
    assert!(entry["postings"].as_array().unwrap().len() > 1);
    assert_eq!(
        entry["record_files"].as_array().unwrap().len(),
        500usize.div_ceil(RECORDS_PER_FILE)
    );
    assert_eq!(
        postings_of(&files, "wort417"),
        [(417, postings_of(&files, "wort417")[0].1)]
    );
    assert_eq!(postings_of(&files, "gemeinsam").len(), 500);
    for (name, content) in &files {
        assert!(
            content.len() < 64_000 || name.starts_with("terms"),
            "{name}"
        );
    }
}

/// A "word" of a million letters (pasted data) is indexed in linear time, not split.
#[test]
fn a_huge_word_is_not_split() {
    let vocabulary: HashSet<String> = ["aaaa".to_string()].into_iter().collect();
    let c = Compounds::new(&vocabulary);
    let huge = "a".repeat(1_000_000);
    let started = std::time::Instant::now();
    assert!(c.parts(&huge).is_empty());
    let records = vec![record("/m/de/a/", "Titel", &huge)];
    assert!(bundle("de", &records, &[]).is_ok());
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn every_ui_language_has_stop_words_or_a_reason() {
    // Languages without a list, each with the reason given in the file as a comment.
    const WITHOUT: [&str; 1] = ["zh"];
    let file = include_str!("search_stop_words.txt");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n");
    let mut langs: Vec<String> = std::fs::read_dir(dir)
        .expect("the theme's i18n folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    langs.sort();
    assert!(langs.len() >= 20, "{langs:?}");
    for lang in &langs {
        if WITHOUT.contains(&lang.as_str()) {
            assert!(stop_words(lang).is_empty(), "{lang}");
            assert!(
                file.lines().any(|l| l.starts_with(&format!("# {lang}:"))),
                "{lang}: no list needs a comment saying why"
            );
        } else {
            assert!(!stop_words(lang).is_empty(), "{lang} has no stop words");
        }
    }
    // Kurdish (`ku`) is written as Kurmanji (`kmr`) in the theme.
    assert_eq!(stop_words("ku"), stop_words("kmr"));
    let codes = file
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(code, _)| code.trim());
    for code in codes {
        let list = stop_words(code);
        let mut seen = HashSet::new();
        for w in &list {
            assert!(!w.is_empty(), "{code}: an empty word");
            assert!(seen.insert(*w), "{code}: {w} twice");
            let n = normalize(w);
            let split: Vec<&str> = words(&n).collect();
            // One-letter words ("a", "و", "і") are no words at all: never indexed,
            // never searched; harmless in a list.
            if !(split.is_empty() && n.chars().count() == 1) {
                assert_eq!(split, [n.as_str()], "{code}: {w} is not one word");
            }
        }
    }
}

/// A bundle without a single word (a start page of stop words only) is still a
/// well-formed index: one empty postings shard starting at word 0.
#[test]
fn a_bundle_without_words_is_well_formed() {
    let files = bundle("de", &[record("/m/de/", "Wir", "und die der")], &[]).unwrap();
    let entry = parse(&files, ENTRY);
    let terms = parse(&files, entry["terms"].as_str().unwrap());
    assert_eq!(terms["terms"].as_array().unwrap().len(), 0);
    assert_eq!(terms["shards"], serde_json::json!([0]));
    assert_eq!(entry["postings"].as_array().unwrap().len(), 1);
    assert_eq!(
        parse(&files, entry["postings"][0].as_str().unwrap()),
        serde_json::json!([])
    );
}
