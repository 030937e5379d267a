//! MR001 unknown-step: `start`, `next` and branches must name existing steps.

use super::{Context, Rule, RuleMeta, declare_rule, list_ids};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::Next;
use crate::source::Pos;
use crate::suggest;

declare_rule! {
    /// ### What it does
    /// Checks that `start`, every `next` and every branch `to` name a step
    /// defined under `steps` in the same file.
    ///
    /// ### Why is this bad
    /// A journey that reaches a reference to a missing step cannot go on: the
    /// procedure is incomplete, usually through a typo or a renamed step.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: onderzok}
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, outcome: founded}
    /// ```
    /// Passes:
    /// ```yaml
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, next: onderzoek}
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, outcome: founded}
    /// ```
    pub struct UnknownStep {
        code: "MR001",
        name: "unknown-step",
        category: Correctness,
        severity: Error,
        summary: "`start`, `next` or a branch names a step that does not exist",
    }
}

impl Rule for UnknownStep {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let mut report = |id: &str, pos: Pos, what: &str| {
            if p.steps.contains_key(id) {
                return;
            }
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    pos,
                    format!(
                        "{what} names unknown step `{id}`{}",
                        suggest::did_you_mean(id, p.steps.keys())
                    ),
                )
                .with_label("no step with this id")
                .with_help(format!(
                    "use one of the steps of this procedure: {}",
                    list_ids(p.steps.keys())
                )),
            );
        };
        if let Some(start) = &p.start {
            report(start, start.pos, "`start`");
        }
        for (id, step) in p.steps.iter() {
            match step.next.as_ref().map(|n| (&n.value, n.pos)) {
                Some((Next::Step(to), pos)) => {
                    report(to, pos, &format!("`next` of step `{}`", id.value))
                }
                Some((Next::Branches(branches), _)) => {
                    for b in branches {
                        report(&b.to, b.to.pos, &format!("a branch of step `{}`", id.value));
                    }
                }
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_misspelt_next_with_suggestion() {
        let found = run(
            &UnknownStep,
            &base_with("next: terugkoppeling", "next: terugkopeling"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].code, found[0].line, found[0].column),
            ("MR001", 35, 11)
        );
        assert!(
            found[0].message.contains("did you mean `terugkoppeling`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn flags_branch_and_start() {
        let yaml = base_with("{to: afwijzing, p: 0.2}", "{to: weg, p: 0.2}")
            .replace("start: melding", "start: begin");
        let found = run(&UnknownStep, &yaml);
        let lines: Vec<_> = found.iter().map(|f| f.line).collect();
        assert_eq!(lines, [10, 27]);
    }

    #[test]
    fn passes_on_known_steps() {
        assert!(run(&UnknownStep, BASE).is_empty());
    }
}

#[cfg(test)]
mod numeric_ids {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn numeric_step_ids_work_in_next() {
        let yaml = BASE
            .replace("  onderzoek:", "  2:")
            .replace("{to: onderzoek,", "{to: 2,");
        assert!(run(&UnknownStep, &yaml).is_empty());
        let yaml = base_with("next: bevestiging", "next: 3");
        let found = run(&UnknownStep, &yaml);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("unknown step `3`"));
    }
}
