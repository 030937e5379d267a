//! "Did you mean" suggestions for misspelt keys and ids.

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` when a close candidate exists, else an empty string.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["title", "actor", "duration", "deadline"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("duraton", keys), Some("duration"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(did_you_mean("deadlin", keys), " (did you mean `deadline`?)");
    }
}
