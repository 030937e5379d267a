//! `meldroute simulate` and `meldroute trace` end to end.

mod support;

use support::{run, run_ok};

#[test]
fn json_is_pinned_for_a_fixed_seed() {
    let out = run_ok(&[
        "simulate",
        "rijk/interne-melding",
        "--runs",
        "20000",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(support::redact_commit(&out.stdout));
}

#[test]
fn json_has_the_documented_keys() {
    let out = run_ok(&[
        "simulate",
        "rijk/klacht",
        "--runs",
        "5000",
        "--format",
        "json",
        "--exact",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    for key in [
        "procedure",
        "runs",
        "seed",
        "lead_time_days",
        "first_contact_days",
        "longest_silence_days",
        "feedback_rate",
        "aftercare_rate",
        "outcomes",
        "escalations",
        "deadlines",
        "steps",
        "unfinished",
        "exact",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for stat in ["mean", "p50", "p90", "p95", "p99", "max"] {
        assert!(
            v["lead_time_days"][stat].is_number(),
            "lead_time_days.{stat}"
        );
    }
    let d = &v["deadlines"][0];
    for key in ["step", "within_days", "basis", "reached", "met"] {
        assert!(d.get(key).is_some(), "deadline lacks {key}");
    }
    assert_eq!(v["procedure"], "rijk/klacht");
    assert_eq!(v["runs"], 5000);
    let shares: f64 = v["outcomes"]
        .as_object()
        .expect("map")
        .values()
        .filter_map(|x| x.as_f64())
        .sum();
    assert!((shares + v["unfinished"].as_f64().expect("number") - 1.0).abs() < 1e-5);
}

#[test]
fn thread_count_does_not_change_the_output() {
    let args = |t: &'static str| {
        [
            "simulate",
            "rijk/interne-melding",
            "--runs",
            "30000",
            "--threads",
            t,
            "--format",
            "json",
        ]
    };
    // The provenance lists the thread count; nothing else changes.
    let same = |t: &'static str| support::without_provenance(&run_ok(&args(t)).stdout);
    let one = same("1");
    assert_eq!(one, same("2"));
    assert_eq!(one, same("5"));
}

#[test]
fn every_bundled_procedure_simulates_in_every_format() {
    let ids = support::bundled_ids();
    assert_eq!(ids.len(), meldroute_core::library::bundled_files().len());
    for id in &ids {
        for format in ["table", "json", "csv"] {
            let out = run_ok(&[
                "simulate", id, "--runs", "3000", "--format", format, "--exact",
            ]);
            assert!(out.stdout.contains(id.as_str()), "{id} {format}");
        }
        let out = run_ok(&["trace", id]);
        assert!(out.stdout.contains("ended: "), "{}", out.stdout);
    }
}

#[test]
fn invalid_procedures_are_refused_with_diagnostics() {
    let out = run(&["simulate", "tests/fixtures/rules/many-errors.yaml"]).expect_code(1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("error[MR001]")
            && out
                .stderr
                .contains("errors in the procedures; fix them first"),
        "{}",
        out.stderr
    );
    let out = run(&["trace", "tests/fixtures/bad/empty.yaml"]).expect_code(1);
    assert!(
        out.stderr.contains("error[MR000]: file is empty"),
        "{}",
        out.stderr
    );
    let out = run(&["simulate", "processes/rijk/"]).expect_code(2);
    assert!(
        out.stderr.contains("holds 7 procedures; name one"),
        "{}",
        out.stderr
    );
    let out = run(&["simulate", "rijk/klacht", "--runs", "0"]).expect_code(2);
    assert!(out.stderr.contains("--runs"), "{}", out.stderr);
}

#[test]
fn csv_is_one_figure_per_row() {
    let out = run_ok(&[
        "simulate",
        "rijk/klacht",
        "--runs",
        "2000",
        "--format",
        "csv",
    ]);
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("section,name,statistic,value"));
    // The provenance first, then the figures.
    let lines: Vec<&str> = lines.collect();
    let first = lines
        .iter()
        .position(|l| !l.starts_with("provenance,"))
        .expect("figures");
    assert!(
        lines[first - 1].starts_with("provenance,provenance,json,\"{"),
        "{}",
        out.stdout
    );
    let mut figures = std::collections::HashMap::new();
    for line in &lines[first..] {
        let (key, value) = line.rsplit_once(',').expect("four cells");
        // 2,000 journeys are one batch: the means have no interval (an
        // empty cell); every other cell is a number.
        if value.is_empty() {
            assert!(
                key.contains("ci95") && key.contains("mean"),
                "empty cell in `{line}`"
            );
            continue;
        }
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number in `{line}`"));
        figures.insert(key.to_owned(), value);
    }
    // Each share lies within its interval, and the interval is not a point.
    let feedback = figures["rate,feedback_rate,value"];
    let (low, high) = (
        figures["rate,feedback_rate,ci95_low"],
        figures["rate,feedback_rate,ci95_high"],
    );
    assert!(low < feedback && feedback < high, "{low} {feedback} {high}");
    assert!(high - low < 0.1, "{low} {high}");
    let p50 = figures["duration,lead_time_days,p50"];
    assert!(figures["duration,lead_time_days,p50_ci95_low"] <= p50);
    assert!(p50 <= figures["duration,lead_time_days,p50_ci95_high"]);
}

#[test]
fn trace_is_the_first_simulated_journey_and_reproducible() {
    let a = run_ok(&["trace", "rijk/interne-melding", "--seed", "11"]);
    let b = run_ok(&["trace", "rijk/interne-melding", "--seed", "11"]);
    assert_eq!(a.stdout, b.stdout);
    assert!(
        a.stdout
            .starts_with("one journey through rijk/interne-melding (seed 11)")
    );
    assert!(a.stdout.contains("contact"));
    // One journey simulated with the same seed ends in the outcome the trace shows.
    let sim = run_ok(&[
        "simulate",
        "rijk/interne-melding",
        "--runs",
        "1",
        "--seed",
        "11",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&sim.stdout).expect("JSON");
    let (outcome, _) = v["outcomes"]
        .as_object()
        .expect("map")
        .iter()
        .next()
        .expect("one outcome");
    assert!(
        a.stdout.contains(&format!("ended: {outcome} after")),
        "{}\n{outcome}",
        a.stdout
    );
}

/// One definition of a deadline's share: with default flags `simulate` and
/// `gaps` run the same journeys, so the share of journeys reaching the
/// feedback step that miss its 3-month term is the same in both.
#[test]
fn simulate_and_gaps_with_default_flags_give_the_same_deadline_share() {
    let sim = run_ok(&["simulate", "rijk/interne-melding", "--format", "json"]);
    let sim: serde_json::Value = serde_json::from_str(&sim.stdout).expect("JSON");
    let deadline = sim["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["step"] == "rijk/interne-melding:terugkoppeling")
        .expect("the feedback deadline");
    let missed = 100.0 * (1.0 - deadline["met"].as_f64().expect("met"));
    let reached = deadline["reached"].as_f64().expect("reached");
    // The bundled file accepts this finding, so gaps exits 0.
    let gaps = run_ok(&["gaps", "rijk/interne-melding", "--format", "json"]);
    let findings = support::json_items(&gaps.stdout, "findings");
    let finding = findings
        .iter()
        .find(|f| {
            f["code"] == "MR105"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("reach `terugkoppeling`"))
        })
        .expect("the deadline-at-risk finding");
    let message = finding["message"].as_str().expect("message");
    let shown: f64 = message
        .split('%')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a share first: {message}"));
    assert!(
        (shown - missed).abs() <= 0.05 + 1e-9,
        "gaps says {shown}% of journeys that reach the step miss it, simulate {missed:.3}%"
    );
    // The finding's own share is of all journeys: missed among those that
    // reach the step, times the share that reaches it.
    let share = finding["share"].as_f64().expect("share");
    assert!(
        (share - missed / 100.0 * reached).abs() < 1e-5,
        "{share} vs {missed} x {reached}"
    );
}
