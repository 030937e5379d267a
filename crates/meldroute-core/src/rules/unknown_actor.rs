//! MR002 unknown-actor: every step's actor is declared under `actors`.

use super::{Context, Rule, RuleMeta, declare_rule, list_ids};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::suggest;

declare_rule! {
    /// ### What it does
    /// Checks that every step's `actor` is declared under `actors`.
    ///
    /// ### Why is this bad
    /// Swimlane diagrams, hand-offs and the reporter's contacts are all
    /// counted per actor; a step done by nobody breaks each of them.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// steps:
    ///   melding: {title: Melding, actor: meldr, kind: report, outcome: closed}
    /// ```
    /// Passes:
    /// ```yaml
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    pub struct UnknownActor {
        code: "MR002",
        name: "unknown-actor",
        category: Correctness,
        severity: Error,
        summary: "a step's `actor` is not declared under `actors`",
    }
}

impl Rule for UnknownActor {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        for (id, step) in p.steps.iter() {
            let actor = step.actor.as_str();
            if !p.actors.contains_key(actor) {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        step.actor.pos,
                        format!(
                            "step `{}` is done by unknown actor `{actor}`{}",
                            id.value,
                            suggest::did_you_mean(actor, p.actors.keys())
                        ),
                    )
                    .with_label("not declared under `actors`")
                    .with_help(format!(
                        "declare the actor under `actors`, or use one of {}",
                        list_ids(p.actors.keys())
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_undeclared_actor() {
        let yaml = base_with(
            "    actor: melder\n    kind: report",
            "    actor: meldr\n    kind: report",
        );
        let found = run(&UnknownActor, &yaml);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (14, 12));
        assert!(
            found[0]
                .message
                .contains("`meldr` (did you mean `melder`?)")
        );
    }

    #[test]
    fn passes_on_declared_actors() {
        assert!(run(&UnknownActor, BASE).is_empty());
    }
}
