//! Broken portals: every problem an editor or operator can make is reported with the
//! file, the position and a message that says what to do.
//!
//! Each case is a tiny portal under `tests/fixtures/broken/<case>/` with exactly one
//! problem. Problems that cannot live in the repository (invalid UTF-8, symbolic links,
//! output folders) are made at test time in a temporary copy of `tests/fixtures/tiny/`.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use wegweiser::base::diagnostics::{Diagnostic, Severity};
use wegweiser::build::pipeline::{BuildOptions, BuildReport, build};
use wegweiser::render::NoProgress;

// ---------------------------------------------------------------------------------------
// Helpers

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The portal of a broken case.
fn case_root(case: &str) -> PathBuf {
    fixtures().join("broken").join(case)
}

/// `check` options (nothing is written) for the portal at `root`.
fn check_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        write: false,
        ..Default::default()
    }
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("  {d}  [{}:{}]", d.line, d.column))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Build with `options`, expecting the build to fail; returns its diagnostics.
#[track_caller]
fn failure(options: &BuildOptions) -> Vec<Diagnostic> {
    match build(options, &NoProgress) {
        Ok(report) => panic!(
            "the build of {} should fail, but succeeded with:\n{}",
            options.root.display(),
            show(&report.diagnostics)
        ),
        Err(failure) => {
            assert!(
                !failure.diagnostics.is_empty(),
                "a failed build must say why"
            );
            failure.diagnostics
        }
    }
}

/// Build with `options`, expecting success; returns the report.
#[track_caller]
fn success(options: &BuildOptions) -> BuildReport {
    match build(options, &NoProgress) {
        Ok(report) => report,
        Err(failure) => panic!(
            "the build of {} should succeed, but failed with:\n{}",
            options.root.display(),
            show(&failure.diagnostics)
        ),
    }
}

/// Check the broken portal `case`; returns the diagnostics of the failed check.
#[track_caller]
fn errors(case: &str) -> Vec<Diagnostic> {
    failure(&check_options(&case_root(case)))
}

/// The diagnostic of `severity` in `file` at `(line, column)` whose message contains
/// `contains`. `(0, 0)` is a problem with the whole file; a column of 0 means "line only".
#[track_caller]
fn assert_diagnostic<'a>(
    diags: &'a [Diagnostic],
    severity: Severity,
    file: &str,
    (line, column): (usize, usize),
    contains: &str,
) -> &'a Diagnostic {
    let candidates: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == severity && d.file == Path::new(file))
        .filter(|d| d.message.contains(contains))
        .collect();
    assert!(
        !candidates.is_empty(),
        "expected an {severity} in {file} containing {contains:?}; got:\n{}",
        show(diags)
    );
    candidates
        .iter()
        .copied()
        .find(|d| (d.line, d.column) == (line, column))
        .unwrap_or_else(|| {
            panic!(
                "expected the {severity} {contains:?} in {file} at line {line}, column {column}; got:\n{}",
                show(diags)
            )
        })
}

#[track_caller]
fn assert_error<'a>(
    diags: &'a [Diagnostic],
    file: &str,
    position: (usize, usize),
    contains: &str,
) -> &'a Diagnostic {
    assert_diagnostic(diags, Severity::Error, file, position, contains)
}

/// Like [`assert_error`], and the problem is reported once, without follow-up errors.
#[track_caller]
fn assert_sole_error<'a>(
    diags: &'a [Diagnostic],
    file: &str,
    position: (usize, usize),
    contains: &str,
) -> &'a Diagnostic {
    let d = assert_error(diags, file, position, contains);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    assert_eq!(
        errors,
        1,
        "one problem should give one error; got:\n{}",
        show(diags)
    );
    d
}

#[track_caller]
fn assert_warning<'a>(
    diags: &'a [Diagnostic],
    file: &str,
    position: (usize, usize),
    contains: &str,
) -> &'a Diagnostic {
    assert_diagnostic(diags, Severity::Warning, file, position, contains)
}

#[track_caller]
fn assert_hint(d: &Diagnostic, contains: &str) {
    let hint = d
        .hint
        .as_deref()
        .unwrap_or_else(|| panic!("expected a hint containing {contains:?} on: {d}"));
    assert!(
        hint.contains(contains),
        "expected the hint to contain {contains:?}: {d}"
    );
}

/// Copy a fixture portal into a new temporary folder; returns the folder and the copy.
fn copy_fixture(rel: &str) -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let root = tmp.path().join("portal");
    copy_dir(&fixtures().join(rel), &root);
    (tmp, root)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every entry below `dir` (relative paths, sorted), to see that nothing was written.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------
// wegweiser.toml

#[test]
fn missing_wegweiser_toml() {
    let diags = errors("missing_config");
    assert_sole_error(&diags, "wegweiser.toml", (0, 0), "has no wegweiser.toml");
}

#[test]
fn invalid_toml_in_wegweiser_toml() {
    let diags = errors("config_syntax");
    // base_url = https://portal.example.org
    let d = assert_sole_error(&diags, "wegweiser.toml", (2, 12), "text must be in quotes");
    assert_hint(d, "base_url = \"…\"");
}

#[test]
fn missing_base_url() {
    let diags = errors("config_missing_base_url");
    assert_sole_error(&diags, "wegweiser.toml", (1, 1), "`base_url`");
}

#[test]
fn relative_base_url() {
    let diags = errors("config_relative_base_url");
    assert_sole_error(
        &diags,
        "wegweiser.toml",
        (2, 1),
        "`/portal` is not an absolute http(s) URL",
    );
}

#[test]
fn unknown_key_in_wegweiser_toml() {
    let diags = errors("config_unknown_key");
    let d = assert_sole_error(&diags, "wegweiser.toml", (3, 1), "unknown field `them`");
    assert_hint(d, "did you mean `theme`?");
}

#[test]
fn unknown_key_in_the_build_table() {
    let diags = errors("config_unknown_build_key");
    let d = assert_sole_error(&diags, "wegweiser.toml", (5, 1), "unknown field `minfy`");
    assert_hint(d, "did you mean `minify`?");
}

// ---------------------------------------------------------------------------------------
// municipality.toml and the content folder

#[test]
fn missing_municipality_toml() {
    let diags = errors("missing_municipality_toml");
    let d = assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (0, 0),
        "municipality `m` has no municipality.toml",
    );
    assert_hint(d, "source_language");
}

#[test]
fn invalid_toml_in_municipality_toml() {
    let diags = errors("municipality_syntax");
    // languages = ["de" "en"]
    assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (3, 19),
        "missing comma",
    );
}

#[test]
fn unknown_language_in_municipality_toml() {
    let diags = errors("unknown_language");
    // languages = ["de", "en", "ua"]: points at "ua"
    let d = assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (3, 26),
        "unknown language `ua`",
    );
    assert_hint(d, "did you mean `uk` (Ukrainian)?");
    assert_hint(d, "[languages.ua]");
}

#[test]
fn a_language_code_is_not_guessed_from_its_spelling() {
    let (_tmp, root) = copy_fixture("broken/unknown_language");
    let toml = root.join("content/m/municipality.toml");
    let text = fs::read_to_string(&toml).unwrap();
    // Romani, not Romanian.
    fs::write(&toml, text.replace("\"ua\"", "\"rom\"")).unwrap();
    let diags = failure(&check_options(&root));
    let d = assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (3, 26),
        "unknown language `rom`",
    );
    assert!(!d.hint.as_deref().unwrap_or("").contains("`ro`"), "{d}");
    assert_hint(d, "[languages.rom]");
    // Letter case is no typo.
    fs::write(&toml, text.replace("\"ua\"", "\"UK\"")).unwrap();
    let diags = failure(&check_options(&root));
    let d = assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (3, 26),
        "unknown language `UK`",
    );
    assert_hint(d, "did you mean `uk` (Ukrainian)?");
}

#[test]
fn a_language_listed_twice_is_reported_once() {
    let (_tmp, root) = copy_fixture("broken/unknown_language");
    let toml = root.join("content/m/municipality.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, text.replace("\"ua\"", "\"en\"")).unwrap();
    let diags = failure(&check_options(&root));
    assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (3, 20),
        "language `en` is listed twice",
    );
}

#[test]
fn source_language_not_in_languages() {
    let diags = errors("source_not_in_languages");
    let d = assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (2, 1),
        "source language `de` is not in `languages`",
    );
    assert_hint(d, "add \"de\" to languages");
}

#[test]
fn no_municipalities() {
    let diags = errors("no_municipalities");
    let d = assert_sole_error(&diags, "content", (0, 0), "no municipalities");
    assert_hint(d, "wegweiser init");
}

#[test]
fn unknown_only_municipality() {
    let options = BuildOptions {
        only: vec!["musterstat".into()],
        ..check_options(&case_root("unknown_only"))
    };
    let diags = failure(&options);
    let d = assert_sole_error(
        &diags,
        "content",
        (0, 0),
        "no municipality `musterstat` (from --only)",
    );
    assert_hint(d, "did you mean `musterstadt`?");
}

// ---------------------------------------------------------------------------------------
// Front matter

#[test]
fn unterminated_toml_front_matter() {
    let diags = errors("unterminated_toml");
    assert_sole_error(
        &diags,
        "content/m/a.de.md",
        (1, 1),
        "never closed with a `+++` line",
    );
}

#[test]
fn unterminated_yaml_front_matter() {
    let diags = errors("unterminated_yaml");
    assert_sole_error(
        &diags,
        "content/m/a.de.md",
        (1, 1),
        "never closed with a `---` line",
    );
}

#[test]
fn invalid_toml_front_matter() {
    let diags = errors("front_matter_syntax");
    // description = "Ein Text   (unterminated string, reported at the end of the line)
    assert_sole_error(&diags, "content/m/a.de.md", (3, 24), "string");
}

#[test]
fn invalid_yaml_front_matter() {
    let diags = errors("front_matter_syntax_yaml");
    // description: [Ein Text
    assert_sole_error(&diags, "content/m/a.de.md", (3, 14), "expected");
}

#[test]
fn missing_title() {
    let diags = errors("missing_title");
    // The front matter starts on line 2.
    assert_sole_error(&diags, "content/m/a.de.md", (2, 1), "`title`");
}

#[test]
fn wrong_type_toml() {
    let diags = errors("wrong_type");
    // weight = "heavy": points at the value, says what to do, keeps the parser's words
    let d = assert_sole_error(
        &diags,
        "content/m/a.de.md",
        (3, 10),
        "`weight` must be a whole number",
    );
    assert_hint(d, "without quotes");
    assert_hint(d, "\"heavy\"");
}

#[test]
fn wrong_type_yaml() {
    let diags = errors("wrong_type_yaml");
    // weight: heavy
    assert_sole_error(&diags, "content/m/a.de.md", (3, 9), "whole number");
}

#[test]
fn unknown_front_matter_key_toml() {
    let diags = errors("unknown_key_toml");
    let d = assert_sole_error(&diags, "content/m/a.de.md", (2, 1), "unknown field `tilte`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
}

#[test]
fn unknown_front_matter_key_yaml() {
    let diags = errors("unknown_key_yaml");
    let d = assert_sole_error(&diags, "content/m/a.de.md", (2, 1), "unknown field `tilte`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
}

// ---------------------------------------------------------------------------------------
// File names and the page tree

#[test]
fn language_suffix_not_among_the_municipality_languages() {
    let diags = errors("language_not_in_municipality");
    let d = assert_sole_error(
        &diags,
        "content/m/page.ru.md",
        (0, 0),
        "`ru` is not one of Musterstadt's languages (de, en)",
    );
    assert_hint(d, "add \"ru\" to languages");
}

#[test]
fn unknown_language_suffix() {
    let diags = errors("unknown_language_suffix");
    assert_sole_error(
        &diags,
        "content/m/page.xx.md",
        (0, 0),
        "unknown language `xx`",
    );
}

#[test]
fn an_upper_case_language_suffix_is_an_error_not_a_new_page() {
    let (_tmp, root) = copy_fixture("broken/language_not_in_municipality");
    fs::rename(
        root.join("content/m/page.ru.md"),
        root.join("content/m/a.AR.md"),
    )
    .unwrap();
    let d = failure(&check_options(&root));
    let e = assert_sole_error(
        &d,
        "content/m/a.AR.md",
        (0, 0),
        "the language `AR` in the file name must be written in lower case",
    );
    assert_hint(e, "rename the file to a.ar.md");
}

#[test]
fn a_byte_order_mark_before_the_front_matter_is_accepted() {
    let (_tmp, root) = copy_fixture("broken/language_not_in_municipality");
    fs::remove_file(root.join("content/m/page.ru.md")).unwrap();
    let page = root.join("content/m/a.de.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("\u{feff}{text}")).unwrap();
    success(&check_options(&root));
}

#[test]
fn two_files_for_the_same_translation() {
    let diags = errors("duplicate_translation");
    let d = assert_sole_error(
        &diags,
        "content/m/miete.md",
        (0, 0),
        "two files are the German translation of the same page",
    );
    assert!(d.message.contains("content/m/miete.de.md"), "{d}");
    assert_hint(d, "without language suffix");
}

#[test]
fn two_pages_with_the_same_url() {
    let diags = errors("duplicate_url");
    let d = assert_error(
        &diags,
        "content/m/b.de.md",
        (0, 0),
        "would be written to /m/de/b/",
    );
    assert!(d.message.contains("content/m/a.de.md"), "{d}");
    assert_hint(d, "slug");
}

#[test]
fn page_and_section_with_the_same_name() {
    let diags = errors("page_and_section");
    let d = assert_sole_error(
        &diags,
        "content/m/wohnen.de.md",
        (0, 0),
        "`wohnen` is both a page and a section",
    );
    assert!(d.message.contains("content/m/wohnen/_index.de.md"), "{d}");
}

#[test]
fn file_that_is_not_utf8() {
    let (_tmp, root) = copy_fixture("tiny");
    fs::write(
        root.join("content/m/b.de.md"),
        b"+++\ntitle = \"Seite B\"\n+++\n\nGr\xfc\xdfe aus Musterstadt.\n",
    )
    .unwrap();
    let diags = failure(&check_options(&root));
    // The first invalid byte follows "Gr" on line 5.
    let d = assert_sole_error(&diags, "content/m/b.de.md", (5, 3), "not valid UTF-8");
    assert_hint(d, "UTF-8");
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let (_tmp, root) = copy_fixture("tiny");
    let section = root.join("content/m/wohnen");
    fs::create_dir(&section).unwrap();
    fs::write(
        section.join("miete.de.md"),
        "+++\ntitle = \"Miete\"\n+++\n\nText.\n",
    )
    .unwrap();
    // content/m/wohnen/zurueck → content/m
    std::os::unix::fs::symlink("..", section.join("zurueck")).unwrap();
    let diags = failure(&check_options(&root));
    let d = assert_sole_error(
        &diags,
        "content/m/wohnen/zurueck",
        (0, 0),
        "symbolic link loop",
    );
    assert!(d.message.ends_with("content/m"), "{d}");
}

#[cfg(unix)]
#[test]
fn symlink_to_its_own_folder() {
    let (_tmp, root) = copy_fixture("tiny");
    std::os::unix::fs::symlink(".", root.join("content/m/schleife")).unwrap();
    let diags = failure(&check_options(&root));
    let d = assert_sole_error(&diags, "content/m/schleife", (0, 0), "symbolic link loop");
    assert!(d.message.contains("content/m"), "{d}");
}

#[cfg(unix)]
#[test]
fn dangling_link() {
    let (_tmp, root) = copy_fixture("tiny");
    std::os::unix::fs::symlink("nirgendwo.de.md", root.join("content/m/x.de.md")).unwrap();
    let diags = failure(&check_options(&root));
    let d = assert_sole_error(
        &diags,
        "content/m/x.de.md",
        (0, 0),
        "symbolic link to `nirgendwo.de.md`, which does not exist",
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("remove the link, or restore the file it points to")
    );
}

// ---------------------------------------------------------------------------------------
// Links

#[test]
fn link_to_a_missing_page() {
    let diags = errors("broken_link");
    // Mehr zur [Miete](wohnen/mite.md).
    let d = assert_sole_error(
        &diags,
        "content/m/a.de.md",
        (7, 10),
        "link to `wohnen/mite.md`: there is no such page",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `@/wohnen/miete.md`?"));
}

#[test]
fn link_to_a_missing_anchor() {
    let diags = errors("broken_anchor");
    // Mehr zur [Kaution](miete.md#kaution). — the heading is "## Kautionen".
    let d = assert_sole_error(
        &diags,
        "content/m/a.de.md",
        (7, 10),
        "anchor `#kaution` does not exist in content/m/miete.de.md",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `#kautionen`?"));
}

#[test]
fn link_leaving_the_municipality() {
    let diags = errors("link_leaves_municipality");
    // Siehe [Nachbarort](../anderswo/a.md).
    assert_sole_error(
        &diags,
        "content/m/a.de.md",
        (7, 7),
        "link `../anderswo/a.md` leaves the municipality's folder",
    );
}

#[test]
fn no_follow_up_errors_for_links_to_a_page_that_failed_to_load() {
    // _index.de.md links to a.md, whose front matter is broken: the link is not broken,
    // the page is; one error is enough.
    let diags = errors("link_to_broken_page");
    assert_sole_error(&diags, "content/m/a.de.md", (2, 1), "unknown field `tilte`");
}

// ---------------------------------------------------------------------------------------
// Templates

#[test]
fn template_syntax_error() {
    let diags = errors("template_syntax");
    // {% if %}: the condition is missing where `%}` stands.
    assert_sole_error(&diags, "templates/page.html", (3, 7), "expected");
}

// ---------------------------------------------------------------------------------------
// Output folders

#[test]
fn output_folder_not_created_by_wegweiser() {
    let (tmp, root) = copy_fixture("tiny");
    let foreign = tmp.path().join("docs");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "meins").unwrap();
    let options = BuildOptions {
        output: Some(foreign.clone()),
        write: true,
        ..check_options(&root)
    };
    let diags = failure(&options);
    let d = assert_sole_error(
        &diags,
        "--out",
        (0, 0),
        "not empty and was not created by wegweiser",
    );
    assert_hint(d, "choose another folder");
    assert_eq!(listing(&foreign), ["keep.txt"]);
    assert_eq!(
        fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "meins"
    );
    let beside: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        beside.len(),
        2,
        "no staging folder is left behind: {beside:?}"
    );
}

#[test]
fn output_folder_is_the_portal_root() {
    let (_tmp, root) = copy_fixture("tiny");
    let before = listing(&root);
    let options = BuildOptions {
        output: Some(root.clone()),
        write: true,
        ..check_options(&root)
    };
    let diags = failure(&options);
    let d = assert_sole_error(
        &diags,
        "--out",
        (0, 0),
        "it is the portal itself or contains it",
    );
    assert_hint(d, "choose another folder");
    assert_eq!(listing(&root), before, "nothing may be written");
}

#[test]
fn output_dir_setting_is_the_portal_root() {
    let (_tmp, root) = copy_fixture("broken/output_dir_is_root");
    let before = listing(&root);
    let options = BuildOptions {
        write: true,
        ..check_options(&root)
    };
    let diags = failure(&options);
    // output_dir = "." on line 5 of wegweiser.toml
    assert_sole_error(
        &diags,
        "wegweiser.toml",
        (5, 1),
        "it is the portal itself or contains it",
    );
    assert_eq!(listing(&root), before, "nothing may be written");
}

#[test]
fn check_reports_an_output_dir_that_build_would_refuse() {
    // `check` is "everything build does, without writing": a setting that makes every
    // build fail must fail the check too.
    let diags = errors("output_dir_is_root");
    assert_sole_error(
        &diags,
        "wegweiser.toml",
        (5, 1),
        "it is the portal itself or contains it",
    );
}

// ---------------------------------------------------------------------------------------
// Warnings: the build succeeds, and fails with `strict`

/// The warning of `case` succeeds normally and fails the build under `strict`.
#[track_caller]
fn assert_warning_case(case: &str, file: &str, position: (usize, usize), contains: &str) {
    let report = success(&check_options(&case_root(case)));
    assert!(
        report.diagnostics.iter().all(|d| !d.is_error()),
        "{}",
        show(&report.diagnostics)
    );
    assert_warning(&report.diagnostics, file, position, contains);
    assert_eq!(report.warning_count(), 1, "{}", show(&report.diagnostics));

    let strict = BuildOptions {
        strict: true,
        ..check_options(&case_root(case))
    };
    let diags = failure(&strict);
    assert_warning(&diags, file, position, contains);
}

#[test]
fn image_without_alt_text_is_a_warning() {
    // ![](plan.svg)
    assert_warning_case(
        "image_without_alt",
        "content/m/a.de.md",
        (7, 1),
        "image without alt text",
    );
}

#[test]
fn raw_script_is_removed_with_a_warning() {
    // <script>alert("hallo")</script>
    assert_warning_case(
        "raw_script",
        "content/m/a.de.md",
        (7, 1),
        "raw HTML `<script>` is not allowed and was removed",
    );
}

#[test]
fn the_valid_base_fixture_is_clean() {
    let report = success(&check_options(&fixtures().join("tiny")));
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        show(&report.diagnostics)
    );
    assert_eq!(report.municipalities, 1);
}

// ---------------------------------------------------------------------------------------
// Integration actors and review dates

#[test]
fn unknown_actor_ids_point_at_the_id_with_a_suggestion() {
    let diags = errors("unknown_actor");
    let d = assert_error(
        &diags,
        "content/m/kurse.de.md",
        (3, 18),
        "unknown actor `vsh`",
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean `vhs`?"),
        "{d:?}"
    );
    let d = assert_error(
        &diags,
        "content/m/kurse.de.md",
        (3, 11),
        "unknown actor `amt`",
    );
    assert!(
        d.hint.as_deref().unwrap().contains("content/m/actors.toml"),
        "{d:?}"
    );
}

#[test]
fn a_bad_review_interval_is_an_error_at_the_value() {
    let diags = errors("bad_review_interval");
    let d = assert_sole_error(
        &diags,
        "content/m/kurse.de.md",
        (3, 18),
        "`half a year` is not a review interval",
    );
    assert!(d.message.contains("\"6 months\""), "{}", d.message);
}

#[test]
fn bad_review_dates_are_errors_at_the_value() {
    let diags = errors("bad_review_date");
    assert_sole_error(
        &diags,
        "content/m/kurse.de.md",
        (3, 12),
        "`12.05.2026` is not a date: write it as YYYY-MM-DD",
    );
    let diags = errors("bad_review_date_yaml");
    assert_sole_error(
        &diags,
        "content/m/kurse.de.md",
        (3, 11),
        "`2026-02-30` is not a day of the calendar",
    );
}

#[test]
fn unknown_keys_in_actors_toml_get_a_hint() {
    let diags = errors("bad_actors_toml");
    let d = assert_sole_error(
        &diags,
        "content/m/actors.toml",
        (10, 1),
        "unknown field `emial`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `email`?"));
}

#[test]
fn configuration_errors_say_what_to_write() {
    let (_tmp, root) = copy_fixture("tiny");
    let config = root.join("wegweiser.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}\n[build]\nminify = \"yes\"\n")).unwrap();
    let d = failure(&check_options(&root));
    let e = assert_sole_error(
        &d,
        "wegweiser.toml",
        (5, 10),
        "`minify` must be true or false",
    );
    assert_hint(e, "without quotes");
}

#[test]
fn a_broken_actors_toml_is_reported_once_not_on_every_page() {
    let (_tmp, root) = copy_fixture("review");
    let actors = root.join("content/stadt/actors.toml");
    let text = fs::read_to_string(&actors).unwrap();
    fs::write(&actors, text.replacen("kind = \"authority\"\n", "", 1)).unwrap();
    let diags = failure(&check_options(&root));
    assert_sole_error(
        &diags,
        "content/stadt/actors.toml",
        (1, 1),
        "missing field `kind`",
    );
}

#[test]
fn unknown_time_zones_get_a_suggestion() {
    let diags = errors("unknown_timezone");
    let d = assert_sole_error(
        &diags,
        "content/m/municipality.toml",
        (4, 1),
        "unknown time zone `Europe/Berln`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `Europe/Berlin`?"));
}

#[test]
fn a_translated_slug_where_the_actor_pages_are_is_reported() {
    let diags = errors("actor_url_collision");
    let d = assert_sole_error(
        &diags,
        "content/m/akteure.en.md",
        (3, 1),
        "would be written to /m/en/actors/",
    );
    assert_eq!(d.hint.as_deref(), Some("give the page another `slug`"));
}

// ---------------------------------------------------------------------------------------
// Places, events and news items whose source-language file does not load

/// The source's own error is reported, once, at its line: not also a "has no file in
/// the source language" for its translation, which would send the editor looking for a
/// file that is there.
#[test]
fn a_translation_of_a_broken_source_reports_the_source_only() {
    let diags = errors("item_translation_of_broken_source");
    assert_eq!(
        diags.len(),
        3,
        "one error per broken source:\n{}",
        show(&diags)
    );
    assert_error(
        &diags,
        "content/m/events/cafe.md",
        (4, 20),
        "invalid basic string",
    );
    assert_error(
        &diags,
        "content/m/news/fest.md",
        (4, 11),
        "`soon` is not a date",
    );
    assert_error(
        &diags,
        "content/m/places/amt.md",
        (6, 27),
        "`25:00` is not a time",
    );
}

/// A draft left out of the build takes its translations with it, without an error.
#[test]
fn a_translation_of_a_draft_is_left_out_with_it() {
    let (_tmp, root) = copy_fixture("broken/item_translation_of_broken_source");
    let m = root.join("content/m");
    fs::write(
        m.join("events/cafe.md"),
        "+++\ntitle = \"Sprachcafé\"\nstart = 2026-12-01T18:00\nlocation = \"Rathaus\"\ndraft = true\n+++\nText.\n",
    )
    .unwrap();
    fs::remove_file(m.join("news/fest.md")).unwrap();
    fs::remove_file(m.join("news/fest.en.md")).unwrap();
    fs::remove_file(m.join("places/amt.md")).unwrap();
    fs::remove_file(m.join("places/amt.en.md")).unwrap();
    let report = success(&check_options(&root));
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        show(&report.diagnostics)
    );
}

// ---------------------------------------------------------------------------------------
// Numbers on the command line

/// Out-of-range numbers on the command line are a usage error (exit code 2) that names
/// the option, before anything is loaded: never a panic, nor a hundred thousand threads.
#[test]
fn command_line_numbers_out_of_range() {
    let root = fixtures().join("tiny");
    let root = root.to_str().unwrap();
    for (args, says) in [
        (vec!["check", root, "--jobs", "0"], "--jobs"),
        (vec!["check", root, "--jobs", "257"], "--jobs"),
        (
            vec!["check", root, "--jobs", "99999999999999999999999"],
            "--jobs",
        ),
        (
            vec!["check", root, "--today", "9999-12-31"],
            "not in the years 1900 to 2199",
        ),
        (
            vec!["check", root, "--today", "0000-01-01"],
            "not in the years 1900 to 2199",
        ),
        (
            vec!["check", root, "--today", "2026-02-30"],
            "not a day of the calendar",
        ),
        (
            vec!["review", root, "--due-within", "1000000 days"],
            "at most 100 years",
        ),
        (
            vec!["review", root, "--due-within", "99999999999999999999d"],
            "not a review interval",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wegweiser"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .expect("wegweiser runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // The ends of the ranges are fine.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args([
            "check",
            root,
            "--jobs",
            "256",
            "--today",
            "2199-12-31",
            "-q",
        ])
        .output()
        .expect("wegweiser runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Values at the ends of what is allowed (dates in year 0 and 9999 where no limit
/// applies, the longest review interval, `weight` at both ends of i64, an event on the
/// last day of 2199 and one lasting 300 years, a price of 1e308) build on every day
/// from 1900 to 2199 without a problem: nothing overflows.
#[test]
fn values_at_the_ends_of_their_ranges_build() {
    let (_tmp, root) = copy_fixture("tiny");
    let m = root.join("content/m");
    for (rel, text) in [
        (
            "news/alt.md",
            "+++\ntitle = \"Alt\"\ndate = 0000-01-01\n+++\nText.\n",
        ),
        (
            "news/fern.md",
            "+++\ntitle = \"Fern\"\ndate = 9999-12-31\nexpires = 9999-12-31\n+++\nText.\n",
        ),
        (
            "places/amt.md",
            "+++\ntitle = \"Amt\"\nid = \"amt\"\ncategory = \"authority\"\n[opening_hours]\nmonday = [\"00:00-24:00\"]\n[[exceptions]]\ndate = 0000-01-01\nclosed = true\n[[exceptions]]\ndate = 9999-12-31\nhours = [\"23:59-24:00\"]\n+++\nText.\n",
        ),
        (
            "schwer.de.md",
            "+++\ntitle = \"Schwer\"\nweight = 9223372036854775807\nreviewed = 9999-12-31\nreview_interval = \"100 years\"\n+++\nText.\n",
        ),
        (
            "leicht.de.md",
            "+++\ntitle = \"Leicht\"\nweight = -9223372036854775808\nreviewed = 0000-01-01\nreview_interval = \"1 day\"\n+++\nText.\n",
        ),
        (
            "events/fest.md",
            "+++\ntitle = \"Fest\"\nstart = 2199-12-31\nall_day = true\nlocation = \"x\"\nrecurrence = \"FREQ=YEARLY;INTERVAL=1000\"\n+++\nText.\n",
        ),
        (
            "events/lang.md",
            "+++\ntitle = \"Lang\"\nstart = 1900-01-01\nend = 2199-12-31\nall_day = true\nlocation = \"x\"\ncost = 1e308\n+++\nText.\n",
        ),
    ] {
        let path = m.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    for today in ["1900-01-01", "2026-11-25", "2199-12-31"] {
        let out = tempfile::tempdir().unwrap();
        let report = success(&BuildOptions {
            root: root.clone(),
            output: Some(out.path().to_path_buf()),
            write: true,
            today: Some(today.parse().unwrap()),
            ..Default::default()
        });
        let errors: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{today}: {errors:?}");
    }
}
