//! Comparing procedures side by side: every procedure simulated with the
//! same seed and runs, so differences are the procedures', not the dice's.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diag::Severity;
use crate::gaps::{self, Finding, GapOptions, Simulated};
use crate::library::{EntryId, Library};
use crate::model::ProcedureKind;
use crate::sim::report::{DeadlineReport, PrecisionReport, StepReport};
use crate::sim::{self, Estimate, SimModel, SimReport};
use crate::stats::{DurationStats, Interval, Summary, difference};

/// Gap findings of a procedure, by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GapCounts {
    /// Open findings of error severity.
    pub errors: usize,
    /// Open findings of warning severity.
    pub warnings: usize,
    /// Findings the file accepts on purpose.
    pub accepted: usize,
}

/// One procedure's row. Every figure has a sibling `..._ci95`, its 95%
/// confidence interval (`null` where there is none).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// Procedure id.
    pub procedure: String,
    /// Title.
    pub title: String,
    /// Made-up example variant.
    pub illustrative: bool,
    /// Journeys simulated (with `--precision`, as many as its targets took).
    pub runs: u64,
    /// The precision targets the run went on until, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionReport>,
    /// Lead time p50, days.
    pub lead_time_p50_days: f64,
    /// 95% interval of `lead_time_p50_days`.
    pub lead_time_p50_days_ci95: Option<Interval>,
    /// Lead time p90, days.
    pub lead_time_p90_days: f64,
    /// 95% interval of `lead_time_p90_days`.
    pub lead_time_p90_days_ci95: Option<Interval>,
    /// First contact after the report, p50, days (`None`: no journey has one).
    pub first_contact_p50_days: Option<f64>,
    /// 95% interval of `first_contact_p50_days`.
    pub first_contact_p50_days_ci95: Option<Interval>,
    /// Longest silence p50, days.
    pub longest_silence_p50_days: f64,
    /// 95% interval of `longest_silence_p50_days`.
    pub longest_silence_p50_days_ci95: Option<Interval>,
    /// Longest silence p90, days.
    pub longest_silence_p90_days: f64,
    /// 95% interval of `longest_silence_p90_days`.
    pub longest_silence_p90_days_ci95: Option<Interval>,
    /// Journeys that made a report: the denominator of the reporter shares
    /// (`acknowledged_within_7_days`, `feedback_within_3_months`,
    /// `feedback_rate`, `aftercare_rate`).
    pub reported: u64,
    /// Of the journeys that made a report, the share whose first contact
    /// after it came within 7 days.
    pub acknowledged_within_7_days: f64,
    /// 95% interval of `acknowledged_within_7_days`.
    pub acknowledged_within_7_days_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share with feedback within 3
    /// months of the acknowledgement ([`SimReport::feedback_within_3_months`]).
    pub feedback_within_3_months: f64,
    /// 95% interval of `feedback_within_3_months`.
    pub feedback_within_3_months_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share with feedback.
    pub feedback_rate: f64,
    /// 95% interval of `feedback_rate`.
    pub feedback_rate_ci95: Option<Interval>,
    /// Of the journeys that made a report, the share with aftercare.
    pub aftercare_rate: f64,
    /// 95% interval of `aftercare_rate`.
    pub aftercare_rate_ci95: Option<Interval>,
    /// Share of journeys that reach each external body (procedure id).
    pub escalation_to: BTreeMap<String, f64>,
    /// 95% interval of each share in `escalation_to`.
    pub escalation_to_ci95: BTreeMap<String, Option<Interval>>,
    /// Gap findings by severity.
    pub gaps: GapCounts,
    /// Each figure's difference from the base procedure's (the first
    /// compared, or `--base`); `null` in the base's own row.
    pub difference_from_base: Option<Differences>,
}

/// What a figure is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Days.
    Days,
    /// A share (0..1).
    Share,
}

/// A figure's column: its JSON key, its name without unit, its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its JSON key (`lead_time_p50_days`, `escalation_to.rijk/nationale-ombudsman`).
    pub key: String,
    /// Its name, without unit (`lead time p50`, `to rijk/nationale-ombudsman`).
    pub label: String,
    /// Its unit.
    pub unit: Unit,
}

/// The figures of every row, in column order, before one column per external body.
const FIGURES: [(&str, &str, Unit); 9] = [
    ("lead_time_p50_days", "lead time p50", Unit::Days),
    ("lead_time_p90_days", "lead time p90", Unit::Days),
    ("first_contact_p50_days", "first contact p50", Unit::Days),
    (
        "longest_silence_p50_days",
        "longest silence p50",
        Unit::Days,
    ),
    (
        "longest_silence_p90_days",
        "longest silence p90",
        Unit::Days,
    ),
    (
        "acknowledged_within_7_days",
        "acknowledged within 7 d",
        Unit::Share,
    ),
    (
        "feedback_within_3_months",
        "feedback within 3 mo",
        Unit::Share,
    ),
    ("feedback_rate", "feedback", Unit::Share),
    ("aftercare_rate", "aftercare", Unit::Share),
];

/// The figure columns of a comparison, with one per external body of
/// `bodies` (see [`bodies`]).
pub fn columns(bodies: &[String]) -> Vec<Column> {
    let mut c: Vec<Column> = FIGURES
        .iter()
        .map(|&(key, label, unit)| Column {
            key: key.to_owned(),
            label: label.to_owned(),
            unit,
        })
        .collect();
    c.extend(bodies.iter().map(|b| Column {
        key: format!("escalation_to.{b}"),
        label: format!("to {b}"),
        unit: Unit::Share,
    }));
    c
}

impl Row {
    /// The row's figures in [`columns`] order; `None` where the procedure
    /// has none (no first contact; an external body it does not reach).
    pub fn estimates(&self, bodies: &[String]) -> Vec<Option<Estimate>> {
        let e = |value: f64, ci95| Some(Estimate { value, ci95 });
        let mut figures = vec![
            e(self.lead_time_p50_days, self.lead_time_p50_days_ci95),
            e(self.lead_time_p90_days, self.lead_time_p90_days_ci95),
            self.first_contact_p50_days.map(|value| Estimate {
                value,
                ci95: self.first_contact_p50_days_ci95,
            }),
            e(
                self.longest_silence_p50_days,
                self.longest_silence_p50_days_ci95,
            ),
            e(
                self.longest_silence_p90_days,
                self.longest_silence_p90_days_ci95,
            ),
            e(
                self.acknowledged_within_7_days,
                self.acknowledged_within_7_days_ci95,
            ),
            e(
                self.feedback_within_3_months,
                self.feedback_within_3_months_ci95,
            ),
            e(self.feedback_rate, self.feedback_rate_ci95),
            e(self.aftercare_rate, self.aftercare_rate_ci95),
        ];
        debug_assert_eq!(figures.len(), FIGURES.len());
        figures.extend(bodies.iter().map(|b| {
            self.escalation_to.get(b).map(|&value| Estimate {
                value,
                ci95: self.escalation_to_ci95.get(b).copied().flatten(),
            })
        }));
        figures
    }
}

/// The external bodies any row escalates to, sorted: one column each.
pub fn bodies(rows: &[Row]) -> Vec<String> {
    let mut b: Vec<String> = rows
        .iter()
        .flat_map(|r| r.escalation_to.keys().cloned())
        .collect();
    b.sort();
    b.dedup();
    b
}

/// A row's figures less the base's, with the 95% intervals of the differences.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Differences {
    /// The base procedure's id.
    pub base: String,
    /// Per figure (the row's JSON key; escalations as
    /// `escalation_to.PROCEDURE`): its difference from the base's. A
    /// figure missing in either row (no first contact; an external body
    /// only one reaches) is left out.
    pub figures: BTreeMap<String, Difference>,
}

/// One figure's difference from the base.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Difference {
    /// This procedure's figure less the base's (days, or a share).
    pub difference: f64,
    /// Its 95% interval.
    pub ci95: Option<Interval>,
    /// The interval includes zero: the two procedures may not differ in
    /// this figure at all; the simulated difference is within chance.
    pub within_chance: bool,
}

/// Makes `compared[base]` the procedure every other is measured against
/// ([`Row::difference_from_base`]); [`compare_detailed`] takes the first.
///
/// Runs of the same seed and number of journeys draw the same random
/// numbers per journey (common random numbers), so a difference's interval
/// is the paired one of [`sim::paired_difference`] where the figure has
/// one: it measures the change, not the chance both runs share. Other
/// figures (the shares of external bodies), and runs of other seeds or
/// lengths, take the interval of independent runs ([`difference`]).
pub fn set_base(compared: &mut [Compared], base: usize) {
    let mut rows: Vec<Row> = compared.iter().map(|c| c.row.clone()).collect();
    add_differences(&mut rows, base);
    if let Some(b) = compared.get(base) {
        let b = b.batches.clone();
        for (i, row) in rows.iter_mut().enumerate() {
            let Some(diffs) = row.difference_from_base.as_mut().filter(|_| i != base) else {
                continue;
            };
            for (key, paired) in PAIRED {
                if let Some(d) = diffs.figures.get_mut(key)
                    && let Some(ci) =
                        sim::paired_difference(&b, &compared[i].batches, paired, d.difference)
                {
                    d.ci95 = Some(ci);
                    d.within_chance = ci.contains(0.0);
                }
            }
        }
    }
    for (c, row) in compared.iter_mut().zip(rows) {
        c.row = row;
    }
}

/// The figures of a row with a paired interval of their differences.
const PAIRED: [(&str, sim::Paired); 9] = [
    ("lead_time_p50_days", sim::Paired::LeadP50),
    ("lead_time_p90_days", sim::Paired::LeadP90),
    ("first_contact_p50_days", sim::Paired::FirstContactP50),
    ("longest_silence_p50_days", sim::Paired::SilenceP50),
    ("longest_silence_p90_days", sim::Paired::SilenceP90),
    ("acknowledged_within_7_days", sim::Paired::Acknowledged),
    ("feedback_within_3_months", sim::Paired::FeedbackInTime),
    ("feedback_rate", sim::Paired::Feedback),
    ("aftercare_rate", sim::Paired::Aftercare),
];

/// Adds each row's differences from `rows[base]`, for the figures both
/// have (see [`difference`] for the interval).
pub fn add_differences(rows: &mut [Row], base: usize) {
    let bodies = bodies(rows);
    let Some(base_row) = rows.get(base).cloned() else {
        return;
    };
    let columns = columns(&bodies);
    let base_figures = base_row.estimates(&bodies);
    for (i, row) in rows.iter_mut().enumerate() {
        if i == base {
            row.difference_from_base = None;
            continue;
        }
        let figures = row
            .estimates(&bodies)
            .into_iter()
            .zip(&base_figures)
            .zip(&columns)
            .filter_map(|((a, b), column)| {
                let d = difference(a?, (*b)?);
                Some((
                    column.key.clone(),
                    Difference {
                        difference: d.value,
                        ci95: d.ci95,
                        within_chance: d.ci95.is_none_or(|ci| ci.contains(0.0)),
                    },
                ))
            })
            .collect();
        row.difference_from_base = Some(Differences {
            base: base_row.procedure.clone(),
            figures,
        });
    }
}

/// Why a procedure could not be compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// The procedure could not be compiled for simulation.
    #[error("{procedure}: {source}")]
    Compile {
        /// Procedure id.
        procedure: String,
        /// Why.
        #[source]
        source: sim::CompileError,
    },
    /// The simulation could not run.
    #[error(transparent)]
    Sim(#[from] sim::SimError),
}

/// How many deadlines a comparison keeps of each procedure: its own come
/// first, then those of the procedures it escalates to.
pub const DEADLINES_KEPT: usize = 20;

/// How many steps of "where the time goes" a comparison keeps of each
/// procedure: those with the most time per journey.
pub const STEPS_KEPT: usize = 10;

/// The figures of a procedure's simulation that a comparison keeps. They
/// are bounded in size whatever the procedure escalates to: the table of
/// steps and the shares per procedure of [`SimReport`] grow with all it
/// reaches, and a comparison of many procedures that escalate into each
/// other would hold them for every one.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Procedure id.
    pub procedure: String,
    /// Number of journeys.
    pub runs: u64,
    /// Step limit per journey.
    pub max_steps: u32,
    /// The run stopped after its first batch because every journey hit the
    /// step limit (see [`SimReport::stopped_early`]).
    pub stopped_early: bool,
    /// Start to end, finished journeys.
    pub lead_time_days: DurationStats,
    /// Longest time without contact from the report to the end.
    pub longest_silence_days: DurationStats,
    /// Journeys that made a report: the denominator of the reporter shares.
    pub reported: u64,
    /// Of the journeys that made a report, the share with feedback within 3
    /// months of the acknowledgement, and its interval.
    pub feedback_within_3_months: Estimate,
    /// Of the journeys that made a report, the share with a feedback step
    /// after it, and its interval.
    pub feedback_rate: Estimate,
    /// Of the journeys that made a report, the share with an aftercare
    /// step, and its interval.
    pub aftercare_rate: Estimate,
    /// Of the journeys that made a report, the share without any contact
    /// after it, and its interval.
    pub no_contact_after_report: Estimate,
    /// The precision targets the run went on until, when asked for.
    pub precision: Option<PrecisionReport>,
    /// The first [`DEADLINES_KEPT`] deadlines' compliance, in the order of
    /// the simulation model (the procedure's own first).
    pub deadlines: Vec<DeadlineReport>,
    /// The number of deadlines, kept or not.
    pub deadlines_total: usize,
    /// Where the time goes: the first [`STEPS_KEPT`] steps that take time,
    /// most time per journey first.
    pub steps: Vec<StepReport>,
    /// The number of steps that take time, kept or not.
    pub steps_total: usize,
}

impl Figures {
    fn of(report: &SimReport) -> Figures {
        // The steps that take time (as `simulate`'s table shows them).
        let timed = || report.steps.iter().filter(|s| s.mean_days > 0.0);
        Figures {
            procedure: report.procedure.clone(),
            runs: report.runs,
            max_steps: report.max_steps,
            stopped_early: report.stopped_early,
            lead_time_days: report.lead_time_days,
            longest_silence_days: report.longest_silence_days,
            reported: report.reported,
            feedback_within_3_months: Estimate {
                value: report.feedback_within_3_months,
                ci95: report.feedback_within_3_months_ci95,
            },
            feedback_rate: Estimate {
                value: report.feedback_rate,
                ci95: report.feedback_rate_ci95,
            },
            aftercare_rate: Estimate {
                value: report.aftercare_rate,
                ci95: report.aftercare_rate_ci95,
            },
            no_contact_after_report: Estimate {
                value: report.no_contact_after_report,
                ci95: report.no_contact_after_report_ci95,
            },
            precision: report.precision.clone(),
            deadlines: report
                .deadlines
                .iter()
                .take(DEADLINES_KEPT)
                .cloned()
                .collect(),
            deadlines_total: report.deadlines.len(),
            steps: timed().take(STEPS_KEPT).cloned().collect(),
            steps_total: timed().count(),
        }
    }
}

/// Distributions of finished journeys, days, for plots.
#[derive(Clone, Debug)]
pub struct Distributions {
    /// Lead time.
    pub lead_time: Summary,
    /// Longest silence.
    pub longest_silence: Summary,
}

/// Everything a comparison found out about one procedure: its row, and the
/// figures and gap findings behind it (for reports).
#[derive(Clone, Debug)]
pub struct Compared {
    /// Library entry of the procedure.
    pub entry: EntryId,
    /// The row of the comparison table.
    pub row: Row,
    /// The simulation's figures.
    pub figures: Figures,
    /// Its distributions, when asked for ([`compare_detailed`]): about
    /// 80 KB per procedure.
    pub distributions: Option<Distributions>,
    /// The procedure's gap findings (file order).
    pub findings: Vec<Finding>,
    /// Its run's batches, for the paired intervals of its differences.
    pub batches: sim::Batches,
}

/// One row per target, in the order given, each with its differences
/// from the first.
pub fn compare(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
) -> Result<Vec<Row>, CompareError> {
    Ok(compare_detailed(library, targets, opts, false)?
        .into_iter()
        .map(|c| c.row)
        .collect())
}

/// [`compare`], keeping the figures and findings behind each row, and with
/// `distributions`, the distributions too. Each procedure is simulated
/// once (by the gap analysis) and its simulation dropped once its row and
/// figures are taken, so memory holds one simulation at a time.
pub fn compare_detailed(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
    distributions: bool,
) -> Result<Vec<Compared>, CompareError> {
    let take = |sim: &Simulated| {
        let dist = distributions.then(|| Distributions {
            lead_time: sim.agg.lead.clone(),
            longest_silence: sim.agg.longest_silence.clone(),
        });
        (
            row(library, sim),
            Figures::of(&sim.report),
            dist,
            sim.agg.batches(opts.sim.seed),
        )
    };
    let mut taken = HashMap::new();
    let findings = gaps::analyse_with(library, targets, opts, &|_| true, &mut |t, sim| {
        taken.insert(t, take(sim));
    });
    let mut by_entry: HashMap<EntryId, Vec<Finding>> = HashMap::new();
    for f in findings {
        by_entry.entry(f.entry).or_default().push(f);
    }
    let mut out = Vec::with_capacity(targets.len());
    for &t in targets {
        let (mut row, figures, distributions, batches) = match taken.remove(&t) {
            Some(kept) => kept,
            // The gap analysis could not simulate it: again, for the error.
            None => {
                let id = &library.entry(t).procedure.id.value;
                let model = SimModel::compile(library, t)
                    .map_err(|source| CompareError::Compile {
                        procedure: id.clone(),
                        source,
                    })?
                    .dated(opts.sim.start);
                let agg = sim::simulate(&model, &opts.sim, &|_| {})?;
                let report = SimReport::new(&model, &opts.sim, &agg);
                take(&Simulated { model, agg, report })
            }
        };
        let findings = by_entry.remove(&t).unwrap_or_default();
        for f in &findings {
            match (f.accepted.is_some(), f.diagnostic.severity) {
                (true, _) => row.gaps.accepted += 1,
                (false, Severity::Error) => row.gaps.errors += 1,
                (false, Severity::Warning) => row.gaps.warnings += 1,
            }
        }
        out.push(Compared {
            entry: t,
            row,
            figures,
            distributions,
            findings,
            batches,
        });
    }
    set_base(&mut out, 0);
    Ok(out)
}

/// The cases of a real log measured against `model` ([`crate::conform`]:
/// `agg` and its `report`) as one more entry of a comparison, named
/// `label` with the title `title`: no findings, and no batches, so its
/// differences from the model take the interval of independent samples
/// ([`difference`]), never a paired one.
pub fn observed(
    library: &Library,
    model: &SimModel,
    agg: sim::Aggregate,
    report: SimReport,
    label: &str,
    title: &str,
) -> Compared {
    let distributions = Some(Distributions {
        lead_time: agg.lead.clone(),
        longest_silence: agg.longest_silence.clone(),
    });
    let sim = Simulated {
        model: model.clone(),
        agg,
        report,
    };
    let mut row = row(library, &sim);
    row.procedure = label.to_owned();
    row.title = title.to_owned();
    row.illustrative = false;
    Compared {
        entry: model.procedures[0].entry,
        figures: Figures::of(&sim.report),
        distributions,
        findings: Vec::new(),
        batches: sim::Batches::default(),
        row,
    }
}

/// The row of a simulated procedure (its gap counts still zero).
fn row(library: &Library, sim: &Simulated) -> Row {
    let (model, agg, report) = (&sim.model, &sim.agg, &sim.report);
    let p = &library.entry(model.procedures[0].entry).procedure;
    let mut escalation_to = BTreeMap::new();
    let mut escalation_to_ci95 = BTreeMap::new();
    for (i, sp) in model.procedures.iter().enumerate().skip(1) {
        let kind = *library.entry(sp.entry).procedure.kind;
        if matches!(
            kind,
            ProcedureKind::Ombudsman | ProcedureKind::WhistleblowerAuthority
        ) {
            let e = agg.escalation_share(i);
            escalation_to.insert(sp.id.clone(), e.value);
            escalation_to_ci95.insert(sp.id.clone(), e.ci95);
        }
    }
    let (lead, silence) = (&report.lead_time_days, &report.longest_silence_days);
    let first = &report.first_contact_days;
    Row {
        procedure: p.id.value.clone(),
        title: p.title.clone(),
        illustrative: p.illustrative,
        runs: agg.runs,
        precision: report.precision.clone(),
        lead_time_p50_days: lead.p50,
        lead_time_p50_days_ci95: lead.p50_ci95,
        lead_time_p90_days: lead.p90,
        lead_time_p90_days_ci95: lead.p90_ci95,
        first_contact_p50_days: (first.count > 0).then_some(first.p50),
        first_contact_p50_days_ci95: first.p50_ci95,
        longest_silence_p50_days: silence.p50,
        longest_silence_p50_days_ci95: silence.p50_ci95,
        longest_silence_p90_days: silence.p90,
        longest_silence_p90_days_ci95: silence.p90_ci95,
        reported: report.reported,
        acknowledged_within_7_days: report.acknowledged_within_7_days,
        acknowledged_within_7_days_ci95: report.acknowledged_within_7_days_ci95,
        feedback_within_3_months: report.feedback_within_3_months,
        feedback_within_3_months_ci95: report.feedback_within_3_months_ci95,
        feedback_rate: report.feedback_rate,
        feedback_rate_ci95: report.feedback_rate_ci95,
        aftercare_rate: report.aftercare_rate,
        aftercare_rate_ci95: report.aftercare_rate_ci95,
        escalation_to,
        escalation_to_ci95,
        gaps: GapCounts::default(),
        difference_from_base: None,
    }
}
