//! Integration actors and content freshness on the fixture portal `tests/fixtures/review/`
//! (Teststadt, German and Arabic, on 2026-06-01): the `review` command in its three
//! formats, reminders, confirm, and what the site shows. They must all agree.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{copy_fixture, fixture};
use scraper::{Html, Selector};
use wegweiser::build::pipeline::{BuildOptions, build, load_site};
use wegweiser::render::NoProgress;

const TODAY: &str = "2026-06-01";

fn wegweiser(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run wegweiser")
}

#[track_caller]
fn success(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn root() -> String {
    fixture("review").display().to_string()
}

fn today() -> jiff::civil::Date {
    TODAY.parse().unwrap()
}

fn build_site(root: &Path, out: &Path) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        minify: Some(false),
        write: true,
        today: Some(today()),
        ..Default::default()
    };
    if let Err(f) = build(&options, &NoProgress) {
        let shown: Vec<String> = f.diagnostics.iter().map(ToString::to_string).collect();
        panic!("build failed:\n{}", shown.join("\n"));
    }
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// The subject and body of a `mailto:` link.
fn mailto_parts(href: &str) -> (String, String, String) {
    let rest = href.strip_prefix("mailto:").unwrap();
    let (to, query) = rest.split_once('?').unwrap();
    let mut subject = String::new();
    let mut body = String::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        match k {
            "subject" => subject = percent_decode(v),
            "body" => body = percent_decode(v),
            _ => panic!("unexpected {k}"),
        }
    }
    (to.to_string(), subject, body.replace("\r\n", "\n"))
}

/// Decode a quoted-printable body.
fn qp_decode(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let mut bytes = Vec::new();
    let b = joined.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

#[test]
fn review_lists_pages_by_actor_in_three_formats() {
    let text = success(&wegweiser(&["review", &root(), "--today", TODAY]));
    insta::assert_snapshot!("review_text", text);
    let all = success(&wegweiser(&[
        "review",
        &root(),
        "--today",
        TODAY,
        "--state",
        "all",
        "--format",
        "csv",
    ]));
    insta::assert_snapshot!("review_csv_all", all);
    let json = success(&wegweiser(&[
        "review",
        &root(),
        "--today",
        TODAY,
        "--format",
        "json",
        "--actor",
        "vhs",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = &v[0];
    assert_eq!(m["today"], TODAY);
    assert_eq!(m["timezone"], "Europe/Berlin");
    // Counts are of the actor's pages: Deutschkurse current, Integrationskurs overdue,
    // Sprachcafé due soon, Online never reviewed.
    assert_eq!(
        m["counts"],
        serde_json::json!({"overdue": 1, "due_soon": 1, "never_reviewed": 1, "current": 1})
    );
    let groups = m["actors"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["actor"]["id"], "vhs");
    assert_eq!(groups[0]["actor"]["contact_person"], "Frau Ö. Beispiel");
    let pages: Vec<(&str, &str)> = groups[0]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["file"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pages,
        [
            ("content/stadt/kurse/integrationskurs.de.md", "overdue"),
            ("content/stadt/kurse/sprachcafe.de.md", "due-soon"),
        ]
    );
}

#[test]
fn due_within_widens_due_soon_and_bad_filters_are_explained() {
    // Deutschkurse is due on 2026-07-31: 60 days after today.
    let wide = success(&wegweiser(&[
        "review",
        &root(),
        "--today",
        TODAY,
        "--due-within",
        "90d",
        "--format",
        "csv",
    ]));
    assert!(wide.contains("due-soon,2026-01-31,2026-07-31"), "{wide}");
    let narrow = success(&wegweiser(&[
        "review",
        &root(),
        "--today",
        TODAY,
        "--format",
        "csv",
    ]));
    assert!(!narrow.contains("2026-07-31"), "{narrow}");

    let out = wegweiser(&["review", &root(), "--actor", "vsh"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no actor `vsh`") && err.contains("did you mean `vhs`?"),
        "{err}"
    );
    let out = wegweiser(&["review", &root(), "--due-within", "soon"]);
    assert!(!out.status.success());
    let out = wegweiser(&["review", &root(), "--today", "2026-02-30"]);
    assert!(!out.status.success());
}

#[test]
fn reminders_are_exact_rfc_5322_messages_and_match_the_dashboard() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("mail");
    let listed = success(&wegweiser(&[
        "review",
        "remind",
        "--root",
        &root(),
        "--today",
        TODAY,
        "--out",
        out_dir.to_str().unwrap(),
    ]));
    assert!(listed.contains("stadt-vhs.eml"), "{listed}");
    let mut names: Vec<String> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The volunteers have a page due soon but no e-mail address: their reminder is
    // written for the municipality to forward.
    assert_eq!(
        names,
        ["stadt-amt.eml", "stadt-verein.eml", "stadt-vhs.eml"]
    );
    let eml = fs::read_to_string(out_dir.join("stadt-vhs.eml")).unwrap();
    insta::assert_snapshot!("reminder_vhs_eml", eml);
    // RFC 5322: CRLF only, lines of at most 998 octets (quoted-printable keeps 76),
    // headers in ASCII.
    assert!(!eml.replace("\r\n", "").contains('\n'));
    let (head, body) = eml.split_once("\r\n\r\n").unwrap();
    assert!(head.is_ascii(), "{head}");
    assert!(eml.split("\r\n").all(|l| l.len() <= 76), "{eml}");
    let verein = fs::read_to_string(out_dir.join("stadt-verein.eml")).unwrap();
    assert!(!verein.contains("\r\nTo:"), "{verein}");
    // An organisation without a contact person is not greeted by its name ("Guten Tag
    // Integrationsamt Teststadt,"); the coordinator signs and sends.
    let amt = fs::read_to_string(out_dir.join("stadt-amt.eml")).unwrap();
    assert!(amt.contains("\r\n\r\nGuten Tag,\r\n"), "{amt}");
    assert!(
        amt.starts_with(
            "From: =?UTF-8?Q?Integrationsb=C3=BCro_Teststadt?=\r\n <integration@teststadt.example>\r\n"
        ),
        "{amt}"
    );
    assert!(
        qp_decode(amt.split_once("\r\n\r\n").unwrap().1)
            .contains("Vielen Dank für Ihre Hilfe!\nIntegrationsbüro Teststadt\n"),
        "{amt}"
    );

    // The dashboard's link opens the same text.
    let site = tmp.path().join("public");
    build_site(&fixture("review"), &site);
    let html =
        Html::parse_document(&fs::read_to_string(site.join("stadt/_status/index.html")).unwrap());
    let links: Vec<String> = select(&html, ".freshness a[href^='mailto:']")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let vhs = links
        .iter()
        .find(|l| l.starts_with("mailto:kurse@vhs-teststadt.example?"))
        .expect("a reminder link for the VHS");
    let (to, subject, mail_body) = mailto_parts(vhs);
    assert_eq!(to, "kurse@vhs-teststadt.example");
    assert_eq!(mail_body, qp_decode(body));
    assert!(head.contains("Subject: =?UTF-8?Q?"), "{head}");
    assert!(
        subject.starts_with("Teststadt: Bitte prüfen Sie"),
        "{subject}"
    );
    // No link for the actor without an address.
    assert_eq!(links.len(), 2, "{links:?}");
}

#[test]
fn confirm_changes_only_the_review_lines_and_outdates_no_translation() {
    let (_tmp, root) = copy_fixture("review");
    let file = root.join("content/stadt/kurse/integrationskurs.de.md");
    let before = fs::read_to_string(&file).unwrap();
    let options = BuildOptions {
        root: root.clone(),
        today: Some(today()),
        ..Default::default()
    };
    let states = |options: &BuildOptions| {
        let mut d = wegweiser::Diagnostics::new();
        let (site, _) = load_site(options, &mut d).unwrap();
        let m = &site.municipalities[0];
        let id = m.keys["kurse/integrationskurs"];
        let p = &m.pages[id];
        (
            p.statuses.iter().map(|s| s.state).collect::<Vec<_>>(),
            p.translations[0].as_ref().unwrap().digest.clone(),
        )
    };
    let (states_before, digest_before) = states(&options);
    assert_eq!(
        states_before[1],
        wegweiser::model::translation::State::UpToDate,
        "the fixture's Arabic translation is up to date"
    );

    // Confirming the Arabic file records the check in the German source.
    let ar = root.join("content/stadt/kurse/integrationskurs.ar.md");
    let ar_before = fs::read(&ar).unwrap();
    let out = success(&wegweiser(&[
        "review",
        "confirm",
        ar.to_str().unwrap(),
        "--date",
        "2026-06-01",
        "--by",
        "Frau Ö. Beispiel",
    ]));
    assert!(
        out.contains("integrationskurs.de.md: reviewed 2026-06-01"),
        "{out}"
    );
    let after = fs::read_to_string(&file).unwrap();
    assert_eq!(
        after,
        before.replace(
            "reviewed = 2025-11-30\n",
            "reviewed = 2026-06-01\nreviewed_by = \"Frau Ö. Beispiel\"\n"
        )
    );
    assert_eq!(fs::read(&ar).unwrap(), ar_before);
    let (states_after, digest_after) = states(&options);
    assert_eq!(states_after, states_before);
    assert_eq!(digest_after, digest_before);

    // Again: nothing changes. A YAML page keeps its syntax.
    let out = success(&wegweiser(&[
        "review",
        "confirm",
        file.to_str().unwrap(),
        "--date",
        "2026-06-01",
    ]));
    assert!(out.contains("already reviewed"), "{out}");
    assert_eq!(fs::read_to_string(&file).unwrap(), after);
    let yaml = root.join("content/stadt/kurse/online.de.md");
    let yaml_before = fs::read_to_string(&yaml).unwrap();
    success(&wegweiser(&[
        "review",
        "confirm",
        yaml.to_str().unwrap(),
        "--date",
        "2026-05-31",
    ]));
    assert_eq!(
        fs::read_to_string(&yaml).unwrap(),
        yaml_before.replace("weight = 3\n", "weight = 3\nreviewed = 2026-05-31\n")
    );
    let sprachcafe = root.join("content/stadt/kurse/sprachcafe.de.md");
    let s_before = fs::read_to_string(&sprachcafe).unwrap();
    success(&wegweiser(&[
        "review",
        "confirm",
        sprachcafe.to_str().unwrap(),
        "--date",
        "2026-06-01",
    ]));
    assert_eq!(
        fs::read_to_string(&sprachcafe).unwrap(),
        s_before.replace("reviewed: 2025-12-15\n", "reviewed: 2026-06-01\n")
    );

    // The command now sees both as checked.
    let csv = success(&wegweiser(&[
        "review",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "csv",
    ]));
    assert_eq!(
        csv,
        "municipality,actor,actor_name,actor_email,state,reviewed,due,interval,title,url,file\n"
    );
}

#[test]
fn the_coordinator_gets_no_reminder_from_itself() {
    let (tmp, root) = copy_fixture("review");
    let actors = root.join("content/stadt/actors.toml");
    let text = fs::read_to_string(&actors).unwrap();
    fs::write(
        &actors,
        text.replace("amt@teststadt.example", "Integration@teststadt.example"),
    )
    .unwrap();
    let out_dir = tmp.path().join("mail");
    let listed = success(&wegweiser(&[
        "review",
        "remind",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--out",
        out_dir.to_str().unwrap(),
    ]));
    assert!(!out_dir.join("stadt-amt.eml").exists(), "{listed}");
    assert!(out_dir.join("stadt-vhs.eml").exists(), "{listed}");
    assert!(
        listed.contains("stadt amt: no reminder: its 1 page to check are the coordinator's own"),
        "{listed}"
    );
}

#[test]
fn confirm_refuses_a_review_date_in_the_future_unless_forced() {
    let (_tmp, root) = copy_fixture("review");
    let file = root.join("content/stadt/kurse/integrationskurs.de.md");
    let before = fs::read_to_string(&file).unwrap();
    let out = wegweiser(&[
        "review",
        "confirm",
        file.to_str().unwrap(),
        "--date",
        "2099-01-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the review date 2099-01-01 is in the future"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        before,
        "nothing written"
    );
    success(&wegweiser(&[
        "review",
        "confirm",
        file.to_str().unwrap(),
        "--date",
        "2099-01-01",
        "--force",
    ]));
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains("reviewed = 2099-01-01\n")
    );
}

#[test]
fn pages_show_who_provides_them_and_link_the_actor_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_site(&fixture("review"), &out);
    let read = |rel: &str| Html::parse_document(&fs::read_to_string(out.join(rel)).unwrap());

    // German page: inherited actor (from the section), date in German.
    let page = read("stadt/de/kurse/integrationskurs/index.html");
    let info = select(&page, "section.page-info li");
    let lines: Vec<String> = info.iter().map(text).collect();
    assert_eq!(lines[0], "Informationen von: Volkshochschule Teststadt");
    assert_eq!(lines[1], "Zuletzt geprüft: 30. November 2025");
    assert_eq!(lines[2], "Fehler oder veraltete Information melden");
    assert_eq!(lines[3], "Änderung vorschlagen");
    let actor_link = select(&page, "section.page-info a[href='/stadt/de/actors/vhs/']");
    assert_eq!(actor_link.len(), 1);
    let report = select(&page, "section.page-info a[href^='mailto:']")[0]
        .value()
        .attr("href")
        .unwrap();
    let (to, subject, body) = mailto_parts(report);
    assert_eq!(to, "kurse@vhs-teststadt.example");
    assert_eq!(subject, "Fehler auf der Seite: Integrationskurs");
    assert_eq!(
        body,
        "Seite: Integrationskurs\nhttps://portal.example/stadt/de/kurse/integrationskurs/\n\nWas ist falsch oder nicht mehr aktuell?\n"
    );
    let edit = select(
        &page,
        "section.page-info a[href^='https://git.example.org']",
    )[0]
    .value()
    .attr("href")
    .unwrap();
    assert_eq!(
        edit,
        "https://git.example.org/portal/edit/main/content/stadt/kurse/integrationskurs.de.md"
    );
    let feed = select(&page, "link[rel='alternate'][type='application/atom+xml']");
    assert_eq!(feed[0].value().attr("href"), Some("/stadt/de/atom.xml"));

    // Arabic readers: their language, the actor name marked as German.
    let page = read("stadt/ar/kurse/integrationskurs/index.html");
    let li = select(&page, "section.page-info li");
    assert!(
        text(&li[0]).starts_with("المعلومات مقدمة من"),
        "{}",
        text(&li[0])
    );
    let a = select(&page, "section.page-info a[href='/stadt/ar/actors/vhs/']");
    assert_eq!(a[0].value().attr("lang"), Some("de"));
    assert_eq!(a[0].value().attr("dir"), Some("ltr"));

    // Several actors; no date when never reviewed; no report link without any address.
    let page = read("stadt/de/kurse/sprachcafe/index.html");
    assert_eq!(
        text(&select(&page, "section.page-info li")[0]),
        "Informationen von: Sprachcafé-Verein, Volkshochschule Teststadt"
    );
    let page = read("stadt/de/kurse/online/index.html");
    assert!(!text(&select(&page, "section.page-info")[0]).contains("Zuletzt geprüft"));

    // Actor pages in every language, listing the pages the actor provides.
    for lang in ["de", "ar"] {
        for id in ["amt", "vhs", "verein"] {
            assert!(
                out.join(format!("stadt/{lang}/actors/{id}/index.html"))
                    .is_file()
            );
        }
    }
    let vhs = read("stadt/ar/actors/vhs/index.html");
    assert_eq!(select(&vhs, "html")[0].value().attr("dir"), Some("rtl"));
    let provided: Vec<String> = select(&vhs, "article li a[href^='/stadt/']")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(provided.len(), 4, "{provided:?}");
    assert!(select(&vhs, "a[href='mailto:kurse@vhs-teststadt.example']").len() == 1);
    let switch: Vec<&str> = select(&vhs, ".language-switcher a")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(switch, ["/stadt/de/actors/vhs/", "/stadt/ar/actors/vhs/"]);

    // The overview groups by kind, in the order of the kinds.
    let overview = read("stadt/de/actors/index.html");
    let kinds: Vec<String> = select(&overview, "article h2").iter().map(text).collect();
    assert_eq!(kinds, ["Behörden und Ämter", "Bildung", "Ehrenamt"]);

    // Actor pages are in the sitemap with their languages; feeds and the dashboard are not.
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    for lang in ["de", "ar"] {
        for path in ["actors/", "actors/vhs/"] {
            let loc = format!("<loc>https://portal.example/stadt/{lang}/{path}</loc>");
            assert!(sitemap.contains(&loc), "{loc} missing:\n{sitemap}");
        }
    }
    assert!(
        sitemap.contains("hreflang=\"ar\" href=\"https://portal.example/stadt/ar/actors/vhs/\"")
    );
    assert!(!sitemap.contains("atom.xml") && !sitemap.contains("_status"));
}

#[test]
fn the_dashboard_agrees_with_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_site(&fixture("review"), &out);
    let html =
        Html::parse_document(&fs::read_to_string(out.join("stadt/_status/index.html")).unwrap());
    let dashboard: Vec<(String, String)> = select(&html, ".freshness-pages li")
        .iter()
        .map(|li| {
            let state = li
                .value()
                .attr("class")
                .unwrap()
                .trim_start_matches("fresh-")
                .to_string();
            let file = text(&select_in(li, "small")[0]);
            (file, state)
        })
        .collect();
    let csv = success(&wegweiser(&[
        "review",
        &root(),
        "--today",
        TODAY,
        "--state",
        "overdue,due-soon,never-reviewed",
        "--format",
        "csv",
    ]));
    let command: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[f.len() - 1].to_string(), f[4].to_string())
        })
        .collect();
    assert_eq!(dashboard, command);
    let counts: Vec<String> = select(&html, ".freshness-summary li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        counts,
        [
            "überfällig: 1",
            "bald fällig: 1",
            "nie geprüft: 2",
            "aktuell: 2"
        ]
    );
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&Selector::parse(css).unwrap()).collect()
}

#[test]
fn atom_feeds_are_valid_and_list_the_pages_of_each_language() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_site(&fixture("review"), &out);
    let de = fs::read_to_string(out.join("stadt/de/atom.xml")).unwrap();
    let feed: atom_syndication::Feed = de.parse().expect("a valid Atom feed");
    assert_eq!(feed.title().as_str(), "Teststadt – Zuletzt aktualisiert");
    assert_eq!(feed.id(), "https://portal.example/stadt/de/atom.xml");
    assert_eq!(feed.lang(), Some("de"));
    assert_eq!(feed.entries().len(), 6);
    for e in feed.entries() {
        assert!(
            e.id().starts_with("https://portal.example/stadt/de/"),
            "{}",
            e.id()
        );
        assert_eq!(e.links()[0].href(), e.id());
    }
    let ar: atom_syndication::Feed = fs::read_to_string(out.join("stadt/ar/atom.xml"))
        .unwrap()
        .parse()
        .unwrap();
    // Only pages with an Arabic text are news for Arabic readers.
    let titles: Vec<&str> = ar.entries().iter().map(|e| e.title().as_str()).collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(sorted, ["دورة الاندماج", "مرحبا بكم في تستشتات"]);
}

#[test]
fn check_fails_on_overdue_pages_only_when_asked() {
    let plain = wegweiser(&["check", &root(), "--today", TODAY]);
    assert!(plain.status.success());
    let strict = wegweiser(&["check", &root(), "--today", TODAY, "--fail-on", "overdue"]);
    assert!(!strict.status.success());
    assert!(
        String::from_utf8_lossy(&strict.stderr).contains("1 page(s) are overdue"),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
    // Before the Integrationskurs was due, nothing is overdue.
    let early = wegweiser(&[
        "check",
        &root(),
        "--today",
        "2026-05-30",
        "--fail-on",
        "overdue",
    ]);
    assert!(early.status.success());
}

#[test]
fn pages_without_an_actor_are_listed_apart() {
    let (_tmp, root) = copy_fixture("review");
    let start = root.join("content/stadt/_index.de.md");
    let source = fs::read_to_string(&start).unwrap();
    fs::write(&start, source.replace("actor = \"amt\"\n", "")).unwrap();
    let out = success(&wegweiser(&[
        "review",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--state",
        "never-reviewed",
    ]));
    let (_, nobody) = out.split_once("  (no actor named)\n").expect(&out);
    assert!(nobody.contains("content/stadt/wohnen.de.md"), "{out}");
    assert!(!nobody.contains("online.de.md"), "{out}");

    let site = root.join("public");
    build_site(&root, &site);
    let html =
        Html::parse_document(&fs::read_to_string(site.join("stadt/_status/index.html")).unwrap());
    let groups: Vec<String> = select(&html, ".freshness h3").iter().map(text).collect();
    assert_eq!(
        groups,
        [
            "Volkshochschule Teststadt",
            "Sprachcafé-Verein",
            "Keine Organisation angegeben"
        ]
    );
    // The page without an actor: reports go to the municipality.
    let page =
        Html::parse_document(&fs::read_to_string(site.join("stadt/de/wohnen/index.html")).unwrap());
    let report = select(&page, "section.page-info a[href^='mailto:']")[0]
        .value()
        .attr("href")
        .unwrap();
    assert!(report.starts_with("mailto:integration@teststadt.example?"));
    assert!(select(&page, "section.page-info a[href*='/actors/']").is_empty());
}

#[test]
fn the_example_portal_has_every_kind_of_actor_and_every_state() {
    use wegweiser::model::actor::ActorKind;
    use wegweiser::model::review::Freshness;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let options = BuildOptions {
        root,
        today: Some(today()),
        ..Default::default()
    };
    let mut d = wegweiser::Diagnostics::new();
    let (site, _) = load_site(&options, &mut d).unwrap();
    assert!(!d.has_errors());
    for m in &site.municipalities {
        for kind in ActorKind::ALL {
            assert!(
                m.actors.iter().any(|a| a.kind == kind),
                "{} has no {kind} actor",
                m.slug
            );
        }
        let states: Vec<Freshness> =
            wegweiser::output::review_report::entries(&site, m, wegweiser::model::review::DUE_SOON)
                .iter()
                .map(|e| e.state)
                .collect();
        for state in Freshness::ALL {
            assert!(states.contains(&state), "{} has no {state} page", m.slug);
        }
    }
}

#[test]
fn confirm_works_while_another_page_is_broken() {
    let (_tmp, root) = copy_fixture("review");
    fs::write(
        root.join("content/stadt/kaputt.de.md"),
        "+++\ntitle = \"Kaputt\"\nactor = \"niemand\"\n+++\n\nText.\n",
    )
    .unwrap();
    let file = root.join("content/stadt/wohnen.de.md");
    let out = wegweiser(&[
        "review",
        "confirm",
        file.to_str().unwrap(),
        "--date",
        "2026-06-01",
    ]);
    assert!(out.status.success(), "{out:?}");
    // The other page's problem is shown.
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown actor `niemand`"));
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains("reviewed = 2026-06-01\n")
    );
    // The list refuses to run on a broken portal: it would be wrong.
    let list = wegweiser(&["review", root.to_str().unwrap()]);
    assert!(!list.status.success());
}
