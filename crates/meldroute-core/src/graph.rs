//! The graph view of a procedure: steps as nodes, `next` targets as edges.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::library::{EntryId, Library};
use crate::model::Procedure;

/// Steps as nodes (node `i` is the `i`th step in file order) and
/// `next` targets as edges weighted by their probability. Branches with
/// probability zero (never taken) and references to unknown steps are left
/// out.
#[derive(Clone, Debug)]
pub struct StepGraph {
    graph: DiGraph<(), f64>,
}

impl StepGraph {
    /// The graph of `procedure`.
    pub fn new(procedure: &Procedure) -> Self {
        let n = procedure.steps.len();
        let mut graph = DiGraph::with_capacity(n, n * 2);
        for _ in 0..n {
            graph.add_node(());
        }
        for (i, (_, step)) in procedure.steps.iter().enumerate() {
            for (to, p) in step.targets().into_iter().filter(|(_, p)| *p > 0.0) {
                if let Some(j) = procedure.steps.index_of(to) {
                    graph.add_edge(NodeIndex::new(i), NodeIndex::new(j), p);
                }
            }
        }
        StepGraph { graph }
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// Which steps can be reached from any of `roots`.
    pub fn reachable_from(&self, roots: &[usize]) -> Vec<bool> {
        self.search(roots)
    }

    /// Which steps can be reached in one or more steps from `from`.
    pub fn reachable_after(&self, from: usize) -> Vec<bool> {
        self.reachable_from(&self.successors(from))
    }

    /// One breadth-first search from all `roots` at once (linear in the
    /// size of the graph, however many roots).
    fn search(&self, roots: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        for &r in roots.iter().filter(|&&r| r < self.len()) {
            if !std::mem::replace(&mut seen[r], true) {
                queue.push_back(r);
            }
        }
        while let Some(i) = queue.pop_front() {
            for n in self
                .graph
                .neighbors_directed(NodeIndex::new(i), Direction::Outgoing)
            {
                if !std::mem::replace(&mut seen[n.index()], true) {
                    queue.push_back(n.index());
                }
            }
        }
        seen
    }

    /// The steps `next` of step `i` leads to with a probability above zero.
    pub fn successors(&self, i: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .graph
            .edges_directed(NodeIndex::new(i), Direction::Outgoing)
            .filter(|e| *e.weight() > 0.0)
            .map(|e| e.target().index())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Every step of every loaded procedure as one graph: `next` targets with
/// a probability above zero and escalations (to the target procedure's
/// step, or its start) as edges weighted by their probability. Node of
/// step `s` of entry `e`: the entry's offset plus `s`. Every algorithm over
/// it is iterative, so no input can exhaust the stack, however long its
/// chains of steps and escalations.
#[derive(Clone, Debug)]
pub(crate) struct LibraryGraph {
    offsets: Vec<usize>,
    graph: DiGraph<(), f64>,
    /// Steps where the journey can end or leave the loaded procedures (an
    /// outcome, or an escalation to a procedure or step not loaded).
    exits: Vec<bool>,
}

impl LibraryGraph {
    /// The graph of everything in `library`.
    pub fn new(library: &Library) -> Self {
        let entries = library.entries();
        let mut offsets = Vec::with_capacity(entries.len());
        let mut total = 0;
        for e in entries {
            offsets.push(total);
            total += e.procedure.steps.len();
        }
        let mut graph: DiGraph<(), f64> = DiGraph::with_capacity(total, total * 2);
        for _ in 0..total {
            graph.add_node(());
        }
        let mut exits = vec![false; total];
        for (ei, e) in entries.iter().enumerate() {
            let p = &e.procedure;
            for (si, (_, step)) in p.steps.iter().enumerate() {
                let node = NodeIndex::new(offsets[ei] + si);
                if step.outcome.is_some() {
                    exits[node.index()] = true;
                }
                for (to, prob) in step.targets() {
                    if let Some(j) = p.steps.index_of(to).filter(|_| prob > 0.0) {
                        graph.add_edge(node, NodeIndex::new(offsets[ei] + j), prob);
                    }
                }
                if let Some(esc) = &step.escalate {
                    let target = library.resolve_index(&esc.procedure).and_then(|ti| {
                        let tp = &library.entry(ti).procedure;
                        let name = esc
                            .step
                            .as_ref()
                            .map(|s| s.as_str())
                            .or(tp.start.as_ref().map(|s| s.as_str()))?;
                        tp.steps.index_of(name).map(|j| offsets[ti.index()] + j)
                    });
                    match target {
                        Some(t) => {
                            graph.add_edge(node, NodeIndex::new(t), 1.0);
                        }
                        None => exits[node.index()] = true, // reported by unknown-escalation-target
                    }
                }
            }
        }
        LibraryGraph {
            offsets,
            graph,
            exits,
        }
    }

    /// Number of nodes (steps of all procedures).
    pub fn len(&self) -> usize {
        self.exits.len()
    }

    /// The node of step `step` of `entry`.
    pub fn node(&self, entry: EntryId, step: usize) -> usize {
        self.offsets[entry.index()] + step
    }

    /// The entry and step index of `node`.
    pub fn step(&self, node: usize) -> (EntryId, usize) {
        let e = self
            .offsets
            .partition_point(|&o| o <= node)
            .saturating_sub(1);
        (EntryId::new(e), node - self.offsets[e])
    }

    /// True where the journey can end or leave the loaded procedures.
    pub fn exits(&self, node: usize) -> bool {
        self.exits[node]
    }

    /// Edges out of `node`: target and probability.
    pub fn successors(&self, node: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.graph
            .edges(NodeIndex::new(node))
            .map(|e| (e.target().index(), *e.weight()))
    }

    /// The loops: strongly connected components of more than one node, or
    /// of one node with an edge to itself; each sorted, in order of their
    /// first node (Kosaraju's algorithm, iterative in petgraph).
    pub fn loops(&self) -> Vec<Vec<usize>> {
        let mut loops: Vec<Vec<usize>> = petgraph::algo::kosaraju_scc(&self.graph)
            .into_iter()
            .map(|scc| {
                let mut nodes: Vec<usize> = scc.into_iter().map(|n| n.index()).collect();
                nodes.sort_unstable();
                nodes
            })
            .filter(|scc| scc.len() > 1 || self.successors(scc[0]).any(|(t, _)| t == scc[0]))
            .collect();
        loops.sort();
        loops
    }

    /// True when an edge leads out of the loop `scc` (sorted nodes).
    pub fn leaves(&self, scc: &[usize]) -> bool {
        scc.iter().any(|&n| {
            self.successors(n)
                .any(|(t, _)| scc.binary_search(&t).is_err())
        })
    }

    /// The first [`Arg::MAX_IDS`](meldroute_diagnostics::Arg::MAX_IDS)
    /// steps of the loop `scc` as a finding in `entry` names them: step
    /// ids, or `procedure:step` when the loop runs through other
    /// procedures too.
    pub fn loop_step_names(&self, library: &Library, scc: &[usize], entry: EntryId) -> Vec<String> {
        let several = scc.iter().any(|&n| self.step(n).0 != entry);
        scc.iter()
            .take(meldroute_diagnostics::Arg::MAX_IDS)
            .filter_map(|&n| {
                let (e, s) = self.step(n);
                let p = &library.entry(e).procedure;
                let (k, _) = p.steps.entry(s)?;
                Some(if several {
                    format!("{}:{}", p.id.as_str(), k.as_str())
                } else {
                    k.as_str().to_owned()
                })
            })
            .collect()
    }

    /// Which nodes can reach a node in `targets` (themselves included).
    pub fn reaching(&self, targets: &[bool]) -> Vec<bool> {
        let mut seen = targets.to_vec();
        let mut stack: Vec<usize> = (0..self.len()).filter(|&i| seen[i]).collect();
        while let Some(v) = stack.pop() {
            for n in self
                .graph
                .neighbors_directed(NodeIndex::new(v), Direction::Incoming)
            {
                if !std::mem::replace(&mut seen[n.index()], true) {
                    stack.push(n.index());
                }
            }
        }
        seen
    }
}

/// The route map: the procedures some procedures reach by escalation,
/// and the escalations between them (the picture behind the central
/// referral page of the letter, `meldroute render --view map`).
#[derive(Clone, Debug, PartialEq)]
pub struct RouteMap {
    /// The procedures: the roots, then those they reach, in the order found
    /// ([`Library::reached`]).
    pub procedures: Vec<EntryId>,
    /// The escalations, each from one procedure to another once, in the
    /// order of the procedures and their steps.
    pub escalations: Vec<Escalation>,
}

/// The reporter can go on from one procedure to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Escalation {
    /// Index into [`RouteMap::procedures`] of where it starts.
    pub from: usize,
    /// Index of where it goes.
    pub to: usize,
    /// The titles of the steps that escalate, in file order.
    pub steps: Vec<String>,
}

/// The route map of what `roots` reach. Scenarios among the roots
/// (variants of a procedure, docs/scenarios.md, as a directory of both
/// gives them) are left out when some root is a procedure as it is: the
/// map is of the procedures; a map of scenarios alone draws them.
pub fn route_map(lib: &Library, roots: &[EntryId]) -> RouteMap {
    let plain: Vec<EntryId> = roots
        .iter()
        .copied()
        .filter(|&e| lib.entry(e).scenario.is_none())
        .collect();
    let procedures = lib.reached(if plain.is_empty() { roots } else { &plain });
    let mut escalations: Vec<Escalation> = Vec::new();
    for (from, &e) in procedures.iter().enumerate() {
        for (_, step) in lib.entry(e).procedure.steps.iter() {
            let Some(target) = step
                .escalate
                .as_ref()
                .and_then(|esc| lib.resolve_index(&esc.procedure))
            else {
                continue;
            };
            let Some(to) = procedures.iter().position(|&p| p == target) else {
                continue;
            };
            match escalations
                .iter_mut()
                .find(|x| x.from == from && x.to == to)
            {
                Some(x) => x.steps.push(step.title.value.clone()),
                None => escalations.push(Escalation {
                    from,
                    to,
                    steps: vec![step.title.value.clone()],
                }),
            }
        }
    }
    RouteMap {
        procedures,
        escalations,
    }
}
