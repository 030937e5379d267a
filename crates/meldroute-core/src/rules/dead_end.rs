//! MR005 dead-end: every step has a way on (`next`, `escalate` or `outcome`).

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that every step says how the journey goes on: a `next` step or
    /// branches, an `escalate` into another procedure, or an `outcome` that
    /// ends the journey.
    ///
    /// ### Why is this bad
    /// A reporter who reaches a step without a way on is left waiting
    /// forever: in the model, and often in reality, the route simply stops
    /// without a decision or any word to the reporter.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w}
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, next: terugkoppeling}
    /// ```
    pub struct DeadEnd {
        code: "MR005",
        name: "dead-end",
        category: Correctness,
        severity: Error,
        summary: "a step has no `next`, `escalate` or `outcome`",
    }
}

impl Rule for DeadEnd {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            if step.next.is_none() && step.escalate.is_none() && step.outcome.is_none() {
                out.push(
                    cx.diag(&Self::META, entry, id.pos, "step {step} is a dead end")
                        .with_arg("step", Arg::id(id.value.as_str()))
                        .with_label("the journey cannot go on from here")
                        .with_help("add `next: <step>`, `escalate: {procedure: <id>}` or `outcome: <resolved|founded|unfounded|not-handled|withdrawn|referred|closed>`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&DeadEnd)
            .pass(&[
                "  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: founded}\n",
                "  extern: {title: Extern, actor: melder, kind: escalation, escalate: {procedure: rijk/klacht}}\n",
            ])
            .fail(&[
                "  klaar: {title: Afgesloten, actor: org, kind: closure}\n",
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, duration: 2w, basis: policy}\n  klaar: {title: Afgesloten, actor: org, kind: closure}\n",
            ])
            .test_and_snapshot();
    }
}
