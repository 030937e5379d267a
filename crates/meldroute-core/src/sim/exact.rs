//! Exact expectations of a journey as an absorbing Markov chain: expected
//! visits from the fundamental matrix, mean lead time, the probability of
//! visiting each step, outcome shares and the mean number of contacts
//! (interim updates included); and the simulated figures they do not cover
//! ([`NOT_COVERED`]).
//!
//! Without conditions, branching depends only on the current step, so the
//! model is such a chain: each step is a transient state, and a step with
//! an outcome leads out of the chain after its duration. Conditions on
//! what a journey carries for good or counts (its attributes, anonymity,
//! visits to a step, loop caps) keep it a chain once the state holds them
//! too: the steps are expanded into (step, attributes, anonymity, visit
//! counts) ([`Expanded`]). Conditions on time or on contacts so far do not;
//! then there are no exact figures ([`ExactError::StateDependent`]).

use std::collections::{BTreeMap, HashMap};

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::model::{MAX_ATTRIBUTES, NO_COUNTER, SimDraw, UNDRAWN};
use super::{Go, SimModel};
use crate::condition::{self, Expr, Now, Var};

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
    /// The states of the chain solved when conditions expanded the steps
    /// (a step with each combination of what the journey carries);
    /// absent when the states are the steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expanded_states: Option<usize>,
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
    /// The conditions expand the steps into more states than the solver
    /// handles.
    #[error(
        "the conditions expand the steps into more than {MAX_EXACT_STEPS} states (a step with each combination of attributes, anonymity and visit counts); use the simulated figures"
    )]
    TooManyStates,
    /// A condition reads `retaliated` and a step's risk per day runs for a
    /// duration whose transform has no closed form (a lognormal).
    #[error(
        "the branches read `retaliated`, and the risk per day of `{0}` runs for a lognormal duration, whose chance of retaliation has no exact form here; use the simulated figures"
    )]
    NoExactRisk(String),
    /// A condition reads the journey's time or its contacts so far: the
    /// journey is no Markov chain over its steps.
    #[error(
        "the branches of `{step}` depend on `{variable}`, which changes with the time a journey has taken, so the journey is no Markov chain over its steps and there are no exact figures; use the simulated figures (their intervals say how sure they are)"
    )]
    StateDependent {
        /// `procedure:step` of the step that branches.
        step: String,
        /// The variable its condition reads.
        variable: &'static str,
    },
}

/// The simulated figures that depend on when contacts happen on a
/// journey, not only on how often steps are visited (silences, the first
/// contact, the terms of acknowledgement and feedback, deadlines,
/// quantiles), or that no exact figure is derived for yet: the exact
/// solution does not give them, with or without interim updates.
pub const NOT_COVERED: [&str; 17] = [
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
    "retaliation",
    "anonymous",
    "experience",
    "scopes",
];

/// Most steps [`exact`] solves (a dense n x n system).
pub const MAX_EXACT_STEPS: usize = 1000;

/// The exact expectations of `model`.
pub fn exact(model: &SimModel) -> Result<Exact, ExactError> {
    if needs_expansion(model)? {
        return Expanded::new(model)?.solve(model);
    }
    by_steps(model)
}

/// An error when a condition reads what no finite state holds (the
/// journey's time or contacts so far): then the journey is no chain.
pub(super) fn check_markov(model: &SimModel) -> Result<(), ExactError> {
    needs_expansion(model).map(|_| ())
}

/// True when the steps alone are not the chain's states: some step
/// chooses by a condition, or an anonymous journey misses a step's
/// contact. An error when a condition reads what no finite state holds.
fn needs_expansion(model: &SimModel) -> Result<bool, ExactError> {
    for (i, s) in model.steps.iter().enumerate() {
        if let Go::Choose { from, len } = s.go {
            for c in model.choices_of(from, len) {
                let Some(w) = &c.when else { continue };
                if let Some(v) = w.variables().into_iter().find(|v| {
                    matches!(
                        v,
                        Var::Silence
                            | Var::SinceReport
                            | Var::Elapsed
                            | Var::Contacts
                            | Var::Procedures
                    )
                }) {
                    return Err(ExactError::StateDependent {
                        step: model.step_name(i as u32),
                        variable: name_of(v),
                    });
                }
            }
        }
    }
    Ok(!model.choices.is_empty() || anonymity_matters(model))
}

/// The name of `v` in a condition.
fn name_of(v: Var) -> &'static str {
    condition::VARIABLES
        .iter()
        .find(|x| x.1 == v)
        .map_or("?", |x| x.0)
}

/// True when some journey may be anonymous and some step that contacts
/// the reporter needs their identity.
fn anonymity_matters(model: &SimModel) -> bool {
    model.has_anonymity()
        && model
            .steps
            .iter()
            .any(|s| s.needs_identity && (s.contact || s.updates.is_some()))
}

/// The chain over the steps alone.
fn by_steps(model: &SimModel) -> Result<Exact, ExactError> {
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
            Go::End(_) | Go::Choose { .. } => {}
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
        expanded_states: None,
    })
}

/// What a state of the expanded chain holds besides its step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Carried {
    anonymous: bool,
    retaliated: bool,
    attributes: [u8; MAX_ATTRIBUTES],
    /// Visits per counter, up to the counter's cap.
    counts: Vec<u8>,
}

/// The chain whose states are a step with what the journey carries:
/// the attributes conditions read, anonymity when it matters, and the
/// visit counts conditions read (each up to one more than the largest
/// count its conditions compare with).
struct Expanded {
    /// Each state's step and what it carries.
    states: Vec<(u32, Carried)>,
    /// The probability of starting in each state.
    start: Vec<(usize, f64)>,
    /// Transitions (from, to, probability).
    moves: Vec<(usize, usize, f64)>,
}

/// How the journey's state goes from step to step when it holds what the
/// conditions read: the chain [`Expanded`] solves and the routes
/// ([`super::routes`]) follow.
pub(super) struct Chain {
    track_anon: bool,
    track_attrs: bool,
    track_risk: bool,
    caps: Vec<u8>,
}

/// One way on from a state: its probability, the step and what the
/// journey then carries.
pub(super) type Move = (f64, u32, Carried);

impl Chain {
    /// The chain of `model`; `contacts` when anonymity matters also for the
    /// contacts it misses (the exact contacts), not only for the branches.
    pub(super) fn new(model: &SimModel, contacts: bool) -> Chain {
        Chain {
            track_anon: (contacts && anonymity_matters(model))
                || reads(model, |e| e.variables().contains(&Var::Anonymous)),
            track_attrs: reads(model, Expr::reads_attributes),
            track_risk: reads(model, |e| e.variables().contains(&Var::Retaliated)),
            caps: counter_caps(model),
        }
    }

    /// Where journeys start, with their probabilities (attributes drawn,
    /// anonymity decided, each where it is tracked).
    pub(super) fn starts(&self, model: &SimModel) -> Vec<(f64, Carried)> {
        let root = &model.procedures[model.steps[model.start as usize].procedure as usize];
        let base = Carried {
            anonymous: false,
            retaliated: false,
            attributes: [UNDRAWN; MAX_ATTRIBUTES],
            counts: vec![0; model.counters as usize],
        };
        let mut starts = vec![(1.0, base)];
        if self.track_anon && root.anonymous > 0.0 {
            starts = starts
                .into_iter()
                .flat_map(|(p, c)| {
                    let anon = Carried {
                        anonymous: true,
                        ..c.clone()
                    };
                    [(p * root.anonymous, anon), (p * (1.0 - root.anonymous), c)]
                })
                .filter(|(p, _)| *p > 0.0)
                .collect();
        }
        if self.track_attrs {
            starts = draw_all(&root.draws, starts);
        }
        starts
            .into_iter()
            .map(|(p, c)| (p, self.enter(model, model.start, c)))
            .collect()
    }

    /// What a journey carries on entering `step`: its visit counted.
    fn enter(&self, model: &SimModel, step: u32, mut c: Carried) -> Carried {
        let counter = model.steps[step as usize].counter;
        if counter != NO_COUNTER {
            let k = counter as usize;
            c.counts[k] = c.counts[k].saturating_add(1).min(self.caps[k]);
        }
        c
    }

    /// The ways on from `step` with `carried`, each with a probability
    /// above zero: the visit's risk of retaliation first, then the way on
    /// its conditions choose, then the attributes an escalation draws.
    pub(super) fn moves(
        &self,
        model: &SimModel,
        step: u32,
        carried: &Carried,
    ) -> Result<Vec<Move>, ExactError> {
        let st = &model.steps[step as usize];
        let mut after = vec![(1.0, carried.clone())];
        if let (true, false, Some(risk)) = (self.track_risk, carried.retaliated, st.risk) {
            let q = match risk {
                super::model::Risk::PerVisit(p) => p,
                super::model::Risk::PerDay(rate) => {
                    1.0 - st
                        .duration
                        .laplace(rate)
                        .ok_or_else(|| ExactError::NoExactRisk(model.step_name(step)))?
                }
            };
            let hit = Carried {
                retaliated: true,
                ..carried.clone()
            };
            after = vec![(q, hit), (1.0 - q, carried.clone())];
        }
        let mut targets: Vec<Move> = Vec::new();
        for (pa, carried) in after.into_iter().filter(|a| a.0 > 0.0) {
            let mut go = st.go.clone();
            if let Go::Choose { from, len } = go {
                let now = Now {
                    visits: match st.counter {
                        NO_COUNTER => 0,
                        k => u32::from(carried.counts[k as usize]),
                    },
                    anonymous: carried.anonymous,
                    retaliated: carried.retaliated,
                    attributes: &carried.attributes,
                    ..Now::default()
                };
                let choices = model.choices_of(from, len);
                go = choices
                    .iter()
                    .find(|c| c.when.as_ref().is_none_or(|w| w.holds(&now)))
                    .or(choices.last())
                    .map_or(Go::End(crate::model::Outcome::Closed), |c| c.go.clone());
            }
            match go {
                Go::Escalate { step: j, procedure } if self.track_attrs => {
                    let draws = &model.procedures[procedure as usize].draws;
                    for (p, c) in draw_all(draws, vec![(pa, carried.clone())]) {
                        targets.push((p, j, c));
                    }
                }
                ref g => {
                    for (p, j) in model.ways_on(g) {
                        targets.push((pa * p, j, carried.clone()));
                    }
                }
            }
        }
        Ok(targets
            .into_iter()
            .filter(|t| t.0 > 0.0)
            .map(|(p, j, c)| (p, j, self.enter(model, j, c)))
            .collect())
    }
}

impl Expanded {
    fn new(model: &SimModel) -> Result<Expanded, ExactError> {
        let chain = Chain::new(model, true);
        let mut index: HashMap<(u32, Carried), usize> = HashMap::new();
        let mut ex = Expanded {
            states: Vec::new(),
            start: Vec::new(),
            moves: Vec::new(),
        };
        let mut add = |ex: &mut Expanded, step: u32, c: Carried| -> Result<usize, ExactError> {
            let key = (step, c);
            if let Some(&i) = index.get(&key) {
                return Ok(i);
            }
            if ex.states.len() >= MAX_EXACT_STEPS {
                return Err(ExactError::TooManyStates);
            }
            ex.states.push(key.clone());
            index.insert(key, ex.states.len() - 1);
            Ok(ex.states.len() - 1)
        };
        for (p, c) in chain.starts(model) {
            let i = add(&mut ex, model.start, c)?;
            ex.start.push((i, p));
        }
        let mut next = 0;
        while next < ex.states.len() {
            let (step, carried) = ex.states[next].clone();
            for (p, j, c) in chain.moves(model, step, &carried)? {
                let to = add(&mut ex, j, c)?;
                ex.moves.push((next, to, p));
            }
            next += 1;
        }
        Ok(ex)
    }

    /// Expected visits of each state from the start, with the rows of the
    /// states `stop` holds for cut (a journey stops on entering one).
    fn visits(&self, stop: impl Fn(usize) -> bool) -> Result<Vec<f64>, ExactError> {
        let m = self.states.len();
        // (I - Q)^T v = start.
        let mut a = DMatrix::<f64>::identity(m, m);
        for &(i, j, p) in &self.moves {
            if !stop(i) {
                a[(j, i)] -= p;
            }
        }
        let mut b = DVector::<f64>::zeros(m);
        for &(i, p) in &self.start {
            b[i] += p;
        }
        let v = a.lu().solve(&b).ok_or(ExactError::NeverEnds)?;
        if v.iter().any(|x| !x.is_finite() || *x < -1e-9) {
            return Err(ExactError::NeverEnds);
        }
        Ok(v.iter().copied().collect())
    }

    fn solve(&self, model: &SimModel) -> Result<Exact, ExactError> {
        let n = model.steps.len();
        let v = self.visits(|_| false)?;
        let mut visits = vec![0.0; n];
        let mut lead = 0.0;
        let mut contacts = Some(0.0);
        let mut outcomes = BTreeMap::new();
        for ((step, carried), &x) in self.states.iter().zip(&v) {
            let s = &model.steps[*step as usize];
            visits[*step as usize] += x;
            lead += x * s.duration.mean();
            let reaches = !(s.needs_identity && carried.anonymous);
            let updates = match (&s.updates, reaches) {
                (Some(u), true) => u.expected_count(&s.duration),
                _ => Some(0.0),
            };
            contacts = match (contacts, updates) {
                (Some(c), Some(u)) => Some(c + x * (f64::from(u8::from(s.contact && reaches)) + u)),
                _ => None,
            };
            if let Go::End(o) = s.go {
                *outcomes.entry(o.as_str().to_owned()).or_insert(0.0) += x;
            }
        }
        // The probability of a visit to step j: the expected entries into
        // its states when a journey stops at the first.
        let mut probabilities = vec![0.0; n];
        for (j, p) in probabilities.iter_mut().enumerate() {
            if visits[j] <= 0.0 {
                continue;
            }
            let of_j = |i: usize| self.states[i].0 as usize == j;
            let w = self.visits(of_j)?;
            *p = (0..self.states.len())
                .filter(|&i| of_j(i))
                .map(|i| w[i])
                .sum::<f64>()
                .clamp(0.0, 1.0);
        }
        let mut not_covered: Vec<String> = NOT_COVERED.iter().map(|&f| f.to_owned()).collect();
        if contacts.is_none() {
            not_covered.insert(0, "contacts_mean".to_owned());
        }
        Ok(Exact {
            lead_time_mean_days: lead,
            outcomes,
            visit_probability: (0..n)
                .map(|j| (model.step_name(j as u32), probabilities[j]))
                .collect(),
            contacts_mean: contacts,
            not_covered,
            expected_visits: visits,
            visit_probabilities: probabilities,
            expanded_states: Some(self.states.len()),
        })
    }
}

/// True when some condition of `model` satisfies `f`.
fn reads(model: &SimModel, f: impl Fn(&Expr<u32>) -> bool) -> bool {
    model
        .choices
        .iter()
        .any(|c| c.when.as_ref().is_some_and(&f))
}

/// Each counter's cap: one more than the largest count its step's
/// conditions compare visits with (more visits change nothing).
fn counter_caps(model: &SimModel) -> Vec<u8> {
    let mut caps = vec![1u8; model.counters as usize];
    for s in model.steps.iter().filter(|s| s.counter != NO_COUNTER) {
        let Go::Choose { from, len } = s.go else {
            continue;
        };
        let most = model
            .choices_of(from, len)
            .iter()
            .filter_map(|c| c.when.as_ref())
            .map(visit_constant)
            .fold(0.0f64, f64::max);
        caps[s.counter as usize] = (most.floor() + 1.0).clamp(1.0, 254.0) as u8;
    }
    caps
}

/// The largest count a condition compares `visits` with.
fn visit_constant(e: &Expr<u32>) -> f64 {
    match e {
        Expr::Compare {
            var: Var::Visits,
            value,
            ..
        } => *value,
        Expr::Not(a) => visit_constant(a),
        Expr::And(a, b) | Expr::Or(a, b) => visit_constant(a).max(visit_constant(b)),
        _ => 0.0,
    }
}

/// Every way `starts` go on once the attributes of `draws` the journey
/// does not carry are drawn, with its probability.
fn draw_all(draws: &[SimDraw], mut starts: Vec<(f64, Carried)>) -> Vec<(f64, Carried)> {
    for d in draws {
        starts = starts
            .into_iter()
            .flat_map(|(p, c)| {
                if c.attributes[d.attribute as usize] != UNDRAWN {
                    return vec![(p, c)];
                }
                let mut prev = 0.0;
                d.values
                    .iter()
                    .map(|&(cum, v)| {
                        let share = cum.min(1.0) - prev;
                        prev = cum.min(1.0);
                        let mut c = c.clone();
                        c.attributes[d.attribute as usize] = v;
                        (p * share, c)
                    })
                    .filter(|(p, _)| *p > 0.0)
                    .collect()
            })
            .collect();
    }
    starts
}
