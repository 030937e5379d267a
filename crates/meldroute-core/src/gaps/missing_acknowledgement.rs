//! MR101 missing-acknowledgement: every report is acknowledged, within 7 days.

use super::{
    Finding, GapContext, JourneyRule, pct, report_steps, takes_reports, with_path, witness,
};
use crate::rules::{RuleMeta, declare_rule};
use crate::sim::ACKNOWLEDGE_DAYS;

declare_rule! {
    /// ### What it does
    /// Finds a route from a report step to the end of the procedure on which
    /// the reporter has no contact at all (an acknowledgement, hearing,
    /// advice or feedback), and procedures where too many simulated journeys
    /// wait more than 7 days for the first contact after the report.
    ///
    /// ### Why is this bad
    /// A reporter who hears nothing does not know whether the report arrived.
    /// The law requires an acknowledgement within 7 days (Richtlijn (EU)
    /// 2019/1937 art. 9(1)(b) and 11(2)(b); Wbk art. 2).
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   melding: {title: Melding, actor: melder, kind: report, next: onderzoek}
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, outcome: founded}
    /// ```
    /// Passes:
    /// ```yaml
    ///   melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
    ///   bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: onderzoek}
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &GapContext<'_>, entry: usize, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        if !takes_reports(*p.kind) {
            return;
        }
        // The 7-day term binds internal reports and external authorities.
        let bound = crate::norms::NORMS
            .iter()
            .any(|n| n.id == "acknowledge-within-7-days" && n.applies_to.contains(&*p.kind));
        let late = cx.sim(entry).filter(|_| bound).map(|s| {
            let reported = s.agg.reported.max(1) as f64;
            1.0 - s.agg.contact_within_week as f64 / reported
        });
        for r in report_steps(p) {
            let Some((key, _)) = p.steps.entry(r) else {
                continue;
            };
            if let Some(path) = witness(p, r, &|s| s.is_contact()) {
                let mut f = cx.finding(
                    &Self::META,
                    entry,
                    key.pos,
                    format!(
                        "after report step `{}` the reporter can reach the end without any contact",
                        key.value
                    ),
                );
                f.diagnostic = f.diagnostic.with_label("no acknowledgement on this route").with_help("add an acknowledgement step (kind: acknowledgement, within 7 days) right after the report");
                f.share = late;
                f.basis =
                    Some("Richtlijn (EU) 2019/1937 art. 9(1)(b), 11(2)(b); Wbk art. 2".into());
                out.push(with_path(f, p, &path));
            } else if let Some(share) = late.filter(|&l| l > cx.opts.deadline_tolerance) {
                let mut f = cx.finding(
                    &Self::META,
                    entry,
                    key.pos,
                    format!("{} of simulated reporters wait more than {ACKNOWLEDGE_DAYS} days for a first contact after `{}`", pct(share), key.value),
                );
                f.diagnostic = f.diagnostic.with_label("first contact comes late").with_help("acknowledge receipt sooner: shorten the step before the acknowledgement, or acknowledge at intake");
                f.share = Some(share);
                f.basis =
                    Some("Richtlijn (EU) 2019/1937 art. 9(1)(b), 11(2)(b); Wbk art. 2".into());
                out.push(with_path(f, p, &[r]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_route_without_contact() {
        // No contact at all: every contact kind becomes a plain step.
        let yaml = GOOD
            .replace("kind: acknowledgement", "kind: assessment")
            .replace("kind: feedback", "kind: closure")
            .replace("kind: aftercare", "kind: closure");
        let found = run(&MissingAcknowledgement, &yaml);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path.first().map(String::as_str), Some("melding"));
        assert_eq!(found[0].share, Some(1.0));
    }

    #[test]
    fn passes_prompt_acknowledgement() {
        assert!(run(&MissingAcknowledgement, GOOD).is_empty());
    }
}
