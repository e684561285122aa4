//! Where things are in the output: URL path segments and fragments as wegweiser
//! writes them. Each domain's own locations (places, news, events, actors) are in
//! its model module.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are in a URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Characters kept as they are in a URL fragment.
pub const FRAGMENT: &AsciiSet = &SEGMENT.remove(b'!').remove(b'(').remove(b')').remove(b':');

/// Percent-encode one URL path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Appends `segment` percent-encoded as [`encode_segment`] does, without a `String`
/// of its own (the offline lists encode every file's URL in every rebuild).
pub fn push_encoded_segment(out: &mut String, segment: &str) {
    out.extend(utf8_percent_encode(segment, SEGMENT));
}
