//! Monte Carlo simulation of reporters' journeys: seeded, parallel,
//! reproducible on any number of threads, with memory that does not grow
//! with the number of journeys.
//!
//! Reproducibility: journeys run in batches of [`BATCH`]. Batch `b` has a
//! ChaCha8 stream seeded with the master seed and stream number `b`; each
//! journey of the batch takes the next 256 bits of it as the seed of its
//! own Xoshiro256++ generator, which draws everything the journey needs.
//! Batch results are merged in batch order, so the same seed and number of
//! runs give the same figures on 1 or 16 threads.
//!
//! Common random numbers: a journey's seed does not depend on what the
//! journeys before it drew, so journey `j` of batch `b` draws the same
//! numbers in every run with the same master seed. Two models that differ
//! in one step (a scenario and its base) give identical journeys wherever
//! a journey never reaches that step, and their difference comes from the
//! change, not from chance (decision 0013).
//!
//! Precision: with targets ([`precision`]), the run goes on batch by batch
//! until every target's interval is narrow enough, checked after each
//! batch is merged in batch order, so it too stops after the same batch on
//! any number of threads.
//!
//! Early stop: when every journey of the first batch hits the step limit,
//! the run stops there ([`Aggregate::stopped_early`]): a loop the journey
//! (almost) never leaves would otherwise take minutes to report 100%
//! unfinished. The decision depends only on batch 0, so it is the same on
//! any number of threads.
//!
//! Timing conventions: a step's contact with the reporter happens when the
//! step completes. The report time is the completion of the first step of
//! kind `report`; silences are counted from then (from the start when the
//! journey has no report step) until the journey ends.

pub mod dates;
pub mod des;
mod estimate;
pub mod exact;
pub mod model;
pub mod observe;
pub mod precision;
pub mod report;
pub mod routes;
pub mod sample;
pub mod shard;
mod walk;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

pub use crate::stats::Estimate;
pub use estimate::{BatchPoint, Batches, Paired, Spread, paired_difference, share};
pub use model::{CompileError, Go, SimModel};
pub use precision::{Precision, Target};
pub use report::SimReport;
use walk::{Scratch, walk};

use crate::model::Outcome;
use crate::stats::{ScoreTally, Summary};

/// Journeys per batch (one random stream each).
pub const BATCH: u64 = 4096;
/// The seed used when none is given: the date of the letter (20 June 2019).
pub const DEFAULT_SEED: u64 = 20_190_620;
/// Default number of journeys.
pub const DEFAULT_RUNS: u64 = 100_000;
/// Default limit of steps per journey.
pub const DEFAULT_MAX_STEPS: u32 = 10_000;

pub use crate::norms::{ACKNOWLEDGE_DAYS, FEEDBACK_DAYS};

/// Every outcome, in report order (the model's documentation order).
pub const OUTCOMES: [Outcome; 7] = Outcome::ALL;

fn outcome_index(o: Outcome) -> usize {
    OUTCOMES.iter().position(|&x| x == o).unwrap_or(0)
}

/// How to run a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimOptions {
    /// Number of journeys; with `precision`, the most that may run.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// A journey longer than this many steps is counted as unfinished.
    pub max_steps: u32,
    /// Targets to run until (`runs` is then the ceiling), or `None`.
    pub precision: Option<Precision>,
    /// Every journey starts on this date: working days follow the actors'
    /// calendars, and the reporter's legal terms end where the Algemene
    /// termijnenwet ends them ([`SimModel::dated`]). `None`: calendar days
    /// from the moment, and a working day counts at its calendar's mean
    /// ratio (docs/calendars.md).
    pub start: Option<crate::calendar::Date>,
}

/// Days of a run on dates kept in tables ([`dates::Dates`]): 20 years;
/// later dates are computed as asked.
pub const DATED_SPAN_DAYS: u32 = 7305;

/// `model` as a run with `opts` simulates it: on the dates of
/// [`SimOptions::start`] when it gives one and the model is not on them yet.
pub fn for_run<'m>(model: &'m SimModel, opts: &SimOptions) -> std::borrow::Cow<'m, SimModel> {
    match opts.start {
        Some(d) if model.dates.as_ref().is_none_or(|x| x.origin != d) => {
            std::borrow::Cow::Owned(model.clone().on_dates(d, DATED_SPAN_DAYS))
        }
        _ => std::borrow::Cow::Borrowed(model),
    }
}

impl SimModel {
    /// The model on the dates of `start` ([`SimOptions::start`]), or as it
    /// is without one.
    pub fn dated(self, start: Option<crate::calendar::Date>) -> SimModel {
        match start {
            Some(d) => self.on_dates(d, DATED_SPAN_DAYS),
            None => self,
        }
    }
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            runs: DEFAULT_RUNS,
            seed: DEFAULT_SEED,
            threads: 0,
            max_steps: DEFAULT_MAX_STEPS,
            precision: None,
            start: None,
        }
    }
}

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// Why.
        message: String,
    },
}

/// Aggregates over journeys; merged in batch order.
#[derive(Clone, Debug)]
pub struct Aggregate {
    /// Journeys run.
    pub runs: u64,
    /// Journeys that hit the step limit.
    pub unfinished: u64,
    /// The run stopped after the first batch because every journey in it
    /// hit the step limit (`runs` says how many ran).
    pub stopped_early: bool,
    /// The run had precision targets and met them (`runs` says after how
    /// many journeys); false when it reached its ceiling first.
    pub precision_met: bool,
    /// Steps simulated in all.
    pub steps_simulated: u64,
    /// Lead time of finished journeys.
    pub lead: Summary,
    /// Report to first contact, of finished journeys with a contact after the report.
    pub first_contact: Summary,
    /// Longest silence of finished journeys.
    pub longest_silence: Summary,
    /// The reporter's experience score of finished journeys
    /// ([`crate::experience`]).
    pub experience: ScoreTally,
    /// Contacts, summed over finished journeys.
    pub contacts: u64,
    /// Changes of actor, summed over finished journeys.
    pub handoffs: u64,
    /// Procedures visited, summed over finished journeys.
    pub procedures: u64,
    /// Journeys that made a report (took a step of kind `report`),
    /// finished or not: the denominator of every reporter share
    /// (acknowledgement, feedback, aftercare, contact after the report).
    pub reported: u64,
    /// Journeys with a report and a contact after it.
    pub contacted: u64,
    /// Journeys with a report whose first contact after it came within
    /// [`ACKNOWLEDGE_DAYS`].
    pub contact_within_week: u64,
    /// Journeys with a report and feedback within 3 months of the
    /// acknowledgement (see [`Aggregate::feedback_within_3_months`]).
    pub feedback_in_time: u64,
    /// Journeys with a report and a feedback step after it.
    pub feedback: u64,
    /// Journeys with a report and an aftercare step.
    pub aftercare: u64,
    /// Journeys with a report whose reporter was anonymous.
    pub anonymous: u64,
    /// Of those, journeys with feedback after the report.
    pub anonymous_feedback: u64,
    /// Journeys whose reporter met retaliation, finished or not.
    pub retaliated: u64,
    /// Per step: journeys whose reporter met retaliation there.
    pub retaliated_at: Vec<u64>,
    /// Finished journeys per outcome ([`OUTCOMES`] order).
    pub outcomes: [u64; 7],
    /// Journeys that entered each procedure by escalation.
    pub escalations: Vec<u64>,
    /// Journeys that visited each step at least once.
    pub visits: Vec<u64>,
    /// Time spent in each step, summed over journeys.
    pub step_days: Vec<f64>,
    /// Times each step was taken, summed over journeys.
    pub step_entries: Vec<u64>,
    /// Per deadline: journeys that reached its step, and met it.
    pub deadlines: Vec<(u64, u64)>,
    /// Per value of the report's scope ([`SimModel::scope`]), the figures
    /// the norms that bind by scope read; empty without the attribute.
    pub by_scope: Vec<ScopeTally>,
    /// Batch sums for the intervals of means (a run's total only).
    pub spread: Spread,
}

impl Aggregate {
    fn new(model: &SimModel) -> Self {
        let n = model.steps.len();
        Aggregate {
            runs: 0,
            unfinished: 0,
            stopped_early: false,
            precision_met: false,
            steps_simulated: 0,
            lead: Summary::default(),
            first_contact: Summary::default(),
            longest_silence: Summary::default(),
            experience: ScoreTally::default(),
            contacts: 0,
            handoffs: 0,
            procedures: 0,
            reported: 0,
            contacted: 0,
            feedback_in_time: 0,
            contact_within_week: 0,
            feedback: 0,
            aftercare: 0,
            anonymous: 0,
            anonymous_feedback: 0,
            retaliated: 0,
            retaliated_at: vec![0; n],
            outcomes: [0; 7],
            escalations: vec![0; model.procedures.len()],
            visits: vec![0; n],
            step_days: vec![0.0; n],
            step_entries: vec![0; n],
            deadlines: vec![(0, 0); model.deadlines.len()],
            by_scope: model.scope.as_ref().map_or_else(Vec::new, |s| {
                vec![ScopeTally::new(model.deadlines.len()); s.scopes.len()]
            }),
            spread: Spread::default(),
        }
    }

    fn merge(&mut self, o: &Aggregate) {
        self.runs += o.runs;
        self.unfinished += o.unfinished;
        self.steps_simulated += o.steps_simulated;
        self.lead.merge(&o.lead);
        self.first_contact.merge(&o.first_contact);
        self.longest_silence.merge(&o.longest_silence);
        self.experience.merge(&o.experience);
        self.contacts += o.contacts;
        self.handoffs += o.handoffs;
        self.procedures += o.procedures;
        self.reported += o.reported;
        self.contacted += o.contacted;
        self.feedback_in_time += o.feedback_in_time;
        self.contact_within_week += o.contact_within_week;
        self.feedback += o.feedback;
        self.aftercare += o.aftercare;
        self.anonymous += o.anonymous;
        self.anonymous_feedback += o.anonymous_feedback;
        self.retaliated += o.retaliated;
        for (a, b) in self.retaliated_at.iter_mut().zip(&o.retaliated_at) {
            *a += b;
        }
        for (a, b) in self.outcomes.iter_mut().zip(o.outcomes) {
            *a += b;
        }
        for (a, b) in self.escalations.iter_mut().zip(&o.escalations) {
            *a += b;
        }
        for (a, b) in self.visits.iter_mut().zip(&o.visits) {
            *a += b;
        }
        for (a, b) in self.step_days.iter_mut().zip(&o.step_days) {
            *a += b;
        }
        for (a, b) in self.step_entries.iter_mut().zip(&o.step_entries) {
            *a += b;
        }
        add_pairs(&mut self.deadlines, &o.deadlines);
        for (a, b) in self.by_scope.iter_mut().zip(&o.by_scope) {
            a.merge(b);
        }
    }
}

/// Adds `b` to `a`, pair by pair.
fn add_pairs(a: &mut [(u64, u64)], b: &[(u64, u64)]) {
    for (a, b) in a.iter_mut().zip(b) {
        a.0 += b.0;
        a.1 += b.1;
    }
}

/// The figures of the journeys of one scope of report that the norms
/// binding by scope read ([`Aggregate::by_scope`]): each as the
/// [`Aggregate`] field of the same name counts it, for these journeys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeTally {
    /// Journeys of the scope that made a report.
    pub reported: u64,
    /// Of those, journeys with a first contact within [`ACKNOWLEDGE_DAYS`].
    pub contact_within_week: u64,
    /// Of those, journeys with feedback within 3 months of the
    /// acknowledgement.
    pub feedback_in_time: u64,
    /// Per deadline: journeys of the scope that reached its step, and met it.
    pub deadlines: Vec<(u64, u64)>,
}

impl ScopeTally {
    /// An empty tally for a model with `deadlines` deadlines.
    pub fn new(deadlines: usize) -> Self {
        ScopeTally {
            deadlines: vec![(0, 0); deadlines],
            ..ScopeTally::default()
        }
    }

    /// Adds the journeys of `o`.
    pub fn merge(&mut self, o: &ScopeTally) {
        self.reported += o.reported;
        self.contact_within_week += o.contact_within_week;
        self.feedback_in_time += o.feedback_in_time;
        add_pairs(&mut self.deadlines, &o.deadlines);
    }
}

/// One step of a traced journey.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStep {
    /// The step (index into [`SimModel::steps`]).
    pub step: u32,
    /// Days since the journey started, when the step began.
    pub start: f64,
    /// Days since the journey started, when the step completed.
    pub end: f64,
    /// The step was a contact with the reporter.
    pub contact: bool,
    /// The interim updates while it ran ([`model::SimUpdates::during`]).
    pub updates: Option<model::UpdateTimes>,
    /// Days without contact since the report (or the last contact) at completion.
    pub silence: f64,
}

/// A traced journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Its steps in order.
    pub steps: Vec<TraceStep>,
    /// How it ended (`None`: unfinished).
    pub outcome: Option<Outcome>,
}

/// The stream of journey seeds of batch `batch`.
fn stream(seed: u64, batch: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(batch);
    rng
}

/// The generator of the next journey, seeded from its batch's `seeds`
/// (always 256 bits, whatever the journey goes on to draw).
#[inline]
fn journey_rng(seeds: &mut ChaCha8Rng) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::from_rng(seeds)
}

fn run_batch(model: &SimModel, opts: &SimOptions, batch: u64) -> Aggregate {
    run_batch_traced(model, opts, batch, None)
}

/// Batch `batch` of a run; with `traces`, every journey of it traced, in
/// order (the figures are the same either way).
fn run_batch_traced(
    model: &SimModel,
    opts: &SimOptions,
    batch: u64,
    mut traces: Option<&mut Vec<Trace>>,
) -> Aggregate {
    let mut agg = Aggregate::new(model);
    let mut scratch = Scratch::new(model);
    let mut seeds = stream(opts.seed, batch);
    let n = BATCH.min(opts.runs - batch * BATCH);
    for _ in 0..n {
        let mut trace = traces.is_some().then(|| Trace {
            steps: Vec::new(),
            outcome: None,
        });
        walk(
            model,
            &mut journey_rng(&mut seeds),
            opts.max_steps,
            &mut agg,
            &mut scratch,
            trace.as_mut(),
        );
        if let (Some(all), Some(t)) = (traces.as_deref_mut(), trace) {
            all.push(t);
        }
    }
    scratch.flush(&mut agg);
    agg
}

/// Simulates `opts.runs` journeys; `progress` is told the number of
/// journeys done after each group of batches.
pub fn simulate(
    model: &SimModel,
    opts: &SimOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Aggregate, SimError> {
    let model = &*for_run(model, opts);
    let mut run = BatchMerge::new(model, opts);
    run_batches(
        opts,
        0..run.batches(),
        &|b| run_batch(model, opts, b),
        &mut |_, batch| {
            let done = run.add(&batch);
            progress(run.total().runs);
            done
        },
    )?;
    Ok(run.finish())
}

/// [`simulate`], handing every journey of the run, traced, to `sink`: a
/// batch at a time, in batch order (journey `j` of the run is the `j`-th
/// handed over), only the batches the run counts. At most a few batches'
/// traces exist at once, whatever the number of runs. The figures are
/// those of [`simulate`] with the same options. An error of `sink` stops
/// the run and is returned as it is.
pub fn simulate_traced<E>(
    model: &SimModel,
    opts: &SimOptions,
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut dyn FnMut(&[Trace]) -> Result<(), E>,
) -> Result<Result<Aggregate, E>, SimError> {
    let model = &*for_run(model, opts);
    let mut run = BatchMerge::new(model, opts);
    let mut failed = None;
    run_batches(
        opts,
        0..run.batches(),
        &|b| {
            let mut traces = Vec::with_capacity(BATCH as usize);
            let agg = run_batch_traced(model, opts, b, Some(&mut traces));
            (agg, traces)
        },
        &mut |_, (batch, traces)| {
            if let Err(e) = sink(&traces) {
                failed = Some(e);
                return true;
            }
            let done = run.add(&batch);
            progress(run.total().runs);
            done
        },
    )?;
    Ok(match failed {
        Some(e) => Err(e),
        None => Ok(run.finish()),
    })
}

/// A pool of `threads` worker threads (0: one per core), and how many.
pub(crate) fn thread_pool(threads: usize) -> Result<(rayon::ThreadPool, usize), SimError> {
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(|pool| (pool, threads))
        .map_err(|e| SimError::Threads {
            threads,
            message: e.to_string(),
        })
}

/// The batches `runs` journeys make (the last one may be short).
pub fn batches(runs: u64) -> u64 {
    runs.div_ceil(BATCH)
}

/// A run's aggregate, built batch by batch in batch order, with the rules
/// that stop a run: every journey of batch 0 hit the step limit
/// ([`Aggregate::stopped_early`]), or the precision targets are met or out
/// of reach. The one home of those rules: [`simulate`] feeds it the batches
/// it runs, [`shard::Plan::replay`] the batches of a sharded run's partials, so
/// both stop after the same batch.
#[derive(Clone, Debug)]
pub struct BatchMerge {
    total: Aggregate,
    next: u64,
    batches: u64,
    precision: Option<Precision>,
    done: bool,
}

impl BatchMerge {
    /// An empty run of `model` with `opts`.
    pub fn new(model: &SimModel, opts: &SimOptions) -> Self {
        BatchMerge {
            total: Aggregate::new(model),
            next: 0,
            batches: batches(opts.runs),
            precision: opts.precision.clone(),
            done: false,
        }
    }

    /// The batches of the whole run (the ceiling, with precision targets).
    pub fn batches(&self) -> u64 {
        self.batches
    }

    /// The batch [`BatchMerge::add`] takes next.
    pub fn next_batch(&self) -> u64 {
        self.next
    }

    /// True once the run has stopped: every batch added, or a rule stopped it.
    pub fn done(&self) -> bool {
        self.done || self.next >= self.batches
    }

    /// Adds batch [`BatchMerge::next_batch`]; true when the run stops
    /// after it (then nothing more is added).
    pub fn add(&mut self, batch: &Aggregate) -> bool {
        if self.done() {
            return true;
        }
        let total = &mut self.total;
        total.add_batch(batch);
        self.next += 1;
        let (want, batches) = (self.next, self.batches);
        let hopeless = want == 1 && batches > 1 && total.unfinished == total.runs;
        total.stopped_early = hopeless;
        let checked = want >= precision::MIN_BATCHES.min(batches);
        let target = self.precision.as_ref().filter(|_| checked);
        total.precision_met = target.is_some_and(|p| p.met(total));
        // A target whose figure applies to no journey is out of
        // reach: stop rather than run to the ceiling.
        let out_of_reach = target.is_some_and(|p| p.out_of_reach(total));
        self.done = hopeless || ((total.precision_met || out_of_reach) && want < batches);
        self.done()
    }

    /// The aggregate so far.
    pub fn total(&self) -> &Aggregate {
        &self.total
    }

    /// The run's aggregate.
    pub fn finish(self) -> Aggregate {
        self.total
    }
}

/// Runs the batches `range` of a run with `opts` (`batch` runs one) on
/// `opts.threads` worker threads and hands each to `take` in batch order,
/// until `take` returns true (stop) or the range is done.
fn run_batches<T: Send>(
    opts: &SimOptions,
    range: std::ops::Range<u64>,
    batch: &(dyn Fn(u64) -> T + Sync),
    take: &mut dyn FnMut(u64, T) -> bool,
) -> Result<(), SimError> {
    let (pool, threads) = thread_pool(opts.threads)?;
    // Workers take batches in turn and may run at most `window` batches
    // ahead of the merge, which happens on this thread in batch order: the
    // result does not depend on timing, and at most `window + threads`
    // batch results exist at once, whatever the number of runs.
    let window = threads as u64 * 2;
    let end = range.end;
    let next = AtomicU64::new(range.start);
    let stop = AtomicBool::new(false);
    let merged = Mutex::new(range.start);
    let advanced = Condvar::new();
    let (tx, rx) = mpsc::sync_channel::<(u64, T)>(threads * 2);
    pool.in_place_scope(|scope| {
        for _ in 0..threads {
            let (tx, next, stop, merged, advanced) = (tx.clone(), &next, &stop, &merged, &advanced);
            scope.spawn(move |_| {
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= end || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let mut done = merged.lock().unwrap_or_else(|e| e.into_inner());
                    while b >= *done + window && !stop.load(Ordering::Relaxed) {
                        done = advanced.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                    drop(done);
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if tx.send((b, batch(b))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = range.start;
        'merge: for (b, agg) in rx.iter() {
            pending.insert(b, agg);
            while let Some(agg) = pending.remove(&want) {
                want += 1;
                let done = take(want - 1, agg);
                if done {
                    stop.store(true, Ordering::Relaxed);
                }
                *merged.lock().unwrap_or_else(|e| e.into_inner()) = want;
                advanced.notify_all();
                if done {
                    break 'merge;
                }
            }
        }
        // Workers still running a batch finish it and find the channel
        // closed (a stopped run) or the batches done.
        drop(rx);
    });
    Ok(())
}

/// The first journey that [`simulate`] runs with this seed, step by step.
pub fn trace(model: &SimModel, seed: u64, max_steps: u32) -> Trace {
    let mut agg = Aggregate::new(model);
    let mut scratch = Scratch::new(model);
    let mut rng = journey_rng(&mut stream(seed, 0));
    let mut tr = Trace {
        steps: Vec::new(),
        outcome: None,
    };
    walk(
        model,
        &mut rng,
        max_steps,
        &mut agg,
        &mut scratch,
        Some(&mut tr),
    );
    tr
}

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod condition_tests;
