//! What the fuzz targets share: arbitrary bytes loaded as a user's procedure
//! file the way the command line loads one, with the bundled library beside
//! it, and the invariants every diagnostic must keep.
//!
//! The targets themselves live in `fuzz_targets/`; see docs/fuzzing.md.

pub mod generate;
pub mod outputs;
pub mod stats;

use std::sync::OnceLock;

use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::sim::{self, SimModel, SimOptions, SimReport, exact};
use meldroute_core::{
    Diagnostic, EntryId, Library, Limits, Origin, Severity, SourceFile, catalogue, diag,
};

/// Largest number of steps a fuzzed journey may take (small, so that a
/// procedure that loops for ever costs little time).
pub const MAX_STEPS: u32 = 2_000;
/// Journeys per simulation.
pub const RUNS: u64 = 64;

/// A user file loaded next to the bundled library, with its findings.
pub struct Loaded {
    /// The bundled procedures and the fuzzed file.
    pub lib: Library,
    /// Entries of the fuzzed file's procedure (none when it did not parse).
    pub targets: Vec<EntryId>,
    /// Load errors of the fuzzed file and the findings of every rule, sorted.
    pub findings: Vec<Diagnostic>,
}

impl Loaded {
    /// True when a finding has error severity: the CLI refuses to simulate
    /// or analyse such a file.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|d| d.severity == Severity::Error)
    }
}

/// The bundled library, parsed once per process and cloned for each input:
/// parsing it again for every input would make the targets several times
/// slower without reaching other code.
fn bundled() -> &'static Library {
    static BUNDLED: OnceLock<Library> = OnceLock::new();
    BUNDLED.get_or_init(|| Library::with_bundled(Limits::default()))
}

/// The bundled library with small limits on what the user's files may
/// take together (16 steps a procedure, 48 steps and 12 kB in all), so
/// that sets of generated files run into them.
fn bundled_tight() -> &'static Library {
    static BUNDLED: OnceLock<Library> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        Library::with_bundled(Limits {
            max_procedure_steps: 16,
            max_library_steps: 48,
            max_library_bytes: 12 * 1024,
            ..Limits::DEFAULT
        })
    })
}

/// Loads `data` as `meldroute validate FILE` does and runs every rule.
pub fn load(data: &[u8]) -> Loaded {
    load_named("fuzz.yaml", data)
}

/// [`load`], the file called `name`.
pub fn load_named(name: &str, data: &[u8]) -> Loaded {
    load_set(&[(name, data)], false)
}

/// Loads several files (name, bytes) into one library next to the bundled
/// one, in the order given, as `meldroute validate DIR` loads the files
/// below a directory (sorted by path), and runs every rule over all of
/// them together. `tight` loads with small library limits.
pub fn load_set<N: AsRef<str>, B: AsRef<[u8]>>(files: &[(N, B)], tight: bool) -> Loaded {
    let mut lib = if tight { bundled_tight() } else { bundled() }.clone();
    let mut targets: Vec<EntryId> = Vec::new();
    for (i, (name, data)) in files.iter().enumerate() {
        let data = data.as_ref();
        match std::str::from_utf8(data) {
            // What `load::read_source` makes of a UTF-8 file within the
            // size limit (every input is: libFuzzer's -max_len is far
            // below 1 MiB).
            Ok(text) => {
                targets.extend(lib.load_source(SourceFile::new(name.as_ref(), text), Origin::User))
            }
            // Not UTF-8: go through a real file, so the rejection and its
            // located diagnostic are exercised exactly as the CLI reaches them.
            Err(_) => targets.extend(load_through_file(&mut lib, data, i)),
        }
    }
    let mut findings: Vec<Diagnostic> = lib.user_load_errors().cloned().collect();
    findings.extend(catalogue::check(&lib, &targets));
    diag::sort(&mut findings);
    for d in &findings {
        check_diagnostic(&lib, d);
    }
    Loaded {
        lib,
        targets,
        findings,
    }
}

/// Writes `data` to a scratch file of this process and loads it with
/// [`Library::load_file`].
fn load_through_file(lib: &mut Library, data: &[u8], n: usize) -> Vec<EntryId> {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("meldroute-fuzz-{}-{n}.yaml", std::process::id()));
    std::fs::write(&path, data).expect("cannot write the scratch file");
    let loaded = lib
        .load_file(&path)
        .expect("cannot read the scratch file back");
    let _ = std::fs::remove_file(&path);
    loaded.into_iter().collect()
}

/// Every label of a diagnostic points into a loaded file, at character
/// boundaries: the renderers slice the file's text with these byte offsets
/// (`meldroute-cli/src/report.rs`), so anything else panics there.
pub fn check_diagnostic(lib: &Library, d: &Diagnostic) {
    for label in std::iter::once(&d.primary).chain(&d.secondary) {
        assert!(
            label.file.index() < lib.files().len(),
            "{} ({}): label in file {} of {}",
            d.code,
            meldroute_diagnostics::render::message(d),
            label.file.index(),
            lib.files().len()
        );
        let file = lib.file(label.file);
        let text = file.text();
        for at in [label.span.start, label.span.end] {
            assert!(
                text.is_char_boundary(at),
                "{} ({}): span {:?} is not a character boundary of a {}-byte file",
                d.code,
                meldroute_diagnostics::render::message(d),
                label.span,
                text.len()
            );
        }
        // What every output format computes from a label.
        let (line, _) = file.line_column(label.span.start);
        let _ = file.line_column(label.span.end);
        let _ = file.line_text(line);
    }
    // The renderer must take every finding: every style, no panic, no
    // template left unfilled (a debug assertion in meldroute-diagnostics),
    // nothing a terminal would act on, JSON that parses.
    outputs::diagnostic(lib, d, &[]);
}

/// What `meldroute simulate`, `trace`, `render --view journey` and `gaps`
/// do with a loaded file: nothing when it has errors or does not hold one
/// procedure; else compile it with the procedures it escalates to, simulate
/// [`RUNS`] journeys and build the report, trace one journey, follow the
/// most likely route, solve the exact figures, and run the journey rules on
/// a small simulation.
pub fn simulate_loaded(loaded: &Loaded) {
    if loaded.has_errors() {
        return;
    }
    let [target] = loaded.targets[..] else {
        return;
    };
    // A compile error is reported by the CLI, not a crash.
    let Ok(model) = SimModel::compile(&loaded.lib, target) else {
        return;
    };
    let opts = SimOptions {
        runs: RUNS,
        seed: sim::DEFAULT_SEED,
        threads: 1,
        max_steps: MAX_STEPS,
        precision: None,
        start: None,
    };
    let agg = sim::simulate(&model, &opts, &|_| {}).expect("one worker thread starts");
    assert_eq!(agg.runs, RUNS, "every journey is counted");
    assert!(agg.unfinished <= agg.runs);
    let _report = SimReport::new(&model, &opts, &agg);

    let trace = sim::trace(&model, opts.seed, MAX_STEPS);
    assert!(trace.steps.len() <= MAX_STEPS as usize);
    // The routes the journey map ranks: bounded by their search limits; a
    // model without a route is an error, not a crash.
    if let Ok(route) = sim::routes::picked(&model, sim::routes::Pick::Rank(1), opts.seed) {
        assert!(route.steps.len() <= sim::routes::MAX_ROUTE_STEPS);
    }

    // Bounded by exact::MAX_EXACT_STEPS; an error (never ends, too large)
    // is reported by the CLI, not a crash.
    let _ = exact::exact(&model);

    let gap_opts = GapOptions {
        sim: opts,
        ..GapOptions::default()
    };
    for finding in gaps::analyse(&loaded.lib, &loaded.targets, &gap_opts, &|_| true) {
        check_diagnostic(&loaded.lib, &finding.diagnostic);
    }
}
