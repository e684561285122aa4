//! The build: load → resolve → render → write, with every problem collected.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::{self, LoadOptions};
use crate::model::Site;
use crate::render::{Progress, RenderStats, Renderer};
use crate::resolve;
use crate::theme::{self, Theme};
use crate::write::{self, Discard, Staging};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The portal root (the folder holding `wegweiser.toml`).
    pub root: PathBuf,
    /// Output folder; default: `[build] output_dir` from `wegweiser.toml`, relative to the root.
    pub output: Option<PathBuf>,
    /// Only these municipalities.
    pub only: Vec<String>,
    /// Include pages marked `draft = true`.
    pub drafts: bool,
    /// Override `base_url`.
    pub base_url: Option<String>,
    /// Override `[build] minify`.
    pub minify: Option<bool>,
    /// Worker threads; default: one per core.
    pub jobs: Option<usize>,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Write the site (`build`), or only check it (`check`).
    pub write: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub municipalities: usize,
    /// Distinct languages over all municipalities.
    pub languages: usize,
    /// Pages rendered, counting each language.
    pub pages: usize,
    pub stats: RenderStats,
    /// Where the site was written (`None` for `check`).
    pub output: Option<PathBuf>,
    pub duration: Duration,
    /// Time spent in each stage.
    pub timings: Vec<(&'static str, Duration)>,
    /// Warnings (and, for a failed build, errors), sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildReport {
    pub fn warning_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| !d.is_error()).count()
    }
}

/// A build that did not succeed: nothing was written.
#[derive(Debug)]
pub struct BuildFailure {
    /// Sorted; at least one error (or a warning under `--strict`).
    pub diagnostics: Vec<Diagnostic>,
}

/// The nearest folder at or above `start` that holds `wegweiser.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = write::absolute(start).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join("wegweiser.toml").is_file())
        .map(Path::to_path_buf)
}

/// Load and resolve the portal at `options.root` without rendering.
pub fn load_site(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<(Site, load::LoadedSummary)> {
    let ui = theme::default_ui_strings();
    let load_options = LoadOptions {
        only: options.only.clone(),
        drafts: options.drafts,
        base_url: options.base_url.clone(),
        // `check` writes nothing, so it minifies nothing.
        minify: if options.write {
            options.minify
        } else {
            Some(false)
        },
    };
    let portal = load::load(&options.root, &load_options, &ui, diagnostics)?;
    let summary = load::LoadedSummary::of(&portal);
    let site = resolve::resolve(portal, diagnostics);
    Some((site, summary))
}

/// Build (or check) a portal.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, BuildFailure> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = options.jobs {
        pool = pool.num_threads(jobs.max(1));
    }
    let pool = pool.build().map_err(|e| BuildFailure {
        diagnostics: vec![Diagnostic::file(
            Severity::Error,
            "wegweiser",
            format!("cannot start worker threads: {e}"),
        )],
    })?;
    pool.install(|| build_in_pool(options, progress))
}

fn fail(diagnostics: Diagnostics) -> BuildFailure {
    BuildFailure {
        diagnostics: diagnostics.into_sorted(),
    }
}

fn build_in_pool(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut diagnostics = Diagnostics::new();
    let Some((site, summary)) = load_site(options, &mut diagnostics) else {
        return Err(fail(diagnostics));
    };
    timings.push(("load", started.elapsed()));
    let stage = Instant::now();
    let minify = options.minify.unwrap_or(summary.minify) && options.write;
    let mut theme_problems = Vec::new();
    let theme = Theme::load(
        &options.root,
        summary.theme.as_deref(),
        minify,
        &mut theme_problems,
    );
    diagnostics.extend(theme_problems);
    let blocked = diagnostics.has_errors() || (options.strict && !diagnostics.is_empty());
    let Some(theme) = theme.filter(|_| !blocked) else {
        return Err(fail(diagnostics));
    };

    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join(&summary.output_dir));
    let mut renderer = Renderer::new(&site, &theme, minify);
    // What `check` renders is not written: no need to ask git.
    if options.write {
        renderer = renderer.with_source_dates(&options.root);
    }
    timings.push(("theme", stage.elapsed()));
    let stage = Instant::now();
    // `check` looks at the output folder too: a build would refuse it.
    if let Err(e) = write::check_target(&options.root, &output) {
        diagnostics.push(output_diagnostic(options, &e));
        return Err(fail(diagnostics));
    }
    let (stats, written) = if options.write {
        let staging = match Staging::begin(&output) {
            Ok(s) => s,
            Err(e) => {
                diagnostics.push(output_diagnostic(options, &e));
                return Err(fail(diagnostics));
            }
        };
        match renderer.render_all(&staging, progress) {
            Ok(stats) => match staging.commit() {
                Ok(path) => (stats, Some(path)),
                Err(e) => {
                    diagnostics.push(output_diagnostic(options, &e));
                    return Err(fail(diagnostics));
                }
            },
            Err(errors) => {
                staging.abort();
                diagnostics.extend(errors);
                return Err(fail(diagnostics));
            }
        }
    } else {
        match renderer.render_all(&Discard, progress) {
            Ok(stats) => (stats, None),
            Err(errors) => {
                diagnostics.extend(errors);
                return Err(fail(diagnostics));
            }
        }
    };
    timings.push(("render", stage.elapsed()));
    let languages: BTreeSet<&str> = site
        .municipalities
        .iter()
        .flat_map(|m| m.languages.iter().map(|l| l.code.as_str()))
        .collect();
    Ok(BuildReport {
        municipalities: site.municipalities.len(),
        languages: languages.len(),
        pages: site.municipalities.iter().map(|m| m.rendered_count()).sum(),
        stats,
        output: written,
        duration: started.elapsed(),
        timings,
        diagnostics: diagnostics.into_sorted(),
    })
}

/// A problem with the output folder: at `output_dir` in wegweiser.toml when it comes
/// from there, else about `--out`.
fn output_diagnostic(options: &BuildOptions, e: &write::OutputError) -> Diagnostic {
    let hint = match e {
        write::OutputError::Foreign(_)
        | write::OutputError::ContainsPortal(_)
        | write::OutputError::InsideSources(..) => {
            Some("choose another folder with --out or `output_dir` in wegweiser.toml".to_string())
        }
        _ => None,
    };
    let config = Path::new("wegweiser.toml");
    let diagnostic = match (
        &options.output,
        std::fs::read_to_string(options.root.join(config)),
    ) {
        (None, Ok(text)) => load::key_diagnostic(config, &text, "output_dir", e.to_string()),
        (None, Err(_)) => Diagnostic::file(Severity::Error, config, e.to_string()),
        (Some(_), _) => Diagnostic::file(Severity::Error, "--out", e.to_string()),
    };
    diagnostic.with_hint_opt(hint)
}
