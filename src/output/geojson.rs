//! `/<m>/places.geojson`: the places of a municipality that have coordinates.

use serde_json::{Value, json};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::model::place::{GEOJSON_FILE, place_url};
use crate::model::{Municipality, Site};

/// The GeoJSON (RFC 7946) of the places of `m` that have coordinates: a
/// FeatureCollection of Points, `[longitude, latitude]`, with names in the source
/// language and links to the places' pages.
pub fn geojson(site: &Site, m: &Municipality) -> String {
    let source = m.source_language;
    let features: Vec<Value> = m
        .places
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let c = p.data.coordinates?;
            let (text, _) = p.text(source);
            let mut props = json!({
                "id": p.data.id,
                "name": text.title,
                "category": p.data.category.as_str(),
            });
            if let Some(url) = place_url(m, source, i) {
                props["url"] = json!(site.base_url.absolute(&url));
            }
            if let Some(a) = &p.data.address {
                props["address"] = json!(format!("{}, {} {}", a.street, a.postcode, a.town));
            }
            if let Some(phone) = &p.data.phone {
                props["phone"] = json!(phone);
            }
            Some(json!({
                "type": "Feature",
                "id": p.data.id,
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": props,
            }))
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "type": "FeatureCollection",
        "features": features,
    }))
    .expect("JSON serialises");
    text.push('\n');
    text
}

/// Write `/<m>/places.geojson` for every municipality with places; returns files and
/// bytes.
pub fn write(
    site: &Site,
    municipalities: &[usize],
    out: &dyn crate::write::Sink,
) -> Result<(u64, u64), Diagnostic> {
    let mut files = 0;
    let mut bytes = 0;
    for &mi in municipalities {
        let m = &site.municipalities[mi];
        if m.places.is_empty() {
            continue;
        }
        let text = geojson(site, m);
        let rel = format!("{}/{GEOJSON_FILE}", m.slug);
        out.write(&rel, text.as_bytes()).map_err(|e| {
            Diagnostic::file(Severity::Error, rel.clone(), format!("cannot write: {e}"))
        })?;
        files += 1;
        bytes += text.len() as u64;
    }
    Ok((files, bytes))
}
