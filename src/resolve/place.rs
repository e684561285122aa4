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
    /// The file the data is from (the source-language file, also where it is a draft
    /// whose text is left out): where its problems are reported.
    pub source: Text,
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
        let Some((data, source)) = group
            .iter()
            .find_map(|f| Some((f.data.clone()?, f.text.clone())))
        else {
            // The source-language file is there but gave no data: its own errors are
            // reported; saying it is missing would only mislead.
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
        // A draft's text is left out; its translations are published, as a page's are.
        for f in group.iter().filter(|f| !f.draft) {
            if let Some(i) = languages.iter().position(|l| *l == f.language) {
                texts[i] = Some(f.text.clone());
            }
        }
        if texts.iter().all(Option::is_none) {
            continue;
        }
        let shown: Vec<LangIdx> = chains
            .iter()
            .map(|chain| {
                chain
                    .iter()
                    .copied()
                    .chain(std::iter::once(source_language))
                    .find(|&l| texts[l].is_some() && !awaits_text(&texts, l))
                    .unwrap_or(source_language)
            })
            .collect();
        out.push(Assembled {
            stem: stem.to_string(),
            data,
            source,
            texts,
            shown,
        });
    }
    out
}

/// Whether the text in `lang` is a translation still to be written (in translation, as
/// Integreat publishes it): it has no text while another language has one. Readers get
/// the fallback, with the notice that a translation is in progress.
pub(crate) fn awaits_text(texts: &[Option<Text>], lang: LangIdx) -> bool {
    texts[lang].as_ref().is_some_and(|t| t.body.is_blank())
        && texts.iter().flatten().any(|t| !t.body.is_blank())
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
        source,
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
        let file = source.path.clone();
        if let Some(first) = ids.get(&data.id) {
            let display = source.file.clone();
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
        ids.insert(data.id.clone(), source.file.clone());
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
