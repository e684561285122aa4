//! What the site shows about integration actors and freshness: the block after every
//! page ("information provided by …, last checked …, report a problem"), one page per
//! actor and language (`/<m>/<lang>/actors/<id>/`), and the actors overview grouped by
//! kind (`/<m>/<lang>/actors/`): their values and, at the end, the pages themselves
//! (render layer).

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::actor::ActorKind;
use crate::model::actor::{actor_url, actors_url};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, PageId, Site};
use crate::output::remind::{local_date, mailto_link};

#[derive(Serialize)]
struct ActorLink<'a> {
    name: &'a str,
    url: Option<String>,
    /// The name is written in the municipality's source language.
    lang: &'a str,
    dir: &'static str,
}

/// The `review` value of a page for readers of `lang`: who provides it, when it was
/// last checked (in the reader's language and calendar), where to report a problem,
/// and where to suggest an edit.
pub fn page_review(
    site: &Site,
    m: &Municipality,
    page: PageId,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Value {
    let p = &m.pages[page];
    let reader = &m.languages[lang].tag;
    let source = &m.languages[m.source_language];
    let review = p.review.as_ref();
    let actors: Vec<ActorLink<'_>> = review
        .map(|r| r.actors.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|&a| ActorLink {
            name: &m.actors[a].name,
            url: actor_url(m, lang, a),
            lang: &source.tag,
            dir: source.dir.as_str(),
        })
        .collect();
    let reviewed = review.and_then(|r| r.reviewed).map(|d| {
        ui.get("last_checked")
            .replace("{date}", &local_date(reader, &d.to_string()))
    });
    let (title, _) = m.title(page, lang);
    let url = p.localized[lang]
        .as_ref()
        .map(|l| site.base_url.absolute(&l.url))
        .unwrap_or_default();
    let to = review
        .into_iter()
        .flat_map(|r| r.actors.iter())
        .find_map(|&a| m.actors[a].email.as_deref())
        .or_else(|| m.contact.as_ref().and_then(|c| c.email.as_deref()));
    let report = to.map(|to| {
        mailto_link(
            to,
            &ui.get("report_subject").replace("{title}", title),
            &ui.get("report_body")
                .replace("{title}", title)
                .replace("{url}", &url),
        )
    });
    let edit = site.edit_url.as_ref().and_then(|pattern| {
        let (_, t) = m.shown(page, lang)?;
        let path = t.file.display().to_string().replace('\\', "/");
        let encoded: Vec<String> = path
            .split('/')
            .map(crate::model::urls::encode_segment)
            .collect();
        Some(pattern.replace("{path}", &encoded.join("/")))
    });
    json!({
        "actors": actors,
        "reviewed": reviewed,
        "reviewed_iso": review.and_then(|r| r.reviewed).map(|d| d.to_string()),
        "report": report,
        "edit": edit,
    })
}

#[derive(Serialize)]
struct ActorValue<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    kind_label: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    /// `tel:` target: the number without spaces.
    phone_link: Option<String>,
    website: Option<&'a str>,
    contact_person: Option<&'a str>,
    address: Option<&'a str>,
    description: Option<&'a str>,
    url: Option<String>,
    /// Language and direction of name and description (the source language).
    lang: &'a str,
    dir: &'static str,
}

/// The label of an actor kind, plural, for headings.
pub fn kind_label<'a>(ui: &LanguageStrings<'a>, kind: ActorKind) -> &'a str {
    ui.get(match kind {
        ActorKind::Authority => "actor_kind_authority",
        ActorKind::Education => "actor_kind_education",
        ActorKind::Volunteer => "actor_kind_volunteer",
        ActorKind::Counselling => "actor_kind_counselling",
        ActorKind::Other => "actor_kind_other",
    })
}

fn actor_value<'a>(
    m: &'a Municipality,
    actor: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'a>,
) -> ActorValue<'a> {
    let a = &m.actors[actor];
    let source = &m.languages[m.source_language];
    ActorValue {
        id: &a.id,
        name: &a.name,
        kind: a.kind.as_str(),
        kind_label: kind_label(ui, a.kind),
        email: a.email.as_deref(),
        phone: a.phone.as_deref(),
        phone_link: a.phone.as_ref().map(|p| p.replace([' ', '/', '-'], "")),
        website: a.url.as_deref(),
        contact_person: a.contact_person.as_deref(),
        address: a.address.as_deref(),
        description: a.description.as_deref(),
        url: actor_url(m, lang, actor),
        lang: &source.tag,
        dir: source.dir.as_str(),
    }
}

#[derive(Serialize)]
struct PageLink<'a> {
    title: &'a str,
    url: &'a str,
    lang: &'a str,
    dir: &'static str,
}

/// The pages `actor` provides, as readers of `lang` find them.
fn provided_pages(m: &Municipality, actor: usize, lang: LangIdx) -> Vec<PageLink<'_>> {
    m.pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.review.as_ref().is_some_and(|r| r.actors.contains(&actor)))
        .filter_map(|(id, _)| {
            let (loc, _) = m.url_for(id, lang)?;
            let (title, title_lang) = m.title(id, lang);
            let l = &m.languages[title_lang];
            Some(PageLink {
                title,
                url: &loc.url,
                lang: &l.tag,
                dir: l.dir.as_str(),
            })
        })
        .collect()
}

/// A `page` value for the actor pages, with what `municipality.html` reads.
fn page_value(site: &Site, title: &str, url: &str, lang: &str, dir: &str, kind: &str) -> Value {
    let permalink = site.base_url.absolute(url);
    json!({
        "key": "",
        "kind": kind,
        "title": title,
        "description": null,
        "lang": lang,
        "dir": dir,
        "fallback": false,
        "notice": null,
        "outdated": null,
        "machine_translated": false,
        "url": url,
        "permalink": permalink,
        "canonical": permalink,
    })
}

/// Language switcher entries and `hreflang` alternates for a page that exists in every
/// language at `url_of(lang)`.
fn switcher_and_alternates(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    marker: impl Fn(&str) -> String,
    url_of: impl Fn(LangIdx) -> Option<String>,
) -> (Value, Value) {
    let mut languages = Vec::new();
    let mut alternates = Vec::new();
    for (i, l) in m.languages.iter().enumerate() {
        let Some(url) = url_of(i) else { continue };
        if l.hidden && i != lang {
            continue;
        }
        if !l.hidden {
            alternates.push(json!({"hreflang": l.tag, "href": site.base_url.absolute(&url)}));
        }
        languages.push(json!({
            "code": l.code, "tag": l.tag, "name": l.name, "dir": l.dir.as_str(), "url": url,
            "current": i == lang, "fallback": false, "marker": marker(&l.code),
        }));
    }
    if let Some(url) = url_of(m.source_language) {
        alternates.push(json!({"hreflang": "x-default", "href": site.base_url.absolute(&url)}));
    }
    (Value::Array(languages), Value::Array(alternates))
}

/// Values for `actor.html`: `page`, `actor`, `pages` (what the actor provides),
/// `languages`, `alternates`, `breadcrumbs`.
pub fn actor_context(
    site: &Site,
    m: &Municipality,
    actor: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    ctx: &mut tera::Context,
) {
    let value = actor_value(m, actor, lang, ui);
    let url = value.url.clone().unwrap_or_default();
    let source = &m.languages[m.source_language];
    ctx.insert(
        "page",
        &page_value(
            site,
            &m.actors[actor].name,
            &url,
            &source.tag,
            source.dir.as_str(),
            "actor",
        ),
    );
    ctx.insert("actor", &value);
    ctx.insert("pages", &provided_pages(m, actor, lang));
    let (languages, alternates) =
        switcher_and_alternates(site, m, lang, marker, |l| actor_url(m, l, actor));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &breadcrumbs(m, lang, ui, true));
}

/// Values for `actors.html`: `page`, `groups` (actors by kind), `languages`,
/// `alternates`, `breadcrumbs`.
pub fn actors_context(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    ctx: &mut tera::Context,
) {
    let url = actors_url(m, lang).unwrap_or_default();
    let l = &m.languages[lang];
    ctx.insert(
        "page",
        &page_value(
            site,
            ui.get("actors_title"),
            &url,
            &l.tag,
            l.dir.as_str(),
            "actors",
        ),
    );
    let groups: Vec<Value> = ActorKind::ALL
        .iter()
        .filter_map(|&kind| {
            let actors: Vec<ActorValue<'_>> = (0..m.actors.len())
                .filter(|&a| m.actors[a].kind == kind)
                .map(|a| actor_value(m, a, lang, ui))
                .collect();
            (!actors.is_empty()).then(
                || json!({"kind": kind.as_str(), "label": kind_label(ui, kind), "actors": actors}),
            )
        })
        .collect();
    ctx.insert("groups", &groups);
    let (languages, alternates) =
        switcher_and_alternates(site, m, lang, marker, |l| actors_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &breadcrumbs(m, lang, ui, false));
}

fn breadcrumbs(m: &Municipality, lang: LangIdx, ui: &LanguageStrings<'_>, overview: bool) -> Value {
    let mut crumbs = Vec::new();
    if let Some(start) = m.pages.first().and_then(|p| p.localized[lang].as_ref()) {
        let (title, title_lang) = m.title(0, lang);
        let l = &m.languages[title_lang];
        crumbs
            .push(json!({"title": title, "url": start.url, "lang": l.tag, "dir": l.dir.as_str()}));
    }
    if overview && let Some(url) = actors_url(m, lang) {
        let l = &m.languages[lang];
        crumbs.push(json!({"title": ui.get("actors_title"), "url": url, "lang": l.tag, "dir": l.dir.as_str()}));
    }
    Value::Array(crumbs)
}

impl crate::render::Renderer<'_> {
    /// Where the overview of the actors goes, and its bytes.
    pub(crate) fn actors_file(
        &self,
        m: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), crate::base::diagnostics::Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let dir = crate::model::actor::actors_dir(municipality, lang)
            .expect("actor pages are made where the start page is");
        Ok((format!("{dir}/index.html"), self.render_actors(m, lang)?))
    }

    /// Where an actor's page goes, and its bytes.
    pub(crate) fn actor_file(
        &self,
        m: usize,
        actor: usize,
        lang: LangIdx,
    ) -> Result<(String, Vec<u8>), crate::base::diagnostics::Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let dir = crate::model::actor::actors_dir(municipality, lang)
            .expect("actor pages are made where the start page is");
        let id = &municipality.actors[actor].id;
        Ok((
            format!("{dir}/{id}/index.html"),
            self.render_actor(m, actor, lang)?,
        ))
    }

    fn render_actor(
        &self,
        mi: usize,
        actor: usize,
        lang: LangIdx,
    ) -> Result<Vec<u8>, crate::base::diagnostics::Diagnostic> {
        let m = &self.site.municipalities[mi];
        let ui = self.theme.ui.for_lang(&m.languages[lang]);
        let mut ctx = self.base_context(mi, lang);
        crate::render::actor_pages::actor_context(
            self.site,
            m,
            actor,
            lang,
            &ui,
            |code| self.marker(code),
            &mut ctx,
        );
        self.discover(mi, lang, &mut ctx);
        self.render("actor.html", &ctx)
    }

    fn render_actors(
        &self,
        mi: usize,
        lang: LangIdx,
    ) -> Result<Vec<u8>, crate::base::diagnostics::Diagnostic> {
        let m = &self.site.municipalities[mi];
        let ui = self.theme.ui.for_lang(&m.languages[lang]);
        let mut ctx = self.base_context(mi, lang);
        crate::render::actor_pages::actors_context(
            self.site,
            m,
            lang,
            &ui,
            |code| self.marker(code),
            &mut ctx,
        );
        self.discover(mi, lang, &mut ctx);
        self.render("actors.html", &ctx)
    }
}
