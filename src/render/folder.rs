//! The pages in a municipality's reserved folders below the start page: the places
//! (`places/`), the news (`news/`) and the events (`events/`), each a list and one
//! page per item. Their values come from [`crate::render::place`], [`crate::render::news`] and
//! [`crate::render::event`]; this module says where each page goes and with which template.

use tera::Context;

use crate::base::diagnostics::Diagnostic;
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Translatable};
use crate::render::Renderer;

impl Renderer<'_> {
    /// A page in a municipality's reserved folder (`places`, `news`) for readers of
    /// `lang`, at `<folder>/` or `<folder>/<item>/`: `fill` adds its values to the
    /// context. Returns its path and bytes.
    pub(crate) fn render_folder_page(
        &self,
        m: usize,
        lang: LangIdx,
        folder: &str,
        item: Option<&str>,
        template: &str,
        fill: impl FnOnce(&LanguageStrings<'_>, &dyn Fn(&str) -> String, &mut Context),
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let (dir, _) = crate::model::place::section_location(municipality, lang, folder)
            .expect("folder pages are made where the start page is");
        let ui = self.ui(m, lang);
        let mut ctx = self.base_context(m, lang);
        fill(&ui, &|code| self.marker(code), &mut ctx);
        self.discover(m, lang, &mut ctx);
        let rel = match item {
            Some(item) => format!("{dir}/{item}/index.html"),
            None => format!("{dir}/index.html"),
        };
        Ok((rel, self.render(template, &ctx)?))
    }

    /// The places of a municipality by category.
    pub(crate) fn places_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        self.render_folder_page(
            m,
            lang,
            crate::model::place::FOLDER,
            None,
            "places.html",
            |ui, marker, ctx| {
                crate::render::place::places_context(self.site, municipality, lang, ui, marker, ctx)
            },
        )
    }

    /// One place's page.
    pub(crate) fn place_file(
        &self,
        m: usize,
        place: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let id = municipality.places[place].data.id.as_str();
        self.render_folder_page(
            m,
            lang,
            crate::model::place::FOLDER,
            Some(id),
            "place.html",
            |ui, marker, ctx| {
                let shown = municipality.places[place].text(lang).1;
                let notices =
                    self.notices(municipality, Translatable::Place(place), shown, lang, ui);
                crate::render::place::place_context(
                    self.site,
                    municipality,
                    place,
                    lang,
                    ui,
                    marker,
                    notices,
                    ctx,
                )
            },
        )
    }

    /// The current news of a municipality.
    pub(crate) fn news_list_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        self.render_folder_page(
            m,
            lang,
            crate::model::news::FOLDER,
            None,
            "news.html",
            |ui, marker, ctx| {
                crate::render::news::list_context(self.site, municipality, lang, ui, marker, ctx)
            },
        )
    }

    /// One news item's page.
    pub(crate) fn news_item_file(
        &self,
        m: usize,
        item: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let stem = municipality.news[item].stem.as_str();
        self.render_folder_page(
            m,
            lang,
            crate::model::news::FOLDER,
            Some(stem),
            "news_item.html",
            |ui, marker, ctx| {
                let shown = municipality.news[item].text(lang).1;
                let notices = self.notices(municipality, Translatable::News(item), shown, lang, ui);
                crate::render::news::item_context(
                    self.site,
                    municipality,
                    item,
                    lang,
                    ui,
                    marker,
                    notices,
                    ctx,
                )
            },
        )
    }

    /// The upcoming events of a municipality.
    pub(crate) fn events_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        self.render_folder_page(
            m,
            lang,
            crate::model::event::FOLDER,
            None,
            "events.html",
            |ui, marker, ctx| {
                crate::render::event::list_context(self.site, municipality, lang, ui, marker, ctx)
            },
        )
    }

    /// One event's page.
    pub(crate) fn event_file(
        &self,
        m: usize,
        event: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let stem = municipality.events[event].stem.as_str();
        self.render_folder_page(
            m,
            lang,
            crate::model::event::FOLDER,
            Some(stem),
            "event.html",
            |ui, marker, ctx| {
                let shown = municipality.events[event].text(lang).1;
                let notices =
                    self.notices(municipality, Translatable::Event(event), shown, lang, ui);
                crate::render::event::event_context(
                    self.site,
                    municipality,
                    event,
                    lang,
                    ui,
                    marker,
                    notices,
                    ctx,
                )
            },
        )
    }
}
