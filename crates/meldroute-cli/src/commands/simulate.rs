//! `meldroute simulate`: run journeys and report what the reporter lives through.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use comfy_table::{CellAlignment, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use meldroute_core::provenance::Provenance;
use meldroute_core::sim::{self, SimReport, exact};
use meldroute_core::stats::DurationStats;

use super::{days_weeks, days_weeks_ci, out, outln, per_journey_ci, percent, percent_ci};
use crate::cli::{SimFormat, SimulateArgs};
use crate::provenance::{Invocation, Options};
use anyhow::Context as _;
use meldroute_core::stats::Interval;
use meldroute_render::diagnostics::inert;
use meldroute_render::eventlog::{LogFormat, LogWriter};
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
    let (lib, mut model) = match super::load_target(&args.procedure, &args.limits)? {
        Ok(super::Target::Procedure(lib, model)) => (lib, model),
        Ok(super::Target::Caseload(lib, model)) => {
            if !args.experience.is_empty() {
                anyhow::bail!(
                    "--experience is for a procedure's journeys; a caseload reports the score with its defaults (docs/experience.md)"
                );
            }
            return super::caseload::run(out, args, inv, &lib, &model);
        }
        Err(code) => return Ok(code),
    };
    for (name, value) in &args.experience {
        // The names were checked when the arguments were read.
        model.experience.set(name, *value);
    }
    if args.caseload.replications.is_some() {
        anyhow::bail!(
            "--replications is for a caseload file (docs/caseload.md); a procedure runs --runs journeys"
        );
    }
    // Exact figures first: a model too large for them fails before the run
    // (and before a shard's: the merge computes them again).
    let exact = if args.exact {
        Some(exact::exact(&model)?)
    } else {
        None
    };
    let opts = args.sim.options()?;
    let log = log_target(args, &opts)?;
    if let Some(shard) = args.shards.shard {
        return super::merge::write_shard(args, inv, shard, &lib, &model, &opts);
    }
    let progress = Progress::new(opts.runs);
    let agg = match log {
        None => sim::simulate(&model, &opts, &|done| progress.tell(done))?,
        Some((path, format, start)) => {
            let mut agg = None;
            crate::output::write_file_with(path, &args.procedure.inputs(), &mut |w| {
                let w = std::io::BufWriter::with_capacity(1 << 16, w);
                let mut log = LogWriter::new(w, format, &model, start)?;
                let run = sim::simulate_traced(
                    &model,
                    &opts,
                    &|done| progress.tell(done),
                    &mut |journeys| log.journeys(journeys),
                )?;
                agg = Some(run?);
                log.finish()?;
                Ok(())
            })?;
            agg.context("the run wrote no log")?
        }
    };
    progress.finish();
    let run = Run {
        args,
        lib: &lib,
        model: &model,
        opts: &opts,
        exact,
    };
    run.write(out, &agg, inv)
}

/// Where `--log` writes, in which format, and the day the journeys start;
/// refused without `--start-date`, with `--shard`, or with a format that
/// neither `--log-format` nor the file's extension gives.
fn log_target<'a>(
    args: &'a SimulateArgs,
    opts: &sim::SimOptions,
) -> anyhow::Result<
    Option<(
        &'a std::path::Path,
        LogFormat,
        meldroute_core::calendar::Date,
    )>,
> {
    let Some((path, format)) = log_file(args)? else {
        return Ok(None);
    };
    anyhow::ensure!(
        args.shards.shard.is_none(),
        "--log writes the journeys of the whole run; leave out --shard"
    );
    let start = opts.start.with_context(|| {
        "--log needs --start-date YYYY-MM-DD: the day the journeys start, from which the log's times count (docs/eventlog.md)"
    })?;
    Ok(Some((path, format, start)))
}

/// Where `--log` writes and in which format: `--log-format`, or the
/// file's extension.
pub(super) fn log_file(
    args: &SimulateArgs,
) -> anyhow::Result<Option<(&std::path::Path, LogFormat)>> {
    let Some(path) = &args.log.log else {
        return Ok(None);
    };
    let format = match args.log.log_format {
        Some(crate::cli::LogFormat::Csv) => LogFormat::Csv,
        Some(crate::cli::LogFormat::Xes) => LogFormat::Xes,
        Some(crate::cli::LogFormat::Ocel) => LogFormat::Ocel,
        None => LogFormat::of_path(path).with_context(|| {
            format!(
                "--log {}: the extension does not say the format; name the file .csv, .xes or .jsonocel, or add --log-format csv, xes or ocel",
                inert(&path.display().to_string())
            )
        })?,
    };
    Ok(Some((path, format)))
}

/// A run's aggregate made, and what its output needs besides: the one way
/// `simulate` and `merge` write the output of a run.
pub(super) struct Run<'a> {
    pub args: &'a SimulateArgs,
    pub lib: &'a meldroute_core::Library,
    pub model: &'a sim::SimModel,
    pub opts: &'a sim::SimOptions,
    pub exact: Option<exact::Exact>,
}

impl Run<'_> {
    /// The provenance of the run's output, as `inv` made it.
    pub(super) fn provenance(&self, inv: &Invocation) -> Provenance {
        let args = self.args;
        let options = Options::new()
            .choice("format", args.format)
            .with("exact", args.exact)
            .sim(self.opts)
            .limits(&args.limits);
        inv.provenance(
            self.lib,
            &[self.model.procedures[0].entry],
            options,
            &args.stamp,
        )
    }

    /// Writes the output of the run with aggregate `agg` to `out`, and its
    /// warnings to standard error; gives the exit code.
    pub(super) fn write(
        self,
        out: &mut String,
        agg: &sim::Aggregate,
        inv: &Invocation,
    ) -> anyhow::Result<ExitCode> {
        let provenance = self.provenance(inv);
        let (args, opts) = (self.args, self.opts);
        let mut report = SimReport::new(self.model, opts, agg);
        report.exact = self.exact;
        match args.format {
            SimFormat::Json => outln!(out, "{}", json(&report, &provenance)?),
            SimFormat::Csv => out!(out, "{}", csv(&report, &provenance)?),
            SimFormat::Table => {
                table(out, &report);
                if args.explain {
                    out.push_str(&meldroute_render::figures::glossary());
                }
            }
        }
        // Stopping early is an error here (below); missing a precision target a warning.
        super::warn_run(
            &report.procedure,
            report.runs,
            opts.max_steps,
            false,
            report.precision.as_ref(),
        );
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
}

/// A progress bar on standard error, shown once a run takes a moment, and
/// only when standard error is a terminal.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Progress {
    /// A bar for `runs` journeys, hidden for now.
    pub(super) fn new(runs: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {human_pos}/{human_len} journeys, {eta} left",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// `done` journeys are done.
    pub(super) fn tell(&self, done: u64) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && self.started.elapsed() > Duration::from_millis(300) {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_position(done);
        }
    }

    /// The run is over: the bar goes.
    pub(super) fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Rounds every float to 6 decimals, for stable, readable JSON.
pub(super) fn rounded(value: serde_json::Value) -> serde_json::Value {
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

/// Rounds a figure to 6 decimals for the CSV.
pub(super) fn num(x: f64) -> String {
    format!("{}", (x * 1e6).round() / 1e6)
}

/// The rows of the CSV: `section,name,statistic,value`.
pub(super) struct Rows(pub(super) csv::Writer<Vec<u8>>);

impl Rows {
    pub(super) fn row(
        &mut self,
        section: &str,
        name: &str,
        stat: &str,
        value: String,
    ) -> csv::Result<()> {
        self.0
            .write_record([section, &inert_cell(name), stat, &value])
    }

    /// A figure, then the bounds of its 95% interval: `STAT_ci95_low` and
    /// `STAT_ci95_high` (`ci95_low` and `ci95_high` after a `value`),
    /// empty where there is none.
    pub(super) fn figure(
        &mut self,
        section: &str,
        name: &str,
        stat: &str,
        v: f64,
        ci: Option<Interval>,
    ) -> csv::Result<()> {
        self.row(section, name, stat, num(v))?;
        let prefix = if stat == "value" {
            String::new()
        } else {
            format!("{stat}_")
        };
        let bound = |b: fn(&Interval) -> f64| ci.as_ref().map(b).map(num).unwrap_or_default();
        self.row(
            section,
            name,
            &format!("{prefix}ci95_low"),
            bound(|i| i.low),
        )?;
        self.row(
            section,
            name,
            &format!("{prefix}ci95_high"),
            bound(|i| i.high),
        )
    }
}

fn csv(report: &SimReport, provenance: &Provenance) -> anyhow::Result<String> {
    let mut w = Rows(csv::Writer::from_writer(Vec::new()));
    w.row("section", "name", "statistic", "value".to_owned())?;
    for r in meldroute_render::provenance::csv_rows(provenance) {
        w.0.write_record(r.iter().map(|c| inert_cell(c)))?;
    }
    w.row("run", &report.procedure, "runs", report.runs.to_string())?;
    w.row("run", &report.procedure, "seed", report.seed.to_string())?;
    w.row(
        "run",
        &report.procedure,
        "reported",
        report.reported.to_string(),
    )?;
    for (name, s) in [
        ("lead_time_days", &report.lead_time_days),
        ("first_contact_days", &report.first_contact_days),
        ("longest_silence_days", &report.longest_silence_days),
    ] {
        for (stat, v, ci) in [
            ("mean", s.mean, s.mean_ci95),
            ("p50", s.p50, s.p50_ci95),
            ("p90", s.p90, s.p90_ci95),
            ("p95", s.p95, s.p95_ci95),
            ("p99", s.p99, s.p99_ci95),
        ] {
            w.figure("duration", name, stat, v, ci)?;
        }
        w.row("duration", name, "max", num(s.max))?;
    }
    for (name, v, ci) in [
        (
            "acknowledged_within_7_days",
            report.acknowledged_within_7_days,
            report.acknowledged_within_7_days_ci95,
        ),
        (
            "feedback_within_3_months",
            report.feedback_within_3_months,
            report.feedback_within_3_months_ci95,
        ),
        (
            "feedback_rate",
            report.feedback_rate,
            report.feedback_rate_ci95,
        ),
        (
            "aftercare_rate",
            report.aftercare_rate,
            report.aftercare_rate_ci95,
        ),
        (
            "no_contact_after_report",
            report.no_contact_after_report,
            report.no_contact_after_report_ci95,
        ),
        ("unfinished", report.unfinished, report.unfinished_ci95),
        (
            "contacts_mean",
            report.contacts_mean,
            report.contacts_mean_ci95,
        ),
        (
            "handoffs_mean",
            report.handoffs_mean,
            report.handoffs_mean_ci95,
        ),
        (
            "procedures_mean",
            report.procedures_mean,
            report.procedures_mean_ci95,
        ),
    ] {
        w.figure("rate", name, "value", v, ci)?;
    }
    let x = &report.experience;
    for (stat, v, ci) in [
        ("mean", x.score.mean, x.score.mean_ci95),
        ("p10", x.p10, x.p10_ci95),
        ("p50", x.score.p50, x.score.p50_ci95),
        ("p90", x.score.p90, x.score.p90_ci95),
    ] {
        w.figure("experience (model)", "experience_score", stat, v, ci)?;
    }
    if let Some(ret) = &report.retaliation {
        w.figure(
            "rate",
            "retaliation_share",
            "value",
            ret.share,
            ret.share_ci95,
        )?;
        for a in &ret.at {
            w.figure("retaliation", &a.step, "share", a.share, a.share_ci95)?;
        }
    }
    for s in &report.scopes {
        w.figure("scope", &s.scope, "share", s.share, s.share_ci95)?;
        w.figure(
            "scope",
            &s.scope,
            "acknowledged_within_7_days",
            s.acknowledged_within_7_days,
            s.acknowledged_within_7_days_ci95,
        )?;
        w.figure(
            "scope",
            &s.scope,
            "feedback_within_3_months",
            s.feedback_within_3_months,
            s.feedback_within_3_months_ci95,
        )?;
    }
    if let Some(a) = &report.anonymous {
        w.figure("rate", "anonymous_share", "value", a.share, a.share_ci95)?;
        w.figure(
            "rate",
            "anonymous_feedback_rate",
            "value",
            a.feedback_rate,
            a.feedback_rate_ci95,
        )?;
    }
    for (name, v) in &report.outcomes {
        let ci = report.outcomes_ci95.get(name).copied().flatten();
        w.figure("outcome", name, "share", *v, ci)?;
    }
    for (name, v) in &report.escalations {
        let ci = report.escalations_ci95.get(name).copied().flatten();
        w.figure("escalation", name, "share", *v, ci)?;
    }
    for d in &report.deadlines {
        w.row("deadline", &d.step, "within_days", num(d.within_days))?;
        w.figure("deadline", &d.step, "reached", d.reached, d.reached_ci95)?;
        w.figure("deadline", &d.step, "met", d.met, d.met_ci95)?;
    }
    for s in &report.steps {
        let name = format!("{}:{}", s.procedure, s.step);
        w.figure("step", &name, "visit_rate", s.visit_rate, s.visit_rate_ci95)?;
        w.figure("step", &name, "mean_days", s.mean_days, s.mean_days_ci95)?;
        w.row("step", &name, "visits", s.visits.to_string())?;
        w.figure(
            "step",
            &name,
            "mean_days_per_visit",
            s.mean_days_per_visit,
            s.mean_days_per_visit_ci95,
        )?;
    }
    if let Some(ex) = &report.exact {
        w.row(
            "exact",
            "lead_time_days",
            "mean",
            num(ex.lead_time_mean_days),
        )?;
        for (name, v) in &ex.outcomes {
            w.row("exact", name, "share", num(*v))?;
        }
        w.row(
            "exact",
            "contacts",
            "mean",
            ex.contacts_mean.map(num).unwrap_or_default(),
        )?;
        for figure in &ex.not_covered {
            w.row("exact", figure, "covered", "false".to_owned())?;
        }
    }
    if let Some(p) = &report.precision {
        w.row("precision", "", "met", p.met.to_string())?;
        w.row("precision", "", "max_runs", p.max_runs.to_string())?;
        for t in &p.targets {
            w.row("precision", &t.figure, "half_width", num(t.half_width))?;
            w.row(
                "precision",
                &t.figure,
                "reached",
                t.reached.map(num).unwrap_or_default(),
            )?;
        }
    }
    Ok(String::from_utf8(w.0.into_inner()?)?)
}

pub(super) fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header(header.to_vec());
    meldroute_render::table::fit(&mut t, crate::output::terminal_width());
    t
}

pub(super) fn right_align(t: &mut Table, from: usize) {
    for i in from..t.column_count() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn table(out: &mut String, r: &SimReport) {
    outln!(
        out,
        "{} journeys through {} (seed {}); d = days, w = weeks; {}",
        r.runs,
        r.procedure,
        r.seed,
        meldroute_render::figures::PLUS_MINUS
    );
    outln!(out);
    figures_table(out, r, Of::Journeys);
}

/// What the figures of a report count.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Of {
    /// Simulated journeys, in batches.
    Journeys,
    /// The real cases of a log (`conform`), each its own batch.
    Cases,
}

impl Of {
    fn many(self) -> &'static str {
        match self {
            Of::Journeys => "journeys",
            Of::Cases => "cases",
        }
    }
}

/// The tables of the figures of `r`, a run's or a log's (`conform`).
pub(super) fn figures_table(out: &mut String, r: &SimReport, of: Of) {
    let mut t = new_table(&["", "mean", "p50", "p90", "p95", "p99", "max", of.many()]);
    let line = |name: &str, s: &DurationStats| {
        if s.count == 0 {
            // No journey it applies to (no contact after the report): no figures.
            let mut row = vec![name.to_owned()];
            row.extend(std::iter::repeat_n("-".to_owned(), 6));
            row.push("0".to_owned());
            return row;
        }
        vec![
            name.to_owned(),
            days_weeks_ci(s.mean, s.mean_ci95),
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
    if of == Of::Journeys
        && let Some(why) = meldroute_render::figures::means_without_interval(r.runs)
    {
        outln!(out, "({why})");
    }
    outln!(out);
    outln!(
        out,
        "of the {} {} that made a report: acknowledged within 7 days {}, feedback within 3 months {}, feedback {}, aftercare {}, no contact after the report {}",
        r.reported,
        of.many(),
        percent_ci(
            r.acknowledged_within_7_days,
            r.acknowledged_within_7_days_ci95
        ),
        percent_ci(r.feedback_within_3_months, r.feedback_within_3_months_ci95),
        percent_ci(r.feedback_rate, r.feedback_rate_ci95),
        percent_ci(r.aftercare_rate, r.aftercare_rate_ci95),
        percent_ci(r.no_contact_after_report, r.no_contact_after_report_ci95)
    );
    let x = &r.experience;
    outln!(
        out,
        "reporter's experience score, 0-100, {}: mean {}, p10 {}, p50 {}, p90 {}",
        x.label,
        meldroute_render::figures::score_ci(x.score.mean, x.score.mean_ci95),
        meldroute_render::figures::score_ci(x.p10, x.p10_ci95),
        meldroute_render::figures::score_ci(x.score.p50, x.score.p50_ci95),
        meldroute_render::figures::score_ci(x.score.p90, x.score.p90_ci95),
    );
    if let Some(ret) = &r.retaliation {
        let places: Vec<String> = ret
            .at
            .iter()
            .take(3)
            .map(|a| format!("{} {}", inert(&a.step), percent_ci(a.share, a.share_ci95)))
            .collect();
        outln!(
            out,
            "met retaliation (a model of its risk, not a count): {}{}",
            percent_ci(ret.share, ret.share_ci95),
            if places.is_empty() {
                String::new()
            } else {
                format!("; most at {}", places.join(", "))
            }
        );
    }
    if let Some(a) = &r.anonymous {
        outln!(
            out,
            "of them anonymous {}; of the anonymous reporters, feedback {} (steps that need their identity do not reach them)",
            percent_ci(a.share, a.share_ci95),
            percent_ci(a.feedback_rate, a.feedback_rate_ci95)
        );
    }
    for s in &r.scopes {
        outln!(
            out,
            "of them of scope {} {} ({}): acknowledged within 7 days {}, feedback within 3 months {}",
            s.scope,
            percent_ci(s.share, s.share_ci95),
            if s.wbk {
                "the Wbk's terms bind"
            } else {
                "policy, not the Wbk"
            },
            percent_ci(
                s.acknowledged_within_7_days,
                s.acknowledged_within_7_days_ci95
            ),
            percent_ci(s.feedback_within_3_months, s.feedback_within_3_months_ci95)
        );
    }
    outln!(
        out,
        "of all {} {}: {} {}",
        r.runs,
        of.many(),
        match of {
            Of::Journeys => "unfinished",
            Of::Cases => "still open at the log's end",
        },
        percent_ci(r.unfinished, r.unfinished_ci95)
    );
    outln!(
        out,
        "per {}: {} contacts, {} hand-offs, {} procedures",
        match of {
            Of::Journeys => "journey",
            Of::Cases => "case",
        },
        per_journey_ci(r.contacts_mean, r.contacts_mean_ci95),
        per_journey_ci(r.handoffs_mean, r.handoffs_mean_ci95),
        per_journey_ci(r.procedures_mean, r.procedures_mean_ci95)
    );
    let exact = r.exact.as_ref();
    outln!(out);
    let mut t = new_table(if exact.is_some() {
        &["outcome", "share", "exact"]
    } else {
        &["outcome", "share"]
    });
    for (name, v) in &r.outcomes {
        let ci = r.outcomes_ci95.get(name).copied().flatten();
        let mut row = vec![name.clone(), percent_ci(*v, ci)];
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
            days_weeks_ci(r.lead_time_days.mean, r.lead_time_days.mean_ci95),
            days_weeks(ex.lead_time_mean_days),
            r.lead_time_days.mean,
            ex.lead_time_mean_days
        );
        match ex.contacts_mean {
            Some(c) => outln!(
                out,
                "contacts per journey (interim updates included): simulated {}, exact {c:.3}",
                per_journey_ci(r.contacts_mean, r.contacts_mean_ci95)
            ),
            None => outln!(
                out,
                "contacts per journey: simulated {}, no exact figure (an expectation of interim updates would take too many terms)",
                per_journey_ci(r.contacts_mean, r.contacts_mean_ci95)
            ),
        }
        outln!(
            out,
            "not given exactly (simulated only): {}",
            ex.not_covered.join(", ")
        );
    }
    if !r.escalations.is_empty() {
        outln!(out);
        let mut t = new_table(&["escalated to", "share"]);
        for (name, v) in &r.escalations {
            let ci = r.escalations_ci95.get(name).copied().flatten();
            t.add_row(vec![name.clone(), percent_ci(*v, ci)]);
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
                percent_ci(d.reached, d.reached_ci95),
                percent_ci(d.met, d.met_ci95),
                inert(&d.basis),
            ]);
        }
        outln!(out, "{}", trim_lines(&t.to_string()));
    }
    outln!(out);
    outln!(out, "where the time goes:");
    let mut t = new_table(&[
        "step",
        "visited",
        "mean per journey",
        "mean per visit",
        "share",
    ]);
    for s in r.steps.iter().filter(|s| s.mean_days > 0.0) {
        t.add_row(vec![
            format!("{}:{}", s.procedure, s.step),
            percent_ci(s.visit_rate, s.visit_rate_ci95),
            days_weeks_ci(s.mean_days, s.mean_days_ci95),
            days_weeks_ci(s.mean_days_per_visit, s.mean_days_per_visit_ci95),
            percent_ci(s.share_of_lead_time, s.share_of_lead_time_ci95),
        ]);
    }
    right_align(&mut t, 1);
    outln!(out, "{}", trim_lines(&t.to_string()));
}
