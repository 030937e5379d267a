//! Every rule of both kinds, above both: the validation rules (`rules`)
//! and the journey rules (`gaps`) listed together, looked up by code or
//! name, and validation run with the journey rules that `accept` entries
//! may name.

use crate::diag::Diagnostic;
use crate::gaps::JOURNEY_RULES;
use crate::library::{EntryId, Library};
use crate::meta::RuleMeta;
use crate::rules::{self, RULES};

/// Every rule's description, in code order: the loader's findings
/// (`MR000`), the validation rules with the scenarios' findings (`MR023`)
/// and the caseloads' (`MR025`) among them, then the journey rules of `meldroute gaps`.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    let mut all: Vec<&'static RuleMeta> = std::iter::once(&crate::load::PARSE)
        .chain(RULES.iter().map(|r| r.meta()))
        .chain([&crate::scenario::SCENARIO, &crate::caseload::CASELOAD])
        .chain(JOURNEY_RULES.iter().map(|r| r.meta()))
        .collect();
    all.sort_by_key(|m| m.code);
    all.into_iter()
}

/// The description of the rule (of either kind) with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    all().find(|m| m.is(code_or_name))
}

/// The journey rules' descriptions, in code order.
pub fn journey() -> Vec<&'static RuleMeta> {
    JOURNEY_RULES.iter().map(|r| r.meta()).collect()
}

/// Runs every validation rule over `targets` and returns the findings in a
/// stable order.
pub fn check(library: &Library, targets: &[EntryId]) -> Vec<Diagnostic> {
    rules::check_with(library, targets, RULES, &journey())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for m in all() {
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(
                m.code.len() == 5
                    && m.code.starts_with("MR")
                    && m.code[2..].chars().all(|c| c.is_ascii_digit())
            );
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                m.name
            );
            assert!(!m.summary.is_empty() && !m.summary.ends_with('.'));
        }
        let mut sorted: Vec<_> = RULES.iter().map(|r| r.meta().code).collect();
        sorted.sort();
        assert_eq!(
            sorted,
            RULES.iter().map(|r| r.meta().code).collect::<Vec<_>>(),
            "RULES is in code order"
        );
    }

    #[test]
    fn every_rule_is_documented() {
        for m in all() {
            for heading in [
                "### What it does",
                "### Why is this bad",
                "### Example",
                "Fails:",
                "Passes:",
                "```yaml",
            ] {
                assert!(m.doc.contains(heading), "{} doc lacks `{heading}`", m.name);
            }
        }
    }

    #[test]
    fn journey_rules_are_in_code_order_after_the_validation_rules() {
        let codes: Vec<&str> = all().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted);
        assert_eq!(find("mr103").map(|m| m.name), Some("missing-aftercare"));
        assert_eq!(find("dead-end").map(|m| m.code), Some("MR005"));
        assert!(find("MR999").is_none());
    }
}
