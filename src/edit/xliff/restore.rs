//! A translated unit back to Markdown: the codes of the target get the Markdown of the
//! source's codes of the same id.

use std::collections::HashMap;

use super::segment::Inline;

/// The target's content with each code's Markdown taken from the source's code of the
/// same id, or what is wrong: a code of the source missing or repeated, a code the
/// source does not have, a split code (`<sc>`/`<ec>`) that is not whole.
pub(super) fn restore_codes(
    source: &[Inline],
    target: &[Inline],
) -> Result<Vec<Inline>, Vec<String>> {
    fn collect<'a>(content: &'a [Inline], out: &mut HashMap<&'a str, &'a Inline>) {
        for c in content {
            match c {
                Inline::Text(_) => {}
                Inline::Pc { id, content, .. } => {
                    out.insert(id, c);
                    collect(content, out);
                }
                Inline::Ph { id, .. } | Inline::Sc { id, .. } | Inline::Ec { id, .. } => {
                    out.insert(id, c);
                }
            }
        }
    }
    let mut codes = HashMap::new();
    collect(source, &mut codes);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    fn walk(
        content: &[Inline],
        codes: &HashMap<&str, &Inline>,
        seen: &mut HashMap<String, usize>,
        open: &mut Vec<String>,
        problems: &mut Vec<String>,
    ) -> Vec<Inline> {
        let mut out = Vec::new();
        for c in content {
            let (id, tag) = match c {
                Inline::Text(t) => {
                    out.push(Inline::Text(t.clone()));
                    continue;
                }
                Inline::Ph { id, .. } => (id, "ph"),
                Inline::Pc { id, .. } => (id, "pc"),
                Inline::Sc { id, .. } => (id, "sc"),
                Inline::Ec { id, .. } => (id, "ec"),
            };
            let Some(original) = codes.get(id.as_str()) else {
                problems.push(format!(
                    "has a <{tag} id=\"{id}\"> the source does not have"
                ));
                continue;
            };
            if tag != "ec" {
                *seen.entry(id.clone()).or_default() += 1;
            }
            match (c, original) {
                (Inline::Ph { .. }, Inline::Ph { data, .. }) => out.push(Inline::Ph {
                    id: id.clone(),
                    data: data.clone(),
                }),
                (Inline::Pc { content, .. }, Inline::Pc { start, end, .. }) => {
                    let inner = walk(content, codes, seen, open, problems);
                    out.push(Inline::Pc {
                        id: id.clone(),
                        start: start.clone(),
                        end: end.clone(),
                        content: inner,
                    });
                }
                (Inline::Sc { .. }, Inline::Pc { start, .. }) => {
                    open.push(id.clone());
                    out.push(Inline::Sc {
                        id: id.clone(),
                        data: start.clone(),
                    });
                }
                (Inline::Ec { .. }, Inline::Pc { end, .. }) => {
                    match open.iter().position(|o| o == id) {
                        Some(k) => {
                            open.remove(k);
                        }
                        None => problems.push(format!(
                            "closes <pc id=\"{id}\"> (`{end}`) where it is not open"
                        )),
                    }
                    out.push(Inline::Ec {
                        id: id.clone(),
                        data: end.clone(),
                    });
                }
                _ => problems.push(format!(
                    "has <{tag} id=\"{id}\"> where the source has {}",
                    describe(original)
                )),
            }
        }
        out
    }
    let mut open = Vec::new();
    let restored = walk(target, &codes, &mut seen, &mut open, &mut problems);
    for id in &open {
        problems.push(format!("opens <sc id=\"{id}\"> and never closes it"));
    }
    let mut ids: Vec<&&str> = codes.keys().collect();
    ids.sort_by_key(|id| id.parse::<usize>().unwrap_or(usize::MAX));
    for id in ids {
        match seen.get(*id).copied().unwrap_or(0) {
            0 => problems.push(format!("lost {}", describe(codes[*id]))),
            1 => {}
            n => problems.push(format!("has {} {n} times", describe(codes[*id]))),
        }
    }
    if problems.is_empty() {
        Ok(restored)
    } else {
        Err(problems)
    }
}

/// Whether a code has no Markdown: `<originalData>` was lost on the way.
pub(super) fn codes_without_data(content: &[Inline]) -> bool {
    content.iter().any(|c| match c {
        Inline::Text(_) => false,
        Inline::Pc { start, content, .. } => start.is_empty() || codes_without_data(content),
        Inline::Ph { data, .. } | Inline::Sc { data, .. } | Inline::Ec { data, .. } => {
            data.is_empty()
        }
    })
}

/// A code as a translator can find it: `<pc id="2">` (`[`…`](../x.md)`).
fn describe(code: &Inline) -> String {
    match code {
        Inline::Pc { id, start, end, .. } => format!("<pc id=\"{id}\"> (`{start}…{end}`)"),
        Inline::Ph { id, data } => format!("<ph id=\"{id}\"> (`{}`)", data.trim()),
        Inline::Sc { id, data } => format!("<sc id=\"{id}\"> (`{data}`)"),
        Inline::Ec { id, data } => format!("<ec startRef=\"{id}\"> (`{data}`)"),
        Inline::Text(t) => t.clone(),
    }
}

/// `text` without blank lines at its start and white space at its end.
pub(super) fn trim_blank_lines(text: &str) -> String {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            start += line.len();
        } else {
            break;
        }
    }
    text[start.min(text.len())..].trim_end().to_string()
}
