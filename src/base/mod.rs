//! Layer 1, `base`: what every layer needs and that knows nothing of portals:
//! problems with file, line and column ([`diagnostics`]), absolute paths ([`path`]),
//! the URL allow-list ([`safe_url`]) and XML escaping ([`xml`]). Imports nothing of the
//! crate. The map of all layers: docs/architecture.md.

pub mod diagnostics;
pub mod path;
pub mod safe_url;
pub mod xml;
