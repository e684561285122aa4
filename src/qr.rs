//! QR codes as SVG, made at build time: one `qr.svg` beside every page (encoding the
//! page's absolute URL) and the large codes of the poster page.
//!
//! The `qrcode` crate encodes; the SVG is written here from its module matrix: one
//! white square, then one black `<path>` stroked one module wide through the middle of
//! each row, a line per run of dark modules (`M x y.5 h n m gap 0 h n …`, in module
//! units: about 3 KB for a page's URL), with the four-module quiet zone the
//! specification asks for. Error correction level M (15 %) survives a folded or
//! slightly dirty flyer while keeping the code small enough to scan from a notice board.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white around the code (ISO/IEC 18004: at least 4).
pub const QUIET_ZONE: usize = 4;

/// The QR code of `text` as a standalone SVG document, titled with `text`. `None`
/// when `text` is too long for any QR code (over ~2,300 bytes at level M).
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::with_capacity(width * width);
    for y in 0..width {
        let row = &colors[y * width..(y + 1) * width];
        // Where the pen is after the last run of this row, if any.
        let mut pen: Option<usize> = None;
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            match pen {
                None => path.push_str(&format!("M{} {}.5", start + QUIET_ZONE, y + QUIET_ZONE)),
                Some(end) => path.push_str(&format!("m{} 0", start - end)),
            }
            path.push_str(&format!("h{}", x - start));
            pen = Some(x);
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\">\
         <title>{title}</title>\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path stroke=\"#000\" d=\"{path}\"/></svg>\n",
        px = size * 4,
        title = crate::xml::escape_text(text),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_has_its_quiet_zone_and_a_title() {
        let s = svg("https://portal.example.org/m/de/").unwrap();
        assert!(
            s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{s}"
        );
        assert!(
            s.contains("<title>https://portal.example.org/m/de/</title>"),
            "{s}"
        );
        // Version 3 (29 modules) at level M for 32 bytes, plus 2 × 4 modules.
        assert!(s.contains("viewBox=\"0 0 37 37\""), "{s}");
        // The first row starts with the finder pattern, inside the quiet zone.
        assert!(s.contains("d=\"M4 4.5h7m"), "{s}");
    }

    #[test]
    fn titles_are_escaped() {
        let s = svg("https://x.org/?a=1&b=<2>").unwrap();
        assert!(
            s.contains("<title>https://x.org/?a=1&amp;b=&lt;2&gt;</title>"),
            "{s}"
        );
    }

    #[test]
    fn text_too_long_for_a_code_makes_none() {
        assert!(svg(&"x".repeat(5000)).is_none());
    }
}
