//! The translation dashboard of a municipality (`/<municipality>/_status/`): the same
//! states as `wegweiser translations`, as a page for editors.

use serde::Serialize;
use tera::Context;

use crate::model::Municipality;
use crate::theme::LanguageStrings;
use crate::translation::State;
use crate::translation_report::mark;

/// States in the order the dashboard shows them.
const STATES: [State; 5] = [
    State::Missing,
    State::Outdated,
    State::InTranslation,
    State::MachineTranslated,
    State::UpToDate,
];

#[derive(Serialize)]
struct StateInfo<'a> {
    id: &'static str,
    label: &'a str,
    mark: &'static str,
}

#[derive(Serialize)]
struct LanguageCounts<'a> {
    code: &'a str,
    name: &'a str,
    dir: &'static str,
    counts: Vec<usize>,
    /// Outdated pages, for the summary ("3 pages outdated", in the right plural form).
    outdated: usize,
}

#[derive(Serialize)]
struct Cell<'a> {
    state: &'static str,
    label: &'a str,
    mark: &'static str,
    /// The page in that language, if it is published there.
    url: Option<&'a str>,
    file: String,
}

#[derive(Serialize)]
struct Row<'a> {
    key: &'a str,
    title: &'a str,
    url: &'a str,
    /// `has-<state>` for every state in the row, for filtering.
    classes: String,
    cells: Vec<Cell<'a>>,
}

fn label<'a>(ui: &LanguageStrings<'a>, state: State) -> &'a str {
    ui.get(match state {
        State::Source => "state_source",
        State::Missing => "state_missing",
        State::InTranslation => "state_in_translation",
        State::Outdated => "state_outdated",
        State::MachineTranslated => "state_machine_translated",
        State::UpToDate => "state_up_to_date",
    })
}

/// Add the dashboard's values to `ctx`; `ui` in the language of the editors (the
/// municipality's source language).
pub fn context(m: &Municipality, ui: &LanguageStrings<'_>, ctx: &mut Context) {
    let states: Vec<StateInfo<'_>> = STATES
        .iter()
        .map(|&s| StateInfo {
            id: s.as_str(),
            label: label(ui, s),
            mark: mark(s),
        })
        .collect();
    let translated: Vec<usize> = (0..m.languages.len())
        .filter(|&l| l != m.source_language)
        .collect();
    let mut languages: Vec<LanguageCounts<'_>> = translated
        .iter()
        .map(|&l| LanguageCounts {
            code: &m.languages[l].code,
            name: &m.languages[l].name,
            dir: m.languages[l].dir.as_str(),
            counts: vec![0; STATES.len()],
            outdated: 0,
        })
        .collect();
    let mut rows = Vec::new();
    for (id, page) in m.pages.iter().enumerate() {
        if page.translations.iter().all(Option::is_none) {
            continue;
        }
        let Some((source_url, _)) = m.url_for(id, m.source_language) else {
            continue;
        };
        let (title, _) = m.title(id, m.source_language);
        let mut classes: Vec<String> = Vec::new();
        let mut cells = Vec::with_capacity(translated.len());
        for (column, &lang) in translated.iter().enumerate() {
            let status = &page.statuses[lang];
            if let Some(i) = STATES.iter().position(|s| *s == status.state) {
                languages[column].counts[i] += 1;
            }
            if status.state == State::Outdated {
                languages[column].outdated += 1;
            }
            let class = format!("has-{}", status.state.as_str());
            if !classes.contains(&class) {
                classes.push(class);
            }
            let file = page.translations[lang]
                .as_ref()
                .map(|t| t.file.display().to_string())
                .unwrap_or_default();
            cells.push(Cell {
                state: status.state.as_str(),
                label: label(ui, status.state),
                mark: mark(status.state),
                url: page.translations[lang]
                    .as_ref()
                    .and(page.localized[lang].as_ref())
                    .map(|l| l.url.as_str()),
                file,
            });
        }
        rows.push(Row {
            key: &page.key,
            title,
            url: &source_url.url,
            classes: classes.join(" "),
            cells,
        });
    }
    ctx.insert("states", &states);
    ctx.insert("languages", &languages);
    ctx.insert("rows", &rows);
}
