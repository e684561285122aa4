//! The base layer (docs/architecture.md).

pub mod diagnostics;
pub mod path;
pub mod safe_url;
pub mod xml;
