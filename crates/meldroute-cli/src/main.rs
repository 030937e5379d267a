//! The `meldroute` binary: parses arguments and glues the libraries together.

mod cli;
mod commands;
mod output;
mod provenance;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Writes `out` to standard output ([`write_out`]).
fn write_stdout(out: &str, text: bool) -> std::io::Result<()> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    write_out(&mut stdout, out, text)?;
    stdout.flush()
}

/// Writes a command's standard output `out` to `w`, as standard output
/// gets it: text for people passes the one terminal sanitiser, line by line
/// (no copy of the whole output); data formats (JSON, CSV, DOT, SVG, HTML,
/// Mermaid) are escaped by their writers.
pub fn write_out(w: &mut impl Write, out: &str, text: bool) -> std::io::Result<()> {
    if text {
        meldroute_render::diagnostics::write_inert_lines(w, out)
    } else {
        w.write_all(out.as_bytes())
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let text = cli.writes_text();
    let mut out = String::new();
    let result = commands::run(&mut out, cli, &provenance::Invocation::from_env());
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
