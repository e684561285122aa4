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
        let _ = writeln!(
            out,
            "{:<6} {:<4} {:<28} {}{fallback}",
            l.code, l.dir, l.english_name, l.name
        );
    }
    stdout::print(out)?;
    Ok(ExitCode::SUCCESS)
}
