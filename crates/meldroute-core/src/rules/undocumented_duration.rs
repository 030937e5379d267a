//! MR015 undocumented-duration: durations and probabilities say what they rest on.

use super::{Context, Rule, RuleMeta, declare_rule};
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            let branches = matches!(step.next.as_deref(), Some(Next::Branches(_)));
            let timed = !step.duration.is_zero();
            match &step.basis {
                None if timed || branches => {
                    let (what, pos) = if timed {
                        ("duration", step.duration.pos)
                    } else {
                        (
                            "branch probabilities",
                            step.next.as_ref().map_or(Pos::UNKNOWN, |n| n.pos),
                        )
                    };
                    out.push(
                        cx.diag(&Self::META, entry, pos, format!("the {what} of step `{}` has no `basis`", id.value))
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
                            format!(
                                "step `{}` rests on an assumption without a `note`",
                                id.value
                            ),
                        )
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
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_missing_basis_and_note() {
        let found = run(&UndocumentedDuration, &base_with("    basis: law\n", ""));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 21);
        assert!(found[0].message.contains("duration of step `bevestiging`"));
        let found = run(
            &UndocumentedDuration,
            &base_with("    note: test figure\n", ""),
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("without a `note`"));
    }

    #[test]
    fn passes_documented_figures() {
        assert!(run(&UndocumentedDuration, BASE).is_empty());
    }
}
