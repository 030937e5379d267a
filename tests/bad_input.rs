//! Bad input: every kind of broken file gives one located error and exit 1,
//! never a panic or a hang.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use support::{run, run_ok};

/// Validates `path` and checks exit 1 and the `file:line:col: error[CODE]` line.
fn expect_error(path: &str, line_col: &str, code: &str, message: &str) {
    let out = run(&["validate", path, "--format", "short"]).expect_code(1);
    let expected = format!("{path}:{line_col}: error[{code}]: {message}");
    assert!(
        out.stdout.contains(&expected),
        "expected `{expected}` in:\n{}",
        out.stdout
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

fn temp_file(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("meldroute-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path.display().to_string()
}

#[test]
fn malformed_yaml() {
    expect_error(
        "tests/fixtures/bad/malformed.yaml",
        "2:8",
        "MR000",
        "expected string scalar",
    );
}

#[test]
fn wrong_type() {
    expect_error(
        "tests/fixtures/bad/wrong-type.yaml",
        "14:14",
        "MR000",
        "`misschien` is not a flag",
    );
    // Quoted text is not a number or a flag either.
    let text = std::fs::read_to_string(support::root().join("processes/rijk/klacht.yaml"))
        .expect("bundled file");
    let quoted_p = text.replacen("p: 0.3}", "p: \"0.3\"}", 1);
    let path = temp_file("quoted-p.yaml", quoted_p.as_bytes());
    let out = run(&["validate", &path, "--format", "short"]).expect_code(1);
    assert!(
        out.stdout.contains("is text; write a plain number"),
        "{}",
        out.stdout
    );
}

#[test]
fn unknown_key_with_suggestion() {
    expect_error(
        "tests/fixtures/bad/unknown-key.yaml",
        "14:5",
        "MR000",
        "unknown key `duraton` (did you mean `duration`?)",
    );
}

#[test]
fn tab_indentation() {
    let path = temp_file(
        "tab.yaml",
        b"id: test/tab\ntitle: Tab\nsteps:\n\ta:\n\t\ttitle: Gesprek\n",
    );
    expect_error(&path, "4:1", "MR000", "tabs disallowed");
    let out = run(&["validate", &path]).expect_code(1);
    assert!(
        out.stdout.contains("help: indent with spaces"),
        "{}",
        out.stdout
    );
    // Every kind of tab error points at the tab itself (columns are 1-based).
    for (name, text, line_col, message) in [
        (
            "tab-after-spaces.yaml",
            "id: test/tab\nsteps:\n  a:\n  \ttitle: x\n",
            "4:3",
            "tabs disallowed",
        ),
        (
            "tab-in-block-scalar.yaml",
            "id: test/tab\ndescription: |\n\tfoo\n",
            "3:1",
            "a block scalar content cannot start with a tab",
        ),
        (
            "tab-in-plain-scalar.yaml",
            "id: test/tab\ndescription: foo\n\tbar\n",
            "3:1",
            "while scanning a plain scalar, found a tab",
        ),
        (
            "tab-after-a-space.yaml",
            "id: test/tab\nsteps:\n  a: b\n \tc: d\n",
            "4:2",
            "while scanning a plain scalar, found a tab",
        ),
    ] {
        expect_error(
            &temp_file(name, text.as_bytes()),
            line_col,
            "MR000",
            message,
        );
    }
}

#[test]
fn duplicate_key() {
    expect_error(
        "tests/fixtures/bad/duplicate-key.yaml",
        "11:3",
        "MR000",
        "duplicate key `a`",
    );
}

#[test]
fn empty_file() {
    expect_error(
        "tests/fixtures/bad/empty.yaml",
        "1:1",
        "MR000",
        "file is empty",
    );
}

#[test]
fn non_utf8_bytes() {
    let path = temp_file("latin1.yaml", b"id: test/latin1\ntitle: Caf\xe9\n");
    expect_error(
        &path,
        "2:11",
        "MR000",
        "file is not valid UTF-8 (byte 0xe9)",
    );
}

#[test]
fn huge_file_is_capped() {
    let mut text = b"id: test/groot\ndescription: ".to_vec();
    text.resize(3 * 1024 * 1024, b'a');
    let path = temp_file("huge.yaml", &text);
    expect_error(
        &path,
        "1:1",
        "MR000",
        "file is larger than the limit of 1048576 bytes",
    );
    // The flag raises the limit: the file is then read and parsed.
    let out = run(&[
        "validate",
        &path,
        "--format",
        "short",
        "--max-file-size",
        "4000000",
    ])
    .expect_code(1);
    assert!(
        !out.stdout.contains("larger than the limit"),
        "{}",
        out.stdout
    );
}

#[test]
fn deep_nesting() {
    expect_error(
        "tests/fixtures/bad/deep-nesting.yaml",
        "1:5",
        "MR000",
        "expected string scalar",
    );
}

#[test]
fn alias_bomb_hits_the_alias_budget() {
    expect_error(
        "tests/fixtures/bad/alias-bomb.yaml",
        "211:62",
        "MR000",
        "file has more than 200 YAML aliases or anchors",
    );
    run_ok(&[
        "validate",
        "tests/fixtures/bad/alias-bomb.yaml",
        "--format",
        "short",
        "--max-aliases",
        "1000",
    ]);
}

#[test]
fn billion_laughs_is_rejected_before_expanding() {
    expect_error(
        "tests/fixtures/bad/billion-laughs.yaml",
        "8:18",
        "MR000",
        "expected string scalar",
    );
}

#[test]
fn non_ascii_positions_count_characters() {
    // "meldër" starts at the 50th character of line 10; Ö, ü, ë before it
    // are two bytes each. It is not a valid actor id.
    expect_error(
        "tests/fixtures/bad/non-ascii.yaml",
        "10:50",
        "MR000",
        "actor id `meldër` is not valid: it contains U+00EB",
    );
    let out = run(&["validate", "tests/fixtures/bad/non-ascii.yaml"]).expect_code(1);
    // The caret sits under "meldër" and is as wide as it (6 columns, not 7 bytes).
    let lines: Vec<&str> = out.stdout.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.starts_with("10 |"))
        .expect("source line shown");
    let caret_line = lines[source + 1];
    let src_col = lines[source].find("meldër").expect("shown");
    let caret_col = caret_line.find('^').expect("caret");
    assert_eq!(
        lines[source][..src_col].chars().count(),
        caret_line[..caret_col].chars().count()
    );
    assert_eq!(caret_line.matches('^').count(), 6);
}

#[cfg(unix)]
#[test]
fn fifo_is_refused_not_waited_on() {
    let dir = std::env::temp_dir().join(format!("meldroute-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let fifo = dir.join("pipe.yaml");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let out = run(&["validate", &fifo.display().to_string()]).expect_code(2);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    // Inside a directory, a FIFO is skipped rather than read (and then the
    // directory holds no procedure files).
    let out = run(&["validate", &dir.display().to_string()]).expect_code(2);
    assert!(
        out.stderr.contains("no procedure files found"),
        "{}",
        out.stderr
    );
}

#[test]
fn lone_carriage_returns_and_control_characters() {
    let path = temp_file(
        "cr.yaml",
        b"id: test/cr\rtitle: t\rorganisation: o\rkind: advise\r",
    );
    expect_error(&path, "4:7", "MR000", "unknown value `advise`");
    let path = temp_file("esc.yaml", b"id: \"test/\x1b[31mrood\"\ntitle: t\n");
    let out = run(&["validate", &path]).expect_code(1);
    assert!(
        !out.stdout.contains('\x1b'),
        "escape sequence reached the terminal: {:?}",
        out.stdout
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let out = run(&["validate", "no/such/file.yaml"]).expect_code(2);
    assert!(
        out.stderr
            .contains("no file, directory or bundled procedure `no/such/file.yaml`"),
        "{}",
        out.stderr
    );
    let out = run(&["validate", "rijk/klachten"]).expect_code(2);
    assert!(
        out.stderr.contains("did you mean `rijk/klacht`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn several_bad_files_are_all_reported() {
    let out = run(&["validate", "tests/fixtures/bad", "--format", "json"]).expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    let files: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files.len(), 9, "{files:?}");
    for f in &findings {
        for key in [
            "file", "line", "column", "code", "severity", "message", "help",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
}

#[test]
fn too_many_steps_and_nodes_are_limits_with_flags() {
    // 2 * 30 - 1 = 59 steps.
    let path = temp_file(
        "many-steps.yaml",
        meldroute_core::generate::procedure_with_loops(30, 1).as_bytes(),
    );
    let out = run(&[
        "validate",
        &path,
        "--format",
        "short",
        "--max-procedure-steps",
        "50",
    ])
    .expect_code(1);
    assert!(
        out.stdout
            .contains("error[MR000]: procedure has 59 steps, more than the limit of 50"),
        "{}",
        out.stdout
    );
    // Located at the first step over the limit.
    let text = std::fs::read_to_string(&path).expect("written");
    let key = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.starts_with("  ") && !l.starts_with("   ") && l.trim_end().ends_with(':')
        })
        .nth(50)
        .map(|(i, _)| i + 1)
        .expect("a 51st step");
    assert!(
        out.stdout.contains(&format!("{path}:{key}:3:")),
        "{key}: {}",
        out.stdout
    );
    let human = run(&["validate", &path, "--max-procedure-steps", "50"]).expect_code(1);
    assert!(
        human.stdout.contains("--max-procedure-steps"),
        "{}",
        human.stdout
    );
    run_ok(&["validate", &path, "--max-procedure-steps", "59"]);
    let nodes = run(&[
        "validate",
        &path,
        "--format",
        "short",
        "--max-yaml-nodes",
        "100",
    ])
    .expect_code(1);
    assert!(
        nodes.stdout.contains("more than 100 YAML nodes"),
        "{}",
        nodes.stdout
    );
    let human = run(&["validate", &path, "--max-yaml-nodes", "100"]).expect_code(1);
    assert!(
        human.stdout.contains("--max-yaml-nodes"),
        "{}",
        human.stdout
    );
}

#[test]
fn journey_length_is_a_limit_with_a_flag_everywhere_journeys_run() {
    // At most 3 steps per journey: every journey of the internal report is unfinished.
    let sim = run_ok(&[
        "simulate",
        "rijk/interne-melding",
        "--runs",
        "200",
        "--max-steps",
        "3",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&sim.stdout).expect("JSON");
    assert_eq!(report["unfinished"], 1.0);
    for cmd in ["gaps", "compare", "report"] {
        let mut args = vec![
            cmd,
            "rijk/interne-melding",
            "--runs",
            "200",
            "--max-steps",
            "3",
        ];
        if cmd == "report" {
            args.push("--no-graphs");
        }
        // Accepted (no error findings: the gaps of the library are accepted in its files).
        let out = run_ok(&args);
        assert!(!out.stdout.is_empty(), "{cmd}");
        let zero = run(&[cmd, "rijk/interne-melding", "--max-steps", "0"]).expect_code(2);
        assert!(
            zero.stderr.contains("--max-steps"),
            "{cmd}: {}",
            zero.stderr
        );
    }
}

/// Found by fuzzing (`fuzz/regressions/cli-validate-lone-cr.yaml`): the
/// source window counted lines by `\n` only, so an error on a line after a
/// lone CR panicked the human output.
#[test]
fn error_after_a_lone_carriage_return_is_shown_not_panicked() {
    for (name, bytes, line_col) in [
        ("lone-cr.yaml", &b"id: x\r["[..], "2:1"),
        ("crlf.yaml", &b"id: x\r\n["[..], "2:1"),
        (
            "cr-in-value.yaml",
            &b"id: \"a\rb\"\r\ntitle: [\r"[..],
            "3:8",
        ),
    ] {
        let path = temp_file(name, bytes);
        for format in ["human", "short", "json"] {
            let out = run(&["validate", &path, "--format", format]).expect_code(1);
            assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
            if format == "short" {
                assert!(
                    out.stdout
                        .contains(&format!("{path}:{line_col}: error[MR000]")),
                    "{name}: {}",
                    out.stdout
                );
            }
        }
    }
}

/// Validates `path` with `flags`, and checks the located limit message and
/// that the human output names the flag that raises the limit.
fn expect_limit(path: &str, flags: &[&str], line_col: &str, message: &str, flag: &str) {
    let short = run(&[&["validate", path, "--format", "short"], flags].concat()).expect_code(1);
    let expected = format!("{path}:{line_col}: error[MR000]: {message}\n");
    assert!(
        short.stdout.contains(&expected),
        "expected `{expected}` in:\n{}",
        short.stdout
    );
    let human = run(&[&["validate", path], flags].concat()).expect_code(1);
    assert!(
        human.stdout.contains(&format!(
            "or raise the limit with `{flag}` if you trust the file"
        )),
        "{}",
        human.stdout
    );
}

/// Every budget of the YAML reader is one of the documented limits: its
/// message names the limit (never the reader's Debug output such as
/// `ScalarBytes { .. }`, or "recursion limit exceeded") and the flag.
#[test]
fn every_yaml_budget_names_its_limit_and_flag() {
    // Aliases repeat a long text: more text than the file holds.
    let long = "x".repeat(3000);
    let text = format!(
        "id: test/tekst\ntitle: &t \"{long}\"\norganisation: *t\ndescription: *t\nkind: advice\n"
    );
    let path = temp_file("repeated-text.yaml", text.as_bytes());
    expect_limit(
        &path,
        &["--max-file-size", "5000"],
        "3:15",
        "file has more than 5000 bytes of text",
        "--max-file-size",
    );
    // Flow collections nested past the limit, where the parser's own
    // nesting limit used to answer first.
    let text = format!("? {}{}\n: x\n", "[".repeat(300), "]".repeat(300));
    let path = temp_file("deep-key.yaml", text.as_bytes());
    expect_limit(
        &path,
        &[],
        "1:35",
        "file has nesting deeper than 32 levels",
        "--max-depth",
    );
    let raised = run(&["validate", &path, "--max-depth", "1000"]).expect_code(1);
    assert!(
        !raised.stdout.contains("recursion limit") && !raised.stdout.contains("deeper than"),
        "{}",
        raised.stdout
    );
    // Block nesting of a valid file.
    expect_limit(
        "processes/rijk/klacht.yaml",
        &["--max-depth", "2"],
        "25:5",
        "file has nesting deeper than 2 levels",
        "--max-depth",
    );
    // More nodes than the limit, the nodes that aliases repeat included:
    // every step names the sources of the first.
    let mut text = String::from(
        "id: test/bronnen\ntitle: t\norganisation: o\nkind: advice\nsources: {a: {title: a}}\nactors: {m: {title: m, role: reporter}}\nstart: s0\nsteps:\n  s0: {title: t, actor: m, kind: advice, sources: &s [a, a, a, a, a, a, a, a, a, a], next: s1}\n",
    );
    for i in 1..30 {
        text.push_str(&format!(
            "  s{i}: {{title: t, actor: m, kind: advice, sources: *s, next: s{}}}\n",
            i + 1
        ));
    }
    text.push_str("  s30: {title: t, actor: m, kind: closure, outcome: resolved}\n");
    let path = temp_file("replayed.yaml", text.as_bytes());
    run(&["validate", &path, "--format", "short"]).ok();
    let out = run(&[
        "validate",
        &path,
        "--format",
        "short",
        "--max-yaml-nodes",
        "300",
    ])
    .expect_code(1);
    assert!(
        out.stdout
            .contains("error[MR000]: file has more than 300 YAML nodes"),
        "{}",
        out.stdout
    );
}

/// Durations have a maximum (100 years) and no exponents; both are refused
/// at the duration, wherever it stands (a step, a distribution, a deadline).
#[test]
fn absurd_durations_are_refused_where_they_stand() {
    let base = "id: test/lang\ntitle: t\norganisation: o\nkind: advice\nsources: {}\nactors: {m: {title: m, role: reporter}}\nstart: a\nsteps:\n  a: {title: t, actor: m, kind: advice, duration: DURATION, basis: law, outcome: resolved}\n";
    let huge = format!("1{}d", "0".repeat(307));
    for (name, duration, column, message) in [
        (
            "huge.yaml",
            format!("{{uniform: {{min: 1d, max: {huge}}}}}"),
            "76",
            "duration `10000000000000000000000…` is longer than the maximum of 100 years (`100y`, 36525 days)",
        ),
        (
            "year.yaml",
            "101y".to_owned(),
            "51",
            "duration `101y` is longer than the maximum",
        ),
        (
            "deadline.yaml",
            "1d, deadline: {within: 40000d, basis: b}".to_owned(),
            "74",
            "duration `40000d` is longer than the maximum",
        ),
        (
            "exponent.yaml",
            "{empirical: [1d, 1e307d]}".to_owned(),
            "68",
            "duration `1e307d` has an exponent; write the number out",
        ),
    ] {
        let path = temp_file(name, base.replace("DURATION", &duration).as_bytes());
        expect_error(&path, &format!("9:{column}"), "MR000", message);
    }
    let path = temp_file("max.yaml", base.replace("DURATION", "100y").as_bytes());
    run_ok(&["validate", &path]);
}

/// A character that SVG, HTML and XML cannot hold (a control character
/// other than tab and line breaks, a Unicode non-character), anywhere in
/// the file, written as itself or as an escape, is refused at its exact
/// place and named (it gave malformed SVG with exit 0).
#[test]
fn characters_xml_cannot_hold_are_refused_where_they_stand() {
    let base = std::fs::read_to_string(support::root().join("processes/rijk/klacht.yaml"))
        .expect("bundled file");
    let title = base
        .lines()
        .position(|l| l.starts_with("title: "))
        .expect("a title")
        + 1;
    for (name, title_value, column, shown) in [
        (
            "fffe.yaml",
            "\"Klacht\u{fffe}\"",
            15,
            "the file holds the character U+FFFE, a Unicode non-character",
        ),
        (
            "ffff-plain.yaml",
            "Kl\u{ffff}acht",
            10,
            "the file holds the character U+FFFF, a Unicode non-character",
        ),
        (
            "plane.yaml",
            "\"\u{10fffe}\"",
            9,
            "the file holds the character U+10FFFE, a Unicode non-character",
        ),
        (
            "fdd0.yaml",
            "\"x\u{fdd0}\"",
            10,
            "the file holds the character U+FDD0, a Unicode non-character",
        ),
        (
            "nul.yaml",
            "\"x\0\"",
            10,
            "the file holds the character U+0000, a control character",
        ),
        (
            "esc.yaml",
            "\"\u{1b}[31mrood\"",
            9,
            "the file holds the character U+001B, a control character",
        ),
        (
            "c1.yaml",
            "\"x\u{85}\"",
            10,
            "the file holds the character U+0085, a control character",
        ),
        (
            "del.yaml",
            "\"x\u{7f}\"",
            10,
            "the file holds the character U+007F, a control character",
        ),
        (
            "escape-fffe.yaml",
            "\"Klacht \\uFFFE\"",
            16,
            "the escape `\\uFFFE` writes the character U+FFFE, a Unicode non-character",
        ),
        (
            "escape-e.yaml",
            "\"\\\\e \\e[31m\"",
            13,
            "the escape `\\e` writes the character U+001B, a control character",
        ),
        (
            "escape-x.yaml",
            "\"\\x07\"",
            9,
            "the escape `\\x07` writes the character U+0007, a control character",
        ),
    ] {
        let text = base.replacen(
            &format!("{}\n", base.lines().nth(title - 1).expect("the line")),
            &format!("title: {title_value}\n"),
            1,
        );
        let path = temp_file(name, text.as_bytes());
        expect_error(
            &path,
            &format!("{title}:{column}"),
            "MR000",
            &format!("{shown}, which a procedure file may not hold"),
        );
        let human = run(&["validate", &path]).expect_code(1);
        assert!(human.stdout.contains("help: remove "), "{}", human.stdout);
    }
    // In a comment too; tabs, line breaks and other characters stay allowed.
    let path = temp_file("comment.yaml", format!("# \u{fffe}\n{base}").as_bytes());
    expect_error(&path, "1:3", "MR000", "the file holds the character U+FFFE");
    let text = base.replacen("title: ", "title: \"\\t\\u00e9\\u202e\\\\e\u{200b}\" # ", 1);
    let path = temp_file("allowed.yaml", text.as_bytes());
    run_ok(&["validate", &path]);
}

/// A key written twice is reported even when the first entry has another
/// error (a step without `kind`), which the parse meets first.
#[test]
fn a_duplicate_key_is_not_hidden_by_an_error_in_its_first_entry() {
    let text = "id: test/dubbel\ntitle: t\norganisation: o\nkind: advice\nsources: {}\nactors: {m: {title: m, role: reporter}}\nstart: a\nsteps:\n  a: {title: t, actor: m, outcome: resolved}\n  a: {title: t, actor: m, kind: advice, outcome: resolved}\n";
    let path = temp_file("duplicate-missing-kind.yaml", text.as_bytes());
    expect_error(&path, "10:3", "MR000", "duplicate key `a`");
    let human = run(&["validate", &path]).expect_code(1);
    assert!(
        human.stdout.contains(&format!("--> {path}:9:3"))
            && human.stdout.contains("first written here"),
        "{}",
        human.stdout
    );
    // An error before the first of the two keys is still the one reported.
    let text = text.replacen("title: t\n", "title: [\n", 1);
    let path = temp_file("syntax-error-first.yaml", text.as_bytes());
    let out = run(&["validate", &path, "--format", "short"]).expect_code(1);
    assert!(
        out.stdout
            .contains(":2:8: error[MR000]: expected string scalar"),
        "{}",
        out.stdout
    );
}

/// All files read together are bounded too, in bytes and in steps: the file
/// that crosses a limit is refused, named and located, with the flag.
#[test]
fn the_files_read_together_have_limits_with_flags() {
    let text = std::fs::read_to_string(support::root().join("processes/rijk/klacht.yaml"))
        .expect("bundled file");
    let dir = support::temp_dir("library-limits");
    let paths: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.yaml"));
            let copy = text.replacen("id: rijk/klacht\n", &format!("id: test/{name}\n"), 1);
            std::fs::write(&path, copy).expect("written");
            path.display().to_string()
        })
        .collect();
    let dir = dir.display().to_string();
    let size = std::fs::metadata(&paths[0]).expect("written").len();
    let limit = (size * 5 / 2).to_string();
    let out = run(&[
        "validate",
        &dir,
        "--format",
        "short",
        "--max-library-size",
        &limit,
    ])
    .expect_code(1);
    let expected = format!(
        "{}:1:1: error[MR000]: with this file the files read hold {} bytes, more than the limit of {limit} bytes for all files together\n",
        paths[2],
        3 * size
    );
    assert!(
        out.stdout.contains(&expected),
        "expected `{expected}` in:\n{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.matches("error[MR000]").count(),
        1,
        "{}",
        out.stdout
    );
    let human = run(&["validate", &dir, "--max-library-size", &limit]).expect_code(1);
    assert!(
        human
            .stdout
            .contains("raise the limit with `--max-library-size`"),
        "{}",
        human.stdout
    );
    // Steps: the second procedure crosses the limit at its fourth step.
    let steps: Vec<usize> = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| *l != "steps:")
        .filter(|(_, l)| {
            l.starts_with("  ") && !l.starts_with("   ") && l.trim_end().ends_with(':')
        })
        .map(|(i, _)| i + 1)
        .collect();
    let limit = (steps.len() + 3).to_string();
    let out = run(&[
        "validate",
        &dir,
        "--format",
        "short",
        "--max-library-steps",
        &limit,
    ])
    .expect_code(1);
    let expected = format!(
        "{}:{}:3: error[MR000]: with this procedure the procedures read have {} steps, more than the limit of {limit} for all procedures together\n",
        paths[1],
        steps[3],
        2 * steps.len()
    );
    assert!(
        out.stdout.contains(&expected),
        "expected `{expected}` in:\n{}",
        out.stdout
    );
    let human = run(&["validate", &dir, "--max-library-steps", &limit]).expect_code(1);
    assert!(
        human
            .stdout
            .contains("raise the limit with `--max-library-steps`"),
        "{}",
        human.stdout
    );
    // The defaults are far above: every file and the bundled library load.
    run_ok(&["validate", &dir]);
}

/// Every id, where it is written and where it is referred to, must be of
/// its syntax (lowercase kebab-case; procedure ids in parts joined by `/`):
/// another is refused at the id, named inertly with the character that is
/// wrong and the syntax.
#[test]
fn ids_of_another_syntax_are_refused_where_they_stand() {
    let base = "id: test/ids\ntitle: t\norganisation: o\nkind: advice\nsources: {bron: {title: b}}\nactors: {melder: {title: m, role: reporter}}\nstart: vraag\nsteps:\n  vraag: {title: t, actor: melder, kind: advice, sources: [bron], next: [{to: klaar, p: 1}]}\n  klaar: {title: t, actor: melder, kind: closure, deadline: {within: 1w, from: vraag, basis: b}, next: vraag}\n  door: {title: t, actor: melder, kind: escalation, escalate: {procedure: rijk/klacht, step: intake}}\naccept: [{rule: MR103, step: vraag, reason: r}]\n";
    let path = temp_file("ids.yaml", base.as_bytes());
    let out = run(&["validate", &path, "--format", "short"]).expect_code(1);
    assert!(!out.stdout.contains("MR000"), "{}", out.stdout);
    // (line, column, id there, kind)
    for (line, column, id, kind) in [
        (1, 5, "test/ids", "procedure"),
        (5, 11, "bron", "source"),
        (6, 10, "melder", "actor"),
        (7, 8, "vraag", "step"),
        (9, 3, "vraag", "step"),
        (9, 28, "melder", "actor"),
        (9, 60, "bron", "source"),
        (9, 79, "klaar", "step"),
        (10, 80, "vraag", "step"),
        (10, 104, "vraag", "step"),
        (11, 75, "rijk/klacht", "procedure"),
        (11, 94, "intake", "step"),
        (12, 30, "vraag", "step"),
    ] {
        for (bad, why) in [
            (
                id.to_uppercase(),
                format!("it contains `{}`", id[..1].to_uppercase()),
            ),
            (format!("{id}\u{200b}"), "it contains U+200B".to_owned()),
            (format!("\u{202e}{id}"), "it contains U+202E".to_owned()),
        ] {
            let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
            let text = &mut lines[line - 1];
            let at = text.char_indices().nth(column - 1).expect("column").0;
            assert!(text[at..].starts_with(id), "{line}:{column} {text}");
            text.replace_range(at..at + id.len(), &bad);
            let path = temp_file("bad-id.yaml", (lines.join("\n") + "\n").as_bytes());
            let out = run(&["validate", &path, "--format", "short"]).expect_code(1);
            let expected = format!("{path}:{line}:{column}: error[MR000]: {kind} id `");
            assert!(
                out.stdout.starts_with(&expected)
                    && out
                        .stdout
                        .lines()
                        .next()
                        .is_some_and(|l| l.ends_with(&format!("` is not valid: {why}"))),
                "expected `{expected}… is not valid: {why}` in:\n{}",
                out.stdout
            );
            // Shown inertly: no direction override reaches the terminal.
            let human = run(&["validate", &path]).expect_code(1);
            assert!(!human.stdout.contains('\u{202e}'), "{}", human.stdout);
            assert!(
                human
                    .stdout
                    .contains(" id is lowercase letters, digits and `-`"),
                "{}",
                human.stdout
            );
        }
    }
}

#[test]
fn unknown_authority_with_suggestion_and_the_list() {
    let text =
        std::fs::read_to_string(support::root().join("processes/rijk/bevoegde-autoriteit.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
    // A typo in a list, and a body that is no competent authority.
    for (name, from, to, line_col, message) in [
        (
            "authority-typo.yaml",
            "authority: [acm, afm,",
            "authority: [acm, afn,",
            "8:18",
            "unknown value `afn` (did you mean `afm`?)",
        ),
        (
            "authority-ombudsman.yaml",
            "authority: [acm, afm, anvs, ap, dnb, igj, nvwa, nza]",
            "authority: nationale-ombudsman",
            "8:12",
            "unknown value `nationale-ombudsman`",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let path = temp_file(name, text.replacen(from, to, 1).as_bytes());
        expect_error(&path, line_col, "MR000", message);
        let out = run(&["validate", &path]).expect_code(1);
        assert!(
            out.stdout.contains(
                "allowed here: acm, afm, anvs, ap, dnb, huis-voor-klokkenluiders, igj, nvwa, nza"
            ),
            "{}",
            out.stdout
        );
    }
}
