//! `meldroute compare`: procedures side by side.

use std::process::ExitCode;

use meldroute_core::compare;
use meldroute_core::gaps::GapOptions;

use super::outln;
use crate::cli::{CompareArgs, CompareFormat};
use crate::provenance::{Invocation, Options};
use meldroute_core::provenance::Provenance;

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
    let (lib, targets) = super::load_inputs(&args.paths, &args.limits)?;
    let opts = GapOptions {
        sim: args.sim.options(),
        ..GapOptions::default()
    };
    let rows: Vec<compare::Row> = match lib.compare(&targets, &opts, false) {
        Ok(compared) => {
            super::warn_stopped_early(&compared);
            compared.into_iter().map(|c| c.row).collect()
        }
        Err(e) => return super::refused(&lib, e),
    };
    let bodies = meldroute_render::table::bodies(&rows);
    let header = meldroute_render::table::header(&bodies, args.format == CompareFormat::Csv);
    let mut cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| meldroute_render::table::cells(r, &bodies, args.format == CompareFormat::Csv))
        .collect();
    let options = Options::new()
        .choice("format", args.format)
        .sim(&opts.sim)
        .limits(&args.limits);
    let provenance = inv.provenance(&lib, &targets, options, &args.stamp);
    match args.format {
        CompareFormat::Json => outln!(
            out,
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
            out.push_str(&meldroute_render::table::csv(&header, &cells)?);
        }
        CompareFormat::Markdown | CompareFormat::Table => {
            if args.format == CompareFormat::Markdown {
                out.push_str(&meldroute_render::table::markdown(&header, &cells));
            } else {
                outln!(out, "{}", meldroute_render::table::aligned(&header, &cells));
            }
            outln!(out);
            outln!(
                out,
                "{} journeys per procedure, seed {}; d = days, w = weeks.",
                opts.sim.runs,
                opts.sim.seed
            );
            if args.format == CompareFormat::Markdown {
                out.push_str(&meldroute_render::provenance::markdown(&provenance));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
