//! Where output goes and how it is made safe: aligned tables for a
//! terminal, CSV cells a spreadsheet cannot run, and output files written
//! whole or not at all, never over an input.

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;

/// Set when standard error could not be written for a reason other than a
/// closed pipe (a full device, say): the run then exits 2.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes a message to standard error, never panicking: a reader that went
/// away (broken pipe) is ignored, any other failure makes the run exit 2
/// ([`stderr_failed`]). Use it through [`errln!`](crate::errln).
pub fn write_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    if let Err(err) = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// True when a message could not be written to standard error.
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(Ordering::Relaxed)
}

/// `eprintln!` that never panics (see [`write_stderr`]).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::write_stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Drops the padding comfy-table leaves at line ends (diff-friendly output).
pub fn trim_lines(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_end().strip_prefix(' ').unwrap_or(l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A CSV cell that a spreadsheet shows as text, never runs as a formula.
pub fn inert_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Refuses an output path that is one of the inputs, or a file inside an
/// input directory that is read as a procedure (`.yaml`, `.yml`).
pub fn refuse_input(output: &Path, inputs: &[std::ffi::OsString]) -> anyhow::Result<()> {
    let Ok(target) = std::fs::canonicalize(output) else {
        return Ok(()); // does not exist yet
    };
    for input in inputs {
        let Ok(input) = std::fs::canonicalize(Path::new(input)) else {
            continue; // a library id
        };
        let procedure_file = target
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        anyhow::ensure!(
            input != target && !(procedure_file && target.starts_with(&input)),
            "refusing to overwrite the input file {}; choose another output file",
            output.display()
        );
    }
    Ok(())
}

/// Writes the whole file or nothing: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.meldroute-tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `bytes` to the output file `path` (never one of `inputs`), whole
/// or not at all, and says where on standard error.
pub fn write_file(path: &Path, inputs: &[std::ffi::OsString], bytes: &[u8]) -> anyhow::Result<()> {
    refuse_input(path, inputs)?;
    write_atomically(path, bytes)?;
    crate::errln!(
        "meldroute: wrote {} ({} bytes)",
        meldroute_render::diagnostics::inert(&path.display().to_string()),
        bytes.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::inert_cell;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(inert_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(inert_cell("+1"), "'+1");
        assert_eq!(inert_cell("-1"), "'-1");
        assert_eq!(inert_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert_cell("rijk/klacht"), "rijk/klacht");
    }
}
