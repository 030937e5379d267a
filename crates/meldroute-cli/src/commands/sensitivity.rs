//! `meldroute sensitivity`: vary every assumption of a procedure and rank
//! what each does to the figures (docs/sensitivity.md).

use std::process::ExitCode;

use anyhow::Context as _;
use meldroute_core::provenance::Provenance;
use meldroute_core::sensitivity::caseload as caseload_study;
use meldroute_core::sensitivity::{self, DEFAULT_KPIS, Method};
use meldroute_core::sim::BatchMerge;
use meldroute_core::sim::precision::Kpi;
use meldroute_core::sim::shard::{self, Header, Shard};
use meldroute_render::diagnostics::inert;
use meldroute_render::sensitivity as render;
use meldroute_render::text::inert_cell;

use super::{out, outln};
use crate::cli::{SensitivityArgs, SensitivityFormat, SensitivityMethod};
use crate::provenance::{Invocation, Options};

/// `meldroute sensitivity --format json`: the provenance, then the study.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct SensitivityJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    #[serde(flatten)]
    study: &'a sensitivity::Study,
}

pub fn run(out: &mut String, args: &SensitivityArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    let (method, samples, opts) = settings(args)?;
    let (lib, model) = match super::load_target(&args.procedure, &args.limits)? {
        Ok(super::Target::Procedure(lib, model)) => (lib, model),
        Ok(super::Target::Caseload(lib, model)) => {
            return caseload(out, args, inv, &lib, &model, method, samples, &opts);
        }
        Err(code) => return Ok(code),
    };
    anyhow::ensure!(
        args.caseload.replications.is_none(),
        "--replications is for a caseload file (docs/caseload.md); a procedure runs --runs journeys at each point"
    );
    let kpis = kpis(&args.kpis)?;
    let study = Loaded {
        args,
        lib: &lib,
        model: &model,
        kpis: &kpis,
        opts: &opts,
        method,
        samples,
    };
    if let Some(shard) = args.shards.shard {
        return study.write_shard(inv, shard);
    }
    let result = sensitivity::Study::run(&lib, &model, &kpis, &opts, method, samples)?;
    study.write(out, &result, &study.provenance(inv))?;
    Ok(ExitCode::SUCCESS)
}

/// A study of the caseload `model`: its procedures' assumptions and its
/// own, each point running its replications.
#[allow(clippy::too_many_arguments)]
fn caseload(
    out: &mut String,
    args: &SensitivityArgs,
    inv: &Invocation,
    lib: &meldroute_core::Library,
    model: &meldroute_core::sim::des::CaseModel,
    method: Method,
    samples: usize,
    opts: &meldroute_core::sim::SimOptions,
) -> anyhow::Result<ExitCode> {
    let procedure_only = [
        ("--runs", args.sim.runs.is_some()),
        ("--max-runs", args.sim.max_runs.is_some()),
        ("--shard", args.shards.shard.is_some()),
    ];
    if let Some((flag, _)) = procedure_only.iter().find(|(_, given)| *given) {
        anyhow::bail!(
            "{flag} is for a procedure; each point of a caseload's study runs --replications of its whole period (docs/sensitivity.md)"
        );
    }
    let kpis = if args.kpis.is_empty() {
        caseload_study::default_kpis(model)
    } else {
        let mut kpis: Vec<caseload_study::CaseKpi> = Vec::with_capacity(args.kpis.len());
        for name in &args.kpis {
            let kpi = caseload_study::CaseKpi::parse(model, name)
                .map_err(|e| anyhow::anyhow!("--kpi: {}", inert(&e)))?;
            anyhow::ensure!(
                !kpis.contains(&kpi),
                "--kpi names {} twice; give each figure once",
                inert(kpi.name())
            );
            kpis.push(kpi);
        }
        kpis
    };
    let copts = super::case_options(opts, args.caseload.replications);
    let study = caseload_study::study(lib, model, &kpis, &copts, method, samples)?;
    let mut options = Options::new()
        .choice("format", args.format)
        .choice("method", args.method)
        .with("kpi", kpis.iter().map(|k| k.name()).collect::<Vec<_>>());
    if method == Method::Sobol {
        options = options.with("samples", samples as u64);
    }
    let options = options
        .with("replications", copts.replications)
        .with("seed", copts.seed)
        .with("threads", copts.threads as u64)
        .with("max_steps", copts.max_steps)
        .limits(&args.limits);
    let provenance = super::caseload::provenance(inv, lib, model, options, &args.stamp);
    write(args.format, out, &study, &provenance)?;
    Ok(ExitCode::SUCCESS)
}

/// What the flags ask of a study, checked: the method, the Sobol samples
/// and the options of each point.
pub(super) fn settings(
    args: &SensitivityArgs,
) -> anyhow::Result<(Method, usize, meldroute_core::sim::SimOptions)> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != SensitivityFormat::Table || args.shards.shard.is_some(),
    )?;
    let method = match args.method {
        SensitivityMethod::Oat => Method::Oat,
        SensitivityMethod::Sobol => Method::Sobol,
    };
    anyhow::ensure!(
        args.sim.precision.is_empty(),
        "--precision does not apply to sensitivity: every point runs the same journeys (--runs) so that points differ only by the assumptions; leave it out"
    );
    anyhow::ensure!(
        args.samples.is_none() || method == Method::Sobol,
        "--samples applies to --method sobol; leave it out, or add --method sobol"
    );
    anyhow::ensure!(
        args.format != SensitivityFormat::Svg || method == Method::Oat,
        "--format svg draws the tornado of one at a time; choose table, json or csv for Sobol indices"
    );
    let mut opts = args.sim.options()?;
    if method == Method::Sobol && args.sim.runs.is_none() {
        opts.runs = sensitivity::DEFAULT_SOBOL_RUNS;
    }
    let samples = args
        .samples
        .map_or(sensitivity::DEFAULT_SAMPLES, |n| n as usize);
    Ok((method, samples, opts))
}

/// A study as the command line asks for it, loaded: what a single run, a
/// shard and a merge share.
pub(super) struct Loaded<'a> {
    pub args: &'a SensitivityArgs,
    pub lib: &'a meldroute_core::Library,
    pub model: &'a meldroute_core::sim::SimModel,
    pub kpis: &'a [Kpi],
    pub opts: &'a meldroute_core::sim::SimOptions,
    pub method: Method,
    pub samples: usize,
}

impl Loaded<'_> {
    /// The study's points: the model with its assumptions varied.
    fn points(&self) -> (Vec<sensitivity::Factor>, Vec<Vec<f64>>) {
        let factors = sensitivity::study_factors(self.lib, self.model, self.kpis);
        let points = sensitivity::points(&factors, self.method, self.samples, self.opts.seed);
        (factors, points)
    }

    /// The provenance of the study's output, made by `inv`.
    pub fn provenance(&self, inv: &Invocation) -> Provenance {
        let mut options = Options::new()
            .choice("format", self.args.format)
            .choice("method", self.args.method)
            .with(
                "kpi",
                self.kpis.iter().map(|k| k.name()).collect::<Vec<_>>(),
            );
        if self.method == Method::Sobol {
            options = options.with("samples", self.samples as u64);
        }
        let options = options.sim(self.opts).limits(&self.args.limits);
        inv.provenance(
            self.lib,
            &[self.model.procedures[0].entry],
            options,
            &self.args.stamp,
        )
    }

    /// `--shard`: simulates the shard's units of the study's points and
    /// writes them as a partial aggregate whose identity is the
    /// provenance of the single study (without its time).
    fn write_shard(&self, inv: &Invocation, shard: Shard) -> anyhow::Result<ExitCode> {
        let single = Invocation {
            command: super::merge::single_run_command(&inv.command),
            clock: inv.clock.clone(),
        };
        let mut identity = self.provenance(&single);
        let made = identity.made.take();
        let (factors, points) = self.points();
        let header = Header::points(
            "sensitivity",
            u32::try_from(points.len()).unwrap_or(u32::MAX),
            self.model,
            self.opts,
            shard,
            serde_json::to_value(&identity)?,
            made,
        );
        let one = sensitivity::point_options(self.opts);
        let model = |p: u32| sensitivity::apply(self.model, &factors, &points[p as usize]);
        let mut write = |w: &mut dyn std::io::Write| -> anyhow::Result<()> {
            shard::points_shard(&model, &one, &header, w, &mut |_| {})?;
            Ok(())
        };
        match &self.args.shards.output {
            Some(path) => {
                crate::output::write_file_with(path, &self.args.procedure.inputs(), &mut write)?;
            }
            None => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                write(&mut stdout)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }

    /// `meldroute merge` of a study's shards in `plan` (checked against
    /// this study): the figures of every point, merged batch by batch as
    /// each point's single run adds them, and the study from them.
    pub fn merge<R: std::io::BufRead>(
        &self,
        plan: &shard::Plan,
        open: impl FnMut(&str) -> std::io::Result<R>,
    ) -> anyhow::Result<sensitivity::Study> {
        let (factors, points) = self.points();
        anyhow::ensure!(
            plan.header().points as usize == points.len(),
            "{} is a shard of a study of {} points; this study has {}; make the shards again",
            inert(plan.first_file()),
            plan.header().points,
            points.len()
        );
        let one = sensitivity::point_options(self.opts);
        let mut figures: Vec<Option<Vec<meldroute_core::sim::Estimate>>> = vec![None; points.len()];
        plan.replay(
            open,
            |p| {
                let m = sensitivity::apply(self.model, &factors, &points[p as usize]);
                BatchMerge::new(&m, &one)
            },
            |p, agg| {
                figures[p as usize] = Some(self.kpis.iter().map(|k| k.estimate(&agg)).collect());
            },
        )?;
        let figures: Vec<_> = figures
            .into_iter()
            .enumerate()
            .map(|(p, f)| f.with_context(|| format!("the shards hold no batch of point {p}")))
            .collect::<anyhow::Result<_>>()?;
        Ok(sensitivity::Study::of(
            self.model,
            factors,
            self.kpis,
            self.opts,
            self.method,
            self.samples,
            &figures,
        ))
    }

    /// Writes `study`, made as `provenance` says, to `out` in the format asked for.
    pub fn write(
        &self,
        out: &mut String,
        study: &sensitivity::Study,
        provenance: &Provenance,
    ) -> anyhow::Result<()> {
        write(self.args.format, out, study, provenance)
    }
}

/// Writes `study`, made as `provenance` says, to `out` in `format`.
fn write(
    format: SensitivityFormat,
    out: &mut String,
    study: &sensitivity::Study,
    provenance: &Provenance,
) -> anyhow::Result<()> {
    match format {
        SensitivityFormat::Table => out!(out, "{}", render::table(study)),
        SensitivityFormat::Json => {
            let json = SensitivityJson { provenance, study };
            outln!(
                out,
                "{}",
                serde_json::to_string_pretty(&super::simulate::rounded(serde_json::to_value(
                    json
                )?))?
            );
        }
        SensitivityFormat::Csv => out!(out, "{}", csv(study, provenance)?),
        SensitivityFormat::Svg => {
            let svg = render::tornado_svg(study).unwrap_or_default();
            out!(
                out,
                "{}",
                meldroute_render::provenance::svg(&svg, provenance)?
            );
        }
    }
    Ok(())
}

/// The figures named, each once, or the default ones.
pub(super) fn kpis(names: &[String]) -> anyhow::Result<Vec<Kpi>> {
    if names.is_empty() {
        return Ok(DEFAULT_KPIS.iter().filter_map(|n| Kpi::named(n)).collect());
    }
    let mut kpis: Vec<Kpi> = Vec::with_capacity(names.len());
    for name in names {
        let kpi = Kpi::parse(name.trim()).map_err(|e| anyhow::anyhow!("--kpi: {e}"))?;
        anyhow::ensure!(
            !kpis.contains(&kpi),
            "--kpi names {} twice; give each figure once",
            kpi.name()
        );
        kpis.push(kpi);
    }
    Ok(kpis)
}

/// The CSV: the header, the provenance rows, then one row per figure.
fn csv(study: &sensitivity::Study, provenance: &Provenance) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(render::CSV_HEADER)?;
    let width = render::CSV_HEADER.len();
    for r in meldroute_render::provenance::csv_rows(provenance) {
        let mut row: Vec<String> = r.iter().map(|c| inert_cell(c)).collect();
        row.resize(width, String::new());
        w.write_record(&row)?;
    }
    for row in render::csv_rows(study) {
        w.write_record(&row)?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| e.into_error())?,
    )?)
}
