//! `wegweiser init`: a new portal with one municipality, ready to build.

use std::fs;
use std::io;
use std::path::Path;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum InitError {
    #[error("{0} already exists and is not empty: choose a new folder")]
    NotEmpty(String),
    #[error("cannot create {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot mark {path} as translated from the current source: {message}")]
    Stamp { path: String, message: String },
}

const FILES: &[(&str, &str)] = &[
    (
        "wegweiser.toml",
        r#"# Portal settings: see docs/format.md of wegweiser.
title = "Wegweiser Neustadt"
base_url = "https://wegweiser.example.org"

[build]
output_dir = "public"
minify = true
"#,
    ),
    (
        "content/neustadt/municipality.toml",
        r#"name = "Neustadt"
source_language = "de"
languages = ["de", "en", "ar", "uk"]

[contact]
email = "integration@neustadt.example"
"#,
    ),
    (
        "content/neustadt/_index.de.md",
        r#"+++
title = "Willkommen in Neustadt"
description = "Informationen für Neuzugewanderte in Neustadt"
+++

Hier finden Sie Informationen für Ihre ersten Wochen in Neustadt.

- [Ankommen](ankommen/)
"#,
    ),
    (
        "content/neustadt/_index.en.md",
        r#"+++
title = "Welcome to Neustadt"
description = "Information for newcomers in Neustadt"
+++

Here you find information for your first weeks in Neustadt.

- [Arrival](ankommen/)
"#,
    ),
    (
        "content/neustadt/ankommen/_index.de.md",
        r#"+++
title = "Ankommen"
weight = 10
+++

Die ersten Schritte nach Ihrer Ankunft.
"#,
    ),
    (
        "content/neustadt/ankommen/anmeldung.de.md",
        r#"+++
title = "Wohnung anmelden"
description = "Innerhalb von zwei Wochen beim Bürgerbüro anmelden"
weight = 10
+++

Wenn Sie in eine Wohnung einziehen, melden Sie sich innerhalb von **zwei Wochen**
beim Bürgerbüro an.

> [!TIP]
> Nehmen Sie Ihren Pass und die Bestätigung Ihres Vermieters mit.

Zurück zur [Startseite](@/_index.md).
"#,
    ),
    (
        "content/neustadt/ankommen/anmeldung.en.md",
        r#"+++
title = "Registering your flat"
description = "Register at the citizens' office within two weeks"
slug = "registration"
+++

When you move into a flat, register at the citizens' office (Bürgerbüro) within
**two weeks**.

> [!TIP]
> Bring your passport and the confirmation from your landlord.

Back to the [start page](@/_index.md).
"#,
    ),
];

/// Create a new portal in `dir` (which must not exist or be empty).
pub fn init(dir: &Path) -> Result<(), InitError> {
    let io_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() && fs::read_dir(dir).map_err(io_err(dir))?.next().is_some() {
        return Err(InitError::NotEmpty(dir.display().to_string()));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        fs::write(&path, text).map_err(io_err(&path))?;
    }
    stamp_translations(dir)
}

/// The English pages `init` writes translate the German ones it writes: stamp them, as
/// `wegweiser translations stamp` would, so a new portal does not start with "this
/// translation may be out of date" on every English page.
fn stamp_translations(dir: &Path) -> Result<(), InitError> {
    let options = crate::build::pipeline::BuildOptions {
        root: dir.to_path_buf(),
        ..Default::default()
    };
    let mut diagnostics = crate::base::diagnostics::Diagnostics::new();
    let site = crate::build::pipeline::load_site(&options, &mut diagnostics).map(|(site, _)| site);
    for (rel, _) in FILES.iter().filter(|(rel, _)| rel.ends_with(".en.md")) {
        let path = dir.join(rel);
        let stamped = match &site {
            Some(site) => crate::edit::stamp::stamp(site, &path)
                .map(drop)
                .map_err(|d| d.message),
            None => Err("the new portal does not load".to_string()),
        };
        stamped.map_err(|message| InitError::Stamp {
            path: path.display().to_string(),
            message,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x"), "").unwrap();
        assert!(matches!(init(dir.path()), Err(InitError::NotEmpty(_))));
    }
}
