//! Comparing procedures side by side: every procedure simulated with the
//! same seed and runs, so differences are the procedures', not the dice's.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::Severity;
use crate::gaps::{self, Finding, GapOptions};
use crate::library::{EntryId, Library};
use crate::model::ProcedureKind;
use crate::sim::{self, SimModel, SimReport};
use crate::stats::Summary;

/// Gap findings of a procedure, by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GapCounts {
    /// Open findings of error severity.
    pub errors: usize,
    /// Open findings of warning severity.
    pub warnings: usize,
    /// Findings the file accepts on purpose.
    pub accepted: usize,
}

/// One procedure's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// Everything a comparison found out about one procedure: its row, and the
/// simulation and gap findings behind it (for reports).
#[derive(Clone, Debug)]
pub struct Compared {
    /// Library entry of the procedure.
    pub entry: EntryId,
    /// The row of the comparison table.
    pub row: Row,
    /// The compiled model the journeys ran on.
    pub model: SimModel,
    /// The simulation's figures.
    pub report: SimReport,
    /// Lead time distribution of finished journeys, days.
    pub lead_time: Summary,
    /// Longest silence distribution of finished journeys, days.
    pub longest_silence: Summary,
    /// The procedure's gap findings (file order).
    pub findings: Vec<Finding>,
}

/// One row per target, in the order given.
pub fn compare(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
) -> Result<Vec<Row>, CompareError> {
    Ok(compare_detailed(library, targets, opts)?
        .into_iter()
        .map(|c| c.row)
        .collect())
}

/// [`compare`], keeping the simulation and findings behind each row.
pub fn compare_detailed(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
) -> Result<Vec<Compared>, CompareError> {
    let (findings, mut sims) = gaps::analyse_keeping_simulations(library, targets, opts, &|_| true);
    let mut rows = Vec::new();
    for &t in targets {
        let entry = library.entry(t);
        let p = &entry.procedure;
        // The gap analysis simulated each procedure with these options;
        // only what it could not simulate is tried again, for its error.
        let (model, agg, report) = match sims.remove(&t) {
            Some(s) => (s.model, s.agg, s.report),
            None => {
                let model =
                    SimModel::compile(library, t).map_err(|source| CompareError::Compile {
                        procedure: p.id.value.clone(),
                        source,
                    })?;
                let agg = sim::simulate(&model, &opts.sim, &|_| {})?;
                let report = SimReport::new(&model, &opts.sim, &agg);
                (model, agg, report)
            }
        };
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
        let mine: Vec<Finding> = findings
            .iter()
            .filter(|f| f.diagnostic.primary.file == entry.file)
            .cloned()
            .collect();
        let mut counts = GapCounts::default();
        for f in &mine {
            match (f.accepted.is_some(), f.diagnostic.severity) {
                (true, _) => counts.accepted += 1,
                (false, Severity::Error) => counts.errors += 1,
                (false, Severity::Warning) => counts.warnings += 1,
            }
        }
        let row = Row {
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
            gaps: counts,
        };
        rows.push(Compared {
            entry: t,
            row,
            lead_time: agg.lead.clone(),
            longest_silence: agg.longest_silence.clone(),
            model,
            report,
            findings: mine,
        });
    }
    Ok(rows)
}
