//! `meldroute gaps` end to end.

mod support;

use support::{run, run_ok};

#[test]
fn every_gap_of_the_fixture_is_found_human_snapshot() {
    let out = run(&[
        "gaps",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--runs",
        "4000",
    ])
    .expect_code(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn every_gap_of_the_fixture_is_found_json_snapshot() {
    let out = run(&[
        "gaps",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--runs",
        "4000",
        "--format",
        "json",
    ])
    .expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    let mut codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "MR101", "MR102", "MR103", "MR104", "MR105", "MR106", "MR107"
        ]
    );
    insta::assert_snapshot!(support::redact_commit(&out.stdout));
}

#[test]
fn a_procedure_without_gaps_has_no_findings() {
    let out = run_ok(&[
        "gaps",
        "tests/fixtures/gaps/geen-gaten.yaml",
        "--runs",
        "4000",
    ]);
    assert!(
        out.stdout.ends_with("1 procedure: no gaps\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_bundled_library_has_only_deliberate_gaps() {
    let out = run_ok(&["gaps", "processes/rijk", "--format", "json"]);
    let findings = support::json_items(&out.stdout, "findings");
    assert!(
        !findings.is_empty(),
        "the letter's gaps (aftercare, interim feedback) are modelled"
    );
    for f in &findings {
        let reason = f["accepted"]
            .as_str()
            .unwrap_or_else(|| panic!("not accepted: {f}"));
        assert!(reason.len() > 40, "{reason}");
    }
    // The aftercare gap the letter names is there, and said to be deliberate.
    assert!(
        findings
            .iter()
            .any(|f| f["procedure"] == "rijk/interne-melding" && f["name"] == "missing-aftercare")
    );
}

#[test]
fn select_ignore_and_thresholds() {
    // Exit 0: only warnings are selected.
    let out = run_ok(&[
        "gaps",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--runs",
        "2000",
        "--select",
        "MR104,missing-feedback",
        "--format",
        "json",
    ]);
    let findings = support::json_items(&out.stdout, "findings");
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
    let out = run_ok(&[
        "gaps",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--runs",
        "2000",
        "--select",
        "MR104",
        "--silence",
        "20w",
        "--format",
        "json",
    ]);
    assert!(support::json_items(&out.stdout, "findings").is_empty());
    let out = run(&[
        "gaps",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--ignore",
        "MR999",
    ])
    .expect_code(2);
    assert!(out.stderr.contains("no rule `MR999`"));
    let out = run(&["gaps", "tests/fixtures/rules/many-errors.yaml"]).expect_code(1);
    assert!(
        out.stderr
            .contains("errors in the procedures; fix them first"),
        "{}",
        out.stderr
    );
    // Structural rules only: no simulation, so simulation flags cannot apply
    // (exit 1: the fixture has error findings).
    let out = run(&[
        "gaps",
        "tests/fixtures/gaps/alle-gaten.yaml",
        "--structural-only",
        "--format",
        "json",
    ])
    .expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["share"].is_null()
            && !["MR104", "MR105"].contains(&f["code"].as_str().expect("code"))),
        "{}",
        out.stdout
    );
    let out = run(&["gaps", "rijk/klacht", "--structural-only", "--runs", "10"]).expect_code(2);
    assert!(
        out.stderr
            .contains("--runs cannot apply with --structural-only"),
        "{}",
        out.stderr
    );
    // The statistical rules' settings cannot apply either.
    for flag in [
        &["--silence", "4w"][..],
        &["--silence-tolerance", "0.2"],
        &["--deadline-tolerance", "0.2"],
    ] {
        let out =
            run(&[&["gaps", "rijk/klacht", "--structural-only"][..], flag].concat()).expect_code(2);
        assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    }
    run(&["gaps", "rijk/klacht", "--runs", "0"]).expect_code(2);
}

/// Awb 9:11 binds the judgment of a complaint, not any decision: the
/// bundled complaint procedure with its judgment term changed to 20 weeks
/// is flagged at the judgment, though its 4-week notice of not handling
/// (Awb 9:8) is within 6 weeks.
#[test]
fn a_complaint_judged_in_20_weeks_breaks_awb_9_11() {
    let dir = support::temp_dir("gaps-awb-9-11");
    let text = std::fs::read_to_string(support::root().join("processes/rijk/klacht.yaml"))
        .expect("klacht");
    let late = text.replacen("deadline: {within: 6w,", "deadline: {within: 20w,", 1);
    assert_ne!(late, text);
    let path = dir.join("klacht.yaml");
    std::fs::write(&path, &late).expect("written");
    let out = support::run(&[
        "gaps",
        &path.display().to_string(),
        "--select",
        "MR107",
        "--runs",
        "1000",
    ])
    .expect_code(1);
    assert!(
        out.stdout.contains(
            "error[MR107]: the judgment `klachtoordeel` of complaint procedure `rijk/klacht` has no deadline of at most 6.0 weeks"
        ),
        "{}",
        out.stdout
    );
    // As bundled (6 weeks), the norm holds.
    let out = support::run(&["gaps", "rijk/klacht", "--select", "MR107", "--runs", "1000"])
        .expect_code(0);
    assert!(!out.stdout.contains("judgment"), "{}", out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}
