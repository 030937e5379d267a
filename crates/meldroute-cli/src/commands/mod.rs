//! One module per subcommand; each returns the process exit code.

mod list;
mod rules;
mod validate;

use std::process::ExitCode;

use meldroute_core::Limits;

use crate::cli::{Cli, Command, LimitArgs};

/// Appends formatted text to an output buffer.
macro_rules! out {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}

/// Appends a formatted line to an output buffer.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use {out, outln};

/// Runs the parsed command line; its standard output is collected in `out`
/// and written whole by the caller.
pub fn run(out: &mut String, cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(out, &args),
        Command::List(args) => list::run(out, &args),
        Command::Rules(args) => rules::run(out, &args),
        Command::Schema => {
            out.push_str(&meldroute_core::schema::procedure_schema());
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
