//! MR004 unreachable-step: every step can be reached from `start` or an escalation entry.

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diag::Diagnostic;
use crate::graph::StepGraph;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that every step can be reached from `start`, or from a step that
    /// another loaded procedure escalates into (`escalate: {procedure, step}`).
    ///
    /// ### Why is this bad
    /// A step no journey reaches is never simulated or drawn on a route: it
    /// is usually a step whose incoming `next` was forgotten, so the route it
    /// belongs to is silently missing.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// start: melding
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    ///   nazorg: {title: Nazorg, actor: org, kind: aftercare, outcome: closed}
    /// ```
    /// Passes:
    /// ```yaml
    /// start: melding
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: nazorg}
    ///   nazorg: {title: Nazorg, actor: org, kind: aftercare, outcome: closed}
    /// ```
    pub struct UnreachableStep {
        code: "MR004",
        name: "unreachable-step",
        category: Correctness,
        severity: Error,
        summary: "a step cannot be reached from `start` or an escalation into this procedure",
    }
}

impl Rule for UnreachableStep {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let Some(start) = p.start.as_ref().and_then(|s| p.steps.index_of(s)) else {
            return; // missing-start or unknown-step reports this
        };
        let mut roots = vec![start];
        // Entry points from other procedures (an escalation into the same
        // procedure cannot make a step reachable that is not already).
        for other in cx.library.entries().iter().filter(|o| o.file != entry.file) {
            for (_, step) in other.procedure.steps.iter() {
                if let Some(esc) = &step.escalate
                    && *esc.procedure == *p.id
                    && let Some(i) = esc.step.as_ref().and_then(|s| p.steps.index_of(s))
                {
                    roots.push(i);
                }
            }
        }
        let reached = StepGraph::new(p).reachable_from(&roots);
        for (i, (id, _)) in p.steps.iter().enumerate() {
            if !reached[i] {
                out.push(
                    cx.diag(&Self::META, entry, id.pos, format!("step `{}` cannot be reached", id.value))
                        .with_label("no `next` or branch leads here")
                        .with_help(format!(
                            "lead a `next` or branch to `{}`, or remove the step if the route no longer exists",
                            id.value
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_orphan_step() {
        let found = run(
            &UnreachableStep,
            &base_with("next: terugkoppeling", "outcome: founded"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (36, 3));
        assert!(found[0].message.contains("`terugkoppeling`"));
    }

    #[test]
    fn escalation_entry_points_count_as_reachable() {
        // A procedure whose second step is only entered from another procedure.
        let klacht_entry = KLACHT.replace("next: oordeel", "outcome: resolved");
        let caller = base_with(
            "procedure: test/klacht}",
            "procedure: test/klacht, step: oordeel}",
        );
        assert_eq!(
            run_many(&UnreachableStep, &[&klacht_entry, &caller]),
            vec![]
        );
        assert_eq!(run_many(&UnreachableStep, &[&klacht_entry, BASE]).len(), 1);
    }

    #[test]
    fn escalating_into_itself_does_not_make_a_step_reachable() {
        let yaml = base_with(
            "next: terugkoppeling",
            "escalate: {procedure: test/melding, step: terugkoppeling}",
        );
        let found = run(&UnreachableStep, &yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("`terugkoppeling`"));
    }

    #[test]
    fn zero_probability_branch_does_not_reach() {
        let yaml = base_with("p: 0.8}", "p: 1.0}").replace("p: 0.2}", "p: 0.0}");
        let found = run(&UnreachableStep, &yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("`afwijzing`"));
    }
}
