//! `wegweiser review`: the pages to check, grouped by municipality and actor, as text,
//! JSON or CSV. The same list feeds the reminders ([`crate::output::remind`]) and the
//! freshness part of the dashboard, so all three agree.

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::actor::{Actor, ActorKind};
use crate::model::review::{Freshness, Interval, due_date, page_freshness};
use crate::model::{Municipality, PageId, Site};
use crate::output::translation_report::csv_field;

/// One page's freshness.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: String,
    /// Title in the municipality's source language.
    pub title: String,
    /// Absolute URL in the language the review dates are read from.
    pub url: String,
    /// The file holding `reviewed` (what `review confirm` changes).
    pub file: String,
    pub state: Freshness,
    pub reviewed: Option<String>,
    pub reviewed_by: Option<String>,
    /// When the next check is due (`None` when never reviewed).
    pub due: Option<String>,
    pub interval: String,
    #[serde(skip)]
    pub page: PageId,
}

/// An actor (or, with `actor: None`, nobody) with their pages.
#[derive(Debug, Clone, Serialize)]
pub struct ActorGroup {
    /// `None`: pages no actor is named for.
    pub actor: Option<ActorInfo>,
    pub pages: Vec<Entry>,
}

/// An actor's contact data, as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct ActorInfo {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub contact_person: Option<String>,
    #[serde(skip)]
    pub index: usize,
}

impl ActorInfo {
    fn of(a: &Actor, index: usize) -> Self {
        ActorInfo {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            email: a.email.clone(),
            phone: a.phone.clone(),
            contact_person: a.contact_person.clone(),
            index,
        }
    }
}

/// Counts of one municipality's pages by freshness.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub overdue: usize,
    pub due_soon: usize,
    pub never_reviewed: usize,
    pub current: usize,
}

impl Counts {
    fn add(&mut self, f: Freshness) {
        match f {
            Freshness::Overdue => self.overdue += 1,
            Freshness::DueSoon => self.due_soon += 1,
            Freshness::NeverReviewed => self.never_reviewed += 1,
            Freshness::Current => self.current += 1,
        }
    }
}

/// One municipality's part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityReview {
    pub slug: String,
    pub name: String,
    pub today: String,
    pub timezone: String,
    pub counts: Counts,
    /// Actors in `actors.toml` order, then pages without an actor; only groups with
    /// pages that were asked for.
    pub actors: Vec<ActorGroup>,
}

/// What to report.
#[derive(Debug, Clone)]
pub struct Filter {
    pub municipality: Option<String>,
    pub actor: Option<String>,
    /// Pages due within this interval after today are "due soon".
    pub due_within: Interval,
    /// The states to list.
    pub states: Vec<Freshness>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            municipality: None,
            actor: None,
            due_within: crate::model::review::DUE_SOON,
            states: vec![Freshness::Overdue, Freshness::DueSoon],
        }
    }
}

/// The states named on a command line (`overdue`, `due-soon`, `never-reviewed`,
/// `current`, or `all` for every one), in the order given. The error names the first
/// unknown one and the states there are.
pub fn parse_states(names: &[String]) -> Result<Vec<Freshness>, String> {
    let mut states = Vec::new();
    for name in names {
        match name.as_str() {
            "all" => states.extend(Freshness::ALL),
            other => match Freshness::parse(other) {
                Some(f) => states.push(f),
                None => {
                    return Err(format!(
                        "unknown state `{other}`: use overdue, due-soon, never-reviewed, current or all"
                    ));
                }
            },
        }
    }
    Ok(states)
}

/// The freshness of every page of `m` that has a file, in page order.
pub fn entries(site: &Site, m: &Municipality, due_within: Interval) -> Vec<Entry> {
    let mut out = Vec::new();
    for (id, page) in m.pages.iter().enumerate() {
        let Some(review) = &page.review else { continue };
        let Some(t) = &page.translations[review.lang] else {
            continue;
        };
        let url = page.localized[review.lang]
            .as_ref()
            .or_else(|| m.url_for(id, review.lang).map(|(l, _)| l))
            .map(|l| site.base_url.absolute(&l.url))
            .unwrap_or_default();
        let (title, _) = m.title(id, m.source_language);
        out.push(Entry {
            key: page.key.clone(),
            title: title.to_string(),
            url,
            file: t.file.display().to_string().replace('\\', "/"),
            state: page_freshness(m, review, due_within),
            reviewed: review.reviewed.map(|d| d.to_string()),
            reviewed_by: review.reviewed_by.clone(),
            due: review
                .reviewed
                .map(|d| due_date(d, review.interval).to_string()),
            interval: review.interval.to_string(),
            page: id,
        });
    }
    out
}

/// The report for `site` under `filter`. Unknown municipality or actor names are the
/// caller's to check first ([`check_filter`]).
pub fn report(site: &Site, filter: &Filter) -> Vec<MunicipalityReview> {
    site.municipalities
        .iter()
        .filter(|m| filter.municipality.as_ref().is_none_or(|s| *s == m.slug))
        .map(|m| municipality_review(site, m, filter))
        .collect()
}

/// One municipality's report.
pub fn municipality_review(site: &Site, m: &Municipality, filter: &Filter) -> MunicipalityReview {
    let all = entries(site, m, filter.due_within);
    let mut counts = Counts::default();
    let mut groups: Vec<ActorGroup> = m
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| ActorGroup {
            actor: Some(ActorInfo::of(a, i)),
            pages: Vec::new(),
        })
        .collect();
    let mut nobody = ActorGroup {
        actor: None,
        pages: Vec::new(),
    };
    for e in all {
        let review = m.pages[e.page]
            .review
            .as_ref()
            .expect("entries have reviews");
        if let Some(wanted) = &filter.actor
            && !review.actors.iter().any(|&a| m.actors[a].id == *wanted)
        {
            continue;
        }
        counts.add(e.state);
        if !filter.states.contains(&e.state) {
            continue;
        }
        if review.actors.is_empty() {
            nobody.pages.push(e);
        } else {
            for &a in &review.actors {
                if filter.actor.as_ref().is_none_or(|id| *id == m.actors[a].id) {
                    groups[a].pages.push(e.clone());
                }
            }
        }
    }
    if filter.actor.is_none() {
        groups.push(nobody);
    }
    groups.retain(|g| !g.pages.is_empty());
    MunicipalityReview {
        slug: m.slug.clone(),
        name: m.name.clone(),
        today: m.today.to_string(),
        timezone: m.timezone.clone(),
        counts,
        actors: groups,
    }
}

/// A problem with `--municipality` or `--actor`, with a hint.
pub fn check_filter(site: &Site, filter: &Filter) -> Result<(), (String, Option<String>)> {
    if let Some(slug) = &filter.municipality
        && !site.municipalities.iter().any(|m| m.slug == *slug)
    {
        let names = site.municipalities.iter().map(|m| m.slug.as_str());
        return Err((
            format!("there is no municipality `{slug}`"),
            crate::base::diagnostics::did_you_mean(slug, names)
                .map(|n| format!("did you mean `{n}`?")),
        ));
    }
    if let Some(id) = &filter.actor {
        let ids: Vec<&str> = site
            .municipalities
            .iter()
            .filter(|m| filter.municipality.as_ref().is_none_or(|s| *s == m.slug))
            .flat_map(|m| m.actors.iter().map(|a| a.id.as_str()))
            .collect();
        if !ids.contains(&id.as_str()) {
            return Err((
                format!("there is no actor `{id}`"),
                crate::base::diagnostics::did_you_mean(id, ids.iter().copied())
                    .map(|n| format!("did you mean `{n}`?")),
            ));
        }
    }
    Ok(())
}

fn state_line(e: &Entry) -> String {
    match (&e.reviewed, &e.due) {
        (Some(r), Some(d)) => format!("{}: reviewed {r}, due {d} (every {})", e.state, e.interval),
        _ => format!("{}: never reviewed (every {})", e.state, e.interval),
    }
}

/// The report as text for people.
pub fn text(report: &[MunicipalityReview]) -> String {
    let mut out = String::new();
    for m in report {
        let c = &m.counts;
        let _ = writeln!(
            out,
            "{} ({}), today {} ({}): {} overdue, {} due soon, {} never reviewed, {} current",
            m.name, m.slug, m.today, m.timezone, c.overdue, c.due_soon, c.never_reviewed, c.current
        );
        for g in &m.actors {
            out.push('\n');
            match &g.actor {
                Some(a) => {
                    let _ = writeln!(out, "  {} [{}, {}]", a.name, a.id, a.kind);
                    let contact: Vec<&str> = [&a.contact_person, &a.email, &a.phone]
                        .into_iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    if !contact.is_empty() {
                        let _ = writeln!(out, "  {}", contact.join(" · "));
                    }
                }
                None => {
                    let _ = writeln!(out, "  (no actor named)");
                }
            }
            for e in &g.pages {
                let _ = writeln!(out, "    {}  {}", e.title, e.url);
                let _ = writeln!(out, "      {}  {}", state_line(e), e.file);
            }
        }
        if m.actors.is_empty() {
            let _ = writeln!(out, "  nothing to check");
        }
        out.push('\n');
    }
    out
}

/// The report as JSON.
pub fn json(report: &[MunicipalityReview]) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report serializes");
    s.push('\n');
    s
}

/// The report as CSV: one line per page and actor.
pub fn csv(report: &[MunicipalityReview]) -> String {
    let mut out = String::from(
        "municipality,actor,actor_name,actor_email,state,reviewed,due,interval,title,url,file\n",
    );
    for m in report {
        for g in &m.actors {
            let (id, name, email) = match &g.actor {
                Some(a) => (
                    a.id.as_str(),
                    a.name.as_str(),
                    a.email.as_deref().unwrap_or(""),
                ),
                None => ("", "", ""),
            };
            for e in &g.pages {
                let fields = [
                    m.slug.as_str(),
                    id,
                    name,
                    email,
                    e.state.as_str(),
                    e.reviewed.as_deref().unwrap_or(""),
                    e.due.as_deref().unwrap_or(""),
                    &e.interval,
                    &e.title,
                    &e.url,
                    &e.file,
                ];
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
    }
    out
}

/// Whether any page of the report is overdue (for `check --fail-on overdue`).
pub fn overdue_count(site: &Site) -> usize {
    site.municipalities
        .iter()
        .map(|m| {
            entries(site, m, crate::model::review::DUE_SOON)
                .iter()
                .filter(|e| e.state == Freshness::Overdue)
                .count()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_parsed_with_all() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_states(&names(&["due-soon", "overdue"])).unwrap(),
            [Freshness::DueSoon, Freshness::Overdue]
        );
        assert_eq!(parse_states(&names(&["all"])).unwrap(), Freshness::ALL);
        let e = parse_states(&names(&["overdue", "late"])).unwrap_err();
        assert!(e.starts_with("unknown state `late`"), "{e}");
    }

    #[test]
    fn nothing_to_check_without_pages() {
        assert_eq!(csv(&[]).lines().count(), 1);
        assert_eq!(text(&[]), "");
    }
}
