//! What HTML a page body may hold, and the one path that makes it so.
//!
//! A body is Markdown rendered by pulldown-cmark, whose writer escapes every text and
//! attribute value. Three things in it come from the author unescaped, and
//! [`crate::load::markdown::render`] passes each of them through this module:
//!
//! - link and image destinations (`[x](…)`, `<…>`, reference links, wherever they
//!   stand): kept only when [`safe_url::is_allowed`] says so ([`url_allowed`]);
//! - heading attributes (`## Title {#id .class key=value}`): `id` and `class` only;
//! - raw HTML: [`RawHtml`] reads it tag by tag to warn, with file, line and column,
//!   about everything that will be removed, removes URLs outside the allow-list and
//!   elements nested deeper than [`MAX_DEPTH`] itself, and then the whole body goes
//!   through [`clean`] (ammonia on html5ever, the HTML parser of the browsers' spec):
//!   only [`ALLOWED_TAGS`] with their attributes survive, whatever the warnings missed.
//!
//! Everything else in a page comes from templates, which escape every value (tera's
//! autoescape), or is JSON in `application/ld+json` blocks, escaped so that it cannot
//! end its element.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use crate::base::safe_url;

/// Elements raw HTML may use: text structure, no scripts, styles, frames, forms,
/// media, SVG or MathML.
pub const ALLOWED_TAGS: &[&str] = &[
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

/// Attributes every allowed element may have (and `aria-*`). No `style`, no `on…`.
pub const GENERIC_ATTRIBUTES: &[&str] = &["lang", "dir", "title", "id", "class", "role"];

/// Attributes particular elements may have.
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
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

/// Attributes whose value is a URL (or, `srcset`, a list of them): every one of them
/// passes [`url_allowed`], allowed on an element or not.
pub const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "cite",
    "poster",
    "data",
    "background",
    "longdesc",
    "ping",
    "xlink:href",
];

/// How deep elements may nest in a body (Markdown and raw HTML together). Deeper
/// elements are removed (their text stays), with one warning per file: nothing a reader
/// needs nests this deep, and html5ever's work per tag grows with the depth (40,000
/// nested `<div>` took 17 s). Chromium stops nesting at 512.
pub const MAX_DEPTH: usize = 128;

/// The scheme of the slots [`crate::load::markdown`] leaves for internal links (`wwlink:3`);
/// [`RawHtml`] removes it from anything an author wrote, so only wegweiser's own slots
/// reach [`clean`].
pub const SLOT_SCHEME: &str = "wwlink";

/// Whether the value of URL attribute `attr` may be published: every URL in it has no
/// scheme or one of [`safe_url::ALLOWED_SCHEMES`].
pub fn url_allowed(attr: &str, value: &str) -> bool {
    if attr.eq_ignore_ascii_case("srcset") {
        // Candidates are `url [descriptor]`, separated by commas; a `data:` URL holds a
        // comma, and is refused for its first part already.
        value.split(',').all(|c| {
            safe_url::is_allowed(c.trim_start().split_ascii_whitespace().next().unwrap_or(""))
        })
    } else {
        safe_url::is_allowed(value)
    }
}

/// Whether `value` is one of wegweiser's own internal link slots.
fn is_slot(value: &str) -> bool {
    value
        .strip_prefix(SLOT_SCHEME)
        .and_then(|v| v.strip_prefix(':'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn attribute_allowed(tag: &str, attr: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attr)
        || attr.starts_with("aria-")
        || TAG_ATTRIBUTES
            .iter()
            .any(|(t, a)| *t == tag && a.contains(&attr))
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
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
        .url_schemes(
            safe_url::ALLOWED_SCHEMES
                .iter()
                .copied()
                .chain([SLOT_SCHEME])
                .collect(),
        )
        // ammonia's own scheme check reads URLs as the `url` crate does; this one reads
        // them as safe_url does (as browsers do), and covers every URL attribute.
        .attribute_filter(|_, attr, value| {
            if URL_ATTRIBUTES.contains(&attr) && !is_slot(value) && !url_allowed(attr, value) {
                None
            } else {
                Some(value.into())
            }
        })
        .link_rel(None)
        .set_tag_attribute_value("input", "type", "checkbox");
    b
});

/// The body `html` with everything outside the allow-lists removed.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// Something [`RawHtml`] found that will not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Byte range in the scanned HTML.
    pub span: Range<usize>,
    pub what: Removed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// An element that is not in [`ALLOWED_TAGS`].
    Tag(String),
    /// The end tag of an element not in [`ALLOWED_TAGS`] that closes nothing.
    EndTag(String),
    /// An attribute the element may not have.
    Attribute { tag: String, attr: String },
    /// A start tag nested deeper than [`MAX_DEPTH`], removed by the scan (with its end
    /// tag).
    TooDeep,
    /// A URL attribute whose URL has a scheme outside the allow-list.
    Url {
        tag: String,
        attr: String,
        url: String,
    },
}

/// Elements whose content is text, not tags, up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Elements without end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements an end tag does not look past for its start tag (HTML's "default scope").
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
];

/// Block elements whose start tag closes an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

/// Reads the raw HTML of one body, fragment by fragment in order (a tag or comment may
/// open in one fragment and close in a later one), in time linear in its length.
///
/// It reports what [`clean`] will remove, and removes itself what must not reach it:
/// URLs outside the allow-list (with the slot scheme among them) and start and end tags
/// nested deeper than [`MAX_DEPTH`]. Its model of the open elements is a simplified one
/// of the HTML parser's; where they disagree, `clean` still decides what is published.
#[derive(Debug, Default)]
pub struct RawHtml {
    /// Open raw elements: name and the Markdown depth they were opened at.
    open: Vec<(String, usize)>,
    /// Inside the text of one of [`RAW_TEXT`], up to its end tag.
    raw_text: Option<String>,
    /// After `<plaintext>`: everything is text.
    plaintext: bool,
    /// Inside `<!-- … -->`.
    comment: bool,
    /// Start tags removed for depth whose end tags are still to come, by name.
    too_deep: HashMap<String, usize>,
}

/// One attribute of a tag: where its name and whole text are, and its value.
struct Attribute<'h> {
    name: String,
    name_span: Range<usize>,
    /// From the space before the name to the end of the value.
    whole: Range<usize>,
    value: Option<&'h str>,
    /// Where the value is, without its quotes (empty at the name's end without one).
    value_span: Range<usize>,
}

/// What [`RawHtml::scan_with`] finds that [`clean`] keeps and a reader follows, loads or
/// links to: the `href` of an `<a>`, the `src` of an `<img>` (`srcset` is not kept), an
/// `id`. The value is decoded (character references) as a browser reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    Link { span: Range<usize>, url: String },
    Image { span: Range<usize>, url: String },
    Id(String),
}

impl RawHtml {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many raw elements are open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Markdown closed elements down to `md_depth`: raw elements opened inside them are
    /// closed with them, as the parser closes them.
    pub fn markdown_closed(&mut self, md_depth: usize) {
        while self.open.last().is_some_and(|(_, d)| *d > md_depth) {
            self.open.pop();
        }
    }

    /// Scan the fragment `html`, at Markdown depth `md_depth`; returns it without what
    /// this removes itself and pushes what `clean` will remove to `removals`.
    pub fn scan<'h>(
        &mut self,
        html: &'h str,
        md_depth: usize,
        removals: &mut Vec<Removal>,
    ) -> Cow<'h, str> {
        self.scan_with(html, md_depth, removals, |_| None)
    }

    /// [`Self::scan`], telling `kept` every link, image and id that will be published;
    /// where it returns a text for a link or image, that text replaces the URL as
    /// written (the slot of an internal link).
    pub fn scan_with<'h>(
        &mut self,
        html: &'h str,
        md_depth: usize,
        removals: &mut Vec<Removal>,
        mut kept: impl FnMut(Kept) -> Option<String>,
    ) -> Cow<'h, str> {
        // What to cut out of `html` (replace with nothing, or with a slot).
        let mut cut: Vec<(Range<usize>, Option<String>)> = Vec::new();
        let b = html.as_bytes();
        let mut i = 0;
        while i < b.len() && !self.plaintext {
            if self.comment {
                match html[i..].find("-->") {
                    Some(e) => {
                        i += e + 3;
                        self.comment = false;
                    }
                    None => break,
                }
                continue;
            }
            if let Some(name) = &self.raw_text {
                match find_end_tag(html, i, name) {
                    Some(e) => {
                        i = e;
                        self.raw_text = None;
                    }
                    None => break,
                }
            }
            let Some(lt) = html[i..].find('<') else {
                break;
            };
            let start = i + lt;
            i = start + 1;
            let rest = &html[i..];
            if let Some(after) = rest.strip_prefix("!--") {
                // `<!-->` and `<!--->` end where they start.
                if after.starts_with('>') || after.starts_with("->") {
                    i += 3 + after.find('>').unwrap_or(0) + 1;
                } else {
                    i += 3;
                    self.comment = true;
                }
                continue;
            }
            if rest.starts_with(['!', '?']) {
                // Doctype, CDATA, processing instruction: a bogus comment to `>`.
                i = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
                continue;
            }
            let closing = rest.starts_with('/');
            let name_start = if closing { i + 1 } else { i };
            if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
                if closing {
                    // `</ …>` and `</>`: nothing the parser keeps.
                    i = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
                }
                continue;
            }
            let name_end = name_start
                + html[name_start..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                    .unwrap_or(html.len() - name_start);
            let name = html[name_start..name_end].to_ascii_lowercase();
            let (attrs, end) = attributes(html, name_end);
            i = end;
            if closing {
                if self.close(&name) {
                    continue;
                }
                if self.too_deep.get(&name).is_some_and(|n| *n > 0) {
                    *self.too_deep.entry(name).or_default() -= 1;
                    cut.push((start..end, None));
                } else if !ALLOWED_TAGS.contains(&name.as_str()) {
                    // A stray end tag (`</title>` to break out of a title): removed
                    // like its element would be.
                    removals.push(Removal {
                        span: start..end,
                        what: Removed::EndTag(name),
                    });
                }
                continue;
            }
            if !VOID.contains(&name.as_str()) {
                self.implied_ends(&name);
                if md_depth + self.open.len() >= MAX_DEPTH {
                    *self.too_deep.entry(name).or_default() += 1;
                    removals.push(Removal {
                        span: start..end,
                        what: Removed::TooDeep,
                    });
                    cut.push((start..end, None));
                    continue;
                }
                if RAW_TEXT.contains(&name.as_str()) {
                    self.raw_text = Some(name.clone());
                } else if name == "plaintext" {
                    self.plaintext = true;
                }
                self.open.push((name.clone(), md_depth));
            }
            if !ALLOWED_TAGS.contains(&name.as_str()) {
                removals.push(Removal {
                    span: start..end,
                    what: Removed::Tag(name),
                });
                continue;
            }
            check_attributes(&name, &attrs, removals, &mut cut, &mut kept);
        }
        if cut.is_empty() {
            return Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len());
        let mut last = 0;
        for (r, with) in cut {
            out.push_str(&html[last..r.start]);
            if let Some(with) = with {
                out.push_str(&with);
            }
            last = r.end;
        }
        out.push_str(&html[last..]);
        Cow::Owned(out)
    }

    /// The start tag of `name` closes what the parser closes for it.
    fn implied_ends(&mut self, name: &str) {
        let top = self.open.last().map(|(n, _)| n.as_str());
        let closes = match name {
            "li" => top == Some("li"),
            "dt" | "dd" => matches!(top, Some("dt" | "dd")),
            "td" | "th" => matches!(top, Some("td" | "th")),
            "tr" => matches!(top, Some("tr" | "td" | "th")),
            "option" => top == Some("option"),
            _ => CLOSES_P.contains(&name) && top == Some("p"),
        };
        if closes {
            self.open.pop();
        }
    }

    /// An end tag: close its element and those opened after it; false when it closes
    /// nothing (the parser ignores it).
    fn close(&mut self, name: &str) -> bool {
        for k in (0..self.open.len()).rev() {
            let open = self.open[k].0.as_str();
            if open == name {
                self.open.truncate(k);
                return true;
            }
            if SCOPE.contains(&open) {
                return false;
            }
        }
        false
    }
}

/// Check the attributes `attrs` of an allowed element `name`: URLs outside the
/// allow-list are cut (and reported), attributes `clean` removes reported, kept links,
/// images and ids told to `kept`, and their URLs cut for the slot it returns.
fn check_attributes(
    name: &str,
    attrs: &[Attribute<'_>],
    removals: &mut Vec<Removal>,
    cut: &mut Vec<(Range<usize>, Option<String>)>,
    kept: &mut impl FnMut(Kept) -> Option<String>,
) {
    let mut seen: Vec<&str> = Vec::new();
    for a in attrs {
        // The parser keeps the first of two attributes with the same name.
        if seen.contains(&a.name.as_str()) {
            continue;
        }
        seen.push(&a.name);
        let is_url = URL_ATTRIBUTES.contains(&a.name.as_str());
        let url = match a.value {
            Some(v) if is_url || a.name == "id" => decode_char_refs(v),
            _ => String::new(),
        };
        if is_url && !url_allowed(&a.name, &url) {
            removals.push(Removal {
                span: a.name_span.start..a.whole.end,
                what: Removed::Url {
                    tag: name.to_string(),
                    attr: a.name.clone(),
                    url,
                },
            });
            cut.push((a.whole.clone(), None));
        } else if !attribute_allowed(name, &a.name) {
            removals.push(Removal {
                span: a.name_span.clone(),
                what: Removed::Attribute {
                    tag: name.to_string(),
                    attr: a.name.clone(),
                },
            });
        } else if let Some(found) = keep(name, &a.name, a.value_span.clone(), url)
            && let Some(slot) = kept(found)
        {
            cut.push((a.value_span.clone(), Some(slot)));
        }
    }
}

/// What a reader follows, loads or links to in attribute `attr` (allowed) of element
/// `tag` (allowed), whose value `url` (decoded) is at `span`.
fn keep(tag: &str, attr: &str, span: Range<usize>, url: String) -> Option<Kept> {
    match (tag, attr) {
        ("a", "href") => Some(Kept::Link { span, url }),
        ("img", "src") => Some(Kept::Image { span, url }),
        (_, "id") if !url.is_empty() => Some(Kept::Id(url)),
        _ => None,
    }
}

/// Position of `</name` (any case, followed by space, `/` or `>`) from `from`.
fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let b = html.as_bytes();
    let mut i = from;
    while let Some(p) = html[i..].find("</") {
        let at = i + p;
        let n = at + 2;
        if b.len() >= n + name.len()
            && b[n..n + name.len()].eq_ignore_ascii_case(name.as_bytes())
            && b.get(n + name.len())
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// The attributes of a tag whose name ends at `from`, and the end of the tag (after
/// its `>`, or the end of `html`), as HTML's tokenizer reads them.
fn attributes(html: &str, from: usize) -> (Vec<Attribute<'_>>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        let before = i;
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        // A name's first character may be `=`; after it, `=` ends the name.
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name_span = name_start..i;
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        let mut value_span = i..i;
        if j < b.len() && b[j] == b'=' {
            i = j + 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v = i + 1;
                i = html[v..].find(q as char).map_or(b.len(), |e| v + e);
                value = Some(&html[v..i]);
                value_span = v..i;
                i = (i + 1).min(b.len());
            } else {
                let v = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = Some(&html[v..i]);
                value_span = v..i;
            }
        }
        attrs.push(Attribute {
            name: html[name_span.clone()].to_ascii_lowercase(),
            name_span,
            whole: before..i,
            value,
            value_span,
        });
    }
}

/// Character references in an attribute value decoded as a browser decodes them, for
/// the characters a URL scheme can be hidden with (all numeric ones, the named ones of
/// ASCII punctuation, tab and newline); other named ones stay as written.
pub fn decode_char_refs(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let (c, used) = char_ref(rest).unwrap_or(('&', 1));
        out.push(c);
        rest = &rest[used..];
    }
    out.push_str(rest);
    out
}

/// The character `&…` at the start of `s` stands for, and its length.
fn char_ref(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let digits_start = if hex { 3 } else { 2 };
        let digits = b[digits_start..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let text = &s[digits_start..digits_start + digits];
        let code = u32::from_str_radix(text, if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
        let c = match code {
            0 => '\u{FFFD}',
            c => char::from_u32(c).unwrap_or('\u{FFFD}'),
        };
        let mut used = digits_start + digits;
        if b.get(used) == Some(&b';') {
            used += 1;
        }
        return Some((c, used));
    }
    let name_len = b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if b.get(1 + name_len) != Some(&b';') {
        return None;
    }
    let c = match &s[1..1 + name_len] {
        "Tab" => '\t',
        "NewLine" => '\n',
        "excl" => '!',
        "quot" | "QUOT" => '"',
        "num" => '#',
        "dollar" => '$',
        "percnt" => '%',
        "amp" | "AMP" => '&',
        "apos" => '\'',
        "lpar" => '(',
        "rpar" => ')',
        "ast" | "midast" => '*',
        "plus" => '+',
        "comma" => ',',
        "period" => '.',
        "sol" => '/',
        "colon" => ':',
        "semi" => ';',
        "lt" | "LT" => '<',
        "equals" => '=',
        "gt" | "GT" => '>',
        "quest" => '?',
        "commat" => '@',
        "lsqb" | "lbrack" => '[',
        "bsol" => '\\',
        "rsqb" | "rbrack" => ']',
        "Hat" => '^',
        "lowbar" | "UnderBar" => '_',
        "grave" | "DiacriticalGrave" => '`',
        "lcub" | "lbrace" => '{',
        "verbar" | "vert" | "VerticalLine" => '|',
        "rcub" | "rbrace" => '}',
        "nbsp" => '\u{A0}',
        _ => return None,
    };
    Some((c, name_len + 2))
}

#[cfg(test)]
#[path = "sanitize_tests.rs"]
mod tests;
