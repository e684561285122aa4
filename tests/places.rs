//! Places on the fixture portal `tests/fixtures/places/` (Teststadt: German, Arabic,
//! English; built on 2026-11-25): the list and the place pages in every language with
//! fallback, the opening-hours table, map and contact links, schema.org data, the
//! GeoJSON export, links to places from pages, and every bad input in
//! `tests/fixtures/broken/place_*`.

mod common;

use std::fs;
use std::path::Path;

use common::{attr, fixture, select, text};
use scraper::Html;
use wegweiser::base::diagnostics::Diagnostic;
use wegweiser::build::pipeline::{BuildOptions, build};
use wegweiser::render::NoProgress;

fn build_site(out: &Path) {
    let options = BuildOptions {
        root: fixture("places"),
        output: Some(out.to_path_buf()),
        minify: Some(false),
        write: true,
        today: Some("2026-11-25".parse().unwrap()),
        ..Default::default()
    };
    if let Err(f) = build(&options, &NoProgress) {
        let shown: Vec<String> = f.diagnostics.iter().map(ToString::to_string).collect();
        panic!("build failed:\n{}", shown.join("\n"));
    }
}

fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel).join("index.html");
    Html::parse_document(
        &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

#[test]
fn every_language_has_the_list_and_every_place() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    for lang in ["de", "ar", "en"] {
        let list = page(tmp.path(), &format!("stadt/{lang}/places"));
        let links: Vec<String> = select(&list, "article.places li a")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        assert_eq!(links.len(), 3, "{lang}: {links:?}");
        for id in ["buergerbuero", "migrationsberatung", "bibliothek"] {
            assert!(links.contains(&format!("/stadt/{lang}/places/{id}/")));
            page(tmp.path(), &format!("stadt/{lang}/places/{id}"));
        }
    }
    // Grouped by category, with headings in the reader's language.
    let list = page(tmp.path(), "stadt/ar/places");
    let headings: Vec<String> = select(&list, "article.places h2")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(headings, ["الجهات الحكومية", "الاستشارة", "التعليم"]);
    // The start page links the list.
    let start = page(tmp.path(), "stadt/ar");
    assert_eq!(
        attr(&start, ".portal-sections li:first-child a", "href").as_deref(),
        Some("/stadt/ar/places/")
    );
}

#[test]
fn translated_text_where_there_is_one_else_the_source_with_a_notice() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let ar = page(tmp.path(), "stadt/ar/places/buergerbuero");
    assert_eq!(text(&ar, "h1"), "مكتب المواطنين");
    assert_eq!(attr(&ar, "h1", "lang").as_deref(), Some("ar"));
    assert!(select(&ar, ".fallback-notice").is_empty());
    assert_eq!(attr(&ar, "html", "dir").as_deref(), Some("rtl"));
    let en = page(tmp.path(), "stadt/en/places/buergerbuero");
    assert_eq!(text(&en, "h1"), "Bürgerbüro");
    assert_eq!(attr(&en, "h1", "lang").as_deref(), Some("de"));
    assert!(!select(&en, ".fallback-notice").is_empty());
    // The English page is canonical at the German one; hreflang names only languages
    // with their own text.
    assert_eq!(
        attr(&en, "link[rel=canonical]", "href").as_deref(),
        Some("https://portal.example/stadt/de/places/buergerbuero/")
    );
    let hreflangs: Vec<String> = select(&en, "link[hreflang]")
        .iter()
        .map(|l| l.value().attr("hreflang").unwrap().to_string())
        .collect();
    assert_eq!(hreflangs, ["de", "ar", "x-default"]);
}

#[test]
fn opening_hours_are_an_accessible_table_in_the_readers_language() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let de = page(tmp.path(), "stadt/de/places/buergerbuero");
    let table = "table.opening-hours:not(.opening-exceptions)";
    assert_eq!(text(&de, &format!("{table} caption")), "Öffnungszeiten");
    assert_eq!(
        select(&de, &format!("{table} thead th[scope=col]")).len(),
        2
    );
    let rows: Vec<(String, String)> = select(&de, &format!("{table} tbody tr"))
        .iter()
        .map(|tr| {
            let th = tr
                .select(&scraper::Selector::parse("th[scope=row]").unwrap())
                .next()
                .unwrap();
            let td = tr
                .select(&scraper::Selector::parse("td").unwrap())
                .next()
                .unwrap();
            (th.text().collect(), td.text().collect())
        })
        .collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows[0],
        ("Montag".into(), "08:00–12:00, 14:00–16:00".into())
    );
    assert_eq!(rows[2], ("Mittwoch".into(), "Nur mit Termin".into()));
    assert_eq!(rows[6], ("Sonntag".into(), "Geschlossen".into()));
    // Weekday names come from CLDR in every language.
    let ar = page(tmp.path(), "stadt/ar/places/buergerbuero");
    assert_eq!(text(&ar, &format!("{table} tbody th")), "الاثنين");
    // Upcoming exceptions, with the date in the reader's language.
    let exceptions: Vec<String> = select(&de, "table.opening-exceptions tbody tr")
        .iter()
        .map(|tr| tr.text().collect())
        .collect();
    assert_eq!(
        exceptions,
        [
            "24. Dezember 2026Geschlossen (Heiligabend)",
            "31. Dezember 202609:00–11:00"
        ]
    );
    // The data the open-now script reads, and the script as a file (no inline code).
    assert_eq!(
        attr(&de, "[data-open-now]", "data-hours").as_deref(),
        Some(
            "1=08:00-12:00,14:00-16:00;2=08:00-12:00;3=appointment_only;4=08:00-12:00,14:00-18:00;5=08:00-12:00;6=closed;7=closed"
        )
    );
    assert_eq!(
        attr(&de, "[data-open-now]", "data-tz").as_deref(),
        Some("Europe/Berlin")
    );
    assert!(
        attr(&de, "[data-open-now]", "hidden").is_some(),
        "complete without script"
    );
    // (The page also loads offline.js, docs/offline.md.)
    let src = select(&de, "script[src]")
        .iter()
        .filter_map(|s| s.value().attr("src"))
        .find(|s| s.starts_with("/places."))
        .expect("the open-now script")
        .to_string();
    assert!(src.ends_with(".js"), "{src}");
    assert!(tmp.path().join(src.trim_start_matches('/')).is_file());
    for script in select(&de, "script:not([src])") {
        assert_eq!(script.value().attr("type"), Some("application/ld+json"));
    }
}

#[test]
fn map_contact_and_access() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let de = page(tmp.path(), "stadt/de/places/buergerbuero");
    let maps: Vec<String> = select(&de, ".map-links a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        maps,
        [
            "geo:50.9375,6.9603",
            "https://www.openstreetmap.org/?mlat=50.9375&mlon=6.9603#map=18/50.9375/6.9603"
        ]
    );
    assert!(select(&de, "iframe").is_empty(), "no embedded map");
    assert_eq!(
        attr(&de, "a[href^='tel:']", "href").as_deref(),
        Some("tel:0221123450")
    );
    assert_eq!(attr(&de, "a[href^='tel:']", "dir").as_deref(), Some("ltr"));
    assert_eq!(
        text(&de, ".barrier-free"),
        "Barrierefreier Zugang: Aufzug am Seiteneingang"
    );
    let closed = page(tmp.path(), "stadt/de/places/migrationsberatung");
    assert_eq!(
        text(&closed, ".closed-notice"),
        "Vorübergehend geschlossen Umzug bis Ende Dezember"
    );
    assert!(
        select(&closed, "[data-open-now]").is_empty(),
        "no open-now when closed"
    );
    assert_eq!(text(&closed, ".barrier-free"), "Kein barrierefreier Zugang");
    // Without opening hours there is nothing to say open or closed from.
    let no_hours = page(tmp.path(), "stadt/de/places/bibliothek");
    assert!(
        select(&no_hours, "[data-open-now]").is_empty(),
        "no open-now without opening hours"
    );
}

#[test]
fn schema_org_data_describes_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let de = page(tmp.path(), "stadt/de/places/buergerbuero");
    let json = text(&de, "main script[type='application/ld+json']");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["@type"], "GovernmentOffice");
    assert_eq!(v["name"], "Bürgerbüro");
    assert_eq!(v["address"]["postalCode"], "12345");
    assert_eq!(v["geo"]["longitude"], 6.9603);
    assert_eq!(v["openingHoursSpecification"].as_array().unwrap().len(), 6);
    assert_eq!(
        v["specialOpeningHoursSpecification"][0]["validFrom"],
        "2026-12-24"
    );
}

#[test]
fn geojson_lists_places_with_coordinates_in_lon_lat_order() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let text = fs::read_to_string(tmp.path().join("stadt/places.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    // The library has no coordinates.
    assert_eq!(features.len(), 2);
    let f = &features[0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"]["type"], "Point");
    assert_eq!(
        f["geometry"]["coordinates"],
        serde_json::json!([6.9603, 50.9375])
    );
    assert_eq!(f["properties"]["id"], "buergerbuero");
    assert_eq!(
        f["properties"]["url"],
        "https://portal.example/stadt/de/places/buergerbuero/"
    );
}

#[test]
fn links_to_places_and_news_from_pages_follow_the_reader() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let de = page(tmp.path(), "stadt/de");
    let hrefs: Vec<String> = select(&de, "article.content a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "/stadt/de/places/buergerbuero/",
            "/stadt/de/news/deutschkurs/"
        ]
    );
    let news = page(tmp.path(), "stadt/de/news/deutschkurs");
    assert_eq!(
        attr(&news, "article a", "href").as_deref(),
        Some("/stadt/de/places/buergerbuero/")
    );
}

// ---------------------------------------------------------------------------------------
// Bad input

fn errors(case: &str) -> Vec<Diagnostic> {
    let options = BuildOptions {
        root: fixture("broken").join(case),
        write: false,
        ..Default::default()
    };
    match build(&options, &NoProgress) {
        Ok(_) => panic!("the check of {case} should fail"),
        Err(f) => f.diagnostics,
    }
}

/// The one error of `case`: in `file` (below content/m/), at `(line, column)`, saying
/// `contains`; returns its hint.
#[track_caller]
fn sole_error(case: &str, file: &str, position: (usize, usize), contains: &str) -> Option<String> {
    let diags = errors(case);
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{d} [{}:{}]", d.line, d.column))
        .collect();
    assert_eq!(diags.len(), 1, "{case}:\n{}", shown.join("\n"));
    let d = &diags[0];
    assert_eq!(
        d.file,
        Path::new("content/m").join(file),
        "{case}: {}",
        shown[0]
    );
    assert_eq!((d.line, d.column), position, "{case}: {}", shown[0]);
    assert!(d.message.contains(contains), "{case}: {}", shown[0]);
    d.hint.clone()
}

#[test]
fn overlapping_and_inverted_slots_and_bad_times() {
    let hint = sole_error(
        "place_overlapping_slots",
        "places/amt.md",
        (6, 27),
        "overlap",
    );
    assert!(hint.unwrap().contains("merge"));
    sole_error(
        "place_inverted_slot",
        "places/amt.md",
        (6, 13),
        "ends before it begins",
    );
    // YAML, in a list below the weekday.
    sole_error(
        "place_bad_time",
        "places/amt.md",
        (8, 8),
        "`25:00` is not a time",
    );
}

#[test]
fn unknown_weekdays_categories_and_keys_get_suggestions() {
    let hint = sole_error(
        "place_unknown_weekday",
        "places/amt.md",
        (7, 1),
        "`thursdy` is not a weekday",
    );
    assert_eq!(hint.as_deref(), Some("did you mean `thursday`?"));
    let hint = sole_error(
        "place_unknown_category",
        "places/amt.md",
        (4, 13),
        "unknown category `counseling`",
    );
    assert!(hint.unwrap().starts_with("did you mean `counselling`?"));
    let hint = sole_error(
        "place_unknown_key",
        "places/amt.md",
        (5, 1),
        "unknown field `opening_hour`",
    );
    assert_eq!(hint.as_deref(), Some("did you mean `opening_hours`?"));
}

#[test]
fn invalid_coordinates_duplicate_ids_and_bad_exceptions() {
    sole_error(
        "place_bad_coordinates",
        "places/amt.md",
        (5, 29),
        "longitude 250 is not between -180 and 180",
    );
    let hint = sole_error(
        "place_duplicate_id",
        "places/amt-2.md",
        (3, 6),
        "two places have the id `amt`",
    );
    assert_eq!(
        hint.as_deref(),
        Some("the other is content/m/places/amt.md")
    );
    sole_error(
        "place_exception_bad",
        "places/amt.md",
        (6, 8),
        "says neither closed nor hours",
    );
}

#[test]
fn data_in_a_translation_and_links_to_missing_places() {
    let hint = sole_error(
        "place_data_in_translation",
        "places/amt.en.md",
        (3, 1),
        "unknown field `category`",
    );
    assert!(hint.unwrap().contains("source-language file"));
    sole_error(
        "place_link_missing",
        "_index.de.md",
        (4, 7),
        "link to `@/places/rathaus.md`",
    );
}

#[test]
fn the_sitemap_lists_place_pages_where_they_have_their_own_text() {
    let tmp = tempfile::tempdir().unwrap();
    build_site(tmp.path());
    let sitemap = fs::read_to_string(tmp.path().join("sitemap.xml")).unwrap();
    for lang in ["de", "ar", "en"] {
        assert!(sitemap.contains(&format!(
            "<loc>https://portal.example/stadt/{lang}/places/</loc>"
        )));
        assert!(sitemap.contains(&format!(
            "<loc>https://portal.example/stadt/{lang}/news/</loc>"
        )));
    }
    assert!(sitemap.contains("<loc>https://portal.example/stadt/ar/places/buergerbuero/</loc>"));
    assert!(!sitemap.contains("<loc>https://portal.example/stadt/en/places/buergerbuero/</loc>"));
    assert!(sitemap.contains("<loc>https://portal.example/stadt/ar/news/deutschkurs/</loc>"));
    assert!(!sitemap.contains("<loc>https://portal.example/stadt/ar/news/sprechstunde/</loc>"));
}

#[test]
fn a_page_whose_slug_is_where_the_place_pages_are_is_reported() {
    let (_tmp, root) = common::copy_fixture("places");
    fs::write(
        root.join("content/stadt/orte.en.md"),
        "+++\ntitle = \"Places\"\nslug = \"places\"\n+++\nText.\n",
    )
    .unwrap();
    fs::write(
        root.join("content/stadt/orte.de.md"),
        "+++\ntitle = \"Orte\"\n+++\nText.\n",
    )
    .unwrap();
    let options = BuildOptions {
        root,
        write: false,
        ..Default::default()
    };
    let diags = match build(&options, &NoProgress) {
        Ok(_) => panic!("the check should fail"),
        Err(f) => f.diagnostics,
    };
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].file, Path::new("content/stadt/orte.en.md"));
    assert_eq!((diags[0].line, diags[0].column), (3, 1));
    assert!(
        diags[0]
            .message
            .contains("where wegweiser puts the place pages"),
        "{}",
        diags[0].message
    );
}
