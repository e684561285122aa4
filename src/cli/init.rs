//! `wegweiser init`: a new portal with one municipality, ready to build.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct InitArgs {
    /// Folder to create (must not exist or be empty).
    dir: PathBuf,
}

pub fn run(args: InitArgs) -> ExitCode {
    let dir = args.dir;
    match wegweiser::edit::init::init(&dir) {
        Ok(()) => {
            eprintln!(
                "Created a portal in {}. Build it with: wegweiser build {}",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
