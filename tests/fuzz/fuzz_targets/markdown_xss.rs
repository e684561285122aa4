//! See `wegweiser_fuzz::markdown`: must never panic, and the HTML must pass
//! `wegweiser_fuzz::check_html` (no script from content).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wegweiser_fuzz::markdown(data, true));
