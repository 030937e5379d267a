//! Exact expectations of a journey as an absorbing Markov chain: expected
//! visits from the fundamental matrix, mean lead time, the probability of
//! visiting each step, outcome shares and the mean number of contacts
//! (interim updates included); and the simulated figures they do not cover
//! ([`NOT_COVERED`]).
//!
//! Branching in meldroute depends only on the current step, so every model
//! is such a chain: each step is a transient state, and a step with an
//! outcome leads out of the chain after its duration.

use std::collections::BTreeMap;

use nalgebra::DMatrix;
use serde::Serialize;

use super::{Go, SimModel};

/// Exact figures of a model.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Exact {
    /// Mean lead time in days.
    pub lead_time_mean_days: f64,
    /// Share of journeys per outcome.
    pub outcomes: BTreeMap<String, f64>,
    /// Per step (`procedure:step`): probability of visiting it at least once.
    pub visit_probability: BTreeMap<String, f64>,
    /// Mean contacts with the reporter per journey, interim updates
    /// included: the expected visits of each contact step, plus for each
    /// step with updates its expected visits times the expected updates per
    /// visit (`SimUpdates::expected_count`); `null` when an expectation of
    /// updates could not be computed (then `not_covered` names it).
    pub contacts_mean: Option<f64>,
    /// The figures of the simulation (as its JSON names them) that the
    /// exact solution does not give (`NOT_COVERED`), after `contacts_mean`
    /// when it has no exact figure.
    pub not_covered: Vec<String>,
    /// Per step: expected number of visits.
    #[serde(skip)]
    pub expected_visits: Vec<f64>,
    /// Per step: probability of a visit, in model order.
    #[serde(skip)]
    pub visit_probabilities: Vec<f64>,
}

/// Why exact figures cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExactError {
    /// Some journeys never end, so `I - Q` is singular.
    #[error(
        "some journeys never end (a loop without a way out), so there are no exact expectations"
    )]
    NeverEnds,
    /// Too many steps for the dense solver.
    #[error(
        "{0} steps is more than the exact solver handles ({MAX_EXACT_STEPS}); use the simulated figures"
    )]
    TooLarge(usize),
}

/// The simulated figures that depend on when contacts happen on a
/// journey, not only on how often steps are visited (silences, the first
/// contact, the terms of acknowledgement and feedback, deadlines,
/// quantiles), or that no exact figure is derived for yet: the exact
/// solution does not give them, with or without interim updates.
pub const NOT_COVERED: [&str; 13] = [
    "lead_time_days (all but the mean)",
    "first_contact_days",
    "longest_silence_days",
    "no_contact_after_report",
    "acknowledged_within_7_days",
    "feedback_within_3_months",
    "feedback_rate",
    "aftercare_rate",
    "handoffs_mean",
    "procedures_mean",
    "escalations",
    "deadlines",
    "steps (mean_days and share_of_lead_time)",
];

/// Most steps [`exact`] solves (a dense n x n system).
pub const MAX_EXACT_STEPS: usize = 1000;

/// The exact expectations of `model`.
pub fn exact(model: &SimModel) -> Result<Exact, ExactError> {
    let n = model.steps.len();
    if n > MAX_EXACT_STEPS {
        return Err(ExactError::TooLarge(n));
    }
    // A = I - Q, where Q[i][j] is the probability of going from i to j.
    let mut a = DMatrix::<f64>::identity(n, n);
    for (i, s) in model.steps.iter().enumerate() {
        match &s.go {
            Go::Step(j) | Go::Escalate { step: j, .. } => a[(i, *j as usize)] -= 1.0,
            Go::Branch { from, len } => {
                let mut prev = 0.0;
                for (k, &(cum, j)) in model.branches[*from as usize..(*from + *len) as usize]
                    .iter()
                    .enumerate()
                {
                    let p = if k + 1 == *len as usize {
                        1.0 - prev
                    } else {
                        cum - prev
                    };
                    prev = cum.min(1.0);
                    a[(i, j as usize)] -= p;
                }
            }
            Go::End(_) => {}
        }
    }
    // N = A^-1: N[i][j] expected visits to j starting from i.
    let fundamental = a.try_inverse().ok_or(ExactError::NeverEnds)?;
    let start = model.start as usize;
    let visits: Vec<f64> = (0..n).map(|j| fundamental[(start, j)]).collect();
    if visits.iter().any(|v| !v.is_finite() || *v < -1e-9) {
        return Err(ExactError::NeverEnds);
    }
    let lead: f64 = visits
        .iter()
        .zip(&model.steps)
        .map(|(v, s)| v * s.duration.mean())
        .sum();
    let contacts: Option<f64> = visits
        .iter()
        .zip(&model.steps)
        .map(|(v, s)| {
            let updates = match &s.updates {
                Some(u) => u.expected_count(&s.duration)?,
                None => 0.0,
            };
            Some(v * (f64::from(u8::from(s.contact)) + updates))
        })
        .sum();
    let mut not_covered: Vec<String> = NOT_COVERED.iter().map(|&f| f.to_owned()).collect();
    if contacts.is_none() {
        not_covered.insert(0, "contacts_mean".to_owned());
    }
    let mut outcomes = BTreeMap::new();
    for (v, s) in visits.iter().zip(&model.steps) {
        if let Go::End(o) = s.go {
            *outcomes.entry(o.as_str().to_owned()).or_insert(0.0) += v;
        }
    }
    let probabilities: Vec<f64> = (0..n)
        .map(|j| {
            let njj = fundamental[(j, j)];
            if njj > 0.0 {
                (visits[j] / njj).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let visit_probability = (0..n)
        .map(|j| (model.step_name(j as u32), probabilities[j]))
        .collect();
    Ok(Exact {
        lead_time_mean_days: lead,
        outcomes,
        visit_probability,
        contacts_mean: contacts,
        not_covered,
        expected_visits: visits,
        visit_probabilities: probabilities,
    })
}
