//! A set of loaded procedures: files named by the user plus the bundled
//! library, with lookup by id for escalations.

use std::path::Path;

use meldroute_diagnostics::Arg;

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
    /// The scenario it is, when it is one: an index into
    /// [`Library::scenarios`] (its procedure is the base's, changed).
    pub scenario: Option<usize>,
}

/// A caseload file read into the library, checked against the procedures
/// once every file is read ([`Library::apply_scenarios`]).
#[derive(Clone, Debug)]
pub struct CaseloadEntry {
    /// Its file.
    pub file: FileId,
    /// The file as read.
    pub spec: crate::caseload::CaseloadFile,
    /// Where it came from.
    pub origin: Origin,
    /// The caseload, once checked (`None`: not yet, or refused).
    pub caseload: Option<crate::caseload::Caseload>,
    /// Checked already.
    pub tried: bool,
}

/// A scenario file read into the library.
#[derive(Clone, Debug)]
pub struct ScenarioFile {
    /// The file.
    pub file: FileId,
    /// The scenario.
    pub scenario: crate::scenario::Scenario,
    /// Where it came from.
    pub origin: Origin,
    /// Its procedure, once applied to its base ([`Library::apply_scenarios`]);
    /// `None` before, or when it could not be applied (the finding is in
    /// [`Library::load_errors`]).
    pub entry: Option<EntryId>,
    /// The entry it was applied to.
    pub base: Option<EntryId>,
    /// It was tried: applied, or refused.
    tried: bool,
}

/// Loaded files and procedures.
#[derive(Clone, Debug, Default)]
pub struct Library {
    limits: Limits,
    files: Vec<SourceFile>,
    origins: Vec<Origin>,
    entries: Vec<Entry>,
    scenarios: Vec<ScenarioFile>,
    caseloads: Vec<CaseloadEntry>,
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
        self.apply_scenarios();
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
        if crate::scenario::is_scenario(file.text()) {
            self.read_scenario(file, id, origin);
            return None;
        }
        if crate::caseload::is_caseload(file.text()) {
            self.read_caseload(file, id, origin);
            return None;
        }
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
                    scenario: None,
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

    /// Parses the scenario file `file` (id `id`) and keeps it, to be
    /// applied once every file is read ([`Library::apply_scenarios`]).
    #[allow(clippy::result_large_err)] // one per file, never on a hot path
    fn read_scenario(&mut self, file: SourceFile, id: FileId, origin: Origin) {
        let parsed = match origin {
            Origin::User => load::count_file(&file, id, &self.limits, &mut self.used)
                .and_then(|()| crate::scenario::parse(&file, id, &self.limits)),
            Origin::Bundled => crate::scenario::parse(&file, id, &self.limits),
        };
        self.files.push(file);
        self.origins.push(origin);
        if let Ok(s) = &parsed
            && s.format_version.is_none()
        {
            let missing =
                crate::rules::missing_format_version::missing(id, &self.files[id.index()]);
            self.load_errors.push(missing);
        }
        match parsed {
            Ok(scenario) => self.scenarios.push(ScenarioFile {
                file: id,
                scenario,
                origin,
                entry: None,
                base: None,
                tried: false,
            }),
            Err(diag) => self.load_errors.push(diag),
        }
    }

    /// Parses the caseload file `file` (id `id`) and keeps it, to be
    /// checked once every file is read.
    #[allow(clippy::result_large_err)] // one per file, never on a hot path
    fn read_caseload(&mut self, file: SourceFile, id: FileId, origin: Origin) {
        let parsed = match origin {
            Origin::User => load::count_file(&file, id, &self.limits, &mut self.used)
                .and_then(|()| crate::caseload::parse(&file, id, &self.limits)),
            Origin::Bundled => crate::caseload::parse(&file, id, &self.limits),
        };
        self.files.push(file);
        self.origins.push(origin);
        if let Ok(c) = &parsed
            && c.format_version.is_none()
        {
            let missing =
                crate::rules::missing_format_version::missing(id, &self.files[id.index()]);
            self.load_errors.push(missing);
        }
        match parsed {
            Ok(spec) => self.caseloads.push(CaseloadEntry {
                file: id,
                spec,
                origin,
                caseload: None,
                tried: false,
            }),
            Err(diag) => self.load_errors.push(diag),
        }
    }

    /// The caseload files read, in the order read.
    pub fn caseloads(&self) -> &[CaseloadEntry] {
        &self.caseloads
    }

    /// The caseload with id `id` (index into [`Library::caseloads`]): a
    /// user's file first, else the bundled one.
    pub fn caseload_index(&self, id: &str) -> Option<usize> {
        let with_id = |origin| {
            self.caseloads
                .iter()
                .position(|c| c.origin == origin && c.spec.caseload.as_str() == id)
        };
        with_id(Origin::User).or_else(|| with_id(Origin::Bundled))
    }

    /// Checks every caseload read and not yet checked against the
    /// procedures loaded; a caseload that cannot run has its findings in
    /// [`Library::load_errors`].
    fn check_caseloads(&mut self) {
        // A caseload scenario after its base: the caseloads without a base
        // first, then those whose base is checked, round by round (a base
        // that never is, in a loop, is refused at `base`).
        loop {
            let mut progress = false;
            for k in 0..self.caseloads.len() {
                let c = &self.caseloads[k];
                if c.tried {
                    continue;
                }
                let ready = c.spec.base.as_ref().is_none_or(|b| {
                    self.caseload_index(b.as_str())
                        .is_none_or(|i| i != k && self.caseloads[i].tried)
                });
                if !ready {
                    continue;
                }
                match crate::caseload::resolve(self, &c.spec, c.file) {
                    Ok(resolved) => self.caseloads[k].caseload = Some(resolved),
                    Err(errors) => self.load_errors.extend(errors),
                }
                self.caseloads[k].tried = true;
                progress = true;
            }
            if !progress {
                break;
            }
        }
        for k in 0..self.caseloads.len() {
            if self.caseloads[k].tried {
                continue;
            }
            self.caseloads[k].tried = true;
            let c = &self.caseloads[k];
            if let Some(base) = &c.spec.base {
                let d = crate::caseload::finding(
                    &self.files[c.file.index()],
                    c.file,
                    base.pos,
                    "caseload scenario {id} builds on itself (through {base})",
                )
                .with_arg("id", Arg::id(c.spec.caseload.as_str()))
                .with_arg("base", Arg::id(base.as_str()))
                .with_help(
                    "give one of the caseloads in the loop its own period, procedures and pools",
                );
                self.load_errors.push(d);
            }
        }
    }

    /// The scenario files read, in the order read.
    pub fn scenarios(&self) -> &[ScenarioFile] {
        &self.scenarios
    }

    /// Applies every scenario read and not yet applied to its base (a
    /// scenario it builds on first); each becomes an entry whose procedure
    /// has the scenario's id. A scenario that cannot be applied has its
    /// finding in [`Library::load_errors`]. Call it once the files are
    /// read: a scenario's base may be in a file read after it.
    pub fn apply_scenarios(&mut self) {
        for k in 0..self.scenarios.len() {
            self.apply_scenario(k, &mut Vec::new());
        }
        self.check_caseloads();
    }

    /// Applies scenario `k` (`building`: the scenarios whose bases are
    /// being applied, to refuse one that builds on itself).
    fn apply_scenario(&mut self, k: usize, building: &mut Vec<usize>) -> Option<EntryId> {
        if self.scenarios[k].tried {
            return self.scenarios[k].entry;
        }
        let sf = self.scenarios[k].clone();
        let (s, file) = (&sf.scenario, sf.file);
        let source = self.files[file.index()].clone();
        let at =
            |pos, message: &str| crate::scenario::finding(&source, file, pos, message.to_owned());
        if building.contains(&k) {
            self.refuse_scenario(
                k,
                at(
                    s.base.pos,
                    "scenario {id} builds on itself (through {base})",
                )
                .with_arg("id", Arg::id(s.scenario.as_str()))
                .with_arg("base", Arg::id(s.base.as_str()))
                .with_help("give one of the scenarios in the loop a procedure as its base"),
            );
            return None;
        }
        if let Some(why) = crate::id::problem(crate::id::IdKind::Procedure, &s.scenario) {
            let d = at(s.scenario.pos, "scenario id {id} is not valid: {why}")
                .with_arg("id", Arg::id(s.scenario.as_str()))
                .with_arg("why", Arg::text(why))
                .with_help(crate::id::IdKind::Procedure.syntax());
            self.refuse_scenario(k, d);
            return None;
        }
        building.push(k);
        let base = self.scenario_base(k, building);
        building.pop();
        let Some(base) = base else {
            if !self.scenarios[k].tried {
                let mut ids: Vec<String> = self.by_id.keys().cloned().collect();
                ids.sort();
                let d = at(s.base.pos, "base {base} is not loaded")
                    .with_arg("base", Arg::id(s.base.as_str()))
                    .with_help("name a procedure (`meldroute list` shows the bundled ones) or a scenario, and give its file too");
                let d = crate::rules::did_you_mean(d, &s.base, ids.iter().map(String::as_str));
                self.refuse_scenario(k, d);
            }
            return None;
        };
        if let Some(&other) = self.by_id.get(s.scenario.as_str()) {
            let e = &self.entries[other.0];
            // A user's scenario may replace a bundled scenario, never a procedure.
            if !(sf.origin == Origin::User && e.origin == Origin::Bundled && e.scenario.is_some()) {
                let d = at(
                    s.scenario.pos,
                    "scenario id {id} is already the id of a procedure in {file}",
                )
                .with_arg("id", Arg::id(s.scenario.as_str()))
                .with_arg("file", Arg::text(self.files[e.file.index()].name()))
                .with_help("give the scenario an id of its own, e.g. `scenarios/...`");
                self.refuse_scenario(k, d);
                return None;
            }
        }
        let errors = |lib: &Library, e: EntryId| {
            crate::catalogue::check(lib, &[e])
                .into_iter()
                .find(|d| d.severity == Severity::Error)
        };
        if let Some(first) = errors(self, base) {
            let d = at(
                s.base.pos,
                "base {base} has errors; fix them first: {error}",
            )
            .with_arg("base", Arg::id(s.base.as_str()))
            .with_arg(
                "error",
                Arg::text(meldroute_diagnostics::render::message(&first)),
            )
            .with_help("`meldroute validate` shows the base's errors with their places");
            self.refuse_scenario(k, d);
            return None;
        }
        let derived = crate::scenario::derived(&self.entries[base.0].procedure, s);
        let entry = EntryId::new(self.entries.len());
        self.entries.push(Entry {
            file: self.entries[base.0].file,
            procedure: derived,
            origin: sf.origin,
            scenario: Some(k),
        });
        for change in &s.changes {
            let applied = crate::scenario::apply(
                &mut self.entries[entry.0].procedure,
                s,
                change,
                &source,
                file,
            );
            let refused = match applied {
                Err(d) => Some(d),
                Ok(()) => errors(self, entry).map(|first| {
                    at(
                        change.pos,
                        "after this change of step {step}, the procedure has an error: {error}",
                    )
                    .with_arg("step", Arg::id(change.step.as_str()))
                    .with_arg(
                        "error",
                        Arg::text(meldroute_diagnostics::render::message(&first)),
                    )
                    .with_help(
                        meldroute_diagnostics::render::help(&first).unwrap_or_else(|| {
                            "change the scenario so that the procedure stays valid".to_owned()
                        }),
                    )
                }),
            };
            if let Some(d) = refused {
                self.entries.pop();
                self.refuse_scenario(k, d);
                return None;
            }
        }
        let resolves = match self.by_id.get(s.scenario.as_str()) {
            None => true,
            Some(&earlier) => self.entries[earlier.0].origin == Origin::Bundled,
        };
        if resolves {
            self.by_id.insert(s.scenario.value.clone(), entry);
        }
        let sf = &mut self.scenarios[k];
        sf.tried = true;
        sf.entry = Some(entry);
        sf.base = Some(base);
        Some(entry)
    }

    /// The entry of scenario `k`'s base: a scenario of that id (applied
    /// first; the user's before a bundled one), else a procedure.
    fn scenario_base(&mut self, k: usize, building: &mut Vec<usize>) -> Option<EntryId> {
        let base = self.scenarios[k].scenario.base.value.clone();
        let named: Vec<usize> = (0..self.scenarios.len())
            .filter(|&j| j != k && self.scenarios[j].scenario.scenario.value == base)
            .collect();
        let pick = named
            .iter()
            .copied()
            .find(|&j| self.scenarios[j].origin == Origin::User)
            .or_else(|| named.first().copied());
        match pick {
            Some(j) => {
                let got = self.apply_scenario(j, building);
                if got.is_none() && building.contains(&j) {
                    // The loop was reported at `j`'s base; this one is refused with it.
                    self.scenarios[k].tried = true;
                }
                got
            }
            None => self.resolve_index(&base),
        }
    }

    /// Scenario `k` cannot be applied, for the reason `d`.
    fn refuse_scenario(&mut self, k: usize, d: Diagnostic) {
        self.scenarios[k].tried = true;
        self.load_errors.push(d);
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
