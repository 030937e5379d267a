//! Benchmarks of the journey simulation: the bundled internal-report route
//! (with its escalations), the same route with interim updates every 4
//! weeks during the investigation (the bundled scenario
//! `scenarios/tussentijdse-berichten`), the illustrative variant with the
//! reporter's state (`voorbeelden/ministerie-d`: a condition on silence, a
//! retaliation risk and conditions on it) beside the same route without it
//! (`voorbeelden/ministerie-c`), and a generated procedure of 1,000+ steps
//! with loops; throughput in simulated steps per second.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use meldroute_core::sim::{self, SimModel, SimOptions};
use meldroute_core::{Library, Limits, Origin, SourceFile};

fn bundled_model(id: &str) -> SimModel {
    let lib = Library::with_bundled(Limits::default());
    let i = lib.resolve_index(id).expect("bundled");
    SimModel::compile(&lib, i).expect("compiles")
}

fn generated_model() -> SimModel {
    let mut lib = Library::new(Limits {
        max_file_bytes: 16 << 20,
        ..Limits::default()
    });
    let yaml = meldroute_core::generate::procedure_with_loops(501, 1);
    let i = lib
        .load_source(SourceFile::new("generated.yaml", yaml), Origin::User)
        .expect("loads");
    SimModel::compile(&lib, i).expect("compiles")
}

fn bench(c: &mut Criterion, name: &str, model: &SimModel, runs: u64, threads: usize) {
    let opts = SimOptions {
        runs,
        threads,
        ..SimOptions::default()
    };
    let steps = sim::simulate(model, &opts, &|_| {})
        .expect("runs")
        .steps_simulated;
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .throughput(Throughput::Elements(steps));
    group.bench_function(format!("{runs} journeys, {threads} thread(s)"), |b| {
        b.iter(|| sim::simulate(model, &opts, &|_| {}).expect("runs"))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let bundled = bundled_model("rijk/interne-melding");
    bench(c, "interne-melding", &bundled, 100_000, 1);
    let updates = bundled_model("scenarios/tussentijdse-berichten");
    bench(c, "interne-melding-with-updates", &updates, 1_000_000, 1);
    bench(c, "interne-melding", &bundled, 1_000_000, 1);
    bench(c, "interne-melding", &bundled, 1_000_000, 2);
    let plain = bundled_model("voorbeelden/ministerie-c");
    bench(c, "ministerie-c-without-state", &plain, 1_000_000, 1);
    let state = bundled_model("voorbeelden/ministerie-d");
    bench(c, "ministerie-d-with-conditions", &state, 1_000_000, 1);
    let klacht = bundled_model("rijk/klacht");
    bench(c, "klacht-without-conditions", &klacht, 1_000_000, 1);
    let generated = generated_model();
    bench(c, "generated-1001-steps", &generated, 200_000, 1);
    bench(c, "generated-1001-steps", &generated, 200_000, 2);
}

criterion_group!(sim_benches, benches);
criterion_main!(sim_benches);
