//! `wegweiser translations`: the status of every page, event, news item and place in
//! every language.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::translation::State;
use crate::model::{Municipality, Site};

/// Which rows to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub municipality: Option<String>,
    pub language: Option<String>,
    /// Empty: all states except `source`.
    pub states: Vec<State>,
}

/// The states named on a command line (`missing`, `outdated`, …), in the order given.
/// The error names the first unknown one and the states there are.
pub fn parse_states(names: &[String]) -> Result<Vec<State>, String> {
    names
        .iter()
        .map(|name| {
            State::parse(name).ok_or_else(|| {
                format!(
                    "unknown state `{name}`; states: {}",
                    State::ALL.map(State::as_str).join(", ")
                )
            })
        })
        .collect()
}

/// One translation (or missing one) of one page, event, news item or place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub municipality: String,
    /// Page key (`wohnen/miete`; `""` for the start page), or `events/<name>`,
    /// `news/<name>`, `places/<name>` (see [`Municipality::translatable_key`]).
    pub page: String,
    pub language: String,
    pub state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The translation's file; for missing ones, the source file it would translate.
    pub file: String,
    /// The language it is (to be) translated from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_language: Option<String>,
    /// The file of that source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_file: Option<String>,
    /// For outdated translations: what changed in the source since (word diff), when
    /// git's history holds the version it was made from. See [`attach_changes`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<String>,
}

/// All rows that pass `filter`, by municipality, page (pages, then events, news items
/// and places; see [`Municipality::translatables`]), then language order.
pub fn rows(site: &Site, filter: &Filter) -> Vec<Row> {
    let mut rows = Vec::new();
    for m in &site.municipalities {
        if filter.municipality.as_deref().is_some_and(|w| w != m.slug) {
            continue;
        }
        for t in m.translatables() {
            let key = m.translatable_key(t);
            for (lang, status) in m.statuses_of(t).iter().enumerate() {
                let code = &m.languages[lang].code;
                if filter.language.as_deref().is_some_and(|w| w != code) {
                    continue;
                }
                let shown = if filter.states.is_empty() {
                    status.state != State::Source
                } else {
                    filter.states.contains(&status.state)
                };
                if !shown {
                    continue;
                }
                let source = status.source.and_then(|s| m.translated(t, s));
                let file = match (m.translated(t, lang), source) {
                    (Some(t), _) => t.file().display().to_string(),
                    (None, Some(s)) => s.file().display().to_string(),
                    (None, None) => format!("content/{}/{key}", m.slug),
                };
                // Say how to fix what the editor can fix with one command.
                let reason = status.reason.clone().map(|r| {
                    if r == crate::model::translation::NO_SOURCE_DIGEST {
                        format!(
                            "{r}: if it follows the current source, `wegweiser translations stamp {file}` records that"
                        )
                    } else {
                        r
                    }
                });
                rows.push(Row {
                    municipality: m.slug.clone(),
                    page: key.clone(),
                    language: code.clone(),
                    state: status.state,
                    reason,
                    file,
                    source_language: status.source.map(|s| m.languages[s].code.clone()),
                    source_file: source.map(|s| s.file().display().to_string()),
                    changes: None,
                });
            }
        }
    }
    rows
}

/// Fill in [`Row::changes`] for outdated translations whose source changed, from the
/// source file's git history (one look-up per distinct source version).
pub fn attach_changes(site: &Site, rows: &mut [Row]) {
    let mut cache: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for row in rows.iter_mut().filter(|r| r.state == State::Outdated) {
        let Some(m) = site
            .municipalities
            .iter()
            .find(|m| m.slug == row.municipality)
        else {
            continue;
        };
        let Some(t) = m.translatable_by_key(&row.page) else {
            continue;
        };
        let Some(lang) = m.language_index(&row.language) else {
            continue;
        };
        let (Some(translation), Some(source)) =
            (m.translated(t, lang), m.statuses_of(t)[lang].source)
        else {
            continue;
        };
        let (Some(made_from), Some(current)) =
            (translation.source_digest(), m.translated(t, source))
        else {
            continue;
        };
        if made_from == current.digest() {
            continue;
        }
        let path = current.path();
        let key = (path.display().to_string(), made_from.to_string());
        row.changes = cache
            .entry(key)
            .or_insert_with(|| {
                let (old_title, old_body) =
                    crate::output::source_diff::version_with_digest(path, made_from)?;
                let now = std::fs::read_to_string(path).ok()?;
                let (front, _, body_start) =
                    crate::load::front_matter::parse_titles(path, &now).ok()?;
                let old = format!("{old_title}\n{old_body}");
                let new = format!("{}\n{}", front.title, &now[body_start..]);
                Some(crate::output::source_diff::word_diff(&old, &new)).filter(|d| !d.is_empty())
            })
            .clone();
    }
}

/// Counts of states per municipality and language.
pub fn counts(rows: &[Row]) -> BTreeMap<(&str, &str), BTreeMap<State, usize>> {
    let mut counts: BTreeMap<(&str, &str), BTreeMap<State, usize>> = BTreeMap::new();
    for r in rows {
        *counts
            .entry((r.municipality.as_str(), r.language.as_str()))
            .or_default()
            .entry(r.state)
            .or_default() += 1;
    }
    counts
}

/// A one-character mark for a state, readable without colour.
pub fn mark(state: State) -> &'static str {
    match state {
        State::Source => "=",
        State::UpToDate => "✓",
        State::MachineTranslated => "M",
        State::Outdated => "~",
        State::InTranslation => "…",
        State::Missing => "✗",
    }
}

/// The matrix for people: pages (events, news items, places) × languages, counts, and
/// why each outdated one is.
pub fn text(site: &Site, rows: &[Row]) -> String {
    let mut out = String::new();
    for m in &site.municipalities {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.municipality == m.slug).collect();
        if mine.is_empty() {
            continue;
        }
        write_matrix(&mut out, m, &mine);
    }
    if out.is_empty() {
        out.push_str("No translations match.\n");
    } else {
        out.push_str("\n✓ up to date   M machine-translated   ~ outdated   … in translation   ✗ missing   = source\n");
    }
    out
}

fn write_matrix(out: &mut String, m: &Municipality, rows: &[&Row]) {
    let languages: Vec<&str> = m
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .filter(|c| rows.iter().any(|r| r.language == *c))
        .collect();
    let _ = writeln!(out, "{} ({})", m.name, m.slug);
    let width = rows
        .iter()
        .map(|r| page_label(&r.page).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = write!(out, "  {:<width$}", "page");
    for l in &languages {
        let _ = write!(out, " {l:>5}");
    }
    out.push('\n');
    let mut pages: Vec<&str> = rows.iter().map(|r| r.page.as_str()).collect();
    pages.dedup();
    for page in pages {
        let _ = write!(out, "  {:<width$}", page_label(page));
        for l in &languages {
            let cell = rows
                .iter()
                .find(|r| r.page == page && r.language == *l)
                .map_or(" ", |r| mark(r.state));
            let _ = write!(out, " {cell:>5}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "  counts:");
    for (lang, states) in counts_of(rows) {
        let parts: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let _ = writeln!(out, "    {lang:<6} {}", parts.join(", "));
    }
    let work: Vec<&&Row> = rows.iter().filter(|r| r.state == State::Outdated).collect();
    if !work.is_empty() {
        let _ = writeln!(out, "  outdated:");
        for r in work {
            let _ = writeln!(
                out,
                "    {} [{}] {}: {}",
                page_label(&r.page),
                r.language,
                r.file,
                r.reason.as_deref().unwrap_or("")
            );
            if let Some(changes) = &r.changes {
                let _ = writeln!(out, "      changed: {changes}");
            }
        }
    }
    out.push('\n');
}

fn counts_of<'a>(rows: &[&'a Row]) -> BTreeMap<&'a str, BTreeMap<State, usize>> {
    let mut counts: BTreeMap<&str, BTreeMap<State, usize>> = BTreeMap::new();
    for r in rows {
        *counts
            .entry(r.language.as_str())
            .or_default()
            .entry(r.state)
            .or_default() += 1;
    }
    counts
}

fn page_label(key: &str) -> &str {
    if key.is_empty() { "(start page)" } else { key }
}

/// One JSON object per line.
pub fn json(rows: &[Row]) -> String {
    rows.iter()
        .map(|r| serde_json::to_string(r).expect("rows serialise") + "\n")
        .collect()
}

/// CSV (RFC 4180) with a header line.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "municipality,page,language,state,reason,file,source_language,source_file,changes\r\n",
    );
    for r in rows {
        let fields = [
            r.municipality.as_str(),
            r.page.as_str(),
            r.language.as_str(),
            r.state.as_str(),
            r.reason.as_deref().unwrap_or(""),
            r.file.as_str(),
            r.source_language.as_deref().unwrap_or(""),
            r.source_file.as_deref().unwrap_or(""),
            r.changes.as_deref().unwrap_or(""),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
pub fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_parsed_in_order() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_states(&names(&["outdated", "missing"])).unwrap(),
            [State::Outdated, State::Missing]
        );
        let e = parse_states(&names(&["missing", "gone"])).unwrap_err();
        assert!(e.starts_with("unknown state `gone`; states: "), "{e}");
        assert!(e.contains("missing"), "{e}");
    }

    #[test]
    fn csv_rows_have_as_many_fields_as_the_header() {
        let row = Row {
            municipality: "stadt".into(),
            page: "wohnen/miete".into(),
            language: "ar".into(),
            state: State::Outdated,
            reason: Some("the de source changed, see \"Kaution\"".into()),
            file: "content/stadt/wohnen/miete.ar.md".into(),
            source_language: Some("de".into()),
            source_file: Some("content/stadt/wohnen/miete.de.md".into()),
            changes: Some("[-zwei-] {+drei+} Monatsmieten".into()),
        };
        let out = csv(&[row]);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 2);
        // A field count that ignores quoted commas.
        let fields = |l: &str| {
            let mut n = 1;
            let mut quoted = false;
            for c in l.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => n += 1,
                    _ => {}
                }
            }
            n
        };
        assert_eq!(fields(lines[0]), 9);
        assert_eq!(fields(lines[1]), fields(lines[0]), "{out}");
        assert!(lines[0].ends_with(",changes"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
