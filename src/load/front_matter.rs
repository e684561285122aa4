//! Front matter: TOML between `+++` lines or YAML between `---` lines, read into
//! [`FrontMatter`] (or another kind of content file's keys).

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::base::diagnostics::{Diagnostic, Position};
use crate::load::config::{toml_diagnostic, unknown_key_hint};
use crate::model::front_matter::{FRONT_MATTER_KEYS, FrontMatter};

/// The UTF-8 byte-order mark some editors put at the start of a file.
pub const BOM: &str = "\u{feff}";

/// Which syntax the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Yaml,
}

/// A file split into its front matter and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub front: FrontMatter,
    pub syntax: Syntax,
    /// Byte offset of the body in the file.
    pub body_start: usize,
}

/// Split and parse the front matter of `text`.
pub fn parse(display_path: &Path, text: &str) -> Result<Parsed, Diagnostic> {
    let (front, syntax, body_start) =
        parse_as::<FrontMatter>(display_path, text, FRONT_MATTER_KEYS)?;
    if front.title.trim().is_empty() {
        return Err(crate::load::place::at_key(
            display_path,
            text,
            0,
            "title",
            None,
            "`title` must not be empty".into(),
        )
        .with_hint(crate::load::place::TITLE_HINT));
    }
    Ok(Parsed {
        front,
        syntax,
        body_start,
    })
}

/// The texts of any content file's front matter, whatever else it holds.
#[derive(Debug, Clone, Deserialize)]
pub struct Titles {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Read the title and description of a page, event, place or news item (other keys are
/// not looked at), with the syntax and the byte offset of the body: what digests and
/// translations are made from.
pub fn parse_titles(
    display_path: &Path,
    text: &str,
) -> Result<(Titles, Syntax, usize), Diagnostic> {
    parse_as::<Titles>(display_path, text, &["title", "description"])
}

/// Split `text` into its front matter and body, and read the front matter as `T`
/// (a struct with `deny_unknown_fields` whose keys are `keys`, for did-you-mean hints).
/// Returns the value, the syntax and the byte offset of the body. Used by pages and by
/// the other kinds of content files (places, news).
pub fn parse_as<T: serde::de::DeserializeOwned>(
    display_path: &Path,
    text: &str,
    keys: &[&str],
) -> Result<(T, Syntax, usize), Diagnostic> {
    // A byte-order mark, as Windows editors write one, is not part of the text: the
    // front matter starts after it (and the body offset counts it).
    if let Some(rest) = text.strip_prefix(BOM) {
        return parse_as(display_path, rest, keys)
            .map(|(front, syntax, body)| (front, syntax, body + BOM.len()));
    }
    let (syntax, fence) = if text.starts_with("+++") {
        (Syntax::Toml, "+++")
    } else if text.starts_with("---") {
        (Syntax::Yaml, "---")
    } else {
        return Err(Diagnostic::error_at(
            display_path,
            text,
            0..text.find('\n').unwrap_or(text.len()),
            "a page must start with front matter (`+++` for TOML or `---` for YAML)",
        )
        .with_hint("add front matter with at least a title, e.g. +++ / title = \"…\" / +++"));
    };
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != fence {
        return Err(Diagnostic::error_at(
            display_path,
            text,
            0..first_line_end.saturating_sub(1),
            format!("the opening `{fence}` must stand alone on its line"),
        ));
    }
    let content_start = first_line_end;
    let Some((content_end, body_start)) = find_closing_fence(text, content_start, fence) else {
        return Err(Diagnostic::error_at(
            display_path,
            text,
            0..fence.len(),
            format!("front matter opened here is never closed with a `{fence}` line"),
        ));
    };
    let content = &text[content_start..content_end];
    let front = match syntax {
        Syntax::Toml => parse_toml(display_path, text, content_start..content_end, keys)?,
        Syntax::Yaml => parse_yaml(display_path, text, content, content_start, keys)?,
    };
    Ok((front, syntax, body_start))
}

/// The end of the front matter content and the start of the body.
fn find_closing_fence(text: &str, from: usize, fence: &str) -> Option<(usize, usize)> {
    let mut pos = from;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..line_end].trim_end() == fence {
            let body = (line_end + 1).min(text.len());
            return Some((pos, body));
        }
        if line_end == text.len() {
            return None;
        }
        pos = line_end + 1;
    }
    None
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    display_path: &Path,
    text: &str,
    range: Range<usize>,
    keys: &[&str],
) -> Result<T, Diagnostic> {
    let content = &text[range.clone()];
    toml::from_str::<T>(content).map_err(|e| {
        let mut d = toml_diagnostic(display_path, content, &e, keys);
        // Re-anchor the position from the front matter to the whole file.
        if let Some(span) = e.span() {
            let shifted = (span.start + range.start)..(span.end + range.start);
            d = Diagnostic::error_at(display_path, text, shifted, d.message.clone())
                .with_hint_opt(d.hint);
        } else if missing_title(&d.message) {
            d = Diagnostic::error_at(display_path, text, 0..3, "missing required key `title`");
        }
        d
    })
}

fn missing_title(message: &str) -> bool {
    message.contains("missing field `title`")
}

fn parse_yaml<T: serde::de::DeserializeOwned>(
    display_path: &Path,
    text: &str,
    content: &str,
    content_start: usize,
    keys: &[&str],
) -> Result<T, Diagnostic> {
    if content.trim().is_empty() {
        return Err(Diagnostic::error_at(
            display_path,
            text,
            0..3,
            "missing required key `title`",
        ));
    }
    serde_saphyr::from_str::<T>(content).map_err(|e| {
        let raw = e.to_string();
        let message = clean_yaml_message(&raw);
        if missing_title(&message) {
            return Diagnostic::error_at(display_path, text, 0..3, "missing required key `title`");
        }
        let offset = match e.location() {
            Some(loc) => {
                content_start + byte_offset_of(content, loc.line() as usize, loc.column() as usize)
            }
            None => content_start,
        };
        let end = text[offset..]
            .find(['\n', ':'])
            .map_or(text.len(), |i| offset + i)
            .max(offset);
        let d = Diagnostic::error_at(display_path, text, offset..end, message.clone())
            .with_hint_opt(unknown_key_hint(&message, keys));
        explained(d, text, Some(offset))
    })
}

/// A parser's message that editors cannot act on ("mapping values are not allowed in
/// this context", "expected i64"), said as what is wrong and what to do: the new
/// message and a hint that ends with the parser's own words. `key` is the key on the
/// line of the error, where known. `None` when the message is plain enough.
pub fn plain_language(parser: &str, key: Option<&str>) -> Option<(String, String)> {
    let said = format!("(the parser said: {parser})");
    let key_name = key.map_or("this value".to_string(), |k| format!("`{k}`"));
    let k = key.unwrap_or("title");
    let p = parser.to_ascii_lowercase();
    let number = [
        "expected i64",
        "expected i32",
        "expected u64",
        "expected u32",
        "expected u16",
        "expected u8",
        "expected an integer",
    ]
    .iter()
    .any(|e| p.contains(e));
    if p.contains("mapping values are not allowed") {
        Some((
            "a colon followed by a space inside a value ends it: this value needs quotes".into(),
            format!("put the whole value in quotes, e.g. {k}: \"Wohnung: Anmeldung\" {said}"),
        ))
    } else if p.contains("invalid type: string") && number {
        Some((
            format!("{key_name} must be a whole number"),
            format!("write the number without quotes, e.g. {k} = 10 {said}"),
        ))
    } else if p.contains("invalid type: string") && p.contains("expected a boolean") {
        Some((
            format!("{key_name} must be true or false"),
            format!("write true or false without quotes {said}"),
        ))
    } else if p.contains("invalid type:") && p.contains("expected a string") {
        Some((
            format!("{key_name} must be text"),
            format!("put the text in quotes, e.g. {k} = \"…\" {said}"),
        ))
    } else if p.contains("string values must be quoted") || p.contains("expected `\"`, `'`") {
        Some((
            "text must be in quotes".into(),
            format!("put the text in quotes, e.g. {k} = \"…\" {said}"),
        ))
    } else {
        None
    }
}

/// The key on the line of `offset` in front matter text (`weight = "10"` → `weight`).
fn key_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let key = line.split(['=', ':']).next()?.trim();
    (!key.is_empty()
        && key.len() < line.len()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
    .then_some(key)
}

/// `d` with its message in plain language where [`plain_language`] has one; `offset`
/// is where in `text` the parser found the problem.
pub(crate) fn explained(d: Diagnostic, text: &str, offset: Option<usize>) -> Diagnostic {
    let key = offset.and_then(|o| key_at(text, o));
    match plain_language(&d.message, key) {
        Some((message, hint)) => Diagnostic {
            message,
            hint: Some(hint),
            ..d
        },
        None => d,
    }
}

/// serde-saphyr appends its own position and snippet; keep only the first sentence.
fn clean_yaml_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 2 column 1: unknown field …": the position is shown separately.
    let first = match first.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") && pos.contains(" column ") => rest,
        _ => first,
    };
    let first = match first.find(" at line ") {
        Some(i) => first[..i].trim_end_matches(','),
        None => first,
    };
    match first {
        "invalid i64" | "invalid u64" => "expected a whole number".to_string(),
        "invalid bool" => "expected true or false".to_string(),
        other => other.to_string(),
    }
}

/// Byte offset of a 1-based line and character column.
fn byte_offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line.max(1) {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[offset..];
    offset
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// 1-based line of the first body line, for mapping Markdown positions.
pub fn body_line(text: &str, body_start: usize) -> usize {
    Position::of(text, body_start).line
}

/// `source_digest` as read from a file's front matter: an error at its line when it is
/// not a digest (pages, events, places and news items alike).
pub fn check_source_digest(
    display: &Path,
    text: &str,
    made_from: Option<&str>,
) -> Result<(), Diagnostic> {
    match made_from {
        Some(made_from) if !crate::model::translation::is_digest(made_from) => {
            Err(crate::load::place::at_key(
                display,
                text,
                0,
                "source_digest",
                None,
                format!("`{made_from}` is not a digest"),
            )
            .with_hint("set it with `wegweiser translations stamp FILE`, never by hand"))
        }
        _ => Ok(()),
    }
}

/// Where `key` is set in a page's front matter (`key = …` or `key: …`): the span of the
/// line from the key on, for diagnostics. `None` when the key is not there.
pub fn front_matter_key_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0usize;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if n > 0 && (trimmed == "+++" || trimmed == "---") {
            return None;
        }
        let body = trimmed.trim_start();
        if let Some(rest) = body.strip_prefix(key)
            && (rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':'))
        {
            let indent = trimmed.len() - body.len();
            return Some(offset + indent..offset + trimmed.len());
        }
        offset += line.len();
    }
    None
}

/// The position of `needle` inside the line of `span`, for pointing at one id in a list.
pub fn narrow(text: &str, span: std::ops::Range<usize>, needle: &str) -> std::ops::Range<usize> {
    let quoted_double = format!("\"{needle}\"");
    let quoted_single = format!("'{needle}'");
    let line = &text[span.clone()];
    for q in [quoted_double.as_str(), quoted_single.as_str(), needle] {
        if let Some(i) = line.find(q) {
            return span.start + i..span.start + i + q.len();
        }
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Parsed, Diagnostic> {
        parse(Path::new("x.md"), text)
    }

    #[test]
    fn toml_and_yaml_parse_alike() {
        let t = p("+++\ntitle = \"Miete\"\nweight = 3\n+++\nBody\n").unwrap();
        let y = p("---\ntitle: Miete\nweight: 3\n---\nBody\n").unwrap();
        assert_eq!(t.front, y.front);
        assert_eq!(t.front.weight, Some(3));
        assert_eq!(
            t.body_start,
            "+++\ntitle = \"Miete\"\nweight = 3\n+++\n".len()
        );
        assert_eq!(t.syntax, Syntax::Toml);
        assert_eq!(y.syntax, Syntax::Yaml);
    }

    #[test]
    fn parser_jargon_is_said_as_what_to_do() {
        let e = p("---\ntitle: Wohnung: Anmeldung\n---\nText\n").unwrap_err();
        assert!(e.message.contains("needs quotes"), "{e}");
        let hint = e.hint.unwrap();
        assert!(hint.contains("put the whole value in quotes"), "{hint}");
        assert!(
            hint.contains("mapping values"),
            "the parser's words stay: {hint}"
        );
        assert_eq!(e.line, 2);

        let e = p("+++\ntitle = \"Miete\"\nweight = \"10\"\n+++\n").unwrap_err();
        assert_eq!(e.message, "`weight` must be a whole number");
        assert!(e.hint.unwrap().contains("without quotes"));
        assert_eq!(e.line, 3);

        let e = p("+++\ntitle = \"Miete\"\ndraft = \"yes\"\n+++\n").unwrap_err();
        assert_eq!(e.message, "`draft` must be true or false");

        let e = p("+++\ntitle = Miete\n+++\n").unwrap_err();
        assert_eq!(e.message, "text must be in quotes", "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn a_byte_order_mark_is_no_text() {
        let text = "\u{feff}+++\ntitle = \"Miete\"\n+++\nBody\n";
        let t = p(text).unwrap();
        assert_eq!(t.front.title, "Miete");
        assert_eq!(&text[t.body_start..], "Body\n");
        let y = p("\u{feff}---\ntitle: Miete\n---\nBody\n").unwrap();
        assert_eq!(y.front.title, "Miete");
    }

    #[test]
    fn titles_are_read_from_any_content_file() {
        let text =
            "+++\ntitle = \"Sprachcafé\"\nstart = 2026-11-03T18:00\nplace = \"vhs\"\n+++\nText\n";
        let (titles, syntax, body_start) = parse_titles(Path::new("e.md"), text).unwrap();
        assert_eq!(titles.title, "Sprachcafé");
        assert_eq!(titles.description, None);
        assert_eq!(syntax, Syntax::Toml);
        assert_eq!(&text[body_start..], "Text\n");
        let yaml = "---\ntitle: Amt\ndescription: Pässe\nopening_hours:\n  monday: closed\n---\n";
        let (titles, _, _) = parse_titles(Path::new("p.md"), yaml).unwrap();
        assert_eq!(titles.description.as_deref(), Some("Pässe"));
    }

    #[test]
    fn unterminated_is_an_error_at_the_opening() {
        let e = p("+++\ntitle = \"x\"\nBody\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("never closed"), "{}", e.message);
    }

    #[test]
    fn unknown_key_points_at_the_key_with_a_hint() {
        let e = p("+++\ntilte = \"x\"\n+++\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.hint.as_deref(), Some("did you mean `title`?"));
        let e = p("---\ntitle: x\ndescriptoin: y\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `description`?"));
    }

    #[test]
    fn missing_title_and_wrong_types() {
        let e = p("+++\nweight = 1\n+++\n").unwrap_err();
        assert!(e.message.contains("title"), "{}", e.message);
        let e = p("+++\ntitle = \"x\"\nweight = \"heavy\"\n+++\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = p("---\ntitle: x\nweight: heavy\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        let e = p("---\ndescription: y\n---\n").unwrap_err();
        assert!(e.message.contains("title"), "{}", e.message);
    }

    #[test]
    fn no_front_matter() {
        let e = p("# Just markdown\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn body_line_follows_front_matter() {
        let text = "+++\ntitle = \"x\"\n+++\n\nHello";
        let parsed = p(text).unwrap();
        assert_eq!(body_line(text, parsed.body_start), 4);
    }

    #[test]
    fn finds_front_matter_keys() {
        let text = "+++\ntitle = \"x\"\nactors = [\"a\", \"vhs\"]\n+++\nactor = \"no\"\n";
        let span = front_matter_key_span(text, "actors").unwrap();
        assert_eq!(&text[span.clone()], "actors = [\"a\", \"vhs\"]");
        assert_eq!(&text[narrow(text, span, "vhs")], "\"vhs\"");
        assert_eq!(front_matter_key_span(text, "actor"), None);
        let yaml = "---\ntitle: x\nactor: vhs\n---\n";
        assert_eq!(
            &yaml[front_matter_key_span(yaml, "actor").unwrap()],
            "actor: vhs"
        );
    }
}
