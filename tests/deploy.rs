//! Deploying: `_headers` and `_redirects`, fingerprinted assets, the CI output formats
//! of `build`, `--shard` + `merge`, and `--changed-since`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{attr, broken_links, build_into, copy_fixture, fixture, html_files, tree};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::build::shard::Shard;
use wegweiser::model::files::SHARD_MANIFEST as MANIFEST;
use wegweiser::output::fingerprint::{HASH_LEN, hash};
use wegweiser::render::NoProgress;

fn content_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example")
}

fn wegweiser(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run wegweiser")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// `name.0123abcd.css` → `name.[hash].css`: snapshots stay put when a style sheet
/// changes.
fn redact_hashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let hashed = bytes[i] == b'.'
            && bytes.len() > i + HASH_LEN + 1
            && bytes[i + 1..=i + HASH_LEN]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && bytes[i + HASH_LEN + 1] == b'.';
        if hashed {
            out.push_str(".[hash]");
            i += HASH_LEN + 1;
        } else {
            let c = s[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn headers_and_redirects_for_a_portal() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_into(&fixture("basic"), &out, Some(2));
    let headers = fs::read_to_string(out.join("_headers")).unwrap();
    let redirects = fs::read_to_string(out.join("_redirects")).unwrap();
    insta::assert_snapshot!("basic_headers", redact_hashes(&headers));
    insta::assert_snapshot!("basic_redirects", redirects);
    // Every immutable path is a file whose name carries its content's hash.
    let files = tree(&out);
    let immutable: Vec<&str> = headers
        .lines()
        .filter(|l| l.starts_with("/sub/") && !l.ends_with('*'))
        .collect();
    assert!(!immutable.is_empty(), "{headers}");
    for path in immutable {
        let rel = path.strip_prefix("/sub/").unwrap();
        let bytes = &files[rel];
        let digest = rel.rsplit('.').nth(1).unwrap();
        assert_eq!(digest, &hash(bytes)[..HASH_LEN], "{rel}");
    }
    // The old URL still has its forwarding page, for hosts without _redirects.
    assert!(out.join("dorf/de/alt/index.html").is_file());
}

#[test]
fn deploy_files_follow_the_configuration_and_static_files() {
    let (_tmp, root) = copy_fixture("basic");
    let config = root.join("wegweiser.toml");
    let mut toml = fs::read_to_string(&config).unwrap();
    toml.push_str(
        "\n[deploy]\nredirects = false\ncontent_security_policy = \"default-src 'none'\"\n\n[deploy.extra_headers]\nStrict-Transport-Security = \"max-age=63072000\"\n",
    );
    fs::write(&config, toml).unwrap();
    let out = root.parent().unwrap().join("out");
    build_into(&root, &out, Some(1));
    let headers = fs::read_to_string(out.join("_headers")).unwrap();
    assert!(
        headers.contains("  Content-Security-Policy: default-src 'none'\n"),
        "{headers}"
    );
    assert!(
        headers.contains("  Strict-Transport-Security: max-age=63072000\n"),
        "{headers}"
    );
    assert!(!out.join("_redirects").exists());

    // A portal's own _headers wins, as its robots.txt does.
    fs::write(root.join("static/_headers"), "/*\n  X-Mine: 1\n").unwrap();
    build_into(&root, &out, Some(1));
    assert_eq!(
        fs::read_to_string(out.join("_headers")).unwrap(),
        "/*\n  X-Mine: 1\n"
    );

    // A misspelt key is an error at its place.
    let toml = fs::read_to_string(&config)
        .unwrap()
        .replace("redirects = false", "redirect = false");
    fs::write(&config, toml).unwrap();
    let failure = build(
        &BuildOptions {
            root: root.clone(),
            output: Some(out.clone()),
            write: true,
            ..Default::default()
        },
        &NoProgress,
    )
    .unwrap_err();
    let d = &failure.diagnostics[0];
    assert_eq!(d.file, Path::new("wegweiser.toml"));
    assert!(d.line > 0, "{d}");
    assert_eq!(d.hint.as_deref(), Some("did you mean `redirects`?"), "{d}");
}

#[test]
fn templates_the_policy_would_break_are_warned_about() {
    let (_tmp, root) = copy_fixture("basic");
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/index.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<h1 style=\"color: red\">{{ site.title }}</h1>\n{% endblock main %}\n",
    )
    .unwrap();
    let out = root.parent().unwrap().join("out");
    let options = |strict| BuildOptions {
        root: root.clone(),
        output: Some(out.clone()),
        write: true,
        strict,
        ..Default::default()
    };
    let report = build(&options(false), &NoProgress).unwrap();
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Content-Security-Policy"))
        .expect("a warning about the style attribute");
    assert_eq!(warning.file, Path::new("templates/index.html"));
    assert_eq!((warning.line, warning.column), (3, 5), "{warning}");
    assert!(
        warning.message.starts_with("a style attribute"),
        "{warning}"
    );
    assert!(
        build(&options(true), &NoProgress).is_err(),
        "--strict fails"
    );

    // A portal that sets its own policy takes the responsibility.
    let config = root.join("wegweiser.toml");
    let mut toml = fs::read_to_string(&config).unwrap();
    toml.push_str("\n[deploy]\ncontent_security_policy = \"default-src 'self'; style-src 'self' 'unsafe-inline'\"\n");
    fs::write(&config, toml).unwrap();
    let report = build(&options(true), &NoProgress).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn fingerprinted_assets_are_linked_and_no_link_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_into(&content_example(), &out, Some(2));
    let files = tree(&out);
    let mut checked = 0;
    for (rel, doc) in html_files(&out) {
        let Some(href) = attr(&doc, "link[rel=stylesheet]", "href") else {
            continue;
        };
        let file = href.trim_start_matches('/');
        let (stem, ext) = file.rsplit_once('.').unwrap();
        let digest = stem.rsplit('.').next().unwrap();
        assert_eq!(ext, "css", "{rel}: {href}");
        assert_eq!(digest.len(), HASH_LEN, "{rel}: {href} has no hash");
        assert_eq!(digest, &hash(&files[file])[..HASH_LEN], "{rel}: {href}");
        checked += 1;
    }
    assert!(checked > 100, "only {checked} pages link a style sheet");
    let broken = broken_links(&out, "https://wegweiser.example.org", "");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    // Byte-stable: a second build writes the same names and bytes.
    let again = tmp.path().join("again");
    build_into(&content_example(), &again, Some(1));
    assert!(tree(&again) == files, "two builds differ");
}

#[test]
fn build_prints_json_and_github_annotations_with_exit_codes() {
    let broken = fixture("broken/unknown_key_toml").display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out").display().to_string();
    let out = wegweiser(&["build", "--format", "json", "--out", &out_dir, &broken]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(v["file"], "content/m/a.de.md");
    assert_eq!(
        (v["line"].as_u64(), v["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        !tmp.path().join("out").exists(),
        "a failed build writes nothing"
    );

    let out = wegweiser(&["build", "--format", "github", "--out", &out_dir, &broken]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("::error file=content/m/a.de.md,line=2,col=1::"),
        "{}",
        text(&out.stdout)
    );

    // Warnings: exit 0, as `::warning`; with --strict, exit 1.
    let warned = fixture("broken/raw_script").display().to_string();
    let out = wegweiser(&["build", "--format", "github", "--out", &out_dir, &warned]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("::warning file=content/m/a.de.md,line=7"));
    let out = wegweiser(&[
        "build", "--strict", "--format", "json", "--out", &out_dir, &warned,
    ]);
    assert_eq!(out.status.code(), Some(1));

    // A wrong command line: exit 2.
    for args in [
        &["build", "--format", "xml"][..],
        &["build", "--shard", "3/2"][..],
        &["merge"][..],
    ] {
        let out = wegweiser(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

fn build_shard(root: &Path, out: &Path, shard: Shard) -> wegweiser::BuildReport {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        write: true,
        jobs: Some(1),
        shard: Some(shard),
        ..Default::default()
    };
    build(&options, &NoProgress).unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
}

fn manifest(dir: &Path) -> wegweiser::build::shard::Manifest {
    serde_json::from_str(&fs::read_to_string(dir.join(MANIFEST)).unwrap()).unwrap()
}

fn slugs(dir: &Path) -> Vec<String> {
    manifest(dir)
        .municipalities
        .iter()
        .map(|m| m.portal.slug.clone())
        .collect()
}

/// The files of two trees that differ (missing on one side or other bytes).
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, bytes) in a {
        match b.get(rel) {
            None => out.push(format!("only in the full build: {rel}")),
            Some(other) if other != bytes => out.push(format!("differs: {rel}")),
            Some(_) => {}
        }
    }
    for rel in b.keys().filter(|r| !a.contains_key(*r)) {
        out.push(format!("only in the merge: {rel}"));
    }
    out
}

#[test]
fn merged_shards_equal_one_full_build() {
    // content-example (two municipalities, so three shards leave one empty) and a
    // portal below a path with old URLs and its own robots.txt.
    for (root, origin) in [
        (content_example(), "content-example"),
        (fixture("basic"), "basic"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let full = tmp.path().join("full");
        build_into(&root, &full, Some(2));
        let expected = tree(&full);
        assert!(
            !expected.contains_key(MANIFEST),
            "a full build writes no manifest"
        );
        for n in 1..=3 {
            let dirs: Vec<PathBuf> = (1..=n)
                .map(|i| {
                    let dir = tmp.path().join(format!("shard-{i}-of-{n}"));
                    build_shard(&root, &dir, Shard { index: i, count: n });
                    dir
                })
                .collect();
            let all: Vec<String> = dirs.iter().flat_map(|d| slugs(d)).collect();
            let mut sorted = all.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), all.len(), "{origin} {n}: overlapping shards");
            let merged = tmp.path().join(format!("merged-{n}"));
            let report = wegweiser::build::merge::merge(&root, &merged, &dirs)
                .unwrap_or_else(|d| panic!("{origin} {n}: {d:?}"));
            assert_eq!(report.municipalities, sorted.len());
            let diff = differences(&expected, &tree(&merged));
            assert!(
                diff.is_empty(),
                "{origin}, {n} shard(s):\n{}",
                diff.join("\n")
            );
        }
    }
}

#[test]
fn shards_split_by_pages_and_merge_refuses_what_does_not_fit() {
    let root = content_example();
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    build_shard(&root, &one, Shard { index: 1, count: 2 });
    build_shard(&root, &two, Shard { index: 2, count: 2 });
    // The municipality with more pages goes first, onto shard 1.
    let mut counts = wegweiser::build::shard::page_counts(
        &root,
        &["landkreis-beispiel".to_string(), "musterstadt".to_string()],
    );
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let (larger, smaller) = (&counts[0].0, &counts[1].0);
    assert_eq!(&slugs(&one), std::slice::from_ref(larger));
    assert_eq!(&slugs(&two), std::slice::from_ref(smaller));
    assert!(one.join(larger).join("de/index.html").is_file());
    assert!(!one.join(smaller).exists());

    // The same shard twice: refused, nothing written.
    let out = tmp.path().join("merged");
    let problems =
        wegweiser::build::merge::merge(&root, &out, &[one.clone(), one.clone()]).unwrap_err();
    assert!(
        problems[0]
            .message
            .contains(&format!("municipality `{larger}` is in this shard")),
        "{problems:?}"
    );
    assert!(!out.exists());

    // Into one of the shards: refused, the shard intact.
    let problems =
        wegweiser::build::merge::merge(&root, &one, &[one.clone(), two.clone()]).unwrap_err();
    assert!(
        problems[0].message.contains("this shard is there"),
        "{problems:?}"
    );
    assert!(one.join(MANIFEST).is_file());

    // A folder that is no shard output.
    let plain = tmp.path().join("plain");
    build_into(&root, &plain, Some(1));
    let problems = wegweiser::build::merge::merge(&root, &out, &[plain]).unwrap_err();
    assert!(
        problems[0].message.contains("no shard manifest"),
        "{problems:?}"
    );

    // A shard whose files differ from the others' where they must be the same.
    fs::write(two.join("wegweiser.css"), "changed").unwrap();
    let problems =
        wegweiser::build::merge::merge(&root, &out, &[one.clone(), two.clone()]).unwrap_err();
    assert!(
        problems[0].message.contains("both shards wrote it"),
        "{problems:?}"
    );
    assert!(!out.exists());

    // Never into a folder wegweiser did not write.
    let foreign = tmp.path().join("foreign");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "mine").unwrap();
    fs::write(
        two.join("wegweiser.css"),
        fs::read(one.join("wegweiser.css")).unwrap(),
    )
    .unwrap();
    assert!(wegweiser::build::merge::merge(&root, &foreign, &[one, two]).is_err());
    assert_eq!(
        fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "mine"
    );
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn changed_since_builds_only_changed_municipalities() {
    let (_tmp, root) = copy_fixture("basic");
    if !git(&root, &["init", "-q"]) {
        eprintln!("no git here: skipped");
        return;
    }
    assert!(git(&root, &["add", "."]) && git(&root, &["commit", "-q", "-m", "one"]));
    let out = root.parent().unwrap().join("out");
    let since = |rev: &str| {
        let options = BuildOptions {
            root: root.clone(),
            output: Some(out.clone()),
            write: true,
            jobs: Some(1),
            changed_since: Some(rev.to_string()),
            ..Default::default()
        };
        build(&options, &NoProgress)
    };
    // Nothing changed: nothing built, nothing written.
    let report = since("HEAD").unwrap();
    assert_eq!(
        report.skipped.as_deref(),
        Some("no municipality changed since HEAD")
    );
    assert!(!out.exists());

    // A README does not count; a page of `dorf` does, also uncommitted and untracked.
    fs::write(root.join("README.md"), "x").unwrap();
    fs::write(
        root.join("content/dorf/neu.de.md"),
        "+++\ntitle = \"Neu\"\n+++\nText\n",
    )
    .unwrap();
    let report = since("HEAD").unwrap();
    assert_eq!(report.municipalities, 1);
    assert!(out.join("dorf/de/neu/index.html").is_file());
    assert!(!out.join("stadt").exists());

    // Committed changes count against an older revision, too.
    assert!(git(&root, &["add", "."]) && git(&root, &["commit", "-q", "-m", "two"]));
    assert_eq!(since("HEAD~1").unwrap().municipalities, 1);
    assert!(since("HEAD").unwrap().skipped.is_some());

    // The configuration: everything.
    let config = root.join("wegweiser.toml");
    let toml = fs::read_to_string(&config).unwrap();
    fs::write(&config, toml.replace("Testportal", "Testportal 2")).unwrap();
    assert_eq!(since("HEAD").unwrap().municipalities, 2);

    // A revision git does not know: an error naming the option.
    let failure = since("no-such-branch").unwrap_err();
    assert_eq!(failure.diagnostics[0].file, Path::new("--changed-since"));
    assert!(failure.diagnostics[0].hint.is_some());
}
