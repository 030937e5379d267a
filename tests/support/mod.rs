//! Shared helpers for the end-to-end tests in `tests/`: the `meldroute`
//! binary and paths. Every test file is an integration test of the
//! `meldroute-cli` package (declared in its `Cargo.toml`) and includes this
//! module with `mod support;`, so cargo builds the binary before it runs them.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The workspace root. Cargo runs the tests in `crates/meldroute-cli`; paths
/// in the tests (fixtures, `processes/`) are relative to the root, so open
/// files with `root().join(..)`. The binary runs with the root as its
/// current directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A `meldroute` command run from the workspace root: the binary cargo built
/// for this test run (never a stale one).
pub fn meldroute() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meldroute"));
    cmd.current_dir(root());
    cmd
}

/// Ids of the bundled procedures, as `meldroute list --format json` gives them.
pub fn bundled_ids() -> Vec<String> {
    let list = run(&["list", "--format", "json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).expect("list gives JSON");
    rows.as_array()
        .expect("a JSON array")
        .iter()
        .map(|p| p["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Output of a finished command.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `meldroute` with `args` and collects its output.
pub fn run(args: &[&str]) -> Run {
    let out = meldroute().args(args).output().expect("meldroute runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// True when `program` runs (`program probe` succeeds). When it does not: with
/// `MELDROUTE_REQUIRE_EXTERNAL=1` (as in CI) the calling test fails,
/// otherwise it is told to skip, and why, on standard error.
pub fn external(program: &str, probe: &str, install: &str) -> bool {
    let found = Command::new(program)
        .arg(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("MELDROUTE_REQUIRE_EXTERNAL").map_or(true, |v| v != "1"),
            "MELDROUTE_REQUIRE_EXTERNAL=1 but `{program}` is not installed ({install})"
        );
        eprintln!("skipping: `{program}` is not installed ({install})");
    }
    found
}

/// A fresh empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meldroute-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}
