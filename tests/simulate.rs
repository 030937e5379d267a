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
    let procedure_files = meldroute_core::library::bundled_files()
        .iter()
        .filter(|(_, text)| !meldroute_core::caseload::is_caseload(text))
        .count();
    assert_eq!(ids.len(), procedure_files);
    for id in &ids {
        // Its conditions on silence put exact figures out of reach
        // (docs/conditions.md).
        let exact = *id != "voorbeelden/ministerie-d";
        for format in ["table", "json", "csv"] {
            let mut args = vec!["simulate", id, "--runs", "3000", "--format", format];
            if exact {
                args.push("--exact");
            }
            let out = run_ok(&args);
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
        out.stderr.contains("holds 9 procedures; name one"),
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
/// acknowledgement step that miss its 7-day term is the same in both (the
/// statutory feedback term is judged by the first feedback instead:
/// `tests/measures.rs`).
#[test]
fn simulate_and_gaps_with_default_flags_give_the_same_deadline_share() {
    let sim = run_ok(&["simulate", "rijk/interne-melding", "--format", "json"]);
    let sim: serde_json::Value = serde_json::from_str(&sim.stdout).expect("JSON");
    let deadline = sim["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["step"] == "rijk/interne-melding:ontvangstbevestiging")
        .expect("the acknowledgement deadline");
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
                    .is_some_and(|m| m.contains("reach `ontvangstbevestiging`"))
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

fn json(out: &support::Run) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
}

fn half_width(ci: &serde_json::Value) -> f64 {
    match (ci["low"].as_f64(), ci["high"].as_f64()) {
        (Some(low), Some(high)) => (high - low) / 2.0,
        _ => panic!("not an interval: {ci}"),
    }
}

/// `--precision` stops after the first batch whose interval is narrow
/// enough, checked from the 10th batch, on 1 thread as on 2: the run one
/// batch shorter is not yet precise enough.
#[test]
fn precision_stops_at_the_first_batch_that_meets_it_on_any_thread_count() {
    let args = [
        "simulate",
        "rijk/interne-melding",
        "--precision",
        "lead_time.mean=0.6d",
        "--format",
        "json",
    ];
    let one = run(&[&args[..], &["--threads", "1"]].concat()).expect_code(0);
    let two = run(&[&args[..], &["--threads", "2"]].concat()).expect_code(0);
    assert_eq!(
        support::without_provenance(&one.stdout),
        support::without_provenance(&two.stdout)
    );
    let v = json(&one);
    let runs = v["runs"].as_u64().expect("runs");
    assert_eq!(runs % 4096, 0, "stops at a batch boundary: {runs}");
    assert!(runs >= 10 * 4096, "not before the 10th batch: {runs}");
    assert_eq!(v["precision"]["met"], true);
    assert_eq!(v["precision"]["targets"][0]["figure"], "lead_time.mean");
    let reached = half_width(&v["lead_time_days"]["mean_ci95"]);
    assert!(reached <= 0.6, "{reached}");
    assert!(
        (v["precision"]["targets"][0]["reached"]
            .as_f64()
            .expect("reached")
            - reached)
            .abs()
            < 1e-5
    );
    // The same seed and one batch fewer: not yet.
    let shorter = (runs - 4096).to_string();
    let before = run(&[
        "simulate",
        "rijk/interne-melding",
        "--runs",
        &shorter,
        "--format",
        "json",
    ])
    .expect_code(0);
    let before = half_width(&json(&before)["lead_time_days"]["mean_ci95"]);
    assert!(
        before > 0.6 || runs == 10 * 4096,
        "{shorter} journeys already reach ±{before}"
    );
}

/// The ceiling stops a run whose target it cannot reach, with a warning
/// naming the target and what was reached; the figures stand.
#[test]
fn precision_stops_at_the_ceiling_with_a_warning() {
    let out = run(&[
        "simulate",
        "rijk/klacht",
        "--precision",
        "lead_time.mean=0.001d",
        "--precision",
        "feedback_rate=5%",
        "--max-runs",
        "45000",
        "--format",
        "json",
    ])
    .expect_code(0);
    let v = json(&out);
    assert_eq!(v["runs"], 45000);
    assert_eq!(v["precision"]["met"], false);
    assert_eq!(v["precision"]["max_runs"], 45000);
    assert_eq!(v["precision"]["targets"][0]["met"], false);
    assert_eq!(v["precision"]["targets"][1]["met"], true);
    assert!(
        out.stderr.contains(
            "warning: the simulation of rijk/klacht did not reach the precision asked for (at most 45000 journeys, --max-runs)"
        ) && out.stderr.contains("lead_time.mean is ±")
            && out.stderr.contains("(asked: ±0.001d)")
            && !out.stderr.contains("feedback_rate"),
        "{}",
        out.stderr
    );
}

#[test]
fn precision_is_refused_with_runs_or_an_unknown_figure() {
    let out = run(&[
        "simulate",
        "rijk/klacht",
        "--precision",
        "lead_time.mean=1d",
        "--runs",
        "5000",
    ])
    .expect_code(2);
    assert!(out.stderr.contains("--runs"), "{}", out.stderr);
    let out = run(&["simulate", "rijk/klacht", "--precision", "lead_tme.mean=1d"]).expect_code(2);
    assert!(
        out.stderr.contains("did you mean `lead_time.mean`"),
        "{}",
        out.stderr
    );
    let out = run(&["simulate", "rijk/klacht", "--precision", "lead_time.mean=1"]).expect_code(2);
    assert!(out.stderr.contains("0.5d"), "{}", out.stderr);
    let out = run(&["simulate", "rijk/klacht", "--max-runs", "5000"]).expect_code(2);
    assert!(out.stderr.contains("--precision"), "{}", out.stderr);
}

/// Every share and mean of the JSON lies within its interval, each
/// interval within its bounds; the means of one batch have none.
#[test]
fn every_figure_lies_within_its_interval() {
    let out = run(&[
        "simulate",
        "rijk/interne-melding",
        "--runs",
        "9000",
        "--format",
        "json",
    ])
    .expect_code(0);
    let v = json(&out);
    let within = |x: &serde_json::Value, ci: &serde_json::Value, what: &str| {
        let x = x.as_f64().unwrap_or_else(|| panic!("{what}: {x}"));
        let (low, high) = (
            ci["low"].as_f64().expect(what),
            ci["high"].as_f64().expect(what),
        );
        assert!(
            low <= x + 1e-6 && x <= high + 1e-6 && low < high,
            "{what}: {low} {x} {high}"
        );
    };
    for key in [
        "lead_time_days",
        "first_contact_days",
        "longest_silence_days",
    ] {
        for stat in ["mean", "p50", "p90", "p95", "p99"] {
            within(
                &v[key][stat],
                &v[key][format!("{stat}_ci95")],
                &format!("{key}.{stat}"),
            );
        }
    }
    for key in [
        "contacts_mean",
        "handoffs_mean",
        "procedures_mean",
        "aftercare_rate",
    ] {
        within(&v[key], &v[format!("{key}_ci95")], key);
    }
    for (o, share) in v["outcomes"].as_object().expect("outcomes") {
        within(share, &v["outcomes_ci95"][o], o);
    }
    for d in v["deadlines"].as_array().expect("deadlines") {
        within(&d["met"], &d["met_ci95"], "met");
    }
    // Shares stay in 0..1 even at 100%.
    assert_eq!(v["feedback_rate"], 1.0);
    assert_eq!(v["feedback_rate_ci95"]["high"], 1.0);
    assert!(v["feedback_rate_ci95"]["low"].as_f64().expect("low") < 1.0);
    // One batch: the means have no interval, the shares do.
    let one = json(
        &run(&[
            "simulate",
            "rijk/klacht",
            "--runs",
            "4096",
            "--format",
            "json",
        ])
        .expect_code(0),
    );
    assert!(one["lead_time_days"]["mean_ci95"].is_null());
    assert!(one["contacts_mean_ci95"].is_null());
    assert!(one["feedback_rate_ci95"].is_object());
    let table = run(&["simulate", "rijk/klacht", "--runs", "4096"]).expect_code(0);
    assert!(
        table
            .stdout
            .contains("the means have no interval: 4096 journeys are one batch"),
        "{}",
        table.stdout
    );
    let table = run(&["simulate", "rijk/klacht", "--runs", "20000"]).expect_code(0);
    assert!(
        table
            .stdout
            .contains("±x: the 95% confidence interval reaches x either side")
    );
    // Wilson: 0 of 20,000 has an upper bound of 0.019%, not 0.
    assert!(
        table.stdout.contains(", aftercare 0.0% +0.019,"),
        "{}",
        table.stdout
    );
}

/// A target whose figure applies to no journey (a first contact in a
/// procedure without contacts) stops the run at the first check, not at
/// the ceiling, saying why; nonsense targets are refused.
#[test]
fn precision_out_of_reach_stops_and_nonsense_is_refused() {
    let out = run(&[
        "simulate",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--precision",
        "first_contact.mean=1d",
        "--format",
        "json",
    ])
    .expect_code(0);
    let v = json(&out);
    assert_eq!(v["runs"], 10 * 4096, "stops at the first check");
    assert_eq!(v["precision"]["met"], false);
    assert!(v["precision"]["targets"][0]["reached"].is_null());
    assert!(
        out.stderr
            .contains("first_contact.mean has no interval: it applies to no journey"),
        "{}",
        out.stderr
    );
    for (target, says) in [
        ("feedback_rate=150%", "up to 100%"),
        ("feedback_rate=1e-300", "more precise than any run can show"),
        (
            "lead_time.mean=0.00001d",
            "more precise than any run can show",
        ),
        ("outcomes.FOUNDED=1%", "did you mean `outcomes.founded`"),
    ] {
        let out = run(&["simulate", "rijk/klacht", "--precision", target]).expect_code(2);
        assert!(out.stderr.contains(says), "{target}: {}", out.stderr);
    }
    let out = run(&[
        "simulate",
        "rijk/klacht",
        "--precision",
        "lead_time.mean=1d",
        "--precision",
        "lead_time.mean=2d",
    ])
    .expect_code(2);
    assert!(
        out.stderr
            .contains("--precision names lead_time.mean twice"),
        "{}",
        out.stderr
    );
}

/// `gaps`, `compare` and `report` warn as `simulate` does when a target is
/// not met, and compare's rows say how many journeys each ran.
#[test]
fn every_simulating_command_warns_when_a_target_is_not_met() {
    let target = [
        "--precision",
        "outcomes.resolved=0.001%",
        "--max-runs",
        "5000",
    ];
    let dir = support::temp_dir("precision-report");
    let html = dir.join("r.html").display().to_string();
    for (command, code) in [
        (vec!["gaps", "rijk/klacht", "--format", "json"], 0),
        (vec!["compare", "rijk/klacht", "--format", "json"], 0),
        (vec!["report", "rijk/klacht", "--no-graphs", "-o", &html], 0),
    ] {
        let out = run(&[&command[..], &target[..]].concat()).expect_code(code);
        assert!(
            out.stderr.contains(
                "the simulation of rijk/klacht did not reach the precision asked for (at most 5000 journeys, --max-runs): outcomes.resolved is ±"
            ),
            "{}: {}",
            command[0],
            out.stderr
        );
        if command[0] == "compare" {
            let rows = support::json_items(&out.stdout, "rows");
            assert_eq!(rows[0]["runs"], 5000);
            assert_eq!(rows[0]["precision"]["met"], false);
        }
    }
    let report = std::fs::read_to_string(&html).expect("the report");
    assert!(report.contains("did not reach the precision asked for"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The start procedure (the reporter's choice of route, as the central
/// referral page lists them) reaches every procedure of the bundled Rijk
/// library in at least one journey: 100,000 runs, the default seed.
#[test]
fn the_start_procedure_reaches_every_rijk_procedure() {
    const START: &str = "rijk/doorverwijzing";
    let dir = support::root().join("processes/rijk");
    let mut rijk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| {
            let name = f.unwrap_or_else(|e| panic!("{e}")).file_name();
            let name = name.to_string_lossy();
            format!("rijk/{}", name.strip_suffix(".yaml").unwrap_or(&name))
        })
        .filter(|id| id != START)
        .collect();
    rijk.sort();
    assert!(rijk.len() >= 8, "{rijk:?}");
    let out = run_ok(&["simulate", START, "--runs", "100000", "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    assert_eq!(report["procedure"], START);
    assert_eq!(report["runs"], 100_000);
    let reached = report["escalations"]
        .as_object()
        .unwrap_or_else(|| panic!("no escalations in {}", out.stdout));
    let missed: Vec<&String> = rijk
        .iter()
        .filter(|id| {
            reached
                .get(*id)
                .and_then(|s| s.as_f64())
                .is_none_or(|s| s <= 0.0)
        })
        .collect();
    assert!(
        missed.is_empty(),
        "not reached: {missed:?} (reached: {reached:?})"
    );
}

#[test]
fn experience_parameters_are_set_for_a_run_and_unknown_ones_refused() {
    let mean = |extra: &[&str]| {
        let mut args = vec![
            "simulate",
            "rijk/klacht",
            "--runs",
            "20000",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        json(&run_ok(&args))["experience"]["score"]["mean"]
            .as_f64()
            .unwrap()
    };
    // The same journeys, each scored 10 points higher: no score of the
    // complaint route comes near the top of the range.
    let (base, raised) = (mean(&[]), mean(&["--experience", "base=60"]));
    assert!((raised - base - 10.0).abs() < 0.05, "{base} -> {raised}");
    // A misspelt name is refused with the parameter it means.
    let out = run(&["simulate", "rijk/klacht", "--experience", "bsae=60"]).expect_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("did you mean `base`?"),
        "{}",
        out.stderr
    );
    run(&["simulate", "rijk/klacht", "--experience", "base=lots"]).expect_code(2);
}
