//! MR107 legal-norm: a procedure has the steps and terms its kind requires by law.

use super::no_escalation_route::reaches_kind;
use super::{Finding, GapContext, JourneyRule};
use crate::norms::{NORMS, Requirement};
use crate::rules::{RuleMeta, declare_rule};

declare_rule! {
    /// ### What it does
    /// Checks each legal norm for the procedure's kind (the table in
    /// `norms.rs`): an internal report is acknowledged within 7 days and gets
    /// feedback within 3 months; an external authority gives feedback within
    /// 3 (at most 6) months; a complaint is handled within 6 weeks and its
    /// outcome leads to the Nationale ombudsman; a reporter can report
    /// externally. The procedure needs a step of the required kind with a
    /// `deadline` no longer than the law's, or the route the law gives.
    ///
    /// ### Why is this bad
    /// A procedure file without the step the law requires cannot keep the
    /// law, and its simulation cannot show whether the term is met.
    ///
    /// ### Example
    /// Fails: an internal report without an acknowledgement term:
    /// ```yaml
    ///   bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: onderzoek}
    /// ```
    /// Passes:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    ///     next: onderzoek
    /// ```
    pub struct LegalNorm {
        code: "MR107",
        name: "legal-norm",
        category: Journey,
        severity: Error,
        summary: "a procedure lacks a step, term or route that the law requires of its kind",
    }
}

impl JourneyRule for LegalNorm {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &GapContext<'_>, entry: usize, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        for norm in NORMS.iter().filter(|n| n.applies_to.contains(&*p.kind)) {
            let kept = match norm.requirement {
                Requirement::StepWithin { kinds, days } => p.steps.iter().any(|(_, s)| {
                    kinds.contains(&*s.kind)
                        && s.deadline
                            .as_ref()
                            .is_some_and(|d| d.within.days() <= days + 1e-9)
                }),
                Requirement::EscalationTo(kinds) => p
                    .start
                    .as_ref()
                    .and_then(|s| p.steps.index_of(s))
                    .is_some_and(|s| reaches_kind(cx.library, entry, s, kinds)),
            };
            if kept {
                continue;
            }
            let what = match norm.requirement {
                Requirement::StepWithin { kinds, days } => format!(
                    "no {} step with a deadline of at most {}",
                    kinds
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    super::weeks(days)
                ),
                Requirement::EscalationTo(kinds) => {
                    format!(
                        "no route to {}",
                        kinds
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )
                }
            };
            let mut f = cx.finding(
                &Self::META,
                entry,
                p.kind.pos,
                format!(
                    "{} procedure `{}` has {what}; by law, {}",
                    p.kind.as_str(),
                    p.id.value,
                    norm.text
                ),
            );
            f.diagnostic = f
                .diagnostic
                .with_label(format!("norm `{}`", norm.id))
                .with_help(format!(
                    "model the step or route the law requires ({})",
                    norm.basis
                ));
            f.basis = Some(norm.basis.to_owned());
            // The finding is about the whole procedure: it starts at `start`.
            let start: Vec<usize> = p
                .start
                .as_ref()
                .and_then(|s| p.steps.index_of(s))
                .into_iter()
                .collect();
            out.push(super::with_path(f, p, &start));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_missing_acknowledgement_term() {
        let yaml = GOOD.replace(
            "    deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}\n",
            "",
        );
        let found = run(&LegalNorm, &yaml);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .diagnostic
                .message
                .contains("no acknowledgement step with a deadline of at most 7 days"),
            "{}",
            found[0].diagnostic.message
        );
        assert_eq!(
            found[0].diagnostic.primary.message,
            "norm `acknowledge-within-7-days`"
        );
    }

    #[test]
    fn flags_missing_external_route() {
        let yaml = GOOD.replace(
            "escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}",
            "outcome: referred",
        );
        let found = run(&LegalNorm, &yaml);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .diagnostic
                .message
                .contains("no route to ombudsman or whistleblower-authority")
        );
    }

    #[test]
    fn passes_when_every_norm_is_modelled() {
        assert!(run(&LegalNorm, GOOD).is_empty());
    }
}
