//! From the loaded files below `news/` to the news items of a municipality.

use crate::diagnostics::Diagnostic;
use crate::load_place::LoadedFile;
use crate::model::LangIdx;
use crate::model_news::{NewsDates, NewsItem};

/// The news items of a municipality, newest first.
pub fn resolve(
    files: &[LoadedFile<NewsDates>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NewsItem> {
    let mut items: Vec<NewsItem> = crate::resolve_place::assemble(
        files,
        languages,
        source_language,
        chains,
        "news item",
        diagnostics,
    )
    .into_iter()
    .map(|a| NewsItem {
        stem: a.stem,
        dates: a.data,
        texts: a.texts,
        shown: a.shown,
        statuses: Vec::new(),
    })
    .collect();
    items.sort_by(|a, b| {
        b.dates
            .date
            .cmp(&a.dates.date)
            .then_with(|| a.stem.cmp(&b.stem))
    });
    items
}
