//! MR017 invalid-accept: accepted gap findings name a journey rule, a step and a reason.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule, did_you_mean, list_ids};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks each entry of `accept`: `rule` names a journey rule of
    /// `meldroute gaps` (code or name), `step` names a step of the procedure,
    /// `reason` says why, and a `known-shortcoming` names a source of the
    /// file (`sources`) that found the shortcoming.
    ///
    /// ### Why is this bad
    /// An accepted finding is a claim that the gap is deliberate. A typo would
    /// silently accept nothing, and an acceptance without a reason cannot be
    /// checked by the next working group.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// accept:
    ///   - {rule: missing-aftercar, step: melding, reason: ""}
    /// ```
    /// Passes:
    /// ```yaml
    /// accept:
    ///   - {rule: missing-aftercare, step: melding, reason: "Aftercare is not always given (Kamerstuk 28 844 nr. 183)."}
    /// ```
    pub struct InvalidAccept {
        code: "MR017",
        name: "invalid-accept",
        category: Correctness,
        severity: Error,
        summary: "an `accept` entry names an unknown journey rule or step, or gives no reason",
    }
}

impl Rule for InvalidAccept {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let journey = cx.journey_rules;
        for a in &p.accept {
            if !journey
                .iter()
                .any(|m| *a.rule == m.code || *a.rule == m.name)
            {
                let names = journey.iter().map(|m| m.name);
                let d = cx
                    .diag(
                        &Self::META,
                        entry,
                        a.rule.pos,
                        "{rule} is not a journey rule",
                    )
                    .with_arg("rule", Arg::id(a.rule.value.as_str()));
                out.push(
                    did_you_mean(d, &a.rule, names)
                    .with_label("unknown rule")
                    .with_help(
                        "name a rule that `meldroute rules` lists under `journey`, by code or name",
                    ),
                );
            }
            if !p.steps.contains_key(&a.step) {
                let d = cx
                    .diag(
                        &Self::META,
                        entry,
                        a.step.pos,
                        "accepted finding names unknown step {step}",
                    )
                    .with_arg("step", Arg::id(a.step.value.as_str()));
                out.push(
                    did_you_mean(d, &a.step, p.steps.keys())
                        .with_label("no step with this id")
                        .with_arg("steps", list_ids(p.steps.keys()))
                        .with_help("name the step the finding starts at: {steps}"),
                );
            }
            if let Some(k) = &a.known_shortcoming
                && !p.sources.contains_key(&k.source)
            {
                let d = cx
                    .diag(
                        &Self::META,
                        entry,
                        k.source.pos,
                        "known shortcoming names unknown source {source}",
                    )
                    .with_arg("source", Arg::id(k.source.value.as_str()));
                out.push(
                    did_you_mean(d, &k.source, p.sources.keys())
                        .with_label("no source with this id")
                        .with_arg("sources", list_ids(p.sources.keys()))
                        .with_help("name the source that found the shortcoming: {sources}"),
                );
            }
            if a.reason.trim().is_empty() {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        a.reason.pos,
                        "accepted finding gives no reason",
                    )
                    .with_label("empty reason")
                    .with_help("say why the gap is deliberate, with its source"),
                );
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
        Tester::validation(&InvalidAccept)
            .pass(&[
                // By code.
                r#"accept:
  - {rule: MR103, step: melding, reason: "Zie Kamerstuk 28 844 nr. 183."}
"#,
                // A known shortcoming, found by a source of the file.
                r#"accept:
  - {rule: MR103, step: melding, reason: "Nazorg ontbreekt vaak.", known-shortcoming: {source: wbk-art-2}}
"#,
                // By name, several entries.
                r#"accept:
  - {rule: long-silence, step: onderzoek, reason: "Het onderzoek is vertrouwelijk."}
  - {rule: MR106, step: afwijzing, reason: "Zie de klachtregeling."}
"#,
            ])
            .fail(&[
                // Three findings: a misspelt rule, a misspelt step and a blank reason.
                r#"accept:
  - {rule: missing-aftercar, step: meldin, reason: " "}
"#,
                // A validation rule cannot be accepted; a step unlike any other.
                r#"accept:
  - {rule: MR005, step: klachtcommissie, reason: "Zie de klachtregeling."}
"#,
                // A known shortcoming whose source the file does not list.
                r#"accept:
  - {rule: MR103, step: melding, reason: "Nazorg ontbreekt vaak.", known-shortcoming: {source: wbk-art-3}}
"#,
                // Only the second entry is wrong.
                r#"accept:
  - {rule: MR103, step: melding, reason: "Zie Kamerstuk 28 844 nr. 183."}
  - {rule: long-silence, step: onderzoek, reason: ""}
"#,
            ])
            .test_and_snapshot();
    }
}
