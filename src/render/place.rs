//! The pages of places: `place.html` (one place, with its schema.org data) and
//! `places.html` (the list by category).

use serde_json::{Value, json};

use crate::model::place::{Category, Exception, FlagOrText, Hours, hhmm, list_url, place_url};
use crate::model::ui_strings::LanguageStrings;
use crate::model::{LangIdx, Municipality, Site};
use crate::render::item::{breadcrumbs, item_page, json_ld, page_value, switcher};

// The category's label needs the theme's UI strings, so it lives here, above the
// theme, not with the plain data in `model_place`.
impl Category {
    /// The heading of the category in the list, in the reader's language.
    pub fn label<'a>(self, ui: &LanguageStrings<'a>) -> &'a str {
        ui.get(match self {
            Category::Authority => "place_category_authority",
            Category::Counselling => "place_category_counselling",
            Category::Education => "place_category_education",
            Category::Health => "place_category_health",
            Category::Leisure => "place_category_leisure",
            Category::Religion => "place_category_religion",
            Category::Shopping => "place_category_shopping",
            Category::Other => "place_category_other",
        })
    }
}

/// `tel:` target: the number without spaces and separators.
pub(crate) fn phone_link(phone: &str) -> String {
    phone.replace([' ', '/', '-', '(', ')'], "")
}

fn slot_values(hours: &Hours) -> Vec<Value> {
    match hours {
        Hours::Open(slots) => slots
            .iter()
            .map(|s| json!({"from": hhmm(s.from), "to": hhmm(s.to)}))
            .collect(),
        _ => Vec::new(),
    }
}

fn flag_value(flag: &Option<FlagOrText>) -> Value {
    match flag {
        None | Some(FlagOrText::Flag(false)) => Value::Null,
        Some(FlagOrText::Flag(true)) => json!({"text": null}),
        Some(FlagOrText::Text(t)) => json!({"text": t}),
    }
}

/// The `place` value of a place page or a list entry, for readers of `lang`.
fn place_value(
    site: &Site,
    m: &Municipality,
    place: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
) -> Value {
    let p = &m.places[place];
    let d = &p.data;
    let (text, shown) = p.text(lang);
    let l = &m.languages[shown];
    let source = &m.languages[m.source_language];
    let code = &m.languages[lang].tag;
    let names = crate::theme::i18n::weekday_names(code);
    let week: Vec<Value> = d
        .hours
        .week
        .iter()
        .enumerate()
        .filter(|(_, h)| **h != Hours::Unknown)
        .map(|(i, h)| json!({"day": i + 1, "name": names[i], "state": h.state(), "slots": slot_values(h)}))
        .collect();
    let week_data: Vec<String> = d
        .hours
        .week
        .iter()
        .enumerate()
        .filter(|(_, h)| **h != Hours::Unknown)
        .map(|(i, h)| format!("{}={}", i + 1, h.data()))
        .collect();
    let upcoming: Vec<&Exception> = d
        .hours
        .exceptions
        .iter()
        .filter(|e| e.date >= m.today)
        .collect();
    let exceptions: Vec<Value> = upcoming
        .iter()
        .map(|e| {
            let iso = e.date.to_string();
            json!({
                "date": iso,
                "label": crate::theme::i18n::format_iso_date(code, &iso).unwrap_or_else(|| iso.clone()),
                "state": e.hours.state(),
                "slots": slot_values(&e.hours),
                "note": e.note,
            })
        })
        .collect();
    let exceptions_data: Vec<String> = upcoming
        .iter()
        .map(|e| format!("{}={}", e.date, e.hours.data()))
        .collect();
    let (geo, osm) = match d.coordinates {
        Some(c) => (
            Some(format!("geo:{},{}", c.lat, c.lon)),
            Some(format!(
                "https://www.openstreetmap.org/?mlat={}&mlon={}#map=18/{}/{}",
                c.lat, c.lon, c.lat, c.lon
            )),
        ),
        None => (None, None),
    };
    let url = place_url(m, lang, place);
    json!({
        "id": d.id,
        "title": text.title,
        "description": text.description,
        "lang": l.tag,
        "dir": l.dir.as_str(),
        "url": url,
        "permalink": url.as_deref().map(|u| site.base_url.absolute(u)),
        "category": d.category.as_str(),
        "category_label": d.category.label(ui),
        "address": d.address,
        "coordinates": d.coordinates,
        "geo_uri": geo,
        "osm_url": osm,
        "phone": d.phone,
        "phone_link": d.phone.as_deref().map(phone_link),
        "email": d.email,
        "website": d.website,
        "appointment_url": d.appointment_url,
        "barrier_free": match &d.barrier_free {
            None => Value::Null,
            Some(FlagOrText::Flag(b)) => json!({"yes": b, "text": null}),
            Some(FlagOrText::Text(t)) => json!({"yes": true, "text": t}),
        },
        "temporarily_closed": flag_value(&d.temporarily_closed),
        "source_lang": source.tag,
        "source_dir": source.dir.as_str(),
        "hours": week,
        "hours_data": week_data.join(";"),
        "exceptions": exceptions,
        "exceptions_data": exceptions_data.join(";"),
        "timezone": m.timezone,
    })
}

/// schema.org data of a place (a `Place`, or a `GovernmentOffice` for authorities).
fn schema_org(site: &Site, m: &Municipality, place: usize, lang: LangIdx) -> Value {
    let p = &m.places[place];
    let d = &p.data;
    let (text, _) = p.text(lang);
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": match d.category {
            Category::Authority => "GovernmentOffice",
            Category::Education => "EducationalOrganization",
            Category::Health => "MedicalOrganization",
            Category::Religion => "PlaceOfWorship",
            Category::Shopping => "Store",
            _ => "Place",
        },
        "name": text.title,
    });
    if let Some(url) = place_url(m, lang, place) {
        v["url"] = json!(site.base_url.absolute(&url));
    }
    if let Some(t) = &text.description {
        v["description"] = json!(t);
    }
    if let Some(a) = &d.address {
        v["address"] = json!({
            "@type": "PostalAddress",
            "streetAddress": a.street,
            "postalCode": a.postcode,
            "addressLocality": a.town,
        });
    }
    if let Some(c) = d.coordinates {
        v["geo"] = json!({"@type": "GeoCoordinates", "latitude": c.lat, "longitude": c.lon});
    }
    if let Some(phone) = &d.phone {
        v["telephone"] = json!(phone);
    }
    if let Some(email) = &d.email {
        v["email"] = json!(email);
    }
    if let Some(web) = &d.website {
        v["sameAs"] = json!(web);
    }
    if let Some(b) = &d.barrier_free {
        let accessible = !matches!(b, FlagOrText::Flag(false));
        v["amenityFeature"] = json!([{
            "@type": "LocationFeatureSpecification",
            "name": "wheelchair accessible",
            "value": accessible,
        }]);
    }
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut specs: Vec<Value> = Vec::new();
    for (i, h) in d.hours.week.iter().enumerate() {
        if let Hours::Open(slots) = h {
            for s in slots {
                specs.push(json!({
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": format!("https://schema.org/{}", DAYS[i]),
                    "opens": hhmm(s.from),
                    "closes": hhmm(s.to),
                }));
            }
        }
    }
    if !specs.is_empty() {
        v["openingHoursSpecification"] = Value::Array(specs);
    }
    let special: Vec<Value> = d
        .hours
        .exceptions
        .iter()
        .filter(|e| e.date >= m.today)
        .flat_map(|e| {
            let day = e.date.to_string();
            match &e.hours {
                Hours::Open(slots) => slots
                    .iter()
                    .map(|s| json!({"@type": "OpeningHoursSpecification", "validFrom": day, "validThrough": day, "opens": hhmm(s.from), "closes": hhmm(s.to)}))
                    .collect::<Vec<_>>(),
                _ => vec![json!({"@type": "OpeningHoursSpecification", "validFrom": day, "validThrough": day, "opens": "00:00", "closes": "00:00"})],
            }
        })
        .collect();
    if !special.is_empty() {
        v["specialOpeningHoursSpecification"] = Value::Array(special);
    }
    v
}

/// Values for `place.html`: `page`, `place`, `content`, `json_ld`, `languages`,
/// `alternates`, `breadcrumbs`.
#[allow(clippy::too_many_arguments)]
pub fn place_context(
    site: &Site,
    m: &Municipality,
    place: usize,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    notices: crate::render::context::Notices<'_>,
    ctx: &mut tera::Context,
) {
    let p = &m.places[place];
    item_page(
        site,
        m,
        "place",
        (&p.texts, &p.shown),
        |l| place_url(m, l, place),
        list_url(m, lang).map(|u| (ui.get("places_title"), u)),
        lang,
        ui,
        marker,
        notices,
        ctx,
    );
    ctx.insert("place", &place_value(site, m, place, lang, ui));
    ctx.insert("json_ld", &json_ld(&schema_org(site, m, place, lang)));
    ctx.insert(
        "events",
        &crate::render::event::at_place(m, place, lang, ui),
    );
}

/// Values for `places.html`: `page`, `groups` (places by category), `languages`,
/// `alternates`, `breadcrumbs`.
pub fn places_context(
    site: &Site,
    m: &Municipality,
    lang: LangIdx,
    ui: &LanguageStrings<'_>,
    marker: impl Fn(&str) -> String,
    ctx: &mut tera::Context,
) {
    let url = list_url(m, lang).unwrap_or_default();
    ctx.insert(
        "page",
        &page_value(
            site,
            m,
            "places",
            ui.get("places_title"),
            None,
            &url,
            &url,
            lang,
            lang,
            ui,
        ),
    );
    let groups: Vec<Value> = Category::ALL
        .iter()
        .filter_map(|&c| {
            let mut places: Vec<Value> = (0..m.places.len())
                .filter(|&p| m.places[p].data.category == c)
                .map(|p| place_value(site, m, p, lang, ui))
                .collect();
            places.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
            (!places.is_empty())
                .then(|| json!({"category": c.as_str(), "label": c.label(ui), "places": places}))
        })
        .collect();
    ctx.insert("groups", &groups);
    let (languages, alternates) = switcher(site, m, lang, |_| true, marker, |l| list_url(m, l));
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("breadcrumbs", &breadcrumbs(m, lang, None));
}
