//! What the generated pages of places, events and news items share: the `page` value,
//! the language switcher, breadcrumbs, the body, JSON-LD, and the start page's links
//! to the lists.

use serde_json::{Value, json};

use crate::model::place::{Text, shown_text};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, Site};

/// Links to the places list and the news list for the start page.
pub fn start_links(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>) -> Value {
    let mut links = Vec::new();
    if !m.places.is_empty()
        && let Some(url) = crate::model::place::list_url(m, lang)
    {
        links.push(json!({"title": ui.get("places_title"), "url": url}));
    }
    if !m.news.is_empty()
        && let Some(url) = crate::model::news::list_url(m, lang)
    {
        links.push(json!({"title": ui.get("news_title"), "url": url}));
    }
    links.extend(crate::render::event::start_link(m, lang, ui));
    Value::Array(links)
}

/// The `page` value of the generated pages, with what `municipality.html` reads. Its
/// translation notices are off; the pages of events, places and news items set theirs
/// with [`crate::render::context::Notices::apply`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn page_value(
    site: &Site,
    m: &Municipality,
    kind: &str,
    title: &str,
    description: Option<&str>,
    url: &str,
    canonical: &str,
    reader: LangIdx,
    shown: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Value {
    let l = &m.languages[shown];
    let notice = (shown != reader).then(|| ui.get("not_translated").replace("{original}", &l.name));
    json!({
        "key": "",
        "kind": kind,
        "title": title,
        "description": description,
        "lang": l.tag,
        "dir": l.dir.as_str(),
        "fallback": shown != reader,
        "notice": notice,
        "outdated": null,
        "machine_translated": false,
        "url": url,
        "permalink": site.base_url.absolute(url),
        "canonical": site.base_url.absolute(canonical),
    })
}

/// Switcher entries (marked where the text is a fallback) and `hreflang` alternates
/// (only languages with their own text) for a generated page at `url_of(lang)`.
pub(crate) fn switcher(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    own_text: impl Fn(LangIdx) -> bool,
    marker: impl Fn(&str) -> String,
    url_of: impl Fn(LangIdx) -> Option<String>,
) -> (Value, Value) {
    let mut languages = Vec::new();
    let mut alternates = Vec::new();
    for (i, l) in m.languages.iter().enumerate() {
        let Some(url) = url_of(i) else { continue };
        if l.hidden && i != lang {
            continue;
        }
        if own_text(i) && !l.hidden {
            alternates.push(json!({"hreflang": l.tag, "href": site.base_url.absolute(&url)}));
        }
        languages.push(json!({
            "code": l.code, "tag": l.tag, "name": l.name, "dir": l.dir.as_str(), "url": url,
            "current": i == lang, "fallback": !own_text(i), "marker": marker(&l.code),
        }));
    }
    if let Some(url) = url_of(m.source_language) {
        alternates.push(json!({"hreflang": "x-default", "href": site.base_url.absolute(&url)}));
    }
    (Value::Array(languages), Value::Array(alternates))
}

/// Breadcrumbs: the start page, then `list` (title, url) where given.
pub(crate) fn breadcrumbs(m: &Municipality, lang: LangIdx, list: Option<(&str, String)>) -> Value {
    let mut crumbs = Vec::new();
    if let Some(start) = m.pages.first().and_then(|p| p.localized[lang].as_ref()) {
        let (title, title_lang) = m.title(0, lang);
        let l = &m.languages[title_lang];
        crumbs
            .push(json!({"title": title, "url": start.url, "lang": l.tag, "dir": l.dir.as_str()}));
    }
    if let Some((title, url)) = list {
        let l = &m.languages[lang];
        crumbs.push(json!({"title": title, "url": url, "lang": l.tag, "dir": l.dir.as_str()}));
    }
    Value::Array(crumbs)
}

/// The body of `text` as HTML, with internal links resolved for readers of `lang`.
pub(crate) fn body_html(m: &Municipality, text: &Text, lang: LangIdx) -> String {
    let mut html = String::with_capacity(text.body.len() + 64);
    text.body.write_html(&mut html, |link| {
        crate::resolve::links::link_url(m, 0, link, lang).unwrap_or_else(|_| "#".to_string())
    });
    html
}

/// JSON for a `<script type="application/ld+json">` data block: `<`, `>` and `&`
/// escaped so that the text cannot end the element.
pub(crate) fn json_ld(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// What the pages of a place, event and news item have in common, put into `ctx`:
/// `page` (the text readers of `lang` get, from `texts` by `shown`, with the
/// translation notices), `content`, `languages`, `alternates` and `breadcrumbs` (the
/// start page, then `list`: the title and URL of the item's list). `url_of` is the
/// item's URL for readers of a language. Returns the item's text and its language.
#[allow(clippy::too_many_arguments)]
pub(crate) fn item_page<'t>(
    site: &Site,
    m: &Municipality,
    kind: &str,
    (texts, shown): (&'t [Option<Text>], &[LangIdx]),
    url_of: impl Fn(LangIdx) -> Option<String>,
    list: Option<(&str, String)>,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::context::Notices<'_>,
    ctx: &mut tera::Context,
) -> (&'t Text, LangIdx) {
    let all_shown = shown;
    let (text, shown) = shown_text(texts, shown, lang);
    let url = url_of(lang).unwrap_or_default();
    let canonical = url_of(shown).unwrap_or_else(|| url.clone());
    let mut page = page_value(
        site,
        m,
        kind,
        &text.title,
        text.description.as_deref(),
        &url,
        &canonical,
        lang,
        shown,
        ui,
    );
    if shown != lang && texts[lang].is_some() {
        // Its translation is there but still to be written.
        let notice = ui
            .get("in_translation_notice")
            .replace("{original}", &m.languages[shown].name);
        page["notice"] = json!(notice);
    }
    notices.apply(&mut page);
    ctx.insert("page", &page);
    ctx.insert("content", &body_html(m, text, lang));
    let (languages, alternates) = switcher(site, m, lang, |l| all_shown[l] == l, marker, url_of);
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &breadcrumbs(m, lang, list));
    (text, shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_end_its_script_element() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = json_ld(&v);
        assert!(!s.contains('<'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
