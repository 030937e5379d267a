//! A directory of procedure files loaded together next to the bundled
//! library, as `meldroute validate DIR`, `gaps DIR` and `compare DIR` load
//! one (every file, sorted by name, into one library). The input is either
//!
//! - after a first byte 0, structured (`src/generate.rs`, [`SetSpec`]):
//!   2 to 6 generated procedures that escalate into each other (chains,
//!   rings, stars, into a given step, into ids and steps that do not
//!   exist, into the bundled library, under duplicate ids or the id of a
//!   bundled procedure), sometimes one of them damaged into invalid YAML
//!   or bytes, sometimes loaded with small library limits; most sets
//!   validate; or
//! - any other bytes: up to 12 files separated by NUL bytes (which no
//!   procedure file may hold), so that real directories (`processes/rijk`,
//!   `tests/fixtures/rules`; see `seed.sh`) are seeds that byte-level
//!   mutation starts from.
//!
//! Then every validation rule over all of them, and for a set without
//! errors what `gaps`, `simulate`, `trace` and `compare` run on it.
//!
//! `MELDROUTE_FUZZ_PRINT=1 cargo fuzz run multi_file INPUT` prints the
//! files of an input.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use meldroute_core::compare;
use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::sim::{self, SimModel, SimOptions, SimReport, exact};
use meldroute_fuzz::generate::SetSpec;
use meldroute_fuzz::stats::{Stage, reached};
use meldroute_fuzz::{MAX_STEPS, RUNS, check_diagnostic, load_set, outputs};

fn print() -> bool {
    static PRINT: OnceLock<bool> = OnceLock::new();
    *PRINT.get_or_init(|| std::env::var_os("MELDROUTE_FUZZ_PRINT").is_some())
}

/// Most files of a set of raw bytes.
const MAX_RAW_FILES: usize = 12;

fuzz_target!(|data: &[u8]| {
    reached(Stage::Input);
    let (files, tight) = match data.split_first() {
        Some((0, rest)) => {
            let Ok(spec) = SetSpec::arbitrary_take_rest(Unstructured::new(rest)) else {
                return;
            };
            (spec.files(), spec.tight_limits())
        }
        _ => {
            let files: Vec<(String, Vec<u8>)> = data
                .split(|&b| b == 0)
                .take(MAX_RAW_FILES)
                .enumerate()
                .map(|(i, bytes)| (format!("fuzzdir/f{i:02}.yaml"), bytes.to_vec()))
                .collect();
            (files, false)
        }
    };
    if print() {
        for (name, bytes) in &files {
            eprintln!(
                "----- {name} -----\n{}-----",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    let loaded = load_set(&files, tight);
    outputs::diagnostics(&loaded.lib, &loaded.findings);
    meldroute_fuzz::stats::errors(&loaded.findings);
    if loaded.targets.len() != files.len() {
        return;
    }
    reached(Stage::Parsed);
    // The facade refuses exactly what the rules call errors.
    let refused = loaded.lib.validated(&loaded.targets).is_err();
    assert_eq!(
        refused,
        loaded.has_errors(),
        "Library::validated and catalogue::check disagree"
    );
    if loaded.has_errors() {
        return;
    }
    reached(Stage::Valid);
    let lib = &loaded.lib;
    let targets = &loaded.targets;
    let opts = SimOptions {
        runs: RUNS,
        seed: sim::DEFAULT_SEED,
        threads: 1,
        max_steps: MAX_STEPS,
        precision: None,
        start: None,
    };

    // `meldroute gaps --structural-only DIR`.
    let structural = GapOptions {
        sim: opts.clone(),
        structural_only: true,
        ..GapOptions::default()
    };
    let found = gaps::analyse(lib, targets, &structural, &|_| true);
    for f in &found {
        assert!(
            targets.contains(&f.entry),
            "{}: a finding about a procedure not checked",
            f.diagnostic.code
        );
    }
    outputs::findings(lib, &found);

    // `meldroute simulate` and `trace` of each.
    for &t in targets {
        let Ok(model) = SimModel::compile(lib, t) else {
            continue;
        };
        assert_eq!(
            model.procedures[0].entry, t,
            "the model starts in its own procedure"
        );
        let agg = sim::simulate(&model, &opts, &|_| {}).expect("one worker thread starts");
        assert!(
            agg.runs == RUNS || (agg.stopped_early && agg.runs < RUNS),
            "{} of {RUNS} journeys counted",
            agg.runs
        );
        assert!(agg.unfinished <= agg.runs);
        assert!(
            !agg.stopped_early || agg.unfinished == agg.runs,
            "stopped early with finished journeys"
        );
        let report = SimReport::new(&model, &opts, &agg);
        assert_eq!(report.stopped_early, agg.stopped_early);
        let trace = sim::trace(&model, opts.seed, MAX_STEPS);
        assert!(trace.steps.len() <= MAX_STEPS as usize);
        assert!(
            trace
                .steps
                .iter()
                .all(|s| (s.step as usize) < model.steps.len())
        );
        if let Ok(route) = sim::routes::picked(&model, sim::routes::Pick::Rank(1), 1) {
            assert!(route.steps.iter().all(|s| (s.step as usize) < model.steps.len()));
        }
        let _ = exact::exact(&model);
    }

    // `meldroute compare DIR` (which runs every journey rule).
    let full = GapOptions {
        sim: opts,
        ..GapOptions::default()
    };
    let Ok(compared) = compare::compare_detailed(lib, targets, &full, false) else {
        return;
    };
    reached(Stage::Simulated);
    assert_eq!(
        compared.len(),
        targets.len(),
        "one comparison per procedure"
    );
    for (c, &t) in compared.iter().zip(targets) {
        assert_eq!(c.entry, t, "comparisons in the order given");
        assert!(c.figures.runs == RUNS || c.figures.stopped_early);
        for f in &c.findings {
            check_diagnostic(lib, &f.diagnostic);
            assert_eq!(
                f.entry, t,
                "{}: a finding of another procedure",
                f.diagnostic.code
            );
        }
        let g = c.row.gaps;
        assert_eq!(g.errors + g.warnings + g.accepted, c.findings.len());
    }
    outputs::compare_tables(&compared.iter().map(|c| c.row.clone()).collect::<Vec<_>>());
});
