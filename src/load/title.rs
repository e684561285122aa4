//! Titles made from a text: the heading of a news item that has none (Integreat's push
//! notifications have only a text), from its first sentence.

/// The longest title made from a text, in characters (then cut at a word, with "…").
pub const MADE_TITLE_CHARS: usize = 80;

/// The first sentence of rendered HTML `html` as plain text, at most
/// [`MADE_TITLE_CHARS`] characters (cut at a word, with "…"); `None` without words.
pub(crate) fn first_sentence(html: &str) -> Option<String> {
    let text = plain_text(html);
    let end = text
        .char_indices()
        .find(|&(i, c)| ends_sentence(&text, i, c))
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let sentence = text[..end].trim();
    if sentence.chars().count() <= MADE_TITLE_CHARS {
        return (!sentence.is_empty()).then(|| sentence.to_string());
    }
    let cut: String = sentence.chars().take(MADE_TITLE_CHARS).collect();
    let at_word = cut
        .rfind(char::is_whitespace)
        .map_or(cut.as_str(), |i| &cut[..i]);
    Some(format!(
        "{}…",
        at_word.trim_end_matches([',', ';', ':', ' '])
    ))
}

/// Whether `c` at `i` in `text` ends a sentence: a full stop, `!` or `?` (Latin, Arabic,
/// Urdu, Ethiopic) before white space or the end, but not after a digit (`1.12.`) or an
/// abbreviation (`z. B.`, `Nr.`, `bzw.`), nor before a lower-case letter; the full-width
/// ones of Chinese and Japanese anywhere.
fn ends_sentence(text: &str, i: usize, c: char) -> bool {
    const ABBREVIATIONS: &[&str] = &["bzw", "ca", "evtl", "ggf", "inkl", "usw", "vgl", "etc"];
    if matches!(c, '。' | '！' | '？') {
        return true;
    }
    if !matches!(c, '.' | '!' | '?' | '؟' | '۔' | '።') {
        return false;
    }
    let mut after = text[i + c.len_utf8()..].chars();
    match after.next() {
        None => return true,
        Some(w) if !w.is_whitespace() => return false,
        Some(_) => {}
    }
    if after.next().is_some_and(char::is_lowercase) {
        return false;
    }
    if c != '.' {
        return true;
    }
    let word = text[..i].rsplit(char::is_whitespace).next().unwrap_or("");
    let short = word.chars().count() <= 2 && word.chars().all(char::is_alphabetic);
    let number = word.chars().last().is_some_and(|d| d.is_ascii_digit());
    !(short || number || ABBREVIATIONS.contains(&word.to_lowercase().as_str()))
}

/// The words of rendered HTML: tags dropped, the entities the renderer writes decoded,
/// white space collapsed.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sentence_in_any_script() {
        assert_eq!(
            first_sentence("<p>Geschlossen. Morgen wieder.</p>").as_deref(),
            Some("Geschlossen.")
        );
        // Dates, abbreviations and a dot before a small letter end no sentence; markup
        // and entities are text.
        assert_eq!(
            first_sentence(
                "<p>Ab 1.12. Neu: z. B. <strong>A &amp; B</strong> bzw. C, ca. 5 in Nr. 3 frei. Mehr</p>"
            )
            .as_deref(),
            Some("Ab 1.12. Neu: z. B. A & B bzw. C, ca. 5 in Nr. 3 frei.")
        );
        assert_eq!(
            first_sentence("<p>Achtung! Neu</p>").as_deref(),
            Some("Achtung!")
        );
        assert_eq!(
            first_sentence("<p>هل المكتب مغلق؟ نعم.</p>").as_deref(),
            Some("هل المكتب مغلق؟")
        );
        assert_eq!(
            first_sentence("<p>办公室关闭。明天开放。</p>").as_deref(),
            Some("办公室关闭。")
        );
        assert_eq!(
            first_sentence("<h2>Neu</h2><p>Text</p>").as_deref(),
            Some("Neu Text")
        );
    }

    #[test]
    fn long_sentences_are_cut_at_a_word_and_no_words_are_no_title() {
        let long = first_sentence(&"Wort ".repeat(40)).unwrap();
        assert!(long.ends_with("Wort…"), "{long}");
        assert!(long.chars().count() <= MADE_TITLE_CHARS + 1, "{long}");
        let one_word = first_sentence(&"x".repeat(200)).unwrap();
        assert_eq!(one_word.chars().count(), MADE_TITLE_CHARS + 1);
        assert_eq!(first_sentence("  \n "), None);
        assert_eq!(first_sentence("<p><img src=\"a.png\" alt=\"\"></p>"), None);
    }
}
