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
pub mod base_path;
pub mod branding;
pub mod config;
pub mod confirm;
pub mod deploy;
pub mod diagnostics;
pub mod events;
pub mod feed;
pub mod fingerprint;
pub mod frontmatter;
pub mod git;
pub mod i18n;
pub mod ics;
pub mod init;
pub mod interrupt;
pub mod language;
pub mod legal;
pub mod load;
pub mod load_markdown_html;
pub mod load_svg_allow;
pub mod markdown;
pub mod merge;
pub mod model;
pub mod model_body;
pub mod model_slug;
pub mod news;
pub mod offline;
pub mod pipeline;
pub mod places;
pub mod qr;
pub mod recurrence;
pub mod remind;
pub mod render;
pub mod report;
pub mod resolve;
pub mod review;
pub mod review_report;
pub mod safe_url;
pub mod sanitize;
pub mod search;
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
