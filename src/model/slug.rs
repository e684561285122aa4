//! Heading ids and URL segments from text, keeping its script: `Miete & Kaution` →
//! `miete-kaution`, `تسجيل السكن` → `تسجيل-السكن`.

use unicode_normalization::UnicodeNormalization;

/// An id for a heading that keeps its script readable: `Miete & Kaution` →
/// `miete-kaution`, `العمل` → `العمل`.
pub fn anchor_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.nfc().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' || is_joiner(c) || is_combining_mark(c) {
            if dash && !id.is_empty() {
                id.push('-');
            }
            dash = false;
            id.push(c);
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// A URL segment from a title or file name, keeping its script (NFC, lower case,
/// words joined by `-`).
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.nfc().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' || c == '.' || is_joiner(c) || is_combining_mark(c) {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    slug.trim_matches('.').to_string()
}

/// Zero-width joiner and non-joiner: part of Persian words.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Marks that belong to the letter before them (Arabic harakat, Devanagari vowel signs…).
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A |
        0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0903 | 0x093A..=0x094F |
        0x0B82..=0x0BCD | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_native_scripts() {
        assert_eq!(slugify("Miete und Kaution"), "miete-und-kaution");
        assert_eq!(slugify("تسجيل السكن"), "تسجيل-السكن");
        assert_eq!(slugify("Реєстрація житла"), "реєстрація-житла");
        assert_eq!(slugify("a/b?c"), "abc");
    }
}
