//! Loading one municipality: its `municipality.toml`, the walk of its folder, its pages
//! (in parallel, see `load_document`), assets, places, news, events and actors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::document::{Scope, load_document};
use crate::load::symlinks::Root;
use crate::load::{
    AssetFile, Document, DocumentCache, LoadOptions, LoadResult, LoadedMunicipality, display_of,
    key_diagnostic, read_text,
};
use crate::model::config::{BaseUrl, MUNICIPALITY_KEYS, MunicipalityConfig};
use crate::model::language::{LanguageTable, is_language_code};
use crate::model::ui_strings::UiStrings;

/// Load one municipality: its configuration and every file below its folder, taking
/// Markdown files parsed before from `cache`.
#[allow(clippy::too_many_arguments)]
pub fn load_municipality(
    root: &Path,
    slug: &str,
    languages: &LanguageTable,
    options: &LoadOptions,
    (portal_minify, own_urls): (bool, &[BaseUrl]),
    ui: &UiStrings,
    cache: Option<&DocumentCache>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedMunicipality> {
    let dir = root.join("content").join(slug);
    // No file is read through a link that leads out of the portal (crate::load::symlinks).
    let scope_guard = Root::new(root);
    let (config_display, text, config) =
        read_config(root, slug, &dir, &scope_guard, languages, diagnostics)?;

    let files = scope_guard.files_below(&dir, diagnostics);
    let bundles = find_bundles(&files, languages);
    if let Some(cache) = cache {
        cache.keep_if_bundles(&dir, &bundles);
    }
    let Sorted {
        markdown,
        assets,
        place_paths,
        news_paths,
        event_paths,
    } = sort_files(root, files, diagnostics);

    let scope = Scope {
        root,
        guard: &scope_guard,
        config: &config,
        languages,
        bundles: &bundles,
        ui,
        minify: options.minify.unwrap_or(portal_minify),
        own_urls,
    };
    let (documents, failed_keys) = parse_documents(&scope, &markdown, options, cache, diagnostics);
    let page_keys: BTreeSet<&str> = documents
        .iter()
        .map(|d| d.key.as_str())
        .chain(failed_keys.iter().map(String::as_str))
        .collect();
    let (assets, theme_files) = check_settings(
        &config,
        &config_display,
        &text,
        &page_keys,
        assets,
        options,
        diagnostics,
    );
    let file_scope = crate::load::place::FileScope {
        root,
        languages: &config.languages,
        source_language: &config.source_language,
        ui,
        minify: options.minify.unwrap_or(portal_minify),
        derive_titles: false,
        own_urls,
    };
    // News items may come from push notifications, which have only a text.
    let news_scope = crate::load::place::FileScope {
        derive_titles: true,
        ..file_scope
    };
    let place_files: Vec<_> = place_paths
        .iter()
        .filter_map(|(name, path)| {
            crate::load::place::load_file(&file_scope, path, name, diagnostics)
                .map(|f| draft_text_left_out(f, options.drafts))
        })
        .collect();
    let news_files: Vec<_> = news_paths
        .iter()
        .filter_map(|(name, path)| {
            crate::load::news::load_file(&news_scope, path, name, diagnostics)
                .map(|f| draft_text_left_out(f, options.drafts))
        })
        .collect();
    let event_files: Vec<_> = event_paths
        .iter()
        .filter_map(|(name, path)| {
            crate::load::event::load_file(&file_scope, path, name, diagnostics)
                .map(|f| draft_text_left_out(f, options.drafts))
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

/// Read and check `content/<slug>/municipality.toml`: (its display path, text, settings).
fn read_config(
    root: &Path,
    slug: &str,
    dir: &Path,
    scope_guard: &Root,
    languages: &LanguageTable,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(PathBuf, String, MunicipalityConfig)> {
    let config_path = dir.join("municipality.toml");
    let config_display = display_of(root, &config_path);
    if let Err(d) = scope_guard
        .check(dir)
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
        match crate::load::config::parse_toml(&config_display, &text, MUNICIPALITY_KEYS) {
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
            display_of(root, dir),
            format!("municipality folder `{slug}` is not usable in URLs: use lower-case letters, digits and `-`"),
        ));
    }
    Some((config_display, text, config))
}

/// A municipality's files by what they hold.
struct Sorted {
    markdown: Vec<(String, PathBuf)>,
    assets: Vec<AssetFile>,
    place_paths: Vec<(String, PathBuf)>,
    news_paths: Vec<(String, PathBuf)>,
    event_paths: Vec<(String, PathBuf)>,
}

/// Sort the files below a municipality folder; the files that are not Markdown are
/// checked as assets (type, SVG written again).
fn sort_files(
    root: &Path,
    files: Vec<(String, PathBuf)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Sorted {
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
        } else if rel != "municipality.toml" && rel != crate::model::actor::FILE_NAME {
            let display = display_of(root, &path);
            if let Err(d) = crate::load::assets::check_type(&rel, &display) {
                diagnostics.push(d);
                continue;
            }
            // An SVG is published as it was written again; one that cannot be (an
            // error, so the build fails) stays known as an empty file, so that links
            // to it and `[theme]` do not report it missing as well.
            let content = crate::load::assets::is_svg(&rel).then(|| {
                crate::load::assets::sanitize_svg(&path, &display, diagnostics)
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
    Sorted {
        markdown,
        assets,
        place_paths,
        news_paths,
        event_paths,
    }
}

/// Parse the Markdown files (in parallel, or from `cache`): the documents kept (drafts
/// only with `--drafts`) and the keys of the pages whose files failed.
fn parse_documents(
    scope: &Scope<'_>,
    markdown: &[(String, PathBuf)],
    options: &LoadOptions,
    cache: Option<&DocumentCache>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Document>, BTreeSet<String>) {
    let parsed: Vec<(LoadResult, Vec<Diagnostic>)> = markdown
        .par_iter()
        .map(|(rel, path)| {
            if let Some(hit) = cache.and_then(|c| c.get(path)) {
                return hit;
            }
            let mut d = Vec::new();
            let doc = load_document(scope, rel, path, &mut d);
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
    (documents, failed_keys)
}

/// Check `[legal]`, `[accessibility]` and `[theme]`; the logo and coat of arms are
/// taken out of `assets`: (assets, theme files).
fn check_settings(
    config: &MunicipalityConfig,
    config_display: &Path,
    text: &str,
    page_keys: &BTreeSet<&str>,
    mut assets: Vec<AssetFile>,
    options: &LoadOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<AssetFile>, Vec<AssetFile>) {
    crate::load::legal::check(
        config.legal.as_ref(),
        &config.accessibility,
        config_display,
        text,
        page_keys,
        options
            .today
            .unwrap_or_else(crate::model::legal::Date::today_utc),
        diagnostics,
    );
    let mut theme_files = Vec::new();
    if let Some(theme) = &config.theme {
        crate::load::branding::check(theme, config_display, text, &assets, diagnostics);
        // Logo and coat of arms are published once under /<m>/_theme/, not as assets of
        // the start page in every language.
        let images = crate::load::branding::images(theme);
        let (taken, rest): (Vec<AssetFile>, Vec<AssetFile>) = assets
            .into_iter()
            .partition(|a| images.iter().any(|(rel, _)| *rel == a.rel));
        assets = rest;
        theme_files = taken;
    }
    (assets, theme_files)
}

/// The actors of the municipality in `dir`, from its `actors.toml` if there is one
/// (none without the file); `None` when the file could not be read.
fn load_actors(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<crate::model::actor::Actor>> {
    let path = dir.join(crate::model::actor::FILE_NAME);
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
    crate::load::actor::parse(&display, &text)
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
        if languages.is_refused(code) {
            // Its declaration in wegweiser.toml is wrong, and reported there.
            ok = false;
        } else if !languages.contains(code) {
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
        && crate::model::review::time_zone(name).is_err()
    {
        let hint = match crate::model::review::suggest_time_zone(name) {
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
    ok &= check_synonyms(config, display, text, diagnostics);
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
        if let Err(cycle) = crate::model::translation::source_order(&sources) {
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

/// A place, event or news item whose source-language file is a draft is published in its
/// translations, as a page is: its data is kept and its text left out (`draft` stays
/// set), unless drafts are built.
fn draft_text_left_out<D>(
    mut file: crate::load::place::LoadedFile<D>,
    drafts: bool,
) -> crate::load::place::LoadedFile<D> {
    if drafts {
        file.draft = false;
    }
    file
}

/// Folders holding an `index.md` / `index.<lang>.md`.
fn find_bundles(files: &[(String, PathBuf)], languages: &LanguageTable) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|(rel, _)| {
            let (dir, name) = rel.rsplit_once('/')?;
            let stem = name.strip_suffix(".md")?;
            (stem == "index"
                || stem
                    .strip_prefix("index.")
                    .is_some_and(|l| is_language_code(l) || languages.contains(l)))
            .then(|| dir.to_string())
        })
        .collect()
}

/// `[search.synonyms]`: known languages, groups of two or more, members with a word.
fn check_synonyms(
    config: &MunicipalityConfig,
    display: &Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for (lang, groups) in &config.search.synonyms {
        let problem = if !config.languages.contains(lang) {
            Some(format!(
                "`{lang}` in [search.synonyms] is not one of the municipality's languages ({})",
                config.languages.join(", ")
            ))
        } else {
            groups.iter().find_map(|g| {
                if g.len() < 2 {
                    Some(format!(
                        "a group of synonyms in `{lang}` needs two or more entries: {g:?}"
                    ))
                } else {
                    g.iter()
                        .find(|w| !w.chars().any(char::is_alphanumeric))
                        .map(|w| format!("the synonym {w:?} in `{lang}` has no word to search for"))
                }
            })
        };
        if let Some(message) = problem {
            diagnostics.push(key_diagnostic(display, text, lang, message));
            ok = false;
        }
    }
    ok
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let bundles = find_bundles(&files, &LanguageTable::built_in());
        assert_eq!(bundles.iter().collect::<Vec<_>>(), ["a/b", "c"]);
        assert_eq!(enclosing_bundle(&bundles, "a/b/plan.svg"), Some("a/b"));
        assert_eq!(enclosing_bundle(&bundles, "a/x.md"), None);
    }
}
