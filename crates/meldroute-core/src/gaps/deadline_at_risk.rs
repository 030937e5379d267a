//! MR105 deadline-at-risk: simulated journeys meet each deadline often enough.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, Simulated, with_path};
use crate::library::EntryId;
use crate::located::Located;
use crate::measures;
use crate::meta::declare_rule;
use crate::model::{Deadline, Procedure, ProcedureKind, StepKind};
use crate::norms;

declare_rule! {
    /// ### What it does
    /// For each `deadline` in the file, simulates the procedure and compares
    /// the share of journeys that reach the step but miss the deadline with a
    /// tolerance (default 5%). The finding prints the deadline's basis: as
    /// law, with the norm's article, where a legal norm binding the
    /// procedure sets that term for such a step; otherwise as the file
    /// states it (`standing: stated`), which meldroute does not check. A
    /// term of the law missed too often is an error; the file's own term
    /// (a policy term, or one stricter than the law's) a warning, as
    /// missing it breaks no law.
    ///
    /// A deadline of 3 months (or 13 weeks) on a feedback step of an
    /// internal-report procedure states the statutory feedback term
    /// (Richtlijn (EU) 2019/1937 art. 9(1)(f)), which the first feedback
    /// meets, interim feedback included (art. 5(13)): a feedback step, or
    /// an interim update with `feedback: true`, never a bare update (its
    /// simulation, `sim::walk`, counts them so). Such deadlines are
    /// judged together, by the one definition of "feedback within 3
    /// months" (`docs/simulation.md`) that `simulate`, `compare` and
    /// `report` print too: one finding, on the one of them missed most
    /// often, when more of the journeys that made a report than the
    /// tolerance get no feedback within 3 months of the acknowledgement.
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
        // The deadline stating the statutory feedback term missed most
        // often on its step, and that share.
        let mut statutory = None;
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
            let id = &sim.model.names[d.step as usize].id;
            let Some((i, kind, deadline)) = own_deadline(p, id) else {
                continue;
            };
            let cited = measures::of_deadline(p, kind, deadline.within.days(), &deadline.basis);
            // Missed, of the journeys that reach the step whose report's
            // scope the term binds (every journey's for a term the file
            // states); and of all of them.
            let bound = sim.of_scopes(&cited.scopes);
            let (reached, met) = bound.deadlines[di];
            let missed = crate::sim::share(reached - met, reached);
            if step.feedback && states_feedback_term(*p.kind, d.within) {
                // Judged below, by the first feedback.
                if statutory.is_none_or(|(_, m): (usize, f64)| missed.value > m) {
                    statutory = Some((di, missed.value));
                }
                continue;
            }
            if missed.value <= cx.opts.deadline_tolerance {
                continue;
            }
            // A term the file sets itself, not the law's: missing it is no
            // breach of the law, so a warning.
            let (severity, help) = if cited.standing == measures::Standing::Law {
                (
                    meldroute_diagnostics::Severity::Error,
                    "shorten the steps before it, or give the reporter a documented, lawful extension",
                )
            } else {
                (
                    meldroute_diagnostics::Severity::Warning,
                    "shorten the steps before it, or give the reporter a documented extension; this is the file's own term (its basis as stated), not one meldroute checks as law",
                )
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
                .with_label("missed too often")
                .with_help(help);
            f.diagnostic.severity = severity;
            f.diagnostic = sim.says_scopes(f.diagnostic, &cited.scopes);
            f.share = Some(crate::sim::share(reached - met, sim.agg.runs));
            f.rests_on = cx.simulated(entry);
            out.push(with_path(f.citing(&cited), &[i]));
        }
        if let Some((di, _)) = statutory {
            let id = &sim.model.names[sim.model.deadlines[di].step as usize].id;
            if let Some((i, _, deadline)) = own_deadline(p, id) {
                out.extend(late_feedback(cx, entry, sim, i, deadline));
            }
        }
    }
}

/// A deadline of `within` days on a feedback step of a procedure of `kind`
/// states the statutory feedback term of 3 months (written `3mo` or `13w`).
fn states_feedback_term(kind: ProcedureKind, within: f64) -> bool {
    matches!(
        kind,
        ProcedureKind::InternalReport | ProcedureKind::WhistleblowerAuthority
    ) && (within - norms::FEEDBACK_DAYS).abs() <= 1.0
}

/// The step of `p` with id `id`: its index, kind and deadline.
fn own_deadline<'p>(
    p: &'p Procedure,
    id: &str,
) -> Option<(usize, StepKind, &'p Located<Deadline>)> {
    let i = p.steps.index_of(id)?;
    let (_, s) = p.steps.entry(i)?;
    Some((i, *s.kind, s.deadline.as_ref()?))
}

/// The finding, if more of the reports the statutory feedback term binds
/// than the tolerance get no feedback within the term that `deadline`, on
/// step `i`, states.
fn late_feedback(
    cx: &GapContext<'_>,
    entry: EntryId,
    sim: &Simulated,
    i: usize,
    deadline: &Located<Deadline>,
) -> Option<Finding> {
    let p = &cx.entry(entry).procedure;
    let cited = measures::of_deadline(
        p,
        StepKind::Feedback,
        deadline.within.days(),
        &deadline.basis,
    );
    let t = sim.of_scopes(&cited.scopes);
    let late = crate::sim::share(t.reported - t.feedback_in_time, t.reported);
    if late.value <= cx.opts.deadline_tolerance {
        return None;
    }
    let mut f = cx.finding(
        &DeadlineAtRisk::META,
        entry,
        deadline.pos,
        "{share} of simulated journeys that made a report get no feedback within {within} of the acknowledgement ({basis}); the first feedback counts, interim feedback included",
    );
    f.diagnostic = f
        .diagnostic
        .with_arg("share", super::share_arg(late))
        .with_arg("within", Arg::Days(deadline.within.days()))
        .with_arg("basis", Arg::text(deadline.basis.as_str()))
        .with_label("feedback comes late")
        .with_help("give feedback sooner: interim feedback on the assessment and the follow-up envisaged counts (Richtlijn (EU) 2019/1937 art. 5(13)); shorten the steps before the first feedback");
    f.diagnostic = sim.says_scopes(f.diagnostic, &cited.scopes);
    // Of all journeys, as every finding's share.
    f.share = Some(crate::sim::share(
        t.reported - t.feedback_in_time,
        sim.agg.runs,
    ));
    f.rests_on = cx.simulated(entry);
    Some(with_path(f.citing(&cited), &[i]))
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
                // A long investigation: the final feedback often comes after
                // its 3-month deadline, but the interim feedback comes in
                // time, and that is feedback (art. 5(13)).
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 8w, max: 12w}}, basis: policy, next: tussentijds}\n",
            ])
            .fail(&[
                // Uniform 3..12 days misses 7 days with probability 5/9.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 3d, max: 12d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 8.7% of journeys miss the 7 days: over the tolerance.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: {uniform: {min: 2d, max: 7.5d}}, basis: measured, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A long investigation without interim feedback: most
                // investigated reports wait more than 3 months for feedback.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 10w, max: 14w}}, basis: policy, next: tussentijds}\n  tussentijds: {title: Tussentijds overleg, actor: org, kind: assessment, duration: 1d, basis: policy, next: besluit}\n",
                // A policy term shorter than the statutory one on the final
                // feedback is the step's own, judged on the step.
                "  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 5w, from: bevestiging, basis: \"Regeling melden misstand, art. 6\"}, next: nazorg}\n",
                // Every journey that reaches `afwijzing` misses its term, but
                // only a fifth reaches it: the share is of all journeys.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, deadline: {within: 5d, from: bevestiging, basis: \"Regeling melden misstand, art. 4\"}, next: terugkoppeling}\n",
            ])
            .test_and_snapshot();
    }
}
