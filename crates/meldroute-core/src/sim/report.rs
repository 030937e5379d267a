//! The figures of a simulation, as later tooling reads them (JSON keys).

use std::collections::BTreeMap;

use serde::Serialize;

use super::exact::Exact;
use super::{Aggregate, OUTCOMES, Precision, SimModel, SimOptions};
use crate::stats::{CONFIDENCE, DurationStats, Interval};

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
    /// 95% interval of `reached` (Wilson).
    pub reached_ci95: Option<Interval>,
    /// Share of those that complete it in time.
    pub met: f64,
    /// 95% interval of `met` (Wilson; `null` when no journey reached the step).
    pub met_ci95: Option<Interval>,
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
    /// 95% interval of `visit_rate` (Wilson).
    pub visit_rate_ci95: Option<Interval>,
    /// Mean days spent in it per journey (all journeys, whether they visit
    /// it or not).
    pub mean_days: f64,
    /// 95% interval of `mean_days` (batch means).
    pub mean_days_ci95: Option<Interval>,
    /// Times it was taken, over all journeys (a journey that loops takes
    /// it more than once): the denominator of `mean_days_per_visit`.
    pub visits: u64,
    /// Mean days of one visit: the days spent in it over `visits`.
    pub mean_days_per_visit: f64,
    /// 95% interval of `mean_days_per_visit` (batch means, a ratio).
    pub mean_days_per_visit_ci95: Option<Interval>,
    /// Its part of the mean lead time.
    pub share_of_lead_time: f64,
    /// 95% interval of `share_of_lead_time` (batch means).
    pub share_of_lead_time_ci95: Option<Interval>,
}

/// One precision target and how far the run got.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TargetReport {
    /// The figure (`lead_time.mean`).
    pub figure: String,
    /// The half-width asked for (days, a fraction, or a number per journey).
    pub half_width: f64,
    /// How far the interval reached from the figure on its wider side
    /// (`null`: no interval yet).
    pub reached: Option<f64>,
    /// Whether it is met.
    pub met: bool,
}

/// What `--precision` asked and got.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PrecisionReport {
    /// Every target was met (`runs` journeys were enough); false when the
    /// ceiling stopped the run first.
    pub met: bool,
    /// The ceiling on runs.
    pub max_runs: u64,
    /// Each target.
    pub targets: Vec<TargetReport>,
}

impl PrecisionReport {
    fn new(p: &Precision, agg: &Aggregate) -> PrecisionReport {
        PrecisionReport {
            met: agg.precision_met,
            max_runs: p.max_runs,
            targets: p
                .targets
                .iter()
                .map(|t| {
                    let reached = t.reached(agg);
                    TargetReport {
                        figure: t.kpi.name().to_owned(),
                        half_width: t.half_width,
                        reached,
                        met: reached.is_some_and(|r| r <= t.half_width),
                    }
                })
                .collect(),
        }
    }
}

/// The result of `meldroute simulate`.
///
/// Every simulated mean and share has a sibling `..._ci95`: its 95%
/// confidence interval, `{low, high}`, or `null` where there is nothing to
/// estimate one from (`docs/simulation.md`, "How sure a figure is").
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
    /// The confidence level of every `..._ci95` interval (0.95).
    pub confidence: f64,
    /// Start to end, finished journeys.
    pub lead_time_days: DurationStats,
    /// Report to first contact after it.
    pub first_contact_days: DurationStats,
    /// Longest time without contact from the report to the end.
    pub longest_silence_days: DurationStats,
    /// Journeys that made a report (took a step of kind `report`), finished
    /// or not: the denominator of the reporter shares below
    /// (`no_contact_after_report`, `acknowledged_within_7_days`,
    /// `feedback_within_3_months`, `feedback_rate`, `aftercare_rate`).
    pub reported: u64,
    /// Of the journeys that made a report, the share without any contact
    /// after it.
    pub no_contact_after_report: f64,
    /// 95% interval of `no_contact_after_report`.
    pub no_contact_after_report_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share whose first contact
    /// after it came within 7 days.
    pub acknowledged_within_7_days: f64,
    /// 95% interval of `acknowledged_within_7_days` (Wilson).
    pub acknowledged_within_7_days_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share with feedback within
    /// 3 months of the acknowledgement (Richtlijn (EU) 2019/1937 art.
    /// 9(1)(f) with 5(13)): the first feedback after the report, interim
    /// feedback included, counted from the first contact after the report
    /// (or from 7 days after it when there was none before the feedback).
    pub feedback_within_3_months: f64,
    /// 95% interval of `feedback_within_3_months` (Wilson).
    pub feedback_within_3_months_ci95: Option<Interval>,
    /// Mean contacts with the reporter per journey.
    pub contacts_mean: f64,
    /// 95% interval of `contacts_mean`.
    pub contacts_mean_ci95: Option<Interval>,
    /// Mean changes of actor per journey.
    pub handoffs_mean: f64,
    /// 95% interval of `handoffs_mean`.
    pub handoffs_mean_ci95: Option<Interval>,
    /// Mean procedures visited per journey.
    pub procedures_mean: f64,
    /// 95% interval of `procedures_mean`.
    pub procedures_mean_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share with a feedback step
    /// after it.
    pub feedback_rate: f64,
    /// 95% interval of `feedback_rate`.
    pub feedback_rate_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share with an aftercare step.
    pub aftercare_rate: f64,
    /// 95% interval of `aftercare_rate`.
    pub aftercare_rate_ci95: Option<Interval>,
    /// The anonymous reporters, when some journeys may be anonymous (a
    /// procedure's `anonymous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<AnonymousReport>,
    /// The reporter's experience score of the finished journeys: a model,
    /// not a measurement (docs/experience.md).
    pub experience: ExperienceReport,
    /// The reporters who met retaliation, when some step carries a risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retaliation: Option<RetaliationReport>,
    /// Per scope of report, when the procedure draws the report's scope
    /// (its attribute `scope`): the share of the reports and the statutory
    /// figures of those reports, in the order of the attribute's values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeReport>,
    /// Share of journeys per outcome.
    pub outcomes: BTreeMap<String, f64>,
    /// 95% interval of each outcome's share.
    pub outcomes_ci95: BTreeMap<String, Option<Interval>>,
    /// Share of journeys entering each other procedure by escalation.
    pub escalations: BTreeMap<String, f64>,
    /// 95% interval of each escalation's share.
    pub escalations_ci95: BTreeMap<String, Option<Interval>>,
    /// Deadline compliance.
    pub deadlines: Vec<DeadlineReport>,
    /// Steps, most time first.
    pub steps: Vec<StepReport>,
    /// Share of journeys that hit the step limit.
    pub unfinished: f64,
    /// 95% interval of `unfinished`.
    pub unfinished_ci95: Option<Interval>,
    /// The run stopped after its first batch of journeys because every one
    /// hit the step limit; `runs` is the number that ran.
    pub stopped_early: bool,
    /// Steps simulated in all.
    pub steps_simulated: u64,
    /// The precision targets the run went on until, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionReport>,
    /// Exact expectations, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Exact>,
}

/// What anonymous reporters get.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AnonymousReport {
    /// Of the journeys that made a report, the share whose reporter was
    /// anonymous.
    pub share: f64,
    /// 95% interval of `share` (Wilson).
    pub share_ci95: Option<Interval>,
    /// Of the anonymous reporters, the share with feedback after the
    /// report: steps that need the reporter's identity (`needs-identity`)
    /// give them none.
    pub feedback_rate: f64,
    /// 95% interval of `feedback_rate` (Wilson).
    pub feedback_rate_ci95: Option<Interval>,
}

/// The distribution of the reporter's experience score.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ExperienceReport {
    /// What the score is: a model of the reporter's experience, not a
    /// measurement.
    pub label: String,
    /// The score of the finished journeys, from 0 to 100: count, mean and
    /// quantiles with their intervals.
    pub score: DurationStats,
    /// Its 10th percentile: the journeys the reporter lives through worst.
    pub p10: f64,
    /// 95% interval of `p10`.
    pub p10_ci95: Option<Interval>,
}

/// The reports of one scope (the procedure's attribute `scope`).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScopeReport {
    /// The scope, as written in files (`misstand`, `eu-breach`,
    /// `integrity`, `undesirable-behaviour`).
    pub scope: String,
    /// The Wbk's terms bind a report of this scope (a *misstand*, Wbk
    /// art. 1, which includes a breach of Union law); other scopes have
    /// the ministry's policy.
    pub wbk: bool,
    /// Of the journeys that made a report, the share of this scope.
    pub share: f64,
    /// 95% interval of `share` (Wilson).
    pub share_ci95: Option<Interval>,
    /// Of these reports, the share acknowledged within 7 days, as
    /// `acknowledged_within_7_days` counts it.
    pub acknowledged_within_7_days: f64,
    /// 95% interval of `acknowledged_within_7_days` (Wilson).
    pub acknowledged_within_7_days_ci95: Option<Interval>,
    /// Of these reports, the share with feedback within 3 months, as
    /// `feedback_within_3_months` counts it.
    pub feedback_within_3_months: f64,
    /// 95% interval of `feedback_within_3_months` (Wilson).
    pub feedback_within_3_months_ci95: Option<Interval>,
}

/// Who met retaliation (benadeling), and where.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RetaliationReport {
    /// Of all journeys, the share whose reporter met retaliation.
    pub share: f64,
    /// 95% interval of `share` (Wilson).
    pub share_ci95: Option<Interval>,
    /// The steps where it happened, most first: each with the share of
    /// all journeys that met it there.
    pub at: Vec<RetaliationAt>,
}

/// Where reporters met retaliation.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RetaliationAt {
    /// `procedure:step`.
    pub step: String,
    /// Its title.
    pub title: String,
    /// Of all journeys, the share that met retaliation here.
    pub share: f64,
    /// 95% interval of `share` (Wilson).
    pub share_ci95: Option<Interval>,
}

impl SimReport {
    /// The report of `agg`, simulated from `model` with `opts`.
    pub fn new(model: &SimModel, opts: &SimOptions, agg: &Aggregate) -> SimReport {
        let mut outcomes = BTreeMap::new();
        let mut outcomes_ci95 = BTreeMap::new();
        for (i, (o, &n)) in OUTCOMES.iter().zip(&agg.outcomes).enumerate() {
            if n > 0 {
                let e = agg.outcome_share(i);
                outcomes.insert(o.as_str().to_owned(), e.value);
                outcomes_ci95.insert(o.as_str().to_owned(), e.ci95);
            }
        }
        let mut escalations = BTreeMap::new();
        let mut escalations_ci95 = BTreeMap::new();
        for (i, p) in model.procedures.iter().enumerate().skip(1) {
            let e = agg.escalation_share(i);
            escalations.insert(p.id.clone(), e.value);
            escalations_ci95.insert(p.id.clone(), e.ci95);
        }
        let deadlines = model
            .deadlines
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (reached, met) = (agg.deadline_reached(i), agg.deadline_met(i));
                DeadlineReport {
                    step: model.step_name(d.step),
                    within_days: d.within,
                    from: d.from.map(|f| model.step_name(f)),
                    basis: d.basis.clone(),
                    reached: reached.value,
                    reached_ci95: reached.ci95,
                    met: met.value,
                    met_ci95: met.ci95,
                }
            })
            .collect();
        let mut steps: Vec<StepReport> = model
            .steps
            .iter()
            .enumerate()
            .filter(|(i, _)| agg.visits[*i] > 0)
            .map(|(i, s)| {
                let visits = agg.visit_rate(i);
                let days = agg.step_mean_days(i);
                let per_visit = agg.step_mean_days_per_visit(i);
                let part = agg.step_share_of_time(i);
                StepReport {
                    procedure: model.procedures[s.procedure as usize].id.clone(),
                    step: model.names[i].id.clone(),
                    title: model.names[i].title.clone(),
                    visit_rate: visits.value,
                    visit_rate_ci95: visits.ci95,
                    mean_days: days.value,
                    mean_days_ci95: days.ci95,
                    visits: agg.step_entries[i],
                    mean_days_per_visit: per_visit.value,
                    mean_days_per_visit_ci95: per_visit.ci95,
                    share_of_lead_time: part.value,
                    share_of_lead_time_ci95: part.ci95,
                }
            })
            .collect();
        steps.sort_by(|a, b| b.mean_days.total_cmp(&a.mean_days));
        let (no_contact, contacts) = (agg.no_contact_after_report(), agg.contacts_mean());
        let (handoffs, procedures) = (agg.handoffs_mean(), agg.procedures_mean());
        let (feedback, aftercare) = (agg.feedback_rate(), agg.aftercare_rate());
        let unfinished = agg.unfinished_share();
        let experience = agg.experience.summary();
        let (acknowledged, in_time) = (
            agg.acknowledged_within_7_days(),
            agg.feedback_within_3_months(),
        );
        SimReport {
            procedure: model.procedures[0].id.clone(),
            runs: agg.runs,
            seed: opts.seed,
            max_steps: opts.max_steps,
            confidence: CONFIDENCE,
            lead_time_days: agg.lead_time(),
            first_contact_days: agg.first_contact_time(),
            longest_silence_days: agg.longest_silence_time(),
            reported: agg.reported,
            no_contact_after_report: no_contact.value,
            no_contact_after_report_ci95: no_contact.ci95,
            acknowledged_within_7_days: acknowledged.value,
            acknowledged_within_7_days_ci95: acknowledged.ci95,
            feedback_within_3_months: in_time.value,
            feedback_within_3_months_ci95: in_time.ci95,
            contacts_mean: contacts.value,
            contacts_mean_ci95: contacts.ci95,
            handoffs_mean: handoffs.value,
            handoffs_mean_ci95: handoffs.ci95,
            procedures_mean: procedures.value,
            procedures_mean_ci95: procedures.ci95,
            feedback_rate: feedback.value,
            feedback_rate_ci95: feedback.ci95,
            aftercare_rate: aftercare.value,
            aftercare_rate_ci95: aftercare.ci95,
            anonymous: model.has_anonymity().then(|| {
                let (share, feedback) = (agg.anonymous_share(), agg.anonymous_feedback_rate());
                AnonymousReport {
                    share: share.value,
                    share_ci95: share.ci95,
                    feedback_rate: feedback.value,
                    feedback_rate_ci95: feedback.ci95,
                }
            }),
            experience: ExperienceReport {
                label: crate::experience::LABEL.to_owned(),
                score: agg.experience_score(),
                p10: experience.quantile(0.1),
                p10_ci95: experience.quantile_interval(0.1),
            },
            retaliation: model.has_risk().then(|| {
                let total = agg.retaliation_share();
                let mut at: Vec<RetaliationAt> = (0..model.steps.len())
                    .filter(|&i| agg.retaliated_at.get(i).is_some_and(|&n| n > 0))
                    .map(|i| {
                        let e = agg.retaliation_share_at(i);
                        RetaliationAt {
                            step: model.step_name(i as u32),
                            title: model.names[i].title.clone(),
                            share: e.value,
                            share_ci95: e.ci95,
                        }
                    })
                    .collect();
                at.sort_by(|a, b| {
                    b.share
                        .total_cmp(&a.share)
                        .then_with(|| a.step.cmp(&b.step))
                });
                RetaliationReport {
                    share: total.value,
                    share_ci95: total.ci95,
                    at,
                }
            }),
            scopes: scope_reports(model, agg),
            outcomes,
            outcomes_ci95,
            escalations,
            escalations_ci95,
            deadlines,
            steps,
            unfinished: unfinished.value,
            unfinished_ci95: unfinished.ci95,
            stopped_early: agg.stopped_early,
            steps_simulated: agg.steps_simulated,
            precision: opts
                .precision
                .as_ref()
                .map(|p| PrecisionReport::new(p, agg)),
            exact: None,
        }
    }
}

/// The figures per scope of report ([`SimReport::scopes`]), empty when the
/// procedure does not draw the scope.
fn scope_reports(model: &SimModel, agg: &Aggregate) -> Vec<ScopeReport> {
    let Some(scope) = &model.scope else {
        return Vec::new();
    };
    scope
        .scopes
        .iter()
        .zip(&agg.by_scope)
        .map(|(s, t)| {
            let (share, ack, fb) = (
                super::share(t.reported, agg.reported),
                super::share(t.contact_within_week, t.reported),
                super::share(t.feedback_in_time, t.reported),
            );
            ScopeReport {
                scope: s.as_str().to_owned(),
                wbk: s.of_wbk(),
                share: share.value,
                share_ci95: share.ci95,
                acknowledged_within_7_days: ack.value,
                acknowledged_within_7_days_ci95: ack.ci95,
                feedback_within_3_months: fb.value,
                feedback_within_3_months_ci95: fb.ci95,
            }
        })
        .collect()
}
