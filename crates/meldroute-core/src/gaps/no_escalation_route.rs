//! MR106 no-escalation-route: after a decision the reporter can still go to
//! an external body.

use meldroute_diagnostics::Arg;

use super::{Finding, GapContext, JourneyRule, Witnesses, with_path};
use crate::graph::LibraryGraph;
use crate::library::{EntryId, Library};
use crate::measures::{self, Measure, Standing};
use crate::meta::declare_rule;
use crate::model::{ProcedureKind, StepKind};
use crate::norms::EXTERNAL;

declare_rule! {
    /// ### What it does
    /// In an internal-report or complaint procedure, checks that from every
    /// decision the reporter can still reach an external body (the Nationale
    /// ombudsman or the Huis voor klokkenluiders), through the procedure's
    /// steps and its escalations.
    ///
    /// ### Why is this bad
    /// The law gives the reporter that right: a complainant may go to the
    /// Nationale ombudsman (Awb art. 9:18), and a reporter may report
    /// externally (Wbk art. 2c). A procedure that ends every decision without
    /// that route hides the right. The finding cites the norm that binds the
    /// procedure (Awb art. 9:12, 9:18 for a complaint; Directive art. 10 and
    /// Wbk art. 2c for an internal report of a misstand); an internal report
    /// that handles no misstand is not checked, as no statute gives the
    /// right there.
    ///
    /// ### Example
    /// Fails: a report that is not taken up is closed, and nothing more:
    /// ```yaml
    ///   afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, next: gesloten}
    ///   gesloten: {title: Dossier gesloten, actor: org, kind: closure, outcome: not-handled}
    /// ```
    /// Passes: the reporter can still report to the Huis voor klokkenluiders:
    /// ```yaml
    ///   afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, next: [{to: gesloten, p: 0.9}, {to: huis, p: 0.1}]}
    ///   gesloten: {title: Dossier gesloten, actor: org, kind: closure, outcome: not-handled}
    ///   huis: {title: Melding bij het Huis voor klokkenluiders, actor: melder, kind: escalation, escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}}
    /// ```
    pub struct NoEscalationRoute {
        code: "MR106",
        name: "no-escalation-route",
        category: Journey,
        severity: Error,
        summary: "after a decision the reporter cannot reach the Nationale ombudsman or the Huis voor klokkenluiders",
    }
}

/// Per step of the whole library: whether the reporter can go on from it
/// to a procedure of one of `kinds` other than `except`, through branches
/// with a probability above zero and escalations.
pub(crate) fn reaching_kind(
    library: &Library,
    graph: &LibraryGraph,
    kinds: &[ProcedureKind],
    except: Option<EntryId>,
) -> Vec<bool> {
    let mut targets = vec![false; graph.len()];
    for (e, other) in library.iter() {
        if Some(e) != except && kinds.contains(&*other.procedure.kind) {
            for s in 0..other.procedure.steps.len() {
                targets[graph.node(e, s)] = true;
            }
        }
    }
    graph.reaching(&targets)
}

impl JourneyRule for NoEscalationRoute {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        if !matches!(
            *p.kind,
            ProcedureKind::InternalReport | ProcedureKind::Complaint
        ) {
            return;
        }
        // The right rests on the law only where a norm binds: an internal
        // report of integrity violations alone (no misstand) follows
        // ministry policy, which is no error of law.
        let cited = measures::basis(Measure::ExternalRoute, p);
        if cited.standing != Standing::Law {
            return;
        }
        let reaching = cx.reaching_kind(entry, EXTERNAL);
        let witnesses = Witnesses::new(p, &|_| false);
        for (i, (key, step)) in p.steps.iter().enumerate() {
            if *step.kind != StepKind::Decision || reaching[cx.graph.node(entry, i)] {
                continue;
            }
            let path = witnesses.from(i).unwrap_or_else(|| vec![i]);
            let mut f = cx.finding(
                &Self::META,
                entry,
                key.pos,
                "after decision {step} the reporter cannot reach an external body",
            );
            f.diagnostic = f.diagnostic.with_arg("step", Arg::id(key.value.as_str())).with_label("no route to the ombudsman or the Huis voor klokkenluiders").with_help(
                "add a branch after the decision to an escalation step (`escalate: {procedure: rijk/nationale-ombudsman}` or `rijk/huis-voor-klokkenluiders-onderzoek`)",
            );
            out.push(with_path(f.citing(&cited), &path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&NoEscalationRoute)
            .pass(&[
                // Straight to the Nationale ombudsman.
                "  extern: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // Through the complaint procedure, which leads on to the
                // Nationale ombudsman.
                "  extern: {title: Klacht over de afhandeling, actor: melder, kind: escalation, escalate: {procedure: rijk/klacht}}\n",
                // An internal report of integrity violations alone: no statute
                // gives the right to an external body (ministry policy).
                "scopes: [integrity]\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: closed}\n",
                // Only internal reports and complaints are checked.
                "kind: anonymous-line\nsteps:\n  melding: {title: Anonieme melding, actor: melder, kind: report, next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 1w, basis: policy, outcome: closed}\n",
            ])
            .fail(&[
                // No escalation at all: both decisions are found.
                "  extern: {title: Externe melding, actor: melder, kind: escalation, outcome: referred}\n",
                // A complaint whose outcome does not lead to the ombudsman.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 6w, basis: law, outcome: unfounded}\n",
            ])
            .test_and_snapshot();
    }
}
