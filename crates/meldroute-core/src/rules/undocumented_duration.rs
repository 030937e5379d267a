//! MR015 undocumented-duration: durations and probabilities say what they rest on.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::{Basis, Next};
use crate::source::Pos;

declare_rule! {
    /// ### What it does
    /// Checks that a step with a non-zero duration or with branches says what
    /// the figures rest on (`basis: law | policy | practice | measured |
    /// assumption`), and that an assumption comes with a `note` saying why.
    ///
    /// ### Why is this bad
    /// Analysts compare ministries on these figures. A duration that looks
    /// like a fact but is a guess misleads them; an assumption that says so
    /// can be challenged and improved.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, next: besluit}
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     duration: 8w
    ///     basis: assumption
    ///     note: "No published figures; eight weeks is a common internal target."
    ///     next: besluit
    /// ```
    pub struct UndocumentedDuration {
        code: "MR015",
        name: "undocumented-duration",
        category: Documentation,
        severity: Warning,
        summary: "a duration or branch probability has no `basis`, or an assumption has no `note`",
    }
}

impl Rule for UndocumentedDuration {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            // Probabilities to document: branches, also within an
            // alternative (one that names a single step has none).
            let branches = step.next.as_ref().is_some_and(|n| {
                n.alternatives(n.pos)
                    .iter()
                    .any(|(_, then, _)| matches!(then, Next::Branches(_)))
            });
            let timed = !step.duration.is_zero();
            match &step.basis {
                None if timed || branches => {
                    let (message, pos) = if timed {
                        (
                            "the duration of step {step} has no `basis`",
                            step.duration.pos,
                        )
                    } else {
                        (
                            "the branch probabilities of step {step} have no `basis`",
                            step.next.as_ref().map_or(Pos::UNKNOWN, |n| n.pos),
                        )
                    };
                    out.push(
                        cx.diag(&Self::META, entry, pos, message)
                            .with_arg("step", Arg::id(id.value.as_str()))
                            .with_label("where does this figure come from?")
                            .with_help("add `basis: law`, `policy`, `practice`, `measured` or `assumption` (with a `note` saying why)"),
                    );
                }
                Some(basis)
                    if **basis == Basis::Assumption
                        && step.note.as_deref().is_none_or(|n| n.trim().is_empty()) =>
                {
                    out.push(
                        cx.diag(
                            &Self::META,
                            entry,
                            basis.pos,
                            "step {step} rests on an assumption without a `note`",
                        )
                        .with_arg("step", Arg::id(id.value.as_str()))
                        .with_label("assumption")
                        .with_help("add a `note` that says why this figure was chosen"),
                    );
                }
                _ => {}
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
        Tester::validation(&UndocumentedDuration)
            .pass(&[
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: "Geen gepubliceerde cijfers.", next: tussentijds}"#,
                // No duration and a single `next`: nothing to document.
                "  tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, next: besluit}\n",
                "  tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 0d, next: besluit}\n",
            ])
            .fail(&[
                // A duration without `basis`.
                r#"  bevestiging:
    title: Ontvangstbevestiging
    actor: org
    kind: acknowledgement
    duration: 2d
    next:
      - {to: onderzoek, p: 0.8}
      - {to: afwijzing, p: 0.2}
"#,
                // Branches without `basis` (and no duration).
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, next: [{to: klaar, p: 0.9}, {to: extern, p: 0.1}]}\n",
                // An assumption without a `note`, or with a blank one.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, next: tussentijds}\n",
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: " ", next: tussentijds}"#,
            ])
            .test_and_snapshot();
    }
}
