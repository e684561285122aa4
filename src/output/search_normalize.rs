//! The text normalisation of search: applied to everything indexed and to every query,
//! so that a word typed the common way finds the page written the careful way.
//!
//! `themes/default/static/search.js` has the same function for queries; both are
//! checked against one table of cases, `tests/fixtures/search-normalisation.json`
//! (the unit test below, and `tests/a11y/search.mjs` in Node and in the browser).
//!
//! In this order:
//! 1. NFKC: compatibility forms (Arabic presentation forms, ligatures, full-width
//!    letters) become the plain letters; composed and decomposed text become equal.
//! 2. Letters folded (before lower-casing, so Turkish `İ` does not become `i̇`):
//!    Arabic alef forms `أ إ آ ٱ` → `ا`; alef maqsura `ى`, Persian yeh `ی` → Arabic yeh
//!    `ي`; Persian keheh `ک` → Arabic kaf `ك`; teh marbuta `ة` → `ه`; Turkish `İ`, `I`,
//!    `ı` → `i`; Ukrainian `і` (and `І`) → Latin `i`, which Russian keyboards type.
//!    One direction for Arabic and Persian alike: a reader of either may type
//!    either letter, and the index's Arabic article rule expects the Arabic letters.
//!    Arabic-Indic `٠–٩` and Persian `۰–۹` digits → `0–9`.
//! 3. Removed: Arabic diacritics (U+064B–U+0655, superscript alef U+0670), tatweel
//!    U+0640, the zero-width non-joiner and joiner (U+200C, U+200D: `می‌خواهم` and
//!    `میخواهم` are one word), the soft hyphen; apostrophes `' ’ ‘ ʼ `` between two
//!    letters (Ukrainian `м'ята`, `м’ята`, `мʼята` are one word).
//! 4. Lower case.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Apostrophes that are dropped between two letters.
const APOSTROPHES: [char; 5] = ['\'', '\u{2019}', '\u{2018}', '\u{02BC}', '`'];

/// The folded letter for `c`, `None` where `c` is removed, `Some(c)` where it stays.
fn fold(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ک' => 'ك',
        'ة' => 'ه',
        'İ' | 'I' | 'ı' => 'i',
        // Arabic-Indic and Persian digits: phone numbers and postcodes typed either way.
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        'і' | 'І' => 'i',
        '\u{064B}'..='\u{0655}' | '\u{0670}' | '\u{0640}' => return None,
        '\u{200C}' | '\u{200D}' | '\u{00AD}' => return None,
        c => c,
    })
}

/// `text` as the search index stores it and as queries are looked up.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Most text is already in NFKC: the quick check (one table lookup per character)
    // saves decomposing and composing it again.
    if is_nfkc(text) {
        push_folded(text, &mut out);
    } else {
        push_folded(&text.nfkc().collect::<String>(), &mut out);
    }
    out
}

/// Whether `text` is in NFKC by the quick check, asked only of the runs of characters
/// that are not [plain starters](is_plain_starter): a starter (combining class 0) that
/// is always in NFKC resets the check's state, so the answer is the same as for the
/// whole text, without two table lookups for every letter of it.
fn is_nfkc(text: &str) -> bool {
    let mut run: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (is_plain_starter(c), run) {
            (false, None) => run = Some(i),
            (true, Some(start)) => {
                if is_nfkc_quick(text[start..i].chars()) != IsNormalized::Yes {
                    return false;
                }
                run = None;
            }
            _ => {}
        }
    }
    run.is_none_or(|start| is_nfkc_quick(text[start..].chars()) == IsNormalized::Yes)
}

/// Characters of combining class 0 that the NFKC quick check always answers "yes"
/// for: ASCII, Latin-1 letters, basic Cyrillic (Russian, Ukrainian), the Arabic and
/// Persian letters and digits (a test checks every one against Unicode's tables).
fn is_plain_starter(c: char) -> bool {
    matches!(
        c as u32,
        0..=0x7F | 0xC0..=0xFF | 0x400..=0x45F | 0x621..=0x63A | 0x641..=0x64A | 0x660..=0x669
            | 0x67E | 0x686 | 0x698 | 0x6A9 | 0x6AF | 0x6CC | 0x6F0..=0x6F9
    )
}

/// Folds, drops and lower-cases `text` onto `out` (steps 2 to 4).
///
/// Every page's text passes through here (a tenth of a build once), so runs of ASCII
/// are copied and lower-cased as a whole (no ASCII letter is folded other than by
/// lower-casing: `I` → `i` is both), and letters of scripts without case are not
/// looked up in the case tables.
fn push_folded(text: &str, out: &mut String) {
    // The last character kept (not removed by `fold`), dropped apostrophes included.
    let mut previous: Option<char> = None;
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii() || b == b'\'' || b == b'`')
            .unwrap_or(rest.len());
        if run > 0 {
            let start = out.len();
            out.push_str(&rest[..run]);
            out[start..].make_ascii_lowercase();
            previous = rest[..run].chars().next_back();
            rest = &rest[run..];
            continue;
        }
        let Some(raw) = rest.chars().next() else {
            break;
        };
        rest = &rest[raw.len_utf8()..];
        let Some(c) = fold(raw) else {
            continue;
        };
        let dropped = APOSTROPHES.contains(&c)
            && previous.is_some_and(char::is_alphabetic)
            && rest.chars().find_map(fold).is_some_and(char::is_alphabetic);
        if !dropped {
            push_lower(c, out);
        }
        previous = Some(c);
    }
}

/// Appends the lower case of `c`: for Latin-1, basic Cyrillic and the scripts without
/// case (Hebrew, Arabic, Syriac, Thaana, N'Ko, the Arabic supplements) by arithmetic,
/// the rest from Unicode's case tables (a search per character). A test compares every
/// character of those ranges with the tables.
fn push_lower(c: char, out: &mut String) {
    let u = c as u32;
    let lower = match u {
        0xC0..=0xD6 | 0xD8..=0xDE | 0x410..=0x42F => u + 0x20,
        0x400..=0x40F => u + 0x50,
        0xD7 | 0xDF..=0xFF | 0x430..=0x45F | 0x590..=0x8FF => u,
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push(char::from_u32(lower).unwrap_or(c));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        input: String,
        expected: String,
        why: String,
    }

    #[test]
    fn the_shared_table_of_cases() {
        let cases: Vec<Case> = serde_json::from_str(include_str!(
            "../../tests/fixtures/search-normalisation.json"
        ))
        .expect("the table is valid JSON");
        assert!(cases.len() >= 15);
        for c in &cases {
            assert_eq!(normalize(&c.input), c.expected, "{}: {:?}", c.why, c.input);
            // Normalising twice changes nothing: queries meet indexed text.
            assert_eq!(normalize(&c.expected), c.expected, "idempotent: {}", c.why);
        }
    }

    #[test]
    fn apostrophes_outside_words_stay() {
        assert_eq!(normalize("'Anmeldung'"), "'anmeldung'");
        assert_eq!(normalize("rock 'n' roll"), "rock 'n' roll");
    }

    #[test]
    fn the_quick_check_of_non_ascii_runs_is_the_quick_check() {
        for text in [
            "",
            "abc",
            "Bürger\u{0301}büro",
            "a\u{0301}",
            "\u{0301}a",
            "e\u{0301}\u{0327} x",
            "ﻻ and ﬁ",
            "Ангела Меркель",
            "x\u{FB01}",
            "\u{1E0B}\u{0323}",
            "ا\u{0653}\u{0654}",
            "ي\u{0654}\u{064E}a",
            "й\u{0306}\u{0301}",
            "\u{0627}\u{0655}\u{064B}\u{0651}",
            "\u{0675}",
        ] {
            assert_eq!(
                is_nfkc(text),
                is_nfkc_quick(text.chars()) == IsNormalized::Yes,
                "{text:?}"
            );
        }
    }

    #[test]
    fn plain_starters_are_plain() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_plain_starter(c))
        {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
        }
    }

    #[test]
    fn lower_case_by_arithmetic_is_unicodes() {
        for c in ('\u{00C0}'..='\u{00FF}')
            .chain('\u{0400}'..='\u{045F}')
            .chain('\u{0590}'..='\u{08FF}')
        {
            let mut ours = String::new();
            push_lower(c, &mut ours);
            assert_eq!(ours, c.to_lowercase().collect::<String>(), "{c:?}");
        }
    }

    #[test]
    fn apostrophes_next_to_removed_characters() {
        // A removed character (a diacritic, a zero-width joiner) between an apostrophe
        // and a letter does not count as the neighbour.
        assert_eq!(normalize("м'\u{200D}ята"), "мята");
        assert_eq!(normalize("м\u{200C}'ята"), "мята");
        assert_eq!(normalize("м' ята"), "м' ята");
        assert_eq!(normalize("ISTANBUL'DA"), "istanbulda");
        assert_eq!(normalize("A`B"), "ab");
    }

    #[test]
    fn latin_text_is_only_lower_cased() {
        assert_eq!(
            normalize("Bürgerbüro Öffnungszeiten"),
            "bürgerbüro öffnungszeiten"
        );
    }
}
