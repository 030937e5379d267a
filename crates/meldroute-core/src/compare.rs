//! Comparing procedures side by side: every procedure simulated with the
//! same seed and runs, so differences are the procedures', not the dice's.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diag::Severity;
use crate::gaps::{self, Finding, GapOptions, Simulated};
use crate::library::{EntryId, Library};
use crate::model::ProcedureKind;
use crate::sim::report::DeadlineReport;
use crate::sim::{self, SimModel, SimReport};
use crate::stats::{DurationStats, Summary};

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

/// One procedure's row.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// Procedure id.
    pub procedure: String,
    /// Title.
    pub title: String,
    /// Made-up example variant.
    pub illustrative: bool,
    /// Lead time p50, days.
    pub lead_time_p50_days: f64,
    /// Lead time p90, days.
    pub lead_time_p90_days: f64,
    /// First contact after the report, p50, days (`None`: no journey has one).
    pub first_contact_p50_days: Option<f64>,
    /// Longest silence p50, days.
    pub longest_silence_p50_days: f64,
    /// Longest silence p90, days.
    pub longest_silence_p90_days: f64,
    /// Share of reported journeys with a first contact within 7 days.
    pub acknowledged_within_7_days: f64,
    /// Share of reported journeys with feedback within 3 months of the acknowledgement.
    pub feedback_within_3_months: f64,
    /// Share of journeys with feedback.
    pub feedback_rate: f64,
    /// Share of journeys with aftercare.
    pub aftercare_rate: f64,
    /// Share of journeys that reach each external body (procedure id).
    pub escalation_to: BTreeMap<String, f64>,
    /// Gap findings by severity.
    pub gaps: GapCounts,
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

fn share(n: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// How many deadlines a comparison keeps of each procedure: its own come
/// first, then those of the procedures it escalates to.
pub const DEADLINES_KEPT: usize = 20;

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
    /// Share of journeys with a feedback step after the report.
    pub feedback_rate: f64,
    /// Share of journeys with an aftercare step.
    pub aftercare_rate: f64,
    /// Share of finished journeys without any contact after the report.
    pub no_contact_after_report: f64,
    /// The first [`DEADLINES_KEPT`] deadlines' compliance, in the order of
    /// the simulation model (the procedure's own first).
    pub deadlines: Vec<DeadlineReport>,
    /// The number of deadlines, kept or not.
    pub deadlines_total: usize,
}

impl Figures {
    fn of(report: &SimReport) -> Figures {
        Figures {
            procedure: report.procedure.clone(),
            runs: report.runs,
            max_steps: report.max_steps,
            stopped_early: report.stopped_early,
            lead_time_days: report.lead_time_days,
            longest_silence_days: report.longest_silence_days,
            feedback_rate: report.feedback_rate,
            aftercare_rate: report.aftercare_rate,
            no_contact_after_report: report.no_contact_after_report,
            deadlines: report
                .deadlines
                .iter()
                .take(DEADLINES_KEPT)
                .cloned()
                .collect(),
            deadlines_total: report.deadlines.len(),
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
}

/// One row per target, in the order given.
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
        (row(library, sim), Figures::of(&sim.report), dist)
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
        let (mut row, figures, distributions) = match taken.remove(&t) {
            Some(kept) => kept,
            // The gap analysis could not simulate it: again, for the error.
            None => {
                let id = &library.entry(t).procedure.id.value;
                let model =
                    SimModel::compile(library, t).map_err(|source| CompareError::Compile {
                        procedure: id.clone(),
                        source,
                    })?;
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
        });
    }
    Ok(out)
}

/// The row of a simulated procedure (its gap counts still zero).
fn row(library: &Library, sim: &Simulated) -> Row {
    let (model, agg, report) = (&sim.model, &sim.agg, &sim.report);
    let p = &library.entry(model.procedures[0].entry).procedure;
    let mut escalation_to = BTreeMap::new();
    for sp in model.procedures.iter().skip(1) {
        let kind = *library.entry(sp.entry).procedure.kind;
        if matches!(
            kind,
            ProcedureKind::Ombudsman | ProcedureKind::WhistleblowerAuthority
        ) {
            escalation_to.insert(
                sp.id.clone(),
                report.escalations.get(&sp.id).copied().unwrap_or(0.0),
            );
        }
    }
    Row {
        procedure: p.id.value.clone(),
        title: p.title.clone(),
        illustrative: p.illustrative,
        lead_time_p50_days: report.lead_time_days.p50,
        lead_time_p90_days: report.lead_time_days.p90,
        first_contact_p50_days: (report.first_contact_days.count > 0)
            .then_some(report.first_contact_days.p50),
        longest_silence_p50_days: report.longest_silence_days.p50,
        longest_silence_p90_days: report.longest_silence_days.p90,
        acknowledged_within_7_days: share(agg.contact_within_week, agg.reported),
        feedback_within_3_months: share(agg.feedback_in_time, agg.reported),
        feedback_rate: report.feedback_rate,
        aftercare_rate: report.aftercare_rate,
        escalation_to,
        gaps: GapCounts::default(),
    }
}
