//! Stage 3: render every page of the model with the theme's templates, in parallel,
//! and stream each one to disk as soon as it is done.
//!
//! This module is the [`Renderer`] and its run: which files there are
//! ([`crate::render::jobs`]), one step per file, then the files beside the pages
//! (static files, sitemap, feeds, calendars, GeoJSON, search bundles). What a kind of
//! page shows is in a module of its own:
//!
//! - the values many pages share (site, language, municipality, switcher, notices):
//!   [`crate::render::context`];
//! - start page, sections, pages: [`crate::render::page`]; the language chooser:
//!   [`crate::render::chooser`]; the portal's index and 404: [`crate::render::portal`];
//! - places, news, events: [`crate::render::folder`]; search: [`crate::render::search`];
//!   actors: [`crate::render::actor_pages`]; the dashboard: [`crate::render::status_page`]; generated
//!   legal pages: [`crate::render::legal_pages`]; poster: [`crate::render::poster`];
//!   offline page: [`crate::render::offline`]; forwarding pages:
//!   [`crate::render::redirect`]; copied files: [`crate::render::assets`];
//! - the head of every page (description, Open Graph, JSON-LD, share links):
//!   [`crate::render::seo`].

pub mod actor_pages;
pub mod assets;
pub mod chooser;
pub mod context;
pub mod event;
pub mod folder;
pub mod item;
pub mod jobs;
pub mod legal;
pub mod legal_pages;
pub mod news;
pub mod offline;
pub mod page;
pub mod place;
pub mod portal;
pub mod poster;
pub mod redirect;
pub mod search;
pub mod seo;
pub mod status_page;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use tera::{Context, Value};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Site};
use crate::output::fingerprint::Assets;
use crate::render::context::Shared;
use crate::render::jobs::{Job, RenderScope};
use crate::theme::Theme;
use crate::write::Sink;

/// What a render run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RenderStats {
    /// HTML pages written (pages in every language, choosers, index, 404, redirects).
    pub html_files: u64,
    /// Other files (static files, page assets, sitemap, robots.txt).
    pub other_files: u64,
    pub bytes: u64,
}

/// Reports progress (the CLI draws a bar with it).
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn advance(&self, n: u64);
    fn finish(&self);
}

/// Shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Renders the site model with a theme.
pub struct Renderer<'a> {
    pub(crate) site: &'a Site,
    pub(crate) theme: &'a Theme,
    pub(crate) minify: bool,
    pub(crate) site_value: Value,
    /// The theme's static files as written, with content-hashed names.
    pub(crate) assets: Assets,
    /// Why a static file could not be read for hashing.
    pub(crate) asset_error: Option<Diagnostic>,
    pub(crate) shared: Vec<Shared>,
    /// Last commit date of the source file of every outdated translation, by
    /// [`Translation::file`](crate::model::Translation::file).
    pub(crate) source_dates: BTreeMap<PathBuf, String>,
    /// What [`Renderer::render_all`] renders.
    pub(crate) scope: RenderScope,
    /// Whether [`Renderer::render_all`] writes the search bundles of its scope (see
    /// [`Renderer::without_search`]).
    pub(crate) search: bool,
    /// QR codes made by earlier renders, by URL ([`Renderer::with_qr_codes`]).
    pub(crate) qr_codes: Option<&'a QrCodes>,
}

/// The QR codes a `wegweiser serve` session has made, by the URL they encode: a page
/// rendered again keeps its URL (a title or text never changes it), so its code is
/// taken from here instead of being made again (about 100 µs each, most of a
/// municipality's render after a title edit).
#[derive(Default)]
pub struct QrCodes(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<[u8]>>>);

impl QrCodes {
    /// The code of `url`, made now if it is not known yet (`None`: too long for a code).
    fn get(&self, url: &str) -> Option<std::sync::Arc<[u8]>> {
        let known = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(url)
            .cloned();
        if known.is_some() {
            return known;
        }
        let svg: std::sync::Arc<[u8]> = crate::output::qr::svg(url)?.into_bytes().into();
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(url.to_string(), svg.clone());
        Some(svg)
    }
}

/// What a render wrote so far, counted from many threads.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) html_files: AtomicU64,
    pub(crate) other_files: AtomicU64,
    pub(crate) bytes: AtomicU64,
}

impl Tally {
    /// Count `files` files beside the pages, of `bytes` bytes together.
    pub(crate) fn others(&self, files: u64, bytes: u64) {
        self.other_files.fetch_add(files, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, minify: bool) -> Self {
        Self::new_for(site, theme, minify, RenderScope::All)
    }

    /// A renderer for the files of `scope` only (`wegweiser serve`): what pages share
    /// is prepared for the municipalities in it alone, and [`Renderer::render_all`]
    /// renders that scope.
    pub fn new_for(site: &'a Site, theme: &'a Theme, minify: bool, scope: RenderScope) -> Self {
        let (assets, asset_error) = match crate::output::fingerprint::plan(&theme.static_files) {
            Ok(a) => (a, None),
            Err(e) => (
                Assets::default(),
                Some(Diagnostic::file(
                    Severity::Error,
                    "static",
                    format!("cannot read a static file: {e}"),
                )),
            ),
        };
        let site_value = crate::render::context::site_value(&site.title, &site.base_url, &assets);
        let shared = site
            .municipalities
            .par_iter()
            .enumerate()
            .map(|(i, m)| match scope {
                RenderScope::Municipality(of) | RenderScope::Page { m: of, .. } if of != i => {
                    Shared::default()
                }
                _ => Self::shared_values(site, theme, m),
            })
            .collect();
        Renderer {
            site,
            theme,
            minify,
            site_value,
            assets,
            asset_error,
            shared,
            scope,
            source_dates: BTreeMap::new(),
            search: true,
            qr_codes: None,
        }
    }

    /// Take the QR codes of URLs `codes` knows from there, and keep those made now.
    pub fn with_qr_codes(mut self, codes: &'a QrCodes) -> Self {
        self.qr_codes = Some(codes);
        self
    }

    /// Leave the search bundles out of [`Renderer::render_all`]: `wegweiser serve`
    /// indexes them after the pages are served ([`Renderer::search_bundles`] says which).
    pub fn without_search(mut self) -> Self {
        self.search = false;
        self
    }

    /// The theme's static files as this renderer writes them, with their hashed names.
    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// Look up when the source of every outdated translation was last changed, with one
    /// `git log` in the portal `root`, for the notices that say so.
    pub fn with_source_dates(mut self, root: &Path) -> Self {
        let files = crate::output::dates::dated_files(&self.site.municipalities);
        self.source_dates = crate::load::git::last_commit_dates(root, &files);
        self
    }

    /// Use these last-commit dates of source files (see [`crate::output::dates::dated_files`]).
    pub fn with_known_source_dates(mut self, dates: BTreeMap<PathBuf, String>) -> Self {
        self.source_dates = dates;
        self
    }

    /// Render and write everything (of the renderer's scope) into `out`. Returns the
    /// problems found.
    pub fn render_all(
        &self,
        out: &dyn Sink,
        progress: &dyn Progress,
    ) -> Result<RenderStats, Vec<Diagnostic>> {
        let scope = self.scope;
        let whole_portal = !matches!(scope, RenderScope::Page { .. });
        let mut jobs = self.jobs();
        if scope != RenderScope::All {
            jobs.retain(|job| scope.includes(job, self.site));
        }
        progress.start(jobs.len() as u64);
        let tally = Tally::default();
        let mut errors = self.run_jobs(&jobs, out, progress, &tally);
        errors.extend(self.asset_error.clone());
        if whole_portal {
            errors.extend(self.write_statics(out, &tally));
        }
        errors.extend(self.write_outputs(out, whole_portal, &tally));
        progress.finish();
        if errors.is_empty() {
            Ok(RenderStats {
                html_files: tally.html_files.into_inner(),
                other_files: tally.other_files.into_inner(),
                bytes: tally.bytes.into_inner(),
            })
        } else {
            Err(errors)
        }
    }

    /// Produce the file of every job, in parallel; returns the problems.
    fn run_jobs(
        &self,
        jobs: &[Job],
        out: &dyn Sink,
        progress: &dyn Progress,
        tally: &Tally,
    ) -> Vec<Diagnostic> {
        jobs.par_iter()
            .filter_map(|job| {
                let result = self.run(job, out);
                progress.advance(1);
                match result {
                    Ok((n, html, extra)) => {
                        tally.bytes.fetch_add(n, Ordering::Relaxed);
                        if html {
                            tally.html_files.fetch_add(1, Ordering::Relaxed);
                        } else {
                            tally.other_files.fetch_add(1, Ordering::Relaxed);
                        }
                        tally.other_files.fetch_add(extra, Ordering::Relaxed);
                        None
                    }
                    Err(d) => Some(d),
                }
            })
            .collect()
    }

    /// The files beside the pages: the sitemap (with `whole_portal`), the feeds, the
    /// GeoJSON export, the news feeds, the calendars and the search bundles of the
    /// municipalities in scope. Returns the problems.
    fn write_outputs(&self, out: &dyn Sink, whole_portal: bool, tally: &Tally) -> Vec<Diagnostic> {
        let scope = self.scope;
        let mut errors = Vec::new();
        let sitemap =
            whole_portal.then(|| crate::output::sitemap::write(self.site, self.theme, out));
        match sitemap {
            Some(Ok((files, n))) => tally.others(files, n),
            Some(Err(d)) => errors.push(d),
            None => {}
        }
        // The feeds, the GeoJSON export and the news feeds of the municipalities in scope.
        let in_scope: Vec<usize> = (0..self.site.municipalities.len())
            .filter(|&m| scope.covers(m))
            .collect();
        for written in [
            crate::output::feed::write(self.site, self.theme, &self.source_dates, &in_scope, out),
            crate::output::geojson::write(self.site, &in_scope, out),
            crate::output::news_feed::write(self.site, self.theme, &in_scope, out),
            crate::output::calendar::write(
                self.site,
                self.theme,
                &self.source_dates,
                &in_scope,
                out,
            ),
            crate::output::search::write(
                self.site,
                &if self.search {
                    self.search_bundles()
                } else {
                    Vec::new()
                },
                out,
            ),
        ] {
            match written {
                Ok((files, n)) => tally.others(files, n),
                Err(d) => errors.push(d),
            }
        }
        errors
    }

    /// The search bundles of the renderer's scope: every language of the municipalities
    /// in it, or, where one page's text changed, the languages it has a text in.
    pub fn search_bundles(&self) -> Vec<(usize, LangIdx)> {
        let in_scope: Vec<usize> = (0..self.site.municipalities.len())
            .filter(|&m| self.scope.covers(m))
            .collect();
        match self.scope {
            RenderScope::Page { m, page, .. } => {
                let municipality = &self.site.municipalities[m];
                let translations = &municipality.pages[page].translations;
                crate::model::search::languages(municipality)
                    .filter(|&l| translations[l].is_some())
                    .map(|l| (m, l))
                    .collect()
            }
            _ => crate::output::search::all_bundles(self.site, &in_scope),
        }
    }

    /// Produce one file; returns the bytes written, whether the file is HTML, and how
    /// many other files came with it (a page's `qr.svg`).
    fn run(&self, job: &Job, out: &dyn Sink) -> Result<(u64, bool, u64), Diagnostic> {
        let (rel, html) = match *job {
            Job::Page { m, page, lang } => self.page_file(m, page, lang)?,
            Job::Chooser { m } => self.chooser_file(m)?,
            Job::Status { m } => self.status_file(m)?,
            Job::Actors { m, lang } => self.actors_file(m, lang)?,
            Job::Actor { m, actor, lang } => self.actor_file(m, actor, lang)?,
            Job::Search { m, lang } => self.search_file(m, lang)?,
            Job::Places { m, lang } => self.places_file(m, lang)?,
            Job::Place { m, place, lang } => self.place_file(m, place, lang)?,
            Job::NewsList { m, lang } => self.news_list_file(m, lang)?,
            Job::NewsItem { m, item, lang } => self.news_item_file(m, item, lang)?,
            Job::Events { m, lang } => self.events_file(m, lang)?,
            Job::Event { m, event, lang } => self.event_file(m, event, lang)?,
            Job::Offline { m, lang } => self.offline_file(m, lang)?,
            Job::PortalIndex => ("index.html".to_string(), self.render_portal("index.html")?),
            Job::NotFound => ("404.html".to_string(), self.render_portal("404.html")?),
            Job::Redirect { m, index } => self.redirect_file(m, index)?,
            Job::Poster { m, lang } => self.poster_file(m, lang)?,
            Job::Legal { m, kind, lang } => self.legal_file(m, kind, lang)?,
            // Files copied, not rendered.
            Job::Asset { m, asset, lang } => {
                return Ok((self.copy_asset(m, asset, lang, out)?, false, 0));
            }
            Job::ThemeCss { m } => return Ok((self.write_theme_css(m, out)?, false, 0)),
            Job::ThemeFile { m, index } => {
                return Ok((self.copy_theme_file(m, index, out)?, false, 0));
            }
        };
        let bytes = finish_html(self.theme, self.minify, html);
        out.write(&rel, &bytes).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
        })?;
        // Every page readers see in a language has its QR code (the share section
        // shows it); the choosers, dashboards, forwarding pages and posters do not.
        let qr = match job {
            Job::Chooser { .. }
            | Job::Status { .. }
            | Job::Redirect { .. }
            | Job::Poster { .. }
            | Job::PortalIndex
            | Job::NotFound => 0,
            _ => self.write_qr(&rel, out)?,
        };
        Ok((bytes.len() as u64 + qr, true, u64::from(qr > 0)))
    }

    /// Write `qr.svg` beside the page at `rel` (`<dir>/index.html`), encoding its
    /// absolute URL; returns its size.
    fn write_qr(&self, rel: &str, out: &dyn Sink) -> Result<u64, Diagnostic> {
        let Some(dir) = rel.strip_suffix("/index.html") else {
            return Ok(0);
        };
        let url = self
            .site
            .base_url
            .absolute(&crate::model::share::url_of_dir(
                &self.site.base_url.path,
                dir,
            ));
        let qr_rel = format!("{dir}/{}", crate::model::share::QR_FILE);
        let cannot = |e: std::io::Error| {
            Diagnostic::file(
                Severity::Error,
                qr_rel.clone(),
                format!("cannot write: {e}"),
            )
        };
        if let Some(codes) = self.qr_codes {
            let Some(svg) = codes.get(&url) else {
                return Ok(0);
            };
            out.write_shared(&qr_rel, &svg).map_err(cannot)?;
            return Ok(svg.len() as u64);
        }
        let Some(svg) = crate::output::qr::svg(&url) else {
            return Ok(0);
        };
        out.write(&qr_rel, svg.as_bytes()).map_err(cannot)?;
        Ok(svg.len() as u64)
    }

    /// Render into bytes: pages go to disk as they are, so there is no need to check
    /// that tera's output is UTF-8 (it is) by making a `String` of it.
    pub(crate) fn render(&self, template: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.theme
            .tera
            .render_to(template, ctx, &mut out)
            .map_err(|e| self.theme.error(&e))?;
        Ok(out)
    }

    pub(crate) fn base_context(&self, m: usize, lang: LangIdx) -> Context {
        let shared = &self.shared[m];
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_value.clone());
        ctx.insert_value("municipality", shared.municipality[lang].clone());
        ctx.insert_value("lang", shared.lang[lang].clone());
        ctx.insert_value("t", shared.ui[lang].clone());
        ctx.insert_value("nav", shared.nav[lang].clone());
        if let Some(offline) = shared.offline.get(lang) {
            ctx.insert_value("offline", offline.clone());
        }
        // Hidden municipalities and languages are reachable, but search engines are
        // asked to leave their pages out.
        let municipality = &self.site.municipalities[m];
        if municipality.hidden || municipality.languages[lang].hidden {
            ctx.insert("unlisted", &true);
        }
        ctx
    }

    /// Add `discover` (meta description, Open Graph, JSON-LD, share links: see
    /// [`crate::render::seo`]), made from the values already in `ctx`.
    pub(crate) fn discover(&self, mi: usize, lang: LangIdx, ctx: &mut Context) {
        let m = &self.site.municipalities[mi];
        if let Some(value) = crate::render::seo::head(self.site, m, lang, ctx) {
            ctx.insert("discover", &value);
        }
    }

    /// The UI strings for readers of `lang` of municipality `mi`.
    pub(crate) fn ui(&self, mi: usize, lang: LangIdx) -> LanguageStrings<'_> {
        self.theme
            .ui
            .for_lang(&self.site.municipalities[mi].languages[lang])
    }

    /// "not translated yet" in language `code`, for language switchers.
    pub(crate) fn marker(&self, code: &str) -> String {
        let language = self
            .site
            .municipalities
            .iter()
            .flat_map(|m| &m.languages)
            .find(|l| l.code == code);
        match language {
            Some(l) => self.theme.ui.for_lang(l),
            None => self.theme.ui.for_language(code),
        }
        .get("fallback_marker")
        .to_string()
    }
}

/// Minified templates and bodies make minified pages; only a theme whose templates
/// could not be minified needs minifying page by page.
pub(crate) fn finish_html(theme: &Theme, minify: bool, html: Vec<u8>) -> Vec<u8> {
    if minify && !theme.minified {
        self::minify(&html)
    } else {
        html
    }
}

/// Minify an HTML page, keeping it valid HTML.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.minify_css = false;
    cfg.minify_js = false;
    minify_html::minify(html, &cfg)
}
