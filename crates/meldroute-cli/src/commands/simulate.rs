//! `meldroute simulate`: run journeys and report what the reporter lives through.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use comfy_table::{CellAlignment, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use meldroute_core::provenance::Provenance;
use meldroute_core::sim::{self, SimReport, exact};
use meldroute_core::stats::DurationStats;

use super::{days_weeks, load_model, out, outln, percent};
use crate::cli::{SimFormat, SimulateArgs};
use crate::provenance::{Invocation, Options};
use meldroute_render::diagnostics::inert;
use meldroute_render::text::{inert_cell, trim_lines};

/// `meldroute simulate --format json`: the provenance, then the figures.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct SimulateJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    #[serde(flatten)]
    report: &'a SimReport,
}

pub fn run(out: &mut String, args: &SimulateArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != SimFormat::Table,
    )?;
    let (lib, model) = match load_model(&args.procedure, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    // Exact figures first: a model too large for them fails before the run.
    let exact = if args.exact {
        Some(exact::exact(&model)?)
    } else {
        None
    };
    let opts = args.sim.options();
    let bar = progress_bar(opts.runs);
    let started = Instant::now();
    let agg = sim::simulate(&model, &opts, &|done| {
        if let Some(bar) = &bar {
            if bar.is_hidden() && started.elapsed() > Duration::from_millis(300) {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_position(done);
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut report = SimReport::new(&model, &opts, &agg);
    report.exact = exact;
    let options = Options::new()
        .choice("format", args.format)
        .with("exact", args.exact)
        .sim(&opts)
        .limits(&args.limits);
    let provenance = inv.provenance(&lib, &[model.procedures[0].entry], options, &args.stamp);
    match args.format {
        SimFormat::Json => outln!(out, "{}", json(&report, &provenance)?),
        SimFormat::Csv => out!(out, "{}", csv(&report, &provenance)?),
        SimFormat::Table => table(out, &report),
    }
    if report.stopped_early {
        let why = meldroute_render::figures::stopped_early(
            &report.procedure,
            report.runs,
            opts.max_steps,
        );
        crate::errln!("meldroute: error: {}", inert(&why));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on standard error, shown once a run takes a moment, and
/// only when standard error is a terminal.
fn progress_bar(runs: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::hidden());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} journeys, {eta} left")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Rounds every float to 6 decimals, for stable, readable JSON.
fn rounded(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            let r = (x * 1e6).round() / 1e6;
            serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

fn json(report: &SimReport, provenance: &Provenance) -> anyhow::Result<String> {
    let output = SimulateJson { provenance, report };
    Ok(serde_json::to_string_pretty(&rounded(
        serde_json::to_value(output)?,
    ))?)
}

fn csv(report: &SimReport, provenance: &Provenance) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["section", "name", "statistic", "value"])?;
    for r in meldroute_render::provenance::csv_rows(provenance) {
        w.write_record(r.iter().map(|c| inert_cell(c)))?;
    }
    let mut row = |section: &str, name: &str, stat: &str, value: String| {
        w.write_record([section, &inert_cell(name), stat, &value])
    };
    let num = |x: f64| format!("{}", (x * 1e6).round() / 1e6);
    row("run", &report.procedure, "runs", report.runs.to_string())?;
    row("run", &report.procedure, "seed", report.seed.to_string())?;
    for (name, s) in [
        ("lead_time_days", &report.lead_time_days),
        ("first_contact_days", &report.first_contact_days),
        ("longest_silence_days", &report.longest_silence_days),
    ] {
        for (stat, v) in [
            ("mean", s.mean),
            ("p50", s.p50),
            ("p90", s.p90),
            ("p95", s.p95),
            ("p99", s.p99),
            ("max", s.max),
        ] {
            row("duration", name, stat, num(v))?;
        }
    }
    for (name, v) in [
        ("feedback_rate", report.feedback_rate),
        ("aftercare_rate", report.aftercare_rate),
        ("no_contact_after_report", report.no_contact_after_report),
        ("unfinished", report.unfinished),
        ("contacts_mean", report.contacts_mean),
        ("handoffs_mean", report.handoffs_mean),
        ("procedures_mean", report.procedures_mean),
    ] {
        row("rate", name, "value", num(v))?;
    }
    for (name, v) in &report.outcomes {
        row("outcome", name, "share", num(*v))?;
    }
    for (name, v) in &report.escalations {
        row("escalation", name, "share", num(*v))?;
    }
    for d in &report.deadlines {
        row("deadline", &d.step, "within_days", num(d.within_days))?;
        row("deadline", &d.step, "reached", num(d.reached))?;
        row("deadline", &d.step, "met", num(d.met))?;
    }
    for s in &report.steps {
        let name = format!("{}:{}", s.procedure, s.step);
        row("step", &name, "visit_rate", num(s.visit_rate))?;
        row("step", &name, "mean_days", num(s.mean_days))?;
    }
    if let Some(ex) = &report.exact {
        row(
            "exact",
            "lead_time_days",
            "mean",
            num(ex.lead_time_mean_days),
        )?;
        for (name, v) in &ex.outcomes {
            row("exact", name, "share", num(*v))?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header(header.to_vec());
    t
}

fn right_align(t: &mut Table, from: usize) {
    for i in from..t.column_count() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn table(out: &mut String, r: &SimReport) {
    outln!(
        out,
        "{} journeys through {} (seed {}); d = days, w = weeks",
        r.runs,
        r.procedure,
        r.seed
    );
    outln!(out);
    let mut t = new_table(&["", "mean", "p50", "p90", "p95", "p99", "max", "journeys"]);
    let line = |name: &str, s: &DurationStats| {
        vec![
            name.to_owned(),
            days_weeks(s.mean),
            days_weeks(s.p50),
            days_weeks(s.p90),
            days_weeks(s.p95),
            days_weeks(s.p99),
            days_weeks(s.max),
            s.count.to_string(),
        ]
    };
    t.add_row(line("lead time", &r.lead_time_days));
    t.add_row(line("first contact after report", &r.first_contact_days));
    t.add_row(line("longest silence", &r.longest_silence_days));
    right_align(&mut t, 1);
    outln!(out, "{}", trim_lines(&t.to_string()));
    outln!(out);
    outln!(
        out,
        "of all journeys: feedback {}, aftercare {}, unfinished {}; of finished journeys: no contact after report {}",
        percent(r.feedback_rate),
        percent(r.aftercare_rate),
        percent(r.unfinished),
        percent(r.no_contact_after_report)
    );
    outln!(
        out,
        "per journey: {:.2} contacts, {:.2} hand-offs, {:.2} procedures",
        r.contacts_mean,
        r.handoffs_mean,
        r.procedures_mean
    );
    let exact = r.exact.as_ref();
    outln!(out);
    let mut t = new_table(if exact.is_some() {
        &["outcome", "share", "exact"]
    } else {
        &["outcome", "share"]
    });
    for (name, v) in &r.outcomes {
        let mut row = vec![name.clone(), percent(*v)];
        if let Some(ex) = exact {
            row.push(percent(ex.outcomes.get(name).copied().unwrap_or(0.0)));
        }
        t.add_row(row);
    }
    right_align(&mut t, 1);
    outln!(out, "{}", trim_lines(&t.to_string()));
    if let Some(ex) = exact {
        outln!(out);
        outln!(
            out,
            "mean lead time: simulated {}, exact {} ({:.2} d vs {:.2} d)",
            days_weeks(r.lead_time_days.mean),
            days_weeks(ex.lead_time_mean_days),
            r.lead_time_days.mean,
            ex.lead_time_mean_days
        );
    }
    if !r.escalations.is_empty() {
        outln!(out);
        let mut t = new_table(&["escalated to", "share"]);
        for (name, v) in &r.escalations {
            t.add_row(vec![name.clone(), percent(*v)]);
        }
        right_align(&mut t, 1);
        outln!(out, "{}", trim_lines(&t.to_string()));
    }
    if !r.deadlines.is_empty() {
        outln!(out);
        let mut t = new_table(&[
            "deadline",
            "within",
            "from",
            "reached (of all)",
            "met (of reached)",
            "basis",
        ]);
        for d in &r.deadlines {
            t.add_row(vec![
                d.step.clone(),
                meldroute_core::Duration::from_days(d.within_days).to_string(),
                d.from.clone().unwrap_or_else(|| "entry".to_owned()),
                percent(d.reached),
                percent(d.met),
                inert(&d.basis),
            ]);
        }
        outln!(out, "{}", trim_lines(&t.to_string()));
    }
    outln!(out);
    outln!(out, "where the time goes:");
    let mut t = new_table(&["step", "visited", "mean", "share"]);
    for s in r.steps.iter().filter(|s| s.mean_days > 0.0) {
        t.add_row(vec![
            format!("{}:{}", s.procedure, s.step),
            percent(s.visit_rate),
            days_weeks(s.mean_days),
            percent(s.share_of_lead_time),
        ]);
    }
    right_align(&mut t, 1);
    outln!(out, "{}", trim_lines(&t.to_string()));
}
