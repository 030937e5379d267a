//! MR008 inescapable-cycle: no loop the journey can never leave, within a
//! procedure or across procedures through escalations.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::{Context, Rule, RuleMeta, declare_rule};
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

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
                        let tp = &entries[ti].procedure;
                        let name = esc
                            .step
                            .as_ref()
                            .map(|s| s.as_str())
                            .or(tp.start.as_ref().map(|s| s.as_str()))?;
                        tp.steps.index_of(name).map(|j| offsets[ti] + j)
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
        let checked: Vec<usize> = cx.targets.to_vec();
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
                .take(8)
                .map(|&n| {
                    let (e, s) = graph[n];
                    let step = entries[e]
                        .procedure
                        .steps
                        .entry(s)
                        .map_or("?", |(k, _)| k.as_str());
                    if several {
                        format!("`{}:{step}`", entries[e].procedure.id.as_str())
                    } else {
                        format!("`{step}`")
                    }
                })
                .collect();
            let more = if scc.len() > 8 {
                format!(" and {} more", scc.len() - 8)
            } else {
                String::new()
            };
            let Some((key, _)) = entry.procedure.steps.entry(si) else {
                continue;
            };
            out.push(
                cx.diag(&Self::META, entry, key.pos, format!("steps {}{more} form a loop the journey can never leave", names.join(", ")))
                    .with_label("the loop starts here")
                    .with_help("give one step in the loop a branch out of it (with a probability above zero), an `escalate` out of the loop or an `outcome`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_closed_loop() {
        let yaml = base_with("    next: terugkoppeling\n", "    next: onderzoek\n");
        let found = run(&InescapableCycle, &yaml);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (28, 3));
        assert!(found[0].message.contains("`onderzoek`"));
    }

    #[test]
    fn zero_probability_exit_does_not_count() {
        let yaml = base_with(
            "    next: terugkoppeling\n",
            "    next:\n      - {to: onderzoek, p: 1}\n      - {to: terugkoppeling, p: 0}\n",
        );
        assert_eq!(run(&InescapableCycle, &yaml).len(), 1);
    }

    #[test]
    fn flags_loop_across_procedures() {
        // test/melding escalates to test/klacht, which escalates back for ever.
        let klacht = KLACHT.replace(
            "    outcome: unfounded",
            "    escalate: {procedure: test/melding, step: onderzoek}",
        );
        let melding = base_with("    next: terugkoppeling\n", "    next: afwijzing\n");
        let found = run_many(&InescapableCycle, &[&melding, &klacht]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("`test/klacht:oordeel`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn loop_with_exit_passes() {
        let yaml = base_with(
            "    next: terugkoppeling\n",
            "    next:\n      - {to: onderzoek, p: 0.5}\n      - {to: terugkoppeling, p: 0.5}\n",
        );
        assert!(run(&InescapableCycle, &yaml).is_empty());
        assert!(run(&InescapableCycle, BASE).is_empty());
    }
}
