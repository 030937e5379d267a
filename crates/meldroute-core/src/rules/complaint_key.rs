//! MR022 complaint-key: the keys of the Awb's complaint terms are on a
//! complaint procedure.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::ProcedureKind;

declare_rule! {
    /// ### What it does
    /// Checks that `advisory-committee` (the 10 weeks of Awb art. 9:11(1))
    /// and a deadline's `consent` (the complainant's written consent to a
    /// longer term, Awb art. 9:11(3)) appear only in a `complaint`
    /// procedure.
    ///
    /// ### Why is this bad
    /// Both are terms of the Awb's complaint procedure; elsewhere they change
    /// nothing, so a file that has them says something the checks do not
    /// read: an internal report with `consent` on a late deadline is still
    /// late.
    ///
    /// ### Example
    /// Fails: an internal report with an advisory committee:
    /// ```yaml
    /// kind: internal-report
    /// advisory-committee: true
    /// ```
    /// Passes:
    /// ```yaml
    /// kind: complaint
    /// advisory-committee: true
    /// ```
    pub struct ComplaintKey {
        code: "MR022",
        name: "complaint-key",
        category: Correctness,
        severity: Warning,
        summary: "a key of the Awb's complaint terms (`advisory-committee`, a deadline's `consent`) is in a procedure that is no complaint",
    }
}

impl Rule for ComplaintKey {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        if *p.kind == ProcedureKind::Complaint {
            return;
        }
        let diag = |pos, key: &str| {
            cx.diag(
                &Self::META,
                entry,
                pos,
                "{key} is read only in a complaint procedure; this procedure is of kind {kind}",
            )
            .with_arg("key", Arg::id(key))
            .with_arg("kind", Arg::text(p.kind.as_str()))
            .with_label("no complaint procedure")
            .with_help("remove {key}, or make the procedure `kind: complaint` if it handles complaints under Awb chapter 9")
        };
        if p.advisory_committee {
            out.push(diag(p.kind.pos, "advisory-committee"));
        }
        for (_, s) in p.steps.iter() {
            if let Some(d) = s.deadline.as_ref().filter(|d| d.consent.is_some()) {
                out.push(diag(d.pos, "consent"));
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
        Tester::validation(&ComplaintKey)
            .pass(&[
                "kind: complaint\nadvisory-committee: true\n",
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: oordeel}\n  oordeel: {title: Oordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 16w, basis: \"Awb art. 9:11(3)\", consent: \"agreed in writing\"}, outcome: founded}\n",
                // `advisory-committee: false` says nothing.
                "advisory-committee: false\n",
            ])
            .fail(&[
                "advisory-committee: true\n",
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 3w, from: melding, basis: \"Wbk art. 2\", consent: \"agreed\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
            ])
            .test_and_snapshot();
    }
}
