//! One module per subcommand; each returns the process exit code.

mod compare;
mod gaps;
mod list;
mod render;
mod report;
mod rules;
mod simulate;
mod trace;
mod validate;

use std::process::ExitCode;

use meldroute_core::sim::SimModel;
use meldroute_core::{Library, Limits, Severity};

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
    ($out:expr) => {{
        $out.push('\n');
    }};
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
        Command::Simulate(args) => simulate::run(out, &args),
        Command::Trace(args) => trace::run(out, &args),
        Command::Gaps(args) => gaps::run(out, &args),
        Command::Compare(args) => compare::run(out, &args),
        Command::Render(args) => render::run(out, &args),
        Command::Report(args) => report::run(out, &args),
        Command::Schema => {
            out.push_str(&meldroute_core::schema::procedure_schema());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A procedure loaded, validated and compiled for simulation; or, when it
/// has errors, the exit code after printing them to standard error.
pub fn load_model(
    arg: &crate::cli::ProcedureArg,
) -> anyhow::Result<Result<(Library, SimModel), ExitCode>> {
    let mut lib = Library::with_bundled(arg.limits.limits());
    let targets = lib.load_input(&arg.procedure)?;
    let mut findings: Vec<_> = lib.user_load_errors().cloned().collect();
    findings.extend(meldroute_core::catalogue::check(&lib, &targets));
    if findings.iter().any(|d| d.severity == Severity::Error) {
        for d in findings.iter().filter(|d| d.severity == Severity::Error) {
            eprintln!("{}", meldroute_render::diagnostics::human(&lib, d));
        }
        eprintln!(
            "meldroute: {} has errors; fix them first (`meldroute validate` shows them too)",
            arg.procedure.to_string_lossy()
        );
        return Ok(Err(ExitCode::from(1)));
    }
    let [target] = targets[..] else {
        anyhow::bail!(
            "{} holds {} procedures; name one file or library id",
            arg.procedure.to_string_lossy(),
            targets.len()
        );
    };
    let model = SimModel::compile(&lib, target)?;
    Ok(Ok((lib, model)))
}

/// Procedures a user named, loaded and checked: each input once; when any
/// has errors, they are printed to standard error and the exit code is 1.
pub fn load_valid(
    paths: &[std::ffi::OsString],
    limits: &LimitArgs,
) -> anyhow::Result<Result<(Library, Vec<usize>), ExitCode>> {
    let mut lib = Library::with_bundled(limits.limits());
    let mut targets = Vec::new();
    for path in paths {
        for t in lib.load_input(path)? {
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
    }
    let mut invalid: Vec<_> = lib.user_load_errors().cloned().collect();
    invalid.extend(meldroute_core::catalogue::check(&lib, &targets));
    invalid.retain(|d| d.severity == Severity::Error);
    if invalid.is_empty() {
        return Ok(Ok((lib, targets)));
    }
    meldroute_core::diag::sort(&mut invalid);
    for d in &invalid {
        eprintln!("{}", meldroute_render::diagnostics::human(&lib, d));
    }
    eprintln!(
        "meldroute: {} invalid; fix them first (`meldroute validate` shows them too)",
        meldroute_render::diagnostics::counts(&invalid)
    );
    Ok(Err(ExitCode::from(1)))
}

pub use meldroute_core::units::{days_weeks, percent};

impl LimitArgs {
    /// The loader limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            max_nodes: self.max_yaml_nodes,
            max_steps: self.max_procedure_steps,
        }
    }
}
