//! The search page (`/<m>/<lang>/search/`, `search.html`): it queries the bundles
//! [`crate::output::search`] writes, in the reader's language and in the source
//! language.

use serde_json::json;

use crate::base::diagnostics::Diagnostic;
use crate::model::search::{FOLDER, bundle_url, languages, page_url};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, Site};
use crate::render::Renderer;

impl Renderer<'_> {
    /// Where the search page goes, and its bytes.
    pub(crate) fn search_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        self.render_folder_page(m, lang, FOLDER, None, "search.html", |ui, marker, ctx| {
            search_context(self.site, municipality, lang, ui, marker, ctx)
        })
    }
}

/// Values for `search.html`: `page`, `search` (the bundles, the no-JS links),
/// `languages`, `alternates`, `breadcrumbs`.
pub fn search_context(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    ctx: &mut tera::Context,
) {
    let url = page_url(m, lang).unwrap_or_default();
    ctx.insert(
        "page",
        &crate::render::item::page_value(
            site,
            m,
            "search",
            ui.get("search_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let source = m.source_language;
    let l = &m.languages[source];
    let source_bundle = (source != lang && languages(m).any(|x| x == source)).then(|| {
        json!({
            "url": bundle_url(site, m, source),
            "lang": l.tag,
            "dir": l.dir.as_str(),
            // The language's own name marks each result ("Deutsch").
            "marker": l.name,
        })
    });
    let start = m.pages.first().and_then(|p| p.localized[lang].as_ref());
    ctx.insert(
        "search",
        &json!({
            "bundle": bundle_url(site, m, lang),
            "source": source_bundle,
            "start": start.map(|s| s.url.as_str()),
        }),
    );
    let (languages, alternates) =
        crate::render::item::switcher(site, m, lang, |_| true, marker, |l| page_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert(
        "breadcrumbs",
        &crate::render::item::breadcrumbs(m, lang, None),
    );
}
