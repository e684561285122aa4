//! Reading `content/<municipality>/actors.toml` (see [`crate::model::actor`]): every
//! problem reported at its position.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::base::diagnostics::Diagnostic;
use crate::model::actor::{ACTOR_KEYS, Actor, ActorKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    #[serde(default)]
    actor: Vec<Actor>,
}

/// Parse `actors.toml`; every problem is reported with its position.
pub fn parse(display: &Path, text: &str) -> Result<Vec<Actor>, Vec<Diagnostic>> {
    let file: ActorsFile = toml::from_str(text).map_err(|e| {
        let mut d = crate::load::config::toml_diagnostic(display, text, &e, ACTOR_KEYS);
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
            && let Some(problem) = crate::base::safe_url::web_url_problem(url)
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
    fn emails() {
        assert!(is_email("a@b.de"));
        assert!(!is_email("a b@c.de"));
        assert!(!is_email("ab.de"));
        assert!(!is_email("a@b"));
        assert!(!is_email("<a@b.de>"));
    }
}
