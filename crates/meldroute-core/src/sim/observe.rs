//! Real cases measured as the simulation measures journeys (`meldroute
//! conform`, docs/conform.md): each case of a log, its steps mapped to the
//! procedure's, goes through the same [`Journey`] as a simulated journey,
//! on the real dates, so every figure has the simulation's one definition
//! (acknowledged within 7 days and feedback within 3 months with the
//! terms the Algemene termijnenwet ends, the longest silence, first
//! contact, lead time, per step times). A case whose steps the procedure
//! does not allow is not measured: it is listed with why.
//!
//! Each case is its own batch of one ([`Aggregate::add_batch`]): the cases
//! of a log are a sample of independent cases, so a mean's interval is the
//! sample's (the batch-means interval over batches of one), a share's the
//! Wilson interval, a quantile's the order-statistic interval.

use super::walk::{CaseMarks, Journey, Observed, complete_observed};
use super::{Aggregate, SimModel};
use crate::experience::Facts;
use crate::model::Outcome;

/// A step of a real case: completed at `end` (days since the dates'
/// origin, [`SimModel::on_dates`]), with the interim updates the reporter
/// had while it ran (the same days).
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedStep {
    /// The step (index into [`SimModel::steps`]).
    pub step: u32,
    /// When it started, if the log says (a `start` event).
    pub start: Option<f64>,
    /// When it completed.
    pub end: f64,
    /// When the reporter heard from it while it ran, in order.
    pub updates: Vec<f64>,
}

/// A real case: its steps in the order they completed, from its start
/// (its first event).
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedCase {
    /// Its id in the log.
    pub id: String,
    /// When its first event happened (days since the dates' origin).
    pub start: f64,
    /// Its steps, in order.
    pub steps: Vec<ObservedStep>,
}

/// Why a case does not fit the procedure.
#[derive(Clone, Debug, PartialEq)]
pub enum Misfit {
    /// It has no step.
    Empty,
    /// It does not start at the procedure's first step.
    Start {
        /// Where it starts.
        step: u32,
    },
    /// The procedure does not allow `next` after `after`.
    Order {
        /// The step completed.
        after: u32,
        /// The step the case went on to.
        next: u32,
    },
    /// It goes on after a step that ends the procedure.
    AfterEnd {
        /// The step that ends it.
        after: u32,
    },
}

/// What [`measure`] found.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The figures of the cases that fit, as a simulation's.
    pub aggregate: Aggregate,
    /// The cases that fit and had not ended by the log's end (open).
    pub open: u64,
    /// Each case that does not fit, with why, in the order given.
    pub misfits: Vec<(String, Misfit)>,
}

/// Measures `cases` on `model` (on the dates whose origin the cases' days
/// count from): the figures of the cases that fit, and those that do not.
pub fn measure(model: &SimModel, cases: &[ObservedCase]) -> Measured {
    let mut total = Aggregate::new(model);
    let mut marks = CaseMarks::default();
    let mut misfits = Vec::new();
    let mut open = 0;
    for case in cases {
        let mut agg = Aggregate::new(model);
        match replay(model, case, &mut marks, &mut agg, &mut |_, _| {}) {
            Ok(outcome) => {
                open += u64::from(outcome.is_none());
                total.add_batch(&agg);
            }
            Err(m) => misfits.push((case.id.clone(), m)),
        }
    }
    Measured {
        aggregate: total,
        open,
        misfits,
    }
}

/// What the experience score reads of `case` after each of its steps
/// (the outcome after the last, if it ends the journey): the facts of the
/// journey map's experience lane, by the simulation's definitions.
pub fn facts_along(model: &SimModel, case: &ObservedCase) -> Result<Vec<Facts>, Misfit> {
    let mut agg = Aggregate::new(model);
    let mut out = Vec::with_capacity(case.steps.len());
    replay(
        model,
        case,
        &mut CaseMarks::default(),
        &mut agg,
        &mut |j, outcome| out.push(j.facts(outcome)),
    )?;
    Ok(out)
}

/// One case through the journey, into `agg`: its outcome (`None`: still
/// open), or why it does not fit; `after` sees the journey after each
/// step, with the outcome once it ends.
fn replay(
    model: &SimModel,
    case: &ObservedCase,
    marks: &mut CaseMarks,
    agg: &mut Aggregate,
    after: &mut dyn FnMut(&Journey, Option<Outcome>),
) -> Result<Option<Outcome>, Misfit> {
    let first = case.steps.first().ok_or(Misfit::Empty)?;
    if first.step != model.start {
        return Err(Misfit::Start { step: first.step });
    }
    marks.start(model, first.step);
    let mut journey = Journey::new(case.start);
    for (k, s) in case.steps.iter().enumerate() {
        let st = &model.steps[s.step as usize];
        let feedback = st.updates.is_some_and(|u| u.feedback);
        for &u in &s.updates {
            journey.observed_update(st, u - case.start, feedback);
        }
        let days = journey.observed(st, s.end - case.start);
        let next = case.steps.get(k + 1).map(|n| n.step);
        match complete_observed(model, s.step, days, next, &mut journey, marks, agg) {
            Observed::On => after(&journey, None),
            Observed::Ended(outcome) => {
                after(&journey, Some(outcome));
                journey.finish(Some(outcome), agg, model);
                return Ok(Some(outcome));
            }
            Observed::Open => {
                after(&journey, None);
                journey.finish(None, agg, model);
                return Ok(None);
            }
            Observed::NotAllowed => {
                return Err(match next {
                    Some(n) if !matches!(st.go, super::Go::End(_)) => Misfit::Order {
                        after: s.step,
                        next: n,
                    },
                    _ => Misfit::AfterEnd { after: s.step },
                });
            }
        }
    }
    Err(Misfit::Empty)
}

#[cfg(test)]
mod tests;
