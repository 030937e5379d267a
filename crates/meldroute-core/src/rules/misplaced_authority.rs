//! MR021 misplaced-authority: only a competent authority's procedure names
//! a competent authority.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::ProcedureKind;

declare_rule! {
    /// ### What it does
    /// Checks that `authority` is written only on a procedure of kind
    /// `whistleblower-authority`.
    ///
    /// ### Why is this bad
    /// The key says that the procedure is a competent authority of Wbk
    /// art. 2c. On an internal report, a complaint, the Nationale
    /// ombudsman or an adviser it says two contradictory things: the kind
    /// decides which legal terms apply and whether a route there keeps the
    /// reporter's right to report externally, so one of the two is wrong.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// kind: internal-report
    /// authority: huis-voor-klokkenluiders
    /// ```
    /// Passes:
    /// ```yaml
    /// kind: whistleblower-authority
    /// authority: huis-voor-klokkenluiders
    /// ```
    pub struct MisplacedAuthority {
        code: "MR021",
        name: "misplaced-authority",
        category: Correctness,
        severity: Error,
        summary: "`authority` is written on a procedure that is not a `whistleblower-authority`",
    }
}

impl Rule for MisplacedAuthority {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let kind = *p.kind;
        if let Some(authority) = &p.authority
            && kind != ProcedureKind::WhistleblowerAuthority
        {
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    authority.pos,
                    "procedure {procedure} of kind {kind} names a competent authority",
                )
                .with_arg("procedure", Arg::id(p.id.value.as_str()))
                .with_arg("kind", Arg::id(kind.as_str()))
                .with_label("only for `kind: whistleblower-authority`")
                .with_secondary(entry.file, cx.span(entry, p.kind.pos), "the procedure's kind")
                .with_help("remove `authority`, or write `kind: whistleblower-authority` if the procedure is that authority's"),
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
        Tester::validation(&MisplacedAuthority)
            .pass(&[
                // No authority on an internal report.
                "kind: internal-report\n",
                // A list on a competent authority.
                "kind: whistleblower-authority\nauthority: [igj, nza]\n",
            ])
            .fail(&[
                // On a complaint procedure.
                "kind: complaint\nauthority: igj\n",
                // On the ombudsman, which is no competent authority, as a list.
                "kind: ombudsman\nauthority: [huis-voor-klokkenluiders]\n",
            ])
            .test_and_snapshot();
    }
}
