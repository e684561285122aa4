//! QR codes as SVG, made at build time: one `qr.svg` beside every page (encoding the
//! page's absolute URL) and the large codes of the poster page.
//!
//! The `qrcode` crate encodes; the SVG is written here from its module matrix: one
//! white square, then one black `<path>` stroked one module wide through the middle of
//! each row, a line per run of dark modules (`M x y.5 h n m gap 0 h n …`, in module
//! units: about 3 KB for a page's URL), with the four-module quiet zone the
//! specification asks for. Error correction level M (15 %) survives a folded or
//! slightly dirty flyer while keeping the code small enough to scan from a notice board.
//!
//! The mask is chosen here too, by the same penalty rules and with the same result as
//! the crate's `QrCode::new` (a test compares them): the crate scores each of the eight
//! masks by reading every module through a boxed closure, which was a quarter of a
//! whole build's CPU time with a code on every page; scoring a plain colour grid is
//! about twenty times cheaper.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

/// Modules of white around the code (ISO/IEC 18004: at least 4).
pub const QUIET_ZONE: usize = 4;

/// The QR code of `text` as a standalone SVG document, titled with `text`. `None`
/// when `text` is too long for any QR code (over ~2,300 bytes at level M).
pub fn svg(text: &str) -> Option<String> {
    let (width, colors) = modules(text.as_bytes())?;
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
        title = crate::base::xml::escape_text(text),
    ))
}

/// The masks of (non-micro) QR codes, in the order the crate tries them: on equal
/// penalties the first wins, as in the crate.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The width and the module colours (row by row) of the QR code of `data` at level M,
/// the smallest version that holds it; `None` when it is too long for any.
fn modules(data: &[u8]) -> Option<(usize, Vec<Color>)> {
    let bits = qrcode::bits::encode_auto(data, EcLevel::M).ok()?;
    let version = bits.version();
    let width = usize::try_from(version.width()).ok()?;
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let mut best: Option<(u32, Vec<Color>)> = None;
    for mask in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let colors = masked.into_colors();
        let score = penalty(&colors, width);
        if best.as_ref().is_none_or(|(least, _)| score < *least) {
            best = Some((score, colors));
        }
    }
    best.map(|(_, colors)| (width, colors))
}

/// The penalty of a masked code (ISO/IEC 18004 § 7.8.3, as the `qrcode` crate scores
/// it): runs of five or more modules of one colour in a row or column, 2 × 2 blocks of
/// one colour, finder-like 1:1:3:1:1 patterns with four light modules on one side,
/// and the distance of the dark share from one half.
fn penalty(colors: &[Color], width: usize) -> u32 {
    let rows: Vec<bool> = colors.iter().map(|c| *c == Color::Dark).collect();
    let columns: Vec<bool> = (0..width * width)
        .map(|i| rows[(i % width) * width + i / width])
        .collect();
    let mut score = 0;
    for line in rows.chunks_exact(width).chain(columns.chunks_exact(width)) {
        score += line_penalty(line);
    }
    // 2 × 2 blocks of one colour.
    for pair in rows.chunks_exact(width).collect::<Vec<_>>().windows(2) {
        let (top, bottom) = (pair[0], pair[1]);
        for x in 0..width - 1 {
            let c = top[x];
            if top[x + 1] == c && bottom[x] == c && bottom[x + 1] == c {
                score += 3;
            }
        }
    }
    // The dark share, in half percent away from 50 %.
    let dark = rows.iter().filter(|d| **d).count();
    let ratio = dark * 200 / rows.len();
    score + u32::try_from(ratio.abs_diff(100)).unwrap_or(u32::MAX)
}

/// The penalties of one row or column (`true` = dark): runs of one colour, and
/// dark-light-dark-dark-dark-light-dark with four light modules (or the edge) before
/// or after it.
fn line_penalty(line: &[bool]) -> u32 {
    const FINDER: [bool; 7] = [true, false, true, true, true, false, true];
    let mut score = 0;
    let mut run = 1;
    for j in 1..=line.len() {
        if j < line.len() && line[j] == line[j - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score += run - 2;
            }
            run = 1;
        }
    }
    for (j, window) in line.windows(7).enumerate() {
        if window != FINDER {
            continue;
        }
        let light_before = !line[j.saturating_sub(4)..j].contains(&true);
        let light_after = !line[j + 7..(j + 11).min(line.len())].contains(&true);
        if light_before || light_after {
            score += 40;
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_is_the_one_the_crate_chooses() {
        // URLs of every length a portal has, in Latin, percent-encoded Arabic and
        // Cyrillic, so that versions 2 to 10 and every mask come up.
        let mut masks_seen = std::collections::BTreeSet::new();
        for n in 0..200 {
            let tail = match n % 3 {
                0 => "ankommen/".repeat(n / 12),
                1 => "%D8%A7%D9%84%D8%B3%D9%83%D9%86/".repeat(n / 24),
                _ => "%D1%80%D0%B5%D1%94/".repeat(n / 16),
            };
            let url = format!("https://wegweiser.example.org/musterstadt/{n}/{tail}");
            let ours = modules(url.as_bytes()).unwrap();
            let crate_code =
                qrcode::QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
            assert_eq!(ours.0, crate_code.width(), "{url}");
            assert!(
                ours.1 == crate_code.to_colors(),
                "a different code for {url}"
            );
            masks_seen.insert(
                MASKS
                    .iter()
                    .position(|&m| {
                        let mut c = Canvas::new(crate_code.version(), EcLevel::M);
                        c.draw_all_functional_patterns();
                        let bits = qrcode::bits::encode_auto(url.as_bytes(), EcLevel::M).unwrap();
                        let (d, e) = qrcode::ec::construct_codewords(
                            &bits.into_bytes(),
                            crate_code.version(),
                            EcLevel::M,
                        )
                        .unwrap();
                        c.draw_data(&d, &e);
                        c.apply_mask(m);
                        c.into_colors() == ours.1
                    })
                    .unwrap(),
            );
        }
        assert!(masks_seen.len() >= 6, "only masks {masks_seen:?} came up");
    }

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
