//! `wegweiser translations`: the status of every translation, and its subcommands
//! (`stamp`, `export`, `import`).

use std::process::ExitCode;

use clap::{Args, Subcommand};

use wegweiser::output::translation_report as report;

use crate::cli::common::{Portal, TableFormat, load_model, root_or_print};
use crate::cli::stdout;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TranslationsArgs {
    #[command(subcommand)]
    action: Option<TranslationsAction>,
    #[command(flatten)]
    portal: Portal,
    /// Only this municipality.
    #[arg(long, value_name = "M")]
    municipality: Option<String>,
    /// Only this language.
    #[arg(long, value_name = "L")]
    language: Option<String>,
    /// Only these states (missing, in-translation, outdated, machine-translated, up-to-date), comma-separated.
    #[arg(long, value_name = "S", value_delimiter = ',')]
    state: Vec<String>,
    /// How to print the list: for people, or for scripts and spreadsheets.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    format: TableFormat,
}

#[derive(Subcommand)]
enum TranslationsAction {
    /// Mark translations as made from the current version of their source.
    Stamp(crate::cli::stamp::StampArgs),
    /// Write the texts to translate into one language as an XLIFF 2.0 file for
    /// translators' tools.
    Export(crate::cli::export::ExportArgs),
    /// Write the translations in an XLIFF 2.0 file (made by `export`) into the portal.
    Import(crate::cli::import::ImportArgs),
}

pub fn run(args: TranslationsArgs) -> stdout::Result<ExitCode> {
    match args.action {
        Some(TranslationsAction::Stamp(a)) => Ok(crate::cli::stamp::run(a)),
        Some(TranslationsAction::Export(a)) => crate::cli::export::run(a),
        Some(TranslationsAction::Import(a)) => Ok(crate::cli::import::run(a)),
        None => list(&args),
    }
}

/// The list of translations and their states.
fn list(args: &TranslationsArgs) -> stdout::Result<ExitCode> {
    let Some(root) = root_or_print(args.portal.get()) else {
        return Ok(ExitCode::FAILURE);
    };
    let states = match report::parse_states(&args.state) {
        Ok(states) => states,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let Some(site) = load_model(&root, None, false) else {
        return Ok(ExitCode::FAILURE);
    };
    let filter = report::Filter {
        municipality: args.municipality.clone(),
        language: args.language.clone(),
        states,
    };
    let mut rows = report::rows(&site, &filter);
    report::attach_changes(&site, &mut rows);
    let out = match args.format {
        TableFormat::Human => report::text(&site, &rows),
        TableFormat::Json => report::json(&rows),
        TableFormat::Csv => report::csv(&rows),
    };
    stdout::print(out)?;
    Ok(ExitCode::SUCCESS)
}
