//! Tells the end-to-end tests (`tests/`, integration tests of this package)
//! which external programs are installed: `has_graphviz` and `has_chromium`.
//! A test that needs a missing program is then ignored, with the reason in
//! cargo's summary, rather than passing without doing its work. With
//! `MELDROUTE_REQUIRE_EXTERNAL=1` (CI) every cfg is set, so those tests run,
//! and fail when their program is missing. The list of programs is
//! `tests/support/external.rs`.
//!
//! It also records the commit the binary is built from, for the provenance
//! of every output (docs/provenance.md): `MELDROUTE_COMMIT`, the output of
//! `git rev-parse HEAD`, with `-dirty` when tracked files have changes, or
//! `unknown` when this is not a git checkout or git cannot be run. It never
//! fails the build.

#[allow(dead_code)]
mod external {
    include!("../../tests/support/external.rs");
}

/// Runs git in `dir`; its standard output, trimmed, when it succeeds.
fn git(dir: &std::path::Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The commit this crate is built from, and the files whose change should
/// make cargo look again (HEAD, the branch it points to, the index).
fn commit() -> (String, Vec<String>) {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from) else {
        return ("unknown".to_owned(), Vec::new());
    };
    // A crate unpacked inside some other repository is not its checkout:
    // this file must be tracked.
    let tracked = git(&dir, &["ls-files", "--error-unmatch", "build.rs"]).is_some();
    let Some(head) = git(&dir, &["rev-parse", "--verify", "HEAD"]).filter(|_| tracked) else {
        return ("unknown".to_owned(), Vec::new());
    };
    // `--git-path` finds them in a worktree too, where `.git` is a file.
    let mut watch = Vec::new();
    let mut paths = vec![
        "HEAD".to_owned(),
        "index".to_owned(),
        "packed-refs".to_owned(),
    ];
    if let Some(branch) = git(&dir, &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(branch);
    }
    for path in paths {
        if let Some(p) = git(
            &dir,
            &["rev-parse", "--path-format=absolute", "--git-path", &path],
        ) && std::path::Path::new(&p).exists()
        {
            watch.push(p);
        }
    }
    let dirty = git(&dir, &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    (if dirty { format!("{head}-dirty") } else { head }, watch)
}

fn main() {
    let (commit, watch) = commit();
    println!("cargo::rustc-env=MELDROUTE_COMMIT={commit}");
    for path in watch {
        println!("cargo::rerun-if-changed={path}");
    }
    // A change to the sources can make a clean checkout dirty.
    for path in [
        "..",
        "../../processes",
        "../../Cargo.toml",
        "../../Cargo.lock",
    ] {
        println!("cargo::rerun-if-changed={path}");
    }
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
