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

/// Whether `text` is in NFKC by the quick check, asked only of its runs of non-ASCII
/// characters: ASCII is always in NFKC and resets the check's state, so the answer is
/// the same as for the whole text, without decoding every character of it.
fn is_nfkc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(start) = bytes[at..].iter().position(|b| !b.is_ascii()) {
        let start = at + start;
        let end = bytes[start..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |p| start + p);
        if is_nfkc_quick(text[start..end].chars()) != IsNormalized::Yes {
            return false;
        }
        at = end;
    }
    true
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
            if is_caseless(c) {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        }
        previous = Some(c);
    }
}

/// Letters of scripts that have no case (Hebrew, Arabic, Syriac, Thaana, N'Ko,
/// Samaritan, Mandaic, the Arabic supplements): lower-casing leaves them as they are.
fn is_caseless(c: char) -> bool {
    ('\u{0590}'..='\u{08FF}').contains(&c)
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
        ] {
            assert_eq!(
                is_nfkc(text),
                is_nfkc_quick(text.chars()) == IsNormalized::Yes,
                "{text:?}"
            );
        }
    }

    #[test]
    fn caseless_scripts_have_no_lower_case() {
        for c in '\u{0590}'..='\u{08FF}' {
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
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
