//! Links in page bodies: the URL each leads to for each language's readers, and the
//! checks of links and anchors that cannot be followed.

use std::collections::BTreeSet;

use percent_encoding::utf8_percent_encode;

use crate::base::diagnostics::{Diagnostic, did_you_mean};
use crate::model::body::{Link, LinkTarget};
use crate::model::urls::{FRAGMENT, encode_segment};
use crate::model::{LangIdx, Municipality, PageId, PageKind};
use crate::resolve::{THEME_ANCHORS, read_source};

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
        LinkTarget::Anchor(anchor) => match find_anchor(m, from, reader, anchor)? {
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
                let found = find_anchor(m, target, lang, anchor).map_err(|e| LinkError {
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
        LinkTarget::Site { dir, anchor } => {
            crate::resolve::site_links::site_url(m, link, dir, anchor.as_deref())
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
    let mut url = if let Some(place) = crate::model::place::by_link_key(m, key) {
        crate::model::place::place_url(m, reader, place)?
    } else if let Some(event) = crate::model::event::by_link_key(m, key) {
        crate::model::event::event_url(m, reader, event)?
    } else {
        let item = crate::model::news::by_link_key(m, key)?;
        crate::model::news::item_url(m, reader, item)?
    };
    if let Some(anchor) = anchor {
        url.push('#');
        url.extend(utf8_percent_encode(anchor, FRAGMENT));
    }
    Some(url)
}

/// Check the internal links of the places' and news items' texts, for every
/// language that shows them (anchors are not checked: these pages have their own).
pub(crate) fn check_item_links(m: &Municipality, diagnostics: &mut Vec<Diagnostic>) {
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
    let Ok(Anchor::NotYetTranslated) = find_anchor(m, target, lang, anchor) else {
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

/// Whether `anchor` is on `page` in the text readers of `lang` are shown: `Ok(false)`
/// when it is not yet translated (see [`Anchor::NotYetTranslated`]).
pub(crate) fn check_anchor(
    m: &Municipality,
    page: PageId,
    lang: LangIdx,
    anchor: &str,
) -> Result<bool, LinkError> {
    find_anchor(m, page, lang, anchor).map(|a| matches!(a, Anchor::Found))
}

fn find_anchor(
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
        crate::model::translation::State::Outdated
            | crate::model::translation::State::MachineTranslated
            | crate::model::translation::State::InTranslation
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
pub(crate) fn check_links(
    m: &Municipality,
    failed: &BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
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
