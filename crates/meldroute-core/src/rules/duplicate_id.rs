//! MR011 duplicate-id: procedure ids are unique across the files checked together.

use std::collections::HashMap;

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::library::EntryId;

declare_rule! {
    /// ### What it does
    /// Checks that no two procedure files checked together have the same
    /// `id`. (A file may share an id with a bundled procedure: it then
    /// replaces the bundled copy.)
    ///
    /// ### Why is this bad
    /// Escalations name procedures by id. With two files under one id, which
    /// one a journey enters would depend on file order.
    ///
    /// ### Example
    /// Fails: two files (separated here by `---`) with the same id:
    /// ```yaml
    /// id: ministerie-a/interne-melding
    /// ---
    /// id: ministerie-a/interne-melding
    /// ```
    /// Passes: each file has its own id:
    /// ```yaml
    /// id: ministerie-a/interne-melding
    /// ---
    /// id: ministerie-b/interne-melding
    /// ```
    pub struct DuplicateId {
        code: "MR011",
        name: "duplicate-id",
        category: Correctness,
        severity: Error,
        summary: "two procedure files have the same `id`",
    }
}

impl Rule for DuplicateId {
    fn check(&self, _: &Context<'_>, _: &Entry, _: &mut Vec<Diagnostic>) {}

    fn check_all(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The first target with each id.
        let mut firsts: HashMap<&str, EntryId> = HashMap::with_capacity(cx.targets.len());
        for &i in cx.targets {
            let entry = cx.library.entry(i);
            let id = &entry.procedure.id;
            let first = *firsts.entry(id.value.as_str()).or_insert(i);
            if first == i {
                continue;
            }
            let first = cx.library.entry(first);
            let first_name = cx.library.file(first.file).name();
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    id.pos,
                    "procedure id {id} is also used by {file}",
                )
                .with_arg("id", Arg::id(id.value.as_str()))
                .with_arg("file", Arg::text(first_name))
                .with_label("duplicate id")
                .with_secondary(
                    first.file,
                    cx.span(first, first.procedure.id.pos),
                    "first used here",
                )
                .with_help("give each procedure its own id, e.g. prefix it with the organisation"),
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
        Tester::validation(&DuplicateId)
            .pass(&[
                "id: test/melding\n---\nid: test/andere-melding\n",
                // A file may replace a bundled procedure.
                "id: rijk/klacht\n",
            ])
            .fail(&[
                "id: test/melding\n---\nid: test/melding\n",
                // Every later file is flagged, each pointing at the first.
                "id: test/melding\n---\nid: test/andere-melding\n---\nid: test/melding\n---\nid: test/melding\n",
            ])
            .test_and_snapshot();
    }
}
