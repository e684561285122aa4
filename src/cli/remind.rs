//! `wegweiser review remind`: one ready-to-send reminder (.eml) per actor with pages
//! to check.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use wegweiser::model::Site;
use wegweiser::output::review_report::Filter;

use crate::cli::common::{Portal, print_problems};
use crate::cli::review::ReviewFilter;
use crate::cli::stdout;

#[derive(Args)]
pub struct RemindArgs {
    #[command(flatten)]
    pub portal: Portal,
    #[command(flatten)]
    pub filter: ReviewFilter,
    /// Folder for the .eml files.
    #[arg(long, short, value_name = "DIR", default_value = "reminders")]
    pub out: PathBuf,
}

/// Write the reminders for `filter` into `out` and list them (the files are written
/// before the list, so a reader that stops early costs none of them).
pub fn run(site: &Site, filter: &Filter, out: &Path) -> stdout::Result<ExitCode> {
    let ui = wegweiser::theme::default_ui_strings();
    let reminders = wegweiser::output::remind::reminders(site, &ui, filter);
    match wegweiser::edit::remind::write_all(site, &reminders, out) {
        Ok(files) => {
            for ((m, r), file) in reminders.iter().zip(&files) {
                let to =
                    r.to.as_deref()
                        .unwrap_or("(no e-mail address in actors.toml)");
                stdout::print(format_args!("{}  {} → {to}\n", file.display(), m.slug))?;
            }
            for (m, actor, pages) in wegweiser::output::remind::coordinators_own(site, filter) {
                let plural = if pages == 1 { "page" } else { "pages" };
                stdout::print(format_args!(
                    "{} {actor}: no reminder: its {pages} {plural} to check are the coordinator's own (the [contact] email of municipality.toml); `wegweiser review --actor {actor}` lists them\n",
                    m.slug
                ))?;
            }
            if files.is_empty() {
                eprintln!("No actor has pages to check.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            print_problems(&[d]);
            Ok(ExitCode::FAILURE)
        }
    }
}
