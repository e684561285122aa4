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

/// Every field of the portal's files whose value is published as a link to a website:
/// (file, field). Each is checked with [`web_url_problem`] where its file is read, and
/// an address that is not one is an error at the value.
pub const WEB_URL_FIELDS: &[(&str, &str)] = &[
    ("wegweiser.toml", "base_url"),
    ("wegweiser.toml", "edit_url"),
    ("municipality.toml", "legal.accessibility.conciliation_url"),
    ("actors.toml", "url"),
    ("places/*.md", "website"),
    ("places/*.md", "appointment_url"),
    ("events/*.md", "online_url"),
    ("events/*.md", "registration"),
];

/// Why `url`, the value of a field that names a website, cannot be published as a
/// link: it must be an absolute `http://` or `https://` address, without white space or
/// control characters (which browsers drop or read in ways that hide the scheme).
pub fn web_url_problem(url: &str) -> Option<String> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "`{}` is not an absolute http(s) URL: it contains white space or a control character",
            url.escape_debug()
        ));
    }
    if is_web(url) {
        return None;
    }
    Some(match scheme(url) {
        Some(s) if !is_allowed(url) => {
            format!("`{url}` is not an absolute http(s) URL: `{s}:` addresses are never published")
        }
        _ => format!("`{url}` is not an absolute http(s) URL"),
    })
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
    fn web_url_fields_take_web_addresses_only() {
        assert_eq!(web_url_problem("https://example.org/a?b=c#d"), None);
        assert_eq!(web_url_problem("http://127.0.0.1:1111"), None);
        for url in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "https://example.org/\njavascript:alert(1)",
            " https://example.org",
            "https://exa mple.org",
            "mailto:a@example.org",
            "/relative",
            "example.org",
            "https://",
        ] {
            let problem = web_url_problem(url).unwrap_or_else(|| panic!("{url:?} accepted"));
            assert!(
                problem.contains("is not an absolute http(s) URL"),
                "{problem}"
            );
        }
        assert!(
            web_url_problem("javascript:alert(1)")
                .unwrap()
                .contains("`javascript:`")
        );
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
