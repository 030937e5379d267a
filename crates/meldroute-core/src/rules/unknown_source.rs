//! MR014 unknown-source: steps cite sources declared under `sources`.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, Unknown, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

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
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        // Every place that names a source: what it is, the help that names
        // the declared ones, and the step.
        let named = p
            .external_information
            .iter()
            .map(|s| {
                (
                    s,
                    "`external-information` names unknown source",
                    "declare it under `sources` with its title and url, or name one of {candidates}",
                    None,
                )
            })
            .chain(p.steps.iter().flat_map(|(id, step)| {
                step.sources
                    .iter()
                    .map(move |s| {
                        let help = "declare it under `sources` with its title and url, or cite one of {candidates}";
                        (s, "step {step} cites unknown source", help, Some(id))
                    })
            }));
        for (source, what, help, step) in named {
            if p.sources.contains_key(source) {
                continue;
            }
            let unknown = Unknown {
                pos: source.pos,
                what,
                args: step
                    .map(|id| ("step", Arg::id(id.value.as_str())))
                    .into_iter()
                    .collect(),
                name: source,
                candidates: p.sources.keys().collect(),
                label: "not declared under `sources`",
            };
            out.push(cx.unknown(&Self::META, entry, unknown, |any| {
                if any {
                    help
                } else {
                    "declare it under `sources` with its title and url"
                }
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&UnknownSource)
            .pass(&[
                r#"sources:
  wbk-art-2: {title: "Wet bescherming klokkenluiders, art. 2"}
  awb-9-11: {title: "Algemene wet bestuursrecht, art. 9:11"}
steps:
  melding: {title: Melding, actor: melder, kind: report, sources: [wbk-art-2, awb-9-11], outcome: closed}
"#,
            ])
            .fail(&[
                // The second citation is misspelt.
                r#"  bevestiging:
    title: Ontvangstbevestiging
    actor: org
    kind: acknowledgement
    sources: [wbk-art-2, wbk-2]
    next: onderzoek
"#,
                // A source nobody declared, far from any declared one.
                "  besluit: {title: Besluit, actor: org, kind: decision, sources: [awb-9-11], next: terugkoppeling}\n",
                // No sources declared, but `bevestiging` cites `wbk-art-2`.
                "sources: {}\n",
                // The information on external reporting in a source nobody
                // declared.
                "external-information: regeling\n",
            ])
            .test_and_snapshot();
    }
}
