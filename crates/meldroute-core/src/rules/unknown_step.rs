//! MR001 unknown-step: `start`, `next` and branches must name existing steps.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, Unknown, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::Next;
use crate::source::Pos;

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
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        // `what` refers, from `step` (none for `start`).
        let mut report = |id: &str, pos: Pos, what: &'static str, step: Option<&str>| {
            if p.steps.contains_key(id) {
                return;
            }
            let unknown = Unknown {
                pos,
                what,
                args: step.map(|s| ("step", Arg::id(s))).into_iter().collect(),
                name: id,
                candidates: p.steps.keys().collect(),
                label: "no step with this id",
            };
            out.push(cx.unknown(
                &Self::META,
                entry,
                unknown,
                |_| "use one of the steps of this procedure: {candidates}",
            ));
        };
        if let Some(start) = &p.start {
            report(start, start.pos, "`start` names unknown step", None);
        }
        for (id, step) in p.steps.iter() {
            let from = Some(id.value.as_str());
            match step.next.as_ref().map(|n| (&n.value, n.pos)) {
                Some((Next::Step(to), pos)) => {
                    report(to, pos, "`next` of step {step} names unknown step", from)
                }
                Some((next, pos)) => {
                    for (to, at) in next.step_refs(pos) {
                        report(to, at, "a branch of step {step} names unknown step", from);
                    }
                }
                None => {}
            }
            if let Some(cap) = &step.max_visits {
                report(
                    &cap.then,
                    cap.then.pos,
                    "`max-visits` of step {step} names unknown step",
                    from,
                );
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
        Tester::validation(&UnknownStep)
            .pass(&[
                // Numeric step ids work in `next` and branches.
                "  2: {title: Onderzoek, actor: org, kind: investigation, next: 3}\n  3: {title: Besluit, actor: org, kind: decision, next: terugkoppeling}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: 2, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
            ])
            .fail(&[
                // A misspelt `next`.
                "  besluit: {title: Besluit, actor: org, kind: decision, next: terugkopeling}\n",
                // An unknown `start`; an unknown branch target.
                "start: begin\n",
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{to: onderzoek, p: 0.8}, {to: weg, p: 0.2}]}\n",
                // A numeric id that does not exist.
                "  melding: {title: Melding, actor: melder, kind: report, next: 3}\n",
            ])
            .test_and_snapshot();
    }
}
