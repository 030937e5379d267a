//! MR003 unknown-escalation-target: escalations lead to a loaded procedure and step.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, Unknown, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that every `escalate` names a procedure that is loaded (a file
    /// given on the command line or a bundled procedure, see `meldroute list`)
    /// and, when it names a `step`, that the step exists there.
    ///
    /// ### Why is this bad
    /// An escalation is the reporter's right to take the matter further. If
    /// its target does not exist, the journey stops where the law says it
    /// goes on.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   klacht:
    ///     title: Klacht over de afhandeling
    ///     actor: melder
    ///     kind: escalation
    ///     escalate: {procedure: rijk/klachten}
    /// ```
    /// Passes:
    /// ```yaml
    ///   klacht:
    ///     title: Klacht over de afhandeling
    ///     actor: melder
    ///     kind: escalation
    ///     escalate: {procedure: rijk/klacht}
    /// ```
    pub struct UnknownEscalationTarget {
        code: "MR003",
        name: "unknown-escalation-target",
        category: Correctness,
        severity: Error,
        summary: "an escalation names a procedure or step that is not loaded",
    }
}

impl Rule for UnknownEscalationTarget {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            let Some(esc) = &step.escalate else { continue };
            let target = esc.procedure.as_str();
            let Some(found) = cx.library.resolve(target) else {
                let mut ids: Vec<&str> = cx
                    .library
                    .entries()
                    .iter()
                    .map(|e| e.procedure.id.as_str())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let unknown = Unknown {
                    pos: esc.procedure.pos,
                    what: "step {step} escalates to unknown procedure",
                    args: vec![("step", Arg::id(id.value.as_str()))],
                    name: target,
                    candidates: ids,
                    label: "no loaded procedure has this id",
                };
                out.push(cx.unknown(
                    &Self::META,
                    entry,
                    unknown,
                    |_| "name a loaded procedure ({candidates}), or pass its file too",
                ));
                continue;
            };
            if let Some(entry_step) = &esc.step {
                let steps = &found.procedure.steps;
                if !steps.contains_key(entry_step) {
                    let unknown = Unknown {
                        pos: entry_step.pos,
                        what: "procedure {procedure} has no step",
                        args: vec![("procedure", Arg::id(target))],
                        name: entry_step,
                        candidates: steps.keys().collect(),
                        label: "no such step in the target procedure",
                    };
                    out.push(cx.unknown(
                        &Self::META,
                        entry,
                        unknown,
                        |_| "use one of {candidates}, or leave `step` out to enter at its start",
                    ));
                }
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
        Tester::validation(&UnknownEscalationTarget)
            .pass(&[
                // A bundled procedure, entered at a named step.
                "  extern: {title: Klacht, actor: melder, kind: escalation, escalate: {procedure: rijk/klacht, step: klachtoordeel}}\n",
                // A procedure in a file checked together.
                r#"  extern: {title: Klacht, actor: melder, kind: escalation, escalate: {procedure: test/klacht, step: oordeel}}
---
# klacht
"#,
            ])
            .fail(&[
                // A misspelt procedure.
                "  extern: {title: Klacht, actor: melder, kind: escalation, escalate: {procedure: rijk/klachten}}\n",
                // A procedure that is not loaded at all.
                "  extern: {title: Bezwaar, actor: melder, kind: escalation, escalate: {procedure: gemeente/bezwaar}}\n",
                // A misspelt step of a known procedure.
                "  extern: {title: Klacht, actor: melder, kind: escalation, escalate: {procedure: rijk/klacht, step: klachtordeel}}\n",
            ])
            .test_and_snapshot();
    }
}
