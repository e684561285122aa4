//! Numbers, plural forms and dates in the reader's language, after CLDR (through ICU4X,
//! with its data compiled in).
//!
//! Our language codes are mapped to ICU locales first ([`locale_for`]): `de-si` (plain
//! German) is German, `prs` (Dari) is Persian as written in Afghanistan, `kmr`
//! (Kurmanji) is CLDR's `ku`. A language ICU has no date data for (`ckb`, most custom
//! languages) is formatted as English, so readers get a readable date rather than ICU's
//! neutral `2026 M05 12`.
//!
//! Dates use the calendar and digits CLDR gives the language: Persian and Dari readers
//! get the Solar Hijri calendar in Persian digits (`۱ فروردین ۱۴۰۵`, Dari with the
//! Afghan month names: `۱ حمل ۱۴۰۵`); Arabic gets CLDR's default for `ar` (Gregorian,
//! Latin digits: `12 مايو 2026`).
//!
//! Formatters are made once per language and thread, on first use.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::input::Date;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::{Locale, locale};
use icu_plurals::{PluralCategory, PluralRules};

/// The formatters of one language.
struct Formats {
    plurals: PluralRules,
    date: DateTimeFormatter<YMD>,
    number: DecimalFormatter,
}

thread_local! {
    static FORMATS: RefCell<HashMap<String, Rc<Formats>>> = RefCell::new(HashMap::new());
}

/// The ICU locale for one of our language codes (lower-case BCP 47 tags, some of them
/// ISO 639-3 codes that CLDR knows under another name).
pub fn locale_for(code: &str) -> Locale {
    let code = code.trim().to_ascii_lowercase();
    let mapped = match code.as_str() {
        // Plain German ("Einfache Sprache"), not German as spoken in Slovenia.
        "de-si" => "de",
        // Persian as written in Iran, whose calendar CLDR gives it (ICU4X takes the
        // calendar from the region and does not infer one).
        "fa" => "fa-IR",
        // Dari: the Persian of Afghanistan.
        "prs" => "fa-AF",
        // Northern Kurdish (Kurmanji) is CLDR's `ku`.
        "kmr" => "ku",
        other => other,
    };
    Locale::try_from_str(mapped)
        .or_else(|_| Locale::try_from_str(mapped.split('-').next().unwrap_or(mapped)))
        .unwrap_or(locale!("en"))
}

/// The length of dates: long (`12. Mai 2026`), except where ICU4X 2.1 cannot format
/// that length (Slovak: unicode-org/icu4x#7986).
fn date_length(locale: &Locale) -> YMD {
    if locale.id.language.as_str() == "sk" {
        YMD::medium()
    } else {
        YMD::long()
    }
}

/// Formatters for `locale`; `None` where ICU has no date data for its language.
fn formats_for(locale: &Locale) -> Option<Formats> {
    let date = DateTimeFormatter::try_new(locale.into(), date_length(locale)).ok()?;
    // Without data, ICU falls back to its root locale, which has numbers for month names.
    if *locale != Locale::UNKNOWN {
        let root = DateTimeFormatter::try_new((&Locale::UNKNOWN).into(), YMD::long()).ok()?;
        let sample = Date::try_new_iso(2001, 2, 3).ok()?;
        if date.format(&sample).to_string() == root.format(&sample).to_string() {
            return None;
        }
    }
    Some(Formats {
        plurals: PluralRules::try_new_cardinal(locale.into()).ok()?,
        date,
        number: DecimalFormatter::try_new(locale.into(), Default::default()).ok()?,
    })
}

/// The formatters of language `code`, made on first use on this thread.
fn with_formats<R>(code: &str, f: impl FnOnce(&Formats) -> R) -> R {
    let formats = FORMATS.with(|cache| {
        if let Some(found) = cache.borrow().get(code) {
            return Rc::clone(found);
        }
        let made = formats_for(&locale_for(code))
            .or_else(|| formats_for(&locale!("en")))
            .expect("ICU's compiled data has English");
        let made = Rc::new(made);
        cache
            .borrow_mut()
            .insert(code.to_string(), Rc::clone(&made));
        made
    });
    f(&formats)
}

/// The names of the weekdays, Monday first, as readers of `code` write them
/// (`Montag`, `الاثنين`); English where ICU has no data for the language.
pub fn weekday_names(code: &str) -> [String; 7] {
    use icu_datetime::fieldsets::E;
    let make = |l: &Locale| DateTimeFormatter::<E>::try_new(l.into(), E::long()).ok();
    // 2024-01-01 is a Monday.
    let names = |f: &DateTimeFormatter<E>| -> Option<[String; 7]> {
        let mut out: [String; 7] = Default::default();
        for (i, name) in out.iter_mut().enumerate() {
            let day = Date::try_new_iso(2024, 1, 1 + i as u8).ok()?;
            *name = f.format(&day).to_string();
        }
        Some(out)
    };
    let locale = locale_for(code);
    let root = make(&Locale::UNKNOWN).and_then(|f| names(&f));
    if let Some(found) = make(&locale).and_then(|f| names(&f))
        && (locale == Locale::UNKNOWN || Some(&found) != root.as_ref())
    {
        return found;
    }
    make(&locale!("en"))
        .and_then(|f| names(&f))
        .expect("ICU's compiled data has English")
}

/// The CLDR plural category of the whole number `n` in language `code`: `"zero"`,
/// `"one"`, `"two"`, `"few"`, `"many"` or `"other"`.
pub fn plural_category(code: &str, n: i64) -> &'static str {
    match with_formats(code, |f| f.plurals.category_for(n)) {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The whole number `n` as language `code` writes it, with its digits and grouping
/// (`1.234` in German, `۱٬۲۳۴` in Persian).
pub fn format_number(code: &str, n: i64) -> String {
    with_formats(code, |f| f.number.format(&Decimal::from(n)).to_string())
}

/// A day of the Gregorian calendar as readers of `code` write it, in their calendar:
/// `12. Mai 2026`, `May 12, 2026`, `۲۲ اردیبهشت ۱۴۰۵`. A day that does not exist comes
/// back as `YYYY-MM-DD`.
pub fn format_date(code: &str, year: i32, month: u8, day: u8) -> String {
    match Date::try_new_iso(year, month, day) {
        Ok(date) => with_formats(code, |f| f.date.format(&date).to_string()),
        Err(_) => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// An ISO date (`2026-05-12`) as readers of `code` write it; `None` if `iso` is none.
pub fn format_iso_date(code: &str, iso: &str) -> Option<String> {
    let (year, month, day) = crate::model::review::parse_iso_date(iso)?;
    Some(format_date(code, year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::language::LanguageTable;

    fn categories(code: &str, numbers: &[i64]) -> Vec<&'static str> {
        numbers.iter().map(|&n| plural_category(code, n)).collect()
    }

    #[test]
    fn weekday_names_are_localized() {
        assert_eq!(weekday_names("de")[0], "Montag");
        assert_eq!(weekday_names("en")[6], "Sunday");
        assert_eq!(weekday_names("ckb")[0], "Monday");
        assert_ne!(weekday_names("ar")[0], "Monday");
    }

    #[test]
    fn arabic_has_six_plural_forms() {
        assert_eq!(
            categories("ar", &[0, 1, 2, 3, 11, 100]),
            ["zero", "one", "two", "few", "many", "other"]
        );
    }

    #[test]
    fn slavic_plurals() {
        for code in ["ru", "uk"] {
            assert_eq!(
                categories(code, &[1, 2, 5, 21, 22, 25, 11, 111]),
                ["one", "few", "many", "one", "few", "many", "many", "many"],
                "{code}"
            );
        }
        assert_eq!(
            categories("pl", &[1, 2, 5, 21, 22, 12, 0]),
            ["one", "few", "many", "many", "few", "many", "many"]
        );
    }

    #[test]
    fn english_german_and_unknown_plurals() {
        assert_eq!(
            categories("en", &[0, 1, 2, 21]),
            ["other", "one", "other", "other"]
        );
        assert_eq!(categories("de-si", &[1, 2]), ["one", "other"]);
        // Persian counts 0 and 1 as "one"; negative numbers count as their size.
        assert_eq!(
            categories("fa", &[0, 1, 2, -1]),
            ["one", "one", "other", "one"]
        );
        // A language unknown to CLDR follows English.
        assert_eq!(categories("qaa", &[1, 2]), ["one", "other"]);
        // Chinese has only one form.
        assert_eq!(categories("zh", &[1, 2]), ["other", "other"]);
    }

    #[test]
    fn dates_in_the_readers_language() {
        assert_eq!(format_date("de", 2026, 5, 12), "12. Mai 2026");
        assert_eq!(format_date("de-si", 2026, 5, 12), "12. Mai 2026");
        assert_eq!(format_date("en", 2026, 5, 12), "May 12, 2026");
        assert_eq!(format_date("uk", 2026, 5, 12), "12 травня 2026\u{202f}р.");
        assert_eq!(format_date("tr", 2026, 5, 12), "12 Mayıs 2026");
        // CLDR's default for `ar`: Gregorian with Latin digits.
        assert_eq!(format_date("ar", 2026, 5, 12), "12 مايو 2026");
    }

    #[test]
    fn persian_dates_are_solar_hijri_in_persian_digits() {
        // Nowruz 1405.
        assert_eq!(format_date("fa", 2026, 3, 21), "۱ فروردین ۱۴۰۵");
        assert_eq!(format_date("fa", 2026, 5, 12), "۲۲ اردیبهشت ۱۴۰۵");
        // Dari: the same calendar with the month names of Afghanistan.
        assert_eq!(format_date("prs", 2026, 3, 21), "۱ حمل ۱۴۰۵");
    }

    #[test]
    fn numbers_in_the_readers_digits() {
        assert_eq!(format_number("de", 1234), "1.234");
        assert_eq!(format_number("en", 1234), "1,234");
        assert_eq!(format_number("fa", 1234), "۱٬۲۳۴");
    }

    #[test]
    fn languages_without_date_data_get_english() {
        assert_eq!(format_date("qaa", 2026, 5, 12), "May 12, 2026");
        assert_eq!(format_date("ckb", 2026, 5, 12), "May 12, 2026");
    }

    #[test]
    fn every_built_in_language_formats() {
        let table = LanguageTable::built_in();
        for code in table.codes() {
            let date = format_date(code, 2026, 5, 12);
            assert!(!date.is_empty() && !date.contains("M05"), "{code}: {date}");
            let category = plural_category(code, 3);
            assert!(
                ["zero", "one", "two", "few", "many", "other"].contains(&category),
                "{code}"
            );
            assert!(!format_number(code, 3).is_empty(), "{code}");
        }
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            format_iso_date("de", "2026-05-12").as_deref(),
            Some("12. Mai 2026")
        );
        assert_eq!(format_iso_date("de", "soon"), None);
        assert_eq!(format_date("de", 2025, 2, 29), "2025-02-29");
    }

    /// `parse_iso_date` checks days with jiff's calendar; the formatters take any day
    /// ICU's ISO calendar has: the two must agree on which days exist.
    #[test]
    fn iso_dates_are_the_days_icu_knows() {
        use crate::model::review::parse_iso_date;
        for year in [0, 1, 1582, 1900, 2000, 2024, 2025, 2100, 9999] {
            for month in 0..=13u8 {
                for day in 0..=32u8 {
                    let iso = format!("{year:04}-{month:02}-{day:02}");
                    let icu = Date::try_new_iso(year, month, day).is_ok();
                    assert_eq!(parse_iso_date(&iso).is_some(), icu, "{iso}");
                }
            }
        }
    }
}
