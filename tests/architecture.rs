//! The layers of docs/architecture.md, kept: every `crate::` path in a top-level module of
//! `src/` points to the module itself or to one the table in docs/architecture.md
//! ("Layers") allows; no source file is over 800 lines; no function over 150 lines
//! without a reason written above it.
//!
//! The allowed directions are read from docs/architecture.md, so they are written once.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 800;
const MAX_FN_LINES: usize = 150;
/// Written on the line before a longer function (or its attributes), with the reason.
const LONG_ON_PURPOSE: &str = "// Long on purpose:";

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path below the crate root, as messages show it (`src/model/mod.rs`).
fn shown(file: &Path) -> PathBuf {
    file.strip_prefix(manifest()).unwrap_or(file).to_path_buf()
}

/// The "Layers" table: module -> the modules it may import.
fn rules(doc: &str) -> BTreeMap<String, BTreeSet<String>> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("Layers"))
        .expect("docs/architecture.md has a `## Layers` section");
    let mut rules = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let names = |cell: &str| -> BTreeSet<String> {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        let module = names(cells[0]).into_iter().next().expect("a module name");
        rules.insert(module, names(cells.last().expect("a last column")));
    }
    assert!(!rules.is_empty(), "the Layers table has no rows");
    rules
}

/// The top-level module a source file belongs to (`src/model/place.rs` -> `model`).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a line of code names with `crate::` (groups included).
fn imported(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !name.is_empty() {
                            found.push(std::mem::take(&mut name));
                        }
                        item_start = true;
                    }
                    c if item_start && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ if item_start && !name.is_empty() => {
                        found.push(std::mem::take(&mut name));
                        item_start = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.push(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// Every import that the rules do not allow, as `file:line: message`.
fn violations(src: &Path, rules: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in &files {
        let Some(from) = top_module(src, file) else {
            continue;
        };
        let shown = file.strip_prefix(src.parent().unwrap()).unwrap().display();
        let Some(allowed) = rules.get(&from) else {
            out.push(format!(
                "{shown}: module `{from}` is not in the Layers table of docs/architecture.md"
            ));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for to in imported(line) {
                if to == from || to == "self" || allowed.contains(&to) {
                    continue;
                }
                if !rules.contains_key(&to) {
                    out.push(format!(
                        "{shown}:{}: `crate::{to}` is not a module of the Layers table in \
                         docs/architecture.md: name the item by its module path",
                        n + 1
                    ));
                    continue;
                }
                let to_file = if src.join(&to).is_dir() {
                    format!("src/{to}/")
                } else {
                    format!("src/{to}.rs")
                };
                out.push(format!(
                    "{shown}:{}: `{from}` imports `crate::{to}` ({to_file}), which docs/architecture.md \
                     (Layers) does not allow: `{from}` may import {}",
                    n + 1,
                    if allowed.is_empty() {
                        "nothing".to_string()
                    } else {
                        allowed
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ));
            }
        }
    }
    out
}

#[test]
fn modules_import_only_what_the_layers_allow() {
    let doc = fs::read_to_string(manifest().join("docs/architecture.md")).unwrap();
    let rules = rules(&doc);
    let found = violations(&manifest().join("src"), &rules);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_layers_table_names_every_module_and_has_no_cycle() {
    let doc = fs::read_to_string(manifest().join("docs/architecture.md")).unwrap();
    let rules = rules(&doc);
    let lib = fs::read_to_string(manifest().join("src/lib.rs")).unwrap();
    let declared: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect();
    let tabled: BTreeSet<String> = rules.keys().cloned().collect();
    assert_eq!(
        declared, tabled,
        "src/lib.rs and the Layers table of docs/architecture.md name different modules"
    );
    for (module, allowed) in &rules {
        for m in allowed {
            assert!(rules.contains_key(m), "`{module}` may import unknown `{m}`");
        }
    }
    // Depth-first search for a cycle in the allowed directions.
    fn visit<'a>(
        m: &'a str,
        rules: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if done.contains(m) {
            return;
        }
        assert!(
            !path.contains(&m),
            "the layers form a cycle: {path:?} -> {m}"
        );
        path.push(m);
        for next in &rules[m] {
            visit(next, rules, path, done);
        }
        path.pop();
        done.insert(m);
    }
    let mut done = BTreeSet::new();
    for m in rules.keys() {
        visit(m, &rules, &mut Vec::new(), &mut done);
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    rust_files(&manifest().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_FILE_LINES).then(|| format!("{}: {n} lines", shown(f).display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// Functions longer than `MAX_FN_LINES` without `LONG_ON_PURPOSE` above them, as
/// `file:line: name, n lines`. A function ends at the first line with its own
/// indentation that closes it (rustfmt's layout).
fn long_functions(file: &Path, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = trimmed
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("const ")
            .trim_start_matches("async ");
        let Some(name) = signature.strip_prefix("fn ") else {
            continue;
        };
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(end) = (i + 1..lines.len()).find(|&j| lines[j] == format!("{indent}}}")) else {
            continue;
        };
        let length = end - i + 1;
        if length <= MAX_FN_LINES {
            continue;
        }
        let mut above = i;
        while above > 0 && lines[above - 1].trim_start().starts_with("#[") {
            above -= 1;
        }
        let reasoned = (above.saturating_sub(3)..above)
            .any(|k| lines[k].trim_start().starts_with(LONG_ON_PURPOSE));
        if !reasoned {
            out.push(format!(
                "{}:{}: fn {name}, {length} lines",
                file.display(),
                i + 1
            ));
        }
    }
    out
}

#[test]
fn no_function_is_over_150_lines_without_a_reason() {
    let mut files = Vec::new();
    rust_files(&manifest().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .flat_map(|f| long_functions(&shown(f), &fs::read_to_string(f).unwrap()))
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_FN_LINES} lines, with no `{LONG_ON_PURPOSE} ...` line above:\n{}",
        long.join("\n")
    );
}

/// The checks above must be able to fail: a small tree with an upward import, a cycle
/// of allowed directions, and a long function.
#[test]
fn the_checks_catch_an_upward_import_and_a_long_function() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(src.join("model")).unwrap();
    fs::create_dir_all(src.join("render")).unwrap();
    fs::write(
        src.join("model/mod.rs"),
        "use crate::base::x;\nuse crate::{base, render::page::Context};\n",
    )
    .unwrap();
    fs::write(src.join("render/mod.rs"), "use crate::model::Site;\n").unwrap();
    fs::write(
        src.join("base.rs"),
        "// crate::render in a comment is no import\n",
    )
    .unwrap();
    let rules = rules(
        "# x\n\n## Layers\n\n| module | may import |\n|---|---|\n| `base` | — |\n\
         | `model` | `base` |\n| `render` | `model`, `base` |\n",
    );
    let found = violations(&src, &rules);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/model/mod.rs:2: `model` imports `crate::render` (src/render/)"),
        "{}",
        found[0]
    );
    assert!(found[0].contains("may import `base`"), "{}", found[0]);

    let body = "    x();\n".repeat(MAX_FN_LINES);
    let text = format!("fn short() {{\n}}\n\npub fn long() {{\n{body}}}\n");
    let long = long_functions(Path::new("f.rs"), &text);
    assert_eq!(
        long,
        vec![format!("f.rs:4: fn long, {} lines", MAX_FN_LINES + 2)]
    );
    let reasoned = text.replace(
        "pub fn long",
        &format!("{LONG_ON_PURPOSE} one table, read top to bottom.\n#[inline]\npub fn long"),
    );
    assert!(long_functions(Path::new("f.rs"), &reasoned).is_empty());
}

#[test]
fn imports_are_read_from_paths_and_groups() {
    assert_eq!(imported("use crate::model::{LangIdx, Site};"), ["model"]);
    assert_eq!(
        imported("use crate::{base::diagnostics, load::{self, x}, resolve, write};"),
        ["base", "load", "resolve", "write"]
    );
    assert_eq!(
        imported("let u = crate::model::place::place_url(m, l, p);"),
        ["model"]
    );
    assert!(imported("use super::*; // not a crate path").is_empty());
    assert!(imported("my_crate::model::x").is_empty());
}
