//! A small strict XML reader: elements, attributes, text, CDATA, comments, processing
//! instructions, the predefined entities and character references, and namespaces. No
//! DTDs (so no entity expansion).

use super::document::{ReadError, read_error};

pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// XLIFF needs a handful of levels; the limit keeps the readers' recursion safe.
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone)]
pub struct Element {
    /// Namespace URI (`""` for none).
    pub ns: String,
    /// Local name.
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub ns: String,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// An attribute without namespace.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.name == name)
            .map(|a| a.value.as_str())
    }

    /// Child elements in the XLIFF namespace.
    pub fn xliff_children(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) if e.ns == super::XLIFF_NS => Some(e),
            _ => None,
        })
    }

    /// All text inside, elements left out.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => out.push_str(&e.text_content()),
            }
        }
        out
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Line at `counted`.
    line: usize,
    counted: usize,
}

/// An element being read: the element, its raw name, and its namespace declarations.
struct Open {
    element: Element,
    raw: String,
    scope: Vec<(String, String)>,
}

impl<'a> Parser<'a> {
    fn line(&mut self) -> usize {
        let from = self.counted.min(self.pos);
        self.line += self.text[from..self.pos].matches('\n').count();
        self.counted = self.pos;
        self.line
    }

    fn err(&mut self, message: impl Into<String>) -> ReadError {
        let line = self.line();
        read_error(line, message)
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\n']).len();
    }

    /// Skip to after `end`; error if it never comes.
    fn skip_past(&mut self, end: &str, what: &str) -> Result<&'a str, ReadError> {
        match self.rest().find(end) {
            Some(i) => {
                let skipped = &self.rest()[..i];
                self.pos += i + end.len();
                Ok(skipped)
            }
            None => Err(self.err(format!("{what} is never closed"))),
        }
    }

    /// White space, comments and processing instructions outside the root element.
    fn misc(&mut self) -> Result<(), ReadError> {
        loop {
            self.skip_ws();
            if self.eat("<!--") {
                self.skip_past("-->", "a comment")?;
            } else if self.eat("<?") {
                self.skip_past("?>", "a processing instruction")?;
            } else if self.rest().starts_with("<!DOCTYPE") {
                return Err(self.err("DOCTYPE declarations are not allowed in XLIFF"));
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<&'a str, ReadError> {
        let rest = self.rest();
        let end = rest
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<' | '"' | '\'' | '&')
            })
            .unwrap_or(rest.len());
        if end == 0 {
            return Err(self.err("expected a name"));
        }
        self.pos += end;
        Ok(&rest[..end])
    }

    fn decode(&mut self, raw: &str, attribute: bool) -> Result<String, ReadError> {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(i) = rest.find(['&', '<']) {
            push_text(&mut out, &rest[..i], attribute);
            if rest[i..].starts_with('<') {
                return Err(self.err("`<` is not allowed in an attribute value"));
            }
            let after = &rest[i + 1..];
            let Some(end) = after.find(';') else {
                return Err(self.err("`&` must start an entity such as &amp;"));
            };
            let entity = &after[..end];
            let c = match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse::<u32>().ok()
                    } else {
                        None
                    };
                    match code
                        .and_then(char::from_u32)
                        .filter(|c| crate::base::xml::is_xml_char(*c))
                    {
                        Some(c) => c,
                        None => {
                            return Err(self.err(format!("unknown entity &{entity};")));
                        }
                    }
                }
            };
            out.push(c);
            rest = &after[end + 1..];
        }
        push_text(&mut out, rest, attribute);
        Ok(out)
    }

    /// A start tag after its `<`: the element, its raw name, its namespace
    /// declarations, and whether it closed itself.
    fn start_tag(&mut self) -> Result<(Open, bool), ReadError> {
        let line = self.line();
        let raw = self.name()?.to_string();
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            let before = self.pos;
            self.skip_ws();
            if self.eat("/>") {
                return Ok((open(raw, attrs, line), true));
            }
            if self.eat(">") {
                return Ok((open(raw, attrs, line), false));
            }
            if self.pos >= self.text.len() {
                return Err(self.err(format!("<{raw}> is never closed")));
            }
            if self.pos == before {
                return Err(self.err(format!("expected white space or `>` in <{raw}>")));
            }
            let name = self.name()?.to_string();
            self.skip_ws();
            if !self.eat("=") {
                return Err(self.err(format!("attribute `{name}` has no value")));
            }
            self.skip_ws();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.err(format!("the value of `{name}` must be quoted"))),
            };
            self.pos += 1;
            let Some(end) = self.rest().find(quote) else {
                return Err(self.err(format!("the value of `{name}` is never closed")));
            };
            let raw_value = &self.rest()[..end];
            let value = self.decode(raw_value, true)?;
            self.pos += end + 1;
            if attrs.iter().any(|(n, _)| *n == name) {
                return Err(self.err(format!("attribute `{name}` appears twice")));
            }
            attrs.push((name, value));
        }
    }
}

fn push_text(out: &mut String, s: &str, attribute: bool) {
    if attribute {
        out.extend(
            s.chars()
                .map(|c| if matches!(c, '\t' | '\n') { ' ' } else { c }),
        );
    } else {
        out.push_str(s);
    }
}

fn open(raw: String, attrs: Vec<(String, String)>, line: usize) -> Open {
    let mut scope = Vec::new();
    let mut plain = Vec::new();
    for (name, value) in attrs {
        if name == "xmlns" {
            scope.push((String::new(), value));
        } else if let Some(prefix) = name.strip_prefix("xmlns:") {
            scope.push((prefix.to_string(), value));
        } else {
            plain.push(Attr {
                ns: String::new(),
                name,
                value,
            });
        }
    }
    Open {
        element: Element {
            ns: String::new(),
            name: String::new(),
            attrs: plain,
            children: Vec::new(),
            line,
        },
        raw,
        scope,
    }
}

fn lookup<'s>(stack: &'s [Open], current: &'s [(String, String)], prefix: &str) -> Option<&'s str> {
    if prefix == "xml" {
        return Some(XML_NS);
    }
    current
        .iter()
        .chain(stack.iter().rev().flat_map(|o| o.scope.iter()))
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.as_str())
}

/// Resolve the names of a just-opened element against the open ones.
fn resolve(stack: &[Open], o: &mut Open) -> Result<(), ReadError> {
    let line = o.element.line;
    let (prefix, local) = o.raw.split_once(':').unwrap_or(("", &o.raw));
    let ns = match lookup(stack, &o.scope, prefix) {
        Some(uri) => uri.to_string(),
        None if prefix.is_empty() => String::new(),
        None => {
            return Err(read_error(
                line,
                format!("unknown namespace prefix `{prefix}:`"),
            ));
        }
    };
    o.element.ns = ns;
    o.element.name = local.to_string();
    for a in &mut o.element.attrs {
        if let Some((prefix, local)) = a.name.split_once(':') {
            let Some(uri) = lookup(stack, &o.scope, prefix) else {
                return Err(read_error(
                    line,
                    format!("unknown namespace prefix `{prefix}:`"),
                ));
            };
            a.ns = uri.to_string();
            a.name = local.to_string();
        }
    }
    Ok(())
}

fn add_text(parent: &mut Element, text: String) {
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.push_str(&text);
    } else if !text.is_empty() {
        parent.children.push(Node::Text(text));
    }
}

/// Parse a whole document into its root element.
pub fn parse(input: &str) -> Result<Element, ReadError> {
    let normalized = input
        .strip_prefix('\u{FEFF}')
        .unwrap_or(input)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    if let Some(c) = normalized
        .chars()
        .find(|c| !crate::base::xml::is_xml_char(*c))
    {
        let at = normalized.find(c).unwrap_or(0);
        let line = normalized[..at].matches('\n').count() + 1;
        return Err(read_error(
            line,
            format!("the character U+{:04X} is not allowed in XML", u32::from(c)),
        ));
    }
    let mut p = Parser {
        text: &normalized,
        pos: 0,
        line: 1,
        counted: 0,
    };
    p.misc()?;
    if !p.eat("<") {
        return Err(p.err("expected the root element"));
    }
    let mut stack: Vec<Open> = Vec::new();
    let (mut first, closed) = p.start_tag()?;
    resolve(&stack, &mut first)?;
    if closed {
        return finish(&mut p, first.element);
    }
    stack.push(first);
    loop {
        if p.pos >= p.text.len() {
            let raw = stack.last().map(|o| o.raw.clone()).unwrap_or_default();
            return Err(p.err(format!("<{raw}> is never closed")));
        }
        if p.eat("<!--") {
            p.skip_past("-->", "a comment")?;
        } else if p.eat("<![CDATA[") {
            let text = p.skip_past("]]>", "a CDATA section")?.to_string();
            if let Some(top) = stack.last_mut() {
                add_text(&mut top.element, text);
            }
        } else if p.eat("<?") {
            p.skip_past("?>", "a processing instruction")?;
        } else if p.eat("</") {
            let name = p.name()?.to_string();
            p.skip_ws();
            if !p.eat(">") {
                return Err(p.err(format!("expected `>` after </{name}")));
            }
            let Some(done) = stack.pop() else {
                return Err(p.err(format!("</{name}> closes nothing")));
            };
            if done.raw != name {
                return Err(p.err(format!("</{name}> closes <{}>", done.raw)));
            }
            match stack.last_mut() {
                Some(parent) => parent.element.children.push(Node::Element(done.element)),
                None => return finish(&mut p, done.element),
            }
        } else if p.rest().starts_with("<!") {
            return Err(p.err("declarations are not allowed inside elements"));
        } else if p.eat("<") {
            if stack.len() >= MAX_DEPTH {
                return Err(p.err(format!("elements nest deeper than {MAX_DEPTH} levels")));
            }
            let (mut o, closed) = p.start_tag()?;
            resolve(&stack, &mut o)?;
            if closed {
                if let Some(parent) = stack.last_mut() {
                    parent.element.children.push(Node::Element(o.element));
                }
            } else {
                stack.push(o);
            }
        } else {
            let end = p.rest().find('<').unwrap_or(p.rest().len());
            let raw = &p.rest()[..end];
            let text = p.decode(raw, false)?;
            p.pos += end;
            if let Some(top) = stack.last_mut() {
                add_text(&mut top.element, text);
            }
        }
    }
}

fn finish(p: &mut Parser<'_>, root: Element) -> Result<Element, ReadError> {
    p.misc()?;
    if p.pos < p.text.len() {
        return Err(p.err("content after the root element"));
    }
    Ok(root)
}
