//! `meldroute compare`: procedures side by side.

use std::process::ExitCode;

use comfy_table::{CellAlignment, Table, presets};
use meldroute_core::compare::{self, Row};
use meldroute_core::gaps::GapOptions;
use meldroute_core::sim::SimOptions;

use super::list::trim_lines;
use super::simulate::inert_cell;
use super::{days_weeks, outln, percent};
use crate::cli::{CompareArgs, CompareFormat};

pub fn run(out: &mut String, args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let (lib, targets) = match super::load_valid(&args.paths, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let opts = GapOptions {
        sim: SimOptions {
            runs: args.runs,
            seed: args.seed,
            ..SimOptions::default()
        },
        ..GapOptions::default()
    };
    let rows = compare::compare(&lib, &targets, &opts)?;
    let bodies: Vec<String> = {
        let mut b: Vec<String> = rows
            .iter()
            .flat_map(|r| r.escalation_to.keys().cloned())
            .collect();
        b.sort();
        b.dedup();
        b
    };
    let header = header(&bodies);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cells(r, &bodies, args.format == CompareFormat::Csv))
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
                crate::report::inert(s)
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
                args.runs,
                args.seed
            );
        }
        CompareFormat::Table => {
            let mut t = Table::new();
            t.load_preset(presets::NOTHING).set_header(header.clone());
            for row in &cells {
                t.add_row(
                    row.iter()
                        .map(|c| crate::report::inert(c))
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
                args.runs,
                args.seed
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Column names, with units.
fn header(bodies: &[String]) -> Vec<String> {
    let mut h: Vec<String> = [
        "procedure",
        "lead time p50",
        "lead time p90",
        "first contact p50",
        "longest silence p50",
        "longest silence p90",
        "acknowledged within 7 d (%)",
        "feedback within 3 mo (%)",
        "feedback (%)",
        "aftercare (%)",
    ]
    .map(str::to_owned)
    .to_vec();
    h.extend(bodies.iter().map(|b| format!("to {b} (%)")));
    h.extend(["gap errors", "gap warnings", "gaps accepted"].map(str::to_owned));
    h
}

/// A row's cells; for CSV, durations in plain days.
fn cells(r: &Row, bodies: &[String], csv: bool) -> Vec<String> {
    let d = |days: f64| {
        if csv {
            format!("{days:.2}")
        } else {
            days_weeks(days)
        }
    };
    let p = |share: f64| {
        if csv {
            format!("{:.2}", share * 100.0)
        } else {
            percent(share).trim_end_matches('%').to_owned()
        }
    };
    let name = if r.illustrative {
        format!("{} (illustrative)", r.procedure)
    } else {
        r.procedure.clone()
    };
    let mut c = vec![
        name,
        d(r.lead_time_p50_days),
        d(r.lead_time_p90_days),
        r.first_contact_p50_days.map_or("-".to_owned(), d),
        d(r.longest_silence_p50_days),
        d(r.longest_silence_p90_days),
        p(r.acknowledged_within_7_days),
        p(r.feedback_within_3_months),
        p(r.feedback_rate),
        p(r.aftercare_rate),
    ];
    c.extend(
        bodies
            .iter()
            .map(|b| r.escalation_to.get(b).map_or("-".to_owned(), |s| p(*s))),
    );
    c.extend([
        r.gaps.errors.to_string(),
        r.gaps.warnings.to_string(),
        r.gaps.accepted.to_string(),
    ]);
    c
}
