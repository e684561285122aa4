//! The file system as an attacker's tool (issue 15): symbolic links out of the portal,
//! interrupted builds, output folders that are mount points, and output paths that
//! `check` must know as well as `build` does.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::copy_fixture;
use wegweiser::base::diagnostics::Diagnostic;
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

fn options(root: &Path, out: Option<&Path>) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: out.map(Path::to_path_buf),
        write: out.is_some(),
        ..Default::default()
    }
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The errors of `check`, of `build` (which must leave `out` alone) and of `serve`.
#[track_caller]
fn errors_everywhere(root: &Path, out: &Path) -> [Vec<Diagnostic>; 3] {
    let check = build(&options(root, None), &NoProgress)
        .expect_err("check must fail")
        .diagnostics;
    let built = build(&options(root, Some(out)), &NoProgress)
        .expect_err("build must fail")
        .diagnostics;
    assert!(!out.exists(), "a failed build writes nothing");
    let mut session = wegweiser::serve::session::Session::new(BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    });
    let served = match session.build() {
        wegweiser::serve::session::Outcome::Failed { problems } => problems,
        _ => panic!("serve must refuse the portal"),
    };
    [check, built, served]
}

/// Every file below `dir`, as text (lossy).
fn all_text(dir: &Path) -> String {
    common::tree(dir)
        .into_values()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Symbolic links

#[cfg(unix)]
mod symlinks {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A secret outside the portal, and a page bundle in a copy of `tiny`.
    fn portal_with_secret() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let (tmp, root) = copy_fixture("tiny");
        let secret = tmp.path().join("environ");
        fs::write(&secret, "CI_TOKEN=geheim-4711\n").unwrap();
        let bundle = root.join("content/m/amt");
        fs::create_dir_all(&bundle).unwrap();
        fs::write(
            bundle.join("index.de.md"),
            "+++\ntitle = \"Amt\"\n+++\n\n![Plan](plan.svg)\n",
        )
        .unwrap();
        fs::write(
            bundle.join("plan.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
        (tmp, root, secret)
    }

    #[track_caller]
    fn assert_refused_at(diags: &[Diagnostic], file: &str, what: &str) {
        assert!(
            diags.iter().any(|d| d.is_error()
                && d.file == Path::new(file)
                && d.message.contains(what)
                && !d.message.contains("geheim")),
            "expected an error at {file} ({what}), got:\n{}",
            show(diags)
        );
    }

    #[test]
    fn links_out_of_the_portal_are_errors_in_check_build_and_serve() {
        // A page bundle, static/, templates/, a municipality's folder.
        for link in [
            "content/m/amt/environ.txt",
            "static/environ.txt",
            "templates/environ.html",
            "content/m/environ.png",
        ] {
            let (tmp, root, secret) = portal_with_secret();
            let path = root.join(link);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            symlink(&secret, &path).unwrap();
            let out = tmp.path().join("public");
            for diags in errors_everywhere(&root, &out) {
                assert_refused_at(&diags, link, "outside the portal");
            }
        }
    }

    #[test]
    fn relative_links_and_linked_folders_out_of_the_portal_are_refused() {
        let (tmp, root, _secret) = portal_with_secret();
        // content/m/amt/env → ../../../../environ (the file beside the portal)
        symlink("../../../../environ", root.join("content/m/amt/env")).unwrap();
        // static/ci → the folder holding the portal and the secret
        fs::create_dir_all(root.join("static")).unwrap();
        symlink(tmp.path(), root.join("static/ci")).unwrap();
        let out = tmp.path().join("public");
        for diags in errors_everywhere(&root, &out) {
            assert_refused_at(&diags, "content/m/amt/env", "outside the portal");
            assert_refused_at(&diags, "static/ci", "outside the portal");
        }
    }

    #[test]
    fn a_theme_linked_from_outside_is_refused() {
        let (tmp, root, _secret) = portal_with_secret();
        let elsewhere = tmp.path().join("shared-theme");
        fs::create_dir_all(elsewhere.join("static")).unwrap();
        fs::write(elsewhere.join("static/x.css"), "body{}").unwrap();
        fs::create_dir_all(root.join("themes")).unwrap();
        symlink(&elsewhere, root.join("themes/shared")).unwrap();
        let config = fs::read_to_string(root.join("wegweiser.toml")).unwrap();
        fs::write(
            root.join("wegweiser.toml"),
            format!("theme = \"shared\"\n{config}"),
        )
        .unwrap();
        let out = tmp.path().join("public");
        for diags in errors_everywhere(&root, &out) {
            assert_refused_at(&diags, "themes/shared/static", "outside the portal");
        }
    }

    #[test]
    fn a_municipality_toml_linked_out_is_not_read() {
        let (tmp, root, secret) = portal_with_secret();
        fs::remove_file(root.join("content/m/municipality.toml")).unwrap();
        symlink(&secret, root.join("content/m/municipality.toml")).unwrap();
        let out = tmp.path().join("public");
        for diags in errors_everywhere(&root, &out) {
            // The file is not parsed: its text would show in the error's snippet.
            assert_refused_at(&diags, "content/m/municipality.toml", "outside the portal");
            assert!(!show(&diags).contains("geheim"), "{}", show(&diags));
        }
    }

    #[test]
    fn dangling_links_and_links_to_hidden_files_are_errors() {
        let (tmp, root, _secret) = portal_with_secret();
        symlink("weg.svg", root.join("content/m/amt/karte.svg")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(
            root.join(".git/config"),
            "extraheader = AUTHORIZATION: basic geheim",
        )
        .unwrap();
        symlink(
            "../../../.git/config",
            root.join("content/m/amt/config.txt"),
        )
        .unwrap();
        let out = tmp.path().join("public");
        for diags in errors_everywhere(&root, &out) {
            assert_refused_at(&diags, "content/m/amt/karte.svg", "does not exist");
            assert_refused_at(&diags, "content/m/amt/config.txt", "hidden or backup file");
        }
    }

    #[test]
    fn links_inside_the_portal_are_followed_also_when_the_portal_is_named_through_a_link() {
        let (tmp, root, _secret) = portal_with_secret();
        // A shared picture in static/, linked into the bundle; a whole folder linked too.
        fs::create_dir_all(root.join("static/bilder")).unwrap();
        fs::write(
            root.join("static/bilder/logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
        symlink(
            "../../../static/bilder/logo.svg",
            root.join("content/m/amt/logo.svg"),
        )
        .unwrap();
        symlink("bilder", root.join("static/images")).unwrap();
        // The portal named through a link and relatively from there.
        let named = tmp.path().join("portal-link");
        symlink(&root, &named).unwrap();
        let out = tmp.path().join("public");
        let report = build(&options(&named.join("content/.."), Some(&out)), &NoProgress)
            .unwrap_or_else(|f| panic!("build failed:\n{}", show(&f.diagnostics)));
        assert!(report.diagnostics.iter().all(|d| !d.is_error()));
        assert!(out.join("images/logo.svg").is_file());
        assert!(out.join("bilder/logo.svg").is_file());
        let files = common::tree(&out);
        let logo = files.iter().find(|(rel, _)| rel.ends_with("amt/logo.svg"));
        assert!(
            logo.is_some_and(|(_, b)| b.starts_with(b"<svg")),
            "{:?}",
            files.keys()
        );
        assert!(!all_text(&out).contains("geheim"));
    }
}

// ---------------------------------------------------------------------------------------
// Interrupted builds and output folders that are mount points

#[cfg(unix)]
mod interrupted {
    use super::*;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// A portal whose build takes long enough to be interrupted: `pages` pages in two
    /// languages, with some text each.
    pub fn big_portal(dir: &Path, pages: usize) -> PathBuf {
        let (_tmp, tiny) = copy_fixture("tiny");
        let root = dir.join("portal");
        for (rel, bytes) in common::tree(&tiny) {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        let text = "Die Ausländerbehörde berät Sie zu Aufenthalt, Arbeit und Familie. ".repeat(40);
        for i in 0..pages {
            for (lang, title) in [("de", "Seite"), ("en", "Page")] {
                fs::write(
                    root.join(format!("content/m/p{i}.{lang}.md")),
                    format!(
                        "+++\ntitle = \"{title} {i}\"\n+++\n\n## Teil {i}\n\n{text}\n\n- eins\n- zwei\n"
                    ),
                )
                .unwrap();
            }
        }
        root
    }

    /// The hidden folders beside and inside `out` (staging folders and the like).
    fn leftovers(out: &Path) -> Vec<String> {
        let mut found = Vec::new();
        for dir in [out.parent().unwrap(), out] {
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.contains("wegweiser-staging") {
                    found.push(name);
                }
            }
        }
        found
    }

    /// Start `wegweiser build` of `root` into `out`, send `signal` once its staging
    /// folder exists, and return its exit code; `None` if the build ended first.
    fn interrupt_build(root: &Path, out: &Path, signal: i32) -> Option<i32> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wegweiser"))
            .args(["build", "-q", "--out"])
            .arg(out)
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let parent = out.parent().unwrap();
        let started = Instant::now();
        let staging = format!(".public.wegweiser-staging-{}", child.id());
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                eprintln!("the build ended ({status}) before it could be interrupted");
                return None;
            }
            if parent.join(&staging).join("m").exists() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no staging folder"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        // SAFETY: the pid is our own child's, not yet waited for.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let status = child.wait().unwrap();
        Some(
            status
                .code()
                .expect("wegweiser exits by itself after a signal"),
        )
    }

    #[test]
    fn sigint_and_sigterm_remove_the_staging_folder_and_keep_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let root = big_portal(tmp.path(), 600);
        let out = tmp.path().join("public");
        // The previous output: wegweiser's (it has the marker), with a page.
        fs::create_dir_all(out.join("m/de")).unwrap();
        fs::write(out.join(wegweiser::model::files::OUTPUT_MARKER), "").unwrap();
        fs::write(out.join("m/de/index.html"), "die alte Seite").unwrap();
        let before = common::tree(&out);
        let mut interrupted = 0;
        for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
            let Some(exit) = interrupt_build(&root, &out, signal) else {
                continue;
            };
            interrupted += 1;
            assert_eq!(exit, code, "exit code after signal {signal}");
            assert_eq!(
                leftovers(&out),
                Vec::<String>::new(),
                "after signal {signal}"
            );
            assert!(common::tree(&out) == before, "the old site is untouched");
        }
        assert!(interrupted > 0, "no build could be interrupted");
    }

    #[test]
    fn a_signal_ignored_from_the_start_stays_ignored() {
        // `nohup wegweiser build &` must survive the SIGHUP of a closed terminal.
        let tmp = tempfile::tempdir().unwrap();
        let root = big_portal(tmp.path(), 300);
        let out = tmp.path().join("public");
        let mut child = Command::new("sh")
            .args([
                "-c",
                "trap '' HUP; exec \"$0\" build -q --out \"$1\" \"$2\"",
            ])
            .arg(env!("CARGO_BIN_EXE_wegweiser"))
            .arg(&out)
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let staging = tmp
            .path()
            .join(format!(".public.wegweiser-staging-{}", child.id()));
        let started = Instant::now();
        while !staging.exists() && child.try_wait().unwrap().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no staging folder"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        // SAFETY: the pid is our own child's, not yet waited for.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) };
        assert!(child.wait().unwrap().success(), "the build went on");
        assert!(out.join("m/de/index.html").is_file());
    }

    #[test]
    fn the_next_build_removes_what_a_killed_build_left_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let (_t, root) = copy_fixture("tiny");
        let out = tmp.path().join("public");
        // A build killed outright (SIGKILL: no cleanup) leaves its staging folder.
        let mut child = Command::new("sleep").arg("0").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = tmp.path().join(format!(".public.wegweiser-staging-{dead}"));
        fs::create_dir_all(stale.join("m")).unwrap();
        fs::write(
            stale.join(wegweiser::write::STAGING_MARKER),
            format!("wegweiser {dead}\n"),
        )
        .unwrap();
        // Someone else's folder of that kind of name, without wegweiser's marker (its
        // number is above any pid: it cannot be the new build's own name).
        let foreign = tmp.path().join(".public.wegweiser-staging-999999999");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "mine").unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_wegweiser"))
            .args(["build", "-q", "--out"])
            .arg(&out)
            .arg(&root)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(!stale.exists(), "the stale staging folder is removed");
        assert_eq!(
            fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(out.join("m/de/index.html").is_file());
    }

    /// A real bind mount in a mount namespace of its own (needs root or user namespaces;
    /// skipped with a message where neither is there). The content swap itself is
    /// tested on every machine in src/write.rs.
    #[test]
    fn an_output_folder_that_is_a_mount_point_is_built_into() {
        let probe = Command::new("unshare")
            .args(["-m", "--propagation", "private", "true"])
            .stderr(Stdio::null())
            .status();
        if !probe.is_ok_and(|s| s.success()) {
            eprintln!("skipped: no mount namespace (unshare -m) on this machine");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let (_t, root) = copy_fixture("tiny");
        let volume = tmp.path().join("volume");
        let out = tmp.path().join("public");
        fs::create_dir_all(&volume).unwrap();
        fs::create_dir_all(&out).unwrap();
        let script = r#"mount --bind "$1" "$2" || exit 99
"$3" build -q --out "$2" "$4" || exit $?
echo two > "$4/content/m/b.de.md.tmp"
printf '+++\ntitle = "B"\n+++\n\nText.\n' > "$4/content/m/b.de.md"
"$3" build -q --out "$2" "$4""#;
        let status = Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", script, "sh"])
            .arg(&volume)
            .arg(&out)
            .arg(env!("CARGO_BIN_EXE_wegweiser"))
            .arg(&root)
            .status()
            .unwrap();
        if status.code() == Some(99) {
            eprintln!("skipped: bind mounts are not permitted here");
            return;
        }
        assert!(
            status.success(),
            "both builds into the mount point: {status}"
        );
        // What was built went into the mounted volume, as a whole site.
        let site = common::tree(&volume);
        assert!(
            site.contains_key(wegweiser::model::files::OUTPUT_MARKER),
            "{:?}",
            site.keys()
        );
        assert!(site.contains_key("m/de/index.html"));
        assert!(
            site.keys().any(|k| k.starts_with("m/de/b/")),
            "second build in"
        );
        assert_eq!(leftovers(&volume.join("x")), Vec::<String>::new());
        assert_eq!(leftovers(&out), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------------------
// Aliases in the way of files wegweiser writes

mod aliases {
    use super::*;

    /// Page `a` of a copy of `tiny` with `alias` among its aliases (TOML front matter),
    /// and the line and column where the alias is written.
    fn portal_with_alias(alias: &str) -> (tempfile::TempDir, PathBuf, (usize, usize)) {
        let (tmp, root) = copy_fixture("tiny");
        let header = format!("aliases = [\"/alt/\", \"{alias}\"]");
        fs::write(
            root.join("content/m/a.de.md"),
            format!("+++\ntitle = \"Seite A\"\n{header}\n+++\n\nEin kurzer Text.\n"),
        )
        .unwrap();
        let column = header.find(&format!("\"{alias}\"")).unwrap() + 1;
        (tmp, root, (3, column))
    }

    #[track_caller]
    fn assert_alias_error(diags: &[Diagnostic], at: (usize, usize), what: &str) {
        let found = diags.iter().find(|d| {
            d.is_error() && d.file == Path::new("content/m/a.de.md") && d.message.contains(what)
        });
        let Some(d) = found else {
            panic!("no error about {what} at the alias:\n{}", show(diags));
        };
        assert_eq!((d.line, d.column), at, "{d}");
        assert!(d.message.starts_with("alias `"), "{d}");
    }

    #[test]
    fn aliases_onto_generated_files_are_errors_in_check_and_build() {
        for (alias, what) in [
            ("/index.html", "the portal's start page to /index.html"),
            ("/404.html", "/404.html"),
            ("/_headers", "/_headers"),
            ("/robots.txt", "/robots.txt"),
            ("/sitemap.xml", "/sitemap.xml"),
            ("/m/de/a/qr.svg", "a QR code to /m/de/a/qr.svg"),
            ("/m/de/a/qr.svg/alt", "/m/de/a/qr.svg"),
            ("/m/", "the language choice page to /m/index.html"),
            ("/m/de/search/", "where wegweiser puts the search page"),
            ("/m/de/atom.xml", "the feed"),
        ] {
            let (tmp, root, at) = portal_with_alias(alias);
            let check = build(&options(&root, None), &NoProgress)
                .expect_err(alias)
                .diagnostics;
            assert_alias_error(&check, at, what);
            let out = tmp.path().join("public");
            let built = build(&options(&root, Some(&out)), &NoProgress)
                .expect_err(alias)
                .diagnostics;
            assert_alias_error(&built, at, what);
            assert!(!out.exists());
        }
    }

    #[test]
    fn an_alias_onto_another_municipalitys_file_is_an_error_too() {
        let (_tmp, root, at) = portal_with_alias("/n/de/qr.svg");
        fs::create_dir_all(root.join("content/n")).unwrap();
        fs::write(
            root.join("content/n/municipality.toml"),
            "name = \"Nachbarort\"\nsource_language = \"de\"\nlanguages = [\"de\"]\n",
        )
        .unwrap();
        fs::write(
            root.join("content/n/_index.de.md"),
            "+++\ntitle = \"Willkommen\"\n+++\n\nText.\n",
        )
        .unwrap();
        let check = build(&options(&root, None), &NoProgress)
            .expect_err("check")
            .diagnostics;
        assert_alias_error(&check, at, "a QR code to /n/de/qr.svg");
    }

    #[test]
    fn an_alias_onto_a_static_file_is_an_error_at_the_alias() {
        let (tmp, root, at) = portal_with_alias("/downloads/plan.pdf");
        fs::create_dir_all(root.join("static/downloads")).unwrap();
        fs::write(root.join("static/downloads/plan.pdf"), "%PDF").unwrap();
        let check = build(&options(&root, None), &NoProgress)
            .expect_err("check")
            .diagnostics;
        assert_alias_error(&check, at, "a static file to /downloads/plan.pdf");
        let out = tmp.path().join("public");
        let built = build(&options(&root, Some(&out)), &NoProgress)
            .expect_err("build")
            .diagnostics;
        assert_alias_error(&built, at, "a static file");
    }

    #[test]
    fn aliases_beside_generated_files_are_fine_and_yaml_lists_are_pointed_at() {
        let (tmp, root, _) = portal_with_alias("/m/de/a/alt/");
        let out = tmp.path().join("public");
        build(&options(&root, Some(&out)), &NoProgress)
            .unwrap_or_else(|f| panic!("{}", show(&f.diagnostics)));
        assert!(out.join("m/de/a/alt/index.html").is_file());

        // YAML, one alias a line: the error is at the alias's own line.
        fs::write(
            root.join("content/m/a.de.md"),
            "---\ntitle: Seite A\naliases:\n  - /alt/\n  - /robots.txt\n---\n\nText.\n",
        )
        .unwrap();
        let check = build(&options(&root, None), &NoProgress)
            .expect_err("check")
            .diagnostics;
        assert_alias_error(&check, (5, 5), "robots.txt");
    }
}
