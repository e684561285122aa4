//! `wegweiser translations export` and `import`: hand a translator (or a
//! machine-translation service) one file with exactly the texts to translate, and bring
//! the result back as `<page>.<lang>.md` files with correct front matter and
//! `source_digest`.
//!
//! # Why XLIFF 2.0 and not PO
//!
//! XLIFF 2.0 (OASIS, `urn:oasis:names:tc:xliff:document:2.0`) is the exchange format of
//! computer-assisted translation tools: memoQ, Trados, OmegaT (through Okapi), Weblate
//! and machine-translation services read and write it. Against gettext PO it has what
//! this round trip needs:
//!
//! - every text has a stable id (`<file id>` per page, `<unit id>` per title,
//!   description and body block), so import puts each translation back in its place
//!   instead of matching on the source text, which may have changed meanwhile;
//! - the source and target language are declared for the document (`srcLang`,
//!   `trgLang`), including languages that are translated from another translation
//!   (`ti` from `en`), and the writing direction (`srcDir`, `trgDir`);
//! - `<notes>` carry what import checks: the page, the source file and the digest of the
//!   source version the export was made from, and the state of the translation file the
//!   export saw, so that import never overwrites newer work;
//! - a unit can hold a draft (`<target>` with `state="initial"`), so an outdated
//!   translation is sent for editing, not for translating from scratch.
//!
//! PO would need all of that squeezed into `msgctxt` and comments by convention.
//!
//! # The file
//!
//! One `<file>` per page, event, news item or place: a unit `title`, a unit
//! `description` (when the source has one) and units `body-1`, `body-2`, … with the
//! paragraphs, list items, table cells and headings of the body, their Markdown syntax
//! in inline codes ([`segment`]); each unit's id starts with its file's id, so that ids
//! are unique in the document. The file's `<skeleton>` holds the rest of the body,
//! with a `<ww:segment unit="…"/>` where each body unit goes. Events, news items and
//! places are named as in `wegweiser translations` (`ort/events/sprachcafe`); only their
//! texts are translated, their data stays in the source-language file. Pages named in
//! `[legal]` and `[accessibility]` stay in the source language and are left out unless
//! asked for ([`not_for_translation`]).
//!
//! XML is written by hand and read by a small strict reader ([`read`]) that accepts
//! what wegweiser writes plus what translation tools commonly add on the way back:
//! other namespaces (ignored), re-indented skeletons, re-segmented units (segments are
//! joined again), `<ignorable>`, `<mrk>` annotations (their text is kept), `<sc>`/`<ec>`
//! for a split `<pc>`, `<sm>`/`<em>` markers and `<cp>` code points. DTDs are refused.
//!
//! Import ([`plan_import`], [`check_in_staging`], [`apply`]) refuses each page with a
//! problem at its XLIFF line and writes the others, after checking links and anchors
//! as a build does in a staging copy of the portal.

mod check;
mod document;
mod export;
mod import;
mod restore;
pub mod segment;
mod xml;

pub use check::check_in_staging;
pub use document::{Document, File, ReadError, SkeletonPart, Unit, read};
pub use export::{Export, ExportOptions, ExportedPage, blocks, export, not_for_translation};
pub use import::{ImportPlan, PlannedWrite, apply, plan_import};

use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::load::read_text;
use crate::model::language::is_language_code;
use crate::model::translation::Translated;

pub use segment::Inline;

/// The XLIFF 2 core namespace.
pub const XLIFF_NS: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// The namespace of wegweiser's skeleton: `<ww:body>` holds the body's Markdown with a
/// `<ww:segment unit="…"/>` where each body unit goes.
pub const SKELETON_NS: &str = "urn:x-wegweiser:xliff:skeleton";

/// Note ids wegweiser writes into each `<file>`'s `<notes>`.
pub mod note {
    /// `municipality/page key` of the page (`ort/wohnen/miete`; `ort` for the start page).
    pub const PAGE: &str = "page";
    /// The source file, relative to the portal root.
    pub const SOURCE_FILE: &str = "source-file";
    /// The digest of the source version the export was made from.
    pub const SOURCE_DIGEST: &str = "source-digest";
    /// The translation file that import writes.
    pub const TRANSLATION_FILE: &str = "translation-file";
    /// Digest of the whole translation file as the export saw it; absent when there was
    /// no file.
    pub const TRANSLATION_FILE_DIGEST: &str = "translation-file-digest";
    /// The translation's state at export and why, for the translator.
    pub const STATE: &str = "state";
    /// The previous translation's body, when its blocks do not line up with the source's.
    pub const PREVIOUS_BODY: &str = "previous-body";
}

/// A file read for export: its texts and Markdown body.
struct Text {
    front: crate::load::front_matter::Titles,
    body: String,
    whole: String,
}

/// Read the texts of a page, event, news item or place file.
fn read_page(path: &Path, display: &Path) -> Result<Text, Diagnostic> {
    let whole = read_text(path, display)?;
    let (front, _, body_start) = crate::load::front_matter::parse_titles(display, &whole)?;
    Ok(Text {
        front,
        body: whole[body_start..].to_string(),
        whole,
    })
}

/// Digest of a whole file, to tell whether it changed between export and import.
fn file_digest(text: &str) -> String {
    crate::model::translation::digest("", text)
}

/// Where the translation into `lang` of the page (event, news item, place) whose source
/// is `source` lives, or will: `(display path, path on disk)`; a new one beside the
/// source, `<name>.<lang>.md`.
fn translation_paths(
    existing: Option<&dyn Translated>,
    source: &dyn Translated,
    lang: &str,
) -> (PathBuf, PathBuf) {
    if let Some(t) = existing {
        return (t.file().to_path_buf(), t.path().to_path_buf());
    }
    let name = source
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    let base = match stem.rsplit_once('.') {
        Some((base, suffix)) if is_language_code(suffix) => base,
        _ => stem,
    };
    let file_name = format!("{base}.{lang}.md");
    (
        source.file().with_file_name(&file_name),
        source.path().with_file_name(&file_name),
    )
}

fn slash_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn error_at(file: &Path, line: usize, message: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::file(Severity::Error, file, message);
    d.line = line;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeSet;

    use crate::base::xml::{escape_attr, escape_text};
    use crate::model::front_matter::FrontMatter;

    use super::export::{align, inline, unique_id};
    use super::import::{NewTranslation, front_matter};

    #[test]
    fn blocks_split_on_blank_lines_but_not_inside_fences() {
        let body = "\n# Title\n\nPara one\nline two  \n\n\n- a\n- b\n\n```\ncode\n\nmore\n```\n\n| a | b |\n|---|---|\n";
        assert_eq!(
            blocks(body),
            vec![
                "# Title",
                "Para one\nline two  ",
                "- a\n- b",
                "```\ncode\n\nmore\n```",
                "| a | b |\n|---|---|"
            ]
        );
        assert_eq!(blocks("a\r\n\r\nb\r\n"), vec!["a", "b"]);
        assert!(blocks("\n \n").is_empty());
        assert_eq!(
            blocks("~~~~\nx\n\n~~~\ny\n~~~~\nz"),
            vec!["~~~~\nx\n\n~~~\ny\n~~~~\nz"]
        );
    }

    #[test]
    fn escaping_round_trips_through_the_reader() {
        let nasty = "Tom & \"Jerry\" <b>'x'</b> ]]> \r\u{1} العربية ትግርኛ";
        let doc = format!(
            "<?xml version=\"1.0\"?>\n<xliff xmlns=\"{XLIFF_NS}\" version=\"2.0\" srcLang=\"de\" trgLang=\"ar\">\
             <file id=\"f\"><notes><note id=\"n\">{}</note></notes>\
             <unit id=\"u\"><segment><source>{}</source><target>{}</target></segment></unit></file></xliff>",
            escape_text("a & b"),
            inline(nasty),
            inline(nasty)
        );
        let read = read(&doc).unwrap();
        assert_eq!(read.files[0].note("n"), Some("a & b"));
        assert_eq!(read.files[0].units[0].source, nasty);
        assert_eq!(read.files[0].units[0].target.as_deref(), Some(nasty));
        assert_eq!(escape_attr("a\"b\n"), "a&quot;b&#10;");
    }

    #[test]
    fn the_reader_takes_what_tools_write_back() {
        let doc = format!(
            "\u{FEFF}<?xml version='1.0' encoding='UTF-8'?>\r\n<!-- tool -->\r\n\
             <x:xliff xmlns:x='{XLIFF_NS}' xmlns:mda='urn:oasis:names:tc:xliff:metadata:2.0' version='2.1' srcLang='de' trgLang='en'>\
             <x:file id='f'><mda:metadata><mda:metaGroup/></mda:metadata>\
             <x:group id='g'><x:unit id='u'>\
             <x:segment state='translated'><x:source>Eins.</x:source><x:target>One.</x:target></x:segment>\
             <x:ignorable><x:source> </x:source></x:ignorable>\
             <x:segment><x:source>Zwei <x:mrk id='m' type='term'>Wörter</x:mrk>.</x:source>\
             <x:target><![CDATA[Two <words>]]><x:sm id='s'/>&#x2E;<x:em startRef='s'/></x:target></x:segment>\
             </x:unit></x:group></x:file></x:xliff>\n"
        );
        let read = read(&doc).unwrap();
        assert_eq!(read.version, "2.1");
        let unit = &read.files[0].units[0];
        assert_eq!(unit.source, "Eins. Zwei Wörter.");
        assert_eq!(unit.target.as_deref(), Some("One. Two <words>."));
    }

    #[test]
    fn the_reader_is_strict() {
        let bad = [
            ("<xliff", "never closed"),
            ("<a></b>", "closes"),
            ("<!DOCTYPE x><x/>", "DOCTYPE"),
            ("<x a='1' a='2'/>", "twice"),
            ("<x>&nbsp;</x>", "entity"),
            ("<x>a & b</x>", "entity"),
            ("<x a=1/>", "quoted"),
            ("<x/><y/>", "after the root"),
            ("<p:x/>", "prefix"),
            (&"<a>".repeat(1000), "deeper"),
            ("<x/>", "not an XLIFF file"),
            (
                "<xliff xmlns='urn:oasis:names:tc:xliff:document:1.2' version='1.2'/>",
                "XLIFF 1.2",
            ),
        ];
        for (doc, expected) in bad {
            let e = read(doc).unwrap_err();
            assert!(e.message.contains(expected), "{doc}: {}", e.message);
        }
        let doc = read("<xliff xmlns='urn:oasis:names:tc:xliff:document:2.0' version='2.0' srcLang='de'>\n\n<file id='f'><unit id='u'><segment><source>x<ph id='1' dataRef='d1'/></source></segment></unit></file></xliff>").unwrap();
        assert_eq!(
            doc.files[0].units[0].source_content[1],
            Inline::Ph {
                id: "1".into(),
                data: String::new()
            }
        );
        let e = read("<xliff xmlns='urn:oasis:names:tc:xliff:document:2.0' version='2.0' srcLang='de'>\n<file id='f'><unit id='u'><segment><source>x<bx id='1'/></source></segment></unit></file></xliff>").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("<bx> is not supported"), "{}", e.message);
    }

    #[test]
    fn an_old_translation_is_paired_with_the_source_by_structure_and_cues() {
        let source = segment::segment(
            "## Miete\n\nNeu: der Mieterverein.\n\nZahlen Sie bis zum 3. Tag.\n\n> [!TIP]\n> Siehe [Jobcenter](../jc.md).\n\nLetzter Absatz.\n",
        );
        let old = segment::segment(
            "## Rent\n\nPay by day 3.\n\n> [!TIP]\n> See [the job centre](../jc.md).\n\nLast paragraph.\n",
        );
        let drafts = align(&source.segments, &old.segments);
        let shown: Vec<Option<String>> = drafts
            .iter()
            .map(|d| d.as_deref().map(segment::to_raw))
            .collect();
        assert_eq!(
            shown,
            [
                Some("Rent".to_string()),
                // The added paragraph comes first; the number 3 pairs the next one.
                None,
                Some("Pay by day 3.".to_string()),
                Some("See [the job centre](../jc.md).".to_string()),
                Some("Last paragraph.".to_string()),
            ]
        );
        // The link of the draft is the source's code, so the translator keeps it.
        assert!(matches!(&drafts[3].as_ref().unwrap()[1], Inline::Pc { id, .. } if id == "1"));
        // A heading with an explicit id pairs only with the heading of that id.
        let old = segment::segment("## Rent {#kaution}\n");
        assert_eq!(align(&source.segments, &old.segments)[0], None);
    }

    #[test]
    fn ids_are_nmtokens_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            unique_id(&mut taken, "ort/wohnen/miete"),
            "ort:wohnen:miete"
        );
        assert_eq!(
            unique_id(&mut taken, "ort/wohnen miete"),
            "ort:wohnen_miete"
        );
        assert_eq!(
            unique_id(&mut taken, "ort/wohnen+miete"),
            "ort:wohnen_miete-2"
        );
        assert_eq!(unique_id(&mut taken, "ort/سكن"), "ort:سكن");
    }

    #[test]
    fn front_matter_in_both_syntaxes() {
        let kept = FrontMatter {
            title: "old".into(),
            slug: Some("neu".into()),
            aliases: vec!["/a/".into()],
            machine_translated: true,
            ..Default::default()
        };
        let t = NewTranslation {
            title: "A \"quoted\" \\ title",
            description: Some("ትግርኛ"),
            kept: Some(&kept),
            source_digest: "0123456789ab",
        };
        for syntax in [
            crate::load::front_matter::Syntax::Toml,
            crate::load::front_matter::Syntax::Yaml,
        ] {
            let text = front_matter(syntax, &t).unwrap() + "Body\n";
            let parsed = crate::load::front_matter::parse(Path::new("x.md"), &text).unwrap();
            assert_eq!(parsed.syntax, syntax);
            assert_eq!(parsed.front.title, t.title);
            assert_eq!(parsed.front.description.as_deref(), Some("ትግርኛ"));
            assert_eq!(parsed.front.slug.as_deref(), Some("neu"));
            assert_eq!(parsed.front.aliases, vec!["/a/".to_string()]);
            assert_eq!(parsed.front.source_digest.as_deref(), Some("0123456789ab"));
            assert!(!parsed.front.machine_translated);
            assert_eq!(&text[parsed.body_start..], "Body\n");
        }
    }
}
