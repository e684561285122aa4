//! wegweiser: a static site generator for multilingual municipal integration portals.
//!
//! The pipeline is visible in the modules:
//! [`load`] (walk and parse, in parallel) → [`resolve`] (translations, URLs, links: the
//! immutable [`model`]) → [`render`] (templates, in parallel) → [`write`] (staging
//! folder, then swap). [`pipeline`] runs them; the `wegweiser` binary is a thin layer
//! over it.

pub mod actor;
pub mod actor_pages;
pub mod assets;
pub mod branding;
pub mod build_ops;
pub mod config;
pub mod confirm;
pub mod deploy;
pub mod diagnostics;
pub mod edit_import;
pub mod feed;
pub mod fingerprint;
pub mod frontmatter;
pub mod git;
pub mod i18n;
pub mod init;
pub mod interrupt;
pub mod language;
pub mod legal;
pub mod load;
pub mod load_event;
pub mod load_news;
pub mod load_place;
pub mod markdown;
pub mod merge;
pub mod model;
pub mod model_event;
pub mod model_feed;
pub mod model_news;
pub mod model_place;
pub mod model_search;
pub mod model_share;
pub mod offline;
pub mod output_calendar;
pub mod output_dates;
pub mod output_geojson;
pub mod output_ics;
pub mod output_news_feed;
pub mod output_remind;
pub mod output_search;
pub mod output_search_normalize;
pub mod pipeline;
pub mod qr;
pub mod recurrence;
pub mod remind;
pub mod render;
pub mod render_assets;
pub mod render_chooser;
pub mod render_context;
pub mod render_event;
pub mod render_folder;
pub mod render_item;
pub mod render_jobs;
pub mod render_legal_pages;
pub mod render_news;
pub mod render_offline;
pub mod render_page;
pub mod render_place;
pub mod render_portal;
pub mod render_poster;
pub mod render_redirect;
pub mod render_search;
pub mod report;
pub mod resolve;
pub mod resolve_event;
pub mod resolve_news;
pub mod resolve_place;
pub mod review;
pub mod review_report;
pub mod safe_url;
pub mod sanitize;
pub mod seo;
pub mod serve;
pub mod shard;
pub mod sitemap;
pub mod source_diff;
pub mod stamp;
pub mod status_page;
pub mod svg;
pub mod symlinks;
pub mod theme;
pub mod translation;
pub mod translation_report;
pub mod write;
pub mod xliff;
pub mod xml;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use pipeline::{BuildFailure, BuildOptions, BuildReport, build, find_root};
