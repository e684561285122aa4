//! Writing XML (XLIFF, sitemaps): escaping that keeps documents well-formed.

/// Escape text for element content. Characters XML 1.0 cannot hold become U+FFFD.
pub fn escape_text(s: &str) -> String {
    escape_with(s, false, |out, _| out.push('\u{FFFD}'))
}

/// Escape text for an attribute value in double or single quotes.
pub fn escape_attr(s: &str) -> String {
    escape_with(s, true, |out, _| out.push('\u{FFFD}'))
}

/// Escape `s` for element content, or with `attribute` for an attribute value (quotes
/// and white space that attribute normalisation would change); `invalid` writes what
/// stands for a character XML 1.0 cannot hold.
pub fn escape_with(s: &str, attribute: bool, invalid: impl Fn(&mut String, char)) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c if !is_xml_char(c) => invalid(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 allows `c` in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_xml_needs() {
        assert_eq!(escape_text("a & b <c>\r"), "a &amp; b &lt;c&gt;&#13;");
        assert_eq!(escape_attr("a\"b'\n"), "a&quot;b&apos;&#10;");
        assert_eq!(escape_text("\u{1}"), "\u{FFFD}");
        assert_eq!(escape_attr("/%D8%A7/?a=1&b=2"), "/%D8%A7/?a=1&amp;b=2");
    }
}
