//! The `wegweiser` binary: exit codes and the three ways of printing problems.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Run `wegweiser` with `args`, without colours or a progress bar.
fn wegweiser(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run wegweiser")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

/// A broken portal: `tilte = …` on line 2 of content/m/a.de.md.
fn broken() -> String {
    fixture("broken/unknown_key_toml").display().to_string()
}

#[test]
fn check_of_a_broken_portal_fails_with_the_place() {
    let out = wegweiser(&["check", &broken()]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("content/m/a.de.md:2:1"), "{err}");
    assert!(err.contains("unknown field `tilte`"), "{err}");
    assert!(err.contains("did you mean `title`?"), "{err}");
    assert!(err.contains("Check failed: 1 error(s)"), "{err}");
}

#[test]
fn json_format_prints_one_object_per_problem() {
    let out = wegweiser(&["check", "--format", "json", &broken()]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let problems: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(problems.len(), 1, "{text}");
    let p = &problems[0];
    assert_eq!(p["severity"], "error");
    assert_eq!(p["file"], "content/m/a.de.md");
    assert_eq!(p["line"], 2);
    assert_eq!(p["column"], 1);
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `tilte`"),
        "{p}"
    );
    assert_eq!(p["hint"], "did you mean `title`?");
}

#[test]
fn github_format_prints_workflow_commands() {
    let out = wegweiser(&["check", "--format", "github", &broken()]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(
        lines[0].starts_with("::error file=content/m/a.de.md,line=2,col=1::unknown field `tilte`"),
        "{text}"
    );
}

#[test]
fn check_without_a_portal_fails() {
    let out = wegweiser(&[
        "check",
        &fixture("broken/missing_config").display().to_string(),
    ]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("no wegweiser.toml"), "{err}");
    assert!(err.contains("wegweiser init"), "{err}");
}

#[test]
fn warnings_pass_unless_strict() {
    let root = fixture("broken/raw_script").display().to_string();
    let out = wegweiser(&["check", &root]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("content/m/a.de.md:7:1"), "{err}");
    assert!(err.contains("<script>"), "{err}");

    let out = wegweiser(&["check", "--strict", &root]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("content/m/a.de.md:7:1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_then_build() {
    let tmp = tempfile::tempdir().unwrap();
    let portal = tmp.path().join("p");
    let portal_arg = portal.display().to_string();
    let out = wegweiser(&["init", &portal_arg]);
    assert_exit(&out, 0);
    assert!(portal.join("wegweiser.toml").is_file());

    let out = wegweiser(&["build", &portal_arg]);
    assert_exit(&out, 0);
    let index = portal.join("public/neustadt/de/index.html");
    assert!(
        index.is_file(),
        "{} missing\n{}",
        index.display(),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Built 1 municipality"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn clean_check_succeeds() {
    let out = wegweiser(&["check", &fixture("tiny").display().to_string()]);
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("no errors"), "{}", stderr(&out));

    let out = wegweiser(&[
        "check",
        "--format",
        "json",
        &fixture("tiny").display().to_string(),
    ]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "", "no problems, no JSON lines");
}
