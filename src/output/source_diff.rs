//! What changed in a source since a translation was made from it: the old version is
//! found in git's history by its digest, then compared word by word.

use std::path::Path;
use std::process::Command;

/// The source text (title and body) whose digest is `digest`, from the git history of
/// `file`. `None` when the file is not in git or no version has that digest.
pub fn version_with_digest(file: &Path, digest: &str) -> Option<(String, String)> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file.file_name()?.to_str()?;
    let log = git(dir, &["log", "--format=%H", "--", name])?;
    for commit in log.lines().take(200) {
        let Some(text) = git(dir, &["show", &format!("{commit}:./{name}")]) else {
            continue;
        };
        let Ok((front, _, body_start)) = crate::load::front_matter::parse_titles(file, &text)
        else {
            continue;
        };
        let body = &text[body_start..];
        if crate::model::translation::digest(&front.title, body) == digest {
            return Some((front.title, body.to_string()));
        }
    }
    None
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// A word-level diff of `old` against `new`: changed runs as `[-old-]{+new+}` with a few
/// words of context, hunks separated by ` … `. Empty when they are equal.
pub fn word_diff(old: &str, new: &str) -> String {
    const CONTEXT: usize = 4;
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let ops = diff_ops(&a, &b);
    let changed: Vec<bool> = ops.iter().map(|op| !matches!(op, Op::Same(_))).collect();
    let mut out = String::new();
    let mut i = 0;
    while i < ops.len() {
        if !changed[i] {
            i += 1;
            continue;
        }
        // A hunk: from CONTEXT before the first change to CONTEXT after the last change
        // that is followed by fewer than 2*CONTEXT unchanged words.
        let start = i.saturating_sub(CONTEXT);
        let mut end = i;
        while end < ops.len() {
            if changed[end] {
                end += 1;
                continue;
            }
            let run = changed[end..].iter().take_while(|c| !**c).count();
            if end + run < ops.len() && run <= 2 * CONTEXT {
                end += run;
            } else {
                break;
            }
        }
        let stop = (end + CONTEXT).min(ops.len());
        if !out.is_empty() {
            out.push_str(" … ");
        }
        out.push_str(&render(&ops[start..stop]));
        i = stop;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

fn diff_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    // Longest common subsequence over words; texts are pages, a few hundred words.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same(a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(Op::Added(b[j]));
            j += 1;
        } else {
            ops.push(Op::Removed(a[i]));
            i += 1;
        }
    }
    ops
}

fn render(ops: &[Op<'_>]) -> String {
    let mut out = String::new();
    let mut k = 0;
    while k < ops.len() {
        if !out.is_empty() {
            out.push(' ');
        }
        match ops[k] {
            Op::Same(w) => {
                out.push_str(w);
                k += 1;
            }
            _ => {
                let run_end = ops[k..]
                    .iter()
                    .position(|op| matches!(op, Op::Same(_)))
                    .map_or(ops.len(), |p| k + p);
                let removed: Vec<&str> = ops[k..run_end]
                    .iter()
                    .filter_map(|op| {
                        if let Op::Removed(w) = op {
                            Some(*w)
                        } else {
                            None
                        }
                    })
                    .collect();
                let added: Vec<&str> = ops[k..run_end]
                    .iter()
                    .filter_map(|op| {
                        if let Op::Added(w) = op {
                            Some(*w)
                        } else {
                            None
                        }
                    })
                    .collect();
                if !removed.is_empty() {
                    out.push_str(&format!("[-{}-]", removed.join(" ")));
                }
                if !added.is_empty() {
                    out.push_str(&format!("{{+{}+}}", added.join(" ")));
                }
                k = run_end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_words_with_context() {
        assert_eq!(word_diff("a b c", "a b c"), "");
        assert_eq!(
            word_diff(
                "Die Miete ist am Monatsende fällig.",
                "Die Miete ist am Monatsanfang fällig."
            ),
            "Die Miete ist am [-Monatsende-]{+Monatsanfang+} fällig."
        );
        let old = "one two three four five six seven eight nine ten eleven twelve thirteen";
        let new =
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
        assert_eq!(
            word_diff(old, new),
            "ten eleven twelve thirteen {+fourteen+}"
        );
        let old = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16";
        let new = "X w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 Y";
        assert_eq!(
            word_diff(old, new),
            "[-w1-]{+X+} w2 w3 w4 w5 … w12 w13 w14 w15 [-w16-]{+Y+}"
        );
    }
}
