//! SVG images from the portal's content (page bundle assets, the `[theme]` logo and coat
//! of arms), made safe to publish on the site's origin.
//!
//! An SVG opened on its own is an XML document that a browser runs: `<script>`,
//! `onload="…"`, `<foreignObject>` with HTML, `<a href="javascript:…">`, `<animate>`
//! that sets such an `href`, `<use>` and `<image>` that pull other files. Every SVG a
//! person puts into `content/` is therefore read with an XML parser and written again
//! with only what an allow-list knows: SVG elements and attributes that draw, style
//! sheets and presentation attributes without references to other files, references
//! only to `#fragments` of the same file (and embedded raster images). Everything else
//! is left out, and each thing left out is reported (see [`Removal`]).
//!
//! A file that is not well-formed XML, or whose root is not an `<svg>` in the SVG
//! namespace, is refused (see [`Invalid`]): a browser shows no image for it either.
//! Entities other than XML's five and character references are not expanded (a
//! `<!DOCTYPE>` is left out with its entity definitions, so a "billion laughs" file is
//! refused, not expanded). The work is linear in the size of the file, and elements may
//! nest [`MAX_DEPTH`] deep.

use std::collections::{HashMap, HashSet};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use crate::base::xml::escape_text;
use crate::load::svg_allow::{
    ACTIVE, ANIMATIONS, ATTRIBUTES, ELEMENTS, EXTERNAL, HREF_ELEMENTS, LINK_ATTRIBUTES, UNKNOWN,
    css_problem, is_data_image, is_fragment,
};

pub const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// How deep elements may nest (real drawings stay far below; a deeper file is refused).
pub const MAX_DEPTH: usize = 256;

/// An SVG made safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sanitized {
    /// The file as it is published.
    pub svg: Vec<u8>,
    /// What was left out, in file order.
    pub removed: Vec<Removal>,
}

/// Something left out of an SVG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Byte offset in the source of the element, attribute or markup.
    pub offset: usize,
    /// What it was: "`<script>` element", "`onload` attribute".
    pub what: String,
    /// Why it is left out.
    pub why: &'static str,
}

/// Why an SVG cannot be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Byte offset in the source.
    pub offset: usize,
    pub message: String,
}

/// One open element of the source.
enum Frame {
    /// Written to the output under this name.
    Kept {
        name: String,
        /// Prefixes this element bound (to unbind at its end).
        bound: Vec<Vec<u8>>,
        /// Whether it declared `xmlns:xlink` in the output.
        declares_xlink: bool,
    },
    /// A `<style>` element: its text is collected and checked at its end.
    Style {
        start: Vec<u8>,
        css: String,
        offset: usize,
        bound: Vec<Vec<u8>>,
        /// Holds an element (no style sheet does).
        element: bool,
    },
}

struct Sanitizer<'a> {
    src: &'a str,
    out: Vec<u8>,
    removed: Vec<Removal>,
    stack: Vec<Frame>,
    /// Depth inside an element that is left out (0: not inside one).
    skip: usize,
    /// Namespace bindings in scope: prefix (empty: the default namespace) → URIs, the
    /// innermost last.
    bindings: HashMap<Vec<u8>, Vec<String>>,
    /// Elements in scope of the output that declare `xmlns:xlink`.
    xlink_declared: usize,
    /// The root element was seen.
    root_seen: bool,
    /// Anything but the XML declaration was seen.
    started: bool,
}

fn invalid(offset: usize, message: impl Into<String>) -> Invalid {
    Invalid {
        offset,
        message: message.into(),
    }
}

/// Make `src` safe to publish (see the module documentation).
pub fn sanitize(src: &[u8]) -> Result<Sanitized, Invalid> {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let src = std::str::from_utf8(src).map_err(|e| {
        invalid(
            e.valid_up_to(),
            "not UTF-8 text: save the SVG as UTF-8 (SVGZ, compressed SVG, cannot be checked)",
        )
    })?;
    // A browser refuses such a document; so does wegweiser, wherever the character is.
    if let Some((at, c)) = src
        .char_indices()
        .find(|&(_, c)| !crate::base::xml::is_xml_char(c))
    {
        return Err(invalid(
            at,
            format!(
                "not well-formed XML: U+{:04X} is not a character XML allows",
                u32::from(c)
            ),
        ));
    }
    let mut s = Sanitizer {
        src,
        out: Vec::with_capacity(src.len()),
        removed: Vec::new(),
        stack: Vec::new(),
        skip: 0,
        bindings: HashMap::new(),
        xlink_declared: 0,
        root_seen: false,
        started: false,
    };
    s.run()?;
    Ok(Sanitized {
        svg: s.out,
        removed: s.removed,
    })
}

impl Sanitizer<'_> {
    fn remove(&mut self, offset: usize, what: String, why: &'static str) {
        self.removed.push(Removal { offset, what, why });
    }

    fn depth(&self) -> usize {
        self.stack.len() + self.skip
    }

    fn run(&mut self) -> Result<(), Invalid> {
        let mut reader = quick_xml::Reader::from_str(self.src);
        let config = reader.config_mut();
        config.check_comments = true;
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
        loop {
            let offset = reader.buffer_position() as usize;
            let event = reader.read_event().map_err(|e| {
                invalid(
                    reader.error_position() as usize,
                    format!("not well-formed XML: {e}"),
                )
            })?;
            if !matches!(event, Event::Decl(_) | Event::Eof) {
                self.started = true;
            }
            match event {
                Event::Eof => break,
                Event::Start(e) => self.start(&e, offset, false)?,
                Event::Empty(e) => self.start(&e, offset, true)?,
                Event::End(_) => self.end(),
                _ if self.skip > 0 => {}
                Event::Text(t) => {
                    let text = t
                        .xml10_content()
                        .map_err(|e| invalid(offset, e.to_string()))?;
                    self.text(&text, offset)?;
                }
                Event::CData(t) => {
                    let text = t
                        .xml10_content()
                        .map_err(|e| invalid(offset, e.to_string()))?;
                    self.text(&text, offset)?;
                }
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) if crate::base::xml::is_xml_char(c) => c,
                        Ok(Some(_)) | Err(_) => {
                            return Err(invalid(
                                offset,
                                format!(
                                    "`&{};` is not a character XML allows",
                                    String::from_utf8_lossy(&r)
                                ),
                            ));
                        }
                        Ok(None) => match &*r {
                            b"amp" => '&',
                            b"lt" => '<',
                            b"gt" => '>',
                            b"quot" => '"',
                            b"apos" => '\'',
                            name => {
                                return Err(invalid(
                                    offset,
                                    format!(
                                        "the entity `&{};` is not defined: wegweiser does not expand entities of a DOCTYPE",
                                        String::from_utf8_lossy(name)
                                    ),
                                ));
                            }
                        },
                    };
                    self.text(c.encode_utf8(&mut [0; 4]), offset)?;
                }
                Event::Comment(c) => {
                    if c.ends_with(b"-") {
                        return Err(invalid(
                            offset,
                            "not well-formed XML: a comment ends with `--->`",
                        ));
                    }
                    if !matches!(self.stack.last(), Some(Frame::Style { .. })) {
                        self.out.extend_from_slice(b"<!--");
                        self.out.extend_from_slice(&c);
                        self.out.extend_from_slice(b"-->");
                    }
                }
                Event::Decl(d) => {
                    if self.started || !self.out.is_empty() {
                        return Err(invalid(
                            offset,
                            "the XML declaration `<?xml …?>` must come first",
                        ));
                    }
                    let version = d.version().map_err(|e| invalid(offset, e.to_string()))?;
                    if &*version != b"1.0" {
                        return Err(invalid(offset, "only XML version 1.0 is read"));
                    }
                    self.out.extend_from_slice(b"<?xml version=\"1.0\"");
                    if let Some(enc) = d.encoding() {
                        let enc = enc.map_err(|e| invalid(offset, e.to_string()))?;
                        if !enc.eq_ignore_ascii_case(b"utf-8") {
                            return Err(invalid(
                                offset,
                                "only UTF-8 is read: save the SVG as UTF-8",
                            ));
                        }
                        self.out.extend_from_slice(b" encoding=\"");
                        self.out.extend_from_slice(&enc);
                        self.out.push(b'"');
                    }
                    if let Some(sa) = d.standalone() {
                        let sa = sa.map_err(|e| invalid(offset, e.to_string()))?;
                        if &*sa == b"yes" || &*sa == b"no" {
                            self.out.extend_from_slice(b" standalone=\"");
                            self.out.extend_from_slice(&sa);
                            self.out.push(b'"');
                        }
                    }
                    self.out.extend_from_slice(b"?>");
                }
                Event::PI(pi) => {
                    let target = String::from_utf8_lossy(pi.target()).into_owned();
                    self.remove(
                        offset,
                        format!("processing instruction `<?{target} …?>`"),
                        EXTERNAL,
                    );
                }
                Event::DocType(_) => {
                    self.remove(
                        offset,
                        "`<!DOCTYPE …>` with its entity definitions".to_string(),
                        "entities are not expanded",
                    );
                }
            }
        }
        if !self.root_seen {
            return Err(invalid(self.src.len(), "no `<svg>` element"));
        }
        if self.depth() > 0 {
            return Err(invalid(
                self.src.len(),
                "not well-formed XML: the file ends inside an element",
            ));
        }
        Ok(())
    }

    fn text(&mut self, text: &str, offset: usize) -> Result<(), Invalid> {
        match self.stack.last_mut() {
            Some(Frame::Style { css, .. }) => css.push_str(text),
            Some(Frame::Kept { .. }) => self.out.extend_from_slice(escape_text(text).as_bytes()),
            None => {
                if !text.chars().all(|c| c.is_ascii_whitespace()) {
                    return Err(invalid(offset, "text outside the `<svg>` element"));
                }
                self.out.extend_from_slice(text.as_bytes());
            }
        }
        Ok(())
    }

    fn end(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match self.stack.pop() {
            Some(Frame::Kept {
                name,
                bound,
                declares_xlink,
            }) => {
                self.unbind(bound);
                self.xlink_declared -= usize::from(declares_xlink);
                self.out.extend_from_slice(b"</");
                self.out.extend_from_slice(name.as_bytes());
                self.out.push(b'>');
            }
            Some(Frame::Style {
                start,
                css,
                offset,
                bound,
                element,
            }) => {
                self.unbind(bound);
                let problem = if element {
                    Some("markup inside the style sheet")
                } else {
                    css_problem(&css)
                };
                match problem {
                    None => {
                        self.out.extend_from_slice(&start);
                        self.out.extend_from_slice(escape_text(&css).as_bytes());
                        self.out.extend_from_slice(b"</style>");
                    }
                    Some(p) => self.remove(offset, format!("`<style>` element with {p}"), EXTERNAL),
                }
            }
            // quick-xml refuses an end tag without a start tag.
            None => {}
        }
    }

    fn unbind(&mut self, bound: Vec<Vec<u8>>) {
        for prefix in bound {
            if let Some(uris) = self.bindings.get_mut(&prefix) {
                uris.pop();
            }
        }
    }

    fn resolve(&self, prefix: Option<&[u8]>, offset: usize) -> Result<Option<&str>, Invalid> {
        match prefix {
            Some(b"xml") => Ok(Some(XML_NS)),
            Some(p) => match self.bindings.get(p).and_then(|u| u.last()) {
                Some(uri) => Ok(Some(uri)),
                None => Err(invalid(
                    offset,
                    format!(
                        "the prefix `{}:` is not declared (xmlns:{0}=\"…\")",
                        String::from_utf8_lossy(p)
                    ),
                )),
            },
            None => Ok(self
                .bindings
                .get(&Vec::new())
                .and_then(|u| u.last())
                .map(String::as_str)
                .filter(|u| !u.is_empty())),
        }
    }

    fn start(&mut self, e: &BytesStart, offset: usize, empty: bool) -> Result<(), Invalid> {
        if self.depth() >= MAX_DEPTH {
            return Err(invalid(
                offset,
                format!("elements nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        if self.skip > 0 {
            self.skip += usize::from(!empty);
            return Ok(());
        }
        if let Some(Frame::Style { element, .. }) = self.stack.last_mut() {
            *element = true;
            self.skip += usize::from(!empty);
            return Ok(());
        }
        if self.stack.is_empty() && self.root_seen {
            return Err(invalid(
                offset,
                "a second element after the `<svg>` element",
            ));
        }

        let (attrs, bound) = self.read_attributes(e, offset)?;

        let qname = e.name();
        let (local, prefix) = qname.decompose();
        let local = String::from_utf8_lossy(local.as_ref()).into_owned();
        let ns = self
            .resolve(prefix.as_ref().map(|p| p.as_ref()), offset)?
            .map(str::to_owned);
        let shown = String::from_utf8_lossy(qname.as_ref()).into_owned();
        let is_root = self.stack.is_empty();
        if is_root {
            self.root_seen = true;
            if local != "svg" || ns.as_deref() != Some(SVG_NS) {
                return Err(invalid(
                    offset,
                    format!(
                        "not an SVG image: the outermost element is `<{shown}>`, not `<svg xmlns=\"{SVG_NS}\">`"
                    ),
                ));
            }
        }

        let (out_name, drop) = self.verdict(offset, (&local, ns.as_deref(), &shown), &attrs);
        if let Some((what, why)) = drop {
            self.unbind(bound);
            self.remove(offset, what, why);
            self.skip += usize::from(!empty);
            return Ok(());
        }

        let (tag, declares_xlink) =
            self.start_tag(e.len(), (&out_name, &local), &attrs, is_root, empty);

        if empty {
            self.unbind(bound);
            self.out.extend_from_slice(&tag);
        } else if local == "style" {
            self.stack.push(Frame::Style {
                start: tag,
                css: String::new(),
                offset,
                bound,
                element: false,
            });
        } else {
            self.out.extend_from_slice(&tag);
            self.xlink_declared += usize::from(declares_xlink);
            self.stack.push(Frame::Kept {
                name: out_name,
                bound,
                declares_xlink,
            });
        }
        Ok(())
    }

    /// The attributes of a start tag, unescaped and normalised, with their namespaces;
    /// and the prefixes the tag binds.
    fn read_attributes(
        &mut self,
        e: &BytesStart,
        offset: usize,
    ) -> Result<(Vec<Attr>, Vec<Vec<u8>>), Invalid> {
        // Attributes, unescaped and normalised; namespace declarations bound first, so
        // that a prefix declared on this element names its namespace here too.
        let mut attrs: Vec<Attr> = Vec::new();
        let mut seen = HashSet::new();
        let mut bound = Vec::new();
        let mut positions = AttrPositions::new(e);
        for attr in e.attributes().with_checks(false) {
            let attr =
                attr.map_err(|err| invalid(offset, format!("not well-formed XML: {err}")))?;
            let key = attr.key.as_ref().to_vec();
            let at = offset + positions.next(&key);
            if !seen.insert(key.clone()) {
                return Err(invalid(
                    at,
                    format!(
                        "the attribute `{}` is given twice",
                        String::from_utf8_lossy(&key)
                    ),
                ));
            }
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| {
                    invalid(
                        at,
                        format!("{err} (wegweiser does not expand entities of a DOCTYPE)"),
                    )
                })?
                .into_owned();
            let declared = if key == b"xmlns" {
                Some(Vec::new())
            } else {
                key.strip_prefix(b"xmlns:").map(<[u8]>::to_vec)
            };
            if let Some(prefix) = &declared {
                if !prefix.is_empty() && value.is_empty() {
                    return Err(invalid(at, "a namespace prefix cannot be bound to \"\""));
                }
                self.bindings
                    .entry(prefix.clone())
                    .or_default()
                    .push(value.clone());
                bound.push(prefix.clone());
            }
            attrs.push(Attr {
                at,
                shown: String::from_utf8_lossy(&key).into_owned(),
                local: String::new(),
                ns: None,
                declaration: declared.is_some(),
                value,
            });
        }
        for a in &mut attrs {
            if a.declaration {
                continue;
            }
            match a.shown.split_once(':') {
                Some((prefix, local)) => {
                    a.ns = self
                        .resolve(Some(prefix.as_bytes()), a.at)?
                        .map(str::to_owned);
                    a.local = local.to_string();
                }
                None => a.local = a.shown.clone(),
            }
        }

        Ok((attrs, bound))
    }

    /// What to do with an element (`local` in namespace `ns`, written `shown`): the name
    /// it is written with, or why it is left out (with what is left out).
    fn verdict(
        &mut self,
        offset: usize,
        (local, ns, shown): (&str, Option<&str>, &str),
        attrs: &[Attr],
    ) -> (String, Option<(String, &'static str)>) {
        // What to do with the element.
        let href = attrs
            .iter()
            .find(|a| a.local == "href" && matches!(a.ns.as_deref(), None | Some(XLINK_NS)))
            .map(|a| a.value.clone());
        let mut out_name = local.to_string();
        let mut drop: Option<(String, &'static str)> = None;
        if ns != Some(SVG_NS) {
            drop = Some((format!("`<{shown}>` element of another namespace"), UNKNOWN));
        } else {
            match local {
                "script" | "foreignObject" | "handler" | "listener" => {
                    drop = Some((format!("`<{shown}>` element"), ACTIVE))
                }
                "a" => {
                    self.remove(
                        offset,
                        "`<a>` link (its drawing is kept)".to_string(),
                        ACTIVE,
                    );
                    out_name = "g".to_string();
                }
                "use" if href.as_deref().is_some_and(|h| !is_fragment(h)) => {
                    drop = Some((format!("`<{shown}>` of another file"), EXTERNAL))
                }
                "image" if !href.as_deref().is_some_and(is_data_image) => {
                    drop = Some((
                        format!(
                            "`<{shown}>` of another file (only embedded PNG, JPEG, GIF, WebP are kept)"
                        ),
                        EXTERNAL,
                    ))
                }
                "use" | "image" | "style" => {}
                l if ANIMATIONS.contains(&l) => {
                    let target = attrs
                        .iter()
                        .find(|a| a.ns.is_none() && a.local == "attributeName")
                        .map(|a| a.value.trim());
                    let target = target.map(|t| t.rsplit(':').next().unwrap_or(t));
                    let ok = target.is_some_and(|t| {
                        t != "href" && t != "style" && ATTRIBUTES.binary_search(&t).is_ok()
                    });
                    if !ok {
                        drop = Some((
                            format!("`<{shown}>` that changes `{}`", target.unwrap_or("")),
                            ACTIVE,
                        ));
                    }
                }
                l if ELEMENTS.binary_search(&l).is_ok() => {}
                _ => drop = Some((format!("`<{shown}>` element"), UNKNOWN)),
            }
        }
        (out_name, drop)
    }

    /// The start tag of a kept element, its attributes checked; and whether it declares
    /// the XLink namespace.
    fn start_tag(
        &mut self,
        capacity: usize,
        (out_name, local): (&str, &str),
        attrs: &[Attr],
        is_root: bool,
        empty: bool,
    ) -> (Vec<u8>, bool) {
        // The start tag.
        let mut tag = Vec::with_capacity(capacity + 2);
        tag.push(b'<');
        tag.extend_from_slice(out_name.as_bytes());
        let mut declares_xlink = false;
        let mut uses_xlink = false;
        for a in attrs {
            let written = if a.shown == "xmlns" {
                (is_root && a.value == SVG_NS).then(|| "xmlns".to_string())
            } else if a.declaration {
                let keep = a.shown == "xmlns:xlink" && a.value == XLINK_NS;
                declares_xlink |= keep;
                keep.then(|| "xmlns:xlink".to_string())
            } else {
                match Self::check_attribute(local, a.ns.as_deref(), &a.local, &a.value) {
                    Ok(written) => {
                        uses_xlink |= a.ns.as_deref() == Some(XLINK_NS);
                        Some(written)
                    }
                    Err(why) => {
                        // A link's own attributes go with the link.
                        if !(local == "a" && LINK_ATTRIBUTES.contains(&a.local.as_str())) {
                            let what = if a.local.to_ascii_lowercase().starts_with("on") {
                                format!("`{}` attribute (an event handler)", a.shown)
                            } else {
                                format!("`{}` attribute", a.shown)
                            };
                            self.remove(a.at, what, why);
                        }
                        None
                    }
                }
            };
            if let Some(name) = written {
                tag.push(b' ');
                tag.extend_from_slice(name.as_bytes());
                tag.extend_from_slice(b"=\"");
                tag.extend_from_slice(escape_attribute(&a.value).as_bytes());
                tag.push(b'"');
            }
        }
        // Elements are written without prefixes: the root binds them to SVG.
        if is_root
            && !attrs
                .iter()
                .any(|a| a.shown == "xmlns" && a.value == SVG_NS)
        {
            tag.extend_from_slice(b" xmlns=\"");
            tag.extend_from_slice(SVG_NS.as_bytes());
            tag.push(b'"');
        }
        if uses_xlink && !declares_xlink && self.xlink_declared == 0 {
            tag.extend_from_slice(b" xmlns:xlink=\"");
            tag.extend_from_slice(XLINK_NS.as_bytes());
            tag.push(b'"');
            declares_xlink = true;
        }
        tag.extend_from_slice(if empty { b"/>" } else { b">" });

        (tag, declares_xlink)
    }

    /// The name an attribute is written with, or why it is left out.
    fn check_attribute(
        element: &str,
        ns: Option<&str>,
        name: &str,
        value: &str,
    ) -> Result<String, &'static str> {
        let written = match ns {
            None => name.to_string(),
            Some(XLINK_NS) if name == "href" || name == "title" => format!("xlink:{name}"),
            Some(XML_NS) if name == "space" || name == "lang" => format!("xml:{name}"),
            Some(_) => return Err(UNKNOWN),
        };
        if name == "href" {
            let ok = HREF_ELEMENTS.contains(&element)
                && (is_fragment(value)
                    || (matches!(element, "image" | "feImage") && is_data_image(value)));
            return if ok { Ok(written) } else { Err(EXTERNAL) };
        }
        if ns.is_none() && name.to_ascii_lowercase().starts_with("on") {
            return Err(ACTIVE);
        }
        let known = ns.is_some()
            || name == "style"
            || name.starts_with("aria-")
            || ATTRIBUTES.binary_search(&name).is_ok();
        if !known {
            return Err(UNKNOWN);
        }
        if !name.starts_with("aria-") && css_problem(value).is_some() {
            return Err(EXTERNAL);
        }
        Ok(written)
    }
}

/// Escape an attribute value for double quotes (as little as keeps it the same value, so
/// that a clean file is written back as it was).
fn escape_attribute(value: &str) -> String {
    crate::base::xml::escape_with(value, true, |out, _| out.push('\u{FFFD}'))
        .replace("&apos;", "'")
        .replace("&gt;", ">")
}

/// An attribute of a start tag.
struct Attr {
    /// Byte offset in the source.
    at: usize,
    /// The name as written (`xlink:href`).
    shown: String,
    /// The name without prefix.
    local: String,
    /// Its namespace (attributes without a prefix have none).
    ns: Option<String>,
    /// `xmlns` or `xmlns:…`.
    declaration: bool,
    value: String,
}

/// Where the attributes of a start tag begin, found in one pass over the tag in the
/// order quick-xml reads them.
struct AttrPositions<'a> {
    raw: &'a [u8],
    cursor: usize,
}

impl<'a> AttrPositions<'a> {
    fn new(e: &'a BytesStart) -> Self {
        let raw: &[u8] = e;
        AttrPositions {
            raw,
            cursor: e.name().as_ref().len(),
        }
    }

    /// Offset (from the tag's `<`) of the next attribute, named `key`.
    fn next(&mut self, key: &[u8]) -> usize {
        let raw = self.raw;
        let mut i = self.cursor;
        while raw.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let at = i;
        if !raw[at.min(raw.len())..].starts_with(key) {
            return 0;
        }
        i += key.len();
        while raw
            .get(i)
            .is_some_and(|&b| b.is_ascii_whitespace() || b == b'=')
        {
            i += 1;
        }
        if let Some(&quote) = raw.get(i).filter(|&&b| b == b'"' || b == b'\'') {
            i += 1;
            i += raw[i..]
                .iter()
                .position(|&b| b == quote)
                .map_or(raw.len() - i, |p| p + 1);
        }
        self.cursor = i;
        at + 1
    }
}

#[cfg(test)]
#[path = "svg_tests.rs"]
mod tests;
