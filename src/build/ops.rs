//! What the commands do beyond running the pipeline, as library functions so that an
//! API or a CMS can do the same: find the portal, load its model for the editorial
//! commands, and say in one line what a build did.

use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::build::pipeline::{BuildOptions, BuildReport, SiteCounts, find_root};
use crate::model::Site;

/// The portal root: `root` if it holds a `wegweiser.toml`, or without `root` the
/// nearest folder from the current one upward that does. The error says what is wrong
/// and how to make a portal.
pub fn portal_root(root: Option<&Path>) -> Result<PathBuf, String> {
    match root {
        Some(r) if r.join("wegweiser.toml").is_file() => Ok(r.to_path_buf()),
        Some(r) if !r.exists() => Err(format!("{} does not exist", r.display())),
        Some(r) => Err(format!(
            "{} is not a portal: it has no wegweiser.toml (create one with `wegweiser init`)",
            r.display()
        )),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the current folder: {e}"))?;
            find_root(&cwd).ok_or_else(|| {
                "no wegweiser.toml in this folder or above it: pass the portal folder, or create one with `wegweiser init`".to_string()
            })
        }
    }
}

/// The resolved model of the portal at `root`, as a build sees it (drafts left out),
/// with `today` for review dates if given, and the problems found on the way. `None`
/// when the portal cannot be read at all; with errors, the pages that loaded are there.
pub fn load_model(root: &Path, today: Option<jiff::civil::Date>) -> (Option<Site>, Diagnostics) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        today,
        ..Default::default()
    };
    let mut diagnostics = Diagnostics::new();
    let site = crate::build::pipeline::load_site(&options, &mut diagnostics).map(|(site, _)| site);
    (site, diagnostics)
}

/// The line that ends a successful build or check: "Built 2 municipalities, … in 0.41 s
/// → public/ (1 warning)". The output folder is shown relative to the portal root, or
/// else to the current folder, where it lies inside them.
pub fn summary(report: &BuildReport, options: &BuildOptions) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let warnings = report.warning_count();
    let warned = if warnings > 0 {
        format!(" ({})", plural(warnings, "warning", "warnings"))
    } else {
        String::new()
    };
    let counts = SiteCounts {
        municipalities: report.municipalities,
        languages: report.languages,
        pages: report.pages,
    };
    let seconds = report.duration.as_secs_f64();
    match &report.output {
        Some(out) => {
            let shown = out.strip_prefix(&options.root).unwrap_or(out);
            let shown = shown
                .strip_prefix(std::env::current_dir().unwrap_or_default())
                .unwrap_or(shown);
            format!(
                "Built {counts} in {seconds:.2} s → {}/{warned}",
                shown.display()
            )
        }
        None => format!("Checked {counts} in {seconds:.2} s: no errors{warned}"),
    }
}

/// The line that ends a failed build (`write`) or check: how many errors and warnings,
/// and for a build that the previous output is unchanged.
pub fn failure_summary(diagnostics: &[Diagnostic], write: bool) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let what = if write {
        "Build failed"
    } else {
        "Check failed"
    };
    let kept = if write {
        "; the previous output is unchanged"
    } else {
        ""
    };
    let counted = if errors == 0 {
        format!("{warnings} warning(s) with --strict")
    } else {
        format!("{errors} error(s), {warnings} warning(s)")
    };
    format!("{what}: {counted}{kept}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostics::Severity;

    #[test]
    fn portal_root_names_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let e = portal_root(Some(&missing)).unwrap_err();
        assert!(e.ends_with("nope does not exist"), "{e}");
        let e = portal_root(Some(dir.path())).unwrap_err();
        assert!(e.contains("is not a portal"), "{e}");
        std::fs::write(dir.path().join("wegweiser.toml"), "").unwrap();
        assert_eq!(portal_root(Some(dir.path())).unwrap(), dir.path());
    }

    #[test]
    fn failure_summary_counts_errors_and_warnings() {
        let error = Diagnostic::file(Severity::Error, Path::new("a.md"), "bad");
        let warning = Diagnostic::file(Severity::Warning, Path::new("b.md"), "odd");
        assert_eq!(
            failure_summary(&[error, warning.clone()], true),
            "Build failed: 1 error(s), 1 warning(s); the previous output is unchanged"
        );
        assert_eq!(
            failure_summary(&[warning], false),
            "Check failed: 1 warning(s) with --strict"
        );
    }
}
