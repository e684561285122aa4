//! The resolved portal: an immutable model that every output reads.
//!
//! Built once by [`crate::resolve`], then shared read-only by the render stage and by
//! every output beside the HTML. Pages are kept in one vector per municipality and
//! refer to each other by index ([`PageId`]); languages by their index in the
//! municipality's language list ([`LangIdx`]).

pub mod actor;
pub mod body;
pub mod branding;
pub mod config;
pub mod event;
pub mod feed;
pub mod files;
pub mod front_matter;
pub mod language;
pub mod legal;
pub mod news;
pub mod place;
pub mod recurrence;
pub mod review;
pub mod search;
pub mod share;
pub mod slug;
pub mod translation;
pub mod ui_strings;
pub mod urls;

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::model::actor::Actor;
use crate::model::body::Body;
use crate::model::config::{BaseUrl, Contact, FallbackMode};
use crate::model::front_matter::FrontMatter;
use crate::model::language::Language;
use crate::model::review::Interval;
use crate::model::translation::{Status, Translated};

/// Index of a page in [`Municipality::pages`].
pub type PageId = usize;
/// Index of a language in [`Municipality::languages`].
pub type LangIdx = usize;

/// The whole portal.
#[derive(Debug)]
pub struct Site {
    pub title: String,
    pub base_url: BaseUrl,
    pub municipalities: Vec<Municipality>,
    /// `edit_url` from `wegweiser.toml`: `{path}` stands for a source file's path.
    pub edit_url: Option<String>,
    /// `[offline] enabled`: manifests, service workers and offline lists are written.
    pub offline: bool,
}

/// One municipality's part of the portal.
#[derive(Debug)]
pub struct Municipality {
    /// Folder name and first URL segment.
    pub slug: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// `hidden = true`: built, reachable, not listed, not in the sitemap, `noindex`.
    pub hidden: bool,
    pub contact: Option<Contact>,
    pub fallback: FallbackMode,
    /// In switcher order.
    pub languages: Vec<Language>,
    pub source_language: LangIdx,
    /// The language each language is translated from (`None` for the source language).
    pub translation_sources: Vec<Option<LangIdx>>,
    /// `pages[0]` is the start page; sections before their children.
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Old URLs (`aliases` in front matter) that redirect to a page.
    pub redirects: Vec<Redirect>,
    /// Page key → page.
    pub keys: BTreeMap<String, PageId>,
    /// Asset path relative to the municipality folder → asset.
    pub asset_paths: BTreeMap<String, usize>,
    /// `[legal]`: the legal pages (generated unless written; see [`crate::model::legal`]).
    pub legal: Option<crate::model::legal::LegalSettings>,
    /// `[accessibility]`: start page links to Leichte Sprache and Gebärdensprache.
    pub accessibility: crate::model::legal::AccessibilitySettings,
    /// `[theme]`: logo, coat of arms, primary colour (see [`crate::model::branding`]).
    pub theme: Option<crate::model::branding::ThemeSettings>,
    /// Logo and coat of arms: (file on disk, name under `/<m>/_theme/`, what is
    /// published instead of the file's bytes: a sanitised SVG).
    pub theme_files: Vec<(PathBuf, String, Option<Published>)>,
    /// Integration actors from `actors.toml`, in file order.
    pub actors: Vec<Actor>,
    /// IANA name of the municipality's time zone.
    pub timezone: String,
    /// The day review dates are compared with: today in the municipality's time zone,
    /// or the day given with `--today`.
    pub today: Date,
    /// Places from `places/` (see [`crate::model::place`]), sorted by id.
    pub places: Vec<crate::model::place::Place>,
    /// News items from `news/` (see [`crate::model::news`]), newest first.
    pub news: Vec<crate::model::news::NewsItem>,
    /// Events from `events/` (see [`crate::model::event`]), by first day.
    pub events: Vec<crate::model::event::Event>,
    /// `[events] window_days`: how many days ahead the events page lists.
    pub event_window_days: u32,
    /// `[search]`: synonyms per language.
    pub search: crate::model::search::SearchSettings,
}

/// An old URL that forwards readers to a page.
#[derive(Debug, Clone)]
pub struct Redirect {
    /// Output folder relative to the output root, not encoded.
    pub dir: String,
    /// Where it leads: a URL path from the site root.
    pub to: String,
    /// The page file that declares it.
    pub file: PathBuf,
    /// Path on disk of that file (to point at the alias in it).
    pub path: PathBuf,
    /// The alias as written in the front matter.
    pub alias: String,
}

/// Whether a page lists other pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// The municipality's start page.
    Start,
    Section,
    Page,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Start => "start",
            PageKind::Section => "section",
            PageKind::Page => "page",
        }
    }

    pub fn is_section(self) -> bool {
        self != PageKind::Page
    }
}

/// A page with all its translations.
#[derive(Debug)]
pub struct Page {
    /// Path below the municipality folder without language (`wohnen/miete`).
    pub key: String,
    pub kind: PageKind,
    pub parent: Option<PageId>,
    /// Sub-sections and pages, ordered by weight, then title.
    pub children: Vec<PageId>,
    /// Indexed by [`LangIdx`]; `None` where no file exists.
    pub translations: Vec<Option<Translation>>,
    /// What readers of each language get at this page's URL; `None`: no page.
    pub localized: Vec<Option<Localized>>,
    /// The state of each translation, indexed by [`LangIdx`].
    pub statuses: Vec<Status>,
    /// Title for sections that have no `_index` file in any language.
    pub folder_title: String,
    /// Who provides the page and when it was last checked; `None` for sections without
    /// any file.
    pub review: Option<Review>,
}

/// Who provides a page's information and when it was last checked (see
/// [`crate::model::review`]). Read from the page's file in the source language (else its first
/// file); `actor`, `actors` and `review_interval` are inherited from the nearest section
/// that sets them.
#[derive(Debug, Clone)]
pub struct Review {
    /// Indices in [`Municipality::actors`].
    pub actors: Vec<usize>,
    pub reviewed: Option<Date>,
    pub reviewed_by: Option<String>,
    pub interval: Interval,
    /// The language of the file the review dates are read from (and `confirm` writes).
    pub lang: LangIdx,
}

/// One translation file.
#[derive(Debug)]
pub struct Translation {
    /// Path shown in diagnostics (relative to the portal root).
    pub file: PathBuf,
    /// Path on disk.
    pub path: PathBuf,
    pub front: FrontMatter,
    pub body: Body,
    /// Digest of its content (see [`crate::model::translation::digest`]).
    pub digest: String,
}

impl crate::model::translation::Translated for Translation {
    fn file(&self) -> &std::path::Path {
        &self.file
    }
    fn path(&self) -> &std::path::Path {
        &self.path
    }
    fn digest(&self) -> &str {
        &self.digest
    }
    fn source_digest(&self) -> Option<&str> {
        self.front.source_digest.as_deref()
    }
    fn machine_translated(&self) -> bool {
        self.front.machine_translated
    }
    fn in_translation(&self) -> bool {
        self.front.in_translation
    }
}

/// A page as shown at one language's URL.
#[derive(Debug, Clone)]
pub struct Localized {
    /// The translation shown: the language itself, or its fallback.
    /// `None` for sections without any `_index` file.
    pub shown: Option<LangIdx>,
    /// URL path from the site root, percent-encoded, with the base path and a trailing
    /// slash: `/musterstadt/ar/%D8%B3…/`.
    pub url: String,
    /// Output folder relative to the output root, not encoded: `musterstadt/ar/سكن`.
    pub dir: String,
}

/// A file beside the pages (image, PDF), published at its owner page's URL in every
/// language.
#[derive(Debug)]
pub struct Asset {
    /// Relative to the municipality folder: `ankommen/buergerbuero/lageplan.svg`.
    pub rel: String,
    pub path: PathBuf,
    /// The bundle or section it belongs to.
    pub owner: PageId,
    /// Path below the owner's folder: `lageplan.svg`.
    pub name: String,
    /// Published instead of the file's bytes (a sanitised SVG, see [`crate::load::assets`]).
    pub content: Option<Published>,
}

/// The bytes published for a file of the portal instead of the file as it is.
pub type Published = std::sync::Arc<[u8]>;

/// Something translated as a whole, with a translation state per language: a page, or
/// an event, place or news item (by its index in [`Municipality::events`],
/// [`Municipality::places`] or [`Municipality::news`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Translatable {
    Page(PageId),
    Event(usize),
    Place(usize),
    News(usize),
}

impl Municipality {
    /// Everything that has translation states, in the order reports list it: the pages
    /// that have a file (start page first, sections before their children), then the
    /// events, the news items and the places, each by file name.
    pub fn translatables(&self) -> Vec<Translatable> {
        let pages = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.translations.iter().any(Option::is_some))
            .map(|(id, _)| Translatable::Page(id));
        let mut events: Vec<usize> = (0..self.events.len()).collect();
        events.sort_by_key(|&i| &self.events[i].stem);
        let mut news: Vec<usize> = (0..self.news.len()).collect();
        news.sort_by_key(|&i| &self.news[i].stem);
        let mut places: Vec<usize> = (0..self.places.len()).collect();
        places.sort_by_key(|&i| &self.places[i].stem);
        pages
            .chain(events.into_iter().map(Translatable::Event))
            .chain(news.into_iter().map(Translatable::News))
            .chain(places.into_iter().map(Translatable::Place))
            .collect()
    }

    /// The name reports and XLIFF files give `t`: a page's key (`wohnen/miete`; `""`
    /// for the start page), or the folder and file name (without language and `.md`)
    /// of an event, news item or place: `events/sprachcafe`, `news/deutschkurse`,
    /// `places/buergerbuero`. Pages cannot have such keys: those folders are reserved.
    pub fn translatable_key(&self, t: Translatable) -> String {
        match t {
            Translatable::Page(id) => self.pages[id].key.clone(),
            Translatable::Event(i) => {
                format!("{}/{}", crate::model::event::FOLDER, self.events[i].stem)
            }
            Translatable::News(i) => {
                format!("{}/{}", crate::model::news::FOLDER, self.news[i].stem)
            }
            Translatable::Place(i) => {
                format!("{}/{}", crate::model::place::FOLDER, self.places[i].stem)
            }
        }
    }

    /// What [`Municipality::translatable_key`] names.
    pub fn translatable_by_key(&self, key: &str) -> Option<Translatable> {
        let item = |folder: &str| {
            key.strip_prefix(folder)
                .and_then(|rest| rest.strip_prefix('/'))
        };
        if let Some(stem) = item(crate::model::event::FOLDER) {
            return self
                .events
                .iter()
                .position(|e| e.stem == stem)
                .map(Translatable::Event);
        }
        if let Some(stem) = item(crate::model::news::FOLDER) {
            return self
                .news
                .iter()
                .position(|n| n.stem == stem)
                .map(Translatable::News);
        }
        if let Some(stem) = item(crate::model::place::FOLDER) {
            return self
                .places
                .iter()
                .position(|p| p.stem == stem)
                .map(Translatable::Place);
        }
        self.keys.get(key).map(|&id| Translatable::Page(id))
    }

    /// The texts of an event, news item or place by language; `None` for pages.
    fn item_texts(&self, t: Translatable) -> Option<&[Option<crate::model::place::Text>]> {
        match t {
            Translatable::Page(_) => None,
            Translatable::Event(i) => Some(&self.events[i].texts),
            Translatable::News(i) => Some(&self.news[i].texts),
            Translatable::Place(i) => Some(&self.places[i].texts),
        }
    }

    /// The file of `t` in `lang`, if there is one.
    pub fn translated(&self, t: Translatable, lang: LangIdx) -> Option<&dyn Translated> {
        match (t, self.item_texts(t)) {
            (Translatable::Page(id), _) => self.pages[id].translations[lang]
                .as_ref()
                .map(|x| x as &dyn Translated),
            (_, texts) => texts?[lang].as_ref().map(|x| x as &dyn Translated),
        }
    }

    /// The translation states of `t`, indexed by [`LangIdx`].
    pub fn statuses_of(&self, t: Translatable) -> &[Status] {
        match t {
            Translatable::Page(id) => &self.pages[id].statuses,
            Translatable::Event(i) => &self.events[i].statuses,
            Translatable::News(i) => &self.news[i].statuses,
            Translatable::Place(i) => &self.places[i].statuses,
        }
    }

    /// The URL path of `t`'s page in `lang`, where it is published.
    pub fn translatable_url(&self, t: Translatable, lang: LangIdx) -> Option<String> {
        match t {
            Translatable::Page(id) => self.pages[id].localized[lang]
                .as_ref()
                .map(|l| l.url.clone()),
            Translatable::Event(i) => crate::model::event::event_url(self, lang, i),
            Translatable::News(i) => crate::model::news::item_url(self, lang, i),
            Translatable::Place(i) => crate::model::place::place_url(self, lang, i),
        }
    }

    /// The title of `t` in the source language, for editors.
    pub fn translatable_title(&self, t: Translatable) -> &str {
        match (t, self.item_texts(t)) {
            (Translatable::Page(id), _) => self.title(id, self.source_language).0,
            (_, texts) => texts
                .and_then(|texts| texts[self.source_language].as_ref())
                .map_or("", |text| text.title.as_str()),
        }
    }

    /// The translation shown for `page` at `lang`'s URL.
    pub fn shown(&self, page: PageId, lang: LangIdx) -> Option<(LangIdx, &Translation)> {
        let p = &self.pages[page];
        let l = p.localized[lang].as_ref()?;
        let shown = l.shown?;
        Some((shown, p.translations[shown].as_ref()?))
    }

    /// The title of `page` for readers of `lang`, with the language it is in.
    pub fn title(&self, page: PageId, lang: LangIdx) -> (&str, LangIdx) {
        let p = &self.pages[page];
        match p.localized[lang].as_ref().and_then(|l| l.shown) {
            Some(shown) => match &p.translations[shown] {
                Some(t) => (&t.front.title, shown),
                None => (&p.folder_title, self.source_language),
            },
            None => (&p.folder_title, self.source_language),
        }
    }

    /// The URL readers of `lang` follow to `page`: its own in that language, or, where the
    /// page is missing in that language, the first language it exists in.
    pub fn url_for(&self, page: PageId, lang: LangIdx) -> Option<(&Localized, LangIdx)> {
        let p = &self.pages[page];
        if let Some(l) = &p.localized[lang] {
            return Some((l, lang));
        }
        let order = std::iter::once(self.source_language).chain(0..self.languages.len());
        order
            .filter_map(|i| p.localized[i].as_ref().map(|l| (l, i)))
            .next()
    }

    pub fn language_index(&self, code: &str) -> Option<LangIdx> {
        self.languages.iter().position(|l| l.code == code)
    }

    /// Ancestors of `page`, from the start page down to its parent.
    pub fn ancestors(&self, page: PageId) -> Vec<PageId> {
        let mut chain = Vec::new();
        let mut current = self.pages[page].parent;
        while let Some(p) = current {
            chain.push(p);
            current = self.pages[p].parent;
        }
        chain.reverse();
        chain
    }

    /// Number of (page, language) pairs that are rendered.
    pub fn rendered_count(&self) -> usize {
        self.pages
            .iter()
            .map(|p| p.localized.iter().filter(|l| l.is_some()).count())
            .sum()
    }
}
