//! Where the legal pages go: the generated pages' folders and URLs, the footer's links,
//! the start page's offers (see `model_legal`).

use std::path::Path;

use serde::Serialize;
use toml::Spanned;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::legal::{LegalKind, reference_key};
use crate::model::urls::encode_segment;
use crate::model::{LangIdx, Municipality, PageId, Site};

/// Output folder and URL of the generated page `kind` for readers of `lang`.
pub fn generated_location(
    base_path: &str,
    m: &Municipality,
    kind: LegalKind,
    lang: LangIdx,
) -> (String, String) {
    let code = &m.languages[lang].code;
    let dir = format!("{}/{}/{}", m.slug, code, kind.slug());
    let url = format!(
        "{}/{}/{}/{}/",
        base_path,
        encode_segment(&m.slug),
        encode_segment(code),
        kind.slug()
    );
    (dir, url)
}

/// The URL path of the copy of each generated legal page that is canonical: German
/// (or the source language where German is not among the languages).
pub fn canonical_urls(base_path: &str, m: &Municipality) -> Vec<String> {
    let Some(legal) = &m.legal else {
        return Vec::new();
    };
    let german = m.language_index("de").unwrap_or(m.source_language);
    legal
        .generated()
        .map(|kind| generated_location(base_path, m, kind, german).1)
        .collect()
}

/// A generated legal page must not take the folder of a content page.
pub fn check_output_paths(m: &Municipality, config: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let Some(legal) = &m.legal else { return };
    for kind in legal.generated() {
        for (lang, l) in m.languages.iter().enumerate() {
            let dir = format!("{}/{}/{}", m.slug, l.code, kind.slug());
            let taken = m
                .pages
                .iter()
                .find(|p| p.localized[lang].as_ref().is_some_and(|loc| loc.dir == dir));
            if let Some(p) = taken {
                diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        config,
                        format!(
                            "the generated {} would be written to /{dir}/, where the page `{}` is",
                            kind.title(),
                            p.key
                        ),
                    )
                    .with_hint(format!(
                        "name the page in [legal] as `{} = \"@/{}.md\"` to use it instead, or give it another slug",
                        kind.page_key(),
                        p.key
                    )),
                );
                break;
            }
        }
    }
}

/// The footer's links for readers of `lang` (the source language where `None`).
#[derive(Debug, Serialize)]
pub struct LegalLinks {
    pub imprint: String,
    pub privacy: String,
    pub accessibility: String,
    /// Where readers report barriers.
    pub feedback_email: Option<String>,
}

/// The URL readers of `lang` follow to the legal page `kind`: the written page in their
/// language (or the language it is shown in), else the generated one.
pub fn url(site: &Site, m: &Municipality, kind: LegalKind, lang: LangIdx) -> Option<String> {
    let legal = m.legal.as_ref()?;
    match legal.written_key(kind) {
        Some(key) => {
            let id = *m.keys.get(&key)?;
            m.url_for(id, lang).map(|(l, _)| l.url.clone())
        }
        None => Some(generated_location(&site.base_url.path, m, kind, lang).1),
    }
}

pub fn links(site: &Site, m: &Municipality, lang: Option<LangIdx>) -> Option<LegalLinks> {
    let legal = m.legal.as_ref()?;
    let lang = lang.unwrap_or(m.source_language);
    Some(LegalLinks {
        imprint: url(site, m, LegalKind::Imprint, lang)?,
        privacy: url(site, m, LegalKind::Privacy, lang)?,
        accessibility: url(site, m, LegalKind::Accessibility, lang)?,
        feedback_email: legal
            .accessibility
            .as_ref()
            .and_then(|a| a.feedback_email.clone()),
    })
}

/// A link on the start page to content in Leichte Sprache, Gebärdensprache or
/// Einfache Sprache. The labels are the German names of these offers, as the entries
/// of a language switcher are in their own language.
#[derive(Debug, Serialize)]
pub struct Offer {
    pub kind: &'static str,
    pub label: &'static str,
    pub url: String,
    pub lang: String,
}

/// The pages named in `[legal]` and `[accessibility]`: linked from the footer and the
/// start page rather than listed among the topics.
pub fn pages_linked_apart(m: &Municipality) -> Vec<PageId> {
    let mut references: Vec<&Spanned<String>> = Vec::new();
    if let Some(legal) = &m.legal {
        references.extend(LegalKind::ALL.iter().filter_map(|k| k.written(legal)));
    }
    references.extend(m.accessibility.leichte_sprache.iter());
    references.extend(m.accessibility.gebaerdensprache.iter());
    references
        .into_iter()
        .filter_map(|r| reference_key(r.get_ref()))
        .filter_map(|k| m.keys.get(&k).copied())
        .filter(|&id| id != 0)
        .collect()
}

/// The start page's links for readers of `lang`.
pub fn offers(m: &Municipality, lang: LangIdx) -> Vec<Offer> {
    let a = &m.accessibility;
    if !a.start_page_links {
        return Vec::new();
    }
    let mut out = Vec::new();
    let page = |r: &Option<Spanned<String>>| -> Option<String> {
        let key = reference_key(r.as_ref()?.get_ref())?;
        let id = *m.keys.get(&key)?;
        m.url_for(id, lang).map(|(l, _)| l.url.clone())
    };
    if let Some(url) = page(&a.leichte_sprache) {
        out.push(Offer {
            kind: "leichte-sprache",
            label: "Leichte Sprache",
            url,
            lang: "de".into(),
        });
    }
    if let Some(url) = page(&a.gebaerdensprache) {
        out.push(Offer {
            kind: "gebaerdensprache",
            label: "Gebärdensprache",
            url,
            lang: "de".into(),
        });
    }
    // Einfache Sprache: the `de-si` start page, where it is written in it.
    if let Some(si) = m.language_index("de-si")
        && si != lang
        && let Some(start) = m.pages[0].localized[si].as_ref()
        && start.shown == Some(si)
    {
        out.push(Offer {
            kind: "einfache-sprache",
            label: "Einfache Sprache",
            url: start.url.clone(),
            lang: "de".into(),
        });
    }
    out
}
