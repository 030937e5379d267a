//! The language of human output: `--lang nl|en` and `MELDROUTE_LANG`
//! (docs/languages.md).

use std::fmt;

/// A language people read meldroute's output in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Dutch: the default of the report, the diagrams and the tables,
    /// whose content (titles, actors) is Dutch.
    Nl,
    /// English: the default of diagnostics, as compilers' are.
    En,
}

impl Lang {
    /// Every language, in the order `--help` names them.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The environment variable that sets the language when `--lang` is
    /// not given.
    pub const ENV: &'static str = "MELDROUTE_LANG";

    /// Its code (BCP 47): what `--lang` takes and HTML's `lang` says.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language of `code` (`nl`, `en`, case-insensitive, a region such
    /// as `nl-NL` or `en_GB` allowed).
    pub fn parse(code: &str) -> Option<Lang> {
        let base = code
            .split(['-', '_', '.'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == base)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn codes_read_with_a_region_and_in_any_case() {
        assert_eq!(Lang::parse("nl"), Some(Lang::Nl));
        assert_eq!(Lang::parse("EN_gb.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("nl-BE"), Some(Lang::Nl));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }
}
