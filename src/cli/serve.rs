//! `wegweiser serve`: build into memory, serve on 127.0.0.1, rebuild and reload on
//! every change.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use wegweiser::build::pipeline::BuildOptions;
use wegweiser::serve::{Outcome, ServeError, ServeOptions, Server};

use crate::cli::common::{Portal, parse_day, print_human, root_or_print};

#[derive(Args)]
pub struct ServeArgs {
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

pub fn run(args: ServeArgs) -> ExitCode {
    // Canonical, as the server watches it: changed files are shown relative to it.
    let Some(root) = root_or_print(args.portal.get()) else {
        return ExitCode::FAILURE;
    };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
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
        report_build(&root, changed, outcome, color);
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

/// One line per build of the preview: what changed, and what came of it.
fn report_build(root: &Path, changed: Option<&[PathBuf]>, outcome: &Outcome, color: bool) {
    let what = match changed {
        None => "first build".to_string(),
        Some([one]) => one.strip_prefix(root).unwrap_or(one).display().to_string(),
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
                print_human(warnings, color);
                // Counted as `build` counts: the same portal, the same numbers.
                eprintln!("↻ {what} → {site} in {ms:.0} ms{warned}");
            } else {
                let plural = if *pages == 1 { "file" } else { "files" };
                eprintln!("↻ {what} → {pages} HTML {plural} rendered again in {ms:.0} ms{warned}");
            }
        }
        Outcome::Failed { problems } => {
            print_human(problems, color);
            let errors = problems.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "✗ {what}: {errors} error(s); serving the last good site until they are fixed"
            );
        }
        Outcome::Unchanged => {}
    }
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
