//! Like `load_simulate`, but the fuzzer's bytes describe a procedure's
//! structure (see `src/generate.rs`), which is written out as YAML first:
//! nearly every input loads and validates, so the simulator, the exact
//! solver and the journey rules see many more models.
//!
//! `MELDROUTE_FUZZ_PRINT=1 cargo fuzz run gen_simulate INPUT` prints the
//! YAML of an input, to turn a finding into a procedure file.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use meldroute_fuzz::generate::Spec;
use meldroute_fuzz::{load, simulate_loaded};

fn print() -> bool {
    static PRINT: OnceLock<bool> = OnceLock::new();
    *PRINT.get_or_init(|| std::env::var_os("MELDROUTE_FUZZ_PRINT").is_some())
}

fuzz_target!(|spec: Spec| {
    let yaml = spec.to_yaml();
    if print() {
        eprintln!("----- generated procedure -----\n{yaml}-----");
    }
    simulate_loaded(&load(yaml.as_bytes()));
});
