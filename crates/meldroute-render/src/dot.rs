//! The graph view: a DOT tree of a procedure, every label escaped, and
//! running the Graphviz `dot` program on it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use meldroute_core::gaps::Finding;
use meldroute_core::library::{EntryId, Library};
use meldroute_core::model::{Escalate, Located, Next, Procedure, Step, StepKind};

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
    /// `dot` ran longer than it may and was stopped.
    #[error("the Graphviz program `dot` did not finish within {limit:?} and was stopped")]
    DotTimeout {
        /// How long it may run.
        limit: Duration,
    },
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
pub fn graph(library: &Library, entry: EntryId, opts: &GraphOptions) -> Graph {
    let root = library.entry(entry);
    let drawing = Drawing {
        library,
        procs: drawn_procedures(library, entry, opts.follow_escalations),
        follow_escalations: opts.follow_escalations,
        root_marks: GapMarks::new(entry, &root.procedure, &opts.gaps),
        no_marks: GapMarks::default(),
    };
    let mut stmts = defaults(&root.procedure.title);
    let mut edges: Vec<Stmt> = Vec::new();
    for pi in 0..drawing.procs.len() {
        let lanes = drawing.procedure(pi, &mut edges);
        stmts.extend(lane_clusters(pi, lanes));
    }
    stmts.push(Stmt::Subgraph(legend()));
    stmts.extend(edges);
    Graph::DiGraph {
        id: plain("procedure"),
        strict: false,
        stmts,
    }
}

/// The procedures drawn: the root, and with `follow_escalations` every
/// procedure reachable, in the order found.
fn drawn_procedures(library: &Library, entry: EntryId, follow_escalations: bool) -> Vec<EntryId> {
    let mut procs = vec![entry];
    if follow_escalations {
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
    procs
}

/// The gap findings drawn on one procedure's steps.
#[derive(Default)]
struct GapMarks {
    /// Steps on routes with an open gap.
    red_steps: BTreeSet<String>,
    /// Edges (from, to) on routes with an open gap.
    red_edges: BTreeSet<(String, String)>,
    /// The rules flagged at each step where a finding starts.
    flagged: BTreeMap<String, Vec<String>>,
}

impl GapMarks {
    /// The marks of those `findings` that are about `entry` (procedure
    /// `p`): open gaps in red; gaps the file accepts on purpose in orange.
    fn new(entry: EntryId, p: &Procedure, findings: &[Finding]) -> GapMarks {
        let mut marks = GapMarks::default();
        for f in findings.iter().filter(|f| f.entry == entry) {
            let id = |i: usize| p.steps.entry(i).map(|(k, _)| k.value.clone());
            if f.accepted.is_none() {
                marks.red_steps.extend(f.route.kept().filter_map(id));
                marks
                    .red_edges
                    .extend(f.route.edges().filter_map(|(a, b)| Some((id(a)?, id(b)?))));
            }
            if let Some(first) = f.route.first().and_then(id) {
                let mark = if f.accepted.is_some() {
                    format!("{} (accepted)", f.diagnostic.name)
                } else {
                    f.diagnostic.name.to_owned()
                };
                marks.flagged.entry(first).or_default().push(mark);
            }
        }
        marks
    }
}

/// The graph's default graph, node and edge attributes, with its `title`.
fn defaults(title: &str) -> Vec<Stmt> {
    vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            // Top-down ranks, scaled down (never up) to an A4 page in
            // portrait within 1 cm margins: 7.5 x 10.9 inches.
            attr("rankdir", plain("TB")),
            attr("size", quoted("7.5,10.9")),
            attr("newrank", plain("true")),
            attr("fontname", quoted("Helvetica")),
            attr("label", quoted(title)),
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
    ]
}

/// The lanes of one procedure by key: each one's title and nodes.
type Lanes = BTreeMap<String, (String, Vec<Stmt>)>;

/// Adds `node` to the lane `key`, made with `title` if it is new.
fn add_to_lane(lanes: &mut Lanes, key: String, title: String, node: Stmt) {
    lanes
        .entry(key)
        .or_insert_with(|| (title, Vec::new()))
        .1
        .push(node);
}

/// The lanes of procedure `pi` as clusters, in the order of their keys.
fn lane_clusters(pi: usize, lanes: Lanes) -> impl Iterator<Item = Stmt> {
    lanes
        .into_iter()
        .enumerate()
        .map(move |(li, (_, (title, nodes)))| {
            let mut lane = vec![
                Stmt::Attribute(attr("label", quoted(&title))),
                Stmt::Attribute(attr("style", quoted("rounded"))),
                Stmt::Attribute(attr("color", quoted("#8c959f"))),
            ];
            lane.extend(nodes);
            Stmt::Subgraph(Subgraph {
                id: plain(&format!("cluster_p{pi}_l{li}")),
                stmts: lane,
            })
        })
}

/// What drawing the procedures of one graph needs.
struct Drawing<'a> {
    library: &'a Library,
    /// The procedures drawn (library entries), the root first.
    procs: Vec<EntryId>,
    /// One lane per procedure instead of one per actor.
    follow_escalations: bool,
    /// The gaps found in the root procedure.
    root_marks: GapMarks,
    /// No gaps: the other procedures.
    no_marks: GapMarks,
}

impl Drawing<'_> {
    /// The lanes of procedure `pi`, with its steps' nodes; adds its edges to
    /// `edges`.
    fn procedure(&self, pi: usize, edges: &mut Vec<Stmt>) -> Lanes {
        let p = &self.library.entry(self.procs[pi]).procedure;
        let marks = if pi == 0 {
            &self.root_marks
        } else {
            &self.no_marks
        };
        let mut lanes = Lanes::new();
        for (si, (key, step)) in p.steps.iter().enumerate() {
            let (lane, title) = self.lane(pi, p, step);
            let flagged = marks.flagged.get(&key.value);
            let red = marks.red_steps.contains(&key.value);
            add_to_lane(
                &mut lanes,
                lane,
                title,
                step_node(&node_name(pi, si), step, flagged, red),
            );
            let from = NodeId(plain(&node_name(pi, si)), None);
            next_edges(pi, p, marks, key, step, &from, edges);
            if let Some(esc) = &step.escalate {
                self.escalation_edge(pi, si, esc, &from, &mut lanes, edges);
            }
        }
        lanes
    }

    /// The lane of `step` of procedure `pi` and its title: per procedure
    /// when following escalations, else per actor.
    fn lane(&self, pi: usize, p: &Procedure, step: &Step) -> (String, String) {
        if self.follow_escalations {
            (format!("{pi}"), p.id.value.clone())
        } else {
            let title = p
                .actors
                .get(&step.actor)
                .map_or(step.actor.value.clone(), |a| a.title.clone());
            (step.actor.value.clone(), title)
        }
    }

    /// The edge of an escalation from step `si` of procedure `pi`: to the
    /// entry step when that procedure is drawn, else to a note in the
    /// "escalates to" lane.
    fn escalation_edge(
        &self,
        pi: usize,
        si: usize,
        esc: &Escalate,
        from: &NodeId,
        lanes: &mut Lanes,
        edges: &mut Vec<Stmt>,
    ) {
        let library = self.library;
        let drawn = library
            .resolve_index(&esc.procedure)
            .and_then(|t| self.procs.iter().position(|&x| x == t).map(|tp| (t, tp)));
        match drawn {
            Some((t, tp)) => {
                if let Some(j) = entry_step(&library.entry(t).procedure, esc) {
                    let label = format!("to {}", esc.procedure.value);
                    edges.push(edge(from, &node_name(tp, j), &label, false));
                }
            }
            None => {
                let stub = format!("{}_to", node_name(pi, si));
                add_to_lane(
                    lanes,
                    format!("~escalations{pi}"),
                    "escalates to".to_owned(),
                    escalation_note(&stub, &esc.procedure.value),
                );
                edges.push(edge(from, &stub, "", false));
            }
        }
    }
}

/// The index of the step of `target` that `esc` enters: its `step`, else
/// the start.
fn entry_step(target: &Procedure, esc: &Escalate) -> Option<usize> {
    esc.step
        .as_ref()
        .or(target.start.as_ref())
        .and_then(|name| target.steps.index_of(name))
}

/// The note `name` for an escalation to `procedure`, which is not drawn.
fn escalation_note(name: &str, procedure: &str) -> Stmt {
    Stmt::Node(Node::new(
        NodeId(plain(name), None),
        vec![
            attr("label", quoted(procedure)),
            attr("shape", plain("note")),
            attr("fillcolor", quoted("#e6d9f2")),
        ],
    ))
}

/// The median duration of `step` as a short text; `None` when it takes no
/// time.
fn median(step: &Step) -> Option<String> {
    (!step.duration.is_zero()).then(|| short_days(step.duration.median_days()))
}

/// The label of `step`: title, kind, median duration, deadline, interim
/// updates (`updates every 4w` or `feedback every 4w`), outcome, and the
/// gap rules `flagged` at it.
fn step_label(step: &Step, flagged: Option<&Vec<String>>) -> String {
    let mut label = wrap(&step.title.value, 28);
    label.push_str(&format!("\n[{}]", step.kind.as_str()));
    if let Some(m) = median(step) {
        label.push_str(&format!(" {m} (median)"));
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
    if let Some(u) = &step.updates {
        // Interim updates while the step runs: feedback, or bare contacts.
        let what = if u.feedback { "feedback" } else { "updates" };
        label.push_str(&format!("\n{what} every {}", *u.every));
        if let Some(first) = &u.first {
            label.push_str(&format!(", first after {}", **first));
        }
    }
    if let Some(o) = &step.outcome {
        label.push_str(&format!("\nend: {}", o.as_str()));
    }
    if let Some(rules) = flagged {
        label.push_str(&format!("\nGAP: {}", rules.join(",\n")));
    }
    label
}

/// The node `name` of `step`: shape and fill by kind, a contact's border,
/// and marked in red on a route with an open gap (`red`), else in orange
/// where a gap the file accepts starts (`flagged`).
fn step_node(name: &str, step: &Step, flagged: Option<&Vec<String>>, red: bool) -> Stmt {
    let (shape, fill) = style(*step.kind);
    let mut attrs = vec![
        attr("label", quoted(&step_label(step, flagged))),
        attr("shape", plain(shape)),
        attr("fillcolor", quoted(fill)),
    ];
    if step.is_contact() {
        attrs.extend(contact_style());
    }
    let mark = if red {
        Some(GAP)
    } else {
        flagged.map(|_| ACCEPTED)
    };
    if let Some(colour) = mark {
        if step.is_contact() {
            // A contact keeps its green border; the gap is in its text
            // (and its `GAP:` line).
            attrs.push(attr("fontcolor", quoted(colour)));
        } else {
            attrs.extend(marked(colour));
            attrs.push(attr("penwidth", plain("2.5")));
        }
    }
    Stmt::Node(Node::new(NodeId(plain(name), None), attrs))
}

/// An edge from `from` to the node `to`, labelled; red on a route with an
/// open gap.
fn edge(from: &NodeId, to: &str, label: &str, red: bool) -> Stmt {
    let mut a = vec![attr("label", quoted(label))];
    if red {
        a.push(attr("color", quoted(GAP)));
        a.push(attr("penwidth", plain("2")));
    }
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(Vertex::N(from.clone()), Vertex::N(NodeId(plain(to), None))),
        attributes: a,
    })
}

/// The edges of the `next` of `step` (id `key`) of procedure `pi`, `p`, from
/// node `from`: to the next step labelled with the step's median duration,
/// or to each branch labelled with its probability and the median.
fn next_edges(
    pi: usize,
    p: &Procedure,
    marks: &GapMarks,
    key: &Located<String>,
    step: &Step,
    from: &NodeId,
    edges: &mut Vec<Stmt>,
) {
    let median = median(step);
    let mut to_step = |to: &str, label: String| {
        if let Some(j) = p.steps.index_of(to) {
            let red = marks
                .red_edges
                .contains(&(key.value.clone(), to.to_owned()));
            edges.push(edge(from, &node_name(pi, j), &label, red));
        }
    };
    // A label with what chooses the set first: "when silence > 6w: 40% | 2.0 w".
    let labelled = |when: &str, rest: String| match (when.is_empty(), rest.is_empty()) {
        (true, _) => rest,
        (false, true) => when.to_owned(),
        (false, false) => format!("{when}: {rest}"),
    };
    if let Some(next) = &step.next {
        let conditional = matches!(next.value, Next::Conditional(_));
        for (cond, set, _) in next.alternatives(next.pos) {
            let when = match (conditional, cond) {
                (false, _) => String::new(),
                (true, Some(c)) => format!("when {}", c.value),
                (true, None) => "otherwise".to_owned(),
            };
            match set {
                Next::Step(to) => to_step(to, labelled(&when, median.clone().unwrap_or_default())),
                Next::Branches(bs) => {
                    for b in bs {
                        let p = b.p.value.0 * 100.0;
                        let label = match &median {
                            None => format!("{p:.0}%"),
                            Some(m) => format!("{p:.0}% | {m}"),
                        };
                        to_step(&b.to, labelled(&when, label));
                    }
                }
                Next::Conditional(_) => {}
            }
        }
    }
    if let Some(cap) = &step.max_visits {
        to_step(&cap.then, format!("after {} visits", cap.count.value));
    }
}

/// A legend: step shapes, contacts, gaps.
fn legend() -> Subgraph {
    let item = |name: &str, label: &str, extra: Vec<Attribute>| {
        let mut a = vec![attr("label", quoted(label))];
        a.extend(extra);
        Stmt::Node(Node::new(NodeId(plain(name), None), a))
    };
    // The fills and shapes of kinds of step, and the note of a procedure
    // that is not drawn.
    let shapes = [
        ("legend_report", "report", "box", "#dbe9f6"),
        (
            "legend_investigation",
            "intake, assessment, investigation",
            "box",
            "#eeeeee",
        ),
        (
            "legend_escalation",
            "escalation or referral",
            "cds",
            "#e6d9f2",
        ),
        (
            "legend_note",
            "another procedure (not drawn)",
            "note",
            "#e6d9f2",
        ),
    ]
    .map(|(name, label, shape, fill)| {
        item(
            name,
            label,
            vec![attr("shape", plain(shape)), attr("fillcolor", quoted(fill))],
        )
    });
    let mut stmts = vec![
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
            "route with a gap (a contact on it: red text)",
            std::iter::once(attr("shape", plain("box")))
                .chain(marked(GAP))
                .chain([attr("fillcolor", quoted("#ffffff"))])
                .collect(),
        ),
    ];
    stmts.extend(shapes);
    stmts.push(item(
        "legend_edge",
        "edge label 30% | 4.0 d:\nthe branch's probability |\nthe median duration of\nthe step it leaves",
        vec![attr("shape", plain("plain")), attr("style", quoted(""))],
    ));
    Subgraph {
        id: plain("cluster_legend"),
        stmts,
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

/// How long `dot` may run by default before it is stopped
/// ([`render_with_dot`]): far more than the bundled procedures need (well
/// under a second each), far less than a graph that makes `dot` run for
/// minutes.
pub const DEFAULT_DOT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs Graphviz `dot` on DOT text; `format` is `svg`, `png` or `pdf`.
/// With a `timeout`, `dot` is stopped (killed and reaped) when it runs
/// longer ([`RenderError::DotTimeout`]); `None` waits as long as it takes.
pub fn render_with_dot(
    dot: &str,
    format: &str,
    timeout: Option<Duration>,
) -> Result<Vec<u8>, RenderError> {
    if !matches!(format, "svg" | "png" | "pdf") {
        return Err(RenderError::DotFailed(format!(
            "unknown output format `{format}`"
        )));
    }
    run_dot(&format!("-T{format}"), dot, format, timeout)
}

/// Checks that the Graphviz `dot` program runs (`dot -V`), within `timeout`.
pub fn check_dot(timeout: Option<Duration>) -> Result<(), RenderError> {
    run_dot("-V", "", "svg", timeout).map(|_| ())
}

/// Runs `dot` with one argument and `input` on its standard input, and
/// gives its standard output; `format` is what it was needed for.
fn run_dot(
    arg: &str,
    input: &str,
    format: &str,
    timeout: Option<Duration>,
) -> Result<Vec<u8>, RenderError> {
    let mut child = Command::new("dot")
        .arg(arg)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                RenderError::DotMissing {
                    format: format.to_owned(),
                }
            } else {
                RenderError::DotFailed(format!("it cannot be started: {e}"))
            }
        })?;
    // Input and output go through threads, so that `dot` never waits on a
    // full pipe while we wait on `dot`. Dropping the input closes it.
    let input = child.stdin.take().map(|mut stdin| {
        let text = input.to_owned();
        std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        })
    });
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = match wait(&mut child, timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            // The threads end when the pipes close; they are not waited
            // for, as a program `dot` started could hold them open.
            return Err(RenderError::DotTimeout {
                limit: timeout.unwrap_or_default(),
            });
        }
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::DotFailed(format!("cannot wait for it: {e}")));
        }
    };
    if let Some(input) = input {
        let _ = input.join();
    }
    let collect = |pipe: Option<std::thread::JoinHandle<std::io::Result<Vec<u8>>>>| {
        pipe.map_or(Ok(Vec::new()), |t| {
            t.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the reader thread failed")))
        })
        .map_err(|e| RenderError::DotFailed(format!("cannot read its output: {e}")))
    };
    let stdout = collect(stdout)?;
    let stderr = collect(stderr)?;
    if status.success() {
        Ok(stdout)
    } else {
        let message = String::from_utf8_lossy(&stderr).trim().to_owned();
        Err(RenderError::DotFailed(if message.is_empty() {
            format!("it exited with {status}")
        } else {
            message
        }))
    }
}

/// Reads a pipe to its end on a thread of its own.
fn drain(
    mut pipe: impl std::io::Read + Send + 'static,
) -> std::thread::JoinHandle<std::io::Result<Vec<u8>>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).map(|_| bytes)
    })
}

/// Waits for `child` to exit, at most `timeout`: `None` when it is still
/// running then.
fn wait(child: &mut Child, timeout: Option<Duration>) -> std::io::Result<Option<ExitStatus>> {
    let Some(timeout) = timeout else {
        return child.wait().map(Some);
    };
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}
