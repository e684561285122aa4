//! wegweiser: a static site generator for multilingual municipal integration portals.
//!
//! The pipeline is visible in the modules:
//! [`load`] (walk and parse, in parallel) → [`resolve`] (translations, URLs, links: the
//! immutable [`model`]) → [`render`] (templates, in parallel) → [`write`] (staging
//! folder, then swap). [`pipeline`] runs them; the `wegweiser` binary is a thin layer
//! over it.

pub mod base;
pub mod build;
pub mod edit;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod theme;
pub mod write;

pub use base::diagnostics::{Diagnostic, Diagnostics, Severity};
pub use build::pipeline::{BuildFailure, BuildOptions, BuildReport, build, find_root};
