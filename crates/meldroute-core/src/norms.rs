//! Legal norms by procedure kind, as data with their sources: a new law is
//! one more entry.

use crate::duration::DAYS_PER_MONTH;
use crate::model::{Outcome, ProcedureKind, Scope, StepKind};

/// What a norm requires of a procedure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Requirement {
    /// A step of one of these kinds, with a `deadline` of at most `days`,
    /// or of at most `justified` days where the deadline states why the
    /// law's longer term applies (its `reason`).
    StepWithin {
        /// Kinds that satisfy the norm.
        kinds: &'static [StepKind],
        /// The legal limit in days.
        days: f64,
        /// The longer limit the law allows in some cases, when the file
        /// says why (`None`: there is none).
        justified: Option<f64>,
    },
    /// A route on to a procedure of one of these kinds.
    EscalationTo(&'static [ProcedureKind]),
    /// Every decision that ends in one of `outcomes` (a decision from
    /// which the journey reaches, before any other decision, an end with
    /// one of them) has a `deadline` of at most `days`; with `required`,
    /// there must be one. A decision that only leads to other ends does
    /// not count.
    DecisionWithin {
        /// What the decision is, in the messages ("judgment").
        decision: &'static str,
        /// The outcomes it ends in.
        outcomes: &'static [Outcome],
        /// The legal limit in days.
        days: f64,
        /// The procedure must have such a decision.
        required: bool,
    },
}

/// A legal norm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Norm {
    /// Short id, e.g. `acknowledge-within-7-days`.
    pub id: &'static str,
    /// Procedure kinds it applies to.
    pub applies_to: &'static [ProcedureKind],
    /// The scopes of report it applies to: a norm binds a procedure that
    /// handles one of them (the Wbk's, [`Scope::WBK`]: a *misstand*).
    pub scopes: &'static [Scope],
    /// What it requires.
    pub requirement: Requirement,
    /// What the law says, in one line.
    pub text: &'static str,
    /// The articles.
    pub basis: &'static str,
}

/// Kinds of body the reporter has a right to turn to.
pub(crate) const EXTERNAL: &[ProcedureKind] = &[
    ProcedureKind::Ombudsman,
    ProcedureKind::WhistleblowerAuthority,
];

/// Days within which a report must be acknowledged.
pub const ACKNOWLEDGE_DAYS: f64 = 7.0;

/// Days within which the reporter gets feedback after the acknowledgement
/// (three months).
pub const FEEDBACK_DAYS: f64 = 3.0 * DAYS_PER_MONTH;

/// Receipt of an internal report is acknowledged within 7 days.
pub const ACKNOWLEDGE: Norm = Norm {
    id: "acknowledge-within-7-days",
    applies_to: &[
        ProcedureKind::InternalReport,
        ProcedureKind::WhistleblowerAuthority,
    ],
    scopes: Scope::WBK,
    requirement: Requirement::StepWithin {
        kinds: &[StepKind::Acknowledgement],
        days: ACKNOWLEDGE_DAYS,
        justified: None,
    },
    text: "receipt of a report is acknowledged to the reporter within 7 days",
    basis: "Richtlijn (EU) 2019/1937 art. 9(1)(b) and 11(2)(b); Wbk art. 2",
};

/// The reporter gets feedback within 3 months of the acknowledgement.
pub const FEEDBACK: Norm = Norm {
    id: "feedback-within-3-months",
    applies_to: &[ProcedureKind::InternalReport],
    scopes: Scope::WBK,
    requirement: Requirement::StepWithin {
        kinds: &[StepKind::Feedback],
        days: FEEDBACK_DAYS,
        justified: None,
    },
    text: "the reporter gets feedback on the assessment and follow-up within 3 months of the acknowledgement",
    basis: "Richtlijn (EU) 2019/1937 art. 9(1)(f); Wbk art. 2",
};

/// The norms meldroute checks (see `../shared/domain.md` for the sources).
pub static NORMS: &[Norm] = &[
    ACKNOWLEDGE,
    FEEDBACK,
    Norm {
        id: "external-feedback-within-3-months",
        applies_to: &[ProcedureKind::WhistleblowerAuthority],
        scopes: Scope::WBK,
        requirement: Requirement::StepWithin {
            kinds: &[StepKind::Feedback],
            days: FEEDBACK_DAYS,
            justified: Some(6.0 * DAYS_PER_MONTH),
        },
        text: "an external authority gives feedback within 3 months, or 6 in duly justified cases (the deadline's `reason` says why)",
        basis: "Richtlijn (EU) 2019/1937 art. 11(2)(d)",
    },
    Norm {
        id: "handle-complaint-within-6-weeks",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "judgment",
            outcomes: &[Outcome::Founded, Outcome::Unfounded],
            days: 42.0,
            required: true,
        },
        text: "a complaint is judged within 6 weeks of receipt (10 with an advisory committee; one written postponement of at most 4 weeks)",
        basis: "Awb art. 9:11, 9:14",
    },
    Norm {
        id: "notice-of-not-handling-within-4-weeks",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "notice of not handling",
            outcomes: &[Outcome::NotHandled],
            days: 28.0,
            required: false,
        },
        text: "a complainant whose complaint is not handled is told so in writing within 4 weeks of receipt",
        basis: "Awb art. 9:8(3)",
    },
    Norm {
        id: "complaint-outcome-names-ombudsman",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::EscalationTo(&[ProcedureKind::Ombudsman]),
        text: "the outcome of a complaint names the Nationale ombudsman, and the complainant can go there",
        basis: "Awb art. 9:12, 9:18",
    },
    Norm {
        id: "right-to-report-externally",
        applies_to: &[ProcedureKind::InternalReport],
        scopes: Scope::WBK,
        // The Nationale ombudsman is no competent authority (Wbk art. 2c):
        // a route there does not keep it.
        requirement: Requirement::EscalationTo(&[ProcedureKind::WhistleblowerAuthority]),
        text: "a reporter may report externally, to the Huis voor klokkenluiders or another competent authority (not the Nationale ombudsman, which is none)",
        basis: "Richtlijn (EU) 2019/1937 art. 10; Wbk art. 2c (since 18 February 2023 without reporting internally first)",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_norm_cites_an_article() {
        let mut ids: Vec<&str> = NORMS.iter().map(|n| n.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), NORMS.len());
        assert!(
            NORMS
                .iter()
                .all(|n| n.basis.contains("art.") && !n.applies_to.is_empty())
        );
    }
}
