//! Validation rules: one file per rule, a plain registry, and the context
//! they run in.

use std::ops::Range;

use crate::diag::{self, Diagnostic, Severity};
use crate::library::{Entry, Library};
use crate::source::Pos;

mod branch_probability;
mod conflicting_exits;
mod dead_end;
mod duplicate_id;
mod inescapable_cycle;
mod invalid_accept;
mod invalid_deadline;
mod invalid_duration;
mod invalid_id;
mod missing_start;
mod reporter_actor;
mod undocumented_duration;
mod unknown_actor;
mod unknown_escalation_target;
mod unknown_source;
mod unknown_step;
mod unreachable_step;

pub use branch_probability::BranchProbability;
pub use conflicting_exits::ConflictingExits;
pub use dead_end::DeadEnd;
pub use duplicate_id::DuplicateId;
pub use inescapable_cycle::InescapableCycle;
pub use invalid_accept::InvalidAccept;
pub use invalid_deadline::InvalidDeadline;
pub use invalid_duration::InvalidDuration;
pub use invalid_id::InvalidId;
pub use missing_start::MissingStart;
pub use reporter_actor::ReporterActor;
pub use undocumented_duration::UndocumentedDuration;
pub use unknown_actor::UnknownActor;
pub use unknown_escalation_target::UnknownEscalationTarget;
pub use unknown_source::UnknownSource;
pub use unknown_step::UnknownStep;
pub use unreachable_step::UnreachableStep;

/// What a rule checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Category {
    /// The file is wrong: references, structure, parameters.
    Correctness,
    /// The file is right but its claims are not backed by sources.
    Documentation,
    /// What the reporter lives through: gaps in contact, feedback, aftercare
    /// and legal terms (`meldroute gaps`).
    Journey,
}

impl Category {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Documentation => "documentation",
            Category::Journey => "journey",
        }
    }
}

/// What a rule is, for listings and documentation.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `MR001`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `unknown-step`.
    pub name: &'static str,
    /// What it checks.
    pub category: Category,
    /// Severity of its findings.
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, examples (from the doc comment).
    pub doc: &'static str,
}

/// A check over procedures.
pub trait Rule: Sync + Send {
    /// Its code, name and documentation.
    fn meta(&self) -> &'static RuleMeta;
    /// Checks one procedure.
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>);
    /// Checks every target procedure (rules that compare procedures override this).
    fn check_all(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for &i in cx.targets {
            self.check(cx, cx.library.entry(i), out);
        }
    }
}

/// Declares a rule: a unit struct whose doc comment is its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;

        impl $name {
            /// Code, name and documentation of this rule.
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $rule_name,
                category: $crate::rules::Category::$category,
                severity: $crate::diag::Severity::$severity,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Every rule, in code order.
pub static RULES: &[&dyn Rule] = &[
    &UnknownStep,
    &UnknownActor,
    &UnknownEscalationTarget,
    &UnreachableStep,
    &DeadEnd,
    &ConflictingExits,
    &BranchProbability,
    &InescapableCycle,
    &InvalidDuration,
    &InvalidDeadline,
    &DuplicateId,
    &MissingStart,
    &ReporterActor,
    &UnknownSource,
    &UndocumentedDuration,
    &InvalidId,
    &InvalidAccept,
];

/// Every rule's description: the correctness rules, then the journey rules
/// of `meldroute gaps`.
pub fn all_meta() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .chain(crate::gaps::JOURNEY_RULES.iter().map(|r| r.meta()))
}

/// The description of the rule (of either kind) with this code or name.
pub fn find_meta(code_or_name: &str) -> Option<&'static RuleMeta> {
    all_meta().find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
}

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}

/// What rules see: the whole library (for cross-file references) and the
/// procedures being checked.
pub struct Context<'a> {
    /// Everything loaded, bundled procedures included.
    pub library: &'a Library,
    /// Indices of the entries to check.
    pub targets: &'a [usize],
}

impl<'a> Context<'a> {
    /// A context checking `targets` of `library`.
    pub fn new(library: &'a Library, targets: &'a [usize]) -> Self {
        Context { library, targets }
    }

    /// Byte span of `pos` in the file of `entry`.
    pub fn span(&self, entry: &Entry, pos: Pos) -> Range<usize> {
        self.library.file(entry.file).byte_span(pos)
    }

    /// A finding of `rule` at `pos` in the file of `entry`.
    pub fn diag(
        &self,
        rule: &RuleMeta,
        entry: &Entry,
        pos: Pos,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(
            rule.code,
            rule.name,
            rule.severity,
            entry.file,
            self.span(entry, pos),
            message,
        )
    }
}

/// Runs every rule over `targets` and returns the findings in a stable order.
pub fn check(library: &Library, targets: &[usize]) -> Vec<Diagnostic> {
    check_with(library, targets, RULES)
}

/// Runs the given rules over `targets`.
pub fn check_with(library: &Library, targets: &[usize], rules: &[&dyn Rule]) -> Vec<Diagnostic> {
    let cx = Context::new(library, targets);
    let mut out = Vec::new();
    for rule in rules {
        rule.check_all(&cx, &mut out);
    }
    diag::sort(&mut out);
    out
}

/// Most ids a help text lists.
const MAX_LISTED: usize = 8;

/// A comma-separated list of ids, each in backticks, for help texts; long
/// lists are cut (a file with thousands of steps must not print megabytes).
pub(crate) fn list_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.into_iter().collect();
    if ids.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<String> = ids
        .iter()
        .take(MAX_LISTED)
        .map(|s| format!("`{s}`"))
        .collect();
    match ids.len().saturating_sub(MAX_LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod meta_tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for m in all_meta() {
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
        for m in all_meta() {
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
    fn find_by_code_or_name() {
        assert_eq!(find("MR001").map(|r| r.meta().name), Some("unknown-step"));
        assert_eq!(find("mr001").map(|r| r.meta().name), Some("unknown-step"));
        assert_eq!(find("dead-end").map(|r| r.meta().code), Some("MR005"));
        assert!(find("nope").is_none());
    }
}
