//! Stage 2: turn loaded documents into the [`Site`] model: page tree, translations and
//! fallbacks, translated URLs, and checked links.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rayon::prelude::*;

use crate::config::{BaseUrl, FallbackMode};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, did_you_mean};
use crate::language::{Language, LanguageTable};
use crate::load::{self, DocKind, Document, LoadedMunicipality, LoadedPortal};
use crate::model::{
    Asset, LangIdx, Localized, Municipality, Page, PageId, PageKind, Redirect, Site, Translation,
};
use crate::model_body::{Link, LinkTarget};
use crate::model_slug::slugify;
use crate::translation;

/// Characters kept as they are in a URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Characters kept as they are in a URL fragment.
const FRAGMENT: &AsciiSet = &SEGMENT.remove(b'!').remove(b'(').remove(b')').remove(b':');

/// Ids the theme puts on every page, valid targets of `#…` links.
pub const THEME_ANCHORS: &[&str] = &["main", "top"];

/// Percent-encode one URL path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Build the model. Problems (duplicate URLs, broken links…) go to `diagnostics`.
pub fn resolve(portal: LoadedPortal, diagnostics: &mut Diagnostics) -> Site {
    let (site, problems) = resolve_each(&portal);
    for d in problems {
        diagnostics.extend(d);
    }
    site
}

/// [`resolve`], with the problems of each municipality apart: `wegweiser serve`
/// resolves a changed municipality again on its own.
pub fn resolve_each(portal: &LoadedPortal) -> (Site, Vec<Vec<Diagnostic>>) {
    let LoadedPortal {
        config,
        base_url,
        languages,
        municipalities,
        ..
    } = portal;
    let (list, problems) = municipalities
        .par_iter()
        .map(|m| {
            let mut d = Vec::new();
            let municipality = resolve_municipality(m, languages, base_url, &mut d);
            (municipality, d)
        })
        .unzip();
    let site = Site {
        title: config.title.clone(),
        base_url: base_url.clone(),
        municipalities: list,
        edit_url: config.edit_url.clone(),
        offline: config.offline.enabled,
    };
    let mut problems: Vec<Vec<Diagnostic>> = problems;
    for (m, d) in site.municipalities.iter().zip(&mut problems) {
        if m.redirects.is_empty() {
            continue;
        }
        // An alias may lead into another municipality's folder: its files count too.
        let mut files = BTreeMap::new();
        for other in &site.municipalities {
            if std::ptr::eq(other, m) || m.redirects.iter().any(|r| in_folder(&r.dir, &other.slug))
            {
                files.append(&mut generated_files(other, site.offline));
            }
        }
        check_alias_files(m, &files, d);
    }
    (site, problems)
}

/// Resolve one municipality (links never cross municipalities).
pub fn resolve_municipality(
    loaded: &LoadedMunicipality,
    table: &LanguageTable,
    base_url: &BaseUrl,
    diagnostics: &mut Vec<Diagnostic>,
) -> Municipality {
    let config = &loaded.config;
    let languages: Vec<Language> = config
        .languages
        .iter()
        .filter_map(|c| table.get(c).cloned())
        .collect();
    let source_language = languages
        .iter()
        .position(|l| l.code == config.source_language)
        .unwrap_or(0);

    let (mut pages, keys, rejected) = build_tree(loaded, languages.len(), diagnostics);
    let mut docs_by_key = load::by_key(&loaded.documents);
    for (key, docs) in &mut docs_by_key {
        let id = keys[*key];
        for doc in docs.drain(..) {
            if rejected.contains(doc.display.as_path()) {
                continue;
            }
            let Some(lang) = languages.iter().position(|l| l.code == doc.language) else {
                continue;
            };
            let slot = &mut pages[id].translations[lang];
            if let Some(existing) = slot {
                diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        &doc.display,
                        format!(
                            "two files are the {} translation of the same page: {} and {}",
                            languages[lang].english_name,
                            existing.file.display(),
                            doc.display.display()
                        ),
                    )
                    .with_hint("a file without language suffix is in the source language; keep one of them"),
                );
                continue;
            }
            *slot = Some(Translation {
                file: doc.display.clone(),
                path: doc.path.clone(),
                front: doc.front.clone(),
                body: doc.body.clone(),
                digest: doc.digest.clone(),
            });
        }
    }

    let translation_sources: Vec<Option<LangIdx>> = languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == source_language {
                return None;
            }
            let from = config
                .translation
                .get(&l.code)
                .unwrap_or(&config.source_language);
            languages.iter().position(|x| &x.code == from)
        })
        .collect();
    // Cycles were reported while loading; fall back to the plain order then.
    let order = translation::source_order(&translation_sources)
        .unwrap_or_else(|_| (0..languages.len()).collect());
    let names: Vec<&str> = languages.iter().map(|l| l.english_name.as_str()).collect();
    for page in &mut pages {
        page.statuses =
            translation::statuses(&page.translations, &translation_sources, &order, &names);
    }

    crate::review::assign(
        &mut pages,
        &loaded.actors,
        !loaded.actors_failed,
        config
            .review_interval
            .unwrap_or(crate::review::DEFAULT_INTERVAL),
        source_language,
        &format!("content/{}", loaded.slug),
        diagnostics,
    );
    let timezone = config
        .timezone
        .clone()
        .unwrap_or_else(|| crate::review::DEFAULT_TIMEZONE.to_string());
    // An unknown name was reported while loading.
    let today = crate::review::time_zone(&timezone)
        .map(|tz| crate::review::today_in(&tz))
        .unwrap_or_else(|_| jiff::Zoned::now().date());

    let fallback_chains = fallback_chains(&languages, source_language);
    sort_children(&mut pages, source_language);
    localize(
        &mut pages,
        &loaded.slug,
        &languages,
        &fallback_chains,
        config.fallback,
        base_url,
    );
    let assets = place_assets(loaded, &keys);
    let asset_paths = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.rel.clone(), i))
        .collect();
    let redirects = collect_redirects(&pages, &loaded.slug, &languages, base_url, diagnostics);

    let mut municipality = Municipality {
        slug: loaded.slug.clone(),
        name: config.name.clone(),
        aliases: config.aliases.clone(),
        contact: config.contact.clone(),
        fallback: config.fallback,
        languages,
        source_language,
        translation_sources,
        pages,
        assets,
        redirects,
        keys,
        asset_paths,
        legal: config.legal.clone(),
        accessibility: config.accessibility.clone(),
        theme: config.theme.clone(),
        theme_files: loaded
            .theme_files
            .iter()
            .map(|a| {
                let name = a.rel.rsplit('/').next().unwrap_or(&a.rel).to_string();
                (a.path.clone(), name, a.content.clone())
            })
            .collect(),
        actors: loaded.actors.clone(),
        timezone,
        today,
        places: Vec::new(),
        news: Vec::new(),
        events: Vec::new(),
        event_window_days: config.events.window_days,
    };
    {
        let codes: Vec<String> = municipality
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        municipality.places = crate::places::resolve(
            &loaded.place_files,
            &codes,
            source_language,
            &fallback_chains,
            diagnostics,
        );
        municipality.news = crate::news::resolve(
            &loaded.news_files,
            &codes,
            source_language,
            &fallback_chains,
            diagnostics,
        );
        municipality.events = crate::events::resolve(
            &loaded.event_files,
            &codes,
            source_language,
            &fallback_chains,
            &municipality.places,
            (!loaded.actors_failed).then_some(municipality.actors.as_slice()),
            &municipality.timezone,
            diagnostics,
        );
        // Events, places and news items have translation states as pages do.
        let m = &mut municipality;
        let names: Vec<&str> = m
            .languages
            .iter()
            .map(|l| l.english_name.as_str())
            .collect();
        for texts_and_statuses in m
            .places
            .iter_mut()
            .map(|p| (&p.texts, &mut p.statuses))
            .chain(m.news.iter_mut().map(|n| (&n.texts, &mut n.statuses)))
            .chain(m.events.iter_mut().map(|e| (&e.texts, &mut e.statuses)))
        {
            let (texts, statuses) = texts_and_statuses;
            *statuses = translation::statuses(texts, &m.translation_sources, &order, &names);
        }
    }
    check_output_paths(&municipality, diagnostics);
    crate::legal::check_output_paths(&municipality, &loaded.config_display, diagnostics);
    crate::review::check_actor_paths(&municipality, diagnostics);
    check_links(&municipality, &loaded.failed_keys, diagnostics);
    check_item_links(&municipality, diagnostics);
    if !municipality.places.is_empty() {
        crate::review::check_reserved_paths(
            &municipality,
            |lang| {
                crate::places::section_location(&municipality, lang, crate::places::FOLDER)
                    .map(|(dir, _)| dir)
            },
            "the place pages",
            diagnostics,
        );
    }
    if !municipality.news.is_empty() {
        crate::review::check_reserved_paths(
            &municipality,
            |lang| {
                crate::places::section_location(&municipality, lang, crate::news::FOLDER)
                    .map(|(dir, _)| dir)
            },
            "the news pages",
            diagnostics,
        );
    }
    if !municipality.events.is_empty() {
        crate::review::check_reserved_paths(
            &municipality,
            |lang| {
                crate::places::section_location(&municipality, lang, crate::events::FOLDER)
                    .map(|(dir, _)| dir)
            },
            "the event pages",
            diagnostics,
        );
    }
    crate::review::check_reserved_paths(
        &municipality,
        |lang| crate::search::page_dir(&municipality, lang),
        "the search page",
        diagnostics,
    );
    crate::review::check_reserved_paths(
        &municipality,
        |lang| crate::seo::poster_location(&municipality, lang).map(|(dir, _)| dir),
        "the poster page",
        diagnostics,
    );
    municipality
}

/// Create every page and section; returns pages (parents before children), the key
/// index, and the files that cannot be placed (already reported).
fn build_tree<'a>(
    loaded: &'a LoadedMunicipality,
    language_count: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Page>, BTreeMap<String, PageId>, BTreeSet<&'a Path>) {
    let mut rejected = BTreeSet::new();
    // key → (kind, a file that made it so)
    let mut kinds: BTreeMap<String, (PageKind, Option<&Document>)> = BTreeMap::new();
    kinds.insert(String::new(), (PageKind::Start, None));
    for doc in &loaded.documents {
        let kind = match doc.kind {
            DocKind::Section if doc.key.is_empty() => PageKind::Start,
            DocKind::Section => PageKind::Section,
            DocKind::Page | DocKind::Bundle => PageKind::Page,
        };
        match kinds.get(&doc.key) {
            Some((existing, other)) if *existing != kind => {
                let other =
                    other.map_or_else(|| doc.key.clone(), |d| d.display.display().to_string());
                diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        &doc.display,
                        format!(
                            "`{}` is both a page and a section (see {other}): both would be published at the same URL",
                            doc.key
                        ),
                    )
                    .with_hint("rename the page, or move it into the section as _index.md"),
                );
                rejected.insert(doc.display.as_path());
            }
            Some(_) => {}
            None => {
                kinds.insert(doc.key.clone(), (kind, Some(doc)));
            }
        }
        // Every folder above a file is a section.
        let mut dir = parent_key(&doc.key);
        while let Some(d) = dir {
            match kinds.get(d) {
                Some((PageKind::Page, Some(page_doc))) => {
                    diagnostics.push(Diagnostic::file(
                        Severity::Error,
                        &doc.display,
                        format!(
                            "the folder `{d}` holds pages, but {} is a page of the same name: both would be published at the same URL",
                            page_doc.display.display()
                        ),
                    ));
                    break;
                }
                Some(_) => {}
                None => {
                    kinds.insert(d.to_string(), (PageKind::Section, None));
                }
            }
            dir = parent_key(d);
        }
    }

    let mut pages: Vec<Page> = Vec::with_capacity(kinds.len());
    let mut keys: BTreeMap<String, PageId> = BTreeMap::new();
    for (key, (kind, _)) in kinds {
        let parent = parent_key(&key).and_then(|p| keys.get(p).copied());
        let id = pages.len();
        if let Some(p) = parent {
            pages[p].children.push(id);
        }
        pages.push(Page {
            folder_title: folder_title(&key, &loaded.config.name),
            key: key.clone(),
            kind,
            parent,
            children: Vec::new(),
            translations: (0..language_count).map(|_| None).collect(),
            localized: vec![None; language_count],
            statuses: Vec::new(),
            review: None,
        });
        keys.insert(key, id);
    }
    (pages, keys, rejected)
}

fn parent_key(key: &str) -> Option<&str> {
    if key.is_empty() {
        None
    } else {
        Some(key.rsplit_once('/').map_or("", |(p, _)| p))
    }
}

/// "deutsch-lernen" → "Deutsch lernen".
fn folder_title(key: &str, municipality: &str) -> String {
    if key.is_empty() {
        return municipality.to_string();
    }
    let name = key
        .rsplit('/')
        .next()
        .unwrap_or(key)
        .replace(['-', '_'], " ");
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name,
    }
}

/// For every language, the languages to try in order.
fn fallback_chains(languages: &[Language], source: LangIdx) -> Vec<Vec<LangIdx>> {
    (0..languages.len())
        .map(|i| {
            let mut chain = vec![i];
            let mut current = i;
            while let Some(next) = languages[current]
                .fallback
                .as_deref()
                .and_then(|f| languages.iter().position(|l| l.code == f))
            {
                if chain.contains(&next) {
                    break;
                }
                chain.push(next);
                current = next;
            }
            if !chain.contains(&source) {
                chain.push(source);
            }
            for j in 0..languages.len() {
                if !chain.contains(&j) {
                    chain.push(j);
                }
            }
            chain
        })
        .collect()
}

/// The translation used for ordering: the source language's, else the first.
fn reference_translation(page: &Page, source: LangIdx) -> Option<&Translation> {
    page.translations[source]
        .as_ref()
        .or_else(|| page.translations.iter().flatten().next())
}

fn sort_children(pages: &mut [Page], source: LangIdx) {
    let order: Vec<(i64, String, String)> = pages
        .iter()
        .map(|p| {
            let t = reference_translation(p, source);
            (
                t.and_then(|t| t.front.weight).unwrap_or(i64::MAX),
                t.map_or_else(
                    || p.folder_title.to_lowercase(),
                    |t| t.front.title.to_lowercase(),
                ),
                p.key.clone(),
            )
        })
        .collect();
    for page in pages.iter_mut() {
        page.children.sort_by(|&a, &b| order[a].cmp(&order[b]));
    }
}

/// Decide what each language's readers get at each page, and where.
fn localize(
    pages: &mut [Page],
    municipality: &str,
    languages: &[Language],
    chains: &[Vec<LangIdx>],
    mode: FallbackMode,
    base_url: &BaseUrl,
) {
    for id in 0..pages.len() {
        for (lang, chain) in chains.iter().enumerate() {
            let page = &pages[id];
            let has_any = page.translations.iter().any(Option::is_some);
            let shown = if page.kind.is_section() || mode == FallbackMode::Auto {
                chain
                    .iter()
                    .copied()
                    .find(|&l| page.translations[l].is_some())
            } else {
                page.translations[lang].as_ref().map(|_| lang)
            };
            if shown.is_none() && (has_any || !page.kind.is_section()) {
                continue;
            }
            let default_slug = page.key.rsplit('/').next().unwrap_or("");
            let slug = shown
                .and_then(|s| page.translations[s].as_ref())
                .and_then(|t| t.front.slug.as_deref())
                .map_or_else(|| slugify(default_slug), slugify);
            let (url, dir) = match page.parent {
                None => (
                    format!(
                        "{}/{}/{}/",
                        base_url.path,
                        encode_segment(municipality),
                        encode_segment(&languages[lang].code)
                    ),
                    format!("{municipality}/{}", languages[lang].code),
                ),
                Some(parent) => match &pages[parent].localized[lang] {
                    Some(p) => (
                        format!("{}{}/", p.url, encode_segment(&slug)),
                        format!("{}/{slug}", p.dir),
                    ),
                    None => continue,
                },
            };
            pages[id].localized[lang] = Some(Localized { shown, url, dir });
        }
    }
}

fn place_assets(loaded: &LoadedMunicipality, keys: &BTreeMap<String, PageId>) -> Vec<Asset> {
    loaded
        .assets
        .iter()
        .filter_map(|a| {
            let owner_key = match load::enclosing_bundle(&loaded.bundles, &a.rel) {
                Some(bundle) => bundle.to_string(),
                None => {
                    let mut dir = a.rel.rsplit_once('/').map_or("", |(d, _)| d);
                    while !keys.contains_key(dir) {
                        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
                    }
                    dir.to_string()
                }
            };
            let owner = *keys.get(&owner_key)?;
            let name = if owner_key.is_empty() {
                a.rel.clone()
            } else {
                a.rel[owner_key.len() + 1..].to_string()
            };
            Some(Asset {
                rel: a.rel.clone(),
                path: a.path.clone(),
                owner,
                name,
                content: a.content.clone(),
            })
        })
        .collect()
}

fn collect_redirects(
    pages: &[Page],
    municipality: &str,
    languages: &[Language],
    base_url: &BaseUrl,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Redirect> {
    let mut redirects = Vec::new();
    for page in pages {
        for (lang, t) in page.translations.iter().enumerate() {
            let Some(t) = t else { continue };
            let Some(target) = &page.localized[lang] else {
                continue;
            };
            for alias in &t.front.aliases {
                let trimmed = alias.trim_matches('/');
                let valid = alias.starts_with('/')
                    && !trimmed.is_empty()
                    && !trimmed
                        .split('/')
                        .any(|s| s.is_empty() || s == "." || s == "..");
                if !valid {
                    diagnostics.push(
                        Diagnostic::file(
                            Severity::Error,
                            &t.file,
                            format!("alias `{alias}` is not a path from the site root"),
                        )
                        .with_hint(format!(
                            "write old URLs like \"/{municipality}/{}/old-name/\"",
                            languages[lang].code
                        )),
                    );
                    continue;
                }
                let dir = trimmed
                    .strip_prefix(base_url.path.trim_start_matches('/'))
                    .unwrap_or(trimmed)
                    .trim_start_matches('/')
                    .to_string();
                redirects.push(Redirect {
                    dir,
                    to: target.url.clone(),
                    file: t.file.clone(),
                    path: t.path.clone(),
                    alias: alias.clone(),
                });
            }
        }
    }
    redirects
}

/// Files wegweiser writes besides the pages' `index.html` (the site's root files and
/// those of municipality `m`), each with what it is: known from the model before
/// anything is rendered, so that `check` finds an alias in their way as `build` would.
pub fn generated_files(m: &Municipality, offline: bool) -> BTreeMap<String, &'static str> {
    let mut files: BTreeMap<String, &'static str> = [
        ("index.html", "the portal's start page"),
        ("404.html", "the page for missing addresses"),
        ("robots.txt", "robots.txt"),
        ("sitemap.xml", "the sitemap"),
        ("_headers", "the host's header rules"),
        ("_redirects", "the host's redirect rules"),
        (crate::write::MARKER, "wegweiser's output marker"),
        (crate::shard::MANIFEST, "the shard manifest"),
    ]
    .into_iter()
    .map(|(f, what)| (f.to_string(), what))
    .collect();
    let slug = &m.slug;
    files.insert(format!("{slug}/index.html"), "the language choice page");
    files.insert(
        format!("{slug}/_status/index.html"),
        "the translation dashboard",
    );
    if !m.places.is_empty() {
        files.insert(
            format!("{slug}/{}", crate::places::GEOJSON_FILE),
            "the places' map data",
        );
    }
    for page in &m.pages {
        for l in page.localized.iter().flatten() {
            files.insert(format!("{}/{}", l.dir, crate::seo::QR_FILE), "a QR code");
        }
    }
    for a in &m.assets {
        for l in m.pages[a.owner].localized.iter().flatten() {
            files.insert(format!("{}/{}", l.dir, a.name), "a page's file");
        }
    }
    for lang in 0..m.languages.len() {
        let Some(start) = m.pages.first().and_then(|p| p.localized[lang].as_ref()) else {
            continue;
        };
        let dir = &start.dir;
        files.insert(format!("{dir}/{}", crate::feed::FILE_NAME), "the feed");
        if offline {
            for name in [
                crate::offline::MANIFEST,
                crate::offline::WORKER,
                crate::offline::LIST,
                crate::offline::FALLBACK,
            ] {
                files.insert(format!("{dir}/{name}"), "a file for offline reading");
            }
        }
        // The search page, the poster and the place, news and event pages are
        // folders that `crate::review::check_reserved_paths` keeps free.
        if !m.news.is_empty() {
            let (news, _) = crate::places::section_location(m, lang, crate::news::FOLDER)
                .expect("the start page is there");
            files.insert(
                format!("{news}/{}", crate::news::FEED_FILE),
                "the news feed",
            );
        }
        if !m.events.is_empty() {
            let (events, _) = crate::places::section_location(m, lang, crate::events::FOLDER)
                .expect("the start page is there");
            files.insert(
                format!("{events}/{}", crate::events::FEED_FILE),
                "the calendar",
            );
            for e in &m.events {
                files.insert(
                    format!("{events}/{}/{}.ics", e.stem, e.stem),
                    "an event's calendar file",
                );
            }
        }
    }
    files
}

/// Whether `dir` (relative, `/`-separated) is `folder` or lies below it.
fn in_folder(dir: &str, folder: &str) -> bool {
    dir.strip_prefix(folder)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Report the aliases of `m` that would be written where a file of `files` is (the
/// alias's folder, or a folder above it, is that file), or that would replace one
/// (`<alias>/index.html`): at the alias in its page's front matter.
pub fn check_alias_files(
    m: &Municipality,
    files: &BTreeMap<String, &'static str>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for r in &m.redirects {
        let index = format!("{}/index.html", r.dir);
        let mut clash = files.get(&index).map(|what| (index.as_str(), *what));
        let mut prefix = r.dir.as_str();
        loop {
            if let Some((key, what)) = files.get_key_value(prefix) {
                clash = Some((key.as_str(), what));
            }
            match prefix.rsplit_once('/') {
                Some((up, _)) => prefix = up,
                None => break,
            }
        }
        if let Some((file, what)) = clash {
            diagnostics.push(
                alias_diagnostic(
                    r,
                    format!(
                        "alias `{}` would be written to /{}/index.html, but wegweiser writes {what} to /{file}",
                        r.alias, r.dir
                    ),
                )
                .with_hint("choose another alias: an old address of a file cannot be redirected by a page"),
            );
        }
    }
}

/// An error at the alias of `r` in its page's front matter (at `aliases` where the
/// alias itself is not found).
pub fn alias_diagnostic(r: &Redirect, message: String) -> Diagnostic {
    let text = read_source(&r.path);
    let end = text
        .match_indices('\n')
        .map(|(i, _)| i)
        .find(|&i| matches!(text[i + 1..].lines().next(), Some("+++" | "---")))
        .unwrap_or(text.len());
    let Some(key) = crate::actor::front_matter_key_span(&text, "aliases") else {
        return Diagnostic::file(Severity::Error, &r.file, message);
    };
    let found = [
        format!("\"{}\"", r.alias),
        format!("'{}'", r.alias),
        r.alias.clone(),
    ]
    .into_iter()
    .find_map(|q| {
        text.get(key.start..end.max(key.start))?
            .find(&q)
            .map(|i| key.start + i..key.start + i + q.len())
    });
    Diagnostic::error_at(&r.file, &text, found.unwrap_or(key), message)
}

/// Two things that would be written to the same place.
fn check_output_paths(m: &Municipality, diagnostics: &mut Vec<Diagnostic>) {
    // Output folder → the file that claimed it first.
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut claims: Vec<(&str, &Path, &str)> = Vec::new();
    let folder_files: Vec<PathBuf> = m
        .pages
        .iter()
        .map(|p| PathBuf::from(format!("content/{}/{}", m.slug, p.key)))
        .collect();
    for (id, page) in m.pages.iter().enumerate() {
        for l in page.localized.iter().flatten() {
            let file = l
                .shown
                .and_then(|s| page.translations[s].as_ref())
                .map_or(folder_files[id].as_path(), |t| t.file.as_path());
            claims.push((&l.dir, file, "this page"));
        }
    }
    for r in &m.redirects {
        claims.push((&r.dir, &r.file, "an alias"));
    }
    let aliases: BTreeMap<(&Path, &str), &Redirect> = m
        .redirects
        .iter()
        .map(|r| ((r.file.as_path(), r.dir.as_str()), r))
        .collect();
    // One report per pair of files, not one per language they clash in.
    let mut reported: BTreeSet<(&Path, &Path)> = BTreeSet::new();
    for (dir, file, what) in claims {
        match seen.get(dir) {
            Some(first) if !reported.insert((first, file)) => {}
            Some(first) => {
                let message = format!(
                    "{what} would be written to /{dir}/, which {} already uses",
                    first.display()
                );
                let d = match aliases.get(&(file, dir)) {
                    Some(r) if what == "an alias" => alias_diagnostic(r, message),
                    _ => Diagnostic::file(Severity::Error, file, message),
                };
                diagnostics.push(d.with_hint("give one of them another `slug`"));
            }
            None => {
                seen.insert(dir, file);
            }
        }
    }
}

/// Why a link cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub message: String,
    pub hint: Option<String>,
}

/// The URL a link in `from`'s body leads to for readers of `reader`.
pub fn link_url(
    m: &Municipality,
    from: PageId,
    link: &Link,
    reader: LangIdx,
) -> Result<String, LinkError> {
    match &link.target {
        LinkTarget::Anchor(anchor) => match check_anchor(m, from, reader, anchor)? {
            Anchor::Found => Ok(format!("#{}", utf8_percent_encode(anchor, FRAGMENT))),
            Anchor::NotYetTranslated => Ok("#".to_string()),
        },
        LinkTarget::Page {
            key,
            language,
            anchor,
        } => {
            if let Some(url) = place_or_news_url(m, key, reader, anchor.as_deref()) {
                return Ok(url);
            }
            let Some(&target) = m.keys.get(key.as_str()) else {
                let hint = did_you_mean(key, m.keys.keys().map(String::as_str))
                    .map(|k| format!("did you mean `{}`?", describe_key(m, k)));
                return Err(LinkError {
                    message: format!("link to `{}`: there is no such page", link.written),
                    hint,
                });
            };
            let (localized, lang) = match language {
                Some(code) => {
                    let lang = m.language_index(code).ok_or_else(|| LinkError {
                        message: format!("link to `{}`: unknown language `{code}`", link.written),
                        hint: None,
                    })?;
                    if m.pages[target].translations[lang].is_none() {
                        return Err(LinkError {
                            message: format!(
                                "link to `{}`: the page has no {} translation",
                                link.written, m.languages[lang].english_name
                            ),
                            hint: Some(
                                "link without the language suffix to follow the reader's language"
                                    .into(),
                            ),
                        });
                    }
                    let l = m.pages[target].localized[lang]
                        .as_ref()
                        .ok_or_else(|| LinkError {
                            message: format!(
                                "link to `{}`: the page is not published",
                                link.written
                            ),
                            hint: None,
                        })?;
                    (l, lang)
                }
                None => m.url_for(target, reader).ok_or_else(|| LinkError {
                    message: format!(
                        "link to `{}`: the page is not published in any language",
                        link.written
                    ),
                    hint: None,
                })?,
            };
            let mut url = localized.url.clone();
            if let Some(anchor) = anchor {
                let found = check_anchor(m, target, lang, anchor).map_err(|e| LinkError {
                    message: format!("link to `{}`: {}", link.written, e.message),
                    hint: e.hint,
                })?;
                if let Anchor::Found = found {
                    url.push('#');
                    url.extend(utf8_percent_encode(anchor, FRAGMENT));
                }
            }
            Ok(url)
        }
        LinkTarget::Asset { path } => {
            let Some(&asset) = m.asset_paths.get(path.as_str()) else {
                let hint = if m.keys.contains_key(path.as_str()) {
                    Some(format!(
                        "link the page's Markdown file: `{}.md`",
                        link.written
                    ))
                } else {
                    did_you_mean(path, m.asset_paths.keys().map(String::as_str))
                        .map(|p| format!("did you mean `{p}`?"))
                };
                return Err(LinkError {
                    message: format!("link to `{}`: there is no such file", link.written),
                    hint,
                });
            };
            let asset = &m.assets[asset];
            let (owner, _) = m.url_for(asset.owner, reader).ok_or_else(|| LinkError {
                message: format!(
                    "link to `{}`: the file's page is not published",
                    link.written
                ),
                hint: None,
            })?;
            let encoded: Vec<String> = asset.name.split('/').map(encode_segment).collect();
            Ok(format!("{}{}", owner.url, encoded.join("/")))
        }
    }
}

/// A link to a place or news item (`@/places/<name or id>.md`, `@/news/<name>.md`):
/// its page in the reader's language.
fn place_or_news_url(
    m: &Municipality,
    key: &str,
    reader: LangIdx,
    anchor: Option<&str>,
) -> Option<String> {
    let mut url = if let Some(place) = crate::places::by_link_key(m, key) {
        crate::places::place_url(m, reader, place)?
    } else if let Some(event) = crate::events::by_link_key(m, key) {
        crate::events::event_url(m, reader, event)?
    } else {
        let item = crate::news::by_link_key(m, key)?;
        crate::news::item_url(m, reader, item)?
    };
    if let Some(anchor) = anchor {
        url.push('#');
        url.extend(utf8_percent_encode(anchor, FRAGMENT));
    }
    Some(url)
}

/// Check the internal links of the places' and news items' texts, for every
/// language that shows them (anchors are not checked: these pages have their own).
fn check_item_links(m: &Municipality, diagnostics: &mut Vec<Diagnostic>) {
    let texts = m
        .places
        .iter()
        .map(|p| (&p.texts, &p.shown))
        .chain(m.news.iter().map(|n| (&n.texts, &n.shown)))
        .chain(m.events.iter().map(|e| (&e.texts, &e.shown)));
    for (texts, shown) in texts {
        for (lang, t) in texts.iter().enumerate() {
            let Some(t) = t else { continue };
            let readers: Vec<LangIdx> = (0..shown.len()).filter(|&r| shown[r] == lang).collect();
            let mut source: Option<String> = None;
            for link in &t.body.links {
                if matches!(link.target, LinkTarget::Anchor(_)) {
                    continue;
                }
                if let Some(err) = readers.iter().find_map(|&r| link_url(m, 0, link, r).err()) {
                    let text = source.get_or_insert_with(|| read_source(&t.path));
                    diagnostics.push(
                        Diagnostic::error_at(&t.file, text, link.span.clone(), err.message)
                            .with_hint_opt(err.hint),
                    );
                }
            }
        }
    }
}

fn describe_key(m: &Municipality, key: &str) -> String {
    match m.keys.get(key).map(|&id| m.pages[id].kind) {
        Some(PageKind::Page) => format!("@/{key}.md"),
        Some(_) if key.is_empty() => "@/_index.md".to_string(),
        Some(_) => format!("@/{key}/"),
        None => key.to_string(),
    }
}

/// What a link's anchor finds in the text a reader is shown.
enum Anchor {
    Found,
    /// Not yet in the reader's translation, which is behind its source (outdated,
    /// machine-translated, being translated) while the source has it: the reader is
    /// linked to the top of the page, and the translation's state says why.
    NotYetTranslated,
}

/// The anchor of `link` is missing from the translation readers in `reader` are shown
/// of `target`, only because that translation is behind its source: the warning.
pub fn anchor_not_yet_translated(
    m: &Municipality,
    link: &Link,
    from: PageId,
    reader: LangIdx,
) -> Option<String> {
    let (target, anchor, lang) = match &link.target {
        LinkTarget::Anchor(anchor) => (from, anchor, reader),
        LinkTarget::Page {
            key,
            anchor: Some(anchor),
            language,
        } => {
            let target = *m.keys.get(key.as_str())?;
            let lang = match language {
                Some(code) => m.language_index(code)?,
                None => m.url_for(target, reader)?.1,
            };
            (target, anchor, lang)
        }
        _ => return None,
    };
    let Ok(Anchor::NotYetTranslated) = check_anchor(m, target, lang, anchor) else {
        return None;
    };
    let (shown, t) = m.shown(target, lang)?;
    Some(format!(
        "anchor `#{anchor}` is not yet in the {} translation {} ({}): its readers are linked to the top of the page until it is translated again",
        m.languages[shown].english_name,
        t.file.display(),
        m.pages[target].statuses[shown].state
    ))
}

fn check_anchor(
    m: &Municipality,
    page: PageId,
    lang: LangIdx,
    anchor: &str,
) -> Result<Anchor, LinkError> {
    if THEME_ANCHORS.contains(&anchor) {
        return Ok(Anchor::Found);
    }
    let Some((shown, t)) = m.shown(page, lang) else {
        return Err(LinkError {
            message: format!("anchor `#{anchor}` does not exist: the page has no text"),
            hint: None,
        });
    };
    if t.body.anchors.iter().any(|a| a == anchor) {
        return Ok(Anchor::Found);
    }
    // A heading added to the source must not fail the build because a translation
    // nobody has updated yet lacks it: the editor of the source cannot fix that.
    // The source language's text (translations of translations, `ti` from `en`,
    // follow it too).
    let in_source = m.pages[page].translations[m.source_language]
        .as_ref()
        .is_some_and(|s| s.body.anchors.iter().any(|a| a == anchor));
    let behind = matches!(
        m.pages[page].statuses[shown].state,
        translation::State::Outdated
            | translation::State::MachineTranslated
            | translation::State::InTranslation
    );
    if in_source && behind {
        return Ok(Anchor::NotYetTranslated);
    }
    let hint = did_you_mean(anchor, t.body.anchors.iter().map(String::as_str))
        .map(|a| format!("did you mean `#{a}`?"))
        .or_else(|| {
            (shown != m.source_language).then(|| {
                "give the heading the same id in every translation: `## Titel {#id}`".to_string()
            })
        });
    Err(LinkError {
        message: format!("anchor `#{anchor}` does not exist in {}", t.file.display()),
        hint,
    })
}

/// Check every internal link for every language its page is shown in.
fn check_links(m: &Municipality, failed: &BTreeSet<String>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, page) in m.pages.iter().enumerate() {
        for (lang, t) in page.translations.iter().enumerate() {
            let Some(t) = t else { continue };
            let readers: Vec<LangIdx> = page
                .localized
                .iter()
                .enumerate()
                .filter(|(_, l)| l.as_ref().is_some_and(|l| l.shown == Some(lang)))
                .map(|(i, _)| i)
                .collect();
            if readers.is_empty() {
                continue;
            }
            let mut source: Option<String> = None;
            for link in &t.body.links {
                if let LinkTarget::Page { key, .. } = &link.target
                    && !m.keys.contains_key(key.as_str())
                    && failed.contains(key.as_str())
                {
                    // The target's own problem is reported already.
                    continue;
                }
                let failure = readers.iter().find_map(|&r| link_url(m, id, link, r).err());
                if let Some(err) = failure {
                    let text = source.get_or_insert_with(|| read_source(&t.path));
                    diagnostics.push(
                        Diagnostic::error_at(&t.file, text, link.span.clone(), err.message)
                            .with_hint_opt(err.hint),
                    );
                    continue;
                }
                let behind = readers
                    .iter()
                    .find_map(|&r| anchor_not_yet_translated(m, link, id, r));
                if let Some(message) = behind {
                    let text = source.get_or_insert_with(|| read_source(&t.path));
                    diagnostics.push(
                        Diagnostic::warning_at(&t.file, text, link.span.clone(), message)
                            .with_hint("`wegweiser translations` lists the translation; translating it again adds the heading"),
                    );
                }
            }
        }
    }
}

/// Read a source file again, to quote it in a diagnostic.
fn read_source(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
