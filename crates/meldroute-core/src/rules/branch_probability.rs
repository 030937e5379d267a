//! MR007 branch-probability: branch probabilities lie in [0, 1] and sum to 1.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::Next;

/// How far the sum of a step's branch probabilities may be from 1.
pub const TOLERANCE: f64 = 1e-9;

declare_rule! {
    /// ### What it does
    /// Checks that each branch probability `p` lies in [0, 1], that the
    /// probabilities of a step's branches sum to 1 (within 1e-9), and that no
    /// step branches twice to the same step.
    ///
    /// ### Why is this bad
    /// The simulation draws branches with these probabilities. If they do
    /// not sum to 1, some journeys would have nowhere to go, or the shares
    /// reported for each route would be wrong.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     next:
    ///       - {to: onderzoek, p: 0.7}
    ///       - {to: afwijzing, p: 0.2}
    /// ```
    /// Passes:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     next:
    ///       - {to: onderzoek, p: 0.8}
    ///       - {to: afwijzing, p: 0.2}
    /// ```
    pub struct BranchProbability {
        code: "MR007",
        name: "branch-probability",
        category: Correctness,
        severity: Error,
        summary: "branch probabilities are outside [0, 1], do not sum to 1, or repeat a target",
    }
}

impl Rule for BranchProbability {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            let Some(next) = &step.next else { continue };
            for (_, set, pos) in next.alternatives(next.pos) {
                let Next::Branches(branches) = set else {
                    continue;
                };
                self.check_set(cx, entry, id, branches, pos, out);
            }
        }
    }
}

impl BranchProbability {
    /// Checks one set of branches of step `id`, written at `pos`.
    fn check_set(
        &self,
        cx: &Context<'_>,
        entry: &Entry,
        id: &crate::model::Located<String>,
        branches: &[crate::model::Branch],
        pos: crate::source::Pos,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut all_valid = true;
        for b in branches {
            if !(0.0..=1.0).contains(&b.p.value.0) {
                all_valid = false;
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        b.p.pos,
                        "branch probability {p} of step {step} is outside [0, 1]",
                    )
                    .with_arg("p", Arg::Number(b.p.value.0))
                    .with_arg("step", Arg::id(id.value.as_str()))
                    .with_label("must be between 0 and 1")
                    .with_help("write the probability as a fraction, e.g. `p: 0.25` for 25%"),
                );
            }
        }
        for (i, b) in branches.iter().enumerate() {
            if branches[..i].iter().any(|earlier| *earlier.to == *b.to) {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        b.to.pos,
                        "step {step} branches to {to} twice",
                    )
                    .with_arg("step", Arg::id(id.value.as_str()))
                    .with_arg("to", Arg::id(b.to.value.as_str()))
                    .with_label("repeated target")
                    .with_help("merge the two branches into one and add their probabilities"),
                );
            }
        }
        let sum: f64 = branches.iter().map(|b| b.p.value.0).sum();
        if all_valid && (sum - 1.0).abs() > TOLERANCE {
            // To the tolerance: the rest is the noise of adding floats.
            let to_tolerance = |x: f64| (x * 1e9).round() / 1e9;
            out.push(
                    cx.diag(&Self::META, entry, pos, "branch probabilities of step {step} sum to {sum}, not 1")
                        .with_arg("step", Arg::id(id.value.as_str()))
                        .with_arg("sum", Arg::Number(to_tolerance(sum)))
                        .with_arg("off", Arg::Difference(to_tolerance(sum - 1.0)))
                        .with_label("these sum to {sum}")
                        .with_help("adjust the probabilities so that they add up to exactly 1 (they are {off} off)"),
                );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&BranchProbability)
            .pass(&[
                // Within the tolerance: rounding in the last digits.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: onderzoek, p: 0.8000000000000000001}, {to: afwijzing, p: 0.1}, {to: terugkoppeling, p: 0.1}]}\n",
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, next: [{to: klaar, p: 0.3333333333}, {to: extern, p: 0.3333333333}, {to: besluit, p: 0.3333333333}]}\n",
                // 0 and 1 are allowed.
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, next: [{to: klaar, p: 1}, {to: extern, p: 0}]}\n",
            ])
            .fail(&[
                // Sums to 0.9.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: onderzoek, p: 0.7}, {to: afwijzing, p: 0.2}]}\n",
                // Sums to 1.1.
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, next: [{to: klaar, p: 0.9}, {to: extern, p: 0.2}]}\n",
                // Just outside the tolerance.
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, next: [{to: klaar, p: 0.9}, {to: extern, p: 0.1000001}]}\n",
                // Out of range: two findings, and no finding for the sum.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: onderzoek, p: 1.2}, {to: afwijzing, p: -0.2}]}\n",
                // Same target twice (the sum is 1).
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: onderzoek, p: 0.8}, {to: onderzoek, p: 0.2}]}\n",
            ])
            .test_and_snapshot();
    }
}
