//! Smoke test of the built binary. The end-to-end tests are in the
//! workspace's top-level `tests/` directory (declared in this package's
//! `Cargo.toml`).

use std::process::Command;

#[test]
fn binary_reports_its_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_meldroute"))
        .arg("--version")
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("meldroute {}", env!("CARGO_PKG_VERSION"))
    );
}
