//! `wegweiser serve`: the preview server on 127.0.0.1, live reload, the error overlay,
//! and incremental rebuilds that end up byte-identical to a full build.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{copy_fixture, tree};
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;
use wegweiser::render::jobs::RenderScope;
use wegweiser::serve::{BuildHook, Outcome, ServeError, ServeOptions, Server, Session};

const BASE: &str = "http://127.0.0.1:1111";

fn session_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        base_url: Some(BASE.into()),
        write: true,
        ..Default::default()
    }
}

/// Every file a session serves, with its bytes.
fn served(session: &Session) -> BTreeMap<String, Vec<u8>> {
    session
        .files()
        .iter()
        .map(|(rel, file)| (rel.clone(), file.read().unwrap().to_vec()))
        .collect()
}

/// What a fresh session serves for the portal as it is now.
fn fresh(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut session = Session::new(session_options(root));
    match session.build() {
        Outcome::Built { .. } => served(&session),
        other => panic!("the full build fails: {other:?}"),
    }
}

fn built(outcome: &Outcome) -> (RenderScope, u64) {
    match outcome {
        Outcome::Built { scope, pages, .. } => (*scope, *pages),
        other => panic!("expected a build, got {other:?}"),
    }
}

fn assert_same(session: &Session, root: &Path, step: &str) {
    let incremental = served(session);
    let full = fresh(root);
    let only_one: Vec<&String> = incremental
        .keys()
        .filter(|k| !full.contains_key(*k))
        .chain(full.keys().filter(|k| !incremental.contains_key(*k)))
        .collect();
    assert!(
        only_one.is_empty(),
        "{step}: files in only one site: {only_one:?}"
    );
    for (rel, bytes) in &full {
        assert!(
            incremental[rel] == *bytes,
            "{step}: {rel} differs from a full build"
        );
    }
}

/// Apply a change, check that the site was rebuilt and equals a full build; returns
/// what was rendered.
fn rebuild(session: &mut Session, root: &Path, changed: &[PathBuf], step: &str) -> RenderScope {
    let (scope, _) = built(&session.apply(changed));
    assert_same(session, root, step);
    scope
}

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) -> PathBuf {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn incremental_rebuilds_equal_full_builds_over_a_sequence_of_edits() {
    let (_tmp, root) = copy_fixture("basic");
    let mut session = Session::new(session_options(&root));
    built(&session.build());
    assert_same(&session, &root, "first build");

    // The text of one page: that page in its languages, nothing else of its kind.
    let p = edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "Melden Sie sich bitte an.",
    );
    let (scope, pages) = built(&session.apply(&[p]));
    assert!(matches!(scope, RenderScope::Page { .. }), "{scope:?}");
    let all = fresh(&root).keys().filter(|k| k.ends_with(".html")).count() as u64;
    assert!(
        pages < all / 2,
        "{pages} of {all} pages rendered for one text"
    );
    assert_same(&session, &root, "text of a page");

    // A title: the navigation of the municipality changes.
    let p = edit(
        &root,
        "content/stadt/wohnen/anmeldung.en.md",
        "title: Registration",
        "title: Registering",
    );
    assert_eq!(
        rebuild(&mut session, &root, &[p], "title"),
        RenderScope::Municipality(1)
    );

    // A new page, then renamed, then deleted: its old URLs go.
    let new = write(
        &root,
        "content/stadt/arbeit/jobcenter.de.md",
        "+++\ntitle = \"Jobcenter\"\n+++\nDas Jobcenter hilft.\n",
    );
    rebuild(&mut session, &root, std::slice::from_ref(&new), "new page");
    assert!(
        session
            .file("stadt/de/arbeit/jobcenter/index.html")
            .is_some()
    );
    let renamed = root.join("content/stadt/arbeit/arbeitsagentur.de.md");
    fs::rename(&new, &renamed).unwrap();
    rebuild(
        &mut session,
        &root,
        &[new.clone(), renamed.clone()],
        "renamed page",
    );
    assert!(
        session
            .file("stadt/de/arbeit/jobcenter/index.html")
            .is_none()
    );
    assert!(
        session
            .file("stadt/de/arbeit/arbeitsagentur/index.html")
            .is_some()
    );
    fs::remove_file(&renamed).unwrap();
    rebuild(&mut session, &root, &[renamed], "deleted page");

    // A new translation of an existing page.
    let p = write(
        &root,
        "content/dorf/nur-deutsch.uk.md",
        "+++\ntitle = \"Лише німецькою\"\n+++\nТепер і українською.\n",
    );
    rebuild(&mut session, &root, &[p], "new translation");

    // The municipality's settings.
    let p = edit(
        &root,
        "content/stadt/municipality.toml",
        "aliases = [\"Vorort\"]",
        "aliases = [\"Vorort\", \"Altstadt\"]",
    );
    assert_eq!(
        rebuild(&mut session, &root, &[p], "municipality.toml"),
        RenderScope::Municipality(1)
    );

    // A page asset is served as it is now.
    let p = edit(
        &root,
        "content/stadt/wohnen/miete/plan.svg",
        "<svg",
        "<svg data-edited=\"1\"",
    );
    rebuild(&mut session, &root, &[p], "asset");

    // The portal's settings: everything.
    let p = edit(
        &root,
        "wegweiser.toml",
        "title = \"Testportal\"",
        "title = \"Portal\"",
    );
    assert_eq!(
        rebuild(&mut session, &root, &[p], "wegweiser.toml"),
        RenderScope::All
    );

    // Breaking a page keeps the last good site; what changes meanwhile is not lost.
    let before = served(&session);
    let broken = edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich bitte an.",
        "Melden Sie sich [hier](gibt-es-nicht.md) an.",
    );
    match session.apply(&[broken]) {
        Outcome::Failed { problems } => {
            let p = problems.iter().find(|d| d.is_error()).unwrap();
            assert_eq!(p.file, Path::new("content/stadt/wohnen/anmeldung.de.md"));
            assert!(p.line > 0 && p.column > 0, "{p:?}");
        }
        other => panic!("expected the build to fail, got {other:?}"),
    }
    assert_eq!(served(&session), before, "the last good site stays");
    let meanwhile = edit(
        &root,
        "content/dorf/_index.de.md",
        "\n+++\n",
        "\n+++\nNeu im Dorf.\n",
    );
    assert!(matches!(
        session.apply(&[meanwhile]),
        Outcome::Failed { .. }
    ));
    let fixed = edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "[hier](gibt-es-nicht.md)",
        "[hier](anmeldung.en.md)",
    );
    assert_eq!(built(&session.apply(&[fixed])).0, RenderScope::All);
    assert!(session.problems().iter().all(|d| !d.is_error()));
    assert_same(&session, &root, "after the fix");

    // A warning from one page's text comes and goes with it.
    let warned = edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "## Die Adresse",
        "## Die Adresse\n\n<script>alert(1)</script>",
    );
    built(&session.apply(std::slice::from_ref(&warned)));
    let warnings = |session: &Session| {
        session
            .problems()
            .iter()
            .filter(|d| d.file == Path::new("content/stadt/wohnen/anmeldung.de.md"))
            .count()
    };
    assert_eq!(warnings(&session), 1, "{:?}", session.problems());
    assert_same(&session, &root, "warning");
    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "\n\n<script>alert(1)</script>",
        "",
    );
    built(&session.apply(&[warned]));
    assert_eq!(warnings(&session), 0, "{:?}", session.problems());

    // Editors' temporary files change nothing.
    let swap = write(&root, "content/stadt/.anmeldung.de.md.swp", "junk");
    assert!(matches!(session.apply(&[swap]), Outcome::Unchanged));
}

#[test]
fn incremental_rebuilds_of_the_demo_portal_equal_full_builds() {
    // Actors, legal pages, branding, feeds, page bundles: everything a page can show.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("portal");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    for (rel, bytes) in tree(&example) {
        if rel.starts_with("public/") {
            continue;
        }
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    let mut session = Session::new(session_options(&root));
    built(&session.build());

    let page = "content/musterstadt/ankommen/anmeldung.de.md";
    let p = edit(
        &root,
        page,
        "Die Anmeldung ist kostenlos.",
        "Die Anmeldung kostet nichts.",
    );
    let scope = rebuild(&mut session, &root, &[p], "text of a page");
    assert!(matches!(scope, RenderScope::Page { .. }), "{scope:?}");
    let p = edit(
        &root,
        page,
        "reviewed = 2025-12-20",
        "reviewed = 2026-11-01",
    );
    rebuild(&mut session, &root, &[p], "review date");
    let p = edit(
        &root,
        "content/musterstadt/actors.toml",
        "name = \"Integrationsbüro der Stadt Musterstadt\"",
        "name = \"Integrationsbüro Musterstadt\"",
    );
    rebuild(&mut session, &root, &[p], "actors.toml");

    // Events: the time of a recurring one (events page, event page, the place page that
    // lists it, the .ics files) with a translation, a new event, and its removal.
    let time = edit(
        &root,
        "content/musterstadt/events/sprachcafe.md",
        "start = 2026-11-03T18:00\nend = 2026-11-03T20:00",
        "start = 2026-11-03T18:30\nend = 2026-11-03T20:30",
    );
    let title = edit(
        &root,
        "content/musterstadt/events/sprachcafe.ar.md",
        "title = \"مقهى اللغة\"",
        "title = \"مقهى اللغة الألمانية\"",
    );
    rebuild(
        &mut session,
        &root,
        &[time, title],
        "an event's time and translation",
    );
    let p = write(
        &root,
        "content/musterstadt/events/lesung.md",
        "+++\ntitle = \"Zweisprachige Lesung\"\nstart = 2026-12-02T19:00\nplace = \"vhs\"\n+++\nGeschichten auf Deutsch und Arabisch.\n",
    );
    rebuild(&mut session, &root, std::slice::from_ref(&p), "a new event");
    fs::remove_file(&p).unwrap();
    rebuild(&mut session, &root, &[p], "an event removed");
}

#[test]
fn the_served_site_is_what_build_writes() {
    let (tmp, root) = copy_fixture("basic");
    let served = fresh(&root);
    let out = tmp.path().join("public");
    let options = BuildOptions {
        output: Some(out.clone()),
        minify: Some(false),
        ..session_options(&root)
    };
    build(&options, &NoProgress).unwrap();
    let written = tree(&out);
    for (rel, bytes) in &served {
        // The preview's service worker removes itself instead of caching
        // (docs/offline.md); everything else is the same.
        if rel.ends_with("/sw.js") {
            assert!(written.contains_key(rel), "{rel} is not written");
            continue;
        }
        assert!(
            written.get(rel) == Some(bytes),
            "{rel} differs between serve and build"
        );
    }
    let html: Vec<&String> = written
        .keys()
        .filter(|k| k.ends_with(".html") && !served.contains_key(*k))
        .collect();
    assert!(
        html.is_empty(),
        "pages build writes but serve does not: {html:?}"
    );
    for (rel, bytes) in &written {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__wegweiser"),
            "{rel}: the reload script must never be in build output"
        );
    }
}

// --- the server ---

fn start(root: &Path) -> Server {
    let mut options = ServeOptions::new(BuildOptions {
        root: root.to_path_buf(),
        write: true,
        ..Default::default()
    });
    options.port = 0;
    Server::start(options, Box::new(|_, _| {})).expect("the server starts")
}

/// A response: status code, headers (lower-case names), body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn request(address: SocketAddr, raw: &str) -> Response {
    request_bytes(address, raw.as_bytes())
}

fn request_bytes(address: SocketAddr, raw: &[u8]) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
        .collect();
    Response {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

fn get(address: SocketAddr, path: &str) -> Response {
    request(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    )
}

/// The live-reload event stream, as a browser's `EventSource` reads it.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(address: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .write_all(b"GET /__wegweiser/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Events {
            reader: BufReader::new(stream),
        }
    }

    /// The next event (name, data), waiting up to 20 s.
    fn next(&mut self) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            assert!(Instant::now() < deadline, "no event arrived");
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream closed"),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("{e}"),
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    }

    fn next_named(&mut self, wanted: &str) -> String {
        loop {
            let (name, data) = self.next();
            if name == wanted {
                return data;
            }
        }
    }
}

#[test]
fn a_page_is_served_before_its_search_bundles_are_indexed_again() {
    let (_tmp, root) = copy_fixture("basic");
    let mut session = Session::new(session_options(&root));
    built(&session.build());
    assert!(
        session.index_search().is_none(),
        "nothing waits after a build"
    );
    let bundle = |session: &Session| -> BTreeMap<String, Vec<u8>> {
        served(session)
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("stadt/_search/de/"))
            .collect()
    };
    let before = bundle(&session);
    assert!(!before.is_empty(), "the German bundle is served");

    let p = edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "Melden Sie sich beim Bürgeramt an.",
    );
    let (scope, _) = built(&session.apply_pages(&[p]));
    assert!(matches!(scope, RenderScope::Page { .. }), "{scope:?}");
    // The page is new, the bundle still the one before the edit.
    assert!(
        String::from_utf8_lossy(&served(&session)["stadt/de/wohnen/anmeldung/index.html"])
            .contains("beim Bürgeramt")
    );
    assert_eq!(bundle(&session), before, "the bundle waits");
    // Then indexed and put in place: the whole site is a full build's again.
    let update = session.index_search().expect("the page's bundles wait");
    session.put_search(update).expect("indexed");
    assert_ne!(bundle(&session), before);
    assert!(session.index_search().is_none(), "nothing waits any more");
    assert_same(&session, &root, "after indexing");
}

#[test]
fn saving_a_page_reloads_the_browser_with_the_new_page() {
    let (_tmp, root) = copy_fixture("basic");
    let server = start(&root);
    let address = server.address();
    let page = "/stadt/de/wohnen/anmeldung/";

    let first = get(address, page);
    assert_eq!(first.status, 200);
    assert_eq!(
        first.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(first.text().contains("Melden Sie sich an."));
    assert!(
        first
            .text()
            .contains("<script src=\"/__wegweiser/live.js\"></script></body>"),
        "the reload script is injected"
    );
    let script = get(address, "/__wegweiser/live.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("EventSource"));

    let mut events = Events::open(address);
    assert_eq!(events.next().0, "ok");
    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "Melden Sie sich heute an.",
    );
    events.next_named("reload");
    assert!(
        get(address, page)
            .text()
            .contains("Melden Sie sich heute an.")
    );
    // The search bundles of the page's languages follow the reload.
    events.next_named("search");

    // A new page appears at its URL; a deleted one is gone.
    let new = write(
        &root,
        "content/stadt/arbeit/jobcenter.de.md",
        "+++\ntitle = \"Jobcenter\"\n+++\nDas Jobcenter hilft.\n",
    );
    events.next_named("reload");
    // One save can arrive as more than one batch of events (create, then write): wait
    // for the state rather than count reloads.
    assert_status_within(address, "/stadt/de/arbeit/jobcenter/", 200);
    fs::remove_file(new).unwrap();
    events.next_named("reload");
    assert_status_within(address, "/stadt/de/arbeit/jobcenter/", 404);
    server.stop();
}

/// Wait (up to 20 s) until `path` answers with `status`.
#[track_caller]
fn assert_status_within(address: SocketAddr, path: &str, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = get(address, path).status;
        if got == status {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path}: {got}, expected {status}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_broken_edit_shows_the_problems_and_keeps_the_last_good_page() {
    let (_tmp, root) = copy_fixture("basic");
    let server = start(&root);
    let address = server.address();
    let page = "/stadt/de/wohnen/anmeldung/";
    let mut events = Events::open(address);
    assert_eq!(events.next().0, "ok");

    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "Melden Sie sich [hier](nirgends.md) an.",
    );
    let data = events.next_named("problems");
    let problems: serde_json::Value = serde_json::from_str(&data).unwrap();
    let first = &problems[0];
    assert_eq!(first["severity"], "error");
    assert!(
        first["location"]
            .as_str()
            .unwrap()
            .starts_with("content/stadt/wohnen/anmeldung.de.md:7:"),
        "{first}"
    );
    assert!(first["text"].as_str().unwrap().contains("nirgends.md"));
    let kept = get(address, page);
    assert_eq!(kept.status, 200);
    assert!(
        kept.text().contains("Melden Sie sich an."),
        "the last good page"
    );
    // A page opened now learns about the problems at once.
    let mut late = Events::open(address);
    assert_eq!(late.next().0, "problems");

    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "[hier](nirgends.md)",
        "[hier](anmeldung.en.md)",
    );
    events.next_named("reload");
    assert!(!get(address, page).text().contains("Melden Sie sich [hier]"));
    assert!(get(address, page).text().contains("Melden Sie sich <a"));
    assert_eq!(Events::open(address).next().0, "ok");
    server.stop();
}

#[test]
fn only_files_of_the_site_are_served() {
    let (tmp, root) = copy_fixture("basic");
    fs::write(root.join("secret.txt"), "do not serve").unwrap();
    let server = start(&root);
    let address = server.address();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/stadt/%2E%2E/%2e%2e/secret.txt",
        "/stadt/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/stadt/%00",
    ] {
        let r = get(address, path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: {} {}",
            r.status,
            r.text()
        );
        assert!(!r.text().contains("do not serve"), "{path}");
    }
    // Raw traversal, as a client that does not normalise paths sends it.
    let raw = request(
        address,
        "GET /stadt/../../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(raw.status, 400);
    let absolute = get(address, "//etc/passwd");
    assert_eq!(absolute.status, 404);

    // A static file that is a symbolic link out of the portal is an error of the site
    // (tests/fs_safety.rs): the last good site stays, without it.
    #[cfg(unix)]
    {
        let outside = tmp.path().join("outside.txt");
        fs::write(&outside, "do not serve").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("static/leak.txt")).unwrap();
        let r = get(address, "/leak.txt");
        assert!(r.status == 404 || r.status == 503, "{}", r.status);
        assert!(!r.text().contains("do not serve"));
    }

    // The site's own 404 page, with status 404.
    let missing = get(address, "/stadt/de/gibt-es-nicht/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<html"), "the site's 404 page");
    // Folders: redirect to the slash, then index.html.
    let folder = get(address, "/stadt/de/wohnen?x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/stadt/de/wohnen/?x=1"));
    assert_eq!(get(address, "/stadt/de/wohnen/").status, 200);
    // Content types, HEAD, other methods.
    let svg = get(address, "/stadt/de/wohnen/miete/plan.svg");
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    let head = request(
        address,
        "HEAD /stadt/de/wohnen/ HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = request(address, "POST / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    server.stop();
}

#[test]
fn a_folder_redirect_never_names_another_host() {
    let (_tmp, root) = copy_fixture("basic");
    let server = start(&root);
    let address = server.address();
    // A browser reads `Location: //stadt/` as the host `stadt`.
    for (path, to) in [
        ("//stadt", "/stadt/"),
        ("///stadt", "/stadt/"),
        ("//stadt//de/wohnen?x=1", "/stadt/de/wohnen/?x=1"),
    ] {
        let r = get(address, path);
        assert_eq!(r.status, 301, "{path}");
        assert_eq!(r.header("location"), Some(to), "{path}");
    }
    for path in ["/\\stadt", "/%5cstadt", "/%5C%5Cstadt"] {
        let r = get(address, path);
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.header("location"), None, "{path}");
    }
    server.stop();
}

#[test]
fn a_header_that_is_not_utf8_gets_a_bad_request() {
    let (_tmp, root) = copy_fixture("basic");
    let server = start(&root);
    let address = server.address();
    // Answered, with 400, not a dropped connection.
    for raw in [
        &b"GET /stadt/de/wohnen/ HTTP/1.1\r\nHost: x\r\nX-Name: M\xfcller \xff\xfe\r\n\r\n"[..],
        &b"GET /stadt/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"[..],
    ] {
        let r = request_bytes(address, raw);
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(raw));
        assert_eq!(r.text(), "bad request");
    }
    // And the server goes on.
    assert_eq!(get(address, "/stadt/de/wohnen/").status, 200);
    server.stop();
}

/// A build hook that panics while `content/stadt/wohnen/anmeldung.de.md` holds `BOOM`
/// (as a bug of wegweiser's would on some input), and on the first build if `first`.
fn panicking_hook(root: &Path, first: bool) -> BuildHook {
    let file = root.join("content/stadt/wohnen/anmeldung.de.md");
    Arc::new(move |paths: Option<&[PathBuf]>| {
        if paths.is_none() && first {
            panic!("boom in the first build");
        }
        if fs::read_to_string(&file).is_ok_and(|t| t.contains("BOOM")) {
            panic!("boom in a rebuild");
        }
    })
}

#[test]
fn a_panic_in_a_rebuild_keeps_the_last_good_site_and_recovers() {
    let (_tmp, root) = copy_fixture("basic");
    let mut session = Session::new(session_options(&root));
    session.set_build_hook(Some(panicking_hook(&root, false)));
    built(&session.build());
    let good = served(&session);
    let p = edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "BOOM",
    );
    match session.apply(std::slice::from_ref(&p)) {
        Outcome::Failed { problems } => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            let d = &problems[0];
            assert!(d.is_error());
            assert_eq!(
                d.message,
                "internal error while rebuilding: boom in a rebuild; please report it"
            );
            assert_eq!(d.file, Path::new("content/stadt/wohnen/anmeldung.de.md"));
        }
        other => panic!("expected the panic as a problem, got {other:?}"),
    }
    assert!(served(&session) == good, "the last good site stays");
    assert_eq!(session.problems().len(), 1);
    // Still broken: the same again, no poisoned state.
    assert!(matches!(
        session.apply(std::slice::from_ref(&p)),
        Outcome::Failed { .. }
    ));
    // Fixed: everything is built again, as a full build would.
    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "BOOM",
        "Melden Sie sich jetzt an.",
    );
    let (scope, _) = built(&session.apply(&[p]));
    assert_eq!(scope, RenderScope::All, "after a panic nothing is trusted");
    assert!(session.problems().is_empty(), "{:?}", session.problems());
    assert_same(&session, &root, "after the panic");
}

#[test]
fn the_server_survives_a_panic_in_a_rebuild() {
    let (_tmp, root) = copy_fixture("basic");
    let mut options = ServeOptions::new(BuildOptions {
        root: root.to_path_buf(),
        write: true,
        ..Default::default()
    })
    .with_build_hook(panicking_hook(&root, false));
    options.port = 0;
    let server = Server::start(options, Box::new(|_, _| {})).expect("the server starts");
    let address = server.address();
    let page = "/stadt/de/wohnen/anmeldung/";
    let mut events = Events::open(address);
    assert_eq!(events.next().0, "ok");

    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "BOOM",
    );
    let data = events.next_named("problems");
    let problems: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(problems[0]["severity"], "error", "{problems}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("internal error while rebuilding: boom in a rebuild"),
        "{problems}"
    );
    // Every request is still answered, with the last good site.
    for _ in 0..3 {
        let kept = get(address, page);
        assert_eq!(kept.status, 200);
        assert!(kept.text().contains("Melden Sie sich an."));
    }
    assert_eq!(get(address, "/stadt/de/").status, 200);
    assert_eq!(Events::open(address).next().0, "problems");

    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "BOOM",
        "Melden Sie sich heute an.",
    );
    events.next_named("reload");
    assert!(
        get(address, page)
            .text()
            .contains("Melden Sie sich heute an.")
    );
    assert_eq!(Events::open(address).next().0, "ok");
    server.stop();
}

#[test]
fn the_server_survives_a_panic_in_the_first_build() {
    let (_tmp, root) = copy_fixture("basic");
    let mut options = ServeOptions::new(BuildOptions {
        root: root.to_path_buf(),
        write: true,
        ..Default::default()
    })
    .with_build_hook(panicking_hook(&root, true));
    options.port = 0;
    let server = Server::start(
        options,
        Box::new(move |changed, outcome| {
            if changed.is_none() {
                assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
            }
        }),
    )
    .expect("the server starts");
    let address = server.address();
    let r = get(address, "/stadt/de/");
    assert_eq!(r.status, 503);
    assert!(
        r.text()
            .contains("internal error while rebuilding: boom in the first build"),
        "{}",
        r.text()
    );
    let mut events = Events::open(address);
    assert_eq!(events.next().0, "problems");
    edit(
        &root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        "Melden Sie sich heute an.",
    );
    events.next_named("reload");
    assert!(
        get(address, "/stadt/de/wohnen/anmeldung/")
            .text()
            .contains("Melden Sie sich heute an.")
    );
    server.stop();
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let (_tmp, root) = copy_fixture("basic");
    let first = start(&root);
    let mut options = ServeOptions::new(BuildOptions {
        root: root.clone(),
        write: true,
        ..Default::default()
    });
    options.port = first.address().port();
    match Server::start(options, Box::new(|_, _| {})) {
        Err(e @ ServeError::PortInUse { .. }) => {
            assert!(e.to_string().contains("is in use"), "{e}");
        }
        other => panic!("expected PortInUse, got {other:?}"),
    }
    first.stop();
}

// --- `wegweiser serve` as editors start it: relative, `.`, symlinked ---

/// `wegweiser serve NAME --port 0` started in `cwd`; its address, read from the line
/// it prints when it serves.
struct ServeProcess {
    child: std::process::Child,
    address: SocketAddr,
    /// What it printed before it served.
    printed: Vec<String>,
}

impl ServeProcess {
    fn start(cwd: &Path, root: &str) -> ServeProcess {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wegweiser"))
            .args(["serve", root, "--port", "0"])
            .current_dir(cwd)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("wegweiser serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut printed = Vec::new();
        let address = loop {
            let line = lines.next().expect("serve prints where it serves").unwrap();
            if let Some(rest) = line.strip_prefix("Serving http://") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
            printed.push(line);
        };
        // Keep reading (and dropping) what it prints, so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        ServeProcess {
            child,
            address,
            printed,
        }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Edit the page's text and wait until the server serves the new text.
fn assert_edit_is_served(server: &ServeProcess, root: &Path, how: &str) {
    let page = "/stadt/de/wohnen/anmeldung/";
    assert!(
        get(server.address, page)
            .text()
            .contains("Melden Sie sich an.")
    );
    let new = format!("Melden Sie sich an ({how}).");
    edit(
        root,
        "content/stadt/wohnen/anmeldung.de.md",
        "Melden Sie sich an.",
        &new,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(server.address, page).text().contains(&new) {
        assert!(
            Instant::now() < deadline,
            "serve started with {how} never picked up the edit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_picks_up_edits_when_started_with_a_relative_path() {
    let (tmp, root) = copy_fixture("basic");
    let server = ServeProcess::start(tmp.path(), "basic");
    assert_edit_is_served(&server, &root, "a relative path from the parent folder");
}

#[test]
fn serve_picks_up_edits_when_started_inside_the_portal_with_a_dot() {
    let (_tmp, root) = copy_fixture("basic");
    let server = ServeProcess::start(&root, ".");
    assert_edit_is_served(&server, &root, "a dot inside the portal");
}

#[test]
fn serve_picks_up_edits_when_started_with_a_dotdot_path() {
    let (tmp, root) = copy_fixture("basic");
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let server = ServeProcess::start(&elsewhere, "../basic");
    assert_edit_is_served(&server, &root, "a dotdot path");
}

#[cfg(unix)]
#[test]
fn serve_picks_up_edits_through_a_symlinked_folder() {
    let (tmp, root) = copy_fixture("basic");
    std::os::unix::fs::symlink(&root, tmp.path().join("link")).unwrap();
    let server = ServeProcess::start(tmp.path(), "link");
    // The editor saves through the link, as an editor who opened it there does.
    assert_edit_is_served(&server, &tmp.path().join("link"), "a symlinked folder");
}

#[test]
fn serve_and_build_count_the_same_portal_alike() {
    let (tmp, root) = copy_fixture("basic");
    let server = ServeProcess::start(tmp.path(), "basic");
    let first = server
        .printed
        .iter()
        .find(|l| l.starts_with("↻ first build → "))
        .unwrap_or_else(|| panic!("{:?}", server.printed));
    let served = first
        .trim_start_matches("↻ first build → ")
        .split(" in ")
        .next()
        .unwrap()
        .to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wegweiser"))
        .args(["build", "--out"])
        .arg(tmp.path().join("out"))
        .arg(&root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let built = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        built.contains(&format!("Built {served} in ")),
        "serve said {served:?}, build said {built}"
    );
    assert!(served.ends_with(" pages"), "{served}");
}
