//! Benchmarks: load and validate the whole bundled library; validate the
//! largest procedure the default limits allow (a 1 MB chain of steps that
//! each carry a deadline, which once made the deadline rule quadratic).

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use meldroute_core::{Library, Limits, Origin, SourceFile, rules};

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

/// A chain of `n` steps, each with a deadline counted from the first.
fn deadline_chain(n: usize) -> String {
    let mut y = String::from(
        "id: bench/termijnen\ntitle: T\norganisation: B\nkind: advice\nsources: {}\nactors:\n  m: {title: M, role: reporter}\nstart: s0\nsteps:\n  s0: {title: S, actor: m, kind: report, next: s1}\n",
    );
    for i in 1..n - 1 {
        let _ = writeln!(
            y,
            "  s{i}: {{title: S, actor: m, kind: intake, deadline: {{within: 1d, from: s0, basis: w}}, next: s{}}}",
            i + 1
        );
    }
    let _ = writeln!(
        y,
        "  s{}: {{title: S, actor: m, kind: closure, outcome: closed}}",
        n - 1
    );
    y
}

fn largest_file(c: &mut Criterion) {
    let text = deadline_chain(9_990);
    assert!(text.len() < 1024 * 1024, "within the default size limit");
    let mut group = c.benchmark_group("largest file");
    group.sample_size(10);
    group.bench_function("load+validate 9,990 steps with deadlines (1 MB)", |b| {
        b.iter(|| {
            let mut lib = Library::new(Limits::default());
            let t = lib
                .load_source(
                    SourceFile::new("termijnen.yaml", text.clone()),
                    Origin::User,
                )
                .expect("loads");
            let findings = rules::check(&lib, &[t]);
            assert!(findings.is_empty(), "{findings:?}");
            std::hint::black_box(findings)
        })
    });
    group.finish();
}

criterion_group!(benches, load_and_validate, largest_file);
criterion_main!(benches);
