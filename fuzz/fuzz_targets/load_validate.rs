//! Arbitrary bytes as a procedure file: loading (YAML parsing, limits,
//! located parse errors), every validation rule, and, for a file without
//! errors, the structural journey rules of `meldroute gaps --runs 0`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::sim::SimOptions;
use meldroute_fuzz::{MAX_STEPS, check_diagnostic, load};

fuzz_target!(|data: &[u8]| {
    let loaded = load(data);
    // `meldroute gaps` refuses files with errors before it analyses them.
    if loaded.targets.is_empty() || loaded.has_errors() {
        return;
    }
    let opts = GapOptions {
        sim: SimOptions {
            threads: 1,
            max_steps: MAX_STEPS,
            ..SimOptions::default()
        },
        structural_only: true,
        ..GapOptions::default()
    };
    for finding in gaps::analyse(&loaded.lib, &loaded.targets, &opts, &|_| true) {
        check_diagnostic(&loaded.lib, &finding.diagnostic);
    }
});
