//! The names of the files wegweiser writes beside the pages. They are part of the model
//! because the modules that write them ([`crate::write`], the shard build, the offline
//! lists) and the checks that keep a page or an alias from taking their place
//! (`crate::resolve::paths`) must agree on them.

/// Marks a folder as wegweiser's output: only such a folder is ever replaced.
pub const OUTPUT_MARKER: &str = ".wegweiser-output";
/// The manifest a shard build writes at the root of its output.
pub const SHARD_MANIFEST: &str = ".wegweiser-shard.json";
/// The web app manifest, in the folder of a municipality's language.
pub const OFFLINE_MANIFEST: &str = "manifest.webmanifest";
/// The service worker, in the same folder (its scope is that folder).
pub const SERVICE_WORKER: &str = "sw.js";
/// The files "save for offline" downloads.
pub const OFFLINE_LIST: &str = "offline.json";
/// The page shown offline for a page that was never saved.
pub const OFFLINE_FALLBACK: &str = "offline.html";
