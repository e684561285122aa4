//! The build: load → resolve → render → write, with every problem collected.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::base::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::build::shard::{self, Shard};
use crate::load::{self, LoadOptions};
use crate::model::{Municipality, Site};
use crate::render::{Progress, RenderStats, Renderer};
use crate::resolve;
use crate::theme::{self, Theme};
use crate::write::{self, Discard, Sink, Staging};

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
    /// The day to take as today (`--today`), for reproducible builds; `None`: the
    /// current day in each municipality's time zone.
    pub today: Option<jiff::civil::Date>,
    /// Build only this part of the municipalities, and write a manifest for
    /// `wegweiser merge` (see [`crate::build::shard`]).
    pub shard: Option<Shard>,
    /// Only municipalities with changes since this git revision.
    pub changed_since: Option<String>,
}

/// What a site holds, as `build`, `check` and `serve` all say it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteCounts {
    pub municipalities: usize,
    /// Distinct languages over all municipalities.
    pub languages: usize,
    /// Pages, counting each language.
    pub pages: usize,
}

impl SiteCounts {
    pub fn of(site: &Site) -> SiteCounts {
        let languages: BTreeSet<&str> = site
            .municipalities
            .iter()
            .flat_map(|m| m.languages.iter().map(|l| l.code.as_str()))
            .collect();
        SiteCounts {
            municipalities: site.municipalities.len(),
            languages: languages.len(),
            pages: site.municipalities.iter().map(|m| m.rendered_count()).sum(),
        }
    }
}

impl std::fmt::Display for SiteCounts {
    /// "2 municipalities, 8 languages, 691 pages".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}",
            plural(self.municipalities, "municipality", "municipalities"),
            plural(self.languages, "language", "languages"),
            plural(self.pages, "page", "pages"),
        )
    }
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
    /// Why nothing was built (`--changed-since` found no change, an empty shard).
    pub skipped: Option<String>,
    /// Pages overdue for review (for `--fail-on overdue`).
    pub overdue: usize,
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
    let start = crate::base::path::absolute(start).ok()?;
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
    let portal = load::load(&options.root, &load_options(options), &ui, diagnostics)?;
    let summary = load::LoadedSummary::of(&portal);
    let mut site = resolve::resolve(portal, diagnostics);
    for m in &mut site.municipalities {
        apply_today(m, options);
    }
    Some((site, summary))
}

/// How a build with `options` loads the portal.
pub fn load_options(options: &BuildOptions) -> LoadOptions {
    LoadOptions {
        only: options.only.clone(),
        drafts: options.drafts,
        base_url: options.base_url.clone(),
        // `check` writes nothing, so it minifies nothing.
        minify: if options.write {
            options.minify
        } else {
            Some(false)
        },
        // The accessibility statement's age is measured from `--today` too.
        today: options.today.map(|d| crate::model::legal::Date {
            year: i32::from(d.year()),
            month: d.month() as u8,
            day: d.day() as u8,
        }),
    }
}

/// Take `--today` as today for a resolved municipality's review dates.
pub fn apply_today(m: &mut Municipality, options: &BuildOptions) {
    if let Some(today) = options.today {
        m.today = today;
    }
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

/// The municipalities `--changed-since` and `--shard` leave to build: `Ok(None)` for
/// all that `--only` names, `Ok(Some(why))` when nothing is left.
fn select(options: &mut BuildOptions) -> Result<Option<String>, Diagnostic> {
    if options.changed_since.is_none() && options.shard.is_none() {
        return Ok(None);
    }
    let mut candidates = if options.only.is_empty() {
        shard::municipality_folders(&options.root)
    } else {
        options.only.clone()
    };
    if let Some(since) = &options.changed_since {
        let changed = shard::changed_since(&options.root, since).map_err(|e| {
            Diagnostic::file(Severity::Error, "--changed-since", e).with_hint(
                "name a commit, branch or tag of the portal's git repository, such as origin/main",
            )
        })?;
        if let shard::Changed::Municipalities(names) = changed {
            candidates.retain(|m| names.contains(m));
            if candidates.is_empty() {
                return Ok(Some(format!("no municipality changed since {since}")));
            }
        }
    }
    if let Some(s) = options.shard {
        let weights = shard::page_counts(&options.root, &candidates);
        candidates = shard::assign(&weights, s.count).swap_remove(s.index - 1);
        if candidates.is_empty() {
            return Ok(Some(format!(
                "shard {s} has no municipality: there are fewer than {} to build",
                s.count
            )));
        }
    }
    options.only = candidates;
    Ok(None)
}

/// The output of a shard without municipalities: only its manifest, so that
/// `wegweiser merge` can be given every shard of a CI matrix.
fn write_empty_shard(options: &BuildOptions, shard: Shard) -> Result<PathBuf, Diagnostic> {
    let output = match &options.output {
        Some(o) => o.clone(),
        None => {
            let config = Path::new("wegweiser.toml");
            let text = std::fs::read_to_string(options.root.join(config)).map_err(|e| {
                Diagnostic::file(Severity::Error, config, format!("cannot read: {e}"))
            })?;
            let c: crate::model::config::PortalConfig =
                crate::load::config::parse_toml(config, &text, crate::model::config::PORTAL_KEYS)?;
            options.root.join(c.build.output_dir)
        }
    };
    write::check_target(&options.root, &output).map_err(|e| output_diagnostic(options, &e))?;
    let staging = Staging::begin(&output).map_err(|e| output_diagnostic(options, &e))?;
    let manifest = shard::Manifest {
        wegweiser: env!("CARGO_PKG_VERSION").to_string(),
        shard,
        portal: None,
        municipalities: Vec::new(),
        portal_files: Vec::new(),
    };
    if let Err(e) = staging.write(
        crate::model::files::SHARD_MANIFEST,
        manifest.to_json().as_bytes(),
    ) {
        staging.abort();
        return Err(Diagnostic::file(
            Severity::Error,
            &output,
            format!("cannot write: {e}"),
        ));
    }
    staging.commit().map_err(|e| output_diagnostic(options, &e))
}

/// The files for the host and for `wegweiser merge` that a build writes beside the
/// pages: `_headers`, `_redirects` and, for a shard, its manifest.
fn write_deploy_files(
    options: &BuildOptions,
    site: &Site,
    summary: &load::LoadedSummary,
    theme: &Theme,
    renderer: &Renderer<'_>,
    minify: bool,
    out: &dyn Sink,
) -> Result<(), Diagnostic> {
    let deploy = &summary.deploy;
    let write = |rel: &str, text: &str| {
        out.write(rel, text.as_bytes())
            .map_err(|e| Diagnostic::file(Severity::Error, rel, format!("cannot write: {e}")))
    };
    if deploy.headers && !theme.static_files.contains_key("_headers") {
        write(
            "_headers",
            &crate::output::deploy::headers(deploy, &site.base_url, renderer.assets()),
        )?;
    }
    if deploy.redirects && !theme.static_files.contains_key("_redirects") {
        write(
            "_redirects",
            &crate::output::deploy::redirects(&crate::output::deploy::site_rules(deploy, site)),
        )?;
    }
    if let Some(s) = options.shard {
        let settings = shard::PortalSettings {
            title: site.title.clone(),
            base_url: site.base_url.absolute(&site.base_url.path),
            theme: summary.theme.clone(),
            minify,
            deploy: deploy.clone(),
        };
        let manifest = shard::Manifest {
            wegweiser: env!("CARGO_PKG_VERSION").to_string(),
            shard: s,
            portal_files: crate::build::merge::portal_files_written(&settings, theme),
            portal: Some(settings),
            municipalities: crate::render::portal::portal_entries(site, theme)
                .into_iter()
                .zip(&site.municipalities)
                .map(|(portal, m)| shard::ManifestMunicipality {
                    portal,
                    sitemap: crate::output::sitemap::municipality_entries(&site.base_url, m),
                    redirects: crate::output::deploy::rules(deploy, &site.base_url, m),
                })
                .collect(),
        };
        write(crate::model::files::SHARD_MANIFEST, &manifest.to_json())?;
    }
    Ok(())
}

/// The web app manifests, service workers and offline lists of every municipality and
/// language, from what the build wrote (see [`crate::output::offline`]); returns how many.
fn write_offline_files(
    site: &Site,
    mut index: crate::output::offline::Index,
    out: &dyn Sink,
) -> Result<u64, Diagnostic> {
    if !site.offline {
        return Ok(0);
    }
    let files = crate::output::offline::outputs(
        site,
        &mut index,
        |_| true,
        crate::output::offline::Worker::Build,
    );
    for (rel, bytes) in &files {
        out.write(rel, bytes).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.as_str(), format!("cannot write: {e}"))
        })?;
    }
    Ok(files.len() as u64)
}

fn build_in_pool(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut diagnostics = Diagnostics::new();
    let mut options = options.clone();
    let skipped = match select(&mut options) {
        Ok(s) => s,
        Err(d) => {
            diagnostics.push(d);
            return Err(fail(diagnostics));
        }
    };
    if let Some(why) = skipped {
        return skipped_report(&options, why, started, timings).map_err(|d| {
            diagnostics.push(d);
            fail(diagnostics)
        });
    }
    let options = &options;
    let Some((site, summary)) = load_site(options, &mut diagnostics) else {
        return Err(fail(diagnostics));
    };
    timings.push(("load", started.elapsed()));
    let stage = Instant::now();
    let minify = options.minify.unwrap_or(summary.minify) && options.write;
    let Some(theme) = load_theme(options, &summary, minify, &mut diagnostics) else {
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
    let clashes = static_file_clashes(&site, &renderer);
    if !clashes.is_empty() {
        diagnostics.extend(clashes);
        return Err(fail(diagnostics));
    }
    timings.push(("theme", stage.elapsed()));
    let stage = Instant::now();
    let rendered = render_and_write(
        options, &site, &summary, &theme, &renderer, minify, &output, progress,
    );
    let (stats, written) = match rendered {
        Ok(done) => done,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(fail(diagnostics));
        }
    };
    timings.push(("render", stage.elapsed()));
    let counts = SiteCounts::of(&site);
    Ok(BuildReport {
        municipalities: counts.municipalities,
        languages: counts.languages,
        pages: counts.pages,
        stats,
        output: written,
        duration: started.elapsed(),
        timings,
        diagnostics: diagnostics.into_sorted(),
        skipped: None,
        overdue: crate::output::review_report::overdue_count(&site),
    })
}

/// The report of a build that `--changed-since` or `--shard` left nothing to do; a
/// shard still writes its (empty) manifest.
fn skipped_report(
    options: &BuildOptions,
    why: String,
    started: Instant,
    timings: Vec<(&'static str, Duration)>,
) -> Result<BuildReport, Diagnostic> {
    let mut output = None;
    if let (Some(s), true) = (options.shard, options.write) {
        output = Some(write_empty_shard(options, s)?);
    }
    Ok(BuildReport {
        municipalities: 0,
        languages: 0,
        pages: 0,
        stats: RenderStats::default(),
        output,
        duration: started.elapsed(),
        timings,
        diagnostics: Vec::new(),
        skipped: Some(why),
        overdue: 0,
    })
}

/// Load the theme, with warnings about templates the Content-Security-Policy would
/// break; `None` when it cannot be used or the problems so far stop the build.
fn load_theme(
    options: &BuildOptions,
    summary: &load::LoadedSummary,
    minify: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Theme> {
    let mut theme_problems = Vec::new();
    let theme = Theme::load(
        &options.root,
        summary.theme.as_deref(),
        minify,
        &mut theme_problems,
    );
    diagnostics.extend(theme_problems);
    // Templates that the Content-Security-Policy wegweiser writes would break.
    let deploy = &summary.deploy;
    if let Some(theme) = &theme
        && deploy.headers
        && deploy.content_security_policy.is_none()
        && !theme.static_files.contains_key("_headers")
    {
        diagnostics.extend(crate::output::deploy::csp_warnings(theme));
    }
    let blocked = diagnostics.has_errors() || (options.strict && !diagnostics.is_empty());
    theme.filter(|_| !blocked)
}

/// Aliases in the way of the theme's and the portal's static files (the files of the
/// model are checked when it is resolved): `check` finds them as `build` would.
fn static_file_clashes(site: &Site, renderer: &Renderer<'_>) -> Vec<Diagnostic> {
    let statics: BTreeMap<String, &'static str> = renderer
        .assets()
        .files
        .keys()
        .map(|rel| (rel.clone(), "a static file"))
        .collect();
    let mut clashes = Vec::new();
    for m in &site.municipalities {
        crate::resolve::paths::check_alias_files(m, &statics, &mut clashes);
    }
    clashes
}

/// Render every page and write it with the files beside it to a staging folder that
/// replaces `output` when all went well (`build`), or render to nowhere (`check`).
#[allow(clippy::too_many_arguments)]
fn render_and_write(
    options: &BuildOptions,
    site: &Site,
    summary: &load::LoadedSummary,
    theme: &Theme,
    renderer: &Renderer<'_>,
    minify: bool,
    output: &Path,
    progress: &dyn Progress,
) -> Result<(RenderStats, Option<PathBuf>), Vec<Diagnostic>> {
    // `check` looks at the output folder too: a build would refuse it.
    if let Err(e) = write::check_target(&options.root, output) {
        return Err(vec![output_diagnostic(options, &e)]);
    }
    if options.write {
        let staging = Staging::begin(output).map_err(|e| vec![output_diagnostic(options, &e)])?;
        // Every file written is noted for the lists of `crate::output::offline`.
        let recorder = crate::output::offline::Recorder::new(&staging, &site.base_url.path);
        let rendered = renderer.render_all(&recorder, progress).and_then(|stats| {
            write_deploy_files(options, site, summary, theme, renderer, minify, &staging)
                .and_then(|()| write_offline_files(site, recorder.into_index(), &staging))
                .map(|n| RenderStats {
                    other_files: stats.other_files + n,
                    ..stats
                })
                .map_err(|d| vec![d])
        });
        match rendered {
            Ok(stats) => match staging.commit() {
                Ok(path) => Ok((stats, Some(path))),
                Err(e) => Err(vec![output_diagnostic(options, &e)]),
            },
            Err(errors) => {
                staging.abort();
                Err(errors)
            }
        }
    } else {
        renderer
            .render_all(&Discard, progress)
            .map(|stats| (stats, None))
    }
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
