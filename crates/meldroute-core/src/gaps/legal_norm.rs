//! MR107 legal-norm: a procedure has the steps and terms its kind requires by law.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule};
use crate::graph::StepGraph;
use crate::library::EntryId;
use crate::meta::declare_rule;
use crate::model::{Outcome, Procedure, StepKind};
use crate::norms::{NORMS, Norm, Requirement};

declare_rule! {
    /// ### What it does
    /// Checks each legal norm for the procedure's kind (the table in
    /// `norms.rs`): an internal report is acknowledged within 7 days and gets
    /// feedback within 3 months; an external authority gives feedback within
    /// 3 months (6 in duly justified cases, when the deadline's `reason`
    /// says why); a complaint is judged within 6 weeks of receipt (the
    /// decision that leads to a founded or unfounded end, Awb 9:11), a
    /// notice of not handling comes within 4 weeks (Awb 9:8(3)), and its
    /// outcome leads to the Nationale ombudsman; a reporter can report
    /// externally. The procedure needs a step of the required kind with a
    /// `deadline` no longer than the law's, or the route the law gives. A
    /// norm of the Wbk binds only a procedure whose `scopes` include a
    /// *misstand* (`misstand`, `eu-breach`); the finding names the scopes
    /// it concerns.
    ///
    /// ### Why is this bad
    /// A procedure file without the step the law requires cannot keep the
    /// law, and its simulation cannot show whether the term is met.
    ///
    /// ### Example
    /// Fails: an internal report without an acknowledgement term:
    /// ```yaml
    ///   bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}
    /// ```
    /// Passes:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     duration: 2d
    ///     basis: policy
    ///     deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    ///     next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]
    /// ```
    pub struct LegalNorm {
        code: "MR107",
        name: "legal-norm",
        category: Journey,
        severity: Error,
        summary: "a procedure lacks a step, term or route that the law requires of its kind",
    }
}

/// The decisions of `p` that end in one of `outcomes`: from which the
/// journey reaches, before any other decision and within the procedure, a
/// step ending with one of them; each with whether its deadline is at most
/// `days`.
fn decisions(p: &Procedure, outcomes: &[Outcome], days: f64) -> Vec<(usize, bool)> {
    let graph = StepGraph::new(p);
    let judged = |i: usize| {
        p.steps
            .entry(i)
            .and_then(|(_, s)| s.outcome.as_ref())
            .is_some_and(|o| outcomes.contains(o))
    };
    let decision = |i: usize| {
        p.steps
            .entry(i)
            .is_some_and(|(_, s)| *s.kind == StepKind::Decision)
    };
    (0..graph.len())
        .filter(|&d| decision(d))
        .filter(|&d| {
            let mut seen = vec![false; graph.len()];
            let mut queue = vec![d];
            seen[d] = true;
            while let Some(i) = queue.pop() {
                if judged(i) {
                    return true;
                }
                for n in graph.successors(i) {
                    if !decision(n) && !std::mem::replace(&mut seen[n], true) {
                        queue.push(n);
                    }
                }
            }
            false
        })
        .map(|d| {
            let within = p.steps.entry(d).is_some_and(|(_, s)| {
                s.deadline
                    .as_ref()
                    .is_some_and(|dl| dl.within.days() <= days + 1e-9)
            });
            (d, within)
        })
        .collect()
}

impl JourneyRule for LegalNorm {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        for norm in NORMS.iter().filter(|n| crate::measures::binds(n, p)) {
            // The words of the norm when it is broken; a norm that is kept
            // goes on to the next.
            let (message, kinds, days): (_, Vec<String>, _) = match norm.requirement {
                Requirement::DecisionWithin { .. } => {
                    self.check_decisions(cx, entry, norm, out);
                    continue;
                }
                Requirement::StepWithin {
                    kinds,
                    days,
                    justified,
                } => {
                    let kept = p.steps.iter().any(|(_, s)| {
                        kinds.contains(&*s.kind)
                            && s.deadline.as_ref().is_some_and(|d| {
                                let limit = match justified {
                                    Some(longer) if d.justified() => longer,
                                    _ => days,
                                };
                                d.within.days() <= limit + 1e-9
                            })
                    });
                    if kept {
                        continue;
                    }
                    (
                        "{kind} procedure {procedure} has no {kinds} step with a deadline of at most {days}; by law, {norm}",
                        kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                        Some(days),
                    )
                }
                Requirement::EscalationTo(kinds) => {
                    let kept = p
                        .start
                        .as_ref()
                        .and_then(|s| p.steps.index_of(s))
                        .is_some_and(|s| cx.reaching_kind(entry, kinds)[cx.graph.node(entry, s)]);
                    if kept {
                        continue;
                    }
                    (
                        "{kind} procedure {procedure} has no route to {kinds}; by law, {norm}",
                        kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                        None,
                    )
                }
            };
            let mut f = cx.finding(&Self::META, entry, p.kind.pos, message);
            let mut d = f
                .diagnostic
                .with_arg("kind", Arg::text(p.kind.as_str()))
                .with_arg("procedure", Arg::id(p.id.value.as_str()))
                .with_arg("kinds", Arg::OneOf(kinds))
                .with_arg("norm", Arg::text(norm.text))
                .with_arg("id", Arg::id(norm.id))
                .with_arg("basis", Arg::text(norm.basis))
                .with_label("norm {id}")
                .with_help("model the step or route the law requires ({basis})");
            if let Some(days) = days {
                d = d.with_arg("days", Arg::Days(days));
            }
            if let Requirement::StepWithin {
                justified: Some(longer),
                ..
            } = norm.requirement
            {
                d = d.with_arg("longer", Arg::Days(longer)).with_help(
                    "model the step the law requires ({basis}); a deadline of up to {longer} keeps it only in duly justified cases: say why in the deadline's `reason`",
                );
            }
            f.diagnostic = d;
            let f = f.citing(&crate::measures::of_norm(norm, p));
            // The finding is about the whole procedure: it starts at `start`.
            let start: Vec<usize> = p
                .start
                .as_ref()
                .and_then(|s| p.steps.index_of(s))
                .into_iter()
                .collect();
            out.push(super::with_path(f, &start));
        }
    }
}

impl LegalNorm {
    /// A [`Requirement::DecisionWithin`] norm: a finding at the first such
    /// decision without a deadline within the term, or at the kind when a
    /// required decision is missing.
    fn check_decisions(
        &self,
        cx: &GapContext<'_>,
        entry: EntryId,
        norm: &Norm,
        out: &mut Vec<Finding>,
    ) {
        let Requirement::DecisionWithin {
            decision,
            outcomes,
            days,
            required,
        } = norm.requirement
        else {
            return;
        };
        let p = &cx.entry(entry).procedure;
        let judgments = decisions(p, outcomes, days);
        let names: Vec<String> = outcomes.iter().map(|o| o.as_str().to_owned()).collect();
        let late: Vec<usize> = judgments.iter().filter(|j| !j.1).map(|j| j.0).collect();
        let (pos, message, path) = if judgments.is_empty() && required {
            let start = p.start.as_ref().and_then(|s| p.steps.index_of(s));
            (
                p.kind.pos,
                "{kind} procedure {procedure} has no decision that gives a {decision} (an end {outcomes}); by law, {norm}",
                start.into_iter().collect::<Vec<_>>(),
            )
        } else if let Some(&step) = late.first() {
            let Some((key, _)) = p.steps.entry(step) else {
                return;
            };
            (
                key.pos,
                "the {decision} {step} of {kind} procedure {procedure} has no deadline of at most {days}; by law, {norm}",
                vec![step],
            )
        } else {
            return;
        };
        let step = path
            .first()
            .and_then(|&i| p.steps.entry(i))
            .map_or(String::new(), |(k, _)| k.value.clone());
        let mut f = cx.finding(&Self::META, entry, pos, message);
        f.diagnostic = f
            .diagnostic
            .with_arg("kind", Arg::text(p.kind.as_str()))
            .with_arg("procedure", Arg::id(p.id.value.as_str()))
            .with_arg("outcomes", Arg::OneOf(names))
            .with_arg("decision", Arg::text(decision))
            .with_arg("step", Arg::id(step))
            .with_arg("days", Arg::Days(days))
            .with_arg("norm", Arg::text(norm.text))
            .with_arg("id", Arg::id(norm.id))
            .with_arg("basis", Arg::text(norm.basis))
            .with_label("norm {id}")
            .with_help("give the {decision} a deadline within the law's term, counted from receipt ({basis})");
        let f = f.citing(&crate::measures::of_norm(norm, p));
        out.push(super::with_path(f, &path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&LegalNorm)
            .pass(&[
                // One week is the legal 7 days.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 1w, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 13 weeks are within 3 months.
                "  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 13w, from: bevestiging, basis: \"Wbk art. 2\"}, next: nazorg}\n",
                // The term may be on the interim feedback.
                "  tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 3mo, from: bevestiging, basis: \"Wbk art. 2\"}, next: besluit}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}\n",
                // An external authority may take 6 months in duly justified
                // cases, when the deadline says why, and need not lead on to
                // another body.
                "kind: whistleblower-authority\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(b)\"}, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 6mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\", reason: \"an investigation of several departments\"}, outcome: founded}\n",
                // A complaint decided within 6 weeks, with the way to the
                // Nationale ombudsman.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, from: melding, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // The judgment within 6 weeks; the 4-week notice of not
                // handling (Awb 9:8) is no judgment and needs no 6 weeks.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: niet, p: 0.1}, {to: oordeel, p: 0.9}]}\n  niet: {title: Mededeling niet behandelen, actor: org, kind: decision, contact: true, duration: 3w, basis: policy, deadline: {within: 4w, basis: \"Awb art. 9:8\"}, next: nb}\n  nb: {title: Niet behandeld, actor: org, kind: closure, outcome: not-handled}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // An internal report of integrity violations and undesirable
                // behaviour alone follows ministry policy: no Wbk norm binds it.
                "scopes: [integrity, undesirable-behaviour]\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 2w, basis: policy, outcome: closed}\n",
                // No norm binds an advice procedure.
                "kind: advice\nsteps:\n  melding: {title: Vraag om advies, actor: melder, kind: report, next: gesprek}\n  gesprek: {title: Adviesgesprek, actor: org, kind: advice, duration: 1w, basis: policy, outcome: closed}\n",
            ])
            .fail(&[
                // No acknowledgement term.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A term of 8 days is longer than the law's 7.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 8d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // The 7-day term is on a step that is no acknowledgement.
                "  bevestiging: {title: Intakegesprek, actor: org, kind: intake, contact: true, duration: 2d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 14 weeks are more than 3 months.
                "  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 14w, from: bevestiging, basis: \"Wbk art. 2\"}, next: nazorg}\n",
                // A route to the Nationale ombudsman only: it is no
                // competent authority of Wbk art. 2c.
                "  extern: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // No route to an external body.
                "  extern: {title: Externe melding, actor: melder, kind: escalation, outcome: referred}\n",
                // As a complaint, the procedure lacks the 6-week term and the
                // route to the Nationale ombudsman (the Huis voor
                // klokkenluiders is no ombudsman).
                "kind: complaint\n",
                // A complaint decided within 8 weeks.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 8w, from: melding, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // The notice of not handling after 6 weeks: Awb 9:8(3) gives 4.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: niet, p: 0.1}, {to: oordeel, p: 0.9}]}\n  niet: {title: Mededeling niet behandelen, actor: org, kind: decision, contact: true, duration: 3w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:8\"}, next: nb}\n  nb: {title: Niet behandeld, actor: org, kind: closure, outcome: not-handled}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // The judgment in 20 weeks: the 4-week notice of not handling
                // does not make up for it.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: niet, p: 0.1}, {to: oordeel, p: 0.9}]}\n  niet: {title: Mededeling niet behandelen, actor: org, kind: decision, contact: true, duration: 3w, basis: policy, deadline: {within: 4w, basis: \"Awb art. 9:8\"}, next: nb}\n  nb: {title: Niet behandeld, actor: org, kind: closure, outcome: not-handled}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 20w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // A judgment without a deadline.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: founded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // An external authority's 5 months without a reason: only
                // duly justified cases may take more than 3.
                "kind: whistleblower-authority\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(b)\"}, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 5mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\"}, outcome: founded}\n",
                // An external authority without an acknowledgement term and
                // with feedback after 7 months.
                "kind: whistleblower-authority\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 6mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 7mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\"}, outcome: founded}\n",
                // The same procedure handling a misstand too: the Wbk's norms
                // bind it, and the findings concern the misstand scope.
                "scopes: [integrity, misstand]\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 2w, basis: policy, outcome: closed}\n",
            ])
            .test_and_snapshot();
    }
}
