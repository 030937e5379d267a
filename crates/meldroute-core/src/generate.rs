//! Generated procedures for tests and benchmarks.

/// A valid procedure of `2n - 1` steps with loops, the same for the same
/// `seed`: step `si` goes on to `s(i+1)` (p 0.6), back to a random earlier
/// step (p 0.3), or to its own end step (p 0.1); durations cycle through
/// every distribution. For tests and benchmarks.
pub fn procedure_with_loops(n: usize, seed: u64) -> String {
    use std::fmt::Write as _;
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |m: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % m
    };
    let mut y = String::from(
        "meldroute: 1\nid: test/gegenereerd\ntitle: G\norganisation: T\nkind: internal-report\nsources: {}\nactors:\n  melder: {title: M, role: reporter}\n  org: {title: O, role: organisation}\nstart: s0\nsteps:\n",
    );
    for i in 0..n {
        let kind = [
            "report",
            "assessment",
            "feedback",
            "investigation",
            "hearing",
        ][next(5)];
        let actor = if i == 0 { "melder" } else { "org" };
        let dur = [
            "1d",
            "{uniform: {min: 1d, max: 5d}}",
            "{exponential: {mean: 3d}}",
            "{lognormal: {median: 2d, p90: 6d}}",
            "{triangular: {min: 0d, mode: 1d, max: 4d}}",
        ][next(5)];
        let _ = write!(
            y,
            "  s{i}:\n    title: Stap {i}\n    actor: {actor}\n    kind: {kind}\n    duration: {dur}\n    basis: assumption\n    note: generated\n"
        );
        if i + 1 == n {
            y.push_str("    outcome: closed\n");
            continue;
        }
        let back = next(i + 1);
        let fwd = i + 1;
        let _ = write!(
            y,
            "    next:\n      - {{to: s{fwd}, p: 0.6}}\n      - {{to: s{back}, p: 0.3}}\n      - {{to: end{i}, p: 0.1}}\n"
        );
        let _ = write!(
            y,
            "  end{i}:\n    title: Einde {i}\n    actor: org\n    kind: closure\n    outcome: {}\n",
            ["resolved", "founded", "withdrawn"][next(3)]
        );
    }
    y
}
