//! `meldroute simulate --log` (docs/eventlog.md): every simulated journey
//! as an event log in CSV, XES and OCEL 2.0, checked here against the run's
//! own figures, and with the real PM4Py where it is installed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use support::{PM4PY, root, run, run_ok, temp_dir};

/// An internal report with interim updates during its investigation,
/// escalating to the Huis voor klokkenluiders.
fn fixture() -> String {
    root()
        .join("tests/fixtures/updates/tussentijds.yaml")
        .to_string_lossy()
        .into_owned()
}

const START: &str = "2025-01-06";

/// Runs `simulate` of `procedure` with `--log` to `dir/name` and the JSON
/// figures on standard output; both.
fn logged(procedure: &str, dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let path = dir.join(name);
    let p = path.to_str().unwrap();
    let mut args = vec![
        "simulate",
        procedure,
        "--start-date",
        START,
        "--log",
        p,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run_ok(&args);
    (path, serde_json::from_str(&out.stdout).expect("JSON"))
}

/// One row of the CSV log.
struct Row {
    case: String,
    activity: String,
    time: String,
    transition: String,
    outcome: String,
}

fn rows(path: &Path) -> (Vec<String>, Vec<Row>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let c = r.expect("a CSV record");
            assert_eq!(c.len(), 7, "{c:?}");
            Row {
                case: c[0].to_owned(),
                activity: c[1].to_owned(),
                time: c[2].to_owned(),
                transition: c[3].to_owned(),
                outcome: c[6].to_owned(),
            }
        })
        .collect();
    (header, rows)
}

/// Days since the start date of a log's time (`2025-01-06T13:30:00.000`).
fn days(time: &str) -> f64 {
    let (date, clock) = time.split_once('T').unwrap();
    let parse = |d: &str| meldroute_core::calendar::parse_date(d).unwrap();
    let n = parse(START).until(parse(date)).unwrap().get_days();
    let c: Vec<f64> = clock.split(':').map(|x| x.parse().unwrap()).collect();
    f64::from(n) + c[0] / 24.0 + c[1] / 1440.0 + c[2] / 86400.0
}

#[test]
fn a_log_holds_every_journey_step_by_step_with_the_runs_figures() {
    let dir = temp_dir("eventlog-csv");
    let (path, v) = logged(&fixture(), &dir, "log.csv", &["--runs", "300"]);
    let (header, rows) = rows(&path);
    assert_eq!(
        header,
        [
            "case:concept:name",
            "concept:name",
            "time:timestamp",
            "lifecycle:transition",
            "org:resource",
            "case:procedure",
            "case:outcome"
        ]
    );
    assert_eq!(rows[0].time, "2025-01-06T00:00:00.000");
    // Cases 1 to 300, each in one block, its events in time order.
    let mut cases: Vec<&str> = Vec::new();
    let mut per_case: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        if cases.last() != Some(&r.case.as_str()) {
            assert!(!cases.contains(&r.case.as_str()), "case {} split", r.case);
            cases.push(&r.case);
        }
        per_case.entry(&r.case).or_default().push(r);
    }
    let expected: Vec<String> = (1..=300).map(|i| i.to_string()).collect();
    assert_eq!(cases, expected);
    let mut steps = 0usize;
    let mut updates = 0usize;
    let mut lead = 0.0;
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for events in per_case.values() {
        let t: Vec<f64> = events.iter().map(|e| days(&e.time)).collect();
        assert!(t.windows(2).all(|w| w[0] <= w[1] + 1e-9), "{t:?}");
        lead += t.last().unwrap() - t[0];
        steps += events.iter().filter(|e| e.transition == "start").count();
        updates += events
            .iter()
            .filter(|e| e.activity.ends_with(" (update)"))
            .count();
        *outcomes.entry(events[0].outcome.clone()).or_default() += 1;
    }
    // Every step taken is a start and a completion; the rest are updates.
    assert_eq!(steps as u64, v["steps_simulated"].as_u64().unwrap());
    assert_eq!(rows.len(), 2 * steps + updates);
    assert!(updates >= 4 * 300, "{updates} updates");
    assert!(
        rows.iter().any(|r| r
            .activity
            .starts_with("rijk/huis-voor-klokkenluiders-onderzoek:")),
        "escalated steps are named procedure:step"
    );
    // The mean case duration is the run's mean lead time.
    let mean = lead / 300.0;
    let want = v["lead_time_days"]["mean"].as_f64().unwrap();
    assert!((mean - want).abs() < 1e-4, "{mean} against {want}");
    for (outcome, n) in outcomes {
        let share = v["outcomes"][&outcome].as_f64().unwrap();
        assert!(
            (share - n as f64 / 300.0).abs() < 1e-6,
            "{outcome}: {n} of 300 against {share}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_log_on_one_and_two_threads() {
    let dir = temp_dir("eventlog-threads");
    for name in ["log.csv", "log.xes", "log.jsonocel"] {
        let bytes = |threads: &str| {
            let sub = dir.join(threads);
            std::fs::create_dir_all(&sub).unwrap();
            let (path, _) = logged(
                "rijk/interne-melding",
                &sub,
                name,
                &["--runs", "9000", "--threads", threads],
            );
            std::fs::read(path).unwrap()
        };
        assert!(
            bytes("1") == bytes("2"),
            "{name} differs between 1 and 2 threads"
        );
    }
}

/// A procedure whose actor title holds what XML, JSON and CSV must escape.
const AWKWARD: &str = r#"meldroute: 1
id: test/lastig
title: Lastig
organisation: Test
kind: internal-report
external-information: bron
sources:
  bron: {title: Bron}
actors:
  melder: {title: Melder, role: reporter}
  org: {title: "Team <A> & \"B\", =C", role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
  bevestiging: {title: Bevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, sources: [bron], next: einde}
  einde: {title: Einde, actor: org, kind: closure, outcome: resolved}
"#;

#[test]
fn xes_and_ocel_are_well_formed_and_escape_what_users_write() {
    let dir = temp_dir("eventlog-escape");
    let file = dir.join("lastig.yaml");
    std::fs::write(&file, AWKWARD).unwrap();
    let f = file.to_str().unwrap();
    let title = "Team <A> & \"B\", =C";
    let (xes, _) = logged(f, &dir, "log.xes", &["--runs", "20"]);
    let text = std::fs::read_to_string(&xes).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XES");
    let traces: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("trace"))
        .collect();
    assert_eq!(traces.len(), 20);
    let resources: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("string") && n.attribute("key") == Some("org:resource"))
        .filter_map(|n| n.attribute("value"))
        .collect();
    assert_eq!(resources.len(), 20 * 3 * 2);
    assert!(resources.contains(&title), "{resources:?}");
    let (ocel, _) = logged(f, &dir, "log.jsonocel", &["--runs", "20"]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ocel).unwrap()).expect("OCEL JSON");
    assert_eq!(v["events"].as_array().unwrap().len(), 20 * 3 * 2);
    let objects = v["objects"].as_array().unwrap();
    let ids: Vec<&str> = objects.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids.iter().filter(|i| i.starts_with("case-")).count(), 20);
    for e in v["events"].as_array().unwrap() {
        for r in e["relationships"].as_array().unwrap() {
            assert!(ids.contains(&r["objectId"].as_str().unwrap()), "{r}");
        }
    }
    assert!(
        objects.iter().any(|o| o["attributes"][0]["value"] == title),
        "the actor's title, unescaped by the JSON parser"
    );
    let (csv, _) = logged(f, &dir, "log.csv", &["--runs", "2"]);
    let text = std::fs::read_to_string(csv).unwrap();
    assert!(
        text.contains("\"'Team <A> & \"\"B\"\", =C\"")
            || text.contains("\"Team <A> & \"\"B\"\", =C\""),
        "{text}"
    );
}

#[test]
fn what_a_log_cannot_be_is_refused_before_anything_is_written() {
    let dir = temp_dir("eventlog-refused");
    let log = dir.join("log.csv");
    let l = log.to_str().unwrap();
    let txt = dir.join("log.txt");
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec!["simulate", "rijk/klacht", "--log", l],
            "--log needs --start-date",
        ),
        (
            vec![
                "simulate",
                "rijk/klacht",
                "--start-date",
                START,
                "--log",
                txt.to_str().unwrap(),
            ],
            "--log-format",
        ),
        (
            vec![
                "simulate",
                "rijk/klacht",
                "--start-date",
                START,
                "--log",
                l,
                "--shard",
                "0/2",
            ],
            "leave out --shard",
        ),
    ];
    for (args, message) in cases {
        let out = run(&args).expect_code(2);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        assert!(!log.exists() && !txt.exists(), "{args:?} wrote a file");
    }
    run(&["simulate", "rijk/klacht", "--log-format", "csv"]).expect_code(2);
    // The input itself is never overwritten.
    let input = dir.join("in.yaml");
    std::fs::write(&input, AWKWARD).unwrap();
    let i = input.to_str().unwrap();
    let out = run(&[
        "simulate",
        i,
        "--start-date",
        START,
        "--log",
        i,
        "--log-format",
        "csv",
    ])
    .expect_code(2);
    assert!(out.stderr.contains("in.yaml"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), AWKWARD);
    // --log-format wins over the extension.
    run_ok(&[
        "simulate",
        "rijk/klacht",
        "--runs",
        "3",
        "--start-date",
        START,
        "--log",
        txt.to_str().unwrap(),
        "--log-format",
        "xes",
    ]);
    assert!(std::fs::read_to_string(&txt).unwrap().starts_with("<?xml"));
}

/// What the real PM4Py reads in a log: cases, events, activities, mean
/// case duration (tests/pm4py/check_log.py).
fn pm4py(format: &str, path: &Path) -> serde_json::Value {
    let python = PM4PY.require();
    let out = std::process::Command::new(python)
        .arg(root().join("tests/pm4py/check_log.py"))
        .arg(format)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "PM4Py could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    serde_json::from_str(stdout.lines().last().unwrap()).expect("one JSON line")
}

#[test]
#[cfg_attr(
    not(has_pm4py),
    ignore = "needs PM4Py: bash tests/pm4py/setup.sh target/pm4py && export PATH=\"$PWD/target/pm4py/bin:$PATH\""
)]
fn pm4py_reads_our_logs_without_fixes_and_sees_the_runs_figures() {
    let dir = temp_dir("eventlog-pm4py");
    let (csv, _) = logged(&fixture(), &dir, "events.csv", &["--runs", "500"]);
    let (_, rows) = rows(&csv);
    for (name, format) in [
        ("log.csv", "csv"),
        ("log.xes", "xes"),
        ("log.jsonocel", "ocel"),
    ] {
        let (path, v) = logged(&fixture(), &dir, name, &["--runs", "500"]);
        let seen = pm4py(format, &path);
        assert_eq!(seen["cases"], 500, "{format}: {seen}");
        assert_eq!(
            seen["events"].as_u64().unwrap() as usize,
            rows.len(),
            "{format}"
        );
        let want = v["lead_time_days"]["mean"].as_f64().unwrap();
        let mean = seen["mean_case_duration_days"].as_f64().unwrap();
        assert!(
            (mean - want).abs() < 1e-4,
            "{format}: {mean} against {want}"
        );
        let activities = seen["activities"].as_array().unwrap();
        assert!(
            activities.iter().any(|a| a == "onderzoek (update)"),
            "{format}"
        );
    }
}

/// `simulate CASELOAD --log`: every measured case of every replication on
/// the caseload's dates (`rR-N`: case N of replication R, in the order
/// they finished), its waiting visible as the gap before a step starts;
/// the figures are those of the run without a log.
#[test]
fn a_caseloads_log_holds_its_measured_cases_on_its_dates() {
    let dir = temp_dir("eventlog-caseload");
    let log = dir.join("huis.csv");
    let l = log.to_str().unwrap();
    let huis = "caseloads/huis-onderzoeksverzoeken";
    let with = run_ok(&[
        "simulate",
        huis,
        "--replications",
        "3",
        "--format",
        "json",
        "--log",
        l,
    ])
    .stdout;
    let without = run_ok(&["simulate", huis, "--replications", "3", "--format", "json"]).stdout;
    let figures = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        v.as_object_mut().unwrap().remove("provenance");
        v
    };
    assert_eq!(
        figures(&with),
        figures(&without),
        "the log changes no figure"
    );
    let v = figures(&with);
    let arrived = v["procedures"][0]["arrived"]["value"].as_f64().unwrap() * 3.0;
    let (_, rows) = rows(&log);
    let mut per_case: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        per_case.entry(&r.case).or_default().push(r);
    }
    assert_eq!(per_case.len() as f64, arrived.round());
    for (id, events) in &per_case {
        let (rep, n) = id.strip_prefix('r').unwrap().split_once('-').unwrap();
        assert!(
            (1..=3).contains(&rep.parse::<u32>().unwrap()) && n.parse::<u64>().unwrap() > 0,
            "{id}"
        );
        let t: Vec<&str> = events.iter().map(|e| e.time.as_str()).collect();
        assert!(t.windows(2).all(|w| w[0] <= w[1]), "{id}: {t:?}");
        assert!(t[0] >= "2023-01-01", "{id}: {}", t[0]);
        assert!(t[0] < "2026-01-01", "{id} arrived in the period: {}", t[0]);
    }
    // Somebody waited for a screener: a screening starts after the step
    // before it completed.
    let waited = per_case.values().any(|events| {
        events.windows(2).any(|w| {
            w[0].transition == "complete"
                && w[1].transition == "start"
                && w[1].activity == "onderzoekstoets"
                && w[1].time > w[0].time
        })
    });
    assert!(waited, "no screening waited");
}

/// A caseload's cases start on their own arrival days, spread over the
/// period, not all on its first day.
#[test]
fn a_caseloads_cases_start_when_they_arrive() {
    let dir = temp_dir("eventlog-caseload-arrivals");
    let log = dir.join("huis.csv");
    run_ok(&[
        "simulate",
        "caseloads/huis-onderzoeksverzoeken",
        "--replications",
        "2",
        "--log",
        log.to_str().unwrap(),
    ]);
    let (_, rows) = rows(&log);
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &rows {
        first.entry(&r.case).or_insert(&r.time);
    }
    let in_2025 = first.values().filter(|t| t.starts_with("2025-")).count();
    let in_2023 = first.values().filter(|t| t.starts_with("2023-")).count();
    // 93 requests a year arrive in 2025 against 28 in 2023.
    assert!(
        in_2025 > 2 * in_2023 && in_2023 > 0,
        "{in_2023} in 2023, {in_2025} in 2025"
    );
}
