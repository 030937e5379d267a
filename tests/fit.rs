//! `meldroute fit` (docs/fit.md): a procedure simulated to a log and fitted
//! back recovers every distribution family's median and the branch
//! probabilities within their intervals; the fitted file validates,
//! simulates and differs from its input only in the fitted figures, their
//! basis and notes; bad logs get located errors, and a log with one case
//! a warning and no file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::Path;

use meldroute_core::{Distribution, Library, Limits};
use support::{root, run, run_ok, temp_dir};

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The relative tolerance of a recovered median.
const TOLERANCE: f64 = 0.05;

/// `procedure` simulated for `runs` journeys to a log in `dir`.
fn simulate(procedure: &str, runs: &str, dir: &Path) -> String {
    let log = dir.join("log.csv");
    let l = log.to_str().unwrap().to_owned();
    run_ok(&[
        "simulate",
        procedure,
        "--runs",
        runs,
        "--start-date",
        "2026-03-02",
        "--log",
        &l,
    ]);
    l
}

/// Each step of the procedure file at `path`, with its distribution.
fn steps(path: &str) -> Vec<(String, Distribution, Option<String>)> {
    let mut lib = Library::new(Limits::default());
    let id = lib
        .load_file(Path::new(path))
        .unwrap()
        .expect("a procedure");
    lib.entry(id)
        .procedure
        .steps
        .iter()
        .map(|(id, s)| {
            (
                id.value.clone(),
                s.duration.value.clone(),
                s.basis.as_ref().map(|b| b.as_str().to_owned()),
            )
        })
        .collect()
}

#[test]
fn a_simulated_log_fitted_back_recovers_every_family() {
    let dir = temp_dir("fit-round-trip");
    let families = fixture("fit/families.yaml");
    let log = simulate(&families, "2000", &dir);
    let out = dir.join("fitted.yaml");
    let o = out.to_str().unwrap();
    let json: serde_json::Value = serde_json::from_str(
        &run_ok(&[
            "fit",
            &log,
            "--procedure",
            &families,
            "-o",
            o,
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    // The summary is valid against its schema, which is current.
    let schema = run_ok(&["schema", "--output", "fit"]).stdout;
    assert_eq!(
        std::fs::read_to_string(root().join("docs/output/fit.schema.json")).unwrap(),
        schema,
        "docs/output/fit.schema.json is stale: run `cargo run -- schema --output fit > docs/output/fit.schema.json`"
    );
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(json["log"]["fitted"], 2000);
    let before = steps(&families);
    let after = steps(o);
    let mut families_seen = Vec::new();
    for ((id, want, _), (id2, got, basis)) in before.iter().zip(&after) {
        assert_eq!(id, id2, "the order of the steps");
        if want.is_zero() {
            continue;
        }
        // Every family comes back as itself, with its median.
        assert_eq!(got.name(), want.name(), "{id}: {got:?}");
        assert_eq!(got.is_working(), want.is_working(), "{id}");
        let (m, w) = (got.median_days(), want.median_days());
        assert!(
            (m - w).abs() / w <= TOLERANCE,
            "{id}: median {m}, not {w} within {TOLERANCE}"
        );
        families_seen.push(want.name());
        if id != "bevestiging" {
            assert_eq!(basis.as_deref(), Some("measured"), "{id}");
        }
    }
    families_seen.sort_unstable();
    families_seen.dedup();
    assert_eq!(
        families_seen,
        [
            "empirical",
            "exponential",
            "fixed",
            "lognormal",
            "triangular",
            "uniform"
        ]
    );
    // A fixed duration as written is kept, with its basis: nothing to fit.
    assert_eq!(after[1].2.as_deref(), Some("policy"));
    // The branches: each true probability within its interval.
    let besluit = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "besluit")
        .unwrap();
    let shares = besluit["branches"]["shares"].as_array().unwrap();
    for (share, p) in shares.iter().zip([0.3, 0.6, 0.1]) {
        let ci = &share["share"]["ci95"];
        let (low, high) = (ci["low"].as_f64().unwrap(), ci["high"].as_f64().unwrap());
        assert!(low <= p && p <= high, "{share}");
        assert!(
            high - low < 0.1,
            "{share}: a narrow interval from 2000 cases"
        );
    }
    let sum: f64 = shares.iter().map(|s| s["p"].as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-12);
}

#[test]
fn a_fitted_file_differs_from_its_input_only_in_the_fitted_figures() {
    let dir = temp_dir("fit-diff");
    let families = fixture("fit/families.yaml");
    let log = simulate(&families, "500", &dir);
    let out = dir.join("fitted.yaml");
    let o = out.to_str().unwrap();
    run_ok(&["fit", &log, "--procedure", &families, "-o", o]);
    let input = std::fs::read_to_string(&families).unwrap();
    let fitted = std::fs::read_to_string(&out).unwrap();
    // The comment at the top names the log by its SHA-256.
    let sha = {
        use sha2::Digest;
        let bytes = std::fs::read(&log).unwrap();
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let comment: String = fitted
        .lines()
        .filter_map(|l| l.strip_prefix("# fit: "))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(comment.contains(&sha), "{comment}");
    assert!(comment.contains("log.csv"), "{comment}");
    let body: Vec<&str> = fitted
        .lines()
        .filter(|l| !l.starts_with("# fit: "))
        .collect();
    let lines: Vec<&str> = input.lines().collect();
    assert_eq!(
        body.len(),
        lines.len(),
        "no line added or removed:\n{fitted}"
    );
    let mut changed = 0;
    for (a, b) in lines.iter().zip(&body) {
        if a == b {
            continue;
        }
        changed += 1;
        let key = |l: &str| l.trim_start().split(':').next().unwrap_or("").to_owned();
        let fitted_key = ["duration", "basis", "note", "- {to"].contains(&key(a).as_str());
        assert!(
            fitted_key,
            "a line that is no fitted figure changed:\n- {a}\n+ {b}"
        );
        assert_eq!(key(a), key(b));
        assert_eq!(
            a.len() - a.trim_start().len(),
            b.len() - b.trim_start().len(),
            "indentation"
        );
        if key(a) == "- {to" {
            // The same target, another probability.
            assert_eq!(a.split(',').next(), b.split(',').next());
        }
        if key(a) == "basis" {
            assert_eq!(b.trim(), "basis: measured");
        }
    }
    // Six steps fitted: a duration, a basis and a note each; and the
    // decision's three branches, its basis and its note (its fixed week
    // is what the log says).
    assert_eq!(changed, 6 * 3 + 3 + 2, "{fitted}");
    // It validates, simulates and compares.
    run_ok(&["validate", o]);
    run_ok(&["simulate", o, "--runs", "2000"]);
    let c = run_ok(&["compare", &families, o]).stdout;
    assert!(c.contains("test/families"), "{c}");
}

#[test]
fn a_log_with_one_case_gives_a_warning_and_no_fit() {
    let dir = temp_dir("fit-one");
    let families = fixture("fit/families.yaml");
    let log = simulate(&families, "1", &dir);
    let out = dir.join("fitted.yaml");
    let r = run(&[
        "fit",
        &log,
        "--procedure",
        &families,
        "-o",
        out.to_str().unwrap(),
    ])
    .expect_code(1);
    assert!(r.stderr.contains("warning:"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("1 case of 1 fit the procedure; a fit needs at least 5"),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "no file written");
    assert!(r.stdout.is_empty());
}

#[test]
fn few_cases_give_a_warning_and_wide_intervals() {
    let dir = temp_dir("fit-few");
    let families = fixture("fit/families.yaml");
    let log = simulate(&families, "12", &dir);
    let out = dir.join("fitted.yaml");
    let o = out.to_str().unwrap();
    let r = run_ok(&[
        "fit",
        &log,
        "--procedure",
        &families,
        "-o",
        o,
        "--format",
        "json",
    ]);
    assert!(
        r.stderr
            .contains("warning: step intake: fitted on fewer than 30 values"),
        "{}",
        r.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let intake = &json["steps"][2];
    assert_eq!(intake["step"], "intake");
    assert_eq!(intake["few"], true);
    assert_eq!(intake["duration"]["choice"], "few");
    let ci = &intake["duration"]["median"]["ci95"];
    let width = ci["high"].as_f64().unwrap() - ci["low"].as_f64().unwrap();
    assert!(width > 3.0, "a wide interval of the median: {ci}");
    run_ok(&["validate", o]);
}

/// A hand-made log: each acknowledgement starts 2 days after the report
/// and takes 1 day; the case ids are not to be repeated anywhere.
fn waiting_log(dir: &Path) -> String {
    let mut csv = String::from("zaak,activiteit,tijd,fase\n");
    for i in 0..8 {
        let day = 2 + i;
        csv.push_str(&format!(
            "geheim-{i},melding,2026-03-{day:02}T09:00:00,complete\n\
             geheim-{i},bevestiging,2026-03-{:02}T09:00:00,start\n\
             geheim-{i},bevestiging,2026-03-{:02}T09:00:00,complete\n",
            day + 2,
            day + 3
        ));
    }
    let path = dir.join("zaken.csv");
    std::fs::write(&path, csv).unwrap();
    path.to_str().unwrap().to_owned()
}

const SHORT: &str = "meldroute: 1
id: test/kort
title: Kort (illustratief)
organisation: Test
kind: internal-report
external-information: bron
sources:
  bron: {title: Bron}
actors:
  melder: {title: Melder, role: reporter}
  org: {title: Organisatie, role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
  bevestiging: {title: Bevestiging, actor: org, kind: acknowledgement, duration: 5d, basis: assumption, note: \"Aanname.\", outcome: closed}
";

#[test]
fn a_start_event_leaves_the_wait_out_unless_elapsed_is_asked() {
    let dir = temp_dir("fit-wait");
    let log = waiting_log(&dir);
    let p = dir.join("kort.yaml");
    std::fs::write(&p, SHORT).unwrap();
    let p = p.to_str().unwrap();
    let cols = [
        "--case-column",
        "zaak",
        "--activity-column",
        "activiteit",
        "--time-column",
        "tijd",
        "--lifecycle-column",
        "fase",
    ];
    let fit = |measure: &str| {
        let out = dir.join(format!("{measure}.yaml"));
        let mut args = vec![
            "fit",
            &log,
            "--procedure",
            p,
            "-o",
            out.to_str().unwrap(),
            "--measure",
            measure,
        ];
        args.extend(cols);
        run_ok(&args);
        std::fs::read_to_string(out).unwrap()
    };
    let auto = fit("auto");
    assert!(auto.contains("duration: 1d, basis: measured"), "{auto}");
    assert!(
        auto.contains("The cases waited a median 2d before the step started"),
        "{auto}"
    );
    let elapsed = fit("elapsed");
    assert!(
        elapsed.contains("duration: 3d, basis: measured"),
        "{elapsed}"
    );
    assert!(
        !auto.contains("geheim") && !elapsed.contains("geheim"),
        "no case id"
    );
}

#[test]
fn bad_logs_get_located_errors() {
    let dir = temp_dir("fit-bad");
    let families = fixture("fit/families.yaml");
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "case:concept:name,concept:name,time:timestamp\n1,melding,2026-03-02\n1,bevestiging,2026-13-45\n",
    )
    .unwrap();
    let out = dir.join("fitted.yaml");
    let o = out.to_str().unwrap();
    let r = run(&[
        "fit",
        bad.to_str().unwrap(),
        "--procedure",
        &families,
        "-o",
        o,
    ])
    .expect_code(2);
    assert!(
        r.stderr
            .contains("bad.csv:3:3: column `time:timestamp` is not a date"),
        "{}",
        r.stderr
    );
    std::fs::write(&bad, "zaak,wat\n1,melding\n").unwrap();
    let r = run(&[
        "fit",
        bad.to_str().unwrap(),
        "--procedure",
        &families,
        "-o",
        o,
    ])
    .expect_code(2);
    assert!(
        r.stderr
            .contains("bad.csv:1:0: no column `case:concept:name`"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    // The output may not be an input.
    let log = simulate(&families, "20", &dir);
    let r = run(&["fit", &log, "--procedure", &families, "-o", &log]).expect_code(2);
    assert!(r.stderr.contains("input"), "{}", r.stderr);
    // A scenario is refused: fit the procedure it changes.
    let s = fixture("../../processes/scenarios/snellere-intake.yaml");
    let r = run(&["fit", &log, "--procedure", &s, "-o", o]).expect_code(2);
    assert!(r.stderr.contains("is a scenario"), "{}", r.stderr);
}

#[test]
fn without_output_the_fitted_file_goes_to_standard_output() {
    let dir = temp_dir("fit-stdout");
    let families = fixture("fit/families.yaml");
    let log = simulate(&families, "200", &dir);
    let r = run_ok(&["fit", &log, "--procedure", &families]);
    assert!(
        r.stdout.starts_with("# fit: Fitted by meldroute"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("id: test/families"));
    assert!(r.stderr.contains("test/families fitted to"), "{}", r.stderr);
    let r = run(&["fit", &log, "--procedure", &families, "--format", "json"]).expect_code(2);
    assert!(r.stderr.contains("give -o FILE"), "{}", r.stderr);
}
