//! Which files a render produces: one `Job` per file, all of them or those of a
//! [`RenderScope`] (`wegweiser serve`).

use crate::model::legal::LegalKind;
use crate::model::{LangIdx, PageId, Site};
use crate::render::Renderer;

/// One file to produce.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Job {
    Page {
        m: usize,
        page: PageId,
        lang: LangIdx,
    },
    Chooser {
        m: usize,
    },
    /// The translation dashboard.
    Status {
        m: usize,
    },
    /// An integration actor's page, for readers of `lang`.
    Actor {
        m: usize,
        actor: usize,
        lang: LangIdx,
    },
    /// The overview of a municipality's actors, for readers of `lang`.
    Actors {
        m: usize,
        lang: LangIdx,
    },
    /// The places of a municipality by category, for readers of `lang`.
    Places {
        m: usize,
        lang: LangIdx,
    },
    /// One place's page, for readers of `lang`.
    Place {
        m: usize,
        place: usize,
        lang: LangIdx,
    },
    /// The current news of a municipality, for readers of `lang`.
    NewsList {
        m: usize,
        lang: LangIdx,
    },
    /// One news item's page, for readers of `lang`.
    NewsItem {
        m: usize,
        item: usize,
        lang: LangIdx,
    },
    /// The upcoming events of a municipality, for readers of `lang`.
    Events {
        m: usize,
        lang: LangIdx,
    },
    /// One event's page, for readers of `lang`.
    Event {
        m: usize,
        event: usize,
        lang: LangIdx,
    },
    /// The search page, for readers of `lang` (its index: [`crate::output::search::write`]).
    Search {
        m: usize,
        lang: LangIdx,
    },
    Redirect {
        m: usize,
        index: usize,
    },
    Asset {
        m: usize,
        asset: usize,
        lang: LangIdx,
    },
    /// The poster with the QR codes of the start page in every language, for readers
    /// of `lang` (`/<m>/<lang>/poster/`).
    Poster {
        m: usize,
        lang: LangIdx,
    },
    /// A legal page generated from `[legal]`, for readers of `lang`.
    Legal {
        m: usize,
        kind: LegalKind,
        lang: LangIdx,
    },
    /// The page shown offline in place of a page never saved, for readers of `lang`
    /// (`/<m>/<lang>/offline.html`, see [`crate::output::offline`]).
    Offline {
        m: usize,
        lang: LangIdx,
    },
    /// `/<m>/_theme/theme.css` and the logo and coat of arms beside it.
    ThemeCss {
        m: usize,
    },
    ThemeFile {
        m: usize,
        index: usize,
    },
    PortalIndex,
    NotFound,
}

impl Job {
    /// The municipality the file belongs to; `None` for files of the whole portal.
    fn municipality(&self) -> Option<usize> {
        match *self {
            Job::Page { m, .. }
            | Job::Chooser { m }
            | Job::Status { m }
            | Job::Actor { m, .. }
            | Job::Actors { m, .. }
            | Job::Places { m, .. }
            | Job::Place { m, .. }
            | Job::NewsList { m, .. }
            | Job::NewsItem { m, .. }
            | Job::Events { m, .. }
            | Job::Event { m, .. }
            | Job::Search { m, .. }
            | Job::Redirect { m, .. }
            | Job::Asset { m, .. }
            | Job::Legal { m, .. }
            | Job::Poster { m, .. }
            | Job::Offline { m, .. }
            | Job::ThemeCss { m }
            | Job::ThemeFile { m, .. } => Some(m),
            Job::PortalIndex | Job::NotFound => None,
        }
    }

    /// Whether the file shows anything of its municipality's page texts or of their
    /// translation states beyond titles and URLs: such files are rendered again when
    /// the text of one page changes ([`RenderScope::Page`]). A new kind of file that
    /// does must be listed here (tests/serve.rs compares with full builds).
    fn reads_page_texts(&self) -> bool {
        matches!(self, Job::Status { .. })
    }

    /// The page whose content the file is: its own content, not lists of other pages.
    fn page(&self, site: &Site) -> Option<PageId> {
        match *self {
            Job::Page { page, .. } => Some(page),
            Job::Asset { m, asset, .. } => Some(site.municipalities[m].assets[asset].owner),
            _ => None,
        }
    }
}

/// Which files a render produces: all, or those a change can have touched
/// (`wegweiser serve`). The files of the whole portal (index, 404, static files,
/// sitemap) are part of every scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderScope {
    All,
    /// Every file of one municipality.
    Municipality(usize),
    /// One page in every language, the files of its municipality that show page texts
    /// or translation states (the dashboard, the feeds); none of the portal's own files.
    /// With `actors`, also the pages of those actors (bit `a` set: actor `a`) in every
    /// language: where a page's actors or review dates changed, the actor pages that
    /// list it (before or after) and nothing else ([`actor_bits`]).
    Page {
        m: usize,
        page: PageId,
        actors: u128,
    },
}

/// The bits of [`RenderScope::Page`]'s `actors` for `actors` (indices into the
/// municipality's actors); `None` when one does not fit (the 129th actor and later):
/// render the municipality then.
pub fn actor_bits(actors: impl IntoIterator<Item = usize>) -> Option<u128> {
    actors.into_iter().try_fold(0u128, |bits, a| {
        Some(bits | 1u128.checked_shl(u32::try_from(a).ok()?)?)
    })
}

impl RenderScope {
    /// Whether files of municipality `m` are in the scope.
    pub fn covers(self, m: usize) -> bool {
        match self {
            RenderScope::All => true,
            RenderScope::Municipality(of) | RenderScope::Page { m: of, .. } => of == m,
        }
    }

    pub(crate) fn includes(self, job: &Job, site: &Site) -> bool {
        match (self, job.municipality()) {
            (RenderScope::All, _) => true,
            // One page's text changes none of the portal's own files.
            (RenderScope::Page { .. }, None) => false,
            (_, None) => true,
            (RenderScope::Municipality(m), Some(of)) => m == of,
            (RenderScope::Page { m, page, actors }, Some(of)) => {
                m == of
                    && match *job {
                        Job::Actor { actor, .. } => u32::try_from(actor)
                            .is_ok_and(|a| actors.checked_shr(a).unwrap_or(0) & 1 == 1),
                        _ => job
                            .page(site)
                            .map_or_else(|| job.reads_page_texts(), |p| p == page),
                    }
            }
        }
    }
}

impl Renderer<'_> {
    pub(crate) fn jobs(&self) -> Vec<Job> {
        let mut jobs = vec![Job::PortalIndex, Job::NotFound];
        for (mi, m) in self.site.municipalities.iter().enumerate() {
            jobs.push(Job::Chooser { m: mi });
            jobs.push(Job::Status { m: mi });
            if !m.actors.is_empty() {
                for lang in 0..m.languages.len() {
                    jobs.push(Job::Actors { m: mi, lang });
                    for actor in 0..m.actors.len() {
                        jobs.push(Job::Actor { m: mi, actor, lang });
                    }
                }
            }
            for lang in crate::model::search::languages(m) {
                jobs.push(Job::Search { m: mi, lang });
            }
            for lang in 0..m.languages.len() {
                if m.pages.first().is_none_or(|p| p.localized[lang].is_none()) {
                    continue;
                }
                if self.site.offline {
                    jobs.push(Job::Offline { m: mi, lang });
                }
                jobs.push(Job::Poster { m: mi, lang });
                if !m.places.is_empty() {
                    jobs.push(Job::Places { m: mi, lang });
                    for place in 0..m.places.len() {
                        jobs.push(Job::Place { m: mi, place, lang });
                    }
                }
                if !m.news.is_empty() {
                    jobs.push(Job::NewsList { m: mi, lang });
                    for item in 0..m.news.len() {
                        jobs.push(Job::NewsItem { m: mi, item, lang });
                    }
                }
                if !m.events.is_empty() {
                    jobs.push(Job::Events { m: mi, lang });
                    for event in 0..m.events.len() {
                        jobs.push(Job::Event { m: mi, event, lang });
                    }
                }
            }
            for (id, p) in m.pages.iter().enumerate() {
                for (lang, l) in p.localized.iter().enumerate() {
                    if l.is_some() {
                        jobs.push(Job::Page {
                            m: mi,
                            page: id,
                            lang,
                        });
                    }
                }
            }
            for index in 0..m.redirects.len() {
                jobs.push(Job::Redirect { m: mi, index });
            }
            for (asset, a) in m.assets.iter().enumerate() {
                for lang in 0..m.languages.len() {
                    if m.pages[a.owner].localized[lang].is_some() {
                        jobs.push(Job::Asset { m: mi, asset, lang });
                    }
                }
            }
            if let Some(legal) = &m.legal {
                for kind in legal.generated() {
                    for lang in 0..m.languages.len() {
                        jobs.push(Job::Legal { m: mi, kind, lang });
                    }
                }
            }
            if m.theme
                .as_ref()
                .is_some_and(|t| crate::output::branding::stylesheet(t).is_some())
            {
                jobs.push(Job::ThemeCss { m: mi });
            }
            for index in 0..m.theme_files.len() {
                jobs.push(Job::ThemeFile { m: mi, index });
            }
        }
        jobs
    }
}
