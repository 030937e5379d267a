//! MR009 invalid-duration: duration and distribution parameters make sense.

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks a step's `duration`: no negative durations, `min <= max`,
    /// `min <= mode <= max` for triangular, a positive exponential mean, a
    /// lognormal `median` above zero and below `p90`, and at least one
    /// empirical sample.
    ///
    /// ### Why is this bad
    /// Impossible parameters make the simulated times meaningless, and
    /// usually mean two values were swapped.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///     duration: {lognormal: {median: 9w, p90: 3w}}
    /// ```
    /// Passes:
    /// ```yaml
    ///     duration: {lognormal: {median: 3w, p90: 9w}}
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, step) in entry.procedure.steps.iter() {
            if let Err(problem) = step.duration.check() {
                out.push(
                    cx.diag(&Self::META, entry, step.duration.pos, format!("duration of step `{}`: {problem}", id.value))
                        .with_label(format!("invalid {} duration", step.duration.name()))
                        .with_help("durations are zero or more; see docs/format.md for each distribution's parameters"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_swapped_bounds() {
        let found = run(
            &InvalidDuration,
            &base_with("{min: 2w, max: 6w}", "{min: 6w, max: 2w}"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 32);
        assert!(
            found[0]
                .message
                .contains("min `6w` is greater than max `2w`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn flags_negative_and_bad_lognormal() {
        assert_eq!(
            run(
                &InvalidDuration,
                &base_with("duration: 3d", "duration: -3d")
            )
            .len(),
            1
        );
        let found = run(
            &InvalidDuration,
            &base_with(
                "{uniform: {min: 2w, max: 6w}}",
                "{lognormal: {median: 9w, p90: 3w}}",
            ),
        );
        assert!(found[0].message.contains("p90"));
    }

    #[test]
    fn passes_valid_durations() {
        assert!(run(&InvalidDuration, BASE).is_empty());
        assert!(
            run(
                &InvalidDuration,
                &base_with(
                    "{uniform: {min: 2w, max: 6w}}",
                    "{triangular: {min: 1w, mode: 2w, max: 6w}}"
                )
            )
            .is_empty()
        );
    }
}
