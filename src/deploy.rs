//! `_headers` and `_redirects`: what static hosts (Netlify, Cloudflare Pages) read from
//! the root of the site besides the files they serve. Configured in `[deploy]` of
//! `wegweiser.toml`; a portal whose `static/` holds its own `_headers` or `_redirects`
//! keeps it (as with `robots.txt`), and wegweiser writes none.
//!
//! - `_headers`: a Content-Security-Policy the default theme satisfies (no script, no
//!   inline style, nothing from other hosts), `nosniff`, a referrer and a permissions
//!   policy for every URL, and a year of immutable caching for the files whose names
//!   carry their content hash (see [`crate::fingerprint`]). Everything else keeps the
//!   hosts' default, which revalidates on every request: pages change with every build.
//! - `_redirects`: every old URL (`aliases` in front matter) as a `301`, and on Netlify
//!   the language chooser `/<municipality>/` as a `302` to the start page in the
//!   reader's browser language (the `Language=` condition) when the municipality has it;
//!   everyone else sees the chooser. The forwarding pages stay, for hosts without
//!   `_redirects`.

use serde::{Deserialize, Serialize};

use crate::config::{BaseUrl, DeploySettings};
use crate::fingerprint::Assets;
use crate::model::{Municipality, Site};
use crate::resolve::encode_segment;

/// The default Content-Security-Policy: only this site's own files, nothing inline,
/// no plugins, no framing, no forms or `<base>` pointing elsewhere.
pub const DEFAULT_CSP: &str = "default-src 'self'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'; object-src 'none'";

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
            if l.code.contains('-') {
                continue;
            }
            if let Some(loc) = &start.localized[i] {
                out.push(Rule {
                    from: chooser.clone(),
                    to: loc.url.clone(),
                    status: 302,
                    force: true,
                    language: Some(l.code.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;

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
