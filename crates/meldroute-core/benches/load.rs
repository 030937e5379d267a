//! Benchmarks: load and validate the whole bundled library; validate the
//! largest procedures the default limits allow: a 1 MB chain of steps that
//! each carry a deadline (once quadratic in the deadline rule) and a fan of
//! 4,000 branches that each carry a deadline (once cubic). Both shapes came
//! out of the fuzzing work; see `fuzz/regressions/load_validate-slow-deadlines.sh`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use meldroute_core::{EntryId, Library, Limits, Origin, SourceFile, catalogue};

fn load_and_validate(c: &mut Criterion) {
    c.bench_function("load+validate bundled library", |b| {
        b.iter(|| {
            let lib = Library::with_bundled(Limits::default());
            let targets: Vec<EntryId> = lib
                .iter()
                .filter(|(_, e)| e.origin == Origin::Bundled)
                .map(|(i, _)| i)
                .collect();
            let findings = catalogue::check(&lib, &targets);
            assert!(findings.is_empty());
            std::hint::black_box(findings)
        })
    });
    c.bench_function("load bundled library", |b| {
        b.iter(|| std::hint::black_box(Library::with_bundled(Limits::default())))
    });
}

/// A procedure's lines up to `steps:`, starting at step `s0`.
fn header(id: &str) -> String {
    format!(
        "meldroute: 1\nid: {id}\ntitle: T\norganisation: B\nkind: advice\nsources: {{}}\nactors:\n  m: {{title: M, role: reporter}}\nstart: s0\nsteps:\n"
    )
}

/// A chain of `n` steps, each with a deadline counted from the first.
fn deadline_chain(n: usize) -> String {
    let mut y = header("bench/termijnen");
    y.push_str("  s0: {title: S, actor: m, kind: report, next: s1}\n");
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

/// Step `s0` branches to `n - 1` closing steps, each with a deadline
/// counted from `s0`.
fn deadline_fan(n: usize) -> String {
    let mut y = header("bench/waaier");
    y.push_str("  s0:\n    title: S\n    actor: m\n    kind: report\n    basis: law\n    next:\n");
    let p = 1.0 / (n - 1) as f64;
    for i in 1..n {
        let _ = writeln!(y, "      - {{to: s{i}, p: {p:?}}}");
    }
    for i in 1..n {
        let _ = writeln!(
            y,
            "  s{i}: {{title: S, actor: m, kind: closure, deadline: {{within: 1d, from: s0, basis: w}}, outcome: closed}}"
        );
    }
    y
}

fn largest_file(c: &mut Criterion) {
    let mut group = c.benchmark_group("largest file");
    group.sample_size(10);
    let shapes = [
        (
            "9,990 steps with deadlines (1 MB chain)",
            deadline_chain(9_990),
        ),
        ("4,000 branches with deadlines (fan)", deadline_fan(4_001)),
    ];
    for (name, text) in shapes {
        assert!(text.len() < 1024 * 1024, "within the default size limit");
        group.bench_function(format!("load+validate {name}"), |b| {
            b.iter(|| {
                let mut lib = Library::new(Limits::default());
                let t = lib
                    .load_source(
                        SourceFile::new("termijnen.yaml", text.clone()),
                        Origin::User,
                    )
                    .expect("loads");
                let findings = catalogue::check(&lib, &[t]);
                assert!(findings.is_empty(), "{findings:?}");
                std::hint::black_box(findings)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, load_and_validate, largest_file);
criterion_main!(benches);
