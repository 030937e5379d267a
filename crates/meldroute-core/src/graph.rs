//! The graph view of a procedure: steps as nodes, `next` targets as edges.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

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
            if let Some(next) = &step.next {
                for (to, p) in next.targets().into_iter().filter(|(_, p)| *p > 0.0) {
                    if let Some(j) = procedure.steps.index_of(to) {
                        graph.add_edge(NodeIndex::new(i), NodeIndex::new(j), p);
                    }
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
