//! `wegweiser review`: the pages due for a check, by integration actor; and its
//! subcommands (`remind`, `confirm`).

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use wegweiser::model::Site;
use wegweiser::model::review::Freshness;
use wegweiser::output::review_report::{self as report, Filter};

use crate::cli::common::{
    Portal, TableFormat, load_model, parse_day, parse_interval, root_or_print,
};
use crate::cli::stdout;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    action: Option<ReviewAction>,
    #[command(flatten)]
    portal: Portal,
    #[command(flatten)]
    filter: ReviewFilter,
    /// The states to list, comma-separated: overdue, due-soon, never-reviewed, current, all.
    #[arg(
        long,
        value_name = "S",
        value_delimiter = ',',
        default_value = "overdue,due-soon"
    )]
    state: Vec<String>,
    /// How to print the list: for people, or for scripts and spreadsheets.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    format: TableFormat,
}

#[derive(Args)]
pub struct ReviewFilter {
    /// Only this municipality.
    #[arg(long, value_name = "M")]
    municipality: Option<String>,
    /// Only this actor's pages (an id from actors.toml).
    #[arg(long, value_name = "A")]
    actor: Option<String>,
    /// Pages due within this time are "due soon": `30d`, `6 weeks`, `2 months`.
    #[arg(long, value_name = "INTERVAL", default_value = "30 days", value_parser = parse_interval)]
    due_within: wegweiser::model::review::Interval,
    /// The day to take as today (default: today in each municipality's time zone).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    today: Option<jiff::civil::Date>,
}

#[derive(Subcommand)]
enum ReviewAction {
    /// Write one ready-to-send reminder (.eml) per actor with pages to check.
    Remind(crate::cli::remind::RemindArgs),
    /// "Checked, still correct": set `reviewed` (and `reviewed_by`) in pages' files.
    Confirm(crate::cli::confirm::ConfirmArgs),
}

pub fn run(args: ReviewArgs) -> stdout::Result<ExitCode> {
    let (portal, filter) = match &args.action {
        Some(ReviewAction::Confirm(confirm)) => return crate::cli::confirm::run(confirm),
        Some(ReviewAction::Remind(remind)) => (remind.portal.get(), &remind.filter),
        None => (args.portal.get(), &args.filter),
    };
    let mut states = match report::parse_states(&args.state) {
        Ok(states) => states,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Some(ReviewAction::Remind(_)) = &args.action {
        states = vec![
            Freshness::Overdue,
            Freshness::DueSoon,
            Freshness::NeverReviewed,
        ];
    }
    let Some((site, filter)) = load_filtered(portal, filter, states) else {
        return Ok(ExitCode::FAILURE);
    };
    if let Some(ReviewAction::Remind(remind)) = &args.action {
        return crate::cli::remind::run(&site, &filter, &remind.out);
    }
    let reviews = report::report(&site, &filter);
    let text = match args.format {
        TableFormat::Human => report::text(&reviews),
        TableFormat::Json => report::json(&reviews),
        TableFormat::Csv => report::csv(&reviews),
    };
    stdout::print(text)?;
    Ok(ExitCode::SUCCESS)
}

/// The portal's model with the filter's `today` applied, and the filter, checked
/// against it; `None` (the problems printed) when the portal has errors or the filter
/// names what it lacks.
fn load_filtered(
    portal: Option<&Path>,
    args: &ReviewFilter,
    states: Vec<Freshness>,
) -> Option<(Site, Filter)> {
    let root = root_or_print(portal)?;
    let site = load_model(&root, args.today, true)?;
    let filter = Filter {
        municipality: args.municipality.clone(),
        actor: args.actor.clone(),
        due_within: args.due_within,
        states,
    };
    if let Err((message, hint)) = report::check_filter(&site, &filter) {
        eprintln!("error: {message}");
        if let Some(hint) = hint {
            eprintln!("  hint: {hint}");
        }
        return None;
    }
    Some((site, filter))
}
