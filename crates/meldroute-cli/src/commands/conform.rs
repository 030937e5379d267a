//! `meldroute conform LOG --procedure P`: real cases measured against a
//! procedure, with the simulation's definitions, on their real dates
//! (docs/conform.md).

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Context as _;
use meldroute_core::conform::{self, Columns, Conformance, Mapped, Problem};
use meldroute_core::provenance::Provenance;
use meldroute_core::sim::observe::Misfit;
use meldroute_core::sim::{SimModel, SimOptions, SimReport};
use meldroute_render::diagnostics::inert;

use super::outln;
use crate::cli::{ConformArgs, ConformFormat, LogReadArgs, ProcedureArgs};
use crate::provenance::{Invocation, Options};

/// The largest workbook read.
const MAX_XLSX_BYTES: u64 = 256 << 20;

/// The misfits a table lists; JSON lists them all.
const TABLE_MISFITS: usize = 20;

/// What the log held.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct Data {
    /// The log, as given.
    file: String,
    /// The SHA-256 of its bytes.
    sha256: String,
    /// Rows read (the header not counted).
    rows: u64,
    /// Events dropped as the same as the one before them in their case.
    duplicates: u64,
    /// Cases in the log.
    cases: u64,
    /// Cases measured: those that fit the procedure.
    measured: u64,
    /// Of those, still open at the log's end.
    open: u64,
    /// Cases not measured (listed in `misfits`).
    not_measured: u64,
    /// The first day of the log.
    first_day: String,
    /// The last day of the log.
    last_day: String,
}

/// A case not measured, and why.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct MisfitJson {
    /// Its id in the log.
    case: String,
    /// Why: `unknown-activity`, `start`, `order`, `after-end`, `empty`.
    kind: &'static str,
    /// For people.
    reason: String,
}

/// An activity of the log and the step it maps to.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct ActivityJson {
    /// As in the log.
    activity: String,
    /// The step (`procedure:step` outside the procedure), if any.
    step: Option<String>,
    /// It is an interim update of that step.
    update: bool,
}

/// `meldroute conform --format json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct ConformJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    /// What the log held.
    data: Data,
    /// The figures of the cases measured, in the shape of `simulate`'s
    /// (`runs`: the cases measured; `seed`: 0, nothing is drawn).
    #[serde(flatten)]
    report: &'a SimReport,
    /// Each activity of the log, mapped.
    activities: Vec<ActivityJson>,
    /// Each case not measured, in the order of the log.
    misfits: Vec<MisfitJson>,
}

pub fn run(out: &mut String, args: &ConformArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != ConformFormat::Table,
    )?;
    let procedure = ProcedureArgs {
        procedure: args.procedure.clone(),
        more: args.more.clone(),
    };
    let (lib, model) = match super::load_model(&procedure, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let key = match &args.pseudonymise {
        Some(path) => Some(read_key(path)?),
        None => None,
    };
    let shown = args.log.display().to_string();
    let Measured { log, c, report } = measure(&model, &args.log, &args.read)?;
    let agg = &c.measured.aggregate;
    let data = Data {
        file: shown.clone(),
        sha256: log.sha256.clone(),
        rows: log.rows,
        duplicates: c.duplicates,
        cases: log.cases.len() as u64,
        measured: agg.runs,
        open: c.measured.open,
        not_measured: c.problems.len() as u64,
        first_day: c.origin.to_string(),
        last_day: c.last.to_string(),
    };
    let options = Options::new()
        .choice("format", args.format)
        .with("log_sha256", log.sha256.clone())
        .with("case_column", args.read.case_column.clone())
        .with("activity_column", args.read.activity_column.clone())
        .with("time_column", args.read.time_column.clone())
        .with("lifecycle_column", args.read.lifecycle_column.clone())
        .with("pseudonymised", key.is_some())
        .limits(&args.limits);
    let provenance = inv.provenance(&lib, &[model.procedures[0].entry], options, &args.stamp);
    let misfits: Vec<MisfitJson> = c
        .problems
        .iter()
        .map(|(case, p)| {
            let case = match &key {
                Some(k) => conform::pseudonym(k, case),
                None => case.clone(),
            };
            misfit(&model, &case, p)
        })
        .collect();
    match args.format {
        ConformFormat::Json => {
            let json = ConformJson {
                provenance: &provenance,
                data,
                report: &report,
                activities: activities(&model, &c),
                misfits,
            };
            outln!(
                out,
                "{}",
                serde_json::to_string_pretty(&super::simulate::rounded(serde_json::to_value(
                    json
                )?))?
            );
        }
        ConformFormat::Table => {
            outln!(
                out,
                "{} against {}: {} rows, {} cases from {} to {}; {} measured ({} still open), {} do not fit{}",
                data.file,
                report.procedure,
                data.rows,
                data.cases,
                data.first_day,
                data.last_day,
                data.measured,
                data.open,
                data.not_measured,
                if data.duplicates > 0 {
                    format!("; {} duplicate events dropped", data.duplicates)
                } else {
                    String::new()
                }
            );
            outln!(
                out,
                "Each case measured as a simulated journey is, on its real dates; d = days, w = weeks; {}",
                meldroute_render::figures::PLUS_MINUS
            );
            outln!(out);
            if agg.runs > 0 {
                super::simulate::figures_table(out, &report, super::simulate::Of::Cases);
            }
            if !misfits.is_empty() {
                outln!(out);
                outln!(out, "Cases not measured:");
                for m in misfits.iter().take(TABLE_MISFITS) {
                    outln!(out, "  {}: {}", m.case, m.reason);
                }
                if misfits.len() > TABLE_MISFITS {
                    outln!(
                        out,
                        "  and {} more (--format json lists them all)",
                        misfits.len() - TABLE_MISFITS
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A log read and measured against a procedure.
pub(super) struct Measured {
    /// The log.
    pub log: conform::Log,
    /// What it gave.
    pub c: Conformance,
    /// The figures of its cases measured, as a simulation's.
    pub report: SimReport,
}

/// Reads the log at `path` as `read` says (CSV, XES or Excel by its
/// extension) and measures it against `model`.
pub(super) fn measure(
    model: &SimModel,
    path: &std::path::Path,
    read: &LogReadArgs,
) -> anyhow::Result<Measured> {
    let map = match &read.map {
        Some(path) => read_map(path)?,
        None => HashMap::new(),
    };
    let shown = path.display().to_string();
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", inert(&shown)))?;
    let columns = Columns {
        case: read.case_column.clone(),
        activity: read.activity_column.clone(),
        time: read.time_column.clone(),
        lifecycle: read.lifecycle_column.clone(),
    };
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase);
    let log = match ext.as_deref() {
        Some("xes") => conform::read_xes(&shown, file),
        Some("xlsx") => {
            // A workbook is a zip archive, read whole (Excel holds at most
            // about a million rows).
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            anyhow::ensure!(
                size <= MAX_XLSX_BYTES,
                "{} is larger than {} MiB; export it as CSV, which is read as it streams",
                inert(&shown),
                MAX_XLSX_BYTES >> 20
            );
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", inert(&shown)))?;
            conform::read_xlsx(&shown, &bytes, &columns)
        }
        _ => conform::read_csv(&shown, file, &columns),
    }
    .map_err(|e| anyhow::anyhow!("{}", inert(&e.to_string())))?;
    let c = conform::conform(model, &log, &map);
    let opts = SimOptions {
        runs: c.measured.aggregate.runs,
        seed: 0,
        ..SimOptions::default()
    };
    let report = SimReport::new(model, &opts, &c.measured.aggregate);
    Ok(Measured { log, c, report })
}

/// The log at `path`, read as `read` says and measured against the
/// procedure of `base`, as an entry of a comparison (`compare --data`,
/// `report --data`): named `data:FILE`, with its SHA-256; or the exit code
/// of a procedure that cannot be simulated.
pub(super) fn observed(
    lib: &meldroute_core::Library,
    base: &meldroute_core::compare::Compared,
    path: &std::path::Path,
    read: &LogReadArgs,
) -> anyhow::Result<Result<(meldroute_core::compare::Compared, String), ExitCode>> {
    let model = match lib.model(base.entry) {
        Ok(m) => m,
        Err(e) => return super::refused(lib, e).map(Err),
    };
    let m = measure(&model, path, read)?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let title = format!(
        "{} cases of {name} measured against {} ({} not measured)",
        m.c.measured.aggregate.runs,
        base.row.procedure,
        m.c.problems.len()
    );
    let sha = m.log.sha256.clone();
    let entry = meldroute_core::compare::observed(
        lib,
        &model,
        m.c.measured.aggregate,
        m.report,
        &format!("data:{name}"),
        &title,
    );
    Ok(Ok((entry, sha)))
}

/// The name of step `s` of `model` in a log: its id, or `procedure:step`
/// outside the procedure.
fn step_name(model: &SimModel, s: u32) -> String {
    let p = model.steps[s as usize].procedure as usize;
    let id = &model.names[s as usize].id;
    if p == 0 {
        id.clone()
    } else {
        format!("{}:{id}", model.procedures[p].id)
    }
}

fn misfit(model: &SimModel, case: &str, p: &Problem) -> MisfitJson {
    let (kind, reason) = match p {
        Problem::Unknown { activity, row } => (
            "unknown-activity",
            format!(
                "activity `{activity}` (row {row}) is no step of the procedure; map it with --map, or name the step by its id or title"
            ),
        ),
        Problem::Misfit(Misfit::Empty) => ("empty", "it has no completed step".to_owned()),
        Problem::Misfit(Misfit::Start { step }) => (
            "start",
            format!(
                "it starts at `{}`, not at the procedure's start `{}` (no report?)",
                step_name(model, *step),
                step_name(model, model.start)
            ),
        ),
        Problem::Misfit(Misfit::Order { after, next }) => (
            "order",
            format!(
                "after `{}` the procedure does not go to `{}`",
                step_name(model, *after),
                step_name(model, *next)
            ),
        ),
        Problem::Misfit(Misfit::AfterEnd { after }) => (
            "after-end",
            format!(
                "it goes on after `{}`, which ends the procedure",
                step_name(model, *after)
            ),
        ),
    };
    MisfitJson {
        case: case.to_owned(),
        kind,
        reason,
    }
}

fn activities(model: &SimModel, c: &Conformance) -> Vec<ActivityJson> {
    c.activities
        .iter()
        .map(|(a, m)| ActivityJson {
            activity: a.clone(),
            step: match m {
                Mapped::Step(s) | Mapped::Update(s) => Some(step_name(model, *s)),
                Mapped::Unknown => None,
            },
            update: matches!(m, Mapped::Update(_)),
        })
        .collect()
}

/// The key of `--pseudonymise`: the file's bytes, at least
/// [`conform::MIN_KEY_BYTES`].
fn read_key(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let shown = inert(&path.display().to_string());
    let key = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    anyhow::ensure!(
        key.len() >= conform::MIN_KEY_BYTES,
        "{shown} holds {} bytes; a key needs at least {}: make one with `head -c 32 /dev/urandom > {shown}` and keep it apart from the outputs",
        key.len(),
        conform::MIN_KEY_BYTES
    );
    anyhow::ensure!(
        key.len() <= 1 << 16,
        "{shown} is larger than 64 KiB: a key is a few dozen bytes"
    );
    Ok(key)
}

/// The mapping file: `activities: {ACTIVITY: STEP, ...}`.
fn read_map(path: &std::path::Path) -> anyhow::Result<HashMap<String, String>> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", inert(&shown)))?;
    conform::parse_map(&shown, &text).map_err(|e| anyhow::anyhow!("{}", inert(&e)))
}
