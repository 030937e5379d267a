//! The caseload mode: a discrete-event simulation of many journeys at
//! once, competing for the handlers of pools ([`crate::caseload`]).
//!
//! Each case is a journey as in the independent mode (the same
//! [`Journey`], the same step ([`complete`]) and the same figures), that
//! waits at a step whose actor a pool serves until a handler is free
//! (first come, first served within a priority; a higher priority first),
//! then holds the handler for the step's duration. Steps that no pool
//! serves take their duration without waiting. Time is in days since the
//! caseload's start.
//!
//! The event list is a binary heap ordered by time and then by the order
//! events were scheduled, so ties are broken the same way on every run.
//! Replication `r` draws its arrival times from its own ChaCha stream and
//! seeds the generator of its `k`-th case exactly as the independent mode
//! seeds journey `k` of batch `r` ([`super::journey_rng`]): a case that
//! never waits draws what that journey draws (docs/caseload.md). The
//! replications run in parallel and are kept in order, so the same seed
//! gives the same result on any number of threads. Memory is bounded by
//! the cases open at once, never by the length of the period.

mod report;
#[cfg(test)]
mod tests;

pub use report::{CaseloadReport, FlowFigures, Little, MonthFigures, PoolFigures, StepFigures};
pub(crate) use report::{across, lead_all, pool_wait, utilisation};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::ops::ControlFlow;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::walk::{CaseMarks, Journey, complete};
use super::{Aggregate, SimError, SimModel, Trace, TraceStep, journey_rng, stream};
use crate::caseload::{Arrivals, Caseload, Date, MAX_OPEN_CASES};
use crate::library::Library;
use crate::model::Outcome;

/// The mean length of a calendar month in days (a Gregorian cycle's).
const MEAN_MONTH_DAYS: f64 = 365.2425 / 12.0;

/// No pool: the step never waits.
const NO_POOL: u32 = u32::MAX;

/// The default number of replications of a caseload.
pub const DEFAULT_REPLICATIONS: u32 = 20;

/// Why a caseload cannot be simulated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseloadError {
    /// A procedure could not be compiled.
    #[error(transparent)]
    Compile(#[from] super::CompileError),
    /// The thread pool could not be built.
    #[error(transparent)]
    Threads(#[from] SimError),
    /// More cases waited at once than meldroute keeps.
    #[error(
        "replication {replication}: more than {MAX_OPEN_CASES} cases were open at once on day {day:.0}; the capacity is far below the arrivals"
    )]
    TooManyOpen {
        /// The replication.
        replication: u32,
        /// When.
        day: f64,
    },
}

/// A procedure of the caseload, compiled.
#[derive(Clone, Debug)]
pub struct FlowModel {
    /// Its procedure id.
    pub procedure: String,
    /// The journey model (the procedure and what it escalates to).
    pub model: SimModel,
    /// Per step of the model: the pool that serves its actor, or none.
    pub step_pool: Vec<u32>,
    /// Per step: its priority level in its pool (0: served first).
    pub step_level: Vec<u32>,
    /// How its reports arrive.
    pub arrivals: Arrivals,
    /// Cases open at the start, and the step they wait at.
    pub open: (u64, u32),
}

/// A pool, compiled.
#[derive(Clone, Debug)]
pub struct PoolModel {
    /// Its id.
    pub id: String,
    /// Handlers from a day on: `(from, handlers)`, in order, the first from 0.
    pub handlers: Vec<(f64, u32)>,
    /// Distinct priority levels of its steps.
    pub levels: u32,
}

impl PoolModel {
    /// Handler-days available from `a` to `b`.
    pub fn capacity(&self, a: f64, b: f64) -> f64 {
        self.handlers
            .iter()
            .enumerate()
            .map(|(i, &(from, h))| {
                let to = self.handlers.get(i + 1).map_or(f64::INFINITY, |p| p.0);
                f64::from(h) * (b.min(to) - a.max(from)).max(0.0)
            })
            .sum()
    }
}

/// A caseload ready to simulate.
#[derive(Clone, Debug)]
pub struct CaseModel {
    /// The caseload.
    pub caseload: Caseload,
    /// Its procedures.
    pub flows: Vec<FlowModel>,
    /// Its pools.
    pub pools: Vec<PoolModel>,
    /// The first day of each calendar month of the period, with its day.
    pub months: Vec<(Date, f64)>,
}

impl CaseModel {
    /// Compiles the procedures of `caseload` (resolved through `library`)
    /// and ties each step to the pool that serves its actor.
    pub fn compile(library: &Library, caseload: &Caseload) -> Result<CaseModel, CaseloadError> {
        let mut pools: Vec<PoolModel> = Vec::new();
        let mut levels: Vec<Vec<i64>> = Vec::new();
        for p in &caseload.pools {
            let mut prios: Vec<i64> = p
                .serves
                .iter()
                .flat_map(|s| s.priorities.iter().map(|(_, n)| *n))
                .chain([0])
                .collect();
            prios.sort_unstable_by(|a, b| b.cmp(a));
            prios.dedup();
            pools.push(PoolModel {
                id: p.id.clone(),
                handlers: p.handlers.clone(),
                levels: prios.len() as u32,
            });
            levels.push(prios);
        }
        let mut flows = Vec::new();
        for f in &caseload.flows {
            // On the caseload's dates: the tables cover the period, the
            // drain after it (as long again) and a year.
            let span = (caseload.days * 2.0 + 366.0).min(f64::from(u32::MAX)) as u32;
            let model = SimModel::compile(library, f.entry)?.on_dates(caseload.start.0, span);
            let mut step_pool = vec![NO_POOL; model.steps.len()];
            let mut step_level = vec![0; model.steps.len()];
            for (i, st) in model.steps.iter().enumerate() {
                let proc = &model.procedures[st.procedure as usize];
                let step_id = &model.names[i].id;
                let procedure = &library.entry(proc.entry).procedure;
                let Some(step) = procedure.steps.get(step_id) else {
                    continue;
                };
                for (pi, p) in caseload.pools.iter().enumerate() {
                    let served = p
                        .serves
                        .iter()
                        .find(|s| s.covers(&proc.id, &step.actor, step_id));
                    if let Some(crate::caseload::Served {
                        priorities: prios, ..
                    }) = served
                    {
                        step_pool[i] = pi as u32;
                        let prio = prios
                            .iter()
                            .find(|(s, _)| s == step_id)
                            .map_or(0, |(_, n)| *n);
                        step_level[i] =
                            levels[pi].iter().position(|&l| l == prio).unwrap_or(0) as u32;
                    }
                }
            }
            let open = match &f.open {
                None => (0, model.start),
                Some((n, at)) => {
                    let step = at
                        .as_ref()
                        .and_then(|id| {
                            model
                                .names
                                .iter()
                                .zip(&model.steps)
                                .position(|(name, st)| st.procedure == 0 && name.id == *id)
                        })
                        .map_or(model.start, |i| i as u32);
                    (*n, step)
                }
            };
            flows.push(FlowModel {
                procedure: f.procedure.clone(),
                model,
                step_pool,
                step_level,
                arrivals: f.arrivals.clone(),
                open,
            });
        }
        Ok(CaseModel {
            months: crate::caseload::month_starts(caseload.start, caseload.until),
            caseload: caseload.clone(),
            flows,
            pools,
        })
    }

    /// The end of the period, in days since its start.
    pub fn horizon(&self) -> f64 {
        self.caseload.days
    }

    /// The month of the period day `t` (at least 0) is in: the last whose
    /// first day is not after `t` (the first month for a `t` before every
    /// month). Guessed from the mean length of a month, then put right by
    /// a step or two: the same as a binary search, in constant time.
    #[inline]
    fn month_of(&self, t: f64) -> usize {
        let months = &self.months;
        let last = months.len().saturating_sub(1);
        let mut m = ((t / MEAN_MONTH_DAYS) as usize).min(last);
        while m > 0 && months[m].1 > t {
            m -= 1;
        }
        while m < last && months[m + 1].1 <= t {
            m += 1;
        }
        m
    }
}

/// How to run a caseload.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseOptions {
    /// Replications (independent runs of the whole period).
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// A journey longer than this many steps is counted as unfinished.
    pub max_steps: u32,
}

impl Default for CaseOptions {
    fn default() -> Self {
        CaseOptions {
            replications: DEFAULT_REPLICATIONS,
            seed: super::DEFAULT_SEED,
            threads: 0,
            max_steps: super::DEFAULT_MAX_STEPS,
        }
    }
}

/// What a pool did in one replication.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolTotals {
    /// Handler-days busy, after the warm-up.
    pub busy: f64,
    /// Case-days waiting in its queue, after the warm-up.
    pub queued: f64,
    /// Services started for measured cases.
    pub served: u64,
    /// Days those cases waited for them.
    pub waited: f64,
}

/// One calendar month of one replication.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthTotals {
    /// Reports that arrived in it.
    pub arrived: u64,
    /// Cases that finished in it.
    pub finished: u64,
    /// Cases open at its end.
    pub open: u64,
    /// Per pool: cases waiting at its end.
    pub queue: Vec<u64>,
    /// Per pool: cases its handlers work on at its end.
    pub in_service: Vec<u64>,
    /// Per pool: services completed in it.
    pub served: Vec<u64>,
    /// Per pool: handler-days busy in it.
    pub busy: Vec<f64>,
    /// Its length in days.
    pub days: f64,
}

/// One replication of a caseload.
#[derive(Clone, Debug)]
pub struct Replication {
    /// Per procedure: the journeys of the cases that arrived after the
    /// warm-up and before the end, followed until they finished.
    pub journeys: Vec<Aggregate>,
    /// Per procedure and step of its model: days those journeys waited
    /// for a handler there (their work is the aggregate's `step_days`).
    pub waited: Vec<Vec<f64>>,
    /// Per pool.
    pub pools: Vec<PoolTotals>,
    /// Per calendar month of the period.
    pub months: Vec<MonthTotals>,
    /// Reports that arrived after the warm-up and before the end.
    pub arrived: u64,
    /// Case-days in the system after the warm-up (the time-average number
    /// of open cases times the measured days).
    pub in_system: f64,
    /// Cases open at the end of the period.
    pub open_at_end: u64,
    /// Events: every report that arrived, every start of a step's work by a
    /// handler and every entry of the event list processed besides (the
    /// end of a handler's work, a change of handlers, a case finishing):
    /// the changes of state a discrete-event simulation makes, counted as
    /// the SimPy peer counts them for M/M/1 (arrival, start and end of
    /// service; benches/peers/README.md). Steps that need no handler are
    /// taken inline and are not counted.
    pub events: u64,
}

/// What happens at an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    /// A report of flow `f` arrives.
    Arrive(u32),
    /// Case `c` reaches a step that needs a handler.
    Request(u32),
    /// Case `c` completes the step its handler worked on.
    Done(u32),
    /// Pool `p` gets its next number of handlers.
    Capacity(u32),
}

/// A case: a journey under way.
struct Case {
    journey: Journey,
    rng: Xoshiro256PlusPlus,
    flow: u32,
    /// The step it is at.
    step: u32,
    /// When it arrived (days since the period's start).
    start: f64,
    /// When it reached its step (days since it arrived).
    entered: f64,
    /// The work its handler does on its step (days), once started.
    work: f64,
    /// It arrived after the warm-up and before the end.
    measured: bool,
    /// Open (its slot is in use).
    alive: bool,
    marks: CaseMarks,
    /// Its number in the replication, from 1, in the order of arrival.
    number: u64,
    /// Its steps so far, when the run is traced (an event log).
    trace: Vec<TraceStep>,
}

/// A case of a traced caseload run ([`simulate_caseload_traced`]), when it
/// has finished or the run has stopped.
#[derive(Clone, Copy, Debug)]
pub struct CaseTrace<'a> {
    /// Its replication.
    pub replication: u32,
    /// Its procedure (index into [`CaseModel::flows`]).
    pub flow: u32,
    /// Its number in the replication, from 1, in the order of arrival.
    pub number: u64,
    /// When it arrived, in days since the caseload's start.
    pub start: f64,
    /// Its steps (times since it arrived: a step that waited for a handler
    /// starts when the handler starts it) and how it ended.
    pub trace: &'a Trace,
}

/// A pool's state: handlers at work and the cases waiting, per level.
struct PoolState {
    /// Handlers now, and the index of that number in the pool's list.
    handlers: u32,
    piece: usize,
    busy: u32,
    queue: Vec<VecDeque<u32>>,
    waiting: u64,
}

/// One replication under way.
struct Run<'m> {
    model: &'m CaseModel,
    max_steps: u32,
    replication: u32,
    /// The event list: (time's bits, then the order of scheduling, in one
    /// integer), what happens.
    events: BinaryHeap<Reverse<(u128, What)>>,
    seq: u64,
    cases: Vec<Case>,
    free: Vec<u32>,
    seeds: ChaCha8Rng,
    arrivals_rng: ChaCha8Rng,
    /// Per flow: the next arrival's piece (Poisson) or index (times).
    next_arrival: Vec<usize>,
    pools: Vec<PoolState>,
    /// Per flow, the journeys measured; and one for the others.
    journeys: Vec<Aggregate>,
    unmeasured: Vec<Aggregate>,
    waited: Vec<Vec<f64>>,
    totals: Vec<PoolTotals>,
    months: Vec<MonthTotals>,
    month: usize,
    /// Cases open at the start.
    initial_open: u64,
    /// The integrals of the levels are up to this time.
    last: f64,
    in_system: f64,
    arrived: u64,
    measured_open: u64,
    count: u64,
    /// Trace the measured cases ([`CaseTrace`]).
    tracing: bool,
    /// Cases opened so far.
    opened: u64,
    /// Measured cases finished and not yet handed over, when tracing.
    finished: Vec<(u32, u64, f64, Trace)>,
}

/// Time as a key that orders like the time (times are never negative).
#[inline]
fn key(t: f64) -> u64 {
    t.max(0.0).to_bits()
}

impl<'m> Run<'m> {
    fn new(model: &'m CaseModel, opts: &CaseOptions, replication: u32) -> Self {
        let pools = model
            .pools
            .iter()
            .map(|p| PoolState {
                handlers: p.handlers.first().map_or(1, |h| h.1),
                piece: 0,
                busy: 0,
                queue: (0..p.levels).map(|_| VecDeque::new()).collect(),
                waiting: 0,
            })
            .collect();
        let months = model
            .months
            .iter()
            .enumerate()
            .map(|(i, &(_, from))| MonthTotals {
                queue: vec![0; model.pools.len()],
                in_service: vec![0; model.pools.len()],
                served: vec![0; model.pools.len()],
                busy: vec![0.0; model.pools.len()],
                days: model.months.get(i + 1).map_or(model.horizon(), |m| m.1) - from,
                ..MonthTotals::default()
            })
            .collect();
        let agg = |f: &FlowModel| Aggregate::new(&f.model);
        Run {
            model,
            max_steps: opts.max_steps,
            replication,
            events: BinaryHeap::new(),
            seq: 0,
            cases: Vec::new(),
            free: Vec::new(),
            seeds: stream(opts.seed, u64::from(replication)),
            arrivals_rng: stream(opts.seed ^ ARRIVAL_STREAMS, u64::from(replication)),
            next_arrival: vec![0; model.flows.len()],
            pools,
            journeys: model.flows.iter().map(agg).collect(),
            unmeasured: model.flows.iter().map(agg).collect(),
            waited: model
                .flows
                .iter()
                .map(|f| vec![0.0; f.model.steps.len()])
                .collect(),
            totals: vec![PoolTotals::default(); model.pools.len()],
            months,
            month: 0,
            initial_open: model.flows.iter().map(|f| f.open.0).sum(),
            last: 0.0,
            in_system: 0.0,
            arrived: 0,
            measured_open: 0,
            count: 0,
            tracing: false,
            opened: 0,
            finished: Vec::new(),
        }
    }

    #[inline]
    fn schedule(&mut self, t: f64, what: What) {
        self.seq += 1;
        let k = (u128::from(key(t)) << 64) | u128::from(self.seq);
        self.events.push(Reverse((k, what)));
    }

    /// Moves the levels' integrals on to `t` (at most the horizon),
    /// closing the months that end before it: called before a pool's
    /// levels change (and at the end), which is all they need, as they stay
    /// put in between.
    fn clock_to(&mut self, t: f64) {
        let horizon = self.model.horizon();
        let t = t.min(horizon);
        while self.last < t {
            let month_end = self
                .model
                .months
                .get(self.month + 1)
                .map_or(horizon, |m| m.1);
            let to = t.min(month_end);
            let dt = to - self.last;
            let warm = self.model.caseload.warm_up;
            let measured = (to - self.last.max(warm)).max(0.0);
            for (pi, p) in self.pools.iter().enumerate() {
                self.months[self.month].busy[pi] += f64::from(p.busy) * dt;
                self.totals[pi].busy += f64::from(p.busy) * measured;
                self.totals[pi].queued += p.waiting as f64 * measured;
            }
            self.last = to;
            if to >= month_end {
                self.close_month();
            }
        }
    }

    /// Records the levels at the end of the current month.
    fn close_month(&mut self) {
        if let Some(m) = self.months.get_mut(self.month) {
            for (i, p) in self.pools.iter().enumerate() {
                m.queue[i] = p.waiting;
                m.in_service[i] = u64::from(p.busy);
            }
        }
        self.month += 1;
    }

    /// The time of flow `f`'s next report after `t`, if any.
    fn next_arrival(&mut self, f: usize, t: f64) -> Option<f64> {
        match &self.model.flows[f].arrivals {
            Arrivals::Times(times) => {
                let i = self.next_arrival[f];
                self.next_arrival[f] += 1;
                times.get(i).copied()
            }
            Arrivals::Poisson(pieces) => {
                // Inverts the cumulative rate: an exponential amount of
                // it, spent piece by piece; the last piece lasts.
                let mut need: f64 = -(1.0 - self.arrivals_rng.random::<f64>()).ln();
                let mut t = t;
                let mut i = self.next_arrival[f];
                loop {
                    let (_, rate) = pieces[i];
                    let end = pieces.get(i + 1).map_or(f64::INFINITY, |p| p.0);
                    let have = rate * (end - t);
                    if need < have {
                        self.next_arrival[f] = i;
                        return Some(t + need / rate);
                    }
                    need -= have;
                    t = end;
                    i += 1;
                }
            }
        }
    }

    /// A new case of flow `f` at step `step`, arrived at `t`.
    fn open_case(&mut self, f: u32, step: u32, t: f64, measured: bool) -> u32 {
        let model = &self.model.flows[f as usize].model;
        let rng = journey_rng(&mut self.seeds);
        let c = match self.free.pop() {
            Some(c) => c,
            None => {
                self.cases.push(Case {
                    journey: Journey::new(t),
                    rng: rng.clone(),
                    flow: f,
                    step,
                    start: t,
                    entered: 0.0,
                    work: 0.0,
                    measured,
                    alive: false,
                    marks: CaseMarks::default(),
                    number: 0,
                    trace: Vec::new(),
                });
                (self.cases.len() - 1) as u32
            }
        };
        let case = &mut self.cases[c as usize];
        case.journey = Journey::new(t);
        case.rng = rng;
        case.flow = f;
        case.step = step;
        case.start = t;
        case.entered = 0.0;
        case.measured = measured;
        case.alive = true;
        case.marks.start(model, step);
        case.journey.begin(model, step, &mut case.rng);
        self.opened += 1;
        case.number = self.opened;
        case.trace.clear();
        self.measured_open += u64::from(measured);
        c
    }

    /// Runs the replication to its end.
    fn run(self) -> Result<Replication, CaseloadError> {
        self.run_with(&mut |_| true)
    }

    /// Runs the replication to its end, handing each measured case to
    /// `sink` when it finishes (and those still open at the end) when
    /// tracing; stops early when `sink` says false.
    fn run_with(
        mut self,
        sink: &mut dyn FnMut(CaseTrace) -> bool,
    ) -> Result<Replication, CaseloadError> {
        let horizon = self.model.horizon();
        let warm = self.model.caseload.warm_up;
        for (f, flow) in self.model.flows.iter().enumerate() {
            for _ in 0..flow.open.0 {
                let c = self.open_case(f as u32, flow.open.1, 0.0, false);
                self.advance(c, 0.0)?;
            }
        }
        for f in 0..self.model.flows.len() {
            if let Some(t) = self.next_arrival(f, 0.0) {
                self.schedule(t, What::Arrive(f as u32));
            }
        }
        for (p, pool) in self.model.pools.iter().enumerate() {
            if let Some(&(from, _)) = pool.handlers.get(1) {
                self.schedule(from, What::Capacity(p as u32));
            }
        }
        // Reports go on arriving after the end, at the last rates, until
        // every case measured has finished, or the period has passed once
        // more: those left count as unfinished.
        let drain_end = horizon * 2.0;
        while let Some(Reverse((k, what))) = self.events.pop() {
            let now = f64::from_bits((k >> 64) as u64);
            if now >= drain_end || (now >= horizon && self.measured_open == 0) {
                break;
            }
            self.count += 1;
            match what {
                What::Arrive(f) => {
                    let measured = now >= warm && now < horizon;
                    self.arrived += u64::from(measured);
                    if now < horizon {
                        let m = self.model.month_of(now);
                        self.months[m].arrived += 1;
                    }
                    let start = self.model.flows[f as usize].model.start;
                    let c = self.open_case(f, start, now, measured);
                    if let Some(t) = self.next_arrival(f as usize, now) {
                        self.schedule(t, What::Arrive(f));
                    }
                    self.advance(c, now)?;
                }
                What::Request(c) => self.request(c, now)?,
                What::Done(c) => self.done(c, now)?,
                What::Capacity(p) => self.capacity(p as usize, now),
            }
            if !self.finished.is_empty() && !self.hand_over(sink) {
                break;
            }
        }
        self.clock_to(horizon);
        while self.month < self.months.len() {
            self.close_month();
        }
        // The cases open at the end: in the system until the end; those
        // measured count as unfinished.
        for c in 0..self.cases.len() {
            let case = &self.cases[c];
            if case.alive {
                self.in_system += overlap(case.start, horizon, warm, horizon);
            }
            if case.alive && case.measured {
                let model = &self.model.flows[case.flow as usize].model;
                case.journey
                    .finish(None, &mut self.journeys[case.flow as usize], model);
                if self.tracing {
                    let trace = Trace {
                        steps: case.trace.clone(),
                        outcome: None,
                    };
                    self.finished
                        .push((case.flow, case.number, case.start, trace));
                }
            }
        }
        self.hand_over(sink);
        // The backlog at each month's end: the cases open at the start and
        // arrived since, less those finished.
        let mut open = self.initial_open;
        for m in &mut self.months {
            open = (open + m.arrived).saturating_sub(m.finished);
            m.open = open;
        }
        let open_at_end = self.months.last().map_or(0, |m| m.open);
        Ok(Replication {
            journeys: self.journeys,
            waited: self.waited,
            pools: self.totals,
            months: self.months,
            arrived: self.arrived,
            in_system: self.in_system,
            open_at_end,
            events: self.count,
        })
    }

    /// Moves case `c` on from the step it is at, at time `now`: takes the
    /// steps that need no handler at once, up to one that does (then asks
    /// for a handler when the case gets there) or the end.
    fn advance(&mut self, c: u32, now: f64) -> Result<(), CaseloadError> {
        let model = self.model;
        loop {
            let case = &mut self.cases[c as usize];
            let flow = &model.flows[case.flow as usize];
            if case.journey.steps >= self.max_steps {
                self.end(c, None, now);
                return Ok(());
            }
            let at = case.start + case.journey.t;
            if flow.step_pool[case.step as usize] != NO_POOL {
                if at > now {
                    self.schedule(at, What::Request(c));
                    return Ok(());
                }
                return self.request(c, now);
            }
            let st = &flow.model.steps[case.step as usize];
            let entered = case.journey.t;
            let (days, updates) =
                case.journey
                    .take::<_, true>(&flow.model, st, &mut case.rng, entered);
            if self.tracing {
                case.trace.push(TraceStep {
                    step: case.step,
                    start: entered,
                    end: case.journey.t,
                    contact: st.contact,
                    updates,
                    silence: 0.0,
                });
            }
            match self.complete(c, days) {
                ControlFlow::Continue(()) => {}
                ControlFlow::Break(outcome) => {
                    self.end(c, outcome, now);
                    return Ok(());
                }
            }
        }
    }

    /// Case `c` completed its step's work of `days`: counts it and moves
    /// it to the next step; `Break` with the outcome when it ends.
    #[inline]
    fn complete(&mut self, c: u32, days: f64) -> ControlFlow<Option<Outcome>> {
        let case = &mut self.cases[c as usize];
        let f = case.flow as usize;
        let model = &self.model.flows[f].model;
        let agg = if case.measured {
            &mut self.journeys[f]
        } else {
            &mut self.unmeasured[f]
        };
        // The caseload takes every step with the reporter's state (`S`),
        // whatever the model: its cost there is small beside the waits.
        match complete::<_, _, true>(
            model,
            case.step,
            days,
            &mut case.rng,
            &mut case.journey,
            &mut case.marks,
            agg,
        ) {
            ControlFlow::Continue(next) => {
                case.step = next;
                case.entered = case.journey.t;
                ControlFlow::Continue(())
            }
            ControlFlow::Break(outcome) => ControlFlow::Break(Some(outcome)),
        }
    }

    /// Case `c` asks for a handler of its step's pool at `now`.
    fn request(&mut self, c: u32, now: f64) -> Result<(), CaseloadError> {
        // The levels change: their integrals first.
        self.clock_to(now);
        let case = &self.cases[c as usize];
        let flow = &self.model.flows[case.flow as usize];
        let pool = flow.step_pool[case.step as usize] as usize;
        let level = flow.step_level[case.step as usize] as usize;
        let p = &mut self.pools[pool];
        if p.busy < p.handlers {
            p.busy += 1;
            self.start(c, now);
        } else {
            p.queue[level].push_back(c);
            p.waiting += 1;
            if p.waiting as usize > MAX_OPEN_CASES {
                return Err(CaseloadError::TooManyOpen {
                    replication: self.replication,
                    day: now,
                });
            }
        }
        Ok(())
    }

    /// A handler starts case `c`'s step at `now`.
    fn start(&mut self, c: u32, now: f64) {
        self.count += 1;
        let case = &mut self.cases[c as usize];
        let f = case.flow as usize;
        let flow = &self.model.flows[f];
        let wait = (now - case.start - case.entered).max(0.0);
        case.journey.t = case.entered + wait;
        let st = &flow.model.steps[case.step as usize];
        let entered = case.entered;
        // The work is recorded when it completes.
        let begin = case.journey.t;
        let (work, updates) = case
            .journey
            .take::<_, true>(&flow.model, st, &mut case.rng, entered);
        case.work = work;
        if self.tracing {
            case.trace.push(TraceStep {
                step: case.step,
                start: begin,
                end: case.journey.t,
                contact: st.contact,
                updates,
                silence: 0.0,
            });
        }
        if case.measured {
            self.waited[f][case.step as usize] += wait;
            let pool = flow.step_pool[case.step as usize] as usize;
            self.totals[pool].served += 1;
            self.totals[pool].waited += wait;
        }
        let done = case.start + case.journey.t;
        self.schedule(done, What::Done(c));
    }

    /// Case `c`'s handler completes its step at `now`: the handler takes
    /// the next case waiting, and `c` goes on.
    fn done(&mut self, c: u32, now: f64) -> Result<(), CaseloadError> {
        self.clock_to(now);
        let case = &self.cases[c as usize];
        let flow = &self.model.flows[case.flow as usize];
        let pool = flow.step_pool[case.step as usize] as usize;
        let days = case.work;
        if now < self.model.horizon()
            && let Some(m) = self.months.get_mut(self.month)
        {
            m.served[pool] += 1;
        }
        let p = &mut self.pools[pool];
        // With fewer handlers than at work (the number went down), the
        // handler leaves instead of taking the next case.
        match (p.busy <= p.handlers)
            .then(|| p.queue.iter_mut().find_map(|q| q.pop_front()))
            .flatten()
        {
            Some(next) => {
                p.waiting -= 1;
                self.start(next, now);
            }
            None => p.busy -= 1,
        }
        match self.complete(c, days) {
            ControlFlow::Continue(()) => self.advance(c, now),
            ControlFlow::Break(outcome) => {
                self.end(c, outcome, now);
                Ok(())
            }
        }
    }

    /// Pool `p` gets its next number of handlers now: more take the cases
    /// waiting at once; fewer stop as their cases are done.
    fn capacity(&mut self, p: usize, now: f64) {
        self.clock_to(now);
        let pool = &self.model.pools[p];
        let state = &mut self.pools[p];
        state.piece += 1;
        let Some(&(_, h)) = pool.handlers.get(state.piece) else {
            return;
        };
        state.handlers = h;
        if let Some(&(from, _)) = pool.handlers.get(state.piece + 1) {
            self.schedule(from, What::Capacity(p as u32));
        }
        loop {
            let state = &mut self.pools[p];
            if state.busy >= state.handlers {
                break;
            }
            let Some(next) = state.queue.iter_mut().find_map(|q| q.pop_front()) else {
                break;
            };
            state.waiting -= 1;
            state.busy += 1;
            self.start(next, now);
        }
    }

    /// Case `c` ends with `outcome` (`None`: at the step limit); it is
    /// finished at its journey's time, which may be after `now`.
    fn end(&mut self, c: u32, outcome: Option<Outcome>, now: f64) {
        let case = &mut self.cases[c as usize];
        let f = case.flow as usize;
        let t = case.start + case.journey.t;
        if case.measured {
            let model = &self.model.flows[f].model;
            case.journey.finish(outcome, &mut self.journeys[f], model);
            self.measured_open -= 1;
            if self.tracing {
                let trace = Trace {
                    steps: std::mem::take(&mut case.trace),
                    outcome,
                };
                self.finished
                    .push((case.flow, case.number, case.start, trace));
            }
        }
        case.alive = false;
        let start = case.start;
        self.free.push(c);
        // Counted where it finished, now or later (after steps that needed
        // no handler): no event needed.
        let (warm, horizon) = (self.model.caseload.warm_up, self.model.horizon());
        self.in_system += overlap(start, t.max(now), warm, horizon);
        if t < horizon {
            let m = self.model.month_of(t);
            self.months[m].finished += 1;
        }
    }
}

impl Run<'_> {
    /// Hands the finished cases to `sink`, in the order they finished;
    /// false when it says stop.
    fn hand_over(&mut self, sink: &mut dyn FnMut(CaseTrace) -> bool) -> bool {
        for (flow, number, start, trace) in self.finished.drain(..) {
            let go_on = sink(CaseTrace {
                replication: self.replication,
                flow,
                number,
                start,
                trace: &trace,
            });
            if !go_on {
                return false;
            }
        }
        true
    }
}

/// The length of `[a, b]` within `[from, to]`.
#[inline]
fn overlap(a: f64, b: f64, from: f64, to: f64) -> f64 {
    (b.min(to) - a.max(from)).max(0.0)
}

/// Salt of the arrival streams: replication `r` draws its arrivals from
/// stream `r` of the seed with these bits flipped, apart from the stream
/// its journeys are seeded from.
const ARRIVAL_STREAMS: u64 = 0x9E37_79B9_7F4A_7C15;

/// [`simulate_caseload`], handing every measured case of every
/// replication to `sink` as it finishes (those open at the end last): the
/// replications one after the other, on this thread, so the cases come in
/// the same order every time; the figures are those of
/// [`simulate_caseload`]. An error of `sink` stops the run and is returned
/// as it is.
pub fn simulate_caseload_traced<E>(
    model: &CaseModel,
    opts: &CaseOptions,
    sink: &mut dyn FnMut(CaseTrace) -> Result<(), E>,
) -> Result<Result<Vec<Replication>, E>, CaseloadError> {
    let mut reps = Vec::with_capacity(opts.replications as usize);
    for r in 0..opts.replications {
        let mut run = Run::new(model, opts, r);
        run.tracing = true;
        let mut failed = None;
        let rep = run.run_with(&mut |c| match sink(c) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        })?;
        if let Some(e) = failed {
            return Ok(Err(e));
        }
        reps.push(rep);
    }
    Ok(Ok(reps))
}

/// Runs `opts.replications` replications of `model`, in parallel, kept in
/// order.
pub fn simulate_caseload(
    model: &CaseModel,
    opts: &CaseOptions,
) -> Result<Vec<Replication>, CaseloadError> {
    let (pool, _) = super::thread_pool(opts.threads)?;
    pool.install(|| {
        (0..opts.replications)
            .into_par_iter()
            .map(|r| Run::new(model, opts, r).run())
            .collect()
    })
}
