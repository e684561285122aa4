//! Where a municipality's Atom feed is in the output: `atom.xml` in each language's
//! folder (the feed itself is written by `feed`).

use crate::model::{LangIdx, Municipality};

/// The file name of a feed, in the language's folder.
pub const FILE_NAME: &str = "atom.xml";

/// The URL path of the feed of `m` in `lang`.
pub fn feed_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    Some(format!(
        "{}{FILE_NAME}",
        m.pages.first()?.localized[lang].as_ref()?.url
    ))
}
