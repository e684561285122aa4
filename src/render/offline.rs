//! The page a municipality's service worker shows offline in place of a page never
//! saved (`/<m>/<lang>/offline.html`, see [`crate::output::offline`]).

use crate::base::diagnostics::Diagnostic;
use crate::model::LangIdx;
use crate::render::Renderer;
use crate::render::context::{Entry, entry, switcher};

impl Renderer<'_> {
    /// Where the offline page goes, and its bytes.
    pub(crate) fn offline_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let dir = crate::output::offline::language_dir(municipality, lang)
            .expect("offline pages are made where the start page is");
        Ok((
            format!("{dir}/{}", crate::model::files::OFFLINE_FALLBACK),
            self.render_offline(m, lang)?,
        ))
    }

    /// The page a municipality's service worker shows for a page never saved, when
    /// the reader is offline.
    fn render_offline(&self, mi: usize, lang: LangIdx) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let dir =
            crate::output::offline::language_dir(m, lang).expect("jobs are made for a start page");
        let url = crate::output::offline::urls(&self.site.base_url.path, dir).fallback;
        let ui = self.ui(mi, lang);
        let l = &m.languages[lang];
        let mut ctx = self.base_context(mi, lang);
        ctx.insert(
            "page",
            &serde_json::json!({
                "key": "offline",
                "kind": "offline",
                "title": ui.get("offline_page_title"),
                "lang": l.tag,
                "dir": l.dir.as_str(),
                "permalink": self.site.base_url.absolute(&url),
                "canonical": self.site.base_url.absolute(&url),
                "url": url,
            }),
        );
        // The start page in every language, the way out of this page.
        ctx.insert("languages", &switcher(self.theme, m, 0, Some(lang)));
        ctx.insert("alternates", &Vec::<()>::new());
        let breadcrumbs: Vec<Entry<'_>> = entry(m, 0, lang).into_iter().collect();
        ctx.insert("breadcrumbs", &breadcrumbs);
        self.render("offline.html", &ctx)
    }
}
