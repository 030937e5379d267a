//! Where output goes and how it is made safe: aligned tables for a
//! terminal, CSV cells a spreadsheet cannot run, and output files by one
//! policy ([`write_file`]): regular files whole or not at all, devices and
//! open streams in place, never over an input, nothing left on a signal.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;

/// Set when standard error could not be written for a reason other than a
/// closed pipe (a full device, say): the run then exits 2.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes a message to standard error, never panicking: a reader that went
/// away (broken pipe) is ignored, any other failure makes the run exit 2
/// ([`stderr_failed`]). Use it through [`errln!`](crate::errln).
/// Every message passes the one terminal sanitiser
/// ([`write_inert_lines`](meldroute_render::diagnostics::write_inert_lines)),
/// so a file name or text from a file cannot move the cursor or hide
/// characters.
pub fn write_stderr(text: &str) {
    if let Some(kept) = captured().as_mut() {
        kept.push_str(text);
        return;
    }
    let mut stderr = std::io::stderr().lock();
    if let Err(err) = meldroute_render::diagnostics::write_inert_lines(&mut stderr, text)
        .and_then(|()| stderr.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Messages kept instead of written, while [`capture_stderr`] runs.
static CAPTURED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn captured() -> std::sync::MutexGuard<'static, Option<String>> {
    CAPTURED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` with the messages it writes to standard error kept, not
/// written (`meldroute verify` running a command again); gives them back.
pub fn capture_stderr<T>(f: impl FnOnce() -> T) -> (T, String) {
    *captured() = Some(String::new());
    let result = f();
    let kept = captured().take().unwrap_or_default();
    (result, kept)
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

/// Where an output file goes once symbolic links are followed, and how it
/// is written there.
#[derive(Debug)]
enum Target {
    /// A regular file, or a new one: replaced whole (a temporary file
    /// beside it, renamed over it), keeping the mode of the file it replaces.
    Replace {
        path: PathBuf,
        replaces: Option<std::fs::Metadata>,
    },
    /// A device, a FIFO, or a stream that is already open (`/dev/stdout`,
    /// `/proc/self/fd/N`): written in place, never replaced. An open stream
    /// that is a regular file is appended to, so a shell's `>>` keeps what
    /// it holds.
    InPlace { path: PathBuf, append: bool },
}

/// Most symbolic links followed from an output path (as Linux does).
const MAX_LINKS: usize = 40;

/// Follows the output path `path` to where it writes: through symbolic
/// links (a dangling one to the file it names, created there), with every
/// folder canonical. Refuses what cannot be written safely.
fn resolve(path: &Path) -> anyhow::Result<Target> {
    let shown = path.display();
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        let Some(name) = current.file_name() else {
            return Err(refusal(path, std::fs::metadata(&current).ok()));
        };
        let parent = current
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(parent).with_context(|| {
            format!(
                "cannot write {shown}: cannot open its folder {}",
                parent.display()
            )
        })?;
        let full = dir.join(name);
        if full.starts_with("/proc") {
            // `/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`: an open stream.
            let meta = std::fs::metadata(&full).with_context(|| format!("cannot write {shown}"))?;
            return match meta.file_type() {
                kind if kind.is_file() => Ok(Target::InPlace {
                    path: full,
                    append: true,
                }),
                _ => classify(path, full, meta),
            };
        }
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link =
                    std::fs::read_link(&full).with_context(|| format!("cannot write {shown}"))?;
                current = dir.join(link);
            }
            Ok(meta) => return classify(path, full, meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Target::Replace {
                    path: full,
                    replaces: None,
                });
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot write {shown}"))),
        }
    }
    anyhow::bail!("cannot write {shown}: more than {MAX_LINKS} symbolic links to follow")
}

/// How to write `full` (the output path `path`, resolved), which exists.
fn classify(path: &Path, full: PathBuf, meta: std::fs::Metadata) -> anyhow::Result<Target> {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = meta.file_type();
    if kind.is_file() {
        Ok(Target::Replace {
            path: full,
            replaces: Some(meta),
        })
    } else if kind.is_char_device() || kind.is_block_device() || kind.is_fifo() {
        Ok(Target::InPlace {
            path: full,
            append: false,
        })
    } else {
        Err(refusal(path, Some(meta)))
    }
}

/// Why the output path `path` cannot be written: a directory, a socket.
fn refusal(path: &Path, meta: Option<std::fs::Metadata>) -> anyhow::Error {
    use std::os::unix::fs::FileTypeExt as _;
    let shown = path.display();
    match meta.map(|m| m.file_type()) {
        Some(kind) if kind.is_dir() => anyhow::anyhow!(
            "cannot write {shown}: it is a directory; give the path of a file, in it or elsewhere"
        ),
        Some(kind) if kind.is_socket() => anyhow::anyhow!(
            "cannot write {shown}: it is a socket; give the path of a file, or leave out -o to write to standard output"
        ),
        _ => {
            anyhow::anyhow!("cannot write {shown}: it is not a file name; give the path of a file")
        }
    }
}

/// Refuses an output `target` (resolved: [`resolve`]) that is one of the
/// inputs, or that the loader would read from an input directory
/// ([`meldroute_core::read_below`]); `path` is how the user named it.
fn refuse_input(path: &Path, target: &Path, inputs: &[std::ffi::OsString]) -> anyhow::Result<()> {
    for input in inputs {
        let Ok(input) = std::fs::canonicalize(Path::new(input)) else {
            continue; // a library id
        };
        if input != target && !(input.is_dir() && meldroute_core::read_below(&input, target)) {
            continue;
        }
        anyhow::ensure!(
            !target.exists(),
            "refusing to overwrite the input file {}; choose another output file",
            path.display()
        );
        anyhow::bail!(
            "refusing to write {}: it is inside the input directory {} and would be read as a procedure; choose a path outside the input directory or another extension",
            path.display(),
            input.display()
        );
    }
    Ok(())
}

/// Checks, before the work, that the output file `path` could be written:
/// what [`write_file`] refuses, it refuses now.
pub fn check_output(path: &Path, inputs: &[std::ffi::OsString]) -> anyhow::Result<()> {
    match resolve(path)? {
        Target::Replace { path: target, .. } => refuse_input(path, &target, inputs),
        Target::InPlace { .. } => Ok(()),
    }
}

/// Writes `bytes` to the output file `path` (never one of `inputs`), and
/// says where on standard error. The one write policy of every command:
/// a regular file (or a new one) is written whole or not at all and keeps
/// its mode; a device, FIFO or open stream (`/dev/null`, `/dev/stdout`) is
/// written in place and never replaced; a symbolic link is followed, never
/// replaced (a dangling one creates the file it names); a directory or
/// socket is refused. An I/O error names the path (exit 2).
pub fn write_file(path: &Path, inputs: &[std::ffi::OsString], bytes: &[u8]) -> anyhow::Result<()> {
    write_file_with(path, inputs, &mut |w| Ok(w.write_all(bytes)?))
}

/// [`write_file`] for an output made as it is written: `write` writes it
/// to the file (a regular file is still written whole or not at all; when
/// `write` fails, nothing of it is left).
pub fn write_file_with(
    path: &Path,
    inputs: &[std::ffi::OsString],
    write: &mut dyn FnMut(&mut dyn std::io::Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut counted = |w: &mut dyn std::io::Write| -> anyhow::Result<u64> {
        let mut w = Counting { inner: w, bytes: 0 };
        write(&mut w)?;
        w.flush()?;
        Ok(w.bytes)
    };
    let bytes = match resolve(path)? {
        Target::Replace {
            path: target,
            replaces,
        } => {
            refuse_input(path, &target, inputs)?;
            replace_whole(&target, replaces.as_ref(), &mut counted)
        }
        Target::InPlace {
            path: target,
            append,
        } => std::fs::OpenOptions::new()
            .write(true)
            .append(append)
            .open(&target)
            .map_err(anyhow::Error::new)
            .and_then(|file| counted(&mut std::io::BufWriter::new(file))),
    }
    .with_context(|| format!("cannot write {}", path.display()))?;
    crate::errln!(
        "meldroute: wrote {} ({} bytes)",
        meldroute_render::diagnostics::inert(&path.display().to_string()),
        bytes
    );
    Ok(())
}

/// A writer that counts the bytes it passes on.
struct Counting<'a> {
    inner: &'a mut dyn std::io::Write,
    bytes: u64,
}

impl std::io::Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Test only: how long to wait, in milliseconds, between writing the
/// temporary file and renaming it, so that a test can send a signal in
/// that window (tests/output.rs). Unset, there is no wait.
const PAUSE_BEFORE_RENAME: &str = "MELDROUTE_TEST_PAUSE_BEFORE_RENAME";

/// Replaces the regular file `target` (or creates it) with what `write` writes, whole
/// or not at all: a temporary file in its folder, written, given the mode
/// (and, where allowed, the owner) of the file it replaces, synced, renamed
/// over it; then the folder is synced. The temporary file is removed on
/// failure, and on SIGINT, SIGTERM or SIGHUP ([`temp`]).
fn replace_whole<T>(
    target: &Path,
    replaces: Option<&std::fs::Metadata>,
    write: &mut dyn FnMut(&mut dyn std::io::Write) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default();
    let (tmp, file) = temp::create(dir, name)?;
    let result = (|| {
        let mut buffered = std::io::BufWriter::new(file);
        let written = write(&mut buffered)?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        if let Some(old) = replaces {
            use std::os::unix::fs::MetadataExt as _;
            // Keeping the owner needs the right to; the mode comes after,
            // as changing the owner can clear set-id bits.
            let _ = std::os::unix::fs::fchown(&file, Some(old.uid()), Some(old.gid()));
            file.set_permissions(old.permissions())?;
        }
        file.sync_all()?;
        if let Some(ms) = std::env::var(PAUSE_BEFORE_RENAME)
            .ok()
            .and_then(|v| v.parse().ok())
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        std::fs::rename(&tmp, target)?;
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(written)
    })();
    temp::release(&tmp, result.is_err());
    result
}

/// Temporary output files: made and registered together, so that a signal
/// handler can remove them (a destructor does not run on a signal).
mod temp {
    use std::ffi::OsStr;
    use std::fs::File;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, MutexGuard, Once};

    /// The temporary files being written.
    static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
        PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Creates a new temporary file for `name` in `dir`, hidden (so a
    /// directory walk never reads it) and registered. The first call
    /// installs the signal handler.
    pub fn create(dir: &Path, name: &OsStr) -> std::io::Result<(PathBuf, File)> {
        install_handler();
        let mut pending = pending();
        let stem = format!(
            ".{}.meldroute-tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        );
        let mut n = 0;
        loop {
            let tmp = match n {
                0 => dir.join(&stem),
                n => dir.join(format!("{stem}-{n}")),
            };
            match File::options().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    pending.push(tmp.clone());
                    return Ok((tmp, file));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Forgets the temporary file `tmp`, removing it first if `remove`.
    pub fn release(tmp: &Path, remove: bool) {
        let mut pending = pending();
        if remove {
            let _ = std::fs::remove_file(tmp);
        }
        pending.retain(|p| p != tmp);
    }

    /// On SIGINT, SIGTERM or SIGHUP: removes the temporary files and exits
    /// with 128 + the signal's number (130, 143, 129), as a shell reports a
    /// program the signal ended. Installed when the first output file is
    /// written; before that, signals do what they always do.
    fn install_handler() {
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            // Without a handler (it could not be installed) a signal still
            // ends the program; only the temporary file stays.
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until the exit: no new temporary file is made.
                    let pending = pending();
                    for tmp in pending.iter() {
                        let _ = std::fs::remove_file(tmp);
                    }
                    std::process::exit(128 + signal);
                }
            });
        });
    }
}

/// The width tables are fitted to: `COLUMNS` when it is set to a number
/// (as shells and GNU tools read it), else the terminal's when standard
/// output is one; `None` (as wide as the cells) when the output goes to a
/// file or a pipe, so that it stays the same wherever it is made.
pub fn terminal_width() -> Option<u16> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|&w| w >= 20)
    {
        return Some(w);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return None;
    }
    console::Term::stdout()
        .size_checked()
        .map(|(_, w)| w)
        .filter(|&w| w >= 20)
}
