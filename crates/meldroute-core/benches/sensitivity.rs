//! Benchmark of a sensitivity study: one at a time over every assumption
//! of the bundled internal-report route and the procedures its escalations
//! reach (92 factors, 185 points), 100,000 journeys per point, on 2
//! threads (issue 16: under 3 s on a 2-core machine).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use meldroute_core::sensitivity::{self, DEFAULT_KPIS};
use meldroute_core::sim::precision::Kpi;
use meldroute_core::sim::{SimModel, SimOptions};
use meldroute_core::{Library, Limits};

fn benches(c: &mut Criterion) {
    let lib = Library::with_bundled(Limits::default());
    let i = lib.resolve_index("rijk/interne-melding").expect("bundled");
    let model = SimModel::compile(&lib, i).expect("compiles");
    let factors = sensitivity::factors(&lib, &model);
    let kpis: Vec<Kpi> = DEFAULT_KPIS.iter().filter_map(|n| Kpi::named(n)).collect();
    let opts = SimOptions {
        runs: 100_000,
        threads: 2,
        ..SimOptions::default()
    };
    let mut group = c.benchmark_group("sensitivity");
    group.sample_size(10);
    group.bench_function(
        format!(
            "interne-melding one at a time, {} factors, 100000 journeys per point, 2 threads",
            factors.len()
        ),
        |b| b.iter(|| sensitivity::one_at_a_time(&model, &factors, &kpis, &opts).expect("runs")),
    );
    group.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
