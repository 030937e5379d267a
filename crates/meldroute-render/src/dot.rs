//! The graph view: a DOT tree of a procedure, every label escaped, and
//! running the Graphviz `dot` program on it.

use std::collections::{BTreeMap, BTreeSet};

use graphviz_rust::cmd::{CommandArg, Format};
use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use meldroute_core::gaps::Finding;
use meldroute_core::library::Library;
use meldroute_core::model::{Next, StepKind};

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct GraphOptions {
    /// Draw the procedures escalations lead to, one swimlane per procedure.
    pub follow_escalations: bool,
    /// Gap findings to overlay: witness routes in red, flagged steps marked.
    pub gaps: Vec<Finding>,
}

/// Why a diagram could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The Graphviz `dot` program is not installed.
    #[error(
        "the Graphviz program `dot` is needed for {format} output but was not found; install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`), or use `--format dot`, which works without it"
    )]
    DotMissing {
        /// The format asked for.
        format: String,
    },
    /// `dot` ran and failed.
    #[error("the Graphviz program `dot` failed: {0}")]
    DotFailed(String),
    /// A plot could not be drawn.
    #[error("cannot draw a plot: {0}")]
    Plot(String),
    /// An SVG to embed is not well-formed.
    #[error("cannot embed an SVG picture: {0}")]
    Svg(String),
}

/// A DOT string literal: quotes, backslashes and line breaks escaped, other
/// control characters dropped. Graphviz reads `\n` as a centred line break.
pub fn quoted(text: &str) -> Id {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

fn attr(key: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(key.to_owned()), value)
}

fn plain(value: &str) -> Id {
    Id::Plain(value.to_owned())
}

/// Border of a contact with the reporter.
const CONTACT: &str = "#1a7f37";
/// Steps and edges on a route with an open gap.
const GAP: &str = "#cf222e";
/// Steps where a gap the file accepts starts.
const ACCEPTED: &str = "#bc4c00";

/// A contact with the reporter: a thick green, rounded border.
fn contact_style() -> [Attribute; 3] {
    [
        attr("color", quoted(CONTACT)),
        attr("penwidth", plain("2.5")),
        attr("style", quoted("filled,rounded")),
    ]
}

/// A step marked in `colour`: border and text.
fn marked(colour: &str) -> [Attribute; 2] {
    [
        attr("color", quoted(colour)),
        attr("fontcolor", quoted(colour)),
    ]
}

fn node_name(procedure: usize, step: usize) -> String {
    format!("p{procedure}_s{step}")
}

/// Shape and fill of a step kind.
fn style(kind: StepKind) -> (&'static str, &'static str) {
    match kind {
        StepKind::Report => ("box", "#dbe9f6"),
        StepKind::Decision => ("diamond", "#f6e7c1"),
        StepKind::Investigation | StepKind::Assessment | StepKind::Intake => ("box", "#eeeeee"),
        StepKind::Escalation | StepKind::Referral => ("cds", "#e6d9f2"),
        StepKind::Closure => ("box", "#ffffff"),
        _ => ("box", "#ffffff"),
    }
}

/// `text` broken into lines of about `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

/// Days as a short text (`4.3 d`, `6.0 w`).
fn short_days(days: f64) -> String {
    if days < 14.0 {
        format!("{days:.1} d")
    } else {
        format!("{:.1} w", days / 7.0)
    }
}

/// The graph of the procedure at `entry`.
pub fn graph(library: &Library, entry: usize, opts: &GraphOptions) -> Graph {
    // Procedures drawn: the root, and with `follow_escalations` every procedure reachable.
    let mut procs = vec![entry];
    if opts.follow_escalations {
        let mut i = 0;
        while i < procs.len() {
            for (_, s) in library.entry(procs[i]).procedure.steps.iter() {
                if let Some(t) = s
                    .escalate
                    .as_ref()
                    .and_then(|e| library.resolve_index(&e.procedure))
                    && !procs.contains(&t)
                {
                    procs.push(t);
                }
            }
            i += 1;
        }
    }
    // Steps and edges on gap routes, and flagged steps, of the root procedure.
    let root_file = library.entry(entry).file;
    let mut red_steps: BTreeSet<String> = BTreeSet::new();
    let mut red_edges: BTreeSet<(String, String)> = BTreeSet::new();
    let mut flagged: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in opts
        .gaps
        .iter()
        .filter(|f| f.diagnostic.primary.file == root_file)
    {
        // Open gaps in red; gaps the file accepts on purpose in orange.
        if f.accepted.is_none() {
            red_steps.extend(f.path.iter().cloned());
            red_edges.extend(f.path.windows(2).map(|w| (w[0].clone(), w[1].clone())));
        }
        if let Some(first) = f.path.first() {
            let mark = if f.accepted.is_some() {
                format!("{} (accepted)", f.diagnostic.name)
            } else {
                f.diagnostic.name.to_owned()
            };
            flagged.entry(first.clone()).or_default().push(mark);
        }
    }

    let mut stmts: Vec<Stmt> = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", plain("LR")),
            attr("newrank", plain("true")),
            attr("fontname", quoted("Helvetica")),
            attr("label", quoted(&library.entry(entry).procedure.title)),
            attr("labelloc", plain("t")),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", quoted("Helvetica")),
            attr("fontsize", plain("10")),
            attr("style", quoted("filled")),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", quoted("Helvetica")),
            attr("fontsize", plain("9")),
        ])),
    ];
    let mut edges: Vec<Stmt> = Vec::new();
    for (pi, &e) in procs.iter().enumerate() {
        let p = &library.entry(e).procedure;
        let root = pi == 0;
        // Lanes: per actor for a single procedure; per procedure when following escalations.
        let mut lanes: BTreeMap<String, (String, Vec<Stmt>)> = BTreeMap::new();
        for (si, (key, step)) in p.steps.iter().enumerate() {
            let lane = if opts.follow_escalations {
                format!("{pi}")
            } else {
                step.actor.value.clone()
            };
            let lane_title = if opts.follow_escalations {
                p.id.value.clone()
            } else {
                p.actors
                    .get(&step.actor)
                    .map_or(step.actor.value.clone(), |a| a.title.clone())
            };
            let (shape, fill) = style(*step.kind);
            let mut label = wrap(&step.title.value, 28);
            label.push_str(&format!("\n[{}]", step.kind.as_str()));
            if !step.duration.is_zero() {
                label.push_str(&format!(
                    " {} (median)",
                    short_days(step.duration.median_days())
                ));
            }
            if let Some(d) = &step.deadline {
                let from = d
                    .from
                    .as_ref()
                    .map_or("entry".to_owned(), |f| f.value.clone());
                label.push('\n');
                label.push_str(&wrap(
                    &format!("deadline {} after {from}: {}", *d.within, d.basis),
                    36,
                ));
            }
            if let Some(o) = &step.outcome {
                label.push_str(&format!("\nend: {}", o.as_str()));
            }
            let gap_mark = if root { flagged.get(&key.value) } else { None };
            if let Some(rules) = gap_mark {
                label.push_str(&format!("\nGAP: {}", rules.join(",\n")));
            }
            let mut attrs = vec![
                attr("label", quoted(&label)),
                attr("shape", plain(shape)),
                attr("fillcolor", quoted(fill)),
            ];
            if step.is_contact() {
                attrs.extend(contact_style());
            }
            if gap_mark.is_some() && !red_steps.contains(&key.value) {
                attrs.extend(marked(ACCEPTED));
                attrs.push(attr("penwidth", plain("2.5")));
            }
            if root && red_steps.contains(&key.value) {
                attrs.extend(marked(GAP));
                attrs.push(attr("penwidth", plain("2.5")));
            }
            let node = Stmt::Node(Node::new(NodeId(plain(&node_name(pi, si)), None), attrs));
            lanes
                .entry(lane)
                .or_insert_with(|| (lane_title, Vec::new()))
                .1
                .push(node);
            // Edges.
            let from = NodeId(plain(&node_name(pi, si)), None);
            let mut add_edge = |to: String, label: String, red: bool| {
                let mut a = vec![attr("label", quoted(&label))];
                if red {
                    a.push(attr("color", quoted(GAP)));
                    a.push(attr("penwidth", plain("2")));
                }
                edges.push(Stmt::Edge(Edge {
                    ty: EdgeTy::Pair(Vertex::N(from.clone()), Vertex::N(NodeId(plain(&to), None))),
                    attributes: a,
                }));
            };
            let median = if step.duration.is_zero() {
                String::new()
            } else {
                short_days(step.duration.median_days())
            };
            match step.next.as_deref() {
                Some(Next::Step(to)) => {
                    if let Some(j) = p.steps.index_of(to) {
                        let red = root && red_edges.contains(&(key.value.clone(), to.clone()));
                        add_edge(node_name(pi, j), median.clone(), red);
                    }
                }
                Some(Next::Branches(bs)) => {
                    for b in bs {
                        if let Some(j) = p.steps.index_of(&b.to) {
                            let red = root
                                && red_edges.contains(&(key.value.clone(), b.to.value.clone()));
                            let label = if median.is_empty() {
                                format!("{:.0}%", b.p.value.0 * 100.0)
                            } else {
                                format!("{:.0}% | {median}", b.p.value.0 * 100.0)
                            };
                            add_edge(node_name(pi, j), label, red);
                        }
                    }
                }
                None => {}
            }
            if let Some(esc) = &step.escalate {
                let target = library
                    .resolve_index(&esc.procedure)
                    .and_then(|t| procs.iter().position(|&x| x == t).map(|tp| (t, tp)));
                match target {
                    Some((t, tp)) => {
                        let tproc = &library.entry(t).procedure;
                        let name = esc
                            .step
                            .as_ref()
                            .map(|s| s.value.clone())
                            .or(tproc.start.as_ref().map(|s| s.value.clone()));
                        if let Some(j) = name.and_then(|n| tproc.steps.index_of(&n)) {
                            add_edge(
                                node_name(tp, j),
                                format!("to {}", esc.procedure.value),
                                false,
                            );
                        }
                    }
                    None => {
                        let stub = format!("{}_to", node_name(pi, si));
                        lanes
                            .entry(format!("~escalations{pi}"))
                            .or_insert_with(|| ("escalates to".to_owned(), Vec::new()))
                            .1
                            .push(Stmt::Node(Node::new(
                                NodeId(plain(&stub), None),
                                vec![
                                    attr("label", quoted(&esc.procedure.value)),
                                    attr("shape", plain("note")),
                                    attr("fillcolor", quoted("#e6d9f2")),
                                ],
                            )));
                        add_edge(stub, String::new(), false);
                    }
                }
            }
        }
        for (li, (_, (title, nodes))) in lanes.into_iter().enumerate() {
            let mut lane = vec![
                Stmt::Attribute(attr("label", quoted(&title))),
                Stmt::Attribute(attr("style", quoted("rounded"))),
                Stmt::Attribute(attr("color", quoted("#8c959f"))),
            ];
            lane.extend(nodes);
            stmts.push(Stmt::Subgraph(Subgraph {
                id: plain(&format!("cluster_p{pi}_l{li}")),
                stmts: lane,
            }));
        }
    }
    stmts.push(Stmt::Subgraph(legend()));
    stmts.extend(edges);
    Graph::DiGraph {
        id: plain("procedure"),
        strict: false,
        stmts,
    }
}

/// A legend: step shapes, contacts, gaps.
fn legend() -> Subgraph {
    let item = |name: &str, label: &str, extra: Vec<Attribute>| {
        let mut a = vec![attr("label", quoted(label))];
        a.extend(extra);
        Stmt::Node(Node::new(NodeId(plain(name), None), a))
    };
    Subgraph {
        id: plain("cluster_legend"),
        stmts: vec![
            Stmt::Attribute(attr("label", quoted("legend"))),
            Stmt::Attribute(attr("style", quoted("dashed"))),
            item(
                "legend_contact",
                "contact with the reporter",
                std::iter::once(attr("shape", plain("box")))
                    .chain(contact_style())
                    .chain([attr("fillcolor", quoted("#ffffff"))])
                    .collect(),
            ),
            item(
                "legend_decision",
                "decision",
                vec![
                    attr("shape", plain("diamond")),
                    attr("fillcolor", quoted("#f6e7c1")),
                ],
            ),
            item(
                "legend_accepted",
                "gap accepted in the file",
                std::iter::once(attr("shape", plain("box")))
                    .chain(marked(ACCEPTED))
                    .chain([attr("fillcolor", quoted("#ffffff"))])
                    .collect(),
            ),
            item(
                "legend_gap",
                "route with a gap",
                std::iter::once(attr("shape", plain("box")))
                    .chain(marked(GAP))
                    .chain([attr("fillcolor", quoted("#ffffff"))])
                    .collect(),
            ),
        ],
    }
}

/// The DOT text of a graph.
pub fn print(graph: &Graph) -> String {
    let mut text = graph.print(&mut PrinterContext::default());
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Runs Graphviz `dot` on DOT text; `format` is `svg`, `png` or `pdf`.
pub fn render_with_dot(dot: &str, format: &str) -> Result<Vec<u8>, RenderError> {
    let fmt = match format {
        "svg" => Format::Svg,
        "png" => Format::Png,
        "pdf" => Format::Pdf,
        other => {
            return Err(RenderError::DotFailed(format!(
                "unknown output format `{other}`"
            )));
        }
    };
    graphviz_rust::exec_dot(dot.to_owned(), vec![CommandArg::Format(fmt)]).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            RenderError::DotMissing {
                format: format.to_owned(),
            }
        } else {
            RenderError::DotFailed(e.to_string())
        }
    })
}

/// True when the Graphviz `dot` program can be run.
pub fn dot_available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}
