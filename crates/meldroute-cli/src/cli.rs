//! Command-line arguments (clap derive), with examples in the help.

use clap::{Args, Parser, Subcommand, ValueEnum};
use meldroute_core::Limits;
use meldroute_core::sim::{self, SimOptions};

/// Model and measure a reporter's journey through reporting and complaint
/// procedures: how long it takes, how long the reporter hears nothing, and
/// whether they get feedback and aftercare.
#[derive(Debug, Parser)]
#[command(
    name = "meldroute",
    version = crate::provenance::LONG_VERSION,
    propagate_version = true,
    after_help = "Examples:\n  meldroute list                                     the bundled procedures (Dutch central government)\n  meldroute validate processes/                      check procedure files\n  meldroute simulate rijk/interne-melding            100,000 journeys and what they are like\n  meldroute gaps rijk/interne-melding                where the reporter is let down, with the law\n  meldroute compare processes/voorbeelden/           procedures side by side\n  meldroute report processes/voorbeelden/ -o r.html  all of it in one HTML file\n  meldroute render rijk/klacht --gaps -o klacht.svg  the procedure as a diagram\n\n`meldroute <command> --help` shows each command's options and examples.\nExit codes: 0 success, 1 a procedure has errors (or error findings), 2 usage or I/O failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// True when the command writes text for people to standard output
    /// (tables, findings, Markdown), which passes the terminal sanitiser;
    /// false for data formats, which their writers escape.
    pub fn writes_text(&self) -> bool {
        match &self.command {
            Command::Validate(a) => a.format != DiagFormat::Json,
            Command::List(a) => a.format == ListFormat::Table,
            Command::Rules(a) => a.format != RulesFormat::Json,
            Command::Norms(a) => a.format != RulesFormat::Json,
            // A shard writes its partial itself, as merge writes its output.
            Command::Simulate(a) => a.format == SimFormat::Table && a.shards.shard.is_none(),
            Command::Merge(_) => false,
            Command::Sensitivity(a) => a.format == SensitivityFormat::Table,
            Command::Conform(a) => a.format == ConformFormat::Table,
            Command::Fit(a) => a.output.is_some() && a.format == ConformFormat::Table,
            Command::Trace(_) => true,
            Command::Gaps(a) => a.format == GapsFormat::Human,
            Command::Compare(a) => {
                matches!(a.format, CompareFormat::Table | CompareFormat::Markdown)
            }
            Command::Verify(_) => true,
            Command::Render(_) | Command::Report(_) | Command::Schema(_) => false,
            Command::Migrate(_) => true,
        }
    }
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
        after_help = "Examples:\n  meldroute simulate rijk/interne-melding\n  meldroute simulate processes/rijk/klacht.yaml --runs 1000000 --exact\n  meldroute simulate rijk/klacht --format json > klacht.json\n  meldroute simulate mine/melding.yaml mine/     (escalations into mine/ resolve)\n  meldroute simulate rijk/klacht --runs 1000000 --format json --shard 0/4 -o part-0.jsonl\n                                                 (one of 4 shards; `meldroute merge` joins them)\n  meldroute simulate mine/caseload.yaml mine/    (a caseload: arrivals, handlers, queues)\n  meldroute simulate mine/caseload.yaml --replications 50 --format csv > backlog.csv\n  meldroute simulate rijk/klacht --start-date 2025-01-06 --log klacht.xes\n                                                 (every journey as an event log: .csv, .xes, .jsonocel)\n\nA caseload file (docs/caseload.md) runs its procedures together: reports\narrive over a period, cases wait for the handlers of a pool, and the output\ngives waiting and work per step, utilisation per pool and the backlog per\nmonth, each the mean over --replications runs with its 95% interval.\n--runs, --precision, --max-runs, --exact and --shard are for procedures.\n\nWith --log every journey of the run is also written as an event log for\nprocess-mining tools (PM4Py reads the three formats as they are): each step a\nstart and a complete event at its times, by its actor, each interim update an\nevent; times from --start-date at 00:00, or a caseload's own dates\n(docs/eventlog.md).\n\nThe same PROCEDURE, --runs and --seed give the same figures on any number of\nthreads. Durations are in days (d) and weeks (w); quantiles are exact to\nwithin 0.5%. An invalid procedure is refused with its findings (exit 1).\n\nWith --shard I/N only shard I's part of the run's batches is simulated and\nwritten as a partial aggregate; `meldroute merge` makes the single run's\noutput from all N (docs/scaling.md). With --precision every shard runs its\nwhole part of --max-runs, and the merge stops where the single run would.\n\nExit codes: 0 done (a shard: its partial written), 1 the procedure is\ninvalid, or no journey of the run ended (every journey of the first batch\nhit --max-steps), 2 usage or I/O failure."
    )]
    Simulate(SimulateArgs),
    /// Merge the partial aggregates of a sharded simulation or sensitivity study into the output of the single run.
    #[command(
        after_help = "Examples:\n  for i in 0 1 2 3; do\n    meldroute simulate rijk/interne-melding --runs 1000000 --format json --shard $i/4 -o part-$i.jsonl\n  done\n  meldroute merge part-*.jsonl > interne-melding.json\n  meldroute merge part-3.jsonl part-0.jsonl part-2.jsonl part-1.jsonl -o interne-melding.json\n  meldroute verify interne-melding.json\n  meldroute sensitivity rijk/interne-melding --format json --shard 0/2 -o s-0.jsonl   (and 1/2)\n  meldroute merge s-0.jsonl s-1.jsonl > tornado.json\n\nThe output is byte for byte that of the single run, `meldroute simulate` (or\n`meldroute sensitivity`) with the shards' options without --shard and -o: the same format, figures and\nprovenance (so `meldroute verify` runs that single run again). Partials may\nbe given in any order. Run merge where the shards' procedure files are (paths\nas the shards were given them), with the build that made the shards; the\nfiles are hashed again and must be the ones the shards read. Memory does not\ngrow with the journeys: one batch is read at a time. docs/scaling.md shows\nSlurm, Kubernetes and GNU parallel.\n\nExit codes: 0 merged, 1 as `meldroute simulate` (no journey of the run ended:\nevery journey of its first batch hit --max-steps), 2 refused: a file that is not a partial, damaged\nor truncated, shards of different runs (procedure files, options, seed, runs,\nbuild), a shard missing or given twice; or a usage or I/O failure."
    )]
    Merge(MergeArgs),
    /// How sure: vary every assumption of a procedure or caseload and rank what each does to the figures.
    #[command(
        after_help = "Examples:\n  meldroute sensitivity rijk/interne-melding\n  meldroute sensitivity rijk/klacht --kpi lead_time.p90 --kpi feedback_within_3_months\n  meldroute sensitivity rijk/interne-melding --format svg > tornado.svg\n  meldroute sensitivity mine/melding.yaml --method sobol --samples 512 --format json\n  meldroute sensitivity rijk/interne-melding --method sobol --shard 0/8 -o s-0.jsonl\n  meldroute sensitivity caseloads/huis-onderzoeksverzoeken --kpi backlog_at_end\n\nEvery step with `basis: assumption` (in the procedure and in those its escalations\nreach) is varied: its duration scaled from 0.5 to 1.5 times, and each branch\nprobability moved by up to 0.10 either way, the other branches renormalised (a\ntwo-way branch is one factor); a step's `range:` gives its own range. Every point is\nsimulated with the same seed, so the differences come from the changes.\n\n--method oat (default): the base, then each assumption at its low and its high end\nwith the others as written (2k+1 points of --runs journeys, default 100,000); the\ntornado ranks them by the swing of each figure. --method sobol: first-order and total\nSobol indices from Saltelli sampling, N*(k+2) points of --runs journeys (default\n4,096), with bootstrap 95% intervals; they see interactions. docs/sensitivity.md says\nhow. Figures: the names --precision takes. --shard I/N runs shard I of the study's\npoints (their batches, split evenly) and writes a partial aggregate that `meldroute\nmerge` combines with the others into the single study's output, byte for byte\n(docs/scaling.md).\n\nA caseload (docs/caseload.md) varies its procedures' assumptions and its own whose\n`basis` is `assumption`: each procedure's arrival rate and open cases, and each\npool's handlers (rounded, at least 1), scaled from 0.5 to 1.5 times. Every point runs\n--replications of its period (default 20); its figures: backlog_at_end, lead_time.all,\nutilisation and wait.mean of a pool, and each journey figure of a procedure\n(FIGURE@POOL, FIGURE@PROCEDURE when it has several) [default: the backlog, each\nprocedure's lead_time.mean and feedback_within_3_months, each pool's utilisation].\n--runs, --max-runs and --shard are for procedures.\n\nExit codes: 0 success, 1 an invalid procedure or caseload (an invalid `range:` too), 2\nusage or I/O failure."
    )]
    Sensitivity(SensitivityArgs),
    /// Measure a real case log against a procedure: the law's terms on the real dates, and every case that does not fit.
    #[command(
        after_help = "Examples:\n  meldroute conform meldingen.csv --procedure rijk/interne-melding\n  meldroute conform meldingen.csv --procedure mine/melding.yaml --map activiteiten.yaml --format json\n  meldroute conform export.csv --procedure rijk/klacht --case-column zaak --activity-column activiteit --time-column datum\n\nThe log is CSV (`,` or `;`), one event a row: a case id, an activity and a time\n(2025-01-06, 2025-01-06T13:30:00 with or without a zone, or 06-01-2025 13:30), and\noptionally `start` or `complete`. Activities map to steps by the --map file\n(activities: {\"Melding ontvangen\": melding}), a step id, `procedure:step` or a\nstep's title; `X (update)` is an interim update of X. Each case goes through the\nprocedure as a simulated journey does, on its real dates, so every figure has the\nsimulation's definition (acknowledged within 7 days and feedback within 3 months\nwith the Algemene termijnenwet), with its 95% interval over the cases. A case with an\nactivity that maps to no step, or steps in an order the procedure does not allow,\nis not measured and is listed with its id and why. The output names case ids and\nactivities, never other cells (docs/conform.md).\n\nExit codes: 0 measured (misfits are listed, not failures), 1 the procedure is\ninvalid, 2 the log cannot be read (file:row:column and why) or a usage failure."
    )]
    Conform(ConformArgs),
    /// Fit a procedure's durations and branch probabilities to a real case log: the procedure file with measured figures.
    #[command(
        after_help = "Examples:\n  meldroute fit meldingen.csv --procedure mine/melding.yaml -o melding-gemeten.yaml\n  meldroute fit export.xes --procedure rijk/interne-melding -o gemeten.yaml --measure elapsed\n  meldroute compare mine/melding.yaml melding-gemeten.yaml   (what the assumptions got wrong)\n\nThe log is read and its cases measured as `meldroute conform` does (the same\nflags); the cases that fit the procedure are fitted to. Each step's duration, one\nvalue per visit, is fitted by maximum likelihood to uniform, triangular,\nexponential and lognormal; the one with the lowest AIC is written unless its\nKolmogorov-Smirnov test rejects it (p < 0.01), else the empirical distribution\n(at most 100 values). With fewer than 30 values: the empirical distribution and\na warning; with fewer than 5 the figure is kept. Branch probabilities are the\nshares of the counts, with 95% Wilson intervals. A step whose figures are all\nfitted gets `basis: measured`; every fitted step's note says from how many\ncases, the period, the choice and the fit; the comment at the top names the log\nand its SHA-256, never a case. Everything else stays as written: ids, titles,\nsources, deadlines, comments, order (docs/fit.md).\n\nDurations are measured from a step's `start` event where the log has one, else\nas the time since the event before (waiting included); --measure elapsed always\ntakes the time since the event before, as the independent simulation's\ndurations are.\n\nWithout -o the fitted file goes to standard output and the summary to standard\nerror. The file is written whole or not at all, and only when it validates.\n\nExit codes: 0 fitted, 1 the procedure is invalid or nothing could be fitted (too\nfew cases: a warning, nothing written), 2 the log cannot be read\n(file:row:column and why) or a usage failure."
    )]
    Fit(FitArgs),
    /// Find gaps: missing acknowledgement, feedback and aftercare, long silences, legal terms at risk.
    #[command(
        after_help = "Examples:\n  meldroute gaps rijk/interne-melding\n  meldroute gaps processes/ --format json\n  meldroute gaps my-procedure.yaml --silence 4w --select MR102,MR104\n  meldroute gaps processes/ --structural-only\n  meldroute gaps rijk/interne-melding --robust\n\nThe statistical rules simulate each procedure with the same defaults as\n`meldroute simulate`, so both give the same shares. A procedure file can accept a finding on purpose:\n  accept: [{rule: missing-aftercare, step: melding, reason: \"...\"}]\nAccepted findings are listed, not hidden, and do not fail the run. An accepted finding\nthat reproduces a shortcoming a source found says so, and is counted apart:\n  accept: [{rule: missing-aftercare, step: melding, reason: \"...\", known-shortcoming: {source: kamerbrief-2019}}]\n\nExit codes: 0 no error-severity findings (accepted ones and known shortcomings aside;\nwith --fail-on-known-shortcomings, known shortcomings count), 1 such findings\nor invalid procedures, 2 usage or I/O failure."
    )]
    Gaps(GapsArgs),
    /// Compare procedures side by side (same seed and runs for each).
    #[command(
        after_help = "Examples:\n  meldroute compare processes/voorbeelden/\n  meldroute compare processes/voorbeelden/ --base voorbeelden/ministerie-b\n  meldroute compare rijk/interne-melding processes/voorbeelden/ --format markdown > vergelijking.md\n  meldroute compare processes/ --format csv > vergelijking.csv\n  meldroute compare processes/voorbeelden/ --format xlsx -o vergelijking.xlsx\n  meldroute compare --base rijk/interne-melding --scenario processes/scenarios/snellere-intake.yaml\n  meldroute compare rijk/interne-melding --data meldingen.csv   (the model beside real cases)\n\nA scenario (processes/scenarios/, docs/scenarios.md) is compared like a procedure;\nevery procedure is simulated with the same seed and journeys, so the same\njourney draws the same numbers in each (common random numbers), and a\ndifference's interval is paired, batch by batch: it measures the change.\n\nDurations in days (d) and weeks (w); shares in percent. Every figure has its\n95% confidence interval (the ± in tables); a second table gives each\nprocedure's difference from the base (the first, or --base) with its\ninterval, marked ~ when it is within chance (the interval includes 0).\nThe CSV is RFC 4180, with text cells that a spreadsheet could run as a\nformula prefixed by '. The workbook (xlsx) has the CSV's figures on the sheet\n`figures`, the differences from the base on `differences` and the provenance on\n`provenance`: numbers as numbers, units in the headers."
    )]
    Compare(CompareArgs),
    /// Write a self-contained HTML report comparing procedures.
    #[command(
        after_help = "Examples:\n  meldroute report processes/voorbeelden/ -o vergelijking.html\n  meldroute report rijk/interne-melding rijk/klacht -o rapport.html --runs 200000\n  meldroute report processes/voorbeelden/ --no-graphs -o rapport.html\n  meldroute report caseloads/huis-onderzoeksverzoeken -o huis.html   (a caseload: the backlog)\n  meldroute report mine/caseload.yaml mine/ --replications 50 -o backlog.html\n\nThe report holds the comparison table, lead-time and silence plots overlaid\nacross procedures, and per procedure its plot, journey map, graph diagram,\ngap findings, deadlines, and steps with their assumptions and sources. It\nloads nothing from the network and prints well to PDF. Graph diagrams need\nthe Graphviz program `dot`; without it they are left out with a note, as is\na graph `dot` does not draw within --graphviz-timeout seconds.\nThe file is written whole or not at all (a device, such as /dev/stdout, in\nplace); the same input and seed give the same file, byte for byte.\n\nA caseload among the inputs (a caseload file or id, docs/caseload.md) comes\nfirst: its backlog and its throughput month by month plotted, its pools,\nwaiting and work per step, and where its figures come from, each the mean\nover --replications runs of its period with its 95% interval; its procedures\nare reported as procedures too. --replications without a caseload is refused."
    )]
    Report(ReportArgs),
    /// Draw a procedure: a swimlane graph, or the reporter's journey over time.
    #[command(
        after_help = "Examples:\n  meldroute render rijk/interne-melding > melding.dot\n  meldroute render rijk/interne-melding --gaps -o melding.svg\n  meldroute render rijk/klacht --follow-escalations --format pdf -o klacht.pdf\n  meldroute render rijk/interne-melding --view journey -o reis.svg\n  meldroute render rijk/interne-melding --view journey --via onderzoek -o reis.svg\n  meldroute render rijk/interne-melding --view journey --route 2 --lang en -o route-2.svg\n  meldroute render rijk/interne-melding --view journey --format mermaid\n  meldroute render rijk/interne-melding --view map -o routekaart.pdf\n  meldroute render processes/ --view map -o routekaart.svg   (the whole library)\n\nGraph view: --format dot works anywhere; svg, png and pdf run the Graphviz\n`dot` program (stopped after --graphviz-timeout seconds). --gaps simulates\nthe procedure (--runs, --seed, --threads, --max-steps) and marks the routes\nwith a gap.\n\nJourney view (docs/journey-map.md): svg, drawn by meldroute (no Graphviz), or\nmermaid. It draws one complete route, by default the most probable: routes are\nranked by the exact probability of the whole route (counted over simulated\njourneys when a condition reads time); --route N draws the N-th, --via STEP the\nmost probable through STEP. Equal chances go to the shorter route, then to the\norder of the steps in the file, and the map names the ties. Times are the\nmedian and the 10-90% band of journeys along the route (--seed); the pain\npoints are the findings of `meldroute gaps` (--runs, --threads). Its words\nare Dutch unless --lang en (or MELDROUTE_LANG=en).\n\nMap view: every procedure given (a directory: all in it) and those they
reach, in columns by kind (advice, internal report, complaint, external
bodies), an arrow for each escalation; svg, png or pdf, drawn by meldroute.

Flags that cannot apply to the view are refused (exit 2). With -o the format\nfollows the file extension, and a file is written whole or not at all (a\ndevice, such as /dev/stdout, in place)."
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
    /// List the legal norms `gaps` checks (rule MR107), with their articles.
    #[command(
        after_help = "Examples:\n  meldroute norms\n  meldroute norms --format json\n  meldroute norms --format markdown > docs/norms.md\n\nEach norm applies to procedures of the kinds it names and cites its\narticles; docs/legal.md quotes them and says what meldroute does not check."
    )]
    Norms(NormsArgs),
    /// Print the JSON Schema of the procedure file format, or of a JSON output.
    #[command(
        after_help = "Examples:\n  meldroute schema > procedure.schema.json\n  meldroute schema --scenario > scenario.schema.json\n  meldroute schema --caseload > caseload.schema.json\n  meldroute schema --output simulate > simulate.schema.json\n\nEditors with a YAML language server validate and complete procedure files\nwhose first line is:\n  # yaml-language-server: $schema=<path or URL of this schema>\n\nThe schemas of the JSON outputs are generated from the types the outputs\nare written from; docs/output/ holds them for this version."
    )]
    Schema(SchemaArgs),
    /// Rewrite procedure files to this meldroute's format version (`meldroute: 1`).
    #[command(
        after_help = "Examples:\n  meldroute migrate mine/melding.yaml\n  meldroute migrate mine/              (every *.yaml and *.yml below it)\n  meldroute migrate --check mine/      (in CI: exit 1 if a file would change)\n\nA file without `meldroute:` is read as format version 1; migrate adds the\nline `meldroute: 1` as its first key (after the comment lines it starts\nwith, such as `# yaml-language-server:`) and changes nothing else: comments,\norder, quoting, line endings (CRLF too) and a byte order mark are kept. A\nfile at the current version is left as it is. A file that does not load (a\nsyntax error, a format version newer than this meldroute reads) is refused\nwith its error and left as it is. A file is written whole or not at all.\nBundled procedures (rijk/klacht) are not files and are refused.\n\nExit codes: 0 every file is at the current version (now), 1 a file was\nrefused, or with --check would change, 2 usage or I/O failure."
    )]
    Migrate(MigrateArgs),
    /// Make an output again from what its provenance names, and say whether it comes out the same.
    #[command(
        after_help = "Examples:\n  meldroute simulate rijk/klacht --format json > klacht.json\n  meldroute verify klacht.json\n  meldroute verify rapport.html\n\nReads the provenance of a JSON, CSV, Markdown, DOT, Mermaid, SVG, PNG, PDF\nor HTML output of meldroute, checks that this is the build that made it,\nhashes every procedure file it names again (paths are relative to the\ncurrent folder: run it where the output was made), runs the command again\nwith its output in a temporary folder, and compares the two byte for byte.\nIt writes no other file.\n\nExit codes: 0 reproduced byte for byte, 1 does not reproduce (a file\nchanged, or the output differs), 2 cannot verify (no provenance, unreadable,\nanother build, a file missing)."
    )]
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Procedure files, or directories (every *.yaml / *.yml below).
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<std::ffi::OsString>,
    /// Write nothing; say what would change, and exit 1 if a file would.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The partial aggregates, one per shard, in any order.
    #[arg(required = true, value_name = "PARTIAL")]
    pub partials: Vec<std::path::PathBuf>,
    /// Write the output to this file instead of standard output (whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An output of meldroute (JSON, CSV, Markdown, DOT, Mermaid, SVG, PNG, PDF, HTML).
    #[arg(value_name = "OUTPUT")]
    pub output: std::path::PathBuf,
    /// Largest output read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_OUTPUT_SIZE)]
    pub max_output_size: u64,
    /// Most journeys per procedure a recorded command may simulate when it is run again.
    #[arg(long, value_name = "N", default_value_t = sim::precision::DEFAULT_MAX_RUNS)]
    pub max_runs: u64,
}

/// The largest output `meldroute verify` reads by default: 256 MiB.
pub const DEFAULT_MAX_OUTPUT_SIZE: u64 = 256 * 1024 * 1024;

/// The provenance every output records (docs/provenance.md).
#[derive(Debug, Args)]
#[command(next_help_heading = "Provenance")]
pub struct StampArgs {
    /// Record the time the output was made (RFC 3339, UTC); such an output is not the same, byte for byte, as one made at another time.
    #[arg(long)]
    pub timestamp: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The JSON output whose schema to print (default: the procedure file format).
    #[arg(long, value_enum, value_name = "COMMAND", conflicts_with_all = ["scenario", "caseload"])]
    pub output: Option<SchemaOutput>,
    /// The schema of the scenario file format (docs/scenarios.md).
    #[arg(long, conflicts_with = "caseload")]
    pub scenario: bool,
    /// The schema of the caseload file format (docs/caseload.md).
    #[arg(long)]
    pub caseload: bool,
}

/// A command's JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaOutput {
    /// `meldroute simulate --format json`: one object.
    Simulate,
    /// `meldroute simulate CASELOAD --format json`: one object.
    Caseload,
    /// `meldroute gaps --format json`: the provenance and the findings.
    Gaps,
    /// `meldroute compare --format json`: the provenance and the rows.
    Compare,
    /// `meldroute validate --format json`: the provenance and the findings.
    Validate,
    /// `meldroute list --format json`: the provenance and the procedures.
    List,
    /// `meldroute sensitivity --format json`: the provenance and the study.
    Sensitivity,
    /// `meldroute conform --format json`: the provenance, the data, the figures and the misfits.
    Conform,
    /// `meldroute fit --format json`: the provenance, the log and what was fitted of each step.
    Fit,
}

/// Limits that protect the loader; raise them only for files you trust.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input limits")]
pub struct LimitArgs {
    /// Largest procedure file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_file_bytes)]
    pub max_file_size: u64,
    /// Deepest nesting of YAML maps and lists.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_depth)]
    pub max_depth: usize,
    /// Most YAML aliases (`*name`) in one file.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_aliases)]
    pub max_aliases: usize,
    /// Most YAML nodes (keys, values, list items) in one file.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_nodes)]
    pub max_yaml_nodes: usize,
    /// Most steps in one procedure.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_procedure_steps)]
    pub max_procedure_steps: usize,
    /// Most bytes of all procedure files read together.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_library_bytes)]
    pub max_library_size: u64,
    /// Most steps of all procedures read together.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_library_steps)]
    pub max_library_steps: usize,
    /// Most procedure files read together.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_library_files)]
    pub max_library_files: usize,
}

impl LimitArgs {
    /// The loader limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            max_nodes: self.max_yaml_nodes,
            max_procedure_steps: self.max_procedure_steps,
            max_library_bytes: self.max_library_size,
            max_library_steps: self.max_library_steps,
            max_library_files: self.max_library_files,
        }
    }
}

/// What to do when `dot` ran out of time.
pub const GRAPHVIZ_TIMEOUT_HINT: &str =
    "a large graph can take longer: raise the limit with --graphviz-timeout SECONDS (0: no limit)";

/// How long the Graphviz program `dot` may run, for every command that runs it.
#[derive(Debug, Args)]
pub struct GraphvizArgs {
    #[arg(
        long,
        value_name = "SECONDS",
        help = format!("Stop Graphviz `dot` when it draws one graph for longer than this (0: no limit) [default: {}]", meldroute_render::DEFAULT_DOT_TIMEOUT.as_secs()),
    )]
    pub graphviz_timeout: Option<u64>,
}

impl GraphvizArgs {
    /// The time limit for one run of `dot` (`None`: no limit).
    pub fn timeout(&self) -> Option<std::time::Duration> {
        match self.graphviz_timeout {
            None => Some(meldroute_render::DEFAULT_DOT_TIMEOUT),
            Some(0) => None,
            Some(seconds) => Some(std::time::Duration::from_secs(seconds)),
        }
    }
}

/// How long one simulated journey may run.
#[derive(Debug, Args)]
pub struct JourneyArgs {
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..),
        help = format!("A journey longer than this many steps is counted as unfinished [default: {}]", sim::DEFAULT_MAX_STEPS),
    )]
    pub max_steps: Option<u32>,
}

impl JourneyArgs {
    /// The step limit per journey (the library's default unless given).
    pub fn max_steps(&self) -> u32 {
        self.max_steps.unwrap_or(sim::DEFAULT_MAX_STEPS)
    }
}

/// The journeys to simulate: how many, from which seed, on how many
/// threads, and how long each may run. One set of flags for every command
/// that simulates; what is not given takes the library's default
/// ([`SimOptions::default`]).
#[derive(Debug, Args)]
#[command(next_help_heading = "Simulation")]
pub struct SimArgs {
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..),
        conflicts_with = "precision",
        help = format!("Journeys simulated per procedure [default: {}]", sim::DEFAULT_RUNS),
    )]
    pub runs: Option<u64>,
    /// Run until the 95% interval of FIGURE is at most HALF-WIDTH wide on
    /// each side (checked after each batch of 4,096 journeys, from the
    /// 10th), for example lead_time.mean=0.5d, aftercare_rate=0.2%,
    /// contacts.mean=0.01; repeat for several figures (all must be met).
    /// Figures: lead_time, first_contact, longest_silence with .mean .p50
    /// .p90 .p95 .p99; contacts/handoffs/procedures.mean; feedback_rate,
    /// aftercare_rate, unfinished, no_contact_after_report,
    /// acknowledged_within_7_days, feedback_within_3_months,
    /// outcomes.OUTCOME.
    #[arg(long, value_name = "FIGURE=HALF-WIDTH")]
    pub precision: Vec<sim::Target>,
    #[arg(
        long,
        value_name = "N",
        requires = "precision",
        value_parser = clap::value_parser!(u64).range(1..),
        help = format!("With --precision: the most journeys to run before giving up, with a warning [default: {}]", sim::precision::DEFAULT_MAX_RUNS),
    )]
    pub max_runs: Option<u64>,
    #[arg(
        long,
        value_name = "SEED",
        help = format!("Master seed: the same seed gives the same figures [default: {}, the date of the 2019 letter]", sim::DEFAULT_SEED),
    )]
    pub seed: Option<u64>,
    /// Worker threads (0: one per core); the figures do not depend on it [default: 0].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=512))]
    pub threads: Option<u16>,
    /// Every journey starts on this date (YYYY-MM-DD): durations in working
    /// days (`10wd`) follow the actors' calendars, and the reporter's legal
    /// terms (7 days, 3 months) end where the Algemene termijnenwet ends them.
    /// Without it, terms count calendar days from the moment and a working
    /// day counts at its calendar's mean length (docs/calendars.md).
    #[arg(long, value_name = "DATE", value_parser = parse_start_date)]
    pub start_date: Option<meldroute_core::calendar::Date>,
    #[command(flatten)]
    pub journey: JourneyArgs,
}

/// A `--start-date`: a date that exists.
fn parse_start_date(text: &str) -> Result<meldroute_core::calendar::Date, String> {
    meldroute_core::calendar::parse_date(text).map_err(|e| e.to_string())
}

impl SimArgs {
    /// The simulation options these flags set; a figure given twice to
    /// `--precision` is refused.
    pub fn options(&self) -> anyhow::Result<SimOptions> {
        for (i, t) in self.precision.iter().enumerate() {
            if let Some(other) = self.precision[..i].iter().find(|o| o.kpi == t.kpi) {
                anyhow::bail!(
                    "--precision names {} twice ({other} and {t}); give each figure once",
                    t.kpi.name()
                );
            }
        }
        let default = SimOptions::default();
        let precision = (!self.precision.is_empty()).then(|| sim::Precision {
            targets: self.precision.clone(),
            max_runs: self.max_runs.unwrap_or(sim::precision::DEFAULT_MAX_RUNS),
        });
        Ok(SimOptions {
            runs: match &precision {
                Some(p) => p.max_runs,
                None => self.runs.unwrap_or(default.runs),
            },
            seed: self.seed.unwrap_or(default.seed),
            threads: self.threads.map_or(default.threads, usize::from),
            max_steps: self.journey.max_steps(),
            precision,
            start: self.start_date,
        })
    }

    /// The flags given on the command line, as `--name`.
    pub fn given(&self) -> Vec<&'static str> {
        [
            ("--runs", self.runs.is_some()),
            ("--precision", !self.precision.is_empty()),
            ("--max-runs", self.max_runs.is_some()),
            ("--seed", self.seed.is_some()),
            ("--threads", self.threads.is_some()),
            ("--start-date", self.start_date.is_some()),
            ("--max-steps", self.journey.max_steps.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    }
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
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    /// `file:line:col: error[CODE]: message`, the source line with a caret, and help.
    Human,
    /// One line per finding: `file:line:col: error[CODE]: message`.
    Short,
    /// A JSON object: the provenance and the findings.
    Json,
}

/// The one procedure a command runs, and the files it may escalate into.
#[derive(Debug, Args)]
pub struct ProcedureArgs {
    /// A procedure file or a library id (e.g. rijk/interne-melding).
    #[arg(value_name = "PROCEDURE")]
    pub procedure: std::ffi::OsString,
    /// More procedure files or directories, loaded with it so that its
    /// escalations into them resolve, as `validate`, `gaps`, `compare` and
    /// `report` resolve escalations across every file given.
    #[arg(value_name = "MORE")]
    pub more: Vec<std::ffi::OsString>,
}

impl ProcedureArgs {
    /// Everything named: the procedure first, then the others.
    pub fn inputs(&self) -> Vec<std::ffi::OsString> {
        std::iter::once(self.procedure.clone())
            .chain(self.more.iter().cloned())
            .collect()
    }
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub procedure: ProcedureArgs,
    /// Also compute exact expectations (absorbing Markov chain).
    #[arg(long)]
    pub exact: bool,
    /// After the table, say what its figures mean (p50, p90, hand-offs,
    /// reached and met, ...).
    #[arg(long)]
    pub explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Table)]
    pub format: SimFormat,
    /// Sets a parameter of the reporter's experience score for this run,
    /// e.g. `--experience per-silent-week=2` (repeatable; the parameters
    /// and their defaults: docs/experience.md).
    #[arg(long, value_name = "NAME=VALUE", value_parser = experience_setting)]
    pub experience: Vec<(String, f64)>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub caseload: CaseloadArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub shards: ShardArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

/// `NAME=VALUE` of `--experience`: a parameter of the experience score
/// (`meldroute_core::experience::PARAMETERS`) and a finite number.
fn experience_setting(text: &str) -> Result<(String, f64), String> {
    let names = || {
        meldroute_core::experience::PARAMETERS
            .iter()
            .map(|(name, _, _)| *name)
    };
    let Some((name, value)) = text.split_once('=') else {
        return Err("write it as NAME=VALUE, e.g. per-silent-week=2".to_owned());
    };
    let name = name.trim();
    if meldroute_core::experience::Weights::default()
        .get(name)
        .is_none()
    {
        return Err(format!(
            "`{}` is no parameter of the experience score{}; the parameters are {}",
            meldroute_render::diagnostics::inert(name),
            meldroute_core::suggest::did_you_mean(name, names()),
            names().collect::<Vec<_>>().join(", ")
        ));
    }
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((name.to_owned(), v)),
        _ => Err(format!(
            "the value of `{name}` is no number: write a number of points, e.g. {name}=2"
        )),
    }
}

/// Writing the simulated journeys as an event log (docs/eventlog.md).
#[derive(Debug, Args)]
#[command(next_help_heading = "Event log")]
pub struct LogArgs {
    /// Also write every journey simulated to FILE as an event log (whole or
    /// not at all), for process-mining tools such as PM4Py; a procedure
    /// needs --start-date, the day the journeys start; a caseload's cases
    /// are on its dates. The format follows the extension (.csv, .xes,
    /// .jsonocel or .json for OCEL 2.0) or --log-format.
    #[arg(long, value_name = "FILE")]
    pub log: Option<std::path::PathBuf>,
    /// The format of --log [default: from its extension].
    #[arg(long, value_enum, value_name = "FORMAT", requires = "log")]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// CSV with PM4Py's column names (case:concept:name, concept:name, time:timestamp, ...).
    Csv,
    /// XES (IEEE 1849-2016).
    Xes,
    /// OCEL 2.0 JSON: cases and actors as objects.
    Ocel,
}

/// Running one shard of a run, for `meldroute merge`: the flags of every
/// command whose run shards (`simulate`, `sensitivity`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Shards")]
pub struct ShardArgs {
    /// Run only shard I of N (from 0: 0/4 to 3/4) of the run's batches of
    /// 4,096 journeys (of a sensitivity study: of each of its points) and
    /// write them as a partial aggregate (to -o or standard output) for
    /// `meldroute merge` (docs/scaling.md).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<sim::shard::Shard>,
    /// With --shard: write the partial aggregate to this file (whole or not at all).
    #[arg(short, long, value_name = "FILE", requires = "shard")]
    pub output: Option<std::path::PathBuf>,
}

impl ShardArgs {
    /// Neither flag was given: the single run.
    pub fn single(&self) -> bool {
        self.shard.is_none() && self.output.is_none()
    }
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
pub struct ConformArgs {
    /// The case log: CSV (`.csv`, or any other name), XES (`.xes`) or an
    /// Excel workbook (`.xlsx`, its first sheet).
    #[arg(value_name = "LOG")]
    pub log: std::path::PathBuf,
    /// The procedure the cases followed: a file or a library id.
    #[arg(long, value_name = "PROCEDURE")]
    pub procedure: std::ffi::OsString,
    /// More procedure files or directories, for the procedure's escalations.
    #[arg(long = "with", value_name = "FILE")]
    pub more: Vec<std::ffi::OsString>,
    #[command(flatten)]
    pub read: LogReadArgs,
    /// Replace every case id in the output by its keyed hash
    /// (HMAC-SHA-256 with the key in KEYFILE, at least 16 bytes: `head -c
    /// 32 /dev/urandom > KEYFILE`): the same key gives the same pseudonyms.
    #[arg(long, value_name = "KEYFILE")]
    pub pseudonymise: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ConformFormat::Table)]
    pub format: ConformFormat,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// The case log: CSV (`.csv`, or any other name), XES (`.xes`) or an
    /// Excel workbook (`.xlsx`, its first sheet).
    #[arg(value_name = "LOG")]
    pub log: std::path::PathBuf,
    /// The procedure to fit: a procedure file or a library id.
    #[arg(long, value_name = "PROCEDURE")]
    pub procedure: std::ffi::OsString,
    /// More procedure files or directories, for the procedure's escalations.
    #[arg(long = "with", value_name = "FILE")]
    pub more: Vec<std::ffi::OsString>,
    /// Write the fitted procedure file here (never over an input); without
    /// it, to standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// What a step's duration is measured as.
    #[arg(long, value_enum, default_value_t = FitMeasure::Auto)]
    pub measure: FitMeasure,
    #[command(flatten)]
    pub read: LogReadArgs,
    /// The summary's format (json needs -o).
    #[arg(long, value_enum, default_value_t = ConformFormat::Table)]
    pub format: ConformFormat,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

/// What `fit` measures a step's duration as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FitMeasure {
    /// From the step's start event where the log has one (its work), else
    /// the time since the event before (waiting included).
    Auto,
    /// Always the time since the event before (waiting included).
    Elapsed,
}

/// How a case log is read (docs/conform.md): for `conform` and `compare --data`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Case log")]
pub struct LogReadArgs {
    /// A YAML file mapping the log's activities to steps:
    /// `activities: {"Melding ontvangen": melding}`.
    #[arg(long, value_name = "FILE")]
    pub map: Option<std::path::PathBuf>,
    /// The column of the case id (CSV and Excel).
    #[arg(long, value_name = "NAME", default_value = "case:concept:name")]
    pub case_column: String,
    /// The column of the activity (CSV and Excel).
    #[arg(long, value_name = "NAME", default_value = "concept:name")]
    pub activity_column: String,
    /// The column of the time (CSV and Excel).
    #[arg(long, value_name = "NAME", default_value = "time:timestamp")]
    pub time_column: String,
    /// The column of `start` or `complete`, optional in the log (CSV and Excel).
    #[arg(long, value_name = "NAME", default_value = "lifecycle:transition")]
    pub lifecycle_column: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConformFormat {
    /// Tables for people.
    Table,
    /// One JSON object: the figures in the shape of `simulate`'s, the data and the misfits.
    Json,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub procedure: ProcedureArgs,
    /// A figure to study, by the name --precision takes (lead_time.mean,
    /// feedback_within_3_months, longest_silence.p90, ...); repeat for
    /// several [default: lead_time.mean, longest_silence.mean,
    /// feedback_within_3_months, acknowledged_within_7_days].
    #[arg(long = "kpi", value_name = "FIGURE")]
    pub kpis: Vec<String>,
    #[command(flatten)]
    pub caseload: CaseloadArgs,
    /// How to vary the assumptions.
    #[arg(long, value_enum, default_value_t = SensitivityMethod::Oat)]
    pub method: SensitivityMethod,
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(2..=1_000_000),
        help = format!("With --method sobol: the base samples N, rows of the matrices A and B (N*(k+2) points for k assumptions) [default: {}]", meldroute_core::sensitivity::DEFAULT_SAMPLES),
    )]
    pub samples: Option<u64>,
    /// Output format (svg: the tornado chart of one at a time).
    #[arg(long, value_enum, default_value_t = SensitivityFormat::Table)]
    pub format: SensitivityFormat,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub shards: ShardArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SensitivityMethod {
    /// One at a time: each assumption at the ends of its range, the others as written.
    Oat,
    /// Sobol indices (first order and total) from Saltelli sampling.
    Sobol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SensitivityFormat {
    /// Tables for people.
    Table,
    /// One JSON object.
    Json,
    /// One row per figure: kpi, the assumption, statistic, value and interval.
    Csv,
    /// The tornado chart (one at a time only).
    Svg,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Procedure or scenario files, directories (every *.yaml / *.yml below) or bundled ids.
    #[arg(required_unless_present = "scenario", value_name = "PROCEDURE")]
    pub paths: Vec<std::ffi::OsString>,
    /// A scenario file (or bundled scenario id) to compare with the base,
    /// after the procedures; repeat for more. Without PROCEDUREs, --base is
    /// the procedure loaded first.
    #[arg(long, value_name = "SCENARIO", requires = "base")]
    pub scenario: Vec<std::ffi::OsString>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
    /// The procedure (id) every other is measured against: each figure's
    /// difference from it, with its 95% interval [default: the first compared].
    /// With --scenario and no PROCEDURE, a procedure id or file to load.
    #[arg(long, value_name = "PROCEDURE-ID")]
    pub base: Option<String>,
    /// A real case log (CSV, XES or Excel) measured against the base
    /// (`meldroute conform`) and compared as one more row: the model beside
    /// what happened (docs/conform.md).
    #[arg(long, value_name = "LOG")]
    pub data: Option<std::path::PathBuf>,
    /// Write to this file instead of standard output (whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// After the table (table and markdown formats), say what its figures
    /// mean (p50, p90, the differences, ...).
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub read: LogReadArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

impl CompareArgs {
    /// Everything compared, in order: the PROCEDUREs (or, without them,
    /// the --base), then the --scenarios.
    pub fn inputs(&self) -> Vec<std::ffi::OsString> {
        let base = self.base.iter().filter(|_| self.paths.is_empty());
        base.map(Into::into)
            .chain(self.paths.iter().cloned())
            .chain(self.scenario.iter().cloned())
            .collect()
    }
}

/// What `--replications` does (simulate and report).
/// The flags of a caseload's run (docs/caseload.md), for `simulate`, `sensitivity` and
/// `report`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Caseload")]
pub struct CaseloadArgs {
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(2..=10_000),
        help = format!(
            "A caseload only: independent runs of its whole period, each figure the mean over them with its interval [default: {}]",
            sim::des::DEFAULT_REPLICATIONS
        ),
    )]
    pub replications: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Procedure files, directories (every *.yaml / *.yml below) or bundled
    /// ids; caseload files and ids too.
    #[arg(required = true, value_name = "PROCEDURE")]
    pub paths: Vec<std::ffi::OsString>,
    /// The HTML file to write (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Leave out the graph diagrams, even when Graphviz is installed.
    #[arg(long)]
    pub no_graphs: bool,
    /// Most procedures in one report (each has its own section).
    #[arg(long, value_name = "N", default_value_t = meldroute_render::report::DEFAULT_MAX_PROCEDURES)]
    pub max_procedures: usize,
    #[command(flatten)]
    pub graphviz: GraphvizArgs,
    /// A real case log (CSV, XES or Excel) measured against the first
    /// procedure (`meldroute conform`): one more row of the comparison and
    /// its plots, the model beside what happened (docs/conform.md).
    #[arg(long, value_name = "LOG")]
    pub data: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub read: LogReadArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub caseload: CaseloadArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned columns for people.
    Table,
    /// A Markdown table for memos.
    Markdown,
    /// RFC 4180 CSV for spreadsheets.
    Csv,
    /// A JSON object for tooling: the provenance and the rows.
    Json,
    /// An Excel workbook (needs -o or a redirect): sheets figures,
    /// differences and provenance, numbers as numbers, units in the headers.
    Xlsx,
}

#[derive(Debug, Args)]
pub struct GapsArgs {
    /// Procedure files, directories (every *.yaml / *.yml below) or bundled ids.
    #[arg(required = true, value_name = "PROCEDURE")]
    pub paths: Vec<std::ffi::OsString>,
    /// Only the rules that need no simulation (no shares, no long silences or deadlines at risk).
    #[arg(long)]
    pub structural_only: bool,
    /// For each finding that rests on simulated figures, the share of the
    /// sampled assumptions (128 points, each assumption within its range,
    /// 20,480 journeys each or --runs when fewer) in which it still holds,
    /// and the assumptions it depends on most (docs/sensitivity.md).
    #[arg(long, conflicts_with = "structural_only")]
    pub robust: bool,
    /// A silence longer than this is long (e.g. 6w, 30d).
    #[arg(long, default_value = "6w", value_parser = parse_duration, conflicts_with = "structural_only")]
    pub silence: meldroute_core::Duration,
    /// Largest acceptable share of journeys with a long silence.
    #[arg(long, default_value_t = 0.10, conflicts_with = "structural_only")]
    pub silence_tolerance: f64,
    /// Largest acceptable share of journeys that miss a deadline.
    #[arg(long, default_value_t = 0.05, conflicts_with = "structural_only")]
    pub deadline_tolerance: f64,
    /// Only these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Count known shortcomings (accepted with `known-shortcoming`) as open
    /// findings for the exit code: one of error severity fails the run.
    #[arg(long)]
    pub fail_on_known_shortcomings: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GapsFormat::Human)]
    pub format: GapsFormat,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

fn parse_duration(text: &str) -> Result<meldroute_core::Duration, String> {
    meldroute_core::Duration::parse(text).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsFormat {
    /// Findings grouped by procedure, most severe first, with a fix hint.
    Human,
    /// A JSON object: the provenance and the findings.
    Json,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub procedure: ProcedureArgs,
    /// What to draw.
    #[arg(long, value_enum, default_value_t = RenderView::Graph)]
    pub view: RenderView,
    /// Output format (default: from the -o extension, else dot for the graph and svg for the journey).
    #[arg(long, value_enum)]
    pub format: Option<RenderFormat>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Graph view: overlay the findings of `meldroute gaps`, routes with a gap in red.
    #[arg(long)]
    pub gaps: bool,
    /// Graph view: also draw the procedures escalations lead to, one swimlane each.
    #[arg(long)]
    pub follow_escalations: bool,
    /// Journey view: draw the N-th most probable complete route (default 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000), conflicts_with = "via")]
    pub route: Option<u32>,
    /// Journey view: draw the most probable route through this step (`step`
    /// of the procedure drawn, or `procedure:step`).
    #[arg(long, value_name = "STEP")]
    pub via: Option<String>,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub graphviz: GraphvizArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub stamp: StampArgs,
}

/// The language of human output.
#[derive(Debug, Args)]
pub struct LangArgs {
    /// The language of the words the output adds to the procedure's own:
    /// nl or en (default: the MELDROUTE_LANG environment variable, else
    /// Dutch for pictures and tables, English for diagnostics).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<meldroute_render::Lang>,
}

impl LangArgs {
    /// `--lang`, else `MELDROUTE_LANG`, else `default`; an error when the
    /// variable names no language.
    pub fn resolve(
        &self,
        default: meldroute_render::Lang,
    ) -> anyhow::Result<meldroute_render::Lang> {
        use meldroute_render::Lang;
        if let Some(l) = self.lang {
            return Ok(l);
        }
        match std::env::var(Lang::ENV) {
            Ok(v) if v.trim().is_empty() => Ok(default),
            Ok(v) => Lang::parse(v.trim()).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}={v:?} names no language meldroute speaks; set it to nl or en, or unset it",
                    Lang::ENV
                )
            }),
            Err(_) => Ok(default),
        }
    }
}

fn parse_lang(text: &str) -> Result<meldroute_render::Lang, String> {
    meldroute_render::Lang::parse(text)
        .ok_or_else(|| format!("`{text}` is no language meldroute speaks: use nl or en"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderView {
    /// The procedure as a graph with swimlanes (Graphviz).
    Graph,
    /// The reporter's journey as a timeline.
    Journey,
    /// The route map: the procedures given and those they reach, with the
    /// escalations between them, in columns by kind (drawn by meldroute).
    Map,
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
    pub procedure: ProcedureArgs,
    /// Seed of the journey: the first journey `meldroute simulate --seed` runs.
    #[arg(long, default_value_t = sim::DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// A JSON object: the provenance and the procedures.
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

#[derive(Debug, Args)]
pub struct NormsArgs {
    /// Output format: a table, the reference in Markdown (docs/norms.md),
    /// or a JSON array.
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
