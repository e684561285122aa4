//! `wegweiser build`: the portal into a static site (and, for `check`, the same
//! without writing).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use wegweiser::build::pipeline::{BuildOptions, BuildReport, build};
use wegweiser::output::report::Format;
use wegweiser::render::NoProgress;

use crate::cli::common::{Bar, CommonArgs, FailOn, print_diagnostics, root_or_print};
use crate::cli::stdout;

#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Build part I of N of the municipalities (balanced by pages), for `wegweiser merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<wegweiser::build::shard::Shard>,
    /// Output folder (default: output_dir from wegweiser.toml).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Do not minify HTML.
    #[arg(long)]
    pub no_minify: bool,
}

pub fn run(args: BuildArgs) -> stdout::Result<ExitCode> {
    run_pipeline(&args.common, args.shard, args.out, args.no_minify, true)
}

/// Build (`write`) or check the portal and print the outcome.
pub fn run_pipeline(
    common: &CommonArgs,
    shard: Option<wegweiser::build::shard::Shard>,
    out: Option<PathBuf>,
    no_minify: bool,
    write: bool,
) -> stdout::Result<ExitCode> {
    let Some(root) = root_or_print(common.portal.get()) else {
        return Ok(ExitCode::FAILURE);
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
        // The problems in JSON or for GitHub are on stdout; the outcome is decided even
        // when no one reads them to the end.
        Ok(report) => {
            let printed = print_diagnostics(&report.diagnostics, format, color);
            stdout::with_status(printed, built(common, &report, &options))
        }
        Err(failure) => {
            let printed = print_diagnostics(&failure.diagnostics, format, color);
            if !common.quiet || format == Format::Human {
                eprintln!(
                    "{}",
                    wegweiser::build::ops::failure_summary(&failure.diagnostics, write)
                );
            }
            stdout::with_status(printed, ExitCode::FAILURE)
        }
    }
}

/// After a build without errors: what was skipped, `--fail-on`, the summary.
fn built(common: &CommonArgs, report: &BuildReport, options: &BuildOptions) -> ExitCode {
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
        eprintln!("{}", wegweiser::build::ops::summary(report, options));
        if common.verbose {
            for (stage, time) in &report.timings {
                eprintln!("  {stage:<8} {:>8.1} ms", time.as_secs_f64() * 1000.0);
            }
        }
    }
    ExitCode::SUCCESS
}
