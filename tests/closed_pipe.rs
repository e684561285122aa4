//! The `wegweiser` binary when its stdout goes away: `wegweiser … | head -3` must end
//! quietly (exit status 0, no panic, no message) the way ripgrep and cargo do, a closed
//! pipe must not turn a failed check into a passed one, and any other write error (a
//! full disk) must still be an error.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn wegweiser() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wegweiser"));
    command.env("NO_COLOR", "1").stderr(Stdio::piped());
    command
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example")
}

/// Run `command` with its stdout on a pipe whose reading end is already closed: every
/// write to stdout fails with a broken pipe, however short the output.
fn with_stdout_closed(mut command: Command) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    command.stdout(writer);
    let child = command.spawn().expect("run wegweiser");
    // The command still holds the writing end; ours must not keep the pipe open.
    drop(command);
    child.wait_with_output().expect("wait for wegweiser")
}

#[track_caller]
fn assert_quiet_exit(out: &Output, code: i32) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "a panic:\n{err}");
    assert!(
        !err.contains("Broken pipe"),
        "a message about the pipe:\n{err}"
    );
    assert_eq!(out.status.code(), Some(code), "{:?}\n{err}", out.status);
}

/// `wegweiser translations content-example --format json | head -3`: the list is about
/// 200 KB, far more than a pipe holds, so wegweiser is still writing when the reader
/// goes away after its first bytes.
#[test]
fn a_reader_that_stops_early_ends_the_list_quietly() {
    let mut command = wegweiser();
    command
        .args(["translations", "--format", "json"])
        .arg(example())
        .stdout(Stdio::piped());
    let mut child = command.spawn().expect("run wegweiser");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("the first bytes");
    assert_eq!(first[0], b'{', "{}", String::from_utf8_lossy(&first));
    drop(stdout);
    let out = child.wait_with_output().expect("wait for wegweiser");
    assert_quiet_exit(&out, 0);
}

#[test]
fn every_listing_command_ends_quietly_on_a_closed_stdout() {
    let example = example().display().to_string();
    let listings: [&[&str]; 6] = [
        &["languages"],
        &["translations", &example],
        &["translations", "--format", "csv", &example],
        &[
            "translations",
            "export",
            "--language",
            "ar",
            "--out",
            "-",
            &example,
        ],
        &["review", "--state", "all", &example],
        &["review", "--state", "all", "--format", "json", &example],
    ];
    for args in listings {
        let mut command = wegweiser();
        command.args(args);
        let out = with_stdout_closed(command);
        assert_quiet_exit(&out, 0);
    }
}

/// `wegweiser check --format json | head -1` in CI with `pipefail`: the problems
/// cannot all be printed, but the check failed and must say so.
#[test]
fn a_closed_stdout_does_not_turn_a_failed_check_into_a_pass() {
    let broken =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken/unknown_key_toml");
    for format in ["json", "github"] {
        let mut command = wegweiser();
        command.args(["check", "--format", format]).arg(&broken);
        let out = with_stdout_closed(command);
        assert_quiet_exit(&out, 1);
    }
}

/// `wegweiser check --format json 2>&1 | head -1`: stderr is the same closed pipe, and
/// the summary after the problems must not panic either (exit status 101).
#[test]
fn a_closed_stderr_does_not_panic_either() {
    let broken =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken/unknown_key_toml");
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(["check", "--format", "json"])
        .arg(&broken)
        .env("NO_COLOR", "1")
        .stdout(writer.try_clone().expect("pipe"))
        .stderr(writer)
        .status()
        .expect("run wegweiser");
    assert_eq!(out.code(), Some(1), "{out:?}");
}

/// A full disk is not a reader that has had enough: it is an error, said on stderr.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_still_an_error() {
    let example = example().display().to_string();
    let listings: [&[&str]; 3] = [
        &["languages"],
        &["translations", "--format", "json", &example],
        &["review", "--state", "all", &example],
    ];
    for args in listings {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = wegweiser()
            .args(args)
            .stdout(full)
            .output()
            .expect("run wegweiser");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: a panic:\n{err}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {:?}\n{err}",
            out.status
        );
        assert!(
            err.contains("error: cannot write to stdout"),
            "{args:?}: no error message:\n{err}"
        );
    }
}
