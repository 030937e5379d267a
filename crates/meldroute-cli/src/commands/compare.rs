//! `meldroute compare`: procedures side by side.

use std::process::ExitCode;

use meldroute_core::compare;
use meldroute_core::gaps::GapOptions;

use super::outln;
use crate::cli::{CompareArgs, CompareFormat};

pub fn run(out: &mut String, args: &CompareArgs) -> anyhow::Result<ExitCode> {
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
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| meldroute_render::table::cells(r, &bodies, args.format == CompareFormat::Csv))
        .collect();
    match args.format {
        CompareFormat::Json => outln!(out, "{}", serde_json::to_string_pretty(&rows)?),
        CompareFormat::Csv => out.push_str(&meldroute_render::table::csv(&header, &cells)?),
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
        }
    }
    Ok(ExitCode::SUCCESS)
}
