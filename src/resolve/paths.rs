//! Where a municipality's pages and aliases are written: the redirects of the aliases,
//! the files wegweiser writes besides the pages, and the checks that no two of them
//! take the same place.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::config::BaseUrl;
use crate::model::language::Language;
use crate::model::{LangIdx, Municipality, Page, Redirect};
use crate::resolve::read_source;

/// The redirects of the pages' aliases (`aliases` in a page's front matter: old URLs
/// of the page in that file's language).
pub(crate) fn collect_redirects(
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
            let file = (t.file.as_path(), t.path.as_path());
            for alias in &t.front.aliases {
                let hint = (municipality, languages[lang].code.as_str());
                if let Some(r) = redirect(alias, &target.url, file, base_url, hint, diagnostics) {
                    redirects.push(r);
                }
            }
        }
    }
    redirects
}

/// The redirects of the aliases of places, events and news items (`aliases` in their
/// files: old URLs of the item's page in that file's language).
pub(crate) fn collect_item_redirects(
    m: &Municipality,
    base_url: &BaseUrl,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Redirect> {
    use crate::model::{event, news, place};
    let places = m
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| (&p.texts, (|m, l, i| place::place_url(m, l, i)) as UrlOf, i));
    let events = m
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| (&e.texts, (|m, l, i| event::event_url(m, l, i)) as UrlOf, i));
    let news = m
        .news
        .iter()
        .enumerate()
        .map(|(i, n)| (&n.texts, (|m, l, i| news::item_url(m, l, i)) as UrlOf, i));
    let mut redirects = Vec::new();
    for (texts, url_of, i) in places.chain(events).chain(news) {
        for (lang, t) in texts.iter().enumerate() {
            let Some(t) = t else { continue };
            if t.aliases.is_empty() {
                continue;
            }
            let Some(to) = url_of(m, lang, i) else {
                continue;
            };
            let file = (t.file.as_path(), t.path.as_path());
            let hint = (m.slug.as_str(), m.languages[lang].code.as_str());
            for alias in &t.aliases {
                if let Some(r) = redirect(alias, &to, file, base_url, hint, diagnostics) {
                    redirects.push(r);
                }
            }
        }
    }
    redirects
}

/// The URL path of an item's page in a language.
type UrlOf = fn(&Municipality, LangIdx, usize) -> Option<String>;

/// The redirect of `alias`, written in `file` (shown, on disk), to `to`; `None` (and an
/// error, whose hint names the municipality and language of `hint`) when it is not a
/// path from the site root.
fn redirect(
    alias: &str,
    to: &str,
    (file, path): (&Path, &Path),
    base_url: &BaseUrl,
    (municipality, language): (&str, &str),
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Redirect> {
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
                file,
                format!("alias `{alias}` is not a path from the site root"),
            )
            .with_hint(format!(
                "write old URLs like \"/{municipality}/{language}/old-name/\""
            )),
        );
        return None;
    }
    let dir = trimmed
        .strip_prefix(base_url.path.trim_start_matches('/'))
        .unwrap_or(trimmed)
        .trim_start_matches('/')
        .to_string();
    Some(Redirect {
        dir,
        to: to.to_string(),
        file: file.to_path_buf(),
        path: path.to_path_buf(),
        alias: alias.to_string(),
    })
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
        (
            crate::model::files::OUTPUT_MARKER,
            "wegweiser's output marker",
        ),
        (crate::model::files::SHARD_MANIFEST, "the shard manifest"),
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
            format!("{slug}/{}", crate::model::place::GEOJSON_FILE),
            "the places' map data",
        );
    }
    for page in &m.pages {
        for l in page.localized.iter().flatten() {
            files.insert(
                format!("{}/{}", l.dir, crate::model::share::QR_FILE),
                "a QR code",
            );
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
        files.insert(
            format!("{dir}/{}", crate::model::feed::FILE_NAME),
            "the feed",
        );
        if offline {
            for name in [
                crate::model::files::OFFLINE_MANIFEST,
                crate::model::files::SERVICE_WORKER,
                crate::model::files::OFFLINE_LIST,
                crate::model::files::OFFLINE_FALLBACK,
            ] {
                files.insert(format!("{dir}/{name}"), "a file for offline reading");
            }
        }
        // The search page, the poster and the place, news and event pages are
        // folders that `crate::resolve::review::check_reserved_paths` keeps free.
        if !m.news.is_empty() {
            let (news, _) =
                crate::model::place::section_location(m, lang, crate::model::news::FOLDER)
                    .expect("the start page is there");
            files.insert(
                format!("{news}/{}", crate::model::news::FEED_FILE),
                "the news feed",
            );
        }
        if !m.events.is_empty() {
            let (events, _) =
                crate::model::place::section_location(m, lang, crate::model::event::FOLDER)
                    .expect("the start page is there");
            files.insert(
                format!("{events}/{}", crate::model::event::FEED_FILE),
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
pub(crate) fn in_folder(dir: &str, folder: &str) -> bool {
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
    let Some(key) = crate::load::front_matter::front_matter_key_span(&text, "aliases") else {
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
pub(crate) fn check_output_paths(m: &Municipality, diagnostics: &mut Vec<Diagnostic>) {
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
