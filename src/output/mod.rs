//! Layer 7, `output`: the files beside the HTML, one module each, every one reading the
//! same [`crate::model`]: the sitemap, Atom feeds (site and news), iCalendar feeds
//! ([`calendar`] over the [`ics`] writer), the places' GeoJSON, the search bundles,
//! offline lists, QR codes, deploy files (`_headers`, `_redirects`, fingerprints), the
//! branding stylesheet, and the reports (review, translations, reminders' text).
//! Imports theme, write, resolve, load, model, base (docs/architecture.md).

pub mod branding;
pub mod calendar;
pub mod dates;
pub mod deploy;
pub mod feed;
pub mod fingerprint;
pub mod geojson;
pub mod ics;
pub mod news_feed;
pub mod offline;
pub mod qr;
pub mod remind;
pub mod report;
pub mod review_report;
pub mod search;
pub mod search_index;
pub mod search_normalize;
pub mod sitemap;
pub mod source_diff;
pub mod translation_report;
