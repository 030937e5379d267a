//! What a rule is, below both kinds of rule (validation in `rules`, journey
//! in `gaps`): its code, name, category, severity and documentation, and the
//! macro that declares a rule from its doc comment.

use crate::diag::Severity;

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

impl RuleMeta {
    /// True when `code_or_name` is this rule's code (in any case) or name.
    pub fn is(&self, code_or_name: &str) -> bool {
        self.code.eq_ignore_ascii_case(code_or_name) || self.name == code_or_name
    }
}

/// A rule of either kind: it has a description. `declare_rule!` writes
/// this for every rule.
pub trait Described {
    /// Its code, name and documentation.
    fn meta(&self) -> &'static RuleMeta;
}

/// Declares a rule: a unit struct whose doc comment is its documentation,
/// with its [`RuleMeta`] as `META` and [`Described`].
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
            pub const META: $crate::meta::RuleMeta = $crate::meta::RuleMeta {
                code: $code,
                name: $rule_name,
                category: $crate::meta::Category::$category,
                severity: $crate::diag::Severity::$severity,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::meta::Described for $name {
            fn meta(&self) -> &'static $crate::meta::RuleMeta {
                &Self::META
            }
        }
    };
}
pub(crate) use declare_rule;
