//! Which source files' last-commit dates the outputs show: the outdated notices of
//! pages, the feeds, the calendars. The dates themselves come from git
//! ([`crate::load::git::last_commit_dates`]).

use std::path::Path;

use crate::model::Municipality;

/// The files whose last-commit dates pages show (the outdated notices, the feeds, the
/// calendars): every file of every page, event, news item and place of
/// `municipalities`.
pub fn dated_files<'a>(
    municipalities: impl IntoIterator<Item = &'a Municipality>,
) -> Vec<&'a Path> {
    municipalities
        .into_iter()
        .flat_map(|m| {
            m.translatables().into_iter().flat_map(move |t| {
                (0..m.languages.len()).filter_map(move |lang| Some(m.translated(t, lang)?.file()))
            })
        })
        .collect()
}
