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
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        push_folded(text.chars(), &mut out);
    } else {
        push_folded(text.nfkc(), &mut out);
    }
    out
}

/// Folds, drops and lower-cases `chars` onto `out` (steps 2 to 4).
fn push_folded(chars: impl Iterator<Item = char>, out: &mut String) {
    let mut chars = chars.filter_map(fold).peekable();
    let mut previous = None;
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c.to_ascii_lowercase());
        } else if !(APOSTROPHES.contains(&c)
            && previous.is_some_and(char::is_alphabetic)
            && chars.peek().is_some_and(|n| n.is_alphabetic()))
        {
            out.extend(c.to_lowercase());
        }
        previous = Some(c);
    }
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
    fn latin_text_is_only_lower_cased() {
        assert_eq!(
            normalize("Bürgerbüro Öffnungszeiten"),
            "bürgerbüro öffnungszeiten"
        );
    }
}
