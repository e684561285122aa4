//! The `wegweiser` binary: exit codes and the three ways of printing problems.

use std::fs;
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
    // The English pages it wrote translate the German ones it wrote: no page of a new
    // portal says "this translation may be out of date".
    let out = wegweiser(&["translations", &portal_arg, "--format", "csv"]);
    assert_exit(&out, 0);
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!report.contains(",outdated,"), "{report}");
    assert!(report.contains(",en,up-to-date,"), "{report}");
    let english = fs::read_to_string(portal.join("public/neustadt/en/index.html")).unwrap();
    assert!(!english.contains("This translation may be out of date"));
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

// --- One vocabulary on the command line ---

/// Every command and subcommand of the binary.
const COMMANDS: &[&[&str]] = &[
    &["build"],
    &["check"],
    &["serve"],
    &["merge"],
    &["init"],
    &["translations"],
    &["translations", "stamp"],
    &["translations", "export"],
    &["translations", "import"],
    &["review"],
    &["review", "remind"],
    &["review", "confirm"],
    &["languages"],
];

/// `wegweiser CMD -h`: the short help, which lists a value enum's possible values.
fn help(cmd: &[&str]) -> String {
    let mut args = cmd.to_vec();
    args.push("-h");
    let out = wegweiser(&args);
    assert_exit(&out, 0);
    stdout(&out)
}

#[test]
fn every_command_speaks_one_vocabulary() {
    for cmd in COMMANDS {
        let h = help(cmd);
        let name = cmd.join(" ");
        // What a command writes goes to -o/--out.
        if h.contains("--out") {
            assert!(h.contains("-o, --out"), "{name}: --out without -o\n{h}");
        }
        // Formats: the same names mean the same thing everywhere.
        for line in h.lines().filter(|l| l.contains("--format")) {
            let values = line
                .split("[possible values: ")
                .nth(1)
                .unwrap_or_else(|| panic!("{name}: --format lists its values\n{h}"));
            for v in values.trim_end_matches(']').split(", ") {
                assert!(
                    ["human", "json", "github", "csv"].contains(&v),
                    "{name}: --format value `{v}`"
                );
            }
            assert!(values.starts_with("human"), "{name}: human first: {line}");
        }
        // Every command that reads a portal names it the same way.
        if !matches!(
            *cmd,
            ["init"] | ["languages"] | ["translations" | "review", _]
        ) {
            assert!(
                h.contains("[ROOT]") || h.contains("--root <ROOT>"),
                "{name}: how is the portal named?\n{h}"
            );
        }
        if h.contains("--root") {
            assert!(h.contains("--root <ROOT>"), "{name}\n{h}");
        }
    }
    // `check` writes nothing: it offers nothing that only a build that writes uses.
    let check = help(&["check"]);
    for option in ["--out", "--shard", "--no-minify"] {
        assert!(!check.contains(option), "check offers {option}\n{check}");
    }
}

#[test]
fn the_readme_command_table_is_the_command_line() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let block = readme
        .split("## The command line\n\n```\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has the command table");
    // Each command's text: its line and the indented lines after it.
    let mut entries: Vec<(Vec<String>, String)> = Vec::new();
    for line in block.lines() {
        if let Some(rest) = line.strip_prefix("wegweiser ") {
            // The longest run of leading words that is a command.
            let all: Vec<&str> = rest.split_whitespace().collect();
            let words: Vec<String> = (1..=2)
                .rev()
                .map(|n| &all[..n.min(all.len())])
                .find(|w| COMMANDS.contains(w))
                .unwrap_or(&all[..1])
                .iter()
                .map(|w| w.to_string())
                .collect();
            entries.push((words, rest.to_string()));
        } else if let Some((_, text)) = entries.last_mut() {
            text.push(' ');
            text.push_str(line);
        }
    }
    let listed: Vec<Vec<String>> = entries.iter().map(|(w, _)| w.clone()).collect();
    for cmd in COMMANDS {
        let cmd: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        assert!(
            listed.contains(&cmd),
            "README lacks `wegweiser {}`",
            cmd.join(" ")
        );
    }
    for (cmd, text) in &entries {
        let words: Vec<&str> = cmd.iter().map(String::as_str).collect();
        assert!(
            COMMANDS.contains(&words.as_slice()),
            "README lists `wegweiser {}`, which does not exist",
            words.join(" ")
        );
        let h = help(&words);
        // Every option the README shows is one the command has (`code` in the
        // description names other commands).
        let text: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        for token in text.split(|c: char| c.is_whitespace() || "[]|…".contains(c)) {
            let option = token.split('=').next().unwrap_or(token);
            if option.starts_with('-') && option.len() > 1 && !option.starts_with("--format")
                || option == "--format"
            {
                assert!(
                    h.contains(&format!("{option} ")) || h.contains(&format!("{option},")),
                    "README shows `{option}` for `wegweiser {}`, which it does not have\n{h}",
                    words.join(" ")
                );
            }
        }
    }
}

#[test]
fn the_old_spellings_still_work_and_say_what_to_write() {
    let tmp = tempfile::tempdir().unwrap();
    // `export --language L OUT.xlf`, run inside the portal.
    let target = tmp.path().join("old.xlf");
    let out = Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(["translations", "export", "--language", "en"])
        .arg(&target)
        .current_dir(fixture("translations"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("deprecated"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--out"), "{}", stderr(&out));
    assert!(target.is_file());
    let out = wegweiser(&[
        "translations",
        &fixture("translations").display().to_string(),
        "--format",
        "text",
    ]);
    assert_exit(&out, 0);
}
