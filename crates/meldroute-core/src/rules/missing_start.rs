//! MR012 missing-start: a procedure has steps and says where it starts.

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that a procedure has at least one step and a `start` key naming
    /// its first step.
    ///
    /// ### Why is this bad
    /// Without a start, no journey can begin: nothing can be simulated,
    /// drawn or checked for gaps.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    /// Passes:
    /// ```yaml
    /// start: melding
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    pub struct MissingStart {
        code: "MR012",
        name: "missing-start",
        category: Correctness,
        severity: Error,
        summary: "a procedure has no `start` or no steps",
    }
}

impl Rule for MissingStart {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        if p.steps.is_empty() {
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    p.id.pos,
                    format!("procedure `{}` has no steps", p.id.value),
                )
                .with_label("this procedure")
                .with_help("add steps under `steps:`; see docs/format.md"),
            );
        } else if p.start.is_none() {
            let first = p.steps.keys().next().unwrap_or("melding");
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    p.id.pos,
                    format!("procedure `{}` has no `start`", p.id.value),
                )
                .with_label("this procedure")
                .with_help(format!(
                    "add `start: {first}` (or whichever step the journey begins with)"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_missing_start() {
        let found = run(&MissingStart, &base_with("start: melding\n", ""));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 1);
        assert!(found[0].help.contains("start: melding"));
    }

    #[test]
    fn passes_with_start() {
        assert!(run(&MissingStart, BASE).is_empty());
    }
}
