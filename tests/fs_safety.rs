//! The file system as an attacker's tool (issue 15): symbolic links out of the portal,
//! interrupted builds, output folders that are mount points, and output paths that
//! `check` must know as well as `build` does.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::copy_fixture;
use wegweiser::diagnostics::Diagnostic;
use wegweiser::pipeline::{BuildOptions, build};
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
            assert_refused_at(&diags, "content/m/amt/config.txt", "hidden file");
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
