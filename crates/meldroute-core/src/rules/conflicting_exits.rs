//! MR006 conflicting-exits: a step has exactly one of `next`, `escalate`, `outcome`.

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that no step has more than one of `next`, `escalate` and
    /// `outcome`.
    ///
    /// ### Why is this bad
    /// The journey can go only one way. A step that both ends the journey
    /// and continues it is ambiguous; to model a choice, use branches to
    /// separate steps.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   besluit: {title: Besluit, actor: org, kind: decision, outcome: founded, next: nazorg}
    /// ```
    /// Passes:
    /// ```yaml
    ///   besluit: {title: Besluit, actor: org, kind: decision, next: nazorg}
    /// ```
    pub struct ConflictingExits {
        code: "MR006",
        name: "conflicting-exits",
        category: Correctness,
        severity: Error,
        summary: "a step has more than one of `next`, `escalate` and `outcome`",
    }
}

impl Rule for ConflictingExits {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            let mut exits = Vec::new();
            if let Some(n) = &step.next {
                exits.push(("next", n.pos));
            }
            if let Some(e) = &step.escalate {
                exits.push(("escalate", e.pos));
            }
            if let Some(o) = &step.outcome {
                exits.push(("outcome", o.pos));
            }
            if exits.len() > 1 {
                let names: Vec<String> = exits.iter().map(|(n, _)| format!("`{n}`")).collect();
                let mut d = cx
                    .diag(&Self::META, entry, exits[1].1, format!("step `{}` has both {}", id.value, names.join(" and ")))
                    .with_label(format!("`{}` conflicts with `{}`", exits[1].0, exits[0].0))
                    .with_help("keep one way on; to model a choice, branch to separate steps with `next: [{to, p}, ...]`");
                d = d.with_secondary(entry.file, cx.span(entry, exits[0].1), "first way on");
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_outcome_and_escalation_together() {
        let found = run(
            &ConflictingExits,
            &base_with(
                "escalate: {procedure: test/klacht}",
                "escalate: {procedure: test/klacht}\n    outcome: closed",
            ),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 46);
        assert!(found[0].message.contains("`escalate` and `outcome`"));
    }

    #[test]
    fn passes_with_one_exit_each() {
        assert!(run(&ConflictingExits, BASE).is_empty());
    }
}
