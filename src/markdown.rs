//! Markdown to HTML, with language-neutral links, script-preserving heading ids,
//! accessible alerts and sanitised raw HTML.
//!
//! A page body is rendered once, in the load stage. Internal links cannot be written
//! yet: where they point depends on the language of the page they are shown in (a
//! German page shown as fallback at an Arabic URL links to Arabic pages). So each
//! internal link becomes a *slot* in the HTML, filled in by the render stage.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::sync::LazyLock;

use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use unicode_normalization::UnicodeNormalization;

use crate::diagnostics::Diagnostic;

/// Where an internal link points, independent of language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page or section, by its key (path below the municipality without language
    /// suffix: `wohnen/miete`, `wohnen`, `""` for the start page).
    Page {
        key: String,
        /// `miete.de.md` pins the German translation.
        language: Option<String>,
        anchor: Option<String>,
    },
    /// A file below the municipality folder (`ankommen/buergerbuero/lageplan.svg`).
    Asset { path: String },
    /// An anchor on the same page.
    Anchor(String),
}

/// One internal link of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: LinkTarget,
    /// Byte range of the link in the source file.
    pub span: Range<usize>,
    /// The destination as written.
    pub written: String,
}

/// A place in a body's HTML where a link's URL goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    /// Byte position in the HTML.
    at: usize,
    /// Index into [`Body::links`].
    link: usize,
    /// The attribute value has no quotes (minified): write them.
    unquoted: bool,
}

/// A rendered body: HTML with slots for internal links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// Shared: documents are cloned into the model, and kept by `wegweiser serve`.
    html: Arc<str>,
    /// Where links go, ascending.
    slots: Vec<Slot>,
    pub links: Vec<Link>,
    /// Ids of headings and footnotes, for checking `#anchor` links.
    pub anchors: Vec<String>,
}

impl Body {
    /// Write the HTML, asking `url` for the URL of each internal link.
    pub fn write_html(&self, out: &mut String, mut url: impl FnMut(&Link) -> String) {
        let mut last = 0;
        for slot in &self.slots {
            out.push_str(&self.html[last..slot.at]);
            let value = escape_attr(&url(&self.links[slot.link]));
            if slot.unquoted {
                out.push('"');
                out.push_str(&value);
                out.push('"');
            } else {
                out.push_str(&value);
            }
            last = slot.at;
        }
        out.push_str(&self.html[last..]);
    }

    /// Approximate size in bytes, for planning buffers.
    pub fn len(&self) -> usize {
        self.html.len()
    }

    pub fn is_empty(&self) -> bool {
        self.html.is_empty()
    }
}

/// What the renderer needs to know about the file it renders.
pub struct Source<'a> {
    /// Path shown in diagnostics.
    pub display_path: &'a Path,
    /// The whole file.
    pub text: &'a str,
    /// Byte offset of the body (after the front matter).
    pub body_start: usize,
    /// Directory of the file, relative to the municipality root, `/`-separated,
    /// without trailing slash (`""` for the root).
    pub dir: &'a str,
    /// Language codes of the municipality, to recognise `page.<lang>.md` links.
    pub languages: &'a [String],
    /// Labels for alerts in the language of the content: note, tip, important, warning, caution.
    pub alert_labels: [&'a str; 5],
    /// Name of a table's scroll region when no heading precedes it ("Table").
    pub table_label: &'a str,
    /// Minify the HTML (once per file, so pages need not be minified one by one).
    pub minify: bool,
}

const SLOT: &str = "wwlink:";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Render the body of `src`. Problems are pushed to `diagnostics`.
pub fn render(src: &Source<'_>, diagnostics: &mut Vec<Diagnostic>) -> Body {
    let body = &src.text[src.body_start..];
    let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .map(|(e, r)| (e, (r.start + src.body_start)..(r.end + src.body_start)))
        .collect();

    let anchors = assign_heading_ids(src, &mut events, diagnostics);
    let mut links = Vec::new();
    let mut out_events: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut has_raw_html = false;
    let mut alert_stack: Vec<bool> = Vec::new();
    let mut footnotes = Vec::new();
    let mut last_heading: Option<String> = None;

    let mut iter = events.into_iter();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) if !matches!(link_type, LinkType::Email) => {
                match classify(src, &dest_url, range.clone(), diagnostics) {
                    Some(target) => {
                        let mut html = format!("<a href=\"{SLOT}{}\"", links.len());
                        if !title.is_empty() {
                            let _ = write!(html, " title=\"{}\"", escape_attr(&title));
                        }
                        html.push('>');
                        links.push(Link {
                            target,
                            span: range,
                            written: dest_url.to_string(),
                        });
                        out_events.push(Event::Html(html.into()));
                    }
                    None => out_events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id: CowStr::Borrowed(""),
                    })),
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let alt = collect_alt_text(&mut iter);
                if alt.trim().is_empty() {
                    diagnostics.push(
                        Diagnostic::warning_at(
                            src.display_path,
                            src.text,
                            range.clone(),
                            "image without alt text: readers with screen readers will not know what it shows",
                        )
                        .with_hint("describe the image in the brackets: ![Lageplan des Rathauses](plan.svg)"),
                    );
                }
                let src_attr = if is_external(&dest_url) {
                    diagnostics.push(Diagnostic::warning_at(
                        src.display_path,
                        src.text,
                        range.clone(),
                        format!("image `{dest_url}` is loaded from another host: readers' IP addresses are sent there"),
                    ).with_hint("put the image next to the page and link it relatively"));
                    escape_attr(&dest_url)
                } else {
                    match classify(src, &dest_url, range.clone(), diagnostics) {
                        Some(target) => {
                            links.push(Link {
                                target,
                                span: range,
                                written: dest_url.to_string(),
                            });
                            format!("{SLOT}{}", links.len() - 1)
                        }
                        None => escape_attr(&dest_url),
                    }
                };
                let mut html = format!("<img src=\"{src_attr}\" alt=\"{}\"", escape_attr(&alt));
                if !title.is_empty() {
                    let _ = write!(html, " title=\"{}\"", escape_attr(&title));
                }
                html.push_str(" loading=\"lazy\">");
                out_events.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                alert_stack.push(true);
                let (class, label) = alert(kind, &src.alert_labels);
                out_events.push(Event::Html(
                    format!(
                        "<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{}</p>\n",
                        escape_attr(label)
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::BlockQuote(None)) => {
                alert_stack.push(false);
                out_events.push(Event::Start(Tag::BlockQuote(None)));
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                if alert_stack.pop().unwrap_or(false) {
                    out_events.push(Event::Html("</div>\n".into()));
                } else {
                    out_events.push(Event::End(TagEnd::BlockQuote(kind)));
                }
            }
            Event::Start(Tag::Heading { ref id, .. }) => {
                last_heading = id.as_ref().map(|i| i.to_string());
                out_events.push(event);
            }
            Event::Start(Tag::Table(ref _alignments)) => {
                // Wide tables scroll in a region of their own, which keyboards can reach
                // and screen readers name after the heading above the table.
                let name = match &last_heading {
                    Some(id) => format!("aria-labelledby=\"{}\"", escape_attr(id)),
                    None => format!("aria-label=\"{}\"", escape_attr(src.table_label)),
                };
                out_events.push(Event::Html(
                    format!("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" {name}>\n")
                        .into(),
                ));
                out_events.push(event);
            }
            Event::End(TagEnd::Table) => {
                out_events.push(event);
                out_events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                footnotes.push(label.to_string());
                out_events.push(event);
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                has_raw_html = true;
                check_raw_html(src, html, range.start, diagnostics);
                out_events.push(event);
            }
            other => out_events.push(other),
        }
    }

    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    if html.contains("style=\"text-align: ") {
        html = html
            .replace(" style=\"text-align: left\"", " class=\"align-left\"")
            .replace(" style=\"text-align: center\"", " class=\"align-center\"")
            .replace(" style=\"text-align: right\"", " class=\"align-right\"");
    }
    if has_raw_html {
        html = SANITIZER.clean(&html).to_string();
    }
    if src.minify {
        html = compact(&html);
    }
    let (html, slots) = take_slots(&html, links.len());
    let mut anchors = anchors;
    anchors.extend(footnotes);
    Body {
        slots,
        html: html.into(),
        links,
        anchors,
    }
}

/// Block-level elements after whose tags a newline carries no meaning.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "div",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "hr",
    "pre",
    "section",
    "aside",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "sup",
];

/// Minify the HTML that pulldown-cmark wrote: drop the newlines it puts after block
/// tags. minify-html would save 0.6 % more of a body's bytes at 40 times the cost (it
/// parses the whole document), so it is kept for templates, which are minified once.
/// Newlines inside `<pre>` and after inline tags (a soft break between two links) stay.
fn compact(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_pre = 0usize;
    let mut rest = html;
    while let Some(i) = rest.find('\n') {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        rest = &after[1..];
        let opened = before.matches("<pre").count();
        let closed = before.matches("</pre>").count();
        in_pre = (in_pre + opened).saturating_sub(closed);
        if in_pre > 0 || !ends_with_block_tag(&out) {
            out.push('\n');
        }
    }
    out.push_str(rest);
    out
}

/// Whether `html` ends with the start or end tag of a block-level element.
fn ends_with_block_tag(html: &str) -> bool {
    let Some(tag) = html.strip_suffix('>') else {
        return false;
    };
    let Some(open) = tag.rfind('<') else {
        return false;
    };
    let name = tag[open + 1..].trim_start_matches('/');
    let name_end = name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    BLOCK_TAGS.contains(&&name[..name_end])
}

/// Remove the `wwlink:N` markers from attribute values, remembering where they were.
fn take_slots(html: &str, link_count: usize) -> (String, Vec<Slot>) {
    let mut out = String::with_capacity(html.len());
    let mut slots = Vec::new();
    let mut last = 0;
    let mut from = 0;
    while let Some(i) = html[from..].find(SLOT) {
        let start = from + i;
        let digits_start = start + SLOT.len();
        let digits_len = html[digits_start..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        from = digits_start + digits_len;
        let quoted = html[..start].ends_with('"') && html[from..].starts_with('"');
        let unquoted = html[..start].ends_with('=')
            && html[from..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace());
        if digits_len == 0 || !(quoted || unquoted) {
            continue;
        }
        if let Ok(link) = html[digits_start..from].parse::<usize>()
            && link < link_count
        {
            out.push_str(&html[last..start]);
            slots.push(Slot {
                at: out.len(),
                link,
                unquoted,
            });
            last = from;
        }
    }
    out.push_str(&html[last..]);
    (out, slots)
}

fn alert<'a>(kind: BlockQuoteKind, labels: &[&'a str; 5]) -> (&'static str, &'a str) {
    match kind {
        BlockQuoteKind::Note => ("note", labels[0]),
        BlockQuoteKind::Tip => ("tip", labels[1]),
        BlockQuoteKind::Important => ("important", labels[2]),
        BlockQuoteKind::Warning => ("warning", labels[3]),
        BlockQuoteKind::Caution => ("caution", labels[4]),
    }
}

/// The plain text of an image's description, consuming events up to its end.
fn collect_alt_text<'a>(iter: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>) -> String {
    let mut alt = String::new();
    let mut depth = 0;
    for (event, _) in iter.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Image) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) => alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

/// Give every heading an id; returns the ids. Level-1 headings are demoted: the page
/// title is the page's only `h1`.
fn assign_heading_ids(
    src: &Source<'_>,
    events: &mut [(Event<'_>, Range<usize>)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut ids = Vec::new();
    // Explicit ids first, so generated ones never take them.
    for (event, range) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event
            && !used.insert(id.to_string())
        {
            diagnostics.push(Diagnostic::warning_at(
                src.display_path,
                src.text,
                range.clone(),
                format!("heading id `{id}` is used twice on this page"),
            ));
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &mut events[i].0 {
            if *level == HeadingLevel::H1 {
                *level = HeadingLevel::H2;
                diagnostics.push(
                    Diagnostic::warning_at(
                        src.display_path,
                        src.text,
                        events[i].1.clone(),
                        "`#` heading shown as `##`: the page title is the page's only level-1 heading",
                    )
                    .with_hint("start headings in the body with `##`"),
                );
            }
            let explicit = id.as_ref().map(|s| s.to_string());
            let new_id = match explicit {
                Some(id) => id,
                None => {
                    let text = heading_text(&events[i + 1..]);
                    let base = anchor_id(&text);
                    let mut candidate = base.clone();
                    let mut n = 1;
                    while used.contains(&candidate) {
                        candidate = format!("{base}-{n}");
                        n += 1;
                    }
                    used.insert(candidate.clone());
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                        *id = Some(candidate.clone().into());
                    }
                    candidate
                }
            };
            // Keep the demoted level in the matching end tag.
            demote_end(&mut events[i + 1..]);
            ids.push(new_id);
        }
        i += 1;
    }
    ids
}

fn demote_end(events: &mut [(Event<'_>, Range<usize>)]) {
    for (event, _) in events.iter_mut() {
        if let Event::End(TagEnd::Heading(level)) = event {
            if *level == HeadingLevel::H1 {
                *level = HeadingLevel::H2;
            }
            return;
        }
    }
}

fn heading_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

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

fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !dest[..colon].contains('/')
}

/// What a link destination points to; `None` for external links and on errors.
fn classify(
    src: &Source<'_>,
    dest: &str,
    span: Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LinkTarget> {
    if dest.is_empty() {
        diagnostics.push(Diagnostic::error_at(
            src.display_path,
            src.text,
            span,
            "link without a destination",
        ));
        return None;
    }
    if is_external(dest) {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    if path.is_empty() {
        return anchor.map(LinkTarget::Anchor);
    }
    let path = percent_decode(path);
    let (base, rel) = match path.strip_prefix("@/") {
        Some(rest) => ("", rest),
        None if path.starts_with('/') => {
            diagnostics.push(
                Diagnostic::error_at(
                    src.display_path,
                    src.text,
                    span,
                    format!("link `{dest}` is an absolute path: it breaks when the portal moves"),
                )
                .with_hint("link the Markdown file relatively (`../wohnen/miete.md`) or from the municipality root (`@/wohnen/miete.md`)"),
            );
            return None;
        }
        None => (src.dir, path.as_str()),
    };
    let is_dir = rel.ends_with('/') || rel == "." || rel == "..";
    let Some(joined) = join(base, rel) else {
        diagnostics.push(Diagnostic::error_at(
            src.display_path,
            src.text,
            span,
            format!("link `{dest}` leaves the municipality's folder"),
        ));
        return None;
    };
    if is_dir {
        return Some(LinkTarget::Page {
            key: joined,
            language: None,
            anchor,
        });
    }
    let (parent, file) = match joined.rsplit_once('/') {
        Some((p, f)) => (p, f),
        None => ("", joined.as_str()),
    };
    let Some(stem) = file.strip_suffix(".md") else {
        return Some(LinkTarget::Asset { path: joined });
    };
    let (stem, language) = match stem.rsplit_once('.') {
        Some((s, l)) if src.languages.iter().any(|x| x == l) => (s, Some(l.to_string())),
        _ => (stem, None),
    };
    let key = match stem {
        "_index" | "index" => parent.to_string(),
        _ if parent.is_empty() => stem.to_string(),
        _ => format!("{parent}/{stem}"),
    };
    Some(LinkTarget::Page {
        key,
        language,
        anchor,
    })
}

/// Join a relative path to a directory, resolving `.` and `..`; `None` when it leaves
/// the root. The result has no leading or trailing slash.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Escape text for an HTML attribute value in double quotes.
pub fn escape_attr(s: &str) -> String {
    if !s.contains(['&', '"', '<', '>']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];
const GENERIC_ATTRIBUTES: &[&str] = &["lang", "dir", "title", "id", "class", "role"];
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["src", "alt", "width", "height", "loading"]),
    ("div", &["tabindex"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("time", &["datetime"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("input", &["type", "checked", "disabled"]),
    ("details", &["open"]),
    ("abbr", &["title"]),
    ("q", &["cite"]),
    ("blockquote", &["cite"]),
];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(ALLOWED_TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(["aria-"].into_iter().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|&(t, a)| (t, a.iter().copied().collect()))
                .collect(),
        )
        .add_url_schemes(["wwlink", "tel", "geo"])
        .link_rel(None)
        .set_tag_attribute_value("input", "type", "checkbox");
    b
});

/// Warn about what the sanitiser will remove from raw HTML written by an actor.
fn check_raw_html(src: &Source<'_>, html: &str, offset: usize, diagnostics: &mut Vec<Diagnostic>) {
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        i = start + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        let closing = html[i..].starts_with('/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = html[name_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = html[start..]
            .find('>')
            .map_or(html.len(), |e| start + e + 1);
        let span = (offset + start)..(offset + end);
        if !ALLOWED_TAGS.contains(&name.as_str()) {
            if !closing {
                diagnostics.push(
                    Diagnostic::warning_at(
                        src.display_path,
                        src.text,
                        span,
                        format!("raw HTML `<{name}>` is not allowed and was removed"),
                    )
                    .with_hint("write Markdown instead; scripts, styles, frames and forms are never published"),
                );
            }
            i = end;
            continue;
        }
        if !closing {
            for attr in attribute_names(&html[name_start + name_len..end]) {
                let allowed = GENERIC_ATTRIBUTES.contains(&attr.as_str())
                    || attr.starts_with("aria-")
                    || TAG_ATTRIBUTES
                        .iter()
                        .any(|(t, a)| *t == name && a.contains(&attr.as_str()));
                if !allowed {
                    diagnostics.push(Diagnostic::warning_at(
                        src.display_path,
                        src.text,
                        span.clone(),
                        format!("attribute `{attr}` on raw HTML `<{name}>` is not allowed and was removed"),
                    ));
                }
            }
            let tag = &html[start..end];
            if tag.to_ascii_lowercase().contains("javascript:") {
                diagnostics.push(Diagnostic::warning_at(
                    src.display_path,
                    src.text,
                    span.clone(),
                    "a `javascript:` URL in raw HTML was removed",
                ));
            }
        }
        i = end;
    }
}

/// Attribute names of the inside of a tag (`<a href="x" onclick=y>` → href, onclick).
fn attribute_names(inside: &str) -> Vec<String> {
    let mut names = Vec::new();
    let b = inside.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/' || b[i] == b'>') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i > start {
            names.push(inside[start..i].to_ascii_lowercase());
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            } else {
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: [&str; 5] = ["Hinweis", "Tipp", "Wichtig", "Warnung", "Vorsicht"];

    fn render_md(dir: &str, text: &str) -> (Body, Vec<Diagnostic>) {
        let languages = vec!["de".to_string(), "ar".to_string()];
        let src = Source {
            display_path: Path::new("m/x.de.md"),
            text,
            body_start: 0,
            dir,
            languages: &languages,
            alert_labels: LABELS,
            table_label: "Tabelle",
            minify: false,
        };
        let mut d = Vec::new();
        let body = render(&src, &mut d);
        (body, d)
    }

    fn html(body: &Body) -> String {
        let mut out = String::new();
        body.write_html(&mut out, |l| format!("<{:?}>", l.target));
        out
    }

    #[test]
    fn heading_ids_keep_their_script_and_are_unique() {
        let (body, _) = render_md(
            "",
            "## العمل\n\n## Miete & Kaution\n\n## Miete & Kaution\n\n## Kaution {#kaution}\n",
        );
        assert_eq!(
            body.anchors,
            ["العمل", "miete-kaution", "miete-kaution-1", "kaution"]
        );
        assert!(html(&body).contains("<h2 id=\"العمل\">"));
    }

    #[test]
    fn level_one_headings_are_demoted_with_a_warning() {
        let (body, d) = render_md("", "# Titel\n\ntext\n");
        assert!(
            html(&body).contains("<h2 id=\"titel\">Titel</h2>"),
            "{}",
            html(&body)
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn links_are_classified_language_neutrally() {
        let (body, d) = render_md(
            "arbeit",
            "[a](../wohnen/miete.md#kaution) [b](@/wohnen/) [c](miete.ar.md) [d](plan.pdf) [e](#oben) [f](https://x.org) [g](tel:110) [h](index.md)",
        );
        assert!(d.is_empty(), "{d:?}");
        let targets: Vec<_> = body.links.iter().map(|l| l.target.clone()).collect();
        assert_eq!(
            targets,
            [
                LinkTarget::Page {
                    key: "wohnen/miete".into(),
                    language: None,
                    anchor: Some("kaution".into())
                },
                LinkTarget::Page {
                    key: "wohnen".into(),
                    language: None,
                    anchor: None
                },
                LinkTarget::Page {
                    key: "arbeit/miete".into(),
                    language: Some("ar".into()),
                    anchor: None
                },
                LinkTarget::Asset {
                    path: "arbeit/plan.pdf".into()
                },
                LinkTarget::Anchor("oben".into()),
                LinkTarget::Page {
                    key: "arbeit".into(),
                    language: None,
                    anchor: None
                },
            ]
        );
        let out = html(&body);
        assert!(out.contains("href=\"https://x.org\""));
        assert!(out.contains("href=\"tel:110\""));
        assert!(!out.contains(SLOT));
    }

    #[test]
    fn links_out_of_the_municipality_are_errors() {
        let (_, d) = render_md("a", "[x](../../etc/passwd.md) [y](/abs.md)");
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.is_error()));
    }

    #[test]
    fn alerts_become_labelled_notes() {
        let (body, _) = render_md("", "> [!WARNING]\n> Frist beachten\n\n> quote\n");
        let out = html(&body);
        assert!(out.contains("<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">Warnung</p>"), "{out}");
        assert!(out.contains("<blockquote>"));
    }

    #[test]
    fn raw_html_is_sanitised_with_warnings() {
        let (body, d) = render_md(
            "",
            "<script>alert(1)</script>\n\nText <b onclick=\"x()\">fett</b> [m](miete.md)\n",
        );
        let out = html(&body);
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(out.contains("<b>fett</b>"), "{out}");
        assert!(
            out.contains("Page { key: &quot;miete&quot;"),
            "link slot survives sanitising: {out}"
        );
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn images_need_alt_text_and_assets_are_slots() {
        let (body, d) = render_md("ankommen/buero", "![](plan.svg)\n\n![Plan](plan.svg)");
        assert_eq!(d.len(), 1);
        assert_eq!(body.links.len(), 2);
        assert!(html(&body).contains("alt=\"Plan\""));
    }

    #[test]
    fn minified_bodies_keep_their_link_slots() {
        let languages = vec!["de".to_string()];
        let src = Source {
            display_path: Path::new("x.md"),
            text: "Text  with [a link](miete.md) and ![Plan](plan.svg)\n\n## Title\n",
            body_start: 0,
            dir: "",
            languages: &languages,
            alert_labels: LABELS,
            table_label: "Tabelle",
            minify: true,
        };
        let body = render(&src, &mut Vec::new());
        let mut out = String::new();
        body.write_html(&mut out, |l| match &l.target {
            LinkTarget::Page { .. } => "/de/miete/".into(),
            _ => "/de/plan.svg".into(),
        });
        assert_eq!(
            out,
            "<p>Text  with <a href=\"/de/miete/\">a link</a> and <img src=\"/de/plan.svg\" alt=\"Plan\" loading=\"lazy\"></p><h2 id=\"title\">Title</h2>"
        );
    }

    #[test]
    fn compacting_keeps_meaningful_newlines() {
        let html = "<p>a\nb</p>\n<ul>\n<li><a href=x>1</a>\n<a href=y>2</a></li>\n</ul>\n<pre><code>x\ny\n</code></pre>\n<p>z</p>\n";
        assert_eq!(
            compact(html),
            "<p>a\nb</p><ul><li><a href=x>1</a>\n<a href=y>2</a></li></ul><pre><code>x\ny\n</code></pre><p>z</p>"
        );
    }

    #[test]
    fn tables_use_classes_not_inline_styles() {
        let (body, _) = render_md("", "| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        let out = html(&body);
        assert!(out.contains("class=\"align-left\""));
        assert!(!out.contains("style="));
        assert!(
            out.starts_with(
                "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Tabelle\">"
            ),
            "{out}"
        );
        let (body, _) = render_md("", "## Kosten\n\n| a |\n|--|\n| 1 |\n");
        assert!(html(&body).contains("aria-labelledby=\"kosten\""));
    }

    #[test]
    fn slugs_keep_native_scripts() {
        assert_eq!(slugify("Miete und Kaution"), "miete-und-kaution");
        assert_eq!(slugify("تسجيل السكن"), "تسجيل-السكن");
        assert_eq!(slugify("Реєстрація житла"), "реєстрація-житла");
        assert_eq!(slugify("a/b?c"), "abc");
    }
}
