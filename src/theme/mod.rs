//! Themes: templates, static files and UI texts.
//!
//! Three layers, each overriding files of the same name in the one before: the default
//! theme built into the binary, a portal theme (`themes/<name>/`, chosen with `theme` in
//! `wegweiser.toml`), and the portal's own `templates/`.

pub mod i18n;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::symlinks::Root;
use crate::load::{display_of, read_text};
use crate::model::ui_strings::UiStrings;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum FileSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// A loaded theme.
#[derive(Debug)]
pub struct Theme {
    pub tera: tera::Tera,
    /// Output path (relative to the site root) → file.
    pub static_files: BTreeMap<String, FileSource>,
    pub ui: UiStrings,
    /// Template name → (path shown in diagnostics, source), for error reports.
    pub sources: BTreeMap<String, (PathBuf, String)>,
    /// The templates were minified when loaded, so pages come out minified.
    pub minified: bool,
}

/// The UI texts of the built-in theme, for the load stage (alert labels).
pub fn default_ui_strings() -> UiStrings {
    let mut ui = UiStrings::default();
    for (rel, bytes) in DEFAULT_THEME {
        if let Some(code) = rel
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".toml"))
            && let Ok(text) = std::str::from_utf8(bytes)
            && let Ok(table) = toml::from_str::<BTreeMap<String, String>>(text)
        {
            ui.merge(code, table);
        }
    }
    ui
}

/// Collects the theme layers before compiling templates.
#[derive(Default)]
struct Layers {
    templates: BTreeMap<String, (PathBuf, String)>,
    static_files: BTreeMap<String, FileSource>,
    i18n: Vec<(String, PathBuf, String)>,
}

impl Layers {
    fn add_embedded(&mut self) {
        for (rel, bytes) in DEFAULT_THEME {
            let display = PathBuf::from("themes/default").join(rel);
            if let Some(name) = rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                self.templates.insert(name.to_string(), (display, text));
            } else if let Some(path) = rel.strip_prefix("static/") {
                self.static_files
                    .insert(path.to_string(), FileSource::Embedded(bytes));
            } else if let Some(code) = rel
                .strip_prefix("i18n/")
                .and_then(|n| n.strip_suffix(".toml"))
            {
                let text = String::from_utf8_lossy(bytes).into_owned();
                self.i18n.push((code.to_string(), display, text));
            }
        }
    }

    fn add_dir(&mut self, guard: &Root, dir: &Path, diagnostics: &mut Vec<Diagnostic>) {
        let files_below = |sub: &str, d: &mut Vec<Diagnostic>| guard.files_below(&dir.join(sub), d);
        let root = guard.given();
        for (rel, path) in files_below("templates", diagnostics) {
            let display = display_of(root, &path);
            match read_text(&path, &display) {
                Ok(text) => {
                    self.templates.insert(rel, (display, text));
                }
                Err(d) => diagnostics.push(d),
            }
        }
        for (rel, path) in files_below("static", diagnostics) {
            self.static_files.insert(rel, FileSource::Disk(path));
        }
        for (rel, path) in files_below("i18n", diagnostics) {
            if let Some(code) = rel.strip_suffix(".toml") {
                let display = display_of(root, &path);
                match read_text(&path, &display) {
                    Ok(text) => self.i18n.push((code.to_string(), display, text)),
                    Err(d) => diagnostics.push(d),
                }
            }
        }
    }
}

impl Theme {
    /// A diagnostic for an error while rendering one of this theme's templates.
    pub fn error(&self, err: &tera::Error) -> Diagnostic {
        template_diagnostic(err, &self.sources)
    }

    /// Load the theme of the portal at `root`. `name` is `theme` from wegweiser.toml.
    ///
    /// With `minify`, the HTML templates are minified once here, so that rendered pages
    /// need no minifying of their own (see [`minify_template`]).
    pub fn load(
        root: &Path,
        name: Option<&str>,
        minify: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Theme> {
        // Links in templates/, static/, i18n/ and themes/ may not lead out of the portal.
        let guard = Root::new(root);
        let mut layers = Layers::default();
        layers.add_embedded();
        if let Some(name) = name.filter(|n| *n != "default") {
            let dir = root.join("themes").join(name);
            if !dir.is_dir() {
                diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        "wegweiser.toml",
                        format!("theme `{name}` not found: there is no folder themes/{name}/"),
                    )
                    .with_hint("remove `theme` to use the built-in default theme"),
                );
                return None;
            }
            layers.add_dir(&guard, &dir, diagnostics);
        }
        layers.add_dir(&guard, root, diagnostics);

        let mut ui = UiStrings::default();
        for (code, display, text) in &layers.i18n {
            match toml::from_str::<BTreeMap<String, String>>(text) {
                Ok(table) => ui.merge(code, table),
                Err(e) => {
                    diagnostics.push(crate::load::config::toml_diagnostic(display, text, &e, &[]))
                }
            }
        }

        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        register_filters(&mut tera);
        let sources: Vec<(&str, &str)> = layers
            .templates
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(sources.clone()) {
            diagnostics.push(template_diagnostic(&e, &layers.templates));
            return None;
        }
        // Minified templates are used only when every one of them minifies safely.
        let minified_sources: Option<Vec<(&str, String)>> = if minify {
            sources
                .iter()
                .map(|&(name, text)| {
                    if name.ends_with(".html") {
                        minify_template(text).map(|m| (name, m))
                    } else {
                        Some((name, text.to_string()))
                    }
                })
                .collect()
        } else {
            None
        };
        let mut minified = false;
        if let Some(small) = minified_sources {
            let mut small_tera = tera::Tera::new();
            small_tera.autoescape_on(vec![".html", ".xml"]);
            register_filters(&mut small_tera);
            if small_tera
                .add_raw_templates(small.iter().map(|(n, t)| (*n, t.as_str())))
                .is_ok()
            {
                tera = small_tera;
                minified = true;
            }
        }
        Some(Theme {
            tera,
            static_files: layers.static_files,
            ui,
            sources: layers.templates,
            minified,
        })
    }
}

/// The filters wegweiser adds to tera (see "Templates" in docs/format.md):
///
/// - `{{ n | plural(one="{n} page", other="{n} pages", few=…, lang=…) }}`: the text
///   for the CLDR plural category of the whole number `n` (`zero`, `one`, `two`, `few`,
///   `many`, `other`), with `{n}` replaced by `n` in the language's digits. A category
///   without text (not given, undefined or empty) takes `other`, which is required.
/// - `{{ "2026-05-12" | date }}`: an ISO date in the language's words and calendar
///   (`12. Mai 2026`, `۲۲ اردیبهشت ۱۴۰۵`).
///
/// Both take the language from `lang=`, else from the page's `lang.tag`, else English.
pub fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter("plural", plural_filter);
    tera.register_filter("date", date_filter);
    tera.register_filter("urlencode", urlencode_filter);
}

/// `{{ text | urlencode }}`: every byte but `A–Z a–z 0–9 - . _ ~` percent-encoded, for
/// a query value such as the subject of a `mailto:` link.
fn urlencode_filter(text: &str, _: tera::Kwargs, _: &tera::State) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    const VALUE: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(text, VALUE).to_string()
}

/// The language of a filter call: `lang=`, else `lang.tag` (else `lang.code`) of the
/// context, else `en`.
fn filter_language(kwargs: &tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    if let Some(code) = kwargs.get::<&str>("lang")? {
        return Ok(code.to_string());
    }
    // The tag (BCP 47) where the context has one; the slug `code` is no tag for a
    // language declared as `[languages.hidden] tag = "de"`.
    let from_context = state.get::<tera::Value>("lang")?.and_then(|lang| {
        let map = lang.as_map()?;
        ["tag", "code"].iter().find_map(|key| {
            map.iter()
                .find(|(k, _)| k.as_str() == Some(*key))
                .and_then(|(_, v)| v.as_str().map(str::to_string))
        })
    });
    Ok(from_context.unwrap_or_else(|| "en".to_string()))
}

fn plural_filter(n: i64, kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let lang = filter_language(&kwargs, state)?;
    let form = |name: &str| -> tera::TeraResult<Option<String>> {
        Ok(kwargs
            .get::<tera::Value>(name)?
            .and_then(|v| v.as_str().map(str::to_string))
            .filter(|s| !s.is_empty()))
    };
    let Some(other) = form("other")? else {
        return Err(tera::Error::message(
            "plural needs at least `other=\"…\"`, the text for most numbers",
        ));
    };
    let category = crate::theme::i18n::plural_category(&lang, n);
    let text = match category {
        "other" => other,
        _ => form(category)?.unwrap_or(other),
    };
    Ok(text.replace("{n}", &crate::theme::i18n::format_number(&lang, n)))
}

fn date_filter(iso: &str, kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let lang = filter_language(&kwargs, state)?;
    crate::theme::i18n::format_iso_date(&lang, iso).ok_or_else(|| {
        tera::Error::message(format!(
            "date needs a day written YYYY-MM-DD, such as 2026-05-12, not `{iso}`"
        ))
    })
}

/// Minify an HTML template once, keeping its template syntax. `None` when that is not
/// safe: minify-html cannot see template tags inside a start tag
/// (`<a {% if x %}lang="ar"{% endif %}>`) and tears them apart. The template tags before
/// and after must be the same (minify-html sorts attributes, so their order may change).
pub fn minify_template(text: &str) -> Option<String> {
    let mut cfg = minify_html::Cfg::new();
    cfg.preserve_brace_template_syntax = true;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_comments = false;
    let minified = String::from_utf8(minify_html::minify(text.as_bytes(), &cfg)).ok()?;
    let mut before = template_tags(text);
    let mut after = template_tags(&minified);
    before.sort_unstable();
    after.sort_unstable();
    (before == after).then_some(minified)
}

/// The `{{ … }}`, `{% … %}` and `{# … #}` tags of a template, in order.
fn template_tags(text: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(i) = rest.find('{') {
        let start = offset + i;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                offset = start + 1;
                rest = &text[offset..];
                continue;
            }
        };
        match text[start + 2..].find(close) {
            Some(j) => {
                let end = start + 2 + j + 2;
                tags.push(&text[start..end]);
                offset = end;
            }
            None => {
                tags.push(&text[start..]);
                offset = text.len();
            }
        }
        rest = &text[offset..];
    }
    tags
}

/// A diagnostic for a tera error, pointing into the template file.
pub fn template_diagnostic(
    err: &tera::Error,
    templates: &BTreeMap<String, (PathBuf, String)>,
) -> Diagnostic {
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let (display, text) = templates
                .get(report.filename())
                .map(|(d, t)| (d.clone(), t.as_str()))
                .unwrap_or_else(|| (PathBuf::from(report.filename()), ""));
            let span = report.span();
            let offset = offset_of(text, span.start_line, span.start_col);
            let end = offset_of(text, span.end_line, span.end_col).max(offset);
            if text.is_empty() {
                let mut d =
                    Diagnostic::file(Severity::Error, display, report.message().to_string());
                d.line = span.start_line;
                d.column = span.start_col + 1;
                d
            } else {
                Diagnostic::error_at(display, text, offset..end, report.message().to_string())
            }
        }
        _ => Diagnostic::file(
            Severity::Error,
            "templates",
            format!("template error: {err}"),
        ),
    }
}

/// Byte offset of a 1-based line and 0-based character column.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line.max(1) {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[offset..];
    offset + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_is_embedded() {
        assert!(
            DEFAULT_THEME
                .iter()
                .any(|(p, _)| *p == "templates/base.html")
        );
        let ui = default_ui_strings();
        assert_eq!(ui.for_language("de").get("alert_tip"), "Tipp");
    }

    fn render_with_filters(template: &str, ctx: &tera::Context) -> Result<String, String> {
        let mut tera = tera::Tera::new();
        register_filters(&mut tera);
        tera.add_raw_template("t.html", template)
            .map_err(|e| e.to_string())?;
        tera.render("t.html", ctx).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn the_plural_filter_picks_the_cldr_form() {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &serde_json::json!({"code": "de"}));
        ctx.insert(
            "t",
            &serde_json::json!({"p_one": "{n} Seite", "p_other": "{n} Seiten"}),
        );
        let german = "{% for n in [0, 1, 2, 1234] %}{{ n | plural(one=t.p_one, few=t.p_few, other=t.p_other) }};{% endfor %}";
        assert_eq!(
            render_with_filters(german, &ctx).unwrap(),
            "0 Seiten;1 Seite;2 Seiten;1.234 Seiten;",
            "the language from the page, undefined forms fall back to other"
        );
        let arabic = "{% for n in [0, 1, 2, 3, 11, 100] %}{{ n | plural(lang=\"ar\", zero=\"zero\", one=\"one\", two=\"two\", few=\"few {n}\", many=\"many\", other=\"other {n}\") }};{% endfor %}";
        assert_eq!(
            render_with_filters(arabic, &ctx).unwrap(),
            "zero;one;two;few 3;many;other 100;"
        );
        let russian = "{% for n in [1, 2, 5, 21] %}{{ n | plural(lang=\"ru\", one=\"{n} страница\", few=\"{n} страницы\", many=\"{n} страниц\", other=\"{n} страницы\") }};{% endfor %}";
        assert_eq!(
            render_with_filters(russian, &ctx).unwrap(),
            "1 страница;2 страницы;5 страниц;21 страница;"
        );
        // The number in the language's digits.
        assert_eq!(
            render_with_filters("{{ 3 | plural(lang=\"fa\", other=\"{n} صفحه\") }}", &ctx).unwrap(),
            "۳ صفحه"
        );
        // Without a page language: English.
        assert_eq!(
            render_with_filters(
                "{{ 1 | plural(one=\"a page\", other=\"pages\") }}",
                &tera::Context::new()
            )
            .unwrap(),
            "a page"
        );
        let err = render_with_filters("{{ 2 | plural(one=\"x\") }}", &ctx).unwrap_err();
        assert!(err.contains("other="), "{err}");
        assert!(render_with_filters("{{ \"many\" | plural(other=\"x\") }}", &ctx).is_err());
    }

    #[test]
    fn the_date_filter_writes_days_in_the_readers_calendar() {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &serde_json::json!({"code": "de"}));
        ctx.insert("day", "2026-03-21");
        assert_eq!(
            render_with_filters("{{ day | date }} / {{ day | date(lang=\"fa\") }}", &ctx).unwrap(),
            "21. März 2026 / ۱ فروردین ۱۴۰۵"
        );
        let err = render_with_filters("{{ \"21.03.2026\" | date }}", &ctx).unwrap_err();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn templates_with_tags_inside_start_tags_are_not_minified() {
        assert_eq!(
            minify_template("<p class=\"x\">\n  {{ a }}\n</p>\n").as_deref(),
            Some("<p class=x>{{ a }}</p>")
        );
        assert_eq!(
            minify_template("<a {% if x %}lang=\"ar\"{% endif %}>y</a>"),
            None
        );
    }

    #[test]
    fn the_default_theme_minifies_safely() {
        let unsafe_templates: Vec<&str> = DEFAULT_THEME
            .iter()
            .filter(|(rel, _)| rel.ends_with(".html"))
            .filter(|(_, bytes)| minify_template(std::str::from_utf8(bytes).unwrap()).is_none())
            .map(|(rel, _)| *rel)
            .collect();
        assert!(
            unsafe_templates.is_empty(),
            "template tags inside a start tag: {unsafe_templates:?}"
        );
        let mut d = Vec::new();
        let theme = Theme::load(Path::new("/nonexistent"), None, true, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert!(theme.minified);
    }

    #[test]
    fn template_syntax_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/page.html"), "ok\n{% if %}\n").unwrap();
        let mut d = Vec::new();
        assert!(Theme::load(dir.path(), None, false, &mut d).is_none());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].file, PathBuf::from("templates/page.html"));
        assert_eq!(d[0].line, 2, "{:?}", d[0]);
    }
}
