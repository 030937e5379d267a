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
    // The version, and the commit the build was made from (or `unknown`).
    let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let prefix = format!("meldroute {} (commit ", env!("CARGO_PKG_VERSION"));
    let commit = line
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{line}"));
    let hex = commit.strip_suffix("-dirty").unwrap_or(commit);
    assert!(
        commit == "unknown" || (hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit())),
        "{line}"
    );
}
