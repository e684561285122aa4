use super::*;

fn clean(svg: &str) -> Sanitized {
    sanitize(svg.as_bytes()).unwrap_or_else(|e| panic!("{e:?} in {svg}"))
}

/// Parse `svg` with roxmltree (an independent XML parser) and check that nothing in
/// it can run script or load another file.
fn assert_inert(svg: &[u8]) {
    let text = std::str::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(doc.root_element().tag_name().namespace(), Some(SVG_NS));
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name();
        assert_eq!(name.namespace(), Some(SVG_NS), "{text}");
        assert!(
            !matches!(name.name(), "script" | "foreignObject" | "a"),
            "{text}"
        );
        for attr in node.attributes() {
            assert!(
                !attr.name().to_ascii_lowercase().starts_with("on"),
                "{text}"
            );
            if attr.name() == "href" {
                assert!(
                    attr.value().starts_with('#') || attr.value().starts_with("data:image/png"),
                    "{text}"
                );
            }
            if attr.name() != "href" {
                assert!(css_problem(attr.value()).is_none(), "{text}");
            }
        }
    }
    assert!(!text.contains("<?xml-stylesheet"), "{text}");
    assert!(!text.contains("<!DOCTYPE"), "{text}");
}

#[test]
fn the_example_portals_drawings_are_unchanged() {
    for svg in [
        &include_bytes!("../../content-example/content/musterstadt/wappen.svg")[..],
        include_bytes!(
            "../../content-example/content/musterstadt/ankommen/buergerbuero/lageplan.svg"
        ),
        include_bytes!("../../content-example/content/landkreis-beispiel/logo.svg"),
        include_bytes!(
            "../../content-example/content/landkreis-beispiel/ankommen/kreishaus/wegbeschreibung.svg"
        ),
    ] {
        let s = sanitize(svg).unwrap();
        assert_eq!(s.removed, []);
        assert_eq!(
            String::from_utf8_lossy(&s.svg),
            String::from_utf8_lossy(svg)
        );
    }
}

#[test]
fn script_handlers_and_foreign_objects_are_left_out() {
    let src = r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" viewBox="0 0 10 10">
<script>alert(2)</script>
<script xlink:href="https://evil.example/x.js" xmlns:xlink="http://www.w3.org/1999/xlink"/>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(3)"/></div></foreignObject>
<rect width="10" height="10" fill="red" onclick="alert(4)" OnMouseOver="alert(5)"/>
<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(6)</html:script>
<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(7)</svg:script>
</svg>
"#;
    let s = clean(src);
    assert_inert(&s.svg);
    let out = String::from_utf8(s.svg).unwrap();
    assert!(!out.contains("alert"), "{out}");
    assert!(
        out.contains(r#"<rect width="10" height="10" fill="red"/>"#),
        "{out}"
    );
    assert!(out.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    let what: Vec<&str> = s.removed.iter().map(|r| r.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "`onload` attribute (an event handler)",
            "`<script>` element",
            "`<script>` element",
            "`<foreignObject>` element",
            "`onclick` attribute (an event handler)",
            "`OnMouseOver` attribute (an event handler)",
            "`<html:script>` element of another namespace",
            "`<svg:script>` element",
        ]
    );
    // Offsets point at the element or attribute.
    assert!(src[s.removed[0].offset..].starts_with("onload="));
    assert!(src[s.removed[1].offset..].starts_with("<script>"));
    assert!(src[s.removed[4].offset..].starts_with("onclick="));
}

#[test]
fn references_to_other_files_and_urls_are_left_out() {
    let src = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<a xlink:href="javascript:alert(1)" target="_blank"><circle r="5"/></a>
<a href=" JaVa&#9;script:alert(2)"><text>hi</text></a>
<image href="https://tracker.example/p.png" width="1" height="1"/>
<image xlink:href="data:image/svg+xml,&lt;svg onload=alert(3)&gt;"/>
<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
<use href="other.svg#x"/>
<use xlink:href="#local"/>
<linearGradient id="g" xlink:href="https://x.example/g.svg#g"/>
<rect fill="url(https://x.example/f.svg#p)" stroke="url(#g)" width="1" height="1"/>
<rect style="fill: u\72l(https://x.example/)" width="1" height="1"/>
<rect style="fill: #fff; stroke: url( '#g' )" width="1" height="1"/>
<style>@import url(https://x.example/a.css); rect { fill: red }</style>
<style>rect { fill: url(&quot;#g&quot;) }</style>
<animate attributeName="href" to="javascript:alert(4)"/>
<set attributeName="xlink:href" to="javascript:alert(5)"/>
<animate attributeName="onclick" to="alert(6)"/>
<animate attributeName="opacity" from="0" to="1" dur="1s"/>
<?xml-stylesheet href="https://x.example/s.css"?>
</svg>"##;
    let s = clean(src);
    assert_inert(&s.svg);
    let out = String::from_utf8(s.svg).unwrap();
    for gone in [
        "javascript",
        "JaVa",
        "tracker",
        "other.svg",
        "x.example",
        "alert",
        "svg+xml",
    ] {
        assert!(!out.contains(gone), "{gone} in {out}");
    }
    for kept in [
        r#"<g><circle r="5"/></g>"#,
        r#"<g><text>hi</text></g>"#,
        r#"<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>"#,
        r##"<use xlink:href="#local"/>"##,
        r#"<linearGradient id="g"/>"#,
        r##"<rect stroke="url(#g)" width="1" height="1"/>"##,
        r##"<rect style="fill: #fff; stroke: url( '#g' )" width="1" height="1"/>"##,
        r##"<style>rect { fill: url("#g") }</style>"##,
        r#"<animate attributeName="opacity" from="0" to="1" dur="1s"/>"#,
    ] {
        assert!(out.contains(kept), "{kept} missing in {out}");
    }
    assert_eq!(s.removed.len(), 13, "{:#?}", s.removed);
}

#[test]
fn entities_are_never_expanded() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "haha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>"#;
    let e = sanitize(laughs.as_bytes()).unwrap_err();
    assert!(e.message.contains("`&c;` is not defined"), "{e:?}");
    assert!(laughs[e.offset..].starts_with("&c;"));

    let in_attribute = r#"<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>
<svg xmlns="http://www.w3.org/2000/svg"><rect class="&x;"/></svg>"#;
    let e = sanitize(in_attribute.as_bytes()).unwrap_err();
    assert!(in_attribute[e.offset..].starts_with("class="), "{e:?}");

    // A DOCTYPE without entities in use is left out with a note.
    let s = clean(
        "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\">&amp;&#x41;&lt;</svg>",
    );
    assert_eq!(s.removed.len(), 1);
    assert_eq!(
        String::from_utf8(s.svg).unwrap(),
        "\n<svg xmlns=\"http://www.w3.org/2000/svg\">&amp;A&lt;</svg>"
    );
}

#[test]
fn broken_and_foreign_files_are_refused() {
    for (src, message) in [
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>",
            "not well-formed",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\">",
            "not well-formed",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\" a=\"1\" a=\"2\"/>",
            "given twice",
        ),
        ("<svg><script>alert(1)</script></svg>", "not an SVG image"),
        (
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
            "not an SVG image",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "second element",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><x:g/></svg>",
            "not declared",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>junk",
            "text outside",
        ),
        (
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "only UTF-8",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- a -- b --></svg>",
            "not well-formed",
        ),
        ("", "no `<svg>`"),
    ] {
        let e = sanitize(src.as_bytes()).unwrap_err();
        assert!(e.message.contains(message), "{src}: {e:?}");
    }
    let e = sanitize(b"<svg xmlns=\"http://www.w3.org/2000/svg\">\xff</svg>").unwrap_err();
    assert!(e.message.contains("UTF-8"));
}

#[test]
fn a_prefixed_svg_is_written_without_prefixes() {
    let src = r##"<s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:l="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.0"><s:use l:href="#a"/><s:g xml:space="preserve"/></s:svg>"##;
    let s = clean(src);
    assert_inert(&s.svg);
    assert_eq!(
        String::from_utf8(s.svg).unwrap(),
        r##"<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#a" xmlns:xlink="http://www.w3.org/1999/xlink"/><g xml:space="preserve"/></svg>"##
    );
    assert_eq!(s.removed.len(), 1);
    assert_eq!(s.removed[0].what, "`inkscape:version` attribute");
    assert!(src[s.removed[0].offset..].starts_with("inkscape:version"));
}

#[test]
fn deep_nesting_is_refused_and_big_files_take_linear_time() {
    let deep = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
        "<g>".repeat(MAX_DEPTH),
        "</g>".repeat(MAX_DEPTH)
    );
    let e = sanitize(deep.as_bytes()).unwrap_err();
    assert!(e.message.contains("nest deeper"), "{e:?}");
    let ok = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
        "<g>".repeat(MAX_DEPTH - 1),
        "</g>".repeat(MAX_DEPTH - 1)
    );
    assert_inert(&clean(&ok).svg);
    // Inside a left-out element too.
    let hidden = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>{}{}</script></svg>",
        "<g>".repeat(MAX_DEPTH),
        "</g>".repeat(MAX_DEPTH)
    );
    assert!(sanitize(hidden.as_bytes()).is_err());

    // Many attributes on one element and many elements: one pass each.
    let attrs: String = (0..20_000).map(|i| format!(" onx{i}=\"1\"")).collect();
    let many = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"{attrs}>{}</svg>",
        "<rect width=\"1\" height=\"1\"/>".repeat(50_000)
    );
    let start = std::time::Instant::now();
    let s = clean(&many);
    assert_eq!(s.removed.len(), 20_000);
    assert!(many[s.removed[19_999].offset..].starts_with("onx19999="));
    // Seconds, not the minutes a quadratic pass would take (debug build).
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

/// Mutated hostile and clean SVGs: whatever is not refused comes out well-formed
/// (for roxmltree) and inert.
#[test]
fn mutated_files_are_refused_or_come_out_well_formed_and_inert() {
    let seeds: Vec<String> = vec![
        String::from_utf8_lossy(include_bytes!(
            "../../content-example/content/landkreis-beispiel/logo.svg"
        ))
        .into_owned(),
        r##"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)"><!-- c --><a xlink:href="javascript:alert(1)"><text>&amp;a</text></a><script><![CDATA[alert(1)]]></script><style>a{fill:url(#x)}</style><use href="#x"/><image href="data:image/png;base64,AA"/><set attributeName="href" to="javascript:alert(1)"/><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>"##.to_string(),
    ];
    let tokens = [
        "<",
        ">",
        "/>",
        "</g>",
        "<g>",
        "&",
        "&amp;",
        "&#0;",
        "&#x1;",
        "\"",
        "'",
        "=",
        ":",
        "-",
        "--",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<?",
        "?>",
        "xmlns=\"\"",
        "xmlns:x=\"http://www.w3.org/2000/svg\"",
        "x:",
        "xlink:",
        " href=\"javascript:1\"",
        " onload=\"1\"",
        "<script>",
        "</script>",
        "\u{1}",
        "\u{FFFE}",
        "\n",
        " ",
        "url(",
        "<a>",
        "</a>",
        "<style>",
        "</style>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..4000 {
        let mut text = seeds[round % seeds.len()].clone();
        for _ in 0..1 + next(4) {
            let mut at = next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match next(3) {
                0 => text.insert_str(at, tokens[next(tokens.len())]),
                1 => {
                    let mut end = (at + next(12)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    let mut end = (at + next(40)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let piece = text[at..end].to_string();
                    text.insert_str(at, &piece);
                }
            }
        }
        match sanitize(text.as_bytes()) {
            Ok(s) => {
                accepted += 1;
                assert_inert(&s.svg);
            }
            Err(_) => refused += 1,
        }
    }
    // Both kinds occur, so the test tests something.
    assert!(
        accepted > 500 && refused > 500,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn lists_are_sorted_for_binary_search() {
    assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]));
    assert!(ATTRIBUTES.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn css_is_checked_for_references() {
    assert_eq!(css_problem("fill: url(#a); stroke: URL( \"#b\")"), None);
    assert!(css_problem("fill: URL(https://x)").is_some());
    assert!(css_problem("@IMPORT 'a.css'").is_some());
    assert!(css_problem("background: image-set('a.png' 1x)").is_some());
    assert!(css_problem("fill: \\75rl(x)").is_some());
}
