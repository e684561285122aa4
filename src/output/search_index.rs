//! wegweiser's own search index: one *bundle* of static JSON files per municipality
//! and language, which `themes/default/static/search.js` queries in the reader's
//! browser. It ranks rather than filters: every query word is optional, pages that
//! match more words, rarer words, and words in their title or headings come first
//! (BM25, weighted per field, computed here at build time).
//!
//! The files of a bundle (all but the entry named by their content):
//! - `index.json`, the entry: format version, language, the stop words (normalised),
//!   the names of the other files;
//! - `terms.<hash>.json`: every indexed word, and where each postings shard starts;
//!   the browser matches query words against it (exact, inflected, typos, compounds,
//!   prefix of the word being typed);
//! - `postings<k>.<hash>.json`: for the words of shard `k`, in order, the records
//!   holding each word and its weight there: `[record, weight, record, weight, …]`,
//!   records as differences to the previous one, weights as integers (BM25 × 100);
//! - `records<k>.<hash>.json`: records `k × RECORDS_PER_FILE …` as
//!   `[url, title, description, kind, key]`, fetched only for the results shown
//!   (`key`: the same record in every language, `page/12`).
//!
//! Words are what [`words`] splits the [normalised](super::search_normalize) text
//! into, without the language's [stop words](stop_words). Arabic words lose the
//! article (`ال`, also after `و ف ب ك`); German compounds also count as their parts
//! where the parts are words of the municipality's own texts ([`Compounds`]).
//! search.js repeats [`words`] and the article rule for queries, with the stop words
//! from the entry; `tests/a11y/search.mjs` checks both give the same words.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::search::Record;
use super::search_normalize::normalize;

/// The entry file's name.
pub const ENTRY: &str = "index.json";
/// The format version, in the entry; search.js refuses other versions.
pub const VERSION: u32 = 1;
/// Records per `records<k>` file.
pub const RECORDS_PER_FILE: usize = 40;
/// A postings shard is closed when it reaches about this many bytes of JSON.
const SHARD_BYTES: usize = 16_000;

/// BM25's term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// What one occurrence of a word counts in each field.
const IN_TITLE: f64 = 4.0;
const IN_HEADING: f64 = 1.5;
const IN_BODY: f64 = 1.0;
/// What a part of a compound counts (per occurrence of the compound).
const AS_PART: f64 = 0.5;
/// What a synonym counts, relative to the word found.
const AS_SYNONYM: f64 = 0.8;
/// Compounds are split into parts of at least this many characters.
const MIN_PART: usize = 4;
/// Words longer than this many characters are not split (search.js: the same).
const MAX_COMPOUND: usize = 64;

/// The words of normalised `text`: runs of letters, combining marks (Devanagari's
/// virama, vowel signs) and digits; one-letter words only when they are digits.
/// search.js: `/[\p{Alphabetic}\p{M}\p{N}]+/gu`.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !in_word(c)).filter(|w| {
        let mut cs = w.chars();
        match (cs.next(), cs.next()) {
            (None, _) => false,
            (Some(c), None) => c.is_numeric(),
            _ => true,
        }
    })
}

/// Whether `c` belongs to a word: a letter, a combining mark or a digit. The scripts
/// of most portals' texts (Latin, Cyrillic, Arabic) are answered from their ranges;
/// the rest from Unicode's tables.
fn in_word(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F => true,
        0x400..=0x481 | 0x483..=0x52F => true,
        0x620..=0x669 | 0x66E..=0x6D3 => true,
        _ => {
            c.is_alphabetic() || c.is_numeric() || unicode_normalization::char::is_combining_mark(c)
        }
    }
}

/// A fast hash for short words (FNV-1a); the standard hasher resists attacks on hash
/// tables that a build of the portal's own texts does not need.
#[derive(Clone, Copy)]
struct WordHasher(u64);

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Words<V> = HashMap<String, V, std::hash::BuildHasherDefault<WordHasher>>;

/// A set of words with the same fast hash (the stop words every word is looked up in).
type WordSet = HashSet<String, std::hash::BuildHasherDefault<WordHasher>>;

/// `word` without the Arabic article (`ال`, `وال`, `فال`, `بال`, `كال`, `لل`) where
/// at least three letters remain: "الإقامة" and "إقامة" are one word.
pub fn arabic_base(word: &str) -> &str {
    for prefix in ["وال", "فال", "بال", "كال", "ال", "لل"] {
        if let Some(rest) = word.strip_prefix(prefix)
            && rest.chars().count() >= 3
        {
            return rest;
        }
    }
    word
}

/// The primary language subtag: `de` for `de-si`.
fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

/// Words that carry no meaning a search could use, per language (primary subtag), as
/// written in `search_stop_words.txt`; the entry holds them normalised.
pub fn stop_words(lang: &str) -> Vec<&'static str> {
    let lang = primary(lang);
    include_str!("search_stop_words.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .filter(|(l, _)| l.trim() == lang)
        .flat_map(|(_, words)| words.split_whitespace())
        .collect()
}

/// Splits the German compounds of one bundle's words into parts that are words of the
/// bundle themselves: "beratungsstelle" into "beratung" (with its linking `s`) and
/// "stelle" where both occur on their own. No dictionary: a part counts only where the
/// municipality's own texts use it.
pub struct Compounds<'v> {
    vocabulary: &'v HashSet<String>,
}

impl<'v> Compounds<'v> {
    pub fn new(vocabulary: &'v HashSet<String>) -> Self {
        Compounds { vocabulary }
    }

    /// The parts of `word` known on their own (the head without a linking `s`, `n`,
    /// `en` or `es`), best split first: the one whose shorter part is longest. The
    /// last part alone counts (a "Notrufnummer" is a "Nummer"); the first alone too.
    pub fn parts(&self, word: &str) -> Vec<String> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        // Longer "words" are not compounds but pasted data (a URL, a code): splitting
        // them would take time in the square of their length.
        if chars.len() < 2 * MIN_PART || chars.len() > MAX_COMPOUND {
            return Vec::new();
        }
        let mut best: Option<(usize, Vec<String>)> = None;
        for &(at, _) in &chars[MIN_PART..=chars.len() - MIN_PART] {
            let (head, tail) = (&word[..at], &word[at..]);
            let tail_known = self.vocabulary.contains(tail);
            let head_known = self.known_head(head);
            let mut parts = Vec::new();
            if let Some(h) = head_known {
                parts.push(h.to_string());
            }
            if tail_known {
                parts.push(tail.to_string());
            }
            if parts.is_empty() {
                continue;
            }
            // Both parts known beat one; then the longest shorter part.
            let score =
                parts.len() * 1000 + parts.iter().map(|p| p.chars().count()).min().unwrap_or(0);
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, parts));
            }
        }
        best.map(|(_, p)| p).unwrap_or_default()
    }

    fn known_head<'w>(&self, head: &'w str) -> Option<&'w str> {
        if self.vocabulary.contains(head) {
            return Some(head);
        }
        ["s", "n", "en", "es"].iter().find_map(|link| {
            head.strip_suffix(link)
                .filter(|h| h.chars().count() >= MIN_PART && self.vocabulary.contains(*h))
        })
    }
}

/// The entry file.
#[derive(Serialize)]
struct Entry<'a> {
    version: u32,
    lang: &'a str,
    /// Whether the article rule of [`arabic_base`] applies to queries.
    arabic: bool,
    /// Whether queries' compounds are split against the words (German).
    compounds: bool,
    records: usize,
    records_per_file: usize,
    stop: Vec<String>,
    terms: String,
    postings: Vec<String>,
    record_files: Vec<String>,
}

/// The words file.
#[derive(Serialize)]
struct Terms<'a> {
    terms: Vec<&'a str>,
    /// Index of the first word of each postings shard.
    shards: Vec<usize>,
}

/// The words of one bundle, each once, numbered in the order they were met.
#[derive(Default)]
struct Vocabulary {
    ids: Words<u32>,
    words: Vec<String>,
}

impl Vocabulary {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(word.to_string(), id);
        self.words.push(word.to_string());
        id
    }
}

/// How the words of a text become index words: stop words out, the Arabic article
/// off.
struct Indexing<'a> {
    stop: &'a WordSet,
    arabic: bool,
}

impl Indexing<'_> {
    /// The index words of `text`, as ids of `vocabulary`.
    fn words(&self, text: &str, vocabulary: &mut Vocabulary) -> Vec<u32> {
        let text = normalize(text);
        words(&text)
            .filter(|w| !self.stop.contains(*w))
            .map(|w| vocabulary.id(if self.arabic { arabic_base(w) } else { w }))
            .collect()
    }
}

/// Adds `weight` to word `id`'s count in the current record (`counts`, with the ids
/// counted in `touched`).
fn add(counts: &mut Vec<f64>, touched: &mut Vec<u32>, id: u32, weight: f64) {
    let i = id as usize;
    if i >= counts.len() {
        counts.resize(i + 1, 0.0);
    }
    if counts[i] == 0.0 {
        touched.push(id);
    }
    counts[i] += weight;
}

/// Moves the current record `r`'s counts into `postings` and clears them.
fn flush(r: usize, counts: &mut [f64], touched: &mut Vec<u32>, postings: &mut Vec<Postings>) {
    for &id in touched.iter() {
        let i = id as usize;
        if i >= postings.len() {
            postings.resize_with(i + 1, Vec::new);
        }
        postings[i].push((r as u32, counts[i]));
        counts[i] = 0.0;
    }
    touched.clear();
}

/// The records holding a word, in order, with its weighted count in each.
type Postings = Vec<(u32, f64)>;

/// How often `phrase` occurs in `words`.
fn occurrences(words: &[u32], phrase: &[u32]) -> usize {
    if phrase.is_empty() || phrase.len() > words.len() {
        return 0;
    }
    words.windows(phrase.len()).filter(|w| *w == phrase).count()
}

/// What counting the records gave: per word the records holding it with its weighted
/// count there (records met in order, so each list is sorted), each record's length
/// in words and its body's words.
struct Counted {
    postings: Vec<Postings>,
    lengths: Vec<usize>,
    bodies: Vec<Vec<u32>>,
}

/// Counts the words of `records` per field, with the `synonyms` (groups of members'
/// words) of every member found.
fn count_records(
    records: &[Record],
    indexing: &Indexing,
    vocabulary: &mut Vocabulary,
    synonyms: &[Vec<Vec<u32>>],
) -> Counted {
    let mut postings: Vec<Postings> = Vec::new();
    let mut lengths = Vec::with_capacity(records.len());
    let mut bodies = Vec::with_capacity(records.len());
    // The weighted count of each word in the current record, and which are non-zero.
    let mut counts: Vec<f64> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut fields: Vec<(Vec<u32>, f64)> = Vec::with_capacity(3);
    for (r, record) in records.iter().enumerate() {
        fields.clear();
        for (text, weight) in [
            (&record.title, IN_TITLE),
            (&record.headings, IN_HEADING),
            (&record.text, IN_BODY),
        ] {
            fields.push((indexing.words(text, vocabulary), weight));
        }
        for (found, weight) in &fields {
            for &id in found {
                add(&mut counts, &mut touched, id, *weight);
            }
            // A synonym found here counts for the other words of its group too.
            for group in synonyms {
                for (i, member) in group.iter().enumerate() {
                    let times = occurrences(found, member);
                    if times == 0 {
                        continue;
                    }
                    for (_, other) in group.iter().enumerate().filter(|(j, _)| *j != i) {
                        for &id in other {
                            add(
                                &mut counts,
                                &mut touched,
                                id,
                                times as f64 * weight * AS_SYNONYM,
                            );
                        }
                    }
                }
            }
        }
        let (body, _) = fields.pop().unwrap_or_default();
        lengths.push(body.len());
        bodies.push(body);
        flush(r, &mut counts, &mut touched, &mut postings);
    }
    Counted {
        postings,
        lengths,
        bodies,
    }
}

/// Adds the parts of German compounds ([`Compounds`]) of every record's body to its
/// words, at [`AS_PART`] per occurrence. Only words that occur in the records (not
/// only in synonyms) are parts.
fn add_compound_parts(counted: &mut Counted, vocabulary: &Vocabulary) {
    let postings = &mut counted.postings;
    let known: HashSet<String> = postings
        .iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .map(|(id, _)| vocabulary.words[id].clone())
        .collect();
    let splitter = Compounds::new(&known);
    let mut parts: Vec<Option<Vec<u32>>> = vec![None; vocabulary.words.len()];
    let mut extra: Vec<Postings> = Vec::new();
    let mut counts: Vec<f64> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (r, body) in counted.bodies.iter().enumerate() {
        for &id in body {
            let found = parts[id as usize].get_or_insert_with(|| {
                let words = splitter.parts(&vocabulary.words[id as usize]);
                words.iter().map(|p| vocabulary.ids[p.as_str()]).collect()
            });
            for &p in found.iter() {
                add(&mut counts, &mut touched, p, AS_PART);
            }
        }
        flush(r, &mut counts, &mut touched, &mut extra);
    }
    for (id, list) in extra.into_iter().enumerate() {
        for (r, weight) in list {
            let own = &mut postings[id];
            match own.binary_search_by_key(&r, |&(x, _)| x) {
                Ok(at) => own[at].1 += weight,
                Err(at) => own.insert(at, (r, weight)),
            }
        }
    }
}

/// The files of one bundle: (path below the bundle folder, content). The same records
/// give the same files.
///
/// `synonyms`: groups of words or phrases that mean the same (`[search.synonyms]` of
/// the municipality in this language): a record with one of them is also found by the
/// others, a little less strongly than by the word itself.
pub fn bundle(
    lang: &str,
    records: &[Record],
    synonyms: &[Vec<String>],
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let stop: WordSet = stop_words(lang).iter().map(|w| normalize(w)).collect();
    let indexing = Indexing {
        stop: &stop,
        arabic: primary(lang) == "ar",
    };
    let mut vocabulary = Vocabulary::default();
    let synonyms: Vec<Vec<Vec<u32>>> = synonyms
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|member| indexing.words(member, &mut vocabulary))
                .collect()
        })
        .collect();
    let mut counted = count_records(records, &indexing, &mut vocabulary, &synonyms);
    let compounds = primary(lang) == "de";
    if compounds {
        add_compound_parts(&mut counted, &vocabulary);
    }
    let Counted {
        postings, lengths, ..
    } = counted;
    let n = records.len().max(1) as f64;
    let average = (lengths.iter().sum::<usize>() as f64 / n).max(1.0);
    // Words in the order of their text, with their postings.
    let mut order: Vec<u32> = (0..postings.len() as u32)
        .filter(|&id| !postings[id as usize].is_empty())
        .collect();
    order.sort_by(|&a, &b| vocabulary.words[a as usize].cmp(&vocabulary.words[b as usize]));
    let terms: Vec<&str> = order
        .iter()
        .map(|&id| vocabulary.words[id as usize].as_str())
        .collect();
    let mut files = Vec::new();
    let mut shard_names = Vec::new();
    let mut shard_starts = Vec::new();
    let mut shard = String::from("[");
    for (t, &id) in order.iter().enumerate() {
        let list = &postings[id as usize];
        let df = list.len() as f64;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        if shard.len() == 1 {
            shard_starts.push(t);
        } else {
            shard.push(',');
        }
        shard.push('[');
        let mut previous = 0;
        for (k, &(i, tf)) in list.iter().enumerate() {
            let norm = 1.0 - B + B * lengths[i as usize] as f64 / average;
            let score = idf * tf * (K1 + 1.0) / (tf + K1 * norm);
            let weight = (score * 100.0).round().max(1.0) as u64;
            if k > 0 {
                shard.push(',');
            }
            let _ = write!(shard, "{},{weight}", i - previous);
            previous = i;
        }
        shard.push(']');
        // A shard is closed at about SHARD_BYTES, and after the last word.
        if shard.len() >= SHARD_BYTES || t + 1 == order.len() {
            shard.push(']');
            let k = shard_names.len();
            shard_names.push(push_hashed(&mut files, "postings", k, shard));
            shard = String::from("[");
        }
    }
    if shard_names.is_empty() {
        // No words at all: one empty shard, so that the format has no special case.
        shard_names.push(push_hashed(&mut files, "postings", 0, "[]".to_string()));
        shard_starts.push(0);
    }
    let terms_json = serde_json::to_string(&Terms {
        terms,
        shards: shard_starts,
    })
    .map_err(|e| e.to_string())?;
    let terms_name = push_hashed(&mut files, "terms", usize::MAX, terms_json);

    let mut record_files = Vec::new();
    for (k, chunk) in records.chunks(RECORDS_PER_FILE).enumerate() {
        let rows: Vec<[&str; 5]> = chunk
            .iter()
            .map(|r| {
                [
                    &r.url[..],
                    &r.title,
                    &r.description,
                    r.kind.as_str(),
                    &r.key,
                ]
            })
            .collect();
        let json = serde_json::to_string(&rows).map_err(|e| e.to_string())?;
        record_files.push(push_hashed(&mut files, "records", k, json));
    }
    let mut stop: Vec<String> = stop.into_iter().collect();
    stop.sort();
    let entry = Entry {
        version: VERSION,
        lang,
        arabic: primary(lang) == "ar",
        compounds,
        records: records.len(),
        records_per_file: RECORDS_PER_FILE,
        stop,
        terms: terms_name,
        postings: shard_names,
        record_files,
    };
    let entry = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
    files.push((ENTRY.to_string(), entry));
    Ok(files)
}

/// Adds `content` as `<stem><k>.<hash>.json` (`<stem>.<hash>.json` for `k ==
/// usize::MAX`) and returns the name.
fn push_hashed(
    files: &mut Vec<(String, Vec<u8>)>,
    stem: &str,
    k: usize,
    content: String,
) -> String {
    let hash = crate::output::fingerprint::hash(content.as_bytes());
    let name = if k == usize::MAX {
        format!("{stem}.{}.json", &hash[..12])
    } else {
        format!("{stem}{k}.{}.json", &hash[..12])
    };
    files.push((name.clone(), content.into_bytes()));
    name
}

#[cfg(test)]
#[path = "search_index_tests.rs"]
mod tests;
