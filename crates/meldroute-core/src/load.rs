//! Reading procedure files: size and structure limits, YAML parsing, and
//! turning every parser error into a located diagnostic.

use std::io::Read;
use std::path::{Path, PathBuf};

use meldroute_diagnostics::Arg;
use serde_saphyr::{Budget, MessageFormatter, Options};

use crate::diag::{Diagnostic, Severity};
use crate::meta::{Category, RuleMeta};
use crate::model::Procedure;
use crate::scan;
use crate::source::{FileId, Pos, SourceFile};
use crate::suggest;
use crate::version::{FORMAT_VERSION, MELDROUTE_VERSION};

/// Code of diagnostics for files that cannot be read as a procedure.
pub use meldroute_diagnostics::PARSE_CODE;
/// Name of diagnostics for files that cannot be read as a procedure.
pub const PARSE_NAME: &str = "parse";

/// What `MR000` means, for `meldroute rules MR000`: not a rule over a
/// procedure but the loader's own findings.
pub const PARSE: RuleMeta = RuleMeta {
    code: PARSE_CODE,
    name: PARSE_NAME,
    category: Category::Correctness,
    severity: Severity::Error,
    summary: "a file cannot be read as a procedure: YAML syntax, the file format, or an input limit",
    // Lines start with a space, as the doc comments of rules do.
    doc: concat!(
        " ### What it does\n",
        " Reports every file that cannot be read as a procedure, before any rule runs:\n",
        " YAML that does not parse (tabs for indentation, an unclosed quote or\n",
        " bracket, a duplicate key), a value of the wrong type (`p: \"0.3\"` is text, not\n",
        " a number), a key the format does not know (with the key it probably\n",
        " meant), a required key that is missing, a file that is not UTF-8 or is\n",
        " empty, a character no file may hold (a control character other than tab\n",
        " and line breaks, a Unicode non-character such as U+FFFE), a duration\n",
        " longer than `100y`, an id that is not lowercase kebab-case (procedure ids:\n",
        " parts joined by `/`; this was rule MR016 `invalid-id`), and a file past an\n",
        " input limit (size, nesting, aliases, YAML nodes, steps per procedure, the\n",
        " bytes and steps of all files read together; the message names the flag\n",
        " that raises it, see\n",
        " `docs/limits.md`). The format itself is `docs/format.md`, and `meldroute\n",
        " schema` prints it as a JSON Schema for editors.\n",
        "\n",
        " ### Why is this bad\n",
        " A file meldroute cannot read is not checked, simulated or drawn at all:\n",
        " every command refuses it (exit 1) and names the place.\n",
        "\n",
        " ### Example\n",
        " Fails: a key the format does not know:\n",
        " ```yaml\n",
        "   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duraton: 4w, basis: policy, next: tussentijds}\n",
        " ```\n",
        " Passes:\n",
        " ```yaml\n",
        "   onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: policy, next: tussentijds}\n",
        " ```\n",
    ),
};

/// Limits that protect against hostile or accidental huge input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of maps and lists.
    pub max_depth: usize,
    /// Most alias uses (`*name`) in one file.
    pub max_aliases: usize,
    /// Most YAML nodes in one file.
    pub max_nodes: usize,
    /// Most steps in one procedure (not to be confused with the step limit
    /// of a simulated journey, [`crate::sim::SimOptions::max_steps`]).
    pub max_procedure_steps: usize,
    /// Most bytes of all the user's files that one library reads together.
    pub max_library_bytes: u64,
    /// Most steps of all the user's procedures that one library holds.
    pub max_library_steps: usize,
    /// Most of the user's files that one library reads.
    pub max_library_files: usize,
}

impl Limits {
    /// The defaults, which every command uses unless a flag raises them.
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 1024 * 1024,
        max_depth: 32,
        max_aliases: 200,
        max_nodes: 200_000,
        max_procedure_steps: 10_000,
        max_library_bytes: 16 * 1024 * 1024,
        max_library_steps: 100_000,
        max_library_files: 10_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl Limits {
    fn options(&self) -> Options {
        let mut budget = Budget::default();
        budget.max_depth = self.max_depth;
        budget.max_aliases = self.max_aliases;
        budget.max_anchors = self.max_aliases;
        budget.max_nodes = self.max_nodes;
        budget.max_events = self.max_nodes.saturating_mul(4);
        budget.max_documents = 2;
        // The absolute alias cap and the replay limits below bound expansion.
        budget.enforce_alias_anchor_ratio = false;
        // The parser's own nesting limit for flow collections (`[[[...`):
        // the block nesting limit follows `max_depth` already.
        budget.flow_nesting_limit = self.max_depth;
        budget.max_merge_keys = self.max_aliases;
        let bytes = usize::try_from(self.max_file_bytes).unwrap_or(usize::MAX);
        budget.max_total_scalar_bytes = bytes;
        budget.max_recorded_anchor_bytes = bytes;
        budget.max_recorded_anchor_events = self.max_nodes;
        let mut options = Options::default();
        options.budget = Some(budget);
        options.alias_limits.max_total_replayed_events = self.max_nodes;
        options.strict_booleans = true;
        options.alias_limits.max_replay_stack_depth = self.max_depth;
        options.alias_limits.max_alias_expansions_per_anchor = self.max_aliases;
        options
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The operating system refused (missing file, permissions, ...).
    #[error("cannot read {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// A command-line argument is neither a path nor a bundled procedure id.
    #[error("no file, directory or bundled procedure `{arg}`{suggestion}")]
    NotFound {
        /// The argument.
        arg: String,
        /// A did-you-mean suffix, or empty.
        suggestion: String,
    },
}

/// A file that was read, but whose content is not acceptable as text.
#[derive(Debug)]
pub struct Rejected {
    /// The part of the file that can be shown.
    pub file: SourceFile,
    /// Where and why.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The SHA-256 of the bytes read, which `file` does not hold as they
    /// were: all of them for a file that is not UTF-8, the first
    /// `max_file_bytes + 1` for a file over the limit.
    pub sha256: String,
}

/// Reads a file as UTF-8 text within the size limit.
///
/// `Ok(Err(_))` is a file that exists but is too large or not UTF-8: a
/// located problem with the file, not an I/O failure.
pub fn read_source(
    path: &Path,
    limits: &Limits,
) -> Result<Result<SourceFile, Rejected>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let name = path.display().to_string();
    // Only regular files: opening a FIFO or device could block for ever.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        return Ok(Err(Rejected {
            file: SourceFile::new(name, shown),
            pos: Pos { line: 1, column: 1, len: 0 },
            message: format!(
                "file is larger than the limit of {} bytes",
                limits.max_file_bytes
            ),
            help: "a procedure file is normally a few kilobytes; split it, or raise the limit with `--max-file-size`".into(),
            sha256: crate::provenance::sha256_hex(&bytes),
        }));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok(SourceFile::new(name, text))),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let sha256 = crate::provenance::sha256_hex(&bytes);
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Ok(Err(Rejected {
                file: SourceFile::new(name, String::from_utf8_lossy(&bytes).into_owned()),
                pos: Pos {
                    line: line as u32,
                    column: column as u32,
                    len: 1,
                },
                message: format!("file is not valid UTF-8 (byte 0x{:02x})", bytes[valid]),
                help: "save the file as UTF-8".into(),
                sha256,
            }))
        }
    }
}

/// Parses the text of `source` as a procedure. On failure, returns one
/// located diagnostic in `file`.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub fn parse_procedure(
    source: &SourceFile,
    file: FileId,
    limits: &Limits,
) -> Result<Procedure, Diagnostic> {
    let procedure: Procedure = parse_yaml(
        source,
        file,
        limits,
        "a procedure file needs at least `id`, `title`, `organisation`, `kind`, `sources`, `actors`, `start` and `steps`; see docs/format.md",
    )?;
    if let Some(version) = &procedure.format_version
        && version.0 > FORMAT_VERSION
    {
        return Err(newer_version(
            file,
            source.byte_span(version.pos),
            u64::from(version.0),
        ));
    }
    if let Some((key, _)) = procedure.steps.entry(limits.max_procedure_steps) {
        let span = source.byte_span(key.pos);
        return Err(
            Diagnostic::new(PARSE_CODE, PARSE_NAME, Severity::Error, file, span, "procedure has {steps} steps, more than the limit of {limit}")
                .with_arg("steps", Arg::Count(procedure.steps.len() as u64))
                .with_arg("limit", Arg::Count(limits.max_procedure_steps as u64))
                .with_help("split it into procedures linked by `escalate`, or raise the limit with `--max-procedure-steps` if you trust the file"),
        );
    }
    check_ids(source, file, &procedure)?;
    Ok(procedure)
}

/// Parses the text of `source` as a `T` (a procedure or a scenario) within
/// `limits`: an empty file (`empty` says what it needs), a forbidden
/// character, YAML or format errors, and a file of a newer format version
/// are one located diagnostic in `file`.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(
    source: &SourceFile,
    file: FileId,
    limits: &Limits,
    empty: &str,
) -> Result<T, Diagnostic> {
    let text = source.text();
    if text.trim_start_matches('\u{feff}').lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    }) {
        let span = source.byte_span(Pos {
            line: 1,
            column: 1,
            len: 0,
        });
        return Err(Diagnostic::new(
            PARSE_CODE,
            PARSE_NAME,
            Severity::Error,
            file,
            span,
            "file is empty",
        )
        .with_help(empty));
    }
    if let Some(found) = scan::forbidden_char(text) {
        return Err(forbidden(file, &found));
    }
    let parsed =
        serde_saphyr::from_str_with_options::<T>(text, limits.options()).map_err(|err| {
            let mut pos = err.location().map_or(
                Pos {
                    line: 1,
                    column: 1,
                    len: 0,
                },
                |l| Pos {
                    line: u32::try_from(l.line()).unwrap_or(u32::MAX).max(1),
                    column: u32::try_from(l.column()).unwrap_or(u32::MAX).max(1),
                    len: 0,
                },
            );
            if mentions_tab(&err.to_string()) {
                pos = tab_at(source, pos);
            }
            // A file of a newer format is refused as such: its other
            // errors are what this meldroute does not know of that format.
            if let Some((version, span)) = scan::written_version(source)
                && version > u64::from(FORMAT_VERSION)
            {
                return newer_version(file, span, version);
            }
            // A key written twice hides behind an error in its first entry
            // (a missing `kind`): the duplicate is the cause to fix first.
            if let Some(dup) = scan::duplicate_key(source)
                && dup.first.start <= source.byte_span(pos).start
            {
                return duplicate(file, &dup);
            }
            let (message, help) = match limit_message(err.without_snippet(), limits) {
                Some(explained) => explained,
                None => {
                    let raw = serde_saphyr::DefaultMessageFormatter
                        .format_message(err.without_snippet())
                        .into_owned();
                    explain(&raw, source, pos)
                }
            };
            parse_error(source, file, pos, &message, &help)
        })?;
    if let Some(found) = scan::forbidden_escape(source) {
        return Err(forbidden(file, &found));
    }
    Ok(parsed)
}

/// Refuses the first id (in the order of the file) that is not of the
/// syntax of its kind ([`crate::id`]), where it is written or referred to.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
fn check_ids(source: &SourceFile, file: FileId, procedure: &Procedure) -> Result<(), Diagnostic> {
    let Some((kind, id, pos, why)) = crate::id::ids(procedure)
        .into_iter()
        .filter_map(|(kind, id, pos)| Some((kind, id, pos, crate::id::problem(kind, id)?)))
        .min_by_key(|(_, _, pos, _)| (pos.line, pos.column))
    else {
        return Ok(());
    };
    let suggestion = crate::id::suggestion(kind, id);
    let diag = Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        source.byte_span(pos),
        if id.is_empty() {
            "{kind} id is empty"
        } else {
            "{kind} id {id} is not valid: {why}"
        },
    )
    .with_arg("kind", Arg::text(kind.as_str()))
    .with_arg("id", Arg::id(id))
    .with_arg("why", Arg::text(why))
    .with_arg("syntax", Arg::text(kind.syntax()))
    .with_label("not a valid id");
    Err(if suggestion.is_empty() || suggestion == id {
        diag.with_help("{syntax}")
    } else {
        diag.with_help("write {suggestion}; {syntax}")
            .with_arg("suggestion", Arg::id(suggestion))
    })
}

/// True for the scanner's messages about a tab ("tabs disallowed ...",
/// "found a tab", "cannot start with a tab", "tab cannot be used ...").
fn mentions_tab(message: &str) -> bool {
    message
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|word| word == "tab" || word == "tabs")
}

/// The tab a scanner error at `pos` is about. The scanner reports a tab in
/// indentation just after it, a tab in a plain scalar or at the start of a
/// block scalar where the scalar began: the tab at `pos`, else the one just
/// before it on the same line, else the first one after it.
fn tab_at(source: &SourceFile, pos: Pos) -> Pos {
    let text = source.text();
    let at = source.byte_span(pos).start;
    let found = if text[at..].starts_with('\t') {
        Some(at)
    } else if text[..at].ends_with('\t') {
        Some(at - 1)
    } else {
        text[at..].find('\t').map(|tab| at + tab)
    };
    match found {
        Some(tab) => {
            let (line, column) = source.line_column(tab);
            Pos {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
                len: 1,
            }
        }
        None => pos,
    }
}

/// A character no procedure file may hold ([`scan::is_forbidden`]), at the
/// character or the escape that writes it.
fn forbidden(file: FileId, found: &scan::Forbidden) -> Diagnostic {
    let (message, help) = match &found.escape {
        None => (
            "the file holds the character {char}, which a procedure file may not hold",
            "remove it (it is invisible in most editors); procedure files hold no control characters other than tab and line breaks, and no Unicode non-characters, which SVG, HTML and XML output cannot hold",
        ),
        Some(_) => (
            "the escape {escape} writes the character {char}, which a procedure file may not hold",
            "remove the escape; procedure files hold no control characters other than tab and line breaks, and no Unicode non-characters, which SVG, HTML and XML output cannot hold",
        ),
    };
    let diag = Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        found.span.clone(),
        message,
    )
    .with_arg("char", Arg::text(scan::describe(found.char)))
    .with_help(help);
    match &found.escape {
        Some(escape) => diag.with_arg("escape", Arg::id(escape.as_str())),
        None => diag,
    }
}

/// The refusal of a file of a format version newer than this meldroute
/// reads, at the version (`span`), naming both versions.
pub(crate) fn newer_version(
    file: FileId,
    span: std::ops::Range<usize>,
    version: u64,
) -> Diagnostic {
    Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        span,
        "this file is format version {version}; this meldroute ({meldroute}) reads format versions up to {known}: upgrade meldroute",
    )
    .with_arg("version", Arg::Count(version))
    .with_arg("meldroute", Arg::text(MELDROUTE_VERSION))
    .with_arg("known", Arg::Count(u64::from(FORMAT_VERSION)))
    .with_label("a newer format")
    .with_help("the file was written for a newer meldroute: read it with a meldroute that knows format version {version}; this one does not guess at a format it does not know")
}

/// A key written twice in one map, at the second, with the first.
fn duplicate(file: FileId, dup: &scan::Duplicate) -> Diagnostic {
    Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        dup.again.clone(),
        "duplicate key {key}",
    )
    .with_arg("key", Arg::id(dup.key.as_str()))
    .with_label("written again here")
    .with_secondary(file, dup.first.clone(), "first written here")
    .with_help("remove or rename one of the two; every key in a map must be unique")
}

/// What the user's files read so far take of the limits over all files
/// together ([`Limits::max_library_bytes`], [`Limits::max_library_steps`],
/// [`Limits::max_library_files`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Used {
    bytes: u64,
    steps: usize,
    files: usize,
}

impl Used {
    /// The files read so far took the library past its size or file limit:
    /// later files are not read (each would be refused, and kept).
    pub fn full(&self, limits: &Limits) -> bool {
        self.files > limits.max_library_files || self.bytes > limits.max_library_bytes
    }
}

/// [`parse_procedure`] for a file of the user's, counted in `used` and
/// refused when it takes the files read together past a library limit.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub(crate) fn parse_counted(
    source: &SourceFile,
    file: FileId,
    limits: &Limits,
    used: &mut Used,
) -> Result<Procedure, Diagnostic> {
    count_file(source, file, limits, used)?;
    let procedure = parse_procedure(source, file, limits)?;
    library_steps(source, file, &procedure, used.steps, limits)?;
    used.steps = used.steps.saturating_add(procedure.steps.len());
    Ok(procedure)
}

/// Counts a file of the user's in `used`, and refuses it when it takes the
/// files read together past the library's file or byte limit.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub(crate) fn count_file(
    source: &SourceFile,
    file: FileId,
    limits: &Limits,
    used: &mut Used,
) -> Result<(), Diagnostic> {
    used.files = used.files.saturating_add(1);
    library_files(source, file, used.files, limits)?;
    used.bytes = used.bytes.saturating_add(source.text().len() as u64);
    library_bytes(source, file, used.bytes, limits)
}

/// Refuses the user's file that takes the number of files read together
/// (`total`, this one included) past [`Limits::max_library_files`].
#[allow(clippy::result_large_err)] // one per file, never on a hot path
fn library_files(
    source: &SourceFile,
    file: FileId,
    total: usize,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    over_library_total(
        source,
        file,
        (total as u64, limits.max_library_files as u64),
        "this is file {total} read, more than the limit of {limit} files read together",
        "--max-library-files",
    )
}

/// Refuses the user's file that takes the bytes of all files read
/// together (`total`, this one included) past [`Limits::max_library_bytes`].
#[allow(clippy::result_large_err)] // one per file, never on a hot path
fn library_bytes(
    source: &SourceFile,
    file: FileId,
    total: u64,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    over_library_total(
        source,
        file,
        (total, limits.max_library_bytes),
        "with this file the files read hold {total} bytes, more than the limit of {limit} bytes for all files together",
        "--max-library-size",
    )
}

/// The error at the first line of the user's file that takes a total over
/// all files read past its limit (`(total, limit)`), named by `flag`; the
/// files after it are not read ([`Used::full`]).
#[allow(clippy::result_large_err)] // one per file, never on a hot path
fn over_library_total(
    source: &SourceFile,
    file: FileId,
    (total, limit): (u64, u64),
    message: &'static str,
    flag: &str,
) -> Result<(), Diagnostic> {
    if total <= limit {
        return Ok(());
    }
    Err(Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        source.byte_span(Pos { line: 1, column: 1, len: 0 }),
        message,
    )
    .with_arg("total", Arg::Count(total))
    .with_arg("limit", Arg::Count(limit))
    .with_help(format!(
        "read fewer files at once, or raise the limit with `{flag}` if you trust them; the files after this one are not read"
    )))
}

/// Refuses the user's procedure that takes the steps of all procedures
/// read (`before` it) past [`Limits::max_library_steps`], at its first step
/// over the limit.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
fn library_steps(
    source: &SourceFile,
    file: FileId,
    procedure: &Procedure,
    before: usize,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    let room = limits.max_library_steps.saturating_sub(before);
    let Some((key, _)) = procedure.steps.entry(room) else {
        return Ok(());
    };
    Err(Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        source.byte_span(key.pos),
        "with this procedure the procedures read have {steps} steps, more than the limit of {limit} for all procedures together",
    )
    .with_arg("steps", Arg::Count((before + procedure.steps.len()) as u64))
    .with_arg("limit", Arg::Count(limits.max_library_steps as u64))
    .with_help("read fewer procedures at once, or raise the limit with `--max-library-steps` if you trust them"))
}

fn parse_error(
    source: &SourceFile,
    file: FileId,
    pos: Pos,
    message: &str,
    help: &str,
) -> Diagnostic {
    let span = source.byte_span(pos);
    // Explained parser messages quote the file (keys, the line): they are
    // arguments, never templates.
    Diagnostic::new(
        PARSE_CODE,
        PARSE_NAME,
        Severity::Error,
        file,
        span,
        "{problem}",
    )
    .with_arg("problem", Arg::text(message))
    .with_help("{fix}")
    .with_arg("fix", Arg::text(help))
}

/// The input limits a breach of the YAML reader's budget comes down to:
/// each is set from one field of [`Limits`] and raised by one flag.
#[derive(Clone, Copy)]
enum Limit {
    Aliases,
    MergeKeys,
    Depth,
    Nodes,
    Bytes,
}

impl Limit {
    /// The message (with the limit's value) and the help, naming the flag.
    fn explain(self, limits: &Limits) -> (String, String) {
        let (what, flag, fix) = match self {
            Limit::Aliases => (
                format!("more than {} YAML aliases or anchors", limits.max_aliases),
                "--max-aliases",
                "procedure files rarely need aliases; write the values out",
            ),
            Limit::MergeKeys => (
                format!("more than {} YAML merge keys (`<<`)", limits.max_aliases),
                "--max-aliases",
                "procedure files rarely need merge keys; write the keys out",
            ),
            Limit::Depth => (
                format!("nesting deeper than {} levels", limits.max_depth),
                "--max-depth",
                "procedure files need little nesting; simplify the file",
            ),
            Limit::Nodes => (
                format!("more than {} YAML nodes", limits.max_nodes),
                "--max-yaml-nodes",
                "split the procedure into procedures linked by `escalate`",
            ),
            Limit::Bytes => (
                format!("more than {} bytes of text", limits.max_file_bytes),
                "--max-file-size",
                "aliases may repeat text; write it out once",
            ),
        };
        (
            format!("file has {what}"),
            format!("{fix}, or raise the limit with `{flag}` if you trust the file"),
        )
    }
}

/// The error under the wrappers that add alias locations or a snippet.
fn innermost(mut err: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = err
    {
        err = error;
    }
    err
}

/// A message and help for a breached input limit, naming the limit and the
/// flag that raises it; every budget of the YAML reader that
/// [`Limits::options`] sets maps to one of [`Limits`]' fields.
fn limit_message(err: &serde_saphyr::Error, limits: &Limits) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    use serde_saphyr::granit_parser::ErrorKind;
    use serde_saphyr::localizer::ExternalMessageSource;
    let one_document = || {
        Some((
            "file holds more than one YAML document".to_owned(),
            "put one procedure in each file, without `---` separators between procedures"
                .to_owned(),
        ))
    };
    let limit = match innermost(err) {
        E::Budget { breach, .. } => match breach {
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => Limit::Aliases,
            B::MergeKeys { .. } => Limit::MergeKeys,
            B::Depth { .. } => Limit::Depth,
            B::Nodes { .. } | B::Events { .. } | B::RecordedAnchorEvents { .. } => Limit::Nodes,
            B::ScalarBytes { .. } | B::InputBytes { .. } | B::RecordedAnchorBytes { .. } => {
                Limit::Bytes
            }
            B::Documents { .. } => return one_document(),
            // Unbalanced structure, includes and property interpolation
            // (which the loader does not enable): no limit a flag raises.
            _ => {
                return Some((
                    "file is not well-formed YAML".to_owned(),
                    "check the brackets and indentation; see docs/format.md for the format"
                        .to_owned(),
                ));
            }
        },
        E::MultipleDocuments { .. } => return one_document(),
        E::NullIntoString { .. } => {
            return Some((
                "value is empty".to_owned(),
                "write a value after the colon".to_owned(),
            ));
        }
        E::AliasReplayLimitExceeded { .. } | E::AliasReplayCounterOverflow { .. } => Limit::Nodes,
        E::AliasExpansionLimitExceeded { .. } => Limit::Aliases,
        E::AliasReplayStackDepthExceeded { .. } => Limit::Depth,
        E::ExternalMessage { source, .. } => match source.as_ref() {
            ExternalMessageSource::Parser(scan)
                if matches!(scan.kind(), ErrorKind::RecursionLimitExceeded) =>
            {
                Limit::Depth
            }
            _ => return None,
        },
        _ => return None,
    };
    Some(limit.explain(limits))
}

/// Turns a parser message into a message and a help line for people.
fn explain(raw: &str, source: &SourceFile, pos: Pos) -> (String, String) {
    let message = raw.trim().to_owned();
    let lower = message.to_lowercase();
    if let Some((word, candidates)) = unknown_name(&message) {
        let kind = if lower.starts_with("unknown field") {
            "key"
        } else {
            "value"
        };
        let suggestion = suggest::closest(&word, candidates.iter().map(String::as_str));
        let message = match suggestion {
            Some(s) => format!("unknown {kind} `{word}` (did you mean `{s}`?)"),
            None => format!("unknown {kind} `{word}`"),
        };
        let help = match suggestion {
            Some(s) => format!("write `{s}`; allowed here: {}", candidates.join(", ")),
            None => format!("allowed here: {}", candidates.join(", ")),
        };
        return (message, help);
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return (
            format!("duplicate key `{key}`"),
            "remove or rename one of the two; every key in a map must be unique".to_owned(),
        );
    }
    let help = if mentions_tab(&lower) {
        "indent with spaces; YAML does not allow tabs for indentation".to_owned()
    } else if lower.starts_with("duration ") {
        "write a number and a unit (h, d, w, mo or y), at most `100y`; see Durations in docs/format.md".to_owned()
    } else if lower.starts_with("format version") || lower.contains("expected a format version") {
        crate::version::value_help()
    } else if lower == "invalid boolean" {
        "write `true` or `false`".to_owned()
    } else if lower.contains("missing field") {
        "add the key; see docs/format.md for the required keys".to_owned()
    } else if lower.contains("end of input") || lower.contains("eof") {
        "the file ends too early; complete the last entry".to_owned()
    } else {
        let line = source.line_text(pos.line as usize).trim();
        if line.is_empty() || line.chars().count() > 80 {
            "see docs/format.md for the procedure file format".to_owned()
        } else {
            format!("check the YAML near `{line}`; see docs/format.md for the format")
        }
    };
    (message, help)
}

/// From "unknown field `x`, expected one of `a`, `b`" (or "unknown variant"),
/// the word and the candidates.
fn unknown_name(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message
        .strip_prefix("unknown field ")
        .or_else(|| message.strip_prefix("unknown variant "))?;
    let rest = rest.strip_prefix('`')?;
    let end = rest.find('`')?;
    let word = rest[..end].to_owned();
    let tail = &rest[end + 1..];
    let candidates = if let Some(list) = tail.split_once("expected one of ") {
        list.1
            .split(", ")
            .map(|c| c.trim().trim_matches('`').to_owned())
            .collect()
    } else if let Some(one) = tail.split_once("expected ") {
        vec![one.1.trim().trim_matches('`').to_owned()]
    } else {
        Vec::new()
    };
    let candidates = candidates
        .into_iter()
        .filter(|c| !c.is_empty() && !c.contains(' '))
        .collect();
    Some((word, candidates))
}

/// True for a name the directory walk ([`yaml_files_below`]) passes over:
/// hidden files and folders, editor lock files.
fn skipped(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// True for a file name the directory walk reads as a procedure: `*.yaml`
/// and `*.yml`.
fn procedure_file_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// True when [`yaml_files_below`]`(dir)` would read a file at `path`, were
/// one there: `path` is below `dir` in folders that are not skipped, with a
/// procedure file name. Both paths must be free of symbolic links and `..`
/// (canonical, say), as the walk follows no link to a folder.
pub fn read_below(dir: &Path, path: &Path) -> bool {
    path.strip_prefix(dir).is_ok_and(|below| {
        !below.as_os_str().is_empty()
            && below
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(name) if !skipped(name)))
    }) && procedure_file_name(path)
}

/// Every `*.yaml` and `*.yml` file below `dir`, sorted, not following
/// symbolic links to directories.
pub fn yaml_files_below(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| ReadError::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ReadError::Io {
                path: dir.clone(),
                source,
            })?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|source| ReadError::Io {
                path: path.clone(),
                source,
            })?;
            if skipped(&entry.file_name()) {
                continue;
            }
            let yaml = procedure_file_name(&path);
            if kind.is_dir() {
                pending.push(path);
            } else if yaml && (kind.is_file() || (kind.is_symlink() && path.is_file())) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// True when `text` has the top-level key `key` (`scenario`, `caseload`):
/// the kind of file it is.
pub(crate) fn has_top_level_key(text: &str, key: &str) -> bool {
    text.trim_start_matches('\u{feff}').lines().any(|l| {
        l.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
    })
}

/// Parses `source` as a file of kind `T` ([`parse_yaml`], `empty` saying
/// what it needs), refusing one of a newer format version than this
/// meldroute reads (`version` gives it).
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub(crate) fn parse_kind<T: serde::de::DeserializeOwned>(
    source: &SourceFile,
    file: FileId,
    limits: &Limits,
    empty: &str,
    version: impl Fn(&T) -> Option<&crate::model::Located<crate::version::FormatVersion>>,
) -> Result<T, Diagnostic> {
    let parsed: T = parse_yaml(source, file, limits, empty)?;
    if let Some(v) = version(&parsed)
        && v.0 > FORMAT_VERSION
    {
        return Err(newer_version(file, source.byte_span(v.pos), u64::from(v.0)));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_messages_are_parsed() {
        let (word, candidates) =
            unknown_name("unknown field `titel`, expected one of title, actor").unwrap();
        assert_eq!(word, "titel");
        assert_eq!(candidates, ["title", "actor"]);
        let (word, candidates) =
            unknown_name("unknown variant `advise`, expected one of `advice`, `report`").unwrap();
        assert_eq!(word, "advise");
        assert_eq!(candidates, ["advice", "report"]);
        assert!(unknown_name("expected string scalar").is_none());
    }

    #[test]
    fn read_below_matches_the_directory_walk() {
        let dir = Path::new("/in");
        assert!(read_below(dir, Path::new("/in/a.yaml")));
        assert!(read_below(dir, Path::new("/in/sub/deeper/a.yml")));
        assert!(!read_below(dir, Path::new("/in/a.html")));
        assert!(
            !read_below(dir, Path::new("/in/a.YAML")),
            "the walk is case-sensitive"
        );
        assert!(
            !read_below(dir, Path::new("/in/.a.yaml")),
            "hidden files are skipped"
        );
        assert!(
            !read_below(dir, Path::new("/in/.git/a.yaml")),
            "and hidden folders"
        );
        assert!(!read_below(dir, Path::new("/out/a.yaml")));
        assert!(!read_below(dir, Path::new("/in")));
    }
}
