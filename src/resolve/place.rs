//! From the loaded files below `places/` (and `news/`, `events/`) to items with their
//! texts in every language: the places of a municipality.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::place::{LoadedFile, at_key};
use crate::model::LangIdx;
use crate::model::place::{Place, PlaceData, Text};

/// An item (place or news item) with its texts in every language.
pub(crate) struct Assembled<D> {
    pub stem: String,
    pub data: D,
    pub texts: Vec<Option<Text>>,
    /// The language whose text readers of each language get.
    pub shown: Vec<LangIdx>,
}

/// Group loaded files into items: one source-language file with the data, and its
/// translations. Items without a source-language file are reported.
pub(crate) fn assemble<D: Clone>(
    files: &[LoadedFile<D>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Assembled<D>> {
    let mut by_stem: BTreeMap<&str, Vec<&LoadedFile<D>>> = BTreeMap::new();
    for f in files {
        by_stem.entry(&f.stem).or_default().push(f);
    }
    let mut out = Vec::new();
    for (stem, group) in by_stem {
        let Some(data) = group.iter().find_map(|f| f.data.clone()) else {
            // The source-language file is there but gave no data: its own errors are
            // reported (or it is a draft, left out with its translations); saying it is
            // missing would only mislead.
            let dir = group[0].text.path.parent().unwrap_or(Path::new(""));
            let source = &languages[source_language];
            if [format!("{stem}.md"), format!("{stem}.{source}.md")]
                .iter()
                .any(|name| dir.join(name).is_file())
            {
                continue;
            }
            let first = &group[0].text.file;
            diagnostics.push(
                Diagnostic::file(
                    Severity::Error,
                    first,
                    format!(
                        "{what} `{stem}` has no file in the source language ({})",
                        languages[source_language]
                    ),
                )
                .with_hint(format!(
                    "the data is kept in {stem}.md; translations beside it"
                )),
            );
            continue;
        };
        let mut texts: Vec<Option<Text>> = vec![None; languages.len()];
        for f in &group {
            if let Some(i) = languages.iter().position(|l| *l == f.language) {
                texts[i] = Some(f.text.clone());
            }
        }
        let shown: Vec<LangIdx> = chains
            .iter()
            .map(|chain| {
                chain
                    .iter()
                    .copied()
                    .chain(std::iter::once(source_language))
                    .find(|&l| texts[l].is_some())
                    .unwrap_or(source_language)
            })
            .collect();
        out.push(Assembled {
            stem: stem.to_string(),
            data,
            texts,
            shown,
        });
    }
    out
}

/// The places of a municipality, with duplicate ids reported.
pub fn resolve(
    files: &[LoadedFile<PlaceData>],
    languages: &[String],
    source_language: usize,
    chains: &[Vec<LangIdx>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    for Assembled {
        stem,
        data,
        texts,
        shown,
    } in assemble(
        files,
        languages,
        source_language,
        chains,
        "place",
        diagnostics,
    ) {
        let file = texts[source_language]
            .as_ref()
            .map(|t| t.path.clone())
            .unwrap_or_default();
        if let Some(first) = ids.get(&data.id) {
            let display = texts[source_language]
                .as_ref()
                .map(|t| t.file.clone())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            diagnostics.push(
                at_key(
                    &display,
                    &text,
                    0,
                    "id",
                    Some(&format!("\"{}\"", data.id)),
                    format!("two places have the id `{}`", data.id),
                )
                .with_hint(format!("the other is {}", first.display())),
            );
            continue;
        }
        ids.insert(
            data.id.clone(),
            texts[source_language]
                .as_ref()
                .map(|t| t.file.clone())
                .unwrap_or_default(),
        );
        places.push(Place {
            stem,
            data,
            texts,
            shown,
            statuses: Vec::new(),
        });
    }
    places.sort_by(|a, b| a.data.id.cmp(&b.data.id));
    places
}
