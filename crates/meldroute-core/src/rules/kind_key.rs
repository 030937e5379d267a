//! MR022 kind-key: a key that only one kind of procedure reads is in a
//! procedure of that kind.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::ProcedureKind;

declare_rule! {
    /// ### What it does
    /// Checks that the keys only one kind of procedure reads are in a
    /// procedure of that kind: `advisory-committee` (the 10 weeks of Awb
    /// art. 9:11(1)) and a deadline's `consent` (the complainant's written
    /// consent to a longer term, Awb art. 9:11(3)) in a `complaint`; a
    /// deadline's `reason` (the 6 months of an external authority's
    /// feedback in duly justified cases, Directive art. 11(2)(d)) in a
    /// `whistleblower-authority`; `external-information` (Directive art.
    /// 9(1)(g)) in an `internal-report`.
    ///
    /// ### Why is this bad
    /// Elsewhere these keys change nothing, so a file that has them says
    /// something the checks do not read: an internal report with `consent`
    /// or a `reason` on a late deadline is still late.
    ///
    /// ### Example
    /// Fails: an internal report with an advisory committee:
    /// ```yaml
    /// kind: internal-report
    /// advisory-committee: true
    /// ```
    /// Passes: the internal report's own key:
    /// ```yaml
    /// kind: internal-report
    /// external-information: wbk-art-2
    /// ```
    pub struct KindKey {
        code: "MR022",
        name: "kind-key",
        category: Correctness,
        severity: Warning,
        summary: "a key that only one kind of procedure reads (`advisory-committee`, `external-information`, a deadline's `consent` or `reason`) is in a procedure of another kind",
    }
}

impl Rule for KindKey {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let kind = *p.kind;
        let diag = |pos, key: &str, reads: ProcedureKind| {
            cx.diag(
                &Self::META,
                entry,
                pos,
                "{key} is read only in a procedure of kind {reads}; this one is of kind {kind}",
            )
            .with_arg("key", Arg::id(key))
            .with_arg("reads", Arg::text(reads.as_str()))
            .with_arg("kind", Arg::text(kind.as_str()))
            .with_label("not read here")
            .with_help("remove {key}, or give the procedure `kind: {reads}` if it is one")
        };
        if p.advisory_committee && kind != ProcedureKind::Complaint {
            out.push(diag(
                p.kind.pos,
                "advisory-committee",
                ProcedureKind::Complaint,
            ));
        }
        if let Some(info) = p
            .external_information
            .as_ref()
            .filter(|_| kind != ProcedureKind::InternalReport)
        {
            out.push(diag(
                info.pos,
                "external-information",
                ProcedureKind::InternalReport,
            ));
        }
        for (_, s) in p.steps.iter() {
            let Some(d) = s.deadline.as_ref() else {
                continue;
            };
            if d.consent.is_some() && kind != ProcedureKind::Complaint {
                out.push(diag(d.pos, "consent", ProcedureKind::Complaint));
            }
            if d.reason.is_some() && kind != ProcedureKind::WhistleblowerAuthority {
                out.push(diag(d.pos, "reason", ProcedureKind::WhistleblowerAuthority));
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
        Tester::validation(&KindKey)
            .pass(&[
                "kind: complaint\nadvisory-committee: true\nexternal-information: null\n",
                "kind: complaint\nexternal-information: null\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: oordeel}\n  oordeel: {title: Oordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 16w, basis: \"Awb art. 9:11(3)\", consent: \"agreed in writing\"}, outcome: founded}\n",
                "kind: whistleblower-authority\nexternal-information: null\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 6mo, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\", reason: \"several departments\"}, outcome: founded}\n",
                // `advisory-committee: false` says nothing; the base is an
                // internal report naming its external information.
                "advisory-committee: false\n",
            ])
            .fail(&[
                "advisory-committee: true\n",
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 3w, from: melding, basis: \"Wbk art. 2\", consent: \"agreed\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 3w, from: melding, basis: \"Wbk art. 2\", reason: \"busy\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                "kind: complaint\n",
            ])
            .test_and_snapshot();
    }
}
