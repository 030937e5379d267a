//! `meldroute migrate`: brings procedure files to this meldroute's format
//! version, in place, through the steps of `meldroute_core::migrate`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use meldroute_core::migrate::{self, Migrated};
use meldroute_core::version::FORMAT_VERSION;
use meldroute_core::{Library, Limits};
use meldroute_render::diagnostics;

use super::outln;
use crate::cli::MigrateArgs;

/// What became of one file.
enum Done {
    /// At the format version already.
    Current,
    /// Changed (or, with `--check`, would be).
    Changed,
    /// Left as it is: it does not load, or cannot be edited.
    Refused,
}

pub fn run(out: &mut String, args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    // Every argument is checked before any file is written.
    let (files, links) = files(&args.paths)?;
    for link in &links {
        outln!(
            out,
            "{}: skipped, a symbolic link found in a directory (migrate rewrites only files it finds as files; name the link to migrate the file it points to)",
            diagnostics::inert(&link.display().to_string())
        );
    }
    let limits = args.limits.limits();
    let (mut changed, mut refused) = (0usize, 0usize);
    for file in &files {
        match one(out, file, &limits, args.check)? {
            Done::Current => {}
            Done::Changed => changed += 1,
            Done::Refused => refused += 1,
        }
    }
    let plural = |n: usize| if n == 1 { "file" } else { "files" };
    let current = files.len() - changed - refused;
    let verb = if args.check { "to migrate" } else { "migrated" };
    outln!(
        out,
        "{} {} checked: {changed} {verb}, {current} at format version {FORMAT_VERSION} already, {refused} refused",
        files.len(),
        plural(files.len())
    );
    Ok(if refused > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The files the arguments name: files as they are, directories as every
/// `*.yaml` and `*.yml` file below them (as every command reads them).
/// A bundled procedure's id is refused: migrate works on files. A symbolic
/// link found in a directory is not rewritten (its target may lie outside
/// the directory): the second list.
fn files(paths: &[std::ffi::OsString]) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut files, mut links) = (Vec::new(), Vec::new());
    let mut bundled: Option<Library> = None;
    for arg in paths {
        let path = Path::new(arg);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let below = meldroute_core::yaml_files_below(path)?;
                anyhow::ensure!(
                    !below.is_empty(),
                    "no procedure files found in {}: a directory is searched for *.yaml and *.yml files (hidden ones skipped); check the path",
                    path.display()
                );
                let (linked, plain): (Vec<PathBuf>, Vec<PathBuf>) =
                    below.into_iter().partition(|p| {
                        p.symlink_metadata()
                            .is_ok_and(|m| m.file_type().is_symlink())
                    });
                files.extend(plain);
                links.extend(linked);
            }
            Ok(_) => files.push(path.to_owned()),
            Err(err) => {
                let lib = bundled.get_or_insert_with(|| Library::with_bundled(Limits::default()));
                let id = arg.to_string_lossy();
                anyhow::ensure!(
                    lib.resolve_index(&id).is_none(),
                    "{id} is a bundled procedure, built into meldroute: migrate rewrites files, and the bundled procedures are at format version {FORMAT_VERSION} already; name a file or directory"
                );
                return Err(
                    anyhow::Error::new(err).context(format!("cannot read {}", path.display()))
                );
            }
        }
    }
    Ok((files, links))
}

/// Migrates one file (with `check`, says what would change and writes
/// nothing), reporting it in `out` and its errors on standard error.
fn one(out: &mut String, path: &Path, limits: &Limits, check: bool) -> anyhow::Result<Done> {
    let shown = path.display();
    let mut lib = Library::new(*limits);
    let loaded = lib.load_file(path)?;
    // A file is a procedure, a scenario or a caseload (neither applied nor
    // checked: migrate changes only its version line).
    let scenario = lib.scenarios().first();
    let caseload = lib.caseloads().first();
    let (file, written) = match (
        loaded,
        scenario
            .map(|s| (s.file, s.scenario.format_version.as_ref()))
            .or(caseload.map(|c| (c.file, c.spec.format_version.as_ref()))),
    ) {
        (Some(entry), _) => {
            let entry = lib.entry(entry);
            (
                entry.file,
                entry.procedure.format_version.as_ref().map(|v| v.0),
            )
        }
        (None, Some((file, version))) => (file, version.map(|v| v.0)),
        (None, None) => {
            for d in lib.load_errors() {
                crate::errln!("{}", diagnostics::human(&lib, d));
            }
            outln!(out, "{shown}: refused, left as it is (the error is above)");
            return Ok(Done::Refused);
        }
    };
    let source = lib.file(file);
    match migrate::migrate(source, written, limits) {
        Ok(Migrated::Current) => {
            outln!(
                out,
                "{shown}: at format version {FORMAT_VERSION} already, left as it is"
            );
            Ok(Done::Current)
        }
        Ok(Migrated::Changed {
            from,
            text,
            changes,
        }) => {
            let from = match from {
                None => "no format version".to_owned(),
                Some(v) => format!("format version {v}"),
            };
            let what = changes.join("; ");
            if check {
                outln!(
                    out,
                    "{shown}: would be migrated from {from} to format version {FORMAT_VERSION} ({what})"
                );
            } else {
                crate::output::write_file(path, &[], text.as_bytes())?;
                outln!(
                    out,
                    "{shown}: migrated from {from} to format version {FORMAT_VERSION} ({what})"
                );
            }
            Ok(Done::Changed)
        }
        Err(why) => {
            crate::errln!("meldroute: {shown}: cannot migrate: {why}");
            outln!(out, "{shown}: refused, left as it is");
            Ok(Done::Refused)
        }
    }
}
