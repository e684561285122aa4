//! Content languages: the built-in table and the portal's additions.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Writing direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A language content can be written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// The language's slug in file names and URLs (`de`, `de-si`, `ar`; a portal may
    /// declare slugs that are no language tag, such as Integreat's `hidden`).
    pub code: String,
    /// Its BCP 47 tag: `lang`, `hreflang`, dates, numbers and plural rules. The same as
    /// `code` unless `[languages.<code>] tag = "…"` says otherwise.
    pub tag: String,
    /// Native name, shown in language switchers ("العربية").
    pub name: String,
    /// English name, for operators and reports.
    pub english_name: String,
    pub dir: Direction,
    /// Language shown when a page has no translation in this one (`de-si` → `de`).
    /// `None`: the municipality's source language.
    pub fallback: Option<String>,
    /// Built and reachable, but not listed: not on the language chooser, in switchers,
    /// `hreflang` alternates or the sitemap, and its pages are `noindex`.
    pub hidden: bool,
}

/// (code, native name, English name, right-to-left, fallback)
const BUILT_IN: &[(&str, &str, &str, bool, Option<&str>)] = &[
    ("am", "አማርኛ", "Amharic", false, None),
    ("ar", "العربية", "Arabic", true, None),
    ("bg", "Български", "Bulgarian", false, None),
    ("bs", "Bosanski", "Bosnian", false, None),
    (
        "ckb",
        "کوردیی ناوەندی",
        "Central Kurdish (Sorani)",
        true,
        None,
    ),
    ("cs", "Čeština", "Czech", false, None),
    ("da", "Dansk", "Danish", false, None),
    ("de", "Deutsch", "German", false, None),
    (
        "de-si",
        "Einfache Sprache",
        "Plain German",
        false,
        Some("de"),
    ),
    ("el", "Ελληνικά", "Greek", false, None),
    ("en", "English", "English", false, None),
    ("es", "Español", "Spanish", false, None),
    ("fa", "فارسی", "Persian (Farsi)", true, None),
    ("fr", "Français", "French", false, None),
    ("ha", "Hausa", "Hausa", false, None),
    ("he", "עברית", "Hebrew", true, None),
    ("hi", "हिन्दी", "Hindi", false, None),
    ("hr", "Hrvatski", "Croatian", false, None),
    ("hu", "Magyar", "Hungarian", false, None),
    ("hy", "Հայերեն", "Armenian", false, None),
    ("it", "Italiano", "Italian", false, None),
    ("ka", "ქართული", "Georgian", false, None),
    (
        "kmr",
        "Kurmancî",
        "Northern Kurdish (Kurmanji)",
        false,
        None,
    ),
    ("ku", "Kurdî", "Kurdish", false, None),
    ("lt", "Lietuvių", "Lithuanian", false, None),
    ("lv", "Latviešu", "Latvian", false, None),
    ("mk", "Македонски", "Macedonian", false, None),
    ("nl", "Nederlands", "Dutch", false, None),
    ("pl", "Polski", "Polish", false, None),
    ("prs", "دری", "Dari", true, None),
    ("ps", "پښتو", "Pashto", true, None),
    ("pt", "Português", "Portuguese", false, None),
    ("ro", "Română", "Romanian", false, None),
    ("ru", "Русский", "Russian", false, None),
    ("sk", "Slovenčina", "Slovak", false, None),
    ("sl", "Slovenščina", "Slovenian", false, None),
    ("so", "Soomaali", "Somali", false, None),
    ("sq", "Shqip", "Albanian", false, None),
    ("sr", "Српски", "Serbian", false, None),
    ("sw", "Kiswahili", "Swahili", false, None),
    ("ta", "தமிழ்", "Tamil", false, None),
    ("ti", "ትግርኛ", "Tigrinya", false, None),
    ("tr", "Türkçe", "Turkish", false, None),
    ("uk", "Українська", "Ukrainian", false, None),
    ("ur", "اردو", "Urdu", true, None),
    ("vi", "Tiếng Việt", "Vietnamese", false, None),
    ("zh", "中文", "Chinese", false, None),
];

/// Overrides and additions from `[languages.<code>]` in `wegweiser.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageSettings {
    pub name: Option<String>,
    pub english_name: Option<String>,
    pub dir: Option<Direction>,
    pub fallback: Option<String>,
    /// The BCP 47 tag, where the slug (the table's key) is none or not the right one.
    pub tag: Option<String>,
    pub hidden: Option<bool>,
}

/// Every language a portal may use.
#[derive(Debug, Clone)]
pub struct LanguageTable {
    languages: BTreeMap<String, Language>,
    /// Declared in `wegweiser.toml` but refused (the error is reported there): not
    /// reported again as unknown where a municipality uses them.
    refused: std::collections::BTreeSet<String>,
}

impl LanguageTable {
    /// The built-in languages.
    pub fn built_in() -> Self {
        let languages = BUILT_IN
            .iter()
            .map(|&(code, name, english, rtl, fallback)| {
                (
                    code.to_string(),
                    Language {
                        code: code.to_string(),
                        tag: code.to_string(),
                        name: name.to_string(),
                        english_name: english.to_string(),
                        dir: if rtl { Direction::Rtl } else { Direction::Ltr },
                        fallback: fallback.map(str::to_string),
                        hidden: false,
                    },
                )
            })
            .collect();
        LanguageTable {
            languages,
            refused: Default::default(),
        }
    }

    /// Remember that the declaration of `code` was refused (and reported).
    pub fn refuse(&mut self, code: &str) {
        self.refused.insert(code.to_string());
    }

    /// Whether the declaration of `code` was refused: its uses need no error of their own.
    pub fn is_refused(&self, code: &str) -> bool {
        self.refused.contains(code)
    }

    /// Add or override a language. A new language needs at least a name, and a slug
    /// that is no BCP 47 tag needs its `tag`.
    pub fn apply(&mut self, code: &str, settings: &LanguageSettings) -> Result<(), String> {
        if !is_language_slug(code) {
            return Err(format!(
                "`{code}` cannot be a language's slug: use 2 to 32 lower-case letters, digits and `-`, starting with a letter, such as `de`, `ckb`, `de-si` or `hidden`"
            ));
        }
        if settings.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            return Err(format!(
                "the `name` of language `{code}` is empty: it is what readers pick in the language switcher"
            ));
        }
        let tag = match settings.tag.as_deref() {
            Some(tag) => Some(check_tag(tag)?),
            None => None,
        };
        if tag.is_none() && !self.languages.contains_key(code) && !is_language_tag(code) {
            return Err(format!(
                "`{code}` is no BCP 47 language tag, so it can only be the language's slug: give its real tag with `tag`, e.g. tag = \"de\" for German content under the slug `{code}`"
            ));
        }
        let entry = match self.languages.get_mut(code) {
            Some(l) => l,
            None => {
                let Some(name) = &settings.name else {
                    return Err(format!(
                        "language `{code}` is not built in: give it at least a `name`"
                    ));
                };
                self.languages.entry(code.to_string()).or_insert(Language {
                    code: code.to_string(),
                    tag: code.to_string(),
                    name: name.clone(),
                    english_name: name.clone(),
                    dir: Direction::Ltr,
                    fallback: None,
                    hidden: false,
                })
            }
        };
        if let Some(name) = &settings.name {
            entry.name = name.clone();
        }
        if let Some(english) = &settings.english_name {
            entry.english_name = english.clone();
        }
        if let Some(dir) = settings.dir {
            entry.dir = dir;
        }
        if let Some(fallback) = &settings.fallback {
            entry.fallback = Some(fallback.clone());
        }
        if let Some(tag) = tag {
            entry.tag = tag;
        }
        if let Some(hidden) = settings.hidden {
            entry.hidden = hidden;
        }
        Ok(())
    }

    pub fn get(&self, code: &str) -> Option<&Language> {
        self.languages.get(code)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.languages.contains_key(code)
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.languages.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Language> {
        self.languages.values()
    }

    /// The language probably meant by an unknown `code`, in this order: the same code
    /// in other letter case (`UK` → `uk`), an English language name (`Romanian` →
    /// `ro`), an ISO 639-2/3 code of a language in the table (`ukr` → `uk`), a country
    /// code that people write for a language (`ua` → `uk`, `gr` → `el`), and, for
    /// what cannot be a language code, the closest code (`kmrr` → `kmr`). A code of
    /// two or three letters is not matched by spelling: `rom` is Romani, not
    /// Romanian (`ro`), and gets no suggestion.
    pub fn suggest(&self, code: &str) -> Option<&str> {
        const ISO_639_3: &[(&str, &str)] = &[
            ("amh", "am"),
            ("ara", "ar"),
            ("bul", "bg"),
            ("bos", "bs"),
            ("ces", "cs"),
            ("cze", "cs"),
            ("dan", "da"),
            ("deu", "de"),
            ("ger", "de"),
            ("ell", "el"),
            ("gre", "el"),
            ("eng", "en"),
            ("spa", "es"),
            ("fas", "fa"),
            ("per", "fa"),
            ("pes", "fa"),
            ("fra", "fr"),
            ("fre", "fr"),
            ("hau", "ha"),
            ("heb", "he"),
            ("hin", "hi"),
            ("hrv", "hr"),
            ("hun", "hu"),
            ("hye", "hy"),
            ("arm", "hy"),
            ("ita", "it"),
            ("kat", "ka"),
            ("geo", "ka"),
            ("kur", "ku"),
            ("lit", "lt"),
            ("lav", "lv"),
            ("mkd", "mk"),
            ("mac", "mk"),
            ("nld", "nl"),
            ("dut", "nl"),
            ("pol", "pl"),
            ("pus", "ps"),
            ("pbu", "ps"),
            ("por", "pt"),
            ("ron", "ro"),
            ("rum", "ro"),
            ("rus", "ru"),
            ("slk", "sk"),
            ("slo", "sk"),
            ("slv", "sl"),
            ("som", "so"),
            ("sqi", "sq"),
            ("alb", "sq"),
            ("srp", "sr"),
            ("swa", "sw"),
            ("tam", "ta"),
            ("tir", "ti"),
            ("tur", "tr"),
            ("ukr", "uk"),
            ("urd", "ur"),
            ("vie", "vi"),
            ("zho", "zh"),
            ("chi", "zh"),
        ];
        // Country codes are no language codes; none here is a language code of its
        // own (`et` is Estonian, `af` Afrikaans, so those are not listed).
        const COUNTRY_CODES: &[(&str, &str)] = &[
            ("ua", "uk"),
            ("gr", "el"),
            ("cz", "cs"),
            ("dk", "da"),
            ("ir", "fa"),
            ("se", "sv"),
            ("jp", "ja"),
            ("kr", "ko"),
            ("cn", "zh"),
            ("al", "sq"),
            ("sy", "ar"),
            ("rs", "sr"),
            ("er", "ti"),
            ("pk", "ur"),
            ("gb", "en"),
            ("us", "en"),
            ("at", "de"),
            ("ch", "de"),
            ("by", "be"),
            ("ge", "ka"),
            ("kurdish", "kmr"),
            ("farsi", "fa"),
            ("dari", "prs"),
        ];
        let lower = code.trim().to_ascii_lowercase();
        let known = |c: &str| self.get(c).map(|l| l.code.as_str());
        if let Some(c) = known(&lower) {
            return Some(c);
        }
        let by_name = self.iter().find(|l| {
            let name = l.english_name.to_ascii_lowercase();
            name == lower || name.split(" (").next() == Some(lower.as_str())
        });
        if let Some(l) = by_name {
            return Some(&l.code);
        }
        for table in [ISO_639_3, COUNTRY_CODES] {
            if let Some(c) = table
                .iter()
                .find(|(c, _)| *c == lower)
                .and_then(|(_, lang)| known(lang))
            {
                return Some(c);
            }
        }
        let iso_shaped =
            (2..=3).contains(&lower.len()) && lower.bytes().all(|b| b.is_ascii_lowercase());
        if iso_shaped {
            return None;
        }
        crate::base::diagnostics::did_you_mean(&lower, self.codes())
    }

    /// How to publish a language the table does not have, for hints.
    pub fn declare_hint(code: &str) -> String {
        let lower = code.trim().to_ascii_lowercase();
        if is_language_tag(&lower) {
            format!(
                "a language of your own is declared in wegweiser.toml: [languages.{lower}] with name, english_name and dir (see `wegweiser languages`)"
            )
        } else if is_language_slug(&lower) {
            format!(
                "`{lower}` is no BCP 47 tag, but it can be a language's slug: declare it in wegweiser.toml as [languages.{lower}] with name, dir and tag = \"<its BCP 47 tag>\" (see docs/format.md#languages)"
            )
        } else {
            "a language of your own is declared in wegweiser.toml: [languages.<slug>] with name, english_name and dir (see `wegweiser languages`)".to_string()
        }
    }

    /// "ar, de, en, …" for error messages.
    pub fn code_list(&self) -> String {
        self.codes().collect::<Vec<_>>().join(", ")
    }
}

/// Whether `s` can be a language's slug (its segment in URLs and file names): 2–32
/// lower-case ASCII letters, digits and single `-`, starting with a letter.
pub fn is_language_slug(s: &str) -> bool {
    (2..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether a language slug is also a BCP 47 tag wegweiser can put in `lang`.
fn is_language_tag(s: &str) -> bool {
    is_language_code(s) && check_tag(s).is_ok()
}

/// A `tag` as written, checked: a well-formed BCP 47 tag whose language is 2–3
/// letters (ISO 639); returned in its canonical case (`de-x-ls`, `fa-IR`).
pub fn check_tag(tag: &str) -> Result<String, String> {
    let problem = || {
        let shown: String = tag.chars().take(40).collect();
        let more = if shown.len() < tag.len() { "…" } else { "" };
        format!(
            "`tag = \"{}{more}\"` is no BCP 47 language tag: write the language as ISO 639 code, optionally with script, region or private-use subtags, e.g. \"de\", \"fa-AF\", \"de-x-ls\"",
            shown.escape_default()
        )
    };
    if tag.len() > 64 {
        return Err(problem());
    }
    let locale = icu_locale_core::Locale::try_from_str(tag).map_err(|_| problem())?;
    if !(2..=3).contains(&locale.id.language.as_str().len()) {
        return Err(problem());
    }
    Ok(locale.to_string())
}

/// Whether `s` has the shape of a language tag as used in file names: 2–3 lower-case
/// letters, optionally followed by `-` and a subtag of letters or digits.
pub fn is_language_code(s: &str) -> bool {
    let (primary, sub) = match s.split_once('-') {
        Some((p, s)) => (p, Some(s)),
        None => (s, None),
    };
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let sub_ok = sub.is_none_or(|s| {
        (2..=8).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    primary_ok && sub_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtl_languages_are_marked() {
        let t = LanguageTable::built_in();
        for code in ["ar", "fa", "prs", "ps", "ckb", "ur", "he"] {
            assert_eq!(t.get(code).unwrap().dir, Direction::Rtl, "{code}");
        }
        for code in ["de", "en", "uk", "tr", "ti", "kmr"] {
            assert_eq!(t.get(code).unwrap().dir, Direction::Ltr, "{code}");
        }
        assert_eq!(t.get("de-si").unwrap().fallback.as_deref(), Some("de"));
    }

    #[test]
    fn settings_override_and_add() {
        let mut t = LanguageTable::built_in();
        t.apply(
            "de-si",
            &LanguageSettings {
                name: Some("Leichte Sprache".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(t.get("de-si").unwrap().name, "Leichte Sprache");
        assert!(t.apply("xx", &LanguageSettings::default()).is_err());
        t.apply(
            "dsb",
            &LanguageSettings {
                name: Some("Dolnoserbšćina".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(t.contains("dsb"));
        assert!(t.apply("Bad_Code", &LanguageSettings::default()).is_err());
    }

    #[test]
    fn suggestions_know_country_codes() {
        let t = LanguageTable::built_in();
        assert_eq!(t.suggest("ua"), Some("uk"));
        assert_eq!(t.suggest("gr"), Some("el"));
        assert_eq!(t.suggest("kmrr"), Some("kmr"));
        assert_eq!(t.suggest("xyzzy"), None);
    }

    #[test]
    fn suggestions_prefer_exact_names_and_iso_codes_to_spelling() {
        let t = LanguageTable::built_in();
        // Romani is not Romanian, and a country code in capitals is no typo.
        assert_eq!(t.suggest("rom"), None);
        assert_eq!(t.suggest("UK"), Some("uk"));
        assert_eq!(t.suggest("DE"), Some("de"));
        assert_eq!(t.suggest("ron"), Some("ro"));
        assert_eq!(t.suggest("ukr"), Some("uk"));
        assert_eq!(t.suggest("Romanian"), Some("ro"));
        assert_eq!(t.suggest("persian"), Some("fa"));
        assert_eq!(t.suggest("et"), None, "Estonian, not Amharic");
        assert!(LanguageTable::declare_hint("rom").contains("[languages.rom]"));
        assert!(LanguageTable::declare_hint("Bad Code").contains("[languages.<slug>]"));
        assert!(LanguageTable::declare_hint("hidden").contains("[languages.hidden]"));
        assert!(LanguageTable::declare_hint("hidden").contains("tag ="));
    }

    #[test]
    fn slugs_that_are_no_tags_need_one() {
        let mut t = LanguageTable::built_in();
        let named = |tag: Option<&str>| LanguageSettings {
            name: Some("Versteckt".into()),
            tag: tag.map(str::to_string),
            hidden: Some(true),
            ..Default::default()
        };
        let err = t.apply("hidden", &named(None)).unwrap_err();
        assert!(err.contains("tag"), "{err}");
        t.apply("hidden", &named(Some("de"))).unwrap();
        let l = t.get("hidden").unwrap();
        assert_eq!(
            (l.code.as_str(), l.tag.as_str(), l.hidden),
            ("hidden", "de", true)
        );
        t.apply("de-si", &named(Some("DE-x-LS"))).unwrap();
        assert_eq!(t.get("de-si").unwrap().tag, "de-x-ls");
        t.apply("pes", &named(Some("fa-IR"))).unwrap();
        assert_eq!(t.get("pes").unwrap().tag, "fa-IR");
        for bad in ["", "<script>", "hidden", "x", &"a".repeat(100)] {
            assert!(t.apply("ok", &named(Some(bad))).is_err(), "{bad}");
        }
        for bad in [
            "_x",
            "-de",
            "de-",
            "a--b",
            "Hidden",
            "h",
            "versteckt/x",
            &"a".repeat(33),
        ] {
            assert!(t.apply(bad, &named(Some("de"))).is_err(), "{bad}");
        }
        let err = t
            .apply(
                "leer",
                &LanguageSettings {
                    name: Some("  ".into()),
                    tag: Some("de".into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn language_code_shape() {
        assert!(is_language_code("de"));
        assert!(is_language_code("de-si"));
        assert!(is_language_code("ckb"));
        assert!(!is_language_code("index"));
        assert!(!is_language_code("v2"));
        assert!(!is_language_code("DE"));
    }
}
