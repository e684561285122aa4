//! `wegweiser translations import`: the translations in an XLIFF 2.0 file (made by
//! `export`) into the portal.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use wegweiser::edit::import::Refusal;

use crate::cli::common::{load_model, print_problems, root_or_print};

#[derive(Args)]
pub struct ImportArgs {
    /// The translated XLIFF file.
    file: PathBuf,
    /// Overwrite translation files that changed since the export.
    #[arg(long)]
    force: bool,
    /// Portal root; default: the nearest folder upward holding wegweiser.toml.
    #[arg(long, value_name = "ROOT")]
    root: Option<PathBuf>,
}

pub fn run(args: ImportArgs) -> ExitCode {
    let file = &args.file;
    let Some(root) = root_or_print(args.root.as_deref()) else {
        return ExitCode::FAILURE;
    };
    let text = match wegweiser::load::read_text(file, file) {
        Ok(t) => t,
        Err(d) => {
            print_problems(&[d]);
            return ExitCode::FAILURE;
        }
    };
    let Some(site) = load_model(&root, None, false) else {
        return ExitCode::FAILURE;
    };
    let plan = match wegweiser::edit::import::checked_plan(&root, &site, file, &text, args.force) {
        Ok(plan) => plan,
        Err(Refusal::Invalid(errors)) => {
            print_problems(&errors);
            eprintln!(
                "Import refused: {} error(s); nothing was written",
                errors.len()
            );
            return ExitCode::FAILURE;
        }
        Err(Refusal::Unchecked(d)) => {
            print_problems(&[d]);
            return ExitCode::FAILURE;
        }
    };
    print_problems(&plan.warnings);
    print_problems(&plan.errors);
    if let Err(d) = wegweiser::edit::xliff::apply(&plan) {
        print_problems(&[d]);
        return ExitCode::FAILURE;
    }
    for w in &plan.writes {
        let what = if w.replaces { "updated" } else { "created" };
        eprintln!("{}: {what}", w.file.display());
    }
    if plan.errors.is_empty() {
        eprintln!("Imported {} translation(s)", plan.writes.len());
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "Imported {} translation(s); {} error(s): the pages named there were not imported",
            plan.writes.len(),
            plan.errors.len()
        );
        ExitCode::FAILURE
    }
}
