//! Deterministic workload generator for wegweiser benchmarks.
//!
//! Writes a synthetic multilingual integration portal that is valid under the portal
//! format contract (`docs/format.md`): `wegweiser.toml`, one folder per municipality
//! with `municipality.toml`, a start page, about eight top-level sections (some with
//! nested sections), pages and a few page bundles with an SVG asset. Pages are realistic
//! Markdown (headings with explicit ids, lists, tables, alerts, emphasis, relative and
//! external links) written in the right script for each language, and every link resolves.
//!
//! By default the portal is like a real one (issue 26): `actors.toml` with tens of
//! actors, every section and most pages naming their actor (some two), `reviewed` dates
//! on the source files (a quarter of them overdue, a tenth never reviewed), events with
//! recurrence, places with opening hours, news items, and translations stamped with
//! their source's digest, a few of them outdated or machine-made. `--plain` writes the
//! pages alone, as before (every translation then unstamped, so outdated).
//!
//! The same flags always give byte-identical output: all randomness comes from a small
//! splitmix64 generator seeded from `--seed`, and nothing depends on time or hash order.
//!
//! Usage:
//!
//! ```text
//! cargo run --release --example gen-portal -- --municipalities 5 --pages 250 \
//!     --languages de,en,ar,uk,tr,fa,ru,fr --out target/portal
//! ```
//!
//! Run `gen-portal --help` for all flags. Only the standard library is used, and
//! wegweiser's own digest of a source (`wegweiser::model::translation::digest`).

#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::env;
use std::fmt::{Display, Write as _};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

const USAGE: &str = "\
gen-portal: write a deterministic synthetic wegweiser portal for benchmarks

USAGE:
    gen-portal --out DIR [OPTIONS]

OPTIONS:
    --out DIR              output directory (required); must be empty, missing or a
                           previous gen-portal output (it is then replaced)
    --municipalities N     number of municipalities, 1-99 [default: 5]
    --pages N              source pages per municipality, 1-9999 [default: 250]
    --languages a,b,c      language codes; the first is the source language
                           [default: de,en,ar,uk,tr,fa,ru,fr]
    --translated PERCENT   share of (page, language) pairs with a translation
                           file, 0-100 [default: 80]
    --seed N               seed for the generator [default: 1]
    --actors N             integration actors per municipality, 1-999
                           [default: a sixth of --pages, at least 2, at most 60]
    --plain                pages only, as before the realistic default: no actors,
                           review dates, events, places, news or source digests
                           (every translation is then outdated)
    -h, --help             print this help

By default the portal is like a real one: actors.toml with tens of actors, every
section and page assigned to one or two of them, review dates on the source files (some
overdue, a few never reviewed), events with recurrence, places with opening hours, news
items, and translations stamped with their source's digest (a few of them outdated).

Languages without a built-in word list (anything but de, en, ar, uk, tr, fa, ru, fr and
their variants such as de-si) get English text; wegweiser must know their codes.
";

/// Name of the marker file that identifies a previous generator output.
const MARKER: &str = ".gen-portal";
const BASE_URL: &str = "https://bench.example.org";
const DEFAULT_LANGUAGES: &str = "de,en,ar,uk,tr,fa,ru,fr";
/// File name of the asset in every page bundle.
const ASSET: &str = "lageplan.svg";
/// Explicit heading ids present in every language version of every page.
const ANCHORS: [&str; 2] = ["ablauf", "kontakt"];
const ALERTS: [&str; 6] = ["NOTE", "TIP", "WARNING", "NOTE", "TIP", "IMPORTANT"];
const EXTERNAL_PATHS: [&str; 8] = [
    "integration",
    "sprachkurse",
    "anerkennung",
    "aufenthalt",
    "wohnen",
    "gesundheit",
    "arbeit",
    "familie",
];
const TOWNS: [&str; 20] = [
    "Lindenau",
    "Birkenfeld",
    "Talheim",
    "Rosenbach",
    "Eichwalde",
    "Bergheim an der Aue",
    "Mühlhausen",
    "Weißenfeld",
    "Großkirchen",
    "Fichtenberg",
    "Seeburg",
    "Steinach",
    "Ahrensfelde",
    "Buchholz",
    "Hohenwerda",
    "Kirchdorf",
    "Neuenstadt",
    "Sonnewalde",
    "Wiesental",
    "Zellerbach",
];

// Stream tags: every kind of decision draws from its own derived generator, so adding
// a language or a page does not reshuffle unrelated text.
const TAG_PLAN: u64 = 1;
const TAG_SKELETON: u64 = 2;
const TAG_PAGE_TEXT: u64 = 3;
const TAG_PAGE_TITLE: u64 = 4;
const TAG_SECTION_TEXT: u64 = 5;
const TAG_SECTION_TITLE: u64 = 6;
const TAG_START_TEXT: u64 = 7;
const TAG_TRANSLATE_PAGE: u64 = 8;
const TAG_TRANSLATE_SECTION: u64 = 9;
const TAG_TRANSLATE_START: u64 = 10;
const TAG_SLUG: u64 = 11;
const TAG_ASSET: u64 = 12;

/// Percentage of non-source translations that carry their own `slug`.
const SLUG_PERCENT: u32 = 30;
/// Smallest byte budget for a generated paragraph.
const MIN_PARAGRAPH: usize = 90;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let config = match parse_args(args) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(config)) => config,
        Err(message) => {
            eprintln!("gen-portal: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&config) {
        Ok(stats) => {
            print_summary(&config, &stats);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("gen-portal: {error}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct Config {
    municipalities: usize,
    pages: usize,
    languages: Vec<Language>,
    translated: u32,
    seed: u64,
    out: PathBuf,
    /// Pages only (`--plain`): the shape before actors, events, places and news.
    plain: bool,
    /// Actors per municipality (`--actors`).
    actors: usize,
}

#[derive(Debug)]
pub enum Command {
    Help,
    Run(Config),
}

/// A language of the portal: its code, the word list used for its text and a stable key
/// for deriving random streams.
#[derive(Debug)]
struct Language {
    code: String,
    lex: &'static Lexicon,
    words: Vec<&'static str>,
    /// Average size of a word with its space, in bytes.
    word_bytes: usize,
    key: u64,
}

impl Language {
    fn new(code: &str) -> Self {
        let primary = code.split('-').next().unwrap_or(code);
        let lex = LEXICONS
            .iter()
            .find(|lex| lex.code == primary)
            .unwrap_or(&LEXICONS[ENGLISH]);
        let words: Vec<&str> = lex.words.split_whitespace().collect();
        let bytes: usize = words.iter().map(|word| word.len() + 1).sum();
        Self {
            code: code.to_owned(),
            lex,
            word_bytes: bytes / words.len(),
            words,
            key: fnv1a(code.as_bytes()),
        }
    }
}

pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut municipalities: usize = 5;
    let mut pages: usize = 250;
    let mut languages = DEFAULT_LANGUAGES.to_owned();
    let mut translated: u32 = 80;
    let mut seed: u64 = 1;
    let mut out = None;
    let mut actors = None;
    let mut plain = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        if flag == "--help" || flag == "-h" {
            return Ok(Command::Help);
        }
        if flag == "--plain" && inline.is_none() {
            plain = true;
            continue;
        }
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .ok_or_else(|| format!("missing value for `{flag}`"))?,
        };
        match flag.as_str() {
            "--municipalities" => municipalities = parse_number(&flag, &value, 1, 99)?,
            "--pages" => pages = parse_number(&flag, &value, 1, 9999)?,
            "--languages" => languages = value,
            "--translated" => translated = parse_number(&flag, &value, 0, 100)?,
            "--seed" => seed = parse_number(&flag, &value, 0, u64::MAX)?,
            "--actors" => actors = Some(parse_number(&flag, &value, 1, 999)?),
            "--plain" => return Err("`--plain` takes no value".to_owned()),
            "--out" if value.is_empty() => return Err("`--out` must not be empty".to_owned()),
            "--out" => out = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    Ok(Command::Run(Config {
        municipalities,
        pages,
        languages: parse_languages(&languages)?,
        translated,
        seed,
        out: out.ok_or("`--out DIR` is required")?,
        plain,
        actors: actors.unwrap_or((pages / 6).clamp(2, 60)),
    }))
}

fn parse_number<T>(flag: &str, value: &str, min: T, max: T) -> Result<T, String>
where
    T: FromStr + PartialOrd + Display + Copy,
{
    match value.parse::<T>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(format!(
            "`{flag}` expects a whole number from {min} to {max}, got `{value}`"
        )),
    }
}

fn parse_languages(list: &str) -> Result<Vec<Language>, String> {
    let mut seen = BTreeSet::new();
    let mut languages = Vec::new();
    for code in list.split(',').map(str::trim) {
        if !is_language_code(code) {
            return Err(format!(
                "`--languages`: `{code}` is not a language code like `de` or `de-si`"
            ));
        }
        if !seen.insert(code) {
            return Err(format!("`--languages`: `{code}` is listed twice"));
        }
        languages.push(Language::new(code));
    }
    Ok(languages)
}

/// `xx` or `xxx`, optionally followed by `-subtag`s of lower-case letters and digits.
fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|part| {
            (1..=8).contains(&part.len())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

// ---------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// splitmix64: tiny, fast and good enough for synthetic text.
struct Rng(u64);

impl Rng {
    /// A generator whose stream depends on every part (seed, tag, item ids, ...).
    fn derive(parts: &[u64]) -> Self {
        let state = parts.iter().fold(0x243F_6A88_85A3_08D3, |state, &part| {
            mix64(state ^ part).wrapping_add(GOLDEN)
        });
        Self(state)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }

    /// A number in `0..n`; `n` must be positive.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

// ---------------------------------------------------------------------------------------
// Portal plan
// ---------------------------------------------------------------------------------------

struct Municipality {
    number: usize,
    folder: String,
    name: String,
    sections: Vec<Section>,
    pages: Vec<Page>,
}

struct Section {
    /// 1-based, unique within the municipality.
    number: usize,
    /// Folder relative to the municipality root, e.g. `sec03/sub01`.
    dir: String,
    /// Index into the lexicon topics for top-level sections.
    topic: Option<usize>,
    parent: Option<usize>,
    weight: usize,
}

struct Page {
    /// 1-based, unique within the municipality; `pages[i].number == i + 1`.
    number: usize,
    section: usize,
    bundle: bool,
    weight: usize,
}

impl Municipality {
    fn plan(config: &Config, number: usize) -> Self {
        let mut rng = Rng::derive(&[config.seed, TAG_PLAN, number as u64]);
        let sections = plan_sections(&mut rng);
        let pages = plan_pages(&mut rng, config.pages, sections.len());
        let town = TOWNS[(number - 1) % TOWNS.len()];
        let name = match (number - 1) / TOWNS.len() {
            0 => town.to_owned(),
            round => format!("{town} {}", round + 1),
        };
        Self {
            number,
            folder: format!("m{number:02}"),
            name,
            sections,
            pages,
        }
    }

    fn key(&self) -> u64 {
        self.number as u64
    }

    /// Path of a page without extension, relative to the municipality root.
    fn page_base(&self, page: &Page) -> String {
        format!(
            "{}/page-{:04}",
            self.sections[page.section].dir, page.number
        )
    }

    /// Folder that holds the page's Markdown files (relative links start here).
    fn page_dir(&self, page: &Page) -> String {
        if page.bundle {
            self.page_base(page)
        } else {
            self.sections[page.section].dir.clone()
        }
    }

    /// Language-neutral link target of a page, relative to the municipality root.
    fn page_link_path(&self, page: &Page) -> String {
        let base = self.page_base(page);
        if page.bundle {
            format!("{base}/index.md")
        } else {
            format!("{base}.md")
        }
    }

    fn page_file(&self, page: &Page, lang: &Language) -> String {
        let base = self.page_base(page);
        if page.bundle {
            format!("{base}/index.{}.md", lang.code)
        } else {
            format!("{base}.{}.md", lang.code)
        }
    }

    fn children(&self, section: &Section) -> impl Iterator<Item = &Section> {
        let index = section.number - 1;
        self.sections
            .iter()
            .filter(move |child| child.parent == Some(index))
    }

    fn email(&self) -> String {
        format!("integration@{}.bench.example.org", self.folder)
    }

    fn phone_uri(&self) -> String {
        format!("+4930555{:04}", self.number)
    }
}

/// About eight top-level sections in a random topic order, some with nested sections.
fn plan_sections(rng: &mut Rng) -> Vec<Section> {
    let mut topics: Vec<usize> = (0..TOPICS).collect();
    rng.shuffle(&mut topics);
    let top = rng.range(7, 9);
    let mut sections = Vec::new();
    let mut nested_any = false;
    for (i, &topic) in topics.iter().take(top).enumerate() {
        let parent = sections.len();
        sections.push(Section {
            number: parent + 1,
            dir: format!("sec{:02}", i + 1),
            topic: Some(topic),
            parent: None,
            weight: (i + 1) * 10,
        });
        let force = i + 1 == top && !nested_any;
        let nested = if rng.chance(35) || force {
            rng.range(1, 3)
        } else {
            0
        };
        for j in 0..nested {
            sections.push(Section {
                number: sections.len() + 1,
                dir: format!("sec{:02}/sub{:02}", i + 1, j + 1),
                topic: None,
                parent: Some(parent),
                weight: (j + 1) * 10,
            });
        }
        nested_any |= nested > 0;
    }
    sections
}

/// Spreads pages over the sections (every section gets one first) and marks a few
/// of them as page bundles.
fn plan_pages(rng: &mut Rng, count: usize, sections: usize) -> Vec<Page> {
    let mut per_section = vec![0; sections];
    (1..=count)
        .map(|number| {
            let section = if number <= sections {
                number - 1
            } else {
                rng.below(sections)
            };
            per_section[section] += 1;
            Page {
                number,
                section,
                bundle: number == 2 || rng.chance(4),
                weight: per_section[section] * 10,
            }
        })
        .collect()
}

/// Whether an item has a file in the language with the given index (0 = source).
fn is_translated(config: &Config, tag: u64, m: &Municipality, item: usize, index: usize) -> bool {
    let lang = &config.languages[index];
    index == 0
        || Rng::derive(&[config.seed, tag, m.key(), item as u64, lang.key])
            .chance(config.translated)
}

/// Some non-source translations get a slug in their own script.
fn translated_slug(
    config: &Config,
    m: &Municipality,
    item: u64,
    index: usize,
    title: &str,
    suffix: &str,
) -> Option<String> {
    let lang = &config.languages[index];
    let mut rng = Rng::derive(&[config.seed, TAG_SLUG, m.key(), item, lang.key]);
    (index > 0 && rng.chance(SLUG_PERCENT)).then(|| format!("{}-{suffix}", slugify(title)))
}

/// Lower-case, spaces to `-`, only letters, digits, `-` and `_` (like wegweiser).
fn slugify(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

#[derive(Default)]
pub struct Stats {
    municipalities: usize,
    sections: usize,
    source_pages: usize,
    bundles: usize,
    source_files: usize,
    translation_files: usize,
    assets: usize,
    files: usize,
    bytes: u64,
    html_pages: usize,
    actors: usize,
    places: usize,
    events: usize,
    news: usize,
}

#[derive(Clone, Copy)]
enum Kind {
    Config,
    Markdown { source: bool },
    Asset,
}

/// Writes files below the output root and counts them.
struct Writer {
    root: PathBuf,
    dirs: BTreeSet<PathBuf>,
    stats: Stats,
}

impl Writer {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            dirs: BTreeSet::new(),
            stats: Stats::default(),
        }
    }

    fn write(&mut self, relative: &str, contents: &[u8], kind: Kind) -> io::Result<()> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent().filter(|dir| !self.dirs.contains(*dir)) {
            fs::create_dir_all(parent).map_err(|e| with_path(e, parent))?;
            self.dirs.insert(parent.to_path_buf());
        }
        fs::write(&path, contents).map_err(|e| with_path(e, &path))?;
        self.stats.files += 1;
        self.stats.bytes += contents.len() as u64;
        match kind {
            Kind::Config => {}
            Kind::Markdown { source: true } => self.stats.source_files += 1,
            Kind::Markdown { source: false } => self.stats.translation_files += 1,
            Kind::Asset => self.stats.assets += 1,
        }
        Ok(())
    }
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Creates the output folder, or empties it if it holds a previous generator output.
fn prepare_out_dir(out: &Path) -> io::Result<()> {
    let entries = match fs::read_dir(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return fs::create_dir_all(out).map_err(|e| with_path(e, out));
        }
        result => result.map_err(|e| with_path(e, out))?,
    };
    let entries = entries.collect::<io::Result<Vec<_>>>()?;
    if entries.is_empty() {
        return Ok(());
    }
    if !out.join(MARKER).is_file() {
        return Err(io::Error::other(format!(
            "refusing to write into non-empty directory {} (it has no {MARKER} marker of a \
             previous gen-portal run)",
            out.display()
        )));
    }
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
        .map_err(|e| with_path(e, &path))?;
    }
    Ok(())
}

/// Writes the whole portal and returns what was written.
pub fn generate(config: &Config) -> io::Result<Stats> {
    prepare_out_dir(&config.out)?;
    // The marker comes first so that an interrupted run can be replaced. It is not
    // part of the portal and not counted.
    let marker_path = config.out.join(MARKER);
    fs::write(&marker_path, marker(config)).map_err(|e| with_path(e, &marker_path))?;
    let mut writer = Writer::new(&config.out);
    writer.write(
        "wegweiser.toml",
        portal_toml(config).as_bytes(),
        Kind::Config,
    )?;
    let languages = config.languages.len();
    for number in 1..=config.municipalities {
        let m = Municipality::plan(config, number);
        write_municipality(config, &m, &mut writer)?;
        let stats = &mut writer.stats;
        stats.municipalities += 1;
        stats.sections += m.sections.len();
        stats.source_pages += m.pages.len();
        stats.bundles += m.pages.iter().filter(|page| page.bundle).count();
        // Every page and section in every language (fallbacks included) plus start page.
        stats.html_pages += (m.pages.len() + m.sections.len() + 1) * languages;
    }
    // Portal index, one language chooser per municipality, 404 page.
    writer.stats.html_pages += 1 + config.municipalities + 1;
    Ok(writer.stats)
}

fn marker(config: &Config) -> String {
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    format!(
        "gen-portal output; this folder is replaced on the next run\n\
         municipalities={} pages={} languages={} translated={} seed={} actors={} plain={}\n",
        config.municipalities,
        config.pages,
        codes.join(","),
        config.translated,
        config.seed,
        config.actors,
        config.plain
    )
}

fn portal_toml(config: &Config) -> String {
    format!(
        "# Synthetic benchmark portal written by gen-portal (seed {}).\n\
         title = \"Wegweiser Benchmarkregion\"\n\
         base_url = \"{BASE_URL}\"\n",
        config.seed
    )
}

fn municipality_toml(config: &Config, m: &Municipality) -> String {
    let codes: Vec<String> = config
        .languages
        .iter()
        .map(|lang| toml_string(&lang.code))
        .collect();
    let mut toml = format!(
        "name = {}\nsource_language = {}\nlanguages = [{}]\n",
        toml_string(&m.name),
        codes[0],
        codes.join(", ")
    );
    if m.number % 2 == 1 {
        let aliases = [format!("{}-Nord", m.name), format!("{}-Süd", m.name)];
        let _ = writeln!(
            toml,
            "aliases = [{}, {}]",
            toml_string(&aliases[0]),
            toml_string(&aliases[1])
        );
    }
    let _ = write!(
        toml,
        "\n[contact]\nemail = {}\nphone = \"+49 30 555 {:04}\"\naddress = {}\n",
        toml_string(&m.email()),
        m.number,
        toml_string(&format!("Rathausplatz 1, 12{:03} {}", m.number, m.name))
    );
    toml
}

fn write_municipality(config: &Config, m: &Municipality, writer: &mut Writer) -> io::Result<()> {
    let root = format!("content/{}", m.folder);
    let toml = municipality_toml(config, m);
    writer.write(
        &format!("{root}/municipality.toml"),
        toml.as_bytes(),
        Kind::Config,
    )?;
    if !config.plain {
        write_extras(config, m, writer)?;
    }
    let source = &config.languages[0];
    let start = render_start(config, m, source, &start_meta(config));
    let start_title = start_title(m, source);
    for (index, lang) in config.languages.iter().enumerate() {
        if is_translated(config, TAG_TRANSLATE_START, m, 0, index) {
            let text = match index {
                0 => start.clone(),
                _ => {
                    let meta = translation_meta(config, m, 0, index, &start_title, &start);
                    render_start(config, m, lang, &meta)
                }
            };
            let path = format!("{root}/_index.{}.md", lang.code);
            writer.write(&path, text.as_bytes(), markdown(index))?;
        }
    }
    for section in &m.sections {
        let source_text = render_section(config, m, section, 0, &section_meta(config, m, section));
        let title = section_title(config, m, section, source);
        let item = 100_000 + section.number as u64;
        for (index, lang) in config.languages.iter().enumerate() {
            if is_translated(config, TAG_TRANSLATE_SECTION, m, section.number, index) {
                let text = match index {
                    0 => source_text.clone(),
                    _ => {
                        let meta = translation_meta(config, m, item, index, &title, &source_text);
                        render_section(config, m, section, index, &meta)
                    }
                };
                let path = format!("{root}/{}/_index.{}.md", section.dir, lang.code);
                writer.write(&path, text.as_bytes(), markdown(index))?;
            }
        }
    }
    for page in &m.pages {
        let skeleton = Skeleton::plan(config, m, page);
        let source_text = render_page(config, m, page, &skeleton, 0, &page_meta(config, m, page));
        let title = page_title(config, m, page, source);
        for (index, lang) in config.languages.iter().enumerate() {
            if is_translated(config, TAG_TRANSLATE_PAGE, m, page.number, index) {
                let text = match index {
                    0 => source_text.clone(),
                    _ => {
                        let item = page.number as u64;
                        let meta = translation_meta(config, m, item, index, &title, &source_text);
                        render_page(config, m, page, &skeleton, index, &meta)
                    }
                };
                let path = format!("{root}/{}", m.page_file(page, lang));
                writer.write(&path, text.as_bytes(), markdown(index))?;
            }
        }
        if page.bundle {
            let svg = site_plan_svg(config, m, page);
            let path = format!("{root}/{}/{ASSET}", m.page_base(page));
            writer.write(&path, svg.as_bytes(), Kind::Asset)?;
        }
    }
    Ok(())
}

fn markdown(index: usize) -> Kind {
    Kind::Markdown { source: index == 0 }
}

fn print_summary(config: &Config, stats: &Stats) {
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let languages = codes.len();
    println!("gen-portal: wrote {}", config.out.display());
    println!("  municipalities      {}", stats.municipalities);
    println!("  languages           {languages} ({})", codes.join(", "));
    println!("  sections            {}", stats.sections);
    println!(
        "  source pages        {} ({} page bundles)",
        stats.source_pages, stats.bundles
    );
    println!("  source files        {}", stats.source_files);
    println!("  translation files   {}", stats.translation_files);
    println!("  assets              {}", stats.assets);
    if !config.plain {
        println!(
            "  actors, places, events, news: {}, {}, {}, {} (each with a page in every \
             language, and their lists)",
            stats.actors, stats.places, stats.events, stats.news
        );
    }
    println!("  total files         {}", stats.files);
    println!("  total bytes         {}", stats.bytes);
    println!(
        "  html pages (build)  {} = {} pages × {languages} + {} sections and start pages × \
         {languages} + {} index, language choosers and 404",
        stats.html_pages,
        stats.source_pages,
        stats.sections + stats.municipalities,
        2 + stats.municipalities
    );
}

// ---------------------------------------------------------------------------------------
// A realistic portal: actors, review dates, events, places, news, source digests
// ---------------------------------------------------------------------------------------

const TAG_ACTOR: u64 = 20;
const TAG_REVIEW: u64 = 21;
const TAG_PLACE: u64 = 22;
const TAG_EVENT: u64 = 23;
const TAG_TRANSLATE_ITEM: u64 = 25;
const TAG_STAMP: u64 = 26;

/// Share (percent) of stamped translations made from an older version of their source.
const OUTDATED_PERCENT: u32 = 6;
/// Share (percent) of stamped translations marked as made by a machine.
const MACHINE_PERCENT: u32 = 3;
const ACTOR_KINDS: [&str; 5] = [
    "authority",
    "education",
    "volunteer",
    "counselling",
    "other",
];
const PLACE_CATEGORIES: [&str; 6] = [
    "authority",
    "counselling",
    "education",
    "health",
    "leisure",
    "other",
];

fn places_of(config: &Config) -> usize {
    if config.plain {
        0
    } else {
        (config.pages / 30).clamp(1, 12)
    }
}

fn events_of(config: &Config) -> usize {
    if config.plain {
        0
    } else {
        (config.pages / 25).clamp(1, 12)
    }
}

fn news_of(config: &Config) -> usize {
    if config.plain {
        0
    } else {
        (config.pages / 40).clamp(1, 8)
    }
}

fn actor_id(number: usize) -> String {
    format!("actor-{number:02}")
}

/// A random actor of the municipality (1-based).
fn pick_actor(config: &Config, rng: &mut Rng) -> usize {
    rng.range(1, config.actors)
}

/// A day as a TOML date: in 2025 for a quarter of them (overdue with the default
/// interval of 12 months), else in the first eleven months of 2026.
fn review_day(rng: &mut Rng) -> String {
    let (year, months) = if rng.chance(25) {
        (2025, 12)
    } else {
        (2026, 11)
    };
    format!("{year}-{:02}-{:02}", rng.range(1, months), rng.range(1, 28))
}

/// Front matter of a page's source-language file: its actor or actors, when it was
/// reviewed (nine in ten), sometimes its own interval.
fn page_meta(config: &Config, m: &Municipality, page: &Page) -> String {
    if config.plain {
        return String::new();
    }
    let mut rng = Rng::derive(&[config.seed, TAG_REVIEW, m.key(), page.number as u64]);
    let mut meta = String::new();
    match rng.below(100) {
        // The section's actor.
        0..15 => {}
        15..25 if config.actors > 1 => {
            let first = pick_actor(config, &mut rng);
            let second = first % config.actors + 1;
            let _ = writeln!(
                meta,
                "actors = [\"{}\", \"{}\"]",
                actor_id(first),
                actor_id(second)
            );
        }
        _ => {
            let _ = writeln!(
                meta,
                "actor = \"{}\"",
                actor_id(pick_actor(config, &mut rng))
            );
        }
    }
    if rng.chance(90) {
        let _ = writeln!(meta, "reviewed = {}", review_day(&mut rng));
    }
    if rng.chance(8) {
        meta.push_str("review_interval = \"6 months\"\n");
    }
    meta
}

/// Front matter of a section's source-language file: the actor of everything below it.
fn section_meta(config: &Config, m: &Municipality, section: &Section) -> String {
    if config.plain {
        return String::new();
    }
    let mut rng = Rng::derive(&[config.seed, TAG_ACTOR, m.key(), section.number as u64]);
    let mut meta = format!("actor = \"{}\"\n", actor_id(pick_actor(config, &mut rng)));
    if rng.chance(80) {
        let _ = writeln!(meta, "reviewed = {}", review_day(&mut rng));
    }
    if section.parent.is_none() && rng.chance(20) {
        meta.push_str("review_interval = \"6 months\"\n");
    }
    meta
}

fn start_meta(config: &Config) -> String {
    if config.plain {
        return String::new();
    }
    "actor = \"actor-01\"\nreviewed = 2026-10-01\n".to_owned()
}

fn start_title(m: &Municipality, lang: &Language) -> String {
    let (before, after) = lang.lex.welcome;
    format!("{before}{}{after}", m.name)
}

/// The body of a generated file: what follows its front matter.
fn body_of(text: &str) -> &str {
    text.strip_prefix("+++\n")
        .and_then(|rest| rest.split_once("\n+++\n"))
        .map_or(text, |(_, body)| body)
}

/// Front matter of a translation: the digest of its source (`source` the source file's
/// text), as `wegweiser translations stamp` writes it; for a few translations the digest
/// of an older source (they are outdated), for a few `machine_translated`.
fn translation_meta(
    config: &Config,
    m: &Municipality,
    item: u64,
    index: usize,
    title: &str,
    source: &str,
) -> String {
    if config.plain {
        return String::new();
    }
    let lang = &config.languages[index];
    let mut rng = Rng::derive(&[config.seed, TAG_STAMP, m.key(), item, lang.key]);
    let digest = if rng.chance(OUTDATED_PERCENT) {
        wegweiser::model::translation::digest(title, "An older version of the text.")
    } else {
        wegweiser::model::translation::digest(title, body_of(source))
    };
    let mut meta = format!("source_digest = \"{digest}\"\n");
    if rng.chance(MACHINE_PERCENT) {
        meta.push_str("machine_translated = true\n");
    }
    meta
}

/// A few sentences of text in `lang`.
fn text_block(rng: &mut Rng, lang: &Language, sentences: usize) -> String {
    let mut text = String::new();
    for i in 0..sentences {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&sentence(rng, lang, 8, 16));
    }
    text.push('\n');
    text
}

/// A file with front matter `front` (lines, without the `+++`) and `body`.
fn item_file(title: &str, description: &str, front: &str, body: &str) -> String {
    format!(
        "+++\ntitle = {}\ndescription = {}\n{front}+++\n{body}",
        toml_string(title),
        toml_string(description)
    )
}

/// An event, place or news item: the source file from its data (`front`), and each
/// translation that exists, stamped with the source's digest.
fn write_item(
    config: &Config,
    m: &Municipality,
    writer: &mut Writer,
    folder: &str,
    name: &str,
    item: u64,
    front: &str,
) -> io::Result<()> {
    let root = format!("content/{}/{folder}", m.folder);
    let mut source = None;
    for (index, lang) in config.languages.iter().enumerate() {
        let key = 1_000_000 * (item / 1_000_000 + 1) + item;
        if !is_translated(config, TAG_TRANSLATE_ITEM, m, key as usize, index) {
            continue;
        }
        let mut rng = Rng::derive(&[config.seed, TAG_TRANSLATE_ITEM, m.key(), item, lang.key]);
        let title = phrase(&mut rng, lang, 2, 4);
        let description = plain_sentence(&mut rng, lang, 6, 12);
        let sentences = rng.range(2, 5);
        let body = text_block(&mut rng, lang, sentences);
        let text = match &source {
            None => {
                let text = item_file(&title, &description, front, &body);
                source = Some((title, text.clone()));
                text
            }
            Some((source_title, source_text)) => {
                let meta = translation_meta(config, m, item, index, source_title, source_text);
                item_file(&title, &description, &meta, &body)
            }
        };
        let path = format!("{root}/{name}.{}.md", lang.code);
        writer.write(&path, text.as_bytes(), markdown(index))?;
    }
    Ok(())
}

/// actors.toml, places, events and news of a municipality.
fn write_extras(config: &Config, m: &Municipality, writer: &mut Writer) -> io::Result<()> {
    let root = format!("content/{}", m.folder);
    let source = &config.languages[0];
    let mut toml = String::from("# Integration actors written by gen-portal.\n");
    for number in 1..=config.actors {
        let mut rng = Rng::derive(&[config.seed, TAG_ACTOR, m.key(), 1_000 + number as u64]);
        let id = actor_id(number);
        let name = format!("{} {}", phrase(&mut rng, source, 1, 3), m.name);
        let _ = write!(
            toml,
            "\n[[actor]]\nid = \"{id}\"\nname = {}\nkind = \"{}\"\n\
             email = \"{id}@{}.bench.example.org\"\nphone = \"+49 30 555 {:04}\"\n",
            toml_string(&name),
            ACTOR_KINDS[(number - 1) % ACTOR_KINDS.len()],
            m.folder,
            number
        );
        if rng.chance(60) {
            let _ = writeln!(
                toml,
                "url = \"https://{id}.{}.bench.example.org\"",
                m.folder
            );
        }
        if rng.chance(50) {
            let _ = writeln!(
                toml,
                "address = {}",
                toml_string(&format!(
                    "Hauptstraße {number}, 12{:03} {}",
                    m.number, m.name
                ))
            );
        }
        if rng.chance(70) {
            let _ = writeln!(
                toml,
                "description = {}",
                toml_string(&plain_sentence(&mut rng, source, 8, 14))
            );
        }
    }
    writer.write(
        &format!("{root}/actors.toml"),
        toml.as_bytes(),
        Kind::Config,
    )?;
    writer.stats.actors += config.actors;

    for number in 1..=places_of(config) {
        let front = place_front(config, m, number);
        let item = 2_000_000 + number as u64;
        write_item(
            config,
            m,
            writer,
            "places",
            &format!("place-{number:02}"),
            item,
            &front,
        )?;
        writer.stats.places += 1;
    }
    for number in 1..=events_of(config) {
        let front = event_front(config, m, number);
        let item = 3_000_000 + number as u64;
        write_item(
            config,
            m,
            writer,
            "events",
            &format!("event-{number:02}"),
            item,
            &front,
        )?;
        writer.stats.events += 1;
    }
    for number in 1..=news_of(config) {
        let front = news_front(number);
        let item = 4_000_000 + number as u64;
        write_item(
            config,
            m,
            writer,
            "news",
            &format!("news-{number:02}"),
            item,
            &front,
        )?;
        writer.stats.news += 1;
    }
    Ok(())
}

/// The data of a place: address, coordinates, contact, access, opening hours and an
/// exception.
fn place_front(config: &Config, m: &Municipality, number: usize) -> String {
    let mut rng = Rng::derive(&[config.seed, TAG_PLACE, m.key(), number as u64]);
    let id = format!("place-{number:02}");
    let lat = 52_000 + m.number * 97 + rng.below(400);
    let lon = 9_000 + m.number * 131 + rng.below(400);
    let mut front = format!(
        "id = \"{id}\"\ncategory = \"{}\"\n\
         address = {{ street = \"Hauptstraße {number}\", postcode = \"12{:03}\", town = {} }}\n\
         coordinates = {{ lat = {}.{:03}, lon = {}.{:03} }}\n\
         phone = \"+49 30 555 {:02}{:02}\"\nemail = \"{id}@{}.bench.example.org\"\n\
         website = \"https://{}.bench.example.org/{id}\"\n",
        PLACE_CATEGORIES[(number - 1) % PLACE_CATEGORIES.len()],
        m.number,
        toml_string(&m.name),
        lat / 1000,
        lat % 1000,
        lon / 1000,
        lon % 1000,
        m.number,
        number,
        m.folder,
        m.folder
    );
    front.push_str(match rng.below(3) {
        0 => "barrier_free = true\n",
        1 => "barrier_free = \"Rampe am Seiteneingang, Aufzug im Haus\"\n",
        _ => "barrier_free = false\n",
    });
    let (morning, afternoon) = match rng.below(3) {
        0 => ("\"08:00-12:00\"", "\"13:00-16:00\""),
        1 => ("\"09:00-12:30\"", "\"14:00-18:00\""),
        _ => ("\"07:30-11:30\"", "\"12:30-15:30\""),
    };
    let _ = write!(
        front,
        "\n[opening_hours]\nmonday = [{morning}, {afternoon}]\ntuesday = [{morning}]\n\
         wednesday = \"appointment_only\"\nthursday = [{morning}, {afternoon}]\n\
         friday = [{morning}]\nsaturday = \"closed\"\n\n\
         [[exceptions]]\ndate = 2026-12-24\nclosed = true\nnote = \"Heiligabend\"\n\n\
         [[exceptions]]\ndate = 2026-12-31\nhours = [{morning}]\n"
    );
    front
}

/// The data of an event: five kinds in turn (weekly with exceptions, monthly, every
/// other week, five days in a row, once), at a place or elsewhere, with an actor.
fn event_front(config: &Config, m: &Municipality, number: usize) -> String {
    let mut rng = Rng::derive(&[config.seed, TAG_EVENT, m.key(), number as u64]);
    let hour = rng.range(9, 17);
    let mut front = match (number - 1) % 5 {
        // 2026-09-01 is a Tuesday, 09-03 a Thursday, 09-04 a Friday.
        0 => format!(
            "start = 2026-09-01T{hour:02}:00\nend = 2026-09-01T{:02}:00\n\
             recurrence = \"FREQ=WEEKLY;BYDAY=TU\"\nexceptions = [2026-12-22, 2026-12-29]\n",
            hour + 2
        ),
        1 => format!(
            "start = 2026-09-03T{hour:02}:00\nend = 2026-09-03T{:02}:30\n\
             recurrence = \"FREQ=MONTHLY;BYDAY=1TH\"\n",
            hour + 1
        ),
        2 => format!(
            "start = 2026-09-04T{hour:02}:00\nend = 2026-09-04T{:02}:00\n\
             recurrence = \"FREQ=WEEKLY;INTERVAL=2;BYDAY=FR\"\n",
            hour + 2
        ),
        3 => format!(
            "start = 2027-03-08T09:00\nend = 2027-03-08T12:00\n\
             recurrence = \"FREQ=DAILY;COUNT=5\"\nregistration = \"https://{}.bench.example.org/anmeldung\"\n",
            m.folder
        ),
        _ => format!(
            "start = 2027-{:02}-{:02}T{hour:02}:00\nend = 2027-{:02}-{:02}T{:02}:00\n",
            number % 12 + 1,
            rng.range(1, 28),
            number % 12 + 1,
            28,
            hour + 3
        ),
    };
    let places = places_of(config);
    if places > 0 && rng.chance(60) {
        let _ = writeln!(front, "place = \"place-{:02}\"", rng.range(1, places));
    } else {
        let _ = writeln!(
            front,
            "location = {}",
            toml_string(&format!("Bürgerhaus, Marktstraße {number}, {}", m.name))
        );
    }
    if rng.chance(20) {
        let _ = writeln!(
            front,
            "online_url = \"https://meet.bench.example.org/{}-{number}\"",
            m.folder
        );
    }
    front.push_str(if rng.chance(70) {
        "cost = \"free\"\n"
    } else {
        "cost = 5\n"
    });
    let _ = writeln!(
        front,
        "actor = \"{}\"",
        actor_id(pick_actor(config, &mut rng))
    );
    front
}

/// The dates of a news item: most current, some without end, one expired.
fn news_front(number: usize) -> String {
    let month = (number - 1) % 11 + 1;
    match number % 4 {
        0 => format!("date = 2026-{month:02}-10\nexpires = 2026-{month:02}-20\n"),
        1 => format!("date = 2026-{month:02}-15\n"),
        _ => format!("date = 2026-{month:02}-05\nexpires = 2030-12-31\n"),
    }
}

// ---------------------------------------------------------------------------------------
// Page structure
// ---------------------------------------------------------------------------------------

/// The language-independent structure of a page: every translation has the same
/// blocks, links and explicit heading ids, filled with text in its own language.
struct Skeleton {
    /// Approximate size of each translation in bytes.
    target: usize,
    blocks: Vec<Block>,
}

enum Block {
    Heading(u8, Heading),
    Paragraph { weight: usize, link: Option<Link> },
    Bullets(usize),
    Numbered(usize),
    Table(usize),
    Alert(&'static str),
    Image,
    Links(Vec<Link>),
}

#[derive(Clone, Copy)]
enum Heading {
    Random,
    Steps,
    More,
    Contact,
}

#[derive(Clone, Copy)]
enum Link {
    /// Another page (index into `pages`), maybe with a fragment, maybe `@/`-rooted.
    Page {
        target: usize,
        anchor: Option<&'static str>,
        rooted: bool,
    },
    /// A section (index into `sections`), by folder or by its `_index.md`.
    Section {
        target: usize,
        index_file: bool,
    },
    /// A heading of the same page.
    Anchor(&'static str),
    External(usize),
    Mail,
    Phone,
}

impl Skeleton {
    fn plan(config: &Config, m: &Municipality, page: &Page) -> Self {
        let mut rng = Rng::derive(&[config.seed, TAG_SKELETON, m.key(), page.number as u64]);
        let target = rng.range(2300, 5200);
        let h2 = rng.range(2, 4);
        let table_at = rng.chance(33).then_some(rng.below(h2));
        let alert_at = rng.chance(25).then_some(rng.below(h2));
        let internal: Vec<Link> = (0..rng.range(2, 4))
            .map(|_| internal_link(&mut rng, m, page))
            .collect();
        let mut contact: Vec<Link> = (0..rng.range(1, 2))
            .map(|_| Link::External(rng.below(1000)))
            .collect();
        if rng.chance(50) {
            contact.insert(0, Link::Mail);
        }
        if rng.chance(35) {
            contact.insert(0, Link::Phone);
        }
        let self_anchor = (internal.len() + contact.len() < 8 && rng.chance(30))
            .then(|| Link::Anchor(rng.pick(&ANCHORS)));

        let mut blocks = vec![Block::Paragraph {
            weight: 3,
            link: self_anchor,
        }];
        if page.bundle {
            blocks.push(Block::Image);
        }
        let mut internal = internal.into_iter();
        for h in 0..h2 {
            blocks.push(Block::Heading(2, Heading::Random));
            let link = if rng.chance(50) {
                internal.next()
            } else {
                None
            };
            blocks.push(Block::Paragraph { weight: 2, link });
            if table_at == Some(h) {
                blocks.push(Block::Table(rng.range(3, 5)));
            }
            if rng.chance(35) {
                blocks.push(Block::Bullets(rng.range(3, 6)));
            }
            if alert_at == Some(h) {
                blocks.push(Block::Alert(rng.pick(&ALERTS)));
            }
            if rng.chance(30) {
                for _ in 0..rng.range(1, 2) {
                    blocks.push(Block::Heading(3, Heading::Random));
                    blocks.push(Block::Paragraph {
                        weight: 1,
                        link: None,
                    });
                }
            }
        }
        blocks.push(Block::Heading(2, Heading::Steps));
        blocks.push(Block::Paragraph {
            weight: 1,
            link: None,
        });
        blocks.push(Block::Numbered(rng.range(3, 6)));
        let rest: Vec<Link> = internal.collect();
        if !rest.is_empty() {
            blocks.push(Block::Heading(2, Heading::More));
            blocks.push(Block::Links(rest));
        }
        blocks.push(Block::Heading(2, Heading::Contact));
        blocks.push(Block::Paragraph {
            weight: 1,
            link: None,
        });
        blocks.push(Block::Links(contact));
        Self { target, blocks }
    }
}

/// A link to another page of the municipality (sometimes to a section or a heading).
fn internal_link(rng: &mut Rng, m: &Municipality, page: &Page) -> Link {
    if m.pages.len() < 2 || rng.chance(10) {
        return Link::Section {
            target: rng.below(m.sections.len()),
            index_file: rng.chance(30),
        };
    }
    let mut target = rng.below(m.pages.len() - 1);
    if target + 1 >= page.number {
        target += 1;
    }
    let anchor = rng.chance(20).then(|| rng.pick(&ANCHORS));
    Link::Page {
        target,
        anchor,
        rooted: rng.chance(30),
    }
}

/// Path from a folder to a file (or, with a trailing `/`, a folder), both relative to
/// the municipality root.
fn relative(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let (to_dir, file) = to.rsplit_once('/').unwrap_or(("", to));
    let to_parts: Vec<&str> = to_dir.split('/').filter(|s| !s.is_empty()).collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut path = "../".repeat(from.len() - common);
    for part in &to_parts[common..] {
        path.push_str(part);
        path.push('/');
    }
    path.push_str(file);
    if path.is_empty() {
        path.push_str("./");
    }
    path
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

/// Everything rendering needs to know about one file.
struct Doc<'a> {
    config: &'a Config,
    m: &'a Municipality,
    lang: &'a Language,
    lex: &'static Lexicon,
    /// Folder of the file, relative to the municipality root.
    dir: String,
    rng: Rng,
    headings: Vec<String>,
}

impl Doc<'_> {
    fn heading(&mut self, level: u8, heading: Heading) -> String {
        let hashes = "#".repeat(usize::from(level));
        match heading {
            Heading::Random => {
                let text = self.unique_heading();
                format!("{hashes} {text}")
            }
            Heading::Steps => format!("{hashes} {} {{#{}}}", self.lex.steps, ANCHORS[0]),
            Heading::Contact => format!("{hashes} {} {{#{}}}", self.lex.contact, ANCHORS[1]),
            Heading::More => format!("{hashes} {}", self.lex.more),
        }
    }

    /// A heading text not used before in this file (fixed headings count as used).
    fn unique_heading(&mut self) -> String {
        for attempt in 0.. {
            let mut text = phrase(&mut self.rng, self.lang, 2, 4);
            if attempt >= 8 {
                let _ = write!(text, " {attempt}");
            }
            let key = text.to_lowercase();
            if !self.headings.contains(&key) {
                self.headings.push(key);
                return text;
            }
        }
        unreachable!("the attempt counter makes headings unique")
    }

    fn link(&mut self, link: Link) -> String {
        let (text, href) = match link {
            Link::Page {
                target,
                anchor,
                rooted,
            } => {
                let page = &self.m.pages[target];
                let path = self.m.page_link_path(page);
                let mut href = if rooted {
                    format!("@/{path}")
                } else {
                    relative(&self.dir, &path)
                };
                if let Some(anchor) = anchor {
                    href.push('#');
                    href.push_str(anchor);
                }
                (page_title(self.config, self.m, page, self.lang), href)
            }
            Link::Section { target, index_file } => {
                let section = &self.m.sections[target];
                let path = if index_file || section.dir == self.dir {
                    format!("{}/_index.md", section.dir)
                } else {
                    format!("{}/", section.dir)
                };
                let title = section_title(self.config, self.m, section, self.lang);
                (title, relative(&self.dir, &path))
            }
            Link::Anchor(anchor) => {
                let text = if anchor == ANCHORS[0] {
                    self.lex.steps
                } else {
                    self.lex.contact
                };
                (text.to_owned(), format!("#{anchor}"))
            }
            Link::External(n) => (
                phrase(&mut self.rng, self.lang, 2, 4),
                format!(
                    "https://www.example.org/{}/{n}",
                    EXTERNAL_PATHS[n % EXTERNAL_PATHS.len()]
                ),
            ),
            Link::Mail => (
                self.lex.mail.to_owned(),
                format!("mailto:{}", self.m.email()),
            ),
            Link::Phone => (
                self.lex.phone.to_owned(),
                format!("tel:{}", self.m.phone_uri()),
            ),
        };
        format!("[{text}]({href})")
    }

    /// Sentences up to about `budget` bytes (at least one), maybe with a link sentence.
    fn paragraph(&mut self, budget: usize, link: Option<&str>) -> String {
        let mut sentences: Vec<String> = Vec::new();
        // The words around the link take about as much room as a short sentence.
        let mut len = link.map_or(0, |link| link.len() + 60);
        loop {
            let room = budget.saturating_sub(len) / self.lang.word_bytes;
            let text = sentence(&mut self.rng, self.lang, 6, room.clamp(6, 16));
            if !sentences.is_empty() && len + text.len() / 2 > budget {
                break;
            }
            len += text.len() + 1;
            sentences.push(text);
        }
        if let Some(link) = link {
            let at = self.rng.below(sentences.len() + 1);
            let before = phrase(&mut self.rng, self.lang, 2, 5);
            let after = words(&mut self.rng, self.lang, 2, 5, false);
            sentences.insert(at, format!("{before} {link} {after}."));
        }
        sentences.join(" ")
    }

    fn bullets(&mut self, items: usize) -> String {
        let lines: Vec<String> = (0..items)
            .map(|_| format!("- {}", phrase(&mut self.rng, self.lang, 3, 9)))
            .collect();
        lines.join("\n")
    }

    fn numbered(&mut self, items: usize) -> String {
        let lines: Vec<String> = (1..=items)
            .map(|i| format!("{i}. {}", sentence(&mut self.rng, self.lang, 6, 14)))
            .collect();
        lines.join("\n")
    }

    fn table(&mut self, rows: usize) -> String {
        let [a, b, c] = self.lex.table;
        let mut table = format!("| {a} | {b} | {c} |\n|---|---|---|");
        for _ in 0..rows {
            let offer = phrase(&mut self.rng, self.lang, 1, 3);
            let place = phrase(&mut self.rng, self.lang, 1, 2);
            let from = self.rng.range(7, 12);
            let to = from + self.rng.range(2, 6);
            let _ = write!(table, "\n| {offer} | {place} | {from:02}:00–{to:02}:00 |");
        }
        table
    }

    fn alert(&mut self, kind: &str, extra: Option<&str>) -> String {
        let mut text = sentence(&mut self.rng, self.lang, 8, 16);
        if self.rng.chance(50) {
            text.push(' ');
            text.push_str(&sentence(&mut self.rng, self.lang, 6, 12));
        }
        if let Some(extra) = extra {
            text.push(' ');
            text.push_str(extra);
        }
        format!("> [!{kind}]\n> {text}")
    }

    fn link_list(&mut self, links: &[Link]) -> String {
        let lines: Vec<String> = links
            .iter()
            .map(|&link| format!("- {}", self.link(link)))
            .collect();
        lines.join("\n")
    }
}

/// A block of a file before paragraphs are filled to the size budget.
enum Part {
    Done(String),
    Paragraph { weight: usize, link: Option<String> },
}

fn render_page(
    config: &Config,
    m: &Municipality,
    page: &Page,
    skeleton: &Skeleton,
    index: usize,
    extra: &str,
) -> String {
    let lang = &config.languages[index];
    let lex = lang.lex;
    let seed = [
        config.seed,
        TAG_PAGE_TEXT,
        m.key(),
        page.number as u64,
        lang.key,
    ];
    let mut doc = Doc {
        config,
        m,
        lang,
        lex,
        dir: m.page_dir(page),
        rng: Rng::derive(&seed),
        headings: [lex.steps, lex.contact, lex.more]
            .iter()
            .map(|h| h.to_lowercase())
            .collect(),
    };
    let title = page_title(config, m, page, lang);
    let description = plain_sentence(&mut doc.rng, lang, 6, 12);
    let suffix = format!("{:04}", page.number);
    let slug = translated_slug(config, m, page.number as u64, index, &title, &suffix);
    let front = front_matter(
        &title,
        &description,
        Some(page.weight),
        slug.as_deref(),
        extra,
    );

    let parts: Vec<Part> = skeleton
        .blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph { weight, link } => Part::Paragraph {
                weight: *weight,
                link: link.map(|link| doc.link(link)),
            },
            Block::Heading(level, heading) => Part::Done(doc.heading(*level, *heading)),
            Block::Bullets(items) => Part::Done(doc.bullets(*items)),
            Block::Numbered(items) => Part::Done(doc.numbered(*items)),
            Block::Table(rows) => Part::Done(doc.table(*rows)),
            Block::Alert(kind) => Part::Done(doc.alert(kind, None)),
            Block::Image => Part::Done(format!("![{}]({ASSET})", lex.image_alt)),
            Block::Links(links) => Part::Done(doc.link_list(links)),
        })
        .collect();
    fill(&mut doc, front, parts, skeleton.target)
}

/// Joins the parts, filling paragraphs so that the file is about `target` bytes.
fn fill(doc: &mut Doc<'_>, front: String, parts: Vec<Part>, target: usize) -> String {
    let fixed: usize = parts
        .iter()
        .map(|part| match part {
            Part::Done(text) => text.len() + 2,
            Part::Paragraph { link, .. } => link.as_ref().map_or(0, String::len) + 2,
        })
        .sum();
    let weights: usize = parts
        .iter()
        .map(|part| match part {
            Part::Done(_) => 0,
            Part::Paragraph { weight, .. } => *weight,
        })
        .sum();
    let budget = target.saturating_sub(front.len() + fixed);
    let mut text = front;
    for part in parts {
        match part {
            Part::Done(block) => text.push_str(&block),
            Part::Paragraph { weight, link } => {
                let share = (budget * weight / weights.max(1)).max(MIN_PARAGRAPH);
                text.push_str(&doc.paragraph(share, link.as_deref()));
            }
        }
        text.push_str("\n\n");
    }
    text.pop();
    text
}

fn render_section(
    config: &Config,
    m: &Municipality,
    section: &Section,
    index: usize,
    extra: &str,
) -> String {
    let lang = &config.languages[index];
    let lex = lang.lex;
    let seed = [
        config.seed,
        TAG_SECTION_TEXT,
        m.key(),
        section.number as u64,
        lang.key,
    ];
    let mut doc = Doc {
        config,
        m,
        lang,
        lex,
        dir: section.dir.clone(),
        rng: Rng::derive(&seed),
        headings: Vec::new(),
    };
    let title = section_title(config, m, section, lang);
    let description = plain_sentence(&mut doc.rng, lang, 6, 12);
    let suffix = format!("{:02}", section.number);
    let item = 100_000 + section.number as u64;
    let slug = translated_slug(config, m, item, index, &title, &suffix);
    let front = front_matter(
        &title,
        &description,
        Some(section.weight),
        slug.as_deref(),
        extra,
    );

    let mut parts = vec![Part::Paragraph {
        weight: 2,
        link: None,
    }];
    let children: Vec<Link> = m
        .children(section)
        .map(|child| Link::Section {
            target: child.number - 1,
            index_file: false,
        })
        .collect();
    if !children.is_empty() {
        parts.push(Part::Done(doc.link_list(&children)));
    }
    if let Some(parent) = section.parent {
        let link = doc.link(Link::Section {
            target: parent,
            index_file: false,
        });
        parts.push(Part::Paragraph {
            weight: 1,
            link: Some(link),
        });
    }
    if doc.rng.chance(25) {
        let kind = doc.rng.pick(&ALERTS);
        parts.push(Part::Done(doc.alert(kind, None)));
    }
    let target = doc.rng.range(700, 1500);
    fill(&mut doc, front, parts, target)
}

fn render_start(config: &Config, m: &Municipality, lang: &Language, extra: &str) -> String {
    let lex = lang.lex;
    let seed = [config.seed, TAG_START_TEXT, m.key(), lang.key];
    let mut doc = Doc {
        config,
        m,
        lang,
        lex,
        dir: String::new(),
        rng: Rng::derive(&seed),
        headings: Vec::new(),
    };
    let title = start_title(m, lang);
    let description = plain_sentence(&mut doc.rng, lang, 6, 12);
    let front = front_matter(&title, &description, None, None, extra);
    let sections: Vec<Link> = m
        .sections
        .iter()
        .filter(|section| section.parent.is_none())
        .map(|section| Link::Section {
            target: section.number - 1,
            index_file: false,
        })
        .collect();
    let mail = doc.link(Link::Mail);
    let phone = doc.link(Link::Phone);
    let parts = vec![
        Part::Paragraph {
            weight: 3,
            link: None,
        },
        Part::Done(doc.link_list(&sections)),
        Part::Paragraph {
            weight: 2,
            link: None,
        },
        Part::Done(doc.alert("NOTE", Some(&format!("{mail} · {phone}")))),
    ];
    let target = doc.rng.range(1500, 2500);
    fill(&mut doc, front, parts, target)
}

fn page_title(config: &Config, m: &Municipality, page: &Page, lang: &Language) -> String {
    let seed = [
        config.seed,
        TAG_PAGE_TITLE,
        m.key(),
        page.number as u64,
        lang.key,
    ];
    phrase(&mut Rng::derive(&seed), lang, 2, 5)
}

fn section_title(config: &Config, m: &Municipality, section: &Section, lang: &Language) -> String {
    match section.topic {
        Some(topic) => lang.lex.topics[topic].to_owned(),
        None => {
            let seed = [
                config.seed,
                TAG_SECTION_TITLE,
                m.key(),
                section.number as u64,
                lang.key,
            ];
            phrase(&mut Rng::derive(&seed), lang, 2, 3)
        }
    }
}

fn site_plan_svg(config: &Config, m: &Municipality, page: &Page) -> String {
    let mut rng = Rng::derive(&[config.seed, TAG_ASSET, m.key(), page.number as u64]);
    let mut svg = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"320\" height=\"200\" \
         viewBox=\"0 0 320 200\">\n<rect width=\"320\" height=\"200\" fill=\"#f4f1ea\"/>\n",
    );
    for _ in 0..rng.range(3, 6) {
        let (x, y) = (rng.range(10, 220), rng.range(10, 130));
        let (w, h) = (rng.range(30, 90), rng.range(20, 60));
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#c9d6df\" \
             stroke=\"#52616b\"/>"
        );
    }
    let (cx, cy) = (rng.range(20, 300), rng.range(20, 180));
    let _ = writeln!(
        svg,
        "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"8\" fill=\"#d9534f\"/>"
    );
    svg.push_str("</svg>\n");
    svg
}

fn front_matter(
    title: &str,
    description: &str,
    weight: Option<usize>,
    slug: Option<&str>,
    extra: &str,
) -> String {
    let mut front = format!(
        "+++\ntitle = {}\ndescription = {}\n",
        toml_string(title),
        toml_string(description)
    );
    if let Some(weight) = weight {
        let _ = writeln!(front, "weight = {weight}");
    }
    if let Some(slug) = slug {
        let _ = writeln!(front, "slug = {}", toml_string(slug));
    }
    front.push_str(extra);
    front.push_str("+++\n\n");
    front
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(quoted, "\\u{:04X}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

/// `min..=max` words, the first capitalised, no final punctuation, no emphasis.
fn phrase(rng: &mut Rng, lang: &Language, min: usize, max: usize) -> String {
    capitalise(&words(rng, lang, min, max, false))
}

/// A capitalised sentence without emphasis, for front matter.
fn plain_sentence(rng: &mut Rng, lang: &Language, min: usize, max: usize) -> String {
    let mut text = phrase(rng, lang, min, max);
    text.push('.');
    text
}

/// A capitalised sentence of `min..=max` words with a full stop and maybe emphasis.
fn sentence(rng: &mut Rng, lang: &Language, min: usize, max: usize) -> String {
    let mut text = capitalise(&words(rng, lang, min, max, true));
    text.push('.');
    text
}

/// Lower-level word run: random words, an occasional comma and, if asked, emphasis.
fn words(rng: &mut Rng, lang: &Language, min: usize, max: usize, emphasis: bool) -> String {
    let count = rng.range(min, max);
    let mut text = String::with_capacity(count * 12);
    for i in 0..count {
        if i > 0 {
            if count > 9 && i == count / 2 && rng.chance(50) {
                text.push_str(lang.lex.comma);
            }
            text.push(' ');
        }
        let word = rng.pick(&lang.words);
        let marks = match (emphasis && i > 0, rng.below(20)) {
            (true, 0) => "**",
            (true, 1) => "*",
            _ => "",
        };
        text.push_str(marks);
        text.push_str(word);
        text.push_str(marks);
    }
    text
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------

const TOPICS: usize = 12;
/// Index of the English lexicon, used for languages without their own word list.
const ENGLISH: usize = 1;

/// Words and fixed phrases of one language.
#[derive(Debug)]
struct Lexicon {
    code: &'static str,
    comma: &'static str,
    /// Whitespace-separated words for running text.
    words: &'static str,
    /// Titles of top-level sections.
    topics: [&'static str; TOPICS],
    /// Heading with the id `ablauf`.
    steps: &'static str,
    /// Heading with the id `kontakt`.
    contact: &'static str,
    /// Heading over the "see also" links.
    more: &'static str,
    table: [&'static str; 3],
    image_alt: &'static str,
    mail: &'static str,
    phone: &'static str,
    /// Start page title: text before and after the municipality name.
    welcome: (&'static str, &'static str),
}

static LEXICONS: [Lexicon; 8] = [
    Lexicon {
        code: "de",
        comma: ",",
        words: "Wohnung Anmeldung Termin Beratung Sprachkurs Arbeit Schule Kita Familie \
                Gesundheit Ärztin Krankenkasse Ausländerbehörde Aufenthalt Antrag Formular \
                Bescheinigung Miete Kaution Vermieterin Nachbarschaft Übersetzung Dolmetscher \
                Integrationskurs Jobcenter Bürgeramt Unterlagen Reisepass Öffnungszeiten Frist \
                Gebühr Unterstützung Führerschein Prüfung Zeugnis Anerkennung Stadt Straße \
                wichtig schnell kostenlos persönlich freundlich gemeinsam möglich zuständig \
                bitte immer heute morgen außerdem für über mit und oder die der das Sie können \
                müssen erhalten beantragen vereinbaren",
        topics: [
            "Ankommen",
            "Wohnen",
            "Arbeit",
            "Sprache lernen",
            "Gesundheit",
            "Familie und Kinder",
            "Schule und Ausbildung",
            "Aufenthalt",
            "Beratung",
            "Freizeit und Ehrenamt",
            "Mobilität",
            "Geld und Finanzen",
        ],
        steps: "So gehen Sie vor",
        contact: "Kontakt und Beratung",
        more: "Weitere Informationen",
        table: ["Angebot", "Ort", "Zeiten"],
        image_alt: "Lageplan des Bürgerbüros",
        mail: "E-Mail schreiben",
        phone: "Anrufen",
        welcome: ("Willkommen in ", ""),
    },
    Lexicon {
        code: "en",
        comma: ",",
        words: "apartment registration appointment advice language course work school daycare \
                family health doctor insurance residence permit application form certificate \
                rent deposit landlord neighbourhood translation interpreter integration office \
                documents passport opening hours deadline fee support driving licence exam \
                recognition city street important quickly free personal friendly together \
                possible responsible please always today tomorrow also for about with and or the \
                you can must receive apply arrange",
        topics: [
            "Arriving",
            "Housing",
            "Work",
            "Learning the language",
            "Health",
            "Family and children",
            "School and training",
            "Residence",
            "Counselling",
            "Leisure and volunteering",
            "Mobility",
            "Money and finance",
        ],
        steps: "How to proceed",
        contact: "Contact and advice",
        more: "Further information",
        table: ["Service", "Place", "Hours"],
        image_alt: "Map of the citizens' office",
        mail: "Send an e-mail",
        phone: "Call us",
        welcome: ("Welcome to ", ""),
    },
    Lexicon {
        code: "ar",
        comma: "،",
        words: "سكن تسجيل موعد استشارة لغة دورة عمل مدرسة حضانة عائلة صحة طبيب تأمين إقامة تصريح \
                طلب استمارة شهادة إيجار مالك حي ترجمة مترجم اندماج مكتب وثائق جواز سفر مواعيد \
                مهلة رسوم دعم رخصة قيادة امتحان اعتراف مدينة شارع مهم سريع مجاني شخصي لطيف معا \
                ممكن مسؤول رجاء دائما اليوم غدا أيضا حول مع أو في على يمكنكم يجب الحصول تقديم \
                طفل مساعدة البلدية",
        topics: [
            "الوصول",
            "السكن",
            "العمل",
            "تعلم اللغة",
            "الصحة",
            "الأسرة والأطفال",
            "المدرسة والتدريب",
            "الإقامة",
            "الاستشارة",
            "الترفيه والتطوع",
            "التنقل",
            "المال والتمويل",
        ],
        steps: "الخطوات",
        contact: "التواصل والاستشارة",
        more: "معلومات إضافية",
        table: ["الخدمة", "المكان", "المواعيد"],
        image_alt: "خريطة مكتب المواطنين",
        mail: "أرسل بريدا إلكترونيا",
        phone: "اتصل بنا",
        welcome: ("مرحبا بكم في ", ""),
    },
    Lexicon {
        code: "uk",
        comma: ",",
        words: "житло реєстрація запис консультація мова курс робота школа садочок сімʼя \
                здоровʼя лікар страхування перебування дозвіл заява бланк довідка оренда застава \
                орендодавець сусіди переклад перекладач інтеграція установа документи паспорт \
                години термін плата підтримка посвідчення іспит визнання місто вулиця важливо \
                швидко безкоштовно особисто привітний разом можливо відповідальний завжди \
                сьогодні завтра також для про з і або ви можете отримати дитина допомога їжа \
                єдиний європейський ґрант обʼєкт пʼять",
        topics: [
            "Прибуття",
            "Житло",
            "Робота",
            "Вивчення мови",
            "Здоровʼя",
            "Сімʼя та діти",
            "Школа та навчання",
            "Перебування",
            "Консультації",
            "Дозвілля та волонтерство",
            "Мобільність",
            "Гроші та фінанси",
        ],
        steps: "Як діяти",
        contact: "Контакти та консультації",
        more: "Додаткова інформація",
        table: ["Послуга", "Місце", "Години"],
        image_alt: "План розташування центру обслуговування",
        mail: "Написати листа",
        phone: "Зателефонувати",
        welcome: ("Ласкаво просимо до громади ", ""),
    },
    Lexicon {
        code: "tr",
        comma: ",",
        words: "konut kayıt randevu danışmanlık dil kursu iş okul kreş aile sağlık doktor \
                sigorta oturum izni başvuru form belge kira depozito komşuluk çeviri tercüman \
                uyum belediye evraklar pasaport çalışma saatleri süre ücret destek ehliyet sınav \
                tanınma şehir cadde önemli hızlı ücretsiz kişisel nazik birlikte mümkün yetkili \
                lütfen daima bugün yarın ayrıca için hakkında ile ve veya çocuk öğrenci öğretmen \
                doğum bağlantı İngilizce Almanca Türkçe İnternet",
        topics: [
            "Varış",
            "Konut",
            "İş",
            "Dil öğrenme",
            "Sağlık",
            "Aile ve çocuklar",
            "Okul ve eğitim",
            "Oturum",
            "Danışmanlık",
            "Boş zaman ve gönüllülük",
            "Ulaşım",
            "Para ve finans",
        ],
        steps: "Nasıl yapılır",
        contact: "İletişim ve danışmanlık",
        more: "Daha fazla bilgi",
        table: ["Hizmet", "Yer", "Saatler"],
        image_alt: "Vatandaş bürosunun krokisi",
        mail: "E-posta gönderin",
        phone: "Bizi arayın",
        welcome: ("", " belediyesine hoş geldiniz"),
    },
    Lexicon {
        code: "fa",
        comma: "،",
        words: "مسکن ثبت وقت مشاوره زبان دوره کار مدرسه مهدکودک خانواده سلامت پزشک بیمه اقامت \
                مجوز درخواست فرم گواهی اجاره ودیعه صاحبخانه محله ترجمه مترجم همگرایی اداره مدارک \
                گذرنامه ساعت مهلت هزینه پشتیبانی گواهینامه رانندگی امتحان پذیرش شهر خیابان مهم \
                سریع رایگان شخصی مهربان ممکن مسئول لطفا همیشه امروز فردا همچنین برای درباره با و \
                یا در شما باید دریافت کودک کمک پول چگونه کوچک ویژه ژانویه گروه",
        topics: [
            "ورود",
            "مسکن",
            "کار",
            "یادگیری زبان",
            "سلامت",
            "خانواده و کودکان",
            "مدرسه و آموزش",
            "اقامت",
            "مشاوره",
            "اوقات فراغت و داوطلبی",
            "حمل و نقل",
            "پول و امور مالی",
        ],
        steps: "مراحل کار",
        contact: "تماس و مشاوره",
        more: "اطلاعات بیشتر",
        table: ["خدمت", "مکان", "زمان"],
        image_alt: "نقشه دفتر شهروندان",
        mail: "ایمیل بفرستید",
        phone: "تماس تلفنی",
        welcome: ("به ", " خوش آمدید"),
    },
    Lexicon {
        code: "ru",
        comma: ",",
        words: "жильё регистрация запись консультация язык курс работа школа детский сад семья \
                здоровье врач страховка пребывание разрешение заявление бланк справка аренда \
                залог арендодатель соседи перевод переводчик интеграция учреждение документы \
                паспорт часы срок плата поддержка удостоверение экзамен признание город улица \
                важно быстро бесплатно лично вежливый вместе возможно ответственный пожалуйста \
                всегда сегодня завтра также для о с и или вы можете получить ребёнок помощь \
                объявление подъезд",
        topics: [
            "Прибытие",
            "Жильё",
            "Работа",
            "Изучение языка",
            "Здоровье",
            "Семья и дети",
            "Школа и обучение",
            "Пребывание",
            "Консультации",
            "Досуг и волонтёрство",
            "Транспорт",
            "Деньги и финансы",
        ],
        steps: "Как действовать",
        contact: "Контакты и консультации",
        more: "Дополнительная информация",
        table: ["Услуга", "Место", "Часы"],
        image_alt: "План расположения бюро",
        mail: "Написать письмо",
        phone: "Позвонить",
        welcome: ("Добро пожаловать в общину ", ""),
    },
    Lexicon {
        code: "fr",
        comma: ",",
        words: "logement inscription rendez-vous conseil langue cours travail école crèche \
                famille santé médecin assurance séjour titre demande formulaire attestation \
                loyer caution propriétaire quartier traduction interprète intégration mairie \
                documents passeport horaires délai frais soutien permis examen reconnaissance \
                ville rue important rapide gratuit personnel aimable ensemble possible compétent \
                toujours aujourd'hui demain également pour avec et ou le la les vous pouvez \
                devez recevoir garçon reçu façon être très où élève",
        topics: [
            "Arrivée",
            "Logement",
            "Travail",
            "Apprendre la langue",
            "Santé",
            "Famille et enfants",
            "École et formation",
            "Séjour",
            "Conseil",
            "Loisirs et bénévolat",
            "Mobilité",
            "Argent et finances",
        ],
        steps: "Comment procéder",
        contact: "Contact et conseil",
        more: "Plus d'informations",
        table: ["Service", "Lieu", "Horaires"],
        image_alt: "Plan d'accès au bureau des citoyens",
        mail: "Envoyer un e-mail",
        phone: "Appeler",
        welcome: ("Bienvenue à ", ""),
    },
];

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty temporary folder for one test.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = env::temp_dir().join(format!("gen-portal-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn config(out: &Path, args: &[&str]) -> Config {
        let mut all: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
        all.push("--out".to_owned());
        all.push(out.display().to_string());
        match parse_args(all) {
            Ok(Command::Run(config)) => config,
            other => panic!("unexpected parse result {other:?}"),
        }
    }

    /// All files below `root`, relative, sorted.
    fn files(root: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    found.push(path.strip_prefix(root).unwrap().to_path_buf());
                }
            }
        }
        found.sort();
        found
    }

    fn markdown_files(root: &Path) -> Vec<PathBuf> {
        files(root)
            .into_iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .map(|path| root.join(path))
            .collect()
    }

    /// Link destinations in Markdown: `[text](dest)` and `![alt](dest)`.
    fn links(text: &str) -> Vec<&str> {
        text.match_indices("](")
            .filter_map(|(at, _)| {
                let rest = &text[at + 2..];
                rest.find(')').map(|end| &rest[..end])
            })
            .collect()
    }

    /// Every existing translation of a page or section given by its source file.
    fn translations(source: &Path, languages: &[&str]) -> Vec<PathBuf> {
        let name = source.file_name().unwrap().to_str().unwrap();
        let stem = name.strip_suffix(".de.md").unwrap();
        languages
            .iter()
            .map(|lang| source.with_file_name(format!("{stem}.{lang}.md")))
            .filter(|path| path.is_file())
            .collect()
    }

    fn has_anchor(files: &[PathBuf], anchor: &str) -> bool {
        let id = format!("{{#{anchor}}}");
        files
            .iter()
            .all(|file| fs::read_to_string(file).unwrap().contains(&id))
    }

    /// Resolves one link like wegweiser would, with `de` as source language.
    fn check_link(file: &Path, muni_root: &Path, href: &str, langs: &[&str]) -> Result<(), String> {
        if href.starts_with("https://www.example.org/")
            || href.starts_with("mailto:")
            || href.starts_with("tel:")
        {
            return Ok(());
        }
        let (path, anchor) = match href.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (href, None),
        };
        if path.is_empty() {
            let own = [file.to_path_buf()];
            return match anchor {
                Some(anchor) if has_anchor(&own, anchor) => Ok(()),
                _ => Err(format!("missing own anchor {href}")),
            };
        }
        let base = match path.strip_prefix("@/") {
            Some(rest) => muni_root.join(rest),
            None => file.parent().unwrap().join(path),
        };
        let target = if path.ends_with('/') {
            base.join("_index.de.md")
        } else if let Some(stem) = path.strip_suffix(".md") {
            let name = Path::new(stem).file_name().unwrap().to_str().unwrap();
            base.with_file_name(format!("{name}.de.md"))
        } else {
            base
        };
        if !target.is_file() {
            return Err(format!("missing target {href} ({})", target.display()));
        }
        match anchor {
            Some(anchor) if !has_anchor(&translations(&target, langs), anchor) => Err(format!(
                "anchor {anchor} missing in a translation of {href}"
            )),
            _ => Ok(()),
        }
    }

    #[test]
    fn same_flags_give_identical_bytes() {
        let (a, b) = (temp_dir("det-a"), temp_dir("det-b"));
        let args = ["--municipalities", "2", "--pages", "40", "--seed", "7"];
        generate(&config(&a, &args)).unwrap();
        generate(&config(&b, &args)).unwrap();
        let (files_a, files_b) = (files(&a), files(&b));
        assert_eq!(files_a, files_b);
        assert!(files_a.len() > 100);
        for file in &files_a {
            assert_eq!(
                fs::read(a.join(file)).unwrap(),
                fs::read(b.join(file)).unwrap()
            );
        }
        // A rerun replaces the previous output in place.
        generate(&config(&a, &args)).unwrap();
        assert_eq!(files(&a), files_b);
        fs::remove_dir_all(a).unwrap();
        fs::remove_dir_all(b).unwrap();
    }

    /// Generates a portal and checks every link in every Markdown file; returns the
    /// number of links checked.
    fn check_all_links(name: &str, args: &[&str]) -> usize {
        let out = temp_dir(name);
        let config = config(&out, args);
        generate(&config).unwrap();
        let langs: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        let content = out.join("content");
        let mut checked = 0;
        for file in markdown_files(&out) {
            let relative = file.strip_prefix(&content).unwrap();
            let muni_root = content.join(relative.iter().next().unwrap());
            let text = fs::read_to_string(&file).unwrap();
            for href in links(&text) {
                if let Err(error) = check_link(&file, &muni_root, href, &langs) {
                    panic!("{}: {error}", file.display());
                }
                checked += 1;
            }
        }
        fs::remove_dir_all(out).unwrap();
        checked
    }

    #[test]
    fn every_link_resolves() {
        let checked = check_all_links("links", &["--municipalities", "2", "--pages", "60"]);
        assert!(checked > 1000, "only {checked} links");
        // A single page has no other page to link to: links go to sections instead.
        let args = ["--pages", "1", "--languages", "de", "--municipalities", "1"];
        assert!(check_all_links("links-tiny", &args) > 3);
    }

    #[test]
    fn pages_follow_the_format() {
        let out = temp_dir("format");
        generate(&config(&out, &["--municipalities", "1", "--pages", "80"])).unwrap();
        let allowed = [
            "title",
            "description",
            "weight",
            "slug",
            "draft",
            "aliases",
            "extra",
            "actor",
            "actors",
            "reviewed",
            "review_interval",
            "source_digest",
            "machine_translated",
        ];
        let reserved = ["events", "places", "news"].map(|f| out.join("content/m01").join(f));
        for file in markdown_files(&out) {
            if reserved.iter().any(|dir| file.starts_with(dir)) {
                continue;
            }
            let text = fs::read_to_string(&file).unwrap();
            let front = text.strip_prefix("+++\n").unwrap();
            let (front, body) = front.split_once("\n+++\n").unwrap();
            for line in front.lines() {
                let key = line.split(" = ").next().unwrap();
                assert!(allowed.contains(&key), "{}: key {key}", file.display());
            }
            let mut headings = BTreeSet::new();
            for line in body.lines().filter(|line| line.starts_with('#')) {
                assert!(headings.insert(line), "{}: repeated {line}", file.display());
            }
            let name = file.file_name().unwrap().to_str().unwrap();
            if !name.starts_with('_') {
                let size = text.len();
                assert!(
                    (2000..=6144).contains(&size),
                    "{}: {size} bytes",
                    file.display()
                );
                assert!(body.contains("{#ablauf}") && body.contains("{#kontakt}"));
            }
        }
        fs::remove_dir_all(out).unwrap();
    }

    #[test]
    fn refuses_foreign_non_empty_folder() {
        let out = temp_dir("foreign");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("keep.txt"), "mine").unwrap();
        assert!(generate(&config(&out, &[])).is_err());
        assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine");
        fs::remove_dir_all(out).unwrap();
    }

    #[test]
    fn bad_flags_are_rejected() {
        let parse = |args: &[&str]| parse_args(args.iter().map(|&a| a.to_owned()));
        assert!(parse(&["--pages", "10"]).is_err());
        assert!(parse(&["--out", "x", "--pages", "0"]).is_err());
        assert!(parse(&["--out", "x", "--translated", "101"]).is_err());
        assert!(parse(&["--out", "x", "--languages", "de,DE"]).is_err());
        assert!(parse(&["--out", "x", "--languages", "de,en,de"]).is_err());
        assert!(parse(&["--out", "x", "--bogus"]).is_err());
        assert!(parse(&["--out", "x", "--plain=yes"]).is_err());
        assert!(parse(&["--out", "x", "--actors", "0"]).is_err());
        assert!(matches!(
            parse(&["--out", "x", "--plain"]),
            Ok(Command::Run(Config {
                plain: true,
                actors: 41,
                ..
            }))
        ));
        assert!(matches!(parse(&["--help"]), Ok(Command::Help)));
        assert!(matches!(
            parse(&["--out=x", "--languages=uk,de-si"]),
            Ok(Command::Run(Config { pages: 250, .. }))
        ));
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative("sec01", "sec02/page-0003.md"),
            "../sec02/page-0003.md"
        );
        assert_eq!(relative("sec01", "sec01/page-0003.md"), "page-0003.md");
        assert_eq!(relative("sec01/sub01", "sec01/"), "../");
        assert_eq!(relative("", "sec04/"), "sec04/");
        assert_eq!(relative("sec01", "sec01/sub02/"), "sub02/");
    }
}
