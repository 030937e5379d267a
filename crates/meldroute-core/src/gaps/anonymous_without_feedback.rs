//! MR108 anonymous-without-feedback: an anonymous reporter can hear what
//! was done with the report.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, Witnesses, report_steps, takes_reports, with_path};
use crate::library::EntryId;
use crate::measures::{self, Measure};
use crate::meta::declare_rule;

declare_rule! {
    /// ### What it does
    /// In a procedure where some reporters are anonymous (`anonymous`),
    /// finds a route from a report to the end whose only feedback comes
    /// from steps that need the reporter's identity (`needs-identity:
    /// true`): a named reporter hears what was done, an anonymous one does
    /// not. Says what share of the simulated anonymous reporters had no
    /// feedback. A route with no feedback for anyone is MR102's.
    ///
    /// ### Why is this bad
    /// An anonymous reporter who never hears anything cannot tell whether
    /// the report was taken up, and may report again or elsewhere. The
    /// route can give them a channel (a case number to call back, an
    /// anonymous mailbox). Whether it must is policy: the Directive leaves
    /// anonymous reports to national law (art. 6(2)), and the Wbk's
    /// provisions on them (art. 2(2)(e)-(f), their text unverified) are not
    /// in force (docs/legal.md, "Anonymous reports").
    ///
    /// ### Example
    /// Fails: the only feedback is a decision letter sent home:
    /// ```yaml
    /// anonymous: {share: 0.3, basis: assumption, note: Geschat.}
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: besluit}
    ///   besluit: {title: Besluit per brief, actor: org, kind: decision, contact: true, needs-identity: true, duration: 1w, basis: policy, outcome: founded}
    /// ```
    /// Passes: the decision is told through the case number:
    /// ```yaml
    /// anonymous: {share: 0.3, basis: assumption, note: Geschat.}
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: besluit}
    ///   besluit: {title: Besluit via het zaaknummer, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: founded}
    /// ```
    pub struct AnonymousWithoutFeedback {
        code: "MR108",
        name: "anonymous-without-feedback",
        category: Journey,
        severity: Warning,
        summary: "anonymous reporters get no feedback on a route whose feedback needs the reporter's identity",
    }
}

impl JourneyRule for AnonymousWithoutFeedback {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        if !takes_reports(*p.kind) || p.anonymous.as_ref().is_none_or(|a| a.share.value.0 <= 0.0) {
            return;
        }
        let cited = measures::basis(Measure::AnonymousFeedback, p);
        let named = Witnesses::new(p, &|s| s.surely_feedback());
        let anonymous = Witnesses::new(p, &|s| s.surely_feedback() && !s.needs_identity);
        for r in report_steps(p) {
            let Some((key, _)) = p.steps.entry(r) else {
                continue;
            };
            // Every named reporter hears; some anonymous ones do not.
            let (None, Some(path)) = (named.from(r), anonymous.from(r)) else {
                continue;
            };
            let share = cx.sim(entry).and_then(|s| {
                (s.agg.anonymous > 0).then(|| {
                    crate::sim::share(s.agg.anonymous - s.agg.anonymous_feedback, s.agg.anonymous)
                })
            });
            let mut f = cx.finding(
                &Self::META,
                entry,
                key.pos,
                if share.is_some() {
                    "after report step {step} an anonymous reporter can end without feedback, which only steps that need their identity give ({share} of simulated anonymous reporters)"
                } else {
                    "after report step {step} an anonymous reporter can end without feedback, which only steps that need their identity give"
                },
            );
            f.diagnostic = f
                .diagnostic
                .with_arg("step", Arg::id(key.value.as_str()))
                .with_label("no feedback for an anonymous reporter on this route")
                .with_help("give the feedback a channel that needs no identity (a case number to call back, an anonymous mailbox), or accept the finding with its reason");
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
        Tester::journey(&AnonymousWithoutFeedback)
            .pass(&[
                // No anonymous reporters: the letter reaches everyone.
                "  terugkoppeling: {title: Terugkoppeling per brief, actor: org, kind: feedback, needs-identity: true, duration: 1d, basis: policy, next: nazorg}\n",
                // Anonymous reporters, and feedback through the case number.
                "anonymous: {share: 0.3, basis: assumption, note: Geschat.}\n",
            ])
            .fail(&[
                // Anonymous reporters, and every feedback step needs identity.
                "anonymous: {share: 0.3, basis: assumption, note: Geschat.}\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: besluit}\n  besluit: {title: Besluit per brief, actor: org, kind: decision, contact: true, needs-identity: true, duration: 1w, basis: policy, outcome: founded}\n",
            ])
            .test_and_snapshot();
    }
}
