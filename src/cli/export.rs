//! `wegweiser translations export`: the texts to translate into one language as an
//! XLIFF 2.0 file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use wegweiser::edit::xliff::Export;

use crate::cli::common::{Portal, load_model, print_problems, root_or_print};
use crate::cli::stdout;

#[derive(Args)]
pub struct ExportArgs {
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
}

pub fn run(args: ExportArgs) -> stdout::Result<ExitCode> {
    let (root, out) = match (&args.out, args.portal.get()) {
        (Some(out), root) => (root, out.clone()),
        // The old spelling, `export --language L OUT.xlf`, for one more release: a
        // positional that is no portal is the file to write.
        (None, Some(file)) if !file.join("wegweiser.toml").is_file() => {
            eprintln!(
                "warning: naming the XLIFF file without --out is deprecated and will be removed: write `--out {}`",
                file.display()
            );
            (args.portal.root_option.as_deref(), file.to_path_buf())
        }
        (None, _) => {
            eprintln!(
                "error: name the XLIFF file to write with --out FILE.xlf (or --out - for standard output)"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let states = match wegweiser::output::translation_report::parse_states(&args.state) {
        Ok(states) => states,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let Some(root) = root_or_print(root) else {
        return Ok(ExitCode::FAILURE);
    };
    let Some(site) = load_model(&root, None, false) else {
        return Ok(ExitCode::FAILURE);
    };
    let options = wegweiser::edit::xliff::ExportOptions {
        language: args.language.clone(),
        states,
        municipality: args.municipality.clone(),
        all_pages: args.all_pages,
    };
    let export = match wegweiser::edit::xliff::export(&site, &options) {
        Ok(e) => e,
        Err(d) => {
            print_problems(&[d]);
            return Ok(ExitCode::FAILURE);
        }
    };
    write(&export, &args, &out)
}

/// Say what is left out, write the document (to stdout for `-`) and list its pages.
fn write(export: &Export, args: &ExportArgs, out: &Path) -> stdout::Result<ExitCode> {
    let language = &args.language;
    print_problems(&export.warnings);
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
            args.state.join(", ")
        );
        return Ok(ExitCode::SUCCESS);
    }
    if out == Path::new("-") {
        stdout::print(&export.xml)?;
    } else if let Err(e) = wegweiser::write::replace_file(out, export.xml.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return Ok(ExitCode::FAILURE);
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
    Ok(ExitCode::SUCCESS)
}
