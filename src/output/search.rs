//! Search in the browser: one index ("bundle") per municipality and language, built at
//! build time by [`crate::output::search_index`] (where: [`crate::model::search`]; the
//! search page that queries it: `render_search`).
//!
//! - `/<m>/_search/<lang>/`: the bundle (`index.json` and the files it names, which
//!   the browser fetches as a query needs them). Below the municipality, beside
//!   `_status` and `_theme`, where only language codes and wegweiser's own folders are,
//!   so it cannot meet a page's slug.
//! - `/<m>/<lang>/search/`: the search page; `themes/default/static/search.js` loads
//!   the reader's-language bundle and, for readers of another language, the
//!   source-language bundle as a second list ("in German").
//!
//! A bundle holds what a reader of its language can find *in* that language: the pages
//! with their own text in it (not fallback copies of another language's text), the
//! places and the current news items with a text in it. Every record is indexed
//! [normalised](crate::output::search_normalize::normalize) and carries its original
//! title and description, which is what the search page shows.
//!
//! Bundles are built in parallel, each on one thread ([`write`]).

use serde::Serialize;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::place::Text;
use crate::model::search::{bundle_dir, languages};
use crate::model::{LangIdx, Municipality, Site};
use crate::write::Sink;

/// Elements that do not separate words.
const INLINE: [&str; 16] = [
    "a", "abbr", "b", "bdi", "bdo", "code", "del", "em", "i", "ins", "kbd", "mark", "s", "small",
    "span", "strong",
];

/// Characters of a description shown in a result, at most.
const DESCRIPTION_CHARS: usize = 200;

/// What a record is; shown beside results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Page,
    Place,
    News,
    Event,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Place => "place",
            Kind::News => "news",
            Kind::Event => "event",
        }
    }
}

/// One thing a reader can find: what is fed to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: Kind,
    /// URL path from the site root, percent-encoded, as links have it.
    pub url: String,
    /// What the record is in every language (`page/12`, `place/3`): the search page
    /// shows a page once, in the reader's language where both lists have it.
    pub key: String,
    /// Original text, shown in the result.
    pub title: String,
    /// The description from front matter, else the first paragraph; original text.
    pub description: String,
    /// The text of the body's headings, weighted above the body.
    pub headings: String,
    /// Everything searchable (title, description, body) as plain text, not normalised.
    pub text: String,
}

/// Everything readers of `lang` find in municipality `m`, in a stable order: pages in
/// tree order, then places, then news, then events.
///
/// A new kind of content is one more function here that pushes its records; the
/// bundle, the page and search.js need nothing else than a label for the kind (the
/// `data-kind-*` attributes of search.html, read by search.js).
pub fn records(m: &Municipality, lang: LangIdx) -> Vec<Record> {
    let mut out = Vec::new();
    page_records(m, lang, &mut out);
    place_records(m, lang, &mut out);
    news_records(m, lang, &mut out);
    event_records(m, lang, &mut out);
    out
}

/// Pages (start page and sections included) with their own text in `lang`.
fn page_records(m: &Municipality, lang: LangIdx, out: &mut Vec<Record>) {
    for (id, page) in m.pages.iter().enumerate() {
        let (Some(t), Some(l)) = (&page.translations[lang], &page.localized[lang]) else {
            continue;
        };
        if l.shown != Some(lang) {
            continue;
        }
        let mut body = String::with_capacity(t.body.len());
        t.body.write_html(&mut body, |_| String::new());
        out.push(record(
            Kind::Page,
            l.url.clone(),
            format!("page/{id}"),
            &t.front.title,
            t.front.description.as_deref(),
            &body,
        ));
    }
}

/// Places with a text in `lang`.
fn place_records(m: &Municipality, lang: LangIdx, out: &mut Vec<Record>) {
    for (i, place) in m.places.iter().enumerate() {
        if let (Some(text), Some(url)) = (
            &place.texts[lang],
            crate::model::place::place_url(m, lang, i),
        ) {
            // The address is searched too ("Marktplatz" finds the office there).
            let address = place.data.address.as_ref().map_or(String::new(), |a| {
                format!("{} {} {}", a.street, a.postcode, a.town)
            });
            let mut r = text_record(Kind::Place, url, format!("place/{i}"), text);
            if !address.is_empty() {
                r.text.push('\n');
                r.text.push_str(&address);
            }
            out.push(r);
        }
    }
}

/// Current news items with a text in `lang` (expired ones are not found).
fn news_records(m: &Municipality, lang: LangIdx, out: &mut Vec<Record>) {
    for (i, item) in m.news.iter().enumerate() {
        if !item.is_current(m.today) {
            continue;
        }
        if let (Some(text), Some(url)) =
            (&item.texts[lang], crate::model::news::item_url(m, lang, i))
        {
            out.push(text_record(Kind::News, url, format!("news/{i}"), text));
        }
    }
}

/// Events that are not over, with a text in `lang` (a recurring event is found once,
/// at its page, which lists the next dates).
fn event_records(m: &Municipality, lang: LangIdx, out: &mut Vec<Record>) {
    for (i, event) in m.events.iter().enumerate() {
        if event.is_past(m.today) {
            continue;
        }
        if let (Some(text), Some(url)) = (
            &event.texts[lang],
            crate::model::event::event_url(m, lang, i),
        ) {
            out.push(text_record(Kind::Event, url, format!("event/{i}"), text));
        }
    }
}

fn text_record(kind: Kind, url: String, key: String, text: &Text) -> Record {
    let mut body = String::with_capacity(text.body.len());
    text.body.write_html(&mut body, |_| String::new());
    record(
        kind,
        url,
        key,
        &text.title,
        text.description.as_deref(),
        &body,
    )
}

fn record(
    kind: Kind,
    url: String,
    key: String,
    title: &str,
    description: Option<&str>,
    body_html: &str,
) -> Record {
    let body = plain_text(body_html);
    let from_front = description;
    let description = match description {
        Some(d) => shorten(d.trim()),
        None => shorten(&plain_text(first_paragraph(body_html))),
    };
    let mut text = String::with_capacity(title.len() + description.len() + body.len() + 2);
    text.push_str(title);
    text.push('\n');
    // A description from front matter is text of its own; the first paragraph is
    // already in the body.
    if let Some(d) = from_front {
        text.push_str(d);
        text.push('\n');
    }
    text.push_str(&body);
    Record {
        kind,
        url,
        key,
        title: title.to_string(),
        description,
        headings: headings(body_html),
        text,
    }
}

/// The text of the headings (`<h1>`…`<h6>`) of `html`, one per line.
fn headings(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        let after = &rest[at + 2..];
        let Some(level) = after.bytes().next().filter(|b| (b'1'..=b'6').contains(b)) else {
            rest = after;
            continue;
        };
        let close = format!("</h{}>", level as char);
        let end = after.find(&close).unwrap_or(after.len());
        out.push_str(&plain_text(&format!("<h{}", &after[..end])));
        out.push('\n');
        rest = &after[end..];
    }
    out
}

/// The content of the first `<p>` of `html`, or `""`.
fn first_paragraph(html: &str) -> &str {
    let Some(start) = html.find("<p>").or_else(|| html.find("<p ")) else {
        return "";
    };
    let rest = &html[start..];
    let open_end = rest.find('>').map_or(rest.len(), |i| i + 1);
    let rest = &rest[open_end..];
    &rest[..rest.find("</p>").unwrap_or(rest.len())]
}

/// At most [`DESCRIPTION_CHARS`] characters, cut at a space, with `…`.
fn shorten(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(DESCRIPTION_CHARS).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > DESCRIPTION_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// The text of an HTML fragment: tags dropped (block ends become line breaks), the
/// character references the Markdown renderer writes decoded, spaces collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |i| lt + i + 1);
        // Words of two paragraphs, cells or list items must not run together; inline
        // elements (`<em>`, `<a>`) are inside words and sentences.
        let tag = rest[lt + 1..tag_end].trim_start_matches('/');
        let name = &tag[..tag
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(tag.len())];
        if !INLINE
            .iter()
            .any(|inline| inline.eq_ignore_ascii_case(name))
        {
            text.push(' ');
        }
        rest = &rest[tag_end..];
    }
    text.push_str(rest);
    let decoded = decode_references(&text);
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn decode_references(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&i| i <= 10);
        let decoded = end.and_then(|end| match &rest[1..end] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            r => r
                .strip_prefix("#x")
                .or_else(|| r.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| r.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        });
        match (decoded, end) {
            (Some(c), Some(end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Build and write the bundles `bundles` (municipality index, language), in parallel.
/// Returns (files, bytes).
pub fn write(
    site: &Site,
    bundles: &[(usize, LangIdx)],
    out: &dyn Sink,
) -> Result<(u64, u64), Diagnostic> {
    use rayon::prelude::*;
    let written: Vec<Result<(u64, u64), Diagnostic>> = bundles
        .par_iter()
        .map(|&(mi, lang)| write_bundle(site, mi, lang, out))
        .collect();
    // The first problem in the order of `bundles`, whichever thread met it first.
    written
        .into_iter()
        .try_fold((0, 0), |(f, b), one| one.map(|(nf, nb)| (f + nf, b + nb)))
}

/// Build bundle `lang` of municipality `mi` and write its files. Returns (files, bytes).
fn write_bundle(
    site: &Site,
    mi: usize,
    lang: LangIdx,
    out: &dyn Sink,
) -> Result<(u64, u64), Diagnostic> {
    let m = &site.municipalities[mi];
    let code = &m.languages[lang].code;
    let synonyms = m.search.synonyms.get(code).map_or(&[][..], Vec::as_slice);
    let tag = &m.languages[lang].tag;
    let built = crate::output::search_index::bundle(tag, &records(m, lang), synonyms);
    let files = built.map_err(|e| {
        Diagnostic::file(
            Severity::Error,
            format!("content/{}", m.slug),
            format!("cannot build the search index in `{code}`: {e}"),
        )
    })?;
    let dir = bundle_dir(m, lang);
    let mut bytes = 0;
    for (name, content) in &files {
        let rel = format!("{dir}/{name}");
        out.write(&rel, content)
            .map_err(|e| Diagnostic::file(Severity::Error, &rel, format!("cannot write: {e}")))?;
        bytes += content.len() as u64;
    }
    Ok((files.len() as u64, bytes))
}

/// Every bundle of the municipalities `in_scope`.
pub fn all_bundles(site: &Site, in_scope: &[usize]) -> Vec<(usize, LangIdx)> {
    in_scope
        .iter()
        .flat_map(|&mi| languages(&site.municipalities[mi]).map(move |l| (mi, l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes() {
        assert_eq!(
            plain_text("<p>Miete &amp; Wohnung</p><ul><li>eins</li><li>zwei</li></ul>"),
            "Miete & Wohnung eins zwei"
        );
        assert_eq!(
            plain_text("a &#x41; &#66; &unknown; &"),
            "a A B &unknown; &"
        );
        // Inline tags in any case join, block tags separate; no break space collapses.
        assert_eq!(
            plain_text(
                "<P>Aus<EM>länder</EM>behörde</P><Li>x&nbsp; y</li><br/>z<a href=\"/\">a</a>"
            ),
            "Ausländerbehörde x y za"
        );
        assert_eq!(plain_text("<p>unclosed <b"), "unclosed");
    }

    #[test]
    fn first_paragraph_is_the_description() {
        let r = record(
            Kind::Page,
            "/m/de/a/".into(),
            "page/1".into(),
            "Titel",
            None,
            "<h2>Kopf</h2><p>Erster <em>Absatz</em>.</p><p>Zweiter.</p>",
        );
        assert_eq!(r.description, "Erster Absatz.");
        assert!(r.text.starts_with("Titel\n"));
        assert!(r.text.contains("Zweiter"));
    }

    #[test]
    fn long_descriptions_are_cut_at_a_space() {
        let long = "wort ".repeat(100);
        let short = shorten(long.trim());
        assert!(short.ends_with('…'));
        assert!(short.chars().count() <= DESCRIPTION_CHARS + 1);
        assert!(!short.contains("wor…"));
    }
}
