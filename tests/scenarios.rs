//! Scenario files: applied to their base as a procedure every command
//! takes, compared with common random numbers, and refused at the change
//! that cannot be applied.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{run, run_ok, temp_dir};

/// A scenario file in `dir` with `changes` (YAML list items) on `base`.
fn scenario(dir: &Path, name: &str, base: &str, changes: &str) -> PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    let text = format!(
        "meldroute: 1\nscenario: test/{name}\ntitle: Test {name}\nbase: {base}\nchanges:{changes}\n"
    );
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

/// The rows of `compare --format json` of `args`, by procedure id.
fn compared(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["compare", "--format", "json", "--runs", "20000"];
    all.extend_from_slice(args);
    support::json_items(&run_ok(&all).stdout, "rows")
}

fn row<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["procedure"] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn a_scenario_without_changes_differs_from_its_base_by_exactly_zero() {
    let dir = temp_dir("scenario-null");
    let null = scenario(&dir, "niets", "rijk/interne-melding", " []");
    let rows = compared(&["rijk/interne-melding", s(&null)]);
    let d = &row(&rows, "test/niets")["difference_from_base"]["figures"];
    let figures = d.as_object().expect("figures");
    assert!(figures.len() >= 9, "{d}");
    for (key, f) in figures {
        assert_eq!(f["difference"], 0.0, "{key}: {f}");
        assert_eq!(f["within_chance"], true, "{key}");
    }
    // The paired intervals are exactly zero wide: the same journeys.
    for key in [
        "lead_time_p90_days",
        "feedback_within_3_months",
        "aftercare_rate",
    ] {
        assert_eq!(d[key]["ci95"]["low"], 0.0, "{key}: {}", d[key]);
        assert_eq!(d[key]["ci95"]["high"], 0.0, "{key}: {}", d[key]);
    }
}

#[test]
fn interim_updates_change_silences_and_feedback_and_nothing_else() {
    let rows = compared(&["rijk/interne-melding", "scenarios/tussentijdse-berichten"]);
    let d = &row(&rows, "scenarios/tussentijdse-berichten")["difference_from_base"]["figures"];
    // Updates do not change how long anything takes.
    assert_eq!(d["lead_time_p50_days"]["difference"], 0.0);
    assert_eq!(d["aftercare_rate"]["difference"], 0.0);
    // They end silences and, being feedback, meet the 3-month term.
    assert!(
        d["longest_silence_p90_days"]["difference"].as_f64() < Some(-30.0),
        "{d}"
    );
    assert!(
        d["feedback_within_3_months"]["difference"].as_f64() > Some(0.05),
        "{d}"
    );
    assert_eq!(d["feedback_within_3_months"]["within_chance"], false);
    // Paired: narrower than the independent runs' interval would be.
    let ci = &d["feedback_within_3_months"]["ci95"];
    let half = (ci["high"].as_f64().expect("high") - ci["low"].as_f64().expect("low")) / 2.0;
    assert!(half < 0.004, "{half}");
}

#[test]
fn a_scenario_may_build_on_another_and_every_command_takes_one() {
    let dir = temp_dir("scenario-chain");
    let both = scenario(
        &dir,
        "beide",
        "scenarios/snellere-intake",
        "\n  - step: onderzoek\n    updates: {every: 4w, feedback: true}\n    reason: Tussentijdse terugkoppeling bovenop de snellere intake.",
    );
    let rows = compared(&["rijk/interne-melding", s(&both)]);
    let r = row(&rows, "test/beide");
    assert_eq!(
        r["acknowledged_within_7_days"], 1.0,
        "the faster intake: {r}"
    );
    assert_eq!(r["feedback_within_3_months"], 1.0, "the updates: {r}");
    for cmd in [
        vec!["simulate", s(&both), "--runs", "2000"],
        vec!["gaps", s(&both), "--runs", "2000"],
        vec!["trace", s(&both)],
        vec!["render", s(&both)],
        vec!["validate", s(&both)],
    ] {
        let out = run(&cmd).ok();
        assert!(!out.stdout.is_empty(), "{cmd:?}");
    }
    // The provenance names the scenario file, and the bundled scenario it builds on.
    let out = run_ok(&["simulate", s(&both), "--runs", "2000", "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let files = v["provenance"]["files"].to_string();
    assert!(files.contains("beide.yaml"), "{files}");
    assert!(files.contains("scenarios/snellere-intake.yaml"), "{files}");
    assert!(files.contains("rijk/interne-melding.yaml"), "{files}");
}

#[test]
fn compare_base_and_scenario_flags_measure_each_scenario_against_the_base() {
    let rows = compared(&[
        "--base",
        "rijk/interne-melding",
        "--scenario",
        "scenarios/snellere-intake",
        "--scenario",
        "scenarios/nazorg-voor-iedereen",
    ]);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["procedure"], "rijk/interne-melding");
    assert!(rows[0]["difference_from_base"].is_null());
    let d = &row(&rows, "scenarios/nazorg-voor-iedereen")["difference_from_base"];
    assert_eq!(d["base"], "rijk/interne-melding");
    assert!(
        d["figures"]["aftercare_rate"]["difference"].as_f64() > Some(0.4),
        "{d}"
    );
}

/// The error of a scenario with `changes` on rijk/interne-melding: exit 1,
/// located in the scenario file.
fn refused(name: &str, base: &str, changes: &str) -> String {
    let dir = temp_dir(&format!("scenario-{name}"));
    let path = scenario(&dir, name, base, changes);
    let out = run(&["validate", s(&path), "--format", "short"]).expect_code(1);
    let first = out
        .stdout
        .lines()
        .chain(out.stderr.lines())
        .find(|l| l.contains("MR023"));
    let line = first.unwrap_or_else(|| panic!("no MR023 in {}{}", out.stdout, out.stderr));
    assert!(
        line.contains(&format!("{name}.yaml:")),
        "not located in the scenario: {line}"
    );
    line.to_owned()
}

#[test]
fn every_bad_change_is_refused_at_the_change() {
    let base = "rijk/interne-melding";
    let r = |c: &str| format!("\n  - step: {c}\n    reason: Een reden voor de test.");
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (
            "onbekende-stap",
            base,
            r("onderzok\n    scale-duration: 2"),
            "has no step `onderzok` (did you mean `onderzoek`?)",
        ),
        (
            "som",
            base,
            r("onderzoek\n    branches: {tussentijdse-terugkoppeling: 0.6, standpunt: 0.3}"),
            "sum to 0.9, not 1",
        ),
        (
            "onbekend-doel",
            base,
            r("onderzoek\n    branches: {standpunt: 0.5, stanpunt: 0.5}"),
            "has no such step",
        ),
        (
            "twee",
            base,
            r("onderzoek\n    scale-duration: 2\n    updates: {every: 4w}"),
            "one change has",
        ),
        ("niets", base, r("onderzoek"), "changes nothing"),
        (
            "schaal",
            base,
            r("onderzoek\n    scale-duration: 0"),
            "is not above zero",
        ),
        (
            "geen-escalatie",
            base,
            r("onderzoek\n    escalate: {procedure: rijk/klacht}"),
            "does not escalate",
        ),
        (
            "ongeldig",
            base,
            r("onderzoek\n    updates: {every: 0d}"),
            "after this change of step `onderzoek`, the procedure has an error",
        ),
        (
            "onbekende-escalatie",
            base,
            r("klacht-over-afhandeling\n    escalate: {procedure: rijk/klachten}"),
            "the procedure has an error",
        ),
        (
            "doodlopend",
            base,
            r("intake\n    branches: {intake: 1.0}"),
            "the procedure has an error",
        ),
        (
            "basis",
            "rijk/interne-meldin",
            r("onderzoek\n    scale-duration: 2"),
            "base `rijk/interne-meldin` is not loaded (did you mean `rijk/interne-melding`?)",
        ),
        (
            "zonder-reden",
            base,
            "\n  - step: onderzoek\n    scale-duration: 2\n    reason: \"-\"".to_owned(),
            "does not say why",
        ),
    ];
    for (name, base, changes, expected) in &cases {
        let line = refused(name, base, changes);
        assert!(line.contains(expected), "{name}: {line}");
    }
}

#[test]
fn a_scenario_that_builds_on_itself_or_takes_a_procedure_id_is_refused() {
    let dir = temp_dir("scenario-loop");
    let a = scenario(&dir, "a", "test/b", " []");
    let b = scenario(&dir, "b", "test/a", " []");
    let out = run(&["validate", s(&a), s(&b), "--format", "short"]).expect_code(1);
    assert!(out.stdout.contains("builds on itself"), "{}", out.stdout);
    let taken = dir.join("taken.yaml");
    std::fs::write(
        &taken,
        "meldroute: 1\nscenario: rijk/klacht\ntitle: T\nbase: rijk/interne-melding\nchanges: []\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run(&["validate", s(&taken), "--format", "short"]).expect_code(1);
    assert!(
        out.stdout.contains("is already the id of a procedure"),
        "{}",
        out.stdout
    );
}

#[test]
fn committed_scenario_schema_is_current_and_bundled_scenarios_point_to_it() {
    let out = run_ok(&["schema", "--scenario"]);
    let committed = std::fs::read_to_string(support::root().join("docs/scenario.schema.json"))
        .unwrap_or_default();
    assert!(
        committed == out.stdout,
        "docs/scenario.schema.json is stale: run `cargo run -- schema --scenario > docs/scenario.schema.json`"
    );
    let schema: Value = serde_json::from_str(&out.stdout).expect("schema is JSON");
    assert_eq!(schema["title"], "meldroute scenario");
    let required = schema["required"].to_string();
    for key in ["scenario", "base", "changes"] {
        assert!(required.contains(key), "{key} not required: {required}");
    }
    let change = schema["$defs"]["Change"]["required"].to_string();
    assert!(
        change.contains("reason") && change.contains("step"),
        "{change}"
    );
}

#[test]
fn the_bundled_scenarios_are_valid_and_say_why() {
    let out = run_ok(&["validate", "processes/scenarios", "--deny-warnings"]);
    assert!(
        out.stdout.contains("checked 4 procedures"),
        "{}",
        out.stdout
    );
    for f in [
        "tussentijdse-berichten",
        "nazorg-voor-iedereen",
        "snellere-intake",
        "huis-onderzoekstoets-zonder-wachttijd",
    ] {
        let path = support::root().join(format!("processes/scenarios/{f}.yaml"));
        let text = std::fs::read_to_string(path).unwrap_or_default();
        assert!(text.contains("reason:"), "{f}");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../docs/scenario.schema.json\n"),
            "{f}"
        );
    }
}

#[test]
fn a_scenario_file_is_loaded_with_the_procedures_located_errors_and_version() {
    let dir = temp_dir("scenario-load");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    let typo = write(
        "typo.yaml",
        "meldroute: 1\nscenario: t/x\ntitle: T\nbase: rijk/interne-melding\nchnges: []\n",
    );
    let out = run(&["validate", s(&typo), "--format", "short"]).expect_code(1);
    assert!(
        out.stdout.contains(
            "typo.yaml:5:1: error[MR000]: unknown key `chnges` (did you mean `changes`?)"
        ),
        "{}",
        out.stdout
    );
    let quoted = write(
        "quoted.yaml",
        "meldroute: 1\nscenario: t/x\ntitle: T\nbase: rijk/interne-melding\nchanges:\n  - step: onderzoek\n    scale-duration: \"2\"\n    reason: Twee keer.\n",
    );
    let out = run(&["validate", s(&quoted), "--format", "short"]).expect_code(1);
    assert!(
        out.stdout
            .contains("quoted.yaml:7:21: error[MR000]: factor `2` is text"),
        "{}",
        out.stdout
    );
    let id = write(
        "id.yaml",
        "meldroute: 1\nscenario: \"t/<x>\"\ntitle: T\nbase: rijk/interne-melding\nchanges: []\n",
    );
    let out = run(&["validate", s(&id), "--format", "short"]).expect_code(1);
    assert!(
        out.stdout
            .contains("id.yaml:2:11: error[MR023]: scenario id `t/<x>` is not valid"),
        "{}",
        out.stdout
    );
    // No version: a warning, and migrate adds it.
    let old = write(
        "oud.yaml",
        "scenario: t/oud\ntitle: T\nbase: rijk/interne-melding\nchanges: []\n",
    );
    let out = run(&["validate", s(&old), "--format", "short"]).ok();
    assert!(
        out.stdout.contains("oud.yaml:1:1: warning[MR019]"),
        "{}",
        out.stdout
    );
    run(&["validate", s(&old), "--deny-warnings"]).expect_code(1);
    run_ok(&["migrate", s(&old)]);
    let text = std::fs::read_to_string(&old).unwrap_or_default();
    assert!(
        text.starts_with("meldroute: 1\nscenario: t/oud\n"),
        "{text}"
    );
    run_ok(&["validate", s(&old), "--deny-warnings"]);
}

#[test]
fn a_replaced_duration_and_escalation_target_change_what_they_change() {
    let dir = temp_dir("scenario-kinds");
    // Every route to a competent authority goes to the Huis voor
    // klokkenluiders instead; the acknowledgement always takes 2 days.
    let changed = scenario(
        &dir,
        "huis",
        "rijk/interne-melding",
        "\n  - step: naar-bevoegde-autoriteit\n    escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}\n    reason: Alle externe meldingen naar het Huis.\n  - step: ontvangstbevestiging\n    duration: 2d\n    reason: Een vaste termijn van twee dagen.",
    );
    let rows = compared(&["rijk/interne-melding", s(&changed)]);
    let (base, r) = (row(&rows, "rijk/interne-melding"), row(&rows, "test/huis"));
    let to = |r: &Value, body: &str| r["escalation_to"][body].as_f64().unwrap_or(0.0);
    // Only the routes through other procedures still reach the authority.
    let (ba, huis) = (
        "rijk/bevoegde-autoriteit",
        "rijk/huis-voor-klokkenluiders-onderzoek",
    );
    assert!(to(r, ba) < to(base, ba) / 4.0, "{r}");
    let (fewer, more) = (to(base, ba) - to(r, ba), to(r, huis) - to(base, huis));
    assert!(
        (more - fewer).abs() < 0.006,
        "{more} more to the Huis, {fewer} fewer to the authority"
    );
    assert_eq!(r["acknowledged_within_7_days"], 1.0, "{r}");
    assert_eq!(
        r["first_contact_p50_days"].as_f64().map(f64::round),
        Some(2.0),
        "{r}"
    );
}
