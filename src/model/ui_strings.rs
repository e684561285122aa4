//! UI texts: the words of the theme's templates (buttons, labels, notices) per
//! language, as read from the themes' `i18n/<code>.toml` files by the theme layer.
//! Plain data, so that the load stage can use the alert labels for Markdown.

use std::collections::BTreeMap;

/// UI texts per language.
#[derive(Debug, Clone, Default)]
pub struct UiStrings {
    tables: BTreeMap<String, BTreeMap<String, String>>,
}

/// UI texts of one language, with fallbacks already applied.
#[derive(Debug, Clone)]
pub struct LanguageStrings<'a> {
    chain: Vec<&'a BTreeMap<String, String>>,
    /// How many tables of `chain` are the language's own (itself and its base
    /// language), not the English fallback.
    own: usize,
}

impl<'a> LanguageStrings<'a> {
    /// The text for `key`; the key itself if no language has it.
    pub fn get(&self, key: &'a str) -> &'a str {
        self.chain
            .iter()
            .find_map(|t| t.get(key))
            .map_or(key, String::as_str)
    }

    /// Of texts that say the same thing in different ways (`keys`, preferred first),
    /// the one the language has: from its own table before its base language's
    /// (`de-si` before `de`); `None` where only the English fallback has any.
    pub fn first_translated<'k>(&self, keys: &[&'k str]) -> Option<(&'k str, &'a str)> {
        self.chain[..self.own].iter().find_map(|t| {
            keys.iter()
                .find_map(|&k| t.get(k).map(|text| (k, text.as_str())))
        })
    }

    /// Labels of note, tip, important, warning and caution alerts.
    pub fn alert_labels(&self) -> [&'a str; 5] {
        [
            self.get("alert_note"),
            self.get("alert_tip"),
            self.get("alert_important"),
            self.get("alert_warning"),
            self.get("alert_caution"),
        ]
    }

    /// All keys with their texts.
    pub fn to_map(&self) -> BTreeMap<&'a str, &'a str> {
        let mut map = BTreeMap::new();
        for table in self.chain.iter().rev() {
            for (k, v) in *table {
                map.insert(k.as_str(), v.as_str());
            }
        }
        map
    }
}

impl UiStrings {
    /// Texts for `code`: its own, then its base language's (`de-si` → `de`), then English.
    pub fn for_language(&self, code: &str) -> LanguageStrings<'_> {
        self.for_tagged(code, code)
    }

    /// Texts for the language `l`: its slug's own, its tag's, its tag's base language's,
    /// its slug's base language's (a language `hidden` with `tag = "fa-AF"` gets
    /// `hidden.toml`, `fa-AF.toml`, `fa.toml`), then English.
    pub fn for_lang(&self, l: &crate::model::language::Language) -> LanguageStrings<'_> {
        self.for_tagged(&l.code, &l.tag)
    }

    /// [`Self::for_lang`] for a language known by its slug `code` and `tag`.
    pub fn for_tagged(&self, code: &str, tag: &str) -> LanguageStrings<'_> {
        let mut chain: Vec<&BTreeMap<String, String>> = Vec::new();
        let mut own = 0;
        let base = |s: &'_ str| -> String { s.split('-').next().unwrap_or(s).to_ascii_lowercase() };
        let (tag_base, code_base) = (base(tag), base(code));
        let candidates = [code, tag, tag_base.as_str(), code_base.as_str(), "en"];
        let last = candidates.len() - 1;
        for (i, c) in candidates.into_iter().enumerate() {
            if let Some(t) = self.tables.get(c)
                && !chain.iter().any(|x| std::ptr::eq(*x, t))
            {
                chain.push(t);
                if i < last {
                    own = chain.len();
                }
            }
        }
        LanguageStrings { chain, own }
    }

    pub fn has_language(&self, code: &str) -> bool {
        self.tables.contains_key(code)
    }

    pub(crate) fn merge(&mut self, code: &str, table: BTreeMap<String, String>) {
        self.tables
            .entry(code.to_string())
            .or_default()
            .extend(table);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_fall_back_along_the_language() {
        let mut ui = UiStrings::default();
        ui.merge(
            "en",
            [("a".into(), "A".into()), ("b".into(), "B".into())].into(),
        );
        ui.merge("de", [("a".into(), "Ä".into())].into());
        let s = ui.for_language("de-si");
        assert_eq!(s.get("a"), "Ä");
        assert_eq!(s.get("b"), "B");
        assert_eq!(s.get("c"), "c");
        assert_eq!(s.to_map().len(), 2);
        assert_eq!(s.first_translated(&["b", "a"]), Some(("a", "Ä")));
        assert_eq!(s.first_translated(&["b"]), None, "only English has it");
        assert_eq!(
            ui.for_language("en").first_translated(&["b"]),
            Some(("b", "B"))
        );
        ui.merge("de-si", [("b".into(), "B einfach".into())].into());
        let s = ui.for_language("de-si");
        assert_eq!(s.first_translated(&["a", "b"]), Some(("b", "B einfach")));
    }
}
