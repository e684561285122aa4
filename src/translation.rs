//! Translation states: which translations are missing, being worked on, outdated,
//! machine-made or up to date, decided from the files alone.
//!
//! A translation records the version of its source it was made from in
//! `source_digest`: a short stable hash of the source's *content* (title and body, with
//! insignificant whitespace normalised). Moving a page, reordering it, or changing front
//! matter that does not change the meaning (weight, slug, review dates) changes nothing.

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::LangIdx;

/// Length of a digest in hexadecimal digits.
pub const DIGEST_LEN: usize = 12;

/// The digest of a page's content: FNV-1a (64 bit) over the title and the body, each
/// line without trailing white space, without leading and trailing blank lines and
/// with `\n` line ends; the first 48 bits in hex. Stable across platforms and versions.
pub fn digest(title: &str, body: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(title.trim().as_bytes());
    feed(b"\n\n");
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let first = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let last = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(first, |i| i + 1);
    for line in &lines[first..last] {
        feed(line.as_bytes());
        feed(b"\n");
    }
    format!("{hash:016x}")[..DIGEST_LEN].to_string()
}

/// Why a translation without `source_digest` counts as outdated.
pub const NO_SOURCE_DIGEST: &str =
    "it has no source_digest, so nobody knows which version of the source it was made from";

/// `source_digest` as read from a file's front matter: an error at its line when it is
/// not a digest (pages, events, places and news items alike).
pub fn check_source_digest(
    display: &Path,
    text: &str,
    made_from: Option<&str>,
) -> Result<(), Diagnostic> {
    match made_from {
        Some(made_from) if !is_digest(made_from) => Err(crate::load_place::at_key(
            display,
            text,
            0,
            "source_digest",
            None,
            format!("`{made_from}` is not a digest"),
        )
        .with_hint("set it with `wegweiser translations stamp FILE`, never by hand")),
        _ => Ok(()),
    }
}

/// Whether `s` has the form of a digest.
pub fn is_digest(s: &str) -> bool {
    s.len() == DIGEST_LEN
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The state of one translation of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The page in the municipality's source language: what the others translate.
    Source,
    Missing,
    InTranslation,
    Outdated,
    MachineTranslated,
    UpToDate,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Source,
        State::Missing,
        State::InTranslation,
        State::Outdated,
        State::MachineTranslated,
        State::UpToDate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Source => "source",
            State::Missing => "missing",
            State::InTranslation => "in-translation",
            State::Outdated => "outdated",
            State::MachineTranslated => "machine-translated",
            State::UpToDate => "up-to-date",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether readers should be told the text may not match its source.
    pub fn needs_work(self) -> bool {
        matches!(
            self,
            State::Missing | State::Outdated | State::InTranslation
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A translation's state and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub state: State,
    /// Why it is outdated, for reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The language it is translated from (`None` for the source language).
    #[serde(skip)]
    pub source: Option<LangIdx>,
}

impl Status {
    fn new(state: State, source: Option<LangIdx>, reason: Option<String>) -> Self {
        Status {
            state,
            reason,
            source,
        }
    }
}

/// One language's file of something translated as a whole (a page, an event, a place,
/// a news item): what its state is decided from.
pub trait Translated {
    /// Path shown in diagnostics and reports (relative to the portal root).
    fn file(&self) -> &Path;
    /// Path on disk.
    fn path(&self) -> &Path;
    /// The digest of its own content (see [`digest`]): what translations made from it
    /// record.
    fn digest(&self) -> &str;
    /// `source_digest`: the digest of the source version it was made from.
    fn source_digest(&self) -> Option<&str>;
    /// `machine_translated = true`.
    fn machine_translated(&self) -> bool;
    /// `in_translation = true`.
    fn in_translation(&self) -> bool;
}

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

/// Every language after the language it is translated from; `None` when the sources
/// form a cycle (then the cycle's languages are returned).
pub fn source_order(sources: &[Option<LangIdx>]) -> Result<Vec<LangIdx>, Vec<LangIdx>> {
    let mut order = Vec::with_capacity(sources.len());
    let mut placed = vec![false; sources.len()];
    while order.len() < sources.len() {
        let before = order.len();
        for (lang, source) in sources.iter().enumerate() {
            if !placed[lang] && source.is_none_or(|s| placed[s]) {
                placed[lang] = true;
                order.push(lang);
            }
        }
        if order.len() == before {
            return Err((0..sources.len()).filter(|&l| !placed[l]).collect());
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_ignore_insignificant_whitespace() {
        let a = digest("Miete", "\nDie Kaution.\n\n## Frist\n");
        assert_eq!(
            a,
            digest(" Miete ", "Die Kaution.   \r\n\r\n## Frist\r\n\r\n")
        );
        assert_ne!(a, digest("Miete", "Die Kaution!\n\n## Frist\n"));
        assert_ne!(a, digest("Mieten", "\nDie Kaution.\n\n## Frist\n"));
        assert!(is_digest(&a), "{a}");
        assert_eq!(a.len(), DIGEST_LEN);
        // Stable across versions: a fixed value.
        assert_eq!(digest("Miete", "Text"), "95a32f50914d");
    }

    #[test]
    fn digest_shape() {
        assert!(is_digest("0123456789ab"));
        assert!(!is_digest("0123456789AB"));
        assert!(!is_digest("0123"));
        assert!(!is_digest("0123456789ag"));
    }

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

    #[test]
    fn sources_are_ordered_and_cycles_found() {
        // de is the source; en from de; ti from en.
        assert_eq!(source_order(&[None, Some(0), Some(1)]), Ok(vec![0, 1, 2]));
        assert_eq!(source_order(&[None, Some(2), Some(0)]), Ok(vec![0, 2, 1]));
        assert_eq!(source_order(&[None, Some(2), Some(1)]), Err(vec![1, 2]));
    }
}
