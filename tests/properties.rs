//! Property tests: generated procedures (random graphs with loops,
//! escalations into the bundled library, every distribution, deadlines,
//! hostile titles) never panic the loader, validator, simulator, gap
//! analysis or renderers; simulation always terminates; the metrics keep
//! their invariants.
//!
//! `PROPTEST_CASES` sets the number of cases (default 128 per property).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use meldroute_core::SourceFile;
use meldroute_core::compare::compare_detailed;
use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::model::{Outcome, ProcedureKind, StepKind};
use meldroute_core::sim::{self, SimModel, SimOptions, SimReport};
use meldroute_core::stats::DurationStats;
use meldroute_core::{Library, Limits, Origin, Severity};
use meldroute_render::report::{self, Graphs, ReportOptions};
use meldroute_render::{GraphOptions, graph, journey, print};
use proptest::prelude::*;

const TARGETS: [&str; 4] = [
    "rijk/klacht",
    "rijk/nationale-ombudsman",
    "rijk/huis-voor-klokkenluiders-onderzoek",
    "rijk/vertrouwenslijn",
];

/// A step's duration.
#[derive(Clone, Debug)]
enum Dur {
    None,
    Fixed(u32),
    Uniform(u32, u32),
    Triangular(u32, u32, u32),
    Exponential(u32),
    Lognormal(u32, u32),
    Empirical(Vec<u32>),
}

impl Dur {
    /// YAML, in hours so that zero, an hour and years all occur.
    fn yaml(&self) -> Option<String> {
        let h = |x: &u32| format!("{x}h");
        Some(match self {
            Dur::None => return None,
            Dur::Fixed(a) => h(a),
            Dur::Uniform(a, b) => {
                format!("{{uniform: {{min: {}, max: {}}}}}", h(a), h(&(a + b + 1)))
            }
            Dur::Triangular(a, m, b) => format!(
                "{{triangular: {{min: {}, mode: {}, max: {}}}}}",
                h(a),
                h(&(a + m)),
                h(&(a + m + b + 1))
            ),
            Dur::Exponential(m) => format!("{{exponential: {{mean: {}}}}}", h(&(m + 1))),
            // A p90 at most 20 times the median keeps the mean (at most
            // 15 times the median) within the maximum duration of 100 years.
            Dur::Lognormal(m, extra) => format!(
                "{{lognormal: {{median: {}, p90: {}}}}}",
                h(&(m + 1)),
                h(&(m + 2 + extra).min(20 * (m + 1)))
            ),
            Dur::Empirical(v) => format!(
                "{{empirical: [{}]}}",
                v.iter().map(h).collect::<Vec<_>>().join(", ")
            ),
        })
    }
}

fn hours() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..=2, 1u32..=24 * 14, 24 * 14u32..=24 * 365 * 3]
}

fn dur() -> impl Strategy<Value = Dur> {
    prop_oneof![
        Just(Dur::None),
        hours().prop_map(Dur::Fixed),
        (hours(), hours()).prop_map(|(a, b)| Dur::Uniform(a, b)),
        (hours(), hours(), hours()).prop_map(|(a, m, b)| Dur::Triangular(a, m, b)),
        hours().prop_map(Dur::Exponential),
        (hours(), hours()).prop_map(|(m, e)| Dur::Lognormal(m, e)),
        prop::collection::vec(hours(), 1..6).prop_map(Dur::Empirical),
    ]
}

/// Text with everything that has broken escaping somewhere.
fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zëÖü0-9 ]{1,30}",
        "[=+@\\-][a-z\"'<>&\\\\|;:#%{}\\[\\] \n\t\u{202e}\u{202c}\u{1b}]{0,40}",
        "<script>[a-z(); ]{0,10}</script>",
        "x{200,400}",
    ]
}

/// A backbone step: its kind, actor, contact flag, duration, extra branch
/// targets (indices into all steps) and optional deadline.
#[derive(Clone, Debug)]
struct Step {
    title: String,
    kind: usize,
    reporter: bool,
    contact: Option<bool>,
    dur: Dur,
    extra: Vec<(usize, u8)>,
    deadline: Option<(u32, Option<usize>)>,
}

/// An end step: an outcome, or an escalation into a bundled procedure.
#[derive(Clone, Debug)]
enum End {
    Outcome(usize),
    Escalate(usize),
}

#[derive(Clone, Debug)]
struct Spec {
    title: String,
    kind: usize,
    steps: Vec<Step>,
    ends: Vec<End>,
    /// Break one reference, so invalid procedures are generated too.
    break_one: Option<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..10, 1usize..4).prop_flat_map(|(n, m)| {
        let total = n + m;
        let step = (
            title(),
            0..StepKind::ALL.len(),
            any::<bool>(),
            prop::option::of(any::<bool>()),
            dur(),
            prop::collection::vec((0..total, 1u8..10), 0..3),
            prop::option::of((1u32..400, prop::option::of(0..n))),
        )
            .prop_map(
                |(title, kind, reporter, contact, dur, extra, deadline)| Step {
                    title,
                    kind,
                    reporter,
                    contact,
                    dur,
                    extra,
                    deadline,
                },
            );
        let end = prop_oneof![
            (0..Outcome::ALL.len()).prop_map(End::Outcome),
            (0..TARGETS.len()).prop_map(End::Escalate),
        ];
        (
            title(),
            0..ProcedureKind::ALL.len(),
            prop::collection::vec(step, n),
            prop::collection::vec(end, m),
            prop::option::weighted(0.1, 0..total),
        )
            .prop_map(|(title, kind, steps, ends, break_one)| Spec {
                title,
                kind,
                steps,
                ends,
                break_one,
            })
    })
}

fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a JSON string is a YAML string")
}

impl Spec {
    fn name(&self, i: usize) -> String {
        if self.break_one == Some(i) {
            "ontbreekt".to_owned()
        } else if i < self.steps.len() {
            format!("b{i}")
        } else {
            format!("e{}", i - self.steps.len())
        }
    }

    /// The procedure file. Every backbone step goes on to the next (so
    /// every loop has a way out) and may branch anywhere; the last goes to
    /// the first end, and end `j` is also reached from backbone step `j % n`.
    fn yaml(&self) -> String {
        let n = self.steps.len();
        let mut y = format!(
            "meldroute: 1\nid: test/eigenschap\ntitle: {}\norganisation: Test\nkind: {}\nsources:\n  s: {{title: Bron}}\nactors:\n  melder: {{title: {}, role: reporter}}\n  org: {{title: Organisatie, role: organisation}}\nstart: b0\nsteps:\n",
            q(&self.title),
            ProcedureKind::ALL[self.kind].as_str(),
            q(&self.title),
        );
        for (i, s) in self.steps.iter().enumerate() {
            y += &format!(
                "  b{i}:\n    title: {}\n    actor: {}\n    kind: {}\n    basis: assumption\n    note: generated\n    sources: [s]\n",
                q(&s.title),
                if s.reporter { "melder" } else { "org" },
                StepKind::ALL[s.kind].as_str(),
            );
            if let Some(c) = s.contact {
                y += &format!("    contact: {c}\n");
            }
            if let Some(d) = s.dur.yaml() {
                y += &format!("    duration: {d}\n");
            }
            if let Some((days, from)) = s.deadline {
                let from = from
                    .filter(|&f| f < i)
                    .map_or(String::new(), |f| format!(", from: b{f}"));
                y += &format!(
                    "    deadline: {{within: {days}d{from}, basis: {}}}\n",
                    q(&s.title)
                );
            }
            let first = if i + 1 < n { i + 1 } else { n };
            let mut targets: Vec<(usize, u32)> = vec![(first, 10)];
            for j in (0..self.ends.len()).filter(|j| j % n == i && n + j != first) {
                targets.push((n + j, 3));
            }
            for &(t, w) in &s.extra {
                if !targets.iter().any(|&(x, _)| x == t) {
                    targets.push((t, u32::from(w)));
                }
            }
            let total: u32 = targets.iter().map(|t| t.1).sum();
            if targets.len() == 1 {
                y += &format!("    next: {}\n", self.name(targets[0].0));
            } else {
                y += "    next:\n";
                let mut left = 1.0f64;
                for (k, &(t, w)) in targets.iter().enumerate() {
                    let p = if k + 1 == targets.len() {
                        left
                    } else {
                        (f64::from(w) / f64::from(total) * 1e4).round() / 1e4
                    };
                    left -= p;
                    y += &format!("      - {{to: {}, p: {:.4}}}\n", self.name(t), p.max(0.0));
                }
            }
        }
        for (j, e) in self.ends.iter().enumerate() {
            y += &format!("  e{j}:\n    title: Einde {j}\n    actor: org\n    sources: [s]\n");
            match e {
                End::Outcome(o) => {
                    y += &format!(
                        "    kind: closure\n    outcome: {}\n",
                        Outcome::ALL[*o].as_str()
                    );
                }
                End::Escalate(t) => {
                    y += &format!(
                        "    kind: escalation\n    escalate: {{procedure: {}}}\n",
                        TARGETS[*t]
                    );
                }
            }
        }
        y
    }
}

/// The bundled library, loaded once (cloned per case).
fn bundled() -> &'static Library {
    static LIBRARY: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(|| Library::with_bundled(Limits::default()))
}

fn in_unit(x: f64, what: &str) -> Result<(), TestCaseError> {
    prop_assert!((0.0..=1.0 + 1e-12).contains(&x), "{what} = {x}");
    Ok(())
}

fn ordered(d: &DurationStats, what: &str) -> Result<(), TestCaseError> {
    if d.count == 0 {
        return Ok(());
    }
    prop_assert!(d.p50 >= 0.0, "{what}: {d:?}");
    prop_assert!(
        d.p50 <= d.p90 && d.p90 <= d.p95 && d.p95 <= d.p99 && d.p99 <= d.max,
        "{what}: quantiles out of order: {d:?}"
    );
    prop_assert!(d.mean <= d.max * (1.0 + 1e-9) + 1e-9, "{what}: {d:?}");
    Ok(())
}

fn check_report(r: &SimReport, runs: u64, max_steps: u32) -> Result<(), TestCaseError> {
    in_unit(r.unfinished, "unfinished")?;
    in_unit(r.feedback_rate, "feedback rate")?;
    in_unit(r.aftercare_rate, "aftercare rate")?;
    in_unit(r.no_contact_after_report, "no contact")?;
    for (k, v) in r.outcomes.iter().chain(&r.escalations) {
        in_unit(*v, k)?;
    }
    for d in &r.deadlines {
        in_unit(d.reached, "deadline reached")?;
        in_unit(d.met, "deadline met")?;
    }
    let total: f64 = r.outcomes.values().sum::<f64>() + r.unfinished;
    prop_assert!(
        (total - 1.0).abs() < 1e-9,
        "outcomes + unfinished = {total}"
    );
    ordered(&r.lead_time_days, "lead time")?;
    ordered(&r.first_contact_days, "first contact")?;
    ordered(&r.longest_silence_days, "longest silence")?;
    prop_assert!(r.first_contact_days.max <= r.lead_time_days.max + 1e-9);
    prop_assert!(r.longest_silence_days.max <= r.lead_time_days.max + 1e-9);
    prop_assert!(r.steps_simulated <= runs * u64::from(max_steps));
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(128),
        // Failures are reported with the generated YAML; nothing is persisted.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_procedures_never_panic_and_keep_the_invariants(spec in spec()) {
        let yaml = spec.yaml();
        let mut lib = bundled().clone();
        let Some(t) = lib.load_source(SourceFile::new("gegenereerd.yaml", yaml.clone()), Origin::User) else {
            // Only a broken reference or a hostile title may fail to load, with a located error.
            prop_assert!(lib.user_load_errors().count() == 1, "{yaml}");
            return Ok(());
        };
        let findings = meldroute_core::catalogue::check(&lib, &[t]);
        let valid = !findings.iter().any(|d| d.severity == Severity::Error);
        prop_assert!(valid || spec.break_one.is_some(), "{yaml}\n{findings:#?}");
        if !valid {
            return Ok(());
        }
        let model = SimModel::compile(&lib, t).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        let max_steps = 400;
        let opts = SimOptions { runs: 300, seed: 3, threads: 1, max_steps, precision: None, start: None };
        let agg = sim::simulate(&model, &opts, &|_| {}).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_report(&SimReport::new(&model, &opts, &agg), opts.runs, max_steps)?;
        // One journey at a time: the per-journey invariants exactly.
        for seed in 0..8 {
            let one = SimOptions { runs: 1, seed, threads: 1, max_steps, precision: None, start: None };
            let agg = sim::simulate(&model, &one, &|_| {}).map_err(|e| TestCaseError::fail(e.to_string()))?;
            check_report(&SimReport::new(&model, &one, &agg), 1, max_steps)?;
            let trace = sim::trace(&model, seed, max_steps);
            prop_assert!(trace.steps.len() <= max_steps as usize);
            let mut at = 0.0;
            for s in &trace.steps {
                prop_assert!(s.start >= at - 1e-9 && s.end >= s.start && s.silence >= 0.0, "{trace:?}");
                prop_assert!(s.silence <= s.end + 1e-9, "{trace:?}");
                at = s.end;
            }
        }
        // Gap analysis, structural and simulated.
        let gap_opts = GapOptions { sim: SimOptions { runs: 200, threads: 1, max_steps, ..SimOptions::default() }, ..GapOptions::default() };
        let found = gaps::analyse(&lib, &[t], &gap_opts, &|_| true);
        for f in &found {
            if let Some(s) = f.share {
                in_unit(s.value, f.diagnostic.code)?;
                // Its interval holds the share and lies within 0..1.
                let ci = s.ci95.expect("a simulated share has an interval");
                in_unit(ci.low, f.diagnostic.code)?;
                in_unit(ci.high, f.diagnostic.code)?;
                prop_assert!(ci.low <= s.value + 1e-12 && s.value <= ci.high + 1e-12, "{s:?}");
            }
        }
        // Renderers: DOT parses back, SVG is well-formed, Mermaid stays on its lines.
        let dot = print(&graph(&lib, t, &GraphOptions { follow_escalations: true, gaps: found.clone() }));
        prop_assert!(graphviz_rust::parse(&dot).is_ok(), "{dot}");
        let route = sim::routes::picked(&model, sim::routes::Pick::Rank(1), 1)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let pains = journey::pains(&model, &lib, &found, meldroute_render::Lang::Nl);
        let drawn = journey::Map { model: &model, journey: &route, title: &spec.title, pains: &pains, lang: meldroute_render::Lang::Nl }.draw();
        let svg = drawn.svg;
        prop_assert!(roxmltree::Document::parse(&svg).is_ok(), "{svg}");
        prop_assert!(!svg.contains("<script"));
        for (i, a) in drawn.boxes.iter().enumerate() {
            prop_assert!(drawn.boxes[i + 1..].iter().all(|b| !a.overlaps(b)), "{a:?} overlaps");
        }
        let mermaid = journey::mermaid(&model, &route, &spec.title, meldroute_render::Lang::Nl);
        for line in mermaid.lines().skip(1) {
            let line = line.trim();
            let ok = match line.split_once(' ') {
                Some(("title" | "section", name)) => !name.trim().is_empty(),
                _ => {
                    let fields: Vec<&str> = line.split(':').collect();
                    fields.len() == 3 && fields.iter().all(|f| !f.trim().is_empty())
                }
            };
            prop_assert!(ok, "{line}");
        }
        // The HTML report.
        let compared = compare_detailed(&lib, &[t], &gap_opts, true).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let html = report::html(&lib, &compared, &ReportOptions {
            gaps: gap_opts,
            generator: "meldroute test".to_owned(),
            graphs: Graphs::Omit("test".to_owned()),
            provenance: None,
            sensitivity: Vec::new(),
            robustness: Vec::new(),
            caseloads: Vec::new(),
            data: Vec::new(),
        }).map_err(|e| TestCaseError::fail(e.to_string()))?.html;
        prop_assert!(!html.contains("<script"));
        let dom = scraper::Html::parse_document(&html);
        let sections = scraper::Selector::parse("section.procedure").expect("selector");
        prop_assert_eq!(dom.select(&sections).count(), 1);
    }

    #[test]
    fn simulation_terminates_even_when_journeys_cannot(max_steps in 1u32..50, runs in 1u64..300) {
        // A loop with no way out: every journey hits the step limit.
        let yaml = "meldroute: 1\nid: test/rondje\ntitle: R\norganisation: T\nkind: complaint\nsources: {}\nactors:\n  melder: {title: M, role: reporter}\nstart: a\nsteps:\n  a: {title: A, actor: melder, kind: report, next: b}\n  b: {title: B, actor: melder, kind: hearing, duration: 1d, basis: law, next: a}\n";
        let mut lib = Library::new(Limits::default());
        let t = lib.load_source(SourceFile::new("rondje.yaml", yaml), Origin::User).expect("loads");
        let model = SimModel::compile(&lib, t).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let opts = SimOptions { runs, seed: 1, threads: 1, max_steps, precision: None, start: None };
        let agg = sim::simulate(&model, &opts, &|_| {}).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let r = SimReport::new(&model, &opts, &agg);
        prop_assert_eq!(r.unfinished, 1.0);
        prop_assert_eq!(r.steps_simulated, runs * u64::from(max_steps));
        check_report(&r, runs, max_steps)?;
    }
}
