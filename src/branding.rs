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

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Severity};
use crate::load::AssetFile;
use crate::model::Municipality;
use crate::model_urls::encode_segment;

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

const IMAGE_TYPES: &[&str] = &["svg", "png", "webp", "jpg", "jpeg", "avif"];

/// Check `[theme]`: colour syntax (error) and contrast (warning), image files exist
/// among the municipality's files (error).
pub fn check(
    theme: &ThemeSettings,
    display: &Path,
    text: &str,
    assets: &[AssetFile],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(color) = &theme.primary_color {
        match Rgb::parse(color.get_ref()) {
            None => diagnostics.push(
                Diagnostic::error_at(
                    display,
                    text,
                    color.span(),
                    format!("`{}` is not a colour", color.get_ref()),
                )
                .with_hint("write it as \"#rrggbb\", for example \"#0b5cad\""),
            ),
            Some(rgb) => {
                let ratio = rgb.contrast(Rgb::WHITE);
                if ratio < MIN_CONTRAST {
                    diagnostics.push(
                        Diagnostic::at(
                            Severity::Warning,
                            display,
                            text,
                            color.span(),
                            format!(
                                "primary colour {} has a contrast of {:.2}:1 against white; WCAG 2.1 AA needs {MIN_CONTRAST}:1 for text",
                                rgb.hex(),
                                (ratio * 100.0).floor() / 100.0
                            ),
                        )
                        .with_hint("links and buttons use it on white and with white text: choose a darker shade"),
                    );
                }
            }
        }
    }
    for (key, file) in [("logo", &theme.logo), ("coat_of_arms", &theme.coat_of_arms)] {
        let Some(file) = file else { continue };
        let rel = file.get_ref().trim_start_matches('/');
        let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let problem = if !IMAGE_TYPES.contains(&ext.as_str()) {
            Some((
                format!("`{key}` must be an image ({})", IMAGE_TYPES.join(", ")),
                "SVG keeps it sharp at every size".to_string(),
            ))
        } else if !assets.iter().any(|a| a.rel == rel) {
            Some((
                format!("`{key}` names `{rel}`, which is not in the municipality folder"),
                "give the path relative to the folder of municipality.toml".to_string(),
            ))
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            diagnostics
                .push(Diagnostic::error_at(display, text, file.span(), message).with_hint(hint));
        }
    }
}

/// The theme files of a municipality: (path of the source file relative to the
/// municipality folder, file name under `/<m>/_theme/`).
pub fn images(theme: &ThemeSettings) -> Vec<(String, String)> {
    [&theme.logo, &theme.coat_of_arms]
        .into_iter()
        .flatten()
        .map(|f| {
            let rel = f.get_ref().trim_start_matches('/').to_string();
            let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
            (rel, name)
        })
        .collect()
}

/// The generated style sheet: the primary colour as the theme's accent, in light mode
/// (the dark palette keeps its own light accent, which has the contrast there).
pub fn stylesheet(theme: &ThemeSettings) -> Option<String> {
    let rgb = Rgb::parse(theme.primary_color.as_ref()?.get_ref())?;
    let hex = rgb.hex();
    Some(format!(
        "/* Generated by wegweiser from [theme] in municipality.toml. */\n\
         @media not (prefers-color-scheme: dark) {{\n  :root {{ --accent: {hex}; --note: {hex}; }}\n}}\n"
    ))
}

/// What templates get as `municipality.brand`.
#[derive(Debug, Serialize)]
pub struct Brand {
    /// URL of `theme.css`, when there is a primary colour.
    pub stylesheet: Option<String>,
    pub logo: Option<String>,
    pub coat_of_arms: Option<String>,
}

/// URL folder of a municipality's theme files.
pub fn folder_url(base_path: &str, m: &Municipality) -> String {
    format!("{base_path}/{}/_theme/", encode_segment(&m.slug))
}

pub fn brand(base_path: &str, m: &Municipality) -> Option<Brand> {
    let theme = m.theme.as_ref()?;
    let folder = folder_url(base_path, m);
    let image = |f: &Option<Spanned<String>>| {
        f.as_ref().map(|f| {
            let rel = f.get_ref();
            let name = rel.rsplit('/').next().unwrap_or(rel);
            format!("{folder}{}", encode_segment(name))
        })
    };
    Some(Brand {
        stylesheet: stylesheet(theme).map(|_| format!("{folder}theme.css")),
        logo: image(&theme.logo),
        coat_of_arms: image(&theme.coat_of_arms),
    })
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

    fn theme(text: &str) -> ThemeSettings {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn bad_and_pale_colours_are_reported_at_the_value() {
        let text = "primary_color = \"#ffcc00\"\n";
        let mut d = Vec::new();
        check(&theme(text), Path::new("m.toml"), text, &[], &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!((d[0].line, d[0].column), (1, 17));
        assert!(
            d[0].message.contains(":1 against white"),
            "{}",
            d[0].message
        );

        let text = "primary_color = \"blue\"\n";
        let mut d = Vec::new();
        check(&theme(text), Path::new("m.toml"), text, &[], &mut d);
        assert!(d[0].is_error());

        let text = "primary_color = \"#0b5cad\"\nlogo = \"wappen.svg\"\n";
        let mut d = Vec::new();
        check(&theme(text), Path::new("m.toml"), text, &[], &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 2);
        assert!(d[0].message.contains("not in the municipality folder"));
    }

    #[test]
    fn the_stylesheet_sets_the_light_accent() {
        let css = stylesheet(&theme("primary_color = \"#8B1A1A\"\n")).unwrap();
        assert!(css.contains("--accent: #8b1a1a"));
        assert!(css.contains("not (prefers-color-scheme: dark)"));
        assert!(stylesheet(&theme("")).is_none());
    }
}
