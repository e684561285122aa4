//! Which URLs wegweiser publishes: the one scheme allow-list that every URL written by
//! a person passes (links and images in Markdown and raw HTML, URL fields of
//! `municipality.toml`, `actors.toml`, places, events), so no page can carry a
//! `javascript:`, `data:` or `vbscript:` URL whatever file it came from.

/// The schemes a published URL may have; a URL without a scheme (relative, `/…`,
/// `#…`, `//host/…`) is allowed too.
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "geo"];

/// The scheme of `url` as a browser reads it (lower case), or `None` for a URL without
/// one. Like a browser, leading spaces and control characters are skipped and tabs and
/// line breaks anywhere are ignored (`java\tscript:` is `javascript:`).
pub fn scheme(url: &str) -> Option<String> {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    for c in url.chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => return Some(scheme),
            '/' | '?' | '#' => return None,
            c => scheme.push(c.to_ascii_lowercase()),
        }
    }
    None
}

/// Whether `url` may be published: it has no scheme, or one of [`ALLOWED_SCHEMES`].
/// A "scheme" that is not a valid one (`a b:c`, `java\0script:`) is refused too: no
/// browser quirk gets the benefit of the doubt.
pub fn is_allowed(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => ALLOWED_SCHEMES.contains(&s.as_str()),
    }
}

/// Whether `url` is an absolute web address (`http://` or `https://`), as a field that
/// names a website must be.
pub fn is_web(url: &str) -> bool {
    matches!(scheme(url).as_deref(), Some("http" | "https"))
        && url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_listed_schemes_are_allowed() {
        for url in [
            "",
            "../wohnen/miete.md#kaution",
            "/de/",
            "#top",
            "//example.org/x",
            "?q=1",
            "https://example.org/a:b",
            "HTTP://EXAMPLE.ORG",
            "mailto:amt@example.org",
            "tel:+49301234",
            "geo:52.5,13.4",
            "datei/a:b",
        ] {
            assert!(is_allowed(url), "{url:?} should be allowed");
        }
    }

    #[test]
    fn script_and_data_urls_are_refused_however_spelled() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\u{0}script:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "a b:c",
        ] {
            assert!(!is_allowed(url), "{url:?} should be refused");
        }
    }

    #[test]
    fn web_addresses() {
        assert!(is_web("https://example.org"));
        assert!(is_web("http://example.org/x"));
        assert!(!is_web("mailto:a@b"));
        assert!(!is_web("/de/"));
        assert!(!is_web("javascript:alert(1)"));
        assert!(!is_web("https://"));
        assert!(!is_web("https:///x"));
    }
}
