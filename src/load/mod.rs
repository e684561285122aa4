//! Stage 1: find the portal's files and parse them, in parallel.
//!
//! The result is a plain list of documents per municipality; nothing here knows about
//! other files (that is [`crate::resolve`]'s job).

pub mod actor;
pub mod assets;
pub mod branding;
pub mod config;
pub mod document;
pub mod event;
pub mod front_matter;
pub mod git;
pub mod legal;
pub mod markdown;
pub mod markdown_html;
pub mod markdown_links;
pub mod municipality;
pub mod news;
pub mod place;
pub mod sanitize;
pub mod svg;
pub mod svg_allow;
pub mod symlinks;
pub mod title;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::base::diagnostics::{Diagnostic, Diagnostics, Position, Severity, did_you_mean};
use crate::load::symlinks::Root;
use crate::model::body::Body;
use crate::model::config::{BaseUrl, MunicipalityConfig, PORTAL_KEYS, PortalConfig};
use crate::model::front_matter::FrontMatter;
use crate::model::language::LanguageTable;
use crate::model::ui_strings::UiStrings;

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
pub(crate) type LoadResult = Result<Document, Option<String>>;

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

    pub(crate) fn get(&self, path: &Path) -> Option<(LoadResult, Vec<Diagnostic>)> {
        self.files.lock().expect("cache lock").get(path).cloned()
    }

    pub(crate) fn put(&self, path: &Path, doc: &LoadResult, diagnostics: &[Diagnostic]) {
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
    pub(crate) fn keep_if_bundles(&self, dir: &Path, bundles: &BTreeSet<String>) {
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
    /// What is published instead of the file: an SVG as [`crate::load::svg`] wrote it again.
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
    pub actors: Vec<crate::model::actor::Actor>,
    /// `actors.toml` exists but could not be read: which ids are actors is unknown, so
    /// pages naming them are not reported (the file's own problem is).
    pub actors_failed: bool,
    /// The files below `places/` that could be parsed.
    pub place_files: Vec<crate::load::place::LoadedFile<crate::model::place::PlaceData>>,
    /// The files below `news/` that could be parsed.
    pub news_files: Vec<crate::load::place::LoadedFile<crate::model::news::NewsDates>>,
    /// The files below `events/` that could be parsed.
    pub event_files: Vec<crate::load::place::LoadedFile<crate::model::event::EventData>>,
}

/// The whole portal as found on disk.
#[derive(Debug, Clone)]
pub struct LoadedPortal {
    pub root: PathBuf,
    pub config: PortalConfig,
    pub base_url: BaseUrl,
    /// The portal's own addresses: `base_url`, and `base_url` of wegweiser.toml when
    /// this build is made for another (`--base-url`, `serve`): absolute links to them
    /// are internal links.
    pub own_urls: Vec<BaseUrl>,
    pub languages: LanguageTable,
    pub municipalities: Vec<LoadedMunicipality>,
}

/// The settings later stages need from `wegweiser.toml`.
#[derive(Debug, Clone)]
pub struct LoadedSummary {
    pub theme: Option<String>,
    pub output_dir: String,
    pub minify: bool,
    pub deploy: crate::model::config::DeploySettings,
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
    pub today: Option<crate::model::legal::Date>,
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
    let config: PortalConfig =
        match crate::load::config::parse_toml(&config_display, &text, PORTAL_KEYS) {
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
        && let Some(problem) = crate::base::safe_url::web_url_problem(pattern)
    {
        diagnostics.push(
            key_diagnostic(&config_display, &text, "edit_url", problem)
                .with_hint("where readers suggest an edit: \"https://git.example.org/portal/edit/main/{path}\""),
        );
    }
    let languages = language_table(&config, &config_display, &text, diagnostics);

    let mut own_urls = vec![base_url.clone()];
    if let Ok(configured) = BaseUrl::parse(&config.base_url)
        && configured != base_url
    {
        own_urls.push(configured);
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
            let m = crate::load::municipality::load_municipality(
                root,
                slug,
                &languages,
                options,
                (config.build.minify, &own_urls),
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
        own_urls,
        languages,
        municipalities: loaded,
    })
}

/// The built-in languages with the portal's `[languages.*]` applied; a declaration
/// that is refused is reported once, at its key, and not again where it is used.
fn language_table(
    config: &PortalConfig,
    display: &Path,
    text: &str,
    diagnostics: &mut Diagnostics,
) -> LanguageTable {
    let mut languages = LanguageTable::built_in();
    for (code, settings) in &config.languages {
        if let Err(msg) = languages.apply(code, settings) {
            diagnostics.push(key_diagnostic(display, text, code, msg));
            languages.refuse(code);
        }
    }
    for (code, settings) in &config.languages {
        if let Some(fallback) = &settings.fallback
            && !languages.contains(fallback)
        {
            diagnostics.push(key_diagnostic(
                display,
                text,
                code,
                format!("fallback language `{fallback}` of `{code}` is not a known language"),
            ));
        }
    }
    languages
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
}
