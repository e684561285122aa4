//! The legal pages generated from `[legal]` (imprint, privacy notice, accessibility
//! statement): German text in a page in the reader's language.

use crate::base::diagnostics::Diagnostic;
use crate::model::LangIdx;
use crate::model::legal::LegalKind;
use crate::render::Renderer;
use crate::render::context::{Alternate, Entry, SwitcherEntry, entry};

impl Renderer<'_> {
    /// Where a generated legal page goes, and its bytes.
    pub(crate) fn legal_file(
        &self,
        m: usize,
        kind: LegalKind,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let base_path = &self.site.base_url.path;
        let (dir, _) =
            crate::resolve::legal::generated_location(base_path, municipality, kind, lang);
        Ok((
            format!("{dir}/index.html"),
            self.render_legal(m, kind, lang)?,
        ))
    }

    /// A legal page generated from `[legal]`: German text in a page in the reader's
    /// language, canonical at the German (source language) copy.
    fn render_legal(
        &self,
        mi: usize,
        kind: LegalKind,
        lang: LangIdx,
    ) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let legal = m.legal.as_ref().expect("jobs are made for [legal]");
        let german = m.language_index("de").unwrap_or(m.source_language);
        let base_path = &self.site.base_url.path;
        let (_, url) = crate::resolve::legal::generated_location(base_path, m, kind, lang);
        let (_, canonical) = crate::resolve::legal::generated_location(base_path, m, kind, german);
        let reader_tag = &m.languages[lang].tag;
        let german_reader = reader_tag == "de" || reader_tag.starts_with("de-");
        let info = serde_json::json!({
            "key": kind.slug(),
            "kind": "legal",
            "title": kind.title(),
            "lang": "de",
            "dir": "ltr",
            "url": url,
            "permalink": self.site.base_url.absolute(&url),
            "canonical": self.site.base_url.absolute(&canonical),
            // The reader's language is not German: say that the binding text is.
            "translated_intro": !german_reader,
        });
        // Every language has the page: the switcher leads to it.
        let urls: Vec<String> = (0..m.languages.len())
            .map(|i| crate::resolve::legal::generated_location(base_path, m, kind, i).1)
            .collect();
        let languages: Vec<SwitcherEntry<'_>> = m
            .languages
            .iter()
            .zip(&urls)
            .enumerate()
            .filter(|&(i, (l, _))| !l.hidden || i == lang)
            .map(|(i, (l, u))| SwitcherEntry {
                code: &l.code,
                tag: &l.tag,
                name: &l.name,
                dir: l.dir.as_str(),
                url: u,
                current: i == lang,
                fallback: false,
                marker: "",
            })
            .collect();
        let alternates = [Alternate {
            hreflang: "de",
            href: self.site.base_url.absolute(&canonical),
        }];
        let breadcrumbs: Vec<Entry<'_>> = entry(m, 0, lang).into_iter().collect();
        let mut ctx = self.base_context(mi, lang);
        ctx.insert("page", &info);
        ctx.insert("legal", &crate::render::legal::template_value(legal));
        ctx.insert("languages", &languages);
        ctx.insert("alternates", &alternates);
        ctx.insert("breadcrumbs", &breadcrumbs);
        self.discover(mi, lang, &mut ctx);
        self.render(kind.template(), &ctx)
    }
}
