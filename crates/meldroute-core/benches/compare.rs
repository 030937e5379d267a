//! Benchmark: `compare` of the five illustrative ministry variants at
//! 100,000 journeys each (gap analysis included), as `meldroute compare
//! processes/voorbeelden` runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use meldroute_core::compare;
use meldroute_core::gaps::GapOptions;
use meldroute_core::sim::SimOptions;
use meldroute_core::{EntryId, Library, Limits};

fn variants(c: &mut Criterion) {
    let lib = Library::with_bundled(Limits::default());
    let targets: Vec<EntryId> = lib
        .iter()
        .filter(|(_, e)| e.procedure.id.starts_with("voorbeelden/"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(targets.len(), 5, "the five illustrative variants");
    let opts = GapOptions {
        sim: SimOptions {
            runs: 100_000,
            ..SimOptions::default()
        },
        ..GapOptions::default()
    };
    let mut group = c.benchmark_group("compare");
    group.sample_size(10);
    group.bench_function("5 variants, 100000 journeys each", |b| {
        b.iter(|| {
            let rows = compare::compare(&lib, &targets, &opts).expect("the variants compare");
            std::hint::black_box(rows)
        })
    });
    group.finish();
}

criterion_group!(benches, variants);
criterion_main!(benches);
