//! The pages of the whole portal: `index.html` (every municipality and its
//! languages) and `404.html`, from the model or, in `wegweiser merge`, from the
//! [`PortalEntry`]s the shards stored.

use serde::Serialize;
use tera::{Context, Value};

use crate::base::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::context::municipality_info;
use crate::render::{Renderer, finish_html};
use crate::theme::Theme;

impl Renderer<'_> {
    pub(crate) fn render_portal(&self, template: &str) -> Result<Vec<u8>, Diagnostic> {
        let entries = portal_entries(self.site, self.theme);
        render_portal_page(self.theme, &self.site_value, &entries, template)
    }
}

/// What the pages of the whole portal (index, 404) show of one municipality. Every
/// build computes it from the model; a shard build also stores it in its manifest, so
/// that `wegweiser merge` renders the same pages for all shards together.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PortalEntry {
    pub slug: String,
    /// `municipalities[i]` of the templates index.html and 404.html.
    pub info: serde_json::Value,
    /// Every language of the municipality, in its order.
    pub languages: Vec<PortalLanguage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PortalLanguage {
    pub code: String,
    /// BCP 47, for `lang` and `hreflang`.
    pub tag: String,
    pub dir: String,
    pub name: String,
}

/// The [`PortalEntry`] of every municipality of `site`, in order.
pub fn portal_entries(site: &Site, theme: &Theme) -> Vec<PortalEntry> {
    site.municipalities
        .iter()
        .filter(|m| !m.hidden)
        .map(|m| PortalEntry {
            slug: m.slug.clone(),
            info: serde_json::to_value(municipality_info(site, theme, m, None))
                .expect("municipality info serialises"),
            languages: m
                .languages
                .iter()
                .filter(|l| !l.hidden)
                .map(|l| PortalLanguage {
                    code: l.code.clone(),
                    tag: l.tag.clone(),
                    dir: l.dir.as_str().to_string(),
                    name: l.name.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The HTML files of the whole portal (`index.html`, `404.html`) for `entries`,
/// minified as a build with `minify` would write them.
pub fn portal_pages(
    theme: &Theme,
    site_value: &Value,
    entries: &[PortalEntry],
    minify: bool,
) -> Result<Vec<(&'static str, Vec<u8>)>, Diagnostic> {
    ["index.html", "404.html"]
        .into_iter()
        .map(|name| {
            let html = render_portal_page(theme, site_value, entries, name)?;
            Ok((name, finish_html(theme, minify, html)))
        })
        .collect()
}

/// Render the portal page `template` (index.html or 404.html).
fn render_portal_page(
    theme: &Theme,
    site_value: &Value,
    entries: &[PortalEntry],
    template: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let municipalities: Vec<&serde_json::Value> = entries.iter().map(|e| &e.info).collect();
    // Every language of the portal once, in order of first appearance.
    let mut languages: Vec<&PortalLanguage> = Vec::new();
    for l in entries.iter().flat_map(|m| &m.languages) {
        if !languages.iter().any(|x| x.code == l.code) {
            languages.push(l);
        }
    }
    let messages: Vec<_> = languages
        .iter()
        .map(|l| {
            let ui = theme.ui.for_tagged(&l.code, &l.tag);
            serde_json::json!({
                "lang": l.tag, "dir": l.dir, "name": l.name,
                "title": ui.get("not_found_title"), "text": ui.get("not_found_text"),
                "choose": ui.get("choose_language"), "municipalities": ui.get("municipalities"),
            })
        })
        .collect();
    let portal_lang = languages.first().map_or("de", |l| &l.code);
    let portal_tag = languages.first().map_or("de", |l| &l.tag);
    let portal_dir = languages.first().map_or("ltr", |l| l.dir.as_str());
    let mut ctx = Context::new();
    ctx.insert_value("site", site_value.clone());
    ctx.insert("municipalities", &municipalities);
    ctx.insert("messages", &messages);
    ctx.insert(
        "lang",
        &serde_json::json!({
            "code": portal_lang,
            "tag": portal_tag,
            "dir": portal_dir,
            "arabic_script": crate::model::branding::is_arabic_script(portal_lang),
        }),
    );
    ctx.insert_value(
        "t",
        Value::from_serializable(&theme.ui.for_tagged(portal_lang, portal_tag).to_map()),
    );
    let mut out = Vec::with_capacity(16 * 1024);
    theme
        .tera
        .render_to(template, &ctx, &mut out)
        .map_err(|e| theme.error(&e))?;
    Ok(out)
}
