//! Benchmark: load and validate the whole bundled library.

use criterion::{Criterion, criterion_group, criterion_main};
use meldroute_core::{Library, Limits, Origin, rules};

fn load_and_validate(c: &mut Criterion) {
    c.bench_function("load+validate bundled library", |b| {
        b.iter(|| {
            let lib = Library::with_bundled(Limits::default());
            let targets: Vec<usize> = (0..lib.entries().len())
                .filter(|&i| lib.entry(i).origin == Origin::Bundled)
                .collect();
            let findings = rules::check(&lib, &targets);
            assert!(findings.is_empty());
            std::hint::black_box(findings)
        })
    });
    c.bench_function("load bundled library", |b| {
        b.iter(|| std::hint::black_box(Library::with_bundled(Limits::default())))
    });
}

criterion_group!(benches, load_and_validate);
criterion_main!(benches);
