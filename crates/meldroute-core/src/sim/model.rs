//! A procedure and every procedure its escalations reach, flattened into
//! arrays of steps for fast simulation.

use std::collections::HashMap;

use super::sample::Sampler;
use crate::condition::{self, Expr, Op, Var};
use crate::library::{EntryId, Library};
use crate::model::{
    Branch, Deadline, Escalate, Located, Next, Outcome, Procedure, Role, Scope, Step, StepKind,
};

/// Why a procedure cannot be simulated (validation reports these first).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    /// A procedure id that is not loaded.
    #[error("procedure `{0}` is not loaded")]
    UnknownProcedure(String),
    /// A reference to a step that does not exist.
    #[error("procedure `{procedure}` has no step `{step}`")]
    UnknownStep {
        /// The procedure.
        procedure: String,
        /// The missing step.
        step: String,
    },
    /// A step without `next`, `escalate` or `outcome`.
    #[error("step `{step}` of `{procedure}` has no way on")]
    DeadEnd {
        /// The procedure.
        procedure: String,
        /// The step.
        step: String,
    },
    /// A procedure without `start`.
    #[error("procedure `{0}` has no start")]
    NoStart(String),
    /// A condition that does not parse, or an alternative list without
    /// its `otherwise` last (validation reports these first, MR027).
    #[error("step `{step}` of `{procedure}` has an invalid condition")]
    Condition {
        /// The procedure.
        procedure: String,
        /// The step.
        step: String,
    },
    /// More attributes over the procedures a journey reaches than a
    /// journey carries ([`MAX_ATTRIBUTES`]).
    #[error(
        "the procedures a journey from `{0}` reaches declare more than {MAX_ATTRIBUTES} attributes"
    )]
    TooManyAttributes(String),
}

/// Most attributes a journey carries, over every procedure it can reach.
pub const MAX_ATTRIBUTES: usize = 16;

/// An attribute a journey has not drawn yet.
pub const UNDRAWN: u8 = u8::MAX;

/// Where the journey goes after a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Go {
    /// To this step.
    Step(u32),
    /// To one of the branches `branches[from..from + len]`.
    Branch {
        /// First branch.
        from: u32,
        /// Number of branches.
        len: u32,
    },
    /// By the first of `choices[from..from + len]` whose condition holds
    /// on the journey (the last has none); each is a [`Go::Step`] or a
    /// [`Go::Branch`].
    Choose {
        /// First choice.
        from: u32,
        /// Number of choices.
        len: u32,
    },
    /// Into another procedure, at this step.
    Escalate {
        /// The entry step.
        step: u32,
        /// The procedure entered.
        procedure: u32,
    },
    /// The journey ends.
    End(Outcome),
}

/// One alternative of a [`Go::Choose`]: where the journey goes when its
/// condition holds.
#[derive(Clone, Debug)]
pub struct SimChoice {
    /// The condition, attributes numbered as [`SimModel::attributes`];
    /// `None`: always (the `otherwise`).
    pub when: Option<Expr<u32>>,
    /// A [`Go::Step`] or a [`Go::Branch`].
    pub go: Go,
}

/// An attribute of the journeys, over the procedures of the model.
#[derive(Clone, Debug)]
pub struct SimAttribute {
    /// Its name.
    pub name: String,
    /// Its values, numbered by their place here.
    pub values: Vec<String>,
}

/// The report's scope as journeys of the model carry it: the attribute
/// [`crate::model::SCOPE_ATTRIBUTE`] of the procedure simulated.
#[derive(Clone, Debug)]
pub struct SimScope {
    /// The attribute ([`SimModel::attributes`]).
    pub attribute: u32,
    /// The scope of each of its values, numbered as the attribute's.
    pub scopes: Vec<Scope>,
}

impl SimScope {
    /// The scope of the journeys of `model`, whose procedure simulated is
    /// `root`: when `root` declares the attribute and each of its values
    /// names a scope (validation sees to it, MR028).
    fn of(model: &SimModel, root: &Procedure) -> Option<SimScope> {
        root.attributes.get(crate::model::SCOPE_ATTRIBUTE)?;
        let attribute = model
            .attributes
            .iter()
            .position(|a| a.name == crate::model::SCOPE_ATTRIBUTE)?;
        let scopes = model.attributes[attribute]
            .values
            .iter()
            .map(|v| Scope::named(v))
            .collect::<Option<Vec<_>>>()?;
        Some(SimScope {
            attribute: attribute as u32,
            scopes,
        })
    }
}

/// An attribute a procedure draws when a journey enters it without one.
#[derive(Clone, Debug)]
pub struct SimDraw {
    /// The attribute ([`SimModel::attributes`]).
    pub attribute: u32,
    /// (cumulative share, value) in the file's order; the last catches
    /// rounding.
    pub values: Vec<(f64, u8)>,
}

/// The names of a step, kept apart from the fields the simulation reads.
#[derive(Clone, Debug)]
pub struct StepName {
    /// Step id in its file.
    pub id: String,
    /// Title.
    pub title: String,
    /// The stage the file names (`stage`); `None`: from the step's kind.
    pub stage: Option<String>,
    /// How a contact reaches the reporter (`channel`).
    pub channel: Option<crate::model::Channel>,
}

/// A step, ready to simulate (only what the inner loop reads).
#[derive(Clone, Debug)]
pub struct SimStep {
    /// Index into [`SimModel::procedures`].
    pub procedure: u32,
    /// Index into [`SimModel::actors`]; the reporter of every procedure is actor 0.
    pub actor: u32,
    /// Kind.
    pub kind: StepKind,
    /// A contact with the reporter.
    pub contact: bool,
    /// Tells the reporter what was done (see [`crate::model::Step::is_feedback`]).
    pub feedback: bool,
    /// Duration distribution.
    pub duration: Sampler,
    /// Way on.
    pub go: Go,
    /// Index into [`SimModel::deadlines`] when the step has a deadline.
    pub deadline: Option<u32>,
    /// Some deadline counts from this step's completion.
    pub deadline_source: bool,
    /// Interim updates while the step runs.
    pub updates: Option<SimUpdates>,
    /// Its duration is in working days of this calendar (an index into
    /// [`SimModel::calendars`]), [`NOT_WORKING`] when in calendar days.
    /// `duration` draws it in calendar days already, at the calendar's mean
    /// ratio; on dates ([`SimModel::dates`]) the walk counts the working
    /// days on the calendar instead.
    pub working: u32,
    /// The step reaches the reporter only with their identity: an
    /// anonymous journey has no contact, feedback or aftercare from it.
    pub needs_identity: bool,
    /// The journey counts its visits to this step in this counter (a
    /// condition reads them), [`NO_COUNTER`] when none does.
    pub counter: u32,
    /// The risk of retaliation on a visit.
    pub risk: Option<Risk>,
}

/// A risk of retaliation on a visit of a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Risk {
    /// This probability per visit.
    PerVisit(f64),
    /// This rate per day while the step runs.
    PerDay(f64),
}

impl Risk {
    /// The probability that a visit of `days` brings retaliation.
    #[inline]
    pub fn probability(self, days: f64) -> f64 {
        match self {
            Risk::PerVisit(p) => p,
            Risk::PerDay(rate) => -(-rate * days.max(0.0)).exp_m1(),
        }
    }

    /// The risk a file's `retaliation` says, if it says one.
    fn of(r: &crate::model::Retaliation) -> Option<Risk> {
        match (&r.per_visit, &r.per_day) {
            (Some(p), None) => Some(Risk::PerVisit(p.value.0)),
            (None, Some(rate)) => Some(Risk::PerDay(rate.value)),
            _ => None,
        }
    }
}

/// [`SimStep::counter`] of a step whose visits no condition reads.
pub const NO_COUNTER: u32 = u32::MAX;

/// [`SimStep::working`] of a step whose duration is in calendar days.
pub const NOT_WORKING: u32 = u32::MAX;

/// The working days of an actor in the model.
#[derive(Clone, Debug)]
pub struct SimCalendar {
    /// The calendar.
    pub calendar: crate::calendar::WorkCalendar,
    /// Calendar days per working day on it, over the 100 years from
    /// 2001-01-01 ([`working_day_ratio`]): how a working day counts
    /// without dates.
    pub ratio: f64,
}

/// Calendar days per working day of `calendar`, over the 100 years from
/// 2001-01-01 to 2100-12-31 (36,524 days, 4 leap cycles less one): about
/// 1.444 for the Rijk (253 working days a year), 1.4 for Monday to Friday.
pub fn working_day_ratio(calendar: &crate::calendar::WorkCalendar) -> f64 {
    let (a, b) = (jiff::civil::date(2001, 1, 1), jiff::civil::date(2101, 1, 1));
    let days = b.since(a).map_or(36_524, |s| s.get_days());
    let working = calendar.working_days_between(a, b).max(1);
    f64::from(days) / f64::from(working)
}

/// A model run on dates: every journey starts on `origin` (in the
/// independent mode), or on its arrival date (in a caseload); working days
/// follow each calendar day by day, and the legal terms end where the
/// Algemene termijnenwet ends them ([`super::dates`]).
pub type Dated = std::sync::Arc<super::dates::Dates>;

/// Interim updates of a step: contacts at `first`, `first + every`, ...
/// days after the step starts, while it runs.
#[derive(Clone, Copy, Debug)]
pub struct SimUpdates {
    /// Days between two updates (above zero).
    pub every: f64,
    /// Days from the step's start to the first update.
    pub first: f64,
    /// The updates are feedback (Directive art. 5(13)).
    pub feedback: bool,
}

impl SimUpdates {
    /// The updates of a step that starts at `start` and takes `days`:
    /// `first`, `first + every`, ... after its start and strictly before
    /// its end; `None` when the step ends before the first. The one
    /// definition the simulation, the traced journeys and the exact
    /// expectations ([`super::exact`]) share; computed at once, never by
    /// a loop over the updates, whose number the file does not bound.
    #[inline]
    pub fn during(&self, start: f64, days: f64) -> Option<UpdateTimes> {
        if self.first >= days || self.every <= 0.0 {
            return None;
        }
        // n updates at first + k * every, k < n, all before `days`.
        let n = ((days - self.first) / self.every).ceil().max(1.0);
        Some(UpdateTimes {
            first: start + self.first,
            every: self.every,
            count: n.min(u64::MAX as f64) as u64,
            feedback: self.feedback,
        })
    }
}

/// Most terms [`SimUpdates::expected_count`] adds before it gives up.
const MAX_TERMS: u64 = 10_000_000;

impl SimUpdates {
    /// The expected number of updates during one visit of a step whose
    /// duration is `d`: the mean of [`SimUpdates::during`]'s `count`, which
    /// is the number of `k` with `first + k * every < D`, so
    /// `E = sum over k of P(D > first + k * every)`. Exact for a fixed,
    /// empirical and exponential duration (a geometric series), a finite
    /// sum for a uniform and triangular one; for a lognormal, the sum until
    /// a term falls below 1e-13 of the sum, the rest from the integral that
    /// bounds it, within half that term (relative error under 1e-13).
    /// `None` when that takes more than ten million terms.
    pub fn expected_count(&self, d: &Sampler) -> Option<f64> {
        let count = |days: f64| self.during(0.0, days).map_or(0.0, |u| u.count as f64);
        match d {
            Sampler::Fixed(days) => Some(count(*days)),
            Sampler::Empirical(s) => {
                Some(s.iter().map(|&days| count(days)).sum::<f64>() / s.len().max(1) as f64)
            }
            Sampler::Exponential { mean } => {
                Some((-self.first / mean).exp() / -(-self.every / mean).exp_m1())
            }
            _ => {
                let mut sum = 0.0f64;
                for k in 0..MAX_TERMS {
                    let at = self.first + k as f64 * self.every;
                    let s = d.survival(at);
                    if s <= 1e-13 * sum.max(1.0) {
                        // The rest, the terms from `at` on, lies between
                        // the integral of the survival beyond `at` over
                        // `every` and that plus `s`: take the middle.
                        let integral = match d {
                            Sampler::Lognormal { mu, sigma } => {
                                partial_expectation(*mu, *sigma, at) / self.every
                            }
                            // Bounded: nothing beyond `at` worth counting.
                            _ => 0.0,
                        };
                        return Some(sum + integral + s / 2.0);
                    }
                    sum += s;
                }
                None
            }
        }
    }
}

/// `E[(D - c)+]` of a lognormal `D` with parameters `mu`, `sigma`.
fn partial_expectation(mu: f64, sigma: f64, c: f64) -> f64 {
    let mean = (mu + sigma * sigma / 2.0).exp();
    if c <= 0.0 {
        return mean - c;
    }
    let phi = |z: f64| 0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2);
    let z = (c.ln() - mu) / sigma;
    (mean * phi(sigma - z) - c * phi(-z)).max(0.0)
}

/// The updates during one visit of a step: `count` contacts, the first at
/// `first` (days since the journey started), then every `every`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UpdateTimes {
    /// Days since the journey started, of the first update.
    pub first: f64,
    /// Days between two updates.
    pub every: f64,
    /// How many (at least one).
    pub count: u64,
    /// They are feedback (Directive art. 5(13)).
    pub feedback: bool,
}

impl UpdateTimes {
    /// The time of update `k` (0: the first).
    pub fn at(&self, k: u64) -> f64 {
        self.first + k as f64 * self.every
    }

    /// The time of the last update.
    pub fn last(&self) -> f64 {
        self.at(self.count - 1)
    }

    /// The longest silence between two of them (0 for one update).
    pub fn gap(&self) -> f64 {
        if self.count > 1 { self.every } else { 0.0 }
    }
}

/// A procedure in the model.
#[derive(Clone, Debug)]
pub struct SimProcedure {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The library entry it came from.
    pub entry: EntryId,
    /// The share of journeys starting here that are anonymous.
    pub anonymous: f64,
    /// The attributes a journey draws when it enters without them.
    pub draws: Vec<SimDraw>,
}

/// A deadline in the model.
#[derive(Clone, Debug)]
pub struct SimDeadline {
    /// The step that must complete in time.
    pub step: u32,
    /// Limit in days.
    pub within: f64,
    /// Counted from this step's completion; `None`: from entering the procedure.
    pub from: Option<u32>,
    /// The rule.
    pub basis: String,
}

/// The flattened model of a journey that starts in one procedure.
#[derive(Clone, Debug)]
pub struct SimModel {
    /// Procedures, the starting one first.
    pub procedures: Vec<SimProcedure>,
    /// Actor titles: index 0 is the reporter (in every procedure), then the
    /// other actors of each procedure.
    pub actors: Vec<String>,
    /// All steps of all procedures.
    pub steps: Vec<SimStep>,
    /// Their ids and titles, in the same order.
    pub names: Vec<StepName>,
    /// Branches as (cumulative probability, target step).
    pub branches: Vec<(f64, u32)>,
    /// Deadlines.
    pub deadlines: Vec<SimDeadline>,
    /// The first step.
    pub start: u32,
    /// The working-day calendars the steps in working days use.
    pub calendars: Vec<SimCalendar>,
    /// The dates the model runs on, if any ([`SimModel::on_dates`]).
    pub dates: Option<Dated>,
    /// The alternatives of every [`Go::Choose`].
    pub choices: Vec<SimChoice>,
    /// The attributes journeys carry.
    pub attributes: Vec<SimAttribute>,
    /// The report's scope, when the procedure simulated draws it: the
    /// figures of the norms that bind by scope are then counted per scope
    /// ([`super::Aggregate::by_scope`]).
    pub scope: Option<SimScope>,
    /// Visit counters a journey keeps ([`SimStep::counter`]).
    pub counters: u32,
    /// Some journey carries state to draw, count or meet: anonymity,
    /// attributes, visit counters or a risk of retaliation
    /// ([`SimModel::compile`] sets it). A model without any is walked by a
    /// walk without the reporter's state (`walk::walk`), as fast as before
    /// there was any.
    pub stateful: bool,
    /// The parameters of the reporter's experience score (the defaults of
    /// docs/experience.md unless a run sets them).
    pub experience: crate::experience::Weights,
}

impl SimModel {
    /// Flattens the procedure at `entry` and every procedure its
    /// escalations reach (resolved through `library`).
    pub fn compile(library: &Library, entry: EntryId) -> Result<SimModel, CompileError> {
        let reach = Reach::collect(library, entry)?;
        let root = &library.entry(entry).procedure;
        let mut lowering = Lowering {
            library,
            model: SimModel::empty(root, reach.steps),
            reach,
            actor_index: HashMap::new(),
        };
        for pi in 0..lowering.reach.procs.len() {
            lowering.procedure(pi)?;
        }
        let mut model = lowering.model;
        model.mark_deadline_sources();
        model.stateful = model.counters > 0
            || model.has_risk()
            || model
                .procedures
                .iter()
                .any(|p| p.anonymous > 0.0 || !p.draws.is_empty());
        model.scope = SimScope::of(&model, root);
        // The root's steps come first.
        model.start = step_index(root, 0, start_of(root)?)?;
        Ok(model)
    }

    /// A model with room for `steps` steps and nothing in it yet but actor
    /// 0, the reporter (named as in `root`).
    fn empty(root: &Procedure, steps: usize) -> SimModel {
        let reporter = root
            .actors
            .iter()
            .find(|(_, a)| *a.role == Role::Reporter)
            .map_or_else(|| "reporter".to_owned(), |(_, a)| a.title.clone());
        SimModel {
            procedures: Vec::new(),
            actors: vec![reporter],
            steps: Vec::with_capacity(steps),
            names: Vec::with_capacity(steps),
            branches: Vec::new(),
            deadlines: Vec::new(),
            start: 0,
            calendars: Vec::new(),
            dates: None,
            choices: Vec::new(),
            attributes: Vec::new(),
            scope: None,
            counters: 0,
            stateful: false,
            experience: crate::experience::Weights::default(),
        }
    }

    /// The alternatives of [`Go::Choose`] `{ from, len }`.
    #[inline]
    pub fn choices_of(&self, from: u32, len: u32) -> &[SimChoice] {
        &self.choices[from as usize..(from + len) as usize]
    }

    /// True when some step carries a risk of retaliation.
    pub fn has_risk(&self) -> bool {
        self.steps.iter().any(|s| s.risk.is_some())
    }

    /// True when some journey may be anonymous.
    pub fn has_anonymity(&self) -> bool {
        self.procedures.iter().any(|p| p.anonymous > 0.0)
    }

    /// The model on dates from `origin` (a span of `span_days` kept in
    /// tables; later dates are computed as needed).
    pub fn on_dates(mut self, origin: crate::calendar::Date, span_days: u32) -> SimModel {
        self.dates = Some(std::sync::Arc::new(super::dates::Dates::new(
            &self.calendars,
            origin,
            span_days,
        )));
        self
    }

    /// Marks the steps that some deadline counts from.
    fn mark_deadline_sources(&mut self) {
        for f in self.deadlines.iter().filter_map(|d| d.from) {
            self.steps[f as usize].deadline_source = true;
        }
    }

    /// The branches of [`Go::Branch`] `{ from, len }`, as (cumulative
    /// probability, target step).
    #[inline]
    pub fn branches_of(&self, from: u32, len: u32) -> &[(f64, u32)] {
        &self.branches[from as usize..(from + len) as usize]
    }

    /// The probability of each branch of [`Go::Branch`] `{ from, len }`,
    /// with its target step; the last branch has what the others leave.
    pub fn branch_probabilities(
        &self,
        from: u32,
        len: u32,
    ) -> impl Iterator<Item = (f64, u32)> + '_ {
        let branches = self.branches_of(from, len);
        branches
            .iter()
            .enumerate()
            .scan(0.0, move |prev: &mut f64, (k, &(cum, to))| {
                let p = if k + 1 == branches.len() {
                    1.0 - *prev
                } else {
                    cum - *prev
                };
                *prev = cum.min(1.0);
                Some((p, to))
            })
    }

    /// The ways on of `go`: probability and target, in file order; for a
    /// [`Go::Choose`], the ways of every alternative, each with its
    /// probability in its own set (a target may repeat).
    pub fn ways_on(&self, go: &Go) -> Vec<(f64, u32)> {
        match go {
            Go::Step(next) | Go::Escalate { step: next, .. } => vec![(1.0, *next)],
            Go::Branch { from, len } => self.branch_probabilities(*from, *len).collect(),
            Go::Choose { from, len } => self
                .choices_of(*from, *len)
                .iter()
                .flat_map(|c| self.ways_on(&c.go))
                .collect(),
            Go::End(_) => Vec::new(),
        }
    }

    /// `procedure:step` of a step, for people.
    pub fn step_name(&self, step: u32) -> String {
        let s = &self.steps[step as usize];
        format!(
            "{}:{}",
            self.procedures[s.procedure as usize].id, self.names[step as usize].id
        )
    }
}

/// The procedures a journey from one entry can reach by escalation: the
/// entry first, then in the order their escalations are found.
struct Reach {
    /// Their library entries.
    procs: Vec<EntryId>,
    /// The index in `procs` of each library entry.
    index: HashMap<EntryId, u32>,
    /// Where each one's steps start in the flattened steps.
    offsets: Vec<u32>,
    /// Steps of all of them.
    steps: usize,
}

impl Reach {
    /// The procedures reachable from `entry`, and their step offsets.
    fn collect(library: &Library, entry: EntryId) -> Result<Reach, CompileError> {
        let procs = library.reached(&[entry]);
        // Every escalation must resolve: the first that does not, in the
        // order the procedures were found, is the error.
        for &e in &procs {
            for (_, step) in library.entry(e).procedure.steps.iter() {
                if let Some(esc) = &step.escalate {
                    resolve(library, esc)?;
                }
            }
        }
        let index: HashMap<EntryId, u32> = procs
            .iter()
            .enumerate()
            .map(|(i, &e)| (e, i as u32))
            .collect();
        let mut offsets = Vec::with_capacity(procs.len());
        let mut total = 0u32;
        for &e in &procs {
            offsets.push(total);
            total += library.entry(e).procedure.steps.len() as u32;
        }
        Ok(Reach {
            procs,
            index,
            offsets,
            steps: total as usize,
        })
    }
}

/// Flattening in progress: the model so far, and the actors numbered so far.
struct Lowering<'a> {
    library: &'a Library,
    reach: Reach,
    model: SimModel,
    /// The model actor of each (procedure index, actor id).
    actor_index: HashMap<(usize, String), u32>,
}

impl Lowering<'_> {
    /// Adds procedure `pi` of the reach, and its steps.
    fn procedure(&mut self, pi: usize) -> Result<(), CompileError> {
        let library = self.library;
        let e = self.reach.procs[pi];
        let p = &library.entry(e).procedure;
        let draws = self.draws(p)?;
        self.model.procedures.push(SimProcedure {
            id: p.id.value.clone(),
            title: p.title.clone(),
            entry: e,
            anonymous: p.anonymous.as_ref().map_or(0.0, |a| a.share.value.0),
            draws,
        });
        for (key, step) in p.steps.iter() {
            self.step(pi, p, key, step)?;
        }
        Ok(())
    }

    /// Adds `step` (id `key`) of procedure `pi`, `p`.
    fn step(
        &mut self,
        pi: usize,
        p: &Procedure,
        key: &Located<String>,
        step: &Step,
    ) -> Result<(), CompileError> {
        let actor = self.actor(pi, p, step);
        let working = if step.duration.is_working() {
            self.calendar(p, step)
        } else {
            NOT_WORKING
        };
        let duration = match working {
            NOT_WORKING => Sampler::new(&step.duration),
            c => Sampler::new(&step.duration.scaled(self.model.calendars[c as usize].ratio)),
        };
        let go = self.go(pi, p, key, step)?;
        let counts = match go {
            Go::Choose { from, len } => self.model.choices_of(from, len).iter().any(|c| {
                c.when
                    .as_ref()
                    .is_some_and(|w| w.variables().contains(&Var::Visits))
            }),
            _ => false,
        };
        let counter = if counts {
            self.model.counters += 1;
            self.model.counters - 1
        } else {
            NO_COUNTER
        };
        let deadline = match &step.deadline {
            Some(d) => Some(self.deadline(pi, p, d)?),
            None => None,
        };
        self.model.names.push(StepName {
            id: key.value.clone(),
            title: step.title.value.clone(),
            stage: step.stage.as_ref().map(|s| s.value.trim().to_owned()),
            channel: step.channel.as_ref().map(|c| c.value),
        });
        self.model.steps.push(SimStep {
            procedure: pi as u32,
            actor,
            kind: *step.kind,
            contact: step.is_contact(),
            feedback: step.is_feedback(),
            duration,
            go,
            deadline,
            deadline_source: false,
            updates: step.updates.as_ref().map(|u| SimUpdates {
                every: u.every.days(),
                first: u.first_days(),
                feedback: u.feedback,
            }),
            working,
            needs_identity: step.needs_identity,
            counter,
            risk: step
                .retaliation
                .as_ref()
                .or(p.retaliation.as_ref())
                .and_then(|r| Risk::of(r))
                .filter(|r| !matches!(r, Risk::PerVisit(0.0) | Risk::PerDay(0.0))),
        });
        Ok(())
    }

    /// The attributes `p` declares, numbered in the model (each name once
    /// over the procedures, its values in order of first declaration).
    fn draws(&mut self, p: &Procedure) -> Result<Vec<SimDraw>, CompileError> {
        let mut draws = Vec::new();
        for (name, a) in p.attributes.iter() {
            let attrs = &mut self.model.attributes;
            let ai = match attrs.iter().position(|x| x.name == name.value) {
                Some(i) => i,
                None => {
                    if attrs.len() >= MAX_ATTRIBUTES {
                        return Err(CompileError::TooManyAttributes(
                            self.model
                                .procedures
                                .first()
                                .map_or_else(|| p.id.value.clone(), |r| r.id.clone()),
                        ));
                    }
                    attrs.push(SimAttribute {
                        name: name.value.clone(),
                        values: Vec::new(),
                    });
                    attrs.len() - 1
                }
            };
            let mut cum = 0.0;
            let mut values = Vec::new();
            for (v, share) in a.values.iter() {
                let known = &mut attrs[ai].values;
                let vi = known.iter().position(|x| *x == v.value).unwrap_or_else(|| {
                    known.push(v.value.clone());
                    known.len() - 1
                });
                cum += share.value.0;
                values.push((cum, u8::try_from(vi).unwrap_or(UNDRAWN - 1)));
            }
            if let Some(last) = values.last_mut() {
                last.0 = f64::INFINITY;
            }
            draws.push(SimDraw {
                attribute: ai as u32,
                values,
            });
        }
        Ok(draws)
    }

    /// The calendar of `step`'s actor in `p` (the Rijk's without one, or
    /// for a calendar that does not build, which validation refuses), added
    /// to the model on first use.
    fn calendar(&mut self, p: &Procedure, step: &Step) -> u32 {
        let calendar = p
            .actors
            .get(&step.actor)
            .and_then(|a| a.calendar.as_ref())
            .and_then(|spec| spec.build().ok())
            .unwrap_or_else(crate::calendar::WorkCalendar::rijk);
        let calendars = &mut self.model.calendars;
        if let Some(i) = calendars.iter().position(|c| c.calendar == calendar) {
            return i as u32;
        }
        calendars.push(SimCalendar {
            ratio: working_day_ratio(&calendar),
            calendar,
        });
        (calendars.len() - 1) as u32
    }

    /// The model actor of `step` of procedure `pi`: 0 for the reporter (and
    /// an unknown actor), else the procedure's actor, numbered on first use.
    fn actor(&mut self, pi: usize, p: &Procedure, step: &Step) -> u32 {
        match p.actors.get(&step.actor) {
            Some(a) if *a.role == Role::Reporter => 0,
            Some(a) => *self
                .actor_index
                .entry((pi, step.actor.value.clone()))
                .or_insert_with(|| {
                    self.model.actors.push(a.title.clone());
                    (self.model.actors.len() - 1) as u32
                }),
            None => 0,
        }
    }

    /// Where the journey goes after `step` (id `key`) of procedure `pi`.
    fn go(
        &mut self,
        pi: usize,
        p: &Procedure,
        key: &Located<String>,
        step: &Step,
    ) -> Result<Go, CompileError> {
        if let Some(outcome) = &step.outcome {
            return Ok(Go::End(**outcome));
        }
        if let Some(esc) = &step.escalate {
            return self.escalation(esc);
        }
        let invalid = || CompileError::Condition {
            procedure: p.id.value.clone(),
            step: key.value.clone(),
        };
        let mut choices: Vec<SimChoice> = Vec::new();
        if let Some(cap) = &step.max_visits {
            choices.push(SimChoice {
                when: Some(Expr::Compare {
                    var: Var::Visits,
                    op: Op::Ge,
                    value: f64::from(*cap.count),
                }),
                go: Go::Step(self.local(pi, p, &cap.then)?),
            });
        }
        match step.next.as_deref() {
            Some(Next::Conditional(alts)) => {
                let env = condition::Env::of(p);
                for (k, alt) in alts.iter().enumerate() {
                    let when = match &alt.when {
                        Some(text) => Some(self.condition(&env, text).ok_or_else(invalid)?),
                        None if k + 1 == alts.len() => None,
                        None => return Err(invalid()),
                    };
                    let go = self.set(pi, p, &alt.then).ok_or_else(invalid)??;
                    choices.push(SimChoice { when, go });
                }
            }
            Some(next) => {
                let go = self.set(pi, p, next).ok_or_else(invalid)??;
                choices.push(SimChoice { when: None, go });
            }
            None => {
                return Err(CompileError::DeadEnd {
                    procedure: p.id.value.clone(),
                    step: key.value.clone(),
                });
            }
        }
        if choices.last().is_none_or(|c| c.when.is_some()) {
            return Err(invalid());
        }
        if choices.len() == 1 {
            return Ok(choices.remove(0).go);
        }
        let from = self.model.choices.len() as u32;
        self.model.choices.extend(choices);
        Ok(Go::Choose {
            from,
            len: self.model.choices.len() as u32 - from,
        })
    }

    /// A set of branches (a step id or a list), `None` for a conditional.
    fn set(&mut self, pi: usize, p: &Procedure, next: &Next) -> Option<Result<Go, CompileError>> {
        Some(match next {
            Next::Step(to) => self.local(pi, p, to).map(Go::Step),
            Next::Branches(bs) => self.branches(pi, p, bs),
            Next::Conditional(_) => return None,
        })
    }

    /// The condition `text` of procedure `p` (`env`), its attributes
    /// numbered in the model.
    fn condition(&self, env: &condition::Env<'_>, text: &str) -> Option<Expr<u32>> {
        let expr = condition::parse(text, env).ok()?;
        let attrs = &self.model.attributes;
        expr.resolve(&|a: &String, v: &String| {
            let ai = attrs.iter().position(|x| x.name == *a)?;
            let vi = attrs[ai].values.iter().position(|x| x == v)?;
            Some((ai as u32, vi as u32))
        })
    }

    /// Into the procedure `esc` leads to, at its entry step.
    fn escalation(&self, esc: &Escalate) -> Result<Go, CompileError> {
        let te = resolve(self.library, esc)?;
        let tp = &self.library.entry(te).procedure;
        let tpi = self.reach.index[&te];
        let name = match &esc.step {
            Some(s) => s,
            None => start_of(tp)?,
        };
        Ok(Go::Escalate {
            step: step_index(tp, self.reach.offsets[tpi as usize], name)?,
            procedure: tpi,
        })
    }

    /// To one of the branches `bs` in procedure `pi`: adds those with a
    /// probability above 0 to the model's branches, with cumulative
    /// probabilities.
    fn branches(&mut self, pi: usize, p: &Procedure, bs: &[Branch]) -> Result<Go, CompileError> {
        let from = self.model.branches.len() as u32;
        let mut cum = 0.0;
        for b in bs.iter().filter(|b| b.p.value.0 > 0.0) {
            cum += b.p.value.0;
            let to = self.local(pi, p, &b.to)?;
            self.model.branches.push((cum, to));
        }
        // The last branch catches rounding in the sum.
        if self.model.branches.len() as u32 > from
            && let Some(last) = self.model.branches.last_mut()
        {
            last.0 = f64::INFINITY;
        }
        Ok(Go::Branch {
            from,
            len: self.model.branches.len() as u32 - from,
        })
    }

    /// Adds deadline `d` of the step about to be added to procedure `pi`;
    /// returns its index.
    fn deadline(&mut self, pi: usize, p: &Procedure, d: &Deadline) -> Result<u32, CompileError> {
        let from = d.from.as_ref().map(|f| self.local(pi, p, f)).transpose()?;
        self.model.deadlines.push(SimDeadline {
            step: self.model.steps.len() as u32,
            within: d.within.days(),
            from,
            basis: d.basis.clone(),
        });
        Ok(self.model.deadlines.len() as u32 - 1)
    }

    /// The flattened index of step `name` of procedure `pi`, `p`.
    fn local(&self, pi: usize, p: &Procedure, name: &str) -> Result<u32, CompileError> {
        step_index(p, self.reach.offsets[pi], name)
    }
}

/// The flattened index of step `name` of `p`, whose steps start at `offset`.
fn step_index(p: &Procedure, offset: u32, name: &str) -> Result<u32, CompileError> {
    p.steps
        .index_of(name)
        .map(|j| offset + j as u32)
        .ok_or_else(|| CompileError::UnknownStep {
            procedure: p.id.value.clone(),
            step: name.to_owned(),
        })
}

/// The start step of `p`.
fn start_of(p: &Procedure) -> Result<&Located<String>, CompileError> {
    p.start
        .as_ref()
        .ok_or_else(|| CompileError::NoStart(p.id.value.clone()))
}

/// The library entry of the procedure `esc` leads to.
fn resolve(library: &Library, esc: &Escalate) -> Result<EntryId, CompileError> {
    library
        .resolve_index(&esc.procedure)
        .ok_or_else(|| CompileError::UnknownProcedure(esc.procedure.value.clone()))
}
