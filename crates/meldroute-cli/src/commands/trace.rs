//! `meldroute trace`: one journey, step by step.

use std::process::ExitCode;

use comfy_table::{Table, presets};
use meldroute_core::sim;

use super::{days_weeks, load_model, outln};
use crate::cli::TraceArgs;
use meldroute_render::diagnostics::inert;
use meldroute_render::text::trim_lines;

pub fn run(out: &mut String, args: &TraceArgs) -> anyhow::Result<ExitCode> {
    let (_lib, model) = match load_model(&args.procedure, &args.limits)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let trace = sim::trace(&model, args.seed, args.journey.max_steps());
    outln!(
        out,
        "one journey through {} (seed {}); d = days, w = weeks",
        model.procedures[0].id,
        args.seed
    );
    outln!(out);
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header([
        "elapsed",
        "procedure",
        "actor",
        "step",
        "reporter",
    ]);
    for s in &trace.steps {
        let step = &model.steps[s.step as usize];
        let mut reporter = if s.contact {
            "contact".to_owned()
        } else {
            format!("silence {}", days_weeks(s.silence))
        };
        // The interim updates while the step ran, before its end.
        if let Some(u) = &s.updates {
            reporter = format!(
                "{} {}update{} every {}, the first at {}; {reporter}",
                u.count,
                if u.feedback { "feedback " } else { "" },
                if u.count == 1 { "" } else { "s" },
                days_weeks(u.every),
                days_weeks(u.first)
            );
        }
        t.add_row(vec![
            days_weeks(s.end),
            model.procedures[step.procedure as usize].id.clone(),
            inert(&model.actors[step.actor as usize]),
            inert(&model.names[s.step as usize].title),
            reporter,
        ]);
    }
    outln!(out, "{}", trim_lines(&t.to_string()));
    outln!(out);
    match trace.outcome {
        Some(o) => outln!(
            out,
            "ended: {} after {} in {} steps",
            o.as_str(),
            days_weeks(trace.steps.last().map_or(0.0, |s| s.end)),
            trace.steps.len()
        ),
        None => outln!(out, "unfinished: cut off after {} steps", trace.steps.len()),
    }
    Ok(ExitCode::SUCCESS)
}
