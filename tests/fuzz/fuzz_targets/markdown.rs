//! See `wegweiser_fuzz::markdown`: must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wegweiser_fuzz::markdown(data, false));
