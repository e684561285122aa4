//! `wegweiser review confirm`: "checked, still correct": set `reviewed` (and
//! `reviewed_by`) in pages' files.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use wegweiser::build::pipeline::find_root;

use crate::cli::common::{load_model, parse_day, print_problems};
use crate::cli::stdout;

#[derive(Args)]
pub struct ConfirmArgs {
    /// Page files (any translation of a page names the page).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The day of the check (default: today in the municipality's time zone).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    date: Option<jiff::civil::Date>,
    /// Who checked (written as `reviewed_by`).
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// Write a date after today too.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &ConfirmArgs) -> stdout::Result<ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let start = args
        .files
        .first()
        .and_then(|f| f.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(&cwd);
    let Some(root) = find_root(start) else {
        eprintln!("error: the files are not in a portal (no wegweiser.toml above them)");
        return Ok(ExitCode::FAILURE);
    };
    // Without strict: the problems are shown, and the pages that loaded can still be
    // confirmed.
    let Some(site) = load_model(&root, None, false) else {
        return Ok(ExitCode::FAILURE);
    };
    let mut failed = false;
    // A reader that stops early stops the list, not the confirming: the files are the
    // work, the lines only report it.
    let mut printed = Ok(());
    for file in &args.files {
        // Default: today in the page's municipality.
        let day = args
            .date
            .or_else(|| wegweiser::edit::stamp::locate(&site, file).map(|(m, _, _)| m.today))
            .unwrap_or_else(|| jiff::Zoned::now().date());
        match wegweiser::edit::confirm::confirm(&site, file, day, args.by.as_deref(), args.force) {
            Ok(c) if printed.is_ok() => {
                let what = if c.unchanged {
                    "already reviewed"
                } else {
                    "reviewed"
                };
                printed = stdout::print(format_args!("{}: {what} {}\n", c.file.display(), c.date));
            }
            Ok(_) => {}
            Err(d) => {
                print_problems(&[d]);
                failed = true;
            }
        }
    }
    let code = if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    stdout::with_status(printed, code)
}
