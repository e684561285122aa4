//! What the pages of a municipality share, as template values: the `site`, `lang`
//! and `municipality` values (with the language switcher), the entries of navigation
//! and breadcrumbs, the alternates, and the notices on a translation (outdated,
//! machine-translated) that pages, places, news items and events show alike.
//!
//! What many pages share is converted to template values once per municipality
//! (`Shared`) and shared by reference, so the cost per page does not grow with the
//! size of its section.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use crate::model::config::{BaseUrl, Contact};
use crate::model::language::Language;
use crate::model::translation::State;
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, PageId, Site, Translatable};
use crate::output::fingerprint::Assets;
use crate::render::Renderer;
use crate::theme::Theme;

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: String,
    /// Path prefix of every URL (`""` or `/portal`).
    path: &'a str,
    home: String,
    /// Static file → URL of its content-hashed copy: `site.assets["wegweiser.css"]`.
    assets: BTreeMap<&'a str, String>,
}

/// The `site` value of every template.
pub fn site_value(title: &str, base_url: &BaseUrl, assets: &Assets) -> Value {
    Value::from_serializable(&SiteInfo {
        title,
        base_url: base_url.absolute(&base_url.path),
        path: &base_url.path,
        home: format!("{}/", base_url.path),
        assets: assets
            .names
            .iter()
            .map(|(name, hashed)| {
                let url: Vec<String> = hashed
                    .split('/')
                    .map(crate::model::urls::encode_segment)
                    .collect();
                (
                    name.as_str(),
                    format!("{}/{}", base_url.path, url.join("/")),
                )
            })
            .collect(),
    })
}

#[derive(Serialize)]
struct LangInfo<'a> {
    code: &'a str,
    /// BCP 47: `lang`, `hreflang`, the `date` and `plural` filters.
    tag: &'a str,
    name: &'a str,
    english_name: &'a str,
    dir: &'static str,
    /// Written in Arabic script: pages load the theme's bundled Naskh font.
    arabic_script: bool,
}

impl<'a> LangInfo<'a> {
    fn of(l: &'a Language) -> Self {
        LangInfo {
            code: &l.code,
            tag: &l.tag,
            name: &l.name,
            english_name: &l.english_name,
            dir: l.dir.as_str(),
            arabic_script: crate::model::branding::is_arabic_script(&l.code)
                || crate::model::branding::is_arabic_script(l.tag.split('-').next().unwrap_or("")),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Entry<'a> {
    title: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    /// Language of the title (differs from the page's where a fallback is shown).
    lang: &'a str,
    dir: &'static str,
    section: bool,
}

#[derive(Serialize)]
pub(crate) struct MunicipalityInfo<'a> {
    slug: &'a str,
    name: &'a str,
    aliases: &'a [String],
    contact: Option<&'a Contact>,
    /// Imprint, privacy notice, accessibility statement, "report a barrier".
    legal: Option<crate::resolve::legal::LegalLinks>,
    /// Leichte Sprache, Gebärdensprache, Einfache Sprache (start page).
    offers: Vec<crate::resolve::legal::Offer>,
    /// Logo, coat of arms, the colour's style sheet.
    brand: Option<crate::output::branding::Brand>,
    /// The language chooser.
    url: String,
    /// The start page in the reader's language.
    home: Option<&'a str>,
    /// The search page in the reader's language (the header's search form submits to it).
    search: Option<String>,
    languages: Vec<SwitcherEntry<'a>>,
}

#[derive(Serialize)]
pub(crate) struct SwitcherEntry<'a> {
    pub(crate) code: &'a str,
    pub(crate) tag: &'a str,
    pub(crate) name: &'a str,
    pub(crate) dir: &'static str,
    pub(crate) url: &'a str,
    pub(crate) current: bool,
    /// The page is shown in another language there.
    pub(crate) fallback: bool,
    /// "not translated yet", in that language.
    pub(crate) marker: &'a str,
}

#[derive(Serialize)]
pub(crate) struct Alternate<'a> {
    pub(crate) hreflang: &'a str,
    pub(crate) href: String,
}

/// What readers of a translation are told about it, on pages and on the pages of
/// events, news items and places alike (`page.outdated`, `page.machine_translated`).
#[derive(Serialize, Default)]
pub struct Notices<'a> {
    /// The translation shown is outdated: where its source is.
    pub(crate) outdated: Option<Original<'a>>,
    /// The translation shown was made by a machine.
    pub(crate) machine_translated: bool,
}

impl Notices<'_> {
    /// Put the notices into the `page` value of a generated page (see
    /// [`crate::render::item::page_value`]).
    pub fn apply(self, page: &mut serde_json::Value) {
        page["outdated"] = serde_json::to_value(&self.outdated).expect("notices serialise");
        page["machine_translated"] = self.machine_translated.into();
    }
}

/// The page a translation was made from.
#[derive(Serialize)]
pub(crate) struct Original<'a> {
    url: String,
    lang: &'a str,
    dir: &'static str,
    name: &'a str,
    /// When its file was last committed (`YYYY-MM-DD`), if the portal is in git.
    updated: Option<&'a str>,
    /// What readers are told, in their language: with the date where there is one
    /// and the language has the dated text (`outdated_notice_dated`).
    notice: String,
}

/// Template values shared by many pages of one municipality.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) municipality: Vec<Value>,
    pub(crate) lang: Vec<Value>,
    pub(crate) ui: Vec<Value>,
    /// Top-level sections, per language.
    pub(crate) nav: Vec<Value>,
    /// Children of each section, per language.
    pub(crate) children: Vec<Vec<Option<Value>>>,
    /// URLs of the manifest, worker and offline list, per language (`offline`).
    pub(crate) offline: Vec<Value>,
}

impl Renderer<'_> {
    pub(crate) fn shared_values(site: &Site, theme: &Theme, m: &Municipality) -> Shared {
        let langs = 0..m.languages.len();
        // Legal pages and the Leichte Sprache and DGS pages are linked from the footer
        // and the start page, not listed among the topics.
        let linked_apart = crate::resolve::legal::pages_linked_apart(m);
        let entries = |page: PageId, lang: LangIdx| -> Option<Value> {
            let p = &m.pages[page];
            p.localized[lang].as_ref()?;
            let list: Vec<Entry<'_>> = p
                .children
                .iter()
                .filter(|c| !linked_apart.contains(c))
                .filter_map(|&c| entry(m, c, lang))
                .collect();
            Some(Value::from_serializable(&list))
        };
        Shared {
            municipality: langs
                .clone()
                .map(|lang| {
                    Value::from_serializable(&municipality_info(site, theme, m, Some(lang)))
                })
                .collect(),
            lang: m
                .languages
                .iter()
                .map(|l| Value::from_serializable(&LangInfo::of(l)))
                .collect(),
            ui: m
                .languages
                .iter()
                .map(|l| Value::from_serializable(&theme.ui.for_lang(l).to_map()))
                .collect(),
            nav: langs
                .clone()
                .map(|lang| {
                    entries(0, lang).unwrap_or_else(|| Value::from_serializable(&Vec::<()>::new()))
                })
                .collect(),
            offline: langs
                .clone()
                .filter(|_| site.offline)
                .map(|lang| match crate::output::offline::language_dir(m, lang) {
                    Some(dir) => Value::from_serializable(&crate::output::offline::urls(
                        &site.base_url.path,
                        dir,
                    )),
                    None => Value::from_serializable(&Option::<()>::None),
                })
                .collect(),
            children: m
                .pages
                .iter()
                .enumerate()
                .map(|(id, p)| {
                    if p.kind.is_section() {
                        langs.clone().map(|lang| entries(id, lang)).collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
        }
    }
}

impl Renderer<'_> {
    /// What readers of `lang` are told about the translation of `t` into `shown` they
    /// read: that it is outdated (with a link to the original, and the day that was
    /// last committed), or made by a machine.
    pub(crate) fn notices<'s>(
        &'s self,
        m: &'s Municipality,
        t: Translatable,
        shown: LangIdx,
        lang: LangIdx,
        ui: &LanguageStrings<'_>,
    ) -> Notices<'s> {
        let status = &m.statuses_of(t)[shown];
        let outdated = status
            .source
            .filter(|_| status.state == State::Outdated)
            // An original that is not published (a draft) is no original to point to.
            .filter(|&source| m.translated(t, source).is_some())
            .and_then(|source| {
                let l = &m.languages[source];
                let updated = m
                    .translated(t, source)
                    .and_then(|x| self.source_dates.get(x.file()))
                    .map(String::as_str);
                Some(Original {
                    url: m.translatable_url(t, source)?,
                    lang: &l.tag,
                    dir: l.dir.as_str(),
                    name: &l.name,
                    updated,
                    notice: outdated_notice(ui, &m.languages[lang].tag, &l.name, updated),
                })
            });
        Notices {
            outdated,
            machine_translated: status.state == State::MachineTranslated,
        }
    }
}

/// The notice on an outdated translation for readers of `reader`: "The original
/// ({original}) was updated on {date}. …" with the date in their language and calendar
/// where it is known and their language has that text; else the notice without a date.
fn outdated_notice(
    ui: &LanguageStrings<'_>,
    reader: &str,
    original: &str,
    updated: Option<&str>,
) -> String {
    // The notice in the reader's language, with the date where that language has
    // the text for it (a language may have only the one without).
    let dated = match ui.first_translated(&["outdated_notice_dated", "outdated_notice"]) {
        Some(("outdated_notice_dated", text)) => Some(text),
        Some(_) => None,
        None => Some(ui.get("outdated_notice_dated")).filter(|t| *t != "outdated_notice_dated"),
    };
    match (updated, dated) {
        (Some(iso), Some(text)) => {
            let date =
                crate::theme::i18n::format_iso_date(reader, iso).unwrap_or_else(|| iso.to_string());
            text.replace("{original}", original)
                .replace("{date}", &date)
        }
        _ => ui.get("outdated_notice").to_string(),
    }
}

pub(crate) fn entry(m: &Municipality, page: PageId, lang: LangIdx) -> Option<Entry<'_>> {
    let p = &m.pages[page];
    let loc = p.localized[lang].as_ref()?;
    let (title, title_lang) = m.title(page, lang);
    let description = m
        .shown(page, lang)
        .and_then(|(_, t)| t.front.description.as_deref());
    let l = &m.languages[title_lang];
    Some(Entry {
        title,
        url: &loc.url,
        description,
        lang: &l.tag,
        dir: l.dir.as_str(),
        section: p.kind.is_section(),
    })
}

pub(crate) fn municipality_info<'a>(
    site: &Site,
    theme: &'a Theme,
    m: &'a Municipality,
    lang: Option<LangIdx>,
) -> MunicipalityInfo<'a> {
    let start = &m.pages[0];
    MunicipalityInfo {
        slug: &m.slug,
        name: &m.name,
        aliases: &m.aliases,
        contact: m.contact.as_ref(),
        legal: crate::resolve::legal::links(site, m, lang),
        offers: lang.map_or_else(Vec::new, |l| crate::resolve::legal::offers(m, l)),
        brand: crate::output::branding::brand(&site.base_url.path, m),
        url: format!(
            "{}/{}/",
            site.base_url.path,
            crate::model::urls::encode_segment(&m.slug)
        ),
        home: lang
            .and_then(|l| start.localized[l].as_ref())
            .map(|l| l.url.as_str()),
        search: lang.and_then(|l| crate::model::search::page_url(m, l)),
        languages: switcher(theme, m, 0, lang),
    }
}

/// The language switcher of `page`: every language it is published in.
pub(crate) fn switcher<'a>(
    theme: &'a Theme,
    m: &'a Municipality,
    page: PageId,
    current: Option<LangIdx>,
) -> Vec<SwitcherEntry<'a>> {
    let p = &m.pages[page];
    m.languages
        .iter()
        .enumerate()
        // A hidden language is listed only to its own readers, as the current one.
        .filter(|&(i, l)| !l.hidden || Some(i) == current)
        .filter_map(|(i, l)| {
            let loc = p.localized[i].as_ref()?;
            Some(SwitcherEntry {
                code: &l.code,
                tag: &l.tag,
                name: &l.name,
                dir: l.dir.as_str(),
                url: &loc.url,
                current: Some(i) == current,
                fallback: loc.shown.is_some_and(|s| s != i),
                marker: theme.ui.for_lang(l).get("fallback_marker"),
            })
        })
        .collect()
}
