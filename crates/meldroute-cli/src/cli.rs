//! Command-line arguments (clap derive), with examples in the help.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// meldroute: model and measure a reporter's journey through reporting and
/// complaint procedures.
#[derive(Debug, Parser)]
#[command(
    name = "meldroute",
    version,
    about,
    propagate_version = true,
    after_help = "Examples:\n  meldroute validate processes/\n  meldroute validate my-procedure.yaml --format short\n  meldroute list\n  meldroute rules unknown-step\n  meldroute schema > procedure.schema.json\n\nExit codes: 0 no errors, 1 a procedure has errors, 2 usage or I/O failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check procedure files against the format and the rules.
    #[command(
        after_help = "Examples:\n  meldroute validate processes/\n  meldroute validate processes/rijk/klacht.yaml\n  meldroute validate rijk/klacht            (the bundled copy)\n  meldroute validate processes/ --format json > findings.json\n\nEscalations are resolved across every file given plus the bundled library;\na file with the id of a bundled procedure replaces it.\n\nExit codes: 0 no errors (warnings allowed unless --deny-warnings),\n1 errors found (syntax errors included), 2 usage or I/O failure."
    )]
    Validate(ValidateArgs),
    /// Simulate reporters' journeys through a procedure and measure them.
    #[command(
        after_help = "Examples:\n  meldroute simulate rijk/interne-melding\n  meldroute simulate processes/rijk/klacht.yaml --runs 1000000 --exact\n  meldroute simulate rijk/klacht --format json > klacht.json\n\nThe same PROCEDURE, --runs and --seed give the same figures on any number of\nthreads. Durations are in days (d) and weeks (w); quantiles are exact to\nwithin 0.5%. An invalid procedure is refused with its findings (exit 1)."
    )]
    Simulate(SimulateArgs),
    /// Find gaps: missing acknowledgement, feedback and aftercare, long silences, legal terms at risk.
    #[command(
        after_help = "Examples:\n  meldroute gaps rijk/interne-melding\n  meldroute gaps processes/ --format json\n  meldroute gaps my-procedure.yaml --silence 4w --select MR102,MR104\n\nA procedure file can accept a finding on purpose:\n  accept: [{rule: missing-aftercare, step: melding, reason: \"...\"}]\nAccepted findings are listed, not hidden, and do not fail the run.\n\nExit codes: 0 no error-severity findings (accepted ones aside), 1 such findings\nor invalid procedures, 2 usage or I/O failure."
    )]
    Gaps(GapsArgs),
    /// Compare procedures side by side (same seed and runs for each).
    #[command(
        after_help = "Examples:\n  meldroute compare processes/voorbeelden/\n  meldroute compare rijk/interne-melding processes/voorbeelden/ --format markdown > vergelijking.md\n  meldroute compare processes/ --format csv > vergelijking.csv\n\nDurations in days (d) and weeks (w); shares in percent. The CSV is RFC 4180,\nwith text cells that a spreadsheet could run as a formula prefixed by '."
    )]
    Compare(CompareArgs),
    /// Write a self-contained HTML report comparing procedures.
    #[command(
        after_help = "Examples:\n  meldroute report processes/voorbeelden/ -o vergelijking.html\n  meldroute report rijk/interne-melding rijk/klacht -o rapport.html --runs 200000\n  meldroute report processes/voorbeelden/ --no-graphs -o rapport.html\n\nThe report holds the comparison table, lead-time and silence plots overlaid\nacross procedures, and per procedure its plot, journey map, graph diagram,\ngap findings, deadlines, and steps with their assumptions and sources. It\nloads nothing from the network and prints well to PDF. Graph diagrams need\nthe Graphviz program `dot`; without it they are left out with a note.\nThe file is written whole or not at all; the same input and seed give the\nsame file, byte for byte."
    )]
    Report(ReportArgs),
    /// Draw a procedure: a swimlane graph, or the reporter's journey over time.
    #[command(
        after_help = "Examples:\n  meldroute render rijk/interne-melding > melding.dot\n  meldroute render rijk/interne-melding --gaps -o melding.svg\n  meldroute render rijk/klacht --follow-escalations --format pdf -o klacht.pdf\n  meldroute render rijk/interne-melding --view journey -o reis.svg\n  meldroute render rijk/interne-melding --view journey --seed 7 -o reis.svg\n  meldroute render rijk/interne-melding --format mermaid\n\nGraph view: --format dot works anywhere; svg, png and pdf run the Graphviz\n`dot` program. Journey view: svg (drawn by meldroute, no Graphviz) or\nmermaid; it shows the most likely route with median durations, or with\n--seed the journey `meldroute trace --seed` prints. With -o the format\nfollows the file extension, and the file is written whole or not at all."
    )]
    Render(RenderArgs),
    /// Follow one simulated journey step by step.
    #[command(
        after_help = "Examples:\n  meldroute trace rijk/interne-melding\n  meldroute trace rijk/klacht --seed 7\n\nThe journey shown is the first one `meldroute simulate` runs with the same seed."
    )]
    Trace(TraceArgs),
    /// List the bundled procedures.
    #[command(after_help = "Examples:\n  meldroute list\n  meldroute list --format json")]
    List(ListArgs),
    /// List the validation rules, or explain one.
    #[command(
        after_help = "Examples:\n  meldroute rules\n  meldroute rules MR007\n  meldroute rules branch-probability\n  meldroute rules --format markdown > docs/rules.md"
    )]
    Rules(RulesArgs),
    /// Print the JSON Schema of the procedure file format.
    #[command(
        after_help = "Editors with a YAML language server validate and complete procedure files\nwhose first line is:\n  # yaml-language-server: $schema=<path or URL of this schema>"
    )]
    Schema,
}

/// Limits that protect the loader; raise them only for files you trust.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest procedure file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_file_size: u64,
    /// Deepest nesting of YAML maps and lists.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub max_depth: usize,
    /// Most YAML aliases (`*name`) in one file.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_aliases: usize,
    /// Most YAML nodes (keys, values, list items) in one file.
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    pub max_yaml_nodes: usize,
    /// Most steps in one procedure.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_procedure_steps: usize,
}

/// How long one simulated journey may run.
#[derive(Debug, Args)]
pub struct JourneyArgs {
    /// A journey longer than this many steps is counted as unfinished.
    #[arg(long, value_name = "N", default_value_t = meldroute_core::sim::DEFAULT_MAX_STEPS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_steps: u32,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Procedure files, directories (every *.yaml / *.yml below) or bundled ids.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::ffi::OsString>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
    pub format: DiagFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    /// `file:line:col: error[CODE]: message`, the source line with a caret, and help.
    Human,
    /// One line per finding: `file:line:col: error[CODE]: message`.
    Short,
    /// A JSON array of findings.
    Json,
}

/// The procedure a journey starts in.
#[derive(Debug, Args)]
pub struct ProcedureArg {
    /// A procedure file or a library id (e.g. rijk/interne-melding).
    #[arg(value_name = "PROCEDURE")]
    pub procedure: std::ffi::OsString,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub procedure: ProcedureArg,
    /// Number of journeys.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// Master seed (the default is the date of the 2019 letter).
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (0: one per core); the figures do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=512))]
    pub threads: u16,
    /// A journey longer than this many steps is counted as unfinished.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_MAX_STEPS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_steps: u32,
    /// Also compute exact expectations (absorbing Markov chain).
    #[arg(long)]
    pub exact: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Table)]
    pub format: SimFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    /// Tables for people.
    Table,
    /// One JSON object.
    Json,
    /// One row per figure: section,name,statistic,value.
    Csv,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Procedure files, directories (every *.yaml / *.yml below) or bundled ids.
    #[arg(required = true, value_name = "PROCEDURE")]
    pub paths: Vec<std::ffi::OsString>,
    /// Journeys simulated per procedure.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// Master seed, the same for every procedure.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_SEED)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Procedure files, directories (every *.yaml / *.yml below) or bundled ids.
    #[arg(required = true, value_name = "PROCEDURE")]
    pub paths: Vec<std::ffi::OsString>,
    /// The HTML file to write (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Journeys simulated per procedure.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// Master seed, the same for every procedure.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_SEED)]
    pub seed: u64,
    /// Leave out the graph diagrams, even when Graphviz is installed.
    #[arg(long)]
    pub no_graphs: bool,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned columns for people.
    Table,
    /// A Markdown table for memos.
    Markdown,
    /// RFC 4180 CSV for spreadsheets.
    Csv,
    /// A JSON array for tooling.
    Json,
}

#[derive(Debug, Args)]
pub struct GapsArgs {
    /// Procedure files, directories (every *.yaml / *.yml below) or bundled ids.
    #[arg(required = true, value_name = "PROCEDURE")]
    pub paths: Vec<std::ffi::OsString>,
    /// Journeys simulated per procedure for the statistical rules (0: structural rules only).
    #[arg(long, default_value_t = 20_000)]
    pub runs: u64,
    /// Master seed.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_SEED)]
    pub seed: u64,
    /// A silence longer than this is long (e.g. 6w, 30d).
    #[arg(long, default_value = "6w", value_parser = parse_duration)]
    pub silence: meldroute_core::Duration,
    /// Largest acceptable share of journeys with a long silence.
    #[arg(long, default_value_t = 0.10)]
    pub silence_tolerance: f64,
    /// Largest acceptable share of journeys that miss a deadline.
    #[arg(long, default_value_t = 0.05)]
    pub deadline_tolerance: f64,
    /// Only these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GapsFormat::Human)]
    pub format: GapsFormat,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

fn parse_duration(text: &str) -> Result<meldroute_core::Duration, String> {
    meldroute_core::Duration::parse(text).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsFormat {
    /// Findings grouped by procedure, most severe first, with a fix hint.
    Human,
    /// A JSON array of findings.
    Json,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub procedure: ProcedureArg,
    /// What to draw.
    #[arg(long, value_enum, default_value_t = RenderView::Graph)]
    pub view: RenderView,
    /// Output format (default: from the -o extension, else dot for the graph and svg for the journey).
    #[arg(long, value_enum)]
    pub format: Option<RenderFormat>,
    /// Journey view: show this simulated journey instead of the most likely route.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Overlay the findings of `meldroute gaps`: routes with a gap in red.
    #[arg(long)]
    pub gaps: bool,
    /// Also draw the procedures escalations lead to, one swimlane each.
    #[arg(long)]
    pub follow_escalations: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderView {
    /// The procedure as a graph with swimlanes (Graphviz).
    Graph,
    /// The reporter's journey as a timeline.
    Journey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// A Mermaid `journey` diagram of the journey view.
    Mermaid,
    /// Graphviz DOT text (needs no external program).
    Dot,
    /// SVG, drawn by Graphviz.
    Svg,
    /// PNG, drawn by Graphviz.
    Png,
    /// PDF, drawn by Graphviz.
    Pdf,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    #[command(flatten)]
    pub procedure: ProcedureArg,
    /// Seed of the journey.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_SEED)]
    pub seed: u64,
    /// A journey longer than this many steps is cut off.
    #[arg(long, default_value_t = meldroute_core::sim::DEFAULT_MAX_STEPS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_steps: u32,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// A JSON array.
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code or name to explain (e.g. MR001 or unknown-step).
    pub rule: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule (or the rule's documentation).
    Table,
    /// The full rules reference in Markdown (docs/rules.md).
    Markdown,
    /// A JSON array of rules.
    Json,
}
