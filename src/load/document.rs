//! Loading one Markdown file: what its name says (page key, language, kind), its front
//! matter and its body.

use std::collections::BTreeSet;
use std::path::Path;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::markdown;
use crate::load::municipality::enclosing_bundle;
use crate::load::symlinks::Root;
use crate::load::{
    DocKind, Document, DocumentCache, LoadOptions, LoadedMunicipality, display_of, read_text,
};
use crate::model::config::{BaseUrl, MunicipalityConfig};
use crate::model::language::{LanguageTable, is_language_code};
use crate::model::ui_strings::UiStrings;

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
    (portal_minify, own_urls): (bool, &[BaseUrl]),
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
        own_urls,
    };
    let mut diagnostics = Vec::new();
    let doc = load_document(&scope, rel, &path, &mut diagnostics);
    cache.put(&path, &doc, &diagnostics);
    (doc, diagnostics)
}

/// What loading one file of a municipality needs to know.
pub(crate) struct Scope<'a> {
    pub(crate) root: &'a Path,
    pub(crate) guard: &'a Root,
    pub(crate) config: &'a MunicipalityConfig,
    pub(crate) languages: &'a LanguageTable,
    pub(crate) bundles: &'a BTreeSet<String>,
    pub(crate) ui: &'a UiStrings,
    pub(crate) minify: bool,
    pub(crate) own_urls: &'a [BaseUrl],
}

/// What the name of the file at `rel` says: its kind, page key and language. `Err`
/// holds the key of the page the file would have been (if known).
fn read_name(
    scope: &Scope<'_>,
    rel: &str,
    display: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(DocKind, String, String), Option<String>> {
    let Scope {
        config,
        languages,
        bundles,
        ..
    } = *scope;
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
                    display,
                    format!(
                        "the language `{suffix}` in the file name must be written in lower case"
                    ),
                )
                .with_hint(format!("rename the file to {base}.{lower}.md")),
            );
            return Err(Some(page_key(base)));
        }
        Some((base, suffix)) if is_language_code(suffix) || languages.contains(suffix) => {
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
                    .push(Diagnostic::file(Severity::Error, display, message).with_hint(hint));
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
            display,
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
                display,
                format!("Markdown file inside the page bundle `{bundle}`: a bundle holds one page and its assets"),
            )
            .with_hint("move the file next to the bundle folder, or make the folder a section with _index.md"),
        );
        return Err(None);
    }

    Ok((kind, key, language))
}

pub(crate) fn load_document(
    scope: &Scope<'_>,
    rel: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Document, Option<String>> {
    let Scope {
        root,
        guard,
        config,
        ui,
        minify,
        ..
    } = *scope;
    let display = display_of(root, path);
    let (kind, key, language) = read_name(scope, rel, &display, diagnostics)?;
    let (dir, _) = rel.rsplit_once('/').unwrap_or(("", rel));

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
    let parsed = match crate::load::front_matter::parse(&display, &text) {
        Ok(p) => p,
        Err(d) => {
            diagnostics.push(d);
            return Err(Some(key));
        }
    };
    if let Some(slug) = &parsed.front.slug
        && crate::model::slug::slugify(slug).is_empty()
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
        own_urls: scope.own_urls,
    };
    let body = markdown::render(&source, diagnostics);
    if let Err(d) = crate::load::front_matter::check_source_digest(
        &display,
        &text,
        parsed.front.source_digest.as_deref(),
    ) {
        diagnostics.push(d);
        return Err(Some(key));
    }
    let digest = crate::model::translation::digest(&parsed.front.title, &text[parsed.body_start..]);
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
