//! Peak memory (maximum resident set size) of `validate`, `gaps`,
//! `compare` and `report` on the largest valid inputs the default limits
//! allow, measured with GNU time around the release binary:
//!
//! ```sh
//! cargo bench -p meldroute-cli --bench peak_memory
//! ```
//!
//! The inputs (`tests/support/largest.rs`): ten files of 10,000 steps
//! (100,000 steps, the library limit; each file about 790 KB, under the
//! 1 MiB file limit) that escalate into each other in a chain, with a
//! report step and a decision every eight steps, so the gap rules find
//! thousands of findings with routes of thousands of steps; one file of
//! 10,000 steps alone; 2,000 files of two steps in a chain (each
//! procedure reaches all those after it); and 10,000 files of two steps
//! on their own (the file limit), the last two simulated with 1,000
//! journeys each. The report of 2,000 files runs with --max-procedures
//! raised to 2,000 (above the default of 500, a harder case); the report
//! of 10,000 files must be refused by that default. The run fails when a
//! command exceeds the stated bound, [`BOUND_MB`].

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

#[path = "../../../tests/support/largest.rs"]
mod largest;

use std::path::Path;
use std::process::Command;

/// The stated bound on the peak memory of `validate`, `gaps`, `compare`
/// and `report` on any input within the default limits.
const BOUND_MB: f64 = 600.0;

fn main() {
    if Command::new("/usr/bin/time").arg("true").output().is_err() {
        println!("peak_memory: needs GNU time at /usr/bin/time (apt-get install time); skipped");
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peak-memory");
    let chain = root.join("chain");
    let single = root.join("single");
    let many = root.join("many");
    let wide = root.join("wide");
    for dir in [&chain, &single, &many, &wide] {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("a directory");
    }
    largest::escalation_chain(&chain, 10, 10_000, largest::reports_and_decisions, false);
    std::fs::write(
        single.join("besluiten.yaml"),
        largest::chain(
            "keten/besluiten",
            10_000,
            largest::reports_and_decisions,
            "outcome: closed",
        ),
    )
    .expect("write");
    largest::escalation_chain(&many, 2000, 2, |_| "intake", false);
    largest::many_files(&wide, 10_000);
    let bin = env!("CARGO_BIN_EXE_meldroute");
    println!(
        "{:<48} {:>8} {:>9} {:>13}",
        "command", "seconds", "peak MB", "stdout bytes"
    );
    let mut worst: f64 = 0.0;
    for (input, name, runs) in [
        (&chain, "10 x 10,000 steps", None),
        (&single, "1 x 10,000 steps", None),
        (&many, "2,000 x 2 steps, 1,000 runs", Some("1000")),
        (&wide, "10,000 x 2 steps, 1,000 runs", Some("1000")),
    ] {
        for args in [
            &["validate"][..],
            &["gaps", "--structural-only"],
            &["gaps"],
            &["compare"],
            &["report", "--no-graphs"],
        ] {
            let simulates = args[0] != "validate" && !args.contains(&"--structural-only");
            // A report of more procedures than the default allows.
            let all = (args[0] == "report" && input == &many)
                .then_some(["--max-procedures", "2000"])
                .into_iter()
                .flatten();
            let refused = args[0] == "report" && input == &wide;
            let started = std::time::Instant::now();
            let out = Command::new("/usr/bin/time")
                .args(["-f", "%M"])
                .arg(bin)
                .args(args)
                .args(
                    runs.filter(|_| simulates)
                        .map(|r| ["--runs", r])
                        .into_iter()
                        .flatten(),
                )
                .args(all)
                .arg(input)
                .output()
                .expect("runs");
            let seconds = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let kb: f64 = stderr
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
                .expect("GNU time prints the peak in KB last");
            let code = out.status.code().unwrap_or(-1);
            // Exit 1: findings (the inputs have gaps on purpose).
            assert!(
                if refused {
                    code == 2
                } else {
                    code == 0 || code == 1
                },
                "{args:?} {name}: exit {code}\n{stderr}"
            );
            let mb = kb / 1024.0;
            worst = worst.max(mb);
            println!(
                "{:<48} {seconds:>8.2} {mb:>9.1} {:>13}",
                format!("{} ({name})", args.join(" ")),
                out.stdout.len()
            );
        }
    }
    println!("largest peak: {worst:.1} MB (bound {BOUND_MB} MB)");
    assert!(
        worst <= BOUND_MB,
        "peak memory {worst:.1} MB exceeds the bound of {BOUND_MB} MB"
    );
}
