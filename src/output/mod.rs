//! The output layer (docs/architecture.md).

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
pub mod search_normalize;
pub mod sitemap;
pub mod source_diff;
pub mod translation_report;
