//! Per-municipality branding from `[theme]` in municipality.toml: logo, coat of arms
//! and primary colour, without template edits.
//!
//! The colour reaches the pages through a small generated style sheet,
//! `/<m>/_theme/theme.css`, linked from every page of the municipality after the
//! theme's own: no inline `style`, so a Content-Security-Policy without
//! `'unsafe-inline'` holds. Logo and coat of arms are copied to `/<m>/_theme/`.
//!
//! The build checks the colour against WCAG 2.1 (1.4.3, 1.4.11): it is used as text on
//! the white background and as the background of white text, so its contrast against
//! white must be at least 4.5:1.
//!
//! The settings and colours as plain data; the checks are in `load_branding`,
//! the style sheet and the URLs of the files in `output_branding`.

use serde::Deserialize;
use toml::Spanned;

/// `[theme]` in municipality.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSettings {
    /// Image file below the municipality folder, shown in the header instead of the
    /// name (its text alternative is the municipality's name).
    pub logo: Option<Spanned<String>>,
    /// Image file below the municipality folder, shown beside the name.
    pub coat_of_arms: Option<Spanned<String>>,
    /// `#rrggbb`: links, buttons and accents.
    pub primary_color: Option<Spanned<String>>,
}

/// Minimum contrast of text (WCAG 2.1 SC 1.4.3, level AA).
pub const MIN_CONTRAST: f64 = 4.5;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// `#rrggbb` (or `#rgb`).
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize, len: usize| u8::from_str_radix(&hex[i..i + len], 16).ok();
        match hex.len() {
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.1 definition).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// Contrast ratio with `other`, 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }
}

/// Languages written in Arabic script, whose pages load the bundled Naskh font.
pub const ARABIC_SCRIPT: &[&str] = &["ar", "fa", "ur", "ps", "ckb", "prs"];

pub fn is_arabic_script(code: &str) -> bool {
    ARABIC_SCRIPT.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luminance_and_contrast_follow_wcag() {
        assert_eq!(Rgb(0, 0, 0).luminance(), 0.0);
        assert!((Rgb::WHITE.luminance() - 1.0).abs() < 1e-12);
        assert!((Rgb(0, 0, 0).contrast(Rgb::WHITE) - 21.0).abs() < 1e-9);
        assert!((Rgb::WHITE.contrast(Rgb::WHITE) - 1.0).abs() < 1e-12);
        // Known values: #767676 is the lightest grey with 4.5:1 on white.
        let grey = Rgb::parse("#767676").unwrap().contrast(Rgb::WHITE);
        assert!((4.54..4.55).contains(&grey), "{grey}");
        let lighter = Rgb::parse("#777777").unwrap().contrast(Rgb::WHITE);
        assert!(lighter < MIN_CONTRAST, "{lighter}");
        // The theme's own accent.
        let accent = Rgb::parse("#0b5cad").unwrap().contrast(Rgb::WHITE);
        assert!((6.6..6.8).contains(&accent), "{accent}");
        // Symmetric.
        let (a, b) = (Rgb(200, 30, 40), Rgb(10, 90, 20));
        assert_eq!(a.contrast(b), b.contrast(a));
    }

    #[test]
    fn colours_parse_strictly() {
        assert_eq!(Rgb::parse("#0B5cad"), Some(Rgb(11, 92, 173)));
        assert_eq!(Rgb::parse("#fff"), Some(Rgb::WHITE));
        assert_eq!(Rgb::parse("0b5cad"), None);
        assert_eq!(Rgb::parse("#0b5cag"), None);
        assert_eq!(Rgb::parse("#0b5ca"), None);
        assert_eq!(Rgb::parse("#ééé"), None);
        assert_eq!(Rgb(11, 92, 173).hex(), "#0b5cad");
    }
}
