//! The figures of a simulation, as later tooling reads them (JSON keys).

use std::collections::BTreeMap;

use serde::Serialize;

use super::exact::Exact;
use super::{Aggregate, OUTCOMES, SimModel, SimOptions};
use crate::stats::DurationStats;

/// One deadline's compliance.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DeadlineReport {
    /// `procedure:step` that must complete in time.
    pub step: String,
    /// The limit in days.
    pub within_days: f64,
    /// `procedure:step` it counts from, or `null` for entering the procedure.
    pub from: Option<String>,
    /// The rule.
    pub basis: String,
    /// Share of journeys that reach the step (with its starting point passed).
    pub reached: f64,
    /// Share of those that complete it in time.
    pub met: f64,
}

/// Where the time goes: one step.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StepReport {
    /// Procedure id.
    pub procedure: String,
    /// Step id.
    pub step: String,
    /// Step title.
    pub title: String,
    /// Share of journeys that visit it.
    pub visit_rate: f64,
    /// Mean days spent in it per journey (all journeys).
    pub mean_days: f64,
    /// Its part of the mean lead time.
    pub share_of_lead_time: f64,
}

/// The result of `meldroute simulate`.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SimReport {
    /// The procedure the journeys start in.
    pub procedure: String,
    /// Number of journeys.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// Step limit per journey.
    pub max_steps: u32,
    /// Start to end, finished journeys.
    pub lead_time_days: DurationStats,
    /// Report to first contact after it.
    pub first_contact_days: DurationStats,
    /// Longest time without contact from the report to the end.
    pub longest_silence_days: DurationStats,
    /// Share of finished journeys without any contact after the report.
    pub no_contact_after_report: f64,
    /// Mean contacts with the reporter per journey.
    pub contacts_mean: f64,
    /// Mean changes of actor per journey.
    pub handoffs_mean: f64,
    /// Mean procedures visited per journey.
    pub procedures_mean: f64,
    /// Share of journeys with a feedback step after the report.
    pub feedback_rate: f64,
    /// Share of journeys with an aftercare step.
    pub aftercare_rate: f64,
    /// Share of journeys per outcome.
    pub outcomes: BTreeMap<String, f64>,
    /// Share of journeys entering each other procedure by escalation.
    pub escalations: BTreeMap<String, f64>,
    /// Deadline compliance.
    pub deadlines: Vec<DeadlineReport>,
    /// Steps, most time first.
    pub steps: Vec<StepReport>,
    /// Share of journeys that hit the step limit.
    pub unfinished: f64,
    /// The run stopped after its first batch of journeys because every one
    /// hit the step limit; `runs` is the number that ran.
    pub stopped_early: bool,
    /// Steps simulated in all.
    pub steps_simulated: u64,
    /// Exact expectations, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Exact>,
}

fn share(n: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

impl SimReport {
    /// The report of `agg`, simulated from `model` with `opts`.
    pub fn new(model: &SimModel, opts: &SimOptions, agg: &Aggregate) -> SimReport {
        let finished = agg.runs - agg.unfinished;
        let mut outcomes = BTreeMap::new();
        for (o, &n) in OUTCOMES.iter().zip(&agg.outcomes) {
            if n > 0 {
                outcomes.insert(o.as_str().to_owned(), share(n, agg.runs));
            }
        }
        let escalations = model
            .procedures
            .iter()
            .zip(&agg.escalations)
            .skip(1)
            .map(|(p, &n)| (p.id.clone(), share(n, agg.runs)))
            .collect();
        let deadlines = model
            .deadlines
            .iter()
            .zip(&agg.deadlines)
            .map(|(d, &(reached, met))| DeadlineReport {
                step: model.step_name(d.step),
                within_days: d.within,
                from: d.from.map(|f| model.step_name(f)),
                basis: d.basis.clone(),
                reached: share(reached, agg.runs),
                met: share(met, reached),
            })
            .collect();
        let total_days: f64 = agg.step_days.iter().sum();
        let mut steps: Vec<StepReport> = model
            .steps
            .iter()
            .enumerate()
            .filter(|(i, _)| agg.visits[*i] > 0)
            .map(|(i, s)| StepReport {
                procedure: model.procedures[s.procedure as usize].id.clone(),
                step: model.names[i].id.clone(),
                title: model.names[i].title.clone(),
                visit_rate: share(agg.visits[i], agg.runs),
                mean_days: if agg.runs == 0 {
                    0.0
                } else {
                    agg.step_days[i] / agg.runs as f64
                },
                share_of_lead_time: if total_days > 0.0 {
                    agg.step_days[i] / total_days
                } else {
                    0.0
                },
            })
            .collect();
        steps.sort_by(|a, b| b.mean_days.total_cmp(&a.mean_days));
        SimReport {
            procedure: model.procedures[0].id.clone(),
            runs: agg.runs,
            seed: opts.seed,
            max_steps: opts.max_steps,
            lead_time_days: agg.lead.stats(),
            first_contact_days: agg.first_contact.stats(),
            longest_silence_days: agg.longest_silence.stats(),
            no_contact_after_report: share(
                finished - agg.first_contact.moments.count.min(finished),
                finished,
            ),
            contacts_mean: share(agg.contacts, finished),
            handoffs_mean: share(agg.handoffs, finished),
            procedures_mean: share(agg.procedures, finished),
            feedback_rate: share(agg.feedback, agg.runs),
            aftercare_rate: share(agg.aftercare, agg.runs),
            outcomes,
            escalations,
            deadlines,
            steps,
            unfinished: share(agg.unfinished, agg.runs),
            stopped_early: agg.stopped_early,
            steps_simulated: agg.steps_simulated,
            exact: None,
        }
    }
}
