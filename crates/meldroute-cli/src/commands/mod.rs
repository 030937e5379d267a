//! One module per subcommand; each returns the process exit code.

mod list;
mod rules;
mod validate;

use std::process::ExitCode;

use meldroute_core::Limits;

use crate::cli::{Cli, Command, LimitArgs};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::List(args) => list::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Schema => {
            print!("{}", meldroute_core::schema::procedure_schema());
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl LimitArgs {
    /// The loader limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            ..Limits::default()
        }
    }
}
