//! MR008 inescapable-cycle: no loop the journey can never leave.

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diag::Diagnostic;
use crate::graph::StepGraph;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Finds loops of steps (one or more steps that lead back to themselves)
    /// with no way out: every `next` and branch with a probability above zero
    /// stays inside the loop, and no step in it escalates or ends the journey.
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
        summary: "a loop of steps has no way out",
    }
}

impl Rule for InescapableCycle {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let graph = StepGraph::new(p);
        for cycle in graph.cycles() {
            let leaves = cycle.iter().any(|&i| {
                let step = p.steps.entry(i).map(|(_, s)| s);
                step.is_some_and(|s| s.is_terminal())
                    || graph.successors(i).iter().any(|s| !cycle.contains(s))
            });
            if leaves {
                continue;
            }
            let ids: Vec<&str> = cycle
                .iter()
                .filter_map(|&i| p.steps.entry(i))
                .map(|(k, _)| k.as_str())
                .collect();
            let Some((first, _)) = p.steps.entry(cycle[0]) else {
                continue;
            };
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    first.pos,
                    format!("steps {} form a loop the journey can never leave", super::list_ids(ids.iter().copied())),
                )
                .with_label("the loop starts here")
                .with_help("give one step in the loop a branch out of it (with a probability above zero), an `escalate` or an `outcome`"),
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
    fn loop_with_exit_passes() {
        let yaml = base_with(
            "    next: terugkoppeling\n",
            "    next:\n      - {to: onderzoek, p: 0.5}\n      - {to: terugkoppeling, p: 0.5}\n",
        );
        assert!(run(&InescapableCycle, &yaml).is_empty());
        assert!(run(&InescapableCycle, BASE).is_empty());
    }
}
