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

/// The letter's central finding (interim feedback and aftercare lacking)
/// is reported apart, as known shortcomings, not as "0 errors, 0
/// warnings"; it does not fail the run unless asked.
#[test]
fn known_shortcomings_are_reported_apart_from_accepted_findings() {
    let out = run(&["gaps", "rijk/interne-melding"]).expect_code(0);
    assert!(
        out.stdout
            .ends_with("1 procedure: 0 errors, 0 warnings, 3 known shortcomings, 2 accepted\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("= known shortcoming: found by Kamerbrief"),
        "{}",
        out.stdout
    );
    let out = run(&["gaps", "rijk/interne-melding", "--format", "json"]).expect_code(0);
    let findings = support::json_items(&out.stdout, "findings");
    let known = |name: &str| {
        findings
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["known_shortcoming"]["source"].clone())
            .unwrap_or_else(|| panic!("no {name} finding"))
    };
    assert_eq!(known("missing-aftercare"), "kamerbrief-2019");
    assert_eq!(known("long-silence"), "kamerbrief-2019");
    assert_eq!(known("missing-acknowledgement"), serde_json::Value::Null);
    // Counted as open findings when asked: the late final feedback
    // (MR105, an error) fails the run.
    run(&[
        "gaps",
        "rijk/interne-melding",
        "--fail-on-known-shortcomings",
    ])
    .expect_code(1);
}

/// Each finding says what its basis is and which scopes it concerns: a
/// norm of the Wbk concerns the misstand scopes, the letter's aftercare is
/// policy.
#[test]
fn findings_cite_their_standing_and_scope() {
    let out = run(&["gaps", "rijk/interne-melding", "--format", "json"]).expect_code(0);
    let findings = support::json_items(&out.stdout, "findings");
    let by = |name: &str| {
        findings
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} finding"))
    };
    let aftercare = by("missing-aftercare");
    assert_eq!(aftercare["standing"], "policy");
    assert!(
        aftercare["basis"]
            .as_str()
            .is_some_and(|b| b.contains("section 6") && !b.contains("Wbk")),
        "{aftercare}"
    );
    assert_eq!(
        aftercare["scopes"],
        serde_json::json!(["misstand", "eu-breach", "integrity"])
    );
    let ack = by("missing-acknowledgement");
    assert_eq!(ack["standing"], "law");
    assert_eq!(ack["scopes"], serde_json::json!(["misstand", "eu-breach"]));
    // The Vertrouwenslijn rests on policy, not on a statute.
    let out = run(&["gaps", "rijk/vertrouwenslijn", "--format", "json"]).expect_code(0);
    for f in support::json_items(&out.stdout, "findings") {
        assert_eq!(f["standing"], "policy", "{f}");
        assert_eq!(f["scopes"], serde_json::json!(["integrity"]), "{f}");
    }
}

/// A procedure for integrity violations alone is bound by no Wbk norm:
/// without an acknowledgement term, feedback term or external route it
/// has no legal-norm finding; the same file for a misstand has them.
#[test]
fn wbk_norms_bind_only_the_misstand_scope() {
    let dir = support::temp_dir("gaps-scopes");
    let file = |scopes: &str| {
        let text = format!(
            "meldroute: 1\nid: test/integriteit\ntitle: Integriteitsmelding\norganisation: Test\nkind: internal-report\n{scopes}sources: {{}}\nactors:\n  melder: {{title: Melder, role: reporter}}\n  org: {{title: Organisatie, role: organisation}}\nstart: melding\nsteps:\n  melding: {{title: Melding, actor: melder, kind: report, next: bevestiging}}\n  bevestiging: {{title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: besluit}}\n  besluit: {{title: Besluit, actor: org, kind: decision, contact: true, duration: 2w, basis: policy, next: nazorg}}\n  nazorg: {{title: Nazorg, actor: org, kind: aftercare, duration: 1w, basis: policy, outcome: closed}}\n"
        );
        let path = dir.join(format!("p{}.yaml", scopes.len()));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
        path.to_string_lossy().into_owned()
    };
    let integrity = file("scopes: [integrity, undesirable-behaviour]\n");
    let out = run(&["gaps", &integrity, "--format", "json", "--runs", "2000"]).expect_code(0);
    let findings = support::json_items(&out.stdout, "findings");
    // No norm of the Wbk is checked, and one warning says so.
    let legal: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["code"] == "MR107" || f["code"] == "MR106")
        .collect();
    assert_eq!(legal.len(), 1, "{legal:?}");
    assert_eq!(legal[0]["severity"], "warning", "{legal:?}");
    assert!(
        legal[0]["message"].as_str().is_some_and(
            |m| m.contains("are not checked") && m.contains("`feedback-within-3-months`")
        ),
        "{legal:?}"
    );
    let misstand = file("scopes: [integrity, misstand]\n");
    let out = run(&["gaps", &misstand, "--format", "json", "--runs", "2000"]).expect_code(1);
    let legal: Vec<serde_json::Value> = support::json_items(&out.stdout, "findings")
        .into_iter()
        .filter(|f| f["code"] == "MR107")
        .collect();
    assert_eq!(legal.len(), 4, "{legal:?}");
    for f in &legal {
        assert_eq!(f["scopes"], serde_json::json!(["misstand"]), "{f}");
        assert_eq!(f["standing"], "law", "{f}");
    }
}

/// A finding from the graph rests on the structure; one from the
/// simulation on figures, or on assumptions as soon as one figure is
/// assumed.
#[test]
fn findings_say_what_they_rest_on() {
    let dir = support::temp_dir("gaps-rests-on");
    let file = |basis: &str| {
        let text = format!(
            "meldroute: 1\nid: test/stil\ntitle: Stil\norganisation: Test\nkind: anonymous-line\nsources: {{}}\nactors:\n  melder: {{title: Melder, role: reporter}}\n  org: {{title: Organisatie, role: organisation}}\nstart: melding\nsteps:\n  melding: {{title: Melding, actor: melder, kind: report, next: bevestiging}}\n  bevestiging: {{title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 1d, basis: policy, next: onderzoek}}\n  onderzoek: {{title: Onderzoek, actor: org, kind: investigation, duration: 10w, basis: {basis}, note: \"Aangenomen.\", next: klaar}}\n  klaar: {{title: Afgesloten, actor: org, kind: closure, outcome: closed}}\n"
        );
        let path = dir.join(format!("{basis}.yaml"));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
        path.to_string_lossy().into_owned()
    };
    let rests_on = |path: &str, code: &str| {
        let out = run(&["gaps", path, "--format", "json", "--runs", "1000"]).expect_code(0);
        support::json_items(&out.stdout, "findings")
            .into_iter()
            .find(|f| f["code"] == code)
            .map(|f| f["rests_on"].clone())
            .unwrap_or_else(|| panic!("no {code} finding"))
    };
    let documented = file("policy");
    assert_eq!(rests_on(&documented, "MR104"), "figures");
    assert_eq!(rests_on(&documented, "MR102"), "structure");
    let assumed = file("assumption");
    assert_eq!(rests_on(&assumed, "MR104"), "assumptions");
    let out = run(&["gaps", &assumed, "--runs", "1000"]).expect_code(0);
    assert!(
        out.stdout
            .contains("= rests on: simulated figures, some of them assumed"),
        "{}",
        out.stdout
    );
}

/// An unknown scope is a located error with a suggestion; an empty list
/// is refused.
#[test]
fn unknown_scopes_are_located_errors() {
    let dir = support::temp_dir("gaps-bad-scope");
    let base = std::fs::read_to_string(support::root().join("tests/fixtures/gaps/geen-gaten.yaml"))
        .unwrap_or_else(|e| panic!("read: {e}"));
    let (head, tail) = base
        .split_once("\nkind: ")
        .unwrap_or_else(|| panic!("the fixture has a kind"));
    for (name, scopes, expect) in [
        ("typo", "[misstand, integrety]", "did you mean `integrity`?"),
        ("empty", "[]", "`scopes` is empty"),
    ] {
        let path = dir.join(format!("{name}.yaml"));
        let line = head.lines().count() + 1;
        std::fs::write(&path, format!("{head}\nscopes: {scopes}\nkind: {tail}"))
            .unwrap_or_else(|e| panic!("write: {e}"));
        let path = path.to_string_lossy().into_owned();
        let out = run(&["validate", &path, "--format", "short"]).expect_code(1);
        assert!(
            out.stdout.contains(&format!("{path}:{line}:")) && out.stdout.contains(expect),
            "{name}: {}",
            out.stdout
        );
    }
}
