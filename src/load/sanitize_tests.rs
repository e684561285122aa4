use super::*;

fn scan(html: &str) -> (String, Vec<Removal>) {
    let mut removals = Vec::new();
    let out = RawHtml::new().scan(html, 0, &mut removals).into_owned();
    (out, removals)
}

#[test]
fn hidden_schemes_are_decoded() {
    assert_eq!(
        decode_char_refs("jav&#x61;script&colon;alert(1)"),
        "javascript:alert(1)"
    );
    assert_eq!(decode_char_refs("java&Tab;script:x"), "java\tscript:x");
    assert_eq!(decode_char_refs("&#106&#97vascript:"), "javascript:");
    assert_eq!(decode_char_refs("a&b&unknown;c"), "a&b&unknown;c");
    assert!(!safe_url::is_allowed(&decode_char_refs(
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)"
    )));
}

#[test]
fn urls_outside_the_allow_list_are_cut_with_a_removal() {
    let (out, r) =
        scan(r#"<a title=x href="jav&#x61;script:alert(1)">a</a><img src=data:x alt=y>"#);
    assert_eq!(out, "<a title=x>a</a><img alt=y>");
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(matches!(&r[0].what, Removed::Url { url, .. } if url == "javascript:alert(1)"));
    let (out, r) =
        scan(r#"<a href="https://x.org/a?b=1&amp;c=2">a</a> <a href="wwlink:0">forged</a>"#);
    assert_eq!(
        out,
        r#"<a href="https://x.org/a?b=1&amp;c=2">a</a> <a>forged</a>"#
    );
    assert_eq!(r.len(), 1);
}

#[test]
fn tags_and_attributes_outside_the_allow_lists_are_reported() {
    let (out, r) = scan(
        "<b onclick=\"x()\" style='color:red' class=k>t</b><svg onload=x><script>if (a<b) document.write('<i onclick=y>')</script>",
    );
    assert_eq!(
        r.iter().map(|r| &r.what).collect::<Vec<_>>(),
        [
            &Removed::Attribute {
                tag: "b".into(),
                attr: "onclick".into()
            },
            &Removed::Attribute {
                tag: "b".into(),
                attr: "style".into()
            },
            &Removed::Tag("svg".into()),
            &Removed::Tag("script".into()),
        ]
    );
    assert_eq!(&out[r[0].span.clone()], "onclick");
    // Removing them is `clean`'s work.
    assert!(out.contains("onclick"));
    let cleaned = clean(&out);
    assert_eq!(cleaned, "<b class=\"k\">t</b>");
}

#[test]
fn comments_and_script_text_span_fragments() {
    let mut raw = RawHtml::new();
    let mut r = Vec::new();
    raw.scan("<!-- <script>", 0, &mut r);
    raw.scan("--> <style>", 0, &mut r);
    raw.scan("<b onclick=x>", 0, &mut r);
    raw.scan("</style><i onclick=y>", 0, &mut r);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].what, Removed::Tag("style".into()));
    assert!(matches!(&r[1].what, Removed::Attribute { tag, .. } if tag == "i"));
}

#[test]
fn deep_nesting_is_cut_and_shallow_nesting_kept() {
    let n = MAX_DEPTH + 50;
    let html = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
    let mut raw = RawHtml::new();
    let mut r = Vec::new();
    let out = raw.scan(&html, 0, &mut r);
    assert_eq!(r.len(), 50);
    assert!(r.iter().all(|r| r.what == Removed::TooDeep));
    assert_eq!(
        out,
        format!(
            "{}x{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        )
    );
    // Siblings, lists without end tags and paragraphs closed by blocks do not add up.
    let flat = format!(
        "{}<ul>{}</ul>{}",
        "<p>a<div>b</div>".repeat(500),
        "<li>x".repeat(500),
        "<span>y</span>".repeat(500)
    );
    let mut r = Vec::new();
    assert_eq!(RawHtml::new().scan(&flat, 0, &mut r), flat);
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn slots_and_allowed_urls_survive_cleaning() {
    let html = r#"<a href="wwlink:3">a</a><a href="wwlink:x">b</a><a href="tel:110">c</a><a href="java&#9;script:x">d</a><img src="geo:1,2" srcset="x.png 1x"><q cite="vbscript:x">e</q>"#;
    assert_eq!(
        clean(html),
        r#"<a href="wwlink:3">a</a><a>b</a><a href="tel:110">c</a><a>d</a><img src="geo:1,2"><q>e</q>"#
    );
    assert!(url_allowed("srcset", "a.png 1x, /b.png 2x"));
    assert!(!url_allowed("srcset", "a.png 1x, javascript:x 2x"));
    assert!(!url_allowed("srcset", "data:image/png;base64,AAAA 1x"));
}

#[test]
fn kept_links_images_and_ids_are_told_and_replaced() {
    let html = "<A Href=../x/ id=a>x</A><img src='p.png' srcset=\"q.png 2x\"><b id=\"&#x62;\">\
<a href=\"jav&#x61;script:x\">j</a><script><a href=y></script><!-- <a href=z> --><q cite=c>q</q>";
    let mut kept = Vec::new();
    let mut r = Vec::new();
    let out = RawHtml::new().scan_with(html, 0, &mut r, |k| {
        let slot = match &k {
            Kept::Link { .. } => Some("L".to_string()),
            _ => None,
        };
        kept.push(k);
        slot
    });
    assert_eq!(
        kept,
        [
            Kept::Link {
                span: 8..13,
                url: "../x/".into()
            },
            Kept::Id("a".into()),
            Kept::Image {
                span: 34..39,
                url: "p.png".into()
            },
            Kept::Id("b".into()),
        ]
    );
    assert!(
        out.starts_with("<A Href=L id=a>x</A><img src='p.png' srcset="),
        "{out}"
    );
    // `srcset` is not kept by `clean`: reported, not told.
    assert!(
        r.iter()
            .any(|r| matches!(&r.what, Removed::Attribute { attr, .. } if attr == "srcset"))
    );
}
