//! `meldroute gaps`: where a procedure lets the reporter down.

use std::process::ExitCode;

use meldroute_core::catalogue;
use meldroute_core::gaps::{Finding, GapOptions, RestsOn, Robustness};
use meldroute_core::measures::Standing;
use meldroute_core::model::Scope;
use meldroute_core::{EntryId, Library, Severity};
use serde::Serialize;

use super::{out, outln};
use crate::cli::{GapsArgs, GapsFormat};
use crate::provenance::{Invocation, Options};
use meldroute_core::provenance::Provenance;
use meldroute_render::diagnostics::{self, inert};
use meldroute_render::text;

/// One gap finding of `meldroute gaps --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct JsonFinding<'a> {
    #[serde(flatten)]
    diagnostic: diagnostics::JsonDiagnostic<'a>,
    /// The procedure the finding is about (its id).
    procedure: &'a str,
    /// Step ids of the route; a long one in part (`path_omitted`).
    path: Vec<&'a str>,
    /// Steps of the whole route.
    path_steps: usize,
    /// Steps left out of `path` after its first 24 (0: `path` is whole).
    path_omitted: usize,
    /// Share of simulated journeys affected, rounded to 6 decimals
    /// (`null`: a structural finding, or no simulation).
    share: Option<f64>,
    /// The 95% confidence interval of `share` (Wilson), rounded likewise.
    share_ci95: Option<meldroute_core::stats::Interval>,
    /// The basis, with its article where it is law (`null`: none).
    basis: Option<&'a str>,
    /// What the basis is: `law` (a statute or the Directive), `policy` (no
    /// statute), `practice` (the body's, not law), or `stated` (the
    /// deadline's basis as the file states it, unchecked).
    standing: Option<Standing>,
    /// The scopes of report the finding concerns: those of the procedure
    /// its basis governs (a norm of the Wbk: `misstand`, `eu-breach`).
    scopes: &'a [Scope],
    /// What the finding rests on: `structure` (a route in the graph),
    /// `figures` (simulated, none assumed) or `assumptions` (simulated, some
    /// durations or probabilities assumed).
    rests_on: RestsOn,
    /// The reason the procedure file gives for accepting the finding
    /// (`null`: not accepted, the finding is open).
    accepted: Option<&'a str>,
    /// The shortcoming a source found, which the accepted finding
    /// reproduces (`null`: open, or accepted as no real gap).
    known_shortcoming: Option<JsonShortcoming<'a>>,
    /// With `--robust`: how robust the finding is to the assumptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    robust: Option<JsonRobust<'a>>,
}

/// How robust a finding is to the assumptions (`meldroute gaps --robust`,
/// docs/sensitivity.md).
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct JsonRobust<'a> {
    /// It rests on a route in the graph, so it holds whatever the figures
    /// are (the other fields are then 0 and empty, `everywhere` true).
    by_structure: bool,
    /// Points of the assumption space sampled.
    points: u64,
    /// Points where the finding holds (the same rule at the same place).
    holds: u64,
    /// `holds / points`, rounded to 6 decimals.
    share: f64,
    /// Its 95% interval (Wilson).
    share_ci95: Option<meldroute_core::stats::Interval>,
    /// It holds at every sampled point (or by the structure).
    everywhere: bool,
    /// The assumptions it depends on most (at most three, largest
    /// difference first).
    depends_on: Vec<JsonDependence<'a>>,
}

/// An assumption a finding depends on.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct JsonDependence<'a> {
    /// The assumption.
    #[serde(flatten)]
    factor: &'a meldroute_core::sensitivity::Factor,
    /// The share of points where the finding holds with the assumption in
    /// the upper half of its range.
    upper: f64,
    /// The same in the lower half.
    lower: f64,
    /// `upper - lower`.
    difference: f64,
    /// Its 95% interval (Newcombe's, from the two Wilson intervals); it
    /// leaves out 0.
    difference_ci95: Option<meldroute_core::stats::Interval>,
}

fn json_robust(r: &Robustness) -> JsonRobust<'_> {
    match r {
        Robustness::Structure => JsonRobust {
            by_structure: true,
            points: 0,
            holds: 0,
            share: 1.0,
            share_ci95: None,
            everywhere: true,
            depends_on: Vec::new(),
        },
        Robustness::Sampled {
            points,
            holds,
            share,
            depends_on,
        } => JsonRobust {
            by_structure: false,
            points: *points,
            holds: *holds,
            share: round6(share.value),
            share_ci95: share.ci95.map(|ci| meldroute_core::stats::Interval {
                low: round6(ci.low),
                high: round6(ci.high),
            }),
            everywhere: r.everywhere(),
            depends_on: depends_on
                .iter()
                .map(|d| JsonDependence {
                    factor: &d.factor,
                    upper: round6(d.upper.value),
                    lower: round6(d.lower.value),
                    difference: round6(d.difference.value),
                    difference_ci95: d.difference.ci95.map(|ci| meldroute_core::stats::Interval {
                        low: round6(ci.low),
                        high: round6(ci.high),
                    }),
                })
                .collect(),
        },
    }
}

/// A known shortcoming in `meldroute gaps --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct JsonShortcoming<'a> {
    /// The id of the source in the procedure file (`sources`).
    source: &'a str,
    /// Its title.
    title: &'a str,
}

/// `meldroute gaps --format json`: the provenance and the findings.
// `F`: a list of `JsonFinding`, written from an iterator (`super::Streamed`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "GapsJson")]
pub(super) struct GapsJson<'a, F> {
    /// How the output was made (docs/provenance.md).
    provenance: &'a Provenance,
    /// The findings, procedure by procedure.
    findings: F,
}

pub fn run(out: &mut String, args: &GapsArgs, inv: &Invocation) -> anyhow::Result<ExitCode> {
    crate::provenance::refuse_stamp_without_provenance(
        &args.stamp,
        args.format != GapsFormat::Human,
    )?;
    for code in args.select.iter().chain(&args.ignore) {
        if catalogue::find(code).is_none() {
            anyhow::bail!("no rule `{code}`; `meldroute rules` lists them");
        }
    }
    let (lib, targets) = super::load_procedures(&args.paths, &args.limits)?;
    let matches = |code: &str, m: &meldroute_core::meta::RuleMeta| {
        code.eq_ignore_ascii_case(m.code) || code == m.name
    };
    let keep = |m: &meldroute_core::meta::RuleMeta| {
        (args.select.is_empty() || args.select.iter().any(|c| matches(c, m)))
            && !args.ignore.iter().any(|c| matches(c, m))
    };
    if args.structural_only
        && let Some(flag) = args.sim.given().first()
    {
        anyhow::bail!(
            "{flag} cannot apply with --structural-only, which simulates no journeys; leave one of them out"
        );
    }
    let opts = GapOptions {
        sim: args.sim.options()?,
        structural_only: args.structural_only,
        silence_days: args.silence.days(),
        silence_tolerance: args.silence_tolerance,
        deadline_tolerance: args.deadline_tolerance,
    };
    let warn = &mut |_, r: &meldroute_core::sim::SimReport| {
        super::warn_run(
            &r.procedure,
            r.runs,
            r.max_steps,
            r.stopped_early,
            r.precision.as_ref(),
        )
    };
    let findings = match lib.gaps_with(&targets, &opts, &keep, warn) {
        Ok(findings) => findings,
        Err(e) => return super::refused(&lib, e),
    };
    let robust = if args.robust {
        meldroute_core::gaps::robustness(&lib, &targets, &opts, &keep, &findings)?
    } else {
        Vec::new()
    };
    match args.format {
        GapsFormat::Json => {
            // Each finding is serialised as it is made: no list of them all
            // beside the findings and the text.
            let rows = findings.iter().enumerate().map(|(i, f)| JsonFinding {
                diagnostic: diagnostics::json(&lib, &f.diagnostic),
                procedure: lib.entry(f.entry).procedure.id.as_str(),
                path: f.route.ids(&lib.entry(f.entry).procedure).collect(),
                path_steps: f.route.len(),
                path_omitted: f.route.omitted(),
                share: f.share.map(|s| round6(s.value)),
                share_ci95: f.share.and_then(|s| s.ci95).map(|ci| {
                    meldroute_core::stats::Interval {
                        low: round6(ci.low),
                        high: round6(ci.high),
                    }
                }),
                basis: f.basis.as_deref(),
                standing: f.standing,
                scopes: &f.scopes,
                rests_on: f.rests_on,
                accepted: f.accepted.as_ref().map(|a| a.reason.as_str()),
                known_shortcoming: f.known_shortcoming().map(|k| JsonShortcoming {
                    source: &k.source,
                    title: &k.title,
                }),
                robust: robust.get(i).map(json_robust),
            });
            let mut options = Options::new()
                .choice("format", args.format)
                .with("structural_only", args.structural_only)
                .with("silence", args.silence.to_string())
                .with("silence_tolerance", args.silence_tolerance)
                .with("deadline_tolerance", args.deadline_tolerance)
                .with("select", args.select.clone())
                .with("ignore", args.ignore.clone())
                .with(
                    "fail_on_known_shortcomings",
                    args.fail_on_known_shortcomings,
                );
            if args.robust {
                options = options.with("robust", true);
            }
            if !args.structural_only {
                options = options.sim(&opts.sim);
            }
            let provenance =
                inv.provenance(&lib, &targets, options.limits(&args.limits), &args.stamp);
            let output = GapsJson {
                provenance: &provenance,
                findings: super::Streamed::new(rows),
            };
            super::append_json(out, &output)?;
        }
        GapsFormat::Human => human(out, &lib, &targets, &findings, &robust),
    }
    // Accepted findings never fail the run; known shortcomings do only
    // when asked.
    let counts = |f: &&Finding| {
        f.accepted.is_none() || (args.fail_on_known_shortcomings && !f.accepted_as_no_gap())
    };
    let failing = findings
        .iter()
        .filter(counts)
        .any(|f| f.diagnostic.severity == Severity::Error);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn human(
    out: &mut String,
    lib: &Library,
    targets: &[EntryId],
    findings: &[Finding],
    robust: &[Robustness],
) {
    let mut by_file: std::collections::HashMap<_, Vec<&Finding>> = std::collections::HashMap::new();
    for f in findings {
        by_file
            .entry(f.diagnostic.primary.file)
            .or_default()
            .push(f);
    }
    // The robustness of a finding, found by where it is in `findings`.
    let robust_of = |f: &Finding| {
        findings
            .iter()
            .position(|g| std::ptr::eq(g, f))
            .and_then(|i| robust.get(i))
    };
    for &t in targets {
        let entry = lib.entry(t);
        let mut mine = by_file.get(&entry.file).cloned().unwrap_or_default();
        // Most severe first; known shortcomings after the open findings,
        // accepted ones last; then file order.
        mine.sort_by_key(|f| {
            (
                f.accepted.is_some(),
                f.accepted_as_no_gap(),
                std::cmp::Reverse(f.diagnostic.severity),
                f.diagnostic.primary.span.start,
            )
        });
        outln!(
            out,
            "== {} ({}): {}",
            entry.procedure.id.value,
            inert(lib.file(entry.file).name()),
            summary(&mine)
        );
        let (shown, hidden) = text::shown(&mine);
        for f in shown {
            outln!(out);
            let mut notes = text::gap_notes(lib, f);
            if let Some(r) = robust_of(f) {
                notes.push(("robust", text::robustness(r)));
            }
            out!(
                out,
                "{}",
                diagnostics::human_with_notes(lib, &f.diagnostic, &notes)
            );
        }
        for (code, name, n) in hidden {
            outln!(
                out,
                "\n... and {} more {code} {name} finding{} in this procedure (`--format json` lists every one)",
                text::thousands(n as u64),
                if n == 1 { "" } else { "s" }
            );
        }
        outln!(out);
    }
    let all: Vec<&Finding> = findings.iter().collect();
    outln!(
        out,
        "{} procedure{}: {}",
        targets.len(),
        if targets.len() == 1 { "" } else { "s" },
        summary(&all)
    );
}

/// "2 errors, 1 warning, 2 known shortcomings, 3 accepted" style counts:
/// known shortcomings apart from findings accepted as no real gap.
fn summary(findings: &[&Finding]) -> String {
    let errors = findings
        .iter()
        .filter(|f| f.accepted.is_none() && f.diagnostic.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.accepted.is_none() && f.diagnostic.severity == Severity::Warning)
        .count();
    let known = findings
        .iter()
        .filter(|f| f.known_shortcoming().is_some())
        .count();
    let accepted = findings.iter().filter(|f| f.accepted_as_no_gap()).count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![plural(errors, "error"), plural(warnings, "warning")];
    if known > 0 {
        parts.push(plural(known, "known shortcoming"));
    }
    if accepted > 0 {
        parts.push(format!("{accepted} accepted"));
    }
    if errors + warnings + known + accepted == 0 {
        "no gaps".to_owned()
    } else {
        parts.join(", ")
    }
}

/// `x` rounded to 6 decimals, as every JSON figure is.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
