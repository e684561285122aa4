//! The `wegweiser` command line: a thin layer over the library. This file parses the
//! arguments and dispatches; each command is a file in `cli/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Every `eprintln!` of the commands (in `cli/`, below) is this one: std's panics when
/// stderr is gone (`wegweiser check --format json 2>&1 | head -1`: the summary after the
/// problems), and then there is no one left to tell. stdout is `cli::stdout`'s.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

#[derive(Parser)]
#[command(
    name = "wegweiser",
    version,
    about = "Multilingual static sites for municipal integration portals"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the portal into a static site.
    Build(cli::build::BuildArgs),
    /// Everything `build` does, without writing: for CI and editors.
    Check(cli::common::CommonArgs),
    /// Join the outputs of `build --shard I/N` into one site.
    Merge(cli::merge::MergeArgs),
    /// Preview the portal: build it into memory, serve it on 127.0.0.1, and rebuild
    /// and reload the browser on every change.
    Serve(cli::serve::ServeArgs),
    /// Create a new portal with one municipality, ready to build.
    Init(cli::init::InitArgs),
    /// The status of every page, event, news item and place in every language: what to
    /// translate next.
    Translations(cli::translations::TranslationsArgs),
    /// Pages whose content is due for a check, by integration actor; reminders; confirm.
    Review(cli::review::ReviewArgs),
    /// List the built-in languages.
    Languages,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C and SIGTERM remove the staging folder of a build before wegweiser ends.
    wegweiser::write::interrupt::install();
    // The commands that print on stdout give its write error back; `exit` ends quietly
    // when the reader has gone (`| head`) and fails on any other.
    let result = match cli.command {
        Command::Build(args) => cli::build::run(args),
        Command::Check(common) => cli::check::run(common),
        Command::Merge(args) => Ok(cli::merge::run(args)),
        Command::Serve(args) => Ok(cli::serve::run(args)),
        Command::Init(args) => Ok(cli::init::run(args)),
        Command::Translations(args) => cli::translations::run(args),
        Command::Review(args) => cli::review::run(args),
        Command::Languages => cli::languages::run(),
    };
    cli::stdout::exit(result)
}
