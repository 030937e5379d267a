//! MR011 duplicate-id: procedure ids are unique across the files checked together.

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

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
    /// Fails: two files that both say
    /// ```yaml
    /// id: ministerie-a/interne-melding
    /// ```
    /// Passes: each file has its own id:
    /// ```yaml
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _: &Context<'_>, _: &Entry, _: &mut Vec<Diagnostic>) {}

    fn check_all(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (n, &i) in cx.targets.iter().enumerate() {
            let entry = cx.library.entry(i);
            let id = &entry.procedure.id;
            let Some(&first) = cx.targets[..n]
                .iter()
                .find(|&&j| *cx.library.entry(j).procedure.id == **id)
            else {
                continue;
            };
            let first = cx.library.entry(first);
            let first_name = cx.library.file(first.file).name();
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    id.pos,
                    format!("procedure id `{}` is also used by {first_name}", id.value),
                )
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
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_second_file_with_same_id() {
        let found = run_many(&DuplicateId, &[BASE, BASE]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (1, 5));
        assert!(found[0].message.contains("also used by test0.yaml"));
    }

    #[test]
    fn passes_distinct_ids() {
        let other = base_with("id: test/melding", "id: test/andere-melding");
        assert!(run_many(&DuplicateId, &[BASE, &other]).is_empty());
    }
}
