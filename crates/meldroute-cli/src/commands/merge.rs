//! Sharded runs: `meldroute simulate --shard I/N` writes a shard's partial
//! aggregate ([`write_shard`]), `meldroute merge` makes the single run's
//! output from all of them ([`run`]). The format, the split and the merge
//! are `meldroute_core::sim::shard`; docs/scaling.md is the guide.

use std::ffi::OsString;
use std::io::{BufReader, Write as _};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use meldroute_core::Library;
use meldroute_core::provenance::{FileDigest, Provenance};
use meldroute_core::sim::shard::{self, Header, Plan, Shape, Shard, ShardError};
use meldroute_core::sim::{BatchMerge, SimModel, SimOptions, exact};
use meldroute_render::diagnostics::inert;

use super::simulate::{Progress, Run};
use crate::cli::{Cli, Command, MergeArgs, SimFormat, SimulateArgs};
use crate::provenance::{COMMIT, Invocation, VERSION};

/// The command line of the single run a shard is part of: this one
/// without `--shard` and `-o`, in every spelling clap takes
/// (`--shard 0/4`, `--shard=0/4`, `-o F`, `-oF`, `-o=F`, `--output F`,
/// `--output=F`), up to a `--` (after which every argument is a path).
pub(super) fn single_run_command(command: &[String]) -> Vec<String> {
    let mut single = Vec::with_capacity(command.len());
    let mut args = command.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--" => {
                single.push(a.clone());
                single.extend(args.by_ref().cloned());
            }
            "--shard" | "-o" | "--output" => {
                args.next();
            }
            s if s.starts_with("--shard=")
                || s.starts_with("--output=")
                || (s.starts_with("-o") && !s.starts_with("--")) => {}
            _ => single.push(a.clone()),
        }
    }
    single
}

/// The arguments of the `simulate` command line `command`, if it is one
/// without `--shard` and `-o`.
fn single_run_args(command: &[String]) -> Option<SimulateArgs> {
    let argv = std::iter::once("meldroute".to_owned()).chain(command.iter().cloned());
    match Cli::try_parse_from(argv).ok()?.command {
        Command::Simulate(a) if a.shards.single() => Some(a),
        _ => None,
    }
}

/// `simulate --shard`: runs shard `shard` of the run `args` asks for and
/// writes its partial aggregate to `-o` or standard output. Its identity
/// is the provenance of the single run (without its time), which the
/// merge's output carries.
pub(super) fn write_shard(
    args: &SimulateArgs,
    inv: &Invocation,
    shard: Shard,
    lib: &Library,
    model: &SimModel,
    opts: &SimOptions,
) -> anyhow::Result<ExitCode> {
    let single = single_run_command(&inv.command);
    anyhow::ensure!(
        single_run_args(&single).is_some(),
        "cannot tell the single run this shard is part of from the command line; give --shard I/N and -o FILE as separate options"
    );
    let run = Run {
        args,
        lib,
        model,
        opts,
        exact: None,
    };
    let single = Invocation {
        command: single,
        clock: inv.clock.clone(),
    };
    let mut identity = run.provenance(&single);
    let made = identity.made.take();
    let header = Header::points(
        "simulate",
        1,
        model,
        opts,
        shard,
        serde_json::to_value(&identity)?,
        made,
    );
    if opts.precision.is_some() {
        crate::errln!(
            "meldroute: note: with --precision a shard runs its whole part of --max-runs; the merge stops where the single run would"
        );
    }
    let range = header.range();
    let at = |unit: u64| {
        unit.saturating_mul(meldroute_core::sim::BATCH)
            .min(opts.runs)
    };
    let progress = Progress::new(at(range.end) - at(range.start));
    let mut stopped = false;
    let mut write = |w: &mut dyn std::io::Write| -> anyhow::Result<()> {
        let (_, hopeless) =
            shard::simulate_shard(model, opts, &header, w, &mut |done| progress.tell(done))?;
        stopped = hopeless;
        Ok(())
    };
    match &args.shards.output {
        Some(path) => crate::output::write_file_with(path, &args.procedure.inputs(), &mut write)?,
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut stdout) {
                Err(e) if broken_pipe(&e) => return Ok(ExitCode::SUCCESS),
                other => other?,
            }
        }
    }
    progress.finish();
    if stopped {
        crate::errln!(
            "meldroute: note: every journey of batch 0 hit the step limit (--max-steps {}), so the run stops after it: this shard stopped too, and the merge reports it",
            opts.max_steps
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io =
            c.downcast_ref::<std::io::Error>()
                .or_else(|| match c.downcast_ref::<ShardError>() {
                    Some(ShardError::Write(io)) => Some(io),
                    _ => None,
                });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `meldroute merge`: checks that the partials are every shard of one run
/// of this build with the procedure files here, merges their batches in
/// batch order and writes the single run's output (to `-o` or standard
/// output), with its warnings and exit code. Every refusal is an error
/// (exit 2) naming the file.
pub fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let files: Vec<(String, &Path)> = args
        .partials
        .iter()
        .map(|p| (p.display().to_string(), p.as_path()))
        .collect();
    let open = |path: &Path, name: &str| {
        std::fs::File::open(path)
            .map(BufReader::new)
            .map_err(|source| ShardError::Read {
                file: name.to_owned(),
                source,
            })
    };
    let mut headers = Vec::with_capacity(files.len());
    for (name, path) in &files {
        headers.push((name.clone(), shard::read_header(open(path, name)?, name)?));
    }
    let plan = Plan::new(headers)?;
    let (h, first) = (plan.header(), inert(plan.first_file()));
    anyhow::ensure!(
        h.kind == "simulate" || h.kind == "sensitivity",
        "{first} is a shard of a `{}` run; meldroute merge makes the output of `simulate` and `sensitivity` runs",
        inert(&h.kind)
    );
    let recorded: Provenance = serde_json::from_value(h.identity.clone())
        .with_context(|| format!("{first} is damaged: its identity is not a provenance"))?;
    anyhow::ensure!(
        recorded.version == VERSION && recorded.commit == COMMIT,
        "{first} was made by meldroute {} (commit {}), this is meldroute {VERSION} (commit {COMMIT}); merge with the build that made the shards",
        inert(&recorded.version),
        inert(&recorded.commit)
    );
    let paths: std::collections::HashMap<&str, &Path> =
        files.iter().map(|(n, p)| (n.as_str(), *p)).collect();
    let open = |name: &str| {
        let path = paths.get(name).copied().unwrap_or(Path::new(name));
        std::fs::File::open(path).map(BufReader::new)
    };
    if h.kind == "sensitivity" {
        return merge_study(args, &plan, &recorded, &first, open);
    }
    let sargs = single_run_args(&recorded.command).with_context(|| {
        format!("{first} is damaged: its command is not a `meldroute simulate` command line")
    })?;
    // The files first: a file changed since the shards ran is refused as
    // such, before it is validated.
    let loaded = super::load_model_checked(&sargs.procedure, &sargs.limits, |lib, first_named| {
        same_files(&recorded.files, &lib.digests(first_named), &first)
    })?;
    let (lib, model) = match loaded {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let exact = if sargs.exact {
        Some(exact::exact(&model)?)
    } else {
        None
    };
    let opts = sargs.sim.options()?;
    let inv = Invocation {
        command: recorded.command.clone(),
        clock: plan.made().map(str::to_owned),
    };
    let run = Run {
        args: &sargs,
        lib: &lib,
        model: &model,
        opts: &opts,
        exact,
    };
    let mut here = run.provenance(&inv);
    here.made = None;
    anyhow::ensure!(
        here == recorded && Shape::of(&model) == h.shape && h.runs == opts.runs && h.points == 1,
        "{first} does not describe the run its command makes with this build and these files; make the shards again"
    );
    let mut agg = None;
    plan.replay(
        open,
        |_| BatchMerge::new(&model, &opts),
        |_, a| agg = Some(a),
    )?;
    let agg = agg.with_context(|| format!("{first} holds no batch of the run"))?;
    let mut text = String::new();
    let code = run.write(&mut text, &agg, &inv)?;
    write_merged(
        args,
        &text,
        sargs.format == SimFormat::Table,
        &sargs.procedure.inputs(),
    )?;
    Ok(code)
}

/// The merge of the shards of a sensitivity study (`plan`, whose identity
/// is `recorded`): the study's output, as its single run writes it.
fn merge_study<R: std::io::BufRead>(
    args: &MergeArgs,
    plan: &Plan,
    recorded: &Provenance,
    first: &str,
    open: impl FnMut(&str) -> std::io::Result<R>,
) -> anyhow::Result<ExitCode> {
    let argv = std::iter::once("meldroute".to_owned()).chain(recorded.command.iter().cloned());
    let sargs = match Cli::try_parse_from(argv).map(|c| c.command) {
        Ok(Command::Sensitivity(a)) if a.shards.single() => a,
        _ => anyhow::bail!(
            "{first} is damaged: its command is not a `meldroute sensitivity` command line"
        ),
    };
    let (method, samples, opts) = super::sensitivity::settings(&sargs)?;
    let kpis = super::sensitivity::kpis(&sargs.kpis)?;
    let loaded = super::load_model_checked(&sargs.procedure, &sargs.limits, |lib, first_named| {
        same_files(&recorded.files, &lib.digests(first_named), first)
    })?;
    let (lib, model) = match loaded {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let study = super::sensitivity::Loaded {
        args: &sargs,
        lib: &lib,
        model: &model,
        kpis: &kpis,
        opts: &opts,
        method,
        samples,
    };
    let inv = Invocation {
        command: recorded.command.clone(),
        clock: plan.made().map(str::to_owned),
    };
    let mut here = study.provenance(&inv);
    here.made = None;
    let h = plan.header();
    anyhow::ensure!(
        &here == recorded && Shape::of(&model) == h.shape && h.runs == opts.runs,
        "{first} does not describe the study its command makes with this build and these files; make the shards again"
    );
    let result = study.merge(plan, open)?;
    let mut text = String::new();
    study.write(&mut text, &result, &study.provenance(&inv))?;
    let table = sargs.format == crate::cli::SensitivityFormat::Table;
    write_merged(args, &text, table, &sargs.procedure.inputs())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the merged output `text` (`table`: text for people, which passes
/// the terminal sanitiser) to `-o` or standard output; `procedure`: the
/// run's inputs, which `-o` must not overwrite.
fn write_merged(
    args: &MergeArgs,
    text: &str,
    table: bool,
    procedure: &[OsString],
) -> anyhow::Result<()> {
    let mut bytes = Vec::with_capacity(text.len());
    crate::write_out(&mut bytes, text, table)?;
    match &args.output {
        Some(path) => {
            let inputs: Vec<OsString> = args
                .partials
                .iter()
                .map(|p| OsString::from(p.as_os_str()))
                .chain(procedure.iter().cloned())
                .collect();
            crate::output::write_file(path, &inputs, &bytes)?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(&bytes).and_then(|()| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(anyhow::Error::new(e).context("cannot write output"));
            }
        }
    }
    Ok(())
}

/// Refuses a merge where a procedure file is not the one the shards read:
/// names the first file that changed (with both hashes), else the first
/// the shards read and the run does not read here, or the other way round.
fn same_files(recorded: &[FileDigest], here: &[FileDigest], first: &str) -> anyhow::Result<()> {
    let find = |f: &FileDigest| {
        here.iter()
            .find(|g| g.path == f.path && g.origin == f.origin)
    };
    for f in recorded {
        if let Some(g) = find(f).filter(|g| g.sha256 != f.sha256) {
            anyhow::bail!(
                "{} is not the file the shards read (SHA-256 {} here, {} in {first}); merge with the procedure files the shards were made from",
                inert(&g.path),
                g.sha256,
                f.sha256
            );
        }
    }
    if let Some(f) = recorded.iter().find(|f| find(f).is_none()) {
        anyhow::bail!(
            "the shards read {}, which the run does not read here; merge where the shards were made from",
            inert(&f.path)
        );
    }
    if let Some(g) = here
        .iter()
        .find(|g| !recorded.iter().any(|f| f.path == g.path))
    {
        anyhow::bail!(
            "the run reads {} here, which the shards did not read ({first}); merge where the shards were made from",
            inert(&g.path)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::single_run_command;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn the_single_run_is_the_shard_without_shard_and_output() {
        for (shard, single) in [
            (
                "simulate p --shard 0/4 -o x --runs 9",
                "simulate p --runs 9",
            ),
            (
                "simulate --shard=1/4 p --output=x --seed 3",
                "simulate p --seed 3",
            ),
            ("simulate -ox p --output y --shard 2/4", "simulate p"),
            (
                "simulate -o=x --format json -- -o --shard",
                "simulate --format json -- -o --shard",
            ),
        ] {
            assert_eq!(single_run_command(&words(shard)), words(single), "{shard}");
        }
    }
}
