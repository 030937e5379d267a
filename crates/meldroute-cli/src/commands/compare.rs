//! `meldroute compare`: procedures side by side.

use std::process::ExitCode;

use meldroute_core::compare;
use meldroute_core::gaps::GapOptions;

use super::outln;
use crate::cli::{CompareArgs, CompareFormat};
use crate::provenance::{Invocation, Options};
use meldroute_core::provenance::Provenance;
use meldroute_render::diagnostics::inert;

/// `meldroute compare --format json`: the provenance and a row per procedure.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct CompareJson<'a> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    /// One row per procedure, in the order named.
    rows: &'a [compare::Row],
}

pub fn run(out: &mut String, args: &CompareArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != CompareFormat::Table,
    )?;
    let (lib, targets) = super::load_procedures(&args.inputs(), &args.limits)?;
    let opts = GapOptions {
        sim: args.sim.options()?,
        ..GapOptions::default()
    };
    let mut compared = match lib.compare(&targets, &opts, false) {
        Ok(compared) => compared,
        Err(e) => return super::refused(&lib, e),
    };
    if let Some(base) = &args.base {
        let ids: Vec<&str> = compared.iter().map(|c| c.row.procedure.as_str()).collect();
        let Some(i) = ids.iter().position(|id| id == base) else {
            anyhow::bail!(
                "--base {}: not one of the procedures compared{}; they are: {}",
                inert(base),
                meldroute_core::suggest::did_you_mean(base, ids.iter().copied()),
                inert(&ids.join(", "))
            );
        };
        compare::set_base(&mut compared, i);
    }
    let mut data_sha256 = None;
    if let Some(log) = &args.data {
        let base = match &args.base {
            Some(b) => compared
                .iter()
                .position(|c| &c.row.procedure == b)
                .unwrap_or(0),
            None => 0,
        };
        let (data, sha) = match super::conform::observed(&lib, &compared[base], log, &args.read)? {
            Ok(found) => found,
            Err(code) => return Ok(code),
        };
        data_sha256 = Some(sha);
        compared.push(data);
        compare::set_base(&mut compared, base);
    }
    super::warn_runs(&compared);
    let journeys = format!(
        "{}, seed {}",
        meldroute_render::figures::journeys_per_procedure(
            compared.iter().map(|c| c.figures.runs),
            opts.sim.precision.as_ref()
        ),
        opts.sim.seed
    );
    let rows: Vec<compare::Row> = compared.into_iter().map(|c| c.row).collect();
    let bodies = meldroute_render::table::bodies(&rows);
    // CSV and the workbook: bare numbers with their bounds and differences.
    let plain = matches!(args.format, CompareFormat::Csv | CompareFormat::Xlsx);
    let header = meldroute_render::table::header(&bodies, plain);
    let mut cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| meldroute_render::table::cells(r, &bodies, plain))
        .collect();
    let mut options = Options::new()
        .choice("format", args.format)
        .sim(&opts.sim)
        .limits(&args.limits);
    if let Some(sha) = data_sha256 {
        options = options.with("data_sha256", sha);
    }
    let provenance = inv.provenance(&lib, &targets, options, &args.stamp);
    if let Some(path) = &args.output {
        // Before the work is shown, so a wrong -o fails cleanly.
        crate::output::check_output(path, &args.inputs())?;
    }
    let mut text = String::new();
    let out_text = &mut text;
    match args.format {
        CompareFormat::Xlsx => {
            let bytes = meldroute_render::table::xlsx(
                &header,
                &cells,
                &meldroute_render::provenance::csv_rows(&provenance)
                    .iter()
                    .map(|r| r.to_vec())
                    .collect::<Vec<_>>(),
            )?;
            return match &args.output {
                Some(path) => {
                    crate::output::write_file(path, &args.inputs(), &bytes)?;
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    anyhow::ensure!(
                        !std::io::IsTerminal::is_terminal(&std::io::stdout()),
                        "the workbook is binary; give a file with -o, or redirect standard output"
                    );
                    let mut stdout = std::io::stdout().lock();
                    std::io::Write::write_all(&mut stdout, &bytes)
                        .map_err(|e| anyhow::anyhow!("cannot write to standard output: {e}"))?;
                    Ok(ExitCode::SUCCESS)
                }
            };
        }
        CompareFormat::Json => outln!(
            out_text,
            "{}",
            serde_json::to_string_pretty(&CompareJson {
                provenance: &provenance,
                rows: &rows
            })?
        ),
        CompareFormat::Csv => {
            // After the procedures, padded to the header's width.
            for r in meldroute_render::provenance::csv_rows(&provenance) {
                let mut row = r.to_vec();
                row.resize(header.len().max(row.len()), String::new());
                cells.push(row);
            }
            out_text.push_str(&meldroute_render::table::csv(&header, &cells)?);
        }
        CompareFormat::Markdown | CompareFormat::Table => {
            let markdown = args.format == CompareFormat::Markdown;
            let table = |header: &[String], cells: &[Vec<String>]| {
                if markdown {
                    meldroute_render::table::markdown(header, cells)
                } else {
                    format!(
                        "{}\n",
                        meldroute_render::table::aligned_to(
                            header,
                            cells,
                            crate::output::terminal_width()
                        )
                    )
                }
            };
            out_text.push_str(&table(&header, &cells));
            let differences: Vec<Vec<String>> = rows
                .iter()
                .filter_map(|r| meldroute_render::table::difference_cells(r, &bodies))
                .collect();
            if let Some(base) = rows
                .iter()
                .find(|r| r.difference_from_base.is_none())
                .filter(|_| !differences.is_empty())
            {
                outln!(out_text);
                outln!(out_text, "difference from {}:", inert(&base.procedure));
                outln!(out_text);
                let header = meldroute_render::table::difference_header(&bodies);
                out_text.push_str(&table(&header, &differences));
            }
            outln!(out_text);
            outln!(
                out_text,
                "{}; {}; d = days, w = weeks; points: percentage points; {}.",
                journeys,
                meldroute_render::table::REPORTED,
                meldroute_render::figures::PLUS_MINUS
            );
            if !differences.is_empty() {
                outln!(out_text, "{}.", meldroute_render::table::WITHIN_CHANCE);
            }
            if args.explain {
                out_text.push_str(&meldroute_render::figures::glossary());
            }
            if args.format == CompareFormat::Markdown {
                out_text.push_str(&meldroute_render::provenance::markdown(&provenance));
            }
        }
    }
    match &args.output {
        Some(path) => crate::output::write_file(path, &args.inputs(), text.as_bytes())?,
        None => out.push_str(&text),
    }
    Ok(ExitCode::SUCCESS)
}
