//! Legal norms by procedure kind, as data with their sources: a new law is
//! one more entry. `docs/legal.md` is the project's legal reference (every
//! rule of law meldroute relies on, with its article, what is checked and
//! what is not); `docs/norms.md` is generated from this table
//! (`meldroute norms --format markdown`).

use crate::duration::DAYS_PER_MONTH;
use crate::model::{Outcome, ProcedureKind, Scope, StepKind};

/// What a norm requires of a procedure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Requirement {
    /// On every route that passes a step of one of these kinds, one of
    /// them has a `deadline` of at most `days` (or of at most `justified`
    /// days where the deadline states why the law's longer term applies,
    /// its `reason`), counted from entering the procedure or from a step
    /// of a kind in `from`; and there is such a step.
    StepWithin {
        /// Kinds that satisfy the norm.
        kinds: &'static [StepKind],
        /// The kinds of step the law's term may be counted from (besides
        /// entering the procedure, which is never later).
        from: &'static [StepKind],
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
    /// one of them) keeps `term`, and with `written` is a contact (the
    /// reporter is told in writing); with `required`, there must be one.
    /// A decision that only leads to other ends does not count.
    DecisionWithin {
        /// What the decision is, in the messages ("judgment").
        decision: &'static str,
        /// The outcomes it ends in.
        outcomes: &'static [Outcome],
        /// The legal term, counted from receipt (`None`: the law sets no
        /// number of days).
        term: Option<Term>,
        /// The decision is told to the reporter in writing.
        written: bool,
        /// From the decision the journey can go on to a procedure of one
        /// of these kinds (the notice names it); empty: no such duty.
        leads_to: &'static [ProcedureKind],
        /// The procedure must have such a decision.
        required: bool,
    },
    /// The procedure names, in `external-information`, the source where it
    /// informs the reporter about reporting externally.
    ExternalInformation,
    /// The procedure has a step of one of these kinds.
    HasStep(&'static [StepKind]),
    /// Every step of these kinds is a contact with the reporter (the law
    /// says the reporter is told).
    Told(&'static [StepKind]),
    /// A route on to a procedure of kind `into` enters it where the journey
    /// cannot be sent back to a procedure of kind `back` (the reporter has
    /// been there already).
    NotSentBack {
        /// The kinds escalated to.
        into: &'static [ProcedureKind],
        /// The kinds the journey must not be sent back to.
        back: &'static [ProcedureKind],
    },
}

/// A legal term for a decision, with the cases in which the law allows
/// longer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    /// The term in days.
    pub days: f64,
    /// The term where an advisory committee handles the matter (the
    /// procedure's `advisory-committee: true`).
    pub committee: Option<f64>,
    /// How much longer the term is for a decision that every journey
    /// reaches through a `postponement` step.
    pub postponement: Option<f64>,
    /// Longer is lawful with the reporter's written consent (the
    /// deadline's `consent`), reported as an exception.
    pub consent: bool,
}

impl Term {
    /// A plain term of `days`, without exceptions.
    pub const fn days(days: f64) -> Term {
        Term {
            days,
            committee: None,
            postponement: None,
            consent: false,
        }
    }
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
    /// The section of `docs/legal.md` that quotes them and says what
    /// meldroute does not check (its anchor).
    pub legal: &'static str,
    /// The law allows rather than requires what the norm checks (the
    /// ombudsman *need not* investigate, 9:23): a procedure without it
    /// is modelled incompletely, not unlawful, and the finding is a
    /// warning.
    pub discretionary: bool,
}

impl Requirement {
    /// What meldroute checks, in one line (for `docs/norms.md`).
    pub fn describe(&self) -> String {
        let kinds = |k: &[StepKind]| {
            k.iter()
                .map(|k| format!("`{}`", k.as_str()))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let procs = |k: &[ProcedureKind]| {
            k.iter()
                .map(|k| format!("`{}`", k.as_str()))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let days = |d: f64| crate::duration::Duration::from_days(d).to_string();
        match self {
            Requirement::StepWithin {
                kinds: k,
                from,
                days: d,
                justified,
            } => {
                let mut s = format!(
                    "on every route through a step of kind {}, one of them has a `deadline` of at most {}",
                    kinds(k),
                    days(*d)
                );
                if let Some(longer) = justified {
                    s += &format!(
                        " ({} where the deadline's `reason` says why)",
                        days(*longer)
                    );
                }
                s += &format!(
                    ", counted from entering the procedure or (`from`) a step of kind {}",
                    kinds(from)
                );
                s
            }
            Requirement::EscalationTo(k) => {
                format!("a route on to a procedure of kind {}", procs(k))
            }
            Requirement::DecisionWithin {
                decision,
                outcomes,
                term,
                written,
                leads_to,
                required,
            } => {
                let ends = outcomes
                    .iter()
                    .map(|o| format!("`{}`", o.as_str()))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let mut s = format!("every {decision} (a `decision` leading to an end {ends})");
                let mut parts = Vec::new();
                if let Some(t) = term {
                    let mut p =
                        format!("has a `deadline` of at most {} from receipt", days(t.days));
                    if let Some(c) = t.committee {
                        p += &format!(", {} with `advisory-committee: true`", days(c));
                    }
                    if let Some(x) = t.postponement {
                        p += &format!(
                            ", {} more when every route to it passes a `postponement` step",
                            days(x)
                        );
                    }
                    if t.consent {
                        p += "; longer only with the deadline's `consent` (reported as an exception)";
                    }
                    parts.push(p);
                }
                if *written {
                    parts.push("is a contact (told in writing)".to_owned());
                }
                if !leads_to.is_empty() {
                    parts.push(format!(
                        "has a route on to a procedure of kind {}",
                        procs(leads_to)
                    ));
                }
                s += " ";
                s += &parts.join(" and ");
                if *required {
                    s += "; there is at least one";
                }
                s
            }
            Requirement::ExternalInformation => {
                "`external-information` names a declared source where the procedure gives that information".to_owned()
            }
            Requirement::HasStep(k) => format!("a step of kind {}", kinds(k)),
            Requirement::Told(k) => format!("every step of kind {} is a contact", kinds(k)),
            Requirement::NotSentBack { into, back } => format!(
                "a route on to a procedure of kind {} enters it where the journey cannot be sent back to a procedure of kind {}",
                procs(into),
                procs(back)
            ),
        }
    }
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

/// [`ACKNOWLEDGE_DAYS`] as a term on dates (counted from the day after the
/// report, extended by the Algemene termijnenwet: `crate::sim::dates`).
pub const ACKNOWLEDGE_TERM: crate::calendar::Term = crate::calendar::Term::Days(7);

/// [`FEEDBACK_DAYS`] as a term on dates: 3 months from the
/// acknowledgement.
pub const FEEDBACK_TERM: crate::calendar::Term = crate::calendar::Term::Months(3);

/// Receipt of an internal report is acknowledged within 7 days.
pub const ACKNOWLEDGE: Norm = Norm {
    id: "acknowledge-within-7-days",
    applies_to: &[ProcedureKind::InternalReport],
    scopes: Scope::WBK,
    requirement: Requirement::StepWithin {
        kinds: &[StepKind::Acknowledgement],
        from: &[StepKind::Report],
        days: ACKNOWLEDGE_DAYS,
        justified: None,
    },
    text: "receipt of a report is acknowledged to the reporter within 7 days",
    basis: "Richtlijn (EU) 2019/1937 art. 9(1)(b); Wbk art. 2(2) (sub-letter unverified)",
    legal: "acknowledgement",
    discretionary: false,
};

/// The reporter gets feedback within 3 months of the acknowledgement.
pub const FEEDBACK: Norm = Norm {
    id: "feedback-within-3-months",
    applies_to: &[ProcedureKind::InternalReport],
    scopes: Scope::WBK,
    requirement: Requirement::StepWithin {
        kinds: &[StepKind::Feedback],
        from: &[StepKind::Report, StepKind::Acknowledgement],
        days: FEEDBACK_DAYS,
        justified: None,
    },
    text: "the reporter gets feedback on the assessment and follow-up within 3 months of the acknowledgement",
    basis: "Richtlijn (EU) 2019/1937 art. 9(1)(f) with 5(13); Wbk art. 2(2) (sub-letter unverified)",
    legal: "feedback",
    discretionary: false,
};

/// Awb art. 9:11: the complaint is judged within 6 weeks of receipt, 10
/// with an advisory committee, 4 more after a written postponement,
/// longer only with the complainant's written consent.
pub const COMPLAINT_TERM: Term = Term {
    days: 42.0,
    committee: Some(70.0),
    postponement: Some(28.0),
    consent: true,
};

/// The norms meldroute checks; `docs/legal.md` quotes their articles.
pub static NORMS: &[Norm] = &[
    ACKNOWLEDGE,
    FEEDBACK,
    Norm {
        id: "right-to-report-externally",
        applies_to: &[ProcedureKind::InternalReport],
        scopes: Scope::WBK,
        // The Nationale ombudsman is no competent authority (Wbk art. 2c):
        // a route there does not keep it.
        requirement: Requirement::EscalationTo(&[ProcedureKind::WhistleblowerAuthority]),
        text: "a reporter may report externally, to the Huis voor klokkenluiders or another competent authority (not the Nationale ombudsman, which is none)",
        basis: "Richtlijn (EU) 2019/1937 art. 10; Wbk art. 2c (since 18 February 2023 without reporting internally first)",
        legal: "external-reporting",
        discretionary: false,
    },
    Norm {
        id: "information-on-external-reporting",
        applies_to: &[ProcedureKind::InternalReport],
        scopes: Scope::WBK,
        requirement: Requirement::ExternalInformation,
        text: "the internal procedure gives clear and easily accessible information on reporting externally to the competent authorities",
        basis: "Richtlijn (EU) 2019/1937 art. 9(1)(g); the Wbk provision implementing it is unverified",
        legal: "external-reporting",
        discretionary: false,
    },
    Norm {
        id: "external-acknowledge-within-7-days",
        applies_to: &[ProcedureKind::WhistleblowerAuthority],
        scopes: Scope::WBK,
        requirement: Requirement::StepWithin {
            kinds: &[StepKind::Acknowledgement],
            from: &[StepKind::Report],
            days: ACKNOWLEDGE_DAYS,
            justified: None,
        },
        text: "a competent authority acknowledges receipt of a report to the reporter within 7 days",
        basis: "Richtlijn (EU) 2019/1937 art. 11(2)(b); Wbk art. 2e (sub-letter unverified)",
        legal: "acknowledgement",
        discretionary: false,
    },
    Norm {
        id: "external-feedback-within-3-months",
        applies_to: &[ProcedureKind::WhistleblowerAuthority],
        scopes: Scope::WBK,
        requirement: Requirement::StepWithin {
            kinds: &[StepKind::Feedback],
            from: &[StepKind::Report, StepKind::Acknowledgement],
            days: FEEDBACK_DAYS,
            justified: Some(6.0 * DAYS_PER_MONTH),
        },
        text: "an external authority gives feedback within 3 months, or 6 in duly justified cases (the deadline's `reason` says why)",
        basis: "Richtlijn (EU) 2019/1937 art. 11(2)(d); Wbk art. 2e (sub-letter unverified)",
        legal: "external-feedback",
        discretionary: false,
    },
    Norm {
        id: "notice-of-not-handling-within-4-weeks",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "notice of not handling",
            outcomes: &[Outcome::NotHandled],
            term: Some(Term::days(28.0)),
            written: true,
            leads_to: &[ProcedureKind::Ombudsman],
            required: false,
        },
        text: "a complainant whose complaint is not handled is told so in writing within 4 weeks of receipt, with the ombudsman the complainant can go to",
        basis: "Awb art. 9:8(3) (with 9:12(2))",
        legal: "awb-9-8",
        discretionary: false,
    },
    Norm {
        id: "hear-the-complainant",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::HasStep(&[StepKind::Hearing]),
        text: "the complainant and the person complained about are given the opportunity to be heard (not needed when the complaint is manifestly unfounded, or the complainant waives it or does not answer in time)",
        basis: "Awb art. 9:10",
        legal: "awb-9-10",
        discretionary: false,
    },
    Norm {
        id: "handle-complaint-within-6-weeks",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "judgment",
            outcomes: &[Outcome::Founded, Outcome::Unfounded],
            term: Some(COMPLAINT_TERM),
            written: false,
            leads_to: &[],
            required: true,
        },
        text: "a complaint is judged within 6 weeks of receipt (10 with an advisory committee; at most 4 weeks more after a written postponement; longer only with the complainant's written consent)",
        basis: "Awb art. 9:11 (10 weeks: section 9.1.3)",
        legal: "awb-9-11",
        discretionary: false,
    },
    Norm {
        id: "postponement-in-writing",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::Told(&[StepKind::Postponement]),
        text: "a postponement of the complaint's handling is told in writing to the complainant and the person complained about",
        basis: "Awb art. 9:11(2)",
        legal: "awb-9-11",
        discretionary: false,
    },
    Norm {
        id: "complaint-outcome-in-writing",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "judgment",
            outcomes: &[Outcome::Founded, Outcome::Unfounded],
            term: None,
            written: true,
            leads_to: &[],
            required: false,
        },
        text: "the complainant is told in writing, with reasons, of the findings, the judgment and any conclusions",
        basis: "Awb art. 9:12(1)",
        legal: "awb-9-12",
        discretionary: false,
    },
    Norm {
        id: "complaint-outcome-names-ombudsman",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "judgment",
            outcomes: &[Outcome::Founded, Outcome::Unfounded],
            term: None,
            written: false,
            leads_to: &[ProcedureKind::Ombudsman],
            required: false,
        },
        text: "the outcome of a complaint names the ombudsman and the term for going there, and the complainant can go there",
        basis: "Awb art. 9:12(2), 9:18",
        legal: "awb-9-12",
        discretionary: false,
    },
    Norm {
        id: "ombudsman-after-complaint",
        applies_to: &[ProcedureKind::Complaint],
        scopes: &Scope::ALL,
        requirement: Requirement::NotSentBack {
            into: &[ProcedureKind::Ombudsman],
            back: &[ProcedureKind::Complaint],
        },
        text: "a complainant who goes on to the ombudsman has complained to the body first and is not sent back to complain",
        basis: "Awb art. 9:20(1), 9:23(h)",
        legal: "awb-9-20",
        discretionary: false,
    },
    Norm {
        id: "ombudsman-complain-first",
        applies_to: &[ProcedureKind::Ombudsman],
        scopes: &Scope::ALL,
        requirement: Requirement::EscalationTo(&[ProcedureKind::Complaint]),
        text: "a requester who has not complained to the body first is sent there, unless that cannot reasonably be asked (the ombudsman need not investigate)",
        basis: "Awb art. 9:20(1), 9:23(h)",
        legal: "awb-9-20",
        discretionary: true,
    },
    Norm {
        id: "ombudsman-may-decline",
        applies_to: &[ProcedureKind::Ombudsman],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "decision not to investigate",
            outcomes: &[Outcome::NotHandled],
            term: None,
            written: false,
            leads_to: &[],
            required: true,
        },
        text: "the ombudsman does not investigate where it is not competent (for example while proceedings before a civil court are pending), need not where a ground applies, and may decline a request made more than a year after the complaint's outcome",
        basis: "Awb art. 9:22 (e.g. (c), (e)), 9:23, 9:24(1)",
        legal: "awb-9-22",
        discretionary: true,
    },
    Norm {
        id: "ombudsman-reasons-in-writing",
        applies_to: &[ProcedureKind::Ombudsman],
        scopes: &Scope::ALL,
        requirement: Requirement::DecisionWithin {
            decision: "decision not to investigate",
            outcomes: &[Outcome::NotHandled],
            term: None,
            written: true,
            leads_to: &[],
            required: false,
        },
        text: "the ombudsman tells the requester, as soon as possible and in writing with its reasons, that it does not investigate",
        basis: "Awb art. 9:25(1)",
        legal: "awb-9-25",
        discretionary: false,
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
        // Every norm points to its section of docs/legal.md.
        let legal = include_str!("../../../docs/legal.md");
        for n in NORMS {
            assert!(
                legal.contains(&format!("<a id=\"{}\"></a>", n.legal)),
                "docs/legal.md has no section {} for {}",
                n.legal,
                n.id
            );
        }
    }
}
