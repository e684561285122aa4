//! wegweiser: a static site generator for multilingual municipal integration portals.
//!
//! The crate is a stack of layers, one folder each, every one importing only the layers
//! below it (docs/architecture.md is the map; `tests/architecture.rs` keeps it):
//! [`base`] → [`model`] (the portal as plain data) → [`load`] (walk and parse, in
//! parallel) → [`resolve`] (translations, URLs, links: the immutable model) → [`write`]
//! (staging folder, then swap) → [`theme`] → [`output`] (files beside the HTML) →
//! [`render`] (the pages, in parallel) → [`build`] (the pipeline that runs them) →
//! [`edit`] (commands that change content) → [`serve`]. The `wegweiser` binary
//! (`src/main.rs`, `src/cli/`) is a thin layer over it.

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
