//! Caseloads end to end (docs/caseload.md): `meldroute simulate CASELOAD`
//! on the bundled caseload of the Huis voor klokkenluiders and on files
//! written here, its outputs, and the located errors of bad caseloads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::PathBuf;

use support::{root, run, run_ok, temp_dir};

/// The bundled caseload.
const HUIS: &str = "caseloads/huis-onderzoeksverzoeken";

/// A caseload of the bundled internal report with 2 investigators,
/// `extra` appended to its text.
fn caseload_text(extra: &str) -> String {
    format!(
        "meldroute: 1
caseload: test/interne-meldingen
title: Interne meldingen (illustratief)
start: 2025-01-01
until: 2026-01-01
procedures:
  - procedure: rijk/interne-melding
    arrivals: {{per-year: 40, basis: assumption}}
pools:
  onderzoekers: {{handlers: 2, basis: assumption}}
{extra}"
    )
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = run_ok(args);
    serde_json::from_str(&out.stdout).expect("JSON")
}

fn value(v: &serde_json::Value) -> f64 {
    v["value"].as_f64().expect("a figure with its value")
}

/// The bundled caseload reproduces what the annual reports count: the
/// screenings completed per year (24, 33, 50) and the screenings pending at
/// the end of 2025 (50), each within 20%: the stated tolerance of the
/// calibration (docs/caseload.md).
#[test]
fn the_huis_caseload_reproduces_the_reported_counts() {
    let v = json(&["simulate", HUIS, "--format", "json"]);
    assert_eq!(v["replications"], 20);
    let months = v["months"].as_array().unwrap();
    assert_eq!(months.len(), 36, "three years of months");
    let year = |y: &'static str| {
        months
            .iter()
            .filter(move |m| m["month"].as_str().unwrap().starts_with(y))
    };
    for (y, reported) in [("2023", 24.0), ("2024", 33.0), ("2025", 50.0)] {
        let done: f64 = year(y).map(|m| value(&m["served"][0])).sum();
        assert!(
            (done - reported).abs() <= 0.2 * reported,
            "{y}: {done} screenings completed, reported {reported}"
        );
        let arrived: f64 = year(y).map(|m| value(&m["arrived"])).sum();
        let rate = if y == "2025" { 93.0 } else { 28.0 };
        assert!(
            (arrived - rate).abs() <= 0.2 * rate,
            "{y}: {arrived} arrived"
        );
    }
    let dec = &months[35];
    assert_eq!(dec["month"], "2025-12-01");
    let pending = value(&dec["queue"][0]) + value(&dec["in_service"][0]);
    assert!(
        (pending - 50.0).abs() <= 10.0,
        "{pending} screenings pending at the end of 2025, reported 50"
    );
    // The backlog grows in 2025: more pending in December than in January.
    let jan = &months[24];
    assert!(value(&dec["queue"][0]) > value(&jan["queue"][0]) + 20.0);
    // The pool's handlers are 2, 3 and 4 in the three years: 3 on average.
    let pool = &v["pools"][0];
    assert_eq!(pool["pool"], "toetsers");
    assert!((pool["handlers"].as_f64().unwrap() - 3.0).abs() < 0.01);
    let u = value(&pool["utilisation"]);
    assert!(u > 0.5 && u <= 1.0, "utilisation {u}");
}

#[test]
fn the_table_shows_waiting_and_work_per_step_utilisation_and_the_backlog() {
    let out = run_ok(&["simulate", HUIS]);
    let screening = out
        .stdout
        .lines()
        .find(|l| l.contains(":onderzoekstoets ") && l.contains("toetsers"))
        .unwrap_or_else(|| panic!("no screening row in\n{}", out.stdout));
    // Waiting in weeks, work in weeks: both with their interval.
    assert_eq!(screening.matches('±').count(), 3, "{screening}");
    assert!(out.stdout.contains("utilisation"), "{}", out.stdout);
    let dec = out
        .stdout
        .lines()
        .find(|l| l.starts_with("2025-12"))
        .expect("a row for December 2025");
    assert!(dec.split_whitespace().count() >= 5, "{dec}");
    assert!(out.stdout.contains("Little's law"));
}

#[test]
fn the_same_seed_gives_the_same_bytes_on_one_and_two_threads() {
    let one = run_ok(&[
        "simulate",
        HUIS,
        "--format",
        "csv",
        "--threads",
        "1",
        "--replications",
        "6",
    ]);
    let two = run_ok(&[
        "simulate",
        HUIS,
        "--format",
        "csv",
        "--threads",
        "2",
        "--replications",
        "6",
    ]);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("provenance,"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&one.stdout), strip(&two.stdout));
    let other_seed = run_ok(&[
        "simulate",
        HUIS,
        "--format",
        "csv",
        "--replications",
        "6",
        "--seed",
        "5",
    ]);
    assert_ne!(strip(&one.stdout), strip(&other_seed.stdout));
}

#[test]
fn the_json_follows_its_schema_and_the_csv_has_the_same_figures() {
    let schema = run_ok(&["schema", "--output", "caseload"]).stdout;
    let committed =
        std::fs::read_to_string(root().join("docs/output/caseload.schema.json")).unwrap();
    assert_eq!(
        committed, schema,
        "docs/output/caseload.schema.json is stale: run `cargo run -- schema --output caseload > docs/output/caseload.schema.json`"
    );
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    let v = json(&["simulate", HUIS, "--format", "json", "--replications", "4"]);
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let csv = run_ok(&["simulate", HUIS, "--format", "csv", "--replications", "4"]).stdout;
    let util = value(&v["pools"][0]["utilisation"]);
    let row = format!("pool,toetsers,utilisation,{}", (util * 1e6).round() / 1e6);
    assert!(csv.lines().any(|l| l == row), "no `{row}` in the CSV");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("month,2025-12-01,queue:toetsers,"))
    );
    let file_schema = run_ok(&["schema", "--caseload"]).stdout;
    assert_eq!(
        std::fs::read_to_string(root().join("docs/caseload.schema.json")).unwrap(),
        file_schema,
        "docs/caseload.schema.json is stale: run `cargo run -- schema --caseload > docs/caseload.schema.json`"
    );
}

#[test]
fn a_users_caseload_runs_and_validates() {
    let dir = temp_dir("caseload-ok");
    let file = write(&dir, "c.yaml", &caseload_text(""));
    let f = file.to_str().unwrap();
    let out = run_ok(&["validate", f]);
    assert!(
        out.stdout.contains("1 caseload: no problems"),
        "{}",
        out.stdout
    );
    let v = json(&["simulate", f, "--format", "json", "--replications", "5"]);
    assert_eq!(v["caseload"], "test/interne-meldingen");
    assert_eq!(v["months"].as_array().unwrap().len(), 12);
    let onderzoek = v["procedures"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "onderzoek" && s["procedure"] == "rijk/interne-melding")
        .expect("the investigation")
        .clone();
    assert_eq!(onderzoek["pool"], "onderzoekers");
    // The investigation waits for one of 2 investigators; the intake,
    // which no pool serves, does not wait.
    assert!(value(&onderzoek["wait_days"]) > 1.0, "{onderzoek}");
    let intake = v["procedures"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "intake")
        .unwrap()
        .clone();
    assert_eq!(value(&intake["wait_days"]), 0.0);
    assert!(value(&intake["work_days"]) > 0.0);
    // Its provenance names the caseload file.
    assert!(
        v["provenance"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["origin"] == "user")
    );
}

/// Each bad caseload is refused with exit 1 and an error at the place.
#[test]
fn bad_caseloads_get_located_errors() {
    let dir = temp_dir("caseload-bad");
    let cases = [
        (
            "unknown-actor",
            caseload_text("  niemand: {handlers: 1, basis: assumption}\n"),
            "no procedure of the caseload has an actor `niemand`",
            11,
        ),
        (
            "negative-capacity",
            caseload_text("").replace("handlers: 2", "handlers: -3"),
            "pool `onderzoekers` has -3 handlers",
            10,
        ),
        (
            "zero-capacity",
            caseload_text("").replace("handlers: 2", "handlers: 0"),
            "pool `onderzoekers` has 0 handlers",
            10,
        ),
        (
            "zero-rate",
            caseload_text("").replace("per-year: 40", "per-year: 0"),
            "an arrival rate of 0 is not above zero",
            8,
        ),
        (
            "no-such-date",
            caseload_text("").replace("until: 2026-01-01", "until: 2025-02-29"),
            "`2025-02-29` is not a date that exists",
            5,
        ),
        (
            "ends-before-start",
            caseload_text("").replace("until: 2026-01-01", "until: 2024-06-01"),
            "the period ends on 2024-06-01, not after its start 2025-01-01",
            5,
        ),
        (
            "too-long",
            caseload_text("").replace("until: 2026-01-01", "until: 3100-01-01"),
            "is longer than 1,000 years",
            5,
        ),
        (
            "too-many-open",
            caseload_text("").replace(
                "basis: assumption}\npools",
                "basis: assumption}\n    open: {cases: 1000000000000, basis: assumption}\npools",
            ),
            "1000000000000 cases open at the start, more than meldroute simulates",
            9,
        ),
        (
            "missing-year",
            caseload_text("").replace("per-year: 40", "per-year: {2024: 40}"),
            "no rate for the year 2025",
            8,
        ),
        (
            "unknown-procedure",
            caseload_text("").replace("rijk/interne-melding", "rijk/onbekend"),
            "procedure `rijk/onbekend` is not loaded",
            7,
        ),
    ];
    for (name, text, message, line) in cases {
        let file = write(&dir, &format!("{name}.yaml"), &text);
        let f = file.to_str().unwrap();
        for command in ["validate", "simulate"] {
            let out = run(&[command, f]).expect_code(1);
            let text = format!("{}{}", out.stdout, out.stderr);
            let located = format!("{name}.yaml:{line}:");
            assert!(
                text.contains(message) && text.contains(&located),
                "{command} {name}: no `{message}` at {located} in\n{text}"
            );
        }
    }
}

#[test]
fn flags_of_the_other_mode_are_refused() {
    let out = run(&["simulate", HUIS, "--runs", "1000"]).expect_code(2);
    assert!(
        out.stderr.contains("--runs is for a procedure"),
        "{}",
        out.stderr
    );
    let out = run(&["simulate", "rijk/klacht", "--replications", "5"]).expect_code(2);
    assert!(
        out.stderr.contains("--replications is for a caseload"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_names_the_bundled_caseload() {
    let out = run_ok(&["list"]);
    assert!(out.stdout.contains(HUIS), "{}", out.stdout);
    let v = json(&["list", "--format", "json"]);
    assert!(
        v["caseloads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == HUIS)
    );
}

/// A caseload scenario changes its base's handlers or arrivals: one more
/// screener in 2025 shortens the queue at the end of 2025; 50% more
/// reports from 1 July 2025 lengthen it; each figure against the base's,
/// with the same seed.
#[test]
fn a_caseload_scenario_changes_handlers_and_arrivals() {
    let dir = temp_dir("caseload-scenario");
    let meer = write(
        &dir,
        "meer.yaml",
        "meldroute: 1
caseload: test/huis-een-toetser-meer
title: Een toetser meer in 2025
base: caseloads/huis-onderzoeksverzoeken
changes:
  - pool: toetsers
    handlers: {2023: 2, 2024: 3, 2025: 5}
    reason: Een extra toetser vanaf 1 januari 2025.
",
    );
    let drukker = write(
        &dir,
        "drukker.yaml",
        "meldroute: 1
caseload: test/huis-drukker
title: De helft meer verzoeken vanaf juli 2025
base: caseloads/huis-onderzoeksverzoeken
changes:
  - procedure: scenarios/huis-onderzoekstoets-zonder-wachttijd
    scale-arrivals: 1.5
    from: 2025-07-01
    reason: Een wetswijziging brengt de helft meer verzoeken.
",
    );
    let queue_end = |v: &serde_json::Value| {
        let dec = &v["months"][35];
        value(&dec["queue"][0]) + value(&dec["in_service"][0])
    };
    let arrived_2025_h2 = |v: &serde_json::Value| -> f64 {
        v["months"].as_array().unwrap()[30..36]
            .iter()
            .map(|m| value(&m["arrived"]))
            .sum()
    };
    let base = json(&["simulate", HUIS, "--format", "json"]);
    let more = json(&["simulate", meer.to_str().unwrap(), "--format", "json"]);
    let busier = json(&["simulate", drukker.to_str().unwrap(), "--format", "json"]);
    assert_eq!(more["caseload"], "test/huis-een-toetser-meer");
    // Its provenance names its file and its base's.
    let files = more["provenance"]["files"].as_array().unwrap();
    for path in [
        "caseloads/huis-onderzoeksverzoeken.yaml",
        meer.to_str().unwrap(),
    ] {
        assert!(
            files.iter().any(|f| f["path"] == path),
            "{path} not in {files:?}"
        );
    }
    assert!(
        queue_end(&more) < queue_end(&base) - 5.0,
        "{} vs {}",
        queue_end(&more),
        queue_end(&base)
    );
    // Handlers 2, 3, 5: 10/3 on average.
    assert!((more["pools"][0]["handlers"].as_f64().unwrap() - 10.0 / 3.0).abs() < 0.01);
    // 93 a year: 46.6 in the second half of 2025, 70 with half more.
    let (b, m) = (arrived_2025_h2(&base), arrived_2025_h2(&busier));
    assert!(m > 1.3 * b && m < 1.7 * b, "{m} vs {b}");
    assert!(queue_end(&busier) > queue_end(&base) + 5.0);
    // The first half of 2025 is the base's, report for report.
    let h1 = |v: &serde_json::Value| -> Vec<f64> {
        v["months"].as_array().unwrap()[..30]
            .iter()
            .map(|m| value(&m["arrived"]))
            .collect()
    };
    assert_eq!(h1(&base), h1(&busier));
}

#[test]
fn a_bad_caseload_scenario_is_refused_at_its_change() {
    let dir = temp_dir("caseload-scenario-bad");
    let file = write(
        &dir,
        "fout.yaml",
        "meldroute: 1
caseload: test/fout
title: Fout
base: caseloads/huis-onderzoeksverzoeken
changes:
  - pool: onbekend
    handlers: 3
    reason: Een pool die er niet is.
  - procedure: scenarios/huis-onderzoekstoets-zonder-wachttijd
    scale-arrivals: 0
    reason: Geen verzoeken meer.
",
    );
    let out = run(&["validate", file.to_str().unwrap()]).expect_code(1);
    assert!(
        out.stdout
            .contains("fout.yaml:6:11: error[MR025]: the base has no pool `onbekend`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("fout.yaml:10:21: error[MR025]: `scale-arrivals` of 0 is not above zero"),
        "{}",
        out.stdout
    );
}

/// A command that takes procedures refuses a caseload (exit 2, saying
/// which commands run one) instead of finding nothing in it.
#[test]
fn commands_of_procedures_refuse_a_caseload() {
    for command in ["gaps", "compare", "render", "trace"] {
        let out = run(&[command, HUIS]).expect_code(2);
        assert!(
            out.stderr.contains("is a caseload")
                && out
                    .stderr
                    .contains("scenarios/huis-onderzoekstoets-zonder-wachttijd"),
            "{command}: {}",
            out.stderr
        );
    }
    // A directory that holds procedures and a caseload is its procedures.
    let out = run(&["gaps", "processes/", "--structural-only"]).expect_code(0);
    assert!(!out.stderr.contains("is a caseload"), "{}", out.stderr);
}

/// `sensitivity CASELOAD`: the caseload's own assumptions (the pool's
/// handlers) are varied beside its procedures', each point runs its
/// replications, and the figures are the caseload's: fewer handlers, a
/// larger backlog and busier handlers.
#[test]
fn sensitivity_of_a_caseload_varies_its_handlers_and_measures_the_backlog() {
    let v = json(&[
        "sensitivity",
        HUIS,
        "--replications",
        "5",
        "--kpi",
        "backlog_at_end",
        "--kpi",
        "utilisation",
        "--kpi",
        "wait.mean",
        "--format",
        "json",
    ]);
    let schema = run_ok(&["schema", "--output", "sensitivity"]).stdout;
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(v["caseload"], "caseloads/huis-onderzoeksverzoeken");
    assert_eq!(v["replications"], 5);
    assert!(v.get("runs").is_none() && v.get("procedure").is_none());
    let factors = v["factors"].as_array().unwrap();
    let pool = factors
        .iter()
        .position(|f| f["kind"] == "handlers" && f["pool"] == "toetsers")
        .expect("the pool's handlers are an assumption");
    // The arrivals and open cases of the bundled caseload are measured.
    assert!(
        !factors
            .iter()
            .any(|f| f["kind"] == "arrivals" || f["kind"] == "open")
    );
    assert_eq!(v["points"], 2 * factors.len() + 1);
    let tornado = v["tornado"].as_array().unwrap();
    let kpis: Vec<&str> = tornado.iter().map(|t| t["kpi"].as_str().unwrap()).collect();
    assert_eq!(kpis, ["backlog_at_end", "utilisation", "wait.mean"]);
    let swing = |t: &serde_json::Value| {
        t["swings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["factor"] == pool)
            .cloned()
            .unwrap()
    };
    for t in tornado {
        let s = swing(t);
        assert!(
            value(&s["low"]) > value(&s["high"]),
            "{}: half the handlers must give more: {s}",
            t["kpi"]
        );
    }
    // The backlog depends on the handlers more than on anything else.
    assert_eq!(tornado[0]["swings"][0]["factor"], pool);
    // The base is what `simulate` gives with the same replications.
    let sim = json(&["simulate", HUIS, "--replications", "5", "--format", "json"]);
    let months = sim["months"].as_array().unwrap();
    assert_eq!(tornado[0]["base"], months.last().unwrap()["open"]);
    assert_eq!(tornado[1]["base"], sim["pools"][0]["utilisation"]);
    assert_eq!(v["provenance"]["options"]["replications"], 5);
    let files: Vec<&str> = v["provenance"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("huis-onderzoeksverzoeken.yaml")),
        "{files:?}"
    );
}

#[test]
fn sensitivity_of_a_caseload_writes_table_csv_and_svg() {
    let args = |format: &'static str| {
        vec![
            "sensitivity",
            HUIS,
            "--replications",
            "3",
            "--kpi",
            "backlog_at_end",
            "--format",
            format,
        ]
    };
    let table = run_ok(&args("table")).stdout;
    assert!(
        table.contains("Sensitivity of caseloads/huis-onderzoeksverzoeken")
            && table.contains("3 replications of its period per point")
            && table.contains("pool toetsers handlers"),
        "{table}"
    );
    let csv = run_ok(&args("csv")).stdout;
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "kpi,procedure,step,varies,to,pool,base,low,high,statistic,value,ci95_low,ci95_high"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("backlog_at_end,,,handlers,,toetsers,1,0.5,1.5,swing,")),
        "{csv}"
    );
    let svg = run_ok(&args("svg")).stdout;
    assert!(
        svg.starts_with("<svg") && svg.contains("pool toetsers handlers"),
        "{svg}"
    );
}

#[test]
fn sensitivity_of_a_caseload_refuses_what_does_not_apply() {
    for (flags, message) in [
        (&["--runs", "1000"][..], "--runs is for a procedure"),
        (&["--shard", "0/2"][..], "--shard is for a procedure"),
        (&["--kpi", "utilisation@niemand"][..], "no pool `niemand`"),
        (
            &["--kpi", "backlg_at_end"][..],
            "did you mean `backlog_at_end`",
        ),
        (
            &["--kpi", "backlog_at_end", "--kpi", "backlog_at_end"][..],
            "twice",
        ),
    ] {
        let mut args = vec!["sensitivity", HUIS];
        args.extend_from_slice(flags);
        let out = run(&args).expect_code(2);
        assert!(out.stderr.contains(message), "{flags:?}: {}", out.stderr);
    }
    let out = run(&["sensitivity", "rijk/klacht", "--replications", "5"]).expect_code(2);
    assert!(
        out.stderr.contains("--replications is for a caseload"),
        "{}",
        out.stderr
    );
}
