//! `wegweiser serve` on a generated portal of 10,000 pages (5 municipalities × 250
//! pages × 8 languages, with actors, review dates, events, places and news as
//! `examples/gen-portal.rs` makes them by default; `SERVE_BENCH_PLAIN=1`: pages only,
//! the shape before them): `cargo bench --bench serve`. See docs/performance.md.
//!
//! Measures, and prints as a table (medians, and the 90th percentile of the edits):
//! - the first build of `serve` (into memory) against `build --no-minify` (to disk);
//! - save → served: the time from writing a page's file to the server answering a
//!   request for that page with the new text, through the real file watcher and HTTP
//!   (as a browser: wait for the reload event, then ask for the page),
//!   for an edit of the text (that page is rebuilt), of the title (its
//!   municipality is rebuilt), of the page's actor (the page and the pages of its old
//!   and new actor) and of its `reviewed` date (the page and its actor's page);
//! - save → search bundles in place: until the `search` event, for both edits (their
//!   bundles are indexed after the pages are served; the next edit waits for it).
//!
//! Nothing is asserted about speed: machines are noisy. Set `SERVE_BENCH_EDITS` for
//! more or fewer edits (default 40).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wegweiser::base::diagnostics::Diagnostics;
use wegweiser::build::pipeline::{self, BuildOptions};
use wegweiser::render::NoProgress;
use wegweiser::serve::{Outcome, ServeOptions, Server, Session};

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/gen-portal.rs"]
mod gen_portal;

fn workload() -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-bench-portal");
    let plain = std::env::var_os("SERVE_BENCH_PLAIN").is_some_and(|v| v != "0");
    let args = ["--municipalities", "5", "--pages", "250", "--out"]
        .iter()
        .map(ToString::to_string)
        .chain([out.display().to_string()])
        .chain(plain.then(|| "--plain".to_string()));
    match gen_portal::parse_args(args) {
        Ok(gen_portal::Command::Run(config)) => {
            gen_portal::generate(&config).expect("workload generated");
        }
        other => panic!("gen-portal arguments: {other:?}"),
    }
    out
}

fn median(times: &mut [Duration]) -> Option<Duration> {
    percentile(times, 50)
}

/// `None` when nothing was measured.
fn percentile(times: &mut [Duration], p: usize) -> Option<Duration> {
    times.sort();
    let at = (times.len() * p / 100).min(times.len().checked_sub(1)?);
    Some(times[at])
}

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "–".to_string(),
        |d| format!("{:.1} ms", d.as_secs_f64() * 1000.0),
    )
}

fn get(address: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connects");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("sends");
    let mut body = String::new();
    stream.read_to_string(&mut body).expect("reads");
    body
}

/// A page file of the source language, its URL path and its language.
fn a_page(root: &Path) -> (PathBuf, String, String) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut d = Diagnostics::new();
    let (site, _) = pipeline::load_site(&options, &mut d).expect("loads");
    let m = &site.municipalities[2];
    let lang = m.source_language;
    let (file, url) = m
        .pages
        .iter()
        .rev()
        .filter(|p| !p.kind.is_section())
        .find_map(|p| {
            let t = p.translations[lang].as_ref()?;
            Some((t.file.clone(), p.localized[lang].as_ref()?.url.clone()))
        })
        .expect("a page in the source language");
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or(url);
    (root.join(file), path, m.languages[lang].code.clone())
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not: run a tiny check then.
    let benching = std::env::args().any(|a| a == "--bench");
    let root = workload();
    let edits: usize = std::env::var("SERVE_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 40 } else { 2 });
    let runs: usize = std::env::var("SERVE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 3 } else { 1 });

    // First build: serve (memory) against build --no-minify (disk).
    let mut serve_first = Vec::new();
    let mut pages = 0;
    for _ in 0..runs {
        let mut session = Session::new(BuildOptions {
            root: root.clone(),
            base_url: Some("http://127.0.0.1:1111".into()),
            write: true,
            ..Default::default()
        });
        let started = Instant::now();
        match session.build() {
            Outcome::Built { pages: n, .. } => pages = n,
            other => panic!("serve's first build: {other:?}"),
        }
        serve_first.push(started.elapsed());
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-bench-out");
    let mut build_plain = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&out);
        let options = BuildOptions {
            root: root.clone(),
            output: Some(out.clone()),
            minify: Some(false),
            write: true,
            ..Default::default()
        };
        let started = Instant::now();
        pipeline::build(&options, &NoProgress).expect("builds");
        build_plain.push(started.elapsed());
    }

    // Save → served, through the watcher and HTTP.
    let (file, path, language) = a_page(&root);
    let original = std::fs::read_to_string(&file).expect("page file");
    let mut options = ServeOptions::new(BuildOptions {
        root: root.clone(),
        write: true,
        ..Default::default()
    });
    options.port = 0;
    let server = Server::start(options, Box::new(|_, _| {})).expect("serves");
    let address = server.address();
    // As a browser does: wait for the reload event, then ask for the page.
    let mut events = TcpStream::connect(address).expect("connects");
    write!(
        events,
        "GET /__wegweiser/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .expect("subscribes");
    let mut events = BufReader::new(events);
    let mut next_event = |name: &str| {
        let wanted = format!("event: {name}");
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                events.read_line(&mut line).expect("events") > 0,
                "stream closed"
            );
            if line.trim_end() == wanted {
                return;
            }
        }
    };
    // Served times, and the times until the `search` event says the bundles indexed
    // after the pages were served are in place.
    let mut measure = |edit: &dyn Fn(&str, usize) -> String,
                       marker: &dyn Fn(usize) -> String,
                       indexed_after: bool| {
        let mut times = Vec::new();
        let mut indexed = Vec::new();
        for i in 0..edits {
            let text = edit(&original, i);
            let wanted = marker(i);
            let started = Instant::now();
            std::fs::write(&file, text).expect("writes");
            // An editor's save can arrive as more than one rebuild: the last one counts.
            loop {
                next_event("reload");
                if get(address, &path).contains(&wanted) {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "the edit never arrived"
                );
            }
            times.push(started.elapsed());
            if indexed_after {
                next_event("search");
                indexed.push(started.elapsed());
            }
            // Let the watcher settle before the next save.
            std::thread::sleep(Duration::from_millis(30));
        }
        (times, indexed)
    };
    let (mut text_edits, mut text_indexed) = measure(
        &|original, i| format!("{original}\n\nBench edit {i}.\n"),
        &|i| format!("Bench edit {i}."),
        true,
    );
    // A title renders the whole municipality, whose bundles are indexed after its
    // pages are served too: waiting for them keeps one edit's indexing out of the next
    // edit's time.
    let (mut title_edits, mut title_indexed) = measure(
        &|original, i| original.replacen("title = \"", &format!("title = \"Bench {i} "), 1),
        &|i| format!("Bench {i} "),
        true,
    );
    // Who provides the page: another actor on every save (the page lists them, with a
    // link to their page).
    let without_actor: String = original
        .lines()
        .filter(|l| !l.starts_with("actor = ") && !l.starts_with("actors = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let plain = std::env::var_os("SERVE_BENCH_PLAIN").is_some_and(|v| v != "0");
    let mut measure = |edit: &dyn Fn(&str, usize) -> String, marker: &dyn Fn(usize) -> String| {
        // A portal without actors has none to change.
        if plain {
            (Vec::new(), Vec::new())
        } else {
            measure(edit, marker, false)
        }
    };
    let (mut actor_edits, _) = measure(
        &|_, i| {
            without_actor.replacen(
                "\ntitle = ",
                &format!("\nactor = \"actor-{:02}\"\ntitle = ", 1 + i % 2),
                1,
            )
        },
        &|i| format!("/actors/actor-{:02}/", 1 + i % 2),
    );
    // When the page was last checked: another day on every save.
    let without_reviewed: String = without_actor
        .lines()
        .filter(|l| !l.starts_with("reviewed = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let day = |i: usize| format!("2026-03-{:02}", 1 + i % 28);
    let (mut review_edits, _) = measure(
        &|_, i| {
            without_reviewed.replacen(
                "\ntitle = ",
                &format!("\nactor = \"actor-01\"\nreviewed = {}\ntitle = ", day(i)),
                1,
            )
        },
        &|i| wegweiser::output::remind::local_date(&language, &day(i)),
    );
    std::fs::write(&file, &original).expect("restores");
    server.stop();

    println!("serve benchmark: {pages} pages, {} edits each", edits);
    println!("| what | median | p90 |");
    println!("|---|---|---|");
    println!(
        "| first build, serve (memory) | {} | |",
        ms(median(&mut serve_first))
    );
    println!(
        "| first build, build --no-minify (disk) | {} | |",
        ms(median(&mut build_plain))
    );
    println!(
        "| save → served, text of a page | {} | {} |",
        ms(median(&mut text_edits)),
        ms(percentile(&mut text_edits, 90))
    );
    println!(
        "| save → search bundles in place, text of a page | {} | {} |",
        ms(median(&mut text_indexed)),
        ms(percentile(&mut text_indexed, 90))
    );
    println!(
        "| save → served, title of a page | {} | {} |",
        ms(median(&mut title_edits)),
        ms(percentile(&mut title_edits, 90))
    );
    println!(
        "| save → search bundles in place, title of a page | {} | {} |",
        ms(median(&mut title_indexed)),
        ms(percentile(&mut title_indexed, 90))
    );
    println!(
        "| save → served, actor of a page | {} | {} |",
        ms(median(&mut actor_edits)),
        ms(percentile(&mut actor_edits, 90))
    );
    println!(
        "| save → served, review date of a page | {} | {} |",
        ms(median(&mut review_edits)),
        ms(percentile(&mut review_edits, 90))
    );
}
