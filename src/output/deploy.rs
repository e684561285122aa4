//! `_headers` and `_redirects`: what static hosts (Netlify, Cloudflare Pages) read from
//! the root of the site besides the files they serve. Configured in `[deploy]` of
//! `wegweiser.toml`; a portal whose `static/` holds its own `_headers` or `_redirects`
//! keeps it (as with `robots.txt`), and wegweiser writes none.
//!
//! - `_headers`: a Content-Security-Policy the default theme satisfies (no script, no
//!   inline style, nothing from other hosts), `nosniff`, a referrer and a permissions
//!   policy for every URL, and a year of immutable caching for the files whose names
//!   carry their content hash (see [`crate::output::fingerprint`]). Everything else keeps the
//!   hosts' default, which revalidates on every request: pages change with every build.
//! - `_redirects`: every old URL (`aliases` in front matter) as a `301`, and on Netlify
//!   the language chooser `/<municipality>/` as a `302` to the start page in the
//!   reader's browser language (the `Language=` condition) when the municipality has it;
//!   everyone else sees the chooser. The forwarding pages stay, for hosts without
//!   `_redirects`.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::base::diagnostics::Diagnostic;
use crate::model::config::{BaseUrl, DeploySettings};
use crate::model::urls::encode_segment;
use crate::model::{Municipality, Site};
use crate::output::fingerprint::Assets;
use crate::theme::Theme;

/// The default Content-Security-Policy: only this site's own files, nothing inline,
/// no plugins, no framing, no forms or `<base>` pointing elsewhere. Search is plain
/// JavaScript over JSON: no WebAssembly, so no `'wasm-unsafe-eval'`.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// Headers sent with every URL (after the Content-Security-Policy).
const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    (
        "Permissions-Policy",
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
         microphone=(), payment=(), usb=()",
    ),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

/// Caching of files whose name changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One line of `_redirects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// URL path, percent-encoded.
    pub from: String,
    pub to: String,
    pub status: u16,
    /// Also when a file exists at `from` (Netlify's `!`): forwarding pages and
    /// language choosers are files.
    pub force: bool,
    /// Netlify's `Language=` condition.
    pub language: Option<String>,
}

/// The `_headers` file for a site with `assets`.
pub fn headers(settings: &DeploySettings, base: &BaseUrl, assets: &Assets) -> String {
    let mut out = String::from(
        "# Written by wegweiser: HTTP headers for Netlify and Cloudflare Pages (docs/deploy.md).\n\
         # Configure them in [deploy] of wegweiser.toml, or put your own _headers in static/.\n",
    );
    out.push_str(&format!("\n{}/*\n", base.path));
    let csp = settings
        .content_security_policy
        .as_deref()
        .unwrap_or(DEFAULT_CSP);
    out.push_str(&format!("  Content-Security-Policy: {csp}\n"));
    for (name, value) in SECURITY_HEADERS {
        if !settings
            .extra_headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case(name))
        {
            out.push_str(&format!("  {name}: {value}\n"));
        }
    }
    for (name, value) in &settings.extra_headers {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    for path in assets.immutable() {
        let url: Vec<String> = path.split('/').map(encode_segment).collect();
        out.push_str(&format!(
            "\n{}/{}\n  Cache-Control: {IMMUTABLE}\n",
            base.path,
            url.join("/")
        ));
    }
    out
}

/// The `_redirects` rules of one municipality: its old URLs, then its language choice.
pub fn rules(settings: &DeploySettings, base: &BaseUrl, m: &Municipality) -> Vec<Rule> {
    let mut out: Vec<Rule> = m
        .redirects
        .iter()
        .map(|r| {
            let dir: Vec<String> = r.dir.split('/').map(encode_segment).collect();
            Rule {
                from: format!("{}/{}/", base.path, dir.join("/")),
                to: r.to.clone(),
                status: 301,
                force: true,
                language: None,
            }
        })
        .collect();
    if settings.language_redirects {
        let chooser = format!("{}/{}/", base.path, encode_segment(&m.slug));
        let start = &m.pages[0];
        for (i, l) in m.languages.iter().enumerate() {
            // Browsers send language tags; wegweiser's own variants (`de-si`, plain
            // German) are no browser language and stay a choice on the chooser.
            if l.code.contains('-') || l.tag.contains('-') || l.hidden {
                continue;
            }
            if let Some(loc) = &start.localized[i] {
                out.push(Rule {
                    from: chooser.clone(),
                    to: loc.url.clone(),
                    status: 302,
                    force: true,
                    language: Some(l.tag.clone()),
                });
            }
        }
    }
    out
}

/// Every rule of `site`.
pub fn site_rules(settings: &DeploySettings, site: &Site) -> Vec<Rule> {
    site.municipalities
        .iter()
        .flat_map(|m| rules(settings, &site.base_url, m))
        .collect()
}

/// The `_redirects` file.
pub fn redirects<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> String {
    let mut out = String::from(
        "# Written by wegweiser: old URLs and language choice for Netlify (docs/deploy.md).\n\
         # Hosts that cannot read a line skip it; the forwarding pages and the language\n\
         # chooser then do the same work.\n",
    );
    for r in rules {
        let force = if r.force { "!" } else { "" };
        out.push_str(&format!("{}  {}  {}{force}", r.from, r.to, r.status));
        if let Some(lang) = &r.language {
            out.push_str(&format!("  Language={lang}"));
        }
        out.push('\n');
    }
    out
}

/// Where the templates of `theme` do something the default Content-Security-Policy
/// blocks, as warnings at the place: inline `<script>` and `<style>`, `style` and `on…`
/// attributes, `javascript:` URLs, and files loaded or forms sent to another host.
/// Browsers would silently drop these on a host that sends `_headers`.
pub fn csp_warnings(theme: &Theme) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (path, text) in theme.sources.values() {
        for (span, what) in blocked_in_template(text) {
            out.push(
                Diagnostic::warning_at(
                    path,
                    text,
                    span,
                    format!("{what}: the Content-Security-Policy in _headers blocks it"),
                )
                .with_hint(
                    "move styles and scripts into files in static/ and link them with \
                     site.assets; or set content_security_policy in [deploy] of wegweiser.toml",
                ),
            );
        }
    }
    out
}

/// Byte ranges of what the default policy blocks in one template, with what it is.
fn blocked_in_template(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(lt) = text[i..].find('<').map(|p| i + p) {
        i = lt + 1;
        let name_len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[i].is_ascii_alphabetic() {
            continue;
        }
        let tag = text[i..i + name_len].to_ascii_lowercase();
        // The start tag ends at the first `>` outside quotes and template tags.
        let mut end = i + name_len;
        let mut quote = None;
        while end < bytes.len() {
            let b = bytes[end];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'{' && matches!(bytes.get(end + 1), Some(b'{' | b'%' | b'#')) => {
                    let close = match bytes[end + 1] {
                        b'{' => "}}",
                        b'%' => "%}",
                        _ => "#}",
                    };
                    end = text[end..].find(close).map_or(bytes.len(), |p| end + p + 1);
                }
                None if b == b'>' => break,
                None => {}
            }
            end += 1;
        }
        let attrs = attributes(text, i + name_len, end.min(bytes.len()));
        let attr = |n: &str| attrs.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(n));
        let whole = lt..end.min(bytes.len()) + 1;
        match tag.as_str() {
            // A data block (`type="application/ld+json"`) is not run: CSP does not apply.
            "script"
                if attr("src").is_none()
                    && !attr("type")
                        .is_some_and(|(_, v, _)| v.eq_ignore_ascii_case("application/ld+json")) =>
            {
                out.push((whole.clone(), "an inline <script>"))
            }
            "style" => out.push((whole.clone(), "a <style> element")),
            _ => {}
        }
        for (name, value, span) in &attrs {
            let name = name.to_ascii_lowercase();
            if name == "style" {
                out.push((span.clone(), "a style attribute"));
            } else if name.starts_with("on") && name.len() > 2 {
                out.push((span.clone(), "an event handler attribute"));
            } else if value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                out.push((span.clone(), "a javascript: URL"));
            } else if loads(&tag, &name, &attrs) && is_other_host(value) {
                out.push((span.clone(), "a file from another host"));
            } else if tag == "form" && name == "action" && is_other_host(value) {
                out.push((span.clone(), "a form sent to another host"));
            }
        }
        i = end.min(bytes.len());
    }
    out
}

/// The attributes between `from` and `to` of a start tag: (name, value, span).
fn attributes(text: &str, from: usize, to: usize) -> Vec<(&str, &str, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        if bytes[i].is_ascii_whitespace() || bytes[i] == b'/' {
            i += 1;
            continue;
        }
        // A template tag among the attributes (not allowed in the theme, possible in a
        // portal's own templates): skip it.
        if bytes[i] == b'{' {
            i = text[i..to].find(['}']).map_or(to, |p| i + p + 2);
            continue;
        }
        let start = i;
        while i < to && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &text[start..i];
        let mut value = "";
        if i < to && bytes[i] == b'=' {
            i += 1;
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = text[i + 1..to].find(q as char).map_or(to, |p| i + 1 + p);
                    value = &text[i + 1..end];
                    i = end + 1;
                }
                _ => {
                    let s = i;
                    while i < to && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = &text[s..i];
                }
            }
        }
        if !name.is_empty() {
            out.push((name, value, start..i.min(to)));
        }
        i = i.max(start + 1);
    }
    out
}

/// Whether attribute `name` of a `tag` element makes the browser fetch its URL.
fn loads(tag: &str, name: &str, attrs: &[(&str, &str, Range<usize>)]) -> bool {
    match (tag, name) {
        ("script" | "img" | "iframe" | "source" | "video" | "audio" | "embed" | "track", "src")
        | ("img" | "source", "srcset")
        | ("object", "data")
        | ("video", "poster") => true,
        ("link", "href") => attrs.iter().any(|(k, v, _)| {
            k.eq_ignore_ascii_case("rel")
                && v.split_ascii_whitespace().any(|r| {
                    ["stylesheet", "preload", "icon", "manifest", "modulepreload"]
                        .iter()
                        .any(|x| r.eq_ignore_ascii_case(x))
                })
        }),
        _ => false,
    }
}

/// An absolute URL: another host (the site's own URLs come from `{{ … }}` values).
fn is_other_host(value: &str) -> bool {
    let v = value.trim_start().to_ascii_lowercase();
    v.starts_with("http://") || v.starts_with("https://") || v.starts_with("//")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn templates_are_checked_against_the_policy() {
        let t = "<p style=\"color:red\">x</p>\n<script>alert(1)</script><script src=\"{{ site.path }}/a.js\"></script><script type=\"application/ld+json\">{}</script>\n\
                 <link rel=\"stylesheet\" href=\"https://cdn.example/x.css\"><link rel=\"canonical\" href=\"https://x.org/\">\n\
                 <a href=\"https://other.example/\" onclick=\"x()\">a</a><style>p{}</style>\n\
                 <img src=\"{{ site.path }}/i.png\" alt=\"{{ x > 1 }}\"><form action=\"https://f.example/\"></form>";
        let found: Vec<(&str, &str)> = blocked_in_template(t)
            .into_iter()
            .map(|(span, what)| (&t[span], what))
            .collect();
        assert_eq!(
            found,
            [
                ("style=\"color:red\"", "a style attribute"),
                ("<script>", "an inline <script>"),
                (
                    "href=\"https://cdn.example/x.css\"",
                    "a file from another host"
                ),
                ("onclick=\"x()\"", "an event handler attribute"),
                ("<style>", "a <style> element"),
                (
                    "action=\"https://f.example/\"",
                    "a form sent to another host"
                ),
            ]
        );
    }

    #[test]
    fn the_default_theme_satisfies_the_policy() {
        let mut problems = Vec::new();
        let theme = Theme::load(Path::new("/nonexistent"), None, false, &mut problems).unwrap();
        let warnings: Vec<String> = csp_warnings(&theme)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    }

    #[test]
    fn headers_list_the_policy_and_immutable_files() {
        let base = BaseUrl::parse("https://x.org/portal").unwrap();
        let mut assets = Assets::default();
        assets
            .names
            .insert("a b.css".into(), "a b.0123abcd.css".into());
        let mut settings = DeploySettings::default();
        settings
            .extra_headers
            .insert("Referrer-Policy".into(), "no-referrer".into());
        let h = headers(&settings, &base, &assets);
        assert!(
            h.contains("/portal/*\n  Content-Security-Policy: default-src 'self';"),
            "{h}"
        );
        assert!(h.contains("  Referrer-Policy: no-referrer\n"), "{h}");
        assert!(
            !h.contains("strict-origin-when-cross-origin"),
            "extra headers replace: {h}"
        );
        assert!(
            h.contains(
                "/portal/a%20b.0123abcd.css\n  Cache-Control: public, max-age=31536000, immutable\n"
            ),
            "{h}"
        );
    }

    #[test]
    fn redirect_lines() {
        let rules = [
            Rule {
                from: "/m/alt/".into(),
                to: "/m/de/neu/".into(),
                status: 301,
                force: true,
                language: None,
            },
            Rule {
                from: "/m/".into(),
                to: "/m/ar/".into(),
                status: 302,
                force: true,
                language: Some("ar".into()),
            },
        ];
        let text = redirects(&rules);
        assert!(
            text.ends_with("/m/alt/  /m/de/neu/  301!\n/m/  /m/ar/  302!  Language=ar\n"),
            "{text}"
        );
    }
}
