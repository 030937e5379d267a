//! MR104 long-silence: too many reporters hear nothing for too long.

use super::{Finding, GapContext, JourneyRule, pct, weeks, with_path};
use crate::rules::{RuleMeta, declare_rule};

declare_rule! {
    /// ### What it does
    /// Simulates the procedure and measures each journey's longest silence:
    /// the longest time without contact from the report to the end. When the
    /// share of journeys whose longest silence exceeds a threshold (default 6
    /// weeks, `--silence`) is above the tolerance (10%), it names the step
    /// without contact where simulated journeys spend the most time (also in
    /// a procedure escalated to). Silences are compared with the threshold
    /// to the histogram's resolution (0.78%).
    ///
    /// ### Why is this bad
    /// Long silences are what reporters complain about most: without interim
    /// feedback they do not know whether anything happens (Kamerstuk 28 844
    /// nr. 183, section 6).
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 12w, basis: policy, next: terugkoppeling}
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: policy, next: tussentijds}
    ///   tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: vervolg}
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &GapContext<'_>, entry: usize, out: &mut Vec<Finding>) {
        let Some(sim) = cx.sim(entry) else { return };
        let share = sim.agg.longest_silence.share_above(cx.opts.silence_days);
        if share <= cx.opts.silence_tolerance {
            return;
        }
        let p = &cx.entry(entry).procedure;
        // The step without contact where simulated journeys spend the most
        // time, in this procedure or in one it escalates to.
        let model = &sim.model;
        let Some(best) = (0..model.steps.len())
            .filter(|&i| !model.steps[i].contact)
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
            let target = &model.procedures[owner].id;
            p.steps
                .iter()
                .position(|(_, s)| s.escalate.as_ref().is_some_and(|e| *e.procedure == *target))
        };
        let Some(i) = here.or_else(|| p.start.as_ref().and_then(|s| p.steps.index_of(s))) else {
            return;
        };
        let Some((key, _)) = p.steps.entry(i) else {
            return;
        };
        let where_ = if owner == 0 {
            format!("`{}`", name.id)
        } else {
            format!("`{}:{}`", model.procedures[owner].id, name.id)
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
            format!(
                "{} of simulated journeys have a silence longer than {}; most of it falls during {where_}",
                pct(share),
                weeks(cx.opts.silence_days)
            ),
        );
        let label = if owner == 0 {
            "the silence mostly falls here"
        } else {
            "the silence mostly falls after this escalation"
        };
        f.diagnostic = f.diagnostic.with_label(label).with_help(format!(
            "add an interim feedback step during '{}', which takes {} at the median",
            name.title,
            weeks(median)
        ));
        f.share = Some(share);
        out.push(with_path(f, p, &[i]));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_long_investigation_without_news() {
        let yaml = GOOD.replace(
            "kind: investigation, duration: 4w",
            "kind: investigation, duration: 12w",
        );
        let found = run(&LongSilence, &yaml);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path, ["onderzoek"]);
        assert_eq!(found[0].share, Some(1.0));
        assert!(
            found[0]
                .diagnostic
                .help
                .as_deref()
                .is_some_and(|h| h.contains("'Onderzoek', which takes 12.0 weeks"))
        );
    }

    #[test]
    fn passes_short_silences() {
        assert!(run(&LongSilence, GOOD).is_empty());
    }
}
