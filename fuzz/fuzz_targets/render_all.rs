//! A procedure file rendered in every output format. The input is either
//! any bytes (a first byte other than 0: the whole input is the file, as in
//! `load_validate`, so the YAML seeds work) or, after a first byte 0,
//! structured input (`src/generate.rs`, [`RenderSpec`]): a generated
//! procedure with hostile texts (markup, quotes, backslashes, line breaks,
//! formulas, direction overrides, placeholders, refused control characters)
//! in its titles, names, notes, sources and file name, most of which
//! validates.
//!
//! The findings of loading and validation go through every diagnostics
//! renderer (short, human, human with notes, JSON, counts). A valid
//! procedure is then drawn and written as the CLI does it: the gap findings
//! as `gaps` prints them, the DOT graph (with and without gap marks and
//! followed escalations), the journey as SVG and Mermaid (most likely route
//! and a simulated trace), the simulation report as JSON, the comparison as
//! table, Markdown, CSV and JSON (with a bundled procedure beside it for
//! some inputs), and the HTML report (without Graphviz: graphs left out)
//! with its distribution plots and journey maps inline. Each output is read back as its reader reads it
//! (`src/outputs.rs`).
//!
//! `MELDROUTE_FUZZ_PRINT=1 cargo fuzz run render_all INPUT` prints the file
//! of a structured input.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use meldroute_core::compare;
use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::sim::{self, SimModel, SimOptions, SimReport};
use meldroute_fuzz::generate::RenderSpec;
use meldroute_fuzz::stats::{Stage, reached};
use meldroute_fuzz::{MAX_STEPS, RUNS, load_set, outputs};
use meldroute_render::report::{self, Graphs, ReportOptions};
use meldroute_render::{GraphOptions, graph, journey, print as dot_text};

fn print() -> bool {
    static PRINT: OnceLock<bool> = OnceLock::new();
    *PRINT.get_or_init(|| std::env::var_os("MELDROUTE_FUZZ_PRINT").is_some())
}

fuzz_target!(|data: &[u8]| {
    reached(Stage::Input);
    let (name, bytes, beside) = match data.split_first() {
        Some((0, rest)) => {
            let Ok(spec) = RenderSpec::arbitrary_take_rest(Unstructured::new(rest)) else {
                return;
            };
            let (name, text) = spec.file();
            if print() {
                eprintln!("----- {name} -----\n{text}-----");
            }
            (name, text.into_bytes(), spec.with_bundled())
        }
        _ => ("fuzz.yaml".to_owned(), data.to_vec(), None),
    };
    let loaded = load_set(&[(name, bytes)], false);
    outputs::diagnostics(&loaded.lib, &loaded.findings);
    meldroute_fuzz::stats::errors(&loaded.findings);
    let [target] = loaded.targets[..] else {
        return;
    };
    reached(Stage::Parsed);
    if loaded.has_errors() {
        return;
    }
    reached(Stage::Valid);
    let lib = &loaded.lib;
    let opts = SimOptions {
        runs: RUNS,
        seed: sim::DEFAULT_SEED,
        threads: 1,
        max_steps: MAX_STEPS,
        precision: None,
        start: None,
    };
    let full = GapOptions {
        sim: opts.clone(),
        ..GapOptions::default()
    };

    // `meldroute gaps FILE`, human and JSON.
    let findings = gaps::analyse(lib, &[target], &full, &|_| true);
    outputs::findings(lib, &findings);

    // `meldroute render FILE` (graph view): DOT, plain, with `--gaps`,
    // with `--follow-escalations`, with both.
    for follow_escalations in [false, true] {
        for gaps in [Vec::new(), findings.clone()] {
            let marked = !gaps.is_empty();
            let dot = dot_text(&graph(
                lib,
                target,
                &GraphOptions {
                    follow_escalations,
                    gaps,
                },
            ));
            outputs::assert_dot(
                &format!("dot (follow {follow_escalations}, gaps {marked})"),
                &dot,
            );
        }
    }

    let Ok(model) = SimModel::compile(lib, target) else {
        return;
    };
    // `meldroute render FILE --view journey` (SVG and Mermaid, in both
    // languages): the most probable route and the second.
    let title = &lib.entry(target).procedure.title;
    for n in [1, 2] {
        let Ok(route) = sim::routes::picked(&model, sim::routes::Pick::Rank(n), opts.seed) else {
            continue;
        };
        for lang in meldroute_render::Lang::ALL {
            let pains = journey::pains(&model, lib, &findings, lang);
            let drawn = journey::Map {
                model: &model,
                journey: &route,
                title,
                pains: &pains,
                lang,
            }
            .draw();
            outputs::assert_svg("journey svg", &drawn.svg);
            for (i, a) in drawn.boxes.iter().enumerate() {
                assert!(
                    drawn.boxes[i + 1..].iter().all(|b| !a.overlaps(b)),
                    "journey map: {a:?} overlaps another label"
                );
            }
            outputs::assert_mermaid(
                "journey mermaid",
                &journey::mermaid(&model, &route, title, lang),
            );
        }
    }
    // `meldroute simulate --format json`.
    if let Ok(agg) = sim::simulate(&model, &opts, &|_| {}) {
        let report = SimReport::new(&model, &opts, &agg);
        let json = serde_json::to_string_pretty(&report).expect("a simulation report serialises");
        let _: serde_json::Value = serde_json::from_str(&json).expect("simulate JSON parses");
    }

    // `meldroute compare FILE [BUNDLED]` and `meldroute report`.
    let mut targets = vec![target];
    if let Some(other) = beside.and_then(|id| lib.resolve_index(id))
        && other != target
    {
        targets.push(other);
    }
    let compared = match compare::compare_detailed(lib, &targets, &full, true) {
        Ok(compared) => compared,
        Err(_) => return,
    };
    reached(Stage::Simulated);
    for f in compared
        .iter()
        .map(|c| &c.figures)
        .filter(|f| f.stopped_early)
    {
        let why = meldroute_render::figures::stopped_early(&f.procedure, f.runs, f.max_steps);
        outputs::assert_terminal_safe(
            "stopped early",
            &meldroute_render::diagnostics::inert(&why),
            true,
        );
    }
    outputs::compare_tables(&compared.iter().map(|c| c.row.clone()).collect::<Vec<_>>());

    let report = report::html(
        lib,
        &compared,
        &ReportOptions {
            gaps: full,
            generator: "meldroute fuzz".to_owned(),
            graphs: Graphs::Omit("the fuzz target runs no Graphviz".to_owned()),
            provenance: None,
            sensitivity: Vec::new(),
            robustness: Vec::new(),
            caseloads: Vec::new(),
            data: Vec::new(),
        },
    )
    .unwrap_or_else(|e| panic!("report of a valid procedure: {e}"));
    assert!(
        report.left_out.is_empty(),
        "graphs left out by a timeout without Graphviz"
    );
    outputs::assert_report(&report.html, &compared);

    reached(Stage::Rendered);
});
