//! `wegweiser translations stamp`: record in a translation which version of its source
//! it was made from, changing nothing else in the file.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::{LangIdx, Municipality, Site, Translatable};

/// What a stamp did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    pub file: PathBuf,
    pub digest: String,
    /// The file already had this digest.
    pub unchanged: bool,
}

/// Set `key` in the front matter of `text` to a string `value`, keeping everything
/// else byte for byte: an existing `key` line gets the new value, otherwise a line is
/// added (in TOML before the first table, so that the key stays at the top level).
pub fn set_key(text: &str, key: &str, value: &str) -> Result<String, String> {
    set_key_raw(text, key, &quote(value))
}

/// `value` as a double-quoted string that TOML and YAML read alike, on one line:
/// backslashes, quotes, line breaks and other control characters are escaped (a line
/// break in a value would otherwise end the string, or the key's line).
fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            // Not printable in YAML or TOML: `\u` is the one escape both know.
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                let _ = write!(quoted, "\\u{:04X}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// [`set_key`] with a value written as it is (a TOML date, a number): the caller makes
/// sure it is valid in both TOML and YAML. In TOML only top-level keys (before the first
/// table) are replaced.
///
/// The edit is of lines, but its result is checked: when the front matter could be read
/// before, it must read the same afterwards but for `key` (a line that only looks like
/// the key, inside a multi-line string or array, is never taken for it).
pub fn set_key_raw(text: &str, key: &str, quoted: &str) -> Result<String, String> {
    // A byte-order mark stays where it is.
    if let Some(rest) = text.strip_prefix(crate::load::front_matter::BOM) {
        return set_key_raw(rest, key, quoted)
            .map(|t| format!("{}{t}", crate::load::front_matter::BOM));
    }
    let (fence, sep) = if text.starts_with("+++") {
        ("+++", " = ")
    } else if text.starts_with("---") {
        ("---", ": ")
    } else {
        return Err("the file has no front matter".into());
    };
    let updated = edit_line(text, key, quoted, fence, sep)?;
    check_edit(
        text,
        &updated,
        key,
        &format!("{fence}\n{key}{sep}{quoted}\n{fence}\n"),
    )?;
    Ok(updated)
}

/// `text` with the line of `key` replaced, or one added.
fn edit_line(
    text: &str,
    key: &str,
    quoted: &str,
    fence: &str,
    sep: &str,
) -> Result<String, String> {
    let first_line = text.split('\n').next().unwrap_or(text);
    if first_line.trim_end() != fence {
        // As the front matter parser reads it: `---title` opens nothing.
        return Err(format!(
            "the opening `{fence}` must stand alone on its line"
        ));
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut insert_at = None;
    // End of the last line with something on it: a new key goes there rather than
    // after the blank lines that set a table apart.
    let mut last_filled = offset;
    // The key's line (start, end, line ending), if it has one: replaced once the
    // closing fence is found (without one, no line is front matter).
    let mut existing = None;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = &text[offset..end];
        let content = line.trim_end_matches(['\r', '\n']);
        if content.trim_end() == fence {
            if let Some((start, end, ending)) = existing {
                let replaced = format!("{key}{sep}{quoted}{ending}");
                return Ok(format!("{}{replaced}{}", &text[..start], &text[end..]));
            }
            let at = insert_at.unwrap_or(offset);
            let added = format!("{key}{sep}{quoted}{newline}");
            return Ok(format!("{}{added}{}", &text[..at], &text[at..]));
        }
        let rest = content.strip_prefix(key).map(str::trim_start);
        let is_key = existing.is_none()
            && insert_at.is_none()
            && rest.is_some_and(|r| r.starts_with(if fence == "+++" { '=' } else { ':' }));
        if is_key {
            existing = Some((offset, end, &line[content.len()..]));
        }
        if fence == "+++" && insert_at.is_none() && content.trim_start().starts_with('[') {
            insert_at = Some(last_filled);
        }
        if !content.trim().is_empty() {
            last_filled = end;
        }
        offset = end;
    }
    Err(format!("the front matter is never closed with `{fence}`"))
}

/// Whether `updated` is `text` with only `key` changed, to what `expected` (a front
/// matter holding `key` alone) says, and the body unchanged. A front matter that cannot
/// be read before is not checked.
fn check_edit(text: &str, updated: &str, key: &str, expected: &str) -> Result<(), String> {
    type Table = serde_json::Map<String, serde_json::Value>;
    let read = |text: &str| crate::load::front_matter::parse_as::<Table>(Path::new(""), text, &[]);
    let Ok((mut before, _, body_start)) = read(text) else {
        return Ok(());
    };
    let refused = || {
        format!(
            "`{key}` cannot be set here without changing the rest of the front matter: \
             set it by hand"
        )
    };
    let (mut after, _, updated_body_start) = read(updated).map_err(|_| refused())?;
    let value = read(expected).map_err(|_| refused())?.0.remove(key);
    before.remove(key);
    let set = after.remove(key);
    if set.is_none()
        || set != value
        || before != after
        || text[body_start..] != updated[updated_body_start..]
    {
        return Err(refused());
    }
    Ok(())
}

/// Where a file is in the model: (municipality, the page, event, news item or place it
/// belongs to, language).
pub fn locate<'a>(
    site: &'a Site,
    file: &Path,
) -> Option<(&'a Municipality, Translatable, LangIdx)> {
    let wanted = fs::canonicalize(file).ok()?;
    for m in &site.municipalities {
        for t in m.translatables() {
            for lang in 0..m.languages.len() {
                if let Some(x) = m.translated(t, lang)
                    && fs::canonicalize(x.path()).is_ok_and(|p| p == wanted)
                {
                    return Some((m, t, lang));
                }
            }
        }
    }
    None
}

fn error(file: &Path, message: impl Into<String>) -> Diagnostic {
    Diagnostic::file(Severity::Error, file, message)
}

/// Mark the translation in `file` as made from the current version of its source.
pub fn stamp(site: &Site, file: &Path) -> Result<Stamped, Diagnostic> {
    let (m, t, lang) = locate(site, file).ok_or_else(|| {
        error(file, "not a page, event, news item or place of this portal (or it failed to load)")
            .with_hint("stamp translation files such as content/<municipality>/wohnen/miete.ar.md or content/<municipality>/events/sprachcafe.ar.md")
    })?;
    let Some(source) = m.translation_sources[lang] else {
        return Err(error(
            file,
            format!(
                "this is the {} source text, not a translation",
                m.languages[lang].english_name
            ),
        )
        .with_hint(
            "after an edit that needs no new translation, use `stamp --minor` on the source file",
        ));
    };
    let Some(source_text) = m.translated(t, source) else {
        return Err(error(
            file,
            format!(
                "its source, the {} translation, does not exist",
                m.languages[source].english_name
            ),
        ));
    };
    write_digest(file, source_text.digest())
}

/// "This edit needs no new translation": re-stamp the translations of the source page
/// (event, news item, place) in `file` that were up to date with its last committed
/// version.
pub fn stamp_minor(site: &Site, file: &Path) -> Result<Vec<Stamped>, Diagnostic> {
    let (m, t, lang) = locate(site, file).ok_or_else(|| {
        error(
            file,
            "not a page, event, news item or place of this portal (or it failed to load)",
        )
    })?;
    let previous = committed_version(file)?;
    let (front, _, body_start) =
        crate::load::front_matter::parse_titles(file, &previous).map_err(|d| {
            error(
                file,
                format!("the committed version cannot be read: {}", d.message),
            )
        })?;
    let old_digest = crate::model::translation::digest(&front.title, &previous[body_start..]);
    let current = m
        .translated(t, lang)
        .map(|x| x.digest().to_string())
        .unwrap_or_default();
    let mut stamped = Vec::new();
    for (other, source) in m.translation_sources.iter().enumerate() {
        if *source != Some(lang) {
            continue;
        }
        let Some(x) = m.translated(t, other) else {
            continue;
        };
        if x.source_digest() == Some(old_digest.as_str()) {
            stamped.push(write_digest(x.path(), &current)?);
        }
    }
    Ok(stamped)
}

/// The file as committed in git's HEAD.
fn committed_version(file: &Path) -> Result<String, Diagnostic> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("show")
        .arg(format!("HEAD:./{name}"))
        .output()
        .map_err(|e| error(file, format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(error(
            file,
            format!("cannot read the committed version from git: {why}"),
        )
        .with_hint(
            "--minor compares the file with its last commit: commit the portal with git first",
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| error(file, "the committed version is not UTF-8"))
}

/// Write `digest` as `source_digest` into `file`, atomically.
fn write_digest(file: &Path, digest: &str) -> Result<Stamped, Diagnostic> {
    let text = fs::read_to_string(file).map_err(|e| error(file, format!("cannot read: {e}")))?;
    let updated = set_key(&text, "source_digest", digest).map_err(|m| error(file, m))?;
    let unchanged = updated == text;
    if !unchanged {
        crate::write::replace_file(file, updated.as_bytes())
            .map_err(|e| error(file, format!("cannot write: {e}")))?;
    }
    Ok(Stamped {
        file: file.to_path_buf(),
        digest: digest.to_string(),
        unchanged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_key_before_the_first_toml_table() {
        let text = "+++\ntitle = \"x\"\n[extra]\na = 1\n+++\nBody\n";
        assert_eq!(
            set_key(text, "source_digest", "0123456789ab").unwrap(),
            "+++\ntitle = \"x\"\nsource_digest = \"0123456789ab\"\n[extra]\na = 1\n+++\nBody\n"
        );
    }

    #[test]
    fn keeps_a_byte_order_mark() {
        let text = "\u{feff}+++\ntitle = \"x\"\n+++\nBody\n";
        assert_eq!(
            set_key(text, "source_digest", "0123456789ab").unwrap(),
            "\u{feff}+++\ntitle = \"x\"\nsource_digest = \"0123456789ab\"\n+++\nBody\n"
        );
    }

    #[test]
    fn replaces_an_existing_value_and_keeps_crlf() {
        let text =
            "---\r\ntitle: x\r\nsource_digest: 'aaaaaaaaaaaa'\r\nweight: 3\r\n---\r\nBody\r\n";
        assert_eq!(
            set_key(text, "source_digest", "0123456789ab").unwrap(),
            "---\r\ntitle: x\r\nsource_digest: \"0123456789ab\"\r\nweight: 3\r\n---\r\nBody\r\n"
        );
        let yaml = "---\ntitle: x\n---\n";
        assert_eq!(
            set_key(yaml, "source_digest", "0123456789ab").unwrap(),
            "---\ntitle: x\nsource_digest: \"0123456789ab\"\n---\n"
        );
    }

    #[test]
    fn refuses_files_without_front_matter() {
        assert!(set_key("# Hi\n", "source_digest", "x").is_err());
        assert!(set_key("+++\ntitle = \"x\"\n", "source_digest", "x").is_err());
        // Found by the `rewrite` fuzz target: a first line that only starts with the
        // fence opens no front matter (the parser says so), and an edit there lands
        // wherever the next `---` is.
        assert!(set_key("---tti\nle: x\n---\nBody\n", "source_digest", "x").is_err());
        assert!(set_key("+++ x\ntitle = \"x\"\n+++\n", "source_digest", "x").is_err());
        // A key line in a front matter that is never closed is not changed either.
        assert!(
            set_key(
                "+++\nsource_digest = \"a\"\n+\nBody\n",
                "source_digest",
                "x"
            )
            .is_err()
        );
    }

    fn read(text: &str) -> serde_json::Map<String, serde_json::Value> {
        crate::load::front_matter::parse_as(Path::new("x.md"), text, &[])
            .unwrap()
            .0
    }

    #[test]
    fn line_breaks_and_control_characters_in_a_value_stay_on_the_line() {
        let value = "Frau \"A\"\ndraft = true\r\t\\ \u{1}\u{7f}\u{85}\u{2028}ä";
        for text in [
            "+++\ntitle = \"x\"\n+++\nBody\n",
            "---\ntitle: x\n---\nBody\n",
        ] {
            let updated = set_key(text, "reviewed_by", value).unwrap();
            assert_eq!(
                updated.lines().count(),
                text.lines().count() + 1,
                "{updated}"
            );
            let front = read(&updated);
            assert_eq!(front["reviewed_by"], value, "{updated}");
            assert_eq!(front.len(), 2, "{updated}");
        }
    }

    #[test]
    fn a_line_that_only_looks_like_the_key_is_left_alone() {
        // Inside a multi-line string the line is part of the title, not a key.
        let text = "+++\ntitle = \"\"\"\nreviewed = 1\n\"\"\"\n+++\nBody\n";
        assert!(set_key_raw(text, "reviewed", "2026-05-12").is_err());
        // A table's line inside an array of arrays is not the first table.
        let text = "+++\ntitle = \"x\"\nweight = 1\n[extra]\na = [\n[1],\n]\n+++\n";
        let updated = set_key(text, "source_digest", "0123").unwrap();
        assert_eq!(
            updated,
            "+++\ntitle = \"x\"\nweight = 1\nsource_digest = \"0123\"\n[extra]\na = [\n[1],\n]\n+++\n"
        );
    }
}
