//! `meldroute sensitivity` end to end, on a chain whose answers are known:
//! four assumed steps with means mu of 10, 20, 40 and 80 days, so that the
//! mean lead time is `1 + sum f_i mu_i` for scales f_i, one at a time
//! ranks the steps by mu_i, and the first-order Sobol index of step i for
//! the mean lead time is `mu_i^2 / sum mu_j^2`. Feedback comes after the
//! first two steps, so the last two cannot touch it.

mod support;

use std::path::{Path, PathBuf};

use support::{root, run, run_ok};

/// The chain of docs/sensitivity.md, whose indices are known (the core
/// tests use it too).
const CHAIN: &str = include_str!("fixtures/sensitivity/keten.yaml");

const MU: [f64; 4] = [10.0, 20.0, 40.0, 80.0];

/// `text` written as `name` in a fresh directory for `test`.
fn file(test: &str, name: &str, text: &str) -> PathBuf {
    let dir = support::temp_dir(test);
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

fn arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn f64_at(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

#[test]
fn one_at_a_time_ranks_the_chain_by_its_means() {
    let chain = file("oat", "keten.yaml", CHAIN);
    let out = run_ok(&[
        "sensitivity",
        &arg(&chain),
        "--kpi",
        "lead_time.mean",
        "--kpi",
        "feedback_within_3_months",
        "--runs",
        "20000",
        "--format",
        "json",
    ]);
    let v = json(&out.stdout);
    assert_eq!(v["method"], "oat");
    assert_eq!(v["points"], 9);
    let factors = v["factors"].as_array().expect("factors");
    let steps: Vec<&str> = factors
        .iter()
        .map(|f| f["step"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["s1", "s2", "s3", "s4"]);
    assert!(
        factors
            .iter()
            .all(|f| f["kind"] == "duration" && f["low"] == 0.5 && f["high"] == 1.5)
    );
    let lead = &v["tornado"][0];
    assert_eq!(lead["kpi"], "lead_time.mean");
    let ranked: Vec<usize> = lead["swings"]
        .as_array()
        .expect("swings")
        .iter()
        .map(|s| s["factor"].as_u64().expect("a factor") as usize)
        .collect();
    assert_eq!(ranked, [3, 2, 1, 0]);
    for s in lead["swings"].as_array().expect("swings") {
        let i = s["factor"].as_u64().expect("a factor") as usize;
        // Linear in each scale: the swing over 0.5..1.5 is mu_i.
        let swing = f64_at(&s["swing"]);
        assert!((swing - MU[i]).abs() < 0.03 * MU[i], "s{}: {swing}", i + 1);
        let (low, ci) = (f64_at(&s["low"]["value"]), &s["low"]["ci95"]);
        assert!(f64_at(&ci["low"]) <= low && low <= f64_at(&ci["high"]));
    }
    let fb = &v["tornado"][1];
    for s in fb["swings"].as_array().expect("swings") {
        if s["factor"].as_u64() >= Some(2) {
            assert_eq!(f64_at(&s["swing"]), 0.0, "{s}");
        }
    }
    // The table says the same for people.
    let out = run_ok(&["sensitivity", &arg(&chain), "--runs", "20000"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let at = |step: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(&format!("test/keten:{step} duration")))
            .unwrap_or_else(|| panic!("no row for {step} in\n{}", out.stdout))
    };
    assert!(
        at("s4") < at("s3") && at("s3") < at("s2") && at("s2") < at("s1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("lead_time.mean: 21.6 w"),
        "{}",
        out.stdout
    );
}

#[test]
fn sobol_first_order_indices_match_the_chain_within_their_intervals() {
    let chain = file("sobol", "keten.yaml", CHAIN);
    let out = run_ok(&[
        "sensitivity",
        &arg(&chain),
        "--method",
        "sobol",
        "--samples",
        "512",
        "--runs",
        "512",
        "--kpi",
        "lead_time.mean",
        "--kpi",
        "feedback_within_3_months",
        "--format",
        "json",
    ]);
    let v = json(&out.stdout);
    assert_eq!(
        (v["samples"].as_u64(), v["points"].as_u64()),
        (Some(512), Some(512 * 6 + 1))
    );
    let sum: f64 = MU.iter().map(|m| m * m).sum();
    let lead = &v["sobol"][0];
    assert_eq!(lead["kpi"], "lead_time.mean");
    for ix in lead["indices"].as_array().expect("indices") {
        let i = ix["factor"].as_u64().expect("a factor") as usize;
        let exact = MU[i] * MU[i] / sum;
        let (low, high) = (
            f64_at(&ix["first"]["ci95"]["low"]),
            f64_at(&ix["first"]["ci95"]["high"]),
        );
        assert!(
            low <= exact && exact <= high && high - low < 0.25,
            "S{}: {ix} vs {exact}",
            i + 1
        );
    }
    // The steps after the feedback: 0, within its interval.
    for ix in v["sobol"][1]["indices"].as_array().expect("indices") {
        if ix["factor"].as_u64() >= Some(2) {
            for which in ["first", "total"] {
                let x = f64_at(&ix[which]["value"]);
                let (low, high) = (
                    f64_at(&ix[which]["ci95"]["low"]),
                    f64_at(&ix[which]["ci95"]["high"]),
                );
                assert!(x == 0.0 && low <= 0.0 && 0.0 <= high, "{ix}");
            }
        }
    }
}

#[test]
fn the_same_study_on_one_and_two_threads() {
    let chain = file("threads", "keten.yaml", CHAIN);
    let c = arg(&chain);
    for extra in [
        &["--method", "oat"][..],
        &["--method", "sobol", "--samples", "32"],
    ] {
        let go = |threads: &str| {
            let mut args = vec![
                "sensitivity",
                &c,
                "--runs",
                "3000",
                "--format",
                "csv",
                "--threads",
                threads,
            ];
            args.extend(extra);
            support::without_provenance(&run_ok(&args).stdout)
        };
        let (one, two) = (go("1"), go("2"));
        assert!(one.lines().count() > 10, "{one}");
        assert_eq!(one, two, "{extra:?}");
    }
}

#[test]
fn a_bad_range_is_a_located_error() {
    let bad = CHAIN.replace(
        "basis: assumption, note: Aangenomen., next: s4}",
        "basis: assumption, note: Aangenomen., range: {duration: [2.0, 0.8]}, next: s4}",
    );
    let path = file("badrange", "keten.yaml", &bad);
    let out = run(&["sensitivity", &arg(&path)]).expect_code(1);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("keten.yaml:19:")
            && out.stderr.contains("error[MR024]")
            && out.stderr.contains("lowest first"),
        "{}",
        out.stderr
    );
    // On a step that is no assumption, and a branch range without branches.
    let bad = CHAIN
        .replace(
            "kind: acknowledgement, duration: 1d, basis: policy,",
            "kind: acknowledgement, duration: 1d, basis: policy, range: {duration: [0.5, 2]},",
        )
        .replace(
            "basis: assumption, note: Aangenomen., next: s2}",
            "basis: assumption, note: Aangenomen., range: {branches: 0.2}, next: s2}",
        );
    let path = file("badrange2", "keten.yaml", &bad);
    let out = run(&["validate", &arg(&path), "--format", "short"]).expect_code(1);
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.contains("MR024")).collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].contains("keten.yaml:15:") && lines[0].contains("not `assumption`"),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].contains("keten.yaml:16:") && lines[1].contains("no branches"),
        "{}",
        out.stdout
    );
    // A range the file gives is the one varied.
    let ranged = CHAIN.replace(
        "basis: assumption, note: Aangenomen., next: s4}",
        "basis: assumption, note: Aangenomen., range: {duration: [0.8, 2.0]}, next: s4}",
    );
    let path = file("range", "keten.yaml", &ranged);
    let v = json(
        &run_ok(&[
            "sensitivity",
            &arg(&path),
            "--runs",
            "5000",
            "--kpi",
            "lead_time.mean",
            "--format",
            "json",
        ])
        .stdout,
    );
    let s3 = &v["factors"][2];
    assert_eq!(
        (
            s3["step"].as_str(),
            s3["low"].as_f64(),
            s3["high"].as_f64(),
            s3["from_file"].as_bool()
        ),
        (Some("s3"), Some(0.8), Some(2.0), Some(true))
    );
}

#[test]
fn usage_errors_exit_2() {
    let chain = file("usage", "keten.yaml", CHAIN);
    let c = arg(&chain);
    let out = run(&["sensitivity", &c, "--kpi", "lead_time.men"]).expect_code(2);
    assert!(
        out.stderr.contains("did you mean `lead_time.mean`"),
        "{}",
        out.stderr
    );
    let out = run(&[
        "sensitivity",
        &c,
        "--kpi",
        "lead_time.mean",
        "--kpi",
        "lead_time.mean",
    ])
    .expect_code(2);
    assert!(out.stderr.contains("twice"), "{}", out.stderr);
    let out = run(&["sensitivity", &c, "--method", "sobol", "--format", "svg"]).expect_code(2);
    assert!(out.stderr.contains("tornado"), "{}", out.stderr);
    let out = run(&["sensitivity", &c, "--samples", "10"]).expect_code(2);
    assert!(out.stderr.contains("--method sobol"), "{}", out.stderr);
    run(&["sensitivity", &c, "--precision", "lead_time.mean=1d"]).expect_code(2);
}

#[test]
fn the_tornado_chart_is_svg_with_its_provenance() {
    let chain = file("svg", "keten.yaml", CHAIN);
    let out = run_ok(&[
        "sensitivity",
        &arg(&chain),
        "--runs",
        "5000",
        "--format",
        "svg",
    ]);
    let doc = roxmltree::Document::parse(&out.stdout).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for kpi in [
        "lead_time.mean",
        "feedback_within_3_months",
        "acknowledged_within_7_days",
    ] {
        assert!(texts.iter().any(|t| t.starts_with(kpi)), "{kpi}: {texts:?}");
    }
    // Two bars (low, high) for each of 4 factors in each of 4 panels.
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.children().any(|c| c.has_tag_name("title")))
        .count();
    assert_eq!(bars, 2 * 4 * 4);
    assert!(out.stdout.contains("<metadata"), "no provenance");
    // `meldroute verify` makes it again, byte for byte.
    let saved = chain.with_file_name("tornado.svg");
    std::fs::write(&saved, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let check = run(&["verify", &arg(&saved)]).ok();
    assert!(
        check.stdout.contains("reproduced byte for byte"),
        "{}",
        check.stdout
    );
}

#[test]
fn the_json_schema_is_current_and_describes_the_output() {
    let out = run_ok(&["schema", "--output", "sensitivity"]);
    let path = "docs/output/sensitivity.schema.json";
    let committed = std::fs::read_to_string(root().join(path)).expect("schema file");
    assert!(
        committed == out.stdout,
        "{path} is stale: run `cargo run -- schema --output sensitivity > {path}`"
    );
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let chain = file("schema", "keten.yaml", CHAIN);
    for method in ["oat", "sobol"] {
        let out = run_ok(&[
            "sensitivity",
            &arg(&chain),
            "--method",
            method,
            "--runs",
            "600",
            "--format",
            "json",
        ]);
        let v = json(&out.stdout);
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{method}: {errors:#?}");
    }
    // The bundled internal report, with its escalations' assumptions.
    let v = json(
        &run_ok(&[
            "sensitivity",
            "rijk/interne-melding",
            "--runs",
            "2000",
            "--kpi",
            "lead_time.mean",
            "--format",
            "json",
        ])
        .stdout,
    );
    assert!(validator.is_valid(&v));
    let factors = v["factors"].as_array().expect("factors");
    assert!(
        factors
            .iter()
            .any(|f| f["procedure"] != "rijk/interne-melding"),
        "no escalation's assumption"
    );
}

/// `gaps --robust`: a deadline at risk that rests on an assumed step holds
/// only where the step is slow, and says so; structural findings hold by
/// the structure; the JSON carries it, valid against its schema.
#[test]
fn gaps_robust_says_where_a_finding_holds() {
    let late = CHAIN
        .replace(
            "kind: feedback, basis: policy, sources: [bron], next: s3}",
            "kind: feedback, basis: policy, sources: [bron], deadline: {within: 3mo, from: bevestiging, basis: \"Wbk art. 2\"}, next: s3}",
        )
        .replace("{exponential: {mean: 20d}}", "{uniform: {min: 30d, max: 110d}}");
    let path = file("robust", "laat.yaml", &late);
    let p = arg(&path);
    // Exit 1: the deadline at risk is an error finding, with or without --robust.
    let out = run(&["gaps", &p, "--runs", "4096", "--robust", "--format", "json"]).expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    let at_risk = findings
        .iter()
        .find(|f| f["code"] == "MR105")
        .unwrap_or_else(|| panic!("no MR105 in {}", out.stdout));
    let r = &at_risk["robust"];
    assert_eq!(
        (r["by_structure"].as_bool(), r["points"].as_u64()),
        (Some(false), Some(128)),
        "{r}"
    );
    let holds = r["holds"].as_u64().unwrap_or(0);
    assert!(0 < holds && holds < 128 && r["everywhere"] == false, "{r}");
    let first = &r["depends_on"][0];
    assert_eq!(first["step"], "s2", "{r}");
    assert!(
        f64_at(&first["difference"]) > 0.3 && f64_at(&first["difference_ci95"]["low"]) > 0.0,
        "{r}"
    );
    // Structural findings hold by the structure.
    for f in findings.iter().filter(|f| f["rests_on"] == "structure") {
        assert_eq!(
            (
                f["robust"]["by_structure"].as_bool(),
                f["robust"]["everywhere"].as_bool()
            ),
            (Some(true), Some(true)),
            "{f}"
        );
    }
    // Without --robust the key is absent.
    let out = run(&["gaps", &p, "--runs", "4096", "--format", "json"]).expect_code(1);
    assert!(!out.stdout.contains("\"robust\""));
    // Valid against the committed schema.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/output/gaps.schema.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let validator =
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("gaps schema: {e}"));
    let out = run(&["gaps", &p, "--runs", "4096", "--robust", "--format", "json"]).expect_code(1);
    assert!(validator.is_valid(&json(&out.stdout)));
    // For people.
    let out = run(&["gaps", &p, "--runs", "4096", "--robust"]).expect_code(1);
    assert!(
        out.stdout.contains("= robust: holds at ")
            && out
                .stdout
                .contains("depends most on test/keten:s2 duration"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("= robust: holds by the structure"),
        "{}",
        out.stdout
    );
    run(&["gaps", &p, "--robust", "--structural-only"]).expect_code(2);
}
