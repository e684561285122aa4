//! Stage 1: find the portal's files and parse them, in parallel.
//!
//! The result is a plain list of documents per municipality; nothing here knows about
//! other files (that is [`crate::resolve`]'s job).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::{
    self, BaseUrl, MUNICIPALITY_KEYS, MunicipalityConfig, PORTAL_KEYS, PortalConfig,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Position, Severity, did_you_mean};
use crate::frontmatter::{self, FrontMatter};
use crate::language::{LanguageTable, is_language_code};
use crate::markdown;
use crate::model_body::Body;
use crate::symlinks::Root;
use crate::theme::UiStrings;

/// What kind of page a Markdown file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// `_index.<lang>.md`: a section (or, at the top, the start page).
    Section,
    /// `<name>.<lang>.md`
    Page,
    /// `<name>/index.<lang>.md`: a page with its own folder of assets.
    Bundle,
}

/// One parsed Markdown file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path shown to users (relative to the portal root).
    pub display: PathBuf,
    /// Path on disk.
    pub path: PathBuf,
    /// Path relative to the municipality folder, `/`-separated.
    pub rel: String,
    pub kind: DocKind,
    /// The page this file is a translation of (`wohnen/miete`; `""` for the start page).
    pub key: String,
    pub language: String,
    pub front: FrontMatter,
    pub body: Body,
    /// Digest of this file's content, for the translations made from it.
    pub digest: String,
}

/// A loaded document, or the key of the page it would have been (if known).
type LoadResult = Result<Document, Option<String>>;

/// Markdown files parsed by earlier loads, with their problems, for `wegweiser serve`:
/// a file is parsed again only after [`DocumentCache::forget`] names it. What parsing
/// depends on besides the file (the portal and municipality configuration) is the
/// caller's to watch: [`DocumentCache::forget_below`] or [`DocumentCache::clear`].
#[derive(Debug, Default)]
pub struct DocumentCache {
    files: Mutex<HashMap<PathBuf, (LoadResult, Vec<Diagnostic>)>>,
    /// The page bundles of each municipality folder when its files were parsed: a
    /// file's page depends on them.
    bundles: Mutex<HashMap<PathBuf, BTreeSet<String>>>,
}

impl DocumentCache {
    pub fn new() -> Self {
        Self::default()
    }

    fn get(&self, path: &Path) -> Option<(LoadResult, Vec<Diagnostic>)> {
        self.files.lock().expect("cache lock").get(path).cloned()
    }

    fn put(&self, path: &Path, doc: &LoadResult, diagnostics: &[Diagnostic]) {
        self.files
            .lock()
            .expect("cache lock")
            .insert(path.to_path_buf(), (doc.clone(), diagnostics.to_vec()));
    }

    /// Parse `path` again next time.
    pub fn forget(&self, path: &Path) {
        self.files.lock().expect("cache lock").remove(path);
    }

    /// Parse every file below `dir` again next time.
    pub fn forget_below(&self, dir: &Path) {
        self.files
            .lock()
            .expect("cache lock")
            .retain(|p, _| !p.starts_with(dir));
        self.bundles.lock().expect("cache lock").remove(dir);
    }

    /// Parse everything again next time.
    pub fn clear(&self) {
        self.files.lock().expect("cache lock").clear();
        self.bundles.lock().expect("cache lock").clear();
    }

    /// Forget the files of municipality folder `dir` unless its bundles are still `bundles`.
    fn keep_if_bundles(&self, dir: &Path, bundles: &BTreeSet<String>) {
        let changed = {
            let mut known = self.bundles.lock().expect("cache lock");
            let changed = known.get(dir).is_some_and(|b| b != bundles);
            known.insert(dir.to_path_buf(), bundles.clone());
            changed
        };
        if changed {
            self.files
                .lock()
                .expect("cache lock")
                .retain(|p, _| !p.starts_with(dir));
        }
    }
}

/// A file that is not Markdown, below a municipality.
#[derive(Debug, Clone)]
pub struct AssetFile {
    pub display: PathBuf,
    pub path: PathBuf,
    /// Relative to the municipality folder, `/`-separated.
    pub rel: String,
    /// What is published instead of the file: an SVG as [`crate::svg`] wrote it again.
    pub content: Option<std::sync::Arc<[u8]>>,
}

/// A municipality as found on disk.
#[derive(Debug, Clone)]
pub struct LoadedMunicipality {
    pub slug: String,
    pub config: MunicipalityConfig,
    pub config_display: PathBuf,
    pub documents: Vec<Document>,
    pub assets: Vec<AssetFile>,
    /// Logo and coat of arms named in `[theme]`.
    pub theme_files: Vec<AssetFile>,
    /// Folders (relative, `/`-separated) that are page bundles.
    pub bundles: BTreeSet<String>,
    /// Keys of pages whose files could not be loaded (their problems are reported);
    /// links to them are not reported again.
    pub failed_keys: BTreeSet<String>,
    /// The integration actors from `actors.toml` (empty without the file).
    pub actors: Vec<crate::actor::Actor>,
    /// `actors.toml` exists but could not be read: which ids are actors is unknown, so
    /// pages naming them are not reported (the file's own problem is).
    pub actors_failed: bool,
    /// The files below `places/` that could be parsed.
    pub place_files: Vec<crate::places::LoadedFile<crate::places::PlaceData>>,
    /// The files below `news/` that could be parsed.
    pub news_files: Vec<crate::places::LoadedFile<crate::news::NewsDates>>,
    /// The files below `events/` that could be parsed.
    pub event_files: Vec<crate::places::LoadedFile<crate::events::EventData>>,
}

/// The whole portal as found on disk.
#[derive(Debug, Clone)]
pub struct LoadedPortal {
    pub root: PathBuf,
    pub config: PortalConfig,
    pub base_url: BaseUrl,
    pub languages: LanguageTable,
    pub municipalities: Vec<LoadedMunicipality>,
}

/// The settings later stages need from `wegweiser.toml`.
#[derive(Debug, Clone)]
pub struct LoadedSummary {
    pub theme: Option<String>,
    pub output_dir: String,
    pub minify: bool,
    pub deploy: crate::config::DeploySettings,
}

impl LoadedSummary {
    pub fn of(portal: &LoadedPortal) -> Self {
        LoadedSummary {
            theme: portal.config.theme.clone(),
            output_dir: portal.config.build.output_dir.clone(),
            minify: portal.config.build.minify,
            deploy: portal.config.deploy.clone(),
        }
    }
}

/// Which files to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Only these municipalities (folder names); all when empty.
    pub only: Vec<String>,
    pub drafts: bool,
    /// Overrides `base_url` from `wegweiser.toml`.
    pub base_url: Option<String>,
    /// Minify page bodies as they are rendered; `None`: as `[build] minify` says.
    pub minify: Option<bool>,
    /// The day the accessibility statement's age is measured from; `None`: today (UTC).
    pub today: Option<crate::legal::Date>,
}

/// Read and parse the portal at `root`. Returns `None` when the portal cannot be
/// loaded at all (problems are in `diagnostics`).
pub fn load(
    root: &Path,
    options: &LoadOptions,
    ui: &UiStrings,
    diagnostics: &mut Diagnostics,
) -> Option<LoadedPortal> {
    load_cached(root, options, ui, None, diagnostics)
}

/// [`load`], taking files that were parsed before from `cache` (`wegweiser serve`).
pub fn load_cached(
    root: &Path,
    options: &LoadOptions,
    ui: &UiStrings,
    cache: Option<&DocumentCache>,
    diagnostics: &mut Diagnostics,
) -> Option<LoadedPortal> {
    let config_path = root.join("wegweiser.toml");
    let config_display = PathBuf::from("wegweiser.toml");
    let guard = Root::new(root);
    if let Err(d) = guard.check_if_present(&config_path) {
        diagnostics.push(d);
        return None;
    }
    let text = match read_text(&config_path, &config_display) {
        Ok(t) => t,
        Err(mut d) => {
            if d.message == "file not found" {
                d.message = format!(
                    "{} has no wegweiser.toml: it is not a portal",
                    root.display()
                );
                d.hint = Some("create a portal with `wegweiser init DIR`".into());
            }
            diagnostics.push(d);
            return None;
        }
    };
    let config: PortalConfig = match config::parse_toml(&config_display, &text, PORTAL_KEYS) {
        Ok(c) => c,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let base = options.base_url.as_deref().unwrap_or(&config.base_url);
    let base_url = match BaseUrl::parse(base) {
        Ok(b) => b,
        Err(msg) => {
            diagnostics.push(key_diagnostic(&config_display, &text, "base_url", msg));
            return None;
        }
    };
    if let Some(pattern) = &config.edit_url
        && let Some(problem) = crate::safe_url::web_url_problem(pattern)
    {
        diagnostics.push(
            key_diagnostic(&config_display, &text, "edit_url", problem)
                .with_hint("where readers suggest an edit: \"https://git.example.org/portal/edit/main/{path}\""),
        );
    }
    let mut languages = LanguageTable::built_in();
    for (code, settings) in &config.languages {
        if let Err(msg) = languages.apply(code, settings) {
            diagnostics.push(key_diagnostic(&config_display, &text, code, msg));
        }
    }
    for (code, settings) in &config.languages {
        if let Some(fallback) = &settings.fallback
            && !languages.contains(fallback)
        {
            diagnostics.push(key_diagnostic(
                &config_display,
                &text,
                code,
                format!("fallback language `{fallback}` of `{code}` is not a known language"),
            ));
        }
    }

    let content = root.join("content");
    if let Err(d) = guard.check_if_present(&content) {
        diagnostics.push(d);
        return None;
    }
    let mut folders = match list_municipality_folders(root, &content) {
        Ok(f) => f,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    if !options.only.is_empty() {
        for wanted in &options.only {
            if !folders.iter().any(|f| f == wanted) {
                diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        "content",
                        format!("there is no municipality `{wanted}` (from --only)"),
                    )
                    .with_hint_opt(
                        did_you_mean(wanted, folders.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                );
            }
        }
        folders.retain(|f| options.only.contains(f));
    }
    if folders.is_empty() && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::file(
                Severity::Error,
                "content",
                "the portal has no municipalities: `content/` holds no folders",
            )
            .with_hint("create content/<municipality>/municipality.toml, or run `wegweiser init`"),
        );
    }

    let municipalities: Vec<(Option<LoadedMunicipality>, Vec<Diagnostic>)> = folders
        .par_iter()
        .map(|slug| {
            let mut d = Vec::new();
            let m = load_municipality(
                root,
                slug,
                &languages,
                options,
                config.build.minify,
                ui,
                cache,
                &mut d,
            );
            (m, d)
        })
        .collect();
    let mut loaded = Vec::new();
    for (m, d) in municipalities {
        diagnostics.extend(d);
        loaded.extend(m);
    }
    Some(LoadedPortal {
        root: root.to_path_buf(),
        config,
        base_url,
        languages,
        municipalities: loaded,
    })
}

/// A diagnostic pointing at `key = …` in a TOML file, or the whole file.
pub fn key_diagnostic(display: &Path, text: &str, key: &str, message: String) -> Diagnostic {
    let found = text.lines().scan(0usize, |offset, line| {
        let start = *offset;
        *offset += line.len() + 1;
        Some((start, line))
    });
    for (start, line) in found {
        let trimmed = line.trim_start();
        let after = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("[languages.{key}]")));
        if let Some(after) = after
            && (after.is_empty() || after.trim_start().starts_with('='))
        {
            let col = line.len() - trimmed.len();
            return Diagnostic::error_at(
                display,
                text,
                (start + col)..(start + line.len()),
                message,
            );
        }
    }
    Diagnostic::file(Severity::Error, display, message)
}

fn list_municipality_folders(root: &Path, content: &Path) -> Result<Vec<String>, Diagnostic> {
    let entries = fs::read_dir(content).map_err(|e| {
        Diagnostic::file(
            Severity::Error,
            display_of(root, content),
            format!("cannot read the content folder: {e}"),
        )
        .with_hint("a portal keeps its municipalities in content/<municipality>/")
    })?;
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            Diagnostic::file(
                Severity::Error,
                "content",
                format!("cannot read the content folder: {e}"),
            )
        })?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(Diagnostic::file(
                Severity::Error,
                display_of(root, &entry.path()),
                "folder name is not valid UTF-8",
            ));
        };
        if is_ignored(name) {
            continue;
        }
        if entry.path().is_dir() {
            folders.push(name.to_string());
        }
    }
    folders.sort();
    Ok(folders)
}

/// Editor backups, hidden files and the like.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// Path relative to the portal root, for display.
pub fn display_of(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Read a file as UTF-8, with a positioned error if it is not.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| {
        let what = if e.kind() == std::io::ErrorKind::NotFound {
            "file not found".to_string()
        } else {
            format!("cannot read file: {e}")
        };
        Diagnostic::file(Severity::Error, display, what)
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let pos = Position::of(&prefix, prefix.len());
        let mut d = Diagnostic::file(
            Severity::Error,
            display,
            format!("file is not valid UTF-8 (byte {valid})"),
        )
        .with_hint("save the file as UTF-8 in your editor");
        d.line = pos.line;
        d.column = pos.column;
        d
    })
}

/// Load one municipality: its configuration and every file below its folder, taking
/// Markdown files parsed before from `cache`.
#[allow(clippy::too_many_arguments)]
pub fn load_municipality(
    root: &Path,
    slug: &str,
    languages: &LanguageTable,
    options: &LoadOptions,
    portal_minify: bool,
    ui: &UiStrings,
    cache: Option<&DocumentCache>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedMunicipality> {
    let dir = root.join("content").join(slug);
    let config_path = dir.join("municipality.toml");
    let config_display = display_of(root, &config_path);
    // No file is read through a link that leads out of the portal (crate::symlinks).
    let scope_guard = Root::new(root);
    if let Err(d) = scope_guard
        .check(&dir)
        .and_then(|()| scope_guard.check_if_present(&config_path))
    {
        diagnostics.push(d);
        return None;
    }
    let text = match read_text(&config_path, &config_display) {
        Ok(t) => t,
        Err(mut d) => {
            if d.message == "file not found" {
                d.message = format!("municipality `{slug}` has no municipality.toml");
                d.hint = Some(
                    "every folder in content/ is a municipality and needs name, source_language and languages"
                        .into(),
                );
            }
            diagnostics.push(d);
            return None;
        }
    };
    let config: MunicipalityConfig =
        match config::parse_toml(&config_display, &text, MUNICIPALITY_KEYS) {
            Ok(c) => c,
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
    if !check_municipality_config(&config, &config_display, &text, languages, diagnostics) {
        return None;
    }
    if !is_url_segment(slug) {
        diagnostics.push(Diagnostic::file(
            Severity::Error,
            display_of(root, &dir),
            format!("municipality folder `{slug}` is not usable in URLs: use lower-case letters, digits and `-`"),
        ));
    }

    let files = scope_guard.files_below(&dir, diagnostics);
    let bundles = find_bundles(&files);
    if let Some(cache) = cache {
        cache.keep_if_bundles(&dir, &bundles);
    }
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    // `places/` and `news/` hold places and news items, not pages.
    let mut place_paths = Vec::new();
    let mut news_paths = Vec::new();
    let mut event_paths = Vec::new();
    for (rel, path) in files {
        if let Some(name) = rel.strip_prefix("places/") {
            place_paths.push((name.to_string(), path));
        } else if let Some(name) = rel.strip_prefix("news/") {
            news_paths.push((name.to_string(), path));
        } else if let Some(name) = rel.strip_prefix("events/") {
            event_paths.push((name.to_string(), path));
        } else if rel.ends_with(".md") {
            markdown.push((rel, path));
        } else if rel != "municipality.toml" && rel != crate::actor::FILE_NAME {
            let display = display_of(root, &path);
            if let Err(d) = crate::assets::check_type(&rel, &display) {
                diagnostics.push(d);
                continue;
            }
            // An SVG is published as it was written again; one that cannot be (an
            // error, so the build fails) stays known as an empty file, so that links
            // to it and `[theme]` do not report it missing as well.
            let content = crate::assets::is_svg(&rel).then(|| {
                crate::assets::sanitize_svg(&path, &display, diagnostics)
                    .unwrap_or_else(|| std::sync::Arc::from(&b""[..]))
            });
            assets.push(AssetFile {
                display,
                path,
                rel,
                content,
            });
        }
    }

    let scope = Scope {
        root,
        guard: &scope_guard,
        config: &config,
        languages,
        bundles: &bundles,
        ui,
        minify: options.minify.unwrap_or(portal_minify),
    };
    let parsed: Vec<(LoadResult, Vec<Diagnostic>)> = markdown
        .par_iter()
        .map(|(rel, path)| {
            if let Some(hit) = cache.and_then(|c| c.get(path)) {
                return hit;
            }
            let mut d = Vec::new();
            let doc = load_document(&scope, rel, path, &mut d);
            if let Some(c) = cache {
                c.put(path, &doc, &d);
            }
            (doc, d)
        })
        .collect();
    let mut documents = Vec::with_capacity(parsed.len());
    let mut failed_keys = BTreeSet::new();
    for (doc, d) in parsed {
        diagnostics.extend(d);
        match doc {
            Ok(doc) if options.drafts || !doc.front.draft => documents.push(doc),
            Ok(_) => {}
            Err(key) => failed_keys.extend(key),
        }
    }
    let page_keys: BTreeSet<&str> = documents
        .iter()
        .map(|d| d.key.as_str())
        .chain(failed_keys.iter().map(String::as_str))
        .collect();
    crate::legal::check(
        config.legal.as_ref(),
        &config.accessibility,
        &config_display,
        &text,
        &page_keys,
        options.today.unwrap_or_else(crate::legal::Date::today_utc),
        diagnostics,
    );
    let mut theme_files = Vec::new();
    if let Some(theme) = &config.theme {
        crate::branding::check(theme, &config_display, &text, &assets, diagnostics);
        // Logo and coat of arms are published once under /<m>/_theme/, not as assets of
        // the start page in every language.
        let images = crate::branding::images(theme);
        let (taken, rest): (Vec<AssetFile>, Vec<AssetFile>) = assets
            .into_iter()
            .partition(|a| images.iter().any(|(rel, _)| *rel == a.rel));
        assets = rest;
        theme_files = taken;
    }
    let file_scope = crate::places::FileScope {
        root,
        languages: &config.languages,
        source_language: &config.source_language,
        ui,
        minify: options.minify.unwrap_or(portal_minify),
    };
    let place_files: Vec<_> = place_paths
        .iter()
        .filter_map(|(name, path)| {
            crate::places::load_file(&file_scope, path, name, diagnostics)
                .filter(|f| options.drafts || !f.draft)
        })
        .collect();
    let news_files: Vec<_> = news_paths
        .iter()
        .filter_map(|(name, path)| {
            crate::news::load_file(&file_scope, path, name, diagnostics)
                .filter(|f| options.drafts || !f.draft)
        })
        .collect();
    let event_files: Vec<_> = event_paths
        .iter()
        .filter_map(|(name, path)| {
            crate::events::load_file(&file_scope, path, name, diagnostics)
                .filter(|f| options.drafts || !f.draft)
        })
        .collect();
    let actors = load_actors(root, &dir, diagnostics);
    Some(LoadedMunicipality {
        place_files,
        news_files,
        event_files,
        slug: slug.to_string(),
        config,
        config_display,
        documents,
        assets,
        theme_files,
        bundles,
        failed_keys,
        actors_failed: actors.is_none(),
        actors: actors.unwrap_or_default(),
    })
}

/// The actors of the municipality in `dir`, from its `actors.toml` if there is one
/// (none without the file); `None` when the file could not be read.
fn load_actors(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<crate::actor::Actor>> {
    let path = dir.join(crate::actor::FILE_NAME);
    if !path.is_file() {
        return Some(Vec::new());
    }
    // A link that may not be followed was reported by the walk of the folder; which
    // ids are actors is then unknown (no "unknown actor" on every page).
    if Root::new(root).check(&path).is_err() {
        return None;
    }
    let display = display_of(root, &path);
    let text = match read_text(&path, &display) {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    crate::actor::parse(&display, &text)
        .map_err(|problems| diagnostics.extend(problems))
        .ok()
}

fn is_url_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn check_municipality_config(
    config: &MunicipalityConfig,
    display: &Path,
    text: &str,
    languages: &LanguageTable,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    if config.languages.is_empty() {
        diagnostics.push(key_diagnostic(
            display,
            text,
            "languages",
            "`languages` must name at least one language".into(),
        ));
        ok = false;
    }
    let mut seen = BTreeSet::new();
    for code in &config.languages {
        if !languages.contains(code) {
            let declare = LanguageTable::declare_hint(code);
            let hint = match languages.suggest(code) {
                Some(s) => format!(
                    "did you mean `{s}` ({})? {declare}",
                    languages.get(s).map_or(s, |l| l.english_name.as_str())
                ),
                None => format!("known languages: {}; {declare}", languages.code_list()),
            };
            diagnostics.push(
                value_diagnostic(
                    display,
                    text,
                    "languages",
                    code,
                    format!("unknown language `{code}`"),
                )
                .with_hint(hint),
            );
            ok = false;
        }
        if !seen.insert(code) {
            diagnostics.push(value_diagnostic(
                display,
                text,
                "languages",
                code,
                format!("language `{code}` is listed twice"),
            ));
            // Its pages would collide with themselves: report the cause only.
            ok = false;
        }
    }
    if let Some(name) = &config.timezone
        && crate::review::time_zone(name).is_err()
    {
        let hint = match crate::review::suggest_time_zone(name) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "use an IANA time zone name such as \"Europe/Berlin\"".to_string(),
        };
        diagnostics.push(
            key_diagnostic(
                display,
                text,
                "timezone",
                format!("unknown time zone `{name}`"),
            )
            .with_hint(hint),
        );
        ok = false;
    }
    for (lang, source) in &config.translation {
        for code in [lang, source] {
            if !config.languages.contains(code) {
                diagnostics.push(
                    key_diagnostic(
                        display,
                        text,
                        lang,
                        format!(
                            "`{code}` in [translation] is not one of the municipality's languages"
                        ),
                    )
                    .with_hint(format!("languages: {}", config.languages.join(", "))),
                );
                ok = false;
            }
        }
        if *lang == config.source_language {
            diagnostics.push(key_diagnostic(
                display,
                text,
                lang,
                format!("`{lang}` is the source language: it is not translated from another one"),
            ));
            ok = false;
        }
    }
    if ok {
        let sources: Vec<Option<usize>> = config
            .languages
            .iter()
            .map(|l| {
                if *l == config.source_language {
                    None
                } else {
                    let from = config.translation.get(l).unwrap_or(&config.source_language);
                    config.languages.iter().position(|x| x == from)
                }
            })
            .collect();
        if let Err(cycle) = crate::translation::source_order(&sources) {
            let names: Vec<&str> = cycle
                .iter()
                .map(|&i| config.languages[i].as_str())
                .collect();
            diagnostics.push(key_diagnostic(
                display,
                text,
                names[0],
                format!(
                    "[translation] forms a cycle: {} are translated from each other",
                    names.join(", ")
                ),
            ));
            ok = false;
        }
    }
    if !config.languages.contains(&config.source_language) {
        diagnostics.push(
            key_diagnostic(
                display,
                text,
                "source_language",
                format!(
                    "source language `{}` is not in `languages`",
                    config.source_language
                ),
            )
            .with_hint(format!("add \"{}\" to languages", config.source_language)),
        );
        ok = false;
    }
    ok
}

/// A diagnostic at the quoted `value` on the line of `key`.
fn value_diagnostic(
    display: &Path,
    text: &str,
    key: &str,
    value: &str,
    message: String,
) -> Diagnostic {
    let quoted = format!("\"{value}\"");
    let key_pos = text
        .match_indices(key)
        .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
        .map_or(0, |(i, _)| i);
    match text[key_pos..].find(&quoted) {
        Some(i) => Diagnostic::error_at(
            display,
            text,
            (key_pos + i)..(key_pos + i + quoted.len()),
            message,
        ),
        None => key_diagnostic(display, text, key, message),
    }
}

/// Folders holding an `index.md` / `index.<lang>.md`.
fn find_bundles(files: &[(String, PathBuf)]) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|(rel, _)| {
            let (dir, name) = rel.rsplit_once('/')?;
            let stem = name.strip_suffix(".md")?;
            (stem == "index" || stem.strip_prefix("index.").is_some_and(is_language_code))
                .then(|| dir.to_string())
        })
        .collect()
}

/// The bundle folder `rel` lies in, if any.
pub fn enclosing_bundle<'a>(bundles: &'a BTreeSet<String>, rel: &str) -> Option<&'a str> {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if bundles.contains(parent) {
            return Some(bundles.get(parent)?.as_str());
        }
        dir = parent;
    }
    None
}

/// Parse one page file of a municipality loaded before, again (`wegweiser serve`,
/// after that file alone changed): `rel` is its path below the municipality folder.
/// The result goes into `cache` too.
#[allow(clippy::too_many_arguments)]
pub fn reload_document(
    root: &Path,
    loaded: &LoadedMunicipality,
    rel: &str,
    languages: &LanguageTable,
    options: &LoadOptions,
    portal_minify: bool,
    ui: &UiStrings,
    cache: &DocumentCache,
) -> (Result<Document, Option<String>>, Vec<Diagnostic>) {
    let path = root.join("content").join(&loaded.slug).join(rel);
    let guard = Root::new(root);
    let scope = Scope {
        root,
        guard: &guard,
        config: &loaded.config,
        languages,
        bundles: &loaded.bundles,
        ui,
        minify: options.minify.unwrap_or(portal_minify),
    };
    let mut diagnostics = Vec::new();
    let doc = load_document(&scope, rel, &path, &mut diagnostics);
    cache.put(&path, &doc, &diagnostics);
    (doc, diagnostics)
}

/// What loading one file of a municipality needs to know.
struct Scope<'a> {
    root: &'a Path,
    guard: &'a Root,
    config: &'a MunicipalityConfig,
    languages: &'a LanguageTable,
    bundles: &'a BTreeSet<String>,
    ui: &'a UiStrings,
    minify: bool,
}

fn load_document(
    scope: &Scope<'_>,
    rel: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Document, Option<String>> {
    let Scope {
        root,
        guard,
        config,
        languages,
        bundles,
        ui,
        minify,
    } = *scope;
    let display = display_of(root, path);
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let Some(stem) = name.strip_suffix(".md") else {
        return Err(None);
    };
    let page_key = |base: &str| match base {
        "_index" | "index" => dir.to_string(),
        _ if dir.is_empty() => base.to_string(),
        _ => format!("{dir}/{base}"),
    };
    let (base, language) = match stem.rsplit_once('.') {
        // `anmeldung.AR.md` is no German page called `anmeldung.ar`.
        Some((base, suffix))
            if !is_language_code(suffix) && is_language_code(&suffix.to_ascii_lowercase()) =>
        {
            let lower = suffix.to_ascii_lowercase();
            diagnostics.push(
                Diagnostic::file(
                    Severity::Error,
                    &display,
                    format!(
                        "the language `{suffix}` in the file name must be written in lower case"
                    ),
                )
                .with_hint(format!("rename the file to {base}.{lower}.md")),
            );
            return Err(Some(page_key(base)));
        }
        Some((base, suffix)) if is_language_code(suffix) => {
            if !config.languages.iter().any(|l| l == suffix) {
                let message = if languages.contains(suffix) {
                    format!(
                        "`{suffix}` is not one of {}'s languages ({})",
                        config.name,
                        config.languages.join(", ")
                    )
                } else {
                    format!("unknown language `{suffix}` in file name")
                };
                let hint = if languages.contains(suffix) {
                    format!(
                        "add \"{suffix}\" to languages in municipality.toml, or rename the file"
                    )
                } else {
                    format!(
                        "known languages: {}; declare others under [languages.{suffix}] in wegweiser.toml",
                        languages.code_list()
                    )
                };
                diagnostics
                    .push(Diagnostic::file(Severity::Error, &display, message).with_hint(hint));
                return Err(Some(page_key(base)));
            }
            (base, suffix.to_string())
        }
        _ => (stem, config.source_language.clone()),
    };
    let (kind, key) = match base {
        "_index" => (DocKind::Section, dir.to_string()),
        "index" if bundles.contains(dir) => (DocKind::Bundle, dir.to_string()),
        _ => (
            DocKind::Page,
            if dir.is_empty() {
                base.to_string()
            } else {
                format!("{dir}/{base}")
            },
        ),
    };
    if kind == DocKind::Section && bundles.contains(dir) {
        diagnostics.push(Diagnostic::file(
            Severity::Error,
            &display,
            "a folder cannot be both a section (`_index.md`) and a page bundle (`index.md`)",
        ));
        return Err(Some(key));
    }
    if kind != DocKind::Bundle
        && let Some(bundle) = enclosing_bundle(bundles, rel)
    {
        diagnostics.push(
            Diagnostic::file(
                Severity::Error,
                &display,
                format!("Markdown file inside the page bundle `{bundle}`: a bundle holds one page and its assets"),
            )
            .with_hint("move the file next to the bundle folder, or make the folder a section with _index.md"),
        );
        return Err(None);
    }

    // `wegweiser serve` parses a changed file again without a walk of its folder.
    let text = match guard
        .check_file(path)
        .and_then(|()| read_text(path, &display))
    {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            return Err(Some(key));
        }
    };
    let parsed = match frontmatter::parse(&display, &text) {
        Ok(p) => p,
        Err(d) => {
            diagnostics.push(d);
            return Err(Some(key));
        }
    };
    if let Some(slug) = &parsed.front.slug
        && crate::model_slug::slugify(slug).is_empty()
    {
        diagnostics.push(Diagnostic::error_at(
            &display,
            &text,
            0..3,
            format!("slug `{slug}` has no letters or digits"),
        ));
    }
    let body_dir = if kind == DocKind::Bundle || kind == DocKind::Section {
        key.as_str()
    } else {
        dir
    };
    let strings = ui.for_language(&language);
    let source = markdown::Source {
        display_path: &display,
        text: &text,
        body_start: parsed.body_start,
        dir: body_dir,
        languages: &config.languages,
        alert_labels: strings.alert_labels(),
        table_label: strings.get("table"),
        minify,
    };
    let body = markdown::render(&source, diagnostics);
    if let Err(d) = crate::translation::check_source_digest(
        &display,
        &text,
        parsed.front.source_digest.as_deref(),
    ) {
        diagnostics.push(d);
        return Err(Some(key));
    }
    let digest = crate::translation::digest(&parsed.front.title, &text[parsed.body_start..]);
    Ok(Document {
        display,
        path: path.to_path_buf(),
        rel: rel.to_string(),
        kind,
        key,
        language,
        front: parsed.front,
        body,
        digest,
    })
}

/// Group documents by page key, keeping the order of keys.
pub fn by_key(documents: &[Document]) -> BTreeMap<&str, Vec<&Document>> {
    let mut map: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for d in documents {
        map.entry(d.key.as_str()).or_default().push(d);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_backups_are_ignored() {
        for name in [
            ".miete.de.md.swp",
            "miete.de.md~",
            "#miete#",
            ".git",
            "4913",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("miete.de.md"));
    }

    #[test]
    fn bundles_are_found_by_their_index() {
        let files: Vec<(String, PathBuf)> = [
            "a/_index.md",
            "a/b/index.de.md",
            "a/b/plan.svg",
            "c/index.md",
        ]
        .iter()
        .map(|s| (s.to_string(), PathBuf::new()))
        .collect();
        let bundles = find_bundles(&files);
        assert_eq!(bundles.iter().collect::<Vec<_>>(), ["a/b", "c"]);
        assert_eq!(enclosing_bundle(&bundles, "a/b/plan.svg"), Some("a/b"));
        assert_eq!(enclosing_bundle(&bundles, "a/x.md"), None);
    }
}
