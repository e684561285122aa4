//! Reading an XLIFF 2 document into what import needs: files, their notes and
//! skeletons, and units with their source and target content.

use std::collections::HashMap;

use super::segment::{self, Inline};
use super::xml;
use super::{SKELETON_NS, XLIFF_NS};

/// An XLIFF 2 document as far as wegweiser needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub version: String,
    pub src_lang: String,
    pub trg_lang: Option<String>,
    pub files: Vec<File>,
    /// Line of the `<xliff>` element.
    pub line: usize,
}

/// One `<file>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub id: String,
    pub original: Option<String>,
    pub line: usize,
    /// `(id, text)` of each `<note>` in the file's `<notes>`.
    pub notes: Vec<(Option<String>, String)>,
    /// wegweiser's skeleton of the body, when the file has one.
    pub skeleton: Option<Vec<SkeletonPart>>,
    pub units: Vec<Unit>,
}

/// Part of a `<ww:body>` skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkeletonPart {
    Text(String),
    /// `<ww:segment unit="…" kind="…"/>`: the unit whose translation goes here, and what
    /// holds it (`td` for a table cell).
    Unit {
        id: String,
        kind: String,
    },
}

impl File {
    /// The text of the note with this id.
    pub fn note(&self, id: &str) -> Option<&str> {
        self.notes
            .iter()
            .find(|(i, _)| i.as_deref() == Some(id))
            .map(|(_, t)| t.as_str())
    }
}

/// One `<unit>`, its segments joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub line: usize,
    /// The source's text with each code as the Markdown it stands for.
    pub source: String,
    /// The same for the target; `None` when a segment has no `<target>`.
    pub target: Option<String>,
    /// The source with its codes.
    pub source_content: Vec<Inline>,
    /// The target with its codes.
    pub target_content: Option<Vec<Inline>>,
    /// Line of the (first) `<target>`, else of the unit.
    pub target_line: usize,
}

/// A problem reading XLIFF, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: usize,
    pub message: String,
}

pub(super) fn read_error(line: usize, message: impl Into<String>) -> ReadError {
    ReadError {
        line,
        message: message.into(),
    }
}

/// Read an XLIFF 2 document.
pub fn read(text: &str) -> Result<Document, ReadError> {
    let root = xml::parse(text)?;
    if root.name != "xliff" {
        return Err(read_error(
            root.line,
            format!("not an XLIFF file: the root element is <{}>", root.name),
        ));
    }
    if root.ns != XLIFF_NS {
        let hint = if root.ns.contains("xliff:document:1.2") {
            ": this is XLIFF 1.2; save it as XLIFF 2.0 in the translation tool"
        } else {
            ""
        };
        return Err(read_error(
            root.line,
            format!("the <xliff> element is not in the XLIFF 2 namespace {XLIFF_NS}{hint}"),
        ));
    }
    let version = root.attr("version").unwrap_or_default().to_string();
    if !version.starts_with("2.") {
        return Err(read_error(
            root.line,
            format!("XLIFF version `{version}` is not supported: wegweiser reads XLIFF 2"),
        ));
    }
    let src_lang = root
        .attr("srcLang")
        .ok_or_else(|| read_error(root.line, "the <xliff> element has no srcLang"))?
        .to_string();
    let trg_lang = root.attr("trgLang").map(str::to_string);
    let mut files = Vec::new();
    for f in root.xliff_children() {
        match f.name.as_str() {
            "file" => files.push(read_file(f)?),
            other => {
                return Err(read_error(
                    f.line,
                    format!("unexpected <{other}> in <xliff>"),
                ));
            }
        }
    }
    if files.is_empty() {
        return Err(read_error(root.line, "the XLIFF file has no <file>"));
    }
    Ok(Document {
        version,
        src_lang,
        trg_lang,
        files,
        line: root.line,
    })
}

fn required_id(e: &xml::Element) -> Result<String, ReadError> {
    e.attr("id")
        .map(str::to_string)
        .ok_or_else(|| read_error(e.line, format!("<{}> has no id", e.name)))
}

fn read_file(f: &xml::Element) -> Result<File, ReadError> {
    let mut file = File {
        id: required_id(f)?,
        original: f.attr("original").map(str::to_string),
        line: f.line,
        notes: Vec::new(),
        skeleton: None,
        units: Vec::new(),
    };
    for child in f.xliff_children() {
        match child.name.as_str() {
            "skeleton" => file.skeleton = read_skeleton(child)?,
            "notes" => {
                for n in child.xliff_children().filter(|n| n.name == "note") {
                    file.notes
                        .push((n.attr("id").map(str::to_string), n.text_content()));
                }
            }
            "unit" | "group" => read_units(child, &mut file.units)?,
            _ => {}
        }
    }
    Ok(file)
}

/// wegweiser's `<ww:body>` in a `<skeleton>`; `None` for other skeletons.
fn read_skeleton(e: &xml::Element) -> Result<Option<Vec<SkeletonPart>>, ReadError> {
    let Some(body) = e.children.iter().find_map(|n| match n {
        xml::Node::Element(b) if b.ns == SKELETON_NS && b.name == "body" => Some(b),
        _ => None,
    }) else {
        return Ok(None);
    };
    let mut parts = Vec::new();
    for n in &body.children {
        match n {
            // White space between the elements, as tools indent it.
            xml::Node::Text(_) => {}
            xml::Node::Element(s) if s.ns == SKELETON_NS && s.name == "md" => {
                parts.push(SkeletonPart::Text(
                    s.attr("text").unwrap_or_default().to_string(),
                ));
            }
            xml::Node::Element(s) if s.ns == SKELETON_NS && s.name == "segment" => {
                let id = s.attr("unit").ok_or_else(|| {
                    read_error(s.line, "<ww:segment> in the skeleton has no `unit`")
                })?;
                parts.push(SkeletonPart::Unit {
                    id: id.to_string(),
                    kind: s.attr("kind").unwrap_or("p").to_string(),
                });
            }
            xml::Node::Element(s) => {
                return Err(read_error(
                    s.line,
                    format!("unexpected <{}> in the skeleton", s.name),
                ));
            }
        }
    }
    Ok(Some(parts))
}

fn read_units(e: &xml::Element, units: &mut Vec<Unit>) -> Result<(), ReadError> {
    if e.name == "group" {
        for child in e.xliff_children() {
            if matches!(child.name.as_str(), "unit" | "group") {
                read_units(child, units)?;
            }
        }
        return Ok(());
    }
    let mut data = HashMap::new();
    for od in e.xliff_children().filter(|c| c.name == "originalData") {
        for d in od.xliff_children().filter(|c| c.name == "data") {
            let mut text = Vec::new();
            inline_into(d, &HashMap::new(), &mut text)?;
            data.insert(required_id(d)?, segment::to_raw(&text));
        }
    }
    let mut unit = Unit {
        id: required_id(e)?,
        line: e.line,
        source: String::new(),
        target: None,
        source_content: Vec::new(),
        target_content: Some(Vec::new()),
        target_line: e.line,
    };
    let mut first_target = None;
    for part in e.xliff_children() {
        let ignorable = match part.name.as_str() {
            "segment" => false,
            "ignorable" => true,
            _ => continue,
        };
        let mut source = None;
        let mut target = None;
        for c in part.xliff_children() {
            match c.name.as_str() {
                "source" => source = Some(inline_text(c, &data)?),
                "target" => {
                    first_target.get_or_insert(c.line);
                    target = Some(inline_text(c, &data)?);
                }
                other => {
                    return Err(read_error(
                        c.line,
                        format!("unexpected <{other}> in <{}>", part.name),
                    ));
                }
            }
        }
        let source = source
            .ok_or_else(|| read_error(part.line, format!("<{}> has no <source>", part.name)))?;
        let target = match target {
            Some(t) => Some(t),
            None if ignorable => Some(source.clone()),
            None => None,
        };
        unit.source_content.extend(source);
        unit.target_content = match (unit.target_content, target) {
            (Some(mut all), Some(t)) => {
                all.extend(t);
                Some(all)
            }
            _ => None,
        };
    }
    unit.source = segment::to_raw(&unit.source_content);
    unit.target = unit.target_content.as_deref().map(segment::to_raw);
    unit.target_line = first_target.unwrap_or(e.line);
    units.push(unit);
    Ok(())
}

/// The content of `<source>` or `<target>`: text, and the codes wegweiser writes
/// (`<ph>`, `<pc>`) or tools make of them (`<sc>`/`<ec>`), each with the Markdown of
/// its `<originalData>`; annotations (`<mrk>`) keep their text, markers are dropped.
fn inline_text(e: &xml::Element, data: &HashMap<String, String>) -> Result<Vec<Inline>, ReadError> {
    let mut out = Vec::new();
    inline_into(e, data, &mut out)?;
    Ok(out)
}

fn push_text(out: &mut Vec<Inline>, t: &str) {
    match out.last_mut() {
        Some(Inline::Text(x)) => x.push_str(t),
        _ => out.push(Inline::Text(t.to_string())),
    }
}

fn inline_into(
    e: &xml::Element,
    data: &HashMap<String, String>,
    out: &mut Vec<Inline>,
) -> Result<(), ReadError> {
    // A reference to data the tool dropped reads as no Markdown: import takes it from
    // the source, or refuses the unit if the source changed.
    let lookup = |c: &xml::Element, attr: &str| -> Result<String, ReadError> {
        Ok(c.attr(attr)
            .and_then(|r| data.get(r).cloned())
            .unwrap_or_default())
    };
    for node in &e.children {
        match node {
            xml::Node::Text(t) => push_text(out, t),
            xml::Node::Element(c) if c.ns != XLIFF_NS => {
                return Err(read_error(
                    c.line,
                    format!(
                        "unexpected <{}> from another namespace in <{}>",
                        c.name, e.name
                    ),
                ));
            }
            xml::Node::Element(c) => match c.name.as_str() {
                "mrk" => inline_into(c, data, out)?,
                "sm" | "em" => {}
                "ph" => out.push(Inline::Ph {
                    id: required_id(c)?,
                    data: lookup(c, "dataRef")?,
                }),
                "pc" => {
                    let mut content = Vec::new();
                    inline_into(c, data, &mut content)?;
                    out.push(Inline::Pc {
                        id: required_id(c)?,
                        start: lookup(c, "dataRefStart")?,
                        end: lookup(c, "dataRefEnd")?,
                        content,
                    });
                }
                "sc" => out.push(Inline::Sc {
                    id: required_id(c)?,
                    data: lookup(c, "dataRef")?,
                }),
                "ec" => out.push(Inline::Ec {
                    id: c
                        .attr("startRef")
                        .or_else(|| c.attr("id"))
                        .ok_or_else(|| read_error(c.line, "<ec> has no startRef"))?
                        .to_string(),
                    data: lookup(c, "dataRef")?,
                }),
                "cp" => {
                    let hex = c.attr("hex").unwrap_or_default();
                    let ch = u32::from_str_radix(hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            read_error(c.line, format!("<cp hex=\"{hex}\"> is not a character"))
                        })?;
                    push_text(out, ch.encode_utf8(&mut [0; 4]));
                }
                other => {
                    return Err(read_error(
                        c.line,
                        format!("inline element <{other}> is not supported in <{}>", e.name),
                    ));
                }
            },
        }
    }
    Ok(())
}
