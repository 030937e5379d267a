//! MR008 inescapable-cycle: no loop the journey can never leave, within a
//! procedure or across procedures through escalations.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
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
        let entries = cx.library.entries();
        // Node of (entry, step): offset of the entry plus the step index.
        let mut offsets = Vec::with_capacity(entries.len());
        let mut total = 0;
        for e in entries {
            offsets.push(total);
            total += e.procedure.steps.len();
        }
        let mut graph: DiGraph<(usize, usize), ()> = DiGraph::with_capacity(total, total * 2);
        for (ei, e) in entries.iter().enumerate() {
            for si in 0..e.procedure.steps.len() {
                graph.add_node((ei, si));
            }
        }
        // Steps where the journey can end or leave the modelled procedures.
        let mut exits = vec![false; total];
        for (ei, e) in entries.iter().enumerate() {
            let p = &e.procedure;
            for (si, (_, step)) in p.steps.iter().enumerate() {
                let node = NodeIndex::new(offsets[ei] + si);
                if step.outcome.is_some() {
                    exits[node.index()] = true;
                }
                if let Some(next) = &step.next {
                    for (to, prob) in next.targets() {
                        if let Some(j) = p.steps.index_of(to).filter(|_| prob > 0.0) {
                            graph.add_edge(node, NodeIndex::new(offsets[ei] + j), ());
                        }
                    }
                }
                if let Some(esc) = &step.escalate {
                    let target = cx.library.resolve_index(&esc.procedure).and_then(|ti| {
                        let tp = &cx.library.entry(ti).procedure;
                        let name = esc
                            .step
                            .as_ref()
                            .map(|s| s.as_str())
                            .or(tp.start.as_ref().map(|s| s.as_str()))?;
                        tp.steps.index_of(name).map(|j| offsets[ti.index()] + j)
                    });
                    match target {
                        Some(t) => {
                            graph.add_edge(node, NodeIndex::new(t), ());
                        }
                        None => exits[node.index()] = true, // reported by unknown-escalation-target
                    }
                }
            }
        }
        let checked: Vec<usize> = cx.targets.iter().map(|t| t.index()).collect();
        let mut sccs = petgraph::algo::tarjan_scc(&graph);
        for scc in &mut sccs {
            scc.sort_unstable();
        }
        sccs.sort();
        for scc in sccs {
            let inside = |n: NodeIndex| scc.binary_search(&n).is_ok();
            let looped = scc.len() > 1 || graph.edges(scc[0]).any(|e| e.target() == scc[0]);
            if !looped
                || scc.iter().any(|n| exits[n.index()])
                || scc
                    .iter()
                    .any(|&n| graph.edges(n).any(|e| !inside(e.target())))
            {
                continue;
            }
            // Report in the first checked procedure that has a step in the loop.
            let Some(&(ei, si)) = scc
                .iter()
                .map(|&n| &graph[n])
                .find(|(ei, _)| checked.contains(ei))
            else {
                continue;
            };
            let entry = &entries[ei];
            let several = scc.iter().any(|&n| graph[n].0 != ei);
            let names: Vec<String> = scc
                .iter()
                .take(Arg::MAX_IDS)
                .map(|&n| {
                    let (e, s) = graph[n];
                    let step = entries[e]
                        .procedure
                        .steps
                        .entry(s)
                        .map_or("?", |(k, _)| k.as_str());
                    if several {
                        format!("{}:{step}", entries[e].procedure.id.as_str())
                    } else {
                        step.to_owned()
                    }
                })
                .collect();
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
