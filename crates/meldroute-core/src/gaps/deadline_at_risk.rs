//! MR105 deadline-at-risk: simulated journeys meet each deadline often enough.

use super::{Finding, GapContext, JourneyRule, pct, with_path};
use crate::rules::{RuleMeta, declare_rule};

declare_rule! {
    /// ### What it does
    /// For each `deadline` in the file, simulates the procedure and compares
    /// the share of journeys that reach the step but miss the deadline with a
    /// tolerance (default 5%). The finding prints the deadline's basis.
    ///
    /// ### Why is this bad
    /// A legal term that is missed in many journeys is a term the procedure
    /// does not keep: reporters wait longer than the law allows.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     duration: {uniform: {min: 3d, max: 12d}}
    ///     basis: measured
    ///     deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    /// ```
    /// Passes:
    /// ```yaml
    ///     duration: {uniform: {min: 1d, max: 5d}}
    /// ```
    pub struct DeadlineAtRisk {
        code: "MR105",
        name: "deadline-at-risk",
        category: Journey,
        severity: Error,
        summary: "too many simulated journeys miss a deadline",
    }
}

impl JourneyRule for DeadlineAtRisk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &GapContext<'_>, entry: usize, out: &mut Vec<Finding>) {
        let Some(sim) = cx.sim(entry) else { return };
        let p = &cx.entry(entry).procedure;
        for (d, report) in sim.model.deadlines.iter().zip(&sim.report.deadlines) {
            let step = &sim.model.steps[d.step as usize];
            if step.procedure != 0 || report.reached == 0.0 {
                continue; // deadlines of procedures escalated to are checked in their own file
            }
            let missed = 1.0 - report.met;
            if missed <= cx.opts.deadline_tolerance {
                continue;
            }
            let id = &sim.model.names[d.step as usize].id;
            let Some(i) = p.steps.index_of(id) else {
                continue;
            };
            let Some((_, s)) = p.steps.entry(i) else {
                continue;
            };
            let Some(deadline) = &s.deadline else {
                continue;
            };
            let mut f = cx.finding(
                &Self::META,
                entry,
                deadline.pos,
                format!(
                    "{} of simulated journeys that reach `{id}` miss its deadline of {} ({})",
                    pct(missed),
                    *deadline.within,
                    deadline.basis
                ),
            );
            f.diagnostic = f.diagnostic.with_label("missed too often").with_help(
                "shorten the steps before it, or give the reporter a documented, lawful extension",
            );
            f.share = Some(missed * report.reached);
            f.basis = Some(deadline.basis.clone());
            out.push(with_path(f, p, &[i]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_often_missed_deadline() {
        let yaml = GOOD.replace(
            "kind: acknowledgement\n    duration: 2d",
            "kind: acknowledgement\n    duration: {uniform: {min: 3d, max: 12d}}",
        );
        let found = run(&DeadlineAtRisk, &yaml);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path, ["bevestiging"]);
        // Uniform 3..12 days misses 7 days with probability 5/9.
        let share = found[0].share.expect("share");
        assert!((share - 5.0 / 9.0).abs() < 0.03, "{share}");
        assert_eq!(found[0].basis.as_deref(), Some("Wbk art. 2"));
    }

    #[test]
    fn passes_kept_deadlines() {
        assert!(run(&DeadlineAtRisk, GOOD).is_empty());
    }
}
