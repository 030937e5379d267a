//! MR009 invalid-duration: duration and distribution parameters make sense.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks a step's `duration`: no negative durations, `min <= max`,
    /// `min <= mode <= max` for triangular, a positive exponential mean, a
    /// lognormal `median` above zero and below `p90`, and at least one
    /// empirical sample. Also a step's `updates`: `every` longer than zero,
    /// `first` zero or more.
    ///
    /// ### Why is this bad
    /// Impossible parameters make the simulated times meaningless, and
    /// usually mean two values were swapped.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     duration: {lognormal: {median: 9w, p90: 3w}}
    ///     next: besluit
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     duration: {lognormal: {median: 3w, p90: 9w}}
    ///     next: besluit
    /// ```
    pub struct InvalidDuration {
        code: "MR009",
        name: "invalid-duration",
        category: Correctness,
        severity: Error,
        summary: "a duration is negative or its distribution parameters are impossible",
    }
}

impl Rule for InvalidDuration {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            if let Err(problem) = step.duration.check() {
                out.push(
                    cx.diag(&Self::META, entry, step.duration.pos, "duration of step {step}: {problem}")
                        .with_arg("step", Arg::id(id.value.as_str()))
                        .with_arg("problem", Arg::Text(problem))
                        .with_arg("distribution", Arg::text(step.duration.name()))
                        .with_label("invalid {distribution} duration")
                        .with_help("durations are zero or more; see docs/format.md for each distribution's parameters"),
                );
            }
            let Some(u) = &step.updates else { continue };
            let bad = [
                (u.every.pos, "every", u.every.days() <= 0.0),
                (
                    u.first.as_ref().map_or(u.every.pos, |f| f.pos),
                    "first",
                    u.first.as_ref().is_some_and(|f| f.days() < 0.0),
                ),
            ];
            for (pos, key, wrong) in bad {
                if wrong {
                    out.push(
                        cx.diag(&Self::META, entry, pos, "updates of step {step}: `{key}` must be {what}")
                            .with_arg("step", Arg::id(id.value.as_str()))
                            .with_arg("key", Arg::text(key))
                            .with_arg("what", Arg::text(if key == "every" { "longer than zero" } else { "zero or more" }))
                            .with_label("invalid interval")
                            .with_help("write the time between updates as a duration such as `4w`, and the first after, say, `2w`"),
                    );
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
        Tester::validation(&InvalidDuration)
            .pass(&[
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 0d, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 12w, updates: {every: 4w, first: 0d, feedback: true}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 2w, max: 6w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 2w, max: 2w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {triangular: {min: 1w, mode: 2w, max: 6w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {exponential: {mean: 2w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {empirical: [1w, 2w, 2w, 5w]}, next: besluit}\n",
            ])
            .fail(&[
                // Updates every zero days.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, updates: {every: 0d}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, updates: {every: 2w, first: -1d}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: -3d, next: besluit}\n",
                // Swapped bounds.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 6w, max: 2w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: -1w, max: 2w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {triangular: {min: 1w, mode: 8w, max: 6w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {triangular: {min: 2w, mode: 2w, max: 2w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {exponential: {mean: 0d}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {lognormal: {median: 0d, p90: 3w}}, next: besluit}\n",
                // Swapped median and p90.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {lognormal: {median: 9w, p90: 3w}}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {empirical: []}, next: besluit}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {empirical: [1w, -2d, 3w]}, next: besluit}\n",
            ])
            .test_and_snapshot();
    }
}
