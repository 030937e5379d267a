//! MR008 inescapable-cycle: no loop the journey can never leave, within a
//! procedure or across procedures through escalations.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::graph::LibraryGraph;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Finds loops of steps (one or more steps that lead back to themselves,
    /// also through escalations into other procedures and back) with no way
    /// out: every `next`, branch with a probability above zero and
    /// escalation stays inside the loop, and no step in it ends the journey.
    ///
    /// ### Why is this bad
    /// Loops are normal (asking for more information, a renewed assessment),
    /// but a reporter caught in one that never ends is never helped. The
    /// simulation would count every such journey as unfinished.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   beoordeling: {title: Beoordeling, actor: org, kind: assessment, next: aanvulling}
    ///   aanvulling: {title: Aanvullende informatie, actor: melder, kind: report, next: beoordeling}
    /// ```
    /// Passes:
    /// ```yaml
    ///   beoordeling:
    ///     title: Beoordeling
    ///     actor: org
    ///     kind: assessment
    ///     next: [{to: aanvulling, p: 0.3}, {to: besluit, p: 0.7}]
    ///   aanvulling: {title: Aanvullende informatie, actor: melder, kind: report, next: beoordeling}
    /// ```
    pub struct InescapableCycle {
        code: "MR008",
        name: "inescapable-cycle",
        category: Correctness,
        severity: Error,
        summary: "a loop of steps, possibly across procedures, has no way out",
    }
}

impl Rule for InescapableCycle {
    fn check(&self, _: &Context<'_>, _: &Entry, _: &mut Vec<Diagnostic>) {}

    fn check_all(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let graph = LibraryGraph::new(cx.library);
        for scc in graph.loops() {
            if scc.iter().any(|&n| graph.exits(n)) || graph.leaves(&scc) {
                continue;
            }
            // Report in the first checked procedure that has a step in the loop.
            let Some((entry_id, si)) = scc
                .iter()
                .map(|&n| graph.step(n))
                .find(|(e, _)| cx.targets.contains(e))
            else {
                continue;
            };
            let entry = cx.library.entry(entry_id);
            let names = graph.loop_step_names(cx.library, &scc, entry_id);
            let Some((key, _)) = entry.procedure.steps.entry(si) else {
                continue;
            };
            // One step, or the first few of the loop and how many more.
            let d = match names.as_slice() {
                [one] => cx
                    .diag(
                        &Self::META,
                        entry,
                        key.pos,
                        "step {step} loops to itself and the journey can never leave",
                    )
                    .with_arg("step", Arg::id(one.as_str())),
                _ => cx
                    .diag(
                        &Self::META,
                        entry,
                        key.pos,
                        "steps {steps} form a loop the journey can never leave",
                    )
                    .with_arg(
                        "steps",
                        Arg::Ids {
                            more: (scc.len() - names.len()) as u64,
                            shown: names,
                        },
                    ),
            };
            out.push(
                d
                    .with_label("the loop starts here")
                    .with_help("give one step in the loop a branch out of it (with a probability above zero), an `escalate` out of the loop or an `outcome`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&InescapableCycle)
            .pass(&[
                // A loop with a way out.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 0.5}, {to: tussentijds, p: 0.5}]}\n",
                // A branch with probability zero is no loop.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 0}, {to: tussentijds, p: 1}]}\n",
                // A loop through another procedure that can end there.
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: afwijzing}
  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, escalate: {procedure: test/klacht}}
---
# klacht
  oordeel: {title: Oordeel, actor: melder, kind: decision, next: [{to: terug, p: 0.5}, {to: gesloten, p: 0.5}]}
  terug: {title: Terug naar het onderzoek, actor: melder, kind: escalation, escalate: {procedure: test/melding, step: onderzoek}}
  gesloten: {title: Afgesloten, actor: melder, kind: closure, outcome: unfounded}
"#,
            ])
            .fail(&[
                // A step that leads to itself.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: onderzoek}\n",
                // The only way out has probability zero.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 1}, {to: tussentijds, p: 0}]}\n",
                // test/melding escalates to test/klacht, which escalates back for ever.
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: afwijzing}
  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, escalate: {procedure: test/klacht}}
---
# klacht
  oordeel: {title: Oordeel, actor: melder, kind: decision, escalate: {procedure: test/melding, step: onderzoek}}
"#,
                // A loop of more than eight steps is named in part.
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: ronde-1}
  ronde-1: {title: Ronde 1, actor: org, kind: assessment, next: ronde-2}
  ronde-2: {title: Ronde 2, actor: org, kind: assessment, next: ronde-3}
  ronde-3: {title: Ronde 3, actor: org, kind: assessment, next: ronde-4}
  ronde-4: {title: Ronde 4, actor: org, kind: assessment, next: ronde-5}
  ronde-5: {title: Ronde 5, actor: org, kind: assessment, next: ronde-6}
  ronde-6: {title: Ronde 6, actor: org, kind: assessment, next: ronde-7}
  ronde-7: {title: Ronde 7, actor: org, kind: assessment, next: ronde-8}
  ronde-8: {title: Ronde 8, actor: org, kind: assessment, next: ronde-9}
  ronde-9: {title: Ronde 9, actor: org, kind: assessment, next: onderzoek}
"#,
            ])
            .test_and_snapshot();
    }
}
