//! `meldroute validate`: load files, run the rules, print findings.

use std::process::ExitCode;

use meldroute_core::provenance::Provenance;
use meldroute_core::{Severity, catalogue, diag};
use serde::Serialize;

use super::outln;
use crate::cli::{DiagFormat, ValidateArgs};
use crate::provenance::{Invocation, Options};
use meldroute_render::diagnostics;

/// `meldroute validate --format json`: the provenance and the findings.
// `F`: a list of `diagnostics::JsonDiagnostic`, written from an iterator
// (`super::Streamed`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ValidateJson")]
pub(super) struct ValidateJson<'a, F> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    /// The findings (files that do not load, and the rules'), in the order
    /// the files were read, then by position in the file.
    findings: F,
}

pub fn run(out: &mut String, args: &ValidateArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format == DiagFormat::Json,
    )?;
    let (lib, targets) = super::load_inputs(&args.paths, &args.limits)?;
    let mut findings: Vec<_> = lib.user_load_errors().cloned().collect();
    findings.extend(catalogue::check(&lib, &targets));
    diag::sort(&mut findings);

    match args.format {
        DiagFormat::Human => {
            for d in &findings {
                outln!(out, "{}", diagnostics::human(&lib, d));
            }
            let caseloads = lib
                .caseloads()
                .iter()
                .filter(|c| c.origin == meldroute_core::library::Origin::User)
                .count();
            // A file that did not load counts as the procedure it meant to be.
            let files = targets.len() + lib.user_load_errors().count()
                - lib
                    .user_load_errors()
                    .filter(|d| d.code == meldroute_core::caseload::CASELOAD_CODE)
                    .count();
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let also = if caseloads > 0 {
                format!(" and {caseloads} caseload{}", plural(caseloads))
            } else {
                String::new()
            };
            outln!(
                out,
                "checked {} procedure{}{also}: {}",
                files,
                plural(files),
                diagnostics::counts(&findings)
            );
        }
        DiagFormat::Short => {
            for d in &findings {
                outln!(out, "{}", diagnostics::short(&lib, d));
            }
        }
        DiagFormat::Json => {
            let options = Options::new()
                .choice("format", args.format)
                .with("deny_warnings", args.deny_warnings)
                .limits(&args.limits);
            let provenance = inv.provenance(&lib, &targets, options, &args.stamp);
            // Each finding is serialised as it is written: no second list.
            let output = ValidateJson {
                provenance: &provenance,
                findings: super::Streamed::new(findings.iter().map(|d| diagnostics::json(&lib, d))),
            };
            super::append_json(out, &output)?;
        }
    }
    let errors = findings.iter().any(|d| d.severity == Severity::Error);
    let warnings = findings.iter().any(|d| d.severity == Severity::Warning);
    Ok(if errors || (args.deny_warnings && warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
