//! The `meldroute` binary: parses arguments and glues the libraries together.

mod cli;
mod commands;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let text = cli.writes_text();
    let mut out = String::new();
    let result = commands::run(&mut out, cli);
    // Text for people passes the one terminal sanitiser; data formats
    // (JSON, CSV, DOT, SVG, HTML, Mermaid) are escaped by their writers.
    if text {
        out = meldroute_render::diagnostics::inert_lines(&out);
    }
    // A reader that stops early (`| head`) is not an error.
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        errln!("meldroute: error: cannot write output: {err}");
        return ExitCode::from(2);
    }
    let code = match result {
        Ok(code) => code,
        Err(err) => {
            errln!("meldroute: error: {err:#}");
            ExitCode::from(2)
        }
    };
    // Messages that could not be written (a full device) fail the run.
    if output::stderr_failed() {
        ExitCode::from(2)
    } else {
        code
    }
}
