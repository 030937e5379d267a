//! `meldroute render`: a procedure as a diagram.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::sim;
use meldroute_render::{GraphOptions, graph, journey, print, render_with_dot};

use super::load_model;
use crate::cli::{RenderArgs, RenderFormat, RenderView};

pub fn run(out: &mut String, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(path)) => from_extension(path)?,
        (None, None) if args.view == RenderView::Journey => RenderFormat::Svg,
        (None, None) => RenderFormat::Dot,
    };
    let journey = args.view == RenderView::Journey || format == RenderFormat::Mermaid;
    anyhow::ensure!(
        !journey || matches!(format, RenderFormat::Svg | RenderFormat::Mermaid),
        "the journey view is drawn as svg or mermaid, not {format:?}"
    );
    let (lib, model) = match load_model(&args.procedure)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let entry = model.procedures[0].entry;
    if journey {
        let trace = match args.seed {
            Some(seed) => sim::trace(&model, seed, sim::DEFAULT_MAX_STEPS),
            None => sim::most_likely(&model, sim::DEFAULT_MAX_STEPS),
        };
        let title = match args.seed {
            Some(seed) => format!(
                "{}: simulated journey (seed {seed})",
                lib.entry(entry).procedure.title
            ),
            None => format!(
                "{}: most likely route, median durations",
                lib.entry(entry).procedure.title
            ),
        };
        let text = if format == RenderFormat::Mermaid {
            journey::mermaid(&model, &trace, &title)
        } else {
            journey::svg(&model, &trace, &title)
        };
        return emit(out, args, text.into_bytes(), format);
    }
    let findings = if args.gaps {
        gaps::analyse(&lib, &[entry], &GapOptions::default(), &|_| true)
    } else {
        Vec::new()
    };
    let dot = print(&graph(
        &lib,
        entry,
        &GraphOptions {
            follow_escalations: args.follow_escalations,
            gaps: findings,
        },
    ));
    let bytes = match format {
        RenderFormat::Dot | RenderFormat::Mermaid => dot.into_bytes(),
        RenderFormat::Svg => render_with_dot(&dot, "svg")?,
        RenderFormat::Png => render_with_dot(&dot, "png")?,
        RenderFormat::Pdf => render_with_dot(&dot, "pdf")?,
    };
    emit(out, args, bytes, format)
}

/// Writes the output to the -o file (atomically) or standard output.
fn emit(
    out: &mut String,
    args: &RenderArgs,
    bytes: Vec<u8>,
    format: RenderFormat,
) -> anyhow::Result<ExitCode> {
    match &args.output {
        Some(path) => {
            refuse_input(path, std::slice::from_ref(&args.procedure.procedure))?;
            write_atomically(path, &bytes)?;
        }
        None => match String::from_utf8(bytes) {
            Ok(text) => out.push_str(&text),
            Err(bin) => {
                anyhow::ensure!(
                    !std::io::IsTerminal::is_terminal(&std::io::stdout()),
                    "{:?} output is binary; give a file with -o, or redirect standard output",
                    format
                );
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(bin.as_bytes())
                    .context("cannot write to standard output")?;
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn from_extension(path: &Path) -> anyhow::Result<RenderFormat> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("dot" | "gv") => Ok(RenderFormat::Dot),
        Some("svg") => Ok(RenderFormat::Svg),
        Some("png") => Ok(RenderFormat::Png),
        Some("pdf") => Ok(RenderFormat::Pdf),
        Some("mmd" | "mermaid") => Ok(RenderFormat::Mermaid),
        _ => anyhow::bail!(
            "cannot tell the format from {}; give --format dot, svg, png or pdf",
            path.display()
        ),
    }
}

/// Refuses an output path that is one of the inputs, or a file inside an
/// input directory that is read as a procedure (`.yaml`, `.yml`).
pub fn refuse_input(output: &Path, inputs: &[std::ffi::OsString]) -> anyhow::Result<()> {
    let Ok(target) = std::fs::canonicalize(output) else {
        return Ok(()); // does not exist yet
    };
    for input in inputs {
        let Ok(input) = std::fs::canonicalize(Path::new(input)) else {
            continue; // a library id
        };
        let procedure_file = target
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        anyhow::ensure!(
            input != target && !(procedure_file && target.starts_with(&input)),
            "refusing to overwrite the input file {}; choose another output file",
            output.display()
        );
    }
    Ok(())
}

/// Writes the whole file or nothing: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.meldroute-tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
