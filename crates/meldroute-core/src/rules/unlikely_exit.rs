//! MR018 unlikely-exit: no loop whose way out is so unlikely that a
//! journey in it takes more steps, on average, than a simulated journey
//! may.

use meldroute_diagnostics::Arg;
use meldroute_diagnostics::render::thousands;
use nalgebra::{DMatrix, DVector};

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::graph::LibraryGraph;
use crate::library::Entry;
use crate::sim::DEFAULT_MAX_STEPS;

declare_rule! {
    /// ### What it does
    /// Finds loops of steps (also through escalations into other procedures
    /// and back) that have a way out, but one so unlikely that a journey
    /// that enters the loop stays in it for more than 10,000 steps on
    /// average: the default step limit of a simulated journey
    /// (`--max-steps`). The expected number of steps is exact for loops of
    /// up to 300 steps (the loop as an absorbing Markov chain); for a
    /// larger loop it is the lower bound one over the largest chance of
    /// leaving it at a single step.
    ///
    /// A loop through a step with a loop cap (`max-visits`) or with
    /// branches chosen by conditions is not judged: the cap ends it, and
    /// conditional branches have no single probability.
    ///
    /// ### Why is this bad
    /// A branch with `p: 1e-9` out of a loop counts as a way out, so the
    /// loop is not inescapable (MR008), yet no simulated journey ever
    /// leaves it: every journey hits the step limit and counts as
    /// unfinished, and the figures describe nothing. Usually the
    /// probability was mistyped (`0.000001` for `0.1`), or a repetition was
    /// modelled as a loop of small probabilities.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 0.999999}, {to: tussentijds, p: 0.000001}]}
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 0.2}, {to: tussentijds, p: 0.8}]}
    /// ```
    pub struct UnlikelyExit {
        code: "MR018",
        name: "unlikely-exit",
        category: Correctness,
        severity: Warning,
        summary: "a journey almost never leaves a loop: more steps on average than a simulated journey may take",
    }
}

/// Largest loop whose expected number of steps is solved exactly (a dense
/// system of this many equations).
pub const MAX_EXACT_LOOP: usize = 300;

/// Expected steps a journey spends in the loop `scc` (sorted nodes of
/// `graph`) from its worst entry: exact for small loops, else the lower
/// bound `1 / max exit chance`; `at_least` tells which. Infinite when the
/// chain cannot be solved in floating point (an exit like `p: 1e-300`).
fn expected_steps(graph: &LibraryGraph, scc: &[usize]) -> (f64, bool) {
    let inside = |n: usize| scc.binary_search(&n).ok();
    let leave: Vec<f64> = scc
        .iter()
        .map(|&n| {
            graph
                .successors(n)
                .filter(|(t, _)| inside(*t).is_none())
                .map(|(_, p)| p)
                .sum()
        })
        .collect();
    let bound = 1.0 / leave.iter().copied().fold(0.0, f64::max);
    if scc.len() > MAX_EXACT_LOOP {
        return (bound, true);
    }
    // (I - Q) t = 1: t[i] is the expected number of steps from node i
    // until the journey leaves the loop.
    let n = scc.len();
    let mut a = DMatrix::<f64>::identity(n, n);
    for (i, &node) in scc.iter().enumerate() {
        for (t, p) in graph.successors(node) {
            if let Some(j) = inside(t) {
                a[(i, j)] -= p;
            }
        }
    }
    let worst = a
        .lu()
        .solve(&DVector::from_element(n, 1.0))
        .map_or(f64::INFINITY, |t| {
            t.iter().copied().fold(0.0, |m, x| {
                if x.is_finite() && x >= 0.0 {
                    m.max(x)
                } else {
                    f64::INFINITY
                }
            })
        });
    (worst, false)
}

/// A number of steps in words, to three significant digits: "12,300",
/// or "1e300" when huge.
fn steps_in_words(x: f64) -> String {
    if x >= 1e12 {
        return format!("{x:.0e}");
    }
    let scale = 10f64.powi((x.max(1.0).log10().floor() as i32 - 2).max(0));
    thousands(((x / scale).round() * scale) as u64)
}

impl Rule for UnlikelyExit {
    fn check(&self, _: &Context<'_>, _: &Entry, _: &mut Vec<Diagnostic>) {}

    fn check_all(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let graph = LibraryGraph::new(cx.library);
        let limit = f64::from(DEFAULT_MAX_STEPS);
        for scc in graph.loops() {
            if !graph.leaves(&scc) {
                continue; // no way out: inescapable-cycle
            }
            // A loop cap ends the loop after its passes; branches chosen by
            // conditions have no single probability to judge the loop by.
            let stateful = scc.iter().any(|&n| {
                let (e, si) = graph.step(n);
                cx.library
                    .entry(e)
                    .procedure
                    .steps
                    .entry(si)
                    .is_some_and(|(_, s)| {
                        s.max_visits.is_some()
                            || matches!(s.next.as_deref(), Some(crate::model::Next::Conditional(_)))
                    })
            });
            if stateful {
                continue;
            }
            let Some((entry_id, si)) = scc
                .iter()
                .map(|&n| graph.step(n))
                .find(|(e, _)| cx.targets.contains(e))
            else {
                continue;
            };
            let (expected, at_least) = expected_steps(&graph, &scc);
            if expected <= limit {
                continue;
            }
            let entry = cx.library.entry(entry_id);
            let Some((key, _)) = entry.procedure.steps.entry(si) else {
                continue;
            };
            let names = graph.loop_step_names(cx.library, &scc, entry_id);
            let message = if !expected.is_finite() {
                "a journey in the loop of steps {steps} never leaves it in practice: the chance of its way out is too small to count, so every simulated journey hits the step limit of {limit} steps"
            } else if at_least {
                "a journey in the loop of steps {steps} stays in it for at least {expected} steps on average, more than the step limit of {limit} steps"
            } else {
                "a journey in the loop of steps {steps} stays in it for about {expected} steps on average, more than the step limit of {limit} steps"
            };
            out.push(
                cx.diag(&Self::META, entry, key.pos, message)
                    .with_arg(
                        "steps",
                        Arg::Ids {
                            more: (scc.len() - names.len()) as u64,
                            shown: names,
                        },
                    )
                    .with_arg("expected", Arg::Text(steps_in_words(expected)))
                    .with_arg("limit", Arg::Count(u64::from(DEFAULT_MAX_STEPS)))
                    .with_label("the way out of this loop is almost never taken")
                    .with_help("check the probabilities of the branches out of the loop (a mistyped `0.000001`?); model a repetition as one step with a longer duration rather than a loop of small chances"),
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
        Tester::validation(&UnlikelyExit)
            .pass(&[
                // 1,000 steps on average: under the limit.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 0.999}, {to: tussentijds, p: 0.001}]}\n",
                // No way out at all is inescapable-cycle's finding, not this one.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: onderzoek}\n",
            ])
            .fail(&[
                // A way out a float cannot tell from zero.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: [{to: onderzoek, p: 1}, {to: tussentijds, p: 1e-300}]}\n",
                // Two steps, leaving with one chance in a million per round: 2,000,000 steps.
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: aanvulling}
  aanvulling: {title: Aanvulling, actor: melder, kind: report, next: [{to: onderzoek, p: 0.999999}, {to: tussentijds, p: 0.000001}]}
"#,
                // Through another procedure and back.
                r#"  onderzoek: {title: Onderzoek, actor: org, kind: investigation, next: afwijzing}
  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, escalate: {procedure: test/klacht}}
---
# klacht
  oordeel: {title: Oordeel, actor: melder, kind: decision, next: [{to: terug, p: 0.99999}, {to: gesloten, p: 0.00001}]}
  terug: {title: Terug naar het onderzoek, actor: melder, kind: escalation, escalate: {procedure: test/melding, step: onderzoek}}
  gesloten: {title: Afgesloten, actor: melder, kind: closure, outcome: unfounded}
"#,
            ])
            .test_and_snapshot();
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(steps_in_words(2_000_000.4), "2,000,000");
        assert_eq!(steps_in_words(1_000_000_028.0), "1,000,000,000");
        assert_eq!(steps_in_words(12_345.0), "12,300");
        assert_eq!(steps_in_words(10_001.0), "10,000");
        assert_eq!(steps_in_words(1e300), "1e300");
    }
}
