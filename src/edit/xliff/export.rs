//! `wegweiser translations export`: the XLIFF document of the texts to translate.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::base::xml::{escape_attr, escape_text, escape_with};
use crate::load::read_text;
use crate::model::translation::{State, Translated};
use crate::model::{Municipality, Site, Translatable};

use super::segment::{self, Inline};
use super::{SKELETON_NS, XLIFF_NS, file_digest, note, read_page, slash_path, translation_paths};

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The language to translate into.
    pub language: String,
    /// The states of the translations to export (`missing`, `outdated`, …).
    pub states: Vec<State>,
    /// Only this municipality.
    pub municipality: Option<String>,
    /// Also the pages that stay in the source language ([`not_for_translation`]).
    pub all_pages: bool,
}

/// One exported page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedPage {
    /// `municipality/page key`.
    pub page: String,
    pub state: State,
    pub units: usize,
}

/// The result of an export.
#[derive(Debug, Clone)]
pub struct Export {
    /// The XLIFF document; empty when there is nothing to export.
    pub xml: String,
    pub source_language: Option<String>,
    pub pages: Vec<ExportedPage>,
    /// Pages that could not be exported (their source text is missing).
    pub warnings: Vec<Diagnostic>,
    /// Pages left out because they stay in the source language (`municipality/key`).
    pub left_out: Vec<String>,
}

impl Export {
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

fn arg_error(arg: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::file(Severity::Error, arg, message)
}

/// `wegweiser translations export`: the texts of every page whose translation into
/// `options.language` is in one of `options.states`, as an XLIFF 2.0 document.
pub fn export(site: &Site, options: &ExportOptions) -> Result<Export, Diagnostic> {
    let lang_code = options.language.as_str();
    if let Some(bad) = options.states.iter().find(|s| **s == State::Source) {
        return Err(arg_error(
            "--state",
            format!(
                "`{bad}` pages are what translations are made from; there is nothing to export for them"
            ),
        ));
    }
    let municipalities: Vec<&Municipality> = site
        .municipalities
        .iter()
        .filter(|m| options.municipality.as_deref().is_none_or(|w| w == m.slug))
        .collect();
    if let Some(wanted) = &options.municipality
        && municipalities.is_empty()
    {
        let known: Vec<&str> = site
            .municipalities
            .iter()
            .map(|m| m.slug.as_str())
            .collect();
        return Err(arg_error(
            "--municipality",
            format!(
                "no municipality `{wanted}`; municipalities: {}",
                known.join(", ")
            ),
        ));
    }
    let with_language: Vec<&Municipality> = municipalities
        .iter()
        .copied()
        .filter(|m| m.language_index(lang_code).is_some())
        .collect();
    if with_language.is_empty() {
        return Err(arg_error(
            "--language",
            format!("`{lang_code}` is not a language of any municipality exported"),
        ));
    }
    if with_language
        .iter()
        .all(|m| m.language_index(lang_code) == Some(m.source_language))
    {
        return Err(arg_error(
            "--language",
            format!("`{lang_code}` is the source language: nothing is translated into it"),
        ));
    }

    let mut files = String::new();
    let mut pages = Vec::new();
    let mut warnings = Vec::new();
    let mut source_language: Option<(&str, &str)> = None;
    let mut ids = BTreeSet::new();
    let mut left_out = Vec::new();
    for m in with_language {
        let Some(lang) = m.language_index(lang_code) else {
            continue;
        };
        let Some(source) = m.translation_sources[lang] else {
            continue;
        };
        let apart = not_for_translation(m);
        for t in m.translatables() {
            let status = &m.statuses_of(t)[lang];
            if !options.states.contains(&status.state) {
                continue;
            }
            let label = page_label(m, &m.translatable_key(t));
            if !options.all_pages && matches!(t, Translatable::Page(id) if apart.contains(&id)) {
                left_out.push(label);
                continue;
            }
            let Some(source_text) = m.translated(t, source) else {
                let shown = std::iter::once(m.source_language)
                    .chain(0..m.languages.len())
                    .find_map(|l| m.translated(t, l))
                    .map_or_else(|| PathBuf::from(&label), |x| x.file().to_path_buf());
                warnings.push(Diagnostic::file(
                    Severity::Warning,
                    shown,
                    format!(
                        "not exported: it has no {} text to translate from; translate it into {} first",
                        m.languages[source].english_name, m.languages[source].code
                    ),
                ));
                continue;
            };
            let source_code = m.languages[source].code.as_str();
            match source_language {
                Some((code, other)) if code != source_code => {
                    return Err(arg_error(
                        "--language",
                        format!(
                            "`{lang_code}` is translated from `{code}` in {other} but from `{source_code}` in {}: \
                             an XLIFF file has one source language",
                            m.slug
                        ),
                    )
                    .with_hint("export one municipality at a time with --municipality"));
                }
                _ => source_language = Some((source_code, m.slug.as_str())),
            }
            let id = unique_id(&mut ids, &label);
            let units = write_file(
                &mut files,
                &id,
                &label,
                m,
                (source, source_text),
                (lang, m.translated(t, lang)),
                status,
            )?;
            pages.push(ExportedPage {
                page: label,
                state: status.state,
                units,
            });
        }
    }
    let xml = match source_language {
        Some((src, _)) if !pages.is_empty() => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <xliff xmlns=\"{XLIFF_NS}\" version=\"2.0\" srcLang=\"{}\" trgLang=\"{}\">\n{files}</xliff>\n",
            escape_attr(src),
            escape_attr(lang_code)
        ),
        _ => String::new(),
    };
    Ok(Export {
        xml,
        source_language: source_language.map(|(s, _)| s.to_string()),
        pages,
        warnings,
        left_out,
    })
}

/// The pages that stay in the source language and are not exported by default: those
/// named in municipality.toml's `[legal]` (`imprint_page`, `privacy_page`,
/// `accessibility_page`: the German text is the binding one) and `[accessibility]`
/// (`leichte_sprache`, `gebaerdensprache`: offers in a form of German).
pub fn not_for_translation(m: &Municipality) -> BTreeSet<crate::model::PageId> {
    crate::resolve::legal::pages_linked_apart(m)
        .into_iter()
        .collect()
}

/// `municipality/key`, or just the municipality for the start page.
fn page_label(m: &Municipality, key: &str) -> String {
    if key.is_empty() {
        m.slug.clone()
    } else {
        format!("{}/{key}", m.slug)
    }
}

/// A `<file id>`: XLIFF ids are NMTOKENs, which have no `/`; `ort/wohnen/miete` becomes
/// `ort:wohnen:miete`. Import finds the page by the `page` note, not by the id.
pub(super) fn unique_id(taken: &mut BTreeSet<String>, label: &str) -> String {
    let base: String = label
        .chars()
        .map(|c| match c {
            '/' => ':',
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':') => c,
            c if !c.is_ascii() && c.is_alphanumeric() => c,
            _ => '_',
        })
        .collect();
    let mut id = base.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Write one `<file>` element; returns the number of units.
fn write_file(
    out: &mut String,
    id: &str,
    label: &str,
    m: &Municipality,
    (source_lang, source): (usize, &dyn Translated),
    (lang, existing): (usize, Option<&dyn Translated>),
    status: &crate::model::translation::Status,
) -> Result<usize, Diagnostic> {
    let src = read_page(source.path(), source.file())?;
    let source_digest = crate::model::translation::digest(&src.front.title, &src.body);
    let previous = match existing {
        Some(t) => Some(read_page(t.path(), t.file())?),
        None => None,
    };
    let (target_display, target_path) =
        translation_paths(existing, source, &m.languages[lang].code);
    let target_digest = match &previous {
        Some(p) => Some(file_digest(&p.whole)),
        None if target_path.is_file() => {
            Some(file_digest(&read_text(&target_path, &target_display)?))
        }
        None => None,
    };

    let source_file = slash_path(source.file());
    let _ = writeln!(
        out,
        "  <file id=\"{}\" original=\"{}\" srcDir=\"{}\" trgDir=\"{}\">",
        escape_attr(id),
        escape_attr(&source_file),
        m.languages[source_lang].dir,
        m.languages[lang].dir
    );
    let mut notes: Vec<(&str, String)> = vec![
        (note::PAGE, label.to_string()),
        (note::SOURCE_FILE, source_file),
        (note::SOURCE_DIGEST, source_digest),
        (note::TRANSLATION_FILE, slash_path(&target_display)),
    ];
    if let Some(d) = target_digest {
        notes.push((note::TRANSLATION_FILE_DIGEST, d));
    }
    let state = match &status.reason {
        Some(reason) => format!("{}: {reason}", status.state),
        None => status.state.to_string(),
    };
    notes.push((note::STATE, state));

    let src_body = src.body.replace("\r\n", "\n");
    let segmented = segment::segment(&src_body);
    let previous_segmented = previous
        .as_ref()
        .map(|p| segment::segment(&p.body.replace("\r\n", "\n")));
    let drafts = match &previous_segmented {
        Some(old) => align(&segmented.segments, &old.segments),
        None => vec![None; segmented.segments.len()],
    };
    if let Some(p) = &previous
        && drafts.iter().any(Option::is_none)
        && !p.body.trim().is_empty()
    {
        notes.push((note::PREVIOUS_BODY, p.body.trim().to_string()));
    }

    // The skeleton first: the body with each segment cut out (XLIFF 2.0 §4.3.1.2).
    let unit_id = |local: &str| format!("{id}:{local}");
    write_skeleton(out, &segmented, &unit_id);

    out.push_str("    <notes>\n");
    for (note_id, text) in &notes {
        let _ = writeln!(
            out,
            "      <note id=\"{note_id}\" category=\"wegweiser\">{}</note>",
            escape_text(text)
        );
    }
    out.push_str("    </notes>\n");

    let mut units = 0;
    let mut unit = |out: &mut String, local: &str, source: &[Inline], draft: Option<&[Inline]>| {
        units += 1;
        write_unit(out, &unit_id(local), source, draft);
    };
    let text = |s: &str| vec![Inline::Text(s.to_string())];
    let prev_front = previous.as_ref().map(|p| &p.front);
    unit(
        out,
        "title",
        &text(src.front.title.trim()),
        prev_front.map(|f| text(f.title.trim())).as_deref(),
    );
    if let Some(description) = src.front.description.as_deref().map(str::trim)
        && !description.is_empty()
    {
        let draft = prev_front
            .and_then(|f| f.description.as_deref())
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(text);
        unit(out, "description", &text(description), draft.as_deref());
    }
    for (i, s) in segmented.segments.iter().enumerate() {
        unit(
            out,
            &format!("body-{}", i + 1),
            &s.content,
            drafts[i].as_deref(),
        );
    }
    out.push_str("  </file>\n");
    Ok(units)
}

/// The `<skeleton>`: the body with each segment cut out (XLIFF 2.0 §4.3.1.2).
fn write_skeleton(
    out: &mut String,
    segmented: &segment::Segmented,
    unit_id: &impl Fn(&str) -> String,
) {
    // Its Markdown is in attributes, which tools keep as they are; text between
    // elements is white space that pretty-printing tools re-indent.
    let _ = writeln!(
        out,
        "    <skeleton>\n      <ww:body xmlns:ww=\"{SKELETON_NS}\">"
    );
    for part in &segmented.skeleton {
        match part {
            segment::Part::Text(t) => {
                let _ = writeln!(out, "        <ww:md text=\"{}\"/>", escape_attr(t));
            }
            segment::Part::Segment(i) => {
                let _ = writeln!(
                    out,
                    "        <ww:segment unit=\"{}\" kind=\"{}\"/>",
                    escape_attr(&unit_id(&format!("body-{}", i + 1))),
                    escape_attr(&segmented.segments[*i].kind)
                );
            }
        }
    }
    out.push_str("      </ww:body>\n    </skeleton>\n");
}

/// One `<unit>`: its source, the Markdown of its codes, and a draft if there is one.
fn write_unit(out: &mut String, unit_id: &str, source: &[Inline], draft: Option<&[Inline]>) {
    let _ = writeln!(
        out,
        "    <unit id=\"{}\" xml:space=\"preserve\">",
        escape_attr(unit_id)
    );
    let mut data = Vec::new();
    let source_xml = content_xml(source, Some(&mut data));
    if !data.is_empty() {
        out.push_str("      <originalData>\n");
        for (data_id, text) in &data {
            let _ = writeln!(
                out,
                "        <data id=\"{data_id}\">{}</data>",
                inline(text)
            );
        }
        out.push_str("      </originalData>\n");
    }
    match draft {
        Some(d) => {
            let _ = writeln!(
                out,
                "      <segment state=\"initial\">\n        <source>{source_xml}</source>\n        <target>{}</target>\n      </segment>",
                content_xml(d, None)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "      <segment>\n        <source>{source_xml}</source>\n      </segment>"
            );
        }
    }
    out.push_str("    </unit>\n");
}

/// The XLIFF inline content of a segment; with `data`, the Markdown its codes stand
/// for is collected for `<originalData>`. A code's data ids follow from its id, so a
/// target refers to the source's data.
fn content_xml(content: &[Inline], mut data: Option<&mut Vec<(String, String)>>) -> String {
    let mut out = String::new();
    for c in content {
        match c {
            Inline::Text(t) => out.push_str(&inline(t)),
            Inline::Ph { id, data: d } | Inline::Sc { id, data: d } => {
                if let Some(all) = data.as_deref_mut() {
                    all.push((format!("d{id}"), d.clone()));
                }
                let _ = write!(out, "<ph id=\"{id}\" dataRef=\"d{id}\"/>");
            }
            Inline::Ec { .. } => {}
            Inline::Pc {
                id,
                start,
                end,
                content,
            } => {
                if let Some(all) = data.as_deref_mut() {
                    all.push((format!("d{id}s"), start.clone()));
                    all.push((format!("d{id}e"), end.clone()));
                }
                let inner = content_xml(content, data.as_deref_mut());
                let _ = write!(
                    out,
                    "<pc id=\"{id}\" dataRefStart=\"d{id}s\" dataRefEnd=\"d{id}e\">{inner}</pc>"
                );
            }
        }
    }
    out
}

/// Drafts for the source's segments from an old translation's: segments are paired
/// in order where their kinds agree (a heading with an explicit id only with the
/// heading of that id), the pairing that agrees best (so that a paragraph added to the
/// source leaves the others paired): each pair counts, and more where the two share
/// link targets, code, numbers or words kept untranslated (`Kaltmiete`). A draft's
/// codes are the source's where their Markdown is the same; others stay as Markdown
/// text for the translator to fix.
pub(super) fn align(
    source: &[segment::Segment],
    old: &[segment::Segment],
) -> Vec<Option<Vec<Inline>>> {
    fn cues(content: &[Inline], out: &mut BTreeSet<String>) {
        for c in content {
            match c {
                Inline::Text(t) => {
                    for w in t.split(|c: char| !c.is_ascii_alphanumeric()) {
                        if w.chars().any(|c| c.is_ascii_digit())
                            || (w.len() >= 2 && w.chars().any(|c| c.is_ascii_uppercase()))
                        {
                            out.insert(w.to_string());
                        }
                    }
                }
                Inline::Ph { data, .. } | Inline::Sc { data, .. } | Inline::Ec { data, .. } => {
                    out.insert(data.clone());
                }
                Inline::Pc { end, content, .. } => {
                    out.insert(end.clone());
                    cues(content, out);
                }
            }
        }
    }
    let all_cues = |segments: &[segment::Segment]| -> Vec<BTreeSet<String>> {
        segments
            .iter()
            .map(|s| {
                let mut out = BTreeSet::new();
                cues(&s.content, &mut out);
                out
            })
            .collect()
    };
    let (source_cues, old_cues) = (all_cues(source), all_cues(old));
    let weight = |i: usize, j: usize| -> Option<usize> {
        let (a, b) = (&source[i], &old[j]);
        if a.kind != b.kind || (b.explicit_id && a.heading_id != b.heading_id) {
            return None;
        }
        let heading = usize::from(a.heading_id.is_some() && a.heading_id == b.heading_id);
        Some(1 + 2 * (source_cues[i].intersection(&old_cues[j]).count() + heading))
    };
    let (n, m) = (source.len(), old.len());
    // The best total weight of pairs from (i, j) on.
    let mut best = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let pair = weight(i, j).map_or(0, |w| w + best[i + 1][j + 1]);
            best[i][j] = pair.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if let Some(w) = weight(i, j)
            && best[i][j] == w + best[i + 1][j + 1]
        {
            out[i] = Some(remap(&old[j].content, &source[i].content));
            i += 1;
            j += 1;
        } else if best[i + 1][j] >= best[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `old` with each code given the id of the source's code with the same Markdown.
fn remap(old: &[Inline], source: &[Inline]) -> Vec<Inline> {
    fn codes<'a>(content: &'a [Inline], out: &mut Vec<&'a Inline>) {
        for c in content {
            match c {
                Inline::Pc { content, .. } => {
                    out.push(c);
                    codes(content, out);
                }
                Inline::Text(_) => {}
                c => out.push(c),
            }
        }
    }
    fn walk(old: &[Inline], available: &mut Vec<&Inline>) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        let text = |out: &mut Vec<Inline>, t: &str| match out.last_mut() {
            Some(Inline::Text(x)) => x.push_str(t),
            _ => out.push(Inline::Text(t.to_string())),
        };
        for c in old {
            match c {
                Inline::Text(t) => text(&mut out, t),
                Inline::Ph { data, .. } => {
                    let found = available
                        .iter()
                        .position(|s| matches!(s, Inline::Ph { data: d, .. } if d == data));
                    match found.map(|k| available.remove(k)) {
                        Some(Inline::Ph { id, .. }) => out.push(Inline::Ph {
                            id: id.clone(),
                            data: data.clone(),
                        }),
                        _ => text(&mut out, data),
                    }
                }
                Inline::Pc {
                    start,
                    end,
                    content,
                    ..
                } => {
                    let found = available.iter().position(|s| {
                        matches!(s, Inline::Pc { start: a, end: b, .. } if a == start && b == end)
                    });
                    let inner = walk(content, available);
                    match found.map(|k| available.remove(k)) {
                        Some(Inline::Pc { id, .. }) => out.push(Inline::Pc {
                            id: id.clone(),
                            start: start.clone(),
                            end: end.clone(),
                            content: inner,
                        }),
                        _ => {
                            text(&mut out, start);
                            for x in inner {
                                match x {
                                    Inline::Text(t) => text(&mut out, &t),
                                    x => out.push(x),
                                }
                            }
                            text(&mut out, end);
                        }
                    }
                }
                Inline::Sc { data, .. } | Inline::Ec { data, .. } => text(&mut out, data),
            }
        }
        out
    }
    let mut available = Vec::new();
    codes(source, &mut available);
    walk(old, &mut available)
}

/// The blocks of a Markdown body: text between blank lines, each as written (without
/// `\r`). Blank lines inside a fenced code block do not split it.
pub fn blocks(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for line in body.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let run = |c: char| trimmed.chars().take_while(|&x| x == c).count();
        if let Some((c, n)) = fence {
            if run(c) >= n && trimmed.trim_start_matches(c).trim().is_empty() {
                fence = None;
            }
        } else if indent <= 3 {
            fence = ['`', '~']
                .into_iter()
                .find(|&c| run(c) >= 3)
                .map(|c| (c, run(c)));
        }
        if fence.is_none() && line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// Content of `<source>` and `<target>`: escaped text; characters XML cannot hold as
/// `<cp hex="…"/>`, as XLIFF prescribes.
pub(super) fn inline(s: &str) -> String {
    escape_with(s, false, |out, c| {
        let _ = write!(out, "<cp hex=\"{:04X}\"/>", u32::from(c));
    })
}
