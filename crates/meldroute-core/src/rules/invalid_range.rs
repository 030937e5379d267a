//! MR024 invalid-range: a step's sensitivity `range` is one a study can vary.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::{Basis, Next};

declare_rule! {
    /// ### What it does
    /// Checks a step's `range:` (how far `meldroute sensitivity` varies
    /// the assumption, docs/sensitivity.md): it is on a step whose `basis`
    /// is `assumption`; its `duration` scales are above zero, the lowest
    /// first; its `branches` shift is above 0 and at most 1, on a step
    /// with branches.
    ///
    /// ### Why is this bad
    /// A range on a figure that is not an assumption (a statutory term, a
    /// measured time) is never varied, so the file says something the
    /// study does not do; a scale of zero or less, or swapped bounds, is no
    /// range of a duration; a shift outside (0, 1] is no range of a
    /// probability.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     duration: 8w
    ///     basis: assumption
    ///     note: Geen cijfers bekend.
    ///     range: {duration: [2.0, 0.8]}
    ///     next: besluit
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     duration: 8w
    ///     basis: assumption
    ///     note: Geen cijfers bekend.
    ///     range: {duration: [0.8, 2.0]}
    ///     next: besluit
    /// ```
    pub struct InvalidRange {
        code: "MR024",
        name: "invalid-range",
        category: Correctness,
        severity: Error,
        summary: "a step's sensitivity `range` is on a step that is no assumption, or is no range (scales above zero, lowest first; a branch shift in (0, 1] on a step with branches)",
    }
}

impl Rule for InvalidRange {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            let Some(range) = &step.range else { continue };
            let diag = |pos, message: &str, label: &str, help: &str| {
                cx.diag(&Self::META, entry, pos, message)
                    .with_arg("step", Arg::id(id.value.as_str()))
                    .with_label(label.to_owned())
                    .with_help(help.to_owned())
            };
            if step.basis.as_deref() != Some(&Basis::Assumption) {
                out.push(diag(
                    range.pos,
                    "step {step} has a `range`, but its basis is not `assumption`: only assumptions are varied",
                    "not an assumption",
                    "remove `range`, or give the step `basis: assumption` with a `note` if its figures are assumed",
                ));
            }
            if let Some(d) = &range.duration {
                let [low, high] = d.value;
                if !(low.is_finite() && high.is_finite() && low > 0.0 && high > 0.0) {
                    out.push(diag(
                        d.pos,
                        "the duration range of step {step} has a scale of zero or less",
                        "scales must be above zero",
                        "write the lowest and highest factor of the duration, both above zero, such as `duration: [0.8, 2.0]`",
                    ));
                } else if low > high {
                    out.push(diag(
                        d.pos,
                        "the duration range of step {step} has its lowest scale last",
                        "lowest first",
                        "write the lowest factor first, such as `duration: [0.8, 2.0]`",
                    ));
                }
            }
            if let Some(b) = &range.branches {
                let shift = b.value;
                if !(shift > 0.0 && shift <= 1.0) {
                    out.push(diag(
                        b.pos,
                        "the branch range of step {step} is not above 0 and at most 1",
                        "a shift in (0, 1]",
                        "write how far each branch probability may move either way, such as `branches: 0.05`",
                    ));
                } else if !matches!(step.next.as_deref(), Some(Next::Branches(bs)) if bs.len() > 1)
                {
                    out.push(diag(
                        b.pos,
                        "step {step} has a branch range but no branches",
                        "no branches to vary",
                        "remove `branches` from the range, or give the step branches `next: [{to: ..., p: ...}, ...]`",
                    ));
                }
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
        Tester::validation(&InvalidRange)
            .pass(&[
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {duration: [0.8, 2.0]}, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {duration: [1.0, 1.0]}, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {duration: [0.5, 3], branches: 0.05}, next: [{to: tussentijds, p: 0.7}, {to: besluit, p: 0.3}]}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {branches: 1}, next: [{to: tussentijds, p: 0.7}, {to: besluit, p: 0.3}]}\n",
            ])
            .fail(&[
                // Swapped bounds.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {duration: [2.0, 0.8]}, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {duration: [0, 1.5]}, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {duration: [-1, 1.5]}, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {branches: 0}, next: [{to: tussentijds, p: 0.7}, {to: besluit, p: 0.3}]}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {branches: 1.5}, next: [{to: tussentijds, p: 0.7}, {to: besluit, p: 0.3}]}\n",
                // No branches to vary.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Aangenomen., range: {branches: 0.1}, next: tussentijds}\n",
                // Not an assumption.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: policy, range: {duration: [0.8, 1.2]}, next: tussentijds}\n",
            ])
            .test_and_snapshot();
    }
}
