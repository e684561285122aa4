//! `wegweiser translations export` / `import`: XLIFF 2.0 round trips.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{copy_fixture, tree};
use wegweiser::edit::xliff::{self, Document};
use wegweiser::model::translation::is_digest;

fn wegweiser(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

/// Export `args` from `root` into `root/out.xlf` and return the document's text.
fn export(root: &Path, args: &[&str]) -> String {
    let mut all = vec!["translations", "export"];
    all.extend_from_slice(args);
    all.extend(["--out", "out.xlf"]);
    let out = wegweiser(&all, root);
    ok(&out);
    fs::read_to_string(root.join("out.xlf")).unwrap()
}

fn parse(xml: &str) -> Document {
    xliff::read(xml).unwrap_or_else(|e| panic!("line {}: {}\n{xml}", e.line, e.message))
}

/// What a translator does: give every segment without a target one, made by `translate`
/// from the source's (escaped) XML text.
fn fill(xml: &str, translate: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<source>") {
        let end = rest[start..].find("</source>").unwrap() + start;
        let source = &rest[start + "<source>".len()..end];
        let after = end + "</source>".len();
        out.push_str(&rest[..after]);
        if !rest[after..].trim_start().starts_with("<target>") {
            out.push_str(&format!("<target>{}</target>", translate(source)));
        }
        rest = &rest[after..];
    }
    out.push_str(rest);
    out
}

/// Import `xml` (written to `root/done.xlf`) with extra `args`.
fn import(root: &Path, xml: &str, args: &[&str]) -> Output {
    fs::write(root.join("done.xlf"), xml).unwrap();
    let mut all = vec!["translations", "import", "done.xlf"];
    all.extend_from_slice(args);
    wegweiser(&all, root)
}

/// States from `wegweiser translations --format json`: (page, language, state).
fn states(root: &Path, language: &str) -> Vec<(String, String)> {
    let out = wegweiser(
        &["translations", "--format", "json", "--language", language],
        root,
    );
    ok(&out);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["page"].as_str().unwrap().to_string(),
                v["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn state(root: &Path, language: &str, page: &str) -> String {
    states(root, language)
        .into_iter()
        .find(|(p, _)| p == page)
        .unwrap_or_else(|| panic!("no row for {page} [{language}]"))
        .1
}

fn read_page(path: &Path) -> (wegweiser::load::front_matter::Parsed, String) {
    let text = fs::read_to_string(path).unwrap();
    let parsed = wegweiser::load::front_matter::parse(path, &text).unwrap();
    let body = text[parsed.body_start..].to_string();
    (parsed, body)
}

fn page<'a>(doc: &'a Document, label: &str) -> &'a xliff::File {
    doc.files
        .iter()
        .find(|f| f.note(xliff::note::PAGE) == Some(label))
        .unwrap_or_else(|| panic!("no <file> for {label}"))
}

/// The unit ids of a `<file>` without the file's id, which each starts with so that
/// ids are unique in the document.
fn unit_ids(file: &xliff::File) -> Vec<&str> {
    let prefix = format!("{}:", file.id);
    file.units
        .iter()
        .map(|u| {
            u.id.strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("unit id {} does not start with {prefix}", u.id))
        })
        .collect()
}

#[test]
fn export_holds_exactly_the_texts_to_translate() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\""));
    let doc = parse(&xml);
    assert_eq!(doc.version, "2.0");
    assert_eq!(doc.src_lang, "de");
    assert_eq!(doc.trg_lang.as_deref(), Some("en"));
    // Missing: the start page and d; outdated: b. Not a (up to date) nor c (machine-translated).
    let pages: Vec<&str> = doc
        .files
        .iter()
        .map(|f| f.note(xliff::note::PAGE).unwrap())
        .collect();
    assert_eq!(pages, ["ort", "ort/b", "ort/d"]);
    assert_eq!(
        doc.files.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["ort", "ort:b", "ort:d"]
    );

    let b = page(&doc, "ort/b");
    assert_eq!(b.original.as_deref(), Some("content/ort/b.de.md"));
    assert_eq!(
        b.note(xliff::note::SOURCE_FILE),
        Some("content/ort/b.de.md")
    );
    assert!(is_digest(b.note(xliff::note::SOURCE_DIGEST).unwrap()));
    assert_eq!(
        b.note(xliff::note::TRANSLATION_FILE),
        Some("content/ort/b.en.md")
    );
    assert!(b.note(xliff::note::TRANSLATION_FILE_DIGEST).is_some());
    assert!(
        b.note(xliff::note::STATE)
            .unwrap()
            .starts_with("outdated: ")
    );
    assert_eq!(unit_ids(b), ["title", "body-1"]);
    assert_eq!(b.units[0].source, "Miete");
    // The outdated translation is there to be edited.
    assert_eq!(b.units[0].target.as_deref(), Some("Rent"));
    assert_eq!(b.units[1].source, "Die Miete ist am Monatsanfang fällig.");
    assert_eq!(b.units[1].target.as_deref(), Some("The rent."));
    assert!(xml.contains("<segment state=\"initial\">"));

    let d = page(&doc, "ort/d");
    assert_eq!(d.note(xliff::note::TRANSLATION_FILE_DIGEST), None);
    assert_eq!(unit_ids(d), ["title", "body-1"]);
    assert!(d.units.iter().all(|u| u.target.is_none()));

    // --state narrows it; ti is translated from en.
    let doc = parse(&export(&root, &["--language", "en", "--state", "outdated"]));
    assert_eq!(doc.files.len(), 1);
    let doc = parse(&export(&root, &["--language", "ti"]));
    assert_eq!(doc.src_lang, "en");
    assert_eq!(doc.trg_lang.as_deref(), Some("ti"));
    assert_eq!(page(&doc, "ort/b").units[0].source, "Rent");
    assert_eq!(page(&doc, "ort/b").units[0].target.as_deref(), Some("ክራይ"));

    // Nothing to export into the source language, or for an unknown state.
    let out = wegweiser(
        &["translations", "export", "--language", "de", "-o", "x.xlf"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("source language"), "{}", stderr(&out));
    let out = wegweiser(
        &[
            "translations",
            "export",
            "--language",
            "en",
            "--state",
            "bogus",
            "--out",
            "x.xlf",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!root.join("x.xlf").exists());
}

#[test]
fn imported_translations_have_front_matter_and_digest_and_are_up_to_date() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    let doc = parse(&xml);
    let done = fill(&xml, |s| format!("EN {s}"));
    ok(&import(&root, &done, &[]));

    let (start, body) = read_page(&root.join("content/ort/_index.en.md"));
    assert_eq!(start.syntax, wegweiser::load::front_matter::Syntax::Toml);
    assert_eq!(start.front.title, "EN Start");
    assert_eq!(body, "EN Willkommen.\n");
    assert_eq!(
        start.front.source_digest.as_deref(),
        page(&doc, "ort").note(xliff::note::SOURCE_DIGEST)
    );
    let (d, body) = read_page(&root.join("content/ort/d.en.md"));
    assert_eq!(d.front.title, "EN Nur Deutsch");
    assert_eq!(d.front.slug, None);
    assert_eq!(body, "EN Nur auf Deutsch.\n");
    assert_eq!(
        d.front.source_digest.as_deref(),
        page(&doc, "ort/d").note(xliff::note::SOURCE_DIGEST)
    );
    // The outdated one kept its prefilled (here: unchanged) text and got the new digest.
    let (b, body) = read_page(&root.join("content/ort/b.en.md"));
    assert_eq!(b.front.title, "Rent");
    assert_eq!(body, "The rent.\n");

    let en = states(&root, "en");
    assert_eq!(
        en,
        [
            ("".to_string(), "up-to-date".to_string()),
            ("a".to_string(), "up-to-date".to_string()),
            ("b".to_string(), "up-to-date".to_string()),
            ("c".to_string(), "machine-translated".to_string()),
            ("d".to_string(), "up-to-date".to_string()),
        ]
    );
    ok(&wegweiser(&["check"], &root));
}

#[test]
fn an_outdated_translation_round_trips_keeping_its_slug() {
    let (_tmp, root) = copy_fixture("translations");
    let en = root.join("content/ort/b.en.md");
    let text = fs::read_to_string(&en)
        .unwrap()
        .replace("title = \"Rent\"\n", "title = \"Rent\"\nslug = \"rent\"\n");
    fs::write(&en, text).unwrap();
    // The source grows a description and a second paragraph since the translation.
    let de = root.join("content/ort/b.de.md");
    fs::write(
        &de,
        "+++\ntitle = \"Miete\"\ndescription = \"Wann & wie\"\nweight = 2\n+++\n\
         Die Miete ist am Monatsanfang fällig.\n\n## Kaution\n\nDrei Monatsmieten.\n",
    )
    .unwrap();
    assert_eq!(state(&root, "en", "b"), "outdated");

    let xml = export(&root, &["--language", "en", "--state", "outdated"]);
    let doc = parse(&xml);
    let b = page(&doc, "ort/b");
    assert_eq!(
        unit_ids(b),
        ["title", "description", "body-1", "body-2", "body-3"]
    );
    assert_eq!(b.units[1].source, "Wann & wie");
    // The old paragraph is still the first: it goes along as the draft of its unit;
    // the new heading and paragraph have none, and the old body goes along as a note.
    assert_eq!(b.units[0].target.as_deref(), Some("Rent"));
    assert_eq!(b.units[2].target.as_deref(), Some("The rent."));
    assert!(b.units[3..].iter().all(|u| u.target.is_none()));
    assert_eq!(b.note(xliff::note::PREVIOUS_BODY), Some("The rent."));

    let done = fill(&xml, |s| match s {
        "Wann &amp; wie" => "When &amp; how".to_string(),
        "Kaution" => "Deposit".into(),
        "Drei Monatsmieten." => "Three months' rent.".into(),
        other => panic!("unexpected source {other}"),
    })
    .replace("<target>Rent</target>", "<target>Rent and deposit</target>")
    .replace(
        "<target>The rent.</target>",
        "<target>Rent is due at the start of the month.</target>",
    );
    ok(&import(&root, &done, &[]));
    let written = fs::read_to_string(&en).unwrap();
    let digest = b.note(xliff::note::SOURCE_DIGEST).unwrap();
    assert_eq!(
        written,
        format!(
            "+++\ntitle = \"Rent and deposit\"\ndescription = \"When & how\"\nslug = \"rent\"\n\
             source_digest = \"{digest}\"\n+++\nRent is due at the start of the month.\n\n\
             ## Deposit {{#kaution}}\n\nThree months' rent.\n"
        )
    );
    assert_eq!(state(&root, "en", "b"), "up-to-date");
    // ti follows en, which changed: now ti is the outdated one.
    assert_eq!(state(&root, "ti", "b"), "outdated");
}

#[test]
fn newer_work_is_not_overwritten_without_force() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    let done = fill(&xml, |s| format!("EN {s}"));
    // After the export somebody revised b.en.md and created d.en.md.
    let b = root.join("content/ort/b.en.md");
    let revised = fs::read_to_string(&b)
        .unwrap()
        .replace("The rent.", "The rent is due on the first.");
    fs::write(&b, &revised).unwrap();
    let d = root.join("content/ort/d.en.md");
    fs::write(&d, "+++\ntitle = \"Only German\"\n+++\nMine.\n").unwrap();
    let before = tree(&root.join("content"));

    let out = import(&root, &done, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/ort/b.en.md changed since the export"),
        "{err}"
    );
    assert!(
        err.contains("content/ort/d.en.md was created since the export"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(err.contains("done.xlf:"), "{err}");
    // Neither is touched; the start page, which had no conflict, is imported.
    assert_eq!(fs::read_to_string(&b).unwrap(), revised);
    assert_eq!(
        fs::read_to_string(&d).unwrap(),
        "+++\ntitle = \"Only German\"\n+++\nMine.\n"
    );
    let after = tree(&root.join("content"));
    assert_eq!(
        after
            .keys()
            .filter(|k| !before.contains_key(*k))
            .collect::<Vec<_>>(),
        ["ort/_index.en.md"]
    );

    let out = import(&root, &done, &["--force"]);
    ok(&out);
    assert!(
        fs::read_to_string(&d)
            .unwrap()
            .contains("EN Nur auf Deutsch.")
    );
    assert!(root.join("content/ort/_index.en.md").is_file());
}

#[test]
fn a_unit_without_target_refuses_its_page_only() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    // The translator skipped one unit.
    let done =
        fill(&xml, |s| format!("EN {s}")).replace("<target>EN Nur auf Deutsch.</target>", "");
    let out = import(&root, &done, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("page ort/d: unit `ort:d:body-1` has no <target>"),
        "{err}"
    );
    // d is not imported; the others are.
    assert!(!root.join("content/ort/d.en.md").exists());
    assert!(root.join("content/ort/_index.en.md").is_file());
    assert!(
        err.contains("Imported 2 translation(s); 1 error(s)"),
        "{err}"
    );
    let before = tree(&root.join("content"));
    // An empty target is no translation either.
    let out = import(
        &root,
        &done.replace("<target>EN Nur Deutsch</target>", "<target/>"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("page ort/d: unit `ort:d:title`"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("content/ort/d.en.md").exists());
    let after = tree(&root.join("content"));
    assert_eq!(after.len(), before.len());
}

#[test]
fn a_page_that_no_longer_exists_is_an_error_at_its_xliff_line() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    let done = fill(&xml, |s| format!("EN {s}"));
    fs::rename(
        root.join("content/ort/d.de.md"),
        root.join("content/ort/e.de.md"),
    )
    .unwrap();
    let line = xml
        .lines()
        .position(|l| l.contains("<file id=\"ort:d\""))
        .unwrap()
        + 1;
    let out = import(&root, &done, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("page ort/d (content/ort/d.de.md) no longer exists"),
        "{err}"
    );
    assert!(err.contains(&format!("done.xlf:{line}")), "{err}");
    // The pages that still exist are imported.
    assert!(root.join("content/ort/_index.en.md").is_file());
}

#[test]
fn a_source_changed_since_the_export_is_imported_as_outdated() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en", "--state", "missing"]);
    let done = fill(&xml, |s| format!("EN {s}"));
    let de = root.join("content/ort/d.de.md");
    fs::write(
        &de,
        fs::read_to_string(&de)
            .unwrap()
            .replace("Nur auf Deutsch.", "Nur auf Deutsch, wirklich."),
    )
    .unwrap();
    let out = import(&root, &done, &[]);
    ok(&out);
    assert!(
        stderr(&out).contains("warning: content/ort/d.de.md changed since the export"),
        "{}",
        stderr(&out)
    );
    assert_eq!(state(&root, "en", "d"), "outdated");
    assert_eq!(state(&root, "en", ""), "up-to-date");
}

#[test]
fn markup_characters_and_non_latin_scripts_survive_the_round_trip() {
    let (_tmp, root) = copy_fixture("translations");
    // A YAML source with everything XML must escape.
    let title = "Tom & Jerry <\"Kinder\"> 'Hort'";
    let body = "Bring <b>Pass</b> & \"Meldebescheinigung\" mit; a < b > c, &amp; bleibt.\n\n\
                ```html\n<p>Code & mehr</p>\n\n<p>zwei</p>\n```\n\n| a | b |\n|---|---|\n| <1> | & |\n";
    fs::write(
        root.join("content/ort/d.de.md"),
        format!(
            "---\ntitle: '{}'\nweight: 4\n---\n{body}",
            title.replace('\'', "''")
        ),
    )
    .unwrap();
    let xml = export(&root, &["--language", "ar", "--state", "missing"]);
    assert!(xml.contains("srcLang=\"de\" trgLang=\"ar\""));
    assert!(xml.contains(
        "<file id=\"ort:d\" original=\"content/ort/d.de.md\" srcDir=\"ltr\" trgDir=\"rtl\">"
    ));
    assert!(xml.contains("<source>Tom &amp; Jerry &lt;\"Kinder\"&gt; 'Hort'</source>"));
    assert!(xml.contains("&amp;amp; bleibt."));
    let doc = parse(&xml);
    let d = page(&doc, "ort/d");
    assert_eq!(d.units[0].source, title);
    // The paragraph and three table cells; the code block (and the cell `&`) have
    // nothing to translate and stay in the skeleton.
    assert_eq!(
        unit_ids(d),
        ["title", "body-1", "body-2", "body-3", "body-4"]
    );
    assert_eq!(
        d.units[1].source,
        "Bring <b>Pass</b> & \"Meldebescheinigung\" mit; a < b > c, &amp; bleibt."
    );
    assert!(
        xml.contains("Bring <ph id=\"1\" dataRef=\"d1\"/>Pass<ph id=\"2\" dataRef=\"d2\"/> &amp;"),
        "{xml}"
    );
    assert!(
        xml.contains("```html&#10;&lt;p&gt;Code &amp; mehr&lt;/p&gt;&#10;&#10;&lt;p&gt;zwei&lt;/p&gt;&#10;```"),
        "{xml}"
    );
    assert_eq!(d.units[4].source, "<1>");

    let ar_title = "توم & جيري <\"أطفال\"> 'ሓጺር' ትግርኛ";
    let ar_body1 = "أحضر <b>جواز السفر</b> & \"شهادة التسجيل\"؛ a < b > c, &amp; ቀጻሊ ጽሑፍ.";
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let done = fill(&xml, |s| {
        if s == esc(title) {
            esc(ar_title)
        } else if s.starts_with("Bring") {
            // The translator keeps the tags that stand for `<b>` and `</b>`.
            let (before, rest) = ar_body1.split_once("<b>").unwrap();
            let (bold, after) = rest.split_once("</b>").unwrap();
            format!(
                "{}<ph id=\"1\" dataRef=\"d1\"/>{}<ph id=\"2\" dataRef=\"d2\"/>{}",
                esc(before),
                esc(bold),
                esc(after)
            )
        } else {
            s.to_string()
        }
    });
    ok(&import(&root, &done, &[]));
    let path = root.join("content/ort/d.ar.md");
    let (parsed, written_body) = read_page(&path);
    assert_eq!(
        parsed.syntax,
        wegweiser::load::front_matter::Syntax::Yaml,
        "like its source"
    );
    assert_eq!(parsed.front.title, ar_title);
    assert_eq!(
        written_body,
        format!(
            "{ar_body1}\n\n```html\n<p>Code & mehr</p>\n\n<p>zwei</p>\n```\n\n| a | b |\n|---|---|\n| <1> | & |\n"
        )
    );
    assert_eq!(state(&root, "ar", "d"), "up-to-date");
    ok(&wegweiser(&["check"], &root));
}

#[test]
fn events_places_and_news_items_round_trip_through_xliff() {
    let (_tmp, root) = copy_fixture("item-translations");
    // Turkish has no translation of anything: the start page and the three items.
    let xml = export(&root, &["--language", "tr"]);
    let doc = parse(&xml);
    let labels: Vec<&str> = doc
        .files
        .iter()
        .map(|f| f.note(xliff::note::PAGE).unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "ort",
            "ort/events/sprachcafe",
            "ort/news/deutschkurse",
            "ort/places/buergerbuero"
        ]
    );
    let event = page(&doc, "ort/events/sprachcafe");
    assert_eq!(event.id, "ort:events:sprachcafe");
    assert_eq!(
        event.note(xliff::note::SOURCE_FILE),
        Some("content/ort/events/sprachcafe.md")
    );
    assert_eq!(
        event.note(xliff::note::TRANSLATION_FILE),
        Some("content/ort/events/sprachcafe.tr.md")
    );
    // Only texts: the event's times and the place's opening hours stay in German files.
    assert_eq!(unit_ids(event), ["title", "description", "body-1"]);
    assert_eq!(event.units[0].source, "Sprachcafé");
    assert!(!xml.contains("FREQ=WEEKLY") && !xml.contains("08:00"));

    ok(&import(&root, &fill(&xml, |s| format!("TR {s}")), &[]));
    let written = fs::read_to_string(root.join("content/ort/events/sprachcafe.tr.md")).unwrap();
    let digest = event.note(xliff::note::SOURCE_DIGEST).unwrap();
    assert_eq!(
        written,
        format!(
            "+++\ntitle = \"TR Sprachcafé\"\ndescription = \"TR Deutsch sprechen bei Kaffee und Tee\"\n\
             source_digest = \"{digest}\"\n+++\nTR Jeden Dienstag sprechen wir Deutsch bei Kaffee und Tee. Alle sind willkommen.\n"
        )
    );
    assert!(root.join("content/ort/places/buergerbuero.tr.md").is_file());
    assert!(root.join("content/ort/news/deutschkurse.tr.md").is_file());
    assert!(
        states(&root, "tr").iter().all(|(_, s)| s == "up-to-date"),
        "{:?}",
        states(&root, "tr")
    );
    ok(&wegweiser(&["check"], &root));

    // An outdated item goes out with its current translation as a draft.
    let doc = parse(&export(&root, &["--language", "ar", "--state", "outdated"]));
    let event = page(&doc, "ort/events/sprachcafe");
    assert_eq!(event.units[0].target.as_deref(), Some("مقهى اللغة"));
    assert!(
        event
            .note(xliff::note::STATE)
            .unwrap()
            .starts_with("outdated: the German source changed")
    );

    // An item translation's old URLs survive an import over it.
    let ar = root.join("content/ort/events/sprachcafe.ar.md");
    let text = fs::read_to_string(&ar).unwrap();
    fs::write(
        &ar,
        text.replacen("+++\n", "+++\naliases = [\"/ort/ar/alt/\"]\n", 1),
    )
    .unwrap();
    let xml = export(&root, &["--language", "ar", "--state", "outdated"]);
    ok(&import(&root, &fill(&xml, |s| format!("AR {s}")), &[]));
    let written = fs::read_to_string(&ar).unwrap();
    assert!(
        written.contains("aliases = [\"/ort/ar/alt/\"]"),
        "{written}"
    );
    assert!(
        written.contains("source_digest = \"e5d6f0e14e39\""),
        "{written}"
    );
}

/// An independent reading of an XLIFF document (quick-xml, not src/xliff's reader):
/// well-formed; `<file>` ids and `<unit>` ids unique in the whole document (tools key
/// units by id); inline code ids unique within each unit's source and each target,
/// every target code one of the source's; every `dataRef*` naming a `<data>` of its
/// unit; every body unit placed once by its file's skeleton. Returns the unit ids.
fn validate_independently(xml: &str) -> Vec<String> {
    use quick_xml::Reader;
    use quick_xml::events::{BytesStart, Event};
    use std::collections::{BTreeMap, BTreeSet};

    fn attrs(e: &BytesStart<'_>) -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .expect("attribute value")
                        .into_owned(),
                )
            })
            .collect()
    }
    #[derive(Default)]
    struct Unit {
        id: String,
        data: BTreeSet<String>,
        refs: Vec<String>,
        source_codes: Vec<String>,
        target_codes: Vec<Vec<String>>,
    }
    let mut reader = Reader::from_str(xml);
    let mut files = BTreeSet::new();
    let mut units = Vec::new();
    let mut all_units: Vec<String> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut unit: Option<Unit> = None;
    let mut file_units: BTreeSet<String> = BTreeSet::new();
    let mut placed: Vec<String> = Vec::new();
    let mut root_seen = false;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        let (e, empty) = match &event {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(end) => {
                let name = String::from_utf8(end.name().as_ref().to_vec()).unwrap();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
                match name.as_str() {
                    "unit" => units.push(unit.take().unwrap()),
                    "file" => {
                        let body_units: BTreeSet<String> = file_units
                            .iter()
                            .filter(|u| u.contains(":body-"))
                            .cloned()
                            .collect();
                        let mut sorted = placed.clone();
                        sorted.sort();
                        assert_eq!(
                            sorted,
                            body_units.iter().cloned().collect::<Vec<_>>(),
                            "the skeleton places each body unit once"
                        );
                        file_units.clear();
                        placed.clear();
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            Event::Text(t) => {
                assert!(
                    !root_seen || !stack.is_empty() || t.trim_ascii().is_empty(),
                    "text outside the root"
                );
                continue;
            }
            _ => continue,
        };
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let a = attrs(&e);
        if stack.is_empty() {
            assert!(!root_seen, "one root element");
            root_seen = true;
            assert_eq!(name, "xliff");
            assert_eq!(
                a.get("xmlns").map(String::as_str),
                Some("urn:oasis:names:tc:xliff:document:2.0")
            );
            assert_eq!(a.get("version").map(String::as_str), Some("2.0"));
        }
        match name.as_str() {
            "file" => assert!(files.insert(a["id"].clone()), "file id {} twice", a["id"]),
            "unit" => {
                let id = a["id"].clone();
                assert!(
                    !all_units.contains(&id),
                    "unit id {id} twice in the document"
                );
                all_units.push(id.clone());
                file_units.insert(id.clone());
                unit = Some(Unit {
                    id,
                    ..Default::default()
                });
            }
            "ww:segment" => placed.push(a["unit"].clone()),
            "data" => {
                let u = unit.as_mut().expect("<data> in a unit");
                assert!(u.data.insert(a["id"].clone()), "data id twice in {}", u.id);
            }
            "target" => unit.as_mut().unwrap().target_codes.push(Vec::new()),
            "ph" | "pc" | "sc" | "ec" => {
                let u = unit.as_mut().expect("codes are in units");
                for key in ["dataRef", "dataRefStart", "dataRefEnd"] {
                    if let Some(r) = a.get(key) {
                        u.refs.push(r.clone());
                    }
                }
                let id = a.get("id").or(a.get("startRef")).unwrap().clone();
                if stack.iter().any(|s| s == "target") {
                    u.target_codes.last_mut().unwrap().push(id);
                } else {
                    assert!(
                        stack.iter().any(|s| s == "source"),
                        "<{name}> outside source/target"
                    );
                    u.source_codes.push(id);
                }
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    assert!(stack.is_empty() && root_seen);
    for u in &units {
        for r in &u.refs {
            assert!(u.data.contains(r), "{}: dataRef {r} names no <data>", u.id);
        }
        let unique: BTreeSet<&String> = u.source_codes.iter().collect();
        assert_eq!(
            unique.len(),
            u.source_codes.len(),
            "{}: code ids repeat",
            u.id
        );
        for t in &u.target_codes {
            let ids: BTreeSet<&String> = t.iter().collect();
            assert_eq!(ids.len(), t.len(), "{}: target code ids repeat", u.id);
            assert!(
                ids.is_subset(&unique),
                "{}: target codes not in the source",
                u.id
            );
        }
    }
    all_units
}

/// A page with what Markdown puts around text: a link, emphasis, a code span, a
/// heading without id, an alert, a list and a table.
const RICH: &str = "+++\ntitle = \"Nur Deutsch\"\nweight = 4\n+++\n\
    Bitte **rechtzeitig** zur [Miete](b.md) gehen, Nummer `123`.\n\n\
    ## Kaution\n\n\
    > [!TIP]\n> Bringen Sie den\n> Pass mit.\n\n\
    - erstens\n- zweitens\n\n\
    | Amt | Zeit |\n|---|---|\n| Rathaus | früh |\n";

#[test]
fn markdown_syntax_travels_in_inline_codes_and_comes_back() {
    let (_tmp, root) = copy_fixture("translations");
    fs::write(root.join("content/ort/d.de.md"), RICH).unwrap();
    let xml = export(&root, &["--language", "en", "--state", "missing"]);
    validate_independently(&xml);
    let doc = parse(&xml);
    let d = page(&doc, "ort/d");
    // One unit per paragraph, heading, list item and table cell; no block syntax.
    let sources: Vec<&str> = d.units.iter().map(|u| u.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "Nur Deutsch",
            "Bitte **rechtzeitig** zur [Miete](b.md) gehen, Nummer `123`.",
            "Kaution",
            "Bringen Sie den Pass mit.",
            "erstens",
            "zweitens",
            "Amt",
            "Zeit",
            "Rathaus",
            "früh",
        ]
    );
    // What a tool shows as text holds no Markdown: it is in codes.
    assert!(
        xml.contains(
            "<source>Bitte <pc id=\"1\" dataRefStart=\"d1s\" dataRefEnd=\"d1e\">rechtzeitig</pc> zur \
             <pc id=\"2\" dataRefStart=\"d2s\" dataRefEnd=\"d2e\">Miete</pc> gehen, Nummer <ph id=\"3\" dataRef=\"d3\"/>.</source>"
        ),
        "{xml}"
    );
    assert!(xml.contains("<data id=\"d2e\">](b.md)</data>"), "{xml}");
    assert!(xml.contains("<source>Kaution</source>"));
    // The heading's id and the alert are in the skeleton, not in a unit.
    assert!(
        xml.contains(
            "<ww:md text=\"&#10;&#10;## \"/>\n        <ww:segment unit=\"ort:d:body-2\" kind=\"h2\"/>\n        \
             <ww:md text=\" {#kaution}&#10;&#10;&gt; [!TIP]&#10;&gt; \"/>\n        <ww:segment unit=\"ort:d:body-3\" kind=\"quote/p\"/>"
        ),
        "{xml}"
    );

    // The translator translates the text and keeps the tags (here: moves them).
    let done = fill(&xml, |s| {
        let s = s
            .replace("rechtzeitig", "in time")
            .replace("Kaution", "Deposit");
        format!("EN {s}")
    })
    // and its tool indents the skeleton anew (Translate Toolkit does).
    .replace("\n        <ww:", "\n\n            <ww:");
    ok(&import(&root, &done, &[]));
    let (_, body) = read_page(&root.join("content/ort/d.en.md"));
    assert_eq!(
        body,
        "EN Bitte **in time** zur [Miete](b.md) gehen, Nummer `123`.\n\n\
         ## EN Deposit {#kaution}\n\n\
         > [!TIP]\n> EN Bringen Sie den Pass mit.\n\n\
         - EN erstens\n- EN zweitens\n\n\
         | EN Amt | EN Zeit |\n|---|---|\n| EN Rathaus | EN früh |\n"
    );
    ok(&wegweiser(&["check"], &root));
}

#[test]
fn a_translation_that_lost_or_broke_a_code_is_refused_at_its_line() {
    let (_tmp, root) = copy_fixture("translations");
    fs::write(root.join("content/ort/d.de.md"), RICH).unwrap();
    let xml = export(&root, &["--language", "en"]);
    let done = fill(&xml, |s| format!("EN {s}"));
    // The tool lost the link's tag (its text stays) and repeated the code span's.
    let lost = done.replace(
        "<target>EN Bitte <pc id=\"1\" dataRefStart=\"d1s\" dataRefEnd=\"d1e\">rechtzeitig</pc> zur \
         <pc id=\"2\" dataRefStart=\"d2s\" dataRefEnd=\"d2e\">Miete</pc> gehen, Nummer <ph id=\"3\" dataRef=\"d3\"/>.</target>",
        "<target>EN Bitte <pc id=\"1\" dataRefStart=\"d1s\" dataRefEnd=\"d1e\">rechtzeitig</pc> zur \
         Miete gehen, Nummer <ph id=\"3\" dataRef=\"d3\"/> <ph id=\"3\" dataRef=\"d3\"/> <ph id=\"9\"/>.</target>",
    );
    assert_ne!(lost, done);
    let line = lost
        .lines()
        .position(|l| l.contains("<target>EN Bitte"))
        .unwrap()
        + 1;
    let out = import(&root, &lost, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("done.xlf:{line}")), "{err}");
    assert!(
        err.contains("page ort/d: unit `ort:d:body-1`: the translation has a <ph id=\"9\"> the source does not have; lost <pc id=\"2\"> (`[…](b.md)`); has <ph id=\"3\"> (``123``) 2 times"),
        "{err}"
    );
    // Only d is refused.
    assert!(!root.join("content/ort/d.en.md").exists());
    assert!(root.join("content/ort/_index.en.md").is_file());
    assert!(root.join("content/ort/b.en.md").is_file());
}

#[test]
fn unit_ids_are_unique_in_the_document() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    let ids = validate_independently(&xml);
    assert_eq!(
        ids,
        [
            "ort:title",
            "ort:body-1",
            "ort:b:title",
            "ort:b:body-1",
            "ort:d:title",
            "ort:d:body-1"
        ]
    );
}

#[test]
fn the_demo_portal_exports_valid_xliff() {
    // Everything the demo portal has, into a right-to-left language.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ar.xlf");
    let run = Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(["translations", "export"])
        .arg(&root)
        .args([
            "--language",
            "ar",
            "--state",
            "missing,outdated,machine-translated,up-to-date,in-translation",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(&run);
    let xml = fs::read_to_string(&out).unwrap();
    let ids = validate_independently(&xml);
    assert!(ids.len() > 100, "{}", ids.len());
    // wegweiser's reader takes it too, codes and all.
    let doc = parse(&xml);
    assert!(doc.files.iter().any(|f| f.units.iter().any(|u| {
        u.source_content
            .iter()
            .any(|c| matches!(c, xliff::Inline::Pc { .. }))
    })));
}

#[test]
fn pages_that_stay_german_are_left_out_unless_asked_for() {
    let (_tmp, root) = copy_fixture("legal");
    let labels = |xml: &str| -> Vec<String> {
        parse(xml)
            .files
            .iter()
            .map(|f| f.note(xliff::note::PAGE).unwrap().to_string())
            .collect()
    };
    // Kreis names recht/impressum.md as its imprint and leicht.md as Leichte Sprache.
    let mut all = vec![
        "translations",
        "export",
        "--language",
        "en",
        "--municipality",
        "kreis",
        "--out",
        "out.xlf",
    ];
    let out = wegweiser(&all, &root);
    ok(&out);
    let xml = fs::read_to_string(root.join("out.xlf")).unwrap();
    let exported = labels(&xml);
    assert!(
        exported.contains(&"kreis/recht".to_string()),
        "{exported:?}"
    );
    assert!(
        !exported
            .iter()
            .any(|l| l == "kreis/recht/impressum" || l == "kreis/leicht"),
        "{exported:?}"
    );
    assert!(
        stderr(&out).contains("Left out 2 page(s) that stay in the source language (legal pages, Leichte Sprache, Gebärdensprache): kreis/leicht, kreis/recht/impressum; --all-pages includes them"),
        "{}",
        stderr(&out)
    );
    all.push("--all-pages");
    ok(&wegweiser(&all, &root));
    let exported = labels(&fs::read_to_string(root.join("out.xlf")).unwrap());
    assert!(
        exported.contains(&"kreis/recht/impressum".to_string()),
        "{exported:?}"
    );
    assert!(
        exported.contains(&"kreis/leicht".to_string()),
        "{exported:?}"
    );
}

#[test]
fn a_translation_with_a_broken_link_is_refused_before_anything_is_written() {
    let (_tmp, root) = copy_fixture("translations");
    let xml = export(&root, &["--language", "en"]);
    // The translator added Markdown of their own: a link to a page that does not
    // exist, and one to an anchor b does not have.
    let done = fill(&xml, |s| match s {
        "Nur auf Deutsch." => "Only in German, see [help](hilfe.md).".to_string(),
        "Willkommen." => "Welcome, see [rent](b.md#nirgends).".to_string(),
        s => format!("EN {s}"),
    });
    let file_line = |id: &str| {
        xml.lines()
            .position(|l| l.contains(&format!("<file id=\"{id}\"")))
            .unwrap()
            + 1
    };
    let before = tree(&root);
    let out = import(&root, &done, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("done.xlf:{}", file_line("ort:d")))
            && err.contains("page ort/d: not imported: content/ort/d.en.md:"),
        "{err}"
    );
    assert!(err.contains("hilfe.md"), "{err}");
    assert!(
        err.contains(&format!("done.xlf:{}", file_line("ort"))) && err.contains("#nirgends"),
        "{err}"
    );
    // b, whose translation is fine, is imported; nothing else changed, no staging
    // copy left in the portal.
    let after = tree(&root);
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k) && k.as_str() != "done.xlf")
        .collect();
    assert_eq!(changed, ["content/ort/b.en.md"]);
    assert_eq!(after.len(), before.len() + 1, "{:?}", after.keys());
}

/// `xml` without the elements named `name` (and what they hold).
fn without(xml: &str, name: &str) -> String {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        out.push_str(&rest[..start]);
        let end = rest[start..].find(&close).unwrap() + start + close.len();
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_tool_that_drops_the_skeleton_or_original_data_loses_no_markdown() {
    let (_tmp, root) = copy_fixture("translations");
    fs::write(root.join("content/ort/d.de.md"), RICH).unwrap();
    let xml = export(&root, &["--language", "en", "--state", "missing"]);
    let done = fill(&xml, |s| format!("EN {s}"));
    let stripped = without(&without(&done, "skeleton"), "originalData");
    assert!(!stripped.contains("<skeleton>") && !stripped.contains("<data "));
    // The source is as exported: skeleton and Markdown come from it.
    ok(&import(&root, &stripped, &[]));
    let (_, body) = read_page(&root.join("content/ort/d.en.md"));
    assert_eq!(
        body,
        "EN Bitte **rechtzeitig** zur [Miete](b.md) gehen, Nummer `123`.\n\n\
         ## EN Kaution {#kaution}\n\n\
         > [!TIP]\n> EN Bringen Sie den Pass mit.\n\n\
         - EN erstens\n- EN zweitens\n\n\
         | EN Amt | EN Zeit |\n|---|---|\n| EN Rathaus | EN früh |\n"
    );

    // Once the source changed, what was dropped is gone: refused, not guessed.
    fs::remove_file(root.join("content/ort/d.en.md")).unwrap();
    fs::write(root.join("content/ort/d.de.md"), format!("{RICH}\nNeu.\n")).unwrap();
    let out = import(&root, &stripped, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("page ort/d: the file has no <skeleton> (the translation tool dropped it), and content/ort/d.de.md changed since the export"),
        "{err}"
    );
    assert!(!root.join("content/ort/d.en.md").exists());
    let out = import(&root, &without(&done, "originalData"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("page ort/d: unit `ort:d:body-1` has tags without their Markdown"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("content/ort/d.en.md").exists());
}
