//! `wegweiser translations export` and `import`: hand a translator (or a
//! machine-translation service) one file with exactly the texts to translate, and bring
//! the result back as `<page>.<lang>.md` files with correct front matter and
//! `source_digest`.
//!
//! # Why XLIFF 2.0 and not PO
//!
//! XLIFF 2.0 (OASIS, `urn:oasis:names:tc:xliff:document:2.0`) is the exchange format of
//! computer-assisted translation tools: memoQ, Trados, OmegaT (through Okapi), Weblate
//! and machine-translation services read and write it. Against gettext PO it has what
//! this round trip needs:
//!
//! - every text has a stable id (`<file id>` per page, `<unit id>` per title,
//!   description and body block), so import puts each translation back in its place
//!   instead of matching on the source text, which may have changed meanwhile;
//! - the source and target language are declared for the document (`srcLang`,
//!   `trgLang`), including languages that are translated from another translation
//!   (`ti` from `en`), and the writing direction (`srcDir`, `trgDir`);
//! - `<notes>` carry what import checks: the page, the source file and the digest of the
//!   source version the export was made from, and the state of the translation file the
//!   export saw, so that import never overwrites newer work;
//! - a unit can hold a draft (`<target>` with `state="initial"`), so an outdated
//!   translation is sent for editing, not for translating from scratch.
//!
//! PO would need all of that squeezed into `msgctxt` and comments by convention.
//!
//! # The file
//!
//! One `<file>` per page, event, news item or place: a unit `title`, a unit
//! `description` (when the source has one) and units `body-1`, `body-2`, … with the
//! paragraphs, list items, table cells and headings of the body, their Markdown syntax
//! in inline codes ([`segment`]); each unit's id starts with its file's id, so that ids
//! are unique in the document. The file's `<skeleton>` holds the rest of the body,
//! with a `<ww:segment unit="…"/>` where each body unit goes. Events, news items and
//! places are named as in `wegweiser translations` (`ort/events/sprachcafe`); only their
//! texts are translated, their data stays in the source-language file. Pages named in
//! `[legal]` and `[accessibility]` stay in the source language and are left out unless
//! asked for ([`not_for_translation`]).
//!
//! XML is written by hand and read by a small strict reader ([`read`]) that accepts
//! what wegweiser writes plus what translation tools commonly add on the way back:
//! other namespaces (ignored), re-indented skeletons, re-segmented units (segments are
//! joined again), `<ignorable>`, `<mrk>` annotations (their text is kept), `<sc>`/`<ec>`
//! for a split `<pc>`, `<sm>`/`<em>` markers and `<cp>` code points. DTDs are refused.
//!
//! Import ([`plan_import`], [`check_in_staging`], [`apply`]) refuses each page with a
//! problem at its XLIFF line and writes the others, after checking links and anchors
//! as a build does in a staging copy of the portal.

mod check;
pub mod segment;

pub use check::check_in_staging;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};
use crate::language::is_language_code;
use crate::load::read_text;
use crate::model::{Municipality, Site, Translatable};
use crate::model_front_matter::FrontMatter;
use crate::model_translation::{State, Translated};
use crate::xml::{escape_attr, escape_text, escape_with};

pub use segment::Inline;

/// The XLIFF 2 core namespace.
pub const XLIFF_NS: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// The namespace of wegweiser's skeleton: `<ww:body>` holds the body's Markdown with a
/// `<ww:segment unit="…"/>` where each body unit goes.
pub const SKELETON_NS: &str = "urn:x-wegweiser:xliff:skeleton";

/// Note ids wegweiser writes into each `<file>`'s `<notes>`.
pub mod note {
    /// `municipality/page key` of the page (`ort/wohnen/miete`; `ort` for the start page).
    pub const PAGE: &str = "page";
    /// The source file, relative to the portal root.
    pub const SOURCE_FILE: &str = "source-file";
    /// The digest of the source version the export was made from.
    pub const SOURCE_DIGEST: &str = "source-digest";
    /// The translation file that import writes.
    pub const TRANSLATION_FILE: &str = "translation-file";
    /// Digest of the whole translation file as the export saw it; absent when there was
    /// no file.
    pub const TRANSLATION_FILE_DIGEST: &str = "translation-file-digest";
    /// The translation's state at export and why, for the translator.
    pub const STATE: &str = "state";
    /// The previous translation's body, when its blocks do not line up with the source's.
    pub const PREVIOUS_BODY: &str = "previous-body";
}

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
    crate::resolve_legal::pages_linked_apart(m)
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
fn unique_id(taken: &mut BTreeSet<String>, label: &str) -> String {
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

/// A file read for export: its texts and Markdown body.
struct Text {
    front: crate::load_front_matter::Titles,
    body: String,
    whole: String,
}

/// Read the texts of a page, event, news item or place file.
fn read_page(path: &Path, display: &Path) -> Result<Text, Diagnostic> {
    let whole = read_text(path, display)?;
    let (front, _, body_start) = crate::load_front_matter::parse_titles(display, &whole)?;
    Ok(Text {
        front,
        body: whole[body_start..].to_string(),
        whole,
    })
}

/// Digest of a whole file, to tell whether it changed between export and import.
fn file_digest(text: &str) -> String {
    crate::model_translation::digest("", text)
}

/// Where the translation into `lang` of the page (event, news item, place) whose source
/// is `source` lives, or will: `(display path, path on disk)`; a new one beside the
/// source, `<name>.<lang>.md`.
fn translation_paths(
    existing: Option<&dyn Translated>,
    source: &dyn Translated,
    lang: &str,
) -> (PathBuf, PathBuf) {
    if let Some(t) = existing {
        return (t.file().to_path_buf(), t.path().to_path_buf());
    }
    let name = source
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    let base = match stem.rsplit_once('.') {
        Some((base, suffix)) if is_language_code(suffix) => base,
        _ => stem,
    };
    let file_name = format!("{base}.{lang}.md");
    (
        source.file().with_file_name(&file_name),
        source.path().with_file_name(&file_name),
    )
}

fn slash_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Write one `<file>` element; returns the number of units.
fn write_file(
    out: &mut String,
    id: &str,
    label: &str,
    m: &Municipality,
    (source_lang, source): (usize, &dyn Translated),
    (lang, existing): (usize, Option<&dyn Translated>),
    status: &crate::model_translation::Status,
) -> Result<usize, Diagnostic> {
    let src = read_page(source.path(), source.file())?;
    let source_digest = crate::model_translation::digest(&src.front.title, &src.body);
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
        let _ = writeln!(
            out,
            "    <unit id=\"{}\" xml:space=\"preserve\">",
            escape_attr(&unit_id(local))
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
fn align(source: &[segment::Segment], old: &[segment::Segment]) -> Vec<Option<Vec<Inline>>> {
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

// ---------------------------------------------------------------------------------
// Import

/// A translation file that an import writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWrite {
    /// Path shown to users (relative to the portal root).
    pub file: PathBuf,
    /// Path on disk.
    pub path: PathBuf,
    pub contents: String,
    /// A file existed there before.
    pub replaces: bool,
    /// The page (`municipality/key`) and the line of its `<file>` in the XLIFF.
    pub page: String,
    pub line: usize,
}

/// Everything an import will write, checked.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub writes: Vec<PlannedWrite>,
    /// Why pages were refused, at their XLIFF line: nothing is written for them.
    pub errors: Vec<Diagnostic>,
    /// For example: the source changed since the export.
    pub warnings: Vec<Diagnostic>,
}

fn error_at(file: &Path, line: usize, message: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::file(Severity::Error, file, message);
    d.line = line;
    d
}

/// Check an XLIFF document (`text`, read from `display`) against the portal and work
/// out every file to write. Nothing is written. A page with any problem is refused
/// (its errors are in [`ImportPlan::errors`]); the others are planned. `Err` when the
/// document as a whole cannot be imported. With `force`, translation files that
/// changed since the export are overwritten.
pub fn plan_import(
    site: &Site,
    display: &Path,
    text: &str,
    force: bool,
) -> Result<ImportPlan, Vec<Diagnostic>> {
    let doc = read(text).map_err(|e| vec![error_at(display, e.line, e.message)])?;
    let Some(trg_lang) = doc.trg_lang.as_deref() else {
        return Err(vec![
            error_at(
                display,
                doc.line,
                "the XLIFF file has no trgLang: which language is it a translation into?",
            )
            .with_hint("export with `wegweiser translations export --language L`"),
        ]);
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut writes: Vec<PlannedWrite> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for file in &doc.files {
        let input = FileInput {
            display,
            src_lang: &doc.src_lang,
            trg_lang,
            force,
        };
        match plan_file(site, &input, file, &mut warnings) {
            Ok(write) => {
                if let Some(first) = seen.insert(slash_path(&write.path), file.line) {
                    errors.push(error_at(
                        display,
                        file.line,
                        format!(
                            "{} is imported twice (first at line {first}): the second is not imported",
                            write.file.display()
                        ),
                    ));
                } else {
                    writes.push(write);
                }
            }
            Err(e) => errors.extend(e),
        }
    }
    Ok(ImportPlan {
        writes,
        errors,
        warnings,
    })
}

struct FileInput<'a> {
    display: &'a Path,
    src_lang: &'a str,
    trg_lang: &'a str,
    force: bool,
}

fn plan_file(
    site: &Site,
    input: &FileInput<'_>,
    file: &File,
    warnings: &mut Vec<Diagnostic>,
) -> Result<PlannedWrite, Vec<Diagnostic>> {
    let here = |message: String| vec![error_at(input.display, file.line, message)];
    let Some(label) = file.note(note::PAGE) else {
        return Err(vec![
            error_at(
                input.display,
                file.line,
                format!(
                    "<file id=\"{}\"> has no `{}` note: wegweiser cannot tell which page it is",
                    file.id,
                    note::PAGE
                ),
            )
            .with_hint("import files exported by `wegweiser translations export`; the translation tool must keep the <notes>"),
        ]);
    };
    let exported_from = file.note(note::SOURCE_FILE).unwrap_or(label);
    let Some(made_from) = file
        .note(note::SOURCE_DIGEST)
        .filter(|d| crate::model_translation::is_digest(d))
    else {
        return Err(here(format!(
            "page {label}: the `{}` note is missing or not a digest",
            note::SOURCE_DIGEST
        )));
    };
    let (slug, key) = label.split_once('/').unwrap_or((label, ""));
    let gone = || {
        vec![
            error_at(
                input.display,
                file.line,
                format!("page {label} ({exported_from}) no longer exists"),
            )
            .with_hint("it was moved, renamed or deleted since the export: export it again"),
        ]
    };
    let m = site
        .municipalities
        .iter()
        .find(|m| m.slug == slug)
        .ok_or_else(gone)?;
    let t = m.translatable_by_key(key).ok_or_else(gone)?;
    let Some(lang) = m.language_index(input.trg_lang) else {
        return Err(here(format!(
            "`{}` is not a language of {}",
            input.trg_lang, m.name
        )));
    };
    let Some(src_lang) = m.language_index(input.src_lang) else {
        return Err(here(format!(
            "`{}` is not a language of {}",
            input.src_lang, m.name
        )));
    };
    if m.translation_sources[lang] != Some(src_lang) {
        let now = m.translation_sources[lang]
            .map(|s| format!("from `{}`", m.languages[s].code))
            .unwrap_or_else(|| "from nothing: it is the source language".to_string());
        return Err(here(format!(
            "page {label}: the file translates `{}` into `{}`, but in {} `{}` is translated {now}",
            input.src_lang, input.trg_lang, m.name, input.trg_lang
        )));
    }
    let Some(source) = m.translated(t, src_lang) else {
        return Err(here(format!(
            "page {label}: its {} source no longer exists",
            m.languages[src_lang].english_name
        )));
    };

    // The translated texts.
    let mut errors = Vec::new();
    let mut title = None;
    let mut description = None;
    // Body units by id (with a skeleton) or in order (files exported before
    // wegweiser had skeletons: one unit of raw Markdown per block).
    let mut segments: HashMap<&str, (String, usize)> = HashMap::new();
    let mut body = Vec::new();
    let mut ids = BTreeSet::new();
    let prefix = format!("{}:", file.id);
    // When the source is still the exported version, its skeleton and the Markdown of
    // its codes are taken from it, not from what the tool sent back (which may have
    // dropped or changed them).
    let fresh = if source.digest() == made_from {
        let text = read_page(source.path(), source.file()).map_err(|d| vec![d])?;
        Some(segment::segment(&text.body.replace("\r\n", "\n")))
    } else {
        None
    };
    let new_format = file.units.iter().any(|u| u.id.starts_with(&prefix));
    let skeleton: Option<Vec<SkeletonPart>> = match (&fresh, &file.skeleton) {
        (Some(f), _) if new_format => Some(
            f.skeleton
                .iter()
                .map(|p| match p {
                    segment::Part::Text(t) => SkeletonPart::Text(t.clone()),
                    segment::Part::Segment(i) => SkeletonPart::Unit {
                        id: format!("{prefix}body-{}", i + 1),
                        kind: f.segments[*i].kind.clone(),
                    },
                })
                .collect(),
        ),
        (_, Some(s)) => Some(s.clone()),
        (None, None) if new_format => {
            return Err(vec![
                error_at(
                    input.display,
                    file.line,
                    format!(
                        "page {label}: the file has no <skeleton> (the translation tool dropped it), and {} changed since the export",
                        slash_path(source.file())
                    ),
                )
                .with_hint("export the page again, and keep the <skeleton> in the translation tool"),
            ]);
        }
        _ => None,
    };
    let fresh_source = |unit_id: &str| -> Option<&[Inline]> {
        let n: usize = unit_id
            .strip_prefix(&prefix)?
            .strip_prefix("body-")?
            .parse()
            .ok()?;
        Some(&fresh.as_ref()?.segments.get(n.checked_sub(1)?)?.content)
    };
    let cells: BTreeSet<&str> = skeleton
        .iter()
        .flatten()
        .filter_map(|p| match p {
            SkeletonPart::Unit { id, kind } if segment::is_cell(kind) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    for unit in &file.units {
        if !ids.insert(unit.id.as_str()) {
            errors.push(error_at(
                input.display,
                unit.line,
                format!("page {label}: unit `{}` appears twice", unit.id),
            ));
            continue;
        }
        let Some(target) = &unit.target_content else {
            errors.push(
                error_at(
                    input.display,
                    unit.line,
                    format!(
                        "page {label}: unit `{}` has no <target>: it is not translated",
                        unit.id
                    ),
                )
                .with_hint("translate every unit of the page, then import it again"),
            );
            continue;
        };
        let source_content = fresh_source(&unit.id).unwrap_or(&unit.source_content);
        if fresh.is_none() && codes_without_data(source_content) {
            errors.push(
                error_at(
                    input.display,
                    unit.line,
                    format!(
                        "page {label}: unit `{}` has tags without their Markdown (the translation tool dropped <originalData>), and {} changed since the export",
                        unit.id,
                        slash_path(source.file())
                    ),
                )
                .with_hint("export the page again, and keep <originalData> in the translation tool"),
            );
            continue;
        }
        let text = match restore_codes(source_content, target) {
            Ok(content) => segment::to_markdown(&content, cells.contains(unit.id.as_str())),
            Err(problems) => {
                errors.push(
                    error_at(
                        input.display,
                        unit.target_line,
                        format!(
                            "page {label}: unit `{}`: the translation {}",
                            unit.id,
                            problems.join("; ")
                        ),
                    )
                    .with_hint(
                        "the tags (<ph>, <pc>) hold the Markdown of links, emphasis and code: keep each one of the source in the translation, once",
                    ),
                );
                continue;
            }
        };
        let text = if skeleton.is_some() {
            text
        } else {
            trim_blank_lines(unit.target.as_deref().unwrap_or_default())
        };
        if text.trim().is_empty() && !unit.source.trim().is_empty() {
            errors.push(error_at(
                input.display,
                unit.target_line,
                format!(
                    "page {label}: unit `{}` has an empty <target>: it is not translated",
                    unit.id
                ),
            ));
            continue;
        }
        let local = unit.id.strip_prefix(&prefix).unwrap_or(&unit.id);
        match local {
            "title" => title = Some(text.trim().to_string()),
            "description" => description = Some(text.trim().to_string()),
            _ if skeleton.is_some() && local.starts_with("body-") => {
                segments.insert(unit.id.as_str(), (text, unit.line));
            }
            id => match id
                .strip_prefix("body-")
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) if n == body.len() + 1 => body.push(text),
                Some(_) => errors.push(error_at(
                    input.display,
                    unit.line,
                    format!(
                        "page {label}: unit `{id}` is out of order (expected `body-{}`)",
                        body.len() + 1
                    ),
                )),
                None => errors.push(error_at(
                    input.display,
                    unit.line,
                    format!("page {label}: unknown unit `{}`", unit.id),
                )),
            },
        }
    }
    let Some(title) = title else {
        if errors.is_empty() {
            errors.push(error_at(
                input.display,
                file.line,
                format!("page {label}: there is no `title` unit"),
            ));
        }
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let body = match &skeleton {
        Some(skeleton) => {
            let mut out = String::new();
            for part in skeleton {
                match part {
                    SkeletonPart::Text(t) => out.push_str(t),
                    SkeletonPart::Unit { id, .. } => match segments.remove(id.as_str()) {
                        Some((text, _)) => out.push_str(&text),
                        None => errors.push(error_at(
                            input.display,
                            file.line,
                            format!(
                                "page {label}: the skeleton names unit `{id}`, which is not in the file (or named twice)"
                            ),
                        )),
                    },
                }
            }
            for (id, (_, line)) in &segments {
                errors.push(error_at(
                    input.display,
                    *line,
                    format!("page {label}: unit `{id}` has no place in the skeleton"),
                ));
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            trim_blank_lines(&out)
        }
        None => body.join("\n\n"),
    };

    // Never overwrite newer work.
    let existing = m.translated(t, lang);
    let (target_display, target_path) = translation_paths(existing, source, input.trg_lang);
    let replaces = target_path.exists();
    if replaces && !input.force {
        let now = read_text(&target_path, &target_display).map_err(|d| vec![d])?;
        let refuse = match file.note(note::TRANSLATION_FILE_DIGEST) {
            None => Some("was created since the export"),
            Some(seen) if seen != file_digest(&now) => Some("changed since the export"),
            Some(_) => None,
        };
        if let Some(why) = refuse {
            return Err(vec![
                error_at(
                    input.display,
                    file.line,
                    format!(
                        "{} {why}: importing would overwrite newer work",
                        slash_path(&target_display)
                    ),
                )
                .with_hint(
                    "look at both, then import with --force to overwrite it; nothing was written",
                ),
            ]);
        }
    }
    if source.digest() != made_from {
        let mut d = Diagnostic::file(
            Severity::Warning,
            input.display,
            format!(
                "{} changed since the export: {} is imported as a translation of the exported version and will show as outdated",
                slash_path(source.file()),
                slash_path(&target_display)
            ),
        );
        d.line = file.line;
        warnings.push(d);
    }

    let source_text = read_text(source.path(), source.file()).map_err(|d| vec![d])?;
    let syntax = if source_text.starts_with("---") {
        crate::load_front_matter::Syntax::Yaml
    } else {
        crate::load_front_matter::Syntax::Toml
    };
    let new = NewTranslation {
        title: &title,
        description: description.as_deref(),
        // Only pages have front matter of their own beside the texts.
        kept: match t {
            Translatable::Page(id) => m.pages[id].translations[lang].as_ref().map(|x| &x.front),
            _ => None,
        },
        source_digest: made_from,
    };
    let head = front_matter(syntax, &new).map_err(|m| here(format!("page {label}: {m}")))?;
    let contents = if body.is_empty() {
        head
    } else {
        format!("{head}{body}\n")
    };
    Ok(PlannedWrite {
        file: target_display,
        path: target_path,
        contents,
        replaces,
        page: label.to_string(),
        line: file.line,
    })
}

/// The target's content with each code's Markdown taken from the source's code of the
/// same id, or what is wrong: a code of the source missing or repeated, a code the
/// source does not have, a split code (`<sc>`/`<ec>`) that is not whole.
fn restore_codes(source: &[Inline], target: &[Inline]) -> Result<Vec<Inline>, Vec<String>> {
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
fn codes_without_data(content: &[Inline]) -> bool {
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
fn trim_blank_lines(text: &str) -> String {
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

/// The front matter of an imported translation.
struct NewTranslation<'a> {
    title: &'a str,
    description: Option<&'a str>,
    /// The existing translation's front matter: its own settings (slug, weight, draft,
    /// aliases, extra) are kept; `machine_translated` and `in_translation` are not.
    kept: Option<&'a FrontMatter>,
    source_digest: &'a str,
}

/// A string in both TOML and YAML: a JSON string is a valid TOML basic string and a
/// valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

fn front_matter(
    syntax: crate::load_front_matter::Syntax,
    t: &NewTranslation<'_>,
) -> Result<String, String> {
    let (fence, sep) = match syntax {
        crate::load_front_matter::Syntax::Toml => ("+++", " = "),
        crate::load_front_matter::Syntax::Yaml => ("---", ": "),
    };
    let mut out = format!("{fence}\n");
    let mut line = |key: &str, value: String| {
        let _ = writeln!(out, "{key}{sep}{value}");
    };
    line("title", quoted(t.title));
    if let Some(d) = t.description {
        line("description", quoted(d));
    }
    let kept = t.kept.cloned().unwrap_or_default();
    if let Some(slug) = &kept.slug {
        line("slug", quoted(slug));
    }
    if let Some(weight) = kept.weight {
        line("weight", weight.to_string());
    }
    if kept.draft {
        line("draft", "true".to_string());
    }
    if !kept.aliases.is_empty() {
        let list: Vec<String> = kept.aliases.iter().map(|a| quoted(a)).collect();
        line("aliases", format!("[{}]", list.join(", ")));
    }
    line("source_digest", quoted(t.source_digest));
    if !kept.extra.is_empty() {
        match syntax {
            crate::load_front_matter::Syntax::Toml => {
                #[derive(Serialize)]
                struct Extra<'a> {
                    extra: &'a serde_json::Map<String, serde_json::Value>,
                }
                let table = toml::to_string(&Extra { extra: &kept.extra }).map_err(|e| {
                    format!("the existing translation's `extra` cannot be written as TOML: {e}")
                })?;
                out.push_str(&table);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            crate::load_front_matter::Syntax::Yaml => {
                let map = serde_json::to_string(&kept.extra).expect("maps serialise");
                let _ = writeln!(out, "extra: {map}");
            }
        }
    }
    let _ = writeln!(out, "{fence}");
    Ok(out)
}

/// Write every planned file: first all into temporary files beside their targets, then
/// rename each into place, so that a failure while writing leaves every file as it was.
pub fn apply(plan: &ImportPlan) -> Result<(), Diagnostic> {
    let mut temps: Vec<PathBuf> = Vec::new();
    for w in &plan.writes {
        let tmp = crate::write::temp_path(&w.path);
        if let Err(e) = fs::write(&tmp, &w.contents) {
            let _ = fs::remove_file(&tmp);
            for t in &temps {
                let _ = fs::remove_file(t);
            }
            return Err(Diagnostic::file(
                Severity::Error,
                &w.file,
                format!("cannot write: {e}; nothing was imported"),
            ));
        }
        temps.push(tmp);
    }
    for (i, (w, tmp)) in plan.writes.iter().zip(&temps).enumerate() {
        if let Err(e) = fs::rename(tmp, &w.path) {
            for t in &temps[i..] {
                let _ = fs::remove_file(t);
            }
            let done: Vec<String> = plan.writes[..i]
                .iter()
                .map(|w| slash_path(&w.file))
                .collect();
            return Err(Diagnostic::file(
                Severity::Error,
                &w.file,
                format!(
                    "cannot write: {e}; written before the failure: {}",
                    if done.is_empty() {
                        "none".to_string()
                    } else {
                        done.join(", ")
                    }
                ),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Writing XML

/// Content of `<source>` and `<target>`: escaped text; characters XML cannot hold as
/// `<cp hex="…"/>`, as XLIFF prescribes.
fn inline(s: &str) -> String {
    escape_with(s, false, |out, c| {
        let _ = write!(out, "<cp hex=\"{:04X}\"/>", u32::from(c));
    })
}

// ---------------------------------------------------------------------------------
// Reading XLIFF

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

fn read_error(line: usize, message: impl Into<String>) -> ReadError {
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

/// A small strict XML reader: elements, attributes, text, CDATA, comments, processing
/// instructions, the predefined entities and character references, and namespaces. No
/// DTDs (so no entity expansion).
mod xml {
    use super::{ReadError, read_error};

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
                            .filter(|c| crate::xml::is_xml_char(*c))
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

    fn lookup<'s>(
        stack: &'s [Open],
        current: &'s [(String, String)],
        prefix: &str,
    ) -> Option<&'s str> {
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
        if let Some(c) = normalized.chars().find(|c| !crate::xml::is_xml_char(*c)) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_split_on_blank_lines_but_not_inside_fences() {
        let body = "\n# Title\n\nPara one\nline two  \n\n\n- a\n- b\n\n```\ncode\n\nmore\n```\n\n| a | b |\n|---|---|\n";
        assert_eq!(
            blocks(body),
            vec![
                "# Title",
                "Para one\nline two  ",
                "- a\n- b",
                "```\ncode\n\nmore\n```",
                "| a | b |\n|---|---|"
            ]
        );
        assert_eq!(blocks("a\r\n\r\nb\r\n"), vec!["a", "b"]);
        assert!(blocks("\n \n").is_empty());
        assert_eq!(
            blocks("~~~~\nx\n\n~~~\ny\n~~~~\nz"),
            vec!["~~~~\nx\n\n~~~\ny\n~~~~\nz"]
        );
    }

    #[test]
    fn escaping_round_trips_through_the_reader() {
        let nasty = "Tom & \"Jerry\" <b>'x'</b> ]]> \r\u{1} العربية ትግርኛ";
        let doc = format!(
            "<?xml version=\"1.0\"?>\n<xliff xmlns=\"{XLIFF_NS}\" version=\"2.0\" srcLang=\"de\" trgLang=\"ar\">\
             <file id=\"f\"><notes><note id=\"n\">{}</note></notes>\
             <unit id=\"u\"><segment><source>{}</source><target>{}</target></segment></unit></file></xliff>",
            escape_text("a & b"),
            inline(nasty),
            inline(nasty)
        );
        let read = read(&doc).unwrap();
        assert_eq!(read.files[0].note("n"), Some("a & b"));
        assert_eq!(read.files[0].units[0].source, nasty);
        assert_eq!(read.files[0].units[0].target.as_deref(), Some(nasty));
        assert_eq!(escape_attr("a\"b\n"), "a&quot;b&#10;");
    }

    #[test]
    fn the_reader_takes_what_tools_write_back() {
        let doc = format!(
            "\u{FEFF}<?xml version='1.0' encoding='UTF-8'?>\r\n<!-- tool -->\r\n\
             <x:xliff xmlns:x='{XLIFF_NS}' xmlns:mda='urn:oasis:names:tc:xliff:metadata:2.0' version='2.1' srcLang='de' trgLang='en'>\
             <x:file id='f'><mda:metadata><mda:metaGroup/></mda:metadata>\
             <x:group id='g'><x:unit id='u'>\
             <x:segment state='translated'><x:source>Eins.</x:source><x:target>One.</x:target></x:segment>\
             <x:ignorable><x:source> </x:source></x:ignorable>\
             <x:segment><x:source>Zwei <x:mrk id='m' type='term'>Wörter</x:mrk>.</x:source>\
             <x:target><![CDATA[Two <words>]]><x:sm id='s'/>&#x2E;<x:em startRef='s'/></x:target></x:segment>\
             </x:unit></x:group></x:file></x:xliff>\n"
        );
        let read = read(&doc).unwrap();
        assert_eq!(read.version, "2.1");
        let unit = &read.files[0].units[0];
        assert_eq!(unit.source, "Eins. Zwei Wörter.");
        assert_eq!(unit.target.as_deref(), Some("One. Two <words>."));
    }

    #[test]
    fn the_reader_is_strict() {
        let bad = [
            ("<xliff", "never closed"),
            ("<a></b>", "closes"),
            ("<!DOCTYPE x><x/>", "DOCTYPE"),
            ("<x a='1' a='2'/>", "twice"),
            ("<x>&nbsp;</x>", "entity"),
            ("<x>a & b</x>", "entity"),
            ("<x a=1/>", "quoted"),
            ("<x/><y/>", "after the root"),
            ("<p:x/>", "prefix"),
            (&"<a>".repeat(1000), "deeper"),
            ("<x/>", "not an XLIFF file"),
            (
                "<xliff xmlns='urn:oasis:names:tc:xliff:document:1.2' version='1.2'/>",
                "XLIFF 1.2",
            ),
        ];
        for (doc, expected) in bad {
            let e = read(doc).unwrap_err();
            assert!(e.message.contains(expected), "{doc}: {}", e.message);
        }
        let doc = read("<xliff xmlns='urn:oasis:names:tc:xliff:document:2.0' version='2.0' srcLang='de'>\n\n<file id='f'><unit id='u'><segment><source>x<ph id='1' dataRef='d1'/></source></segment></unit></file></xliff>").unwrap();
        assert_eq!(
            doc.files[0].units[0].source_content[1],
            Inline::Ph {
                id: "1".into(),
                data: String::new()
            }
        );
        let e = read("<xliff xmlns='urn:oasis:names:tc:xliff:document:2.0' version='2.0' srcLang='de'>\n<file id='f'><unit id='u'><segment><source>x<bx id='1'/></source></segment></unit></file></xliff>").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("<bx> is not supported"), "{}", e.message);
    }

    #[test]
    fn an_old_translation_is_paired_with_the_source_by_structure_and_cues() {
        let source = segment::segment(
            "## Miete\n\nNeu: der Mieterverein.\n\nZahlen Sie bis zum 3. Tag.\n\n> [!TIP]\n> Siehe [Jobcenter](../jc.md).\n\nLetzter Absatz.\n",
        );
        let old = segment::segment(
            "## Rent\n\nPay by day 3.\n\n> [!TIP]\n> See [the job centre](../jc.md).\n\nLast paragraph.\n",
        );
        let drafts = align(&source.segments, &old.segments);
        let shown: Vec<Option<String>> = drafts
            .iter()
            .map(|d| d.as_deref().map(segment::to_raw))
            .collect();
        assert_eq!(
            shown,
            [
                Some("Rent".to_string()),
                // The added paragraph comes first; the number 3 pairs the next one.
                None,
                Some("Pay by day 3.".to_string()),
                Some("See [the job centre](../jc.md).".to_string()),
                Some("Last paragraph.".to_string()),
            ]
        );
        // The link of the draft is the source's code, so the translator keeps it.
        assert!(matches!(&drafts[3].as_ref().unwrap()[1], Inline::Pc { id, .. } if id == "1"));
        // A heading with an explicit id pairs only with the heading of that id.
        let old = segment::segment("## Rent {#kaution}\n");
        assert_eq!(align(&source.segments, &old.segments)[0], None);
    }

    #[test]
    fn ids_are_nmtokens_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            unique_id(&mut taken, "ort/wohnen/miete"),
            "ort:wohnen:miete"
        );
        assert_eq!(
            unique_id(&mut taken, "ort/wohnen miete"),
            "ort:wohnen_miete"
        );
        assert_eq!(
            unique_id(&mut taken, "ort/wohnen+miete"),
            "ort:wohnen_miete-2"
        );
        assert_eq!(unique_id(&mut taken, "ort/سكن"), "ort:سكن");
    }

    #[test]
    fn front_matter_in_both_syntaxes() {
        let kept = FrontMatter {
            title: "old".into(),
            slug: Some("neu".into()),
            aliases: vec!["/a/".into()],
            machine_translated: true,
            ..Default::default()
        };
        let t = NewTranslation {
            title: "A \"quoted\" \\ title",
            description: Some("ትግርኛ"),
            kept: Some(&kept),
            source_digest: "0123456789ab",
        };
        for syntax in [
            crate::load_front_matter::Syntax::Toml,
            crate::load_front_matter::Syntax::Yaml,
        ] {
            let text = front_matter(syntax, &t).unwrap() + "Body\n";
            let parsed = crate::load_front_matter::parse(Path::new("x.md"), &text).unwrap();
            assert_eq!(parsed.syntax, syntax);
            assert_eq!(parsed.front.title, t.title);
            assert_eq!(parsed.front.description.as_deref(), Some("ትግርኛ"));
            assert_eq!(parsed.front.slug.as_deref(), Some("neu"));
            assert_eq!(parsed.front.aliases, vec!["/a/".to_string()]);
            assert_eq!(parsed.front.source_digest.as_deref(), Some("0123456789ab"));
            assert!(!parsed.front.machine_translated);
            assert_eq!(&text[parsed.body_start..], "Body\n");
        }
    }
}
