//! Gap analysis: where a procedure lets a reporter go without
//! acknowledgement, feedback or aftercare, sit in long silences, or lose a
//! legal term or right. Structural rules find witness paths in the graph;
//! statistical rules read a simulation of the procedure.

mod anonymous_without_feedback;
mod deadline_at_risk;
mod legal_norm;
mod long_silence;
mod missing_acknowledgement;
mod missing_aftercare;
mod missing_feedback;
mod no_escalation_route;
mod robust;
mod route;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

pub(crate) use anonymous_without_feedback::AnonymousWithoutFeedback;
pub(crate) use deadline_at_risk::DeadlineAtRisk;
pub(crate) use legal_norm::LegalNorm;
pub(crate) use long_silence::LongSilence;
pub(crate) use missing_acknowledgement::MissingAcknowledgement;
pub(crate) use missing_aftercare::MissingAftercare;
pub(crate) use missing_feedback::MissingFeedback;
pub(crate) use no_escalation_route::NoEscalationRoute;
pub use robust::{Dependence, ROBUST_POINTS, ROBUST_RUNS, Robustness, robustness};
pub use route::{Route, RoutePart};

use meldroute_diagnostics::Arg;

use crate::diag::Diagnostic;
use crate::graph::LibraryGraph;
use crate::library::{Entry, EntryId, Library};
use crate::measures::{Cited, Standing};
use crate::meta::{Described, RuleMeta};
use crate::model::{Basis, Procedure, ProcedureKind, Scope, Step, StepKind};
use crate::sim::{self, Aggregate, SimModel, SimOptions, SimReport};
use crate::source::Pos;
use crate::stats::Estimate;

/// Settings of a gap analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct GapOptions {
    /// Simulation settings for the statistical rules.
    pub sim: SimOptions,
    /// Only the structural rules: no simulation, so no shares and no
    /// statistical rule (long silences, deadlines at risk).
    pub structural_only: bool,
    /// A silence longer than this many days is long (default 6 weeks).
    pub silence_days: f64,
    /// Largest acceptable share of journeys with a long silence (default 10%).
    pub silence_tolerance: f64,
    /// Largest acceptable share of journeys that miss a deadline (default 5%).
    pub deadline_tolerance: f64,
}

impl Default for GapOptions {
    fn default() -> Self {
        GapOptions {
            sim: SimOptions::default(),
            structural_only: false,
            silence_days: 42.0,
            silence_tolerance: 0.10,
            deadline_tolerance: 0.05,
        }
    }
}

/// One gap finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Code, severity, message, help and where it starts.
    pub diagnostic: Diagnostic,
    /// The procedure the finding is about.
    pub entry: EntryId,
    /// The witness: the shortest route that shows the gap, from the step
    /// where it starts (long routes are kept in part, see [`Route`]).
    pub route: Route,
    /// Share of simulated journeys affected, with its 95% interval.
    pub share: Option<Estimate>,
    /// The basis, with its article where it is law (see
    /// [`crate::measures`]).
    pub basis: Option<String>,
    /// What the basis is: law, policy, practice, or as the file states it.
    pub standing: Option<Standing>,
    /// The scopes of report the finding concerns: those of the procedure
    /// its basis governs (a norm of the Wbk: the *misstand* scopes only).
    pub scopes: Vec<Scope>,
    /// Whether the finding rests on the structure alone or on simulated
    /// figures, and whether those are assumed.
    pub rests_on: RestsOn,
    /// Set when the procedure file accepts this finding.
    pub accepted: Option<Accepted>,
}

impl Finding {
    /// The finding with the simulated share it rests on, when there is one:
    /// as its `{share}` argument and as [`Finding::share`].
    pub(crate) fn with_share(mut self, share: Option<Estimate>) -> Finding {
        if let Some(s) = share {
            self.diagnostic = self.diagnostic.with_arg("share", share_arg(s));
        }
        self.share = share;
        self
    }

    /// The finding with the basis `cited`: its text, standing and scopes.
    pub(crate) fn citing(mut self, cited: &Cited) -> Finding {
        self.basis = Some(cited.text.clone());
        self.standing = Some(cited.standing);
        self.scopes.clone_from(&cited.scopes);
        self
    }

    /// Accepted as no real gap: not a known shortcoming.
    pub fn accepted_as_no_gap(&self) -> bool {
        self.accepted
            .as_ref()
            .is_some_and(|a| a.known_shortcoming.is_none())
    }

    /// Accepted as a known shortcoming that a source has found.
    pub fn known_shortcoming(&self) -> Option<&Shortcoming> {
        self.accepted.as_ref()?.known_shortcoming.as_ref()
    }
}

/// What a finding rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RestsOn {
    /// The procedure's steps and branches alone (a route in the graph):
    /// it holds whatever the durations and probabilities are.
    Structure,
    /// Simulated figures, none of them assumed: every step of the
    /// procedure and of those it escalates to has a basis other than
    /// `assumption`.
    Figures,
    /// Simulated figures, some of them assumed: a duration or branch
    /// probabilities of the procedure or of one it escalates to has
    /// `basis: assumption` (or none).
    Assumptions,
}

impl RestsOn {
    /// The name in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            RestsOn::Structure => "structure",
            RestsOn::Figures => "figures",
            RestsOn::Assumptions => "assumptions",
        }
    }
}

/// How the procedure file accepts a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Accepted {
    /// The file's reason.
    pub reason: String,
    /// Set when the finding reproduces a shortcoming a source has found.
    pub known_shortcoming: Option<Shortcoming>,
}

/// A known shortcoming: the source that found it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortcoming {
    /// The source's id in the file (`sources`).
    pub source: String,
    /// The source's title.
    pub title: String,
}

/// A simulated share as a message argument: the share and its interval.
pub(crate) fn share_arg(e: Estimate) -> Arg {
    match e.ci95 {
        Some(ci) => Arg::Estimate {
            share: e.value,
            low: ci.low,
            high: ci.high,
        },
        None => Arg::Share(e.value),
    }
}

/// A journey rule: like a correctness rule, with the simulation at hand.
pub(crate) trait JourneyRule: Described + Sync + Send {
    /// Checks one procedure.
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>);
}

/// Every journey rule, in code order.
pub(crate) static JOURNEY_RULES: &[&dyn JourneyRule] = &[
    &MissingAcknowledgement,
    &MissingFeedback,
    &MissingAftercare,
    &LongSilence,
    &DeadlineAtRisk,
    &NoEscalationRoute,
    &LegalNorm,
    &AnonymousWithoutFeedback,
];

/// A procedure's simulation, for the statistical rules.
pub(crate) struct Simulated {
    /// The compiled model.
    pub model: SimModel,
    /// The aggregates.
    pub agg: Aggregate,
    /// The report.
    pub report: SimReport,
}

impl Simulated {
    /// The figures of the journeys whose report's scope is one of `scopes`
    /// (those of the norm a finding cites: [`Aggregate::of_scopes`]).
    pub fn of_scopes(&self, scopes: &[Scope]) -> crate::sim::ScopeTally {
        self.agg.of_scopes(&self.model, scopes)
    }

    /// `d`, whose share counts the reports of `scopes` only, saying so when
    /// the procedure draws the report's scope and some reports have
    /// another: " (counted over the reports of scope {scopes}, {scoped} of
    /// all)".
    pub fn says_scopes(&self, d: Diagnostic, scopes: &[Scope]) -> Diagnostic {
        let t = self.of_scopes(scopes);
        if self.model.scope.is_none() || t.reported == self.agg.reported {
            return d;
        }
        let mut d = d
            .with_arg("scopes", Arg::ids(scopes.iter().map(|s| s.as_str())))
            .with_arg(
                "scoped",
                share_arg(crate::sim::share(t.reported, self.agg.reported)),
            );
        d.message
            .push_str(" (counted over the reports of scope {scopes}, {scoped} of all)");
        d
    }
}

/// What journey rules see.
pub(crate) struct GapContext<'a> {
    /// Everything loaded.
    pub library: &'a Library,
    /// Settings.
    pub opts: &'a GapOptions,
    /// Every loaded step as one graph, with escalations.
    pub graph: LibraryGraph,
    sims: HashMap<EntryId, Simulated>,
    /// [`no_escalation_route::reaching_kind`] of the whole library, by the
    /// kinds reached, computed once rather than once per procedure.
    reaching: RefCell<Vec<(Kinds, Rc<Vec<bool>>)>>,
}

/// Kinds of procedure a route may reach.
type Kinds = &'static [ProcedureKind];

impl<'a> GapContext<'a> {
    /// The entry with id `i`.
    pub fn entry(&self, i: EntryId) -> &'a Entry {
        self.library.entry(i)
    }

    /// Per node of [`GapContext::graph`]: whether the reporter can go on
    /// from it to a procedure of one of `kinds` other than `entry`.
    pub fn reaching_kind(&self, entry: EntryId, kinds: Kinds) -> Rc<Vec<bool>> {
        let own = *self.entry(entry).procedure.kind;
        if kinds.contains(&own) {
            // Its own steps do not count: not the shared answer.
            return Rc::new(no_escalation_route::reaching_kind(
                self.library,
                &self.graph,
                kinds,
                Some(entry),
            ));
        }
        let mut cache = self.reaching.borrow_mut();
        if let Some((_, r)) = cache.iter().find(|(k, _)| *k == kinds) {
            return Rc::clone(r);
        }
        let r = Rc::new(no_escalation_route::reaching_kind(
            self.library,
            &self.graph,
            kinds,
            None,
        ));
        cache.push((kinds, Rc::clone(&r)));
        r
    }

    /// The simulation of the procedure with id `i`, when it could run.
    pub fn sim(&self, i: EntryId) -> Option<&Simulated> {
        self.sims.get(&i)
    }

    /// A finding of `rule` at `pos` in the file of `entry`.
    pub fn finding(
        &self,
        rule: &RuleMeta,
        entry: EntryId,
        pos: Pos,
        message: impl Into<String>,
    ) -> Finding {
        let e = self.entry(entry);
        let span = self.library.file(e.file).byte_span(pos);
        Finding {
            diagnostic: Diagnostic::new(rule.code, rule.name, rule.severity, e.file, span, message),
            entry,
            route: Route::default(),
            share: None,
            basis: None,
            standing: None,
            scopes: e.procedure.scopes(),
            rests_on: RestsOn::Structure,
            accepted: None,
        }
    }

    /// What a finding read from the simulation of `entry` rests on:
    /// assumptions when a step with a figure (a duration or branch
    /// probabilities) in the procedure or in one it escalates to has
    /// `basis: assumption` or no basis, else documented figures.
    pub fn simulated(&self, entry: EntryId) -> RestsOn {
        let Some(sim) = self.sim(entry) else {
            return RestsOn::Assumptions;
        };
        let model = &sim.model;
        let assumed = model.steps.iter().zip(&model.names).any(|(step, name)| {
            let owner = model.procedures[step.procedure as usize].entry;
            self.entry(owner)
                .procedure
                .steps
                .get(&name.id)
                .is_none_or(|s| {
                    let figure = !s.duration.is_zero()
                        || matches!(
                            s.next.as_deref(),
                            Some(
                                crate::model::Next::Branches(_)
                                    | crate::model::Next::Conditional(_)
                            )
                        );
                    figure && s.basis.as_ref().is_none_or(|b| **b == Basis::Assumption)
                })
        });
        if assumed {
            RestsOn::Assumptions
        } else {
            RestsOn::Figures
        }
    }
}

/// Runs the journey rules over `targets` (each simulated once with
/// `opts.sim`; with `structural_only`, not at all, so only the structural
/// rules report); keeps the rules `keep` says yes to.
pub fn analyse(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
    keep: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<Finding> {
    analyse_with(library, targets, opts, keep, &mut |_, _| {})
}

/// [`analyse`], handing each target's simulation to `simulated` (by entry
/// id) before it is dropped, so callers that need the figures do not
/// simulate twice. Each target is simulated just before its rules run,
/// so memory holds one simulation at a time.
pub(crate) fn analyse_with(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
    keep: &dyn Fn(&RuleMeta) -> bool,
    simulated: &mut dyn FnMut(EntryId, &Simulated),
) -> Vec<Finding> {
    analyse_models(library, targets, opts, keep, &|_, m| m, simulated)
}

/// [`analyse_with`], simulating for each target the model `model_of`
/// makes of its compiled one (the robustness study: the model at a point
/// of the assumption space).
pub(crate) fn analyse_models(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
    keep: &dyn Fn(&RuleMeta) -> bool,
    model_of: &dyn Fn(EntryId, SimModel) -> SimModel,
    simulated: &mut dyn FnMut(EntryId, &Simulated),
) -> Vec<Finding> {
    let mut cx = GapContext {
        library,
        opts,
        graph: LibraryGraph::new(library),
        sims: HashMap::new(),
        reaching: RefCell::new(Vec::new()),
    };
    let mut out = Vec::new();
    for &t in targets {
        // Without a simulation, only the structural rules find anything.
        if !opts.structural_only
            && let Ok(model) =
                SimModel::compile(library, t).map(|m| model_of(t, m.dated(opts.sim.start)))
            && let Ok(agg) = sim::simulate(&model, &opts.sim, &|_| {})
        {
            let report = SimReport::new(&model, &opts.sim, &agg);
            cx.sims.insert(t, Simulated { model, agg, report });
        }
        for rule in JOURNEY_RULES.iter().filter(|r| keep(r.meta())) {
            let before = out.len();
            rule.check(&cx, t, &mut out);
            mark_accepted(&library.entry(t).procedure, rule.meta(), &mut out[before..]);
        }
        if let Some(sim) = cx.sims.remove(&t) {
            simulated(t, &sim);
        }
    }
    out.sort_by_cached_key(|f| f.diagnostic.sort_key());
    out
}

/// Marks findings the procedure file accepts, with the file's reason and
/// the known shortcoming it reproduces, if any.
fn mark_accepted(p: &Procedure, rule: &RuleMeta, findings: &mut [Finding]) {
    for f in findings {
        let step = f.route.ids(p).next().unwrap_or_default();
        if let Some(a) = p
            .accept
            .iter()
            .find(|a| (*a.rule == rule.code || *a.rule == rule.name) && a.step.as_str() == step)
        {
            let known_shortcoming = a.known_shortcoming.as_ref().map(|k| Shortcoming {
                source: k.source.value.clone(),
                title: p
                    .sources
                    .get(k.source.as_str())
                    .map_or_else(|| k.source.value.clone(), |s| s.title.clone()),
            });
            f.accepted = Some(Accepted {
                reason: a.reason.value.clone(),
                known_shortcoming,
            });
        }
    }
}

/// Shortest routes from any step to a step where the journey ends or
/// leaves the procedure, through no step for which `stop` holds: one
/// backward breadth-first search, shared by every finding of a rule in a
/// procedure (linear in the size of the procedure, however many findings).
pub(crate) struct Witnesses {
    /// Steps `next` leads to with a probability above zero, in order.
    successors: Vec<Vec<u32>>,
    /// Steps on the shortest route to the end, through allowed steps.
    dist: Vec<u32>,
    /// The next step on that route.
    next: Vec<u32>,
    terminal: Vec<bool>,
}

const NONE: u32 = u32::MAX;

impl Witnesses {
    /// The routes of `p` that avoid the steps `stop` holds for.
    pub fn new(p: &Procedure, stop: &dyn Fn(&Step) -> bool) -> Witnesses {
        let n = p.steps.len();
        let index = |i: usize| u32::try_from(i).unwrap_or(NONE);
        let successors: Vec<Vec<u32>> = p
            .steps
            .iter()
            .map(|(_, step)| {
                let targets = step.targets();
                targets
                    .into_iter()
                    .filter(|(_, prob)| *prob > 0.0)
                    .filter_map(|(to, _)| p.steps.index_of(to).map(index))
                    .collect()
            })
            .collect();
        let mut predecessors = vec![Vec::new(); n];
        for (i, succ) in successors.iter().enumerate() {
            for &j in succ {
                predecessors[j as usize].push(index(i));
            }
        }
        let allowed: Vec<bool> = p.steps.iter().map(|(_, s)| !stop(s)).collect();
        let terminal: Vec<bool> = p.steps.iter().map(|(_, s)| s.is_terminal()).collect();
        let mut dist = vec![NONE; n];
        let mut queue = VecDeque::new();
        for i in (0..n).filter(|&i| allowed[i] && terminal[i]) {
            dist[i] = 0;
            queue.push_back(i);
        }
        while let Some(v) = queue.pop_front() {
            for &u in &predecessors[v] {
                let u = u as usize;
                if allowed[u] && dist[u] == NONE {
                    dist[u] = dist[v] + 1;
                    queue.push_back(u);
                }
            }
        }
        let next = (0..n)
            .map(|u| {
                let d = dist[u];
                successors[u]
                    .iter()
                    .copied()
                    .find(|&j| d != NONE && d > 0 && dist[j as usize] == d - 1)
                    .unwrap_or(NONE)
            })
            .collect();
        Witnesses {
            successors,
            dist,
            next,
            terminal,
        }
    }

    /// The shortest route from step `from` (which may itself be a step to
    /// avoid) to the end, `from` first; `None` when every route from it
    /// passes a step to avoid or never ends.
    pub fn from(&self, from: usize) -> Option<Vec<usize>> {
        if *self.terminal.get(from)? {
            return Some(vec![from]);
        }
        let first = self.successors[from]
            .iter()
            .copied()
            .filter(|&j| self.dist[j as usize] != NONE)
            .min_by_key(|&j| self.dist[j as usize])?;
        let mut path = vec![from];
        let mut at = first;
        while at != NONE {
            path.push(at as usize);
            at = self.next[at as usize];
        }
        Some(path)
    }
}

/// The shortest route from step `from` to step `to`.
pub(crate) fn route(p: &Procedure, from: usize, to: usize) -> Option<Vec<usize>> {
    search(p, from, &|_| true, &|i, _| i == to)
}

/// Breadth-first search along `next` and branches with a probability above
/// zero, entering only steps `enter` allows, until a step `done` accepts.
fn search(
    p: &Procedure,
    from: usize,
    enter: &dyn Fn(&Step) -> bool,
    done: &dyn Fn(usize, &Step) -> bool,
) -> Option<Vec<usize>> {
    let n = p.steps.len();
    let mut parent = vec![usize::MAX; n];
    let mut seen = vec![false; n];
    let mut queue = VecDeque::from([from]);
    seen[from] = true;
    while let Some(i) = queue.pop_front() {
        let (_, step) = p.steps.entry(i)?;
        if done(i, step) {
            let mut path = vec![i];
            let mut at = i;
            while parent[at] != usize::MAX {
                at = parent[at];
                path.push(at);
            }
            path.reverse();
            return Some(path);
        }
        for (to, prob) in step.targets() {
            if let Some(j) = p.steps.index_of(to).filter(|_| prob > 0.0)
                && !seen[j]
                && p.steps.entry(j).is_some_and(|(_, s)| enter(s))
            {
                seen[j] = true;
                parent[j] = i;
                queue.push_back(j);
            }
        }
    }
    None
}

/// Indices of the steps of kind `report`.
pub(crate) fn report_steps(p: &Procedure) -> Vec<usize> {
    p.steps
        .iter()
        .enumerate()
        .filter(|(_, (_, s))| *s.kind == StepKind::Report)
        .map(|(i, _)| i)
        .collect()
}

/// Fills in a finding's witness route (step indices, `path[0]` first).
pub(crate) fn with_path(mut f: Finding, path: &[usize]) -> Finding {
    f.route = Route::new(path);
    f
}

/// Kinds of procedure that take reports (all but advice).
pub(crate) fn takes_reports(kind: ProcedureKind) -> bool {
    kind != ProcedureKind::Advice
}
