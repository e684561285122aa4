//! Where the files of a page's share section are in the output: every page's QR code
//! (`qr.svg` beside its `index.html`) and the poster page of a municipality's start
//! page in each language.

use crate::model::urls::encode_segment;
use crate::model::{LangIdx, Municipality};

/// The URL segment of the poster page below a start page: `/<m>/<lang>/poster/`.
pub const POSTER: &str = "poster";

/// The file name of every page's QR code, beside its `index.html`.
pub const QR_FILE: &str = "qr.svg";

/// The folder and URL path of the poster page of `m` for readers of `lang`.
pub fn poster_location(m: &Municipality, lang: LangIdx) -> Option<(String, String)> {
    crate::model::place::section_location(m, lang, POSTER)
}

/// The URL path of the page whose `index.html` is at `dir` (a path below the output
/// root, unencoded), below the portal path `base_path`.
pub fn url_of_dir(base_path: &str, dir: &str) -> String {
    let encoded: Vec<String> = dir.split('/').map(encode_segment).collect();
    format!("{base_path}/{}/", encoded.join("/"))
}
