//! `meldroute report`: a self-contained HTML report comparing procedures.

use std::process::ExitCode;

use meldroute_core::gaps::GapOptions;
use meldroute_render::dot::dot_available;
use meldroute_render::report::{self, Graphs, ReportOptions};

use crate::cli::ReportArgs;
use crate::output::{refuse_input, write_file};

pub fn run(out: &mut String, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.output {
        // Before the work, so a wrong -o fails fast.
        refuse_input(path, &args.paths)?;
    }
    let (lib, targets) = super::load_inputs(&args.paths, &args.limits)?;
    let gaps = GapOptions {
        sim: args.sim.options(),
        ..GapOptions::default()
    };
    let compared = match lib.compare(&targets, &gaps) {
        Ok(compared) => {
            super::warn_stopped_early(compared.iter().map(|c| &c.report));
            compared
        }
        Err(e) => return super::refused(&lib, e),
    };
    let graphs = if args.no_graphs {
        Graphs::Omit("--no-graphs was given".to_owned())
    } else if dot_available() {
        Graphs::Graphviz
    } else {
        crate::errln!(
            "meldroute: note: Graphviz `dot` was not found, so the report has no graph diagrams; install Graphviz (Debian/Ubuntu: `apt-get install graphviz`) to include them"
        );
        Graphs::Omit(
            "the Graphviz program `dot` was not installed where the report was made".to_owned(),
        )
    };
    let html = report::html(
        &lib,
        &compared,
        &ReportOptions {
            gaps,
            generator: format!("meldroute {}", env!("CARGO_PKG_VERSION")),
            graphs,
        },
    )?;
    match &args.output {
        Some(path) => write_file(path, &args.paths, html.as_bytes())?,
        None => out.push_str(&html),
    }
    Ok(ExitCode::SUCCESS)
}
