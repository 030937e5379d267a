//! Tells the end-to-end tests (`tests/`, integration tests of this package)
//! which external programs are installed: `has_graphviz` and `has_chromium`.
//! A test that needs a missing program is then ignored, with the reason in
//! cargo's summary, rather than passing without doing its work. With
//! `MELDROUTE_REQUIRE_EXTERNAL=1` (CI) every cfg is set, so those tests run,
//! and fail when their program is missing. The list of programs is
//! `tests/support/external.rs`.

#[allow(dead_code)]
mod external {
    include!("../../tests/support/external.rs");
}

fn main() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let required = std::env::var_os(external::REQUIRE_EXTERNAL).is_some_and(|v| v == "1");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed={}", external::REQUIRE_EXTERNAL);
    // Installing a program changes a directory on PATH: look again then.
    // (Only existing absolute directories: a missing one would make cargo
    // run this script on every build.)
    let mut seen = Vec::new();
    for dir in std::env::split_paths(&path) {
        if dir.is_absolute() && dir.is_dir() && !seen.contains(&dir) {
            println!("cargo::rerun-if-changed={}", dir.display());
            seen.push(dir);
        }
    }
    for program in &external::ALL {
        println!("cargo::rustc-check-cfg=cfg({})", program.cfg);
        if required || program.find_in(&path).is_some() {
            println!("cargo::rustc-cfg={}", program.cfg);
        }
    }
}
