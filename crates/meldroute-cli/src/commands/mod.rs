//! One module per subcommand; each returns the process exit code.

mod caseload;
mod compare;
mod conform;
mod fit;
mod gaps;
mod list;
mod merge;
mod migrate;
mod norms;
mod render;
mod report;
mod rules;
mod schema;
mod sensitivity;
mod simulate;
mod trace;
mod validate;
mod verify;

use std::process::ExitCode;

use std::ffi::OsString;
use std::path::Path;

use meldroute_core::sim::SimModel;
use meldroute_core::{EntryId, Library};

use crate::cli::{Cli, Command, LimitArgs, ProcedureArgs};
use crate::provenance::Invocation;

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
/// and written whole by the caller. `inv` is how the program was called,
/// for the provenance of the output.
pub fn run(out: &mut String, cli: Cli, inv: &Invocation) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(out, &args, inv),
        Command::List(args) => list::run(out, &args, inv),
        Command::Rules(args) => rules::run(out, &args),
        Command::Norms(args) => norms::run(out, &args),
        Command::Simulate(args) => simulate::run(out, &args, inv),
        Command::Sensitivity(args) => sensitivity::run(out, &args, inv),
        Command::Conform(args) => conform::run(out, &args, inv),
        Command::Fit(args) => fit::run(out, &args, inv),
        Command::Trace(args) => trace::run(out, &args),
        Command::Gaps(args) => gaps::run(out, &args, inv),
        Command::Compare(args) => compare::run(out, &args, inv),
        Command::Render(args) => render::run(out, &args, inv),
        Command::Report(args) => report::run(out, &args, inv),
        Command::Verify(args) => verify::run(out, &args),
        Command::Merge(args) => merge::run(&args),
        Command::Migrate(args) => migrate::run(out, &args),
        Command::Schema(args) => {
            out.push_str(&match args.output {
                None if args.scenario => meldroute_core::schema::scenario_schema(),
                None if args.caseload => meldroute_core::schema::caseload_schema(),
                None => meldroute_core::schema::procedure_schema(),
                Some(kind) => schema::output_schema(kind),
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A procedure loaded, validated and compiled for simulation; or, when it
/// (or any file read) has errors, the exit code after printing them to
/// standard error. The procedure is the one `args.procedure` names; the
/// other files are loaded with it, so its escalations into them resolve
/// the way every command resolves them ([`load_inputs`]).
pub fn load_model(
    args: &ProcedureArgs,
    limits: &LimitArgs,
) -> anyhow::Result<Result<(Library, SimModel), ExitCode>> {
    load_model_checked(args, limits, |_, _| Ok(()))
}

/// [`load_model`], with `check` run on the library and the procedures the
/// first input named once everything is read, before anything is
/// validated (`merge` checks there that the files are the ones its shards
/// read).
pub fn load_model_checked(
    args: &ProcedureArgs,
    limits: &LimitArgs,
    check: impl FnOnce(&Library, &[EntryId]) -> anyhow::Result<()>,
) -> anyhow::Result<Result<(Library, SimModel), ExitCode>> {
    let (lib, named, caseloads) = load_each(&args.inputs(), limits)?;
    refuse_caseloads(&lib, &named, &caseloads, &args.inputs())?;
    let first = named.first().map_or(&[][..], |t| &t[..]);
    check(&lib, first)?;
    let targets = distinct(&named);
    let model = match first {
        &[target] => lib.model(target),
        _ => match lib.validated(&targets) {
            Ok(()) => anyhow::bail!(
                "{} holds {} procedures; name one file or library id first (more files may follow it)",
                args.procedure.to_string_lossy(),
                first.len()
            ),
            Err(e) => Err(e),
        },
    };
    match model {
        Ok(model) => Ok(Ok((lib, model))),
        Err(e) => refused(&lib, e).map(Err),
    }
}

/// The procedures a user named, each input once, with the library they
/// were loaded into (bundled procedures included). The library's calls
/// check them before they run ([`refused`] says why they did not).
pub fn load_inputs(
    paths: &[OsString],
    limits: &LimitArgs,
) -> anyhow::Result<(Library, Vec<EntryId>)> {
    let (lib, named, _) = load_each(paths, limits)?;
    let targets = distinct(&named);
    Ok((lib, targets))
}

/// [`load_inputs`] for a command that takes procedures only (`gaps`,
/// `compare`): an input that names a caseload and no procedure is refused,
/// saying which commands run a caseload.
pub fn load_procedures(
    paths: &[OsString],
    limits: &LimitArgs,
) -> anyhow::Result<(Library, Vec<EntryId>)> {
    let (lib, named, caseloads) = load_each(paths, limits)?;
    refuse_caseloads(&lib, &named, &caseloads, paths)?;
    let targets = distinct(&named);
    Ok((lib, targets))
}

/// The error for an input that names a caseload (and no procedure) where
/// a command takes procedures.
fn refuse_caseloads(
    lib: &Library,
    named: &[Vec<EntryId>],
    caseloads: &[std::ops::Range<usize>],
    paths: &[OsString],
) -> anyhow::Result<()> {
    for ((got, read), path) in named.iter().zip(caseloads).zip(paths) {
        if got.is_empty() && !read.is_empty() {
            let c = &lib.caseloads()[read.start];
            let runs: Vec<&str> = c
                .spec
                .procedures
                .iter()
                .map(|f| f.procedure.as_str())
                .collect();
            anyhow::bail!(
                "{} is a caseload (`{}`), not a procedure: `meldroute simulate`, `meldroute sensitivity` and `meldroute report` run a caseload (docs/caseload.md){}",
                Path::new(path).display(),
                meldroute_render::diagnostics::inert(c.spec.caseload.as_str()),
                if runs.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; this command takes its procedures: {}",
                        meldroute_render::diagnostics::inert(&runs.join(" "))
                    )
                }
            );
        }
    }
    Ok(())
}

/// [`load_inputs`], with the caseloads the inputs hold (a caseload file,
/// a directory with caseload files, a caseload id): their indices in
/// [`Library::caseloads`], each once, in the order named.
pub fn load_inputs_and_caseloads(
    paths: &[OsString],
    limits: &LimitArgs,
) -> anyhow::Result<(Library, Vec<EntryId>, Vec<usize>)> {
    let (lib, named, caseloads) = load_each(paths, limits)?;
    let targets = distinct(&named);
    let mut seen = std::collections::HashSet::new();
    let caseloads = caseloads
        .into_iter()
        .flatten()
        .filter(|&k| seen.insert(k))
        .collect();
    Ok((lib, targets, caseloads))
}

/// How to run a caseload: `replications` (the default without), and the
/// seed, threads and step limit of the simulation options `sim`.
pub fn case_options(
    sim: &meldroute_core::sim::SimOptions,
    replications: Option<u32>,
) -> meldroute_core::sim::des::CaseOptions {
    meldroute_core::sim::des::CaseOptions {
        replications: replications.unwrap_or(meldroute_core::sim::des::DEFAULT_REPLICATIONS),
        seed: sim.seed,
        threads: sim.threads,
        max_steps: sim.max_steps,
    }
}

/// What `simulate` runs: a procedure, or a caseload when the first input
/// is a caseload file (docs/caseload.md).
pub enum Target {
    /// A procedure, loaded, validated and compiled.
    Procedure(Library, SimModel),
    /// A caseload, checked and compiled with its procedures.
    Caseload(Library, meldroute_core::sim::des::CaseModel),
}

/// [`load_model`], or the caseload the first input holds: checked with
/// the procedures it runs, which may be bundled or in the other inputs.
pub fn load_target(
    args: &ProcedureArgs,
    limits: &LimitArgs,
) -> anyhow::Result<Result<Target, ExitCode>> {
    let (lib, named, caseloads) = load_each(&args.inputs(), limits)?;
    let first_caseloads = caseloads.first().cloned().unwrap_or_default();
    if named.first().is_some_and(|n| n.is_empty()) && !first_caseloads.is_empty() {
        anyhow::ensure!(
            first_caseloads.len() == 1,
            "{} holds {} caseloads; name one caseload file first",
            args.procedure.to_string_lossy(),
            first_caseloads.len()
        );
        return match lib.caseload_model(first_caseloads.start) {
            Ok(model) => Ok(Ok(Target::Caseload(lib, model))),
            Err(e) => refused(&lib, e).map(Err),
        };
    }
    // A caseload that cannot run names no caseload: its errors say why.
    if named.first().is_some_and(|n| n.is_empty()) && lib.user_load_errors().next().is_some() {
        let errors = lib.errors(&[]);
        return refused(&lib, meldroute_core::Error::Invalid(errors)).map(Err);
    }
    Ok(load_model(args, limits)?.map(|(lib, model)| Target::Procedure(lib, model)))
}

/// Loads every input into one library; per input, the procedures it named.
/// Also, per input, the caseload files it read (their indices in
/// [`Library::caseloads`]).
#[allow(clippy::type_complexity)]
fn load_each(
    paths: &[OsString],
    limits: &LimitArgs,
) -> anyhow::Result<(Library, Vec<Vec<EntryId>>, Vec<std::ops::Range<usize>>)> {
    let mut lib = Library::with_bundled(limits.limits());
    let mut named = Vec::with_capacity(paths.len());
    // Per input, the scenario files it read (applied once all are read).
    let mut scenarios = Vec::with_capacity(paths.len());
    let mut caseloads = Vec::with_capacity(paths.len());
    for path in paths {
        let (read, unread) = (lib.files().len(), lib.unread());
        let first_scenario = lib.scenarios().len();
        let first_caseload = lib.caseloads().len();
        // The id of a caseload (bundled, or read from an earlier input).
        if !Path::new(path).exists()
            && let Some(k) = lib.caseload_index(&path.to_string_lossy())
        {
            scenarios.push(first_scenario..first_scenario);
            caseloads.push(k..k + 1);
            named.push(Vec::new());
            continue;
        }
        let got = lib.load_input(path)?;
        scenarios.push(first_scenario..lib.scenarios().len());
        caseloads.push(first_caseload..lib.caseloads().len());
        // A directory without procedure files is a mistake (a wrong path,
        // the wrong extension), not a library without findings.
        anyhow::ensure!(
            !got.is_empty() || lib.files().len() > read || lib.unread() > unread,
            "no procedure files found in {}: a directory is searched for *.yaml and *.yml files (hidden ones skipped); check the path",
            Path::new(path).display()
        );
        named.push(got);
    }
    // A scenario's base may be in a file read after it.
    lib.apply_scenarios();
    for (got, read) in named.iter_mut().zip(scenarios) {
        got.extend(read.filter_map(|k| lib.scenarios()[k].entry));
    }
    if lib.unread() > 0 {
        crate::errln!(
            "meldroute: note: {} more procedure {} not read: the files before reached a library limit (see the error)",
            meldroute_render::text::thousands(lib.unread() as u64),
            if lib.unread() == 1 {
                "file was"
            } else {
                "files were"
            }
        );
    }
    Ok((lib, named, caseloads))
}

/// Appends a large output to `out` without copying it when `out` is still
/// empty (the usual case: the command's whole output).
pub fn append(out: &mut String, text: String) {
    if out.is_empty() {
        *out = text;
    } else {
        out.push_str(&text);
    }
}

/// A JSON array written from an iterator as it goes (once), so that no
/// list of every item is kept beside the items and the text: the findings
/// of `gaps` and `validate --format json`.
pub(crate) struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<I> Streamed<I> {
    /// The items `iter` gives, to be written once.
    pub(crate) fn new(iter: I) -> Self {
        Streamed(std::cell::RefCell::new(Some(iter)))
    }
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for Streamed<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

/// `value` as pretty JSON with a final newline, appended to `out` (see
/// [`append`]).
pub(crate) fn append_json(out: &mut String, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut json = Vec::new();
    value.serialize(&mut serde_json::Serializer::pretty(&mut json))?;
    json.push(b'\n');
    append(out, String::from_utf8(json)?);
    Ok(())
}

/// Each procedure once, in the order first named.
fn distinct(named: &[Vec<EntryId>]) -> Vec<EntryId> {
    let mut seen = std::collections::HashSet::new();
    named
        .iter()
        .flatten()
        .copied()
        .filter(|&t| seen.insert(t))
        .collect()
}

/// Warns on standard error of every simulation of `compared` that stopped
/// early or missed a precision target ([`warn_run`]).
pub fn warn_runs(compared: &[meldroute_core::compare::Compared]) {
    for f in compared.iter().map(|c| &c.figures) {
        warn_run(
            &f.procedure,
            f.runs,
            f.max_steps,
            f.stopped_early,
            f.precision.as_ref(),
        );
    }
}

/// Warns on standard error when the simulation of `procedure` stopped
/// early (every journey of its first batch hit the step limit), or at its
/// ceiling on runs before its precision targets were met.
pub fn warn_run(
    procedure: &str,
    runs: u64,
    max_steps: u32,
    stopped_early: bool,
    precision: Option<&meldroute_core::sim::report::PrecisionReport>,
) {
    let stopped =
        stopped_early.then(|| meldroute_render::figures::stopped_early(procedure, runs, max_steps));
    let imprecise =
        precision.and_then(|p| meldroute_render::figures::precision_not_met(procedure, p));
    for why in stopped.into_iter().chain(imprecise) {
        crate::errln!(
            "meldroute: warning: {}",
            meldroute_render::diagnostics::inert(&why)
        );
    }
}

/// The exit code for a library call that did not run: 1 with the errors
/// printed when the procedures are invalid, otherwise the error itself
/// (exit 2).
pub fn refused(lib: &Library, error: meldroute_core::Error) -> anyhow::Result<ExitCode> {
    let meldroute_core::Error::Invalid(errors) = error else {
        return Err(error.into());
    };
    for d in &errors {
        crate::errln!("{}", meldroute_render::diagnostics::human(lib, d));
    }
    crate::errln!(
        "meldroute: {} in the procedures; fix them first (`meldroute validate` shows them too)",
        meldroute_render::diagnostics::counts(&errors)
    );
    Ok(ExitCode::from(1))
}

pub use meldroute_render::figures::{
    days_weeks, days_weeks_ci, per_journey_ci, percent, percent_ci,
};
