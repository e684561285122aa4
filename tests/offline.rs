//! Offline reading (issue 8): the web app manifest, the service worker and the list of
//! files "save for offline" downloads, per municipality and language, on the `basic`
//! fixture (two municipalities, German, Arabic, Plain German beside German, and a
//! base URL with a path).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::{build_into, copy_fixture, fixture, html_files, select};
use serde_json::Value;
use wegweiser::serve::{Outcome, Session};

const BASE: &str = "/sub";

fn json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Site-relative path of a URL of the site (`/sub/stadt/de/` → `stadt/de/index.html`).
fn file_of(url: &str) -> String {
    let rel = url
        .strip_prefix(&format!("{BASE}/"))
        .expect("a URL of the site");
    let rel = percent_encoding::percent_decode_str(rel)
        .decode_utf8()
        .unwrap()
        .into_owned();
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel
    }
}

#[test]
fn manifests_have_the_scope_language_and_direction_of_their_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_into(&fixture("basic"), &out, None);
    for (dir, lang, direction) in [
        ("stadt/ar", "ar", "rtl"),
        ("stadt/de", "de", "ltr"),
        ("stadt/de-si", "de-si", "ltr"),
        ("dorf/uk", "uk", "ltr"),
    ] {
        let m = json(&out.join(dir).join("manifest.webmanifest"));
        let scope = format!("{BASE}/{dir}/");
        assert_eq!(m["lang"], lang, "{dir}");
        assert_eq!(m["dir"], direction, "{dir}");
        assert_eq!(m["scope"], scope.as_str(), "{dir}");
        assert_eq!(m["start_url"], scope.as_str(), "{dir}");
        assert_eq!(m["display"], "standalone");
        assert!(
            m["name"]
                .as_str()
                .unwrap()
                .starts_with(if dir.starts_with("stadt") {
                    "Stadt"
                } else {
                    "Dorf"
                })
        );
        assert!(!m["short_name"].as_str().unwrap().is_empty());
        for colour in ["theme_color", "background_color"] {
            let c = m[colour].as_str().unwrap();
            assert!(c.len() == 7 && c.starts_with('#'), "{dir}: {colour} {c}");
        }
        // Without a logo, the theme's icon; it is written.
        let icon = &m["icons"][0];
        assert_eq!(icon["src"], format!("{BASE}/icon.svg"));
        assert_eq!(icon["sizes"], "any");
        assert_eq!(icon["purpose"], "any");
        assert!(out.join("icon.svg").is_file());
    }
    // Every page of a language links its own manifest and the script that registers
    // the worker; the chooser and the dashboard belong to no language.
    let mut pages = 0;
    for (rel, doc) in html_files(&out) {
        if !select(&doc, "meta[http-equiv=refresh]").is_empty() {
            continue; // an old URL's forward
        }
        let links: Vec<String> = select(&doc, "link[rel=manifest]")
            .iter()
            .map(|l| l.value().attr("href").unwrap().to_string())
            .collect();
        let dir = [
            "stadt/ar/",
            "stadt/de/",
            "stadt/de-si/",
            "stadt/en/",
            "dorf/de/",
            "dorf/uk/",
        ]
        .into_iter()
        .find(|d| rel.starts_with(d));
        match dir {
            Some(d) => {
                pages += 1;
                assert_eq!(links, [format!("{BASE}/{d}manifest.webmanifest")], "{rel}");
                let scripts = select(&doc, "script[src]");
                assert!(
                    scripts
                        .iter()
                        .any(|s| s.value().attr("src").unwrap().contains("/offline.")),
                    "{rel}: no offline script"
                );
                // The save box is hidden until the script finds service workers.
                if let Some(b) = select(&doc, "#offline-save").first() {
                    assert!(b.value().attr("hidden").is_some(), "{rel}");
                }
            }
            None => assert!(links.is_empty(), "{rel}: {links:?}"),
        }
    }
    assert!(pages > 10);
}

#[test]
fn an_svg_coat_of_arms_is_the_icon_and_the_primary_colour_the_theme_colour() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_into(&fixture("legal"), &out, None);
    let m = json(&out.join("ort/de/manifest.webmanifest"));
    let src = m["icons"][0]["src"].as_str().unwrap();
    assert!(src.ends_with("/ort/_theme/wappen.svg"), "{src}");
    assert_eq!(m["icons"][0]["type"], "image/svg+xml");
    assert_eq!(m["theme_color"], "#004b87");
}

/// Every file `list` names, as site-relative paths.
fn listed(list: &Value) -> BTreeMap<String, u64> {
    list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                file_of(e["url"].as_str().unwrap()),
                e["size"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_offline_list_is_the_language_folder_and_the_shared_files_its_pages_use() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_into(&fixture("basic"), &out, None);
    let written = common::tree(&out);
    let all_dirs = [
        "stadt/ar/",
        "stadt/de/",
        "stadt/de-si/",
        "stadt/en/",
        "dorf/de/",
        "dorf/uk/",
    ];
    for dir in all_dirs {
        let list = json(&out.join(dir).join("offline.json"));
        let files = listed(&list);
        // Sizes are those of the files written (minified).
        for (rel, size) in &files {
            let on_disk = written
                .get(rel)
                .unwrap_or_else(|| panic!("{dir}: {rel} is listed but not written"));
            assert_eq!(on_disk.len() as u64, *size, "{rel}");
        }
        assert_eq!(list["files"].as_u64().unwrap() as usize, files.len());
        assert_eq!(list["bytes"].as_u64().unwrap(), files.values().sum::<u64>());
        // Everything of the folder but the worker and the list itself.
        let own: BTreeSet<&String> = written
            .keys()
            .filter(|r| r.starts_with(dir))
            .filter(|r| !r.ends_with("/sw.js") && !r.ends_with("/offline.json"))
            .collect();
        for rel in &own {
            assert!(files.contains_key(*rel), "{dir}: {rel} missing");
        }
        assert!(files.contains_key(&format!("{dir}offline.html")));
        assert!(files.contains_key(&format!("{dir}manifest.webmanifest")));
        // Nothing of another municipality's or language's folder.
        for other in all_dirs.iter().filter(|d| **d != dir) {
            assert!(
                !files.keys().any(|r| r.starts_with(other)),
                "{dir} lists files of {other}"
            );
        }
        // The shared files are what the pages load: style sheets, scripts, images,
        // and the fonts of the style sheets.
        let mut used: BTreeSet<String> = BTreeSet::new();
        for (rel, doc) in html_files(&out).iter().filter(|(r, _)| r.starts_with(dir)) {
            for (css, attr) in [
                ("link[rel=stylesheet]", "href"),
                ("script[src]", "src"),
                ("img[src]", "src"),
            ] {
                for e in select(doc, css) {
                    let url = e.value().attr(attr).unwrap();
                    if url.starts_with(&format!("{BASE}/")) {
                        used.insert(file_of(url));
                    } else {
                        used.insert(format!("{}/{url}", rel.rsplit_once('/').unwrap().0));
                    }
                }
            }
        }
        // (The poster shows the QR codes of the other languages' start pages: those
        // stay theirs.)
        used.retain(|rel| !all_dirs.iter().any(|d| *d != dir && rel.starts_with(d)));
        for rel in &used {
            assert!(
                files.contains_key(rel),
                "{dir}: {rel} is used but not listed"
            );
        }
        let arabic = files.keys().any(|r| r.ends_with(".woff2"));
        assert_eq!(arabic, dir == "stadt/ar/", "{dir}: the Arabic font");
        for rel in files.keys().filter(|r| !r.starts_with(dir)) {
            let font_of_css =
                rel.ends_with(".woff2") && used.iter().any(|u| u.starts_with("fonts/"));
            let search_bundle = rel.contains("/_search/");
            assert!(
                used.contains(rel) || font_of_css || search_bundle || rel.ends_with("icon.svg"),
                "{dir}: {rel} is listed but no page uses it"
            );
        }
    }
}

#[test]
fn each_worker_has_its_own_cache_and_a_new_build_a_new_one() {
    let (_tmp, root) = copy_fixture("basic");
    let out = root.join("public");
    build_into(&root, &out, None);
    let cache_of = |dir: &str| -> String {
        let list = json(&out.join(dir).join("offline.json"));
        let cache = list["cache"].as_str().unwrap().to_string();
        let sw = fs::read_to_string(out.join(dir).join("sw.js")).unwrap();
        assert!(sw.contains(&format!("const CACHE = \"{cache}\";")), "{dir}");
        assert!(
            sw.contains(&format!("const SCOPE = \"{BASE}/{dir}/\";")),
            "{dir}"
        );
        cache
    };
    let before: Vec<String> = ["stadt/de", "stadt/ar", "dorf/de"].map(cache_of).to_vec();
    assert!(before[0].starts_with("wegweiser|stadt|de|"));
    assert!(before[1].starts_with("wegweiser|stadt|ar|"));
    assert!(before[2].starts_with("wegweiser|dorf|de|"));
    let unique: BTreeSet<&String> = before.iter().collect();
    assert_eq!(unique.len(), 3);
    // The same sources give the same caches (the name is the content's hash).
    build_into(&root, &out, None);
    assert_eq!(
        ["stadt/de", "stadt/ar", "dorf/de"].map(cache_of).to_vec(),
        before
    );
    // A changed page in German: a new cache for German readers of Stadt only.
    let page = walkdir::WalkDir::new(root.join("content/stadt"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".de.md"))
        .unwrap()
        .into_path();
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\nEin neuer Satz.\n");
    fs::write(&page, text).unwrap();
    build_into(&root, &out, None);
    let after: Vec<String> = ["stadt/de", "stadt/ar", "dorf/de"].map(cache_of).to_vec();
    assert_ne!(after[0], before[0], "the German cache changes");
    assert_eq!(after[2], before[2], "Dorf's cache stays");
}

#[test]
fn serve_lists_what_it_serves_and_its_worker_does_not_cache() {
    let (_tmp, root) = copy_fixture("basic");
    let mut session = Session::new(wegweiser::build::pipeline::BuildOptions {
        root: root.clone(),
        base_url: Some("http://127.0.0.1:1111/sub".into()),
        write: true,
        ..Default::default()
    });
    assert!(matches!(session.build(), Outcome::Built { .. }));
    let check = |session: &Session| {
        for dir in ["stadt/de", "dorf/uk"] {
            let sw = session
                .file(&format!("{dir}/sw.js"))
                .unwrap()
                .read()
                .unwrap();
            let sw = String::from_utf8(sw.to_vec()).unwrap();
            assert!(
                sw.contains("unregister") && !sw.contains("const CACHE"),
                "{dir}"
            );
            let list = session
                .file(&format!("{dir}/offline.json"))
                .unwrap()
                .read()
                .unwrap();
            let list: Value = serde_json::from_slice(&list).unwrap();
            for (rel, size) in listed(&list) {
                let served = session.file(&rel).unwrap_or_else(|| panic!("{rel}"));
                assert_eq!(served.read().unwrap().len() as u64, size, "{rel}");
            }
            assert!(
                session
                    .file(&format!("{dir}/manifest.webmanifest"))
                    .is_some()
            );
        }
    };
    check(&session);
    // A page's text changes: its size in the list follows.
    let page = root.join("content/stadt/_index.de.md");
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\nNoch ein Absatz, damit die Seite größer wird.\n");
    fs::write(&page, text).unwrap();
    assert!(matches!(session.apply(&[page]), Outcome::Built { .. }));
    check(&session);
}

#[test]
fn offline_can_be_turned_off() {
    let (_tmp, root) = copy_fixture("basic");
    let config = root.join("wegweiser.toml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str("\n[offline]\nenabled = false\n");
    fs::write(&config, text).unwrap();
    let out = root.join("public");
    build_into(&root, &out, None);
    for name in [
        "manifest.webmanifest",
        "sw.js",
        "offline.json",
        "offline.html",
    ] {
        assert!(!out.join("stadt/de").join(name).exists(), "{name}");
    }
    for (rel, doc) in html_files(&out) {
        assert!(select(&doc, "link[rel=manifest]").is_empty(), "{rel}");
        assert!(select(&doc, "#offline-save").is_empty(), "{rel}");
        assert!(
            !select(&doc, "script[src]").iter().any(|s| s
                .value()
                .attr("src")
                .unwrap()
                .contains("/offline.")),
            "{rel}"
        );
    }
    // A misspelt key is an error that names it.
    let mut text = fs::read_to_string(&config).unwrap();
    text = text.replace("enabled = false", "enable = false");
    fs::write(&config, text).unwrap();
    let failure = wegweiser::build(
        &wegweiser::BuildOptions {
            root: root.clone(),
            output: Some(out),
            write: true,
            ..Default::default()
        },
        &wegweiser::render::NoProgress,
    )
    .unwrap_err();
    let shown: Vec<String> = failure
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("wegweiser.toml") && d.contains("enable")),
        "{shown:?}"
    );
}
