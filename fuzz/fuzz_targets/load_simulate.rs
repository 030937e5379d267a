//! Arbitrary bytes as a procedure file that, when it loads without errors,
//! is compiled with the bundled procedures it escalates to and run: the
//! Monte Carlo simulation and its report, one traced journey, the most
//! likely route, the exact Markov-chain figures, and the journey rules with
//! a (small) simulation behind their statistical part.

#![no_main]

use libfuzzer_sys::fuzz_target;
use meldroute_fuzz::{load, simulate_loaded};

fuzz_target!(|data: &[u8]| {
    simulate_loaded(&load(data));
});
