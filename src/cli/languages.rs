//! `wegweiser languages`: the built-in languages.

use std::io::Write;
use std::process::ExitCode;

use wegweiser::model::language::LanguageTable;

pub fn run() -> ExitCode {
    let mut out = std::io::stdout().lock();
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
    ExitCode::SUCCESS
}
