//! The site of a `wegweiser serve` session, kept in memory and rebuilt piece by piece.
//!
//! A [`Session`] holds what the last load and resolve produced (parsed files are kept in
//! a [`DocumentCache`]) and the files of the last site that built without errors. A
//! change is mapped to the smallest [`RenderScope`] that covers everything it can have
//! touched:
//!
//! - wegweiser.toml, templates, themes, static files: everything;
//! - municipality.toml, a file added, removed or renamed, front matter (title, slug,
//!   weight, …) or any other file of a municipality: that municipality;
//! - the text of one page: that page in every language, plus its municipality's
//!   files that are not pages (dashboard, lists, feeds); where who provides the page or
//!   when it was checked changed too (not on a section), also the pages of its actors
//!   before and after.
//!
//! QR codes are kept by URL across renders: a page rendered again takes its code from
//! there.
//!
//! The files of the whole portal (index, 404, static files, sitemap) are rendered
//! every time. While the sources have errors the last good site is kept, and what the
//! changes since then touched is remembered for the next good build, so that the site
//! served is always what a full build of the same sources would write.
//!
//! A panic in a build (a bug of wegweiser's, whatever the sources) is caught: it
//! becomes an error among the problems ("internal error while rebuilding: …"), the last
//! good site stays, and the next change loads and renders everything again.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::base::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::build::pipeline::{self, BuildOptions};
use crate::load::{self, DocumentCache, LoadOptions, LoadedPortal};
use crate::model::ui_strings::UiStrings;
use crate::model::{LangIdx, Site};
use crate::output::offline;
use crate::render::jobs::RenderScope;
use crate::render::{NoProgress, QrCodes, Renderer};
use crate::resolve;
use crate::theme::{self, Theme};

use super::scope::{Collect, affects_site, merge, municipality_of, relative, union};

/// One file of the site being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// Rendered in memory.
    Bytes(Arc<[u8]>),
    /// Copied as it is (page assets, static files): read when asked for.
    File(PathBuf),
}

impl Served {
    /// The file's content.
    pub fn read(&self) -> io::Result<Arc<[u8]>> {
        match self {
            Served::Bytes(b) => Ok(b.clone()),
            Served::File(p) => Ok(std::fs::read(p)?.into()),
        }
    }
}

/// What a build or rebuild did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The site was (re)built: it changed.
    Built {
        scope: RenderScope,
        /// HTML files rendered (again) by this build.
        pages: u64,
        /// What the whole site holds, counted as `build` counts it.
        site: crate::build::pipeline::SiteCounts,
        duration: Duration,
        /// Warnings of the sources as they are now.
        warnings: Vec<Diagnostic>,
    },
    /// The sources have errors: the last good site stays.
    Failed { problems: Vec<Diagnostic> },
    /// Nothing the site is made of changed.
    Unchanged,
}

/// The sources as last loaded and resolved (they may have errors).
struct Sources {
    portal: LoadedPortal,
    site: Site,
}

/// Called at the start of every build and rebuild of a session, with the changed paths
/// (`None` for a whole build): a way for tests to make a build fail as a bug would.
pub type BuildHook = Arc<dyn Fn(Option<&[PathBuf]>) + Send + Sync>;

/// A `wegweiser serve` session: sources, theme and the last good site.
pub struct Session {
    options: BuildOptions,
    ui: UiStrings,
    cache: DocumentCache,
    /// `None` when the portal itself (wegweiser.toml, content/) does not load.
    sources: Option<Sources>,
    theme: Option<Theme>,
    /// Problems of the sources as they are now: portal, municipalities, theme (sorted):
    /// `portal_problems` and those of every municipality.
    problems: Vec<Diagnostic>,
    /// Problems outside the municipalities (wegweiser.toml, content/, the theme).
    portal_problems: Vec<Diagnostic>,
    /// Problems of loading each municipality's files, by municipality folder.
    load_problems: BTreeMap<String, Vec<Diagnostic>>,
    /// Problems of resolving each municipality (links, URLs), by municipality folder.
    resolve_problems: BTreeMap<String, Vec<Diagnostic>>,
    /// Problems the last render found (template errors at run time).
    render_problems: Vec<Diagnostic>,
    /// Last good site: path below the site root → file.
    files: BTreeMap<String, Served>,
    /// Whether `files` holds a site yet.
    built: bool,
    /// What changes since the last good build touched (`None`: nothing).
    pending: Option<RenderScope>,
    /// Last commit dates of source files (`None`: not committed).
    dates: BTreeMap<PathBuf, Option<String>>,
    /// Sizes and references of `files`, for the offline lists (`crate::output::offline`).
    offline: offline::Index,
    /// Search bundles to index again after a page's text changed: the page is served
    /// first ([`Session::apply_pages`]), the bundles follow ([`Session::index_search`]).
    search_pending: BTreeSet<(usize, LangIdx)>,
    /// The panic of the last build, as an error: kept until a build gets through.
    internal: Option<Diagnostic>,
    hook: Option<BuildHook>,
    /// QR codes by URL, kept across renders (they depend on the URL alone).
    qr_codes: QrCodes,
}

/// Search bundles indexed for the current sources, to put in place with
/// [`Session::put_search`].
pub struct SearchUpdate {
    bundles: Vec<(usize, LangIdx)>,
    files: Result<Vec<(String, Served)>, Diagnostic>,
}

impl Session {
    /// A session for `options` (its `output` and `write` are ignored: nothing is
    /// written to disk, and nothing is minified). Call [`Session::build`] first.
    pub fn new(mut options: BuildOptions) -> Self {
        // The watcher reports absolute paths without symlinks: compare them with the
        // root as the file system spells it, however the root was named (`.`,
        // `content-example`, `../portal`, a symlinked folder).
        if let Ok(root) = std::fs::canonicalize(&options.root) {
            options.root = root;
        }
        Session {
            options,
            ui: theme::default_ui_strings(),
            cache: DocumentCache::new(),
            sources: None,
            theme: None,
            problems: Vec::new(),
            portal_problems: Vec::new(),
            load_problems: BTreeMap::new(),
            resolve_problems: BTreeMap::new(),
            render_problems: Vec::new(),
            files: BTreeMap::new(),
            built: false,
            pending: Some(RenderScope::All),
            dates: BTreeMap::new(),
            offline: offline::Index::default(),
            search_pending: BTreeSet::new(),
            internal: None,
            hook: None,
            qr_codes: QrCodes::default(),
        }
    }

    /// Run `hook` at the start of every build (inside the guard against panics).
    #[doc(hidden)]
    pub fn set_build_hook(&mut self, hook: Option<BuildHook>) {
        self.hook = hook;
    }

    /// Run `build` (what `paths` changed, `None`: everything), turning a panic into an
    /// error among the problems. After a panic the session's state is not trusted: the
    /// next change loads and renders everything again, and meanwhile the last good
    /// site is served.
    fn guarded(
        &mut self,
        paths: Option<&[PathBuf]>,
        build: impl FnOnce(&mut Session) -> Outcome,
    ) -> Outcome {
        let hook = self.hook.clone();
        let run = panic::catch_unwind(AssertUnwindSafe(|| {
            if let Some(hook) = &hook {
                hook(paths);
            }
            build(self)
        }));
        match run {
            Ok(Outcome::Unchanged) => Outcome::Unchanged,
            Ok(outcome) => {
                self.internal = None;
                outcome
            }
            Err(payload) => {
                let file = paths
                    .and_then(|p| p.iter().find_map(|p| relative(&self.options.root, p)))
                    .unwrap_or_else(|| PathBuf::from("wegweiser.toml"));
                self.internal = Some(internal_error(file, &*payload));
                self.forget_all();
                Outcome::Failed {
                    problems: self.problems(),
                }
            }
        }
    }

    /// After a panic: nothing but the last good site is trusted.
    fn forget_all(&mut self) {
        self.sources = None;
        self.problems.clear();
        self.portal_problems.clear();
        self.load_problems.clear();
        self.resolve_problems.clear();
        self.render_problems.clear();
        // A new cache: the old one's locks may be poisoned.
        self.cache = DocumentCache::new();
        self.dates.clear();
        self.pending = Some(RenderScope::All);
        self.search_pending.clear();
        self.qr_codes = QrCodes::default();
    }

    /// The portal root.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// The file at `rel` (`/`-separated, below the site root) of the last good site.
    pub fn file(&self, rel: &str) -> Option<&Served> {
        self.files.get(rel)
    }

    /// Every file of the last good site.
    pub fn files(&self) -> &BTreeMap<String, Served> {
        &self.files
    }

    /// Whether a site was built yet.
    pub fn has_site(&self) -> bool {
        self.built
    }

    /// Problems of the sources as they are now, errors first (sorted as a build
    /// reports them).
    pub fn problems(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .internal
            .iter()
            .chain(&self.problems)
            .chain(&self.render_problems)
            .cloned()
            .collect();
        all.sort_by_key(|d| !d.is_error());
        all
    }

    /// Load, resolve and render everything (parsing every file again).
    pub fn build(&mut self) -> Outcome {
        self.guarded(None, Session::build_unguarded)
    }

    fn build_unguarded(&mut self) -> Outcome {
        let started = Instant::now();
        self.cache.clear();
        self.dates.clear();
        self.load_everything();
        self.pending = Some(RenderScope::All);
        self.render_pending(started)
    }

    /// Rebuild after the files at `paths` (absolute, or relative to the root)
    /// changed, appeared or disappeared, search bundles included.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Outcome {
        let outcome = self.apply_pages(paths);
        if let Outcome::Built { .. } = outcome
            && let Some(update) = self.index_search()
            && let Err(problems) = self.put_search(update)
        {
            return Outcome::Failed { problems };
        }
        outcome
    }

    /// [`Session::apply`], except that where one page's text changed, the search
    /// bundles of its languages are left for [`Session::index_search`]: indexing a
    /// bundle again takes longer than the rest of such an edit, and the page should not
    /// wait for it.
    pub fn apply_pages(&mut self, paths: &[PathBuf]) -> Outcome {
        self.guarded(Some(paths), |session| session.apply_pages_unguarded(paths))
    }

    fn apply_pages_unguarded(&mut self, paths: &[PathBuf]) -> Outcome {
        let started = Instant::now();
        let rels: BTreeSet<PathBuf> = paths
            .iter()
            .filter_map(|p| relative(&self.options.root, p))
            .filter(|p| affects_site(p))
            .collect();
        if rels.is_empty() {
            return Outcome::Unchanged;
        }
        let Some(sources) = &self.sources else {
            self.load_everything();
            self.pending = Some(RenderScope::All);
            return self.render_pending(started);
        };
        let loaded: BTreeSet<&str> = sources
            .portal
            .municipalities
            .iter()
            .map(|m| m.slug.as_str())
            .collect();
        let mut by_municipality: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        let mut everything = false;
        for rel in &rels {
            match municipality_of(rel) {
                // A file inside a municipality that loaded.
                Some(slug) if loaded.contains(slug) && rel.components().count() > 2 => {
                    by_municipality
                        .entry(slug.to_string())
                        .or_default()
                        .push(rel.clone());
                }
                _ => everything = true,
            }
        }
        if everything {
            if rels.contains(Path::new("wegweiser.toml")) {
                // Languages and settings parsing depends on.
                self.cache.clear();
            } else {
                for files in by_municipality.values() {
                    self.forget(files);
                }
            }
            self.load_everything();
            self.pending = Some(RenderScope::All);
            return self.render_pending(started);
        }
        for (slug, files) in &by_municipality {
            self.forget(files);
            let scope = self.reload_municipality(slug, files);
            self.pending = Some(union(self.pending, scope));
        }
        self.render_pending(started)
    }

    /// Forget what the cache knows about `files` (relative to the root): parsing
    /// depends on municipality.toml, so that forgets its whole municipality.
    fn forget(&self, files: &[PathBuf]) {
        let root = &self.options.root;
        for rel in files {
            if rel.file_name().is_some_and(|n| n == "municipality.toml") {
                if let Some(dir) = rel.parent() {
                    self.cache.forget_below(&root.join(dir));
                }
            } else {
                self.cache.forget(&root.join(rel));
            }
        }
    }

    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            minify: Some(false),
            ..pipeline::load_options(&self.options)
        }
    }

    fn load_everything(&mut self) {
        let mut diagnostics = Diagnostics::new();
        let portal = load::load_cached(
            &self.options.root,
            &self.load_options(),
            &self.ui,
            Some(&self.cache),
            &mut diagnostics,
        );
        let mut theme_problems = Vec::new();
        self.theme = portal.as_ref().and_then(|p| {
            Theme::load(
                &self.options.root,
                p.config.theme.as_deref(),
                false,
                &mut theme_problems,
            )
        });
        diagnostics.extend(theme_problems);
        self.load_problems.clear();
        self.resolve_problems.clear();
        let mut portal_problems = Vec::new();
        'problem: for d in diagnostics {
            for m in portal.iter().flat_map(|p| &p.municipalities) {
                if d.file.starts_with(Path::new("content").join(&m.slug)) {
                    self.load_problems
                        .entry(m.slug.clone())
                        .or_default()
                        .push(d);
                    continue 'problem;
                }
            }
            portal_problems.push(d);
        }
        self.portal_problems = portal_problems;
        self.sources = portal.map(|portal| {
            let (mut site, problems) = resolve::resolve_each(&portal);
            for m in &mut site.municipalities {
                pipeline::apply_today(m, &self.options);
            }
            for (m, p) in portal.municipalities.iter().zip(problems) {
                self.resolve_problems.insert(m.slug.clone(), p);
            }
            Sources { portal, site }
        });
        self.collect_problems();
    }

    /// `problems` from the problems of the portal and of each municipality.
    fn collect_problems(&mut self) {
        let all: Diagnostics = self
            .portal_problems
            .iter()
            .chain(self.load_problems.values().flatten())
            .chain(self.resolve_problems.values().flatten())
            .cloned()
            .collect();
        self.problems = all.into_sorted();
    }

    /// After a change to the page file `file` (relative to the root) alone, parse it
    /// again and put it in its municipality's place, if it still is the same page in
    /// the same language: no walk of the folder, no other file looked at. Returns the
    /// document it replaced.
    fn replace_document(&mut self, index: usize, file: &Path) -> Option<load::Document> {
        let options = self.load_options();
        let sources = self.sources.as_mut()?;
        let loaded = &sources.portal.municipalities[index];
        let rel = file
            .strip_prefix(Path::new("content").join(&loaded.slug))
            .ok()?
            .to_str()?
            .replace('\\', "/");
        let reserved = [
            crate::model::place::FOLDER,
            crate::model::news::FOLDER,
            crate::model::event::FOLDER,
        ]
        .iter()
        .any(|f| rel.starts_with(&format!("{f}/")));
        let path = self.options.root.join(file);
        let position = loaded.documents.iter().position(|d| d.path == path)?;
        if reserved || !rel.ends_with(".md") || !path.is_file() {
            return None;
        }
        let (doc, problems) = crate::load::document::reload_document(
            &self.options.root,
            loaded,
            &rel,
            &sources.portal.languages,
            &options,
            (sources.portal.config.build.minify, &sources.portal.own_urls),
            &self.ui,
            &self.cache,
        );
        let old = &loaded.documents[position];
        let doc = doc.ok()?;
        let same_page = doc.key == old.key && doc.language == old.language && doc.kind == old.kind;
        if !same_page || (doc.front.draft && !options.drafts) {
            return None;
        }
        let display = doc.display.clone();
        let problems_of = self.load_problems.entry(loaded.slug.clone()).or_default();
        problems_of.retain(|d| d.file != display);
        problems_of.extend(problems);
        let loaded = &mut sources.portal.municipalities[index];
        Some(std::mem::replace(&mut loaded.documents[position], doc))
    }

    /// Load and resolve one municipality again after `files` in it changed; returns
    /// what has to be rendered.
    fn reload_municipality(&mut self, slug: &str, files: &[PathBuf]) -> RenderScope {
        let Some(index) = self
            .sources
            .as_ref()
            .and_then(|s| s.portal.municipalities.iter().position(|m| m.slug == slug))
        else {
            return RenderScope::All;
        };
        // One page file changed: parse it alone, else load the whole folder.
        let replaced = match files {
            [file] => self.replace_document(index, file),
            _ => None,
        };
        let fast = replaced.is_some();
        let before = match replaced {
            Some(old) => Some(old),
            None => {
                let options = self.load_options();
                let Some(sources) = self.sources.as_mut() else {
                    return RenderScope::All;
                };
                let mut problems = Vec::new();
                let reloaded = crate::load::municipality::load_municipality(
                    &self.options.root,
                    slug,
                    &sources.portal.languages,
                    &options,
                    (sources.portal.config.build.minify, &sources.portal.own_urls),
                    &self.ui,
                    Some(&self.cache),
                    &mut problems,
                );
                self.load_problems.insert(slug.to_string(), problems);
                let Some(reloaded) = reloaded else {
                    // The municipality does not load: everything once it does again.
                    self.resolve_problems.remove(slug);
                    self.collect_problems();
                    return RenderScope::All;
                };
                sources.portal.municipalities[index] = reloaded;
                None
            }
        };
        let Some(sources) = self.sources.as_mut() else {
            return RenderScope::All;
        };
        let mut problems = Vec::new();
        let mut resolved = resolve::resolve_municipality(
            &sources.portal.municipalities[index],
            &sources.portal.languages,
            &sources.portal.base_url,
            &mut problems,
        );
        if !resolved.redirects.is_empty() {
            let generated = crate::resolve::paths::generated_files(&resolved, sources.site.offline);
            crate::resolve::paths::check_alias_files(&resolved, &generated, &mut problems);
        }
        pipeline::apply_today(&mut resolved, &self.options);
        self.resolve_problems.insert(slug.to_string(), problems);
        let previous = std::mem::replace(&mut sources.site.municipalities[index], resolved);
        // The text of one page changed, or its review data: that page (and its actors').
        let mut scope = RenderScope::Municipality(index);
        if fast && let (Some(old), [file]) = (before, files) {
            let path = self.options.root.join(file);
            let after = &sources.portal.municipalities[index];
            if let Some(new) = after.documents.iter().find(|d| d.path == path)
                && let Some(page) = super::scope::page_scope(
                    index,
                    &old.front,
                    &new.front,
                    &new.key,
                    &previous,
                    &sources.site.municipalities[index],
                )
            {
                scope = page;
            }
        }
        self.collect_problems();
        scope
    }

    /// Index the search bundles [`Session::apply_pages`] left, from the current
    /// sources (`None`: none are waiting). Takes `&self`: a server answers requests
    /// meanwhile, then puts the result in place with [`Session::put_search`].
    pub fn index_search(&self) -> Option<SearchUpdate> {
        let sources = self.sources.as_ref()?;
        if self.search_pending.is_empty() || self.problems.iter().any(Diagnostic::is_error) {
            return None;
        }
        let bundles: Vec<(usize, LangIdx)> = self.search_pending.iter().copied().collect();
        let sink = Collect::default();
        let files = panic::catch_unwind(AssertUnwindSafe(|| {
            crate::output::search::write(&sources.site, &bundles, &sink)
        }))
        .unwrap_or_else(|payload| Err(internal_error(PathBuf::from("wegweiser.toml"), &*payload)))
        .map(|_| sink.into_files());
        Some(SearchUpdate { bundles, files })
    }

    /// Serve the bundles of `update` in place of their older files, and the offline
    /// lists that name them. The problems, if indexing failed.
    pub fn put_search(&mut self, update: SearchUpdate) -> Result<(), Vec<Diagnostic>> {
        match panic::catch_unwind(AssertUnwindSafe(|| self.put_search_unguarded(update))) {
            Ok(result) => result,
            Err(payload) => {
                self.internal = Some(internal_error(PathBuf::from("wegweiser.toml"), &*payload));
                self.forget_all();
                Err(self.problems())
            }
        }
    }

    fn put_search_unguarded(&mut self, update: SearchUpdate) -> Result<(), Vec<Diagnostic>> {
        let Some(sources) = &self.sources else {
            return Ok(());
        };
        let files = match update.files {
            Ok(files) => files,
            Err(problem) => {
                self.render_problems.push(problem);
                return Err(self.problems());
            }
        };
        let site = &sources.site;
        for &(m, lang) in &update.bundles {
            let prefix = format!(
                "{}/",
                crate::model::search::bundle_dir(&site.municipalities[m], lang)
            );
            self.files.retain(|rel, _| !rel.starts_with(&prefix));
            self.offline.retain(|rel| !rel.starts_with(&prefix));
            self.search_pending.remove(&(m, lang));
        }
        for (rel, file) in files {
            if let Ok(bytes) = file.read() {
                let info = offline::file_info(&site.base_url.path, &rel, &bytes);
                self.offline.insert(rel.clone(), info);
            }
            self.files.insert(rel, file);
        }
        let municipalities: BTreeSet<usize> = update.bundles.iter().map(|&(m, _)| m).collect();
        let lists = offline::outputs(
            site,
            &mut self.offline,
            |m| site.offline && municipalities.contains(&m),
            offline::Worker::Preview,
        );
        for (rel, bytes) in lists {
            self.files.insert(rel, Served::Bytes(bytes.into()));
        }
        Ok(())
    }

    /// Render what the changes since the last good build touched, unless the sources
    /// have errors.
    fn render_pending(&mut self, started: Instant) -> Outcome {
        self.render_problems.clear();
        let blocked = self.problems.iter().any(Diagnostic::is_error);
        let (Some(sources), Some(theme)) = (&self.sources, &self.theme) else {
            return Outcome::Failed {
                problems: self.problems(),
            };
        };
        if blocked {
            return Outcome::Failed {
                problems: self.problems(),
            };
        }
        let Some(scope) = self.pending else {
            return Outcome::Unchanged;
        };
        // Last commit dates (outdated notices, feeds) of the files rendered now: asked
        // from git once per file.
        let in_scope = sources
            .site
            .municipalities
            .iter()
            .enumerate()
            .filter(|(i, _)| scope.covers(*i))
            .map(|(_, m)| m);
        let files = crate::output::dates::dated_files(in_scope);
        let missing: Vec<&Path> = files
            .iter()
            .copied()
            .filter(|f| !self.dates.contains_key(*f))
            .collect();
        if !missing.is_empty() {
            let found = crate::load::git::last_commit_dates(&self.options.root, &missing);
            for file in missing {
                self.dates
                    .insert(file.to_path_buf(), found.get(file).cloned());
            }
        }
        let dates = files
            .into_iter()
            .filter_map(|f| Some((f.to_path_buf(), self.dates.get(f)?.clone()?)))
            .collect();
        let mut renderer = Renderer::new_for(&sources.site, theme, false, scope)
            .with_known_source_dates(dates)
            .with_qr_codes(&self.qr_codes);
        // Search bundles are indexed after the pages are served (they take longer);
        // the old ones stay meanwhile. Only a render of the whole portal waits for them.
        let mut deferred = Vec::new();
        if scope != RenderScope::All {
            deferred = renderer.search_bundles();
            renderer = renderer.without_search();
        }
        let sink = Collect::default();
        match renderer.render_all(&sink, &NoProgress) {
            Ok(stats) => {
                // Bundles rendered now are current; the deferred ones follow.
                self.search_pending.retain(|&(m, _)| !scope.covers(m));
                self.search_pending.extend(deferred.iter().copied());
                let written = sink.into_files();
                let base = &sources.site.base_url.path;
                // A file rendered again as it was keeps its note (most pages after a
                // title edit, every QR code): a note depends on path and bytes alone
                // (not so a copied file: its bytes are on disk).
                let noted: Vec<(String, offline::FileInfo)> = written
                    .iter()
                    .filter(|(rel, file)| {
                        scope == RenderScope::All
                            || self.offline.get(rel).is_none()
                            || !matches!((self.files.get(rel), file),
                                (Some(Served::Bytes(a)), Served::Bytes(b)) if a == b)
                    })
                    .filter_map(|(rel, file)| {
                        let bytes = file.read().ok()?;
                        Some((rel.clone(), offline::file_info(base, rel, &bytes)))
                    })
                    .collect();
                merge(&mut self.files, &sources.site, scope, &deferred, written);
                // The offline lists of the municipalities rendered: from the notes of
                // their files, without reading the files again. The worker of a preview
                // removes itself (docs/offline.md).
                match scope {
                    RenderScope::All => self.offline.retain(|_| false),
                    RenderScope::Municipality(_) => {
                        self.offline.retain(|rel| self.files.contains_key(rel));
                    }
                    // A page keeps its paths: its notes are replaced below. The search
                    // bundles it rebuilt have new file names: the old ones go.
                    RenderScope::Page { .. } => {
                        self.offline.retain(|rel| {
                            crate::model::search::bundle_of(rel).is_none()
                                || self.files.contains_key(rel)
                        });
                    }
                }
                for (rel, info) in noted {
                    self.offline.insert(rel, info);
                }
                let lists = offline::outputs(
                    &sources.site,
                    &mut self.offline,
                    |m| sources.site.offline && scope.covers(m),
                    offline::Worker::Preview,
                );
                for (rel, bytes) in lists {
                    self.files.insert(rel, Served::Bytes(bytes.into()));
                }
                self.pending = None;
                self.built = true;
                Outcome::Built {
                    scope,
                    pages: stats.html_files,
                    site: crate::build::pipeline::SiteCounts::of(&sources.site),
                    duration: started.elapsed(),
                    warnings: self.problems.clone(),
                }
            }
            Err(errors) => {
                self.render_problems = Diagnostics::from_iter(errors).into_sorted();
                Outcome::Failed {
                    problems: self.problems(),
                }
            }
        }
    }
}

/// The error a panic in a build becomes, at `file` (what changed).
fn internal_error(file: PathBuf, payload: &(dyn std::any::Any + Send)) -> Diagnostic {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without message");
    Diagnostic::file(
        Severity::Error,
        file,
        format!("internal error while rebuilding: {message}; please report it"),
    )
    .with_hint(
        "the last good site is still served; the next save builds everything again. \
         Please report this with the file you changed: it is a bug in wegweiser",
    )
}
