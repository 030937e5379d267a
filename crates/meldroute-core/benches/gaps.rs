//! Benchmark: the structural journey rules (witness paths, no simulation)
//! over the whole bundled library.

use criterion::{Criterion, criterion_group, criterion_main};
use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::{EntryId, Library, Limits, Origin};

fn structural(c: &mut Criterion) {
    let lib = Library::with_bundled(Limits::default());
    let targets: Vec<EntryId> = lib
        .iter()
        .filter(|(_, e)| e.origin == Origin::Bundled)
        .map(|(i, _)| i)
        .collect();
    let opts = GapOptions {
        structural_only: true,
        ..GapOptions::default()
    };
    let structural = ["MR101", "MR102", "MR103", "MR106", "MR107"];
    let keep = |m: &meldroute_core::meta::RuleMeta| structural.contains(&m.code);
    assert!(!gaps::analyse(&lib, &targets, &opts, &keep).is_empty());
    c.bench_function(
        &format!("structural gap rules, {} bundled procedures", targets.len()),
        |b| b.iter(|| std::hint::black_box(gaps::analyse(&lib, &targets, &opts, &keep))),
    );
}

criterion_group!(benches, structural);
criterion_main!(benches);
