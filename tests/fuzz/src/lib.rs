//! What the fuzz targets in `fuzz_targets/` run (see docs/security.md#fuzzing).
//!
//! - [`markdown`]: one page's text through front matter parsing, the Markdown renderer
//!   and the writing of its internal links (fast: no files).
//! - [`page`]: up to three pages in a small portal on disk through load, resolve and
//!   render, as `wegweiser check` runs them.
//! - [`rewrite`]: the front matter rewriters of `translations stamp` and `review
//!   confirm`, which must change nothing but their key.
//!
//! With `xss`, the HTML is also checked for what content must never bring into a page:
//! see [`check_html`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use wegweiser::base::diagnostics::{Diagnostic, Diagnostics};
use wegweiser::load::markdown::{self, Source};
use wegweiser::model::body::LinkTarget;
use wegweiser::model::slug;
use wegweiser::output::report;

/// Every diagnostic is formatted as the CLI prints it: its excerpt and position code
/// runs on spans made from attacker text.
fn print(diagnostics: impl IntoIterator<Item = Diagnostic>) {
    for d in diagnostics {
        let _ = report::human(&d, false);
        let _ = report::json(&d);
        let _ = report::github(&d);
    }
}

const LANGUAGES: [&str; 4] = ["de", "en", "ar", "de-si"];

/// A page's text (any bytes, read as UTF-8 with replacement characters): front matter,
/// Markdown (plain and minified), link slots filled in, anchors.
pub fn markdown(data: &[u8], xss: bool) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("content/m/wohnen/miete.de.md");
    let mut diagnostics = Vec::new();
    // The body starts after the front matter; without valid front matter the whole
    // text is rendered, so that the Markdown is fuzzed whatever the first lines are.
    let body_start = match wegweiser::load::front_matter::parse(path, &text) {
        Ok(parsed) => {
            assert!(text.is_char_boundary(parsed.body_start));
            parsed.body_start
        }
        Err(d) => {
            diagnostics.push(d);
            0
        }
    };
    if let Err(d) = wegweiser::load::front_matter::parse_titles(path, &text) {
        diagnostics.push(d);
    }
    let languages: Vec<String> = LANGUAGES.iter().map(|l| l.to_string()).collect();
    let own_urls = [
        wegweiser::model::config::BaseUrl::parse("https://musterstadt.example/portal")
            .expect("a valid base URL"),
    ];
    for minify in [false, true] {
        let src = Source {
            display_path: path,
            text: &text,
            body_start,
            dir: "wohnen",
            languages: &languages,
            alert_labels: ["Hinweis", "Tipp", "Wichtig", "Warnung", "Vorsicht"],
            table_label: "Tabelle",
            minify,
            own_urls: &own_urls,
        };
        let body = markdown::render(&src, &mut diagnostics);
        for link in &body.links {
            assert!(
                link.span.start <= link.span.end && link.span.end <= text.len(),
                "link span {:?} outside the text",
                link.span
            );
        }
        let mut html = String::new();
        // URLs as the render stage writes them, quotes and all: they must stay inside
        // their attribute.
        body.write_html(&mut html, |link| match &link.target {
            LinkTarget::Page { key, anchor, .. } => format!(
                "/m/de/{}/{}",
                wegweiser::model::urls::encode_segment(key),
                anchor
                    .as_deref()
                    .map(|a| format!("#{a}\" onclick=\"x"))
                    .unwrap_or_default()
            ),
            LinkTarget::Asset { path } => format!("/m/de/{path}"),
            LinkTarget::Anchor(a) => format!("#{a}"),
            LinkTarget::Site { dir, anchor } => format!(
                "/{dir}/{}",
                anchor
                    .as_deref()
                    .map(|a| format!("#{a}"))
                    .unwrap_or_default()
            ),
        });
        for anchor in &body.anchors {
            let _ = slug::anchor_id(anchor);
        }
        if xss && let Err(problem) = check_html(&html, &BTreeSet::new()) {
            panic!("{problem}\n--- HTML ---\n{html}");
        }
    }
    let _ = slug::slugify(&text);
    print(diagnostics);
}

/// The files of the fuzzed portal, in the order the input's NUL-separated parts fill
/// them: a page, a page bundle (with `plan.svg` beside it) and a translation of the
/// first page. A part that is absent deletes its file.
const PAGE_FILES: [&str; 3] = [
    "content/m/a.de.md",
    "content/m/b/index.de.md",
    "content/m/a.ar.md",
];

/// One portal folder per process: written once, the fuzzed files overwritten per input.
/// The fixed pages link none of the fuzzed ones: a link to a file that an input leaves
/// out is an error, and a portal with errors is not rendered.
struct Portal {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn portal() -> &'static Mutex<Portal> {
    static PORTAL: OnceLock<Mutex<Portal>> = OnceLock::new();
    PORTAL.get_or_init(|| {
        // One render thread: libFuzzer runs one input at a time, and the machine is shared.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().to_path_buf();
        let files: &[(&str, &str)] = &[
            (
                "wegweiser.toml",
                "title = \"Fuzzportal\"\nbase_url = \"https://portal.example.org\"\n",
            ),
            (
                "content/m/municipality.toml",
                "name = \"Musterstadt\"\nsource_language = \"de\"\nlanguages = [\"de\", \"en\", \"ar\"]\n\
                 [contact]\nemail = \"info@stadt.example\"\n",
            ),
            (
                "content/m/_index.de.md",
                "+++\ntitle = \"Willkommen\"\n+++\n\n## Start {#start}\n\nText.\n",
            ),
            (
                "content/m/_index.en.md",
                "+++\ntitle = \"Welcome\"\n+++\n\n## Start {#start}\n\nText.\n",
            ),
            (
                "content/m/b/plan.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"></svg>\n",
            ),
        ];
        for (rel, text) in files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Mutex::new(Portal { _dir: dir, root })
    })
}

fn theme(root: &Path) -> &'static wegweiser::theme::Theme {
    static THEME: OnceLock<wegweiser::theme::Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        let mut problems = Vec::new();
        wegweiser::theme::Theme::load(root, None, false, &mut problems)
            .expect("the built-in theme loads")
    })
}

/// Collects the HTML a render writes.
#[derive(Default)]
struct Collect(Mutex<Vec<(String, Vec<u8>)>>);

impl wegweiser::write::Sink for Collect {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        if rel.ends_with(".html") {
            self.0
                .lock()
                .unwrap()
                .push((rel.to_string(), bytes.to_vec()));
        }
        Ok(())
    }
    fn copy(&self, _: &Path, _: &str) -> std::io::Result<()> {
        Ok(())
    }
}

/// Up to three pages (the input split at NUL bytes, see [`PAGE_FILES`]) in a small
/// portal, loaded, resolved and rendered as `wegweiser check` does (without the search
/// index). A portal with errors is not rendered, as a build would not render it.
pub fn page(data: &[u8], xss: bool) {
    let portal = portal().lock().unwrap_or_else(|e| e.into_inner());
    let root = &portal.root;
    let mut parts = data.splitn(PAGE_FILES.len(), |&b| b == 0);
    for rel in PAGE_FILES {
        let path = root.join(rel);
        match parts.next() {
            Some(bytes) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, bytes).unwrap();
            }
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let options = wegweiser::BuildOptions {
        root: root.clone(),
        today: Some("2026-06-01".parse().unwrap()),
        ..Default::default()
    };
    let mut diagnostics = Diagnostics::new();
    let ui = wegweiser::theme::default_ui_strings();
    let loaded = wegweiser::load::load(
        root,
        &wegweiser::build::pipeline::load_options(&options),
        &ui,
        &mut diagnostics,
    );
    let Some(loaded) = loaded else {
        print(diagnostics.into_sorted());
        return;
    };
    let mut site = wegweiser::resolve::resolve(loaded, &mut diagnostics);
    for m in &mut site.municipalities {
        wegweiser::build::pipeline::apply_today(m, &options);
    }
    let failed = diagnostics.has_errors();
    print(diagnostics.into_sorted());
    if failed {
        return;
    }
    let theme = theme(root);
    let renderer = wegweiser::render::Renderer::new(&site, theme, false).without_search();
    let out = Collect::default();
    if let Err(errors) = renderer.render_all(&out, &wegweiser::render::NoProgress) {
        print(errors);
        return;
    }
    if !xss {
        return;
    }
    let scripts: BTreeSet<String> = renderer
        .assets()
        .immutable()
        .map(|p| format!("/{p}"))
        .collect();
    for (rel, bytes) in out.0.into_inner().unwrap() {
        let html = String::from_utf8(bytes).expect("pages are UTF-8");
        if let Err(problem) = check_html(&html, &scripts) {
            panic!("{rel}: {problem}\n--- HTML ---\n{html}");
        }
    }
}

/// Whether a browser would run script from `html`: a `<script>` element other than
/// JSON-LD data and the theme's own scripts (`scripts`, by URL), an event handler
/// attribute (`on…=`), a `javascript:`/`vbscript:` URL, an `srcdoc` frame, or a
/// `data:` URL anywhere but an image. The HTML is parsed as a browser parses it.
pub fn check_html(html: &str, scripts: &BTreeSet<String>) -> Result<(), String> {
    let doc = scraper::Html::parse_document(html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        let shown = || {
            let mut s = format!("<{name}");
            for (a, v) in el.attrs() {
                s.push_str(&format!(" {a}={v:?}"));
            }
            s + ">"
        };
        match name {
            "script" => {
                let ok = match (el.attr("type"), el.attr("src")) {
                    (Some("application/ld+json"), None) => true,
                    (None | Some("module"), Some(src)) => scripts.contains(src),
                    _ => false,
                };
                if !ok {
                    return Err(format!("a script element: {}", shown()));
                }
            }
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" => {
                return Err(format!("a {name} element: {}", shown()));
            }
            _ => {}
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                return Err(format!("an event handler attribute `{attr}`: {}", shown()));
            }
            if attr == "srcdoc" {
                return Err(format!("an srcdoc attribute: {}", shown()));
            }
            let urls: Vec<&str> = match attr.as_str() {
                "href" | "src" | "action" | "formaction" | "data" | "poster" | "background"
                | "cite" | "xlink:href" => vec![value],
                "srcset" => value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .collect(),
                _ => continue,
            };
            for url in urls {
                match browser_scheme(url).as_deref() {
                    Some("javascript" | "vbscript") => {
                        return Err(format!("a script URL in `{attr}`: {}", shown()));
                    }
                    Some("data") if name != "img" => {
                        return Err(format!("a data: URL in `{attr}`: {}", shown()));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// The scheme of `url` as the WHATWG URL parser finds it (lower case): leading and
/// trailing C0 controls and spaces are stripped, tabs and line breaks removed. Written
/// here rather than taken from the library, so that the check does not share its bugs.
fn browser_scheme(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// The keys the fuzzer rewrites; the first byte of the input picks one.
const REWRITE_KEYS: [&str; 5] = [
    "source_digest",
    "reviewed_by",
    "reviewed",
    "title",
    "description",
];

/// `[selector byte][value] NUL [page text]`: set a key with the stamp/confirm rewriters.
/// A rewrite that succeeds changes at most the key's own line (or adds one line) in
/// the front matter, and when the front matter could be read before, it can be read
/// after, with every other key and the body as they were and the key set.
pub fn rewrite(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (value, text) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&b""[..], rest),
    };
    let value = String::from_utf8_lossy(value);
    let text = String::from_utf8_lossy(text);
    let key = REWRITE_KEYS[usize::from(selector) % REWRITE_KEYS.len()];
    let raw = selector & 0x80 != 0;
    let date = jiff::civil::date(2026, 5, 12);
    let result = if raw {
        wegweiser::edit::stamp::set_key_raw(&text, key, &date.to_string())
    } else {
        wegweiser::edit::stamp::set_key(&text, key, &value)
    };
    // The whole of `review confirm`'s edit must not panic either.
    let _ = wegweiser::edit::confirm::set_review(&text, date, Some(&value));
    let Ok(out) = result else {
        return;
    };
    check_line_edit(&text, &out, key);
    let path = Path::new("p.md");
    type Table = serde_json::Map<String, serde_json::Value>;
    let Ok((mut before, _, body_start)) =
        wegweiser::load::front_matter::parse_as::<Table>(path, &text, &[])
    else {
        return;
    };
    let (mut after, _, out_body_start) = match wegweiser::load::front_matter::parse_as::<Table>(
        path,
        &out,
        &[],
    ) {
        Ok(x) => x,
        Err(d) => panic!(
            "the front matter could be read before setting `{key}`, not after: {}\n--- before ---\n{text}\n--- after ---\n{out}",
            d.message
        ),
    };
    assert_eq!(
        &text[body_start..],
        &out[out_body_start..],
        "the body changed"
    );
    let set = after.remove(key);
    before.remove(key);
    assert_eq!(
        before, after,
        "other keys changed\n--- before ---\n{text}\n--- after ---\n{out}"
    );
    match set {
        None => panic!("`{key}` is not set\n--- after ---\n{out}"),
        Some(v) if !raw => assert_eq!(
            v,
            serde_json::Value::String(value.to_string()),
            "`{key}` has another value\n--- after ---\n{out}"
        ),
        Some(_) => {}
    }
}

/// `out` is `text` with one line replaced by a line for `key`, or with one such line
/// added, inside the front matter.
fn check_line_edit(text: &str, out: &str, key: &str) {
    let old: Vec<&str> = text.split_inclusive('\n').collect();
    let new: Vec<&str> = out.split_inclusive('\n').collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &old[prefix..old.len() - suffix];
    let added = &new[prefix..new.len() - suffix];
    let context = || format!("--- before ---\n{text}\n--- after ---\n{out}");
    assert!(
        removed.len() <= 1 && added.len() <= 1 && removed.len() <= added.len(),
        "more than the `{key}` line changed: -{removed:?} +{added:?}\n{}",
        context()
    );
    for line in removed.iter().chain(added) {
        assert!(
            line.starts_with(key),
            "a line other than `{key}` changed: {line:?}\n{}",
            context()
        );
    }
    if removed.len() + added.len() > 0 {
        // The edit is inside the front matter: after the opening fence, before the
        // closing one.
        let fence = old[0].trim_end();
        let closing = old
            .iter()
            .skip(1)
            .position(|l| l.trim_end() == fence)
            .map(|i| i + 1);
        assert!(prefix >= 1, "the opening fence changed\n{}", context());
        assert!(
            closing.is_some_and(|c| prefix <= c && prefix + removed.len() <= c),
            "the edit is outside the front matter\n{}",
            context()
        );
    }
}
