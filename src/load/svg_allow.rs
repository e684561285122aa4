//! What an SVG may keep (see [`crate::load::svg`]): the allow-lists of elements and
//! attributes, the references that stay inside the file, and the check of its CSS.

pub(crate) const ACTIVE: &str = "it could run script on the site";
pub(crate) const EXTERNAL: &str = "it refers to another file or address";
pub(crate) const UNKNOWN: &str = "it is not on wegweiser's list of SVG drawing markup";

/// SVG elements that are kept (sorted). `a`, `image`, `use`, `style` and the animation
/// elements are handled on their own.
pub(crate) const ELEMENTS: &[&str] = &[
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

pub(crate) const ANIMATIONS: &[&str] = &["animate", "animateMotion", "animateTransform", "set"];

/// Elements whose `href` may name a `#fragment` of the same file.
pub(crate) const HREF_ELEMENTS: &[&str] = &[
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
pub(crate) const ATTRIBUTES: &[&str] = &[
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
pub(crate) const DATA_IMAGES: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
];

/// Whether `href` is a reference inside the same file (`#id`, nothing before the `#`).
pub(crate) fn is_fragment(href: &str) -> bool {
    href.starts_with('#')
}

pub(crate) fn is_data_image(href: &str) -> bool {
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

/// Attributes of `<a>` that go with the link when it becomes a `<g>`.
pub(crate) const LINK_ATTRIBUTES: &[&str] = &[
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
