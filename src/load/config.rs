//! Reading `wegweiser.toml` and `municipality.toml`: TOML problems as diagnostics
//! with positions and "did you mean" hints.

use std::path::Path;

use serde::Deserialize;

use crate::base::diagnostics::{Diagnostic, Severity, did_you_mean};

/// Parse a TOML file into `T`, reporting problems with position and hints.
pub fn parse_toml<T: for<'de> Deserialize<'de>>(
    display_path: &Path,
    text: &str,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    toml::from_str::<T>(text).map_err(|e| toml_diagnostic(display_path, text, &e, known_keys))
}

/// A diagnostic for a TOML error, with a "did you mean" for misspelt keys.
pub fn toml_diagnostic(
    display_path: &Path,
    text: &str,
    err: &toml::de::Error,
    known_keys: &[&str],
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let diagnostic = match err.span() {
        Some(span) => Diagnostic::error_at(display_path, text, span, message.clone()),
        None => Diagnostic::file(Severity::Error, display_path, message.clone()),
    };
    let diagnostic = diagnostic.with_hint_opt(unknown_key_hint(&message, known_keys));
    crate::load::front_matter::explained(diagnostic, text, err.span().map(|s| s.start))
}

/// For serde's "unknown field `x`, expected …" message: the closest expected key.
/// The keys serde lists win over `known_keys`: they are those of the table the
/// unknown key stands in (`[build]`, `[contact]`…).
pub fn unknown_key_hint(message: &str, known_keys: &[&str]) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let wrong = &rest[..end];
    let expected = expected_keys(&rest[end + 1..]);
    let candidates: Vec<&str> = if expected.is_empty() {
        known_keys.to_vec()
    } else {
        expected
    };
    match did_you_mean(wrong, candidates.iter().copied()) {
        Some(k) => Some(format!("did you mean `{k}`?")),
        None => Some(format!("known keys: {}", candidates.join(", "))),
    }
}

/// The keys in serde's ", expected one of `a`, `b`" / ", expected `a` or `b`".
fn expected_keys(text: &str) -> Vec<&str> {
    let Some(i) = text.find("expected") else {
        return Vec::new();
    };
    let list = &text[i + "expected".len()..];
    let list = list.strip_prefix(" one of").unwrap_or(list);
    let quoted: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
    if !quoted.is_empty() {
        return quoted;
    }
    // serde-saphyr lists the keys without backticks.
    list.split([',', ' '])
        .map(str::trim)
        .filter(|k| {
            !k.is_empty() && *k != "or" && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::{MUNICIPALITY_KEYS, MunicipalityConfig, PORTAL_KEYS, PortalConfig};

    #[test]
    fn unknown_keys_get_a_hint() {
        let err = parse_toml::<MunicipalityConfig>(
            Path::new("m.toml"),
            "name = \"X\"\nsource_language = \"de\"\nlanguages = [\"de\"]\nalisaes = []\n",
            MUNICIPALITY_KEYS,
        )
        .unwrap_err();
        assert_eq!(err.line, 4);
        assert_eq!(err.hint.as_deref(), Some("did you mean `aliases`?"));
    }

    #[test]
    fn hints_come_from_the_table_the_key_stands_in() {
        let err = parse_toml::<PortalConfig>(
            Path::new("w.toml"),
            "title = \"x\"\nbase_url = \"https://x.org\"\n[build]\nminfy = false\n",
            PORTAL_KEYS,
        )
        .unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `minify`?"));
        assert_eq!(
            unknown_key_hint(
                "unknown field `tilte`, expected one of title, description",
                &[]
            )
            .as_deref(),
            Some("did you mean `title`?")
        );
    }

    #[test]
    fn missing_required_key_is_reported() {
        let err = parse_toml::<PortalConfig>(Path::new("w.toml"), "title = \"x\"\n", PORTAL_KEYS)
            .unwrap_err();
        assert!(err.message.contains("base_url"), "{}", err.message);
    }
}
