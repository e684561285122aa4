//! See `wegweiser_fuzz::rewrite`: the stamp/confirm rewriters never panic and never
//! change anything but their key.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wegweiser_fuzz::rewrite(data));
