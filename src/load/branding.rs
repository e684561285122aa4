//! Checks of `[theme]` in municipality.toml and the image files it names (see
//! `model_branding`).

use std::path::Path;

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::AssetFile;
use crate::model::branding::{MIN_CONTRAST, Rgb, ThemeSettings};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostics::Severity;

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
}
