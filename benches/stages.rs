//! Criterion benchmarks of the build stages on a generated portal:
//! `cargo bench --bench stages`. See docs/performance.md.
//!
//! The workload comes from `examples/gen-portal.rs` (2 municipalities × 150 pages × 8
//! languages, about 2,600 HTML pages), generated once into Cargo's target temp folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use wegweiser::base::diagnostics::Diagnostics;
use wegweiser::load::{self, LoadOptions};
use wegweiser::render::{self, NoProgress, Renderer};
use wegweiser::resolve;
use wegweiser::theme::{self, Theme};
use wegweiser::write::{Discard, Staging};

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/gen-portal.rs"]
mod gen_portal;

fn workload() -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-portal");
    let args = [
        "--municipalities",
        "2",
        "--pages",
        "150",
        "--languages",
        "de,en,ar,uk,tr,fa,ru,fr",
        "--out",
    ]
    .iter()
    .map(ToString::to_string)
    .chain([out.display().to_string()]);
    match gen_portal::parse_args(args) {
        Ok(gen_portal::Command::Run(config)) => {
            gen_portal::generate(&config).expect("workload generated");
        }
        other => panic!("gen-portal arguments: {other:?}"),
    }
    out
}

fn load_options(minify: bool) -> LoadOptions {
    LoadOptions {
        minify: Some(minify),
        ..Default::default()
    }
}

fn stages(c: &mut Criterion) {
    let root = workload();
    let ui = theme::default_ui_strings();
    let load = |minify| {
        let mut d = Diagnostics::new();
        let portal = load::load(&root, &load_options(minify), &ui, &mut d).expect("loads");
        assert!(!d.has_errors(), "{:?}", d.into_sorted());
        portal
    };
    let loaded = load(true);
    let site = resolve::resolve(loaded.clone(), &mut Diagnostics::new());
    let pages: usize = site.municipalities.iter().map(|m| m.rendered_count()).sum();
    let files: usize = loaded
        .municipalities
        .iter()
        .map(|m| m.documents.len())
        .sum();
    let theme = Theme::load(&root, None, true, &mut Vec::new()).expect("theme");
    let renderer = Renderer::new(&site, &theme, true);

    let mut group = c.benchmark_group("stages");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));

    group.throughput(Throughput::Elements(files as u64));
    group.bench_function("load (parse, render Markdown, minify bodies)", |b| {
        b.iter(|| load(true))
    });
    group.bench_function("load without minify", |b| b.iter(|| load(false)));
    group.bench_function("resolve", |b| {
        b.iter_batched(
            || loaded.clone(),
            |l| resolve::resolve(l, &mut Diagnostics::new()),
            BatchSize::LargeInput,
        )
    });

    group.throughput(Throughput::Elements(pages as u64));
    group.bench_function("render (templates, links; no write)", |b| {
        b.iter(|| renderer.render_all(&Discard, &NoProgress).expect("renders"))
    });
    group.bench_function("render and write", |b| {
        let dir = tempfile::tempdir().expect("tempdir");
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let staging = Staging::begin(&dir.path().join(format!("out{i}"))).expect("staging");
                let start = Instant::now();
                renderer.render_all(&staging, &NoProgress).expect("renders");
                total += start.elapsed();
                staging.abort();
            }
            total
        })
    });
    group.finish();

    // What minifying every page would cost, against minifying templates once.
    let mut group = c.benchmark_group("minify");
    let page = std::fs::read(sample_page(&theme, &site)).expect("sample page");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("one rendered page with minify-html", |b| {
        b.iter(|| render::minify(&page))
    });
    group.finish();
}

/// Write one rendered page to disk and return its path.
fn sample_page(theme: &Theme, site: &wegweiser::model::Site) -> PathBuf {
    let renderer = Renderer::new(site, theme, false);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-sample");
    let _ = std::fs::remove_dir_all(&dir);
    let staging = Staging::begin(&dir).expect("staging");
    renderer.render_all(&staging, &NoProgress).expect("renders");
    let out = staging.commit().expect("commit");
    out.join("m01/de/index.html")
}

criterion_group!(benches, stages);
criterion_main!(benches);
