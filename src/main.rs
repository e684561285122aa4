//! The `wegweiser` command line: a thin layer over the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use wegweiser::diagnostics::Diagnostic;
use wegweiser::language::LanguageTable;
use wegweiser::pipeline::{BuildOptions, BuildReport, build, find_root};
use wegweiser::render::{NoProgress, Progress};
use wegweiser::report::{self, Format};

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
    Build(BuildArgs),
    /// Everything `build` does, without writing: for CI and editors.
    Check(CommonArgs),
    /// Join the outputs of `build --shard I/N` into one site.
    Merge {
        /// The output folders of the shard builds.
        #[arg(required = true, value_name = "SHARD_DIR")]
        shards: Vec<PathBuf>,
        /// Where the site goes (replaced as a whole, like `build --out`).
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Portal root (for its theme); default: the nearest folder upward holding
        /// wegweiser.toml.
        #[arg(long, value_name = "ROOT")]
        root: Option<PathBuf>,
        /// Print only problems.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Preview the portal: build it into memory, serve it on 127.0.0.1, and rebuild
    /// and reload the browser on every change.
    Serve(ServeArgs),
    /// Create a new portal with one municipality, ready to build.
    Init {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// The status of every page, event, news item and place in every language: what to
    /// translate next.
    Translations(TranslationsArgs),
    /// Pages whose content is due for a check, by integration actor; reminders; confirm.
    Review(ReviewArgs),
    /// List the built-in languages.
    Languages,
}

/// The portal a command reads: `[ROOT]`, or `--root ROOT` (the same).
#[derive(Args)]
struct Portal {
    /// Portal root; default: the nearest folder upward holding wegweiser.toml.
    #[arg(value_name = "ROOT")]
    root: Option<PathBuf>,
    /// The same as ROOT.
    #[arg(long = "root", value_name = "ROOT", conflicts_with = "root")]
    root_option: Option<PathBuf>,
}

impl Portal {
    fn get(&self) -> Option<&Path> {
        self.root.as_deref().or(self.root_option.as_deref())
    }
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct TranslationsArgs {
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
    Stamp {
        /// Translation files; with --minor, source files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The edit of these source files needs no new translation: re-stamp the
        /// translations that were up to date with the last committed version.
        #[arg(long)]
        minor: bool,
    },
    /// Write the texts to translate into one language as an XLIFF 2.0 file for
    /// translators' tools.
    Export {
        /// The language to translate into.
        #[arg(long, value_name = "L")]
        language: String,
        /// Export translations in these states, comma-separated.
        #[arg(
            long,
            value_name = "S",
            value_delimiter = ',',
            default_value = "missing,outdated"
        )]
        state: Vec<String>,
        /// Only this municipality.
        #[arg(long, value_name = "M")]
        municipality: Option<String>,
        /// Also the pages that stay in the source language: those named in
        /// municipality.toml's [legal] (imprint_page, privacy_page, accessibility_page)
        /// and [accessibility] (leichte_sprache, gebaerdensprache).
        #[arg(long)]
        all_pages: bool,
        #[command(flatten)]
        portal: Portal,
        /// The XLIFF file to write (`-`: standard output).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the translations in an XLIFF 2.0 file (made by `export`) into the portal.
    Import {
        /// The translated XLIFF file.
        file: PathBuf,
        /// Overwrite translation files that changed since the export.
        #[arg(long)]
        force: bool,
        /// Portal root; default: the nearest folder upward holding wegweiser.toml.
        #[arg(long, value_name = "ROOT")]
        root: Option<PathBuf>,
    },
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    portal: Portal,
    /// Port to listen on (0: any free port).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to listen on. Anything but 127.0.0.1 or ::1 shows the preview to
    /// your network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Serve only this municipality (repeatable).
    #[arg(long = "only", value_name = "MUNICIPALITY")]
    only: Vec<String>,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// The day to take as today for review dates (default: today in each
    /// municipality's time zone).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    today: Option<jiff::civil::Date>,
}

/// How a list is printed. `human` means the same on every command (`text` is its
/// old name on the report commands, still accepted).
#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    #[value(alias = "text")]
    Human,
    Json,
    Csv,
}

#[derive(Args)]
struct CommonArgs {
    #[command(flatten)]
    portal: Portal,
    /// Build only this municipality (repeatable).
    #[arg(long = "only", value_name = "MUNICIPALITY")]
    only: Vec<String>,
    /// Only municipalities with changes since this git revision (a change to the
    /// configuration, theme, templates or static files: all).
    #[arg(long, value_name = "GIT_REF")]
    changed_since: Option<String>,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Override base_url from wegweiser.toml.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
    jobs: Option<usize>,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
    /// Print only problems.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print timings of each stage.
    #[arg(long, short)]
    verbose: bool,
    /// The day to take as today for review dates and the accessibility statement's
    /// age (default: today in each municipality's time zone; UTC for the statement).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    today: Option<jiff::civil::Date>,
    /// Also fail when pages are overdue for review (`overdue`).
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Vec<FailOn>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Pages whose review date plus interval lies in the past.
    Overdue,
}

fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    let day = wegweiser::model_review::parse_day(s)?;
    if !wegweiser::recurrence::in_range(day) {
        return Err(wegweiser::recurrence::out_of_range(day).0);
    }
    Ok(day)
}

fn parse_interval(s: &str) -> Result<wegweiser::model_review::Interval, String> {
    s.parse()
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct ReviewArgs {
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
struct ReviewFilter {
    /// Only this municipality.
    #[arg(long, value_name = "M")]
    municipality: Option<String>,
    /// Only this actor's pages (an id from actors.toml).
    #[arg(long, value_name = "A")]
    actor: Option<String>,
    /// Pages due within this time are "due soon": `30d`, `6 weeks`, `2 months`.
    #[arg(long, value_name = "INTERVAL", default_value = "30 days", value_parser = parse_interval)]
    due_within: wegweiser::model_review::Interval,
    /// The day to take as today (default: today in each municipality's time zone).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    today: Option<jiff::civil::Date>,
}

#[derive(Subcommand)]
enum ReviewAction {
    /// Write one ready-to-send reminder (.eml) per actor with pages to check.
    Remind {
        #[command(flatten)]
        portal: Portal,
        #[command(flatten)]
        filter: ReviewFilter,
        /// Folder for the .eml files.
        #[arg(long, short, value_name = "DIR", default_value = "reminders")]
        out: PathBuf,
    },
    /// "Checked, still correct": set `reviewed` (and `reviewed_by`) in pages' files.
    Confirm {
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
    },
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Build part I of N of the municipalities (balanced by pages), for `wegweiser merge`.
    #[arg(long, value_name = "I/N")]
    shard: Option<wegweiser::shard::Shard>,
    /// Output folder (default: output_dir from wegweiser.toml).
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Do not minify HTML.
    #[arg(long)]
    no_minify: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C and SIGTERM remove the staging folder of a build before wegweiser ends.
    wegweiser::interrupt::install();
    match cli.command {
        Command::Build(args) => run_build(&args.common, args.shard, args.out, args.no_minify, true),
        Command::Check(common) => run_build(&common, None, None, false, false),
        Command::Merge {
            mut shards,
            out,
            root,
            quiet,
        } => {
            let out = match out {
                Some(out) => out,
                // The old spelling, `merge OUT SHARD_DIR…`, for one more release.
                None if shards.len() > 1 => {
                    let out = shards.remove(0);
                    eprintln!(
                        "warning: `wegweiser merge OUT SHARD_DIR…` is deprecated and will be removed: write `wegweiser merge --out {} SHARD_DIR…`",
                        out.display()
                    );
                    out
                }
                None => {
                    eprintln!("error: name the folder to write the site to with --out DIR");
                    return ExitCode::from(2);
                }
            };
            run_merge(&out, &shards, root.as_deref(), quiet)
        }
        Command::Serve(args) => run_serve(args),
        Command::Init { dir } => match wegweiser::init::init(&dir) {
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
        },
        Command::Translations(args) => run_translations(&args),
        Command::Review(args) => run_review(&args),
        Command::Languages => {
            let mut out = std::io::stdout().lock();
            for l in LanguageTable::built_in().iter() {
                let fallback = l
                    .fallback
                    .as_deref()
                    .map(|f| format!(" → {f}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{:<6} {:<4} {:<28} {}{fallback}",
                    l.code, l.dir, l.english_name, l.name
                );
            }
            ExitCode::SUCCESS
        }
    }
}

struct Bar(ProgressBar);

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

fn resolve_root(root: Option<&Path>) -> Result<PathBuf, String> {
    match root {
        Some(r) if r.join("wegweiser.toml").is_file() => Ok(r.to_path_buf()),
        Some(r) if !r.exists() => Err(format!("{} does not exist", r.display())),
        Some(r) => Err(format!(
            "{} is not a portal: it has no wegweiser.toml (create one with `wegweiser init`)",
            r.display()
        )),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the current folder: {e}"))?;
            find_root(&cwd).ok_or_else(|| {
                "no wegweiser.toml in this folder or above it: pass the portal folder, or create one with `wegweiser init`".to_string()
            })
        }
    }
}

fn run_build(
    common: &CommonArgs,
    shard: Option<wegweiser::shard::Shard>,
    out: Option<PathBuf>,
    no_minify: bool,
    write: bool,
) -> ExitCode {
    let root = match resolve_root(common.portal.get()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = BuildOptions {
        root,
        output: out,
        only: common.only.clone(),
        drafts: common.drafts,
        base_url: common.base_url.clone(),
        minify: no_minify.then_some(false),
        jobs: common.jobs,
        strict: common.strict,
        write,
        shard,
        changed_since: common.changed_since.clone(),
        today: common.today,
    };
    let format = Format::from(common.format);
    let terminal = std::io::stderr().is_terminal();
    let show_bar = terminal && !common.quiet && format == Format::Human;
    let result = if show_bar {
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} files")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        build(&options, &Bar(bar))
    } else {
        build(&options, &NoProgress)
    };
    let color = terminal && std::env::var_os("NO_COLOR").is_none();
    match result {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, format, color);
            if let Some(why) = &report.skipped {
                if !common.quiet {
                    let what = match &report.output {
                        Some(out) => format!("; wrote the shard manifest to {}/", out.display()),
                        None => "; the output is unchanged".to_string(),
                    };
                    eprintln!("Nothing to build: {why}{what}");
                }
                return ExitCode::SUCCESS;
            }
            if common.fail_on.contains(&FailOn::Overdue) && report.overdue > 0 {
                eprintln!(
                    "error: {} page(s) are overdue for review (--fail-on overdue); see `wegweiser review`",
                    report.overdue
                );
                return ExitCode::FAILURE;
            }
            if !common.quiet {
                eprintln!("{}", summary(&report, &options));
                if common.verbose {
                    for (stage, time) in &report.timings {
                        eprintln!("  {stage:<8} {:>8.1} ms", time.as_secs_f64() * 1000.0);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            print_diagnostics(&failure.diagnostics, format, color);
            let errors = failure.diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = failure.diagnostics.len() - errors;
            if !common.quiet || format == Format::Human {
                let what = if write {
                    "Build failed"
                } else {
                    "Check failed"
                };
                let kept = if write {
                    "; the previous output is unchanged"
                } else {
                    ""
                };
                let counted = if errors == 0 {
                    format!("{warnings} warning(s) with --strict")
                } else {
                    format!("{errors} error(s), {warnings} warning(s)")
                };
                eprintln!("{what}: {counted}{kept}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run_merge(out: &Path, shards: &[PathBuf], root: Option<&Path>, quiet: bool) -> ExitCode {
    let root = match resolve_root(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let color = std::io::stderr().is_terminal();
    match wegweiser::merge::merge(&root, out, shards) {
        Ok(report) => {
            if !quiet {
                eprintln!(
                    "Merged {} shard(s), {} municipalities, {} files → {}/",
                    report.shards,
                    report.municipalities,
                    report.files,
                    report.output.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            print_diagnostics(&problems, Format::Human, color);
            eprintln!(
                "Merge failed: {} error(s); {} is unchanged",
                problems.len(),
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn run_review(args: &ReviewArgs) -> ExitCode {
    use wegweiser::model_review::Freshness;
    use wegweiser::review_report::{self as report, Filter};
    let (root, filter) = match &args.action {
        Some(ReviewAction::Confirm {
            files,
            date,
            by,
            force,
        }) => {
            return run_confirm(files, *date, by.as_deref(), *force);
        }
        Some(ReviewAction::Remind { portal, filter, .. }) => (portal.get(), filter),
        None => (args.portal.get(), &args.filter),
    };
    let mut states = Vec::new();
    for s in &args.state {
        match s.as_str() {
            "all" => states.extend(Freshness::ALL),
            other => match Freshness::parse(other) {
                Some(f) => states.push(f),
                None => {
                    eprintln!(
                        "error: unknown state `{other}`: use overdue, due-soon, never-reviewed, current or all"
                    );
                    return ExitCode::FAILURE;
                }
            },
        }
    }
    if let Some(ReviewAction::Remind { .. }) = &args.action {
        states = vec![
            Freshness::Overdue,
            Freshness::DueSoon,
            Freshness::NeverReviewed,
        ];
    }
    let Some((site, _root)) = load_reviewed(root, filter.today, true) else {
        return ExitCode::FAILURE;
    };
    let filter = Filter {
        municipality: filter.municipality.clone(),
        actor: filter.actor.clone(),
        due_within: filter.due_within,
        states,
    };
    if let Err((message, hint)) = report::check_filter(&site, &filter) {
        eprintln!("error: {message}");
        if let Some(hint) = hint {
            eprintln!("  hint: {hint}");
        }
        return ExitCode::FAILURE;
    }
    if let Some(ReviewAction::Remind { out, .. }) = &args.action {
        let ui = wegweiser::theme::default_ui_strings();
        let reminders = wegweiser::remind::reminders(&site, &ui, &filter);
        return match wegweiser::remind::write_all(&site, &reminders, out) {
            Ok(files) => {
                for ((m, r), file) in reminders.iter().zip(&files) {
                    let to =
                        r.to.as_deref()
                            .unwrap_or("(no e-mail address in actors.toml)");
                    println!("{}  {} → {to}", file.display(), m.slug);
                }
                for (m, actor, pages) in wegweiser::remind::coordinators_own(&site, &filter) {
                    let plural = if pages == 1 { "page" } else { "pages" };
                    println!(
                        "{} {actor}: no reminder: its {pages} {plural} to check are the coordinator's own (the [contact] email of municipality.toml); `wegweiser review --actor {actor}` lists them",
                        m.slug
                    );
                }
                if files.is_empty() {
                    eprintln!("No actor has pages to check.");
                }
                ExitCode::SUCCESS
            }
            Err(d) => {
                print_diagnostics(&[d], Format::Human, std::io::stderr().is_terminal());
                ExitCode::FAILURE
            }
        };
    }
    let reviews = report::report(&site, &filter);
    let text = match args.format {
        TableFormat::Human => report::text(&reviews),
        TableFormat::Json => report::json(&reviews),
        TableFormat::Csv => report::csv(&reviews),
    };
    print!("{text}");
    ExitCode::SUCCESS
}

/// The model with `today` applied, and the portal root.
/// With `strict`, a portal with errors gives `None` (the lists would be wrong); without,
/// its problems are shown and the pages that loaded can still be confirmed.
fn load_reviewed(
    root: Option<&Path>,
    today: Option<jiff::civil::Date>,
    strict: bool,
) -> Option<(wegweiser::model::Site, PathBuf)> {
    let root = match resolve_root(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return None;
        }
    };
    let options = BuildOptions {
        root: root.clone(),
        today,
        ..Default::default()
    };
    let mut diagnostics = wegweiser::Diagnostics::new();
    let site = wegweiser::pipeline::load_site(&options, &mut diagnostics).map(|(site, _)| site);
    let has_errors = diagnostics.has_errors();
    let color = std::io::stderr().is_terminal();
    print_diagnostics(&diagnostics.into_sorted(), Format::Human, color);
    if has_errors && strict {
        eprintln!("error: the portal has errors (see above); fix them first");
        return None;
    }
    site.map(|s| (s, root))
}

fn run_confirm(
    files: &[PathBuf],
    date: Option<jiff::civil::Date>,
    by: Option<&str>,
    force: bool,
) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let start = files
        .first()
        .and_then(|f| f.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(&cwd);
    let Some(root) = find_root(start) else {
        eprintln!("error: the files are not in a portal (no wegweiser.toml above them)");
        return ExitCode::FAILURE;
    };
    let Some((site, _)) = load_reviewed(Some(&root), None, false) else {
        return ExitCode::FAILURE;
    };
    let mut failed = false;
    for file in files {
        // Default: today in the page's municipality.
        let day = date
            .or_else(|| wegweiser::stamp::locate(&site, file).map(|(m, _, _)| m.today))
            .unwrap_or_else(|| jiff::Zoned::now().date());
        match wegweiser::confirm::confirm(&site, file, day, by, force) {
            Ok(c) if c.unchanged => println!("{}: already reviewed {}", c.file.display(), c.date),
            Ok(c) => println!("{}: reviewed {}", c.file.display(), c.date),
            Err(d) => {
                print_diagnostics(&[d], Format::Human, std::io::stderr().is_terminal());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Load the portal's model for the translation commands; problems go to stderr.
fn load_model(root: &Path) -> Option<wegweiser::model::Site> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut diagnostics = wegweiser::Diagnostics::new();
    let site = wegweiser::pipeline::load_site(&options, &mut diagnostics).map(|(site, _)| site);
    let color = std::io::stderr().is_terminal();
    print_diagnostics(&diagnostics.into_sorted(), Format::Human, color);
    site
}

fn run_translations(args: &TranslationsArgs) -> ExitCode {
    use wegweiser::model_translation::State;
    use wegweiser::translation_report as report;
    if let Some(TranslationsAction::Stamp { files, minor }) = &args.action {
        return run_stamp(files, *minor);
    }
    if let Some(TranslationsAction::Export {
        language,
        state,
        municipality,
        all_pages,
        portal,
        out,
    }) = &args.action
    {
        let (root, out) = match (out, portal.get()) {
            (Some(out), root) => (root, out.clone()),
            // The old spelling, `export --language L OUT.xlf`, for one more release: a
            // positional that is no portal is the file to write.
            (None, Some(file)) if !file.join("wegweiser.toml").is_file() => {
                eprintln!(
                    "warning: naming the XLIFF file without --out is deprecated and will be removed: write `--out {}`",
                    file.display()
                );
                (portal.root_option.as_deref(), file.to_path_buf())
            }
            (None, _) => {
                eprintln!(
                    "error: name the XLIFF file to write with --out FILE.xlf (or --out - for standard output)"
                );
                return ExitCode::from(2);
            }
        };
        return run_export(
            language,
            state,
            municipality.as_deref(),
            *all_pages,
            root,
            &out,
        );
    }
    if let Some(TranslationsAction::Import { file, force, root }) = &args.action {
        return run_import(file, *force, root.as_deref());
    }
    let root = match resolve_root(args.portal.get()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut states = Vec::new();
    for s in &args.state {
        match State::parse(s) {
            Some(state) => states.push(state),
            None => {
                eprintln!(
                    "error: unknown state `{s}`; states: {}",
                    State::ALL.map(State::as_str).join(", ")
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(site) = load_model(&root) else {
        return ExitCode::FAILURE;
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
    print!("{out}");
    ExitCode::SUCCESS
}

fn run_stamp(files: &[PathBuf], minor: bool) -> ExitCode {
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
    let Some(site) = load_model(&root) else {
        return ExitCode::FAILURE;
    };
    let color = std::io::stderr().is_terminal();
    let mut failed = false;
    for file in files {
        let result = if minor {
            wegweiser::stamp::stamp_minor(&site, file)
        } else {
            wegweiser::stamp::stamp(&site, file).map(|s| vec![s])
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
                print_diagnostics(&[d], Format::Human, color);
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_export(
    language: &str,
    states: &[String],
    municipality: Option<&str>,
    all_pages: bool,
    root: Option<&Path>,
    out: &Path,
) -> ExitCode {
    use wegweiser::model_translation::State;
    let color = std::io::stderr().is_terminal();
    let mut parsed = Vec::new();
    for s in states {
        match State::parse(s) {
            Some(state) => parsed.push(state),
            None => {
                eprintln!(
                    "error: unknown state `{s}`; states: {}",
                    State::ALL.map(State::as_str).join(", ")
                );
                return ExitCode::from(2);
            }
        }
    }
    let root = match resolve_root(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(site) = load_model(&root) else {
        return ExitCode::FAILURE;
    };
    let options = wegweiser::xliff::ExportOptions {
        language: language.to_string(),
        states: parsed,
        municipality: municipality.map(str::to_string),
        all_pages,
    };
    let export = match wegweiser::xliff::export(&site, &options) {
        Ok(e) => e,
        Err(d) => {
            print_diagnostics(&[d], Format::Human, color);
            return ExitCode::FAILURE;
        }
    };
    print_diagnostics(&export.warnings, Format::Human, color);
    if !export.left_out.is_empty() {
        eprintln!(
            "Left out {} page(s) that stay in the source language (legal pages, Leichte Sprache, Gebärdensprache): {}; --all-pages includes them",
            export.left_out.len(),
            export.left_out.join(", ")
        );
    }
    if export.is_empty() {
        eprintln!(
            "Nothing to translate into {language} ({}): no file written",
            states.join(", ")
        );
        return ExitCode::SUCCESS;
    }
    let written = if out == Path::new("-") {
        std::io::stdout().lock().write_all(export.xml.as_bytes())
    } else {
        wegweiser::write::replace_file(out, export.xml.as_bytes())
    };
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let units: usize = export.pages.iter().map(|p| p.units).sum();
    eprintln!(
        "Exported {} text(s) (pages, events, news items, places), {units} unit(s), {} → {language}, to {}",
        export.pages.len(),
        export.source_language.as_deref().unwrap_or("?"),
        out.display()
    );
    for p in &export.pages {
        eprintln!("  {} ({}, {} units)", p.page, p.state, p.units);
    }
    ExitCode::SUCCESS
}

fn run_import(file: &Path, force: bool, root: Option<&Path>) -> ExitCode {
    let color = std::io::stderr().is_terminal();
    let root = match resolve_root(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = match wegweiser::load::read_text(file, file) {
        Ok(t) => t,
        Err(d) => {
            print_diagnostics(&[d], Format::Human, color);
            return ExitCode::FAILURE;
        }
    };
    let Some(site) = load_model(&root) else {
        return ExitCode::FAILURE;
    };
    let mut plan = match wegweiser::xliff::plan_import(&site, file, &text, force) {
        Ok(plan) => plan,
        Err(errors) => {
            print_diagnostics(&errors, Format::Human, color);
            eprintln!(
                "Import refused: {} error(s); nothing was written",
                errors.len()
            );
            return ExitCode::FAILURE;
        }
    };
    // Links and anchors of what is imported, checked as a build does, before writing.
    if let Err(d) = wegweiser::xliff::check_in_staging(&root, file, &mut plan) {
        print_diagnostics(&[d], Format::Human, color);
        return ExitCode::FAILURE;
    }
    print_diagnostics(&plan.warnings, Format::Human, color);
    print_diagnostics(&plan.errors, Format::Human, color);
    if let Err(d) = wegweiser::xliff::apply(&plan) {
        print_diagnostics(&[d], Format::Human, color);
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

fn run_serve(args: ServeArgs) -> ExitCode {
    use wegweiser::serve::{Outcome, ServeError, ServeOptions, Server};

    // Canonical, as the server watches it: changed files are shown relative to it.
    let root = match resolve_root(args.portal.get()) {
        Ok(r) => std::fs::canonicalize(&r).unwrap_or(r),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: everyone who can reach this machine can read the preview, drafts included",
            args.bind
        );
    }
    let mut options = ServeOptions::new(BuildOptions {
        root: root.clone(),
        only: args.only,
        drafts: args.drafts,
        today: args.today,
        write: true,
        ..Default::default()
    });
    options.bind = args.bind;
    options.port = args.port;
    let on_build = Box::new(move |changed: Option<&[PathBuf]>, outcome: &Outcome| {
        let what = match changed {
            None => "first build".to_string(),
            Some([one]) => one.strip_prefix(&root).unwrap_or(one).display().to_string(),
            Some(many) => format!("{} files", many.len()),
        };
        match outcome {
            Outcome::Built {
                pages,
                site,
                duration,
                warnings,
                ..
            } => {
                let ms = duration.as_secs_f64() * 1000.0;
                let warned = match warnings.len() {
                    0 => String::new(),
                    1 => " (1 warning)".to_string(),
                    n => format!(" ({n} warnings)"),
                };
                if changed.is_none() {
                    print_diagnostics(warnings, Format::Human, color);
                    // Counted as `build` counts: the same portal, the same numbers.
                    eprintln!("↻ {what} → {site} in {ms:.0} ms{warned}");
                } else {
                    let plural = if *pages == 1 { "file" } else { "files" };
                    eprintln!(
                        "↻ {what} → {pages} HTML {plural} rendered again in {ms:.0} ms{warned}"
                    );
                }
            }
            Outcome::Failed { problems } => {
                print_diagnostics(problems, Format::Human, color);
                let errors = problems.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "✗ {what}: {errors} error(s); serving the last good site until they are fixed"
                );
            }
            Outcome::Unchanged => {}
        }
    });
    let server = match Server::start(options, on_build) {
        Ok(s) => s,
        Err(e @ ServeError::PortInUse { port, .. }) => {
            eprintln!("error: {e}");
            eprintln!(
                "  help: another server (perhaps another `wegweiser serve`) uses it; try --port {}",
                port.wrapping_add(1).max(1024)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = server.url();
    eprintln!("Serving {url} — watching for changes; Ctrl-C stops.");
    if args.open {
        open_browser(&url);
    }
    server.wait();
    ExitCode::SUCCESS
}

/// Open `url` in the desktop's browser; a failure is only reported.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(command.0)
        .args(&command.1)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "warning: cannot open a browser ({}: {e}); open {url} yourself",
            command.0
        );
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], format: Format, color: bool) {
    let mut out: Box<dyn Write> = match format {
        Format::Human => Box::new(std::io::stderr().lock()),
        Format::Json | Format::Github => Box::new(std::io::stdout().lock()),
    };
    for d in diagnostics {
        let _ = writeln!(out, "{}", report::format(d, format, color));
    }
}

fn summary(report: &BuildReport, options: &BuildOptions) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let warnings = report.warning_count();
    let warned = if warnings > 0 {
        format!(" ({})", plural(warnings, "warning", "warnings"))
    } else {
        String::new()
    };
    let counts = wegweiser::pipeline::SiteCounts {
        municipalities: report.municipalities,
        languages: report.languages,
        pages: report.pages,
    };
    let seconds = report.duration.as_secs_f64();
    match &report.output {
        Some(out) => {
            let shown = out.strip_prefix(&options.root).unwrap_or(out);
            let shown = shown
                .strip_prefix(std::env::current_dir().unwrap_or_default())
                .unwrap_or(shown);
            format!(
                "Built {counts} in {seconds:.2} s → {}/{warned}",
                shown.display()
            )
        }
        None => format!("Checked {counts} in {seconds:.2} s: no errors{warned}"),
    }
}
