//! A Markdown body as translators' tools want it: one segment per paragraph, list item,
//! table cell and heading, whose Markdown syntax is held in XLIFF inline codes, and a
//! skeleton: the body with each segment cut out, which import fills with the
//! translations.
//!
//! What a translator sees is text: `Bring den <pc>Pass</pc> mit.` The codes hold the
//! Markdown around and inside it (`**`, `[`, `](../arbeit/jobcenter.md)`, a code span,
//! inline HTML, a hard line break), so a tool shows them as tags that cannot be
//! mistyped. Block syntax (`## `, `- `, `> [!TIP]`, table pipes, heading ids, code
//! blocks, HTML blocks) never reaches a segment: it stays in the skeleton. A heading
//! without an explicit id gets the id the build gives it (`## Kaution` →
//! `{#kaution}` in the skeleton), so that links to it keep working in every language.
//!
//! Soft line breaks become spaces: a translated paragraph is one line, which Markdown
//! renders the same way, and so a translator can reorder a sentence freely.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// Inline content of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    /// Markup with no text to translate (`<ph>`): a code span, a hard break, an
    /// autolink, inline HTML.
    Ph {
        id: String,
        data: String,
    },
    /// Markup around translatable text (`<pc>`): emphasis, a link, an image's alt text.
    Pc {
        id: String,
        start: String,
        end: String,
        content: Vec<Inline>,
    },
    /// The start of a paired code that a tool split (`<sc>`), as read back.
    Sc {
        id: String,
        data: String,
    },
    /// The end of a paired code that a tool split (`<ec startRef>`), as read back.
    Ec {
        id: String,
        data: String,
    },
}

/// Part of a skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Markdown kept as it is.
    Text(String),
    /// The segment with this index.
    Segment(usize),
}

/// One translatable segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// What holds it, outermost first: `h2`, `p`, `list/li`, `quote/p`,
    /// `table/tr/td`, … (to align an old translation).
    pub kind: String,
    /// For a heading: its id (explicit or as the build generates it).
    pub heading_id: Option<String>,
    /// The heading's id is written in the text (`{#id}`).
    pub explicit_id: bool,
    pub content: Vec<Inline>,
}

impl Segment {
    /// Whether it is a table cell, where `|` must be escaped.
    pub fn is_cell(&self) -> bool {
        is_cell(&self.kind)
    }
}

/// Whether a segment of this kind is a table cell.
pub fn is_cell(kind: &str) -> bool {
    kind.ends_with("td")
}

/// A body cut into skeleton and segments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Segmented {
    pub skeleton: Vec<Part>,
    pub segments: Vec<Segment>,
}

/// The Markdown dialect of the build (src/markdown.rs).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// Cut `body` (with `\n` line ends) into skeleton and segments.
pub fn segment(body: &str) -> Segmented {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let heading_ids = heading_ids(&events);
    let mut out = Segmented::default();
    let mut copied = 0;
    // Innermost block kinds, to name what holds a segment.
    let mut blocks: Vec<String> = Vec::new();
    let mut headings = heading_ids.into_iter();
    let mut current_heading: Option<(String, bool)> = None;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        if is_inline(event) {
            let mut j = i;
            while j < events.len() && is_inline(&events[j].0) {
                j += 1;
            }
            let run = &events[i..j];
            let span = run[0].1.start..run.iter().map(|(_, r)| r.end).max().unwrap_or(0);
            let in_code = blocks.iter().any(|b| b == "pre" || b == "html");
            if !in_code && has_text(run) && span.start >= copied {
                out.skeleton
                    .push(Part::Text(body[copied..span.start].to_string()));
                out.skeleton.push(Part::Segment(out.segments.len()));
                let heading = current_heading.as_ref();
                out.segments.push(Segment {
                    kind: if blocks.is_empty() {
                        "p".into()
                    } else {
                        blocks.join("/")
                    },
                    heading_id: heading.map(|(id, _)| id.clone()),
                    explicit_id: heading.is_some_and(|(_, explicit)| *explicit),
                    content: inline_content(body, run),
                });
                copied = span.end;
                if let Some((id, false)) = heading {
                    out.skeleton.push(Part::Text(format!(" {{#{id}}}")));
                }
                current_heading = None;
            }
            i = j;
            continue;
        }
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Heading { level, id, .. } => {
                        current_heading = headings.next().map(|h| (h, id.is_some()));
                        level.to_string()
                    }
                    Tag::Paragraph => "p".into(),
                    Tag::Item => "li".into(),
                    Tag::TableCell => "td".into(),
                    Tag::List(_) => "list".into(),
                    Tag::Table(_) => "table".into(),
                    Tag::TableHead | Tag::TableRow => "tr".into(),
                    Tag::BlockQuote(_) => "quote".into(),
                    Tag::CodeBlock(_) => "pre".into(),
                    Tag::HtmlBlock => "html".into(),
                    Tag::FootnoteDefinition(_) => "footnote".into(),
                    _ => "block".into(),
                };
                blocks.push(kind);
            }
            Event::End(end) => {
                blocks.pop();
                if matches!(end, TagEnd::Heading(_)) {
                    current_heading = None;
                }
            }
            _ => {}
        }
        let _ = range;
        i += 1;
    }
    out.skeleton.push(Part::Text(body[copied..].to_string()));
    // One text part between segments.
    let mut merged: Vec<Part> = Vec::new();
    for p in out.skeleton {
        match (merged.last_mut(), p) {
            (_, Part::Text(t)) if t.is_empty() => {}
            (Some(Part::Text(a)), Part::Text(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    out.skeleton = merged;
    out
}

/// Whether a run holds text to translate (not only white space, code or URLs).
fn has_text(run: &[(Event<'_>, Range<usize>)]) -> bool {
    let mut autolink = 0;
    for (event, _) in run {
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => autolink += 1,
            Event::End(TagEnd::Link) if autolink > 0 => autolink -= 1,
            Event::Text(t) if autolink == 0 && t.chars().any(char::is_alphanumeric) => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// The ids the build gives the headings of a body, in order (see
/// `markdown::assign_heading_ids`): explicit ones, and for the others the id of their
/// text, numbered where taken.
fn heading_ids(events: &[(Event<'_>, Range<usize>)]) -> Vec<String> {
    let mut used: HashSet<String> = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut ids = Vec::new();
    for (i, (event, _)) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { id, .. }) = event else {
            continue;
        };
        if let Some(id) = id {
            ids.push(id.to_string());
            continue;
        }
        let mut text = String::new();
        for (e, _) in &events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        let base = crate::model::slug::anchor_id(&text);
        let mut candidate = base.clone();
        let mut n = 1;
        while used.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        used.insert(candidate.clone());
        ids.push(candidate);
    }
    ids
}

/// An element being read: where it starts in the body, its opening markup once known,
/// and its content so far.
struct Frame {
    range: Range<usize>,
    start: Option<String>,
    content: Vec<Inline>,
}

/// What the gap before the next piece of content is.
#[derive(PartialEq)]
enum After {
    /// Markup: a code of its own, or the opening of the element just started.
    Markup,
    /// The rest of a line break (the next line's indentation or `> `): dropped.
    SoftBreak,
    /// The rest of a hard break: it belongs to the break's code.
    HardBreak,
}

fn inline_content(body: &str, run: &[(Event<'_>, Range<usize>)]) -> Vec<Inline> {
    let mut next_id = 0;
    let mut id = || {
        next_id += 1;
        next_id.to_string()
    };
    let mut stack = vec![Frame {
        range: run[0].1.clone(),
        start: Some(String::new()),
        content: Vec::new(),
    }];
    let mut cursor = run[0].1.start;
    let mut after = After::Markup;
    let mut i = 0;
    // Take the gap up to `to`: it opens the element just started, continues a break,
    // or is markup of its own.
    let gap = |stack: &mut Vec<Frame>,
               after: &After,
               from: usize,
               to: usize,
               id: &mut dyn FnMut() -> String| {
        let text = &body[from.min(to)..to];
        let top = stack.last_mut().expect("the run's frame");
        match after {
            After::SoftBreak => {}
            After::HardBreak => {
                if let Some(Inline::Ph { data, .. }) = top.content.last_mut() {
                    data.push_str(text);
                }
            }
            After::Markup if top.start.is_none() => top.start = Some(text.to_string()),
            After::Markup if !text.is_empty() => top.content.push(Inline::Ph {
                id: id(),
                data: text.to_string(),
            }),
            After::Markup => {}
        }
    };
    while i < run.len() {
        let (event, r) = &run[i];
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                gap(&mut stack, &after, cursor, r.start, &mut id);
                let top = stack.last_mut().expect("frame");
                top.content.push(Inline::Ph {
                    id: id(),
                    data: body[r.clone()].to_string(),
                });
                cursor = r.end;
                after = After::Markup;
                // Skip to the link's end.
                let mut depth = 0;
                while i < run.len() {
                    match &run[i].0 {
                        Event::Start(Tag::Link { .. }) => depth += 1,
                        Event::End(TagEnd::Link) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            Event::Start(_) => {
                gap(&mut stack, &after, cursor, r.start, &mut id);
                stack.push(Frame {
                    range: r.clone(),
                    start: None,
                    content: Vec::new(),
                });
                cursor = r.start;
                after = After::Markup;
            }
            Event::End(_) => {
                let frame = stack.pop().expect("balanced events");
                let parent = stack.last_mut().expect("the run's frame");
                match frame.start {
                    Some(start) if !frame.content.is_empty() => parent.content.push(Inline::Pc {
                        id: id(),
                        start,
                        end: body[cursor.min(frame.range.end)..frame.range.end].to_string(),
                        content: frame.content,
                    }),
                    // Nothing inside (`[](x)`): one code for all of it.
                    _ => parent.content.push(Inline::Ph {
                        id: id(),
                        data: body[frame.range.clone()].to_string(),
                    }),
                }
                cursor = frame.range.end;
                after = After::Markup;
            }
            Event::Text(_) => {
                gap(&mut stack, &after, cursor, r.start, &mut id);
                push_text(&mut stack, &body[r.clone()]);
                cursor = r.end;
                after = After::Markup;
            }
            Event::SoftBreak => {
                if !body[cursor.min(r.start)..r.start].trim().is_empty() {
                    gap(&mut stack, &after, cursor, r.start, &mut id);
                }
                push_text(&mut stack, " ");
                cursor = r.end;
                after = After::SoftBreak;
            }
            _ => {
                // Code span, math, inline HTML, footnote reference, hard break.
                gap(&mut stack, &after, cursor, r.start, &mut id);
                let top = stack.last_mut().expect("frame");
                top.content.push(Inline::Ph {
                    id: id(),
                    data: body[r.clone()].to_string(),
                });
                cursor = r.end;
                after = if matches!(event, Event::HardBreak) {
                    After::HardBreak
                } else {
                    After::Markup
                };
            }
        }
        i += 1;
    }
    let mut content = stack.pop().map(|f| f.content).unwrap_or_default();
    trim_ends(&mut content);
    content
}

fn push_text(stack: &mut [Frame], text: &str) {
    let top = stack.last_mut().expect("frame");
    if top.start.is_none() {
        top.start = Some(String::new());
    }
    match top.content.last_mut() {
        Some(Inline::Text(t)) => t.push_str(text),
        _ => top.content.push(Inline::Text(text.to_string())),
    }
}

/// Drop white space at the start and end of a segment.
fn trim_ends(content: &mut Vec<Inline>) {
    if let Some(Inline::Text(t)) = content.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        *t = t.trim_end().to_string();
    }
    content.retain(|c| !matches!(c, Inline::Text(t) if t.is_empty()));
}

/// The Markdown of a segment's content. Line breaks in text become spaces (a newline
/// could start a new block); in a table cell, `|` is escaped.
pub fn to_markdown(content: &[Inline], cell: bool) -> String {
    let mut out = String::new();
    write_markdown(content, cell, &mut out);
    out.trim().to_string()
}

fn write_markdown(content: &[Inline], cell: bool, out: &mut String) {
    for c in content {
        match c {
            Inline::Text(t) => {
                let mut prev = ' ';
                for ch in t.chars() {
                    match ch {
                        '\r' | '\n' => {
                            if !out.ends_with(' ') {
                                out.push(' ');
                            }
                        }
                        '|' if cell && prev != '\\' => out.push_str("\\|"),
                        ch => out.push(ch),
                    }
                    prev = ch;
                }
            }
            Inline::Ph { data, .. } | Inline::Sc { data, .. } | Inline::Ec { data, .. } => {
                out.push_str(data)
            }
            Inline::Pc {
                start,
                end,
                content,
                ..
            } => {
                out.push_str(start);
                write_markdown(content, cell, out);
                out.push_str(end);
            }
        }
    }
}

/// The text of a segment with each code as its Markdown, as it is.
pub fn to_raw(content: &[Inline]) -> String {
    let mut out = String::new();
    for c in content {
        match c {
            Inline::Text(t) => out.push_str(t),
            Inline::Ph { data, .. } | Inline::Sc { data, .. } | Inline::Ec { data, .. } => {
                out.push_str(data)
            }
            Inline::Pc {
                start,
                end,
                content,
                ..
            } => {
                out.push_str(start);
                out.push_str(&to_raw(content));
                out.push_str(end);
            }
        }
    }
    out
}

/// Put a body together again from its skeleton and the Markdown of each segment.
pub fn assemble(skeleton: &[Part], segments: &[String]) -> String {
    let mut out = String::new();
    for p in skeleton {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Segment(i) => out.push_str(&segments[*i]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &Segmented) -> Vec<String> {
        s.segments
            .iter()
            .map(|x| to_markdown(&x.content, x.is_cell()))
            .collect()
    }

    #[test]
    fn segments_per_paragraph_item_cell_and_heading() {
        let body = "## Kaution {#kaution}\n\nDrei **Monats**mieten, siehe\n[Jobcenter](../arbeit/jobcenter.md \"JC\").\n\n\
                    - eins\n- zwei `code`\n  weiter\n\n> [!TIP]\n> Bring den\n> Pass mit.\n\n\
                    | Amt | Zeit |\n|---|---|\n| Bürgerbüro | 8–12 |\n\n```\nnicht\n\nübersetzen\n```\n\n## Wohnen & Miete\n";
        let s = segment(body);
        assert_eq!(
            md(&s),
            [
                "Kaution",
                "Drei **Monats**mieten, siehe [Jobcenter](../arbeit/jobcenter.md \"JC\").",
                "eins",
                "zwei `code` weiter",
                "Bring den Pass mit.",
                "Amt",
                "Zeit",
                "Bürgerbüro",
                "8–12",
                "Wohnen & Miete",
            ]
        );
        let kinds: Vec<&str> = s.segments.iter().map(|x| x.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "h2",
                "p",
                "list/li",
                "list/li",
                "quote/p",
                "table/tr/td",
                "table/tr/td",
                "table/tr/td",
                "table/tr/td",
                "h2"
            ]
        );
        assert_eq!(s.segments[0].heading_id.as_deref(), Some("kaution"));
        assert_eq!(s.segments[9].heading_id.as_deref(), Some("wohnen-miete"));
        // The codes: `**…**` and the link around text; the code span alone.
        let Inline::Pc { start, end, .. } = &s.segments[1].content[1] else {
            panic!("{:?}", s.segments[1].content)
        };
        assert_eq!((start.as_str(), end.as_str()), ("**", "**"));
        let Inline::Pc { start, end, .. } = &s.segments[1].content[3] else {
            panic!("{:?}", s.segments[1].content)
        };
        assert_eq!(
            (start.as_str(), end.as_str()),
            ("[", "](../arbeit/jobcenter.md \"JC\")")
        );
        assert!(matches!(&s.segments[3].content[1], Inline::Ph { data, .. } if data == "`code`"));

        // The source put back together: the same document, headings with their ids.
        let again = assemble(&s.skeleton, &md(&s));
        assert_eq!(
            again,
            "## Kaution {#kaution}\n\nDrei **Monats**mieten, siehe [Jobcenter](../arbeit/jobcenter.md \"JC\").\n\n\
             - eins\n- zwei `code` weiter\n\n> [!TIP]\n> Bring den Pass mit.\n\n\
             | Amt | Zeit |\n|---|---|\n| Bürgerbüro | 8–12 |\n\n```\nnicht\n\nübersetzen\n```\n\n## Wohnen & Miete {#wohnen-miete}\n"
        );
    }

    #[test]
    fn breaks_autolinks_images_and_escapes() {
        let body = "> Zeile eins  \n> Zeile zwei <https://example.org> ![Plan](plan.svg) \\*x\\* [^1] <b>fett</b>\n\n[^1]: Fuß\n";
        let s = segment(body);
        assert_eq!(
            md(&s),
            [
                "Zeile eins  \n> Zeile zwei <https://example.org> ![Plan](plan.svg) \\*x\\* [^1] <b>fett</b>",
                "Fuß"
            ]
        );
        let again = assemble(&s.skeleton, &md(&s));
        assert_eq!(again, body);
        // Nothing to translate: stays in the skeleton.
        let s = segment("<https://example.org>\n\n`code`\n\n![](x.png)\n");
        assert!(s.segments.is_empty());
        assert_eq!(
            s.skeleton,
            [Part::Text(
                "<https://example.org>\n\n`code`\n\n![](x.png)\n".into()
            )]
        );
    }

    #[test]
    fn translated_text_cannot_break_the_block_it_is_in() {
        let content = vec![Inline::Text("a | b\nc".into())];
        assert_eq!(to_markdown(&content, true), "a \\| b c");
        assert_eq!(to_markdown(&content, false), "a | b c");
    }

    #[test]
    fn heading_ids_follow_the_build() {
        let s = segment("## Miete\n\n## Miete\n\n## X {#miete-1}\n\nSetext\n======\n");
        let ids: Vec<_> = s
            .segments
            .iter()
            .map(|x| x.heading_id.clone().unwrap())
            .collect();
        assert_eq!(ids, ["miete", "miete-2", "miete-1", "setext"]);
        let again = assemble(&s.skeleton, &md(&s));
        assert_eq!(
            again,
            "## Miete {#miete}\n\n## Miete {#miete-2}\n\n## X {#miete-1}\n\nSetext {#setext}\n======\n"
        );
        // What the build makes of it: the same ids.
        let events: Vec<_> = Parser::new_ext(&again, options())
            .into_offset_iter()
            .collect();
        assert_eq!(heading_ids(&events), ids);
    }
}
