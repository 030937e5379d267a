//! MR002 unknown-actor: every step's actor is declared under `actors`.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, Unknown, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

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
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        for (id, step) in p.steps.iter() {
            let actor = step.actor.as_str();
            if !p.actors.contains_key(actor) {
                let unknown = Unknown {
                    pos: step.actor.pos,
                    what: "step {step} is done by unknown actor",
                    args: vec![("step", Arg::id(id.value.as_str()))],
                    name: actor,
                    candidates: p.actors.keys().collect(),
                    label: "not declared under `actors`",
                };
                out.push(cx.unknown(&Self::META, entry, unknown, |any| {
                    if any {
                        "declare the actor under `actors`, or use one of {candidates}"
                    } else {
                        "declare the actor under `actors`"
                    }
                }));
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
        Tester::validation(&UnknownActor)
            .pass(&[
                r#"actors:
  melder: {title: Melder, role: reporter}
  org: {title: Organisatie, role: organisation}
  vertrouwenspersoon: {title: Vertrouwenspersoon, role: adviser}
"#,
            ])
            .fail(&[
                // A typo: the message suggests the declared actor.
                "  melding: {title: Melding, actor: meldr, kind: report, next: bevestiging}\n",
                // An actor nobody declared, far from any declared one.
                "  bevestiging: {title: Ontvangstbevestiging, actor: vertrouwenspersoon, kind: acknowledgement, next: onderzoek}\n",
                // Both steps of the undeclared actor are flagged.
                r#"actors:
  melder: {title: Melder, role: reporter}
steps:
  melding: {title: Melding, actor: melder, kind: report, next: besluit}
  besluit: {title: Besluit, actor: org, kind: decision, next: terugkoppeling}
  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, outcome: founded}
"#,
            ])
            .test_and_snapshot();
    }
}
