//! Writing event logs (`meldroute simulate --log`, docs/eventlog.md): the
//! release binary simulates `rijk/interne-melding` and streams every
//! journey to a log, timed and measured with GNU time:
//!
//! ```sh
//! cargo bench -p meldroute-cli --bench eventlog
//! ```
//!
//! CSV for 10^6 journeys (about 17 million events), XES and OCEL for 10^5;
//! for each the events per second (the events in the file over the wall
//! time of the whole run, simulation included) and the peak memory. The
//! run fails below [`MIN_CSV_EVENTS_PER_S`] for CSV (issue 18) or above
//! [`BOUND_MB`] for any format: a log that kept its journeys would grow
//! with them. Then `meldroute conform` reads and measures a CSV log of
//! about a million events (60,000 journeys), within [`MAX_CONFORM_S`], and
//! `meldroute fit` fits the procedure to it, within [`MAX_FIT_S`].

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use std::io::BufRead;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// At least this many events a second written to a CSV log.
const MIN_CSV_EVENTS_PER_S: f64 = 1e6;
/// Peak memory of any of the runs, in MB.
const BOUND_MB: f64 = 100.0;
/// At most this many seconds to read and measure a log of about a million
/// events (`meldroute conform`).
const MAX_CONFORM_S: f64 = 2.0;

/// At most this many seconds to fit a procedure to the same log
/// (`meldroute fit`: reading, measuring, fitting every step, writing and
/// validating the file).
const MAX_FIT_S: f64 = 5.0;

/// The events in the log at `path`: its rows, its `<event>` elements or
/// its OCEL events.
fn events(path: &Path, format: &str) -> u64 {
    let file = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path).unwrap());
    let mut n = 0u64;
    for line in file.lines() {
        let line = line.unwrap();
        n += u64::from(match format {
            "csv" => !line.starts_with("case:concept:name"),
            "xes" => line.trim() == "<event>",
            _ => line.trim_start().starts_with("{\"id\": \"e"),
        });
    }
    n
}

/// The peak memory, in MB, that `/usr/bin/time -f %M` wrote last in
/// `stderr` (in KB).
fn peak_mb(stderr: &[u8]) -> f64 {
    let kb: f64 = String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .next_back()
        .expect("GNU time's peak memory");
    kb / 1024.0
}

fn main() {
    if Command::new("/usr/bin/time").arg("true").output().is_err() {
        println!("eventlog: needs GNU time at /usr/bin/time (apt-get install time); skipped");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_meldroute");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eventlog");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut failed = Vec::new();
    for (format, runs) in [
        ("csv", 1_000_000u64),
        ("xes", 100_000),
        ("jsonocel", 100_000),
    ] {
        let log = dir.join(format!("log.{format}"));
        let started = Instant::now();
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(bin)
            .args(["simulate", "rijk/interne-melding", "--runs"])
            .arg(runs.to_string())
            .args(["--start-date", "2025-01-06", "--log"])
            .arg(&log)
            .output()
            .unwrap();
        let wall = started.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mb = peak_mb(&out.stderr);
        let n = events(&log, format);
        let bytes = std::fs::metadata(&log).unwrap().len();
        let _ = std::fs::remove_file(&log);
        let rate = n as f64 / wall;
        println!(
            "eventlog {format:8} {runs:>9} journeys {n:>10} events {:>8.1} MB file {wall:>6.2} s {:>6.2} M events/s peak {mb:.1} MB",
            bytes as f64 / 1e6,
            rate / 1e6
        );
        if format == "csv" && rate < MIN_CSV_EVENTS_PER_S {
            failed.push(format!(
                "CSV: {rate:.0} events/s, below {MIN_CSV_EVENTS_PER_S}"
            ));
        }
        if mb > BOUND_MB {
            failed.push(format!("{format}: peak {mb:.1} MB, above {BOUND_MB} MB"));
        }
    }
    // Reading and measuring a log of about a million events (issue 18:
    // under 2 s), written by the run above's procedure.
    let log = dir.join("conform.csv");
    let out = Command::new(bin)
        .args(["simulate", "rijk/interne-melding", "--runs", "60000"])
        .args(["--start-date", "2025-01-06", "--log"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = events(&log, "csv");
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .arg("conform")
        .arg(&log)
        .args(["--procedure", "rijk/interne-melding"])
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mb = peak_mb(&out.stderr);
    println!(
        "conform  {n:>10} events {wall:>6.2} s {:>6.2} M events/s peak {mb:.1} MB",
        n as f64 / wall / 1e6
    );
    if wall > MAX_CONFORM_S {
        failed.push(format!(
            "conform: {wall:.2} s for {n} events, above {MAX_CONFORM_S} s"
        ));
    }
    let fitted = dir.join("fitted.yaml");
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .arg("fit")
        .arg(&log)
        .args(["--procedure", "rijk/interne-melding", "-o"])
        .arg(&fitted)
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mb = peak_mb(&out.stderr);
    let _ = std::fs::remove_file(&log);
    println!(
        "fit      {n:>10} events {wall:>6.2} s {:>6.2} M events/s peak {mb:.1} MB",
        n as f64 / wall / 1e6
    );
    if wall > MAX_FIT_S {
        failed.push(format!(
            "fit: {wall:.2} s for {n} events, above {MAX_FIT_S} s"
        ));
    }
    assert!(failed.is_empty(), "{}", failed.join("; "));
}
