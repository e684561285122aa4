//! `wegweiser languages`: the built-in languages.

use std::fmt::Write;
use std::process::ExitCode;

use wegweiser::model::language::LanguageTable;

use crate::cli::stdout;

pub fn run() -> stdout::Result<ExitCode> {
    let mut out = String::new();
    for l in LanguageTable::built_in().iter() {
        let fallback = l
            .fallback
            .as_deref()
            .map(|f| format!(" → {f}"))
            .unwrap_or_default();
        // A tag of its own (none of the built-in ones has) would follow the slug.
        let slug = if l.tag == l.code {
            l.code.clone()
        } else {
            format!("{} ({})", l.code, l.tag)
        };
        let _ = writeln!(
            out,
            "{:<6} {:<4} {:<28} {}{fallback}",
            slug, l.dir, l.english_name, l.name
        );
    }
    stdout::print(out)?;
    Ok(ExitCode::SUCCESS)
}
