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

use std::sync::OnceLock;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, Version};

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
            // `M x y.5` to the first run of a row, `m gap 0` to the next one: a few
            // hundred numbers per code, written without `fmt` (a fifth of the cost).
            match pen {
                None => {
                    path.push('M');
                    push_number(&mut path, start + QUIET_ZONE);
                    path.push(' ');
                    push_number(&mut path, y + QUIET_ZONE);
                    path.push_str(".5");
                }
                Some(end) => {
                    path.push('m');
                    push_number(&mut path, start - end);
                    path.push_str(" 0");
                }
            }
            path.push('h');
            push_number(&mut path, x - start);
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

/// Appends `n` in decimal.
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        // `n % 10` is below 10: the cast cannot truncate.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
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
    // The lengths are those of every code of this version at level M.
    if let Some(empty) = Empty::of(version, data.len(), ec.len()) {
        canvas.draw_data(&data, &ec);
        return Some((width, empty.best_mask(canvas.into_colors())));
    }
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

/// The code of one version with all its data modules light, unmasked and under each
/// of the eight masks (with the mask's format information), as bit sets.
///
/// Masking flips data modules only, so a code under mask `k` is this code's mask `k`
/// XOR (its data modules that are dark): one XOR per line instead of the crate's
/// `apply_mask` (a closure call per module, eight times per code, a third of a page's
/// QR code). Computed once per version and then only read: it is a function of the
/// version alone, like a table of constants.
struct Empty {
    unmasked: Lines,
    masked: Vec<Lines>,
}

impl Empty {
    /// Versions 1 to 27 (up to 125 modules, within [`Lines::MAX_WIDTH`]): URLs of up
    /// to about 1,000 bytes. Longer ones take the crate's way.
    const VERSIONS: usize = 27;
}

// The widest code of the table fits the bit sets.
const _: () = assert!(17 + 4 * Empty::VERSIONS <= Lines::MAX_WIDTH);

impl Empty {
    /// The table of `version`, whose codes have `data_len` data and `ec_len`
    /// error-correction codewords.
    fn of(version: Version, data_len: usize, ec_len: usize) -> Option<&'static Empty> {
        static TABLE: [OnceLock<Empty>; Empty::VERSIONS] =
            [const { OnceLock::new() }; Empty::VERSIONS];
        let Version::Normal(n) = version else {
            return None;
        };
        let slot = TABLE.get(usize::try_from(n).ok()?.checked_sub(1)?)?;
        Some(slot.get_or_init(|| Empty::new(version, data_len, ec_len)))
    }

    fn new(version: Version, data_len: usize, ec_len: usize) -> Self {
        let width = usize::try_from(version.width()).unwrap_or(0);
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&vec![0; data_len], &vec![0; ec_len]);
        let masked = MASKS
            .iter()
            .map(|&mask| {
                let mut c = canvas.clone();
                c.apply_mask(mask);
                Lines::new(&c.into_colors(), width)
            })
            .collect();
        Empty {
            unmasked: Lines::new(&canvas.into_colors(), width),
            masked,
        }
    }

    /// The colours of a code drawn unmasked (`unmasked`) under the mask with the least
    /// penalty, the first of equal ones (as the crate chooses).
    fn best_mask(&self, unmasked: Vec<Color>) -> Vec<Color> {
        let width = self.unmasked.width;
        let mut data = Lines::new(&unmasked, width);
        data.xor(&self.unmasked);
        let mut best: Option<(u32, Lines)> = None;
        for mask in &self.masked {
            let mut code = data.clone();
            code.xor(mask);
            let score = code.penalty();
            if best.as_ref().is_none_or(|(least, _)| score < *least) {
                best = Some((score, code));
            }
        }
        let mut colors = unmasked;
        if let Some((_, code)) = best {
            for (y, &row) in code.rows.iter().enumerate() {
                for (x, c) in colors[y * width..(y + 1) * width].iter_mut().enumerate() {
                    *c = if (row >> x) & 1 == 1 {
                        Color::Dark
                    } else {
                        Color::Light
                    };
                }
            }
        }
        colors
    }
}

/// A code's rows and columns as bit sets (module `i` of a line in bit `i`), to score a
/// mask without a branch per module: the scalar [`penalty`] mispredicts on about every
/// other module of a random-looking code, which made it most of the cost of a page's
/// QR code. Codes up to 128 modules wide (version 27: a URL of about 1,000 bytes).
#[derive(Clone)]
struct Lines {
    width: usize,
    rows: Vec<u128>,
    columns: Vec<u128>,
}

impl Lines {
    const MAX_WIDTH: usize = 128;

    fn new(colors: &[Color], width: usize) -> Self {
        let mut rows = vec![0u128; width];
        let mut columns = vec![0u128; width];
        for (y, row) in colors.chunks_exact(width).enumerate() {
            let mut bits = 0u128;
            for (x, &c) in row.iter().enumerate() {
                let dark = u128::from(c == Color::Dark);
                bits |= dark << x;
                columns[x] |= dark << y;
            }
            rows[y] = bits;
        }
        Lines {
            width,
            rows,
            columns,
        }
    }

    /// XORs `other` (a code of the same width) into this one.
    fn xor(&mut self, other: &Lines) {
        for (a, b) in self.rows.iter_mut().zip(&other.rows) {
            *a ^= b;
        }
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            *a ^= b;
        }
    }

    /// The same score as [`penalty`] (a test compares them).
    fn penalty(&self) -> u32 {
        let all = if self.width == 128 {
            u128::MAX
        } else {
            (1u128 << self.width) - 1
        };
        let mut score = 0;
        for &line in self.rows.iter().chain(&self.columns) {
            score += self.line_penalty(line, all);
        }
        // 2 × 2 blocks of one colour: bit x where top[x], top[x+1], bottom[x] and
        // bottom[x+1] agree.
        let inner = all >> 1;
        for pair in self.rows.windows(2) {
            let (top, bottom) = (pair[0], pair[1]);
            let same = !(top ^ bottom) & !(top ^ (top >> 1)) & !(bottom ^ (bottom >> 1));
            score += 3 * (same & inner).count_ones();
        }
        let dark: usize = self.rows.iter().map(|r| r.count_ones() as usize).sum();
        let ratio = dark * 200 / (self.width * self.width);
        score + u32::try_from(ratio.abs_diff(100)).unwrap_or(u32::MAX)
    }

    /// Runs of five or more (a run of `r` costs `r - 2`) and finder-like patterns.
    fn line_penalty(&self, line: u128, all: u128) -> u32 {
        // Bit j: module j has the colour of module j - 1.
        let same = !(line ^ (line << 1)) & all & !1;
        // Bit j: the run reaching j is at least 5 long; at least 6 long. A run of r
        // has r - 4 of the first and r - 5 of the second: 3(r-4) - 2(r-5) = r - 2.
        let five = same & (same << 1) & (same << 2) & (same << 3);
        let six = five & (same << 4);
        let mut score = 3 * five.count_ones() - 2 * six.count_ones();
        // Bit e: modules e-6..=e are dark-light-dark-dark-dark-light-dark.
        let mut finders = (line << 6)
            & !(line << 5)
            & (line << 4)
            & (line << 3)
            & (line << 2)
            & !(line << 1)
            & line
            & all
            & !0x3f;
        while finders != 0 {
            let end = finders.trailing_zeros() as usize;
            finders &= finders - 1;
            let j = end - 6;
            let light = |from: usize, to: usize| {
                to <= from || (line >> from) & ((1u128 << (to - from)) - 1) == 0
            };
            if light(j.saturating_sub(4), j) || light(j + 7, (j + 11).min(self.width)) {
                score += 40;
            }
        }
        score
    }
}

/// The penalty of a masked code (ISO/IEC 18004 § 7.8.3, as the `qrcode` crate scores
/// it): runs of five or more modules of one colour in a row or column, 2 × 2 blocks of
/// one colour, finder-like 1:1:3:1:1 patterns with four light modules on one side,
/// and the distance of the dark share from one half.
///
/// Eight masks are scored for every page's code, so this is written for speed: no
/// division per module (the columns are copied row by row), and the finder-like
/// pattern is matched on a rolling 7-bit window instead of comparing slices.
fn penalty(colors: &[Color], width: usize) -> u32 {
    let rows: Vec<bool> = colors.iter().map(|c| *c == Color::Dark).collect();
    let mut score = 0;
    for row in rows.chunks_exact(width) {
        score += line_penalty(row);
    }
    let mut column = vec![false; width];
    for x in 0..width {
        for (y, module) in column.iter_mut().enumerate() {
            *module = rows[y * width + x];
        }
        score += line_penalty(&column);
    }
    // 2 × 2 blocks of one colour.
    for (top, bottom) in rows
        .chunks_exact(width)
        .zip(rows.chunks_exact(width).skip(1))
    {
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
    /// Dark-light-dark-dark-dark-light-dark, the first module in the highest bit.
    const FINDER: u8 = 0b101_1101;
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
    // The last seven modules, the newest in the lowest bit.
    let mut window = 0u8;
    for (end, &dark) in line.iter().enumerate() {
        window = ((window << 1) | u8::from(dark)) & 0x7f;
        if end < 6 || window != FINDER {
            continue;
        }
        let j = end - 6;
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
    fn long_codes_are_the_crates_too() {
        // Versions 11 to 33: both sides of the bit-set tables' limit (version 27).
        for len in [300, 450, 600, 750, 900, 1000, 1050, 1100, 1300] {
            let url = format!("https://x.org/{}", "%D8%A7".repeat(len / 6));
            let ours = modules(url.as_bytes()).unwrap();
            let crate_code =
                qrcode::QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
            assert_eq!(ours.0, crate_code.width(), "{len}");
            assert!(
                ours.1 == crate_code.to_colors(),
                "a different code at {len}"
            );
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 100, 4711, usize::MAX] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn the_bit_set_score_is_the_scalar_score() {
        // Random grids of every width up to the bit sets' limit, some mostly dark or
        // light (long runs, 2 × 2 blocks), and grids with finder-like patterns at the
        // edges.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for width in (21..=Lines::MAX_WIDTH).chain([21, 21, 25, 25, 29]) {
            for bias in [50, 15, 85] {
                let colors: Vec<Color> = (0..width * width)
                    .map(|_| {
                        if next() % 100 < bias {
                            Color::Dark
                        } else {
                            Color::Light
                        }
                    })
                    .collect();
                assert_eq!(
                    Lines::new(&colors, width).penalty(),
                    penalty(&colors, width),
                    "width {width}, bias {bias}"
                );
            }
        }
        let finder = [true, false, true, true, true, false, true];
        for width in [21, 64, 65, 128] {
            for at in [0, 1, 3, 4, 5, width - 11, width - 8, width - 7] {
                let mut colors = vec![Color::Light; width * width];
                for (i, &dark) in finder.iter().enumerate() {
                    if dark {
                        colors[at + i] = Color::Dark;
                        colors[(at + i) * width] = Color::Dark;
                    }
                }
                assert_eq!(
                    Lines::new(&colors, width).penalty(),
                    penalty(&colors, width),
                    "width {width}, finder at {at}"
                );
            }
        }
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
