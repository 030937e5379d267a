//! MR014 unknown-source: steps cite sources declared under `sources`.

use super::{Context, Rule, RuleMeta, declare_rule, list_ids};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::suggest;

declare_rule! {
    /// ### What it does
    /// Checks that every id in a step's `sources` list is declared under the
    /// procedure's top-level `sources`.
    ///
    /// ### Why is this bad
    /// A procedure file is only as credible as its sources. A citation that
    /// leads nowhere cannot be checked by a reader of the report.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// sources:
    ///   wbk-art-2: {title: "Wet bescherming klokkenluiders, art. 2"}
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, sources: [wbk-2], outcome: closed}
    /// ```
    /// Passes:
    /// ```yaml
    /// sources:
    ///   wbk-art-2: {title: "Wet bescherming klokkenluiders, art. 2"}
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, sources: [wbk-art-2], outcome: closed}
    /// ```
    pub struct UnknownSource {
        code: "MR014",
        name: "unknown-source",
        category: Documentation,
        severity: Error,
        summary: "a step cites a source that is not declared under `sources`",
    }
}

impl Rule for UnknownSource {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        for (id, step) in p.steps.iter() {
            for source in &step.sources {
                if !p.sources.contains_key(source) {
                    out.push(
                        cx.diag(
                            &Self::META,
                            entry,
                            source.pos,
                            format!(
                                "step `{}` cites unknown source `{}`{}",
                                id.value,
                                source.value,
                                suggest::did_you_mean(source, p.sources.keys())
                            ),
                        )
                        .with_label("not declared under `sources`")
                        .with_help(format!(
                            "declare it under `sources` with its title and url, or cite one of {}",
                            list_ids(p.sources.keys())
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_unknown_citation() {
        let found = run(
            &UnknownSource,
            &base_with("sources: [wbk-art-2]", "sources: [wbk-art-2, wbk-2]"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (23, 26));
        assert!(found[0].message.contains("did you mean `wbk-art-2`"));
    }

    #[test]
    fn passes_declared_citation() {
        assert!(run(&UnknownSource, BASE).is_empty());
    }
}
