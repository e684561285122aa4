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

use crate::xml::escape_text;

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

const ACTIVE: &str = "it could run script on the site";
const EXTERNAL: &str = "it refers to another file or address";
const UNKNOWN: &str = "it is not on wegweiser's list of SVG drawing markup";

/// SVG elements that are kept (sorted). `a`, `image`, `use`, `style` and the animation
/// elements are handled on their own.
const ELEMENTS: &[&str] = &[
    "circle",
    "clipPath",
    "defs",
    "desc",
    "ellipse",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
    "filter",
    "g",
    "line",
    "linearGradient",
    "marker",
    "mask",
    "metadata",
    "mpath",
    "path",
    "pattern",
    "polygon",
    "polyline",
    "radialGradient",
    "rect",
    "stop",
    "svg",
    "switch",
    "symbol",
    "text",
    "textPath",
    "title",
    "tspan",
    "view",
];

const ANIMATIONS: &[&str] = &["animate", "animateMotion", "animateTransform", "set"];

/// Elements whose `href` may name a `#fragment` of the same file.
const HREF_ELEMENTS: &[&str] = &[
    "feImage",
    "filter",
    "image",
    "linearGradient",
    "mpath",
    "pattern",
    "radialGradient",
    "textPath",
    "use",
];

/// Attributes without a namespace that are kept (sorted): geometry, presentation,
/// filters, animation timing, accessibility. `style` and `href` are checked on their
/// own; `aria-*` are kept too.
const ATTRIBUTES: &[&str] = &[
    "accumulate",
    "additive",
    "alignment-baseline",
    "amplitude",
    "attributeName",
    "attributeType",
    "azimuth",
    "baseFrequency",
    "baseProfile",
    "baseline-shift",
    "begin",
    "bias",
    "by",
    "calcMode",
    "class",
    "clip",
    "clip-path",
    "clip-rule",
    "clipPathUnits",
    "color",
    "color-interpolation",
    "color-interpolation-filters",
    "color-rendering",
    "cx",
    "cy",
    "d",
    "diffuseConstant",
    "direction",
    "display",
    "divisor",
    "dominant-baseline",
    "dur",
    "dx",
    "dy",
    "edgeMode",
    "elevation",
    "enable-background",
    "end",
    "exponent",
    "fill",
    "fill-opacity",
    "fill-rule",
    "filter",
    "filterUnits",
    "flood-color",
    "flood-opacity",
    "focusable",
    "font",
    "font-family",
    "font-size",
    "font-size-adjust",
    "font-stretch",
    "font-style",
    "font-variant",
    "font-weight",
    "fr",
    "from",
    "fx",
    "fy",
    "glyph-orientation-horizontal",
    "glyph-orientation-vertical",
    "gradientTransform",
    "gradientUnits",
    "height",
    "id",
    "image-rendering",
    "in",
    "in2",
    "intercept",
    "isolation",
    "k1",
    "k2",
    "k3",
    "k4",
    "kernelMatrix",
    "kernelUnitLength",
    "kerning",
    "keyPoints",
    "keySplines",
    "keyTimes",
    "lang",
    "lengthAdjust",
    "letter-spacing",
    "lighting-color",
    "limitingConeAngle",
    "marker",
    "marker-end",
    "marker-mid",
    "marker-start",
    "markerHeight",
    "markerUnits",
    "markerWidth",
    "mask",
    "mask-type",
    "maskContentUnits",
    "maskUnits",
    "max",
    "method",
    "min",
    "mix-blend-mode",
    "mode",
    "numOctaves",
    "offset",
    "opacity",
    "operator",
    "order",
    "orient",
    "overflow",
    "paint-order",
    "path",
    "pathLength",
    "patternContentUnits",
    "patternTransform",
    "patternUnits",
    "pointer-events",
    "points",
    "pointsAtX",
    "pointsAtY",
    "pointsAtZ",
    "preserveAlpha",
    "preserveAspectRatio",
    "primitiveUnits",
    "r",
    "radius",
    "refX",
    "refY",
    "repeatCount",
    "repeatDur",
    "restart",
    "result",
    "role",
    "rotate",
    "rx",
    "ry",
    "scale",
    "seed",
    "shape-rendering",
    "side",
    "slope",
    "spacing",
    "specularConstant",
    "specularExponent",
    "spreadMethod",
    "startOffset",
    "stdDeviation",
    "stitchTiles",
    "stop-color",
    "stop-opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "surfaceScale",
    "systemLanguage",
    "tabindex",
    "tableValues",
    "targetX",
    "targetY",
    "text-anchor",
    "text-decoration",
    "text-rendering",
    "textLength",
    "to",
    "transform",
    "transform-origin",
    "type",
    "unicode-bidi",
    "values",
    "vector-effect",
    "version",
    "viewBox",
    "visibility",
    "width",
    "word-spacing",
    "writing-mode",
    "x",
    "x1",
    "x2",
    "xChannelSelector",
    "y",
    "y1",
    "y2",
    "yChannelSelector",
    "z",
    "zoomAndPan",
];

/// Raster images an `<image>` or `<feImage>` may embed as a `data:` URL: they cannot
/// run script, and logos exported from drawing programs often carry one.
const DATA_IMAGES: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
];

/// Whether `href` is a reference inside the same file (`#id`, nothing before the `#`).
fn is_fragment(href: &str) -> bool {
    href.starts_with('#')
}

fn is_data_image(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    DATA_IMAGES.iter().any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| rest.starts_with(';') || rest.starts_with(','))
    })
}

/// Whether a style sheet or a CSS value stays inside the file: no `url()` other than
/// `url(#id)`, no `@import`, no `image-set()`/`src()`/`expression()`, and no CSS escape
/// (`u\72l(` is `url(`). Returns what is wrong.
pub fn css_problem(css: &str) -> Option<&'static str> {
    if css.contains('\\') {
        return Some("a CSS escape (`\\`)");
    }
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return Some("`@import`");
    }
    for f in ["image-set(", "src(", "expression(", "image("] {
        if lower.contains(f) {
            return Some("a CSS function that loads a file");
        }
    }
    for (at, _) in lower.match_indices("url(") {
        let target = lower[at + 4..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let target = target.trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            return Some("a `url()` of another file");
        }
    }
    None
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
        .find(|&(_, c)| !crate::xml::is_xml_char(c))
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
                        Ok(Some(c)) if crate::xml::is_xml_char(c) => c,
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

        // What to do with the element.
        let href = attrs
            .iter()
            .find(|a| a.local == "href" && matches!(a.ns.as_deref(), None | Some(XLINK_NS)))
            .map(|a| a.value.clone());
        let mut out_name = local.clone();
        let mut drop: Option<(String, &'static str)> = None;
        if ns.as_deref() != Some(SVG_NS) {
            drop = Some((format!("`<{shown}>` element of another namespace"), UNKNOWN));
        } else {
            match local.as_str() {
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
        if let Some((what, why)) = drop {
            self.unbind(bound);
            self.remove(offset, what, why);
            self.skip += usize::from(!empty);
            return Ok(());
        }

        // The start tag.
        let mut tag = Vec::with_capacity(e.len() + 2);
        tag.push(b'<');
        tag.extend_from_slice(out_name.as_bytes());
        let mut declares_xlink = false;
        let mut uses_xlink = false;
        for a in &attrs {
            let written = if a.shown == "xmlns" {
                (is_root && a.value == SVG_NS).then(|| "xmlns".to_string())
            } else if a.declaration {
                let keep = a.shown == "xmlns:xlink" && a.value == XLINK_NS;
                declares_xlink |= keep;
                keep.then(|| "xmlns:xlink".to_string())
            } else {
                match Self::check_attribute(&local, a.ns.as_deref(), &a.local, &a.value) {
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
    crate::xml::escape_with(value, true, |out, _| out.push('\u{FFFD}'))
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

/// Attributes of `<a>` that go with the link when it becomes a `<g>`.
const LINK_ATTRIBUTES: &[&str] = &[
    "href",
    "target",
    "title",
    "show",
    "actuate",
    "type",
    "role",
    "arcrole",
    "download",
    "hreflang",
    "ping",
    "referrerpolicy",
    "rel",
];

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
mod tests {
    use super::*;

    fn clean(svg: &str) -> Sanitized {
        sanitize(svg.as_bytes()).unwrap_or_else(|e| panic!("{e:?} in {svg}"))
    }

    /// Parse `svg` with roxmltree (an independent XML parser) and check that nothing in
    /// it can run script or load another file.
    fn assert_inert(svg: &[u8]) {
        let text = std::str::from_utf8(svg).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(doc.root_element().tag_name().namespace(), Some(SVG_NS));
        for node in doc.descendants().filter(|n| n.is_element()) {
            let name = node.tag_name();
            assert_eq!(name.namespace(), Some(SVG_NS), "{text}");
            assert!(
                !matches!(name.name(), "script" | "foreignObject" | "a"),
                "{text}"
            );
            for attr in node.attributes() {
                assert!(
                    !attr.name().to_ascii_lowercase().starts_with("on"),
                    "{text}"
                );
                if attr.name() == "href" {
                    assert!(
                        attr.value().starts_with('#') || attr.value().starts_with("data:image/png"),
                        "{text}"
                    );
                }
                if attr.name() != "href" {
                    assert!(css_problem(attr.value()).is_none(), "{text}");
                }
            }
        }
        assert!(!text.contains("<?xml-stylesheet"), "{text}");
        assert!(!text.contains("<!DOCTYPE"), "{text}");
    }

    #[test]
    fn the_example_portals_drawings_are_unchanged() {
        for svg in [
            &include_bytes!("../content-example/content/musterstadt/wappen.svg")[..],
            include_bytes!(
                "../content-example/content/musterstadt/ankommen/buergerbuero/lageplan.svg"
            ),
            include_bytes!("../content-example/content/landkreis-beispiel/logo.svg"),
            include_bytes!(
                "../content-example/content/landkreis-beispiel/ankommen/kreishaus/wegbeschreibung.svg"
            ),
        ] {
            let s = sanitize(svg).unwrap();
            assert_eq!(s.removed, []);
            assert_eq!(
                String::from_utf8_lossy(&s.svg),
                String::from_utf8_lossy(svg)
            );
        }
    }

    #[test]
    fn script_handlers_and_foreign_objects_are_left_out() {
        let src = r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" viewBox="0 0 10 10">
<script>alert(2)</script>
<script xlink:href="https://evil.example/x.js" xmlns:xlink="http://www.w3.org/1999/xlink"/>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(3)"/></div></foreignObject>
<rect width="10" height="10" fill="red" onclick="alert(4)" OnMouseOver="alert(5)"/>
<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(6)</html:script>
<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(7)</svg:script>
</svg>
"#;
        let s = clean(src);
        assert_inert(&s.svg);
        let out = String::from_utf8(s.svg).unwrap();
        assert!(!out.contains("alert"), "{out}");
        assert!(
            out.contains(r#"<rect width="10" height="10" fill="red"/>"#),
            "{out}"
        );
        assert!(out.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
        let what: Vec<&str> = s.removed.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "`onload` attribute (an event handler)",
                "`<script>` element",
                "`<script>` element",
                "`<foreignObject>` element",
                "`onclick` attribute (an event handler)",
                "`OnMouseOver` attribute (an event handler)",
                "`<html:script>` element of another namespace",
                "`<svg:script>` element",
            ]
        );
        // Offsets point at the element or attribute.
        assert!(src[s.removed[0].offset..].starts_with("onload="));
        assert!(src[s.removed[1].offset..].starts_with("<script>"));
        assert!(src[s.removed[4].offset..].starts_with("onclick="));
    }

    #[test]
    fn references_to_other_files_and_urls_are_left_out() {
        let src = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<a xlink:href="javascript:alert(1)" target="_blank"><circle r="5"/></a>
<a href=" JaVa&#9;script:alert(2)"><text>hi</text></a>
<image href="https://tracker.example/p.png" width="1" height="1"/>
<image xlink:href="data:image/svg+xml,&lt;svg onload=alert(3)&gt;"/>
<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
<use href="other.svg#x"/>
<use xlink:href="#local"/>
<linearGradient id="g" xlink:href="https://x.example/g.svg#g"/>
<rect fill="url(https://x.example/f.svg#p)" stroke="url(#g)" width="1" height="1"/>
<rect style="fill: u\72l(https://x.example/)" width="1" height="1"/>
<rect style="fill: #fff; stroke: url( '#g' )" width="1" height="1"/>
<style>@import url(https://x.example/a.css); rect { fill: red }</style>
<style>rect { fill: url(&quot;#g&quot;) }</style>
<animate attributeName="href" to="javascript:alert(4)"/>
<set attributeName="xlink:href" to="javascript:alert(5)"/>
<animate attributeName="onclick" to="alert(6)"/>
<animate attributeName="opacity" from="0" to="1" dur="1s"/>
<?xml-stylesheet href="https://x.example/s.css"?>
</svg>"##;
        let s = clean(src);
        assert_inert(&s.svg);
        let out = String::from_utf8(s.svg).unwrap();
        for gone in [
            "javascript",
            "JaVa",
            "tracker",
            "other.svg",
            "x.example",
            "alert",
            "svg+xml",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        for kept in [
            r#"<g><circle r="5"/></g>"#,
            r#"<g><text>hi</text></g>"#,
            r#"<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>"#,
            r##"<use xlink:href="#local"/>"##,
            r#"<linearGradient id="g"/>"#,
            r##"<rect stroke="url(#g)" width="1" height="1"/>"##,
            r##"<rect style="fill: #fff; stroke: url( '#g' )" width="1" height="1"/>"##,
            r##"<style>rect { fill: url("#g") }</style>"##,
            r#"<animate attributeName="opacity" from="0" to="1" dur="1s"/>"#,
        ] {
            assert!(out.contains(kept), "{kept} missing in {out}");
        }
        assert_eq!(s.removed.len(), 13, "{:#?}", s.removed);
    }

    #[test]
    fn entities_are_never_expanded() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "haha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>"#;
        let e = sanitize(laughs.as_bytes()).unwrap_err();
        assert!(e.message.contains("`&c;` is not defined"), "{e:?}");
        assert!(laughs[e.offset..].starts_with("&c;"));

        let in_attribute = r#"<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>
<svg xmlns="http://www.w3.org/2000/svg"><rect class="&x;"/></svg>"#;
        let e = sanitize(in_attribute.as_bytes()).unwrap_err();
        assert!(in_attribute[e.offset..].starts_with("class="), "{e:?}");

        // A DOCTYPE without entities in use is left out with a note.
        let s = clean(
            "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\">&amp;&#x41;&lt;</svg>",
        );
        assert_eq!(s.removed.len(), 1);
        assert_eq!(
            String::from_utf8(s.svg).unwrap(),
            "\n<svg xmlns=\"http://www.w3.org/2000/svg\">&amp;A&lt;</svg>"
        );
    }

    #[test]
    fn broken_and_foreign_files_are_refused() {
        for (src, message) in [
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>",
                "not well-formed",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\">",
                "not well-formed",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\" a=\"1\" a=\"2\"/>",
                "given twice",
            ),
            ("<svg><script>alert(1)</script></svg>", "not an SVG image"),
            (
                "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
                "not an SVG image",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                "second element",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><x:g/></svg>",
                "not declared",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>junk",
                "text outside",
            ),
            (
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                "only UTF-8",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- a -- b --></svg>",
                "not well-formed",
            ),
            ("", "no `<svg>`"),
        ] {
            let e = sanitize(src.as_bytes()).unwrap_err();
            assert!(e.message.contains(message), "{src}: {e:?}");
        }
        let e = sanitize(b"<svg xmlns=\"http://www.w3.org/2000/svg\">\xff</svg>").unwrap_err();
        assert!(e.message.contains("UTF-8"));
    }

    #[test]
    fn a_prefixed_svg_is_written_without_prefixes() {
        let src = r##"<s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:l="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.0"><s:use l:href="#a"/><s:g xml:space="preserve"/></s:svg>"##;
        let s = clean(src);
        assert_inert(&s.svg);
        assert_eq!(
            String::from_utf8(s.svg).unwrap(),
            r##"<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#a" xmlns:xlink="http://www.w3.org/1999/xlink"/><g xml:space="preserve"/></svg>"##
        );
        assert_eq!(s.removed.len(), 1);
        assert_eq!(s.removed[0].what, "`inkscape:version` attribute");
        assert!(src[s.removed[0].offset..].starts_with("inkscape:version"));
    }

    #[test]
    fn deep_nesting_is_refused_and_big_files_take_linear_time() {
        let deep = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
            "<g>".repeat(MAX_DEPTH),
            "</g>".repeat(MAX_DEPTH)
        );
        let e = sanitize(deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("nest deeper"), "{e:?}");
        let ok = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
            "<g>".repeat(MAX_DEPTH - 1),
            "</g>".repeat(MAX_DEPTH - 1)
        );
        assert_inert(&clean(&ok).svg);
        // Inside a left-out element too.
        let hidden = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>{}{}</script></svg>",
            "<g>".repeat(MAX_DEPTH),
            "</g>".repeat(MAX_DEPTH)
        );
        assert!(sanitize(hidden.as_bytes()).is_err());

        // Many attributes on one element and many elements: one pass each.
        let attrs: String = (0..20_000).map(|i| format!(" onx{i}=\"1\"")).collect();
        let many = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"{attrs}>{}</svg>",
            "<rect width=\"1\" height=\"1\"/>".repeat(50_000)
        );
        let start = std::time::Instant::now();
        let s = clean(&many);
        assert_eq!(s.removed.len(), 20_000);
        assert!(many[s.removed[19_999].offset..].starts_with("onx19999="));
        // Seconds, not the minutes a quadratic pass would take (debug build).
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    /// Mutated hostile and clean SVGs: whatever is not refused comes out well-formed
    /// (for roxmltree) and inert.
    #[test]
    fn mutated_files_are_refused_or_come_out_well_formed_and_inert() {
        let seeds: Vec<String> = vec![
            String::from_utf8_lossy(include_bytes!(
                "../content-example/content/landkreis-beispiel/logo.svg"
            ))
            .into_owned(),
            r##"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)"><!-- c --><a xlink:href="javascript:alert(1)"><text>&amp;a</text></a><script><![CDATA[alert(1)]]></script><style>a{fill:url(#x)}</style><use href="#x"/><image href="data:image/png;base64,AA"/><set attributeName="href" to="javascript:alert(1)"/><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>"##.to_string(),
        ];
        let tokens = [
            "<",
            ">",
            "/>",
            "</g>",
            "<g>",
            "&",
            "&amp;",
            "&#0;",
            "&#x1;",
            "\"",
            "'",
            "=",
            ":",
            "-",
            "--",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<?",
            "?>",
            "xmlns=\"\"",
            "xmlns:x=\"http://www.w3.org/2000/svg\"",
            "x:",
            "xlink:",
            " href=\"javascript:1\"",
            " onload=\"1\"",
            "<script>",
            "</script>",
            "\u{1}",
            "\u{FFFE}",
            "\n",
            " ",
            "url(",
            "<a>",
            "</a>",
            "<style>",
            "</style>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\">",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut accepted, mut refused) = (0, 0);
        for round in 0..4000 {
            let mut text = seeds[round % seeds.len()].clone();
            for _ in 0..1 + next(4) {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match next(3) {
                    0 => text.insert_str(at, tokens[next(tokens.len())]),
                    1 => {
                        let mut end = (at + next(12)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let mut end = (at + next(40)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        let piece = text[at..end].to_string();
                        text.insert_str(at, &piece);
                    }
                }
            }
            match sanitize(text.as_bytes()) {
                Ok(s) => {
                    accepted += 1;
                    assert_inert(&s.svg);
                }
                Err(_) => refused += 1,
            }
        }
        // Both kinds occur, so the test tests something.
        assert!(
            accepted > 500 && refused > 500,
            "{accepted} accepted, {refused} refused"
        );
    }

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]));
        assert!(ATTRIBUTES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn css_is_checked_for_references() {
        assert_eq!(css_problem("fill: url(#a); stroke: URL( \"#b\")"), None);
        assert!(css_problem("fill: URL(https://x)").is_some());
        assert!(css_problem("@IMPORT 'a.css'").is_some());
        assert!(css_problem("background: image-set('a.png' 1x)").is_some());
        assert!(css_problem("fill: \\75rl(x)").is_some());
    }
}
