//! The files the renderer copies rather than renders: the theme's static files (with
//! content-hashed names), the files beside a page (images, PDFs) and a municipality's
//! theme (`_theme/theme.css`, its logo and coat of arms).

use rayon::prelude::*;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::LangIdx;
use crate::output::fingerprint::Content;
use crate::render::{Renderer, Tally};
use crate::theme::FileSource;
use crate::write::Sink;

impl Renderer<'_> {
    /// Write the theme's static files, with their content-hashed names; returns the
    /// problems.
    pub(crate) fn write_statics(&self, out: &dyn Sink, tally: &Tally) -> Vec<Diagnostic> {
        self.assets
            .files
            .par_iter()
            .filter_map(|(rel, content)| {
                let result = match content {
                    Content::File(FileSource::Embedded(b)) => {
                        out.write(rel, b).map(|_| b.len() as u64)
                    }
                    Content::Bytes(b) => out.write(rel, b).map(|_| b.len() as u64),
                    Content::File(FileSource::Disk(p)) => out
                        .copy(p, rel)
                        .and_then(|_| Ok(std::fs::metadata(p)?.len())),
                };
                match result {
                    Ok(n) => {
                        tally.others(1, n);
                        None
                    }
                    Err(e) => Some(Diagnostic::file(
                        Severity::Error,
                        format!("static/{rel}"),
                        format!("cannot write: {e}"),
                    )),
                }
            })
            .collect()
    }

    /// Copy a file beside a page for readers of `lang`; returns its size.
    pub(crate) fn copy_asset(
        &self,
        m: usize,
        asset: usize,
        lang: LangIdx,
        out: &dyn Sink,
    ) -> Result<u64, Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let a = &municipality.assets[asset];
        let owner = municipality.pages[a.owner].localized[lang]
            .as_ref()
            .expect("jobs are made for localized owners");
        let rel = format!("{}/{}", owner.dir, a.name);
        let size = publish(out, &a.path, a.content.as_deref(), &rel).map_err(|e| {
            Diagnostic::file(
                Severity::Error,
                &a.path,
                format!("cannot copy to the site: {e}"),
            )
        })?;
        Ok(size)
    }

    /// Write the municipality's colour style sheet; returns its size.
    pub(crate) fn write_theme_css(&self, m: usize, out: &dyn Sink) -> Result<u64, Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let css = municipality
            .theme
            .as_ref()
            .and_then(crate::output::branding::stylesheet)
            .expect("jobs are made for a colour");
        let rel = format!("{}/_theme/theme.css", municipality.slug);
        out.write(&rel, css.as_bytes()).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
        })?;
        Ok(css.len() as u64)
    }

    /// Copy a file of the municipality's theme (logo, coat of arms); returns its size.
    pub(crate) fn copy_theme_file(
        &self,
        m: usize,
        index: usize,
        out: &dyn Sink,
    ) -> Result<u64, Diagnostic> {
        let municipality = &self.site.municipalities[m];
        let (path, name, content) = &municipality.theme_files[index];
        let rel = format!("{}/_theme/{name}", municipality.slug);
        let size = publish(out, path, content.as_deref(), &rel).map_err(|e| {
            Diagnostic::file(
                Severity::Error,
                path,
                format!("cannot copy to the site: {e}"),
            )
        })?;
        Ok(size)
    }
}

/// Copy a file from the portal to `rel`, or write `content` in its place (an SVG as
/// [`crate::load::svg`] wrote it again); the number of bytes published.
fn publish(
    out: &dyn Sink,
    path: &std::path::Path,
    content: Option<&[u8]>,
    rel: &str,
) -> std::io::Result<u64> {
    match content {
        Some(bytes) => out.write(rel, bytes).map(|_| bytes.len() as u64),
        None => out
            .copy(path, rel)
            .and_then(|_| Ok(std::fs::metadata(path)?.len())),
    }
}
