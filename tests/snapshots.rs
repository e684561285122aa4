//! Snapshot tests (insta) where the shape of the output matters: what editors read in
//! their terminal, and the HTML the default theme makes of a page.

mod common;

use common::fixture;
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::output::report;
use wegweiser::render::NoProgress;

fn check(case: &str) -> String {
    let options = BuildOptions {
        root: fixture(&format!("broken/{case}")),
        ..Default::default()
    };
    let failure = build(&options, &NoProgress).expect_err("the fixture is broken");
    failure
        .diagnostics
        .iter()
        .map(|d| report::human(d, false))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn diagnostics_as_editors_see_them() {
    insta::assert_snapshot!("broken_link", check("broken_link"));
    insta::assert_snapshot!("unknown_key_yaml", check("unknown_key_yaml"));
    insta::assert_snapshot!("duplicate_url", check("duplicate_url"));
}

#[test]
fn a_fallback_page_in_a_right_to_left_language() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let options = BuildOptions {
        root: fixture("basic"),
        output: Some(out.clone()),
        minify: Some(false),
        write: true,
        ..Default::default()
    };
    build(&options, &NoProgress).unwrap();
    let html =
        std::fs::read_to_string(out.join("stadt/ar/arbeit/anerkennung/zeugnisse/index.html"))
            .unwrap();
    // The style sheet's name carries its hash: a change to the style sheet is not a
    // change to this page.
    insta::assert_snapshot!("fallback_page_ar", redact_asset_hashes(&html));
}

/// `wegweiser.3f9a1c2b.css` → `wegweiser.[hash].css`.
fn redact_asset_hashes(html: &str) -> String {
    let hash_len = wegweiser::output::fingerprint::HASH_LEN;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('.') {
        let (before, after) = rest.split_at(i + 1);
        out.push_str(before);
        let hashed = after.len() > hash_len
            && after.as_bytes()[hash_len] == b'.'
            && after[..hash_len]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if hashed {
            out.push_str("[hash]");
            rest = &after[hash_len..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
