//! MR030 invalid-risk: a risk of retaliation is one probability per visit
//! or one rate per day, with a basis that is no law.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::{Basis, Located, Retaliation};

/// The highest rate per day a file may give: one retaliation a day on
/// average is far beyond any count the Huis reports.
pub const MAX_RATE_PER_DAY: f64 = 1.0;

declare_rule! {
    /// ### What it does
    /// Checks each `retaliation` (docs/conditions.md, "Retaliation"): it
    /// gives exactly one of `per-visit` (a probability in [0, 1]) and
    /// `per-day` (a rate from 0 to 1 a day); a procedure's own
    /// `retaliation` gives `per-day`, the rate on each of its steps; and
    /// its `basis` is not `law`.
    ///
    /// ### Why is this bad
    /// The simulation draws retaliation by this figure: with both or
    /// neither it does not know which the file means, and a probability
    /// outside [0, 1] or a negative rate is no risk. The law forbids
    /// retaliation; it sets no rate of it, so a rate presented as law
    /// misstates the law.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     retaliation: {per-visit: 0.05, per-day: 0.001, basis: assumption, note: Geschat.}
    ///     next: besluit
    /// ```
    /// Passes:
    /// ```yaml
    ///   onderzoek:
    ///     title: Onderzoek
    ///     actor: org
    ///     kind: investigation
    ///     retaliation: {per-day: 0.001, basis: assumption, note: Geschat.}
    ///     next: besluit
    /// ```
    pub struct InvalidRisk {
        code: "MR030",
        name: "invalid-risk",
        category: Correctness,
        severity: Error,
        summary: "a `retaliation` risk gives both or neither of `per-visit` and `per-day`, a figure out of range, or rests on `law`",
    }
}

impl InvalidRisk {
    /// Checks `r`, written for `whose` (a step id, or the procedure's when
    /// `None`).
    fn risk(
        &self,
        cx: &Context<'_>,
        entry: &Entry,
        r: &Located<Retaliation>,
        whose: Option<&str>,
        out: &mut Vec<Diagnostic>,
    ) {
        let d = |pos, message: &str| {
            cx.diag(&Self::META, entry, pos, message).with_arg(
                "step",
                whose.map_or_else(|| Arg::Text("the procedure".to_owned()), Arg::id),
            )
        };
        match (&r.per_visit, &r.per_day) {
            (Some(_), Some(_)) | (None, None) => out.push(
                d(r.pos, "the retaliation risk of {step} gives both or neither of `per-visit` and `per-day`")
                    .with_label("one of the two")
                    .with_help("write `per-visit: 0.05` (a chance per visit) or `per-day: 0.001` (a rate while the step runs)"),
            ),
            (Some(p), None) => {
                if whose.is_none() {
                    out.push(
                        d(p.pos, "the procedure's retaliation risk is per visit")
                            .with_label("per visit of which step?")
                            .with_help("give the procedure a `per-day` rate, or put `per-visit` on the steps it applies to"),
                    );
                }
                if !(0.0..=1.0).contains(&p.value.0) {
                    out.push(
                        d(p.pos, "the retaliation risk {p} of {step} is outside [0, 1]")
                            .with_arg("p", Arg::Number(p.value.0))
                            .with_label("a probability per visit")
                            .with_help("write the chance as a fraction, e.g. `0.05` for 5%"),
                    );
                }
            }
            (None, Some(rate)) => {
                if !(0.0..=MAX_RATE_PER_DAY).contains(&rate.value) {
                    out.push(
                        d(rate.pos, "the retaliation rate {rate} a day of {step} is outside [0, 1]")
                            .with_arg("rate", Arg::Number(rate.value))
                            .with_label("a rate per day")
                            .with_help("a rate of 0.001 a day is about one in ten reporters over a hundred days"),
                    );
                }
            }
        }
        if r.basis.value == Basis::Law {
            out.push(
                d(r.basis.pos, "the retaliation risk of {step} rests on `law`")
                    .with_label("the law forbids retaliation; it sets no rate")
                    .with_help("a risk rests on `measured`, `practice`, `policy` or `assumption` (with a `note`)"),
            );
        }
    }
}

impl Rule for InvalidRisk {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        if let Some(r) = &p.retaliation {
            self.risk(cx, entry, r, None, out);
        }
        for (id, step) in p.steps.iter() {
            if let Some(r) = &step.retaliation {
                self.risk(cx, entry, r, Some(id.value.as_str()), out);
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
        Tester::validation(&InvalidRisk)
            .pass(&[
                "retaliation: {per-day: 0.001, basis: assumption, note: Geschat.}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, retaliation: {per-visit: 0.05, basis: assumption, note: Geschat.}, next: besluit}\n",
            ])
            .fail(&[
                // Both.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, retaliation: {per-visit: 0.05, per-day: 0.001, basis: assumption, note: Geschat.}, next: besluit}\n",
                // Out of range; presented as law.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 8w, basis: policy, retaliation: {per-visit: 1.5, basis: law}, next: besluit}\n",
                // Per visit for the whole procedure; a negative rate.
                "retaliation: {per-visit: 0.1, basis: assumption, note: Geschat.}\n",
                "retaliation: {per-day: -0.1, basis: assumption, note: Geschat.}\n",
            ])
            .test_and_snapshot();
    }
}
