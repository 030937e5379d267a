//! MR029 invalid-cap: a step's loop cap (`max-visits`) can end a loop.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks a step's `max-visits: {count, then}`: the step has a `next`
    /// (a step that ends or escalates is passed once), `count` is at least
    /// 1, and `then` is another step from which the journey cannot come
    /// back to this one.
    ///
    /// ### Why is this bad
    /// The cap says how often a journey can pass the step. If the way out
    /// leads back to the step, the journey passes it again and the cap is
    /// no cap; a count of 0 would send the journey away before its first
    /// pass was counted.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   herstel:
    ///     title: Herstelverzoek
    ///     actor: org
    ///     kind: intake
    ///     max-visits: {count: 2, then: herstel}
    ///     next: [{to: herstel, p: 0.5}, {to: besluit, p: 0.5}]
    /// ```
    /// Passes:
    /// ```yaml
    ///   herstel:
    ///     title: Herstelverzoek
    ///     actor: org
    ///     kind: intake
    ///     max-visits: {count: 2, then: besluit}
    ///     next: [{to: herstel, p: 0.5}, {to: besluit, p: 0.5}]
    /// ```
    pub struct InvalidCap {
        code: "MR029",
        name: "invalid-cap",
        category: Correctness,
        severity: Error,
        summary: "a loop cap (`max-visits`) is on a step without `next`, counts 0, or its `then` leads back to the step",
    }
}

impl Rule for InvalidCap {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        for (id, step) in p.steps.iter() {
            let Some(cap) = &step.max_visits else {
                continue;
            };
            let step_arg = || Arg::id(id.value.as_str());
            if step.next.is_none() {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        cap.pos,
                        "step {step} has a loop cap but no `next`",
                    )
                    .with_arg("step", step_arg())
                    .with_label("a step that ends or escalates is passed once")
                    .with_help(
                        "remove `max-visits`, or put it on the step of the loop that has a `next`",
                    ),
                );
                continue;
            }
            if cap.count.value == 0 {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        cap.count.pos,
                        "the loop cap of step {step} counts 0 visits",
                    )
                    .with_arg("step", step_arg())
                    .with_label("at least 1")
                    .with_help("`count` is how often a journey can pass the step, at least 1"),
                );
            }
            let Some(target) = p.steps.index_of(&cap.then) else {
                continue; // MR001 reports it.
            };
            let Some(me) = p.steps.index_of(id) else {
                continue;
            };
            if back_to(p, target, me) {
                out.push(
                    cx.diag(&Self::META, entry, cap.then.pos, "the way out of the loop cap of step {step} leads back to it")
                        .with_arg("step", step_arg())
                        .with_label("a journey can pass the step again from here")
                        .with_help("let `then` name a step from which the journey cannot return, such as the closure"),
                );
            }
        }
    }
}

/// True when step `to` of `p` can be reached from step `from` (itself
/// included), by ways with a probability above zero or a cap's `then`.
fn back_to(p: &crate::model::Procedure, from: usize, to: usize) -> bool {
    let mut seen = vec![false; p.steps.len()];
    let mut stack = vec![from];
    while let Some(i) = stack.pop() {
        if i == to {
            return true;
        }
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        if let Some((_, s)) = p.steps.entry(i) {
            stack.extend(
                s.targets()
                    .into_iter()
                    .filter(|(_, pr)| *pr > 0.0)
                    .filter_map(|(t, _)| p.steps.index_of(t)),
            );
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&InvalidCap)
            .pass(&[
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, max-visits: {count: 3, then: afwijzing}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
            ])
            .fail(&[
                // The way out is the step itself.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, max-visits: {count: 3, then: bevestiging}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // No `next`; a count of 0.
                "  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: closed, max-visits: {count: 2, then: besluit}}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, max-visits: {count: 0, then: afwijzing}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
            ])
            .test_and_snapshot();
    }
}
