//! The reporter's state end to end (docs/conditions.md): invalid
//! conditions, attributes and caps get located errors; a condition on
//! silence sets the escalation share the simulation reports; anonymous
//! reporters get no feedback where the route needs their identity;
//! `--exact` refuses a condition on time; the same seed gives the same
//! bytes on any number of threads, for journeys and for a caseload.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use support::{root, run, run_ok, temp_dir};

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/conditions")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn invalid_conditions_caps_and_attributes_are_located() {
    let bad = fixture("bad.yaml");
    let out = run(&["validate", &bad]).expect_code(1);
    for (place, code) in [
        (
            "bad.yaml:8:3: error[MR028]",
            "shares of attribute `zaak` sum to 0.9",
        ),
        (
            "bad.yaml:23:15: error[MR027]",
            "compares `silence`, a time, with a count",
        ),
        ("bad.yaml:25:16: error[MR027]", "names `stilte`"),
        ("bad.yaml:27:9: error[MR027]", "without an `otherwise`"),
        (
            "bad.yaml:27:20: error[MR027]",
            "orders attribute `zaak` with `>`",
        ),
        ("bad.yaml:33:34: error[MR029]", "leads back to it"),
    ] {
        let all = format!("{}{}", out.stdout, out.stderr);
        let line = all
            .lines()
            .find(|l| l.contains(place))
            .unwrap_or_else(|| panic!("no {place} in\n{all}"));
        assert!(line.contains(code), "{line}");
    }
    // As JSON, with the same codes.
    let json = run(&["validate", &bad, "--format", "json"]).expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "MR027").count(),
        4,
        "{codes:?}"
    );
}

#[test]
fn a_condition_on_silence_sets_the_escalation_share_and_anonymity_the_feedback() {
    let f = fixture("escalation.yaml");
    let out = run_ok(&["simulate", &f, "--runs", "40000", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // Silent for more than 6 weeks half the time (uniform 2-10 weeks):
    // 0.5 * 0.6 + 0.5 * 0.1 = 35% escalate.
    let ci = &v["outcomes_ci95"]["referred"];
    let (low, high) = (ci["low"].as_f64().unwrap(), ci["high"].as_f64().unwrap());
    assert!(low <= 0.35 && 0.35 <= high, "{ci}");
    // A quarter is anonymous; the feedback letter needs their identity.
    let anon = &v["anonymous"];
    let (low, high) = (
        anon["share_ci95"]["low"].as_f64().unwrap(),
        anon["share_ci95"]["high"].as_f64().unwrap(),
    );
    assert!(low <= 0.25 && 0.25 <= high, "{anon}");
    assert_eq!(anon["feedback_rate"].as_f64(), Some(0.0), "{anon}");
    // Of those who did not escalate (65%), the named ones had the letter:
    // 0.65 * 0.75.
    let ci = &v["feedback_rate_ci95"];
    let expected = 0.65 * 0.75;
    assert!(
        ci["low"].as_f64().unwrap() <= expected && expected <= ci["high"].as_f64().unwrap(),
        "{ci}"
    );
    // The text says it too.
    let text = run_ok(&["simulate", &f, "--runs", "2000"]);
    assert!(
        text.stdout
            .contains("of the anonymous reporters, feedback 0.0%"),
        "{}",
        text.stdout
    );
}

#[test]
fn exact_figures_are_refused_for_a_condition_on_time() {
    let f = fixture("escalation.yaml");
    let out = run(&["simulate", &f, "--exact"]).expect_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("`test/escalatie-na-stilte:wachten` depend on `silence`"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_on_any_thread_count() {
    let f = fixture("escalation.yaml");
    let a = run_ok(&[
        "simulate",
        &f,
        "--runs",
        "30000",
        "--threads",
        "1",
        "--format",
        "json",
    ]);
    let b = run_ok(&[
        "simulate",
        &f,
        "--runs",
        "30000",
        "--threads",
        "2",
        "--format",
        "json",
    ]);
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v.as_object_mut().unwrap().remove("provenance");
        v.to_string()
    };
    assert_eq!(strip(&a.stdout), strip(&b.stdout));

    // A caseload of the same procedure, on one and on two threads.
    let dir = temp_dir("conditions-caseload");
    let caseload = dir.join("caseload.yaml");
    std::fs::write(
        &caseload,
        "meldroute: 1\ncaseload: test/stilte\ntitle: Stilte\nstart: 2025-01-01\nuntil: 2026-01-01\nprocedures:\n  - procedure: test/escalatie-na-stilte\n    arrivals: {per-year: 300, basis: assumption}\n",
    )
    .unwrap();
    let c = caseload.to_str().unwrap();
    let one = run_ok(&[
        "simulate",
        c,
        &f,
        "--replications",
        "4",
        "--threads",
        "1",
        "--format",
        "json",
    ]);
    let two = run_ok(&[
        "simulate",
        c,
        &f,
        "--replications",
        "4",
        "--threads",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(strip(&one.stdout), strip(&two.stdout));
    let v: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    let p = &v["procedures"][0];
    let share = p["anonymous_share"]["value"].as_f64().unwrap();
    assert!((share - 0.25).abs() < 0.05, "{p}");
    assert_eq!(
        p["anonymous_feedback_rate"]["value"].as_f64(),
        Some(0.0),
        "{p}"
    );
}

/// The codes of the findings of `gaps` on `file`, with their messages,
/// after checking the exit status `code`.
fn gap_findings(file: &str, code: i32) -> Vec<(String, String)> {
    let out = run(&["gaps", file, "--runs", "20000", "--format", "json"]).expect_code(code);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_reports_scope_decides_per_journey_which_norms_bind() {
    // 30% of the reports concern a misstand, acknowledged after 2 days;
    // 70% an integrity violation, acknowledged after 10: late, but the
    // Wbk's 7 days do not bind such a report.
    let f = fixture("scope.yaml");
    let out = run_ok(&["simulate", &f, "--runs", "20000", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let scopes = v["scopes"].as_array().expect("figures per scope");
    assert_eq!(scopes.len(), 2, "{scopes:?}");
    let (misstand, integrity) = (&scopes[0], &scopes[1]);
    assert_eq!(misstand["scope"], "misstand");
    assert_eq!(misstand["wbk"], true);
    assert_eq!(integrity["scope"], "integrity");
    assert_eq!(integrity["wbk"], false);
    let ci = &misstand["share_ci95"];
    let (low, high) = (ci["low"].as_f64().unwrap(), ci["high"].as_f64().unwrap());
    assert!(low <= 0.3 && 0.3 <= high, "{ci}");
    assert_eq!(misstand["acknowledged_within_7_days"], 1.0);
    assert_eq!(integrity["acknowledged_within_7_days"], 0.0);
    // Of all reports, only the misstand ones are acknowledged in time.
    let all = v["acknowledged_within_7_days"].as_f64().unwrap();
    assert!((all - misstand["share"].as_f64().unwrap()).abs() < 1e-12);

    // The norms count the reports they bind: no finding on the 7 days.
    let fine = gap_findings(&f, 0);
    assert!(
        !fine.iter().any(|(c, _)| c == "MR101" || c == "MR105"),
        "{fine:?}"
    );

    // The slow acknowledgement for the misstand reports instead: the term
    // the Wbk sets is missed by every one of them, and the finding says
    // which reports it counted.
    let dir = temp_dir("scope-per-journey");
    let slow = dir.join("slow.yaml");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("scope == integrity", "scope == misstand");
    std::fs::write(&slow, text).unwrap();
    let late = gap_findings(slow.to_str().unwrap(), 1);
    let (_, message) = late
        .iter()
        .find(|(c, m)| c == "MR105" && m.contains("trage-bevestiging"))
        .unwrap_or_else(|| panic!("no MR105 on the slow acknowledgement: {late:?}"));
    assert!(message.starts_with("100.0%"), "{message}");
    assert!(
        message.contains("counted over the reports of scope `misstand`"),
        "{message}"
    );
    assert!(late.iter().any(|(c, _)| c == "MR101"), "{late:?}");
}

#[test]
fn a_scope_value_outside_the_procedures_scopes_is_located() {
    let dir = temp_dir("scope-invalid");
    let bad = dir.join("bad.yaml");
    let text = std::fs::read_to_string(fixture("scope.yaml"))
        .unwrap()
        .replace(
            "{misstand: 0.3, integrity: 0.7}",
            "{misstand: 0.3, eu-breach: 0.1, integrety: 0.6}",
        );
    std::fs::write(&bad, text).unwrap();
    let out = run(&["validate", bad.to_str().unwrap()]).expect_code(1);
    let all = format!("{}{}", out.stdout, out.stderr);
    for (place, what) in [
        (
            "bad.yaml:13:29: error[MR028]",
            "value `eu-breach` of attribute `scope` is a scope the procedure does not handle",
        ),
        (
            "bad.yaml:13:45: error[MR028]",
            "value `integrety` of attribute `scope` is no scope (did you mean `integrity`?)",
        ),
    ] {
        let line = all
            .lines()
            .find(|l| l.contains(place))
            .unwrap_or_else(|| panic!("no {place} in\n{all}"));
        assert!(line.contains(what), "{line}");
    }
}
