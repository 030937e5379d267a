//! `meldroute fit LOG --procedure P -o FITTED.yaml`: the procedure's
//! durations and branch probabilities fitted to the cases of a real log
//! that fit it, written into a copy of its file (docs/fit.md).

use std::process::ExitCode;

use meldroute_core::fit::{self, Choice, Fit, Kept, Measure, StepFit};
use meldroute_core::library::Origin;
use meldroute_core::provenance::Provenance;
use meldroute_core::{Library, SourceFile};
use meldroute_render::diagnostics::inert;

use super::outln;
use crate::cli::{ConformFormat, FitArgs, FitMeasure, ProcedureArgs};
use crate::provenance::{Invocation, Options};

/// `meldroute fit --format json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct FitJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    /// The log.
    log: LogJson,
    /// The file written.
    output: String,
    /// Each step of the procedure, in the file's order.
    steps: Vec<StepJson>,
}

/// The log a fit was made from.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct LogJson {
    /// As given.
    file: String,
    /// The SHA-256 of its bytes.
    sha256: String,
    /// Cases in the log.
    cases: u64,
    /// Cases that fit the procedure: those fitted to.
    fitted: u64,
    /// The first day of the log.
    first_day: String,
    /// The last day of the log.
    last_day: String,
    /// `auto` or `elapsed` (`--measure`).
    measure: &'static str,
}

/// What was fitted of one step.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct StepJson {
    /// Its id.
    step: String,
    /// `measured` (every figure fitted), `part` (some), `kept` (none).
    status: &'static str,
    /// Its duration.
    duration: FigureJson,
    /// Its branches, if it has any.
    branches: Option<FigureJson>,
    /// A figure fitted on fewer than 30 values: its intervals are wide.
    few: bool,
}

/// One figure of a step.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct FigureJson {
    /// Fitted.
    fitted: bool,
    /// Why not, when not.
    kept: Option<String>,
    /// Values (visits) it was fitted to.
    values: Option<u64>,
    /// As written into the file (a duration or distribution; for branches,
    /// `to: p` pairs).
    written: Option<String>,
    /// How the distribution was chosen: `fixed`, `aic`, `few`, `poor-fit`.
    choice: Option<&'static str>,
    /// The median of the values (days, or working days), with its 95%
    /// interval.
    median: Option<meldroute_core::stats::Estimate>,
    /// The Kolmogorov-Smirnov test of the chosen (or best) family.
    ks_d: Option<f64>,
    /// Its p-value.
    ks_p: Option<f64>,
    /// Each branch's share with its 95% Wilson interval.
    shares: Vec<ShareJson>,
}

/// A branch's share.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct ShareJson {
    /// The step it goes to.
    to: String,
    /// Visits that went along it.
    count: u64,
    /// The probability written.
    p: f64,
    /// The share with its 95% Wilson interval.
    share: meldroute_core::stats::Estimate,
}

pub fn run(out: &mut String, args: &FitArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.output.is_some() || args.format == ConformFormat::Table,
        "--format json describes the fit beside the file it writes: give -o FILE for the file"
    );
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != ConformFormat::Table,
    )?;
    let procedure = ProcedureArgs {
        procedure: args.procedure.clone(),
        more: args.more.clone(),
    };
    let mut inputs = procedure.inputs();
    inputs.push(args.log.clone().into());
    if let Some(path) = &args.output {
        crate::output::check_output(path, &inputs)?;
    }
    let (lib, model) = match super::load_model(&procedure, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let entry = lib.entry(model.procedures[0].entry);
    anyhow::ensure!(
        entry.scenario.is_none(),
        "{} is a scenario; fit the procedure file it changes, then apply the scenario to the fitted file",
        args.procedure.to_string_lossy()
    );
    let source = lib.file(entry.file);
    let shown = args.log.display().to_string();
    let m = super::conform::measure(&model, &args.log, &args.read)?;
    let measure = match args.measure {
        FitMeasure::Auto => Measure::Auto,
        FitMeasure::Elapsed => Measure::Elapsed,
    };
    let f = fit::fit(&entry.procedure, &m.c.model, &m.c.cases, measure);
    let name = args
        .log
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    if !f.fitted() {
        crate::errln!(
            "warning: {}: {}",
            inert(&shown),
            if f.cases < fit::MIN_CASES {
                format!(
                    "{} case{} of {} fit the procedure; a fit needs at least {}: nothing fitted, nothing written",
                    f.cases,
                    if f.cases == 1 { "" } else { "s" },
                    m.log.cases.len(),
                    fit::MIN_CASES
                )
            } else {
                "no figure of the procedure could be fitted (each step's reason is below): nothing written".to_owned()
            }
        );
        let mut summary = String::new();
        table(&mut summary, &f);
        crate::errln!("{}", summary.trim_end());
        return Ok(ExitCode::from(1));
    }
    let header = fit::Header {
        log: name,
        sha256: m.log.sha256.clone(),
        first_day: m.c.origin.to_string(),
        last_day: m.c.last.to_string(),
        cases: m.log.cases.len() as u64,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let text = fit::write(source, &f, &header).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot write the fitted figures into the file: {e}",
            inert(source.name())
        )
    })?;
    // The fitted file must load and validate as the input did.
    let written = args
        .output
        .as_ref()
        .map_or_else(|| "<stdout>".to_owned(), |p| p.display().to_string());
    let mut check = Library::with_bundled(args.limits.limits());
    for more in &args.more {
        check.load_input(more)?;
    }
    check.apply_scenarios();
    let Some(id) = check.load_source(SourceFile::new(written.clone(), text.clone()), Origin::User)
    else {
        for d in check.load_errors() {
            crate::errln!("{}", meldroute_render::diagnostics::human(&check, d));
        }
        anyhow::bail!("the fitted file does not load; nothing written (please report this)");
    };
    if let Err(e) = check.model(id) {
        crate::errln!(
            "meldroute: the fitted file does not validate; nothing written (please report this)"
        );
        return super::refused(&check, e);
    }
    for s in f.steps.iter().filter(|s| s.few()) {
        crate::errln!(
            "warning: step {}: fitted on fewer than {} values, so its figures are uncertain (the note gives their wide intervals)",
            inert(&s.id),
            fit::FEW_VALUES
        );
    }
    let between: Vec<&str> = f
        .steps
        .iter()
        .filter(|s| s.duration.as_ref().is_ok_and(|d| d.from_start < d.values))
        .map(|s| s.id.as_str())
        .collect();
    if !between.is_empty() {
        crate::errln!(
            "note: durations of {} measured as the time since the event before, waiting included{}",
            inert(&between.join(", ")),
            if measure == Measure::Auto {
                " (the log has no start event for them)"
            } else {
                " (--measure elapsed)"
            }
        );
    }
    let mut summary = String::new();
    match args.format {
        ConformFormat::Table => {
            outln!(
                summary,
                "{} fitted to {}: {} of its {} cases fit the procedure ({} to {})",
                entry.procedure.id.value,
                shown,
                f.cases,
                m.log.cases.len(),
                header.first_day,
                header.last_day
            );
            outln!(summary);
            table(&mut summary, &f);
        }
        ConformFormat::Json => {
            let options = Options::new()
                .choice("format", args.format)
                .choice("measure", args.measure)
                .with("log_sha256", m.log.sha256.clone())
                .with("case_column", args.read.case_column.clone())
                .with("activity_column", args.read.activity_column.clone())
                .with("time_column", args.read.time_column.clone())
                .with("lifecycle_column", args.read.lifecycle_column.clone())
                .limits(&args.limits);
            let provenance =
                inv.provenance(&lib, &[model.procedures[0].entry], options, &args.stamp);
            let json = FitJson {
                provenance: &provenance,
                log: LogJson {
                    file: shown.clone(),
                    sha256: m.log.sha256.clone(),
                    cases: m.log.cases.len() as u64,
                    fitted: f.cases,
                    first_day: header.first_day.clone(),
                    last_day: header.last_day.clone(),
                    measure: match measure {
                        Measure::Auto => "auto",
                        Measure::Elapsed => "elapsed",
                    },
                },
                output: written.clone(),
                steps: f.steps.iter().map(step_json).collect(),
            };
            outln!(summary, "{}", serde_json::to_string_pretty(&json)?);
        }
    }
    match &args.output {
        Some(path) => {
            crate::output::write_file(path, &inputs, text.as_bytes())?;
            out.push_str(&summary);
        }
        None => {
            crate::errln!("{}", summary.trim_end());
            out.push_str(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether all, some or none of a step's figures were fitted.
fn status(s: &StepFit) -> &'static str {
    if !s.changes() {
        "kept"
    } else if s.measured() {
        "measured"
    } else {
        "part"
    }
}

/// Why a figure was kept, for people.
fn why(k: &Kept) -> String {
    match k {
        Kept::NotInLog => "not in the log".to_owned(),
        Kept::FirstEvent => "first event of each case: no duration".to_owned(),
        Kept::TooFew { values } => format!("{values} values (at least {})", fit::MIN_VALUES),
        Kept::Invalid(why) => format!("invalid fit: {why}"),
    }
}

/// The summary table: one row per figure.
fn table(out: &mut String, f: &Fit) {
    let header: Vec<String> = [
        "step",
        "figure",
        "values",
        "fitted",
        "median (95% CI)",
        "test",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut rows = Vec::new();
    for s in &f.steps {
        let mut first = true;
        let mut row = |figure: &str, cells: [String; 4]| {
            let id = if std::mem::take(&mut first) {
                s.id.clone()
            } else {
                String::new()
            };
            let mut r = vec![id, figure.to_owned()];
            r.extend(cells);
            rows.push(r);
        };
        match &s.duration {
            Ok(d) => {
                let unit = if d.working { "wd" } else { "d" };
                let median = match d.median_ci {
                    Some(ci) => {
                        format!("{}{unit} ({}-{})", num(d.median), num(ci.low), num(ci.high))
                    }
                    None => format!("{}{unit}", num(d.median)),
                };
                let test = match &d.choice {
                    Choice::Fixed => "all equal".to_owned(),
                    Choice::Aic { ks, .. } => format!("AIC; KS p {:.2}", ks.p),
                    Choice::Few => format!("few (< {})", fit::FEW_VALUES),
                    Choice::PoorFit { ks, .. } => format!("no fit: KS p {:.3}", ks.p),
                };
                let fitted = if d.distribution == s.written {
                    format!("{} (as written)", d.distribution.name())
                } else {
                    fit::distribution(&d.distribution)
                };
                row("duration", [d.values.to_string(), fitted, median, test]);
            }
            Err(k) => row(
                "duration",
                [
                    "-".into(),
                    format!("kept: {}", why(k)),
                    "".into(),
                    "".into(),
                ],
            ),
        }
        match &s.branches {
            Some(Ok(b)) => {
                for sh in &b.shares {
                    row(
                        &format!("-> {}", sh.to),
                        [
                            sh.count.to_string(),
                            format!("p {}", fit::probability(sh.p)),
                            format!(
                                "{:.1}% ({:.1}-{:.1}%)",
                                100.0 * sh.count as f64 / b.observations.max(1) as f64,
                                100.0 * sh.ci95.low,
                                100.0 * sh.ci95.high
                            ),
                            if b.observations < fit::FEW_VALUES {
                                format!("few (< {})", fit::FEW_VALUES)
                            } else {
                                "Wilson".to_owned()
                            },
                        ],
                    );
                }
            }
            Some(Err(k)) => row(
                "branches",
                [
                    "-".into(),
                    format!("kept: {}", why(k)),
                    "".into(),
                    "".into(),
                ],
            ),
            None => {}
        }
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING)
        .set_header(header);
    for r in rows {
        t.add_row(r.iter().map(|c| inert(c)).collect::<Vec<_>>());
    }
    if let Some(c) = t.column_mut(2) {
        c.set_cell_alignment(comfy_table::CellAlignment::Right);
    }
    outln!(
        out,
        "{}",
        meldroute_render::text::trim_lines(&t.to_string())
    );
}

/// Days to a hundredth, trailing zeros dropped.
fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn step_json(s: &StepFit) -> StepJson {
    let duration = match &s.duration {
        Ok(d) => FigureJson {
            fitted: true,
            kept: None,
            values: Some(d.values),
            written: Some(fit::distribution(&d.distribution)),
            choice: Some(match d.choice {
                Choice::Fixed => "fixed",
                Choice::Aic { .. } => "aic",
                Choice::Few => "few",
                Choice::PoorFit { .. } => "poor-fit",
            }),
            median: Some(meldroute_core::stats::Estimate {
                value: d.median,
                ci95: d.median_ci,
            }),
            ks_d: match &d.choice {
                Choice::Aic { ks, .. } | Choice::PoorFit { ks, .. } => Some(ks.d),
                _ => None,
            },
            ks_p: match &d.choice {
                Choice::Aic { ks, .. } | Choice::PoorFit { ks, .. } => Some(ks.p),
                _ => None,
            },
            shares: Vec::new(),
        },
        Err(k) => kept_json(k),
    };
    let branches = s.branches.as_ref().map(|b| match b {
        Ok(b) => FigureJson {
            fitted: true,
            kept: None,
            values: Some(b.observations),
            written: Some(
                b.shares
                    .iter()
                    .map(|sh| format!("{}: {}", sh.to, fit::probability(sh.p)))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            choice: None,
            median: None,
            ks_d: None,
            ks_p: None,
            shares: b
                .shares
                .iter()
                .map(|sh| ShareJson {
                    to: sh.to.clone(),
                    count: sh.count,
                    p: sh.p,
                    share: meldroute_core::stats::Estimate {
                        value: sh.count as f64 / b.observations.max(1) as f64,
                        ci95: Some(sh.ci95),
                    },
                })
                .collect(),
        },
        Err(k) => kept_json(k),
    });
    StepJson {
        step: s.id.clone(),
        status: status(s),
        duration,
        branches,
        few: s.few(),
    }
}

fn kept_json(k: &Kept) -> FigureJson {
    FigureJson {
        fitted: false,
        kept: Some(why(k)),
        values: None,
        written: None,
        choice: None,
        median: None,
        ks_d: None,
        ks_p: None,
        shares: Vec::new(),
    }
}
