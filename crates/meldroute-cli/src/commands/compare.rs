//! `meldroute compare`: procedures side by side.

use std::process::ExitCode;

use comfy_table::{CellAlignment, Table, presets};
use meldroute_core::compare;
use meldroute_core::gaps::GapOptions;

use super::outln;
use crate::cli::{CompareArgs, CompareFormat};
use crate::output::inert_cell;
use crate::output::trim_lines;

pub fn run(out: &mut String, args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let (lib, targets) = super::load_inputs(&args.paths, &args.limits)?;
    let opts = GapOptions {
        sim: args.sim.options(),
        ..GapOptions::default()
    };
    let rows: Vec<compare::Row> = match lib.compare(&targets, &opts) {
        Ok(compared) => {
            super::warn_stopped_early(compared.iter().map(|c| &c.report));
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
        CompareFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&header)?;
            for row in &cells {
                w.write_record(row.iter().map(|c| inert_cell(c)))?;
            }
            out.push_str(&String::from_utf8(w.into_inner()?)?);
        }
        CompareFormat::Markdown => {
            let esc = |s: &str| {
                meldroute_render::diagnostics::inert(s)
                    .replace('|', "\\|")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            };
            outln!(
                out,
                "| {} |",
                header
                    .iter()
                    .map(|h| esc(h))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            outln!(
                out,
                "|{}|",
                header
                    .iter()
                    .enumerate()
                    .map(|(i, _)| if i == 0 { "---" } else { "---:" })
                    .collect::<Vec<_>>()
                    .join("|")
            );
            for row in &cells {
                outln!(
                    out,
                    "| {} |",
                    row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
                );
            }
            outln!(out);
            outln!(
                out,
                "{} journeys per procedure, seed {}; d = days, w = weeks.",
                opts.sim.runs,
                opts.sim.seed
            );
        }
        CompareFormat::Table => {
            let mut t = Table::new();
            t.load_preset(presets::NOTHING).set_header(header.clone());
            for row in &cells {
                t.add_row(
                    row.iter()
                        .map(|c| meldroute_render::diagnostics::inert(c))
                        .collect::<Vec<_>>(),
                );
            }
            for i in 1..t.column_count() {
                if let Some(c) = t.column_mut(i) {
                    c.set_cell_alignment(CellAlignment::Right);
                }
            }
            outln!(out, "{}", trim_lines(&t.to_string()));
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
