//! Shared helpers for the end-to-end tests in `tests/`: the `meldroute`
//! binary and paths. Every test file is an integration test of the
//! `meldroute-cli` package (declared in its `Cargo.toml`) and includes this
//! module with `mod support;`, so cargo builds the binary before it runs them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

mod external;
pub mod largest;

#[allow(unused_imports)] // not every test file needs them
pub use external::{CHROMIUM, GRAPHVIZ, PM4PY, require};

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
    // The language a test expects is the default or the one it sets.
    cmd.current_dir(root())
        .env_remove("MELDROUTE_LANG")
        .env_remove("COLUMNS");
    cmd
}

/// Ids of the bundled procedures, as `meldroute list --format json` gives them.
pub fn bundled_ids() -> Vec<String> {
    let list = run_ok(&["list", "--format", "json"]);
    json_items(&list.stdout, "procedures")
        .iter()
        .map(|p| p["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// A finished command whose exit code is not checked yet. Its output can
/// only be read through [`Exited::expect_code`] (or [`Exited::ok`]), which
/// checks the code first: no test looks at the output of a run that failed
/// or was refused.
#[must_use = "check the exit code with .ok() or .expect_code(n)"]
pub struct Exited {
    /// The command line, for messages.
    command: String,
    /// Exit code (-1 when killed by a signal).
    code: i32,
    stdout: String,
    stderr: String,
}

/// The output of a command that exited with the expected code.
#[derive(Debug)]
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// At most `max` characters of `text`, saying how much was left out.
fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}\n... ({} more bytes)", &text[..cut], text.len() - cut),
    }
}

impl Exited {
    /// The output, after asserting that the command exited with `code`
    /// (on failure the message shows standard output and standard error).
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Run {
        assert!(
            self.code == code,
            "`{}` exited with {} instead of {code}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.command,
            self.code,
            excerpt(&self.stdout, 20_000),
            excerpt(&self.stderr, 20_000),
        );
        Run {
            stdout: self.stdout,
            stderr: self.stderr,
        }
    }

    /// The output, after asserting that the command succeeded (exit 0).
    #[track_caller]
    pub fn ok(self) -> Run {
        self.expect_code(0)
    }
}

/// Runs a prepared command (for instance [`meldroute`] with another `PATH`)
/// and collects its exit code and output.
#[track_caller]
pub fn output(cmd: &mut Command) -> Exited {
    let command = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{command} does not start: {e}"));
    Exited {
        command,
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `meldroute` with `args`; check its exit code before reading its output.
#[track_caller]
pub fn run(args: &[&str]) -> Exited {
    output(meldroute().args(args))
}

/// Runs `meldroute` with `args`, asserts it succeeded, and gives its output.
#[track_caller]
pub fn run_ok(args: &[&str]) -> Run {
    run(args).ok()
}

/// A fresh empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meldroute-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// The items of a JSON output that holds its provenance beside them:
/// `findings` of `gaps` and `validate --format json`, `rows` of `compare`,
/// `procedures` of `list`.
pub fn json_items(stdout: &str, key: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
    assert!(v["provenance"].is_object(), "no provenance in {stdout}");
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array `{key}` in {stdout}"))
        .clone()
}

/// The commit this build of `meldroute` names in its provenance (its
/// `--version` says it): it differs from build to build, so snapshots show
/// it as `[commit]` ([`redact_commit`]).
pub fn commit() -> String {
    let out = run_ok(&["--version"]).stdout;
    out.split("(commit ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("`meldroute --version` names the commit")
        .to_owned()
}

/// `text` with this build's commit written `[commit]`.
pub fn redact_commit(text: &str) -> String {
    text.replace(&commit(), "[commit]")
}

/// An output of any text format without its provenance, to compare outputs
/// of different command lines (the provenance names the command, so it
/// differs when the figures do not): a JSON output's `provenance` object,
/// the CSV rows `provenance,...`, the DOT, Mermaid and Markdown comment
/// lines, the SVG `<metadata>` line and the report's section.
pub fn without_provenance(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        let mut v: serde_json::Value = serde_json::from_str(text).expect("JSON");
        v.as_object_mut().expect("an object").remove("provenance");
        return serde_json::to_string_pretty(&v).expect("JSON") + "\n";
    }
    let mut out = String::with_capacity(text.len());
    let mut in_section = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("<section id=\"provenance\">") {
            in_section = true;
        }
        let drop = in_section
            || line.starts_with("provenance,")
            || line.starts_with("// meldroute-provenance ")
            || line.starts_with("%% meldroute-provenance ")
            || line.starts_with("<!-- meldroute-provenance ")
            || line.starts_with("<metadata id=\"meldroute-provenance\">")
            || line == "<li><a href=\"#provenance\">Provenance</a></li>\n";
        if in_section && line.starts_with("</section>") {
            in_section = false;
        }
        if !drop {
            out.push_str(line);
        }
    }
    out
}
