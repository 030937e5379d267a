//! MR105 deadline-at-risk: simulated journeys meet each deadline often enough.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, with_path};
use crate::library::EntryId;
use crate::measures;
use crate::meta::declare_rule;

declare_rule! {
    /// ### What it does
    /// For each `deadline` in the file, simulates the procedure and compares
    /// the share of journeys that reach the step but miss the deadline with a
    /// tolerance (default 5%). The finding prints the deadline's basis: as
    /// law, with the norm's article, where a legal norm binding the
    /// procedure sets that term for such a step; otherwise as the file
    /// states it (`standing: stated`), which meldroute does not check.
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
    ///     next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]
    /// ```
    /// Passes:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     duration: {uniform: {min: 1d, max: 5d}}
    ///     basis: measured
    ///     deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    ///     next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]
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
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let Some(sim) = cx.sim(entry) else { return };
        let p = &cx.entry(entry).procedure;
        for (di, (d, report)) in sim
            .model
            .deadlines
            .iter()
            .zip(&sim.report.deadlines)
            .enumerate()
        {
            let step = &sim.model.steps[d.step as usize];
            if step.procedure != 0 || report.reached == 0.0 {
                continue; // deadlines of procedures escalated to are checked in their own file
            }
            // Missed, of the journeys that reach the step; and of all.
            let (reached, met) = sim.agg.deadlines[di];
            let missed = crate::sim::share(reached - met, reached);
            if missed.value <= cx.opts.deadline_tolerance {
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
                "{share} of simulated journeys that reach {step} miss its deadline of {within} ({basis})",
            );
            f.diagnostic = f
                .diagnostic
                .with_arg("share", super::share_arg(missed))
                .with_arg("step", Arg::id(id.as_str()))
                .with_arg("within", Arg::Days(deadline.within.days()))
                .with_arg("basis", Arg::text(deadline.basis.as_str()))
                .with_label("missed too often").with_help(
                "shorten the steps before it, or give the reporter a documented, lawful extension",
            );
            f.share = Some(crate::sim::share(reached - met, sim.agg.runs));
            f.rests_on = cx.simulated(entry);
            let cited = measures::of_deadline(p, *s.kind, deadline.within.days(), &deadline.basis);
            out.push(with_path(f.citing(&cited), &[i]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&DeadlineAtRisk)
            .pass(&[
                // 3.8% of journeys miss the 7 days: within the 5% tolerance.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 2d, max: 7.2d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // Exactly on the last day is in time.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 7d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // The Huis voor klokkenluiders, where 10% go on to, often misses
                // the term of its step `geen-onderzoek`: that is checked in its
                // own file, not here at the step of the same id.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, next: geen-onderzoek}\n  geen-onderzoek: {title: Besluit geen onderzoek, actor: org, kind: decision, duration: 1d, basis: policy, deadline: {within: 3w, from: bevestiging, basis: \"Wbk art. 2\"}, next: terugkoppeling}\n",
            ])
            .fail(&[
                // Uniform 3..12 days misses 7 days with probability 5/9.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 3d, max: 12d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 8.7% of journeys miss the 7 days: over the tolerance.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 2d, max: 7.5d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A long investigation misses the feedback term of 3 months.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 8w, max: 12w}}, basis: policy, next: tussentijds}\n",
                // Every journey that reaches `afwijzing` misses its term, but
                // only a fifth reaches it: the share is of all journeys.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, deadline: {within: 5d, from: bevestiging, basis: \"Regeling melden misstand, art. 4\"}, next: terugkoppeling}\n",
            ])
            .test_and_snapshot();
    }
}
