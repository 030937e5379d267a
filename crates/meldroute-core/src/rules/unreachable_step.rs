//! MR004 unreachable-step: every step can be reached from `start` or an escalation entry.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
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
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let Some(start) = p.start.as_ref().and_then(|s| p.steps.index_of(s)) else {
            return; // missing-start or unknown-step reports this
        };
        let mut roots = vec![start];
        // Entry points from other procedures (an escalation into the same
        // procedure cannot make a step reachable that is not already).
        for &(file, step) in cx.entry_points(&p.id) {
            if file != entry.file
                && let Some(i) = p.steps.index_of(step)
            {
                roots.push(i);
            }
        }
        let reached = StepGraph::new(p).reachable_from(&roots);
        for (i, (id, _)) in p.steps.iter().enumerate() {
            if !reached[i] {
                out.push(
                    cx.diag(&Self::META, entry, id.pos, "step {step} cannot be reached")
                        .with_arg("step", Arg::id(id.value.as_str()))
                        .with_label("no `next`, and no branch with a probability above zero, leads here")
                        .with_help("lead a `next` or branch to {step}, or remove the step if the route no longer exists"),
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
        Tester::validation(&UnreachableStep)
            .pass(&[
                // `oordeel` is entered only from another procedure.
                r#"  extern: {title: Klacht, actor: melder, kind: escalation, escalate: {procedure: test/klacht, step: oordeel}}
---
# klacht
  indienen: {title: Klacht indienen, actor: melder, kind: report, outcome: resolved}
"#,
                // An unknown `start` is reported by unknown-step, not here.
                "start: begin\n",
            ])
            .fail(&[
                // The incoming `next` of `tussentijds` is missing.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: besluit}\n",
                // An escalation without `step` enters at `start`, not at `oordeel`.
                r#"  extern: {title: Klacht, actor: melder, kind: escalation, escalate: {procedure: test/klacht}}
---
# klacht
  indienen: {title: Klacht indienen, actor: melder, kind: report, outcome: resolved}
"#,
                // Escalating into the same procedure reaches nothing new.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, escalate: {procedure: test/melding, step: tussentijds}}\n",
                // A branch with probability zero reaches nothing.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: onderzoek, p: 1.0}, {to: afwijzing, p: 0.0}]}\n",
            ])
            .test_and_snapshot();
    }
}
