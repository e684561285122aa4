//! Where search is in the output: the search page below each start page
//! (`/<m>/<lang>/search/`) and the search bundles below the municipality
//! (`/<m>/_search/<lang>/`); the bundles are written by `output_search`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{LangIdx, Municipality, Site};

/// `[search]` in municipality.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    /// Per language code, groups of words or phrases that mean the same to readers
    /// (`[["Jobcenter", "Arbeitsamt"], ["Kita", "Kindergarten"]]`): a text with one of
    /// them is also found by the others.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<Vec<String>>>,
}

/// The URL segment of the search page below the start page: `/<m>/<lang>/search/`.
pub const FOLDER: &str = "search";
/// The folder of the bundles below the municipality: `/<m>/_search/<lang>/`.
pub const BUNDLES: &str = "_search";

/// The languages of `m` that have a search page and a bundle: those with a start page.
pub fn languages(m: &Municipality) -> impl Iterator<Item = LangIdx> + '_ {
    (0..m.languages.len()).filter(|&l| m.pages.first().is_some_and(|p| p.localized[l].is_some()))
}

/// The folder of `lang`'s bundle relative to the output root, not encoded.
pub fn bundle_dir(m: &Municipality, lang: LangIdx) -> String {
    format!("{}/{BUNDLES}/{}", m.slug, m.languages[lang].code)
}

/// The bundle folder (`<m>/_search/<lang>`) that output file `rel` is in, if any.
/// A bundle's files are named by their content: a rebuilt bundle replaces the old one
/// whole (`wegweiser serve`).
pub fn bundle_of(rel: &str) -> Option<&str> {
    let mut parts = rel.splitn(4, '/');
    let (m, folder, lang) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next()?;
    (folder == BUNDLES).then(|| &rel[..m.len() + folder.len() + lang.len() + 2])
}

/// The URL of `lang`'s bundle folder, with a trailing slash.
pub fn bundle_url(site: &Site, m: &Municipality, lang: LangIdx) -> String {
    format!(
        "{}/{}/{BUNDLES}/{}/",
        site.base_url.path,
        crate::model::urls::encode_segment(&m.slug),
        crate::model::urls::encode_segment(&m.languages[lang].code)
    )
}

/// The URL path of the search page in `lang`.
pub fn page_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    crate::model::place::section_location(m, lang, FOLDER).map(|(_, url)| url)
}

/// The folder of the search page in `lang`, relative to the output root.
pub fn page_dir(m: &Municipality, lang: LangIdx) -> Option<String> {
    crate::model::place::section_location(m, lang, FOLDER).map(|(dir, _)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_belong_to_their_bundle() {
        assert_eq!(
            bundle_of("stadt/_search/ar/postings0.0123456789ab.json"),
            Some("stadt/_search/ar")
        );
        assert_eq!(
            bundle_of("stadt/_search/ar/index.json"),
            Some("stadt/_search/ar")
        );
        assert_eq!(bundle_of("stadt/ar/search/index.html"), None);
        assert_eq!(bundle_of("stadt/_search/ar"), None);
    }
}
