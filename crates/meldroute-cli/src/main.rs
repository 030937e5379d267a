//! The `meldroute` binary: parses arguments and glues the libraries together.

mod cli;
mod commands;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("meldroute: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
