//! `meldroute list`: the bundled procedures.

use std::process::ExitCode;

use comfy_table::{Table, presets};
use meldroute_core::{Library, Limits, Origin};
use serde::Serialize;

use super::outln;
use crate::cli::{ListArgs, ListFormat};
use meldroute_render::text::trim_lines;

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    kind: &'a str,
    steps: usize,
    title: &'a str,
    illustrative: bool,
}

pub fn run(out: &mut String, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let lib = Library::with_bundled(Limits::default());
    if let Some(err) = lib.load_errors().first() {
        anyhow::bail!(
            "bundled file {} does not load: {}",
            lib.file(err.primary.file).name(),
            meldroute_render::diagnostics::message(err)
        );
    }
    let mut rows: Vec<Row> = lib
        .entries()
        .iter()
        .filter(|e| e.origin == Origin::Bundled)
        .map(|e| Row {
            id: e.procedure.id.as_str(),
            kind: e.procedure.kind.as_str(),
            steps: e.procedure.steps.len(),
            title: &e.procedure.title,
            illustrative: e.procedure.illustrative,
        })
        .collect();
    rows.sort_by(|a, b| a.id.cmp(b.id));
    match args.format {
        ListFormat::Json => outln!(out, "{}", serde_json::to_string_pretty(&rows)?),
        ListFormat::Table => {
            let mut table = Table::new();
            table
                .load_preset(presets::NOTHING)
                .set_header(["ID", "KIND", "STEPS", "TITLE"]);
            for r in &rows {
                let title = if r.illustrative {
                    format!("{} (illustrative)", r.title)
                } else {
                    r.title.to_owned()
                };
                table.add_row([
                    r.id.to_owned(),
                    r.kind.to_owned(),
                    r.steps.to_string(),
                    title,
                ]);
            }
            outln!(out, "{}", trim_lines(&table.to_string()));
        }
    }
    Ok(ExitCode::SUCCESS)
}
