//! The HTML pulldown-cmark wrote for a Markdown body, finished: minified, and the
//! markers of internal links taken out as [`Slot`]s (see [`crate::load::markdown`]).

use crate::model::body::Slot;

/// The marker an internal link's URL is written as until it becomes a slot.
pub(crate) const SLOT: &str = "wwlink:";

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
pub(crate) fn compact(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_pre = 0usize;
    // Whether the last `<` written so far starts a block tag: kept, not searched for
    // again at every newline (a tag holding thousands of newlines made that quadratic).
    let mut last_tag_is_block = false;
    let mut rest = html;
    while let Some(i) = rest.find('\n') {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        rest = &after[1..];
        let opened = before.matches("<pre").count();
        let closed = before.matches("</pre>").count();
        in_pre = (in_pre + opened).saturating_sub(closed);
        if let Some(open) = before.rfind('<') {
            last_tag_is_block = is_block_tag(&before[open + 1..]);
        }
        if in_pre > 0 || !(out.ends_with('>') && last_tag_is_block) {
            out.push('\n');
        }
    }
    out.push_str(rest);
    out
}

/// Whether `tag` (what follows a `<`) is the start or end tag of a block-level element.
fn is_block_tag(tag: &str) -> bool {
    let name = tag.trim_start_matches('/');
    let name_end = name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    BLOCK_TAGS.contains(&&name[..name_end])
}

/// Remove the `wwlink:N` markers from attribute values, remembering where they were.
pub(crate) fn take_slots(html: &str, link_count: usize) -> (String, Vec<Slot>) {
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
