//! Output files end to end: one write policy for every command that writes
//! one (`render -o`, `report -o`): regular files replaced whole, devices and
//! standard streams written in place, symbolic links followed, inputs and
//! directories refused, nothing left behind on a signal. And the time limit
//! on Graphviz.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::{meldroute, output, temp_dir};

/// A directory holding a fake `dot` that answers `dot -V` and then never
/// draws anything (it sleeps far longer than the tests wait).
#[cfg(unix)]
fn slow_dot(name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir(name);
    let dot = dir.join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\ncase \"$1\" in -V) echo 'dot - fake' >&2; exit 0;; esac\nexec sleep 60\n",
    )
    .expect("fake dot written");
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

/// `PATH` with `dir` first.
fn path_with(dir: &Path) -> std::ffi::OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir.to_owned()).chain(std::env::split_paths(&rest)))
        .expect("a PATH")
}

#[cfg(unix)]
#[test]
fn graphviz_that_runs_too_long_is_stopped() {
    let fake = slow_dot("output-slow-dot");
    let html = fake.join("r.html");
    let started = Instant::now();
    let out = output(
        meldroute()
            .args([
                "report",
                "rijk/klacht",
                "--runs",
                "500",
                "--graphviz-timeout",
                "1",
                "-o",
            ])
            .arg(&html)
            .env("PATH", path_with(&fake)),
    )
    .ok();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "report waited for dot: {:?}",
        started.elapsed()
    );
    assert!(
        out.stderr.contains(
            "the report has no graph diagram of rijk/klacht: the Graphviz program `dot` did not finish within 1s"
        ) && out.stderr.contains("--graphviz-timeout"),
        "{}",
        out.stderr
    );
    let html = std::fs::read_to_string(&html).expect("report written");
    assert!(
        html.contains(
            "The graph diagram is left out: the Graphviz program `dot` did not finish within 1s"
        ),
        "the report says which graph is missing and why"
    );
    assert!(html.contains("The graph diagram of <code>rijk/klacht</code> is left out"));

    let started = Instant::now();
    let out = output(
        meldroute()
            .args([
                "render",
                "rijk/klacht",
                "--format",
                "svg",
                "--graphviz-timeout",
                "1",
            ])
            .env("PATH", path_with(&fake)),
    )
    .expect_code(2);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        out.stderr.contains("did not finish within 1s")
            && out
                .stderr
                .contains("raise the limit with --graphviz-timeout"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&fake);
}

#[test]
fn graphviz_timeout_is_refused_where_graphviz_does_not_run() {
    let out = output(meldroute().args(["render", "rijk/klacht", "--graphviz-timeout", "5"]))
        .expect_code(2);
    assert!(
        out.stderr
            .contains("--graphviz-timeout applies only when Graphviz draws"),
        "{}",
        out.stderr
    );
}
