//! The figures of a caseload run: every figure is the mean over the
//! replications of that replication's own figure, with the Student-t
//! interval over the replications ([`Estimate::across`]). The cases of one
//! replication share handlers and are not independent of each other; the
//! replications are. A journey figure of one replication is the one
//! definition of the independent mode ([`Aggregate`]'s methods), over the
//! cases measured in it.

use serde::Serialize;

use super::{CaseModel, Replication};
use crate::sim::Aggregate;
use crate::stats::Estimate;

/// Everything `meldroute simulate CASELOAD` reports.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CaseloadReport {
    /// The caseload's id.
    pub caseload: String,
    /// Its title.
    pub title: String,
    /// The first day simulated.
    pub start: String,
    /// The day after the last.
    pub until: String,
    /// Days of warm-up (not measured).
    pub warm_up_days: f64,
    /// Replications run.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// The confidence level of every interval (0.95).
    pub confidence: f64,
    /// Events over all replications: arrivals, starts of work by a handler,
    /// and the other entries of the event list (`Replication::events`).
    pub events: u64,
    /// Per procedure.
    pub procedures: Vec<FlowFigures>,
    /// Per pool of handlers.
    pub pools: Vec<PoolFigures>,
    /// Little's law over the measured part of the period: the time-average
    /// number of open cases against the arrival rate times the mean time a
    /// case is open.
    pub little: Little,
    /// Per calendar month: arrivals, throughput, open cases and queues.
    pub months: Vec<MonthFigures>,
}

/// The figures of one procedure of a caseload.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FlowFigures {
    /// Its id.
    pub procedure: String,
    /// Reports per replication that arrived after the warm-up and before
    /// the end: the cases measured.
    pub arrived: Estimate,
    /// Of those, the share that had not finished when the run stopped
    /// (twice the period, or the step limit).
    pub unfinished: Estimate,
    /// Mean lead time (days), waiting included, of the finished cases.
    pub lead_mean_days: Estimate,
    /// Its median.
    pub lead_p50_days: Estimate,
    /// Its 90th percentile.
    pub lead_p90_days: Estimate,
    /// Mean longest silence (days) of the finished cases.
    pub longest_silence_mean_days: Estimate,
    /// Of the cases with a report: first contact within 7 days.
    pub acknowledged_within_7_days: Estimate,
    /// Of the cases with a report: feedback within 3 months (the one
    /// definition, [`Aggregate::feedback_within_3_months`]).
    pub feedback_within_3_months: Estimate,
    /// Of the cases with a report: any feedback.
    pub feedback_rate: Estimate,
    /// Of the cases with a report: aftercare.
    pub aftercare_rate: Estimate,
    /// The mean experience score of the finished cases: a model of the
    /// reporter's experience, not a measurement (docs/experience.md).
    pub experience_mean: Estimate,
    /// Of the cases with a report, the share whose reporter was anonymous;
    /// absent when no case can be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous_share: Option<Estimate>,
    /// Of the anonymous reporters, the share with feedback; absent when no
    /// case can be anonymous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous_feedback_rate: Option<Estimate>,
    /// Of the cases, the share whose reporter met retaliation; absent when
    /// no step carries a risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retaliation_share: Option<Estimate>,
    /// Per step of the procedure and those it escalates to.
    pub steps: Vec<StepFigures>,
}

/// Where a step's time goes: waiting for a handler, and work.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StepFigures {
    /// The procedure of the step.
    pub procedure: String,
    /// The step's id.
    pub step: String,
    /// Its title.
    pub title: String,
    /// The pool whose handlers do it, if any.
    pub pool: Option<String>,
    /// Times it was taken per replication.
    pub visits: Estimate,
    /// Mean days waiting for a handler per visit.
    pub wait_days: Estimate,
    /// Mean days of work per visit.
    pub work_days: Estimate,
}

/// The figures of a pool.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PoolFigures {
    /// Its id.
    pub pool: String,
    /// Its handlers on average after the warm-up (the number of the file
    /// when it is the same all period).
    pub handlers: f64,
    /// Share of handler time at work, after the warm-up.
    pub utilisation: Estimate,
    /// Time-average number of cases waiting, after the warm-up.
    pub queue_mean: Estimate,
    /// Mean days a measured case waited for one of its handlers.
    pub wait_mean_days: Estimate,
    /// Services started for measured cases, per replication.
    pub served: Estimate,
}

/// Little's law, `L = lambda W`, checked on the output.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Little {
    /// Time-average number of open cases after the warm-up (`L`).
    pub open_mean: Estimate,
    /// Reports per day after the warm-up (`lambda`).
    pub arrivals_per_day: Estimate,
    /// Mean days a measured case is open, finished cases (`W`).
    pub lead_mean_days: Estimate,
    /// `lambda W`, per replication.
    pub lambda_w: Estimate,
}

/// One calendar month.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MonthFigures {
    /// Its first day (the period's start for the first month).
    pub month: String,
    /// Part of the warm-up.
    pub warm_up: bool,
    /// Reports that arrived in it.
    pub arrived: Estimate,
    /// Cases that finished in it.
    pub finished: Estimate,
    /// Cases open at its end: the backlog.
    pub open: Estimate,
    /// Per pool (in pool order): cases waiting at its end.
    pub queue: Vec<Estimate>,
    /// Per pool: cases its handlers work on at its end (with `queue`, the
    /// cases pending at the pool).
    pub in_service: Vec<Estimate>,
    /// Per pool: services completed in it (the pool's throughput).
    pub served: Vec<Estimate>,
    /// Per pool: share of handler time at work in it.
    pub utilisation: Vec<Estimate>,
}

/// The figure `f` of every replication, with its interval.
pub(crate) fn across(reps: &[Replication], f: impl Fn(&Replication) -> f64) -> Estimate {
    let values: Vec<f64> = reps.iter().map(f).collect();
    Estimate::across(&values)
}

/// The share of pool `p`'s handler time at work in replication `r`,
/// after the warm-up.
pub(crate) fn utilisation(model: &CaseModel, p: usize, r: &Replication) -> f64 {
    let c = &model.caseload;
    r.pools[p].busy
        / model.pools[p]
            .capacity(c.warm_up, c.days)
            .max(f64::MIN_POSITIVE)
}

/// The mean days a measured case waited for one of pool `p`'s handlers in
/// replication `r` (0 when none was served).
pub(crate) fn pool_wait(p: usize, r: &Replication) -> f64 {
    let t = &r.pools[p];
    if t.served == 0 {
        0.0
    } else {
        t.waited / t.served as f64
    }
}

/// The mean lead time (days) of the finished measured cases of every
/// procedure of replication `r` (0 when none finished).
pub(crate) fn lead_all(r: &Replication) -> f64 {
    let (sum, n) = r.journeys.iter().fold((0.0, 0u64), |(s, n), a| {
        let m = &a.lead.moments;
        (s + m.mean * m.count as f64, n + m.count)
    });
    if n == 0 { 0.0 } else { sum / n as f64 }
}

impl CaseloadReport {
    /// The figures of `reps`, the replications of `model` run with `seed`.
    pub fn new(model: &CaseModel, reps: &[Replication], seed: u64) -> CaseloadReport {
        let c = &model.caseload;
        let measured_days = (c.days - c.warm_up).max(f64::MIN_POSITIVE);
        let procedures = model
            .flows
            .iter()
            .enumerate()
            .map(|(f, flow)| {
                let j = |g: &dyn Fn(&Aggregate) -> f64| across(reps, |r| g(&r.journeys[f]));
                let steps = (0..flow.model.steps.len())
                    .map(|i| {
                        let st = &flow.model.steps[i];
                        let pool = flow.step_pool[i];
                        let per_visit = |r: &Replication, sum: f64| {
                            let n = r.journeys[f].step_entries[i];
                            if n == 0 { 0.0 } else { sum / n as f64 }
                        };
                        StepFigures {
                            procedure: flow.model.procedures[st.procedure as usize].id.clone(),
                            step: flow.model.names[i].id.clone(),
                            title: flow.model.names[i].title.clone(),
                            pool: model.pools.get(pool as usize).map(|p| p.id.clone()),
                            visits: across(reps, |r| r.journeys[f].step_entries[i] as f64),
                            wait_days: across(reps, |r| per_visit(r, r.waited[f][i])),
                            work_days: across(reps, |r| per_visit(r, r.journeys[f].step_days[i])),
                        }
                    })
                    .collect();
                FlowFigures {
                    procedure: flow.procedure.clone(),
                    arrived: j(&|a| a.runs as f64),
                    unfinished: j(&|a| a.unfinished_share().value),
                    lead_mean_days: j(&|a| a.lead.moments.mean),
                    lead_p50_days: j(&|a| quantile(a, 0.5)),
                    lead_p90_days: j(&|a| quantile(a, 0.9)),
                    longest_silence_mean_days: j(&|a| a.longest_silence.moments.mean),
                    acknowledged_within_7_days: j(&|a| a.acknowledged_within_7_days().value),
                    feedback_within_3_months: j(&|a| a.feedback_within_3_months().value),
                    feedback_rate: j(&|a| a.feedback_rate().value),
                    aftercare_rate: j(&|a| a.aftercare_rate().value),
                    experience_mean: j(&|a| a.experience.mean()),
                    anonymous_share: flow
                        .model
                        .has_anonymity()
                        .then(|| j(&|a| a.anonymous_share().value)),
                    anonymous_feedback_rate: flow
                        .model
                        .has_anonymity()
                        .then(|| j(&|a| a.anonymous_feedback_rate().value)),
                    retaliation_share: flow
                        .model
                        .has_risk()
                        .then(|| j(&|a| a.retaliation_share().value)),
                    steps,
                }
            })
            .collect();
        let pools = model
            .pools
            .iter()
            .enumerate()
            .map(|(p, pool)| PoolFigures {
                pool: pool.id.clone(),
                handlers: pool.capacity(c.warm_up, c.days) / measured_days,
                utilisation: across(reps, |r| utilisation(model, p, r)),
                queue_mean: across(reps, |r| r.pools[p].queued / measured_days),
                wait_mean_days: across(reps, |r| pool_wait(p, r)),
                served: across(reps, |r| r.pools[p].served as f64),
            })
            .collect();
        let little = Little {
            open_mean: across(reps, |r| r.in_system / measured_days),
            arrivals_per_day: across(reps, |r| r.arrived as f64 / measured_days),
            lead_mean_days: across(reps, lead_all),
            lambda_w: across(reps, |r| r.arrived as f64 / measured_days * lead_all(r)),
        };
        let months = model
            .months
            .iter()
            .enumerate()
            .map(|(m, (date, from))| MonthFigures {
                month: date.to_string(),
                warm_up: *from < c.warm_up,
                arrived: across(reps, |r| r.months[m].arrived as f64),
                finished: across(reps, |r| r.months[m].finished as f64),
                open: across(reps, |r| r.months[m].open as f64),
                queue: (0..model.pools.len())
                    .map(|p| across(reps, |r| r.months[m].queue[p] as f64))
                    .collect(),
                in_service: (0..model.pools.len())
                    .map(|p| across(reps, |r| r.months[m].in_service[p] as f64))
                    .collect(),
                served: (0..model.pools.len())
                    .map(|p| across(reps, |r| r.months[m].served[p] as f64))
                    .collect(),
                utilisation: model
                    .pools
                    .iter()
                    .enumerate()
                    .map(|(p, pool)| {
                        let to = model.months.get(m + 1).map_or(c.days, |n| n.1);
                        let cap = pool.capacity(*from, to).max(f64::MIN_POSITIVE);
                        across(reps, |r| r.months[m].busy[p] / cap)
                    })
                    .collect(),
            })
            .collect();
        CaseloadReport {
            caseload: c.id.clone(),
            title: c.title.clone(),
            start: c.start.to_string(),
            until: c.until.to_string(),
            warm_up_days: c.warm_up,
            replications: reps.len() as u32,
            seed,
            confidence: 0.95,
            events: reps.iter().map(|r| r.events).sum(),
            procedures,
            pools,
            little,
            months,
        }
    }
}

/// Quantile `q` of the lead times of `a`'s finished journeys (0 for none).
fn quantile(a: &Aggregate, q: f64) -> f64 {
    if a.lead.moments.count == 0 {
        0.0
    } else {
        a.lead.quantile(q)
    }
}
