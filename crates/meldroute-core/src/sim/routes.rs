//! The complete routes of a journey, ranked by the probability of the
//! whole route, as process mining's variant explorers rank a log's
//! variants; the journey map draws one of them (docs/journey-map.md).
//!
//! A route is the sequence of steps a journey takes from the start to an
//! end, escalations followed. Its probability is the product of the
//! branch probabilities along it; where conditions choose the way on, it
//! is summed over what the journey carries (its attributes, anonymity,
//! visit counts, retaliation: the states of [`super::exact`]'s chain).
//! The routes come from a best-first search over route prefixes: a
//! prefix's probability is the chance that a journey begins with it, and
//! no extension is more probable than its prefix, so the routes leave the
//! search in order of probability and each is exact.
//!
//! Where a condition reads time (silence, elapsed days), a route's
//! probability has no exact form here; the routes are then counted over
//! simulated journeys, each share with its 95% Wilson interval
//! ([`Ranking::Simulated`]).
//!
//! Ties (probabilities equal to nine significant digits of their
//! logarithm) go to the shorter route, then to the route whose first
//! differing step comes first in the model (a procedure's steps in file
//! order, escalated procedures after it in the order they are reached).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::exact::{Carried, Chain, ExactError};
use super::{Go, SimModel, SimOptions};
use crate::stats::{Interval, wilson};

/// The most route prefixes one search takes from its queue before it stops
/// with the routes found so far ([`Routes::exhausted`] says so).
pub const MAX_EXPANSIONS: usize = 200_000;

/// The most steps a route has: longer prefixes are not followed (as a
/// simulated journey counts as unfinished after its step limit).
pub const MAX_ROUTE_STEPS: usize = super::DEFAULT_MAX_STEPS as usize;

/// The most steps the prefixes waiting in the search hold together (each
/// 4 bytes): the search stops, with the routes found so far, before it
/// would hold more.
pub const MAX_HELD_STEPS: usize = 16_000_000;

/// Route prefixes less probable than this are not followed: their routes
/// are too rare to draw, and loops would otherwise give endless ones
/// ([`Routes::neglected`] is their probability in all).
pub const MIN_ROUTE_PROBABILITY: f64 = 1e-9;

/// The journeys counted when routes are ranked from a simulation.
pub const SIMULATED_JOURNEYS: u64 = 20_000;

/// One complete route.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Its steps in order (model indices; [`SimModel::step_name`] names them).
    pub steps: Vec<u32>,
    /// The probability that a journey takes exactly this route (exact), or
    /// the share of simulated journeys that took it.
    pub probability: f64,
    /// The share's 95% interval, when it is simulated.
    pub ci95: Option<Interval>,
    /// The probability as ranked: `-ln p` to nine decimals; equal keys are
    /// ties.
    key: i64,
}

impl Route {
    /// True when this route and `other` are equally probable (ties).
    pub fn ties(&self, other: &Route) -> bool {
        self.key == other.key
    }
}

/// How the routes were ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ranking {
    /// By the exact probability of each route.
    Exact,
    /// By their share of `journeys` simulated journeys (conditions read
    /// time, `why`).
    Simulated {
        /// Journeys simulated.
        journeys: u64,
        /// Why the routes could not be ranked exactly.
        why: &'static str,
    },
}

/// The routes asked for, in rank order.
#[derive(Clone, Debug, PartialEq)]
pub struct Routes {
    /// How they were ranked.
    pub ranking: Ranking,
    /// The routes: the `count` asked for, then any tied with the last of
    /// them.
    pub routes: Vec<Route>,
    /// True when the search stopped at [`MAX_EXPANSIONS`], [`MAX_HELD_STEPS`]
    /// or routes of [`MAX_ROUTE_STEPS`] before it found every route asked for.
    pub exhausted: bool,
    /// The probability of the routes not followed because they are less
    /// probable than [`MIN_ROUTE_PROBABILITY`] (exact ranking only).
    pub neglected: f64,
}

impl Routes {
    /// Route `n` (1-based) of the ranking, or why there is none: `via`
    /// names the step the routes go through, for the message.
    pub fn nth(&self, n: usize, via: Option<&str>) -> Result<&Route, RouteError> {
        n.checked_sub(1)
            .and_then(|i| self.routes.get(i))
            .ok_or_else(|| RouteError::TooFew {
                found: self.routes.len(),
                through: via.map(str::to_owned),
                exhausted: self.exhausted,
            })
    }

    /// The routes tied with route `i` (0-based), by their index.
    pub fn tied_with(&self, i: usize) -> Vec<usize> {
        (0..self.routes.len())
            .filter(|&j| j != i && self.routes[j].ties(&self.routes[i]))
            .collect()
    }
}

/// Why there are no routes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// No journey goes through the step `--via` named.
    #[error("no route goes through `{0}`: it cannot be reached from the start")]
    Unreachable(String),
    /// Fewer routes than asked for.
    #[error(
        "there {} only {found} route{}{}{}; ask for at most {found}",
        if *.found == 1 { "is" } else { "are" },
        if *.found == 1 { "" } else { "s" },
        .through.as_ref().map_or(String::new(), |s| format!(" through `{s}`")),
        if *.exhausted { " among the most probable the search followed" } else { "" }
    )]
    TooFew {
        /// Routes found.
        found: usize,
        /// The step they go through, if one was asked for.
        through: Option<String>,
        /// The search stopped at its limits.
        exhausted: bool,
    },
}

/// The `count` most probable complete routes of `model` (those through
/// `via` when it is given), and any tied with the last: exact where the
/// journey is a Markov chain over what it carries, else counted over
/// [`SIMULATED_JOURNEYS`] journeys simulated with `seed`.
pub fn ranked(
    model: &SimModel,
    count: usize,
    via: Option<u32>,
    seed: u64,
) -> Result<Routes, RouteError> {
    let reaches_via = via.map(|v| reaches(model, v));
    if let (Some(v), Some(r)) = (via, &reaches_via)
        && !r[model.start as usize]
    {
        return Err(RouteError::Unreachable(model.step_name(v)));
    }
    Ok(match search(model, count, via, reaches_via.as_deref()) {
        Ok(found) => found,
        Err(e) => simulated(model, count, via, seed, why(&e)),
    })
}

/// What keeps the routes from being exact, in a few words.
fn why(e: &ExactError) -> &'static str {
    match e {
        ExactError::StateDependent { .. } => "a condition reads the time the journey has taken",
        ExactError::NoExactRisk(_) => {
            "a condition reads retaliation, whose risk per day runs for a lognormal duration"
        }
        _ => "the journey is no Markov chain the search can follow",
    }
}

/// The `-ln p` key of a probability, to nine decimals: equal keys are ties.
fn key(p: f64) -> i64 {
    (-p.ln() * 1e9).round() as i64
}

/// The order routes leave the search in: more probable first, then fewer
/// steps, then the first differing step earlier in the model.
fn rank(a: (i64, &[u32]), b: (i64, &[u32])) -> Ordering {
    a.0.cmp(&b.0)
        .then(a.1.len().cmp(&b.1.len()))
        .then_with(|| a.1.cmp(b.1))
}

/// A route prefix in the search: its steps, and what the journeys that
/// begin with it carry, with their probabilities.
struct Prefix {
    key: i64,
    steps: Vec<u32>,
    carried: Vec<(Carried, f64)>,
    via_seen: bool,
}

impl PartialEq for Prefix {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Prefix {}
impl PartialOrd for Prefix {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Prefix {
    /// The heap pops the greatest: the first in [`rank`] order.
    fn cmp(&self, other: &Self) -> Ordering {
        rank((other.key, &other.steps), (self.key, &self.steps))
    }
}

/// The exact best-first search; an error when the journey is no chain.
fn search(
    model: &SimModel,
    count: usize,
    via: Option<u32>,
    reaches_via: Option<&[bool]>,
) -> Result<Routes, ExactError> {
    super::exact::check_markov(model)?;
    let chain = Chain::new(model, false);
    let mut heap = BinaryHeap::new();
    let starts = chain.starts(model);
    let p: f64 = starts.iter().map(|s| s.0).sum();
    heap.push(Prefix {
        key: key(p),
        steps: vec![model.start],
        carried: starts.into_iter().map(|(p, c)| (c, p)).collect(),
        via_seen: via == Some(model.start),
    });
    let mut routes: Vec<Route> = Vec::new();
    let mut expansions = 0;
    let mut exhausted = false;
    let mut neglected = 0.0;
    let mut held = 1;
    while let Some(prefix) = heap.pop() {
        held -= prefix.steps.len();
        if routes.len() >= count && routes.last().is_some_and(|r| r.key != prefix.key) {
            break;
        }
        let last = *prefix.steps.last().unwrap_or(&model.start);
        if let Go::End(_) = model.steps[last as usize].go {
            if via.is_none() || prefix.via_seen {
                let probability = prefix.carried.iter().map(|c| c.1).sum();
                routes.push(Route {
                    steps: prefix.steps,
                    probability,
                    ci95: None,
                    key: prefix.key,
                });
            }
            continue;
        }
        expansions += 1;
        if expansions > MAX_EXPANSIONS || held > MAX_HELD_STEPS {
            exhausted = true;
            break;
        }
        if prefix.steps.len() >= MAX_ROUTE_STEPS {
            exhausted = true;
            continue;
        }
        // The journeys of the prefix, by the step they take next.
        let mut next: BTreeMap<u32, HashMap<Carried, f64>> = BTreeMap::new();
        for (c, p) in &prefix.carried {
            for (q, j, c2) in chain.moves(model, last, c)? {
                *next.entry(j).or_default().entry(c2).or_insert(0.0) += p * q;
            }
        }
        for (j, carried) in next {
            let via_seen = prefix.via_seen || via == Some(j);
            if let Some(r) = reaches_via
                && !via_seen
                && !r[j as usize]
            {
                continue;
            }
            let mut carried: Vec<(Carried, f64)> = carried.into_iter().collect();
            // A fixed order, so that sums do not depend on hashing.
            carried.sort_by(|a, b| a.0.cmp(&b.0));
            let p: f64 = carried.iter().map(|c| c.1).sum();
            if p < MIN_ROUTE_PROBABILITY {
                neglected += p;
                continue;
            }
            let mut steps = prefix.steps.clone();
            steps.push(j);
            held += steps.len();
            heap.push(Prefix {
                key: key(p),
                steps,
                carried,
                via_seen,
            });
        }
    }
    Ok(Routes {
        ranking: Ranking::Exact,
        routes,
        exhausted,
        neglected,
    })
}

/// The routes counted over simulated journeys.
fn simulated(
    model: &SimModel,
    count: usize,
    via: Option<u32>,
    seed: u64,
    why: &'static str,
) -> Routes {
    let opts = SimOptions {
        runs: SIMULATED_JOURNEYS,
        seed,
        threads: 1,
        ..SimOptions::default()
    };
    let mut counts: HashMap<Vec<u32>, u64> = HashMap::new();
    let mut journeys = 0u64;
    let result =
        super::simulate_traced::<std::convert::Infallible>(model, &opts, &|_| {}, &mut |traces| {
            for t in traces {
                journeys += 1;
                if t.outcome.is_none() {
                    continue;
                }
                let steps: Vec<u32> = t.steps.iter().map(|s| s.step).collect();
                if via.is_none_or(|v| steps.contains(&v)) {
                    *counts.entry(steps).or_insert(0) += 1;
                }
            }
            Ok(())
        });
    let exhausted = result.is_err();
    let mut all: Vec<(Vec<u32>, u64)> = counts.into_iter().collect();
    let n = journeys.max(1);
    all.sort_by(|a, b| {
        rank(
            (key(a.1 as f64 / n as f64), &a.0),
            (key(b.1 as f64 / n as f64), &b.0),
        )
    });
    let all: Vec<Route> = all
        .into_iter()
        .map(|(steps, k)| {
            let p = k as f64 / n as f64;
            Route {
                steps,
                probability: p,
                ci95: wilson(k, n),
                key: key(p),
            }
        })
        .collect();
    let mut routes = Vec::new();
    for r in all {
        if routes.len() >= count && routes.last().is_some_and(|l: &Route| !l.ties(&r)) {
            break;
        }
        routes.push(r);
    }
    Routes {
        ranking: Ranking::Simulated { journeys, why },
        routes,
        exhausted,
        neglected: 0.0,
    }
}

/// Per step: whether `target` can be reached from it (itself included).
fn reaches(model: &SimModel, target: u32) -> Vec<bool> {
    let n = model.steps.len();
    let mut into: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, s) in model.steps.iter().enumerate() {
        for (p, j) in model.ways_on(&s.go) {
            if p > 0.0 {
                into[j as usize].push(i as u32);
            }
        }
    }
    let mut seen = vec![false; n];
    seen[target as usize] = true;
    let mut stack = vec![target];
    while let Some(j) = stack.pop() {
        for &i in &into[j as usize] {
            if !std::mem::replace(&mut seen[i as usize], true) {
                stack.push(i);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Library;
    use crate::load::Limits;
    use crate::sim::exact::exact;

    fn model(id: &str) -> SimModel {
        let lib = Library::with_bundled(Limits::default());
        let i = lib.resolve_index(id).expect("bundled");
        SimModel::compile(&lib, i).expect("compiles")
    }

    fn names(model: &SimModel, r: &Route) -> Vec<String> {
        r.steps
            .iter()
            .map(|&s| model.names[s as usize].id.to_string())
            .collect()
    }

    /// Every route of every bundled procedure that is a chain, summed,
    /// gives the exact chain's visit probabilities and outcome shares: the
    /// routes' probabilities are those of the Markov computation.
    #[test]
    fn the_routes_add_up_to_the_exact_chain() {
        let lib = Library::with_bundled(Limits::default());
        for (i, e) in lib.iter() {
            let model = SimModel::compile(&lib, i).expect("compiles");
            let Ok(ex) = exact(&model) else { continue };
            let all = ranked(&model, 1_000_000, None, 1).expect("routes");
            let id = &*e.procedure.id;
            assert_eq!(all.ranking, Ranking::Exact, "{id}");
            let total: f64 = all.routes.iter().map(|r| r.probability).sum();
            // Procedures with loops have infinitely many routes: the search
            // leaves out the rarest, and says how probable they are in all.
            assert!(!all.exhausted, "{id}");
            assert!((total + all.neglected - 1.0).abs() < 1e-9, "{id}: {total}");
            assert!(all.neglected < 1e-4, "{id}: {}", all.neglected);
            let tol = all.neglected + 1e-9;
            for (s, &want) in ex.visit_probabilities.iter().enumerate() {
                let got: f64 = all
                    .routes
                    .iter()
                    .filter(|r| r.steps.contains(&(s as u32)))
                    .map(|r| r.probability)
                    .sum();
                assert!(
                    (got - want).abs() < tol,
                    "{id} {}: {got} vs {want}",
                    model.step_name(s as u32)
                );
            }
            for w in all.routes.windows(2) {
                assert!(
                    w[0].probability >= w[1].probability - 1e-12,
                    "{id}: out of order"
                );
            }
        }
    }

    #[test]
    fn the_internal_reports_most_probable_route_is_not_handled_and_closed() {
        let m = model("rijk/interne-melding");
        let routes = ranked(&m, 3, None, 1).expect("routes");
        let first = &routes.routes[0];
        assert_eq!(
            names(&m, first),
            [
                "melding",
                "ontvangstbevestiging",
                "intake",
                "niet-in-behandeling",
                "afsluiting-niet-in-behandeling"
            ]
        );
        assert!(
            (first.probability - 0.1875).abs() < 1e-12,
            "{}",
            first.probability
        );
        // Through the investigation: 0.75 x 0.5 (interim feedback or not,
        // tied) x 0.3 (aftercare, tied with founded).
        let onderzoek = m
            .names
            .iter()
            .position(|n| &*n.id == "onderzoek")
            .expect("step") as u32;
        let via = ranked(&m, 1, Some(onderzoek), 1).expect("routes");
        let r = &via.routes[0];
        assert!(r.steps.contains(&onderzoek));
        let best_through = all_through(&m, onderzoek);
        assert!((r.probability - best_through).abs() < 1e-12);
        // Its ties are named, and the rule put the shorter route first.
        let tied = via.tied_with(0);
        assert!(!tied.is_empty(), "{:?}", via.routes);
        for t in tied {
            assert!(via.routes[t].steps.len() >= r.steps.len());
        }
    }

    /// The most probable route through `step`, by enumerating every route.
    fn all_through(m: &SimModel, step: u32) -> f64 {
        ranked(m, 1_000_000, None, 1)
            .expect("routes")
            .routes
            .iter()
            .filter(|r| r.steps.contains(&step))
            .map(|r| r.probability)
            .fold(0.0, f64::max)
    }

    #[test]
    fn a_procedure_whose_conditions_read_time_ranks_simulated_routes() {
        let m = model("voorbeelden/ministerie-d");
        let routes = ranked(&m, 3, None, 7).expect("routes");
        assert!(matches!(
            routes.ranking,
            Ranking::Simulated {
                journeys: SIMULATED_JOURNEYS,
                ..
            }
        ));
        let r = &routes.routes[0];
        let ci = r.ci95.expect("an interval");
        assert!(ci.low < r.probability && r.probability < ci.high);
        assert_eq!(ranked(&m, 3, None, 7), Ok(routes));
    }

    #[test]
    fn an_unreachable_via_and_too_few_routes_are_refused() {
        let m = model("rijk/klacht");
        let all = ranked(&m, 1_000, None, 1).expect("routes");
        let n = all.routes.len();
        assert!(!all.exhausted);
        let e = all.nth(n + 1, None).expect_err("too few");
        assert!(e.to_string().contains(&format!("only {n} routes")), "{e}");
        assert!(all.nth(0, None).is_err());
    }
}

/// Journeys along a route drawn by [`journey`] for its times.
pub const TIMING_DRAWS: usize = 4_000;

/// A route as the journey map draws it: its rank, its ties, and each
/// step's times from the distribution.
#[derive(Clone, Debug)]
pub struct RouteJourney {
    /// Its rank (1: the most probable).
    pub rank: usize,
    /// The route.
    pub route: Route,
    /// The ranks of the routes equally probable (ties), in rank order.
    pub ties: Vec<usize>,
    /// How the routes were ranked.
    pub ranking: Ranking,
    /// The step all the routes ranked go through (`--via`), if one was
    /// asked for: then `rank` and `ties` are among those routes.
    pub via: Option<u32>,
    /// Its steps, in order.
    pub steps: Vec<RouteStep>,
    /// How the route ends.
    pub outcome: crate::model::Outcome,
}

/// A step of a [`RouteJourney`]: times are days since the start, of
/// journeys along the route ([`TIMING_DRAWS`], each step's duration drawn
/// from its distribution): the medians of its start and end, and the 10th
/// and 90th percentiles of its end.
#[derive(Clone, Debug)]
pub struct RouteStep {
    /// The step (index into [`SimModel::steps`]).
    pub step: u32,
    /// Median start.
    pub start: f64,
    /// Median end.
    pub end: f64,
    /// 10th percentile of the end.
    pub end_p10: f64,
    /// 90th percentile of the end.
    pub end_p90: f64,
    /// The interim updates while it runs, at the median times.
    pub updates: Option<super::model::UpdateTimes>,
    /// The step's deadline, if it has one the route meets: the index into
    /// [`SimModel::deadlines`] and its limit in days since the start, at
    /// the median times.
    pub deadline: Option<(u32, f64)>,
    /// What the experience score reads after the step, at the median
    /// times (the simulation's definitions, [`super::observe::facts_along`]).
    pub facts: crate::experience::Facts,
}

/// Which route a journey map draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The route of this rank (1: the most probable).
    Rank(usize),
    /// The most probable route through this step.
    Via(u32),
}

/// The route `pick` names as the journey map draws it, ranked and timed
/// with `seed`.
pub fn picked(model: &SimModel, pick: Pick, seed: u64) -> Result<RouteJourney, RouteError> {
    let (n, via) = match pick {
        Pick::Rank(n) => (n, None),
        Pick::Via(step) => (1, Some(step)),
    };
    let routes = ranked(model, n.max(1), via, seed)?;
    journey(model, &routes, n, via, seed)
}

/// Route `n` (1-based) of `routes` (ranked through `via`, if given) as the
/// journey map draws it, its times drawn with `seed`.
pub fn journey(
    model: &SimModel,
    routes: &Routes,
    n: usize,
    via: Option<u32>,
    seed: u64,
) -> Result<RouteJourney, RouteError> {
    let name = via.map(|v| model.step_name(v));
    let route = routes.nth(n, name.as_deref())?.clone();
    let ties = routes.tied_with(n - 1).into_iter().map(|i| i + 1).collect();
    let times = timing(model, &route.steps, seed);
    let mut steps: Vec<RouteStep> = Vec::with_capacity(route.steps.len());
    let mut done_at: HashMap<u32, f64> = HashMap::new();
    let (mut entered, mut procedure) = (0.0, u32::MAX);
    for (&s, &(start, end, p10, p90)) in route.steps.iter().zip(&times) {
        let st = &model.steps[s as usize];
        if st.procedure != procedure {
            (entered, procedure) = (start, st.procedure);
        }
        let deadline = st.deadline.and_then(|di| {
            let d = &model.deadlines[di as usize];
            let from = match d.from {
                Some(f) => done_at.get(&f).copied(),
                None => Some(entered),
            };
            from.map(|from| (di, from + d.within))
        });
        done_at.insert(s, end);
        steps.push(RouteStep {
            step: s,
            start,
            end,
            end_p10: p10,
            end_p90: p90,
            updates: st.updates.and_then(|u| u.during(start, end - start)),
            deadline,
            facts: crate::experience::Facts {
                feedback: false,
                aftercare: false,
                contacts: 0,
                longest_silence_days: 0.0,
                retaliated: false,
                outcome: None,
            },
        });
    }
    let case = super::observe::ObservedCase {
        id: String::new(),
        start: 0.0,
        steps: steps
            .iter()
            .map(|s| super::observe::ObservedStep {
                step: s.step,
                start: Some(s.start),
                end: s.end,
                updates: s.updates.map_or_else(Vec::new, |u| {
                    (0..u.count.min(10_000)).map(|k| u.at(k)).collect()
                }),
            })
            .collect(),
    };
    // A route is a way the procedure allows, so it always fits.
    if let Ok(facts) = super::observe::facts_along(model, &case) {
        for (s, f) in steps.iter_mut().zip(facts) {
            s.facts = f;
        }
    }
    let outcome = match route.steps.last().map(|&s| &model.steps[s as usize].go) {
        Some(Go::End(o)) => *o,
        _ => crate::model::Outcome::Closed,
    };
    Ok(RouteJourney {
        rank: n,
        route,
        ties,
        ranking: routes.ranking,
        via,
        steps,
        outcome,
    })
}

/// Per step of `route`: the median start and end, and the 10th and 90th
/// percentiles of the end, over [`TIMING_DRAWS`] journeys along it.
fn timing(model: &SimModel, route: &[u32], seed: u64) -> Vec<(f64, f64, f64, f64)> {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut ends: Vec<Vec<f64>> = vec![Vec::with_capacity(TIMING_DRAWS); route.len()];
    for _ in 0..TIMING_DRAWS {
        let mut t = 0.0;
        for (k, &s) in route.iter().enumerate() {
            t += model.steps[s as usize].duration.sample(&mut rng);
            ends[k].push(t);
        }
    }
    let mut out = Vec::with_capacity(route.len());
    let mut start = 0.0;
    for e in &mut ends {
        e.sort_by(f64::total_cmp);
        let q = |p: f64| e[((e.len() - 1) as f64 * p).round() as usize];
        let end = q(0.5);
        out.push((start, end, q(0.1), q(0.9)));
        start = end;
    }
    out
}
