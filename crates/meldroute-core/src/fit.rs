//! A procedure's figures measured from real cases (`meldroute fit`,
//! docs/fit.md): each step's durations fitted to the format's
//! distributions ([`family`]), each branch's probability estimated from
//! the counts with its interval, and the procedure file rewritten with the
//! fitted figures in place ([`write`]), everything else as it was.
//!
//! The cases are those of a log that fit the procedure
//! ([`crate::conform::Conformance::cases`]): every visit of a step is one
//! value of its duration, every visit followed by another step one
//! observation of its branches.

pub mod family;
mod write;

pub use write::{Header, distribution, duration, probability, write};

use crate::duration::{Distribution, Duration};
use crate::model::Basis;
use crate::sim::observe::ObservedCase;
use crate::sim::{Go, SimModel};
use crate::stats::{Interval, sorted_quantile_interval, wilson};
use family::{Candidate, KS_ALPHA, Ks};

/// The fewest cases that fit the procedure for any fit: with fewer, `fit`
/// warns and fits nothing.
pub const MIN_CASES: u64 = 5;
/// The fewest values of a figure (visits of a step, or visits with a next
/// step for its branches) to fit it.
pub const MIN_VALUES: u64 = 5;
/// Below this many values a duration is fitted as the empirical
/// distribution of its values, with a warning: too few to choose a
/// distribution.
pub const FEW_VALUES: u64 = 30;
/// The most values an empirical distribution writes into a file (more
/// values are summarised by as many evenly spaced quantiles).
pub const MAX_EMPIRICAL: usize = 100;
/// Values that differ by at most this many days (a minute) are one fixed
/// duration.
pub const FIXED_TOLERANCE_DAYS: f64 = 1.0 / 1440.0;

/// What a step's duration is measured as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// From the step's `start` event where the log has one (its work,
    /// the wait before it left out), else from the event before it.
    Auto,
    /// Always from the event before it (the previous step's completion):
    /// waiting included, as the independent mode's durations are.
    Elapsed,
}

/// What the log says about one step of the procedure.
#[derive(Clone, Debug, Default)]
struct StepData {
    /// Each visit's duration, in days (working days for a step in `wd`).
    durations: Vec<f64>,
    /// Of those, the visits measured from their `start` event.
    from_start: u64,
    /// The time between the event before a visit and its start, where the
    /// log has a start.
    waits: Vec<f64>,
    /// The cases that visited it.
    cases: u64,
    /// Per branch of the model (those with a probability above 0), its
    /// target step and the visits that went on along it.
    taken: Vec<(u32, u64)>,
    /// The cases that went on from it (to any branch).
    branch_cases: u64,
}

/// Why a figure was not fitted: the file keeps it.
#[derive(Clone, Debug, PartialEq)]
pub enum Kept {
    /// No case of the log reached the step.
    NotInLog,
    /// The step is where every case starts, and the log has no `start`
    /// event for it: its completion is the case's first event, so its
    /// duration cannot be told.
    FirstEvent,
    /// Too few values (fewer than [`MIN_VALUES`]).
    TooFew {
        /// The values there were.
        values: u64,
    },
    /// The fitted distribution is not one the format accepts (a duration
    /// beyond 100 years, say): what the check said.
    Invalid(String),
}

/// How a duration's distribution was chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    /// Every value the same (within a minute).
    Fixed,
    /// The family with the lowest AIC (the candidates, lowest first), not
    /// rejected by its Kolmogorov-Smirnov test.
    Aic {
        /// Every family fitted, lowest AIC first (the first is chosen).
        candidates: Vec<Candidate>,
        /// The test of the chosen.
        ks: Ks,
    },
    /// The empirical distribution of the values: too few values to choose
    /// (fewer than [`FEW_VALUES`]).
    Few,
    /// The empirical distribution: the best family by AIC fits poorly
    /// (Kolmogorov-Smirnov p below [`KS_ALPHA`]).
    PoorFit {
        /// Every family fitted, lowest AIC first.
        candidates: Vec<Candidate>,
        /// The test of the best.
        ks: Ks,
    },
}

/// A step's duration, fitted.
#[derive(Clone, Debug, PartialEq)]
pub struct DurationFit {
    /// The distribution written.
    pub distribution: Distribution,
    /// How it was chosen.
    pub choice: Choice,
    /// Values (visits) it was fitted to.
    pub values: u64,
    /// Cases those visits belong to.
    pub cases: u64,
    /// Of the values, those measured from the step's `start` event; the
    /// others are the time since the event before (waiting included).
    pub from_start: u64,
    /// The values' median (nearest rank), in days (working days for `wd`).
    pub median: f64,
    /// Its 95% interval (order statistics), if the values allow one.
    pub median_ci: Option<Interval>,
    /// The median wait between the event before and the step's start,
    /// where the log has starts (left out of the duration).
    pub wait_median: Option<f64>,
    /// In working days.
    pub working: bool,
}

/// One branch's probability, estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    /// The step it goes to.
    pub to: String,
    /// The visits that went on along it.
    pub count: u64,
    /// The probability written (the share, rounded so that the step's
    /// probabilities sum to exactly 1).
    pub p: f64,
    /// The share's 95% Wilson interval.
    pub ci95: Interval,
}

/// A step's branch probabilities, estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct BranchFit {
    /// Visits followed by a next step.
    pub observations: u64,
    /// Cases those visits belong to.
    pub cases: u64,
    /// Each branch, in the file's order.
    pub shares: Vec<Share>,
}

/// What was fitted of one step of the procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct StepFit {
    /// Its id.
    pub id: String,
    /// Its duration, or why it is kept.
    pub duration: Result<DurationFit, Kept>,
    /// Its branches, if it has any, or why they are kept.
    pub branches: Option<Result<BranchFit, Kept>>,
    /// Its basis before the fit.
    pub basis: Option<Basis>,
    /// The distribution the file had.
    pub written: Distribution,
    /// The branch probabilities the file had, in its order.
    pub written_p: Vec<f64>,
}

impl StepFit {
    /// True when every figure of the step was fitted: its basis becomes
    /// `measured`.
    pub fn measured(&self) -> bool {
        self.duration.is_ok() && self.branches.as_ref().is_none_or(Result::is_ok)
    }

    /// True when the file changes for this step: a figure fitted that
    /// differs from what the file has.
    pub fn changes(&self) -> bool {
        let duration = self
            .duration
            .as_ref()
            .is_ok_and(|d| d.distribution != self.written);
        let branches = matches!(&self.branches, Some(Ok(b))
            if b.shares.iter().map(|s| s.p).ne(self.written_p.iter().copied()));
        duration || branches
    }

    /// True when a figure was fitted on fewer than [`FEW_VALUES`] values
    /// (a warning: its interval is wide).
    pub fn few(&self) -> bool {
        let d = self.duration.as_ref().is_ok_and(|d| d.values < FEW_VALUES);
        let b = matches!(&self.branches, Some(Ok(b)) if b.observations < FEW_VALUES);
        d || b
    }
}

/// What [`fit`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// The cases fitted to (those that fit the procedure).
    pub cases: u64,
    /// What durations were measured as.
    pub measure: Measure,
    /// Each step of the procedure, in the file's order.
    pub steps: Vec<StepFit>,
}

impl Fit {
    /// True when something was fitted: at least [`MIN_CASES`] cases and
    /// a step whose file changes.
    pub fn fitted(&self) -> bool {
        self.cases >= MIN_CASES && self.steps.iter().any(StepFit::changes)
    }
}

/// The figures of `procedure` (the procedure `model`, on the cases'
/// dates, was compiled from) fitted to `cases`, each step's durations
/// measured as `measure` says. With fewer than [`MIN_CASES`] cases nothing
/// is fitted: every figure is [`Kept::TooFew`].
pub fn fit(
    procedure: &crate::model::Procedure,
    model: &SimModel,
    cases: &[ObservedCase],
    measure: Measure,
) -> Fit {
    let data = collect(model, cases, measure);
    let enough = cases.len() as u64 >= MIN_CASES;
    let steps = procedure
        .steps
        .iter()
        .map(|(id, step)| {
            let index = model
                .names
                .iter()
                .zip(&model.steps)
                .position(|(n, s)| s.procedure == 0 && n.id == id.value);
            let written = step.duration.value.clone();
            let d = index.map(|i| &data[i]);
            let start = index.is_some_and(|i| i as u32 == model.start);
            let too_few = |values: u64| Kept::TooFew { values };
            let duration = match d {
                None => Err(Kept::NotInLog),
                Some(d) if d.cases == 0 => Err(Kept::NotInLog),
                Some(d) if start && d.durations.is_empty() => Err(Kept::FirstEvent),
                Some(d) if !enough => Err(too_few(d.durations.len() as u64)),
                Some(d) => fit_duration(d, written.is_working()),
            };
            let branches = match (index, step.next.as_deref()) {
                (Some(i), Some(crate::model::Next::Branches(b))) => Some(match &data[i] {
                    d if d.cases == 0 => Err(Kept::NotInLog),
                    d => {
                        // The file's branches in its order, with their
                        // counts (0 for one the model leaves out, at p 0).
                        let counts: Vec<(String, u64)> = b
                            .iter()
                            .map(|b| {
                                let to = model.names.iter().zip(&model.steps).position(|(n, s)| {
                                    s.procedure == model.steps[i].procedure && n.id == b.to.value
                                });
                                let count = d
                                    .taken
                                    .iter()
                                    .find(|t| Some(t.0 as usize) == to)
                                    .map_or(0, |t| t.1);
                                (b.to.value.clone(), count)
                            })
                            .collect();
                        if enough {
                            let written: Vec<f64> = b.iter().map(|b| b.p.value.0).collect();
                            fit_branches(&counts, &written, d.branch_cases)
                        } else {
                            Err(too_few(counts.iter().map(|c| c.1).sum()))
                        }
                    }
                }),
                (None, Some(crate::model::Next::Branches(_))) => Some(Err(Kept::NotInLog)),
                (_, Some(crate::model::Next::Conditional(_))) => Some(Err(Kept::Invalid(
                    "its branches depend on the journey's state (`when` conditions), which fit does not estimate".to_owned(),
                ))),
                _ => None,
            };
            StepFit {
                id: id.value.clone(),
                duration,
                branches,
                basis: step.basis.as_ref().map(|b| b.value),
                written,
                written_p: match step.next.as_deref() {
                    Some(crate::model::Next::Branches(b)) => {
                        b.iter().map(|b| b.p.value.0).collect()
                    }
                    _ => Vec::new(),
                },
            }
        })
        .collect();
    Fit {
        cases: cases.len() as u64,
        measure,
        steps,
    }
}

/// What the cases say about each step of `model` (indexed as its steps;
/// only the procedure's own steps, procedure 0, are filled).
fn collect(model: &SimModel, cases: &[ObservedCase], measure: Measure) -> Vec<StepData> {
    let mut data: Vec<StepData> = model
        .steps
        .iter()
        .map(|s| StepData {
            taken: match s.go {
                Go::Branch { from, len } => model
                    .branches_of(from, len)
                    .iter()
                    .map(|b| (b.1, 0))
                    .collect(),
                _ => Vec::new(),
            },
            ..StepData::default()
        })
        .collect();
    let mut seen = vec![u64::MAX; model.steps.len()];
    let mut went_on = vec![u64::MAX; model.steps.len()];
    for (c, case) in cases.iter().enumerate() {
        let c = c as u64;
        for (k, obs) in case.steps.iter().enumerate() {
            let s = obs.step as usize;
            let step = &model.steps[s];
            if step.procedure != 0 {
                continue;
            }
            let d = &mut data[s];
            if seen[s] != c {
                seen[s] = c;
                d.cases += 1;
            }
            let before = k.checked_sub(1).map(|p| case.steps[p].end);
            let from = match (measure, obs.start, before) {
                (Measure::Auto, Some(start), _) | (Measure::Elapsed, Some(start), None) => {
                    d.from_start += 1;
                    if let Some(b) = before {
                        d.waits.push(start - b);
                    }
                    Some(start)
                }
                (_, _, Some(b)) => {
                    if let Some(start) = obs.start {
                        d.waits.push(start - b);
                    }
                    Some(b)
                }
                (_, None, None) => None,
            };
            if let Some(from) = from {
                let value = match (&model.dates, step.working) {
                    (Some(dates), w) if w != crate::sim::model::NOT_WORKING => {
                        dates.working_days(w, from, obs.end)
                    }
                    _ => obs.end - from,
                };
                if value.is_finite() {
                    d.durations.push(value.max(0.0));
                }
            }
            if let (Go::Branch { from, len }, Some(next)) = (&step.go, case.steps.get(k + 1)) {
                let targets = model.branches_of(*from, *len);
                if let Some(b) = targets.iter().position(|t| t.1 == next.step) {
                    d.taken[b].1 += 1;
                    if went_on[s] != c {
                        went_on[s] = c;
                        d.branch_cases += 1;
                    }
                }
            }
        }
    }
    data
}

/// A step's duration fitted to its values.
fn fit_duration(d: &StepData, working: bool) -> Result<DurationFit, Kept> {
    let values = d.durations.len() as u64;
    if values < MIN_VALUES {
        return Err(Kept::TooFew { values });
    }
    let mut sorted = d.durations.clone();
    sorted.sort_by(f64::total_cmp);
    let unit = |days: f64| {
        if working {
            Duration::from_working_days(days)
        } else {
            Duration::from_days(days)
        }
    };
    let n = sorted.len();
    let median = sorted[(n.div_ceil(2)).max(1) - 1];
    let (distribution, choice) = if sorted[n - 1] - sorted[0] <= FIXED_TOLERANCE_DAYS {
        (Distribution::Fixed(unit(round(median))), Choice::Fixed)
    } else if values < FEW_VALUES {
        (empirical(&sorted, unit), Choice::Few)
    } else {
        let candidates = family::candidates(&sorted, working);
        match candidates
            .first()
            .and_then(|c| Some((c, family::ks(&sorted, &c.distribution)?)))
        {
            Some((best, ks)) if ks.p >= KS_ALPHA => (
                best.distribution.clone(),
                Choice::Aic {
                    candidates: candidates.clone(),
                    ks,
                },
            ),
            Some((_, ks)) => (
                empirical(&sorted, unit),
                Choice::PoorFit {
                    candidates: candidates.clone(),
                    ks,
                },
            ),
            None => (empirical(&sorted, unit), Choice::Few),
        }
    };
    let distribution = rounded(&distribution);
    distribution.check().map_err(Kept::Invalid)?;
    let mut waits = d.waits.clone();
    waits.sort_by(f64::total_cmp);
    Ok(DurationFit {
        distribution,
        choice,
        values,
        cases: d.cases,
        from_start: d.from_start,
        median,
        median_ci: sorted_quantile_interval(&sorted, 0.5),
        wait_median: (!waits.is_empty()).then(|| waits[waits.len().div_ceil(2).max(1) - 1]),
        working,
    })
}

/// The empirical distribution of `sorted`: every value, or with more than
/// [`MAX_EMPIRICAL`] values that many quantiles, at `(i + 1/2) / k`.
fn empirical(sorted: &[f64], unit: impl Fn(f64) -> Duration) -> Distribution {
    let n = sorted.len();
    let k = n.min(MAX_EMPIRICAL);
    Distribution::Empirical(
        (0..k)
            .map(|i| {
                let at = ((i as f64 + 0.5) / k as f64 * n as f64).floor() as usize;
                unit(round(sorted[at.min(n - 1)]))
            })
            .collect(),
    )
}

/// Days as written: to the minute below a day, to a hundredth above.
pub fn round(days: f64) -> f64 {
    if days < 1.0 {
        (days * 1440.0).round() / 1440.0
    } else {
        (days * 100.0).round() / 100.0
    }
}

/// `dist` with every duration [`round`]ed as written.
fn rounded(dist: &Distribution) -> Distribution {
    let r = |d: &Duration| {
        if d.is_working() {
            Duration::from_working_days(round(d.days()))
        } else {
            Duration::from_days(round(d.days()))
        }
    };
    match dist {
        Distribution::Fixed(d) => Distribution::Fixed(r(d)),
        Distribution::Uniform { min, max } => Distribution::Uniform {
            min: r(min),
            max: r(max),
        },
        Distribution::Triangular { min, mode, max } => Distribution::Triangular {
            min: r(min),
            mode: r(mode),
            max: r(max),
        },
        Distribution::Exponential { mean } => Distribution::Exponential { mean: r(mean) },
        Distribution::Lognormal { median, p90 } => Distribution::Lognormal {
            median: r(median),
            p90: r(p90),
        },
        Distribution::Empirical(v) => Distribution::Empirical(v.iter().map(r).collect()),
    }
}

/// The decimals a probability is written with.
pub const P_DECIMALS: i32 = 4;

/// A step's branch probabilities from the count of each branch (its
/// target and the visits along it, in the file's order), of `cases` cases.
/// A branch the file gives a probability above 0 (`written`) that no
/// visit took gets the least probability written, 10^-4, from the largest
/// share: at 0 its step might no longer be reached (MR004), and the data
/// do not rule a small share out (the note gives its interval).
fn fit_branches(counts: &[(String, u64)], written: &[f64], cases: u64) -> Result<BranchFit, Kept> {
    let n: u64 = counts.iter().map(|c| c.1).sum();
    if n < MIN_VALUES {
        return Err(Kept::TooFew { values: n });
    }
    // Rounded to 10^-4 by the largest remainder, so they sum to 1.
    let unit = 10f64.powi(P_DECIMALS);
    let exact: Vec<f64> = counts
        .iter()
        .map(|c| c.1 as f64 / n as f64 * unit)
        .collect();
    let mut units: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let short = unit as u64 - units.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(short as usize) {
        units[i] += 1;
    }
    for i in 0..units.len() {
        if units[i] == 0 && written.get(i).is_some_and(|&p| p > 0.0) {
            let largest = (0..units.len()).max_by_key(|&k| (units[k], usize::MAX - k));
            if let Some(l) = largest.filter(|&l| units[l] > 1) {
                units[l] -= 1;
                units[i] = 1;
            }
        }
    }
    let shares = counts
        .iter()
        .zip(units)
        .map(|((to, count), u)| Share {
            to: to.clone(),
            count: *count,
            p: u as f64 / unit,
            ci95: wilson(*count, n).unwrap_or(Interval {
                low: 0.0,
                high: 1.0,
            }),
        })
        .collect();
    Ok(BranchFit {
        observations: n,
        cases,
        shares,
    })
}

#[cfg(test)]
mod tests;
