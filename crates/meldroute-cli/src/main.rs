//! The `meldroute` binary: parses arguments and glues the libraries together.

mod cli;
mod commands;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Writes `out` to standard output. Text for people passes the one
/// terminal sanitiser, line by line (no copy of the whole output); data
/// formats (JSON, CSV, DOT, SVG, HTML, Mermaid) are escaped by their
/// writers.
fn write_stdout(out: &str, text: bool) -> std::io::Result<()> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if text {
        meldroute_render::diagnostics::write_inert_lines(&mut stdout, out)?;
    } else {
        stdout.write_all(out.as_bytes())?;
    }
    stdout.flush()
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let text = cli.writes_text();
    let mut out = String::new();
    let result = commands::run(&mut out, cli);
    // A reader that stops early (`| head`) is not an error.
    if let Err(err) = write_stdout(&out, text)
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
