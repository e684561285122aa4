//! `wegweiser review remind`: write the reminders of
//! [`crate::output::remind`] as ready-to-send `.eml` files. wegweiser sends no mail itself.

use crate::model::{Municipality, Site};
use crate::output::remind::{Reminder, eml, file_name};

/// Write one `.eml` per reminder into `dir` (created if missing); returns the files.
pub fn write_all(
    site: &Site,
    reminders: &[(&Municipality, Reminder)],
    dir: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, crate::base::diagnostics::Diagnostic> {
    use crate::base::diagnostics::{Diagnostic, Severity};
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::file(
            Severity::Error,
            dir,
            format!("cannot create the folder: {e}"),
        )
    })?;
    let mut files = Vec::new();
    for (m, r) in reminders {
        let path = dir.join(file_name(m, r));
        crate::write::replace_file(&path, eml(r, m, site, m.today).as_bytes())
            .map_err(|e| Diagnostic::file(Severity::Error, &path, format!("cannot write: {e}")))?;
        files.push(path);
    }
    Ok(files)
}
