//! The poster: the QR codes of a municipality's start page in every language, each
//! labelled in its language (`/<m>/<lang>/poster/`, `poster.html`).

use serde_json::{Value as Json, json};
use tera::Context;

use crate::base::diagnostics::Diagnostic;
use crate::model::share::{QR_FILE, poster_location};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, Site};
use crate::render::Renderer;

impl Renderer<'_> {
    /// Where the poster goes, and its bytes.
    pub(crate) fn poster_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let (dir, _) =
            poster_location(municipality, lang).expect("posters are made where the start page is");
        Ok((format!("{dir}/index.html"), self.render_poster(m, lang)?))
    }

    /// The poster of municipality `mi` for readers of `lang`: a large QR code of the
    /// start page in every language it has, each labelled in that language.
    fn render_poster(&self, mi: usize, lang: LangIdx) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let ui = self.ui(mi, lang);
        let mut ctx = self.base_context(mi, lang);
        poster_context(
            self.site,
            m,
            lang,
            &ui,
            |l| self.theme.ui.for_lang(l),
            |code| self.marker(code),
            &mut ctx,
        );
        self.render("poster.html", &ctx)
    }
}

/// Values for `poster.html`: `page`, `codes` (one per language the start page is
/// published in: its QR code, absolute URL and "Scan for information in …" in that
/// language where the theme has the text, else in English), `languages`, `alternates`
/// (none: the poster is not for search engines) and `breadcrumbs`.
#[allow(clippy::too_many_arguments)]
pub fn poster_context<'t>(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    strings_of: impl Fn(&crate::model::language::Language) -> LanguageStrings<'t>,
    marker: impl Fn(&str) -> String,
    ctx: &mut Context,
) {
    let url = poster_location(m, lang).map(|(_, u)| u).unwrap_or_default();
    ctx.insert(
        "page",
        &crate::render::item::page_value(
            site,
            m,
            "poster",
            ui.get("poster_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let codes: Vec<Json> = m
        .languages
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let start = m.pages.first()?.localized[i].as_ref()?;
            let strings = strings_of(l);
            let (label, label_lang, label_dir, name) =
                match strings.first_translated(&["poster_scan"]) {
                    Some((_, text)) => (text, l.tag.as_str(), l.dir.as_str(), l.name.as_str()),
                    None => (
                        strings.get("poster_scan"),
                        "en",
                        "ltr",
                        l.english_name.as_str(),
                    ),
                };
            let alt = match strings.first_translated(&["share_qr"]) {
                Some((_, text)) => text,
                None => strings.get("share_qr"),
            };
            Some(json!({
                "code": l.code,
                "tag": l.tag,
                "label": label.replace("{language}", name),
                "label_lang": label_lang,
                "label_dir": label_dir,
                "alt": alt,
                "url": site.base_url.absolute(&start.url),
                "qr": format!("{}{QR_FILE}", start.url),
            }))
        })
        .collect();
    ctx.insert("codes", &codes);
    let (languages, _) = crate::render::item::switcher(
        site,
        m,
        lang,
        |_| true,
        marker,
        |l| poster_location(m, l).map(|(_, u)| u),
    );
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &Vec::<()>::new());
    ctx.insert(
        "breadcrumbs",
        &crate::render::item::breadcrumbs(m, lang, None),
    );
}
