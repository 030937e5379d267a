//! MR102 missing-feedback: every route after a report gives feedback.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, Witnesses, report_steps, takes_reports, with_path};
use crate::library::EntryId;
use crate::measures::{self, Measure};
use crate::meta::declare_rule;

declare_rule! {
    /// ### What it does
    /// Finds a route from a report step to the end of the procedure without
    /// any feedback: a step of kind `feedback`, a `decision` that is a
    /// contact (a decision letter), or interim updates with `feedback: true`
    /// that surely come (the step always runs longer than the time to the
    /// first); a bare update (`feedback: false`) is a contact, no feedback.
    /// Says how many of the simulated journeys that made a report end
    /// without feedback (feedback updates included).
    ///
    /// ### Why is this bad
    /// Reporters who never hear what was done with their report lose trust;
    /// the IPIM found interim feedback often missing (Kamerstuk 28 844 nr.
    /// 183), and the law requires feedback within 3 months (Wbk art. 2).
    ///
    /// ### Example
    /// Fails: a report that is not taken up ends without a word:
    /// ```yaml
    ///   afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, outcome: not-handled}
    /// ```
    /// Passes: the decision is sent to the reporter as a letter:
    /// ```yaml
    ///   afwijzing: {title: Niet in behandeling, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: not-handled}
    /// ```
    pub struct MissingFeedback {
        code: "MR102",
        name: "missing-feedback",
        category: Journey,
        severity: Warning,
        summary: "a route from a report to the end has no feedback step",
    }
}

impl JourneyRule for MissingFeedback {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        if !takes_reports(*p.kind) {
            return;
        }
        let cited = measures::basis(Measure::Feedback, p);
        let witnesses = Witnesses::new(p, &|s| s.surely_feedback());
        for r in report_steps(p) {
            let Some((key, _)) = p.steps.entry(r) else {
                continue;
            };
            let Some(path) = witnesses.from(r) else {
                continue;
            };
            let share = cx
                .sim(entry)
                .map(|s| crate::sim::share(s.agg.reported - s.agg.feedback, s.agg.reported));
            let mut f = cx.finding(
                &Self::META,
                entry,
                key.pos,
                if share.is_some() {
                    "after report step {step} a route ends without feedback ({share} of simulated journeys that made a report)"
                } else {
                    "after report step {step} a route ends without feedback"
                },
            );
            let last = path
                .last()
                .and_then(|&i| p.steps.entry(i))
                .map_or(String::new(), |(_, s)| s.title.value.clone());
            f.diagnostic = f
                .diagnostic
                .with_arg("step", Arg::id(key.value.as_str()))
                .with_label("no feedback on this route")
                .with_arg("title", Arg::Title(last))
                .with_help("add a feedback step before {title}, telling the reporter what was done with the report");
            f = f.with_share(share);
            out.push(with_path(f.citing(&cited), &path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&MissingFeedback)
            .pass(&[
                // The investigated reports had interim feedback before the
                // decision: that is feedback too.
                "  besluit: {title: Besluit, actor: org, kind: decision, duration: 2w, basis: policy, outcome: founded}\n",
                // A decision letter is feedback.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: not-handled}\n",
                // A report not taken up is told why in updates while the
                // decision is made: feedback.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, updates: {every: 1w, first: 2d, feedback: true}, next: [{to: terugkoppeling, p: 0.5}, {to: extern, p: 0.5}]}\n",
                // An advice procedure takes no reports.
                "kind: advice\nsteps:\n  melding: {title: Vraag om advies, actor: melder, kind: report, next: gesprek}\n  gesprek: {title: Adviesgesprek, actor: org, kind: advice, duration: 1w, basis: policy, outcome: closed}\n",
            ])
            .fail(&[
                // No feedback step anywhere: only the 10% who go on to the Huis
                // voor klokkenluiders can get feedback there.
                "  tussentijds: {title: Tussentijds gesprek, actor: org, kind: hearing, duration: 1d, basis: policy, next: besluit}\n  terugkoppeling: {title: Slotgesprek, actor: org, kind: hearing, duration: 1d, basis: policy, next: nazorg}\n",
                // Half the reports not taken up are only referred to the Huis
                // voor klokkenluiders: the route leaves without feedback.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, next: [{to: terugkoppeling, p: 0.5}, {to: extern, p: 0.5}]}\n",
                // Bare updates ("still busy") are no feedback.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, updates: {every: 1w, first: 2d}, next: [{to: terugkoppeling, p: 0.5}, {to: extern, p: 0.5}]}\n",
                // Feedback updates that may not come: the decision can take
                // less than the 2 days to the first.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: {exponential: {mean: 1w}}, basis: policy, updates: {every: 1w, first: 2d, feedback: true}, next: [{to: terugkoppeling, p: 0.5}, {to: extern, p: 0.5}]}\n",
            ])
            .test_and_snapshot();
    }
}
