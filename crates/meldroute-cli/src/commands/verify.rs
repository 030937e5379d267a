//! `meldroute verify`: make an output again from what its provenance names
//! and say whether it comes out the same, byte for byte
//! (docs/provenance.md).
//!
//! Exit codes: 0 reproduced; 1 does not reproduce (a procedure file changed
//! since, or the output differs); 2 cannot verify (no provenance, an
//! unreadable or too large output, another build, a file missing, a
//! command that cannot run again).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use meldroute_core::provenance::{FileOrigin, Provenance, bundled_sha256, sha256_hex};

use super::outln;
use crate::cli::{Cli, Command, VerifyArgs};
use crate::provenance::{COMMIT, Invocation, VERSION};

pub fn run(out: &mut String, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let path = &args.output;
    let shown = path.display().to_string();
    let recorded = read_bounded(path, args.max_output_size)?;
    anyhow::ensure!(
        !recorded.starts_with(b"{\"meldroute_partial\""),
        "cannot verify {shown}: it is a partial aggregate of one shard (`meldroute simulate --shard`), not an output; merge the shards with `meldroute merge` and verify the merged output"
    );
    let p = meldroute_render::provenance::extract(&recorded)
        .map_err(|e| anyhow::anyhow!("cannot verify {shown}: {e}"))?;
    anyhow::ensure!(
        p.tool == "meldroute",
        "cannot verify {shown}: it was made by `{}`, not by meldroute",
        p.tool
    );
    anyhow::ensure!(
        p.version == VERSION && p.commit == COMMIT,
        "cannot verify {shown} with this build: it was made by meldroute {} (commit {}), this is meldroute {VERSION} (commit {COMMIT}); verify it with a build of that commit",
        p.version,
        p.commit
    );
    anyhow::ensure!(
        COMMIT != "unknown",
        "cannot verify {shown}: this meldroute was not built from a git checkout (commit unknown), so it cannot tell whether it is the build that made the output"
    );
    outln!(
        out,
        "{shown}: made by meldroute {} (commit {}) with `{}`",
        p.version,
        p.commit,
        meldroute_render::provenance::command_line(&p)
    );
    if let Some(code) = check_files(out, &p, &shown)? {
        return Ok(code);
    }
    let fresh = run_again(&p, &shown, args.max_runs)?;
    let fresh = if recorded.starts_with(b"%PDF-") {
        with_creation_date_of(&recorded, fresh)
    } else {
        fresh
    };
    if fresh == recorded {
        outln!(
            out,
            "reproduced byte for byte: {} bytes from {} procedure file{}, each as recorded",
            meldroute_render::text::thousands(recorded.len() as u64),
            p.files.len(),
            if p.files.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    describe_difference(out, &recorded, &fresh);
    Ok(ExitCode::from(1))
}

/// The bytes of the output at `path`, refusing one larger than `max`.
fn read_bounded(path: &Path, max: u64) -> anyhow::Result<Vec<u8>> {
    let shown = path.display();
    let bytes = read_prefix(path, max.saturating_add(1))?;
    anyhow::ensure!(
        bytes.len() as u64 <= max,
        "cannot verify {shown}: it is larger than the limit of {max} bytes; raise it with --max-output-size"
    );
    Ok(bytes)
}

/// At most the first `limit` bytes of the regular file at `path`.
fn read_prefix(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let shown = path.display();
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {shown}"))?;
    anyhow::ensure!(
        meta.is_file(),
        "cannot read {shown}: it is not a regular file"
    );
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {shown}"))?;
    Ok(bytes)
}

/// Hashes every file the provenance names again, as the loader read it: a
/// file over the recorded `max_file_size` by its first `max_file_size + 1`
/// bytes, all the loader reads of it. `Some(1)` with the files
/// that changed; an error (exit 2) for files that are gone.
fn check_files(out: &mut String, p: &Provenance, shown: &str) -> anyhow::Result<Option<ExitCode>> {
    let max = p
        .options
        .get("max_file_size")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(meldroute_core::Limits::DEFAULT.max_file_bytes);
    let mut missing = Vec::new();
    let mut changed = Vec::new();
    for f in &p.files {
        let now = match f.origin {
            FileOrigin::Bundled => bundled_sha256(&f.path),
            FileOrigin::User => read_prefix(Path::new(&f.path), max.saturating_add(1))
                .ok()
                .map(|b| sha256_hex(&b)),
        };
        match now {
            None => missing.push(f),
            Some(now) if now != f.sha256 => changed.push((f, now)),
            Some(_) => {}
        }
    }
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|f| name(f.origin, &f.path)).collect();
        anyhow::bail!(
            "cannot verify {shown}: {} cannot be read here: {}; run verify in the folder the output was made in",
            if missing.len() == 1 {
                "a procedure file it names"
            } else {
                "procedure files it names"
            },
            names.join(", ")
        );
    }
    if changed.is_empty() {
        return Ok(None);
    }
    for (f, now) in &changed {
        outln!(
            out,
            "does not reproduce: {} changed since the output was made (SHA-256 {}, recorded {})",
            name(f.origin, &f.path),
            now,
            f.sha256
        );
    }
    Ok(Some(ExitCode::from(1)))
}

/// A file as messages name it.
fn name(origin: FileOrigin, path: &str) -> String {
    match origin {
        FileOrigin::User => path.to_owned(),
        FileOrigin::Bundled => format!("the bundled file {path}"),
    }
}

/// A fresh folder for the output made again, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<Self> {
        let base = std::env::temp_dir();
        for n in 0..100 {
            let dir = base.join(format!("meldroute-verify-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(e).context(format!("cannot make a folder in {}", base.display()));
                }
            }
        }
        anyhow::bail!("cannot make a folder in {}", base.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the recorded command again in this process, with the recorded
/// command line and time in its provenance and any output file in a
/// temporary folder; its output, as it would have reached the file.
fn run_again(p: &Provenance, shown: &str, max_runs: u64) -> anyhow::Result<Vec<u8>> {
    let argv = std::iter::once("meldroute".to_owned()).chain(p.command.iter().cloned());
    let mut cli = Cli::try_parse_from(argv).map_err(|e| {
        let first = e.to_string();
        let first = first.lines().next().unwrap_or_default().to_owned();
        anyhow::anyhow!("cannot verify {shown}: its command does not run with this build: {first}")
    })?;
    check_command(&cli, p, shown, max_runs)?;
    let tmp = TempDir::new()?;
    let file_name = |path: &Option<PathBuf>, default: &str| {
        tmp.0.join(
            path.as_ref()
                .and_then(|p| p.file_name())
                .unwrap_or(default.as_ref()),
        )
    };
    let written = match &mut cli.command {
        // Its event log, which has no provenance, is written where it
        // does no harm.
        Command::Simulate(args) => {
            if args.log.log.is_some() {
                args.log.log = Some(file_name(&args.log.log, "log"));
            }
            None
        }
        Command::Sensitivity(_)
        | Command::Gaps(_)
        | Command::Compare(_)
        | Command::Validate(_)
        | Command::List(_) => None,
        Command::Render(args) => {
            if args.output.is_none() {
                args.format = Some(super::render::format(args)?);
            }
            let to = file_name(&args.output, "output");
            args.output = Some(to.clone());
            Some(to)
        }
        Command::Report(args) => {
            let to = file_name(&args.output, "report.html");
            args.output = Some(to.clone());
            Some(to)
        }
        _ => anyhow::bail!(
            "cannot verify {shown}: its command `{}` makes no output with provenance",
            p.command.first().map_or("", String::as_str)
        ),
    };
    let text = cli.writes_text();
    let inv = Invocation {
        command: p.command.clone(),
        clock: p.made.clone(),
    };
    let mut stdout = String::new();
    let (result, messages) = crate::output::capture_stderr(|| super::run(&mut stdout, cli, &inv));
    let failed = |why: String| {
        let messages = messages.trim_end();
        anyhow::anyhow!(
            "cannot verify {shown}: running its command again {why}{}{messages}",
            if messages.is_empty() { "" } else { ":\n" }
        )
    };
    result.map_err(|e| failed(format!("failed ({e:#})")))?;
    match written {
        Some(to) => std::fs::read(&to).map_err(|_| failed("wrote no output".to_owned())),
        None => {
            let mut bytes = Vec::new();
            crate::write_out(&mut bytes, &stdout, text)?;
            if bytes.is_empty() {
                return Err(failed("wrote no output".to_owned()));
            }
            Ok(bytes)
        }
    }
}

/// Refuses to run a recorded command that reads a procedure file its
/// provenance does not list (an output is only a claim, and its command
/// must not read, and print parts of, other files), or that simulates more
/// journeys than `max_runs` (`verify --max-runs`). The inputs are read as
/// the command would read them; nothing of an unlisted file is shown.
fn check_command(cli: &Cli, p: &Provenance, shown: &str, max_runs: u64) -> anyhow::Result<()> {
    let (inputs, limits, sim) = match &cli.command {
        Command::Simulate(a) => (a.procedure.inputs(), &a.limits, Some(&a.sim)),
        Command::Sensitivity(a) => (a.procedure.inputs(), &a.limits, Some(&a.sim)),
        Command::Render(a) => (a.procedure.inputs(), &a.limits, Some(&a.sim)),
        Command::Gaps(a) => (a.paths.clone(), &a.limits, Some(&a.sim)),
        Command::Compare(a) => (a.inputs(), &a.limits, Some(&a.sim)),
        Command::Report(a) => (a.paths.clone(), &a.limits, Some(&a.sim)),
        Command::Validate(a) => (a.paths.clone(), &a.limits, None),
        _ => return Ok(()),
    };
    if let Some(sim) = sim {
        let runs = sim.options()?.runs;
        anyhow::ensure!(
            runs <= max_runs,
            "cannot verify {shown}: its command simulates up to {runs} journeys per procedure, more than verify runs (--max-runs {max_runs}); raise --max-runs to run it again"
        );
    }
    let (lib, _) = super::load_inputs(&inputs, limits).map_err(|_| {
        anyhow::anyhow!("cannot verify {shown}: its command's inputs cannot be read")
    })?;
    let listed: Vec<&str> = p
        .files
        .iter()
        .filter(|f| f.origin == FileOrigin::User)
        .map(|f| f.path.as_str())
        .collect();
    if let Some(unlisted) = lib
        .digests(&[])
        .into_iter()
        .find(|f| f.origin == FileOrigin::User && !listed.contains(&f.path.as_str()))
    {
        anyhow::bail!(
            "cannot verify {shown}: its command reads {}, which its provenance does not list; it is not run again",
            meldroute_render::diagnostics::inert(&unlisted.path)
        );
    }
    Ok(())
}

/// `fresh` with the `/CreationDate` of `recorded`: Graphviz (cairo) writes
/// the time it drew a PDF into it, which no option turns off, so that one
/// value of the same length is taken as recorded; every other byte counts.
fn with_creation_date_of(recorded: &[u8], mut fresh: Vec<u8>) -> Vec<u8> {
    let value = |bytes: &[u8]| {
        let key = b"/CreationDate (";
        let start = bytes.windows(key.len()).position(|w| w == key)? + key.len();
        let len = bytes[start..].iter().position(|&b| b == b')')?;
        Some(start..start + len)
    };
    if let (Some(r), Some(f)) = (value(recorded), value(&fresh))
        && r == f
    {
        fresh[f].copy_from_slice(&recorded[r]);
    }
    fresh
}

/// Says where `fresh` first differs from `recorded`.
fn describe_difference(out: &mut String, recorded: &[u8], fresh: &[u8]) {
    let at = recorded
        .iter()
        .zip(fresh)
        .position(|(a, b)| a != b)
        .unwrap_or(recorded.len().min(fresh.len()));
    let line = recorded[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    outln!(
        out,
        "does not reproduce: the output made again ({} bytes) differs from the file ({} bytes) from byte {} on (line {line})",
        fresh.len(),
        recorded.len(),
        at + 1
    );
    let line_of = |bytes: &[u8]| {
        let start = bytes[..at.min(bytes.len())]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        meldroute_render::text::cut(&String::from_utf8_lossy(&bytes[start..end]), 160)
    };
    if std::str::from_utf8(recorded).is_ok() {
        outln!(out, "  in the file:  {}", line_of(recorded));
        outln!(out, "  made again:   {}", line_of(fresh));
    }
}
