//! Translation states: which translations are missing, being worked on, outdated,
//! machine-made or up to date, decided from the files alone (see
//! [`crate::model::translation`] for the digest their `source_digest` records).

use crate::model::LangIdx;
use crate::model::translation::{NO_SOURCE_DIGEST, State, Status, Translated};

/// The states of every translation of one page, event, place or news item, whose
/// files by language are `translations`. `sources[l]` is the language `l` is
/// translated from (`None` for the municipality's source language); `order` lists
/// languages so that every language comes after its source; `names` are English
/// language names for the reasons.
pub fn statuses<T: Translated>(
    translations: &[Option<T>],
    sources: &[Option<LangIdx>],
    order: &[LangIdx],
    names: &[&str],
) -> Vec<Status> {
    let mut out: Vec<Option<Status>> = vec![None; sources.len()];
    for &lang in order {
        let status = match (&translations[lang], sources[lang]) {
            (_, None) => Status::new(State::Source, None, None),
            (None, source) => Status::new(State::Missing, source, None),
            (Some(t), Some(source)) => {
                let source_status = out[source].as_ref().map(|s| s.state);
                let outdated =
                    |reason: String| Status::new(State::Outdated, Some(source), Some(reason));
                if t.in_translation() {
                    Status::new(State::InTranslation, Some(source), None)
                } else if let Some(source_state) = source_status.filter(|s| s.needs_work()) {
                    outdated(format!(
                        "its source, the {} translation, is {source_state}",
                        names[source]
                    ))
                } else {
                    match (t.source_digest(), &translations[source]) {
                        (_, None) => outdated(format!(
                            "its source, the {} translation, is missing",
                            names[source]
                        )),
                        (None, _) => outdated(NO_SOURCE_DIGEST.to_string()),
                        (Some(made_from), Some(s)) if made_from != s.digest() => outdated(format!(
                            "the {} source changed since it was translated",
                            names[source]
                        )),
                        _ if t.machine_translated() => {
                            Status::new(State::MachineTranslated, Some(source), None)
                        }
                        _ => Status::new(State::UpToDate, Some(source), None),
                    }
                }
            }
        };
        out[lang] = Some(status);
    }
    out.into_iter()
        .map(|s| s.unwrap_or_else(|| Status::new(State::Missing, None, None)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::translation::source_order;
    use std::path::Path;

    /// A translation file as the states see it.
    struct File {
        digest: &'static str,
        made_from: Option<&'static str>,
        machine: bool,
        working: bool,
    }

    impl Translated for File {
        fn file(&self) -> &Path {
            Path::new("x.md")
        }
        fn path(&self) -> &Path {
            Path::new("x.md")
        }
        fn digest(&self) -> &str {
            self.digest
        }
        fn source_digest(&self) -> Option<&str> {
            self.made_from
        }
        fn machine_translated(&self) -> bool {
            self.machine
        }
        fn in_translation(&self) -> bool {
            self.working
        }
    }

    fn file(digest: &'static str, made_from: Option<&'static str>) -> Option<File> {
        Some(File {
            digest,
            made_from,
            machine: false,
            working: false,
        })
    }

    #[test]
    fn every_state_and_the_cascade() {
        // de (source), en from de, ti from en, ar from de, fa from de, uk from de.
        let sources = [None, Some(0), Some(1), Some(0), Some(0), Some(0)];
        let order = source_order(&sources).unwrap();
        let names = [
            "German",
            "English",
            "Tigrinya",
            "Arabic",
            "Persian",
            "Ukrainian",
        ];
        let state = |files: &[Option<File>]| -> Vec<State> {
            statuses(files, &sources, &order, &names)
                .into_iter()
                .map(|s| s.state)
                .collect()
        };
        let mut machine = file("aaaaaaaaaaa4", Some("aaaaaaaaaaa0")).unwrap();
        machine.machine = true;
        let mut working = file("aaaaaaaaaaa5", None).unwrap();
        working.working = true;
        let files = [
            file("aaaaaaaaaaa0", None),
            file("aaaaaaaaaaa1", Some("aaaaaaaaaaa0")),
            file("aaaaaaaaaaa2", Some("aaaaaaaaaaa1")),
            Some(machine),
            Some(working),
            None,
        ];
        assert_eq!(
            state(&files),
            [
                State::Source,
                State::UpToDate,
                State::UpToDate,
                State::MachineTranslated,
                State::InTranslation,
                State::Missing
            ]
        );
        // The German source changes: en is outdated, and so is ti, made from en.
        let files = [
            file("bbbbbbbbbbb0", None),
            file("aaaaaaaaaaa1", Some("aaaaaaaaaaa0")),
            file("aaaaaaaaaaa2", Some("aaaaaaaaaaa1")),
            file("aaaaaaaaaaa3", None),
            None,
            None,
        ];
        let all = statuses(&files, &sources, &order, &names);
        assert_eq!(all[1].state, State::Outdated);
        assert_eq!(
            all[1].reason.as_deref(),
            Some("the German source changed since it was translated")
        );
        assert_eq!(all[2].state, State::Outdated);
        assert_eq!(
            all[2].reason.as_deref(),
            Some("its source, the English translation, is outdated")
        );
        assert_eq!(all[2].source, Some(1));
        assert_eq!(all[3].state, State::Outdated, "never stamped");
    }
}
