//! One `wegweiser serve` text edit, for counting its instructions under callgrind
//! (`benches/instructions.sh`, see docs/performance.md).
//!
//! Builds a serve [`Session`] on a portal (in memory, as `wegweiser serve` does), then
//! adds a sentence to the body of one page file and applies the change as the server
//! does after a save: first the page ([`Session::apply_pages`], the page is served
//! again), then its search bundles ([`Session::index_search`] and
//! [`Session::put_search`]); together they are [`Session::apply`]. The two halves run in
//! [`wegweiser_edit_page`] and [`wegweiser_edit_search`], which callgrind finds by
//! these (unmangled) names. The page file is restored at the end.
//!
//! Everything runs on one worker thread (as `build --jobs 1`), so that the work and
//! with it the instruction count is the same in every run.
//!
//! ```text
//! cargo build --release --example serve-edit
//! valgrind --tool=callgrind --zero-before=wegweiser_edit_page \
//!     --dump-after=wegweiser_edit_page target/release/examples/serve-edit PORTAL
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wegweiser::base::diagnostics::Diagnostics;
use wegweiser::build::pipeline::{self, BuildOptions};
use wegweiser::serve::{Outcome, Session};

const USAGE: &str = "\
serve-edit: build a serve session on PORTAL, then edit the text of one page and apply it

USAGE:
    serve-edit PORTAL [--today YYYY-MM-DD] [--edit text|title|actor|review]

The page is the last page of the first municipality in its source language. Its file
is changed during the run and restored at the end. --edit says what changes: a sentence
added to its text (the default, what benches/instructions.sh counts), its title, its
actor (actor-01, or actor-02 where it was actor-01; the portal needs both) or the day
it was reviewed.
";

/// The sentence added to the page's body.
const EDIT: &str = "Instruction count edit: one more sentence in the body.";

/// The page half of a text edit: what `serve` does before it serves the page again.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn wegweiser_edit_page(session: &mut Session, paths: &[PathBuf]) -> Outcome {
    session.apply_pages(paths)
}

/// The search half of a text edit: the edited page's bundles indexed again and put in
/// place. `false` when no bundle was waiting.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn wegweiser_edit_search(session: &mut Session) -> Result<bool, String> {
    let Some(update) = session.index_search() else {
        return Ok(false);
    };
    session
        .put_search(update)
        .map(|()| true)
        .map_err(|problems| format!("{problems:?}"))
}

/// The file of the page to edit: the last page of the first municipality that is not
/// a section, in the source language.
fn a_page(options: &BuildOptions) -> Result<PathBuf, String> {
    let mut d = Diagnostics::new();
    let (site, _) = pipeline::load_site(options, &mut d)
        .ok_or_else(|| "the portal does not load".to_string())?;
    let m = site
        .municipalities
        .first()
        .ok_or_else(|| "the portal has no municipality".to_string())?;
    let lang = m.source_language;
    m.pages
        .iter()
        .rev()
        .filter(|p| !p.kind.is_section())
        .find_map(|p| Some(options.root.join(&p.translations[lang].as_ref()?.file)))
        .ok_or_else(|| "no page in the source language".to_string())
}

/// Puts the page file back however the run ends.
struct Restore<'a> {
    file: &'a Path,
    original: &'a str,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        if let Err(e) = std::fs::write(self.file, self.original) {
            eprintln!("serve-edit: cannot restore {}: {e}", self.file.display());
        }
    }
}

/// `original` with the edit of `kind` made.
fn edited(original: &str, kind: &str) -> Result<String, String> {
    // The front matter without the lines of `keys`, and `line` first in it.
    let with = |keys: &[&str], line: &str| -> String {
        let kept: String = original
            .lines()
            .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k} = "))))
            .map(|l| format!("{l}\n"))
            .collect();
        kept.replacen("+++\n", &format!("+++\n{line}\n"), 1)
    };
    match kind {
        "text" => Ok(format!("{original}\n{EDIT}\n")),
        "title" => Ok(original.replacen("title = \"", "title = \"Edited ", 1)),
        "actor" if original.contains("actor = \"actor-01\"") => {
            Ok(with(&["actor", "actors"], "actor = \"actor-02\""))
        }
        "actor" => Ok(with(&["actor", "actors"], "actor = \"actor-01\"")),
        "review" => Ok(with(&["reviewed"], "reviewed = 2026-02-03")),
        _ => Err(format!("--edit {kind}: text, title, actor or review")),
    }
}

fn run(options: BuildOptions, kind: &str) -> Result<(), String> {
    let file = a_page(&options)?;
    let mut session = Session::new(options);
    match session.build() {
        Outcome::Built { pages, .. } => println!("first build: {pages} pages"),
        other => return Err(format!("the first build: {other:?}")),
    }

    let original = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let _restore = Restore {
        file: &file,
        original: &original,
    };
    std::fs::write(&file, edited(&original, kind)?)
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;

    match wegweiser_edit_page(&mut session, std::slice::from_ref(&file)) {
        Outcome::Built {
            scope,
            pages,
            duration,
            ..
        } => {
            println!(
                "edit of {}: {pages} pages, {scope:?}, {:.1} ms",
                file.display(),
                duration.as_secs_f64() * 1000.0
            );
        }
        other => return Err(format!("the edit: {other:?}")),
    }
    if !wegweiser_edit_search(&mut session)? {
        return Err("the edit left no search bundle to index".to_string());
    }
    if kind != "text" {
        return Ok(());
    }
    // The edit arrived: a page served now holds the new sentence.
    let served = session
        .files()
        .iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .filter_map(|(_, f)| f.read().ok())
        .any(|bytes| String::from_utf8_lossy(&bytes).contains(EDIT));
    if !served {
        return Err("no served file holds the edited text".to_string());
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let mut today = None;
    let mut kind = "text".to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--today" => match args.next().map(|d| d.parse::<jiff::civil::Date>()) {
                Some(Ok(day)) => today = Some(day),
                _ => {
                    eprintln!("serve-edit: --today needs a day (YYYY-MM-DD)\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--edit" => match args.next() {
                Some(k) => kind = k,
                None => {
                    eprintln!("serve-edit: --edit needs text, title, actor or review\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            _ if root.is_none() && !arg.starts_with('-') => root = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("serve-edit: unexpected argument '{arg}'\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(root) = root else {
        eprintln!("serve-edit: which portal?\n\n{USAGE}");
        return ExitCode::from(2);
    };
    // Absolute, as the session makes its root: a relative path given to the session
    // is taken as relative to the portal root.
    let root = match std::fs::canonicalize(&root) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("serve-edit: {}: {e}", root.display());
            return ExitCode::FAILURE;
        }
    };
    let options = BuildOptions {
        root,
        today,
        write: true,
        ..Default::default()
    };
    // One worker, and everything on it: rayon's parallel loops run inline, and the
    // search bundles get one builder (they use as many threads as this pool has).
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("serve-edit: cannot start a worker thread: {e}");
            return ExitCode::FAILURE;
        }
    };
    match pool.install(|| run(options, &kind)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve-edit: {e}");
            ExitCode::FAILURE
        }
    }
}
