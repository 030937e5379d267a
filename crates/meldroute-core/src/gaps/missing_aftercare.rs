//! MR103 missing-aftercare: a route that handled a report ends with aftercare.

use meldroute_diagnostics::Arg;

use super::{
    Finding, GapContext, JourneyRule, Witnesses, report_steps, route, takes_reports, with_path,
};
use crate::library::EntryId;
use crate::measures::{self, Measure};
use crate::meta::declare_rule;
use crate::model::StepKind;

declare_rule! {
    /// ### What it does
    /// Finds a route that, after a report, goes through an investigation or a
    /// decision and then ends without a step of kind `aftercare`.
    ///
    /// ### Why is this bad
    /// Reporting takes its toll. The IPIM found aftercare to the reporter not
    /// always satisfactory, and good aftercare raises the reporter's
    /// satisfaction (Kamerstuk 28 844 nr. 183, section 6). That is the
    /// letter's policy: no statute requires aftercare, so the finding is a
    /// warning with a policy basis, never an error of law.
    ///
    /// ### Example
    /// Fails: only half the reporters are offered aftercare:
    /// ```yaml
    ///   terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: [{to: nazorg, p: 0.5}, {to: klaar, p: 0.5}]}
    /// ```
    /// Passes:
    /// ```yaml
    ///   terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}
    ///   nazorg: {title: Nazorg, actor: org, kind: aftercare, duration: 2w, basis: policy, next: [{to: klaar, p: 0.9}, {to: extern, p: 0.1}]}
    /// ```
    pub struct MissingAftercare {
        code: "MR103",
        name: "missing-aftercare",
        category: Journey,
        severity: Warning,
        summary: "a route ends after an investigation or decision without aftercare",
    }
}

impl JourneyRule for MissingAftercare {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        if !takes_reports(*p.kind) {
            return;
        }
        let handled = |k: StepKind| matches!(k, StepKind::Investigation | StepKind::Decision);
        let graph = crate::graph::StepGraph::new(p);
        let witnesses = Witnesses::new(p, &|s| *s.kind == StepKind::Aftercare);
        for r in report_steps(p) {
            // From each investigation or decision reachable after the report, a route to the end without aftercare.
            let reachable = graph.reachable_from(&[r]);
            let witnessed = p
                .steps
                .iter()
                .enumerate()
                .filter(|(i, (_, s))| reachable[*i] && handled(*s.kind))
                .find_map(|(i, _)| {
                    let tail = witnesses.from(i)?;
                    let head = route(p, r, i)?;
                    Some([&head[..head.len() - 1], &tail[..]].concat())
                });
            let Some(path) = witnessed else { continue };
            let Some((key, _)) = p.steps.entry(r) else {
                continue;
            };
            let share = cx
                .sim(entry)
                .map(|s| crate::sim::share(s.agg.reported - s.agg.aftercare, s.agg.reported));
            let mut f = cx.finding(
                &Self::META,
                entry,
                key.pos,
                if share.is_some() {
                    "after report step {step} a route ends without aftercare, which the letter asks for as policy, not law ({share} of simulated journeys that made a report)"
                } else {
                    "after report step {step} a route ends without aftercare, which the letter asks for as policy, not law"
                },
            );
            f.diagnostic = f
                .diagnostic
                .with_arg("step", Arg::id(key.value.as_str()))
                .with_label("no aftercare on this route")
                .with_help("add an aftercare step after the outcome: a conversation about how the reporter is doing, and where to turn (good policy; no statute requires it)");
            f = f.with_share(share);
            out.push(with_path(
                f.citing(&measures::basis(Measure::Aftercare, p)),
                &path,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&MissingAftercare)
            .pass(&[
                // A report withdrawn before anything was investigated or
                // decided needs no aftercare.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.75}, {to: afwijzing, p: 0.2}, {to: ingetrokken, p: 0.05}]}\n  ingetrokken: {title: Melding ingetrokken, actor: melder, kind: closure, outcome: withdrawn}\n",
                // An advice procedure takes no reports.
                "kind: advice\nsteps:\n  melding: {title: Vraag om advies, actor: melder, kind: report, next: gesprek}\n  gesprek: {title: Adviesgesprek, actor: org, kind: advice, duration: 1w, basis: policy, next: besluit}\n  besluit: {title: Advies, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: closed}\n",
            ])
            .fail(&[
                // No aftercare step at all.
                "  nazorg: {title: Afronding, actor: org, kind: closure, duration: 2w, basis: policy, next: [{to: klaar, p: 0.9}, {to: extern, p: 0.1}]}\n",
                // A decision not to take the report up ends the route.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: not-handled}\n",
                // After the decision some reporters are referred on at once:
                // the escalation ends the route here.
                "  besluit: {title: Besluit, actor: org, kind: decision, duration: 2w, basis: policy, next: [{to: terugkoppeling, p: 0.9}, {to: extern, p: 0.1}]}\n",
            ])
            .test_and_snapshot();
    }
}
