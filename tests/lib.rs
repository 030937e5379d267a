//! Shared helpers for the end-to-end tests: the `meldroute` binary and paths.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (tests run with it as current directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A `meldroute` command run from the workspace root.
///
/// The binary is built by `cargo test --workspace` (it is a workspace member).
pub fn meldroute() -> Command {
    let bin = assert_cmd::cargo::cargo_bin("meldroute");
    assert!(
        bin.exists(),
        "{} is missing: run the tests with `cargo test --workspace`, or `cargo build -p meldroute-cli` first",
        bin.display()
    );
    let mut cmd = Command::new(bin);
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
