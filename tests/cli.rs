//! The commands end to end: output formats, exit codes, generated docs.

mod support;

use support::{root, run, run_ok};

#[test]
fn validate_bundled_library_directory_is_clean() {
    let out = run_ok(&["validate", "processes/"]);
    let files = meldroute_core::library::bundled_files();
    let caseloads = files
        .iter()
        .filter(|(_, text)| meldroute_core::caseload::is_caseload(text))
        .count();
    assert!(caseloads >= 1, "a bundled caseload");
    let n = files.len() - caseloads;
    let s = if caseloads == 1 { "" } else { "s" };
    assert_eq!(
        out.stdout,
        format!("checked {n} procedures and {caseloads} caseload{s}: no problems\n")
    );
}

#[test]
fn the_same_input_twice_is_checked_once() {
    for args in [
        &["validate", "processes/rijk", "processes/rijk/"][..],
        &["validate", "rijk/klacht", "rijk/klacht"],
        &["validate", "processes/rijk/klacht.yaml", "rijk/klacht"],
    ] {
        let out = run_ok(args);
        assert!(!out.stdout.contains("MR011"), "{}", out.stdout);
    }
    assert_eq!(
        run_ok(&["validate", "rijk/klacht", "rijk/klacht"]).stdout,
        "checked 1 procedure: no problems\n"
    );
}

#[test]
fn limit_flags_do_not_apply_to_the_bundled_library() {
    run_ok(&[
        "validate",
        "--max-depth",
        "3",
        "--max-file-size",
        "3000",
        "tests/fixtures/rules/warning-only.yaml",
        "rijk/klacht",
    ]);
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = support::meldroute()
        .args(["rules", "--format", "markdown"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away at once
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Standard error that cannot be written never panics (exit 101): a reader
/// that went away is ignored, so the command's own exit code stands; a full
/// device fails the run with exit 2.
#[test]
fn standard_error_to_a_closed_pipe_or_a_full_device() {
    use std::process::Stdio;
    // The refused procedure prints its errors to standard error, exit 1.
    let args = ["simulate", "tests/fixtures/rules/many-errors.yaml"];
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader); // no one reads standard error
    let status = support::meldroute()
        .args(args)
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(1), "closed pipe: {status:?}");
    #[cfg(target_os = "linux")]
    {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let status = support::meldroute()
            .args(args)
            .stdout(Stdio::null())
            .stderr(full)
            .status()
            .expect("runs");
        assert_eq!(status.code(), Some(2), "full device: {status:?}");
        // A command that succeeds but cannot say where it wrote also fails.
        let dir = support::temp_dir("stderr-full");
        let path = dir.join("r.html");
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let status = support::meldroute()
            .args([
                "report",
                "rijk/klacht",
                "--runs",
                "200",
                "--no-graphs",
                "-o",
            ])
            .arg(&path)
            .stderr(full)
            .status()
            .expect("runs");
        assert_eq!(
            status.code(),
            Some(2),
            "full device after writing: {status:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn validate_by_library_id() {
    let out = run_ok(&["validate", "rijk/klacht", "rijk/interne-melding"]);
    assert_eq!(out.stdout, "checked 2 procedures: no problems\n");
}

#[test]
fn human_output_snapshot() {
    let out = run(&["validate", "tests/fixtures/rules/many-errors.yaml"]).expect_code(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn json_output_snapshot() {
    let out = run(&[
        "validate",
        "tests/fixtures/rules/many-errors.yaml",
        "--format",
        "json",
    ])
    .expect_code(1);
    insta::assert_snapshot!(support::redact_commit(&out.stdout));
}

#[test]
fn warnings_pass_unless_denied() {
    let out = run_ok(&[
        "validate",
        "tests/fixtures/rules/warning-only.yaml",
        "--format",
        "short",
    ]);
    assert!(out.stdout.contains("warning[MR015]"), "{}", out.stdout);
    run(&[
        "validate",
        "tests/fixtures/rules/warning-only.yaml",
        "--deny-warnings",
    ])
    .expect_code(1);
}

#[test]
fn escalation_resolves_to_a_file_given_alongside() {
    // The fixture escalates to `test/elders`, which only exists in its sibling file.
    let out = run(&[
        "validate",
        "tests/fixtures/rules/escalates.yaml",
        "--format",
        "short",
    ])
    .expect_code(1);
    assert!(
        out.stdout
            .contains("error[MR003]: step `door` escalates to unknown procedure `test/elders`"),
        "{}",
        out.stdout
    );
    run_ok(&[
        "validate",
        "tests/fixtures/rules/escalates.yaml",
        "tests/fixtures/rules/elders.yaml",
    ]);
}

#[test]
fn list_snapshot() {
    let out = run_ok(&["list"]);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn rules_list_and_explain() {
    let out = run_ok(&["rules"]);
    assert_eq!(
        out.stdout.lines().count(),
        1 + meldroute_core::catalogue::all().count()
    );
    let out = run_ok(&["rules", "MR007"]);
    assert!(
        out.stdout
            .starts_with("MR007 branch-probability (correctness, error)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("### Why is this bad"));
    let out = run(&["rules", "brnch-probability"]).expect_code(2);
    assert!(
        out.stderr.contains("did you mean `branch-probability`"),
        "{}",
        out.stderr
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let out = run_ok(&["rules", "--format", "markdown"]);
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    assert!(
        committed == out.stdout,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn committed_schema_is_current_and_bundled_files_point_to_it() {
    let out = run_ok(&["schema"]);
    let committed =
        std::fs::read_to_string(root().join("docs/procedure.schema.json")).expect("schema file");
    assert!(
        committed == out.stdout,
        "docs/procedure.schema.json is stale: run `cargo run -- schema > docs/procedure.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema is JSON");
    assert_eq!(schema["title"], "meldroute procedure");
    let required = schema["required"].as_array().expect("required");
    for key in ["id", "title", "kind", "actors", "start", "steps"] {
        assert!(required.iter().any(|r| r == key), "{key} not required");
    }
    for entry in std::fs::read_dir(root().join("processes/rijk")).expect("processes") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../docs/procedure.schema.json\n"),
            "{} does not point to the schema",
            path.display()
        );
    }
}

#[test]
fn help_has_examples() {
    let out = run_ok(&["validate", "--help"]);
    assert!(out.stdout.contains("Examples:") && out.stdout.contains("Exit codes:"));
    let out = run(&["frobnicate"]).expect_code(2);
    assert!(out.stderr.contains("frobnicate"), "{}", out.stderr);
}

#[test]
fn format_reference_minimal_example_validates_clean() {
    let doc = std::fs::read_to_string(root().join("docs/format.md")).expect("docs/format.md");
    let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + doc[start..].find("```").expect("block end");
    let dir = std::env::temp_dir().join(format!("meldroute-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("minimal.yaml");
    std::fs::write(&path, &doc[start..end]).expect("write");
    let out = run_ok(&["validate", &path.display().to_string()]);
    assert_eq!(out.stdout, "checked 1 procedure: no problems\n");
}

/// Two user files, one escalating into the other: every command that runs
/// one procedure resolves the escalation when the other file is named too
/// (or its directory), as `validate`, `gaps`, `compare` and `report` do;
/// without it, each refuses the same way (MR003).
#[test]
fn every_command_resolves_escalations_into_other_user_files_the_same_way() {
    let dir = support::temp_dir("cli-escalation");
    let melding = std::fs::read_to_string(root().join("processes/voorbeelden/ministerie-b.yaml"))
        .expect("fixture");
    // Ministerie B's complaint route goes to a user file instead of the
    // bundled rijk/klacht.
    assert!(melding.contains("escalate: {procedure: rijk/klacht}"));
    let melding = melding
        .replace("id: voorbeelden/ministerie-b", "id: test/melding")
        .replace(
            "escalate: {procedure: rijk/klacht}",
            "escalate: {procedure: test/klacht}",
        );
    let klacht = std::fs::read_to_string(root().join("processes/rijk/klacht.yaml"))
        .expect("fixture")
        .replace("id: rijk/klacht", "id: test/klacht");
    std::fs::write(dir.join("melding.yaml"), melding).expect("write");
    std::fs::write(dir.join("klacht.yaml"), klacht).expect("write");
    let file = dir.join("melding.yaml").to_string_lossy().into_owned();
    let other = dir.join("klacht.yaml").to_string_lossy().into_owned();
    let d = dir.to_string_lossy().into_owned();
    for (command, extra) in [
        ("simulate", &["--runs", "1000"][..]),
        ("trace", &[][..]),
        ("render", &[][..]),
        ("render", &["--view", "journey"][..]),
    ] {
        let alone = run(&[&[command, &file][..], extra].concat()).expect_code(1);
        assert!(
            alone.stderr.contains("MR003"),
            "{command}: {}",
            alone.stderr
        );
        for more in [&other, &d] {
            let out = run(&[&[command, &file, more.as_str()][..], extra].concat()).ok();
            assert!(!out.stdout.is_empty(), "{command}");
        }
    }
    let out = run(&[
        "simulate", &file, &other, "--runs", "1000", "--format", "json",
    ])
    .ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(
        v["escalations"]["test/klacht"].as_f64().expect("share") > 0.0,
        "{}",
        out.stdout
    );
    for command in ["validate", "gaps", "compare"] {
        run(&[command, &file]).expect_code(1);
    }
    run(&["validate", &file, &other]).expect_code(0);
    // A directory of several procedures cannot be the one procedure.
    let out = run(&["simulate", &d]).expect_code(2);
    assert!(out.stderr.contains("holds 2 procedures"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

/// A directory without procedure files is an error for every command, not
/// "checked 0 procedures".
#[test]
fn an_empty_directory_is_a_usage_error() {
    let dir = support::temp_dir("cli-empty");
    std::fs::write(dir.join("notes.txt"), "no procedures here").expect("write");
    let d = dir.to_string_lossy().into_owned();
    for command in ["validate", "gaps", "compare", "simulate", "render"] {
        let out = run(&[command, &d]).expect_code(2);
        assert!(
            out.stderr.contains("no procedure files found in") && out.stderr.contains(&d),
            "{command}: {}",
            out.stderr
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Standard error and text output pass one terminal sanitiser: a file name
/// given on the command line with escape sequences, bidi overrides and
/// zero-width characters is not echoed raw.
#[test]
fn file_names_on_the_command_line_are_not_echoed_raw() {
    let dir = support::temp_dir("cli-names");
    for name in [
        "evil\u{1b}]0;owned\u{7}\u{1b}[2J.yaml",
        "a\u{202e}lmay.yaml",
        "zero\u{200b}width.yaml",
    ] {
        let path = dir.join(name).to_string_lossy().into_owned();
        // Missing file (exit 2) and a file that cannot be read as a procedure (exit 1).
        let out = run(&["validate", &path]).expect_code(2);
        for text in [&out.stderr, &out.stdout] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}']),
                "{text:?}"
            );
        }
        assert!(out.stderr.contains('\u{fffd}'), "{:?}", out.stderr);
        std::fs::write(dir.join(name), "id: [unclosed\n").expect("write");
        let out = run(&["validate", &path]).expect_code(1);
        for text in [&out.stderr, &out.stdout] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}']),
                "{text:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The schemas of the JSON outputs are committed, current, and describe
/// what the commands write: the simulate JSON of every bundled procedure,
/// the gaps JSON of all of them, the compare JSON of the examples, the
/// validate JSON of files with findings and the list JSON validate against
/// them (a schema that allowed nothing, or a field the output lacks or
/// adds, fails here).
#[test]
fn output_schemas_are_current_and_the_outputs_validate_against_them() {
    let schema = |kind: &str| {
        let out = run_ok(&["schema", "--output", kind]);
        let path = format!("docs/output/{kind}.schema.json");
        let committed = std::fs::read_to_string(root().join(&path)).expect("schema file");
        assert!(
            committed == out.stdout,
            "{path} is stale: run `cargo run -- schema --output {kind} > {path}`"
        );
        let value: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        jsonschema::validator_for(&value).expect("a valid JSON Schema")
    };
    let check = |validator: &jsonschema::Validator, json: &str, what: &str| {
        let value: serde_json::Value = serde_json::from_str(json).expect("JSON output");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:#?}");
    };
    let list_out = run_ok(&["list", "--format", "json"]).stdout;
    check(&schema("list"), &list_out, "list");
    let procedures = support::json_items(&list_out, "procedures");
    let ids: Vec<&str> = procedures
        .iter()
        .map(|p| p["id"].as_str().expect("an id"))
        .collect();
    assert!(ids.len() >= 5, "{ids:?}");
    let validate = schema("validate");
    // Exit 1: files that do not load and rules with error findings.
    for dir in ["tests/fixtures/rules", "tests/fixtures/bad"] {
        let out = run(&["validate", dir, "--format", "json"]).expect_code(1);
        assert!(
            !support::json_items(&out.stdout, "findings").is_empty(),
            "{}",
            out.stdout
        );
        check(&validate, &out.stdout, dir);
    }
    let simulate = schema("simulate");
    for id in &ids {
        // Its conditions on silence put exact figures out of reach
        // (docs/conditions.md): refused, and simulated without them.
        let exact = *id != "voorbeelden/ministerie-d";
        if !exact {
            let out = run(&["simulate", id, "--exact"]).expect_code(2);
            assert!(out.stderr.contains("no Markov chain"), "{}", out.stderr);
        }
        let mut args = vec!["simulate", id, "--runs", "500", "--format", "json"];
        if exact {
            args.push("--exact");
        }
        let out = run_ok(&args);
        check(&simulate, &out.stdout, id);
    }
    let gaps = schema("gaps");
    let mut args = vec!["gaps", "--runs", "500", "--format", "json"];
    args.extend(&ids);
    // Exit 1: the bundled procedures have open error findings.
    let out = run(&args).expect_code(1);
    assert!(out.stdout.contains("\"code\""), "{}", out.stdout);
    check(&gaps, &out.stdout, "gaps");
    let compare = schema("compare");
    let examples = root().join("processes/voorbeelden");
    let out = run_ok(&[
        "compare",
        &examples.to_string_lossy(),
        "--runs",
        "500",
        "--format",
        "json",
    ]);
    check(&compare, &out.stdout, "compare");
    // The schemas reject what the outputs never hold.
    let mut bad: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    bad["rows"][0]["feedback_rate"] = serde_json::json!("high");
    assert!(!compare.is_valid(&bad));
    // Every output names where it came from, as its schema requires.
    let mut bad: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    bad.as_object_mut().expect("an object").remove("provenance");
    assert!(!compare.is_valid(&bad));
}
