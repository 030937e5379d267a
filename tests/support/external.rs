// The programs some end-to-end tests need. One list, read by the build
// script of meldroute-cli (crates/meldroute-cli/build.rs, through
// `include!`), which sets the cfg of each program it finds on PATH, and by
// the tests (tests/support), which look the program up when they run.
//
// A test that needs a program says so with, for instance,
//
//     #[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
//
// and starts with `GRAPHVIZ.require()`. Without the program cargo lists
// the test as ignored, with that reason; with MELDROUTE_REQUIRE_EXTERNAL=1
// (as in CI) the build script sets every cfg, so the test runs and
// `require` fails it, saying what to install. So does
// `cargo test -- --ignored` on a machine without the program.
//
// (Plain comments: this file is also included into a module of build.rs,
// where inner doc comments are not allowed.)

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The environment variable that makes every external program required.
pub const REQUIRE_EXTERNAL: &str = "MELDROUTE_REQUIRE_EXTERNAL";

/// A program (or one of several names for it) that some tests need.
pub struct External {
    /// What to call it in messages.
    pub name: &'static str,
    /// The cfg the build script sets when it is found or required.
    pub cfg: &'static str,
    /// Its executable names, in order of preference.
    pub programs: &'static [&'static str],
    /// How to install it.
    pub install: &'static str,
}

/// Graphviz `dot`, for SVG, PNG and PDF diagrams and the report's graphs.
pub const GRAPHVIZ: External = External {
    name: "Graphviz",
    cfg: "has_graphviz",
    programs: &["dot"],
    install: "apt-get install graphviz",
};

/// Chromium, to open the HTML report in a real (headless) browser.
pub const CHROMIUM: External = External {
    name: "Chromium",
    cfg: "has_chromium",
    programs: &[
        "chromium",
        "chromium-browser",
        "google-chrome",
        "chromium-headless-shell",
    ],
    install: "apt-get install chromium (or chromium-headless-shell)",
};

/// PM4Py, to read the event logs of `simulate --log` as process mining
/// does: a wrapper that runs the Python of a virtual environment with PM4Py.
pub const PM4PY: External = External {
    name: "PM4Py",
    cfg: "has_pm4py",
    programs: &["pm4py-python"],
    install: "bash tests/pm4py/setup.sh target/pm4py && export PATH=\"$PWD/target/pm4py/bin:$PATH\"",
};

/// Every external program the tests use.
pub const ALL: [External; 3] = [GRAPHVIZ, CHROMIUM, PM4PY];

/// True for a file that can be run.
fn executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

impl External {
    /// The first of its programs found in the directories of `path` (a
    /// `PATH` value).
    pub fn find_in(&self, path: &OsStr) -> Option<PathBuf> {
        self.programs.iter().find_map(|program| {
            std::env::split_paths(path)
                .map(|dir| dir.join(program))
                .find(|file| executable(file))
        })
    }

    /// The program, for a test that needs it; fails the test, saying what
    /// to install, when it is not on `PATH`.
    #[track_caller]
    pub fn require(&self) -> PathBuf {
        require(&[self]).remove(0)
    }
}

/// The programs, for a test that needs them; fails the test when any is not
/// on `PATH`, saying what to install for each missing one.
#[track_caller]
pub fn require(needed: &[&External]) -> Vec<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found: Vec<Option<PathBuf>> = needed.iter().map(|e| e.find_in(&path)).collect();
    let missing: Vec<String> = needed
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(e, _)| {
            format!(
                "needs {}: {} (no `{}` on PATH)",
                e.name,
                e.install,
                e.programs.join("`, `")
            )
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("; "));
    found.into_iter().flatten().collect()
}
