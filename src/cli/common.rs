//! What the commands share: the portal argument, the build options, output formats,
//! the progress bar and printing problems.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use indicatif::ProgressBar;

use wegweiser::base::diagnostics::Diagnostic;
use wegweiser::model::Site;
use wegweiser::output::report::{self, Format};
use wegweiser::render::Progress;

use crate::cli::stdout;

/// The portal a command reads: `[ROOT]`, or `--root ROOT` (the same).
#[derive(Args)]
pub struct Portal {
    /// Portal root; default: the nearest folder upward holding wegweiser.toml.
    #[arg(value_name = "ROOT")]
    pub root: Option<PathBuf>,
    /// The same as ROOT.
    #[arg(long = "root", value_name = "ROOT", conflicts_with = "root")]
    pub root_option: Option<PathBuf>,
}

impl Portal {
    pub fn get(&self) -> Option<&Path> {
        self.root.as_deref().or(self.root_option.as_deref())
    }
}

/// How a list is printed. `human` means the same on every command (`text` is its
/// old name on the report commands, still accepted).
#[derive(Clone, Copy, ValueEnum)]
pub enum TableFormat {
    #[value(alias = "text")]
    Human,
    Json,
    Csv,
}

#[derive(Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub portal: Portal,
    /// Build only this municipality (repeatable).
    #[arg(long = "only", value_name = "MUNICIPALITY")]
    pub only: Vec<String>,
    /// Only municipalities with changes since this git revision (a change to the
    /// configuration, theme, templates or static files: all).
    #[arg(long, value_name = "GIT_REF")]
    pub changed_since: Option<String>,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url from wegweiser.toml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub jobs: Option<usize>,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Print only problems.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print timings of each stage.
    #[arg(long, short)]
    pub verbose: bool,
    /// The day to take as today for review dates and the accessibility statement's
    /// age (default: today in each municipality's time zone; UTC for the statement).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub today: Option<jiff::civil::Date>,
    /// Also fail when pages are overdue for review (`overdue`).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Vec<FailOn>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Pages whose review date plus interval lies in the past.
    Overdue,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Github,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Human => Format::Human,
            OutputFormat::Json => Format::Json,
            OutputFormat::Github => Format::Github,
        }
    }
}

pub fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    let day = wegweiser::model::review::parse_day(s)?;
    if !wegweiser::model::recurrence::in_range(day) {
        return Err(wegweiser::model::recurrence::out_of_range(day).0);
    }
    Ok(day)
}

pub fn parse_interval(s: &str) -> Result<wegweiser::model::review::Interval, String> {
    s.parse()
}

/// The build's progress as a bar on the terminal.
pub struct Bar(pub ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Problems for people on stderr; for machines (JSON, GitHub annotations) on stdout,
/// whose write error is returned.
pub fn print_diagnostics(
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
) -> stdout::Result<()> {
    match format {
        Format::Human => print_human(diagnostics, color),
        Format::Json | Format::Github => {
            for d in diagnostics {
                stdout::print(format_args!("{}\n", report::format(d, format, color)))?;
            }
        }
    }
    Ok(())
}

/// Problems for people on stderr, in colour on a terminal.
pub fn print_problems(diagnostics: &[Diagnostic]) {
    use std::io::IsTerminal;
    print_human(diagnostics, std::io::stderr().is_terminal());
}

/// Problems for people on stderr; where it is gone, there is no one left to tell.
pub fn print_human(diagnostics: &[Diagnostic], color: bool) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{}", report::format(d, Format::Human, color));
    }
}

/// The portal root named on the command line, or found upward; an error is printed.
pub fn root_or_print(root: Option<&Path>) -> Option<PathBuf> {
    match wegweiser::build::ops::portal_root(root) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Load the portal's model (with `today`, if given); its problems go to stderr.
/// With `strict`, a portal with errors gives `None` (lists of it would be wrong).
pub fn load_model(root: &Path, today: Option<jiff::civil::Date>, strict: bool) -> Option<Site> {
    let (site, diagnostics) = wegweiser::build::ops::load_model(root, today);
    let has_errors = diagnostics.has_errors();
    print_problems(&diagnostics.into_sorted());
    if has_errors && strict {
        eprintln!("error: the portal has errors (see above); fix them first");
        return None;
    }
    site
}
