//! `meldroute render`: a procedure as a diagram.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use meldroute_core::gaps::GapOptions;
use meldroute_core::sim::{self, routes, routes::Pick};
use meldroute_render::{GraphOptions, RenderError, graph, journey, print, render_with_dot};

use super::load_model;
use crate::cli::{GRAPHVIZ_TIMEOUT_HINT, RenderArgs, RenderFormat, RenderView};
use crate::provenance::{Invocation, Options};
use meldroute_core::provenance::Provenance;

/// The format drawn: `--format`, else the -o extension's, else DOT for the
/// graph view and SVG for the journey view.
pub(super) fn format(args: &RenderArgs) -> anyhow::Result<RenderFormat> {
    Ok(match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(path)) => from_extension(path)?,
        (None, None) if args.view != RenderView::Graph => RenderFormat::Svg,
        (None, None) => RenderFormat::Dot,
    })
}

pub fn run(out: &mut String, args: &RenderArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    let format = format(args)?;
    refuse_flags_that_cannot_apply(args, format)?;
    if let Some(path) = &args.output {
        // Before the work, so a wrong -o fails fast.
        crate::output::check_output(path, &args.procedure.inputs())?;
    }
    if args.view == RenderView::Map {
        return map(out, args, inv, format);
    }
    let (lib, model) = match load_model(&args.procedure, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let entry = model.procedures[0].entry;
    let provenance = inv.provenance(&lib, &[entry], options(args, format)?, &args.stamp);
    if args.view == RenderView::Journey {
        let lang = args.lang.resolve(meldroute_render::Lang::Nl)?;
        let pick = match &args.via {
            Some(step) => Pick::Via(step_named(&model, step)?),
            None => Pick::Rank(args.route.unwrap_or(1) as usize),
        };
        let sim = args.sim.options()?;
        let route = routes::picked(&model, pick, sim.seed)?;
        let title = &lib.entry(entry).procedure.title;
        let text = if format == RenderFormat::Mermaid {
            journey::mermaid(&model, &route, title, lang)
        } else {
            let opts = GapOptions {
                sim,
                ..GapOptions::default()
            };
            let findings = meldroute_core::gaps::analyse(&lib, &[entry], &opts, &|_| true);
            let pains = journey::pains(&model, &lib, &findings, lang);
            journey::Map {
                model: &model,
                journey: &route,
                title,
                pains: &pains,
                lang,
            }
            .draw()
            .svg
        };
        let bytes = match format {
            RenderFormat::Png => meldroute_render::paper::png(&text)?,
            RenderFormat::Pdf => meldroute_render::paper::pdf(&text)?,
            _ => text.into_bytes(),
        };
        return emit(out, args, bytes, format, &provenance);
    }
    let findings = if args.gaps {
        let opts = GapOptions {
            sim: args.sim.options()?,
            ..GapOptions::default()
        };
        // `load_model` has validated the procedure already.
        meldroute_core::gaps::analyse(&lib, &[entry], &opts, &|_| true)
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
        RenderFormat::Svg | RenderFormat::Png | RenderFormat::Pdf => {
            render_with_dot(&dot, &format_name(format), args.graphviz.timeout()).map_err(|e| {
                match e {
                    RenderError::DotTimeout { .. } => {
                        anyhow::anyhow!("{e}; {GRAPHVIZ_TIMEOUT_HINT}")
                    }
                    e => e.into(),
                }
            })?
        }
    };
    emit(out, args, bytes, format, &provenance)
}

/// `--view map`: the route map of the procedures given and those they
/// reach, once they validate.
fn map(
    out: &mut String,
    args: &RenderArgs,
    inv: &Invocation,
    format: RenderFormat,
) -> anyhow::Result<ExitCode> {
    let (lib, targets) = super::load_procedures(&args.procedure.inputs(), &args.limits)?;
    if let Err(e) = lib.validated(&targets) {
        return super::refused(&lib, e);
    }
    let lang = args.lang.resolve(meldroute_render::Lang::Nl)?;
    let title = match targets.as_slice() {
        [one] => format!(
            "{}: {}",
            meldroute_render::words::pick(lang, "Routekaart", "Route map"),
            lib.entry(*one).procedure.title
        ),
        _ => meldroute_render::words::pick(
            lang,
            "Routekaart: melden en klagen, en waar de melder daarna heen kan",
            "Route map: reporting and complaining, and where the reporter can go on to",
        )
        .to_owned(),
    };
    let reached = lib.reached(&targets);
    let options = Options::new()
        .choice("view", args.view)
        .choice("format", format)
        .with("lang", lang.code())
        .limits(&args.limits);
    let provenance = inv.provenance(&lib, &reached, options, &args.stamp);
    let svg = meldroute_render::routemap::draw(&lib, &targets, &title, lang).svg;
    let bytes = match format {
        RenderFormat::Png => meldroute_render::paper::png(&svg)?,
        RenderFormat::Pdf => meldroute_render::paper::pdf(&svg)?,
        _ => svg.into_bytes(),
    };
    emit(out, args, bytes, format, &provenance)
}

/// The step `--via` names: `step` of the procedure drawn, or
/// `procedure:step` of any procedure its journeys reach.
fn step_named(model: &sim::SimModel, name: &str) -> anyhow::Result<u32> {
    let found = (0..model.steps.len() as u32).find(|&s| {
        model.step_name(s) == name
            || (model.steps[s as usize].procedure == 0 && model.names[s as usize].id == name)
    });
    found.ok_or_else(|| {
        let ids: Vec<String> = (0..model.steps.len() as u32)
            .map(|s| {
                if model.steps[s as usize].procedure == 0 {
                    model.names[s as usize].id.clone()
                } else {
                    model.step_name(s)
                }
            })
            .collect();
        anyhow::anyhow!(
            "--via {name}: no step of that name in {} or the procedures its journeys reach{}",
            model.procedures[0].id,
            meldroute_core::suggest::did_you_mean(name, ids.iter().map(String::as_str))
        )
    })
}

/// The options of a drawing, defaults filled in: the simulation's only
/// where it is drawn from one (`--gaps`, a journey with `--seed`).
fn options(args: &RenderArgs, format: RenderFormat) -> anyhow::Result<Options> {
    let mut options = Options::new()
        .choice("view", args.view)
        .choice("format", format)
        .with("gaps", args.gaps)
        .with("follow_escalations", args.follow_escalations);
    let graphviz = args.view == RenderView::Graph
        && matches!(
            format,
            RenderFormat::Svg | RenderFormat::Png | RenderFormat::Pdf
        );
    if graphviz {
        let seconds = args.graphviz.timeout().map_or(0, |t| t.as_secs());
        options = options.with("graphviz_timeout", seconds);
    }
    options = match args.view {
        RenderView::Graph if args.gaps => options.sim(&args.sim.options()?),
        RenderView::Graph | RenderView::Map => options,
        RenderView::Journey => {
            let mut o = options
                .with("route", args.route.unwrap_or(1))
                .with("via", args.via.clone())
                .with(
                    "lang",
                    args.lang.resolve(meldroute_render::Lang::Nl)?.code(),
                );
            if format != RenderFormat::Mermaid {
                o = o.sim(&args.sim.options()?);
            } else {
                o = o.with("seed", args.sim.options()?.seed);
            }
            o
        }
    };
    Ok(options.limits(&args.limits))
}

/// The drawing with its provenance ([`meldroute_render::provenance`]).
fn stamped(bytes: Vec<u8>, format: RenderFormat, p: &Provenance) -> anyhow::Result<Vec<u8>> {
    use meldroute_render::provenance as prov;
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).context("the drawing is not UTF-8 text");
    Ok(match format {
        RenderFormat::Dot => {
            let mut out = prov::dot(p).into_bytes();
            out.extend_from_slice(&bytes);
            out
        }
        RenderFormat::Mermaid => {
            let mut out = bytes;
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            out.extend_from_slice(prov::mermaid(p).as_bytes());
            out
        }
        RenderFormat::Svg => prov::svg(&text(bytes)?, p)?.into_bytes(),
        RenderFormat::Png => prov::png(&bytes, p)?,
        RenderFormat::Pdf => prov::pdf(&bytes, p)?,
    })
}

/// Refuses flags that the chosen view and format would silently ignore
/// (exit 2), so that the picture is always what the command line says.
fn refuse_flags_that_cannot_apply(args: &RenderArgs, format: RenderFormat) -> anyhow::Result<()> {
    match args.view {
        RenderView::Map => {
            anyhow::ensure!(
                matches!(
                    format,
                    RenderFormat::Svg | RenderFormat::Png | RenderFormat::Pdf
                ),
                "the map view is drawn as svg, png or pdf, not {}",
                format_name(format)
            );
            let given = [
                ("--gaps", args.gaps),
                ("--follow-escalations", args.follow_escalations),
                ("--route", args.route.is_some()),
                ("--via", args.via.is_some()),
            ];
            if let Some((flag, _)) = given.iter().find(|(_, given)| *given) {
                anyhow::bail!(
                    "{flag} cannot apply to the map view, which draws every procedure given and those they reach; leave it out"
                );
            }
            if let Some(flag) = args.sim.given().first() {
                anyhow::bail!(
                    "{flag} cannot apply to the map view, which simulates nothing; leave it out"
                );
            }
        }
        RenderView::Journey => {
            anyhow::ensure!(
                format != RenderFormat::Dot,
                "the journey view is drawn as svg, png, pdf or mermaid, not dot; use `--view graph` for dot"
            );
            let graph_only = [
                ("--gaps", args.gaps),
                ("--follow-escalations", args.follow_escalations),
            ];
            if let Some((flag, _)) = graph_only.iter().find(|(_, given)| *given) {
                anyhow::bail!(
                    "{flag} draws on the graph view, not the journey view; leave it out, or use `--view graph`"
                );
            }
            if format == RenderFormat::Mermaid {
                let svg_only = [
                    ("--runs", args.sim.runs.is_some()),
                    ("--threads", args.sim.threads.is_some()),
                ];
                if let Some((flag, _)) = svg_only.iter().find(|(_, given)| *given) {
                    anyhow::bail!(
                        "{flag} applies to the pain points the svg journey map marks (a simulation), which Mermaid does not draw; leave it out, or use --format svg"
                    );
                }
            }
        }
        RenderView::Graph => {
            anyhow::ensure!(
                format != RenderFormat::Mermaid,
                "Mermaid draws the journey view; add `--view journey`"
            );
            let journey_only = [
                ("--route", args.route.is_some()),
                ("--via", args.via.is_some()),
            ];
            if let Some((flag, _)) = journey_only.iter().find(|(_, given)| *given) {
                anyhow::bail!(
                    "{flag} picks the route of the journey view; add `--view journey`, or leave it out"
                );
            }
            anyhow::ensure!(
                args.lang.lang.is_none(),
                "--lang applies to the journey and map views; the graph view's few words are English for now"
            );
            if !args.gaps
                && let Some(flag) = args.sim.given().first()
            {
                anyhow::bail!(
                    "{flag} applies to the graph view only with --gaps (the simulation behind the gap overlay); add --gaps, or use `--view journey` to draw a simulated journey"
                );
            }
        }
    }
    let graphviz = args.view == RenderView::Graph
        && matches!(
            format,
            RenderFormat::Svg | RenderFormat::Png | RenderFormat::Pdf
        );
    anyhow::ensure!(
        graphviz || args.graphviz.graphviz_timeout.is_none(),
        "--graphviz-timeout applies only when Graphviz draws the graph view (svg, png or pdf); leave it out"
    );
    Ok(())
}

/// The name of a format, as `--format` takes it.
fn format_name(format: RenderFormat) -> String {
    crate::provenance::value_name(format)
}

/// Writes the output to the -o file (atomically) or standard output.
fn emit(
    out: &mut String,
    args: &RenderArgs,
    bytes: Vec<u8>,
    format: RenderFormat,
    provenance: &Provenance,
) -> anyhow::Result<ExitCode> {
    let bytes = stamped(bytes, format, provenance)?;
    match &args.output {
        Some(path) => {
            crate::output::write_file(path, &args.procedure.inputs(), &bytes)?;
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
