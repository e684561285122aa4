//! See `wegweiser_fuzz::page`: must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wegweiser_fuzz::page(data, false));
