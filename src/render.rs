//! Stage 3: render every page of the model with the theme's templates, in parallel,
//! and stream each one to disk as soon as it is done.
//!
//! What many pages share (a municipality's navigation, a section's list of pages, the
//! UI texts of a language) is converted to template values once and shared by
//! reference, so the cost per page does not grow with the size of its section.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::{BaseUrl, Contact};
use crate::diagnostics::{Diagnostic, Severity};
use crate::fingerprint::{Assets, Content};
use crate::language::Language;
use crate::legal::LegalKind;
use crate::model::{LangIdx, Municipality, PageId, PageKind, Site, Translatable};
use crate::resolve::link_url;
use crate::theme::{FileSource, LanguageStrings, Theme};
use crate::translation::State;
use crate::write::Sink;
use crate::{news, places};

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

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: String,
    /// Path prefix of every URL (`""` or `/portal`).
    path: &'a str,
    home: String,
    /// Static file → URL of its content-hashed copy: `site.assets["wegweiser.css"]`.
    assets: BTreeMap<&'a str, String>,
}

/// The `site` value of every template.
pub fn site_value(title: &str, base_url: &BaseUrl, assets: &Assets) -> Value {
    Value::from_serializable(&SiteInfo {
        title,
        base_url: base_url.absolute(&base_url.path),
        path: &base_url.path,
        home: format!("{}/", base_url.path),
        assets: assets
            .names
            .iter()
            .map(|(name, hashed)| {
                let url: Vec<String> = hashed
                    .split('/')
                    .map(crate::resolve::encode_segment)
                    .collect();
                (
                    name.as_str(),
                    format!("{}/{}", base_url.path, url.join("/")),
                )
            })
            .collect(),
    })
}

#[derive(Serialize)]
struct LangInfo<'a> {
    code: &'a str,
    name: &'a str,
    english_name: &'a str,
    dir: &'static str,
    /// Written in Arabic script: pages load the theme's bundled Naskh font.
    arabic_script: bool,
}

impl<'a> LangInfo<'a> {
    fn of(l: &'a Language) -> Self {
        LangInfo {
            code: &l.code,
            name: &l.name,
            english_name: &l.english_name,
            dir: l.dir.as_str(),
            arabic_script: crate::branding::is_arabic_script(&l.code),
        }
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    /// Language of the title (differs from the page's where a fallback is shown).
    lang: &'a str,
    dir: &'static str,
    section: bool,
}

#[derive(Serialize)]
struct MunicipalityInfo<'a> {
    slug: &'a str,
    name: &'a str,
    aliases: &'a [String],
    contact: Option<&'a Contact>,
    /// Imprint, privacy notice, accessibility statement, "report a barrier".
    legal: Option<crate::legal::LegalLinks>,
    /// Leichte Sprache, Gebärdensprache, Einfache Sprache (start page).
    offers: Vec<crate::legal::Offer>,
    /// Logo, coat of arms, the colour's style sheet.
    brand: Option<crate::branding::Brand>,
    /// The language chooser.
    url: String,
    /// The start page in the reader's language.
    home: Option<&'a str>,
    /// The search page in the reader's language (the header's search form submits to it).
    search: Option<String>,
    languages: Vec<SwitcherEntry<'a>>,
}

#[derive(Serialize)]
struct SwitcherEntry<'a> {
    code: &'a str,
    name: &'a str,
    dir: &'static str,
    url: &'a str,
    current: bool,
    /// The page is shown in another language there.
    fallback: bool,
    /// "not translated yet", in that language.
    marker: &'a str,
}

#[derive(Serialize)]
struct Alternate<'a> {
    hreflang: &'a str,
    href: String,
}

#[derive(Serialize)]
struct PageInfo<'a> {
    key: &'a str,
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    /// Language and direction of the content.
    lang: &'a str,
    dir: &'static str,
    fallback: bool,
    notice: Option<String>,
    /// The translation shown is outdated: where its source is.
    outdated: Option<Original<'a>>,
    /// The translation shown was made by a machine.
    machine_translated: bool,
    url: &'a str,
    permalink: String,
    canonical: String,
    weight: Option<i64>,
    extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

/// What readers of a translation are told about it, on pages and on the pages of
/// events, news items and places alike (`page.outdated`, `page.machine_translated`).
#[derive(Serialize, Default)]
pub struct Notices<'a> {
    /// The translation shown is outdated: where its source is.
    outdated: Option<Original<'a>>,
    /// The translation shown was made by a machine.
    machine_translated: bool,
}

impl Notices<'_> {
    /// Put the notices into the `page` value of a generated page (see
    /// [`crate::places::page_value`]).
    pub fn apply(self, page: &mut serde_json::Value) {
        page["outdated"] = serde_json::to_value(&self.outdated).expect("notices serialise");
        page["machine_translated"] = self.machine_translated.into();
    }
}

/// The page a translation was made from.
#[derive(Serialize)]
struct Original<'a> {
    url: String,
    lang: &'a str,
    dir: &'static str,
    name: &'a str,
    /// When its file was last committed (`YYYY-MM-DD`), if the portal is in git.
    updated: Option<&'a str>,
    /// What readers are told, in their language: with the date where there is one
    /// and the language has the dated text (`outdated_notice_dated`).
    notice: String,
}

/// Template values shared by many pages of one municipality.
#[derive(Default)]
struct Shared {
    municipality: Vec<Value>,
    lang: Vec<Value>,
    ui: Vec<Value>,
    /// Top-level sections, per language.
    nav: Vec<Value>,
    /// Children of each section, per language.
    children: Vec<Vec<Option<Value>>>,
    /// URLs of the manifest, worker and offline list, per language (`offline`).
    offline: Vec<Value>,
}

/// One file to produce.
#[derive(Debug, Clone, Copy)]
enum Job {
    Page {
        m: usize,
        page: PageId,
        lang: LangIdx,
    },
    Chooser {
        m: usize,
    },
    /// The translation dashboard.
    Status {
        m: usize,
    },
    /// An integration actor's page, for readers of `lang`.
    Actor {
        m: usize,
        actor: usize,
        lang: LangIdx,
    },
    /// The overview of a municipality's actors, for readers of `lang`.
    Actors {
        m: usize,
        lang: LangIdx,
    },
    /// The places of a municipality by category, for readers of `lang`.
    Places {
        m: usize,
        lang: LangIdx,
    },
    /// One place's page, for readers of `lang`.
    Place {
        m: usize,
        place: usize,
        lang: LangIdx,
    },
    /// The current news of a municipality, for readers of `lang`.
    NewsList {
        m: usize,
        lang: LangIdx,
    },
    /// One news item's page, for readers of `lang`.
    NewsItem {
        m: usize,
        item: usize,
        lang: LangIdx,
    },
    /// The upcoming events of a municipality, for readers of `lang`.
    Events {
        m: usize,
        lang: LangIdx,
    },
    /// One event's page, for readers of `lang`.
    Event {
        m: usize,
        event: usize,
        lang: LangIdx,
    },
    /// The search page, for readers of `lang` (its index: [`crate::search::write`]).
    Search {
        m: usize,
        lang: LangIdx,
    },
    Redirect {
        m: usize,
        index: usize,
    },
    Asset {
        m: usize,
        asset: usize,
        lang: LangIdx,
    },
    /// The poster with the QR codes of the start page in every language, for readers
    /// of `lang` (`/<m>/<lang>/poster/`).
    Poster {
        m: usize,
        lang: LangIdx,
    },
    /// A legal page generated from `[legal]`, for readers of `lang`.
    Legal {
        m: usize,
        kind: LegalKind,
        lang: LangIdx,
    },
    /// The page shown offline in place of a page never saved, for readers of `lang`
    /// (`/<m>/<lang>/offline.html`, see [`crate::offline`]).
    Offline {
        m: usize,
        lang: LangIdx,
    },
    /// `/<m>/_theme/theme.css` and the logo and coat of arms beside it.
    ThemeCss {
        m: usize,
    },
    ThemeFile {
        m: usize,
        index: usize,
    },
    PortalIndex,
    NotFound,
}

impl Job {
    /// The municipality the file belongs to; `None` for files of the whole portal.
    fn municipality(&self) -> Option<usize> {
        match *self {
            Job::Page { m, .. }
            | Job::Chooser { m }
            | Job::Status { m }
            | Job::Actor { m, .. }
            | Job::Actors { m, .. }
            | Job::Places { m, .. }
            | Job::Place { m, .. }
            | Job::NewsList { m, .. }
            | Job::NewsItem { m, .. }
            | Job::Events { m, .. }
            | Job::Event { m, .. }
            | Job::Search { m, .. }
            | Job::Redirect { m, .. }
            | Job::Asset { m, .. }
            | Job::Legal { m, .. }
            | Job::Poster { m, .. }
            | Job::Offline { m, .. }
            | Job::ThemeCss { m }
            | Job::ThemeFile { m, .. } => Some(m),
            Job::PortalIndex | Job::NotFound => None,
        }
    }

    /// Whether the file shows anything of its municipality's page texts or of their
    /// translation states beyond titles and URLs: such files are rendered again when
    /// the text of one page changes ([`RenderScope::Page`]). A new kind of file that
    /// does must be listed here (tests/serve.rs compares with full builds).
    fn reads_page_texts(&self) -> bool {
        matches!(self, Job::Status { .. })
    }

    /// The page whose content the file is: its own content, not lists of other pages.
    fn page(&self, site: &Site) -> Option<PageId> {
        match *self {
            Job::Page { page, .. } => Some(page),
            Job::Asset { m, asset, .. } => Some(site.municipalities[m].assets[asset].owner),
            _ => None,
        }
    }
}

/// Which files a render produces: all, or those a change can have touched
/// (`wegweiser serve`). The files of the whole portal (index, 404, static files,
/// sitemap) are part of every scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderScope {
    All,
    /// Every file of one municipality.
    Municipality(usize),
    /// One page in every language, the files of its municipality that show page texts
    /// or translation states (the dashboard, the feeds); none of the portal's own files.
    Page {
        m: usize,
        page: PageId,
    },
}

impl RenderScope {
    /// Whether files of municipality `m` are in the scope.
    pub fn covers(self, m: usize) -> bool {
        match self {
            RenderScope::All => true,
            RenderScope::Municipality(of) | RenderScope::Page { m: of, .. } => of == m,
        }
    }

    fn includes(self, job: &Job, site: &Site) -> bool {
        match (self, job.municipality()) {
            (RenderScope::All, _) => true,
            // One page's text changes none of the portal's own files.
            (RenderScope::Page { .. }, None) => false,
            (_, None) => true,
            (RenderScope::Municipality(m), Some(of)) => m == of,
            (RenderScope::Page { m, page }, Some(of)) => {
                m == of
                    && job
                        .page(site)
                        .map_or_else(|| job.reads_page_texts(), |p| p == page)
            }
        }
    }
}

/// The files whose last-commit dates pages show (the outdated notices, the feeds, the
/// calendars): every file of every page, event, news item and place of
/// `municipalities`.
pub fn dated_files<'a>(
    municipalities: impl IntoIterator<Item = &'a Municipality>,
) -> Vec<&'a Path> {
    municipalities
        .into_iter()
        .flat_map(|m| {
            m.translatables().into_iter().flat_map(move |t| {
                (0..m.languages.len()).filter_map(move |lang| Some(m.translated(t, lang)?.file()))
            })
        })
        .collect()
}

/// Renders the site model with a theme.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    minify: bool,
    site_value: Value,
    /// The theme's static files as written, with content-hashed names.
    assets: Assets,
    /// Why a static file could not be read for hashing.
    asset_error: Option<Diagnostic>,
    shared: Vec<Shared>,
    /// Last commit date of the source file of every outdated translation, by
    /// [`Translation::file`](crate::model::Translation::file).
    source_dates: BTreeMap<PathBuf, String>,
    /// What [`Renderer::render_all`] renders.
    scope: RenderScope,
    /// Whether [`Renderer::render_all`] writes the search bundles of its scope (see
    /// [`Renderer::without_search`]).
    search: bool,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, minify: bool) -> Self {
        Self::new_for(site, theme, minify, RenderScope::All)
    }

    /// A renderer for the files of `scope` only (`wegweiser serve`): what pages share
    /// is prepared for the municipalities in it alone, and [`Renderer::render_all`]
    /// renders that scope.
    pub fn new_for(site: &'a Site, theme: &'a Theme, minify: bool, scope: RenderScope) -> Self {
        let (assets, asset_error) = match crate::fingerprint::plan(&theme.static_files) {
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
        let site_value = site_value(&site.title, &site.base_url, &assets);
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
        }
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
        let files = dated_files(&self.site.municipalities);
        self.source_dates = crate::git::last_commit_dates(root, &files);
        self
    }

    /// Use these last-commit dates of source files (see [`dated_files`]).
    pub fn with_known_source_dates(mut self, dates: BTreeMap<PathBuf, String>) -> Self {
        self.source_dates = dates;
        self
    }

    fn shared_values(site: &Site, theme: &Theme, m: &Municipality) -> Shared {
        let langs = 0..m.languages.len();
        // Legal pages and the Leichte Sprache and DGS pages are linked from the footer
        // and the start page, not listed among the topics.
        let linked_apart = crate::legal::pages_linked_apart(m);
        let entries = |page: PageId, lang: LangIdx| -> Option<Value> {
            let p = &m.pages[page];
            p.localized[lang].as_ref()?;
            let list: Vec<Entry<'_>> = p
                .children
                .iter()
                .filter(|c| !linked_apart.contains(c))
                .filter_map(|&c| entry(m, c, lang))
                .collect();
            Some(Value::from_serializable(&list))
        };
        Shared {
            municipality: langs
                .clone()
                .map(|lang| {
                    Value::from_serializable(&municipality_info(site, theme, m, Some(lang)))
                })
                .collect(),
            lang: m
                .languages
                .iter()
                .map(|l| Value::from_serializable(&LangInfo::of(l)))
                .collect(),
            ui: m
                .languages
                .iter()
                .map(|l| Value::from_serializable(&theme.ui.for_language(&l.code).to_map()))
                .collect(),
            nav: langs
                .clone()
                .map(|lang| {
                    entries(0, lang).unwrap_or_else(|| Value::from_serializable(&Vec::<()>::new()))
                })
                .collect(),
            offline: langs
                .clone()
                .filter(|_| site.offline)
                .map(|lang| match crate::offline::language_dir(m, lang) {
                    Some(dir) => {
                        Value::from_serializable(&crate::offline::urls(&site.base_url.path, dir))
                    }
                    None => Value::from_serializable(&Option::<()>::None),
                })
                .collect(),
            children: m
                .pages
                .iter()
                .enumerate()
                .map(|(id, p)| {
                    if p.kind.is_section() {
                        langs.clone().map(|lang| entries(id, lang)).collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
        }
    }

    fn jobs(&self) -> Vec<Job> {
        let mut jobs = vec![Job::PortalIndex, Job::NotFound];
        for (mi, m) in self.site.municipalities.iter().enumerate() {
            jobs.push(Job::Chooser { m: mi });
            jobs.push(Job::Status { m: mi });
            if !m.actors.is_empty() {
                for lang in 0..m.languages.len() {
                    jobs.push(Job::Actors { m: mi, lang });
                    for actor in 0..m.actors.len() {
                        jobs.push(Job::Actor { m: mi, actor, lang });
                    }
                }
            }
            for lang in crate::search::languages(m) {
                jobs.push(Job::Search { m: mi, lang });
            }
            for lang in 0..m.languages.len() {
                if m.pages.first().is_none_or(|p| p.localized[lang].is_none()) {
                    continue;
                }
                if self.site.offline {
                    jobs.push(Job::Offline { m: mi, lang });
                }
                jobs.push(Job::Poster { m: mi, lang });
                if !m.places.is_empty() {
                    jobs.push(Job::Places { m: mi, lang });
                    for place in 0..m.places.len() {
                        jobs.push(Job::Place { m: mi, place, lang });
                    }
                }
                if !m.news.is_empty() {
                    jobs.push(Job::NewsList { m: mi, lang });
                    for item in 0..m.news.len() {
                        jobs.push(Job::NewsItem { m: mi, item, lang });
                    }
                }
                if !m.events.is_empty() {
                    jobs.push(Job::Events { m: mi, lang });
                    for event in 0..m.events.len() {
                        jobs.push(Job::Event { m: mi, event, lang });
                    }
                }
            }
            for (id, p) in m.pages.iter().enumerate() {
                for (lang, l) in p.localized.iter().enumerate() {
                    if l.is_some() {
                        jobs.push(Job::Page {
                            m: mi,
                            page: id,
                            lang,
                        });
                    }
                }
            }
            for index in 0..m.redirects.len() {
                jobs.push(Job::Redirect { m: mi, index });
            }
            for (asset, a) in m.assets.iter().enumerate() {
                for lang in 0..m.languages.len() {
                    if m.pages[a.owner].localized[lang].is_some() {
                        jobs.push(Job::Asset { m: mi, asset, lang });
                    }
                }
            }
            if let Some(legal) = &m.legal {
                for kind in legal.generated() {
                    for lang in 0..m.languages.len() {
                        jobs.push(Job::Legal { m: mi, kind, lang });
                    }
                }
            }
            if m.theme
                .as_ref()
                .is_some_and(|t| crate::branding::stylesheet(t).is_some())
            {
                jobs.push(Job::ThemeCss { m: mi });
            }
            for index in 0..m.theme_files.len() {
                jobs.push(Job::ThemeFile { m: mi, index });
            }
        }
        jobs
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
        let html_files = AtomicU64::new(0);
        let other_files = AtomicU64::new(0);
        let bytes = AtomicU64::new(0);
        let mut errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|job| {
                let result = self.run(job, out);
                progress.advance(1);
                match result {
                    Ok((n, html, extra)) => {
                        bytes.fetch_add(n, Ordering::Relaxed);
                        if html {
                            html_files.fetch_add(1, Ordering::Relaxed);
                        } else {
                            other_files.fetch_add(1, Ordering::Relaxed);
                        }
                        other_files.fetch_add(extra, Ordering::Relaxed);
                        None
                    }
                    Err(d) => Some(d),
                }
            })
            .collect();
        errors.extend(self.asset_error.clone());
        let statics: Vec<Diagnostic> = self
            .assets
            .files
            .par_iter()
            .filter(|_| whole_portal)
            .filter_map(|(rel, content)| {
                let result = match content {
                    Content::File(FileSource::Embedded(b)) => {
                        out.write(rel, b).map(|_| b.len() as u64)
                    }
                    Content::Bytes(b) => out.write(rel, b).map(|_| b.len() as u64),
                    Content::File(FileSource::Disk(p)) => out
                        .copy(p, rel)
                        .and_then(|_| Ok(std::fs::metadata(p)?.len())),
                };
                match result {
                    Ok(n) => {
                        bytes.fetch_add(n, Ordering::Relaxed);
                        other_files.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                    Err(e) => Some(Diagnostic::file(
                        Severity::Error,
                        format!("static/{rel}"),
                        format!("cannot write: {e}"),
                    )),
                }
            })
            .collect();
        errors.extend(statics);
        let sitemap = whole_portal.then(|| crate::sitemap::write(self.site, self.theme, out));
        match sitemap {
            Some(Ok((files, n))) => {
                other_files.fetch_add(files, Ordering::Relaxed);
                bytes.fetch_add(n, Ordering::Relaxed);
            }
            Some(Err(d)) => errors.push(d),
            None => {}
        }
        // The feeds, the GeoJSON export and the news feeds of the municipalities in scope.
        let in_scope: Vec<usize> = (0..self.site.municipalities.len())
            .filter(|&m| scope.covers(m))
            .collect();
        for written in [
            crate::feed::write(self.site, self.theme, &self.source_dates, &in_scope, out),
            places::write(self.site, &in_scope, out),
            news::write(self.site, self.theme, &in_scope, out),
            crate::events::write(self.site, self.theme, &self.source_dates, &in_scope, out),
            crate::search::write(
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
                Ok((files, n)) => {
                    other_files.fetch_add(files, Ordering::Relaxed);
                    bytes.fetch_add(n, Ordering::Relaxed);
                }
                Err(d) => errors.push(d),
            }
        }
        progress.finish();
        if errors.is_empty() {
            Ok(RenderStats {
                html_files: html_files.into_inner(),
                other_files: other_files.into_inner(),
                bytes: bytes.into_inner(),
            })
        } else {
            Err(errors)
        }
    }

    /// The search bundles of the renderer's scope: every language of the municipalities
    /// in it, or, where one page's text changed, the languages it has a text in.
    pub fn search_bundles(&self) -> Vec<(usize, LangIdx)> {
        let in_scope: Vec<usize> = (0..self.site.municipalities.len())
            .filter(|&m| self.scope.covers(m))
            .collect();
        match self.scope {
            RenderScope::Page { m, page } => {
                let municipality = &self.site.municipalities[m];
                let translations = &municipality.pages[page].translations;
                crate::search::languages(municipality)
                    .filter(|&l| translations[l].is_some())
                    .map(|l| (m, l))
                    .collect()
            }
            _ => crate::search::all_bundles(self.site, &in_scope),
        }
    }

    /// Produce one file; returns the bytes written, whether the file is HTML, and how
    /// many other files came with it (a page's `qr.svg`).
    fn run(&self, job: &Job, out: &dyn Sink) -> Result<(u64, bool, u64), Diagnostic> {
        let (rel, html) = match *job {
            Job::Page { m, page, lang } => {
                let municipality = &self.site.municipalities[m];
                let dir = &municipality.pages[page].localized[lang]
                    .as_ref()
                    .expect("jobs are made for localized pages")
                    .dir;
                (
                    format!("{dir}/index.html"),
                    self.render_page(m, page, lang)?,
                )
            }
            Job::Chooser { m } => {
                let slug = &self.site.municipalities[m].slug;
                (format!("{slug}/index.html"), self.render_chooser(m)?)
            }
            Job::Status { m } => {
                let slug = &self.site.municipalities[m].slug;
                (format!("{slug}/_status/index.html"), self.render_status(m)?)
            }
            Job::Actors { m, lang } => {
                let municipality = &self.site.municipalities[m];
                let dir = crate::review::actors_dir(municipality, lang)
                    .expect("actor pages are made where the start page is");
                (format!("{dir}/index.html"), self.render_actors(m, lang)?)
            }
            Job::Actor { m, actor, lang } => {
                let municipality = &self.site.municipalities[m];
                let dir = crate::review::actors_dir(municipality, lang)
                    .expect("actor pages are made where the start page is");
                let id = &municipality.actors[actor].id;
                (
                    format!("{dir}/{id}/index.html"),
                    self.render_actor(m, actor, lang)?,
                )
            }
            Job::Search { m, lang } => {
                let municipality = &self.site.municipalities[m];
                self.render_folder_page(
                    m,
                    lang,
                    crate::search::FOLDER,
                    None,
                    "search.html",
                    |ui, marker, ctx| {
                        crate::search::search_context(
                            self.site,
                            municipality,
                            lang,
                            ui,
                            marker,
                            ctx,
                        )
                    },
                )?
            }
            Job::Places { m, lang } => {
                let municipality = &self.site.municipalities[m];
                self.render_folder_page(
                    m,
                    lang,
                    places::FOLDER,
                    None,
                    "places.html",
                    |ui, marker, ctx| {
                        places::places_context(self.site, municipality, lang, ui, marker, ctx)
                    },
                )?
            }
            Job::Place { m, place, lang } => {
                let municipality = &self.site.municipalities[m];
                let id = municipality.places[place].data.id.as_str();
                self.render_folder_page(
                    m,
                    lang,
                    places::FOLDER,
                    Some(id),
                    "place.html",
                    |ui, marker, ctx| {
                        let shown = municipality.places[place].text(lang).1;
                        let notices =
                            self.notices(municipality, Translatable::Place(place), shown, lang, ui);
                        places::place_context(
                            self.site,
                            municipality,
                            place,
                            lang,
                            ui,
                            marker,
                            notices,
                            ctx,
                        )
                    },
                )?
            }
            Job::NewsList { m, lang } => {
                let municipality = &self.site.municipalities[m];
                self.render_folder_page(
                    m,
                    lang,
                    news::FOLDER,
                    None,
                    "news.html",
                    |ui, marker, ctx| {
                        news::list_context(self.site, municipality, lang, ui, marker, ctx)
                    },
                )?
            }
            Job::NewsItem { m, item, lang } => {
                let municipality = &self.site.municipalities[m];
                let stem = municipality.news[item].stem.as_str();
                self.render_folder_page(
                    m,
                    lang,
                    news::FOLDER,
                    Some(stem),
                    "news_item.html",
                    |ui, marker, ctx| {
                        let shown = municipality.news[item].text(lang).1;
                        let notices =
                            self.notices(municipality, Translatable::News(item), shown, lang, ui);
                        news::item_context(
                            self.site,
                            municipality,
                            item,
                            lang,
                            ui,
                            marker,
                            notices,
                            ctx,
                        )
                    },
                )?
            }
            Job::Events { m, lang } => {
                let municipality = &self.site.municipalities[m];
                self.render_folder_page(
                    m,
                    lang,
                    crate::events::FOLDER,
                    None,
                    "events.html",
                    |ui, marker, ctx| {
                        crate::events::list_context(self.site, municipality, lang, ui, marker, ctx)
                    },
                )?
            }
            Job::Event { m, event, lang } => {
                let municipality = &self.site.municipalities[m];
                let stem = municipality.events[event].stem.as_str();
                self.render_folder_page(
                    m,
                    lang,
                    crate::events::FOLDER,
                    Some(stem),
                    "event.html",
                    |ui, marker, ctx| {
                        let shown = municipality.events[event].text(lang).1;
                        let notices =
                            self.notices(municipality, Translatable::Event(event), shown, lang, ui);
                        crate::events::event_context(
                            self.site,
                            municipality,
                            event,
                            lang,
                            ui,
                            marker,
                            notices,
                            ctx,
                        )
                    },
                )?
            }
            Job::Offline { m, lang } => {
                let municipality = &self.site.municipalities[m];
                let dir = crate::offline::language_dir(municipality, lang)
                    .expect("offline pages are made where the start page is");
                (
                    format!("{dir}/{}", crate::offline::FALLBACK),
                    self.render_offline(m, lang)?,
                )
            }
            Job::PortalIndex => ("index.html".to_string(), self.render_portal("index.html")?),
            Job::NotFound => ("404.html".to_string(), self.render_portal("404.html")?),
            Job::Redirect { m, index } => {
                let r = &self.site.municipalities[m].redirects[index];
                (
                    format!("{}/index.html", r.dir),
                    redirect_page(&self.site.base_url.absolute(&r.to)).into_bytes(),
                )
            }
            Job::Asset { m, asset, lang } => {
                let municipality = &self.site.municipalities[m];
                let a = &municipality.assets[asset];
                let owner = municipality.pages[a.owner].localized[lang]
                    .as_ref()
                    .expect("jobs are made for localized owners");
                let rel = format!("{}/{}", owner.dir, a.name);
                let size = publish(out, &a.path, a.content.as_deref(), &rel).map_err(|e| {
                    Diagnostic::file(
                        Severity::Error,
                        &a.path,
                        format!("cannot copy to the site: {e}"),
                    )
                })?;
                return Ok((size, false, 0));
            }
            Job::Poster { m, lang } => {
                let municipality = &self.site.municipalities[m];
                let (dir, _) = crate::seo::poster_location(municipality, lang)
                    .expect("posters are made where the start page is");
                (format!("{dir}/index.html"), self.render_poster(m, lang)?)
            }
            Job::Legal { m, kind, lang } => {
                let municipality = &self.site.municipalities[m];
                let base_path = &self.site.base_url.path;
                let (dir, _) =
                    crate::legal::generated_location(base_path, municipality, kind, lang);
                (
                    format!("{dir}/index.html"),
                    self.render_legal(m, kind, lang)?,
                )
            }
            Job::ThemeCss { m } => {
                let municipality = &self.site.municipalities[m];
                let css = municipality
                    .theme
                    .as_ref()
                    .and_then(crate::branding::stylesheet)
                    .expect("jobs are made for a colour");
                let rel = format!("{}/_theme/theme.css", municipality.slug);
                out.write(&rel, css.as_bytes()).map_err(|e| {
                    Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
                })?;
                return Ok((css.len() as u64, false, 0));
            }
            Job::ThemeFile { m, index } => {
                let municipality = &self.site.municipalities[m];
                let (path, name, content) = &municipality.theme_files[index];
                let rel = format!("{}/_theme/{name}", municipality.slug);
                let size = publish(out, path, content.as_deref(), &rel).map_err(|e| {
                    Diagnostic::file(
                        Severity::Error,
                        path,
                        format!("cannot copy to the site: {e}"),
                    )
                })?;
                return Ok((size, false, 0));
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
            .absolute(&crate::seo::url_of_dir(&self.site.base_url.path, dir));
        let Some(svg) = crate::qr::svg(&url) else {
            return Ok(0);
        };
        let qr_rel = format!("{dir}/{}", crate::seo::QR_FILE);
        out.write(&qr_rel, svg.as_bytes())
            .map_err(|e| Diagnostic::file(Severity::Error, qr_rel, format!("cannot write: {e}")))?;
        Ok(svg.len() as u64)
    }

    /// Render into bytes: pages go to disk as they are, so there is no need to check
    /// that tera's output is UTF-8 (it is) by making a `String` of it.
    fn render(&self, template: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.theme
            .tera
            .render_to(template, ctx, &mut out)
            .map_err(|e| self.theme.error(&e))?;
        Ok(out)
    }

    fn base_context(&self, m: usize, lang: LangIdx) -> Context {
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
        ctx
    }

    /// Render one page for readers of `lang`.
    pub fn render_page(
        &self,
        mi: usize,
        page: PageId,
        lang: LangIdx,
    ) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let p = &m.pages[page];
        let localized = p.localized[lang].as_ref().expect("page is localized");
        let shown = m.shown(page, lang);
        let (title, title_lang) = m.title(page, lang);
        let content_lang = &m.languages[shown.map_or(title_lang, |(l, _)| l)];
        let fallback = shown.is_some_and(|(l, _)| l != lang);
        let ui = self.theme.ui.for_language(&m.languages[lang].code);
        let notice = fallback.then(|| {
            ui.get("not_translated")
                .replace("{original}", &content_lang.name)
        });
        let notices = shown
            .map(|(l, _)| self.notices(m, Translatable::Page(page), l, lang, &ui))
            .unwrap_or_default();
        let mut content = String::new();
        if let Some((_, t)) = shown {
            content.reserve(t.body.len() + 256);
            t.body.write_html(&mut content, |link| {
                link_url(m, page, link, lang).unwrap_or_else(|_| "#".to_string())
            });
        }
        let canonical_lang = shown.map_or(lang, |(l, _)| l);
        let canonical = p.localized[canonical_lang]
            .as_ref()
            .map_or(&localized.url, |l| &l.url);
        let front = shown.map(|(_, t)| &t.front);
        let info = PageInfo {
            key: &p.key,
            kind: p.kind.as_str(),
            title,
            description: front.and_then(|f| f.description.as_deref()),
            lang: &content_lang.code,
            dir: content_lang.dir.as_str(),
            fallback,
            notice,
            outdated: notices.outdated,
            machine_translated: notices.machine_translated,
            url: &localized.url,
            permalink: self.site.base_url.absolute(&localized.url),
            canonical: self.site.base_url.absolute(canonical),
            weight: front.and_then(|f| f.weight),
            extra: front.map(|f| &f.extra).filter(|e| !e.is_empty()),
        };

        let languages = switcher(self.theme, m, page, Some(lang));
        let mut alternates: Vec<Alternate<'_>> = m
            .languages
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                p.translations[*i].is_some() || p.translations.iter().all(Option::is_none)
            })
            .filter_map(|(i, l)| {
                let loc = p.localized[i].as_ref()?;
                Some(Alternate {
                    hreflang: &l.code,
                    href: self.site.base_url.absolute(&loc.url),
                })
            })
            .collect();
        // x-default: the page as source-language readers get it, at its canonical URL.
        let x_default = p.localized[m.source_language]
            .as_ref()
            .map(|l| l.shown.unwrap_or(m.source_language))
            .and_then(|x| p.localized[x].as_ref());
        if let Some(x) = x_default {
            alternates.push(Alternate {
                hreflang: "x-default",
                href: self.site.base_url.absolute(&x.url),
            });
        }
        let breadcrumbs: Vec<Entry<'_>> = m
            .ancestors(page)
            .into_iter()
            .filter_map(|a| entry(m, a, lang))
            .collect();

        let shared = &self.shared[mi];
        let mut ctx = self.base_context(mi, lang);
        ctx.insert("page", &info);
        ctx.insert_value("content", Value::from(content).mark_safe());
        ctx.insert("languages", &languages);
        ctx.insert("alternates", &alternates);
        ctx.insert("breadcrumbs", &breadcrumbs);
        ctx.insert(
            "review",
            &crate::actor_pages::page_review(self.site, m, page, lang, &ui),
        );
        if let Some(url) = crate::feed::feed_url(m, lang) {
            let title = format!("{} – {}", m.name, ui.get("feed_title"));
            ctx.insert("feed", &serde_json::json!({"url": url, "title": title}));
        }
        if p.kind == PageKind::Start {
            ctx.insert("sections", &places::start_links(m, lang, &ui));
        }
        if let Some(parent) = p.parent {
            if let Some(Some(entries)) = shared.children[parent].get(lang) {
                ctx.insert_value("siblings", entries.clone());
            }
            if let Some(parent_entry) = entry(m, parent, lang) {
                ctx.insert("parent", &parent_entry);
            }
        }
        if let Some(Some(children)) = shared.children[page].get(lang) {
            ctx.insert_value("children", children.clone());
        }
        let template = match p.kind {
            PageKind::Start => "start.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        };
        self.discover(mi, lang, &mut ctx);
        self.render(template, &ctx)
    }

    /// A legal page generated from `[legal]`: German text in a page in the reader's
    /// language, canonical at the German (source language) copy.
    fn render_legal(
        &self,
        mi: usize,
        kind: LegalKind,
        lang: LangIdx,
    ) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let legal = m.legal.as_ref().expect("jobs are made for [legal]");
        let german = m.language_index("de").unwrap_or(m.source_language);
        let base_path = &self.site.base_url.path;
        let (_, url) = crate::legal::generated_location(base_path, m, kind, lang);
        let (_, canonical) = crate::legal::generated_location(base_path, m, kind, german);
        let info = serde_json::json!({
            "key": kind.slug(),
            "kind": "legal",
            "title": kind.title(),
            "lang": "de",
            "dir": "ltr",
            "url": url,
            "permalink": self.site.base_url.absolute(&url),
            "canonical": self.site.base_url.absolute(&canonical),
            // The reader's language is not German: say that the binding text is.
            "translated_intro": m.languages[lang].code != "de" && m.languages[lang].code != "de-si",
        });
        // Every language has the page: the switcher leads to it.
        let urls: Vec<String> = (0..m.languages.len())
            .map(|i| crate::legal::generated_location(base_path, m, kind, i).1)
            .collect();
        let languages: Vec<SwitcherEntry<'_>> = m
            .languages
            .iter()
            .zip(&urls)
            .enumerate()
            .map(|(i, (l, u))| SwitcherEntry {
                code: &l.code,
                name: &l.name,
                dir: l.dir.as_str(),
                url: u,
                current: i == lang,
                fallback: false,
                marker: "",
            })
            .collect();
        let alternates = [Alternate {
            hreflang: "de",
            href: self.site.base_url.absolute(&canonical),
        }];
        let breadcrumbs: Vec<Entry<'_>> = entry(m, 0, lang).into_iter().collect();
        let mut ctx = self.base_context(mi, lang);
        ctx.insert("page", &info);
        ctx.insert("legal", &crate::legal::template_value(legal));
        ctx.insert("languages", &languages);
        ctx.insert("alternates", &alternates);
        ctx.insert("breadcrumbs", &breadcrumbs);
        self.discover(mi, lang, &mut ctx);
        self.render(kind.template(), &ctx)
    }

    /// Add `discover` (meta description, Open Graph, JSON-LD, share links: see
    /// [`crate::seo`]), made from the values already in `ctx`.
    fn discover(&self, mi: usize, lang: LangIdx, ctx: &mut Context) {
        let m = &self.site.municipalities[mi];
        if let Some(value) = crate::seo::head(self.site, m, lang, ctx) {
            ctx.insert("discover", &value);
        }
    }

    /// The poster of municipality `mi` for readers of `lang`: a large QR code of the
    /// start page in every language it has, each labelled in that language.
    fn render_poster(&self, mi: usize, lang: LangIdx) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let ui = self.ui(mi, lang);
        let mut ctx = self.base_context(mi, lang);
        crate::seo::poster_context(
            self.site,
            m,
            lang,
            &ui,
            |code| self.theme.ui.for_language(code),
            |code| self.marker(code),
            &mut ctx,
        );
        self.render("poster.html", &ctx)
    }

    /// The page a municipality's service worker shows for a page never saved, when
    /// the reader is offline.
    fn render_offline(&self, mi: usize, lang: LangIdx) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let dir = crate::offline::language_dir(m, lang).expect("jobs are made for a start page");
        let url = crate::offline::urls(&self.site.base_url.path, dir).fallback;
        let ui = self.ui(mi, lang);
        let l = &m.languages[lang];
        let mut ctx = self.base_context(mi, lang);
        ctx.insert(
            "page",
            &serde_json::json!({
                "key": "offline",
                "kind": "offline",
                "title": ui.get("offline_page_title"),
                "lang": l.code,
                "dir": l.dir.as_str(),
                "permalink": self.site.base_url.absolute(&url),
                "canonical": self.site.base_url.absolute(&url),
                "url": url,
            }),
        );
        // The start page in every language, the way out of this page.
        ctx.insert("languages", &switcher(self.theme, m, 0, Some(lang)));
        ctx.insert("alternates", &Vec::<()>::new());
        let breadcrumbs: Vec<Entry<'_>> = entry(m, 0, lang).into_iter().collect();
        ctx.insert("breadcrumbs", &breadcrumbs);
        self.render("offline.html", &ctx)
    }

    fn render_chooser(&self, mi: usize) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let mut ctx = self.base_context(mi, m.source_language);
        // The chooser is no page of one language: no manifest, no worker.
        ctx.remove("offline");
        ctx.insert_value(
            "municipality",
            Value::from_serializable(&municipality_info(self.site, self.theme, m, None)),
        );
        self.render("chooser.html", &ctx)
    }

    /// The UI strings for readers of `lang` of municipality `mi`.
    fn ui(&self, mi: usize, lang: LangIdx) -> LanguageStrings<'_> {
        self.theme
            .ui
            .for_language(&self.site.municipalities[mi].languages[lang].code)
    }

    /// A page in a municipality's reserved folder (`places`, `news`) for readers of
    /// `lang`, at `<folder>/` or `<folder>/<item>/`: `fill` adds its values to the
    /// context. Returns its path and bytes.
    fn render_folder_page(
        &self,
        m: usize,
        lang: LangIdx,
        folder: &str,
        item: Option<&str>,
        template: &str,
        fill: impl FnOnce(&LanguageStrings<'_>, &dyn Fn(&str) -> String, &mut Context),
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let (dir, _) = places::section_location(municipality, lang, folder)
            .expect("folder pages are made where the start page is");
        let ui = self.ui(m, lang);
        let mut ctx = self.base_context(m, lang);
        fill(&ui, &|code| self.marker(code), &mut ctx);
        self.discover(m, lang, &mut ctx);
        let rel = match item {
            Some(item) => format!("{dir}/{item}/index.html"),
            None => format!("{dir}/index.html"),
        };
        Ok((rel, self.render(template, &ctx)?))
    }

    /// "not translated yet" in language `code`, for language switchers.
    fn marker(&self, code: &str) -> String {
        self.theme
            .ui
            .for_language(code)
            .get("fallback_marker")
            .to_string()
    }

    fn render_actor(&self, mi: usize, actor: usize, lang: LangIdx) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let ui = self.theme.ui.for_language(&m.languages[lang].code);
        let mut ctx = self.base_context(mi, lang);
        crate::actor_pages::actor_context(
            self.site,
            m,
            actor,
            lang,
            &ui,
            |code| self.marker(code),
            &mut ctx,
        );
        self.discover(mi, lang, &mut ctx);
        self.render("actor.html", &ctx)
    }

    fn render_actors(&self, mi: usize, lang: LangIdx) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let ui = self.theme.ui.for_language(&m.languages[lang].code);
        let mut ctx = self.base_context(mi, lang);
        crate::actor_pages::actors_context(
            self.site,
            m,
            lang,
            &ui,
            |code| self.marker(code),
            &mut ctx,
        );
        self.discover(mi, lang, &mut ctx);
        self.render("actors.html", &ctx)
    }

    fn render_status(&self, mi: usize) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let mut ctx = self.base_context(mi, m.source_language);
        ctx.remove("offline");
        let ui = self
            .theme
            .ui
            .for_language(&m.languages[m.source_language].code);
        crate::status_page::context(m, &ui, &mut ctx);
        crate::status_page::freshness(self.site, m, &ui, &mut ctx);
        self.render("status.html", &ctx)
    }

    fn render_portal(&self, template: &str) -> Result<Vec<u8>, Diagnostic> {
        let entries = portal_entries(self.site, self.theme);
        render_portal_page(self.theme, &self.site_value, &entries, template)
    }
}

/// What the pages of the whole portal (index, 404) show of one municipality. Every
/// build computes it from the model; a shard build also stores it in its manifest, so
/// that `wegweiser merge` renders the same pages for all shards together.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PortalEntry {
    pub slug: String,
    /// `municipalities[i]` of the templates index.html and 404.html.
    pub info: serde_json::Value,
    /// Every language of the municipality, in its order.
    pub languages: Vec<PortalLanguage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PortalLanguage {
    pub code: String,
    pub dir: String,
    pub name: String,
}

/// The [`PortalEntry`] of every municipality of `site`, in order.
pub fn portal_entries(site: &Site, theme: &Theme) -> Vec<PortalEntry> {
    site.municipalities
        .iter()
        .map(|m| PortalEntry {
            slug: m.slug.clone(),
            info: serde_json::to_value(municipality_info(site, theme, m, None))
                .expect("municipality info serialises"),
            languages: m
                .languages
                .iter()
                .map(|l| PortalLanguage {
                    code: l.code.clone(),
                    dir: l.dir.as_str().to_string(),
                    name: l.name.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The HTML files of the whole portal (`index.html`, `404.html`) for `entries`,
/// minified as a build with `minify` would write them.
pub fn portal_pages(
    theme: &Theme,
    site_value: &Value,
    entries: &[PortalEntry],
    minify: bool,
) -> Result<Vec<(&'static str, Vec<u8>)>, Diagnostic> {
    ["index.html", "404.html"]
        .into_iter()
        .map(|name| {
            let html = render_portal_page(theme, site_value, entries, name)?;
            Ok((name, finish_html(theme, minify, html)))
        })
        .collect()
}

/// Minified templates and bodies make minified pages; only a theme whose templates
/// could not be minified needs minifying page by page.
fn finish_html(theme: &Theme, minify: bool, html: Vec<u8>) -> Vec<u8> {
    if minify && !theme.minified {
        self::minify(&html)
    } else {
        html
    }
}

/// Render the portal page `template` (index.html or 404.html).
fn render_portal_page(
    theme: &Theme,
    site_value: &Value,
    entries: &[PortalEntry],
    template: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let municipalities: Vec<&serde_json::Value> = entries.iter().map(|e| &e.info).collect();
    // Every language of the portal once, in order of first appearance.
    let mut languages: Vec<&PortalLanguage> = Vec::new();
    for l in entries.iter().flat_map(|m| &m.languages) {
        if !languages.iter().any(|x| x.code == l.code) {
            languages.push(l);
        }
    }
    let messages: Vec<_> = languages
        .iter()
        .map(|l| {
            let ui = theme.ui.for_language(&l.code);
            serde_json::json!({
                "lang": l.code, "dir": l.dir, "name": l.name,
                "title": ui.get("not_found_title"), "text": ui.get("not_found_text"),
                "choose": ui.get("choose_language"), "municipalities": ui.get("municipalities"),
            })
        })
        .collect();
    let portal_lang = languages.first().map_or("de", |l| &l.code);
    let portal_dir = languages.first().map_or("ltr", |l| l.dir.as_str());
    let mut ctx = Context::new();
    ctx.insert_value("site", site_value.clone());
    ctx.insert("municipalities", &municipalities);
    ctx.insert("messages", &messages);
    ctx.insert(
        "lang",
        &serde_json::json!({
            "code": portal_lang,
            "dir": portal_dir,
            "arabic_script": crate::branding::is_arabic_script(portal_lang),
        }),
    );
    ctx.insert_value(
        "t",
        Value::from_serializable(&theme.ui.for_language(portal_lang).to_map()),
    );
    let mut out = Vec::with_capacity(16 * 1024);
    theme
        .tera
        .render_to(template, &ctx, &mut out)
        .map_err(|e| theme.error(&e))?;
    Ok(out)
}

impl Renderer<'_> {
    /// What readers of `lang` are told about the translation of `t` into `shown` they
    /// read: that it is outdated (with a link to the original, and the day that was
    /// last committed), or made by a machine.
    fn notices<'s>(
        &'s self,
        m: &'s Municipality,
        t: Translatable,
        shown: LangIdx,
        lang: LangIdx,
        ui: &LanguageStrings<'_>,
    ) -> Notices<'s> {
        let status = &m.statuses_of(t)[shown];
        let outdated = status
            .source
            .filter(|_| status.state == State::Outdated)
            .and_then(|source| {
                let l = &m.languages[source];
                let updated = m
                    .translated(t, source)
                    .and_then(|x| self.source_dates.get(x.file()))
                    .map(String::as_str);
                Some(Original {
                    url: m.translatable_url(t, source)?,
                    lang: &l.code,
                    dir: l.dir.as_str(),
                    name: &l.name,
                    updated,
                    notice: outdated_notice(ui, &m.languages[lang].code, &l.name, updated),
                })
            });
        Notices {
            outdated,
            machine_translated: status.state == State::MachineTranslated,
        }
    }
}

/// The notice on an outdated translation for readers of `reader`: "The original
/// ({original}) was updated on {date}. …" with the date in their language and calendar
/// where it is known and their language has that text; else the notice without a date.
fn outdated_notice(
    ui: &LanguageStrings<'_>,
    reader: &str,
    original: &str,
    updated: Option<&str>,
) -> String {
    // The notice in the reader's language, with the date where that language has
    // the text for it (a language may have only the one without).
    let dated = match ui.first_translated(&["outdated_notice_dated", "outdated_notice"]) {
        Some(("outdated_notice_dated", text)) => Some(text),
        Some(_) => None,
        None => Some(ui.get("outdated_notice_dated")).filter(|t| *t != "outdated_notice_dated"),
    };
    match (updated, dated) {
        (Some(iso), Some(text)) => {
            let date = crate::i18n::format_iso_date(reader, iso).unwrap_or_else(|| iso.to_string());
            text.replace("{original}", original)
                .replace("{date}", &date)
        }
        _ => ui.get("outdated_notice").to_string(),
    }
}

fn entry(m: &Municipality, page: PageId, lang: LangIdx) -> Option<Entry<'_>> {
    let p = &m.pages[page];
    let loc = p.localized[lang].as_ref()?;
    let (title, title_lang) = m.title(page, lang);
    let description = m
        .shown(page, lang)
        .and_then(|(_, t)| t.front.description.as_deref());
    let l = &m.languages[title_lang];
    Some(Entry {
        title,
        url: &loc.url,
        description,
        lang: &l.code,
        dir: l.dir.as_str(),
        section: p.kind.is_section(),
    })
}

fn municipality_info<'a>(
    site: &Site,
    theme: &'a Theme,
    m: &'a Municipality,
    lang: Option<LangIdx>,
) -> MunicipalityInfo<'a> {
    let start = &m.pages[0];
    MunicipalityInfo {
        slug: &m.slug,
        name: &m.name,
        aliases: &m.aliases,
        contact: m.contact.as_ref(),
        legal: crate::legal::links(site, m, lang),
        offers: lang.map_or_else(Vec::new, |l| crate::legal::offers(m, l)),
        brand: crate::branding::brand(&site.base_url.path, m),
        url: format!(
            "{}/{}/",
            site.base_url.path,
            crate::resolve::encode_segment(&m.slug)
        ),
        home: lang
            .and_then(|l| start.localized[l].as_ref())
            .map(|l| l.url.as_str()),
        search: lang.and_then(|l| crate::search::page_url(m, l)),
        languages: switcher(theme, m, 0, lang),
    }
}

/// The language switcher of `page`: every language it is published in.
fn switcher<'a>(
    theme: &'a Theme,
    m: &'a Municipality,
    page: PageId,
    current: Option<LangIdx>,
) -> Vec<SwitcherEntry<'a>> {
    let p = &m.pages[page];
    m.languages
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let loc = p.localized[i].as_ref()?;
            Some(SwitcherEntry {
                code: &l.code,
                name: &l.name,
                dir: l.dir.as_str(),
                url: &loc.url,
                current: Some(i) == current,
                fallback: loc.shown.is_some_and(|s| s != i),
                marker: theme.ui.for_language(&l.code).get("fallback_marker"),
            })
        })
        .collect()
}

/// A page that forwards to `to` (an absolute URL), for old URLs.
/// Copy a file from the portal to `rel`, or write `content` in its place (an SVG as
/// [`crate::svg`] wrote it again); the number of bytes published.
fn publish(
    out: &dyn Sink,
    path: &std::path::Path,
    content: Option<&[u8]>,
    rel: &str,
) -> std::io::Result<u64> {
    match content {
        Some(bytes) => out.write(rel, bytes).map(|_| bytes.len() as u64),
        None => out
            .copy(path, rel)
            .and_then(|_| Ok(std::fs::metadata(path)?.len())),
    }
}

fn redirect_page(to: &str) -> String {
    let to = crate::model_body::escape_attr(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n\
         <meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{to}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n\
         <p><a href=\"{to}\">{to}</a></p>\n</body>\n</html>\n"
    )
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
