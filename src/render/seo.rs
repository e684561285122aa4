//! Discoverability: what search engines, link previews and shared links read from a
//! page. Every page of a municipality gets a `discover` template value with
//!
//! - `description`: the front matter `description`, else the text of the first
//!   paragraph, trimmed to [`DESCRIPTION_CHARS`] on a word boundary, in the language
//!   of the content shown;
//! - Open Graph and Twitter card values: `og_type` (`website` for start pages, sections
//!   and lists, `article` for pages with their own text), `url` (the canonical URL),
//!   `locale` in the `ll_TT` form link previews expect (`ar_AR`, `de_DE`), the locales
//!   of the page's other translations, and `image`: the municipality's logo or coat of
//!   arms, only where it is a raster image (PNG, JPEG, GIF, WebP), since Facebook,
//!   WhatsApp, LinkedIn and X ignore SVG images;
//! - `json_ld`: `<script type="application/ld+json">` bodies (escaped so that no text
//!   can end the element): a schema.org `GovernmentOrganization` on start pages and a
//!   `BreadcrumbList` (absolute URLs, the page itself last) on every page with
//!   breadcrumbs;
//! - `share`: the page's own URL in the reader's language, a `mailto:` link and a
//!   WhatsApp link (plain links: nothing is loaded from elsewhere), the page's QR code
//!   (`qr.svg` beside it, see [`crate::output::qr`]) and the municipality's poster page.
//!
//! All of it is read from the values the page's template gets anyway (`page`,
//! `breadcrumbs`, `alternates`, `content`), so every kind of page (pages, places, news,
//! actors, legal pages, and new kinds) gets the same head without code of its own.

use serde_json::{Value as Json, json};
use tera::{Context, Value};

use crate::model::share::{POSTER, QR_FILE};
use crate::model::urls::encode_segment;
use crate::model::{LangIdx, Municipality, Site};

/// Length of a description taken from the text, in characters (search engines show
/// about 155–160).
pub const DESCRIPTION_CHARS: usize = 160;

/// The `discover` value for a page of municipality `m` for readers of `lang`, from the
/// values already in `ctx`. `None` when `ctx` has no `page` with a URL.
pub fn head(site: &Site, m: &Municipality, lang: LangIdx, ctx: &Context) -> Option<Json> {
    let page = ctx.get("page")?;
    let title = text(page, "title").unwrap_or_default();
    let url = text(page, "url")?;
    let permalink = site.base_url.absolute(url);
    let canonical = text(page, "canonical").map_or_else(|| permalink.clone(), str::to_string);
    let kind = text(page, "kind").unwrap_or_default();
    let content_lang = text(page, "lang").unwrap_or(&m.languages[lang].tag);

    let description = text(page, "description")
        .map(|d| trim_description(&collapse_whitespace(d), DESCRIPTION_CHARS))
        .filter(|d| !d.is_empty())
        .or_else(|| {
            let html = ctx.get("content").and_then(Value::as_str)?;
            first_paragraph(html).map(|p| trim_description(&p, DESCRIPTION_CHARS))
        })
        .filter(|d| !d.is_empty());

    let mut alternates: Vec<String> = Vec::new();
    if let Some(list) = ctx.get("alternates").and_then(Value::as_array) {
        for a in list {
            let Some(code) = text(a, "hreflang") else {
                continue;
            };
            if code == "x-default" || code == content_lang {
                continue;
            }
            if let Some(l) = og_locale(code)
                .filter(|l| !alternates.contains(l) && Some(l) != og_locale(content_lang).as_ref())
            {
                alternates.push(l);
            }
        }
    }

    let brand = crate::output::branding::brand(&site.base_url.path, m);
    let logo = brand
        .as_ref()
        .and_then(|b| b.logo.as_deref().or(b.coat_of_arms.as_deref()));
    let image = brand
        .as_ref()
        .and_then(|b| {
            [b.logo.as_deref(), b.coat_of_arms.as_deref()]
                .into_iter()
                .flatten()
                .find(|u| is_raster(u))
        })
        .map(|u| site.base_url.absolute(u));

    let mut json_ld = Vec::new();
    if kind == "start" {
        json_ld.push(crate::render::item::json_ld(&organization(
            site, m, &permalink, logo,
        )));
    }
    let crumbs: Vec<(String, String)> = ctx
        .get("breadcrumbs")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|b| {
            Some((
                text(b, "title")?.to_string(),
                site.base_url.absolute(text(b, "url")?),
            ))
        })
        .collect();
    if !crumbs.is_empty() {
        json_ld.push(crate::render::item::json_ld(&breadcrumb_list(
            &crumbs, title, &permalink,
        )));
    }

    let share_text = format!("{title}\n{permalink}");
    let poster = crate::model::place::section_location(m, lang, POSTER).map(|(_, u)| u);
    Some(json!({
        "title": title,
        "description": description,
        "og_type": og_type(kind),
        "url": canonical,
        "site_name": m.name,
        "locale": og_locale(content_lang),
        "locale_alternates": alternates,
        "image": image,
        "json_ld": json_ld,
        "share": {
            "url": permalink,
            "mailto": crate::output::remind::mailto_link("", title, &share_text),
            "whatsapp": format!("https://wa.me/?text={}", encode_segment(&share_text.replace('\n', " "))),
            "qr": format!("{url}{QR_FILE}"),
            "poster": poster,
        },
    }))
}

/// The string at `path` in a template value.
fn text<'v>(v: &'v Value, path: &'v str) -> Option<&'v str> {
    v.get_from_path(path).and_then(Value::as_str)
}

/// `website` for start pages, sections and lists; `article` for a page with its own text.
fn og_type(kind: &str) -> &'static str {
    match kind {
        "page" | "place" | "news_item" | "event" => "article",
        _ => "website",
    }
}

/// The schema.org `GovernmentOrganization` of a municipality, on its start page at
/// `url`.
pub fn organization(site: &Site, m: &Municipality, url: &str, logo: Option<&str>) -> Json {
    let mut org = json!({
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": m.name,
        "url": url,
        "areaServed": std::iter::once(json!({"@type": "AdministrativeArea", "name": m.name}))
            .chain(m.aliases.iter().map(|a| json!({"@type": "Place", "name": a})))
            .collect::<Vec<_>>(),
        "availableLanguage": m.languages.iter().filter(|l| !l.hidden).map(|l| l.tag.as_str()).collect::<Vec<_>>(),
    });
    if let Some(logo) = logo {
        org["logo"] = json!(site.base_url.absolute(logo));
    }
    if let Some(c) = &m.contact {
        if let Some(a) = &c.address {
            org["address"] = json!(a);
        }
        if let Some(e) = &c.email {
            org["email"] = json!(e);
        }
        if let Some(p) = &c.phone {
            org["telephone"] = json!(p);
        }
        if c.email.is_some() || c.phone.is_some() {
            let mut point = json!({"@type": "ContactPoint", "contactType": "customer service",
                "availableLanguage": org["availableLanguage"].clone()});
            if let Some(e) = &c.email {
                point["email"] = json!(e);
            }
            if let Some(p) = &c.phone {
                point["telephone"] = json!(p);
            }
            org["contactPoint"] = point;
        }
    }
    org
}

/// A schema.org `BreadcrumbList`: `crumbs` (title, absolute URL), then the page itself.
pub fn breadcrumb_list(crumbs: &[(String, String)], title: &str, url: &str) -> Json {
    let items: Vec<Json> = crumbs
        .iter()
        .map(|(t, u)| (t.as_str(), u.as_str()))
        .chain(std::iter::once((title, url)))
        .enumerate()
        .map(|(i, (name, item))| {
            json!({"@type": "ListItem", "position": i + 1, "name": name, "item": item})
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items,
    })
}

/// Open Graph's locale (`ll_TT`) for a language code: the territory where most readers
/// of the portal's languages come from, as Facebook's list of locales has them. `None`
/// for a language that list does not have (the tag is then left out, not guessed).
pub fn og_locale(code: &str) -> Option<String> {
    // A tag with a region (`pt-BR`) names it; Einfache and Leichte Sprache (`de-si`,
    // `de-ls`) are German for Germany.
    let mut parts = code.split('-');
    let language = parts.next()?;
    let plain_german = matches!(code, "de-si" | "de-ls");
    if let Some(region) = parts.next().filter(|r| r.len() == 2 && !plain_german) {
        return Some(format!("{language}_{}", region.to_ascii_uppercase()));
    }
    let locale = match language {
        "am" => "am_ET",
        "ar" => "ar_AR",
        "bg" => "bg_BG",
        "bs" => "bs_BA",
        "ckb" => "cb_IQ",
        "cs" => "cs_CZ",
        "da" => "da_DK",
        "de" => "de_DE",
        "el" => "el_GR",
        "en" => "en_US",
        "es" => "es_ES",
        "fa" => "fa_IR",
        "fr" => "fr_FR",
        "ha" => "ha_NG",
        "he" => "he_IL",
        "hi" => "hi_IN",
        "hr" => "hr_HR",
        "hu" => "hu_HU",
        "hy" => "hy_AM",
        "it" => "it_IT",
        "ka" => "ka_GE",
        "kmr" | "ku" => "ku_TR",
        "lt" => "lt_LT",
        "lv" => "lv_LV",
        "mk" => "mk_MK",
        "nl" => "nl_NL",
        "pl" => "pl_PL",
        "prs" => "fa_AF",
        "ps" => "ps_AF",
        "pt" => "pt_PT",
        "ro" => "ro_RO",
        "ru" => "ru_RU",
        "sk" => "sk_SK",
        "sl" => "sl_SI",
        "so" => "so_SO",
        "sq" => "sq_AL",
        "sr" => "sr_RS",
        "sw" => "sw_KE",
        "ta" => "ta_IN",
        "tr" => "tr_TR",
        "uk" => "uk_UA",
        "ur" => "ur_PK",
        "vi" => "vi_VN",
        "zh" => "zh_CN",
        _ => return None,
    };
    Some(locale.to_string())
}

/// Whether an image URL is one link previews show (not SVG).
fn is_raster(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The text of the first non-empty paragraph (`<p>`) of an HTML body, tags removed,
/// character references decoded, white space collapsed.
pub fn first_paragraph(html: &str) -> Option<String> {
    let mut rest = html;
    loop {
        let start = find_p(rest)?;
        let after = &rest[start..];
        let open_end = after.find('>')? + 1;
        let inner_and_rest = &after[open_end..];
        let end = inner_and_rest.find("</p>").unwrap_or(inner_and_rest.len());
        let text = collapse_whitespace(&decode_entities(&strip_tags(&inner_and_rest[..end])));
        if !text.is_empty() {
            return Some(text);
        }
        rest = &inner_and_rest[end..];
    }
}

/// Where the next `<p>` or `<p …>` start tag is.
fn find_p(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..].find("<p") {
        let at = from + i;
        match html.as_bytes().get(at + 2) {
            Some(b'>' | b' ' | b'\t' | b'\n') => return Some(at),
            _ => from = at + 2,
        }
    }
    None
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decode the character references an HTML serialiser writes (`&amp;`, `&#39;`…).
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let decoded = after.find(';').filter(|&e| e <= 10).and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` if it has at most `max` characters; else cut at the last space before that,
/// with an ellipsis (cut inside the word only where there is no space, as in Chinese).
pub fn trim_description(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut = text
        .char_indices()
        .nth(max - 1)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches([',', ';', ':', '.', '،', '؛', ' ', '-', '–']);
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_cut_on_a_word_boundary() {
        let text = "Wer nach Musterstadt zieht, meldet sich innerhalb von zwei Wochen im \
                    Bürgerbüro an. Dafür brauchen Sie einen Termin, Ihren Pass und die \
                    Wohnungsgeberbestätigung Ihres Vermieters oder Ihrer Vermieterin.";
        let d = trim_description(text, 160);
        assert!(d.chars().count() <= 160, "{d}");
        assert!(
            d.ends_with(" und die…"),
            "cut before the word that does not fit: {d}"
        );
        assert_eq!(trim_description("kurz", 160), "kurz");
        // No spaces: cut inside.
        let zh = "中".repeat(200);
        assert_eq!(trim_description(&zh, 10).chars().count(), 10);
    }

    #[test]
    fn the_first_paragraph_is_plain_text() {
        let html = "<h2 id=\"a\">Titel</h2><p></p><p dir=\"rtl\">Bring <strong>Pass</strong> &amp; \
                    Foto&#39;s\n<a href=\"/x/\">mit</a>.</p><p>Zweiter</p>";
        assert_eq!(first_paragraph(html).unwrap(), "Bring Pass & Foto's mit.");
        assert_eq!(first_paragraph("<pre>x</pre>"), None);
        assert_eq!(
            first_paragraph("<picture><p>Eins</p>").unwrap(),
            "Eins",
            "<picture> is not a paragraph"
        );
    }

    #[test]
    fn locales_have_the_open_graph_form() {
        assert_eq!(og_locale("ar").unwrap(), "ar_AR");
        assert_eq!(og_locale("de-si").unwrap(), "de_DE");
        assert_eq!(og_locale("uk").unwrap(), "uk_UA");
        assert_eq!(og_locale("pt-br").unwrap(), "pt_BR");
        assert_eq!(og_locale("ti"), None);
    }

    #[test]
    fn breadcrumbs_end_with_the_page() {
        let list = breadcrumb_list(
            &[("Start".into(), "https://x.org/m/de/".into())],
            "Miete",
            "https://x.org/m/de/miete/",
        );
        assert_eq!(list["itemListElement"][1]["position"], 2);
        assert_eq!(
            list["itemListElement"][1]["item"],
            "https://x.org/m/de/miete/"
        );
    }

    #[test]
    fn only_raster_images_are_previews() {
        assert!(is_raster("/m/_theme/logo.PNG"));
        assert!(!is_raster("/m/_theme/wappen.svg"));
    }
}
