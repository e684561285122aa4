//! Markdown to HTML, with language-neutral links, script-preserving heading ids,
//! accessible alerts and sanitised raw HTML.
//!
//! A page body is rendered once, in the load stage. Internal links cannot be written
//! yet: where they point depends on the language of the page they are shown in (a
//! German page shown as fallback at an Arabic URL links to Arabic pages). So each
//! internal link becomes a *slot* in the HTML, filled in by the render stage.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::base::diagnostics::{Diagnostic, Locator, Severity};
use crate::base::safe_url;
use crate::load::markdown_html::{SLOT, compact, take_slots};
use crate::load::markdown_links::{classify, is_external, own_site, raw_url, third_party_image};
use crate::load::sanitize::{self, Kept, RawHtml, Removed};
use crate::model::body::{Body, Link, escape_attr};
use crate::model::config::BaseUrl;
use crate::model::slug::anchor_id;

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
    /// The portal's own addresses (`base_url`, and the one a build is made for when it
    /// differs): an absolute link to one of them is an internal link.
    pub own_urls: &'a [BaseUrl],
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Where diagnostics of one file go: its path and a [`Locator`] for its text, so that
/// thousands of them cost time linear in the file.
pub(crate) struct At<'s> {
    pub(crate) src: &'s Source<'s>,
    loc: Locator<'s>,
}

impl<'s> At<'s> {
    fn new(src: &'s Source<'s>) -> Self {
        At {
            src,
            loc: Locator::new(src.text),
        }
    }

    pub(crate) fn warning(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.loc
            .at(Severity::Warning, self.src.display_path, span, message)
    }

    pub(crate) fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.loc
            .at(Severity::Error, self.src.display_path, span, message)
    }
}

/// The hint of every refused URL.
pub(crate) const URL_HINT: &str =
    "links and images may use http, https, mailto, tel and geo addresses or relative paths";

/// Render the body of `src`. Problems are pushed to `diagnostics`.
///
/// Every event passes the checks of [`crate::load::sanitize`] on its way to the HTML writer:
/// link and image URLs outside the allow-list, heading attributes other than `id` and
/// `class`, and elements nested deeper than [`sanitize::MAX_DEPTH`] are removed with a
/// warning; raw HTML is scanned for what will be removed and the whole body then
/// cleaned by [`sanitize::clean`].
pub fn render(src: &Source<'_>, diagnostics: &mut Vec<Diagnostic>) -> Body {
    let at = At::new(src);
    let body = &src.text[src.body_start..];
    let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .map(|(e, r)| (e, (r.start + src.body_start)..(r.end + src.body_start)))
        .collect();

    let anchors = assign_heading_ids(&at, &mut events, diagnostics);
    let mut w = Walk {
        links: Vec::new(),
        out_events: Vec::with_capacity(events.len()),
        has_raw_html: false,
        raw: RawHtml::new(),
        raw_ids: Vec::new(),
        alert_stack: Vec::new(),
        footnotes: Vec::new(),
        last_heading: None,
        open: Vec::new(),
        depth: 0,
        too_deep: None,
    };

    let mut iter = events.into_iter().peekable();
    while let Some((event, range)) = iter.next() {
        if w.left_out(&event, &range, &mut iter) {
            continue;
        }
        match event {
            Event::Start(Tag::Link { dest_url, .. })
                if !safe_url::is_allowed(&dest_url) && !dest_url.is_empty() =>
            {
                w.remove_link(&at, &dest_url, range, diagnostics);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) if !matches!(link_type, LinkType::Email) => {
                w.link(&at, (link_type, dest_url, title), range, diagnostics);
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let alt = collect_alt_text(&mut iter);
                w.image(&at, (&dest_url, &title, &alt), range, diagnostics);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                w.alert_stack.push(true);
                let (class, label) = alert(kind, &src.alert_labels);
                w.out_events.push(Event::Html(
                    format!(
                        "<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{}</p>\n",
                        escape_attr(label)
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::BlockQuote(None)) => {
                w.alert_stack.push(false);
                w.out_events.push(Event::Start(Tag::BlockQuote(None)));
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                if w.alert_stack.pop().unwrap_or(false) {
                    w.out_events.push(Event::Html("</div>\n".into()));
                } else {
                    w.out_events.push(Event::End(TagEnd::BlockQuote(kind)));
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                w.heading(&at, (level, id, classes, attrs), range, diagnostics);
            }
            Event::Start(Tag::Table(ref _alignments)) => {
                // Wide tables scroll in a region of their own, which keyboards can reach
                // and screen readers name after the heading above the table.
                let name = match &w.last_heading {
                    Some(id) => format!("aria-labelledby=\"{}\"", escape_attr(id)),
                    None => format!("aria-label=\"{}\"", escape_attr(src.table_label)),
                };
                w.out_events.push(Event::Html(
                    format!("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" {name}>\n")
                        .into(),
                ));
                w.out_events.push(event);
            }
            Event::End(TagEnd::Table) => {
                w.out_events.push(event);
                w.out_events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                w.footnotes.push(label.to_string());
                w.out_events.push(event);
            }
            Event::Html(html) => {
                // The lines of one HTML block come one event each: read them as one
                // text, so that a tag may span lines.
                w.has_raw_html = true;
                let mut text = String::from(&*html);
                let mut pieces = vec![(0, range.start)];
                while let Some((Event::Html(next), r)) = iter.peek() {
                    pieces.push((text.len(), r.start));
                    text.push_str(next);
                    iter.next();
                }
                let html = w.raw_html(&at, &text, &pieces, diagnostics);
                w.out_events.push(Event::Html(html.into()));
            }
            Event::InlineHtml(html) => {
                w.has_raw_html = true;
                let pieces = [(0, range.start)];
                let html = w.raw_html(&at, &html, &pieces, diagnostics);
                w.out_events.push(Event::InlineHtml(html.into()));
            }
            other => w.out_events.push(other),
        }
    }
    w.finish(&at, body.len(), anchors, diagnostics)
}

/// One walk over a body's events, from the parser to the HTML writer: what it has
/// written and what is open.
struct Walk<'e> {
    links: Vec<Link>,
    out_events: Vec<Event<'e>>,
    has_raw_html: bool,
    raw: RawHtml,
    /// The ids of raw HTML elements that are published: targets of `#…` links.
    raw_ids: Vec<String>,
    alert_stack: Vec<bool>,
    footnotes: Vec<String>,
    last_heading: Option<String>,
    /// For every open `Start`: whether it was written (not removed), and how many are.
    open: Vec<bool>,
    depth: usize,
    too_deep: Option<(Range<usize>, usize)>,
}

impl<'e> Walk<'e> {
    /// Keep count of the open elements; `true` when `event` starts one nested too deep
    /// (it is left out, an image with its alt text).
    fn left_out(
        &mut self,
        event: &Event<'e>,
        range: &Range<usize>,
        iter: &mut impl Iterator<Item = (Event<'e>, Range<usize>)>,
    ) -> bool {
        match event {
            Event::Start(_) if self.depth + self.raw.depth() >= sanitize::MAX_DEPTH => {
                if let Event::Start(Tag::Image { .. }) = event {
                    collect_alt_text(iter);
                } else {
                    self.open.push(false);
                }
                self.too_deep.get_or_insert((range.clone(), 0)).1 += 1;
                return true;
            }
            Event::Start(Tag::Image { .. }) => {}
            Event::Start(_) => {
                self.open.push(true);
                self.depth += 1;
            }
            Event::End(_) => {
                if !self.open.pop().unwrap_or(true) {
                    return true;
                }
                self.depth = self.depth.saturating_sub(1);
                self.raw.markdown_closed(self.depth);
            }
            _ => {}
        }
        false
    }

    /// A link whose kind of address is never published: removed, its text stays (and
    /// its end with it).
    fn remove_link(
        &mut self,
        at: &At<'_>,
        dest_url: &str,
        range: Range<usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        diagnostics.push(
            at.warning(
                range,
                format!("link to `{dest_url}` removed: its kind of address is never published"),
            )
            .with_hint(URL_HINT),
        );
        self.open.pop();
        self.open.push(false);
        self.depth -= 1;
    }

    /// A link: an internal one becomes a slot, an external one stays as written.
    fn link(
        &mut self,
        at: &At<'_>,
        (link_type, dest_url, title): (LinkType, CowStr<'e>, CowStr<'e>),
        range: Range<usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        match classify(at, &dest_url, range.clone(), diagnostics) {
            Some(target) => {
                let mut html = format!("<a href=\"{SLOT}{}\"", self.links.len());
                if !title.is_empty() {
                    let _ = write!(html, " title=\"{}\"", escape_attr(&title));
                }
                html.push('>');
                self.links.push(Link {
                    target,
                    span: range,
                    written: dest_url.to_string(),
                });
                self.out_events.push(Event::Html(html.into()));
            }
            None => self.out_events.push(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            })),
        }
    }

    /// An image, with its alt text: refused addresses removed, missing alt text and
    /// other hosts warned about, internal ones a slot.
    fn image(
        &mut self,
        at: &At<'_>,
        (dest_url, title, alt): (&str, &str, &str),
        range: Range<usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if !safe_url::is_allowed(dest_url) {
            diagnostics.push(
                at.warning(
                    range,
                    format!("image `{dest_url}` removed: its kind of address is never published"),
                )
                .with_hint(URL_HINT),
            );
            return;
        }
        if alt.trim().is_empty() {
            diagnostics.push(
                at.warning(
                    range.clone(),
                    "image without alt text: readers with screen readers will not know what it shows",
                )
                .with_hint("describe the image in the brackets: ![Lageplan des Rathauses](plan.svg)"),
            );
        }
        let src_attr = if is_external(dest_url) && own_site(at, dest_url).is_none() {
            diagnostics.push(third_party_image(at, dest_url, range.clone()));
            escape_attr(dest_url)
        } else {
            match classify(at, dest_url, range.clone(), diagnostics) {
                Some(target) => {
                    self.links.push(Link {
                        target,
                        span: range,
                        written: dest_url.to_string(),
                    });
                    format!("{SLOT}{}", self.links.len() - 1)
                }
                None => escape_attr(dest_url),
            }
        };
        let mut html = format!("<img src=\"{src_attr}\" alt=\"{}\"", escape_attr(alt));
        if !title.is_empty() {
            let _ = write!(html, " title=\"{}\"", escape_attr(title));
        }
        html.push_str(" loading=\"lazy\">");
        self.out_events.push(Event::InlineHtml(html.into()));
    }

    /// A heading: `{#id .class}` only: other attributes (`onfocus=…`, `autofocus`,
    /// `style=…`) are never published.
    fn heading(
        &mut self,
        at: &At<'_>,
        (level, id, classes, attrs): HeadingParts<'e>,
        range: Range<usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for (name, _) in &attrs {
            diagnostics.push(
                at.warning(
                    attribute_span(at.src.text, range.clone(), name),
                    format!("heading attribute `{name}` removed: headings may have an id and classes only"),
                )
                .with_hint("write `{#id .class}`"),
            );
        }
        self.last_heading = id.as_ref().map(|i| i.to_string());
        self.out_events.push(Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: Vec::new(),
        }));
    }

    /// Raw HTML, checked ([`report_removals`]) at its depth in the Markdown; its links
    /// and images go the way of Markdown's ([`Walk::raw_url`]).
    fn raw_html(
        &mut self,
        at: &At<'_>,
        text: &str,
        pieces: &[(usize, usize)],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> String {
        let to_source = |i: usize| {
            let k = pieces.partition_point(|&(p, _)| p <= i) - 1;
            pieces[k].1 + (i - pieces[k].0)
        };
        let mut removals = Vec::new();
        let (links, ids) = (&mut self.links, &mut self.raw_ids);
        let out = self
            .raw
            .scan_with(text, self.depth, &mut removals, |kept| match kept {
                Kept::Id(id) => {
                    ids.push(id);
                    None
                }
                Kept::Link { span, url } => {
                    let span = to_source(span.start)..to_source(span.end);
                    raw_url(at, links, (false, &url), span, diagnostics)
                }
                Kept::Image { span, url } => {
                    let span = to_source(span.start)..to_source(span.end);
                    raw_url(at, links, (true, &url), span, diagnostics)
                }
            })
            .into_owned();
        report_removals(at, removals, &to_source, &mut self.too_deep, diagnostics);
        out
    }

    /// Write the HTML of the walked events: aligned table cells as classes, raw HTML
    /// cleaned, minified if asked, and the slots taken out.
    fn finish(
        self,
        at: &At<'_>,
        body_len: usize,
        anchors: Vec<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Body {
        let src = at.src;
        let Walk {
            links,
            out_events,
            has_raw_html,
            footnotes,
            too_deep,
            raw_ids,
            ..
        } = self;
        if let Some((span, n)) = too_deep {
            diagnostics.push(
                at.warning(
                    span,
                    format!(
                        "{n} elements nested more than {} deep removed (their text is kept)",
                        sanitize::MAX_DEPTH
                    ),
                )
                .with_hint("nest lists, quotes and HTML elements less deeply"),
            );
        }

        let mut html = String::with_capacity(body_len + body_len / 2);
        pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
        if html.contains("style=\"text-align: ") {
            html = html
                .replace(" style=\"text-align: left\"", " class=\"align-left\"")
                .replace(" style=\"text-align: center\"", " class=\"align-center\"")
                .replace(" style=\"text-align: right\"", " class=\"align-right\"");
        }
        if has_raw_html {
            html = sanitize::clean(&html);
        }
        if src.minify {
            html = compact(&html);
        }
        let (html, slots) = take_slots(&html, links.len());
        let mut anchors = anchors;
        anchors.extend(footnotes);
        anchors.extend(raw_ids);
        Body {
            slots,
            html: html.into(),
            links,
            anchors,
        }
    }
}

/// The parts of a `Tag::Heading`: level, id, classes, attributes.
type HeadingParts<'e> = (
    HeadingLevel,
    Option<CowStr<'e>>,
    Vec<CowStr<'e>>,
    Vec<(CowStr<'e>, Option<CowStr<'e>>)>,
);

/// Where heading attribute `name` is written in the heading at `span` (the heading
/// itself if not found).
fn attribute_span(text: &str, span: Range<usize>, name: &str) -> Range<usize> {
    let heading = &text[span.clone()];
    heading
        .rfind('{')
        .and_then(|brace| {
            heading[brace..]
                .find(name)
                .map(|i| span.start + brace + i..span.start + brace + i + name.len())
        })
        .unwrap_or(span)
}

/// Warn about what the sanitiser will remove from raw HTML: `removals` found in it,
/// whose positions `to_source` maps to the file. Tags removed for their depth are
/// counted in `too_deep`.
fn report_removals(
    at: &At<'_>,
    removals: Vec<sanitize::Removal>,
    to_source: &dyn Fn(usize) -> usize,
    too_deep: &mut Option<(Range<usize>, usize)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for r in removals {
        let span = to_source(r.span.start)..to_source(r.span.end);
        let d = match r.what {
            Removed::TooDeep => {
                too_deep.get_or_insert((span, 0)).1 += 1;
                continue;
            }
            Removed::Tag(name) => at
                .warning(span, format!("raw HTML `<{name}>` is not allowed and was removed"))
                .with_hint("write Markdown instead; scripts, styles, frames and forms are never published"),
            Removed::EndTag(name) => {
                at.warning(span, format!("raw HTML `</{name}>` is not allowed and was removed"))
            }
            Removed::Attribute { tag, attr } => at.warning(
                span,
                format!("attribute `{attr}` on raw HTML `<{tag}>` is not allowed and was removed"),
            ),
            Removed::Url { tag, attr, url } => at
                .warning(
                    span,
                    format!("`{attr}` of raw HTML `<{tag}>` removed: `{url}` is a kind of address that is never published"),
                )
                .with_hint(URL_HINT),
        };
        diagnostics.push(d);
    }
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
    at: &At<'_>,
    events: &mut [(Event<'_>, Range<usize>)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut next_number: HashMap<String, usize> = HashMap::new();
    let mut ids = Vec::new();
    // Explicit ids first, so generated ones never take them.
    for (event, range) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event
            && !used.insert(id.to_string())
        {
            diagnostics.push(at.warning(
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
                    at.warning(events[i].1.clone(),
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
                    // The next number to try for each base, so that a thousand headings
                    // of the same text do not try all the numbers before theirs.
                    let n = next_number.entry(base.clone()).or_insert(1);
                    let mut candidate = base.clone();
                    while used.contains(&candidate) {
                        candidate = format!("{base}-{n}");
                        *n += 1;
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

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
