//! Front matter: the keys a page may set (read by `load_front_matter`).

use serde::{Deserialize, Serialize};

use crate::model::review::{Day, Interval};

/// The keys a page's front matter may have.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The digest of the source this translation was made from.
    #[serde(default)]
    pub source_digest: Option<String>,
    /// Made by a machine and not yet checked by a person.
    #[serde(default)]
    pub machine_translated: bool,
    /// Somebody is translating it now.
    #[serde(default)]
    pub in_translation: bool,
    /// The integration actor that provides the information (an id from `actors.toml`);
    /// on a section, for everything below it.
    #[serde(default)]
    pub actor: Option<String>,
    /// Several actors providing the information together.
    #[serde(default)]
    pub actors: Vec<String>,
    /// The day somebody last checked that the content is still correct.
    #[serde(default)]
    pub reviewed: Option<Day>,
    /// Who checked it.
    #[serde(default)]
    pub reviewed_by: Option<String>,
    /// How often the content must be checked (`"6 months"`); on a section, for
    /// everything below it.
    #[serde(default)]
    pub review_interval: Option<Interval>,
}

pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "description",
    "weight",
    "slug",
    "draft",
    "aliases",
    "extra",
    "source_digest",
    "machine_translated",
    "in_translation",
    "actor",
    "actors",
    "reviewed",
    "reviewed_by",
    "review_interval",
];
