//! MR104 long-silence: too many reporters hear nothing for too long.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, with_path};
use crate::library::EntryId;
use crate::measures::{self, Measure};
use crate::meta::declare_rule;
use crate::sim::{Go, SimModel};

declare_rule! {
    /// ### What it does
    /// Simulates the procedure and measures each journey's longest silence:
    /// the longest time without contact from the report to the end. When the
    /// share of journeys whose longest silence exceeds a threshold (default 6
    /// weeks, `--silence`) is above the tolerance (10%), it names the step
    /// without contact where simulated journeys spend the most time (also in
    /// a procedure escalated to). Interim updates (`updates:`) end
    /// silences in the simulation, and a step whose updates leave no
    /// silence longer than the threshold within it (its first update and
    /// the time between two come within the threshold) is not named.
    /// Silences are compared with the threshold to the histogram's
    /// resolution (0.78%).
    ///
    /// ### Why is this bad
    /// Long silences are what reporters complain about most: without interim
    /// feedback they do not know whether anything happens (Kamerstuk 28 844
    /// nr. 183, section 6).
    ///
    /// ### Example
    /// Fails: eight weeks of investigation before the first news:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, next: tussentijds}
    /// ```
    /// Passes: the same eight weeks, with interim feedback after five (or
    /// with `updates: {every: 4w}` on the investigation):
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 5w, basis: policy, next: tussentijds}
    ///   tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: vervolgonderzoek}
    ///   vervolgonderzoek: {title: Vervolgonderzoek, actor: org, kind: investigation, duration: 3w, basis: policy, next: besluit}
    /// ```
    pub struct LongSilence {
        code: "MR104",
        name: "long-silence",
        category: Journey,
        severity: Warning,
        summary: "too many simulated journeys have a silence longer than the threshold",
    }
}

impl JourneyRule for LongSilence {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let Some(sim) = cx.sim(entry) else { return };
        let silences = &sim.agg.longest_silence;
        let share = crate::sim::share(
            silences.count_above(cx.opts.silence_days),
            silences.moments.count,
        );
        if share.value <= cx.opts.silence_tolerance {
            return;
        }
        let p = &cx.entry(entry).procedure;
        // The step without contact where simulated journeys spend the most
        // time, in this procedure or in one it escalates to.
        let model = &sim.model;
        // A step whose updates come within the threshold is not silent
        // for longer than it, whatever its length.
        let quiet = |i: usize| {
            let st = &model.steps[i];
            !st.contact
                && st
                    .updates
                    .is_none_or(|u| u.first.max(u.every) > cx.opts.silence_days)
        };
        let Some(best) = (0..model.steps.len())
            .filter(|&i| quiet(i))
            .max_by(|&a, &b| {
                sim.agg.step_days[a]
                    .total_cmp(&sim.agg.step_days[b])
                    .then(b.cmp(&a))
            })
        else {
            return;
        };
        let owner = model.steps[best].procedure as usize;
        let name = &model.names[best];
        // Point at the step itself, or at the escalation that leads there.
        let here = if owner == 0 {
            p.steps.index_of(&name.id)
        } else {
            escalation_towards(model, owner).and_then(|s| p.steps.index_of(&model.names[s].id))
        };
        let Some(i) = here.or_else(|| p.start.as_ref().and_then(|s| p.steps.index_of(s))) else {
            return;
        };
        let Some((key, _)) = p.steps.entry(i) else {
            return;
        };
        // A step of a procedure escalated to is named with its procedure.
        let where_ = if owner == 0 {
            name.id.clone()
        } else {
            format!("{}:{}", model.procedures[owner].id, name.id)
        };
        let median = cx
            .library
            .entry(model.procedures[owner].entry)
            .procedure
            .steps
            .get(&name.id)
            .map_or(0.0, |s| s.duration.median_days());
        let mut f = cx.finding(
            &Self::META,
            entry,
            key.pos,
            "{share} of simulated journeys have a silence longer than {silence}; most of it falls during {step}",
        );
        let label = if owner == 0 {
            "the silence mostly falls here"
        } else {
            "the silence mostly falls after this escalation"
        };
        f.diagnostic = f
            .diagnostic
            .with_arg("share", super::share_arg(share))
            .with_arg("silence", Arg::Days(cx.opts.silence_days))
            .with_arg("step", Arg::Id(where_))
            .with_arg("title", Arg::Title(name.title.clone()))
            .with_arg("median", Arg::Days(median))
            .with_label(label)
            .with_help(
                "give {title}, which takes {median} at the median, interim updates within {silence} (`updates: {every: ...}`), or add an interim feedback step during it",
            );
        f.share = Some(share);
        f.rests_on = cx.simulated(entry);
        out.push(with_path(
            f.citing(&measures::basis(Measure::InterimContact, p)),
            &[i],
        ));
    }
}

/// The first escalation step of the procedure itself (procedure 0 of the
/// model) from which journeys can reach procedure `owner`, directly or
/// through further escalations.
fn escalation_towards(model: &SimModel, owner: usize) -> Option<usize> {
    let escalations = |from: usize| {
        model
            .steps
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s.go {
                Go::Escalate { procedure, .. } if s.procedure as usize == from => {
                    Some((i, procedure as usize))
                }
                _ => None,
            })
    };
    escalations(0).find_map(|(step, first)| {
        let mut seen = vec![false; model.procedures.len()];
        let mut queue = vec![first];
        while let Some(q) = queue.pop() {
            if q == owner {
                return Some(step);
            }
            if !std::mem::replace(&mut seen[q], true) {
                queue.extend(escalations(q).map(|(_, next)| next));
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&LongSilence)
            .pass(&[
                // Silences of 5 weeks and a day stay under the 6 weeks.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 5w, basis: policy, next: tussentijds}\n",
                // Twelve weeks of investigation with an update every four.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 12w, basis: policy, updates: {every: 4w}, next: tussentijds}\n",
                // 9.5% of journeys have a silence over 6 weeks: within the
                // 10% tolerance.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {lognormal: {median: 3w, p90: 4.5w}}, basis: policy, next: tussentijds}\n",
            ])
            .fail(&[
                // Twelve weeks without news for every investigated report.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 12w, basis: policy, next: tussentijds}\n",
                // Six weeks and a day: just over the threshold.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 6w, basis: policy, next: tussentijds}\n",
                // 11.8% of journeys have a silence over 6 weeks: just over the
                // tolerance.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {lognormal: {median: 3w, p90: 5w}}, basis: policy, next: tussentijds}\n",
                // Updates, but the first after 7 weeks.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 12w, basis: policy, updates: {every: 4w, first: 7w}, next: tussentijds}\n",
                // The investigation has updates every 2 weeks: the silence
                // falls in the decision's 10 weeks, shorter as it is.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 12w, basis: policy, updates: {every: 2w}, next: tussentijds}\n  besluit: {title: Besluit, actor: org, kind: decision, duration: 10w, basis: policy, next: terugkoppeling}\n",
                // Most journeys go on to the Huis voor klokkenluiders, where
                // the silence falls: the finding points at the escalation.
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, duration: 2w, basis: policy, next: [{to: klaar, p: 0.1}, {to: extern, p: 0.9}]}\n",
                // The same through a second escalation: the finding points at
                // the escalation that leads there, not at the start.
                r#"  nazorg: {title: Nazorg, actor: org, kind: aftercare, duration: 2w, basis: policy, next: [{to: klaar, p: 0.1}, {to: extern, p: 0.9}]}
  extern: {title: Doorverwijzing, actor: melder, kind: escalation, escalate: {procedure: test/doorverwijzing}}
---
id: test/doorverwijzing
title: Doorverwijzing
organisation: Testorganisatie
kind: advice
sources: {}
actors:
  melder: {title: Melder, role: reporter}
start: verwijzing
steps:
  verwijzing: {title: Naar het Huis, actor: melder, kind: escalation, escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}}
"#,
            ])
            .test_and_snapshot();
    }
}
