//! Benchmarks of the caseload engine (docs/caseload.md): M/M/1 at a load
//! of 0.8 on one thread (events per second: every entry taken off the
//! event list), the journey model of the SimPy peer (benches/peers/: 400
//! reports a year, a pool of 20 investigators shared by screening and
//! investigation, 10 years) on one thread, and 10 years of the Huis
//! caseload with 20 replications on every core.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use meldroute_core::sim::des::{CaseModel, CaseOptions, simulate_caseload};
use meldroute_core::{Library, Limits, Origin, SourceFile};

/// The library with the bundled procedures and `files`, and its last
/// caseload compiled.
fn caseload(files: &[(&str, String)]) -> CaseModel {
    let mut lib = Library::with_bundled(Limits::default());
    for (name, text) in files {
        lib.load_source(SourceFile::new(*name, text.as_str()), Origin::User);
    }
    lib.apply_scenarios();
    assert!(lib.load_errors().is_empty(), "{:?}", lib.load_errors());
    let k = lib.caseloads().len() - 1;
    lib.caseload_model(k).expect("compiles")
}

const MM1: &str = "meldroute: 1
id: bench/mm1
title: M/M/1
organisation: Bench
kind: internal-report
external-information: bron
sources:
  bron: {title: Bron}
actors:
  melder: {title: Melder, role: reporter}
  server: {title: Server, role: organisation}
  archief: {title: Archief, role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: dienst}
  dienst: {title: Dienst, actor: server, kind: investigation, duration: {exponential: {mean: 1d}}, basis: assumption, note: Bench., next: einde}
  einde: {title: Einde, actor: archief, kind: closure, outcome: founded}
";

fn bench(c: &mut Criterion, name: &str, model: &CaseModel, opts: &CaseOptions) {
    let events: u64 = simulate_caseload(model, opts)
        .expect("runs")
        .iter()
        .map(|r| r.events)
        .sum();
    let mut g = c.benchmark_group("caseload");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function(name, |b| {
        b.iter(|| simulate_caseload(model, opts).expect("runs"));
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let one = CaseOptions {
        replications: 1,
        threads: 1,
        ..CaseOptions::default()
    };
    // 400 years of M/M/1 at 0.8 a day: 117,000 customers, twice as many events.
    let mm1 = caseload(&[
        ("mm1.yaml", MM1.to_owned()),
        (
            "mm1-caseload.yaml",
            "meldroute: 1
caseload: bench/mm1
title: M/M/1
start: 2000-01-01
until: 2400-01-01
procedures:
  - procedure: bench/mm1
    arrivals: {per-year: 292.2, basis: assumption}
pools:
  server: {handlers: 1, basis: assumption}
"
            .to_owned(),
        ),
    ]);
    bench(c, "mm1 one thread", &mm1, &one);

    let journey = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../benches/peers/journey.yaml"
    ))
    .expect("benches/peers/journey.yaml");
    let peer = caseload(&[
        ("journey.yaml", journey),
        (
            "journey-caseload.yaml",
            "meldroute: 1
caseload: bench/journey
title: The SimPy peer's journey
start: 2000-01-01
until: 2010-01-01
procedures:
  - procedure: peers/journey
    arrivals: {per-year: 400, basis: assumption}
pools:
  investigators: {handlers: 20, basis: assumption}
"
            .to_owned(),
        ),
    ]);
    bench(
        c,
        "simpy peer journey, 20 investigators, one thread",
        &peer,
        &one,
    );

    // The bundled Huis caseload over 10 years: its 2025 figures from 2026 on.
    let huis = caseload(&[(
        "huis-10.yaml",
        "meldroute: 1
caseload: bench/huis-10-jaar
title: Huis, 10 jaar
start: 2023-01-01
until: 2033-01-01
procedures:
  - procedure: scenarios/huis-onderzoekstoets-zonder-wachttijd
    arrivals:
      per-year: {2023: 28, 2024: 28, 2025: 93, 2026: 93, 2027: 93, 2028: 93, 2029: 93, 2030: 93, 2031: 93, 2032: 93}
      basis: assumption
    open: {cases: 8, at: aard-verzoek, basis: assumption}
pools:
  toetsers:
    handlers: {2023: 2, 2024: 3, 2025: 4, 2026: 8, 2027: 8, 2028: 8, 2029: 8, 2030: 8, 2031: 8, 2032: 8}
    basis: assumption
    serves:
      - procedure: scenarios/huis-onderzoekstoets-zonder-wachttijd
        actor: afdeling-onderzoek
        steps: [onderzoekstoets, onderzoekstoets-bejegening]
"
        .to_owned(),
    )]);
    bench(
        c,
        "huis 10 years, 20 replications",
        &huis,
        &CaseOptions::default(),
    );
}

criterion_group!(caseload_benches, benches);
criterion_main!(caseload_benches);
