//! The commands in README.md and docs/*.md work as written, copied and pasted.
//!
//! Every line of a ```sh block is either run or checked:
//! - a command with placeholders (`[ROOT]`, `FILE…`, `--format human|json`) is a
//!   synopsis: every option it shows must be one the command has;
//! - a `wegweiser …` command without placeholders is run (`cargo run --release -- …`
//!   runs the binary under test) with `sh`, in order, in a copy of content-example (from
//!   its folder, or from the folder above it where the command names
//!   `content-example`), and must neither be refused as a command line (exit 2) nor
//!   panic (101): 0 and 1 (the portal has problems, as `check --fail-on overdue` may
//!   say) are what a user can meet;
//! - what CI runs itself (`cargo test`, `cargo bench`, benches/, examples) and
//!   `wegweiser serve` (tests/serve.rs starts it as editors do) are left out.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The documents and their shell lines (continuations joined, comments removed).
fn shell_lines() -> Vec<(String, Vec<String>)> {
    let mut docs = vec![repo().join("README.md")];
    let mut pages: Vec<PathBuf> = fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    docs.extend(pages);
    let mut out = Vec::new();
    for doc in docs {
        let text = fs::read_to_string(&doc).unwrap();
        let mut lines = Vec::new();
        let mut in_shell = false;
        let mut pending = String::new();
        for line in text.lines() {
            let trimmed = line.trim_start();
            if let Some(info) = trimmed.strip_prefix("```") {
                in_shell = !in_shell && matches!(info.trim(), "sh" | "bash" | "shell");
                continue;
            }
            if !in_shell {
                continue;
            }
            let code = strip_comment(line);
            if let Some(start) = code.trim_end().strip_suffix('\\') {
                pending.push_str(start);
                pending.push(' ');
                continue;
            }
            pending.push_str(code.trim());
            let full = std::mem::take(&mut pending).trim().to_string();
            if !full.is_empty() {
                lines.push(full);
            }
        }
        let name = doc.strip_prefix(repo()).unwrap().display().to_string();
        out.push((name, lines));
    }
    out
}

/// `line` without a trailing `# comment` (a `#` outside quotes, after a space).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

/// Whether a command line holds placeholders: it is a synopsis, not an example.
fn is_synopsis(line: &str) -> bool {
    line.contains('…')
        || line.contains('[')
        || line.contains('<')
        || line.contains('|')
        || line.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.len() > 1
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c == '-')
        })
}

/// The subcommand words of `args` (`translations export`), as far as the binary has
/// them, and the `--help` of that command.
fn command_help(args: &[&str]) -> (Vec<String>, String) {
    let bin = env!("CARGO_BIN_EXE_wegweiser");
    let mut words: Vec<String> = Vec::new();
    let mut help = String::new();
    for word in args.iter().take(2) {
        if word.starts_with('-') {
            break;
        }
        let mut candidate = words.clone();
        candidate.push(word.to_string());
        let out = Command::new(bin)
            .args(&candidate)
            .arg("--help")
            .output()
            .unwrap();
        if !out.status.success() {
            break;
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // `wegweiser build content-example --help` is build's help: no deeper command.
        if !words.is_empty() && text == help {
            break;
        }
        words = candidate;
        help = text;
    }
    (words, help)
}

#[test]
fn every_command_in_the_docs_works_as_written() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_wegweiser"));
    let bin_dir = bin.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    let mut checked = 0;
    for (doc, lines) in shell_lines() {
        // One copy of the demo portal per document: its commands build on each other
        // (export, then import).
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(
            &repo().join("content-example"),
            &tmp.path().join("content-example"),
        );
        let portal = tmp.path().join("content-example");
        for line in lines {
            let command = match line.strip_prefix("cargo run --release -- ") {
                Some(args) => format!("wegweiser {args}"),
                None => line.clone(),
            };
            if !command.starts_with("wegweiser ") {
                continue;
            }
            let args: Vec<&str> = command.split_whitespace().skip(1).collect();
            let (words, help) = command_help(&args);
            assert!(!words.is_empty(), "{doc}: `{line}`: no such command");
            // Every option shown is one the command has.
            for token in command.split(|c: char| c.is_whitespace() || "[]|…".contains(c)) {
                let option = token.split('=').next().unwrap_or(token);
                if option.starts_with('-') && option.len() > 1 && option != "-" {
                    assert!(
                        help.contains(&format!("{option} "))
                            || help.contains(&format!("{option},")),
                        "{doc}: `{line}` shows `{option}`, which `wegweiser {}` does not have",
                        words.join(" ")
                    );
                }
            }
            checked += 1;
            if is_synopsis(&command) || words[0] == "serve" || words[0] == "init" && args.len() < 2
            {
                continue;
            }
            let cwd: &Path = if command.contains("content-example") {
                tmp.path()
            } else {
                &portal
            };
            let out = Command::new("sh")
                .arg("-c")
                .arg(&command)
                .current_dir(cwd)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{doc}: `{line}` exited with {code:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    // The README's own build command is among them, and so are the translators'.
    assert!(ran >= 8, "only {ran} commands ran");
    assert!(checked > ran, "no synopsis was checked");
}

#[test]
fn synopses_are_told_apart_from_examples() {
    assert!(is_synopsis("wegweiser build [ROOT] [-o DIR]"));
    assert!(is_synopsis("wegweiser translations stamp [--minor] FILE…"));
    assert!(is_synopsis("wegweiser merge -o DIR SHARD_DIR"));
    assert!(!is_synopsis("wegweiser build content-example"));
    assert!(!is_synopsis(
        "wegweiser translations --language ar --state missing,outdated --format csv"
    ));
    assert_eq!(
        strip_comment("wegweiser translations   # the matrix"),
        "wegweiser translations   "
    );
    assert_eq!(strip_comment("echo '#x'"), "echo '#x'");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // The demo portal's own build output is not part of it.
        if name == "public" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
