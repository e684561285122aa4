//! Content pages: the start page, sections and pages written in Markdown, for readers
//! of one language (`start.html`, `section.html`, `page.html`).

use serde::Serialize;
use tera::Value;

use crate::base::diagnostics::Diagnostic;
use crate::model::{LangIdx, PageId, PageKind, Translatable};
use crate::render::Renderer;
use crate::render::context::{Alternate, Entry, Original, entry, switcher};
use crate::resolve::links::link_url;

#[derive(Serialize)]
struct PageInfo<'a> {
    key: &'a str,
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    /// Language and direction of the content.
    lang: &'a str,
    dir: &'static str,
    fallback: bool,
    notice: Option<String>,
    /// The translation shown is outdated: where its source is.
    outdated: Option<Original<'a>>,
    /// The translation shown was made by a machine.
    machine_translated: bool,
    url: &'a str,
    permalink: String,
    canonical: String,
    weight: Option<i64>,
    extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

impl Renderer<'_> {
    /// Where a content page goes, and its bytes.
    pub(crate) fn page_file(
        &self,
        m: usize,
        page: PageId,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let dir = &municipality.pages[page].localized[lang]
            .as_ref()
            .expect("jobs are made for localized pages")
            .dir;
        Ok((
            format!("{dir}/index.html"),
            self.render_page(m, page, lang)?,
        ))
    }

    /// Render one page for readers of `lang`.
    pub fn render_page(
        &self,
        mi: usize,
        page: PageId,
        lang: LangIdx,
    ) -> Result<Vec<u8>, Diagnostic> {
        let m = &self.site.municipalities[mi];
        let p = &m.pages[page];
        let localized = p.localized[lang].as_ref().expect("page is localized");
        let shown = m.shown(page, lang);
        let (title, title_lang) = m.title(page, lang);
        let content_lang = &m.languages[shown.map_or(title_lang, |(l, _)| l)];
        let fallback = shown.is_some_and(|(l, _)| l != lang);
        let ui = self.theme.ui.for_lang(&m.languages[lang]);
        // A translation that is there but still to be written is in progress.
        let key = if p.translations[lang].is_some() {
            "in_translation_notice"
        } else {
            "not_translated"
        };
        let notice = fallback.then(|| ui.get(key).replace("{original}", &content_lang.name));
        let notices = shown
            .map(|(l, _)| self.notices(m, Translatable::Page(page), l, lang, &ui))
            .unwrap_or_default();
        let mut content = String::new();
        if let Some((_, t)) = shown {
            content.reserve(t.body.len() + 256);
            t.body.write_html(&mut content, |link| {
                link_url(m, page, link, lang).unwrap_or_else(|_| "#".to_string())
            });
        }
        let canonical_lang = shown.map_or(lang, |(l, _)| l);
        let canonical = p.localized[canonical_lang]
            .as_ref()
            .map_or(&localized.url, |l| &l.url);
        let front = shown.map(|(_, t)| &t.front);
        let info = PageInfo {
            key: &p.key,
            kind: p.kind.as_str(),
            title,
            description: front.and_then(|f| f.description.as_deref()),
            lang: &content_lang.tag,
            dir: content_lang.dir.as_str(),
            fallback,
            notice,
            outdated: notices.outdated,
            machine_translated: notices.machine_translated,
            url: &localized.url,
            permalink: self.site.base_url.absolute(&localized.url),
            canonical: self.site.base_url.absolute(canonical),
            weight: front.and_then(|f| f.weight),
            extra: front.map(|f| &f.extra).filter(|e| !e.is_empty()),
        };

        let languages = switcher(self.theme, m, page, Some(lang));
        let mut alternates: Vec<Alternate<'_>> = m
            .languages
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                !l.hidden
                    && (p.translations[*i].is_some() || p.translations.iter().all(Option::is_none))
            })
            .filter_map(|(i, l)| {
                let loc = p.localized[i].as_ref()?;
                Some(Alternate {
                    hreflang: &l.tag,
                    href: self.site.base_url.absolute(&loc.url),
                })
            })
            .collect();
        // x-default: the page as source-language readers get it, at its canonical URL.
        let x_default = p.localized[m.source_language]
            .as_ref()
            .map(|l| l.shown.unwrap_or(m.source_language))
            .and_then(|x| p.localized[x].as_ref());
        if let Some(x) = x_default {
            alternates.push(Alternate {
                hreflang: "x-default",
                href: self.site.base_url.absolute(&x.url),
            });
        }
        let breadcrumbs: Vec<Entry<'_>> = m
            .ancestors(page)
            .into_iter()
            .filter_map(|a| entry(m, a, lang))
            .collect();

        let shared = &self.shared[mi];
        let mut ctx = self.base_context(mi, lang);
        ctx.insert("page", &info);
        ctx.insert_value("content", Value::from(content).mark_safe());
        ctx.insert("languages", &languages);
        ctx.insert("alternates", &alternates);
        ctx.insert("breadcrumbs", &breadcrumbs);
        ctx.insert(
            "review",
            &crate::render::actor_pages::page_review(self.site, m, page, lang, &ui),
        );
        if let Some(url) = crate::model::feed::feed_url(m, lang) {
            let title = format!("{} – {}", m.name, ui.get("feed_title"));
            ctx.insert("feed", &serde_json::json!({"url": url, "title": title}));
        }
        if p.kind == PageKind::Start {
            ctx.insert("sections", &crate::render::item::start_links(m, lang, &ui));
        }
        if let Some(parent) = p.parent {
            if let Some(Some(entries)) = shared.children[parent].get(lang) {
                ctx.insert_value("siblings", entries.clone());
            }
            if let Some(parent_entry) = entry(m, parent, lang) {
                ctx.insert("parent", &parent_entry);
            }
        }
        if let Some(Some(children)) = shared.children[page].get(lang) {
            ctx.insert_value("children", children.clone());
        }
        let template = match p.kind {
            PageKind::Start => "start.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        };
        self.discover(mi, lang, &mut ctx);
        self.render(template, &ctx)
    }
}
