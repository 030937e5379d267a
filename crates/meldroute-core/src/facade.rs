//! Validate, then run: the calls a program makes on a [`Library`]. Each
//! checks the procedures it is given (load errors of the user's files and
//! errors of the validation rules) before it compiles or simulates them, so
//! no caller runs a journey through a broken file.
//!
//! ```
//! use meldroute_core::{Library, Limits, sim::SimOptions};
//!
//! let lib = Library::with_bundled(Limits::default());
//! let report = lib.simulate("rijk/klacht", &SimOptions { runs: 1_000, ..SimOptions::default() })?;
//! assert_eq!(report.runs, 1_000);
//! # Ok::<(), meldroute_core::Error>(())
//! ```

use crate::catalogue;
use crate::compare::{self, CompareError, Compared};
use crate::diag::{self, Diagnostic, Severity};
use crate::gaps::{self, Finding, GapOptions};
use crate::library::{EntryId, Library};
use crate::sim::{self, CompileError, SimError, SimModel, SimOptions, SimReport};

/// Why a call on a [`Library`] did not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No loaded procedure has this id.
    #[error("no procedure `{0}` is loaded")]
    UnknownProcedure(String),
    /// The procedures have errors: load errors and findings of the
    /// validation rules with severity error, in a stable order.
    #[error("the procedures have {} error(s); fix them first", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// A valid procedure could not be compiled for simulation.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The simulation could not run.
    #[error(transparent)]
    Simulate(#[from] SimError),
    /// The comparison could not run.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// The caseload could not run.
    #[error(transparent)]
    Caseload(#[from] sim::des::CaseloadError),
}

/// A procedure named by its library entry or by its id.
pub trait ProcedureRef {
    /// The library entry of the procedure.
    fn index_in(&self, library: &Library) -> Result<EntryId, Error>;
}

impl ProcedureRef for EntryId {
    fn index_in(&self, _: &Library) -> Result<EntryId, Error> {
        Ok(*self)
    }
}

impl ProcedureRef for &str {
    fn index_in(&self, library: &Library) -> Result<EntryId, Error> {
        library
            .resolve_index(self)
            .ok_or_else(|| Error::UnknownProcedure((*self).to_owned()))
    }
}

impl Library {
    /// What stops `targets` from running: the load errors of the user's
    /// files and the validation errors of `targets` (warnings left out), in
    /// a stable order. Empty when they can run.
    pub fn errors(&self, targets: &[EntryId]) -> Vec<Diagnostic> {
        let mut errors: Vec<Diagnostic> = self.user_load_errors().cloned().collect();
        errors.extend(catalogue::check(self, targets));
        errors.retain(|d| d.severity == Severity::Error);
        diag::sort(&mut errors);
        errors
    }

    /// [`Library::errors`] of each target checked on its own (with the
    /// procedures it escalates into): alternatives side by side, such as a
    /// procedure and the same procedure fitted to real cases
    /// (`meldroute fit`), may share an id.
    pub fn errors_apart(&self, targets: &[EntryId]) -> Vec<Diagnostic> {
        let mut errors: Vec<Diagnostic> = self.user_load_errors().cloned().collect();
        for &t in targets {
            errors.extend(catalogue::check(self, &[t]));
        }
        errors.retain(|d| d.severity == Severity::Error);
        diag::sort(&mut errors);
        errors.dedup_by(|a, b| a == b);
        errors
    }

    /// `Ok` when `targets` can run, else [`Error::Invalid`] with the errors.
    pub fn validated(&self, targets: &[EntryId]) -> Result<(), Error> {
        let errors = self.errors(targets);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(errors))
        }
    }

    /// Caseload `k` of [`Library::caseloads`], checked (its own findings
    /// and those of the procedures it runs) and compiled.
    pub fn caseload_model(&self, k: usize) -> Result<sim::des::CaseModel, Error> {
        let entry = &self.caseloads()[k];
        let Some(caseload) = &entry.caseload else {
            let mut errors: Vec<Diagnostic> = self.user_load_errors().cloned().collect();
            errors.retain(|d| d.severity == Severity::Error);
            diag::sort(&mut errors);
            return Err(Error::Invalid(errors));
        };
        let targets: Vec<EntryId> = caseload.flows.iter().map(|f| f.entry).collect();
        self.validated(&targets)?;
        Ok(sim::des::CaseModel::compile(self, caseload)?)
    }

    /// The valid `procedure`, compiled for simulation (with the procedures
    /// it escalates to).
    pub fn model(&self, procedure: impl ProcedureRef) -> Result<SimModel, Error> {
        let target = procedure.index_in(self)?;
        self.validated(&[target])?;
        Ok(SimModel::compile(self, target)?)
    }

    /// Simulates journeys through the valid `procedure`.
    pub fn simulate(
        &self,
        procedure: impl ProcedureRef,
        opts: &SimOptions,
    ) -> Result<SimReport, Error> {
        self.simulate_with_progress(procedure, opts, &|_| {})
    }

    /// [`Library::simulate`], calling `progress` with the number of
    /// journeys done as batches finish.
    pub fn simulate_with_progress(
        &self,
        procedure: impl ProcedureRef,
        opts: &SimOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<SimReport, Error> {
        let model = self.model(procedure)?.dated(opts.start);
        let agg = sim::simulate(&model, opts, progress)?;
        Ok(SimReport::new(&model, opts, &agg))
    }

    /// The gap findings of the valid `targets`, with the rules `keep` says
    /// yes to, in a stable order.
    pub fn gaps(
        &self,
        targets: &[EntryId],
        opts: &GapOptions,
        keep: &dyn Fn(&crate::meta::RuleMeta) -> bool,
    ) -> Result<Vec<Finding>, Error> {
        self.gaps_with(targets, opts, keep, &mut |_, _| {})
    }

    /// [`Library::gaps`], handing each target's simulation report to
    /// `simulated` (for how many journeys ran, and whether a precision
    /// target was met) before it is dropped.
    pub fn gaps_with(
        &self,
        targets: &[EntryId],
        opts: &GapOptions,
        keep: &dyn Fn(&crate::meta::RuleMeta) -> bool,
        simulated: &mut dyn FnMut(EntryId, &SimReport),
    ) -> Result<Vec<Finding>, Error> {
        self.validated(targets)?;
        Ok(gaps::analyse_with(
            self,
            targets,
            opts,
            keep,
            &mut |t, s| simulated(t, &s.report),
        ))
    }

    /// The valid `targets` side by side: one comparison per target, in the
    /// order given, each with the figures and findings behind it, and with
    /// `distributions`, the distributions of its journeys (for plots).
    pub fn compare(
        &self,
        targets: &[EntryId],
        opts: &GapOptions,
        distributions: bool,
    ) -> Result<Vec<Compared>, Error> {
        // Each is checked on its own: the procedures compared are
        // alternatives, and two of them may have one id (a procedure and
        // its fit), each row then named by its file too.
        let errors = self.errors_apart(targets);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let mut compared = compare::compare_detailed(self, targets, opts, distributions)?;
        let ids: Vec<String> = compared.iter().map(|c| c.row.procedure.clone()).collect();
        for c in &mut compared {
            if ids.iter().filter(|id| **id == c.row.procedure).count() > 1 {
                let file = self.file(self.entry(c.entry).file).name();
                let name = std::path::Path::new(file)
                    .file_name()
                    .map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned());
                c.row.procedure = format!("{} ({name})", c.row.procedure);
            }
        }
        Ok(compared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Origin;
    use crate::load::Limits;
    use crate::source::SourceFile;

    fn quick() -> SimOptions {
        SimOptions {
            runs: 2_000,
            ..SimOptions::default()
        }
    }

    #[test]
    fn simulates_a_bundled_procedure_by_id_or_index() {
        let lib = Library::with_bundled(Limits::default());
        let by_id = lib.simulate("rijk/klacht", &quick()).expect("runs");
        let index = lib.resolve_index("rijk/klacht").expect("bundled");
        let by_index = lib.simulate(index, &quick()).expect("runs");
        assert_eq!(by_id.runs, 2_000);
        assert_eq!(by_id.lead_time_days.mean, by_index.lead_time_days.mean);
    }

    #[test]
    fn refuses_an_unknown_id() {
        let lib = Library::with_bundled(Limits::default());
        let err = lib
            .simulate("rijk/klachten", &quick())
            .expect_err("unknown");
        assert!(matches!(err, Error::UnknownProcedure(ref id) if id == "rijk/klachten"));
    }

    #[test]
    fn refuses_an_invalid_procedure_with_its_errors_in_order() {
        let mut lib = Library::with_bundled(Limits::default());
        let text = crate::tester::splice(
            crate::tester::BASE,
            "  onderzoek: {title: Onderzoek, actor: orgg, kind: investigation, duration: 4w, basis: policy, next: tussentijd}\n",
        );
        let t = lib
            .load_source(SourceFile::new("kapot.yaml", text), Origin::User)
            .expect("loads");
        let Err(Error::Invalid(errors)) = lib.simulate(t, &quick()) else {
            panic!("an invalid procedure must not run");
        };
        let codes: Vec<&str> = errors.iter().map(|d| d.code).collect();
        // In file order: the unknown actor and step on line 24, then the
        // steps that the broken `next` leaves unreachable.
        assert_eq!(codes[..2], ["MR002", "MR001"], "{errors:#?}");
        assert!(codes[2..].iter().all(|&c| c == "MR004"), "{codes:?}");
        assert!(errors.iter().all(|d| d.severity == Severity::Error));
        assert!(matches!(
            lib.gaps(&[t], &GapOptions::default(), &|_| true),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            lib.compare(&[t], &GapOptions::default(), false),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn a_load_error_stops_every_run() {
        let mut lib = Library::with_bundled(Limits::default());
        lib.load_source(SourceFile::new("kapot.yaml", "id: [\n"), Origin::User);
        let err = lib
            .simulate("rijk/klacht", &quick())
            .expect_err("load error");
        assert!(matches!(err, Error::Invalid(ref e) if e[0].code == crate::load::PARSE_CODE));
    }
}
