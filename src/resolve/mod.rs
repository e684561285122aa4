//! Stage 2: turn loaded documents into the [`Site`] model: page tree, translations and
//! fallbacks, translated URLs, and checked links.

pub mod event;
pub mod legal;
pub mod links;
pub mod news;
pub mod paths;
pub mod place;
pub mod review;
pub mod site_links;
pub mod translation;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use crate::base::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::{self, DocKind, Document, LoadedMunicipality, LoadedPortal};
use crate::model::config::{BaseUrl, FallbackMode};
use crate::model::language::{Language, LanguageTable};
use crate::model::slug::slugify;
use crate::model::urls::encode_segment;
use crate::model::{
    Asset, LangIdx, Localized, Municipality, Page, PageId, PageKind, Site, Translation,
};

/// Ids the theme puts on every page, valid targets of `#…` links.
pub const THEME_ANCHORS: &[&str] = &["main", "top"];

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
            if std::ptr::eq(other, m)
                || m.redirects
                    .iter()
                    .any(|r| crate::resolve::paths::in_folder(&r.dir, &other.slug))
            {
                files.append(&mut crate::resolve::paths::generated_files(
                    other,
                    site.offline,
                ));
            }
        }
        crate::resolve::paths::check_alias_files(m, &files, d);
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
    attach_translations(
        loaded,
        &languages,
        &mut pages,
        &keys,
        &rejected,
        diagnostics,
    );
    let (translation_sources, order) =
        translation_states(loaded, &languages, source_language, &mut pages);
    let (timezone, today) = review_dates(loaded, source_language, &mut pages, diagnostics);

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
    let redirects = crate::resolve::paths::collect_redirects(
        &pages,
        &loaded.slug,
        &languages,
        base_url,
        diagnostics,
    );

    let mut municipality = Municipality {
        slug: loaded.slug.clone(),
        name: config.name.clone(),
        aliases: config.aliases.clone(),
        hidden: config.hidden,
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
        search: config.search.clone(),
    };
    resolve_items(
        &mut municipality,
        loaded,
        &fallback_chains,
        &order,
        diagnostics,
    );
    let item_redirects =
        crate::resolve::paths::collect_item_redirects(&municipality, base_url, diagnostics);
    municipality.redirects.extend(item_redirects);
    check_municipality(&municipality, loaded, diagnostics);
    municipality
}

/// Put each document in its page's slot for its language; a second file for the same
/// slot is an error.
fn attach_translations(
    loaded: &LoadedMunicipality,
    languages: &[Language],
    pages: &mut [Page],
    keys: &BTreeMap<String, PageId>,
    rejected: &BTreeSet<&Path>,
    diagnostics: &mut Vec<Diagnostic>,
) {
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
}

/// Which language each language is translated from, the order to compute their states
/// in, and each page's translation states.
fn translation_states(
    loaded: &LoadedMunicipality,
    languages: &[Language],
    source_language: LangIdx,
    pages: &mut [Page],
) -> (Vec<Option<LangIdx>>, Vec<LangIdx>) {
    let config = &loaded.config;
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
    let order = crate::model::translation::source_order(&translation_sources)
        .unwrap_or_else(|_| (0..languages.len()).collect());
    let names: Vec<&str> = languages.iter().map(|l| l.english_name.as_str()).collect();
    for page in pages.iter_mut() {
        page.statuses = crate::resolve::translation::statuses(
            &page.translations,
            &translation_sources,
            &order,
            &names,
        );
    }
    (translation_sources, order)
}

/// Assign reviews to the pages; the municipality's time zone and today's date there.
fn review_dates(
    loaded: &LoadedMunicipality,
    source_language: LangIdx,
    pages: &mut [Page],
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, jiff::civil::Date) {
    let config = &loaded.config;
    crate::resolve::review::assign(
        pages,
        &loaded.actors,
        !loaded.actors_failed,
        config
            .review_interval
            .unwrap_or(crate::model::review::DEFAULT_INTERVAL),
        source_language,
        &format!("content/{}", loaded.slug),
        diagnostics,
    );
    let timezone = config
        .timezone
        .clone()
        .unwrap_or_else(|| crate::model::review::DEFAULT_TIMEZONE.to_string());
    // An unknown name was reported while loading.
    let today = crate::model::review::time_zone(&timezone)
        .map(|tz| crate::model::review::today_in(&tz))
        .unwrap_or_else(|_| jiff::Zoned::now().date());
    (timezone, today)
}

/// Resolve the places, news items and events and their translation states.
fn resolve_items(
    municipality: &mut Municipality,
    loaded: &LoadedMunicipality,
    fallback_chains: &[Vec<LangIdx>],
    order: &[LangIdx],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source_language = municipality.source_language;
    {
        let codes: Vec<String> = municipality
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        municipality.places = crate::resolve::place::resolve(
            &loaded.place_files,
            &codes,
            source_language,
            fallback_chains,
            diagnostics,
        );
        municipality.news = crate::resolve::news::resolve(
            &loaded.news_files,
            &codes,
            source_language,
            fallback_chains,
            diagnostics,
        );
        municipality.events = crate::resolve::event::resolve(
            &loaded.event_files,
            &codes,
            source_language,
            fallback_chains,
            &municipality.places,
            (!loaded.actors_failed).then_some(municipality.actors.as_slice()),
            &municipality.timezone,
            diagnostics,
        );
        // Events, places and news items have translation states as pages do.
        let m = &mut *municipality;
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
            *statuses =
                crate::resolve::translation::statuses(texts, &m.translation_sources, order, &names);
        }
    }
}

/// Check that nothing is written twice to one place and that links can be followed.
fn check_municipality(
    municipality: &Municipality,
    loaded: &LoadedMunicipality,
    diagnostics: &mut Vec<Diagnostic>,
) {
    crate::resolve::paths::check_output_paths(municipality, diagnostics);
    crate::resolve::legal::check_output_paths(municipality, &loaded.config_display, diagnostics);
    crate::resolve::review::check_actor_paths(municipality, diagnostics);
    crate::resolve::links::check_links(municipality, &loaded.failed_keys, diagnostics);
    crate::resolve::links::check_item_links(municipality, diagnostics);
    if !municipality.places.is_empty() {
        crate::resolve::review::check_reserved_paths(
            municipality,
            |lang| {
                crate::model::place::section_location(
                    municipality,
                    lang,
                    crate::model::place::FOLDER,
                )
                .map(|(dir, _)| dir)
            },
            "the place pages",
            diagnostics,
        );
    }
    if !municipality.news.is_empty() {
        crate::resolve::review::check_reserved_paths(
            municipality,
            |lang| {
                crate::model::place::section_location(
                    municipality,
                    lang,
                    crate::model::news::FOLDER,
                )
                .map(|(dir, _)| dir)
            },
            "the news pages",
            diagnostics,
        );
    }
    if !municipality.events.is_empty() {
        crate::resolve::review::check_reserved_paths(
            municipality,
            |lang| {
                crate::model::place::section_location(
                    municipality,
                    lang,
                    crate::model::event::FOLDER,
                )
                .map(|(dir, _)| dir)
            },
            "the event pages",
            diagnostics,
        );
    }
    crate::resolve::review::check_reserved_paths(
        municipality,
        |lang| crate::model::search::page_dir(municipality, lang),
        "the search page",
        diagnostics,
    );
    crate::resolve::review::check_reserved_paths(
        municipality,
        |lang| crate::model::share::poster_location(municipality, lang).map(|(dir, _)| dir),
        "the poster page",
        diagnostics,
    );
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
            let readable = |l: LangIdx| page.translations[l].is_some() && !awaits_text(page, l);
            let shown = if page.kind.is_section() || mode == FallbackMode::Auto {
                chain.iter().copied().find(|&l| readable(l))
            } else {
                readable(lang).then_some(lang)
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

/// Whether the translation of `page` in `lang` is still to be written (in translation,
/// as Integreat publishes it with an empty body): it has no text while another
/// translation has one. Readers get the fallback, with the notice that a translation is
/// in progress. A section's translation may be a title only (its page lists what is in
/// it): only one marked `in_translation` awaits its text.
fn awaits_text(page: &Page, lang: LangIdx) -> bool {
    let section = page.kind.is_section();
    page.translations[lang]
        .as_ref()
        .is_some_and(|t| t.body.is_blank() && (!section || t.front.in_translation))
        && page
            .translations
            .iter()
            .flatten()
            .any(|t| !t.body.is_blank())
}

fn place_assets(loaded: &LoadedMunicipality, keys: &BTreeMap<String, PageId>) -> Vec<Asset> {
    loaded
        .assets
        .iter()
        .filter_map(|a| {
            let owner_key =
                match crate::load::municipality::enclosing_bundle(&loaded.bundles, &a.rel) {
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

/// Read a source file again, to quote it in a diagnostic.
pub(crate) fn read_source(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
