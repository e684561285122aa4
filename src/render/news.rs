//! The pages of news: `news_item.html` (one item) and `news.html` (the current items,
//! newest first).

use serde_json::{Value, json};

use crate::model::news::{feed_url, item_url, list_url};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, Site};

fn item_value(site: &Site, m: &Municipality, item: usize, lang: LangIdx) -> Value {
    let n = &m.news[item];
    let (text, shown) = n.text(lang);
    let l = &m.languages[shown];
    let code = &m.languages[lang].tag;
    let iso = n.dates.date.to_string();
    let url = item_url(m, lang, item);
    json!({
        "title": text.title,
        "description": text.description,
        "lang": l.tag,
        "dir": l.dir.as_str(),
        "url": url,
        "permalink": url.as_deref().map(|u| site.base_url.absolute(u)),
        "date": iso,
        "date_label": crate::theme::i18n::format_iso_date(code, &iso).unwrap_or_else(|| iso.clone()),
        "expired": n.dates.expires.is_some_and(|e| e < m.today),
    })
}

fn feed_value(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>) -> Option<Value> {
    let url = feed_url(m, lang)?;
    Some(json!({"url": url, "title": format!("{} – {}", m.name, ui.get("news_title"))}))
}

/// Values for `news_item.html`: `page`, `item`, `content`, `languages`, `alternates`,
/// `breadcrumbs`, `feed`.
#[allow(clippy::too_many_arguments)]
pub fn item_context(
    site: &Site,
    m: &Municipality,
    item: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::context::Notices<'_>,
    ctx: &mut tera::Context,
) {
    let n = &m.news[item];
    crate::render::item::item_page(
        site,
        m,
        "news_item",
        (&n.texts, &n.shown),
        |l| item_url(m, l, item),
        list_url(m, lang).map(|u| (ui.get("news_title"), u)),
        lang,
        ui,
        marker,
        notices,
        ctx,
    );
    ctx.insert("item", &item_value(site, m, item, lang));
    if let Some(feed) = feed_value(m, lang, ui) {
        ctx.insert("feed", &feed);
    }
}

/// Values for `news.html`: `page`, `items` (current items, newest first),
/// `languages`, `alternates`, `breadcrumbs`, `feed`.
pub fn list_context(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    ctx: &mut tera::Context,
) {
    let url = list_url(m, lang).unwrap_or_default();
    ctx.insert(
        "page",
        &crate::render::item::page_value(
            site,
            m,
            "news",
            ui.get("news_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let items: Vec<Value> = (0..m.news.len())
        .filter(|&i| m.news[i].is_current(m.today))
        .map(|i| item_value(site, m, i, lang))
        .collect();
    ctx.insert("items", &items);
    let (languages, alternates) =
        crate::render::item::switcher(site, m, lang, |_| true, marker, |l| list_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert(
        "breadcrumbs",
        &crate::render::item::breadcrumbs(m, lang, None),
    );
    if let Some(feed) = feed_value(m, lang, ui) {
        ctx.insert("feed", &feed);
    }
}
