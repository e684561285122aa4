//! `wegweiser translations import`: plan the translation files an XLIFF document
//! brings back, checked against the portal, and write them.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::read_text;
use crate::model::front_matter::FrontMatter;
use crate::model::translation::Translated;
use crate::model::{Municipality, Site, Translatable};

use super::document::{File, SkeletonPart, read};
use super::restore::{codes_without_data, restore_codes, trim_blank_lines};
use super::segment::{self, Inline};
use super::{error_at, file_digest, note, read_page, slash_path, translation_paths};

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

/// The page a `<file>` translates, as found in the portal from its notes.
#[derive(Clone, Copy)]
struct Target<'a> {
    label: &'a str,
    made_from: &'a str,
    m: &'a Municipality,
    t: Translatable,
    lang: usize,
    source: &'a dyn Translated,
}

/// Plan the translation file one `<file>` brings back: find its page, take its
/// translated texts, check that nothing newer is overwritten, write the front matter.
fn plan_file(
    site: &Site,
    input: &FileInput<'_>,
    file: &File,
    warnings: &mut Vec<Diagnostic>,
) -> Result<PlannedWrite, Vec<Diagnostic>> {
    let here = |message: String| vec![error_at(input.display, file.line, message)];
    let page = find_page(site, input, file)?;
    let (title, description, body) = translated_texts(input, file, &page)?;
    let (target_display, target_path, replaces) = check_overwrite(input, file, &page, warnings)?;
    let Target {
        label,
        made_from,
        m,
        t,
        lang,
        source,
    } = page;

    let source_text = read_text(source.path(), source.file()).map_err(|d| vec![d])?;
    let syntax = if source_text.starts_with("---") {
        crate::load::front_matter::Syntax::Yaml
    } else {
        crate::load::front_matter::Syntax::Toml
    };
    // Places, events and news items keep only their old URLs beside the texts.
    let item_text = match t {
        Translatable::Page(_) => None,
        Translatable::Event(i) => m.events[i].texts[lang].as_ref(),
        Translatable::Place(i) => m.places[i].texts[lang].as_ref(),
        Translatable::News(i) => m.news[i].texts[lang].as_ref(),
    };
    let item_front = item_text.map(|x| FrontMatter {
        aliases: x.aliases.clone(),
        ..Default::default()
    });
    let new = NewTranslation {
        title: &title,
        description: description.as_deref(),
        kept: match t {
            Translatable::Page(id) => m.pages[id].translations[lang].as_ref().map(|x| &x.front),
            _ => item_front.as_ref(),
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

/// The page, event, news item or place a `<file>` translates, and its source text in
/// the file's source language.
fn find_page<'a>(
    site: &'a Site,
    input: &FileInput<'_>,
    file: &'a File,
) -> Result<Target<'a>, Vec<Diagnostic>> {
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
        .filter(|d| crate::model::translation::is_digest(d))
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
    Ok(Target {
        label,
        made_from,
        m,
        t,
        lang,
        source,
    })
}

/// The translated title, description and body of a `<file>`, or why not.
fn translated_texts(
    input: &FileInput<'_>,
    file: &File,
    page: &Target<'_>,
) -> Result<(String, Option<String>, String), Vec<Diagnostic>> {
    let Target {
        label,
        made_from,
        source,
        ..
    } = *page;
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
    let skeleton = body_skeleton(input, file, label, source, &prefix, fresh.as_ref())?;
    let check = UnitCheck {
        input,
        label,
        source_file: source.file(),
        prefix: &prefix,
        fresh: fresh.as_ref(),
        has_skeleton: skeleton.is_some(),
        cells: skeleton
            .iter()
            .flatten()
            .filter_map(|p| match p {
                SkeletonPart::Unit { id, kind } if segment::is_cell(kind) => Some(id.as_str()),
                _ => None,
            })
            .collect(),
    };
    let Units {
        title,
        description,
        mut segments,
        body,
        mut errors,
    } = collect_units(&check, file);
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

    Ok((title, description, body))
}

/// The skeleton the body is put together in: the fresh source's when the source is
/// still the exported version, else the file's; `None` for files exported before
/// wegweiser had skeletons.
fn body_skeleton(
    input: &FileInput<'_>,
    file: &File,
    label: &str,
    source: &dyn Translated,
    prefix: &str,
    fresh: Option<&segment::Segmented>,
) -> Result<Option<Vec<SkeletonPart>>, Vec<Diagnostic>> {
    let new_format = file.units.iter().any(|u| u.id.starts_with(prefix));
    let skeleton: Option<Vec<SkeletonPart>> = match (fresh, &file.skeleton) {
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
    Ok(skeleton)
}

/// What the units of a `<file>` are checked against.
struct UnitCheck<'a> {
    input: &'a FileInput<'a>,
    label: &'a str,
    source_file: &'a Path,
    prefix: &'a str,
    fresh: Option<&'a segment::Segmented>,
    has_skeleton: bool,
    cells: BTreeSet<&'a str>,
}

impl UnitCheck<'_> {
    /// A body unit's source content in the fresh source, when there is one.
    fn fresh_source(&self, unit_id: &str) -> Option<&[Inline]> {
        let n: usize = unit_id
            .strip_prefix(self.prefix)?
            .strip_prefix("body-")?
            .parse()
            .ok()?;
        Some(&self.fresh?.segments.get(n.checked_sub(1)?)?.content)
    }
}

/// The translated units of a `<file>`.
struct Units<'f> {
    title: Option<String>,
    description: Option<String>,
    /// Body units by id (with a skeleton) or in order (files exported before
    /// wegweiser had skeletons: one unit of raw Markdown per block).
    segments: HashMap<&'f str, (String, usize)>,
    body: Vec<String>,
    errors: Vec<Diagnostic>,
}

/// Read each unit's target back into Markdown, with the codes' Markdown restored.
fn collect_units<'f>(c: &UnitCheck<'_>, file: &'f File) -> Units<'f> {
    let (input, label) = (c.input, c.label);
    let mut errors = Vec::new();
    let mut title = None;
    let mut description = None;
    let mut segments: HashMap<&str, (String, usize)> = HashMap::new();
    let mut body = Vec::new();
    let mut ids = BTreeSet::new();
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
        let source_content = c.fresh_source(&unit.id).unwrap_or(&unit.source_content);
        if c.fresh.is_none() && codes_without_data(source_content) {
            errors.push(
                error_at(
                    input.display,
                    unit.line,
                    format!(
                        "page {label}: unit `{}` has tags without their Markdown (the translation tool dropped <originalData>), and {} changed since the export",
                        unit.id,
                        slash_path(c.source_file)
                    ),
                )
                .with_hint("export the page again, and keep <originalData> in the translation tool"),
            );
            continue;
        }
        let text = match restore_codes(source_content, target) {
            Ok(content) => segment::to_markdown(&content, c.cells.contains(unit.id.as_str())),
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
        let text = if c.has_skeleton {
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
        let local = unit.id.strip_prefix(c.prefix).unwrap_or(&unit.id);
        match local {
            "title" => title = Some(text.trim().to_string()),
            "description" => description = Some(text.trim().to_string()),
            _ if c.has_skeleton && local.starts_with("body-") => {
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
    Units {
        title,
        description,
        segments,
        body,
        errors,
    }
}

/// Where the translation goes and whether a file is there; refused when that file is
/// newer than the export (unless forced). Warns when the source changed since.
fn check_overwrite(
    input: &FileInput<'_>,
    file: &File,
    page: &Target<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(PathBuf, PathBuf, bool), Vec<Diagnostic>> {
    let Target {
        made_from,
        m,
        t,
        lang,
        source,
        ..
    } = *page;
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
    Ok((target_display, target_path, replaces))
}

/// The front matter of an imported translation.
pub(super) struct NewTranslation<'a> {
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    /// The existing translation's front matter: its own settings (slug, weight, draft,
    /// aliases, extra) are kept; `machine_translated` and `in_translation` are not.
    pub(super) kept: Option<&'a FrontMatter>,
    pub(super) source_digest: &'a str,
}

/// A string in both TOML and YAML: a JSON string is a valid TOML basic string and a
/// valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

pub(super) fn front_matter(
    syntax: crate::load::front_matter::Syntax,
    t: &NewTranslation<'_>,
) -> Result<String, String> {
    let (fence, sep) = match syntax {
        crate::load::front_matter::Syntax::Toml => ("+++", " = "),
        crate::load::front_matter::Syntax::Yaml => ("---", ": "),
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
            crate::load::front_matter::Syntax::Toml => {
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
            crate::load::front_matter::Syntax::Yaml => {
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
