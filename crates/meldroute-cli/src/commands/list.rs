//! `meldroute list`: the bundled procedures.

use std::process::ExitCode;

use comfy_table::{Table, presets};
use meldroute_core::provenance::Provenance;
use meldroute_core::{EntryId, Library, Limits, Origin};
use serde::Serialize;

use super::outln;
use crate::cli::{ListArgs, ListFormat};
use crate::provenance::{Invocation, Options};
use meldroute_render::text::trim_lines;

/// `meldroute list --format json`: the provenance and the bundled
/// procedures.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct ListJson<'a> {
    /// How the output was made (docs/provenance.md): the bundled files.
    provenance: &'a Provenance,
    /// The bundled procedures, by id.
    procedures: Vec<Row<'a>>,
    /// The bundled caseloads (`meldroute simulate ID`), by id.
    caseloads: Vec<CaseloadRow<'a>>,
}

/// One bundled caseload.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct CaseloadRow<'a> {
    /// Its id, which `meldroute simulate` takes in place of a file.
    id: &'a str,
    /// The procedures it runs.
    procedures: Vec<&'a str>,
    /// Its title.
    title: &'a str,
}

/// One bundled procedure.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct Row<'a> {
    /// Its id (`rijk/klacht`), which every command takes in place of a file.
    id: &'a str,
    /// Its kind (`melding`, `klacht`...).
    kind: &'a str,
    /// How many steps it has.
    steps: usize,
    /// Its title.
    title: &'a str,
    /// True for an illustrative procedure (an example, not a real one).
    illustrative: bool,
}

pub fn run(out: &mut String, args: &ListArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format == ListFormat::Json,
    )?;
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
    let mut caseloads: Vec<CaseloadRow> = lib
        .caseloads()
        .iter()
        .map(|c| CaseloadRow {
            id: c.spec.caseload.as_str(),
            procedures: c
                .spec
                .procedures
                .iter()
                .map(|f| f.procedure.as_str())
                .collect(),
            title: &c.spec.title,
        })
        .collect();
    caseloads.sort_by(|a, b| a.id.cmp(b.id));
    match args.format {
        ListFormat::Json => {
            let bundled: Vec<EntryId> = lib
                .iter()
                .filter(|(_, e)| e.origin == Origin::Bundled)
                .map(|(id, _)| id)
                .collect();
            let options = Options::new().choice("format", args.format);
            let provenance = inv.provenance(&lib, &bundled, options, &args.stamp);
            let output = ListJson {
                provenance: &provenance,
                procedures: rows,
                caseloads,
            };
            super::append_json(out, &output)?;
        }
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
            if !caseloads.is_empty() {
                let mut table = Table::new();
                table
                    .load_preset(presets::NOTHING)
                    .set_header(["CASELOAD", "PROCEDURES", "TITLE"]);
                for c in &caseloads {
                    table.add_row([c.id.to_owned(), c.procedures.join(", "), c.title.to_owned()]);
                }
                outln!(out);
                outln!(out, "{}", trim_lines(&table.to_string()));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
