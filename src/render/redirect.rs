//! The pages at old URLs that forward to the new ones (`aliases`).

use crate::base::diagnostics::Diagnostic;
use crate::render::Renderer;

impl Renderer<'_> {
    /// Where a forwarding page goes, and its bytes.
    pub(crate) fn redirect_file(
        &self,
        m: usize,
        index: usize,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let r = &self.site.municipalities[m].redirects[index];
        Ok((
            format!("{}/index.html", r.dir),
            redirect_page(&self.site.base_url.absolute(&r.to)).into_bytes(),
        ))
    }
}

/// A page that forwards to `to` (an absolute URL), for old URLs.
fn redirect_page(to: &str) -> String {
    let to = crate::model::body::escape_attr(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n\
         <meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{to}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n\
         <p><a href=\"{to}\">{to}</a></p>\n</body>\n</html>\n"
    )
}
