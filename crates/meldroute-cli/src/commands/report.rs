//! `meldroute report`: a self-contained HTML report comparing procedures,
//! with a section on each caseload among the inputs (its backlog).

use std::process::ExitCode;

use meldroute_core::gaps::GapOptions;
use meldroute_core::sim::des::{self, CaseloadReport};
use meldroute_render::diagnostics::inert;
use meldroute_render::report::{self, Graphs, ReportOptions};
use meldroute_render::{RenderError, check_dot};

use crate::cli::{GRAPHVIZ_TIMEOUT_HINT, ReportArgs};
use crate::output::{check_output, write_file};
use crate::provenance::{Invocation, Options};

pub fn run(out: &mut String, args: &ReportArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.output {
        // Before the work, so a wrong -o fails fast.
        check_output(path, &args.paths)?;
    }
    let (lib, mut targets, caseload_ids) =
        super::load_inputs_and_caseloads(&args.paths, &args.limits)?;
    anyhow::ensure!(
        args.caseload.replications.is_none() || !caseload_ids.is_empty(),
        "--replications is for a caseload, and none of the inputs is one; name a caseload file or id (docs/caseload.md), or leave --replications out"
    );
    // Each caseload's procedures are reported as procedures too.
    let mut models = Vec::with_capacity(caseload_ids.len());
    for &k in &caseload_ids {
        let model = match lib.caseload_model(k) {
            Ok(model) => model,
            Err(e) => return super::refused(&lib, e),
        };
        for f in &model.caseload.flows {
            if !targets.contains(&f.entry) {
                targets.push(f.entry);
            }
        }
        models.push((k, model));
    }
    if targets.len() > args.max_procedures {
        anyhow::bail!(
            "{} procedure{} to report on, more than the limit of {} (--max-procedures), as the report has a section per procedure; report on fewer files (`meldroute compare` takes any number), or raise --max-procedures",
            meldroute_render::text::thousands(targets.len() as u64),
            if targets.len() == 1 { "" } else { "s" },
            meldroute_render::text::thousands(args.max_procedures as u64)
        );
    }
    let gaps = GapOptions {
        sim: args.sim.options()?,
        ..GapOptions::default()
    };
    let case_options = super::case_options(&gaps.sim, args.caseload.replications);
    let mut caseloads = Vec::with_capacity(models.len());
    let mut caseload_files = Vec::with_capacity(models.len());
    for (k, model) in models {
        let reps = des::simulate_caseload(&model, &case_options)?;
        let report = CaseloadReport::new(&model, &reps, case_options.seed);
        for f in report
            .procedures
            .iter()
            .filter(|f| f.unfinished.value > 0.0)
        {
            crate::errln!(
                "meldroute: warning: {}",
                inert(&meldroute_render::caseload::unfinished(
                    &f.procedure,
                    &f.unfinished
                ))
            );
        }
        caseload_files.extend(lib.caseload_files(k));
        caseloads.push((k, report));
    }
    let compared = match lib.compare(&targets, &gaps, true) {
        Ok(compared) => {
            super::warn_runs(&compared);
            compared
        }
        Err(e) => return super::refused(&lib, e),
    };
    // A case log, measured against the first procedure: one more row.
    let mut data = Vec::new();
    let mut data_sha256 = None;
    if let Some(log) = &args.data {
        let Some(base) = compared.first() else {
            anyhow::bail!("--data needs a procedure to measure the log against");
        };
        let (entry, sha) = match super::conform::observed(&lib, base, log, &args.read)? {
            Ok(found) => found,
            Err(code) => return Ok(code),
        };
        let mut all = compared.clone();
        all.push(entry);
        meldroute_core::compare::set_base(&mut all, 0);
        data = all.split_off(compared.len());
        data_sha256 = Some(sha);
    }
    let mut sensitivity = Vec::with_capacity(compared.len());
    let mut robustness = Vec::with_capacity(compared.len());
    for c in &compared {
        robustness.push(meldroute_core::gaps::robustness(
            &lib,
            &[c.entry],
            &gaps,
            &|_| true,
            &c.findings,
        )?);
        let model = match lib.model(c.entry) {
            Ok(model) => model,
            Err(e) => return super::refused(&lib, e),
        };
        sensitivity.push(meldroute_core::sensitivity::report_study(
            &lib, &model, &gaps.sim,
        )?);
    }
    let timeout = args.graphviz.timeout();
    let graphs = if args.no_graphs {
        Graphs::Omit("--no-graphs was given".to_owned())
    } else {
        match check_dot(timeout) {
            Ok(()) => Graphs::Graphviz { timeout },
            Err(RenderError::DotMissing { .. }) => {
                crate::errln!(
                    "meldroute: note: Graphviz `dot` was not found, so the report has no graph diagrams; install Graphviz (Debian/Ubuntu: `apt-get install graphviz`) to include them"
                );
                Graphs::Omit(
                    "the Graphviz program `dot` was not installed where the report was made"
                        .to_owned(),
                )
            }
            Err(e) => {
                crate::errln!("meldroute: note: the report has no graph diagrams: {e}");
                Graphs::Omit(e.to_string())
            }
        }
    };
    let mut options = Options::new()
        .with("graphs", !matches!(graphs, Graphs::Omit(_)))
        .with("max_procedures", args.max_procedures as u64)
        .with("graphviz_timeout", timeout.map_or(0, |t| t.as_secs()))
        .sim(&gaps.sim);
    if !caseloads.is_empty() {
        options = options.with("replications", case_options.replications);
    }
    if let Some(sha) = data_sha256 {
        options = options.with("data_sha256", sha);
    }
    let options = options.limits(&args.limits);
    let mut provenance = inv.provenance(&lib, &targets, options, &args.stamp);
    // A bundled caseload's file, which no procedure reaches, is named too.
    provenance.files = lib.digests_with(&targets, &caseload_files);
    let report = report::html(
        &lib,
        &compared,
        &ReportOptions {
            gaps,
            generator: format!("meldroute {}", env!("CARGO_PKG_VERSION")),
            graphs,
            provenance: Some(provenance),
            sensitivity,
            robustness,
            caseloads,
            data,
        },
    )?;
    for (id, why) in &report.left_out {
        crate::errln!(
            "meldroute: note: the report has no graph diagram of {}: {why}; {GRAPHVIZ_TIMEOUT_HINT}",
            meldroute_render::diagnostics::inert(id)
        );
    }
    let html = report.html;
    match &args.output {
        Some(path) => write_file(path, &args.paths, html.as_bytes())?,
        None => super::append(out, html),
    }
    Ok(ExitCode::SUCCESS)
}
