//! `/<m>/<lang>/news/atom.xml`: the Atom feed of the current news in each language.

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::news::{FEED_FILE, FOLDER, feed_url, item_url, list_url};
use crate::model::place::Text;
use crate::model::{LangIdx, Municipality, Site};
use crate::theme::Theme;

/// The Atom feed of the current news of `m` for readers of `lang`.
pub fn feed(site: &Site, theme: &Theme, m: &Municipality, lang: LangIdx) -> Option<String> {
    let self_url = site.base_url.absolute(&feed_url(m, lang)?);
    let home = site.base_url.absolute(&list_url(m, lang)?);
    let code = &m.languages[lang].tag;
    let ui = theme.ui.for_lang(&m.languages[lang]);
    let rows: Vec<(String, &Text, String, Option<&str>)> = (0..m.news.len())
        .filter(|&i| m.news[i].is_current(m.today))
        .take(crate::output::feed::ENTRIES)
        .filter_map(|i| {
            let (text, shown) = m.news[i].text(lang);
            Some((
                m.news[i].dates.date.to_string(),
                text,
                site.base_url.absolute(&item_url(m, lang, i)?),
                (shown != lang).then(|| m.languages[shown].tag.as_str()),
            ))
        })
        .collect();
    let entries: Vec<crate::output::feed::AtomEntry<'_>> = rows
        .iter()
        .map(|(day, text, url, lang)| crate::output::feed::AtomEntry {
            title: &text.title,
            url,
            updated: day,
            summary: text.description.as_deref(),
            lang: *lang,
        })
        .collect();
    let title = format!("{} – {}", m.name, ui.get("news_title"));
    Some(crate::output::feed::atom(
        code, &title, &self_url, &home, &m.name, &entries,
    ))
}

/// Write the news feed of every municipality with news in every language; returns
/// files and bytes.
pub fn write(
    site: &Site,
    theme: &Theme,
    municipalities: &[usize],
    out: &dyn crate::write::Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = 0;
    let mut bytes = 0;
    for &mi in municipalities {
        let m = &site.municipalities[mi];
        if m.news.is_empty() {
            continue;
        }
        for lang in 0..m.languages.len() {
            let (Some(text), Some((dir, _))) = (
                feed(site, theme, m, lang),
                crate::model::place::section_location(m, lang, FOLDER),
            ) else {
                continue;
            };
            let rel = format!("{dir}/{FEED_FILE}");
            out.write(&rel, text.as_bytes()).map_err(|e| {
                Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
            })?;
            files += 1;
            bytes += text.len() as u64;
        }
    }
    Ok((files, bytes))
}
