//! Importing translated XLIFF into the portal, as `wegweiser translations import`
//! does it: plan, check in a staging copy, then write. The steps are in
//! [`crate::edit::xliff`]; this joins the first two so that every caller checks before
//! writing.

use std::path::Path;

use crate::base::diagnostics::Diagnostic;
use crate::edit::xliff::ImportPlan;
use crate::model::Site;

/// Why an import can write nothing.
#[derive(Debug)]
pub enum Refusal {
    /// The document cannot be imported as a whole (its problems at their lines).
    Invalid(Vec<Diagnostic>),
    /// The check of the planned files failed, or could not run.
    Unchecked(Diagnostic),
}

/// The files an import of `text` (the XLIFF document read from `file`) into the portal
/// at `root` (loaded as `site`) will write, after checking their links and anchors as a
/// build does ([`crate::edit::xliff::check_in_staging`]). Pages with problems are left out
/// and named in the plan's `errors`. Nothing is written: pass the plan to
/// [`crate::edit::xliff::apply`]. With `force`, translation files that changed since the
/// export are overwritten.
pub fn checked_plan(
    root: &Path,
    site: &Site,
    file: &Path,
    text: &str,
    force: bool,
) -> Result<ImportPlan, Refusal> {
    let mut plan =
        crate::edit::xliff::plan_import(site, file, text, force).map_err(Refusal::Invalid)?;
    crate::edit::xliff::check_in_staging(root, file, &mut plan).map_err(Refusal::Unchecked)?;
    Ok(plan)
}
