//! `meldroute simulate CASELOAD`: the procedures of a caseload run
//! together, cases waiting for handlers; waiting and work per step,
//! utilisation per pool, the backlog per month.

use std::process::ExitCode;

use anyhow::Context as _;
use meldroute_core::Library;
use meldroute_core::provenance::Provenance;
use meldroute_core::sim::des::{self, CaseModel, CaseloadReport};
use meldroute_core::stats::Estimate;
use meldroute_render::diagnostics::inert;
use meldroute_render::eventlog::LogWriter;
use meldroute_render::text::trim_lines;

use super::simulate::{Rows, new_table, right_align, rounded};
use super::{days_weeks_ci, out, outln, per_journey_ci, percent_ci};
use crate::cli::{SimFormat, SimulateArgs};
use crate::provenance::{Invocation, Options};

/// `meldroute simulate CASELOAD --format json`: the provenance, then the
/// figures.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct CaseloadJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    #[serde(flatten)]
    report: &'a CaseloadReport,
}

/// Runs the caseload `model` as `args` say.
pub fn run(
    out: &mut String,
    args: &SimulateArgs,
    inv: &Invocation,
    lib: &Library,
    model: &CaseModel,
) -> anyhow::Result<ExitCode> {
    let procedure_only = [
        ("--runs", args.sim.runs.is_some()),
        ("--precision", !args.sim.precision.is_empty()),
        ("--max-runs", args.sim.max_runs.is_some()),
        ("--exact", args.exact),
        ("--shard", args.shards.shard.is_some()),
    ];
    if let Some((flag, _)) = procedure_only.iter().find(|(_, given)| *given) {
        anyhow::bail!(
            "{flag} is for a procedure; a caseload runs --replications of its whole period (docs/caseload.md)"
        );
    }
    let opts = super::case_options(&args.sim.options()?, args.caseload.replications);
    let reps = match super::simulate::log_file(args)? {
        None => des::simulate_caseload(model, &opts)?,
        Some((path, format)) => {
            let mut reps = None;
            let models: Vec<&meldroute_core::sim::SimModel> =
                model.flows.iter().map(|f| &f.model).collect();
            crate::output::write_file_with(path, &args.procedure.inputs(), &mut |w| {
                let w = std::io::BufWriter::with_capacity(1 << 16, w);
                let mut log = LogWriter::of_models(w, format, &models, model.caseload.start.0)?;
                let run = des::simulate_caseload_traced(model, &opts, &mut |c| {
                    let id = format!("r{}-{}", c.replication + 1, c.number);
                    log.case(c.flow as usize, &id, c.start, c.trace)
                })?;
                reps = Some(run?);
                log.finish()?;
                Ok(())
            })?;
            reps.context("the run wrote no log")?
        }
    };
    let report = CaseloadReport::new(model, &reps, opts.seed);
    let options = Options::new()
        .choice("format", args.format)
        .with("replications", opts.replications)
        .with("seed", opts.seed)
        .with("threads", opts.threads as u64)
        .with("max_steps", opts.max_steps)
        .limits(&args.limits);
    let provenance = provenance(inv, lib, model, options, &args.stamp);
    match args.format {
        SimFormat::Json => {
            let output = CaseloadJson {
                provenance: &provenance,
                report: &report,
            };
            outln!(
                out,
                "{}",
                serde_json::to_string_pretty(&rounded(serde_json::to_value(output)?))?
            );
        }
        SimFormat::Csv => out!(out, "{}", csv(&report, model, &provenance)?),
        SimFormat::Table => table(out, &report, model),
    }
    for f in &report.procedures {
        if f.unfinished.value > 0.0 {
            crate::errln!(
                "meldroute: warning: {}",
                inert(&meldroute_render::caseload::unfinished(
                    &f.procedure,
                    &f.unfinished
                ))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The provenance of an output about the caseload `model` made by `inv`
/// with `options`: its procedures' files, and its own file and those of
/// the bases it builds on.
pub(super) fn provenance(
    inv: &Invocation,
    lib: &Library,
    model: &CaseModel,
    options: Options,
    stamp: &crate::cli::StampArgs,
) -> Provenance {
    let targets: Vec<_> = model.caseload.flows.iter().map(|f| f.entry).collect();
    let mut provenance = inv.provenance(lib, &targets, options, stamp);
    let files = lib
        .caseloads()
        .iter()
        .position(|c| c.file == model.caseload.file)
        .map_or_else(|| vec![model.caseload.file], |k| lib.caseload_files(k));
    provenance.files = lib.digests_with(&targets, &files);
    provenance
}

/// A count per replication with its interval: `93.2 ±2.1`.
fn count(e: &Estimate) -> String {
    per_journey_ci(e.value, e.ci95)
}

fn table(out: &mut String, r: &CaseloadReport, model: &CaseModel) {
    outln!(
        out,
        "caseload {} ({}) from {} until {}, warm-up {}; {} replications (seed {}); d = days, w = weeks",
        inert(&r.caseload),
        inert(&r.title),
        r.start,
        r.until,
        meldroute_render::figures::days_weeks(r.warm_up_days),
        r.replications,
        r.seed
    );
    outln!(
        out,
        "every figure is the mean over the replications {}",
        meldroute_render::figures::PLUS_MINUS
    );
    for f in &r.procedures {
        outln!(out);
        outln!(
            out,
            "{}: {} cases measured per replication (arrived after the warm-up)",
            inert(&f.procedure),
            count(&f.arrived)
        );
        outln!(
            out,
            "  lead time, waiting included: mean {}, p50 {}, p90 {}; longest silence mean {}",
            days_weeks_ci(f.lead_mean_days.value, f.lead_mean_days.ci95),
            days_weeks_ci(f.lead_p50_days.value, f.lead_p50_days.ci95),
            days_weeks_ci(f.lead_p90_days.value, f.lead_p90_days.ci95),
            days_weeks_ci(
                f.longest_silence_mean_days.value,
                f.longest_silence_mean_days.ci95
            ),
        );
        outln!(
            out,
            "  of the cases with a report: acknowledged within 7 days {}, feedback within 3 months {}, feedback {}, aftercare {}",
            percent_ci(
                f.acknowledged_within_7_days.value,
                f.acknowledged_within_7_days.ci95
            ),
            percent_ci(
                f.feedback_within_3_months.value,
                f.feedback_within_3_months.ci95
            ),
            percent_ci(f.feedback_rate.value, f.feedback_rate.ci95),
            percent_ci(f.aftercare_rate.value, f.aftercare_rate.ci95),
        );
        outln!(
            out,
            "  reporter's experience score, 0-100, {}: mean {}",
            meldroute_core::experience::LABEL,
            meldroute_render::figures::score_ci(f.experience_mean.value, f.experience_mean.ci95),
        );
        if let Some(r) = &f.retaliation_share {
            outln!(
                out,
                "  met retaliation (a model of its risk, not a count): {}",
                percent_ci(r.value, r.ci95)
            );
        }
        if let (Some(s), Some(r)) = (&f.anonymous_share, &f.anonymous_feedback_rate) {
            outln!(
                out,
                "  anonymous {}; of the anonymous reporters, feedback {} (steps that need their identity do not reach them)",
                percent_ci(s.value, s.ci95),
                percent_ci(r.value, r.ci95),
            );
        }
        let mut t = new_table(&["step", "pool", "visits", "waiting", "work"]);
        for s in f.steps.iter().filter(|s| s.visits.value > 0.0) {
            t.add_row(vec![
                inert(&format!("{}:{}", s.procedure, s.step)),
                s.pool.as_deref().map_or("-".to_owned(), inert),
                count(&s.visits),
                days_weeks_ci(s.wait_days.value, s.wait_days.ci95),
                days_weeks_ci(s.work_days.value, s.work_days.ci95),
            ]);
        }
        right_align(&mut t, 2);
        outln!(out, "  per visit, where the time goes:");
        outln!(out, "{}", indent(&trim_lines(&t.to_string())));
    }
    if !r.pools.is_empty() {
        outln!(out);
        let mut t = new_table(&[
            "pool",
            "handlers",
            "utilisation",
            "mean queue",
            "mean wait",
            "served",
        ]);
        for p in &r.pools {
            t.add_row(vec![
                inert(&p.pool),
                p.handlers.to_string(),
                percent_ci(p.utilisation.value, p.utilisation.ci95),
                count(&p.queue_mean),
                days_weeks_ci(p.wait_mean_days.value, p.wait_mean_days.ci95),
                count(&p.served),
            ]);
        }
        right_align(&mut t, 1);
        outln!(out, "{}", trim_lines(&t.to_string()));
    }
    outln!(out);
    outln!(
        out,
        "Little's law after the warm-up: {} cases open on average, {} reports a day x {} open = {}",
        count(&r.little.open_mean),
        per_journey_ci(
            r.little.arrivals_per_day.value,
            r.little.arrivals_per_day.ci95
        ),
        days_weeks_ci(r.little.lead_mean_days.value, r.little.lead_mean_days.ci95),
        count(&r.little.lambda_w),
    );
    outln!(out);
    outln!(out, "backlog per month (open at its end):");
    let mut header = vec![
        "month".to_owned(),
        "arrived".into(),
        "finished".into(),
        "open".into(),
    ];
    header.extend(
        model
            .pools
            .iter()
            .map(|p| format!("queue {}", inert(&p.id))),
    );
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING)
        .set_header(header);
    for m in &r.months {
        let mut row = vec![
            format!(
                "{}{}",
                &m.month[..7],
                if m.warm_up { " (warm-up)" } else { "" }
            ),
            count(&m.arrived),
            count(&m.finished),
            count(&m.open),
        ];
        row.extend(m.queue.iter().map(count));
        t.add_row(row);
    }
    right_align(&mut t, 1);
    outln!(out, "{}", trim_lines(&t.to_string()));
}

/// `text` with every line indented by two spaces.
fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn csv(r: &CaseloadReport, model: &CaseModel, provenance: &Provenance) -> anyhow::Result<String> {
    let mut w = Rows(csv::Writer::from_writer(Vec::new()));
    w.row("section", "name", "statistic", "value".to_owned())?;
    for row in meldroute_render::provenance::csv_rows(provenance) {
        w.0.write_record(row.iter().map(|c| meldroute_render::text::inert_cell(c)))?;
    }
    w.row(
        "run",
        &r.caseload,
        "replications",
        r.replications.to_string(),
    )?;
    w.row("run", &r.caseload, "seed", r.seed.to_string())?;
    w.row("run", &r.caseload, "events", r.events.to_string())?;
    let fig = |w: &mut Rows, section: &str, name: &str, stat: &str, e: &Estimate| {
        w.figure(section, name, stat, e.value, e.ci95)
    };
    for f in &r.procedures {
        let p = &f.procedure;
        for (stat, e) in [
            ("arrived", &f.arrived),
            ("unfinished", &f.unfinished),
            ("lead_mean_days", &f.lead_mean_days),
            ("lead_p50_days", &f.lead_p50_days),
            ("lead_p90_days", &f.lead_p90_days),
            ("longest_silence_mean_days", &f.longest_silence_mean_days),
            ("acknowledged_within_7_days", &f.acknowledged_within_7_days),
            ("feedback_within_3_months", &f.feedback_within_3_months),
            ("feedback_rate", &f.feedback_rate),
            ("aftercare_rate", &f.aftercare_rate),
            ("experience_mean", &f.experience_mean),
        ] {
            fig(&mut w, "procedure", p, stat, e)?;
        }
        for (stat, e) in [
            ("anonymous_share", &f.anonymous_share),
            ("anonymous_feedback_rate", &f.anonymous_feedback_rate),
            ("retaliation_share", &f.retaliation_share),
        ] {
            if let Some(e) = e {
                fig(&mut w, "procedure", p, stat, e)?;
            }
        }
        for s in &f.steps {
            let name = format!("{p}>{}:{}", s.procedure, s.step);
            fig(&mut w, "step", &name, "visits", &s.visits)?;
            fig(&mut w, "step", &name, "wait_days", &s.wait_days)?;
            fig(&mut w, "step", &name, "work_days", &s.work_days)?;
        }
    }
    for p in &r.pools {
        w.row("pool", &p.pool, "handlers", p.handlers.to_string())?;
        fig(&mut w, "pool", &p.pool, "utilisation", &p.utilisation)?;
        fig(&mut w, "pool", &p.pool, "queue_mean", &p.queue_mean)?;
        fig(&mut w, "pool", &p.pool, "wait_mean_days", &p.wait_mean_days)?;
        fig(&mut w, "pool", &p.pool, "served", &p.served)?;
    }
    let l = &r.little;
    fig(&mut w, "little", &r.caseload, "open_mean", &l.open_mean)?;
    fig(
        &mut w,
        "little",
        &r.caseload,
        "arrivals_per_day",
        &l.arrivals_per_day,
    )?;
    fig(
        &mut w,
        "little",
        &r.caseload,
        "lead_mean_days",
        &l.lead_mean_days,
    )?;
    fig(&mut w, "little", &r.caseload, "lambda_w", &l.lambda_w)?;
    for m in &r.months {
        fig(&mut w, "month", &m.month, "arrived", &m.arrived)?;
        fig(&mut w, "month", &m.month, "finished", &m.finished)?;
        fig(&mut w, "month", &m.month, "open", &m.open)?;
        for (p, (q, u)) in model.pools.iter().zip(m.queue.iter().zip(&m.utilisation)) {
            fig(&mut w, "month", &m.month, &format!("queue:{}", p.id), q)?;
            fig(
                &mut w,
                "month",
                &m.month,
                &format!("utilisation:{}", p.id),
                u,
            )?;
        }
    }
    Ok(String::from_utf8(w.0.into_inner()?)?)
}
