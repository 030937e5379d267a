//! MR020 missing-authority: a competent authority's procedure says which
//! authority it is.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::authority::AUTHORITY_IDS;
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::ProcedureKind;

declare_rule! {
    /// ### What it does
    /// Checks that a procedure of kind `whistleblower-authority` names the
    /// competent authority it is (`authority: huis-voor-klokkenluiders`),
    /// or, for a generic procedure, the authorities it stands for
    /// (`authority: [acm, afm]`). The value is one of the authorities of
    /// Wbk art. 2c: `acm`, `afm`, `anvs`, `ap`, `dnb`,
    /// `huis-voor-klokkenluiders`, `igj`, `nvwa`, `nza`; any other value is
    /// refused when the file is read.
    ///
    /// ### Why is this bad
    /// Only a competent authority of Wbk art. 2c keeps the reporter's right
    /// to report externally (Directive (EU) 2019/1937 art. 10), and the
    /// terms of art. 11 bind it. A procedure that does not say which body it
    /// is cannot be checked against that list: a route to an inspectorate
    /// that is not designated, or to the Nationale ombudsman, would pass as
    /// one. It is a warning, not an error: the key is optional in format
    /// version 1, and a file that was valid before it existed stays valid
    /// (an error would need a new format version, docs/decisions/0009).
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// kind: whistleblower-authority
    /// ```
    /// Passes:
    /// ```yaml
    /// kind: whistleblower-authority
    /// authority: huis-voor-klokkenluiders
    /// ```
    pub struct MissingAuthority {
        code: "MR020",
        name: "missing-authority",
        category: Correctness,
        severity: Warning,
        summary: "a `whistleblower-authority` procedure does not say which competent authority (Wbk art. 2c) it is",
    }
}

impl Rule for MissingAuthority {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        if *p.kind == ProcedureKind::WhistleblowerAuthority && p.authority.is_none() {
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    p.kind.pos,
                    "procedure {procedure} is a competent authority but does not say which",
                )
                .with_arg("procedure", Arg::id(p.id.value.as_str()))
                // The whole list (not cut as ids from a file are): it is
                // short and fixed.
                .with_arg(
                    "authorities",
                    Arg::Ids {
                        shown: AUTHORITY_IDS.map(str::to_owned).to_vec(),
                        more: 0,
                    },
                )
                .with_label("no `authority` for this kind")
                .with_help(
                    "add `authority:` with one of the authorities of Wbk art. 2c: {authorities}",
                ),
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
        Tester::validation(&MissingAuthority)
            .pass(&[
                // Another kind needs no authority.
                "kind: internal-report\n",
                // A generic procedure names the authorities it stands for.
                "kind: whistleblower-authority\nauthority: [acm, afm, nza]\n",
            ])
            .fail(&[
                // A competent authority that does not say which.
                "kind: whistleblower-authority\n",
            ])
            .test_and_snapshot();
    }
}
