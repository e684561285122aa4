//! Integration actors: the offices, education providers, volunteer groups and
//! counselling services that provide a municipality's information, listed in
//! `content/<municipality>/actors.toml` and named by id in page front matter.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config;
use crate::diagnostics::Diagnostic;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    #[serde(default)]
    actor: Vec<Actor>,
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

/// Parse `actors.toml`; every problem is reported with its position.
pub fn parse(display: &Path, text: &str) -> Result<Vec<Actor>, Vec<Diagnostic>> {
    let file: ActorsFile = toml::from_str(text).map_err(|e| {
        let mut d = config::toml_diagnostic(display, text, &e, ACTOR_KEYS);
        if e.message().contains("unknown variant") {
            d = d.with_hint(format!(
                "kind is one of: {}",
                ActorKind::ALL.map(ActorKind::as_str).join(", ")
            ));
        }
        vec![d]
    })?;
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, actor) in file.actor.iter().enumerate() {
        let at = |message: String| value_diagnostic(display, text, i, "id", message);
        if !is_id(&actor.id) {
            problems.push(
                at(format!("actor id `{}` is not usable in URLs", actor.id)).with_hint(
                    "use lower-case letters, digits and `-`, e.g. id = \"vhs-musterstadt\"",
                ),
            );
        } else if let Some(first) = seen.insert(&actor.id, i) {
            problems.push(
                at(format!("two actors have the id `{}`", actor.id)).with_hint(format!(
                    "the first is actor number {} in the file",
                    first + 1
                )),
            );
        }
        if actor.name.trim().is_empty() {
            problems.push(value_diagnostic(
                display,
                text,
                i,
                "name",
                "an actor's `name` must not be empty".into(),
            ));
        }
        if let Some(email) = &actor.email
            && !is_email(email)
        {
            problems.push(
                value_diagnostic(
                    display,
                    text,
                    i,
                    "email",
                    format!("`{email}` is not an e-mail address"),
                )
                .with_hint("write the address only, e.g. email = \"kurse@vhs.example\""),
            );
        }
        if let Some(url) = &actor.url
            && let Some(problem) = crate::safe_url::web_url_problem(url)
        {
            problems.push(
                value_diagnostic(display, text, i, "url", problem)
                    .with_hint("write the whole address, e.g. url = \"https://vhs.example\""),
            );
        }
    }
    if problems.is_empty() {
        Ok(file.actor)
    } else {
        Err(problems)
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A plain `local@domain` address (what a `mailto:` link and a `To:` header need).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"'))
        && !domain.contains('@')
}

/// A diagnostic at `key = …` of the `index`-th `[[actor]]` table (or at the table).
fn value_diagnostic(
    display: &Path,
    text: &str,
    index: usize,
    key: &str,
    message: String,
) -> Diagnostic {
    let mut table = 0usize;
    let mut offset = 0usize;
    let mut table_start = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("[[actor]]") {
            if table_start.is_some() {
                break;
            }
            if table == index {
                table_start = Some(offset);
            }
            table += 1;
        } else if table_start.is_some()
            && let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let indent = line.len() - line.trim_start().len();
            let start = offset + indent;
            return Diagnostic::error_at(
                display,
                text,
                start..offset + line.trim_end().len(),
                message,
            );
        }
        offset += line.len();
    }
    let start = table_start.unwrap_or(0);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Diagnostic::error_at(display, text, start..end, message)
}

/// Where `key` is set in a page's front matter (`key = …` or `key: …`): the span of the
/// line from the key on, for diagnostics. `None` when the key is not there.
pub fn front_matter_key_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0usize;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if n > 0 && (trimmed == "+++" || trimmed == "---") {
            return None;
        }
        let body = trimmed.trim_start();
        if let Some(rest) = body.strip_prefix(key)
            && (rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':'))
        {
            let indent = trimmed.len() - body.len();
            return Some(offset + indent..offset + trimmed.len());
        }
        offset += line.len();
    }
    None
}

/// The position of `needle` inside the line of `span`, for pointing at one id in a list.
pub fn narrow(text: &str, span: std::ops::Range<usize>, needle: &str) -> std::ops::Range<usize> {
    let quoted_double = format!("\"{needle}\"");
    let quoted_single = format!("'{needle}'");
    let line = &text[span.clone()];
    for q in [quoted_double.as_str(), quoted_single.as_str(), needle] {
        if let Some(i) = line.find(q) {
            return span.start + i..span.start + i + q.len();
        }
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "[[actor]]\nid = \"vhs\"\nname = \"Volkshochschule\"\nkind = \"education\"\nemail = \"kurse@vhs.example\"\n\n[[actor]]\nid = \"amt\"\nname = \"Amt\"\nkind = \"authority\"\n";

    #[test]
    fn parses_actors() {
        let actors = parse(Path::new("a.toml"), GOOD).unwrap();
        assert_eq!(actors.len(), 2);
        assert_eq!(actors[0].kind, ActorKind::Education);
        assert_eq!(actors[1].id, "amt");
        assert_eq!(parse(Path::new("a.toml"), "").unwrap(), vec![]);
    }

    #[test]
    fn unknown_keys_and_kinds_are_errors_with_hints() {
        let text = GOOD.replace("email =", "emial =");
        let e = &parse(Path::new("a.toml"), &text).unwrap_err()[0];
        assert_eq!(e.line, 5);
        assert_eq!(e.hint.as_deref(), Some("did you mean `email`?"));
        let text = GOOD.replace("\"education\"", "\"school\"");
        let e = &parse(Path::new("a.toml"), &text).unwrap_err()[0];
        assert_eq!(e.line, 4);
        assert!(e.hint.as_deref().unwrap().contains("counselling"), "{e:?}");
    }

    #[test]
    fn duplicate_and_bad_ids_point_at_the_id() {
        let text = GOOD.replace("id = \"amt\"", "id = \"vhs\"");
        let e = &parse(Path::new("a.toml"), &text).unwrap_err()[0];
        assert_eq!((e.line, e.column), (8, 1));
        assert!(e.message.contains("two actors"), "{}", e.message);
        let text = GOOD.replace("id = \"amt\"", "id = \"Amt Süd\"");
        let e = &parse(Path::new("a.toml"), &text).unwrap_err()[0];
        assert_eq!(e.line, 8);
        let text = GOOD.replace("kurse@vhs.example", "Kurse bei der VHS");
        let e = &parse(Path::new("a.toml"), &text).unwrap_err()[0];
        assert_eq!(e.line, 5);
    }

    #[test]
    fn finds_front_matter_keys() {
        let text = "+++\ntitle = \"x\"\nactors = [\"a\", \"vhs\"]\n+++\nactor = \"no\"\n";
        let span = front_matter_key_span(text, "actors").unwrap();
        assert_eq!(&text[span.clone()], "actors = [\"a\", \"vhs\"]");
        assert_eq!(&text[narrow(text, span, "vhs")], "\"vhs\"");
        assert_eq!(front_matter_key_span(text, "actor"), None);
        let yaml = "---\ntitle: x\nactor: vhs\n---\n";
        assert_eq!(
            &yaml[front_matter_key_span(yaml, "actor").unwrap()],
            "actor: vhs"
        );
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b.de"));
        assert!(!is_email("a b@c.de"));
        assert!(!is_email("ab.de"));
        assert!(!is_email("a@b"));
        assert!(!is_email("<a@b.de>"));
    }
}
