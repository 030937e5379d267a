//! The largest valid inputs the default limits allow, written out for the
//! bounded-work tests (`tests/bounded.rs`) and the peak-memory benchmark
//! (`crates/meldroute-cli/benches/peak_memory.rs`).

use std::fmt::Write as _;
use std::path::Path;

/// A valid internal-report procedure `id` of `steps` steps in a chain;
/// `kind(i)` gives the kind of step `i`, `last` how the last step goes on.
pub fn chain(id: &str, steps: usize, kind: impl Fn(usize) -> &'static str, last: &str) -> String {
    let mut y = format!(
        "meldroute: 1\nid: {id}\ntitle: Keten {id}\norganisation: Test\nkind: internal-report\n\
         sources:\n  s: {{title: Bron, url: 'https://example.org'}}\n\
         actors:\n  a: {{title: Organisatie, role: organisation}}\n  m: {{title: Melder, role: reporter}}\n\
         start: s0\nsteps:\n"
    );
    for i in 0..steps {
        let on = if i + 1 == steps {
            last.to_owned()
        } else {
            format!("next: s{}", i + 1)
        };
        let _ = writeln!(
            y,
            "  s{i}: {{title: Stap {i}, actor: a, kind: {}, sources: [s], {on}}}",
            kind(i)
        );
    }
    y
}

/// A report step every 8 steps and a decision every 8 steps (each one a
/// finding of the no-escalation-route rule), intake between.
pub fn reports_and_decisions(i: usize) -> &'static str {
    match i % 8 {
        0 => "report",
        7 => "decision",
        _ => "intake",
    }
}

/// `files` procedures `keten/c0` … of `steps` steps each, in `dir`, each
/// escalating into the next at its last step (a chain of `files * steps`
/// steps); the last one ends, or escalates back into the first (`ring`).
pub fn escalation_chain(
    dir: &Path,
    files: usize,
    steps: usize,
    kind: impl Fn(usize) -> &'static str + Copy,
    ring: bool,
) {
    for f in 0..files {
        let last = match (f + 1 == files, ring) {
            (false, _) => format!("escalate: {{procedure: keten/c{}}}", f + 1),
            (true, false) => "outcome: closed".to_owned(),
            (true, true) => "escalate: {procedure: keten/c0}".to_owned(),
        };
        let text = chain(&format!("keten/c{f}"), steps, kind, &last);
        std::fs::write(dir.join(format!("c{f}.yaml")), text).expect("write");
    }
}

/// `files` procedures `breed/c0` … of a report and an intake step each, in
/// `dir`, on their own: the most files the default limits allow, each
/// with five gap findings.
#[allow(dead_code, reason = "used by the benchmark, not every test")]
pub fn many_files(dir: &Path, files: usize) {
    for f in 0..files {
        let kind = |i: usize| if i == 0 { "report" } else { "intake" };
        let text = chain(&format!("breed/c{f}"), 2, kind, "outcome: closed");
        std::fs::write(dir.join(format!("c{f}.yaml")), text).expect("write");
    }
}
