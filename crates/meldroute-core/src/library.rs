//! A set of loaded procedures: files named by the user plus the bundled
//! library, with lookup by id for escalations.

use std::path::Path;

use crate::diag::{Diagnostic, Severity};
use crate::load::{self, Limits, ReadError};
use crate::model::Procedure;
use crate::source::{FileId, SourceFile};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The bundled procedure files: (path below `processes/`, text).
pub fn bundled_files() -> &'static [(&'static str, &'static str)] {
    embedded::FILES
}

/// Where a procedure came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file the user named.
    User,
    /// The library built into meldroute.
    Bundled,
}

/// Identifies an entry of a [`Library`]: its position in the order the
/// library loaded its procedures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(usize);

impl EntryId {
    /// The id of the entry loaded `index`th (0-based).
    pub(crate) fn new(index: usize) -> Self {
        EntryId(index)
    }

    /// The 0-based position of the entry in load order.
    pub fn index(self) -> usize {
        self.0
    }
}

/// A loaded procedure.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The file it was read from.
    pub file: FileId,
    /// The procedure.
    pub procedure: Procedure,
    /// Where it came from.
    pub origin: Origin,
}

/// Loaded files and procedures.
#[derive(Clone, Debug, Default)]
pub struct Library {
    limits: Limits,
    files: Vec<SourceFile>,
    origins: Vec<Origin>,
    entries: Vec<Entry>,
    load_errors: Vec<Diagnostic>,
    read_paths: std::collections::HashMap<std::path::PathBuf, Option<EntryId>>,
    /// The entry each procedure id resolves to ([`Library::resolve_index`]).
    by_id: std::collections::HashMap<String, EntryId>,
    /// What the user's files take of the library limits.
    used: load::Used,
    /// User files not read because the library was full.
    unread: usize,
    /// The SHA-256 of the bytes read of each file whose text is not those
    /// bytes (a file refused as too large or not UTF-8), by file index
    /// ([`Library::digests`]).
    read_sha256: std::collections::HashMap<usize, String>,
}

impl Library {
    /// An empty library with the given limits.
    pub fn new(limits: Limits) -> Self {
        Library {
            limits,
            ..Library::default()
        }
    }

    /// A library holding the bundled procedures.
    pub fn with_bundled(limits: Limits) -> Self {
        let mut lib = Library::new(limits);
        lib.add_bundled();
        lib
    }

    /// Adds every bundled procedure (origin [`Origin::Bundled`]).
    pub fn add_bundled(&mut self) {
        // The bundled files are ours: the user's limits do not apply to them.
        let user_limits = std::mem::take(&mut self.limits);
        for (path, text) in bundled_files() {
            self.load_source(
                SourceFile::new(format!("bundled:{path}"), *text),
                Origin::Bundled,
            );
        }
        self.limits = user_limits;
    }

    /// Parses `file` and adds it; returns the entry's id, or `None` when it
    /// could not be parsed (the diagnostic is in [`Library::load_errors`]).
    pub fn load_source(&mut self, file: SourceFile, origin: Origin) -> Option<EntryId> {
        if origin == Origin::User && self.used.full(&self.limits) {
            self.unread += 1;
            return None;
        }
        let id = FileId::new(self.files.len());
        let parsed = match origin {
            Origin::User => load::parse_counted(&file, id, &self.limits, &mut self.used),
            Origin::Bundled => load::parse_procedure(&file, id, &self.limits),
        };
        self.files.push(file);
        self.origins.push(origin);
        match parsed {
            Ok(procedure) => {
                let entry = EntryId::new(self.entries.len());
                // The first user file with an id wins, over any bundled one.
                let resolves = match self.by_id.get(procedure.id.as_str()) {
                    None => true,
                    Some(&earlier) => {
                        origin == Origin::User && self.entries[earlier.0].origin == Origin::Bundled
                    }
                };
                if resolves {
                    self.by_id.insert(procedure.id.value.clone(), entry);
                }
                self.entries.push(Entry {
                    file: id,
                    procedure,
                    origin,
                });
                Some(entry)
            }
            Err(diag) => {
                self.load_errors.push(diag);
                None
            }
        }
    }

    /// Reads and adds one file named by the user (once: a file read before
    /// returns its earlier result).
    pub fn load_file(&mut self, path: &Path) -> Result<Option<EntryId>, ReadError> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if let Some(&earlier) = self.read_paths.get(&key) {
            return Ok(earlier);
        }
        let loaded = self.read_file(path)?;
        self.read_paths.insert(key, loaded);
        Ok(loaded)
    }

    fn read_file(&mut self, path: &Path) -> Result<Option<EntryId>, ReadError> {
        if self.used.full(&self.limits) {
            self.unread += 1;
            return Ok(None);
        }
        match load::read_source(path, &self.limits)? {
            Ok(file) => Ok(self.load_source(file, Origin::User)),
            Err(rejected) => {
                let id = FileId::new(self.files.len());
                let span = rejected.file.byte_span(rejected.pos);
                self.read_sha256.insert(id.index(), rejected.sha256);
                self.files.push(rejected.file);
                self.origins.push(Origin::User);
                self.load_errors.push(
                    Diagnostic::new(
                        load::PARSE_CODE,
                        load::PARSE_NAME,
                        Severity::Error,
                        id,
                        span,
                        rejected.message,
                    )
                    .with_help(rejected.help),
                );
                Ok(None)
            }
        }
    }

    /// Adds a file, or every `*.yaml`/`*.yml` file below a directory.
    pub fn load_path(&mut self, path: &Path) -> Result<Vec<EntryId>, ReadError> {
        let meta = std::fs::metadata(path).map_err(|source| ReadError::Io {
            path: path.to_owned(),
            source,
        })?;
        let files = if meta.is_dir() {
            load::yaml_files_below(path)?
        } else {
            vec![path.to_owned()]
        };
        let mut loaded = Vec::new();
        for file in files {
            loaded.extend(self.load_file(&file)?);
        }
        Ok(loaded)
    }

    /// Loads what a user named: a file, a directory (every `*.yaml`/`*.yml`
    /// below it) or the id of a procedure (a file loaded before, else the
    /// bundled copy, e.g. `rijk/klacht`). Returns the ids of the entries to
    /// check; a file named twice is read once.
    pub fn load_input(
        &mut self,
        arg: impl AsRef<std::ffi::OsStr>,
    ) -> Result<Vec<EntryId>, ReadError> {
        let path = Path::new(arg.as_ref());
        if std::fs::symlink_metadata(path).is_ok() {
            return self.load_path(path);
        }
        let arg = arg.as_ref().to_string_lossy().into_owned();
        if let Some(i) = self.resolve_index(&arg) {
            return Ok(vec![i]);
        }
        let ids: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| e.origin == Origin::Bundled)
            .map(|e| e.procedure.id.as_str())
            .collect();
        let suggestion = crate::suggest::did_you_mean(&arg, ids.iter().copied());
        Err(ReadError::NotFound { arg, suggestion })
    }

    /// The entry for a procedure id: a user file first, else the bundled copy.
    pub fn resolve(&self, id: &str) -> Option<&Entry> {
        self.resolve_index(id).map(|i| self.entry(i))
    }

    /// Id of the entry [`Library::resolve`] returns.
    pub fn resolve_index(&self, id: &str) -> Option<EntryId> {
        self.by_id.get(id).copied()
    }

    /// The id of the bundled procedure with this id.
    pub fn bundled_index(&self, id: &str) -> Option<EntryId> {
        self.entries
            .iter()
            .position(|e| e.origin == Origin::Bundled && *e.procedure.id == id)
            .map(EntryId::new)
    }

    /// Every entry, in load order (the entry at position `i` has the id
    /// whose [`EntryId::index`] is `i`).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every entry with its id, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (EntryId, &Entry)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (EntryId::new(i), e))
    }

    /// The entry with this id.
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id.0]
    }

    /// Every file read.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The file with this id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// Diagnostics for files that could not be parsed.
    pub fn load_errors(&self) -> &[Diagnostic] {
        &self.load_errors
    }

    /// Load errors of user files only.
    pub fn user_load_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.load_errors
            .iter()
            .filter(|d| self.origins[d.primary.file.index()] == Origin::User)
    }

    /// The user's files that were not read because the files before them
    /// took the library past its size or file limit
    /// ([`Limits::max_library_bytes`], [`Limits::max_library_files`]); the
    /// file that crossed the limit has an error in [`Library::load_errors`].
    pub fn unread(&self) -> usize {
        self.unread
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The SHA-256 of the bytes read of the file at `index` when its text
    /// is not those bytes (a file refused as too large or not UTF-8).
    pub(crate) fn read_sha256(&self, index: usize) -> Option<&str> {
        self.read_sha256.get(&index).map(String::as_str)
    }
}

impl meldroute_diagnostics::Files for Library {
    fn file(&self, id: FileId) -> &SourceFile {
        Library::file(self, id)
    }
}
