//! From the loaded files below `news/` to the news items of a municipality.

use crate::base::diagnostics::Diagnostic;
use crate::load::place::LoadedFile;
use crate::model::LangIdx;
use crate::model::news::{NewsDates, NewsItem};

/// The news items of a municipality, newest first.
pub fn resolve(
    files: &[LoadedFile<NewsDates>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NewsItem> {
    let mut items: Vec<NewsItem> = crate::resolve::place::assemble(
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
