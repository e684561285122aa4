use super::*;

#[test]
fn refuses_dangerous_targets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("portal");
    fs::create_dir_all(root.join("content/m")).unwrap();
    assert!(matches!(
        check_target(&root, &root),
        Err(OutputError::ContainsPortal(_))
    ));
    assert!(matches!(
        check_target(&root, dir.path()),
        Err(OutputError::ContainsPortal(_))
    ));
    assert!(matches!(
        check_target(&root, &root.join("content/m/out")),
        Err(OutputError::InsideSources(_, "content"))
    ));
    let foreign = root.join("docs");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "mine").unwrap();
    assert!(matches!(
        check_target(&root, &foreign),
        Err(OutputError::Foreign(_))
    ));
    assert!(check_target(&root, &root.join("public")).is_ok());
    assert!(check_target(&root, &root.join("content/../public")).is_ok());
}

#[test]
fn commit_swaps_and_abort_keeps_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(&out).unwrap();
    s.write("a/index.html", b"one").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
    assert!(check_target(dir.path().join("x").as_path(), &out).is_ok());

    let s = Staging::begin(&out).unwrap();
    s.write("a/index.html", b"two").unwrap();
    s.abort();
    assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

    let s = Staging::begin(&out).unwrap();
    s.write("b/index.html", b"three").unwrap();
    s.commit().unwrap();
    assert!(!out.join("a").exists());

    // Unchanged files are linked from the previous output; changed ones written anew.
    let s = Staging::begin(&out).unwrap();
    s.write("b/index.html", b"three").unwrap();
    s.write("c/index.html", b"four").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read(out.join("b/index.html")).unwrap(), b"three");
    assert_eq!(fs::read(out.join("c/index.html")).unwrap(), b"four");
    let s = Staging::begin(&out).unwrap();
    s.write("b/index.html", b"changed").unwrap();
    s.abort();
    assert_eq!(
        fs::read(out.join("b/index.html")).unwrap(),
        b"three",
        "old output intact"
    );
    assert!(out.join(MARKER).is_file());
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no staging or old folders left behind");
}

#[cfg(unix)]
mod staging_tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// The id of a process that has ended.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn staging_folder(dir: &Path, name: &str, marker: Option<String>) -> PathBuf {
        let path = dir.join(name);
        fs::create_dir_all(path.join("de")).unwrap();
        fs::write(path.join("de/index.html"), "half").unwrap();
        if let Some(m) = marker {
            fs::write(path.join(STAGING_MARKER), m).unwrap();
        }
        path
    }

    #[test]
    fn stale_staging_folders_of_ended_processes_are_removed_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let dead = dead_pid();
        let stale = staging_folder(
            dir.path(),
            &format!(".public.wegweiser-staging-{dead}"),
            Some(staging_marker(dead)),
        );
        let stale_old = staging_folder(
            dir.path(),
            &format!(".public.wegweiser-staging-{dead}.old"),
            Some(staging_marker(dead)),
        );
        // A build still running (pid 1 is always alive), a folder without marker, a
        // marker naming another process than the name: not ours to delete.
        let running = staging_folder(
            dir.path(),
            ".public.wegweiser-staging-1",
            Some(staging_marker(1)),
        );
        let unmarked = staging_folder(
            dir.path(),
            &format!(".public.wegweiser-staging-{dead}0"),
            None,
        );
        let mismatched = staging_folder(
            dir.path(),
            &format!(".other.wegweiser-staging-{dead}"),
            Some(staging_marker(dead + 1)),
        );
        let s = Staging::begin(&out).unwrap();
        assert!(!stale.exists() && !stale_old.exists());
        for kept in [&running, &unmarked, &mismatched] {
            assert!(kept.join("de/index.html").is_file(), "{kept:?} kept");
        }
        // The folder being written carries its marker; the output does not.
        let marker = fs::read_to_string(s.dir().join(STAGING_MARKER)).unwrap();
        assert!(marker.starts_with(&format!("wegweiser {}\n", std::process::id())));
        s.write("a/index.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(!out.join(STAGING_MARKER).exists());
        assert!(out.join(MARKER).is_file());

        // Inside an output folder (a mount point's layout) too, and an output folder
        // holding nothing but such a leftover is still wegweiser's to use.
        let fresh = dir.path().join("fresh");
        fs::create_dir(&fresh).unwrap();
        let inside = staging_folder(
            &fresh,
            &format!(".wegweiser-staging-{dead}"),
            Some(staging_marker(dead)),
        );
        check_target(dir.path().join("portal").as_path(), &fresh).unwrap();
        Staging::begin(&fresh).unwrap().abort();
        assert!(!inside.exists());
    }

    #[test]
    fn a_mount_point_is_built_into_by_swapping_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        assert_eq!(s.layout(), Layout::Beside);
        s.write("old/index.html", b"old").unwrap();
        s.write("same/index.html", b"same").unwrap();
        s.commit().unwrap();
        let inode = fs::metadata(&out).unwrap().ino();

        // A failed build inside leaves the old site as it was, and nothing else.
        let s = Staging::begin_with(&out, Layout::Inside).unwrap();
        assert!(s.dir().starts_with(&out));
        s.write("new/index.html", b"new").unwrap();
        s.abort();
        assert_eq!(
            tests_tree(&out),
            [".wegweiser-output", "old/index.html", "same/index.html"]
        );

        let s = Staging::begin_with(&out, Layout::Inside).unwrap();
        s.write("new/index.html", b"new").unwrap();
        s.write("same/index.html", b"same").unwrap();
        s.commit().unwrap();
        assert_eq!(
            tests_tree(&out),
            [".wegweiser-output", "new/index.html", "same/index.html"]
        );
        assert_eq!(fs::read(out.join("new/index.html")).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&out).unwrap().ino(),
            inode,
            "the folder itself stays"
        );
        let beside: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(beside.len(), 1, "nothing beside the output");
    }

    #[test]
    fn a_failed_content_swap_puts_the_old_site_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("de")).unwrap();
        fs::write(out.join("de/index.html"), "old").unwrap();
        fs::write(out.join(MARKER), "").unwrap();
        // The new site cannot be read: every old entry returns.
        let missing = dir.path().join("missing");
        let aside = out.join(".wegweiser-staging-1.old");
        assert!(swap_contents(&out, &missing, &aside).is_err());
        assert_eq!(tests_tree(&out), [".wegweiser-output", "de/index.html"]);

        // A new site beside the output folder is moved in.
        let new = dir.path().join("new");
        fs::create_dir_all(new.join("en")).unwrap();
        fs::write(new.join("en/index.html"), "new").unwrap();
        fs::write(new.join(STAGING_MARKER), "wegweiser 1\n").unwrap();
        swap_contents(&out, &new, &aside).unwrap();
        assert_eq!(tests_tree(&out), ["en/index.html"]);
    }

    #[test]
    fn a_tree_is_copied_where_a_rename_cannot_move_it() {
        // What `move_entry` does across file systems (EXDEV): a file, and a folder.
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        fs::write(dir.path().join("a/b/c.html"), "c").unwrap();
        fs::write(dir.path().join("f.txt"), "f").unwrap();
        copy_tree(&dir.path().join("f.txt"), &dir.path().join("g.txt")).unwrap();
        copy_tree(&dir.path().join("a"), &dir.path().join("z")).unwrap();
        assert_eq!(fs::read(dir.path().join("g.txt")).unwrap(), b"f");
        assert_eq!(fs::read(dir.path().join("z/b/c.html")).unwrap(), b"c");
    }

    #[test]
    fn a_folder_with_the_staging_name_that_is_not_ours_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!(".public.wegweiser-staging-{}", std::process::id());
        let theirs = staging_folder(dir.path(), &name, None);
        assert!(matches!(
            Staging::begin(&dir.path().join("public")),
            Err(OutputError::Occupied(_))
        ));
        assert!(theirs.join("de/index.html").is_file());
    }

    #[test]
    fn mount_points_are_recognised() {
        assert!(is_mount_point(Path::new("/proc")), "/proc is mounted");
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("plain")).unwrap();
        assert!(!is_mount_point(&dir.path().join("plain")));
        assert_eq!(
            unescape_mountinfo(r"/mnt/mein\040Ordner\134x"),
            std::ffi::OsString::from(r"/mnt/mein Ordner\x")
        );
    }
}

/// Files below `dir`, relative and sorted (for tests).
fn tests_tree(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}
