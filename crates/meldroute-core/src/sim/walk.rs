//! Walking one journey, the simulation's inner loop: the journey's state
//! while it runs (time, contacts, silences, feedback), the scratch space a
//! batch's journeys stamp, and what a journey adds to the aggregates.

use std::ops::ControlFlow;

use rand::Rng;

use super::dates::Dates;
use super::model::{
    Go, MAX_ATTRIBUTES, NO_COUNTER, NOT_WORKING, SimDraw, SimModel, SimStep, UNDRAWN, UpdateTimes,
};
use super::{Aggregate, Trace, TraceStep, outcome_index};
use crate::condition::Now;
use crate::experience::{Facts, Weights};
use crate::model::{Outcome, StepKind};
use crate::norms::{ACKNOWLEDGE_DAYS, FEEDBACK_DAYS};

/// Per-step state of a batch, in one array so the inner loop touches one
/// place per step.
#[derive(Clone, Copy, Default)]
struct StepState {
    /// Journey number of the last visit.
    visit: u32,
    /// Journey number of the last completion recorded for deadlines.
    done: u32,
    /// Time of that completion.
    done_time: f64,
    /// Days spent in the step in this batch.
    days: f64,
    /// Journeys of this batch that visited the step.
    visits: u64,
    /// Times the step was taken in this batch (a journey that loops takes
    /// it more than once).
    entries: u64,
}

impl StepState {
    /// Journey `j` spent `days` in the step and completed it at `t`;
    /// `source`: some deadline counts from the step's completion.
    #[inline]
    fn record(&mut self, j: u32, days: f64, t: f64, source: bool) {
        self.days += days;
        self.entries += 1;
        if first_in_journey(&mut self.visit, j) {
            self.visits += 1;
        }
        if source {
            self.done = j;
            self.done_time = t;
        }
    }

    /// When journey `j` completed the step, if it did (recorded for
    /// deadline sources only).
    #[inline]
    fn done_in(&self, j: u32) -> Option<f64> {
        (self.done == j).then_some(self.done_time)
    }
}

/// Stamps `stamp` with journey `j`; true when it was not stamped with `j`
/// yet (the first time in the journey).
#[inline]
fn first_in_journey(stamp: &mut u32, j: u32) -> bool {
    if *stamp == j {
        return false;
    }
    *stamp = j;
    true
}

/// What a journey marks as it goes, so that it counts a step's visit, a
/// procedure, an escalation and a deadline once, and finds when it
/// completed a step some deadline counts from. The batch's journeys run
/// one after the other and stamp [`Scratch`] with their number; the
/// journeys of a caseload run at once and each keeps its own marks
/// ([`super::des`]).
pub(super) trait Marks {
    /// The journey spent `days` in `step` and completed it at `t`;
    /// `source`: some deadline counts from the step's completion. The
    /// step's figures go to `agg` (or are kept and added later).
    fn record(&mut self, step: u32, days: f64, t: f64, source: bool, agg: &mut Aggregate);
    /// When the journey completed `step`, if it did (recorded for
    /// deadline sources only).
    fn done_in(&self, step: u32) -> Option<f64>;
    /// True the first time the journey enters procedure `p`.
    fn first_procedure(&mut self, p: u32) -> bool;
    /// True the first time the journey escalates into procedure `p`.
    fn first_escalation(&mut self, p: u32) -> bool;
    /// True the first time the journey reaches deadline `d`.
    fn first_deadline(&mut self, d: u32) -> bool;
}

impl Marks for Scratch {
    /// Keeps the step's figures until the batch is done ([`Scratch::flush`]).
    #[inline]
    fn record(&mut self, step: u32, days: f64, t: f64, source: bool, _: &mut Aggregate) {
        self.steps[step as usize].record(self.journey, days, t, source);
    }

    #[inline]
    fn done_in(&self, step: u32) -> Option<f64> {
        self.steps[step as usize].done_in(self.journey)
    }

    #[inline]
    fn first_procedure(&mut self, p: u32) -> bool {
        first_in_journey(&mut self.proc_stamp[p as usize], self.journey)
    }

    #[inline]
    fn first_escalation(&mut self, p: u32) -> bool {
        first_in_journey(&mut self.esc_stamp[p as usize], self.journey)
    }

    #[inline]
    fn first_deadline(&mut self, d: u32) -> bool {
        first_in_journey(&mut self.deadline_stamp[d as usize], self.journey)
    }
}

/// Scratch space reused across the journeys of a batch.
pub(super) struct Scratch {
    journey: u32,
    steps: Vec<StepState>,
    proc_stamp: Vec<u32>,
    esc_stamp: Vec<u32>,
    deadline_stamp: Vec<u32>,
}

impl Scratch {
    /// Empty scratch space for a batch of journeys through `model`.
    pub(super) fn new(model: &SimModel) -> Self {
        let n = model.steps.len();
        let p = model.procedures.len();
        Scratch {
            journey: 0,
            steps: vec![StepState::default(); n],
            proc_stamp: vec![0; p],
            esc_stamp: vec![0; p],
            deadline_stamp: vec![0; model.deadlines.len()],
        }
    }

    /// Adds the per-step figures of the batch to `agg`.
    pub(super) fn flush(&self, agg: &mut Aggregate) {
        for (((st, visits), days), entries) in self
            .steps
            .iter()
            .zip(&mut agg.visits)
            .zip(&mut agg.step_days)
            .zip(&mut agg.step_entries)
        {
            *visits += st.visits;
            *days += st.days;
            *entries += st.entries;
        }
    }
}

/// A time without contact with the reporter: when the last contact (or
/// the silence's start) was, and the longest silence ended so far.
#[derive(Clone, Copy, Default)]
struct Silence {
    last: f64,
    longest: f64,
}

impl Silence {
    /// A contact at `t` ends the silence.
    #[inline]
    fn contact(&mut self, t: f64) {
        self.longest = self.longest.max(t - self.last);
        self.last = t;
    }

    /// The updates `u` end the silence: the longest is the time to the
    /// first, or between two of them.
    #[inline]
    fn updates(&mut self, u: &UpdateTimes) {
        self.longest = self.longest.max(u.first - self.last).max(u.gap());
        self.last = u.last();
    }

    /// The longest silence if the journey ends at `t`.
    #[inline]
    fn longest_until(&self, t: f64) -> f64 {
        self.longest.max(t - self.last)
    }
}

/// What a journey has done so far; times are days since it started.
pub(super) struct Journey {
    /// When it started, in days since the model's dates begin (0 in the
    /// independent mode; a case's arrival in a caseload).
    pub(super) origin: f64,
    /// Steps taken.
    pub(super) steps: u32,
    /// Now: the completion of the last step (in a caseload, or the time
    /// the journey reached the step it waits at).
    pub(super) t: f64,
    /// When the journey entered the current procedure.
    entered: f64,
    /// The completion of the first `report` step.
    report: Option<f64>,
    /// Silences counted from the report.
    since_report: Silence,
    /// Silences counted from the start (for journeys without a report).
    since_start: Silence,
    /// From the report to the first contact after it.
    first_contact: Option<f64>,
    /// Contacts with the reporter.
    contacts: u32,
    /// Changes of actor.
    handoffs: u32,
    /// The actor of the last step (`u32::MAX` before the first).
    prev_actor: u32,
    /// Procedures visited.
    procedures: u32,
    /// The completion of the first feedback step after the report.
    first_feedback: Option<f64>,
    /// The same, of the procedure simulated, not of one escalated to: the
    /// feedback the procedure owes the reporter.
    own_feedback: Option<f64>,
    /// An aftercare step was taken.
    aftercare: bool,
    /// The reporter reports anonymously: steps that need their identity
    /// do not reach them.
    pub(super) anonymous: bool,
    /// Each attribute's value ([`SimModel::attributes`]), [`UNDRAWN`]
    /// until the journey enters a procedure that declares it.
    attributes: [u8; MAX_ATTRIBUTES],
    /// Visits per counted step ([`super::model::SimStep::counter`]).
    visits: Vec<u32>,
    /// The step where the reporter met retaliation, if they did.
    retaliated: Option<u32>,
}

impl Journey {
    /// A journey at the start in its first procedure, started at `origin`
    /// ([`Journey::origin`]).
    #[inline]
    pub(super) fn new(origin: f64) -> Self {
        Journey {
            origin,
            steps: 0,
            t: 0.0,
            entered: 0.0,
            report: None,
            since_report: Silence::default(),
            since_start: Silence::default(),
            first_contact: None,
            contacts: 0,
            handoffs: 0,
            prev_actor: u32::MAX,
            procedures: 1,
            first_feedback: None,
            own_feedback: None,
            aftercare: false,
            anonymous: false,
            attributes: [UNDRAWN; MAX_ATTRIBUTES],
            visits: Vec::new(),
            retaliated: None,
        }
    }

    /// The journey starts at `step` of `model`: draws whether the reporter
    /// is anonymous (by the share of the step's procedure) and the
    /// attributes it declares, and makes room for the visit counters. Draws
    /// nothing for a procedure without either, so that the random numbers
    /// of such a journey are what they were before conditions.
    #[inline]
    pub(super) fn begin<R: Rng>(&mut self, model: &SimModel, step: u32, rng: &mut R) {
        if !model.stateful {
            return;
        }
        let p = &model.procedures[model.steps[step as usize].procedure as usize];
        if p.anonymous >= 1.0 {
            self.anonymous = true;
        } else if p.anonymous > 0.0 {
            self.anonymous = rng.random::<f64>() < p.anonymous;
        }
        if !p.draws.is_empty() {
            self.draw(&p.draws, rng);
        }
        if model.counters > 0 {
            self.visits = vec![0; model.counters as usize];
        }
    }

    /// Draws the attributes of `draws` the journey does not carry yet.
    #[cold]
    fn draw<R: Rng>(&mut self, draws: &[SimDraw], rng: &mut R) {
        for d in draws {
            let a = &mut self.attributes[d.attribute as usize];
            if *a == UNDRAWN {
                let u: f64 = rng.random();
                *a = d
                    .values
                    .iter()
                    .find(|(cum, _)| u < *cum)
                    .map_or(UNDRAWN, |v| v.1);
            }
        }
    }

    /// The journey's state as a condition at step `st` reads it.
    #[inline]
    fn now(&self, st: &SimStep) -> Now<'_> {
        Now {
            silence: self.t - self.silence().last,
            since_report: self.t - self.report.unwrap_or(0.0),
            elapsed: self.t,
            contacts: self.contacts,
            visits: self.visits.get(st.counter as usize).copied().unwrap_or(0),
            procedures: self.procedures,
            anonymous: self.anonymous,
            retaliated: self.retaliated.is_some(),
            attributes: &self.attributes,
        }
    }

    /// The visit of `step` (risk `risk`), which took `days`, brings
    /// retaliation with its probability: one draw a visit, whether or not
    /// the reporter met it before, so that the draws after it do not move.
    #[cold]
    fn exposed<R: Rng>(&mut self, step: u32, risk: super::model::Risk, days: f64, rng: &mut R) {
        let u: f64 = rng.random();
        if self.retaliated.is_none() && u < risk.probability(days) {
            self.retaliated = Some(step);
        }
    }

    /// True when step `st` reaches the reporter: it does not need their
    /// identity, or they are not anonymous.
    #[inline]
    fn reaches(&self, st: &SimStep) -> bool {
        !(self.anonymous && st.needs_identity)
    }

    /// Counts a visit to `st` when a condition reads its visits.
    #[inline]
    fn visit(&mut self, st: &SimStep) {
        if st.counter != NO_COUNTER
            && let Some(v) = self.visits.get_mut(st.counter as usize)
        {
            *v = v.saturating_add(1);
        }
    }

    /// Takes step `st`, which the journey reached at `entered` and starts
    /// now (later when it waited for a handler): draws its duration and
    /// records the updates while it runs (from `entered`: a waiting
    /// reporter hears what the step promises) and what its completion
    /// brings; returns the duration and the updates.
    /// `S`: the model is [`SimModel::stateful`]; without, the journey has
    /// no state to count or to test.
    #[inline]
    pub(super) fn take<R: Rng, const S: bool>(
        &mut self,
        model: &SimModel,
        st: &SimStep,
        rng: &mut R,
        entered: f64,
    ) -> (f64, Option<UpdateTimes>) {
        self.steps += 1;
        if S {
            self.visit(st);
        }
        let mut days = st.duration.sample(rng);
        if st.working != NOT_WORKING
            && let Some(dates) = &model.dates
        {
            days = self.working(model, dates, st.working, days);
        }
        let updates = st
            .updates
            .and_then(|u| u.during(entered, self.t + days - entered))
            .filter(|_| !S || self.reaches(st));
        if let Some(u) = &updates {
            self.updates(st, u);
        }
        self.t += days;
        self.completed(st, !S || self.reaches(st));
        (days, updates)
    }

    /// A step of a real case ([`super::observe`]): `st` completed at `end`
    /// (days since the case started; never before the last completion),
    /// its interim updates already given ([`Journey::observed_update`]);
    /// what its completion brings, as for a simulated step. Returns the
    /// days since the last completion: the step's time, waiting included.
    pub(super) fn observed(&mut self, st: &SimStep, end: f64) -> f64 {
        self.steps += 1;
        self.visit(st);
        let days = (end - self.t).max(0.0);
        self.t += days;
        self.completed(st, self.reaches(st));
        days
    }

    /// An interim update of a real case at `at` (days since it started)
    /// while step `st` ran: a contact, and feedback when `feedback`.
    pub(super) fn observed_update(&mut self, st: &SimStep, at: f64, feedback: bool) {
        let u = UpdateTimes {
            first: at,
            every: 0.0,
            count: 1,
            feedback,
        };
        self.updates(st, &u);
    }

    /// Step `st` has just completed (now, `self.t`): the handoff, the
    /// report, and, when it `reaches` the reporter ([`Journey::reaches`]),
    /// a contact, feedback and aftercare it brings.
    #[inline]
    fn completed(&mut self, st: &SimStep, reaches: bool) {
        self.hand_to(st.actor);
        if st.kind == StepKind::Report && self.report.is_none() {
            self.report = Some(self.t);
            self.since_report.last = self.t;
        }
        if !reaches {
            return;
        }
        if st.contact {
            self.contact();
        }
        if st.feedback && self.report.is_some() && self.first_feedback.is_none() {
            self.first_feedback = Some(self.t);
        }
        if st.feedback && st.procedure == 0 && self.report.is_some() && self.own_feedback.is_none()
        {
            self.own_feedback = Some(self.t);
        }
        self.aftercare |= st.kind == StepKind::Aftercare;
    }

    /// The calendar days that work drawn as `days` (calendar days at the
    /// mean ratio of calendar `c`) takes from now, on the calendar's days.
    #[cold]
    fn working(&self, model: &SimModel, dates: &Dates, c: u32, days: f64) -> f64 {
        let working_days = days / model.calendars[c as usize].ratio;
        dates.work(c, self.origin + self.t, working_days)
    }

    /// The interim updates `u` of step `st`, which starts now: contacts,
    /// counted at once (their number is unbounded by the file, so no loop
    /// over them); feedback when the file says so.
    #[cold]
    fn updates(&mut self, st: &SimStep, u: &UpdateTimes) {
        let count = u.count.min(u64::from(u32::MAX)) as u32;
        self.contacts = self.contacts.saturating_add(count);
        self.since_start.updates(u);
        if let Some(r) = self.report {
            self.since_report.updates(u);
            self.first_contact.get_or_insert(u.first - r);
            if u.feedback {
                self.first_feedback.get_or_insert(u.first);
                if st.procedure == 0 {
                    self.own_feedback.get_or_insert(u.first);
                }
            }
        }
    }

    /// The step just taken was done by `actor`: a handoff when another
    /// actor did the step before.
    #[inline]
    fn hand_to(&mut self, actor: u32) {
        if self.prev_actor != u32::MAX && actor != self.prev_actor {
            self.handoffs += 1;
        }
        self.prev_actor = actor;
    }

    /// A contact with the reporter now.
    #[inline]
    fn contact(&mut self) {
        self.contacts += 1;
        self.since_start.contact(self.t);
        if let Some(r) = self.report {
            self.first_contact.get_or_insert(self.t - r);
            self.since_report.contact(self.t);
        }
    }

    /// The silences that count: from the report when there was one, else
    /// from the start.
    #[inline]
    fn silence(&self) -> Silence {
        if self.report.is_some() {
            self.since_report
        } else {
            self.since_start
        }
    }

    /// What the experience score reads of the journey so far, ending now
    /// with `outcome` (`None`: it goes on).
    #[inline]
    pub(super) fn facts(&self, outcome: Option<Outcome>) -> Facts {
        Facts {
            feedback: self.first_feedback.is_some(),
            aftercare: self.aftercare,
            contacts: self.contacts,
            longest_silence_days: self.silence().longest_until(self.t),
            retaliated: self.retaliated.is_some(),
            outcome,
        }
    }

    /// The journey escalates into `procedure` now.
    #[inline]
    fn escalate<M: Marks>(&mut self, procedure: u32, m: &mut M, agg: &mut Aggregate) {
        if m.first_escalation(procedure) {
            agg.escalations[procedure as usize] += 1;
        }
        if m.first_procedure(procedure) {
            self.procedures += 1;
        }
        self.entered = self.t;
    }

    /// The traced record of `step`, begun at `begin` and completed now,
    /// with its `updates`.
    #[inline]
    fn trace_step(
        &self,
        step: u32,
        begin: f64,
        contact: bool,
        updates: Option<UpdateTimes>,
    ) -> TraceStep {
        TraceStep {
            step,
            start: begin,
            end: self.t,
            contact,
            updates,
            silence: self.t - self.silence().last,
        }
    }

    /// Adds the journey, ended with `outcome` (`None`: unfinished), to
    /// `agg`. Rates and the reporter shares count every journey (an
    /// unfinished one had what it had so far); durations and per-journey
    /// means count finished journeys only.
    pub(super) fn finish(&self, outcome: Option<Outcome>, agg: &mut Aggregate, model: &SimModel) {
        let dates = model.dates.as_deref();
        agg.runs += 1;
        agg.steps_simulated += u64::from(self.steps);
        if let Some(s) = self.retaliated {
            agg.retaliated += 1;
            if let Some(at) = agg.retaliated_at.get_mut(s as usize) {
                *at += 1;
            }
        }
        if self.report.is_some() {
            self.add_reporter(agg, model, dates);
        }
        match outcome {
            Some(outcome) => self.add_finished(outcome, agg, &model.experience),
            None => agg.unfinished += 1,
        }
    }

    /// The tally of the journey's scope in `agg`, when the model counts by
    /// scope ([`SimModel::scope`]) and the journey has drawn one.
    #[inline]
    pub(super) fn scope_tally<'a>(
        &self,
        model: &SimModel,
        agg: &'a mut Aggregate,
    ) -> Option<&'a mut super::ScopeTally> {
        let scope = model.scope.as_ref()?;
        let value = self.attributes[scope.attribute as usize];
        agg.by_scope.get_mut(usize::from(value))
    }

    /// Adds the reporter shares of the journey, which made a report, to
    /// `agg`: their denominator is [`Aggregate::reported`]; and the terms to
    /// the tally of its scope, when the model counts by scope.
    fn add_reporter(&self, agg: &mut Aggregate, model: &SimModel, dates: Option<&Dates>) {
        let acknowledged = u64::from(self.acknowledged_in_time(dates));
        let feedback_in_time = u64::from(self.feedback_in_time(dates));
        agg.reported += 1;
        agg.contacted += u64::from(self.first_contact.is_some());
        agg.contact_within_week += acknowledged;
        agg.feedback += u64::from(self.first_feedback.is_some());
        agg.feedback_in_time += feedback_in_time;
        agg.aftercare += u64::from(self.aftercare);
        if self.anonymous {
            agg.anonymous += 1;
            agg.anonymous_feedback += u64::from(self.first_feedback.is_some());
        }
        if let Some(t) = self.scope_tally(model, agg) {
            t.reported += 1;
            t.contact_within_week += acknowledged;
            t.feedback_in_time += feedback_in_time;
        }
    }

    /// Adds the figures of the journey, finished with `outcome`, to `agg`.
    fn add_finished(&self, outcome: Outcome, agg: &mut Aggregate, weights: &Weights) {
        agg.lead.add(self.t);
        let facts = self.facts(Some(outcome));
        let longest = facts.longest_silence_days;
        agg.experience.add(weights.score(&facts));
        if let Some(fc) = self.first_contact {
            agg.first_contact.add(fc);
        }
        agg.longest_silence.add(longest);
        agg.contacts += u64::from(self.contacts);
        agg.handoffs += u64::from(self.handoffs);
        agg.procedures += u64::from(self.procedures);
        agg.outcomes[outcome_index(outcome)] += 1;
    }

    /// The reporter had feedback within [`FEEDBACK_DAYS`] of the
    /// acknowledgement (Richtlijn (EU) 2019/1937 art. 9(1)(f) with 5(13);
    /// `docs/simulation.md`, "Feedback within 3 months"): the first
    /// feedback step after the report in the procedure simulated (not one
    /// escalated to, whose feedback is not this procedure's), interim
    /// feedback included, counted
    /// from the acknowledgement, which is the first contact after the
    /// report if it came before that feedback, else the end of the
    /// [`ACKNOWLEDGE_DAYS`] after the report.
    ///
    /// On dates (`dates`) the terms are counted on the calendar from the
    /// day after the report (and the acknowledgement) and end where the
    /// Algemene termijnenwet ends them ([`Dates::acknowledge_by`],
    /// [`Dates::feedback_by`]); without, they are 7 and 365.25 / 4 days
    /// from the moment.
    fn feedback_in_time(&self, dates: Option<&Dates>) -> bool {
        let (Some(r), Some(fb)) = (self.report, self.own_feedback) else {
            return false;
        };
        let by_term = match dates {
            Some(d) => d.acknowledge_by(self.origin + r) - self.origin,
            None => r + ACKNOWLEDGE_DAYS,
        };
        let ack = self
            .first_contact
            .map(|fc| r + fc)
            .filter(|&a| a < fb)
            .unwrap_or(by_term);
        match dates {
            Some(d) => self.origin + fb <= d.feedback_by(self.origin + ack) + 1e-9,
            None => fb - ack <= FEEDBACK_DAYS + 1e-9,
        }
    }

    /// The first contact after the report came within [`ACKNOWLEDGE_DAYS`]
    /// (on dates: by the end of the term, with the Atw).
    fn acknowledged_in_time(&self, dates: Option<&Dates>) -> bool {
        let (Some(r), Some(fc)) = (self.report, self.first_contact) else {
            return false;
        };
        match dates {
            Some(d) => self.origin + r + fc <= d.acknowledge_by(self.origin + r) + 1e-9,
            None => fc <= ACKNOWLEDGE_DAYS + 1e-9,
        }
    }
}

/// Counts the deadline of `st`, just completed, once per journey: reached
/// when the time it counts from is known (entering the procedure, or the
/// completion of its `from` step in this journey), met when the step
/// completed within the limit.
// Inlined always, as `go_on`: out of line they cost the walk about 10% of
// its step rate (`cargo bench --bench sim`).
#[inline(always)]
fn count_deadline<M: Marks>(
    model: &SimModel,
    st: &SimStep,
    journey: &Journey,
    m: &mut M,
    agg: &mut Aggregate,
) {
    let Some(di) = st.deadline else {
        return;
    };
    let dl = &model.deadlines[di as usize];
    let from = match dl.from {
        None => Some(journey.entered),
        Some(f) => m.done_in(f),
    };
    if let Some(from) = from
        && m.first_deadline(di)
    {
        let met = u64::from(journey.t - from <= dl.within + 1e-9);
        let counts = &mut agg.deadlines[di as usize];
        counts.0 += 1;
        counts.1 += met;
        if let Some(t) = journey.scope_tally(model, agg) {
            t.deadlines[di as usize].0 += 1;
            t.deadlines[di as usize].1 += met;
        }
    }
}

/// The target of the branch a uniform draw `u` picks: the first whose
/// cumulative probability exceeds `u` (the last catches rounding).
#[inline]
fn choose(branches: &[(f64, u32)], u: f64) -> u32 {
    branches
        .iter()
        .find(|(cum, _)| u < *cum)
        .map_or(branches[branches.len() - 1].1, |b| b.1)
}

/// Where the journey goes after `st`: on to a step, or it ends. Draws a
/// random number at a branch; counts an escalation.
#[inline(always)]
fn go_on<R: Rng, M: Marks>(
    model: &SimModel,
    st: &SimStep,
    rng: &mut R,
    journey: &mut Journey,
    m: &mut M,
    agg: &mut Aggregate,
) -> ControlFlow<Outcome, u32> {
    match st.go {
        Go::Step(next) => ControlFlow::Continue(next),
        Go::Branch { from, len } => {
            ControlFlow::Continue(choose(model.branches_of(from, len), rng.random()))
        }
        Go::Choose { from, len } => {
            ControlFlow::Continue(decide(model, st, from, len, rng, journey))
        }
        Go::Escalate { step, procedure } => {
            journey.escalate(procedure, m, agg);
            let draws = &model.procedures[procedure as usize].draws;
            if !draws.is_empty() {
                journey.draw(draws, rng);
            }
            ControlFlow::Continue(step)
        }
        Go::End(outcome) => ControlFlow::Break(outcome),
    }
}

/// The step the journey goes to from `st` by the alternatives
/// `choices[from..from + len]`: the first whose condition holds on the
/// journey now (the last has none), then its step or a draw among its
/// branches.
#[cold]
fn decide<R: Rng>(
    model: &SimModel,
    st: &SimStep,
    from: u32,
    len: u32,
    rng: &mut R,
    journey: &Journey,
) -> u32 {
    let now = journey.now(st);
    let choices = model.choices_of(from, len);
    let chosen = choices
        .iter()
        .find(|c| c.when.as_ref().is_none_or(|w| w.holds(&now)))
        .or(choices.last());
    match chosen.map(|c| &c.go) {
        Some(&Go::Step(next)) => next,
        Some(&Go::Branch { from, len }) => choose(model.branches_of(from, len), rng.random()),
        // Never: compiling puts only steps and branches here.
        _ => model.start,
    }
}

/// The journey has completed `step` (its work took `days`): counts its
/// deadline and its visit, draws the retaliation its visit may bring (`S`:
/// the model is [`SimModel::stateful`]), and says where the journey goes
/// on.
#[inline]
pub(super) fn complete<R: Rng, M: Marks, const S: bool>(
    model: &SimModel,
    step: u32,
    days: f64,
    rng: &mut R,
    journey: &mut Journey,
    m: &mut M,
    agg: &mut Aggregate,
) -> ControlFlow<Outcome, u32> {
    let st = &model.steps[step as usize];
    count_deadline(model, st, journey, m, agg);
    m.record(step, days, journey.t, st.deadline_source, agg);
    if S && let Some(risk) = st.risk {
        journey.exposed(step, risk, days, rng);
    }
    go_on(model, st, rng, journey, m, agg)
}

/// Where a real case goes after completing `step`, as the log says: on to
/// step `next`, or nowhere more (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Observed {
    /// The case went on to this step, which the procedure allows.
    On,
    /// The case ended here with this outcome.
    Ended(Outcome),
    /// The log has nothing more, and the procedure goes on: the case is
    /// still open.
    Open,
    /// The procedure does not allow `next` after `step`.
    NotAllowed,
}

/// A real case has completed `step` (its time since the last completion
/// was `days`) and goes on to `next` (`None`: the log ends there): counts
/// its deadline and its visit as a simulated journey's, an escalation when
/// `next` is in the procedure escalated to, and says whether the procedure
/// allows it ([`Observed`]).
pub(super) fn complete_observed<M: Marks>(
    model: &SimModel,
    step: u32,
    days: f64,
    next: Option<u32>,
    journey: &mut Journey,
    m: &mut M,
    agg: &mut Aggregate,
) -> Observed {
    let st = &model.steps[step as usize];
    count_deadline(model, st, journey, m, agg);
    m.record(step, days, journey.t, st.deadline_source, agg);
    match (&st.go, next) {
        (&Go::End(outcome), None) => Observed::Ended(outcome),
        (Go::End(_), Some(_)) => Observed::NotAllowed,
        (_, None) => Observed::Open,
        (&Go::Step(s), Some(n)) if s == n => Observed::On,
        (go @ (Go::Branch { .. } | Go::Choose { .. }), Some(n))
            if model.ways_on(go).iter().any(|b| b.1 == n) =>
        {
            Observed::On
        }
        (&Go::Escalate { step: s, procedure }, Some(n)) if s == n => {
            journey.escalate(procedure, m, agg);
            Observed::On
        }
        _ => Observed::NotAllowed,
    }
}

/// Walks one journey, adding it to `agg`; records it in `trace` when given.
#[inline]
pub(super) fn walk<R: Rng>(
    model: &SimModel,
    rng: &mut R,
    max_steps: u32,
    agg: &mut Aggregate,
    s: &mut Scratch,
    trace: Option<&mut Trace>,
) {
    // A model without the reporter's state takes a walk that tests none.
    if model.stateful {
        walk_with::<R, true>(model, rng, max_steps, agg, s, trace);
    } else {
        walk_with::<R, false>(model, rng, max_steps, agg, s, trace);
    }
}

/// [`walk`], with the reporter's state when `S`.
fn walk_with<R: Rng, const S: bool>(
    model: &SimModel,
    rng: &mut R,
    max_steps: u32,
    agg: &mut Aggregate,
    s: &mut Scratch,
    mut trace: Option<&mut Trace>,
) {
    s.journey += 1;
    let mut journey = Journey::new(0.0);
    let mut step = model.start;
    if S {
        journey.begin(model, step, rng);
    }
    s.first_procedure(model.steps[step as usize].procedure);
    let outcome = loop {
        if journey.steps >= max_steps {
            break None;
        }
        let st = &model.steps[step as usize];
        let begin = journey.t;
        let (days, updates) = journey.take::<R, S>(model, st, rng, begin);
        if let Some(tr) = trace.as_deref_mut() {
            tr.steps.push(journey.trace_step(
                step,
                begin,
                st.contact && (!S || journey.reaches(st)),
                updates,
            ));
        }
        match complete::<R, Scratch, S>(model, step, days, rng, &mut journey, s, agg) {
            ControlFlow::Continue(next) => step = next,
            ControlFlow::Break(outcome) => break Some(outcome),
        }
    };
    if let Some(tr) = trace {
        tr.outcome = outcome;
    }
    journey.finish(outcome, agg, model);
}

/// What one journey has marked ([`Marks`]), kept with it: for the cases
/// of a caseload, which interleave, and the real cases of a log
/// ([`super::observe`]).
#[derive(Default)]
pub(super) struct CaseMarks {
    visited: Vec<u64>,
    procedures: Vec<u64>,
    escalations: Vec<u64>,
    deadlines: Vec<u64>,
    /// Completions of deadline sources: (step, time).
    sources: Vec<(u32, f64)>,
}

/// Sets bit `i` of `bits`; true when it was not set.
#[inline]
fn first(bits: &mut [u64], i: u32) -> bool {
    let (w, b) = ((i / 64) as usize, 1u64 << (i % 64));
    let new = bits[w] & b == 0;
    bits[w] |= b;
    new
}

impl CaseMarks {
    /// Nothing marked but the procedure of `step`, where a journey
    /// through `model` starts.
    pub(super) fn start(&mut self, model: &SimModel, step: u32) {
        let words = |n: usize| n.div_ceil(64);
        for (v, n) in [
            (&mut self.visited, model.steps.len()),
            (&mut self.procedures, model.procedures.len()),
            (&mut self.escalations, model.procedures.len()),
            (&mut self.deadlines, model.deadlines.len()),
        ] {
            v.clear();
            v.resize(words(n), 0);
        }
        self.sources.clear();
        first(&mut self.procedures, model.steps[step as usize].procedure);
    }
}

impl Marks for CaseMarks {
    /// Adds the step's figures to `agg` at once: the cases of a
    /// replication interleave, so nothing is kept per batch.
    #[inline]
    fn record(&mut self, step: u32, days: f64, t: f64, source: bool, agg: &mut Aggregate) {
        let i = step as usize;
        agg.step_days[i] += days;
        agg.step_entries[i] += 1;
        if first(&mut self.visited, step) {
            agg.visits[i] += 1;
        }
        if source {
            match self.sources.iter_mut().find(|(s, _)| *s == step) {
                Some(entry) => entry.1 = t,
                None => self.sources.push((step, t)),
            }
        }
    }

    #[inline]
    fn done_in(&self, step: u32) -> Option<f64> {
        self.sources
            .iter()
            .find(|(s, _)| *s == step)
            .map(|(_, t)| *t)
    }

    #[inline]
    fn first_procedure(&mut self, p: u32) -> bool {
        first(&mut self.procedures, p)
    }

    #[inline]
    fn first_escalation(&mut self, p: u32) -> bool {
        first(&mut self.escalations, p)
    }

    #[inline]
    fn first_deadline(&mut self, d: u32) -> bool {
        first(&mut self.deadlines, d)
    }
}
