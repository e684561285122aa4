//! Absolute links to the portal's own address (`https://<base_url>/musterstadt/de/arbeit/`):
//! what is at the output folder they name, checked as a relative link is, and written as
//! the site's own URL.

use percent_encoding::utf8_percent_encode;

use crate::base::diagnostics::did_you_mean;
use crate::model::body::Link;
use crate::model::urls::{FRAGMENT, encode_segment};
use crate::model::{LangIdx, Municipality};
use crate::resolve::links::LinkError;

/// What an output folder of municipality `m` holds.
enum Found {
    /// The page with this id, in this language.
    Page(usize, LangIdx),
    /// Something else with this URL path (a place, event or news item, a list of them,
    /// a page's file).
    Url(String),
    /// Something wegweiser writes (the search page, a feed, a legal page): not checked,
    /// the link stays as written.
    Generated,
}

/// The URL the link `link` to output folder `dir` (with `anchor`) of the portal's own
/// address leads to. Links into another municipality or the portal's root are not
/// followed (links never cross municipalities) and stay as written.
pub(crate) fn site_url(
    m: &Municipality,
    link: &Link,
    dir: &str,
    anchor: Option<&str>,
) -> Result<String, LinkError> {
    let in_municipality = dir == m.slug
        || dir
            .strip_prefix(m.slug.as_str())
            .is_some_and(|r| r.starts_with('/'));
    if !in_municipality {
        return Ok(link.written.clone());
    }
    let found = find(m, dir).ok_or_else(|| {
        let dirs = m
            .pages
            .iter()
            .flat_map(|p| p.localized.iter().flatten())
            .map(|l| l.dir.as_str());
        LinkError {
            message: format!("link to `{}`: there is no such page", link.written),
            hint: did_you_mean(dir, dirs).map(|d| format!("did you mean `/{d}/`?")),
        }
    })?;
    let mut url = match found {
        Found::Generated => return Ok(link.written.clone()),
        Found::Url(url) => url,
        Found::Page(id, lang) => {
            let l = m.pages[id].localized[lang]
                .as_ref()
                .expect("found by its localized folder");
            if let Some(anchor) = anchor {
                let found =
                    crate::resolve::links::check_anchor(m, id, lang, anchor).map_err(|e| {
                        LinkError {
                            message: format!("link to `{}`: {}", link.written, e.message),
                            hint: e.hint,
                        }
                    })?;
                if !found {
                    return Ok(l.url.clone());
                }
            }
            l.url.clone()
        }
    };
    if let Some(anchor) = anchor {
        url.push('#');
        url.extend(utf8_percent_encode(anchor, FRAGMENT));
    }
    Ok(url)
}

/// What is at output folder (or file) `dir` of `m`.
fn find(m: &Municipality, dir: &str) -> Option<Found> {
    for (id, page) in m.pages.iter().enumerate() {
        for (lang, l) in page.localized.iter().enumerate() {
            if l.as_ref().is_some_and(|l| l.dir == dir) {
                return Some(Found::Page(id, lang));
            }
        }
    }
    for a in &m.assets {
        for l in m.pages[a.owner].localized.iter().flatten() {
            if dir
                .strip_prefix(l.dir.as_str())
                .and_then(|r| r.strip_prefix('/'))
                == Some(a.name.as_str())
            {
                let encoded: Vec<String> = a.name.split('/').map(encode_segment).collect();
                return Some(Found::Url(format!("{}{}", l.url, encoded.join("/"))));
            }
        }
    }
    for lang in 0..m.languages.len() {
        if let Some(found) = find_item(m, lang, dir) {
            return found;
        }
        let generated = [
            crate::model::search::page_dir(m, lang),
            crate::model::share::poster_location(m, lang).map(|(d, _)| d),
            crate::model::actor::actors_dir(m, lang),
        ];
        let legal = m
            .legal
            .iter()
            .flat_map(|l| l.generated())
            .map(|kind| Some(crate::resolve::legal::generated_location("", m, kind, lang).0));
        if generated
            .into_iter()
            .chain(legal)
            .flatten()
            .any(|g| crate::resolve::paths::in_folder(dir, &g))
        {
            return Some(Found::Generated);
        }
    }
    let status = format!("{}/_status", m.slug);
    let files = crate::resolve::paths::generated_files(m, true);
    let index = format!("{dir}/index.html");
    (crate::resolve::paths::in_folder(dir, &status)
        || files.contains_key(dir)
        || files.contains_key(&index))
    .then_some(Found::Generated)
}

/// A place, event or news item, or their list, at `dir` in `lang`: `Some(None)` when
/// `dir` is in their folder but names none of them.
fn find_item(m: &Municipality, lang: LangIdx, dir: &str) -> Option<Option<Found>> {
    use crate::model::{event, news, place};
    let folders: [(&str, usize); 3] = [
        (place::FOLDER, m.places.len()),
        (news::FOLDER, m.news.len()),
        (event::FOLDER, m.events.len()),
    ];
    for (folder, count) in folders {
        if count == 0 {
            continue;
        }
        let (list_dir, list_url) = place::section_location(m, lang, folder)?;
        let Some(rest) = dir.strip_prefix(list_dir.as_str()) else {
            continue;
        };
        if rest.is_empty() {
            return Some(Some(Found::Url(list_url)));
        }
        let Some(name) = rest.strip_prefix('/') else {
            continue;
        };
        let url = match folder {
            place::FOLDER => m
                .places
                .iter()
                .position(|p| p.data.id == name)
                .and_then(|i| place::place_url(m, lang, i)),
            news::FOLDER => m
                .news
                .iter()
                .position(|n| n.stem == name)
                .and_then(|i| news::item_url(m, lang, i)),
            _ => {
                let (stem, file) = name.split_once('/').unwrap_or((name, ""));
                let i = m.events.iter().position(|e| e.stem == stem);
                match (i, file) {
                    (Some(i), "") => event::event_url(m, lang, i),
                    (Some(i), f) if f == format!("{stem}.ics") => event::event_ics_url(m, lang, i),
                    _ => None,
                }
            }
        };
        return Some(url.map(Found::Url));
    }
    None
}
