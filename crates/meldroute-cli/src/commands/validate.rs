//! `meldroute validate`: load files, run the rules, print findings.

use std::process::ExitCode;

use meldroute_core::{Severity, catalogue, diag};

use super::outln;
use crate::cli::{DiagFormat, ValidateArgs};
use meldroute_render::diagnostics;

pub fn run(out: &mut String, args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let (lib, targets) = super::load_inputs(&args.paths, &args.limits)?;
    let mut findings: Vec<_> = lib.user_load_errors().cloned().collect();
    findings.extend(catalogue::check(&lib, &targets));
    diag::sort(&mut findings);

    match args.format {
        DiagFormat::Human => {
            for d in &findings {
                outln!(out, "{}", diagnostics::human(&lib, d));
            }
            let files = targets.len() + lib.user_load_errors().count();
            outln!(
                out,
                "checked {} procedure{}: {}",
                files,
                if files == 1 { "" } else { "s" },
                diagnostics::counts(&findings)
            );
        }
        DiagFormat::Short => {
            for d in &findings {
                outln!(out, "{}", diagnostics::short(&lib, d));
            }
        }
        DiagFormat::Json => {
            let json: Vec<_> = findings
                .iter()
                .map(|d| diagnostics::json(&lib, d))
                .collect();
            outln!(out, "{}", serde_json::to_string_pretty(&json)?);
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
