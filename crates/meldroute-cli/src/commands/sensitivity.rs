//! `meldroute sensitivity`: vary every assumption of a procedure and rank
//! what each does to the figures (docs/sensitivity.md).

use std::process::ExitCode;

use meldroute_core::provenance::Provenance;
use meldroute_core::sensitivity::{self, DEFAULT_KPIS, Method, Study};
use meldroute_core::sim::precision::Kpi;
use meldroute_render::sensitivity as render;
use meldroute_render::text::inert_cell;

use super::{load_model, out, outln};
use crate::cli::{SensitivityArgs, SensitivityFormat, SensitivityMethod};
use crate::provenance::{Invocation, Options};

/// `meldroute sensitivity --format json`: the provenance, then the study.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct SensitivityJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    #[serde(flatten)]
    study: &'a Study,
}

pub fn run(out: &mut String, args: &SensitivityArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != SensitivityFormat::Table,
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
    let kpis = kpis(&args.kpis)?;
    let (lib, model) = match load_model(&args.procedure, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let mut opts = args.sim.options()?;
    if method == Method::Sobol && args.sim.runs.is_none() {
        opts.runs = sensitivity::DEFAULT_SOBOL_RUNS;
    }
    let samples = args
        .samples
        .map_or(sensitivity::DEFAULT_SAMPLES, |n| n as usize);
    let study = Study::run(&lib, &model, &kpis, &opts, method, samples)?;
    let mut options = Options::new()
        .choice("format", args.format)
        .choice("method", args.method)
        .with("kpi", kpis.iter().map(|k| k.name()).collect::<Vec<_>>());
    if method == Method::Sobol {
        options = options.with("samples", samples as u64);
    }
    let options = options.sim(&opts).limits(&args.limits);
    let provenance = inv.provenance(&lib, &[model.procedures[0].entry], options, &args.stamp);
    match args.format {
        SensitivityFormat::Table => out!(out, "{}", render::table(&study)),
        SensitivityFormat::Json => {
            let json = SensitivityJson {
                provenance: &provenance,
                study: &study,
            };
            outln!(
                out,
                "{}",
                serde_json::to_string_pretty(&super::simulate::rounded(serde_json::to_value(
                    json
                )?))?
            );
        }
        SensitivityFormat::Csv => out!(out, "{}", csv(&study, &provenance)?),
        SensitivityFormat::Svg => {
            let svg = render::tornado_svg(&study).unwrap_or_default();
            out!(
                out,
                "{}",
                meldroute_render::provenance::svg(&svg, &provenance)?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The figures named, each once, or the default ones.
fn kpis(names: &[String]) -> anyhow::Result<Vec<Kpi>> {
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
fn csv(study: &Study, provenance: &Provenance) -> anyhow::Result<String> {
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
