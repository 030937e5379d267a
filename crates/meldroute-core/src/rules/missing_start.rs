//! MR012 missing-start: a procedure has steps and says where it starts.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that a procedure has at least one step and a `start` key naming
    /// its first step.
    ///
    /// ### Why is this bad
    /// Without a start, no journey can begin: nothing can be simulated,
    /// drawn or checked for gaps.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// meldroute: 1
    /// id: ministerie-a/interne-melding
    /// title: Interne melding
    /// organisation: Ministerie A
    /// kind: internal-report
    /// sources: {}
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    /// Passes:
    /// ```yaml
    /// meldroute: 1
    /// id: ministerie-a/interne-melding
    /// title: Interne melding
    /// organisation: Ministerie A
    /// kind: internal-report
    /// sources: {}
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// start: melding
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    pub struct MissingStart {
        code: "MR012",
        name: "missing-start",
        category: Correctness,
        severity: Error,
        summary: "a procedure has no `start` or no steps",
    }
}

impl Rule for MissingStart {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        if p.steps.is_empty() {
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    p.id.pos,
                    "procedure {procedure} has no steps",
                )
                .with_arg("procedure", Arg::id(p.id.value.as_str()))
                .with_label("this procedure")
                .with_help("add steps under `steps:`; see docs/format.md"),
            );
        } else if p.start.is_none() {
            let first = p.steps.keys().next().unwrap_or("melding");
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    p.id.pos,
                    "procedure {procedure} has no `start`",
                )
                .with_arg("procedure", Arg::id(p.id.value.as_str()))
                .with_label("this procedure")
                .with_arg("start", Arg::Id(format!("start: {first}")))
                .with_help("add {start} (or whichever step the journey begins with)"),
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
        Tester::validation(&MissingStart)
            .pass(&[
                // `start` need not name the first step listed.
                "start: bevestiging\n",
            ])
            .fail(&[
                // No `start`: the help names the first step.
                r#"id: test/klacht
title: Klacht
organisation: Testorganisatie
kind: complaint
sources: {}
actors:
  melder: {title: Melder, role: reporter}
steps:
  indienen: {title: Klacht indienen, actor: melder, kind: report, next: oordeel}
  oordeel: {title: Oordeel, actor: melder, kind: decision, outcome: unfounded}
"#,
                // No steps.
                "steps: {}\n",
                // No steps and no `start`: one finding.
                r#"id: test/klacht
title: Klacht
organisation: Testorganisatie
kind: complaint
sources: {}
actors:
  melder: {title: Melder, role: reporter}
steps: {}
"#,
            ])
            .test_and_snapshot();
    }
}
