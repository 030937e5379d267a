//! MR006 conflicting-exits: a step has exactly one of `next`, `escalate`, `outcome`.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that no step has more than one of `next`, `escalate` and
    /// `outcome`.
    ///
    /// ### Why is this bad
    /// The journey can go only one way. A step that both ends the journey
    /// and continues it is ambiguous; to model a choice, use branches to
    /// separate steps.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   besluit: {title: Besluit, actor: org, kind: decision, outcome: founded, next: nazorg}
    /// ```
    /// Passes:
    /// ```yaml
    ///   besluit: {title: Besluit, actor: org, kind: decision, next: nazorg}
    /// ```
    pub struct ConflictingExits {
        code: "MR006",
        name: "conflicting-exits",
        category: Correctness,
        severity: Error,
        summary: "a step has more than one of `next`, `escalate` and `outcome`",
    }
}

impl Rule for ConflictingExits {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            let mut exits = Vec::new();
            if let Some(n) = &step.next {
                exits.push(("next", n.pos));
            }
            if let Some(e) = &step.escalate {
                exits.push(("escalate", e.pos));
            }
            if let Some(o) = &step.outcome {
                exits.push(("outcome", o.pos));
            }
            if exits.len() > 1 {
                // In the order the file writes them.
                exits.sort_by_key(|(_, pos)| (pos.line, pos.column));
                // There are three ways on: `exits` has two or three.
                let message = if exits.len() == 2 {
                    "step {step} has both {first} and {second}"
                } else {
                    "step {step} has {first}, {second} and {third}"
                };
                let mut d = cx
                    .diag(&Self::META, entry, exits[1].1, message)
                    .with_arg("step", Arg::id(id.value.as_str()))
                    .with_label("{second} conflicts with {first}")
                    .with_help("keep one way on; to model a choice, branch to separate steps with `next: [{to, p}, ...]`");
                for ((name, _), arg) in exits.iter().zip(["first", "second", "third"]) {
                    d = d.with_arg(arg, Arg::id(*name));
                }
                d = d.with_secondary(entry.file, cx.span(entry, exits[0].1), "first way on");
                for (_, pos) in &exits[2..] {
                    d = d.with_secondary(entry.file, cx.span(entry, *pos), "{third} conflicts too");
                }
                out.push(d);
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
        Tester::validation(&ConflictingExits)
            .pass(&[
                "  besluit: {title: Besluit, actor: org, kind: decision, outcome: founded}\n",
                "  besluit: {title: Besluit, actor: org, kind: decision, escalate: {procedure: rijk/klacht}}\n",
                // A choice is modelled with branches to separate steps.
                "  besluit: {title: Besluit, actor: org, kind: decision, next: [{to: terugkoppeling, p: 0.9}, {to: extern, p: 0.1}]}\n",
            ])
            .fail(&[
                "  extern: {title: Externe melding, actor: melder, kind: escalation, escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}, outcome: closed}\n",
                "  nazorg: {title: Nazorg, actor: org, kind: aftercare, next: klaar, escalate: {procedure: rijk/klacht}}\n",
                "  besluit: {title: Besluit, actor: org, kind: decision, next: terugkoppeling, escalate: {procedure: rijk/klacht}, outcome: founded}\n",
            ])
            .test_and_snapshot();
    }
}
