//! How far inputs get, for a person watching a run: with
//! `MELDROUTE_FUZZ_STATS=1` in the environment, a target counts its inputs
//! at each stage (loaded, valid, simulated, rendered) and prints the counts
//! to standard error after 2, 4, 8, ... inputs. Without it, nothing is
//! counted.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// A stage an input can reach.
#[derive(Clone, Copy, Debug)]
pub enum Stage {
    /// Every input.
    Input = 0,
    /// Every file of the input parsed.
    Parsed,
    /// No finding of error severity: the CLI goes on with it.
    Valid,
    /// Simulated (and, in `multi_file`, compared).
    Simulated,
    /// Every output format rendered (`render_all`).
    Rendered,
}

const NAMES: [&str; 5] = ["inputs", "parsed", "valid", "simulated", "rendered"];

static COUNTS: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];

/// Inputs whose findings of error severity include each code.
static ERRORS: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("MELDROUTE_FUZZ_STATS").is_some())
}

/// Counts an input that reached `stage`.
pub fn reached(stage: Stage) {
    if !on() {
        return;
    }
    let n = COUNTS[stage as usize].fetch_add(1, Ordering::Relaxed) + 1;
    if matches!(stage, Stage::Input) && n.is_power_of_two() && n >= 2 {
        let line: Vec<String> = NAMES
            .iter()
            .zip(&COUNTS)
            .map(|(name, c)| format!("{name} {}", c.load(Ordering::Relaxed)))
            .collect();
        let errors: Vec<String> = ERRORS
            .lock()
            .map(|e| e.iter().map(|(code, n)| format!("{code} {n}")).collect())
            .unwrap_or_default();
        eprintln!(
            "meldroute-fuzz stats: {}; inputs with errors: {}",
            line.join(", "),
            errors.join(", ")
        );
    }
}

/// Counts the codes of the error findings of an input (each code once).
pub fn errors(findings: &[meldroute_core::Diagnostic]) {
    if !on() {
        return;
    }
    let mut codes: Vec<&'static str> = findings
        .iter()
        .filter(|d| d.severity == meldroute_core::Severity::Error)
        .map(|d| d.code)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if let Ok(mut e) = ERRORS.lock() {
        for code in codes {
            *e.entry(code).or_default() += 1;
        }
    }
}
