//! Reading news items from disk: the front matter of
//! `content/<municipality>/news/*.md` and its checks.

use std::path::Path;

use serde::Deserialize;

use crate::base::diagnostics::Diagnostic;
use crate::load::place::{FileScope, LoadedFile};
use crate::model::news::NewsDates;
use crate::model::review::Day;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewsFront {
    title: String,
    #[serde(default)]
    description: Option<String>,
    date: Day,
    #[serde(default)]
    expires: Option<Day>,
    #[serde(default)]
    draft: bool,
    /// Old URLs of the item's page in this file's language, redirected to it.
    #[serde(default)]
    aliases: Vec<String>,
}

/// The keys of a news item's source-language file.
pub const NEWS_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "expires",
    "draft",
    "aliases",
];

/// Parse one file below `news/`; problems go to `diagnostics`.
pub fn load_file(
    scope: &FileScope<'_>,
    path: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LoadedFile<NewsDates>> {
    crate::load::place::load_item_file(scope, path, name, diagnostics, |display, text, problems| {
        let (front, _, body_start) =
            crate::load::front_matter::parse_as::<NewsFront>(display, text, NEWS_KEYS)
                .map_err(|d| {
                    let d = if d.message.contains("missing field `date`") {
                        d.with_hint("a news item needs the day it is published: date = 2026-05-12")
                    } else {
                        d
                    };
                    problems.push(d)
                })
                .ok()?;
        if let Some(expires) = front.expires
            && expires < front.date
        {
            problems.push(crate::load::place::at_key(
                display,
                text,
                0,
                "expires",
                None,
                format!(
                    "the item expires ({expires}) before its date ({})",
                    front.date
                ),
            ));
            return None;
        }
        // An empty title is made from the text (FileScope::derive_titles).
        Some(crate::load::place::SourceFront {
            data: Some(NewsDates {
                date: front.date.0,
                expires: front.expires.map(|d| d.0),
            }),
            title: front.title,
            description: front.description,
            body_start,
            draft: front.draft,
            aliases: front.aliases,
        })
    })
}
