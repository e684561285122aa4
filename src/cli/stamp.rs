//! `wegweiser translations stamp`: mark translations as made from the current version
//! of their source.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use wegweiser::build::pipeline::find_root;

use crate::cli::common::{load_model, print_problems};

#[derive(Args)]
pub struct StampArgs {
    /// Translation files; with --minor, source files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The edit of these source files needs no new translation: re-stamp the
    /// translations that were up to date with the last committed version.
    #[arg(long)]
    minor: bool,
}

pub fn run(args: StampArgs) -> ExitCode {
    let StampArgs { files, minor } = args;
    let Some(first) = files.first() else {
        return ExitCode::from(2);
    };
    let start = first
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(root) = find_root(start) else {
        eprintln!(
            "error: {} is not inside a portal (no wegweiser.toml above it)",
            first.display()
        );
        return ExitCode::FAILURE;
    };
    let Some(site) = load_model(&root, None, false) else {
        return ExitCode::FAILURE;
    };
    let mut failed = false;
    for file in &files {
        let result = if minor {
            wegweiser::edit::stamp::stamp_minor(&site, file)
        } else {
            wegweiser::edit::stamp::stamp(&site, file).map(|s| vec![s])
        };
        match result {
            Ok(stamped) if stamped.is_empty() => {
                eprintln!(
                    "{}: no translation was up to date with the committed version",
                    file.display()
                );
            }
            Ok(stamped) => {
                for s in stamped {
                    let what = if s.unchanged {
                        "already stamped"
                    } else {
                        "stamped"
                    };
                    eprintln!(
                        "{}: {what} source_digest = \"{}\"",
                        s.file.display(),
                        s.digest
                    );
                }
            }
            Err(d) => {
                failed = true;
                print_problems(&[d]);
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
