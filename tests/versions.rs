//! The format version of procedure files (`meldroute: 1`) end to end: the
//! warning for a file without it, the refusal of a newer version and of a
//! value that is not a version, and `meldroute migrate`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::{Path, PathBuf};

use meldroute_core::version::{FORMAT_VERSION, MELDROUTE_VERSION};
use support::{root, run, run_ok};

/// The bundled complaint procedure, which starts with the schema line and
/// then `meldroute: 1`.
fn klacht() -> String {
    std::fs::read_to_string(root().join("processes/rijk/klacht.yaml")).expect("bundled file")
}

/// [`klacht`] with its version line written as `line` (`None`: without
/// one), as a file `name` in a fresh directory for test `test`.
fn klacht_with(test: &str, name: &str, line: Option<&str>) -> PathBuf {
    let text = klacht();
    assert!(text.contains("\nmeldroute: 1\nid: rijk/klacht\n"));
    let text = match line {
        Some(line) => text.replacen("\nmeldroute: 1\n", &format!("\n{line}\n"), 1),
        None => text.replacen("\nmeldroute: 1\n", "\n", 1),
    };
    let path = support::temp_dir(test).join(name);
    std::fs::write(&path, text).expect("written");
    path
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn a_file_without_a_version_is_read_as_version_1_with_a_warning() {
    let path = klacht_with("version-missing", "klacht.yaml", None);
    let file = shown(&path);
    let out = run(&["validate", &file, "--format", "short"]).expect_code(0);
    assert_eq!(
        out.stdout,
        format!(
            "{file}:1:1: warning[MR019]: the file does not say its format version; it is read as format version 1\n"
        )
    );
    let human = run(&["validate", &file]).expect_code(0);
    assert!(
        human.stdout.contains(
            "= help: add `meldroute: 1` as the first line (after any leading comments), or run `meldroute migrate FILE`"
        ),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("checked 1 procedure: 1 warning\n"));
    run(&["validate", &file, "--deny-warnings"]).expect_code(1);
    // Read as version 1: it runs as the bundled copy does.
    let simulated = run(&["simulate", &file, "--runs", "500", "--format", "json"]).expect_code(0);
    let bundled = run_ok(&[
        "simulate",
        "rijk/klacht",
        "--runs",
        "500",
        "--format",
        "json",
    ]);
    // The figures are the same; the provenance names another file.
    assert_eq!(
        support::without_provenance(&simulated.stdout),
        support::without_provenance(&bundled.stdout)
    );
}

#[test]
fn a_newer_version_is_refused_naming_both_versions_at_the_value() {
    let path = klacht_with("version-newer", "klacht.yaml", Some("meldroute: 2"));
    let file = shown(&path);
    let expected = format!(
        "{file}:2:12: error[MR000]: this file is format version 2; this meldroute ({MELDROUTE_VERSION}) reads format versions up to {FORMAT_VERSION}: upgrade meldroute\n"
    );
    let out = run(&["validate", &file, "--format", "short"]).expect_code(1);
    assert_eq!(out.stdout, expected);
    // A file of the newer format may hold keys this meldroute does not
    // know: it is refused for its version, not for those.
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str("nieuw-in-versie-2: {a: 1}\n");
    std::fs::write(&path, text.replacen("title:", "titel:", 1)).expect("written");
    let out = run(&["validate", &file, "--format", "short"]).expect_code(1);
    assert_eq!(out.stdout, expected);
    // No command uses it.
    let out = run(&["simulate", &file]).expect_code(1);
    assert!(out.stderr.contains("format version 2"), "{}", out.stderr);
}

#[test]
fn a_value_that_is_not_a_version_is_a_located_error() {
    for (n, (value, message)) in [
        (
            "\"1\"",
            "format version `1` is text; write a whole number, without quotes",
        ),
        (
            "0",
            "format version 0 does not exist; versions count from 1",
        ),
        ("-1", "format version -1 is negative; versions count from 1"),
        ("1.5", "format version 1.5 is not a whole number"),
        ("true", "format version `true` is not a number"),
        ("~", "format version is empty"),
    ]
    .into_iter()
    .enumerate()
    {
        let line = format!("meldroute: {value}");
        let path = klacht_with(&format!("version-value-{n}"), "klacht.yaml", Some(&line));
        let file = shown(&path);
        let out = run(&["validate", &file, "--format", "short"]).expect_code(1);
        assert_eq!(
            out.stdout,
            format!("{file}:2:12: error[MR000]: {message}\n"),
            "{value}"
        );
        let human = run(&["validate", &file]).expect_code(1);
        assert!(
            human.stdout.contains(
                "= help: write `meldroute: 1`: the format version is a whole number, without quotes"
            ),
            "{value}: {}",
            human.stdout
        );
    }
}

#[test]
fn every_bundled_procedure_says_its_version() {
    run_ok(&["validate", "processes/", "--deny-warnings"]);
    let out = run_ok(&["migrate", "--check", "processes/"]);
    let n = meldroute_core::library::bundled_files().len();
    assert!(
        out.stdout.ends_with(&format!(
            "{n} files checked: 0 to migrate, {n} at format version 1 already, 0 refused\n"
        )),
        "{}",
        out.stdout
    );
    for (path, text) in meldroute_core::library::bundled_files() {
        assert!(
            text.lines().nth(1) == Some("meldroute: 1"),
            "{path}: the version is not the first key"
        );
    }
    // The examples and fixtures that load say it too.
    for dir in [
        "tests/fixtures/gaps",
        "tests/fixtures/rules",
        "tests/fixtures/compare",
    ] {
        run_ok(&["migrate", "--check", dir]);
    }
}

#[test]
fn the_schema_knows_the_version_key() {
    let out = run_ok(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let version = &schema["properties"]["meldroute"];
    assert_eq!(version["type"], "integer");
    assert_eq!(version["minimum"], 1);
    let required = schema["required"].as_array().expect("required");
    assert!(!required.iter().any(|k| k == "meldroute"));
}

/// A file with a header, comments, quoting and blank lines the migration
/// must keep, as `meldroute migrate` writes it from [`without`].
const MIGRATED: &str = "# Klachtregeling Ministerie X
# yaml-language-server: $schema=../../docs/procedure.schema.json
meldroute: 1

# Vastgesteld 2024; zie de regeling.
id: test/migratie   # het id
title: 'Klacht: migratie'
organisation: Ministerie X
kind: complaint
sources: {}
actors:
  melder: {title: Melder, role: reporter}   # de klager
start: indienen
steps:
  # eerst indienen
  indienen: {title: Klacht indienen, actor: melder, kind: report, next: oordeel}
  oordeel: {title: Oordeel, actor: melder, kind: decision, outcome: unfounded}
";

/// [`MIGRATED`] without its version: its third line.
fn without() -> String {
    let text = MIGRATED.replacen("\nmeldroute: 1\n", "\n", 1);
    assert_eq!(text.lines().count() + 1, MIGRATED.lines().count());
    text
}

#[test]
fn migrate_adds_the_version_after_the_header_and_changes_nothing_else() {
    let dir = support::temp_dir("migrate-header");
    let path = dir.join("klacht.yaml");
    std::fs::write(&path, without()).expect("written");
    let file = shown(&path);
    let out = run(&["migrate", &file]).expect_code(0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), MIGRATED);
    assert_eq!(
        out.stdout,
        format!(
            "{file}: migrated from no format version to format version 1 (added `meldroute: 1`)\n1 file checked: 1 migrated, 0 at format version 1 already, 0 refused\n"
        )
    );
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["klacht.yaml"]);
    // The result is clean, and a second run changes nothing.
    run_ok(&["validate", &file, "--deny-warnings"]);
    let again = run(&["migrate", &file]).expect_code(0);
    assert!(
        again.stdout.starts_with(&format!(
            "{file}: at format version 1 already, left as it is\n"
        )),
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), MIGRATED);
}

#[test]
fn migrate_check_writes_nothing_and_fails_when_a_file_would_change() {
    let dir = support::temp_dir("migrate-check");
    let (old, new) = (dir.join("a.yaml"), dir.join("b.yaml"));
    std::fs::write(&old, without()).expect("written");
    std::fs::write(&new, MIGRATED).expect("written");
    let out = run(&["migrate", "--check", &shown(&dir)]).expect_code(1);
    assert!(
        out.stdout.contains(&format!(
            "{}: would be migrated from no format version to format version 1",
            shown(&old)
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("2 files checked: 1 to migrate, 1 at format version 1 already, 0 refused\n"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(&old).expect("read"), without());
    run(&["migrate", "--check", &shown(&new)]).expect_code(0);
}

#[test]
fn migrate_keeps_crlf_line_endings_and_a_byte_order_mark() {
    let path = support::temp_dir("migrate-crlf").join("klacht.yaml");
    let crlf = |text: &str| format!("\u{feff}{}", text.replace('\n', "\r\n"));
    std::fs::write(&path, crlf(&without())).expect("written");
    run(&["migrate", &shown(&path)]).expect_code(0);
    assert_eq!(
        std::fs::read(&path).expect("read"),
        crlf(MIGRATED).as_bytes()
    );
    run_ok(&["validate", &shown(&path), "--deny-warnings"]);
}

#[test]
fn migrate_leaves_a_newer_or_invalid_file_untouched() {
    let dir = support::temp_dir("migrate-refused");
    let newer = dir.join("nieuwer.yaml");
    let newer_text = MIGRATED.replace("meldroute: 1", "meldroute: 2");
    std::fs::write(&newer, &newer_text).expect("written");
    let broken = dir.join("kapot.yaml");
    let broken_text = without().replace("title: 'Klacht: migratie'", "title: [Klacht");
    std::fs::write(&broken, &broken_text).expect("written");
    let fine = dir.join("goed.yaml");
    std::fs::write(&fine, without()).expect("written");
    let out = run(&["migrate", &shown(&newer), &shown(&broken), &shown(&fine)]).expect_code(1);
    assert!(
        out.stderr.contains(&format!(
            "{}:3:12: error[MR000]: this file is format version 2; this meldroute ({MELDROUTE_VERSION}) reads format versions up to 1: upgrade meldroute",
            shown(&newer)
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{}:6:", shown(&broken))),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .ends_with("3 files checked: 1 migrated, 0 at format version 1 already, 2 refused\n"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(&newer).expect("read"), newer_text);
    assert_eq!(std::fs::read_to_string(&broken).expect("read"), broken_text);
    // The other files are migrated all the same.
    assert_eq!(std::fs::read_to_string(&fine).expect("read"), MIGRATED);
}

#[test]
fn migrate_works_on_files_not_bundled_ids() {
    let out = run(&["migrate", "rijk/klacht"]).expect_code(2);
    assert!(
        out.stderr.contains(
            "rijk/klacht is a bundled procedure, built into meldroute: migrate rewrites files"
        ),
        "{}",
        out.stderr
    );
    // Nothing is written when any argument is wrong.
    let path = support::temp_dir("migrate-args").join("a.yaml");
    std::fs::write(&path, without()).expect("written");
    run(&["migrate", &shown(&path), "geen/bestand"]).expect_code(2);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), without());
    let help = run_ok(&["migrate", "--help"]);
    assert!(help.stdout.contains("Examples:") && help.stdout.contains("Exit codes:"));
}

/// A symbolic link found in a directory is not rewritten: its target may
/// lie outside the directory migrate was asked to change.
#[cfg(unix)]
#[test]
fn migrate_skips_symbolic_links_found_in_a_directory() {
    let dir = support::temp_dir("migrate-links");
    let outside = dir.join("outside.yaml");
    let text = std::fs::read_to_string(root().join("processes/rijk/klacht.yaml"))
        .expect("klacht")
        .replacen("meldroute: 1\n", "", 1);
    std::fs::write(&outside, &text).expect("written");
    let inside = dir.join("d");
    std::fs::create_dir(&inside).expect("a directory");
    std::os::unix::fs::symlink(&outside, inside.join("link.yaml")).expect("a link");
    let out = run(&["migrate", &inside.display().to_string()]).expect_code(0);
    assert!(
        out.stdout
            .contains("link.yaml: skipped, a symbolic link found in a directory"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&outside).expect("outside"),
        text,
        "untouched"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
