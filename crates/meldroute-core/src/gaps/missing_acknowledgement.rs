//! MR101 missing-acknowledgement: every report is acknowledged, within 7 days.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, Witnesses, report_steps, takes_reports, with_path};
use crate::library::EntryId;
use crate::measures::{self, Measure, Standing};
use crate::meta::declare_rule;

declare_rule! {
    /// ### What it does
    /// Finds a route from a report step to the end of the procedure on which
    /// the reporter has no contact at all (an acknowledgement, hearing,
    /// advice or feedback, or an interim update that surely comes: the
    /// step always runs longer than the time to its first update), and
    /// procedures where too many simulated journeys wait more than 7 days
    /// for the first contact after the report (an interim update is such a
    /// contact). An update is a contact, no acknowledgement of receipt:
    /// MR107 still asks for a step of kind `acknowledgement` within the
    /// term where the law does.
    ///
    /// ### Why is this bad
    /// A reporter who hears nothing does not know whether the report arrived.
    /// The law requires an acknowledgement within 7 days of an internal
    /// report and of a report to a competent authority (Richtlijn (EU)
    /// 2019/1937 art. 9(1)(b) and 11(2)(b); Wbk art. 2), and a written
    /// acknowledgement of a complaint, without a term (Awb art. 9:6); the
    /// Nationale ombudsman confirms receipt as its practice, and for an
    /// anonymous line, or a report of no *misstand* (its `scopes`), it is
    /// policy. The finding cites the basis of its procedure's kind and
    /// scopes; the 7-day share is checked only where the 7 days bind.
    ///
    /// ### Example
    /// Fails: the report goes straight into the investigation:
    /// ```yaml
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: onderzoek}
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, outcome: founded}
    /// ```
    /// Passes:
    /// ```yaml
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
    ///   bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: onderzoek}
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, outcome: founded}
    /// ```
    pub struct MissingAcknowledgement {
        code: "MR101",
        name: "missing-acknowledgement",
        category: Journey,
        severity: Warning,
        summary: "a report can go unacknowledged, or too many wait more than 7 days for a first contact",
    }
}

impl JourneyRule for MissingAcknowledgement {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        if !takes_reports(*p.kind) {
            return;
        }
        // The basis by kind and scope: the 7-day term of the Directive and
        // the Wbk binds internal reports and external authorities that
        // handle a misstand; elsewhere there is no term to check.
        let cited = measures::basis(Measure::Acknowledgement, p);
        let term = cited.term;
        // Of the reports the term binds: with the report's scope drawn per
        // journey, those of the norm's scopes.
        let late = cx.sim(entry).filter(|_| term.is_some()).map(|s| {
            let t = s.of_scopes(&cited.scopes);
            let late = t.reported - t.contact_within_week;
            // Of the reports the term binds, and of all journeys.
            (
                crate::sim::share(late, t.reported),
                crate::sim::share(late, s.agg.runs),
            )
        });
        let witnesses = Witnesses::new(p, &|s| s.surely_contacts());
        for r in report_steps(p) {
            let Some((key, _)) = p.steps.entry(r) else {
                continue;
            };
            if let Some(path) = witnesses.from(r) {
                let mut f = cx.finding(
                    &Self::META,
                    entry,
                    key.pos,
                    "after report step {step} the reporter can reach the end without any contact",
                );
                f.diagnostic = f
                    .diagnostic
                    .with_arg("step", Arg::id(key.value.as_str()))
                    .with_label("no acknowledgement on this route");
                f.diagnostic = match (term, cited.standing) {
                    (Some(days), _) => f.diagnostic.with_arg("term", Arg::Days(days)).with_help(
                        "add an acknowledgement step (kind: acknowledgement, within {term}) right after the report",
                    ),
                    (None, Standing::Law) => f.diagnostic.with_help(
                        "add a written acknowledgement of receipt (kind: acknowledgement) right after the report; the law sets no term for it",
                    ),
                    (None, _) => f.diagnostic.with_help(
                        "add an acknowledgement step (kind: acknowledgement) right after the report",
                    ),
                };
                f.share = late.map(|l| l.1);
                out.push(with_path(f.citing(&cited), &path));
            } else if let Some((share, of_all)) =
                late.filter(|l| l.0.value > cx.opts.deadline_tolerance)
            {
                let mut f = cx.finding(
                    &Self::META,
                    entry,
                    key.pos,
                    "{share} of simulated reporters wait more than {term} for a first contact after {step}",
                );
                f.diagnostic = f
                    .diagnostic
                    .with_arg("share", super::share_arg(share))
                    .with_arg("term", Arg::Days(term.unwrap_or_default()))
                    .with_arg("step", Arg::id(key.value.as_str()))
                    .with_label("first contact comes late").with_help("acknowledge receipt sooner: shorten the step before the acknowledgement, or acknowledge at intake");
                if let Some(s) = cx.sim(entry) {
                    f.diagnostic = s.says_scopes(f.diagnostic, &cited.scopes);
                }
                f.share = Some(of_all);
                f.rests_on = cx.simulated(entry);
                out.push(with_path(f.citing(&cited), &[r]));
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
        Tester::journey(&MissingAcknowledgement)
            .pass(&[
                // 3.8% of reporters wait more than 7 days: within the 5% tolerance.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 2d, max: 7.2d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A first contact on the seventh day is in time.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 7d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // An intake that surely sends an update after 2 days is a
                // contact (MR107 still asks for the acknowledgement).
                "  bevestiging: {title: Intake, actor: org, kind: intake, duration: 2w, basis: policy, updates: {every: 1w, first: 2d}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A report put aside is told so by an update that surely comes.
                "  melding: {title: Melding, actor: melder, kind: report, basis: practice, next: [{to: bevestiging, p: 0.9}, {to: terzijde, p: 0.1}]}\n  terzijde: {title: Terzijde gelegd, actor: org, kind: closure, duration: 2w, basis: policy, updates: {every: 1w}, outcome: not-handled}\n",
                // A step of another kind that is marked as a contact counts.
                "  bevestiging: {title: Intakegesprek, actor: org, kind: intake, contact: true, duration: 3d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // The 7-day term does not bind a complaint: a late first contact is no finding.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, outcome: founded}\n",
                // Nor does it bind an internal report of integrity violations
                // alone (ministry policy): a late first contact is no finding.
                "scopes: [integrity]\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 3d, max: 12d}}, basis: assumption, note: \"Aangenomen.\", next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 2w, basis: policy, next: extern}\n  extern: {title: Naar het Huis, actor: melder, kind: escalation, escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}}\n",
                // An advice procedure takes no reports.
                "kind: advice\nsteps:\n  melding: {title: Vraag om advies, actor: melder, kind: report, next: uitzoeken}\n  uitzoeken: {title: Uitzoeken, actor: org, kind: assessment, duration: 1w, basis: policy, outcome: closed}\n",
            ])
            .fail(&[
                // No contact anywhere: every contact step becomes a plain step.
                "  bevestiging: {title: Registratie, actor: org, kind: assessment, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n  tussentijds: {title: Tussenstand, actor: org, kind: assessment, duration: 1d, basis: policy, next: besluit}\n  terugkoppeling: {title: Archivering, actor: org, kind: closure, duration: 1d, basis: policy, next: nazorg}\n  nazorg: {title: Afronding, actor: org, kind: closure, duration: 2w, basis: policy, next: [{to: klaar, p: 0.9}, {to: extern, p: 0.1}]}\n",
                // One report in ten is put aside without a word to the reporter.
                "  melding: {title: Melding, actor: melder, kind: report, basis: practice, next: [{to: bevestiging, p: 0.9}, {to: terzijde, p: 0.1}]}\n  terzijde: {title: Terzijde gelegd, actor: org, kind: closure, outcome: not-handled}\n",
                // Uniform 3..12 days: most reporters wait more than 7 days.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 3d, max: 12d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 8.7% of reporters wait more than 7 days: over the tolerance.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 2d, max: 7.5d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // The update may not come: the step can end within the week.
                "  melding: {title: Melding, actor: melder, kind: report, basis: practice, next: [{to: bevestiging, p: 0.9}, {to: terzijde, p: 0.1}]}\n  terzijde: {title: Terzijde gelegd, actor: org, kind: closure, duration: {uniform: {min: 3d, max: 2w}}, basis: policy, updates: {every: 1w}, outcome: not-handled}\n",
                // An acknowledgement marked as no contact does not count.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, contact: false, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A complaint without any contact: found, without a share, as the
                // 7-day term does not bind it.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, duration: 4w, basis: policy, outcome: founded}\n",
            ])
            .test_and_snapshot();
    }
}
