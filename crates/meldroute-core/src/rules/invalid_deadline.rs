//! MR010 invalid-deadline: a deadline counts from an earlier step and allows time.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule, did_you_mean, list_ids};
use crate::diag::Diagnostic;
use crate::graph::StepGraph;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks each step's `deadline`: `within` is longer than zero, and
    /// `from` names a step of the same procedure that can come before this
    /// step on some route (not the step itself, not a later step).
    ///
    /// ### Why is this bad
    /// Legal terms count from a moment that has already happened, such as
    /// the receipt of a report. A deadline counted from an unknown or later
    /// step can never be checked, so a missed legal term goes unnoticed.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     deadline: {within: 7d, from: terugkoppeling, basis: "Wbk art. 2"}
    ///     next: onderzoek
    /// ```
    /// Passes:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    ///     next: onderzoek
    /// ```
    pub struct InvalidDeadline {
        code: "MR010",
        name: "invalid-deadline",
        category: Correctness,
        severity: Error,
        summary: "a deadline counts from an unknown, later or same step, or allows no time",
    }
}

impl Rule for InvalidDeadline {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let graph = StepGraph::new(p);
        // Steps reachable after each `from` step, computed once per `from`.
        let mut after: std::collections::HashMap<usize, Vec<bool>> =
            std::collections::HashMap::new();
        for (i, (id, step)) in p.steps.iter().enumerate() {
            let Some(deadline) = &step.deadline else {
                continue;
            };
            let step = || Arg::id(id.value.as_str());
            if deadline.within.days() <= 0.0 {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        deadline.within.pos,
                        "deadline of step {step} allows no time ({within})",
                    )
                    .with_arg("step", step())
                    .with_arg("within", Arg::Days(deadline.within.days()))
                    .with_label("must be longer than zero")
                    .with_help("write the legal term, e.g. `within: 7d` or `within: 6w`"),
                );
            }
            let Some(from) = &deadline.from else { continue };
            let Some(j) = p.steps.index_of(from) else {
                let d = cx
                    .diag(
                        &Self::META,
                        entry,
                        from.pos,
                        "deadline of step {step} counts from unknown step {from}",
                    )
                    .with_arg("step", step())
                    .with_arg("from", Arg::id(from.value.as_str()));
                out.push(
                    did_you_mean(d, from, p.steps.keys())
                        .with_label("no step with this id")
                        .with_arg("steps", list_ids(p.steps.keys()))
                        .with_help("name the step on the route to {step} that the term counts from; the steps are {steps}"),
                );
                continue;
            };
            if i == j {
                out.push(
                    cx.diag(&Self::META, entry, from.pos, "deadline of step {step} counts from the step itself")
                        .with_arg("step", step())
                        .with_label("a step cannot be late for itself")
                        .with_help("count from the step the term starts at (e.g. the report), or leave `from` out to count from entering the procedure"),
                );
            } else if !after
                .entry(j)
                .or_insert_with(|| graph.reachable_after(j))
                .get(i)
                .copied()
                .unwrap_or(false)
            {
                out.push(
                    cx.diag(&Self::META, entry, from.pos, "deadline of step {step} counts from {from}, which never comes before it")
                        .with_arg("step", step())
                        .with_arg("from", Arg::id(from.value.as_str()))
                        .with_label("not on any route to this step")
                        .with_help("count from a step on the route before this one, or leave `from` out to count from entering the procedure"),
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
        Tester::validation(&InvalidDeadline)
            .pass(&[
                // Without `from`, the term counts from entering the procedure.
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: 7d, basis: "Wbk art. 2"}, next: onderzoek}"#,
                // `afwijzing` comes before `terugkoppeling` on one route.
                r#"  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, deadline: {within: 3mo, from: afwijzing, basis: "Wbk art. 2"}, next: nazorg}"#,
            ])
            .fail(&[
                // A later step.
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: 7d, from: terugkoppeling, basis: "Wbk art. 2"}, next: onderzoek}"#,
                // A step on another route.
                r#"  besluit: {title: Besluit, actor: org, kind: decision, deadline: {within: 6w, from: afwijzing, basis: "Wbk art. 2"}, next: terugkoppeling}"#,
                // Unknown steps, with and without a suggestion.
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: 7d, from: meldin, basis: "Wbk art. 2"}, next: onderzoek}"#,
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: 7d, from: ontvangst, basis: "Wbk art. 2"}, next: onderzoek}"#,
                // The step itself.
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: 7d, from: bevestiging, basis: "Wbk art. 2"}, next: onderzoek}"#,
                // No time.
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: 0d, from: melding, basis: "Wbk art. 2"}, next: onderzoek}"#,
                // Negative time and a later step: two findings.
                r#"  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, deadline: {within: -2d, from: terugkoppeling, basis: "Wbk art. 2"}, next: onderzoek}"#,
            ])
            .test_and_snapshot();
    }
}
