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
    pub(crate) fn new(state: State, source: Option<LangIdx>, reason: Option<String>) -> Self {
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

    #[test]
    fn sources_are_ordered_and_cycles_found() {
        // de is the source; en from de; ti from en.
        assert_eq!(source_order(&[None, Some(0), Some(1)]), Ok(vec![0, 1, 2]));
        assert_eq!(source_order(&[None, Some(2), Some(0)]), Ok(vec![0, 2, 1]));
        assert_eq!(source_order(&[None, Some(2), Some(1)]), Err(vec![1, 2]));
    }
}
