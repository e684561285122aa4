//! `wegweiser.toml` and `municipality.toml`: the settings as plain data (read by
//! `load_config`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::language::LanguageSettings;

/// Portal settings from `wegweiser.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    pub title: String,
    pub base_url: String,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub build: BuildSettings,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageSettings>,
    #[serde(default)]
    pub deploy: DeploySettings,
    /// Where readers can suggest an edit of a page: `{path}` stands for the page's
    /// source file relative to the portal root.
    #[serde(default)]
    pub edit_url: Option<String>,
    /// `[offline]`: reading without a connection (docs/offline.md).
    #[serde(default)]
    pub offline: OfflineSettings,
}

/// `[offline]`: the web app manifest, service worker and "save for offline use" of
/// every municipality and language (docs/offline.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfflineSettings {
    /// `false`: none of them is written, and pages neither link nor load them.
    pub enabled: bool,
}

impl Default for OfflineSettings {
    fn default() -> Self {
        OfflineSettings { enabled: true }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildSettings {
    pub output_dir: String,
    pub minify: bool,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            output_dir: "public".into(),
            minify: true,
        }
    }
}

/// `[deploy]`: the files static hosts (Netlify, Cloudflare Pages) read from the site's
/// root. See docs/deploy.md.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeploySettings {
    /// Write `_headers`: security headers and caching.
    pub headers: bool,
    /// Write `_redirects`: old URLs (`aliases`) and language choice.
    pub redirects: bool,
    /// In `_redirects`, send readers from `/<municipality>/` to their browser's
    /// language (Netlify's `Language=` condition).
    pub language_redirects: bool,
    /// Replaces the default Content-Security-Policy.
    pub content_security_policy: Option<String>,
    /// More headers for every URL: `"Strict-Transport-Security" = "max-age=63072000"`.
    pub extra_headers: BTreeMap<String, String>,
}

impl Default for DeploySettings {
    fn default() -> Self {
        DeploySettings {
            headers: true,
            redirects: true,
            language_redirects: true,
            content_security_policy: None,
            extra_headers: BTreeMap::new(),
        }
    }
}

/// Whether pages missing in a language show another language's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FallbackMode {
    #[default]
    Auto,
    None,
}

/// Contact data of a municipality's integration office.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Who coordinates the portal (`Integrationsbüro der Stadt Musterstadt`): the
    /// sender and signature of reminders to integration actors.
    #[serde(default)]
    pub coordinator: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// A municipality's settings from `content/<m>/municipality.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityConfig {
    pub name: String,
    pub source_language: String,
    pub languages: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Built and reachable at its URLs, but not on the portal index, not in the sitemap,
    /// and its pages are `noindex` (an archived or not yet public municipality).
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub fallback: FallbackMode,
    #[serde(default)]
    pub contact: Option<Contact>,
    /// Languages translated from another language than the source language:
    /// `ti = "en"`.
    #[serde(default)]
    pub translation: BTreeMap<String, String>,
    /// How often pages must be checked unless a page or section says otherwise.
    #[serde(default)]
    pub review_interval: Option<crate::model::review::Interval>,
    /// IANA time zone name: which day "today" is for review dates.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Imprint, privacy notice, accessibility statement (see docs/legal.md).
    #[serde(default)]
    pub legal: Option<crate::model::legal::LegalSettings>,
    /// Links to Leichte Sprache and Gebärdensprache on the start page.
    #[serde(default)]
    pub accessibility: crate::model::legal::AccessibilitySettings,
    /// Logo, coat of arms, primary colour.
    #[serde(default)]
    pub theme: Option<crate::model::branding::ThemeSettings>,
    /// `[events]`: how many days ahead the events page lists (see docs/events.md).
    #[serde(default)]
    pub events: crate::model::event::EventSettings,
    /// `[search]`: synonyms (see docs/search.md).
    #[serde(default)]
    pub search: crate::model::search::SearchSettings,
}

/// An absolute base URL split into what links need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Scheme and host, no trailing slash: `https://wegweiser.example.org`.
    pub origin: String,
    /// Path prefix without trailing slash: `""` or `/portal`.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(url: &str) -> Result<BaseUrl, String> {
        if let Some(problem) = crate::base::safe_url::web_url_problem(url) {
            return Err(problem);
        }
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| format!("`{url}` is not an absolute http(s) URL"))?;
        let scheme_len = url.len() - rest.len();
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if host_end == 0 {
            return Err(format!("`{url}` has no host"));
        }
        if rest[host_end..].contains(['?', '#']) {
            return Err(format!("`{url}` must not have a query or fragment"));
        }
        let path = rest[host_end..].trim_end_matches('/').to_string();
        Ok(BaseUrl {
            origin: url[..scheme_len + host_end].to_string(),
            path,
        })
    }

    /// The absolute URL of a site path such as `/musterstadt/de/`.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", self.origin, site_path)
    }
}

pub const PORTAL_KEYS: &[&str] = &[
    "title",
    "base_url",
    "theme",
    "build",
    "languages",
    "deploy",
    "edit_url",
    "offline",
];
pub const MUNICIPALITY_KEYS: &[&str] = &[
    "name",
    "source_language",
    "languages",
    "aliases",
    "hidden",
    "fallback",
    "contact",
    "translation",
    "review_interval",
    "timezone",
    "legal",
    "accessibility",
    "theme",
    "events",
    "search",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_splits_origin_and_path() {
        let b = BaseUrl::parse("https://example.org/portal/").unwrap();
        assert_eq!(b.origin, "https://example.org");
        assert_eq!(b.path, "/portal");
        assert_eq!(b.absolute("/portal/x/"), "https://example.org/portal/x/");
        let b = BaseUrl::parse("http://127.0.0.1:1111").unwrap();
        assert_eq!(b.path, "");
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https:///x").is_err());
    }
}
