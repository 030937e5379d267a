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

/// `meldroute render rijk/klacht --format dot -o PATH`, and what it printed.
fn render_to(path: &Path) -> support::Exited {
    output(
        meldroute()
            .args(["render", "rijk/klacht", "--format", "dot", "-o"])
            .arg(path),
    )
}

/// The DOT text `render_to` writes.
/// The DOT of `rijk/klacht` without its provenance, which names the
/// command line (and so the output path).
fn klacht_dot() -> String {
    support::without_provenance(
        &support::run_ok(&["render", "rijk/klacht", "--format", "dot"]).stdout,
    )
}

#[cfg(target_os = "linux")]
#[test]
fn devices_are_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    let is_device = |p: &str| {
        std::fs::symlink_metadata(p)
            .expect("the device is there")
            .file_type()
            .is_char_device()
    };
    let out = render_to(Path::new("/dev/null")).ok();
    assert!(
        out.stderr.contains("meldroute: wrote /dev/null ("),
        "{}",
        out.stderr
    );
    assert!(is_device("/dev/null"), "/dev/null was replaced");
    // A full device: an I/O error naming the path (exit 2), and the device stays.
    let out = render_to(Path::new("/dev/full")).expect_code(2);
    assert!(
        out.stderr
            .contains("meldroute: error: cannot write /dev/full: No space left on device"),
        "{}",
        out.stderr
    );
    assert!(is_device("/dev/full"), "/dev/full was replaced");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = temp_dir("output-fifo");
    let fifo = dir.join("pipe.dot");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let mut reader = std::process::Command::new("cat")
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cat starts");
    let out = render_to(&fifo);
    let still_fifo = std::fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo());
    // `cat` ends once meldroute closes the FIFO; if meldroute never opened
    // it (replaced or refused it), `cat` would wait for ever.
    let started = Instant::now();
    while reader.try_wait().expect("cat").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = reader.kill();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let read = reader.wait_with_output().expect("cat ends");
    assert!(still_fifo, "the FIFO was replaced");
    out.ok();
    assert_eq!(
        support::without_provenance(&String::from_utf8_lossy(&read.stdout)),
        klacht_dot()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[test]
fn standard_output_by_name_works_through_a_pipe() {
    // `output` reads standard output through a pipe, as `| cat` does.
    let out = render_to(Path::new("/dev/stdout")).ok();
    assert_eq!(support::without_provenance(&out.stdout), klacht_dot());
    assert!(
        out.stderr.contains("meldroute: wrote /dev/stdout ("),
        "{}",
        out.stderr
    );
    let link = std::fs::symlink_metadata("/dev/stdout").expect("/dev/stdout");
    assert!(link.file_type().is_symlink(), "/dev/stdout was replaced");
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_and_kept() {
    let dir = temp_dir("output-link");
    std::fs::create_dir(dir.join("real")).expect("dir");
    let link = dir.join("link.dot");
    let target = dir.join("real/out.dot");
    // A dangling link: the file it names is made, the link stays.
    std::os::unix::fs::symlink("real/out.dot", &link).expect("link");
    render_to(&link).ok();
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        support::without_provenance(&std::fs::read_to_string(&target).expect("written")),
        klacht_dot()
    );
    // A link to a file: the file is replaced, the link stays.
    std::fs::write(&target, "old").expect("written");
    render_to(&link).ok();
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        support::without_provenance(&std::fs::read_to_string(&target).expect("written")),
        klacht_dot()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir("output-mode");
    let path = dir.join("out.dot");
    for mode in [0o600, 0o640] {
        std::fs::write(&path, "old").expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        render_to(&path).ok();
        let meta = std::fs::metadata(&path).expect("written");
        assert_eq!(meta.permissions().mode() & 0o7777, mode);
        assert_eq!(
            support::without_provenance(&std::fs::read_to_string(&path).expect("written")),
            klacht_dot()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn directories_are_refused() {
    let dir = temp_dir("output-dir");
    let out = render_to(&dir).expect_code(2);
    assert!(
        out.stderr.contains(&format!(
            "cannot write {}: it is a directory",
            dir.display()
        )),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        0,
        "nothing written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outputs_that_would_become_inputs_are_refused() {
    let dir = temp_dir("output-input");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).expect("dirs");
    std::fs::copy(
        support::root().join("processes/rijk/klacht.yaml"),
        input.join("k.yaml"),
    )
    .expect("copied");
    let report_to = |inputs: &[&Path], target: &Path| {
        output(
            meldroute()
                .args(["report", "--no-graphs", "--runs", "100"])
                .args(inputs)
                .arg("-o")
                .arg(target),
        )
    };
    // A new procedure file anywhere below an input directory would be read
    // next time: refused, nothing written.
    for new in ["new.yaml", "sub/new.yml", "sub/../new.yaml"] {
        let target = input.join(new);
        let out = report_to(&[&input], &target).expect_code(2);
        assert!(
            out.stderr.contains(&format!(
                "refusing to write {}: it is inside the input directory",
                target.display()
            )) && out
                .stderr
                .contains("choose a path outside the input directory or another extension"),
            "{}",
            out.stderr
        );
        assert!(!target.exists(), "{new} was written");
    }
    // What the loader does not read may go there.
    report_to(&[&input], &input.join("r.html")).ok();
    // An input file named another way: through `..` or a symbolic link.
    let original = std::fs::read(input.join("k.yaml")).expect("input");
    let mut others = vec![input.join("sub/../k.yaml")];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(input.join("k.yaml"), dir.join("k.html")).expect("link");
        others.push(dir.join("k.html"));
    }
    for other in others {
        let out = report_to(&[&input.join("k.yaml")], &other).expect_code(2);
        assert!(
            out.stderr.contains("refusing to overwrite the input file"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(
        std::fs::read(input.join("k.yaml")).expect("input"),
        original
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The temporary files in `dir` (hidden, named after the output file).
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".meldroute-tmp-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_signal_while_writing_leaves_no_temporary_file() {
    let dir = temp_dir("output-signal");
    let path = dir.join("out.dot");
    for (signal, code) in [("TERM", 143), ("INT", 130), ("HUP", 129)] {
        std::fs::write(&path, "old").expect("written");
        // The test-only pause holds the program between writing the
        // temporary file and renaming it, far longer than the test waits.
        let mut child = meldroute()
            .args(["render", "rijk/klacht", "--format", "dot", "-o"])
            .arg(&path)
            .env("MELDROUTE_TEST_PAUSE_BEFORE_RENAME", "60000")
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts");
        let started = Instant::now();
        while temporary_files(&dir).is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no temporary file appeared"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let killed = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let status = child.wait().expect("exits");
        assert_eq!(status.code(), Some(code), "SIG{signal}: {status:?}");
        assert!(
            temporary_files(&dir).is_empty(),
            "SIG{signal}: {:?}",
            temporary_files(&dir)
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("kept"),
            "old",
            "SIG{signal}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
