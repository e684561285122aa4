//! Everything the commands print on stdout goes through [`print`], so that a reader that
//! stops early (`wegweiser translations --format json | head -3`) ends the command
//! quietly with success, as ripgrep and cargo do, instead of the panic of `print!`; and
//! so that any other write error (a full disk) is still an error.
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe fails with `BrokenPipe`. A command
//! passes the error up with `?` (there is no one left to print for) and `main` ends
//! through [`exit`].

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// A write to stdout that failed. Only [`print`] makes one, so `?` cannot pass any other
/// I/O error (a file of the portal) off as a closed pipe.
#[derive(Debug)]
pub struct Error(io::Error);

pub type Result<T> = std::result::Result<T, Error>;

/// Write `text` to stdout and flush it, so that an error comes now and is not lost in the
/// flush at exit.
pub fn print(text: impl fmt::Display) -> Result<()> {
    let mut out = io::stdout().lock();
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(Error)
}

impl Error {
    /// The reader has gone (`| head`): not a failure of wegweiser.
    fn is_closed_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }

    /// Say what went wrong, unless the reader has merely gone.
    fn report(&self) {
        if !self.is_closed_pipe() {
            // When stderr is gone too, there is no one left to tell.
            let _ = writeln!(io::stderr(), "error: cannot write to stdout: {}", self.0);
        }
    }
}

/// The exit status of a command: a closed stdout ends it quietly with success; any other
/// write error is said on stderr and is a failure.
pub fn exit(result: Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) if e.is_closed_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            e.report();
            ExitCode::FAILURE
        }
    }
}

/// The outcome of a command that has a status of its own besides its output (a check
/// that found errors, a file it could not confirm): a failure stays a failure whatever
/// happened to the output, so that `wegweiser check --format json | head -1` under
/// `pipefail` does not pass. Without a failure, the write error decides.
pub fn with_status(printed: Result<()>, code: ExitCode) -> Result<ExitCode> {
    match printed {
        Err(e) if code != ExitCode::SUCCESS => {
            e.report();
            Ok(code)
        }
        printed => printed.map(|()| code),
    }
}
