//! MR013 reporter-actor: exactly one actor is the reporter.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::Role;

declare_rule! {
    /// ### What it does
    /// Checks that exactly one actor has `role: reporter`.
    ///
    /// ### Why is this bad
    /// meldroute measures the journey as the reporter lives it: contacts,
    /// silences and hand-offs are counted from the reporter's side. Without
    /// a reporter, or with two, those measures have no subject.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// actors:
    ///   melder: {title: Melder, role: organisation}
    /// ```
    /// Passes:
    /// ```yaml
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// ```
    pub struct ReporterActor {
        code: "MR013",
        name: "reporter-actor",
        category: Correctness,
        severity: Error,
        summary: "no actor, or more than one, has `role: reporter`",
    }
}

impl Rule for ReporterActor {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let reporters: Vec<_> = p
            .actors
            .iter()
            .filter(|(_, a)| *a.role == Role::Reporter)
            .collect();
        match reporters.as_slice() {
            [_] => {}
            [] => out.push(
                cx.diag(&Self::META, entry, p.id.pos, "procedure {procedure} has no actor with `role: reporter`")
                    .with_arg("procedure", Arg::id(p.id.value.as_str()))
                    .with_label("this procedure")
                    .with_help("add the reporter, e.g. `melder: {title: Melder, role: reporter}` under `actors`"),
            ),
            [first, rest @ ..] => {
                for (id, actor) in rest {
                    out.push(
                        cx.diag(&Self::META, entry, actor.role.pos, "actor {actor} is another reporter")
                            .with_arg("actor", Arg::id(id.value.as_str()))
                            .with_label("another `role: reporter`")
                            .with_secondary(entry.file, cx.span(entry, first.1.role.pos), "first reporter")
                            .with_help("a procedure follows one reporter; give other people another role"),
                    );
                }
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
        Tester::validation(&ReporterActor)
            .pass(&[
                // Other people have other roles.
                r#"actors:
  melder: {title: Melder, role: reporter}
  vertrouwenspersoon: {title: Vertrouwenspersoon, role: adviser}
  org: {title: Organisatie, role: organisation}
  huis: {title: Huis voor Klokkenluiders, role: external-body}
"#,
            ])
            .fail(&[
                // No reporter.
                r#"actors:
  melder: {title: Melder, role: organisation}
  org: {title: Organisatie, role: organisation}
"#,
                // A second reporter.
                r#"actors:
  melder: {title: Melder, role: reporter}
  org: {title: Organisatie, role: reporter}
"#,
                // A third reporter: each after the first is flagged.
                r#"actors:
  melder: {title: Melder, role: reporter}
  collega: {title: Collega, role: reporter}
  org: {title: Organisatie, role: organisation}
  vertegenwoordiger: {title: Vertegenwoordiger, role: reporter}
"#,
            ])
            .test_and_snapshot();
    }
}
