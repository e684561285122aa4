//! The translation dashboard of a municipality (`/<municipality>/_status/`): the same
//! states as `wegweiser translations`, of pages, events, news items and places, as a
//! page for editors. Render layer: its values and the page itself.

use serde::Serialize;
use tera::Context;

use crate::model::translation::State;
use crate::model::ui_strings::LanguageStrings;
use crate::model::{Municipality, Site};
use crate::output::translation_report::mark;

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
    tag: &'a str,
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
    /// The page in that language, if it has its own text there.
    url: Option<String>,
    file: String,
}

#[derive(Serialize)]
struct Row<'a> {
    /// As in `wegweiser translations`: `wohnen/miete`, `events/sprachcafe`, …
    key: String,
    title: &'a str,
    url: String,
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
            tag: &m.languages[l].tag,
            name: &m.languages[l].name,
            dir: m.languages[l].dir.as_str(),
            counts: vec![0; STATES.len()],
            outdated: 0,
        })
        .collect();
    let mut rows = Vec::new();
    for t in m.translatables() {
        // Its page in the source language, else the first language it is published in.
        let Some(source_url) = std::iter::once(m.source_language)
            .chain(0..m.languages.len())
            .find_map(|l| m.translatable_url(t, l))
        else {
            continue;
        };
        let statuses = m.statuses_of(t);
        let mut classes: Vec<String> = Vec::new();
        let mut cells = Vec::with_capacity(translated.len());
        for (column, &lang) in translated.iter().enumerate() {
            let status = &statuses[lang];
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
            let own = m.translated(t, lang);
            cells.push(Cell {
                state: status.state.as_str(),
                label: label(ui, status.state),
                mark: mark(status.state),
                url: own.and_then(|_| m.translatable_url(t, lang)),
                file: own
                    .map(|x| x.file().display().to_string())
                    .unwrap_or_default(),
            });
        }
        rows.push(Row {
            key: m.translatable_key(t),
            title: m.translatable_title(t),
            url: source_url,
            classes: classes.join(" "),
            cells,
        });
    }
    ctx.insert("states", &states);
    ctx.insert("languages", &languages);
    ctx.insert("rows", &rows);
}

#[derive(Serialize)]
struct FreshPage<'a> {
    title: &'a str,
    url: &'a str,
    file: &'a str,
    state: &'static str,
    label: &'a str,
    /// "Last checked: 12 May 2025", in the editors' language.
    reviewed: Option<String>,
}

#[derive(Serialize)]
struct FreshGroup<'a> {
    name: &'a str,
    /// Opens the same reminder `wegweiser review remind` writes.
    mailto: Option<String>,
    pages: Vec<FreshPage<'a>>,
}

/// Add the freshness part of the dashboard (`freshness`): pages overdue, due soon and
/// never reviewed, per actor, with reminder links, as `wegweiser review remind` and
/// `wegweiser review --state overdue,due-soon,never-reviewed` see them.
pub fn freshness(site: &Site, m: &Municipality, ui: &LanguageStrings<'_>, ctx: &mut Context) {
    use crate::model::review::Freshness;
    use crate::output::review_report::{Filter, municipality_review};
    // Portals that name no actors and record no checks do not use this.
    let used = !m.actors.is_empty()
        || m.pages
            .iter()
            .any(|p| p.review.as_ref().is_some_and(|r| r.reviewed.is_some()));
    if !used {
        return;
    }
    let filter = Filter {
        states: vec![
            Freshness::Overdue,
            Freshness::DueSoon,
            Freshness::NeverReviewed,
        ],
        ..Filter::default()
    };
    let review = municipality_review(site, m, &filter);
    let code = &m.languages[m.source_language].tag;
    let groups: Vec<FreshGroup<'_>> = review
        .actors
        .iter()
        .map(|g| FreshGroup {
            name: g
                .actor
                .as_ref()
                .map_or(ui.get("freshness_no_actor"), |a| a.name.as_str()),
            mailto: crate::output::remind::reminder(site, m, g, ui)
                .filter(|r| r.to.is_some())
                .map(|r| crate::output::remind::mailto(&r)),
            pages: g
                .pages
                .iter()
                .map(|e| FreshPage {
                    title: &e.title,
                    url: &e.url,
                    file: &e.file,
                    state: e.state.as_str(),
                    label: crate::output::remind::state_label(ui, e.state),
                    reviewed: e.reviewed.as_ref().map(|r| {
                        ui.get("last_checked")
                            .replace("{date}", &crate::output::remind::local_date(code, r))
                    }),
                })
                .collect(),
        })
        .collect();
    let c = &review.counts;
    let counts: Vec<(&str, &str, usize)> = [
        (Freshness::Overdue, c.overdue),
        (Freshness::DueSoon, c.due_soon),
        (Freshness::NeverReviewed, c.never_reviewed),
        (Freshness::Current, c.current),
    ]
    .into_iter()
    .map(|(f, n)| (f.as_str(), crate::output::remind::state_label(ui, f), n))
    .collect();
    let today = crate::output::remind::local_date(code, &m.today.to_string());
    ctx.insert(
        "freshness",
        &serde_json::json!({
            "intro": ui.get("freshness_intro").replace("{date}", &today),
            "counts": counts.iter().map(|(id, label, n)| serde_json::json!({"id": id, "label": label, "n": n})).collect::<Vec<_>>(),
            "groups": groups,
        }),
    );
}

impl crate::render::Renderer<'_> {
    /// Where the dashboard goes, and its bytes.
    pub(crate) fn status_file(
        &self,
        m: usize,
    ) -> Result<(String, Vec<u8>), crate::base::diagnostics::Diagnostic> {
        let slug = &self.site.municipalities[m].slug;
        Ok((format!("{slug}/_status/index.html"), self.render_status(m)?))
    }

    fn render_status(&self, mi: usize) -> Result<Vec<u8>, crate::base::diagnostics::Diagnostic> {
        let m = &self.site.municipalities[mi];
        let mut ctx = self.base_context(mi, m.source_language);
        ctx.remove("offline");
        let ui = self.theme.ui.for_lang(&m.languages[m.source_language]);
        crate::render::status_page::context(m, &ui, &mut ctx);
        crate::render::status_page::freshness(self.site, m, &ui, &mut ctx);
        self.render("status.html", &ctx)
    }
}
