//! A municipality's language chooser (`/<m>/`, `chooser.html`).

use tera::Value;

use crate::base::diagnostics::Diagnostic;
use crate::render::Renderer;
use crate::render::context::municipality_info;

impl Renderer<'_> {
    /// Where the chooser goes, and its bytes.
    pub(crate) fn chooser_file(&self, m: usize) -> Result<(String, Vec<u8>), Diagnostic> {
        let slug = &self.site.municipalities[m].slug;
        Ok((format!("{slug}/index.html"), self.render_chooser(m)?))
    }

    fn render_chooser(&self, mi: usize) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let mut ctx = self.base_context(mi, m.source_language);
        // The chooser is no page of one language: no manifest, no worker.
        ctx.remove("offline");
        ctx.insert_value(
            "municipality",
            Value::from_serializable(&municipality_info(self.site, self.theme, m, None)),
        );
        self.render("chooser.html", &ctx)
    }
}
