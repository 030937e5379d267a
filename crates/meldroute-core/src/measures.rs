//! What each measure of a reporter's journey rests on, by the kind of
//! procedure and the scopes it handles: a norm of the law (`norms.rs`), an
//! article without a term, policy or the body's practice. The one home of a
//! finding's basis: every journey rule cites through [`basis`], so a policy
//! term is never presented as law.

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{Outcome, Procedure, ProcedureKind, Scope, StepKind};
use crate::norms::{NORMS, Norm, Requirement};

/// What a finding's basis is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Standing {
    /// A statute or the Directive requires it (an article is cited).
    Law,
    /// Policy (the letter, a ministry's policy); no statute requires it.
    Policy,
    /// The body's published practice; no statute requires it.
    Practice,
    /// The basis as the procedure file states it (a deadline's `basis`),
    /// which meldroute does not check against the law.
    Stated,
}

impl Standing {
    /// The name in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Law => "law",
            Standing::Policy => "policy",
            Standing::Practice => "practice",
            Standing::Stated => "stated",
        }
    }
}

/// A measure of the reporter's journey that findings are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Receipt of the report is acknowledged.
    Acknowledgement,
    /// The reporter hears what was done with the report.
    Feedback,
    /// The reporter hears from the organisation while the report is handled
    /// (no long silence).
    InterimContact,
    /// Care for the reporter after the outcome.
    Aftercare,
    /// After a decision, the reporter can still turn to an external body.
    ExternalRoute,
    /// An anonymous reporter hears what was done with the report.
    AnonymousFeedback,
}

/// What a finding cites: its basis, what that basis is, and the scopes of
/// report it governs.
#[derive(Clone, Debug, PartialEq)]
pub struct Cited {
    /// The basis, with its article where it is law.
    pub text: String,
    /// Law, policy, practice, or as the file states it.
    pub standing: Standing,
    /// The scopes of the procedure the basis governs: for a norm of the
    /// Wbk, the procedure's *misstand* scopes; otherwise all of its scopes.
    pub scopes: Vec<Scope>,
    /// The id of the norm of `norms.rs` that binds the procedure, if one does.
    pub norm: Option<&'static str>,
    /// The norm's term in days, when it sets one for a step.
    pub term: Option<f64>,
}

/// Whether `norm` binds procedure `p`: it applies to its kind, and `p`
/// handles one of the scopes of report it governs.
pub fn binds(norm: &Norm, p: &Procedure) -> bool {
    norm.applies_to.contains(&*p.kind) && p.scopes().iter().any(|s| norm.scopes.contains(s))
}

/// The scopes of `p` that `norm` governs.
pub fn norm_scopes(norm: &Norm, p: &Procedure) -> Vec<Scope> {
    p.scopes()
        .into_iter()
        .filter(|s| norm.scopes.contains(s))
        .collect()
}

/// What a norm's finding cites.
pub fn of_norm(norm: &Norm, p: &Procedure) -> Cited {
    let term = match norm.requirement {
        Requirement::StepWithin { days, .. } => Some(days),
        Requirement::DecisionWithin { term, .. } => term.map(|t| t.days),
        Requirement::EscalationTo(_)
        | Requirement::ExternalInformation
        | Requirement::HasStep(_)
        | Requirement::Told(_)
        | Requirement::NotSentBack { .. } => None,
    };
    Cited {
        text: norm.basis.to_owned(),
        standing: Standing::Law,
        scopes: norm_scopes(norm, p),
        norm: Some(norm.id),
        term,
    }
}

/// What a finding cites for a term the procedure file sets itself: a
/// deadline of `days` on a step of kind `step`, whose file states `stated`
/// as its basis. Law, with the norm's article, when a norm of `norms.rs`
/// binds `p`, governs such a step and sets that term (to within a day: 13
/// weeks are 3 months); otherwise the file's own words, unchecked.
pub fn of_deadline(p: &Procedure, step: StepKind, days: f64, stated: &str) -> Cited {
    let term = |limit: f64| (days - limit).abs() <= 1.0;
    let norm = NORMS.iter().find(|n| {
        binds(n, p)
            && match n.requirement {
                Requirement::StepWithin {
                    kinds,
                    days: limit,
                    justified,
                    ..
                } => kinds.contains(&step) && (term(limit) || justified.is_some_and(term)),
                Requirement::DecisionWithin { term: Some(t), .. } => {
                    step == StepKind::Decision
                        && (term(t.days)
                            || t.committee.is_some_and(term)
                            || t.postponement.is_some_and(|x| term(t.days + x)))
                }
                Requirement::DecisionWithin { term: None, .. }
                | Requirement::EscalationTo(_)
                | Requirement::ExternalInformation
                | Requirement::HasStep(_)
                | Requirement::Told(_)
                | Requirement::NotSentBack { .. } => false,
            }
    });
    match norm {
        Some(n) => of_norm(n, p),
        None => Cited {
            text: stated.to_owned(),
            standing: Standing::Stated,
            scopes: p.scopes(),
            norm: None,
            term: None,
        },
    }
}

/// The basis of `measure` in procedure `p`: the norm of `norms.rs` that
/// binds it (by kind and scope), else the article, policy or practice that
/// applies to its kind.
pub fn basis(measure: Measure, p: &Procedure) -> Cited {
    let kind = *p.kind;
    let norm = NORMS.iter().find(|n| {
        binds(n, p)
            && match (measure, n.requirement) {
                (Measure::Acknowledgement, Requirement::StepWithin { kinds, .. }) => {
                    kinds.contains(&StepKind::Acknowledgement)
                }
                (Measure::Feedback, Requirement::StepWithin { kinds, .. }) => {
                    kinds.contains(&StepKind::Feedback)
                }
                (Measure::ExternalRoute, Requirement::EscalationTo(_)) => true,
                // The judgment's way on (Awb 9:12(2)), not the notice of
                // not handling's.
                (
                    Measure::ExternalRoute,
                    Requirement::DecisionWithin {
                        leads_to, outcomes, ..
                    },
                ) => !leads_to.is_empty() && !outcomes.contains(&Outcome::NotHandled),
                _ => false,
            }
    });
    if let Some(n) = norm {
        return of_norm(n, p);
    }
    let (standing, text) = match (measure, kind) {
        (Measure::AnonymousFeedback, _) => (
            Standing::Policy,
            "policy: Richtlijn (EU) 2019/1937 art. 6(2) leaves anonymous reports to national law; the Wbk's provisions on them (art. 2(2)(e)-(f), as secondary sources read them) are not in force (Stb. 2023, 52); docs/legal.md, \"Anonymous reports\"",
        ),
        (Measure::Aftercare, _) => (
            Standing::Policy,
            "Kamerstuk 28 844, nr. 183 (20 June 2019), section 6: aftercare to the reporter is not always satisfactory (policy; no statute requires aftercare)",
        ),
        (Measure::InterimContact, _) => (
            Standing::Policy,
            "Kamerstuk 28 844, nr. 183 (20 June 2019), section 6: interim feedback is not always satisfactory (policy; the silence threshold is meldroute's setting, no statute's)",
        ),
        (_, ProcedureKind::AnonymousLine) => (
            Standing::Policy,
            "policy of the line (no statute governs an anonymous line such as the Vertrouwenslijn)",
        ),
        (Measure::Acknowledgement, ProcedureKind::Complaint) => (
            Standing::Law,
            "Awb art. 9:6 (a written acknowledgement of receipt; no term)",
        ),
        (Measure::Feedback, ProcedureKind::Complaint) => (
            Standing::Law,
            "Awb art. 9:12(1) (a written, reasoned outcome)",
        ),
        (Measure::Acknowledgement, ProcedureKind::Ombudsman) => (
            Standing::Practice,
            "practice of the Nationale ombudsman, which confirms receipt (its own site; no statute)",
        ),
        (Measure::Feedback, ProcedureKind::Ombudsman) => (
            Standing::Law,
            "Awb art. 9:36(3) (the report goes to the requester); 9:25 (reasons in writing where it does not investigate)",
        ),
        (_, ProcedureKind::InternalReport | ProcedureKind::WhistleblowerAuthority) => (
            Standing::Policy,
            "ministry policy (the Wbk's terms govern a misstand, Wbk art. 1, which this procedure does not handle)",
        ),
        _ => (
            Standing::Policy,
            "policy (no statute requires it of this kind of procedure)",
        ),
    };
    Cited {
        text: text.to_owned(),
        standing,
        scopes: p.scopes(),
        norm: None,
        term: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Library;
    use crate::load::Limits;

    /// A bundled procedure, by id.
    fn bundled(lib: &Library, id: &str) -> Procedure {
        let i = lib
            .resolve_index(id)
            .unwrap_or_else(|| panic!("no bundled {id}"));
        lib.entry(i).procedure.clone()
    }

    #[test]
    fn each_kind_cites_its_own_basis() {
        let lib = Library::with_bundled(Limits::default());
        let cite = |id: &str, m: Measure| {
            let b = basis(m, &bundled(&lib, id));
            (b.standing, b.text)
        };
        // Internal report of a misstand: the Directive and the Wbk, with a term.
        let (s, t) = cite("rijk/interne-melding", Measure::Feedback);
        assert_eq!(s, Standing::Law);
        assert!(t.contains("9(1)(f)"), "{t}");
        // External authority: the Directive art. 11.
        let (s, t) = cite("rijk/huis-voor-klokkenluiders-onderzoek", Measure::Feedback);
        assert_eq!(s, Standing::Law);
        assert!(t.contains("11(2)(d)"), "{t}");
        // Complaint: the Awb.
        let (s, t) = cite("rijk/klacht", Measure::Acknowledgement);
        assert_eq!((s, t.starts_with("Awb art. 9:6")), (Standing::Law, true));
        let (s, t) = cite("rijk/klacht", Measure::Feedback);
        assert_eq!((s, t.starts_with("Awb art. 9:12")), (Standing::Law, true));
        // The Vertrouwenslijn: policy, no statute.
        let (s, t) = cite("rijk/vertrouwenslijn", Measure::Feedback);
        assert_eq!(s, Standing::Policy);
        assert!(!t.contains("art."), "{t}");
        // The ombudsman's acknowledgement is its practice.
        let (s, _) = cite("rijk/nationale-ombudsman", Measure::Acknowledgement);
        assert_eq!(s, Standing::Practice);
        // Aftercare is law nowhere: the letter, as policy.
        for id in [
            "rijk/interne-melding",
            "rijk/klacht",
            "rijk/huis-voor-klokkenluiders-onderzoek",
        ] {
            let (s, t) = cite(id, Measure::Aftercare);
            assert_eq!(s, Standing::Policy, "{id}");
            assert!(
                t.contains("28 844, nr. 183") && t.contains("section 6"),
                "{t}"
            );
        }
    }

    #[test]
    fn a_wbk_norm_concerns_the_misstand_scopes_only() {
        let lib = Library::with_bundled(Limits::default());
        let mut p = bundled(&lib, "rijk/interne-melding");
        let ack = basis(Measure::Acknowledgement, &p);
        assert_eq!(ack.standing, Standing::Law);
        assert_eq!(ack.scopes, Scope::WBK);
        assert_eq!(ack.term, Some(7.0));
        // Without a misstand the 7 days do not bind: ministry policy.
        p.scopes = Some(crate::model::Located::unlocated(vec![
            crate::model::Located::unlocated(Scope::Integrity),
        ]));
        let ack = basis(Measure::Acknowledgement, &p);
        assert_eq!(ack.standing, Standing::Policy);
        assert_eq!(ack.scopes, [Scope::Integrity]);
        assert_eq!(ack.term, None);
        assert!(
            NORMS
                .iter()
                .filter(|n| n.scopes == Scope::WBK)
                .all(|n| !binds(n, &p))
        );
    }

    #[test]
    fn a_deadline_is_law_only_where_a_norm_sets_its_term() {
        let lib = Library::with_bundled(Limits::default());
        let p = bundled(&lib, "rijk/interne-melding");
        let law = of_deadline(&p, StepKind::Acknowledgement, 7.0, "Wbk art. 2");
        assert_eq!(law.standing, Standing::Law);
        // 13 weeks are the 3 months of the feedback norm.
        assert_eq!(
            of_deadline(&p, StepKind::Feedback, 91.0, "x").standing,
            Standing::Law
        );
        // A stricter term of the file's own is its policy, not law.
        let own = of_deadline(&p, StepKind::Acknowledgement, 3.0, "Regeling, art. 4");
        assert_eq!(
            (own.standing, own.text.as_str()),
            (Standing::Stated, "Regeling, art. 4")
        );
    }
}
