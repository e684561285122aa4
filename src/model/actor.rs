//! Integration actors: the offices, education providers, volunteer groups and
//! counselling services that provide a municipality's information, listed in
//! `content/<municipality>/actors.toml` and named by id in page front matter.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{LangIdx, Municipality};

/// What kind of organisation an actor is; the actors overview groups them by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Authority,
    Education,
    Volunteer,
    Counselling,
    Other,
}

impl ActorKind {
    pub const ALL: [ActorKind; 5] = [
        ActorKind::Authority,
        ActorKind::Education,
        ActorKind::Volunteer,
        ActorKind::Counselling,
        ActorKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Authority => "authority",
            ActorKind::Education => "education",
            ActorKind::Volunteer => "volunteer",
            ActorKind::Counselling => "counselling",
            ActorKind::Other => "other",
        }
    }
}

impl fmt::Display for ActorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One actor from `actors.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Used in front matter (`actor = "vhs"`) and in the actor page's URL.
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub contact_person: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// Who they are, in the municipality's source language.
    #[serde(default)]
    pub description: Option<String>,
}

/// The keys of an `[[actor]]` entry.
pub const ACTOR_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "email",
    "phone",
    "url",
    "contact_person",
    "address",
    "description",
];

/// The file name, in the municipality's folder.
pub const FILE_NAME: &str = "actors.toml";

/// The folder of the actor pages in `lang`, below the output root (`musterstadt/de/actors`).
pub fn actors_dir(m: &Municipality, lang: LangIdx) -> Option<String> {
    Some(format!(
        "{}/actors",
        m.pages.first()?.localized[lang].as_ref()?.dir
    ))
}

/// The URL path of the actors overview in `lang`.
pub fn actors_url(m: &Municipality, lang: LangIdx) -> Option<String> {
    Some(format!(
        "{}actors/",
        m.pages.first()?.localized[lang].as_ref()?.url
    ))
}

/// The URL path of actor `actor`'s page in `lang`.
pub fn actor_url(m: &Municipality, lang: LangIdx, actor: usize) -> Option<String> {
    Some(format!(
        "{}{}/",
        actors_url(m, lang)?,
        crate::model::urls::encode_segment(&m.actors[actor].id)
    ))
}
