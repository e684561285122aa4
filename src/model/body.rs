//! A rendered Markdown body as the model holds it: HTML with a slot where each internal
//! link's URL goes, the links by their language-neutral target, and the anchors. Made
//! by the Markdown renderer in the load stage, written by the render stage.

use std::ops::Range;
use std::sync::Arc;

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
    /// An absolute link to the portal's own `base_url`: the output folder (or file) it
    /// names, relative to the output root and decoded (`musterstadt/de/arbeit`).
    Site { dir: String, anchor: Option<String> },
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
pub(crate) struct Slot {
    /// Byte position in the HTML.
    pub(crate) at: usize,
    /// Index into [`Body::links`].
    pub(crate) link: usize,
    /// The attribute value has no quotes (minified): write them.
    pub(crate) unquoted: bool,
}

/// A rendered body: HTML with slots for internal links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// Shared: documents are cloned into the model, and kept by `wegweiser serve`.
    pub(crate) html: Arc<str>,
    /// Where links go, ascending.
    pub(crate) slots: Vec<Slot>,
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

    /// Nothing but white space: a translation whose text is still to be written.
    pub fn is_blank(&self) -> bool {
        self.html.trim().is_empty()
    }
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
