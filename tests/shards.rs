//! Sharded runs (docs/scaling.md): `simulate --shard I/N` writes partial
//! aggregates, `merge` makes from them the single run's output byte for
//! byte, in every format, in any order, with empty shards, and refuses
//! (exit 2, naming the file) partials that are damaged, cut short, of
//! another run, missing or given twice.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::{Path, PathBuf};

use support::{meldroute, output, run, temp_dir};

/// A procedure with escalations (to the Huis voor Klokkenluiders, an
/// authority, the ombudsman).
const PROCEDURE: &str = "rijk/interne-melding";

/// 5 batches of 4,096, the last one short.
const RUNS: &str = "19246";

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// Runs every shard of `count` of `simulate PROCEDURE args` into `dir`;
/// the partials' paths, in shard order.
fn shards(dir: &Path, args: &[&str], count: u64) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let path = dir.join(format!("part-{i}.jsonl"));
            let shard = format!("{i}/{count}");
            let mut all = vec!["simulate", PROCEDURE];
            all.extend_from_slice(args);
            all.extend_from_slice(&["--shard", &shard, "-o", s(&path)]);
            run(&all).ok();
            path
        })
        .collect()
}

/// `merge` of `parts` in this order; its exit status not yet checked.
fn merge(parts: &[&PathBuf]) -> support::Exited {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(|p| s(p)));
    run(&args)
}

/// The single run's standard output.
fn single(args: &[&str]) -> String {
    let mut all = vec!["simulate", PROCEDURE];
    all.extend_from_slice(args);
    run(&all).ok().stdout
}

/// Shuffled: 2, 0, 3, 1, then the rest.
fn shuffled(parts: &[PathBuf]) -> Vec<&PathBuf> {
    let mut order: Vec<&PathBuf> = parts.iter().collect();
    order.rotate_left(2);
    order.swap(1, 2);
    order
}

#[test]
fn four_shards_merged_are_the_single_run_byte_for_byte_in_every_format() {
    let dir = temp_dir("shards-formats");
    for args in [
        &["--runs", RUNS, "--format", "json"][..],
        &["--runs", RUNS, "--format", "csv", "--exact", "--seed", "11"],
        &["--runs", RUNS, "--threads", "1"],
    ] {
        let parts = shards(&dir, args, 4);
        let want = single(args);
        let order = shuffled(&parts);
        assert_ne!(order[0], &parts[0], "not in shard order");
        let merged = merge(&order).ok();
        assert_eq!(merged.stdout, want, "{args:?}");
        assert!(merged.stdout.contains("19246 journeys") || merged.stdout.contains("19246"));
    }
}

#[test]
fn more_shards_than_batches_merge_too_and_empty_shards_hold_no_batch() {
    let dir = temp_dir("shards-empty");
    // 3 batches over 7 shards: 4 shards hold none.
    let args = ["--runs", "9000", "--format", "json", "--threads", "2"];
    let parts = shards(&dir, &args, 7);
    let lines = |p: &PathBuf| std::fs::read_to_string(p).unwrap().lines().count();
    let batches: usize = parts.iter().map(|p| lines(p) - 2).sum();
    assert_eq!(batches, 3);
    assert_eq!(parts.iter().filter(|p| lines(p) == 2).count(), 4);
    let merged = merge(&shuffled(&parts)).ok();
    assert_eq!(merged.stdout, single(&args));
    // One shard of one: the whole run, to standard output.
    let whole = run(&["simulate", PROCEDURE, "--runs", "9000", "--shard", "0/1"]).ok();
    let path = dir.join("whole.jsonl");
    std::fs::write(&path, whole.stdout).unwrap();
    assert_eq!(merge(&[&path]).ok().stdout, single(&["--runs", "9000"]));
}

#[test]
fn the_merged_output_verifies_as_the_single_run() {
    let dir = temp_dir("shards-verify");
    let args = ["--runs", RUNS, "--format", "json", "--timestamp"];
    let parts = shards(&dir, &args, 4);
    let out = dir.join("merged.json");
    let mut all = vec!["merge", "-o", s(&out)];
    all.extend(shuffled(&parts).into_iter().map(|p| s(p)));
    run(&all).ok();
    let text = std::fs::read_to_string(&out).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let command = v["provenance"]["command"].as_array().unwrap();
    let command: Vec<&str> = command.iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(
        command,
        [
            "simulate",
            PROCEDURE,
            "--runs",
            RUNS,
            "--format",
            "json",
            "--timestamp"
        ],
        "the single run's command, without --shard and -o"
    );
    // The latest of the shards' times.
    let made: Vec<String> = parts
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let header: serde_json::Value =
                serde_json::from_str(text.lines().next().unwrap()).unwrap();
            header["made"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        v["provenance"]["made"].as_str(),
        made.iter().max().map(String::as_str)
    );
    let verified = run(&["verify", s(&out)]).ok();
    assert!(
        verified.stdout.contains("reproduced byte for byte"),
        "{}",
        verified.stdout
    );
}

#[test]
fn precision_targets_stop_the_merge_where_they_stop_the_single_run() {
    let dir = temp_dir("shards-precision");
    let args = [
        "--precision",
        "lead_time.mean=4d",
        "--max-runs",
        "81920",
        "--format",
        "json",
    ];
    let want = single(&args);
    let v: serde_json::Value = serde_json::from_str(&want).unwrap();
    let runs = v["runs"].as_u64().unwrap();
    assert!(
        runs < 81920 && runs.is_multiple_of(4096),
        "stops early: {runs}"
    );
    let parts = shards(&dir, &args, 3);
    assert_eq!(merge(&shuffled(&parts)).ok().stdout, want);
}

/// Asserts that `merge` of `parts` is refused (exit 2) with a message that
/// holds each of `says`.
#[track_caller]
fn refused(parts: &[&PathBuf], says: &[&str]) {
    let out = merge(parts).expect_code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    for s in says {
        assert!(out.stderr.contains(s), "no `{s}` in: {}", out.stderr);
    }
}

#[test]
fn damaged_truncated_missing_doubled_and_foreign_partials_are_refused_naming_the_file() {
    let dir = temp_dir("shards-refused");
    let args = ["--runs", "12000", "--format", "csv"];
    let parts = shards(&dir, &args, 3);
    let p = |i: usize| &parts[i];
    let bytes = |i: usize| std::fs::read(&parts[i]).unwrap();
    let copy = |name: &str, content: Vec<u8>| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    };

    // A digit of a batch changed.
    let mut b = bytes(1);
    let at = b.iter().position(|&c| c == b'\n').unwrap() + 200;
    let at = at + b[at..].iter().position(u8::is_ascii_digit).unwrap();
    b[at] = if b[at] == b'7' { b'8' } else { b'7' };
    let damaged = copy("damaged.jsonl", b);
    refused(
        &[p(0), &damaged, p(2)],
        &["damaged.jsonl", "is damaged", "make this shard again"],
    );
    // A count changed that still reads as a batch: the checksum finds it.
    let text = String::from_utf8(bytes(1)).unwrap();
    let key = "\"steps_simulated\":";
    let at = text.find(key).unwrap() + key.len();
    let digit = text.as_bytes()[at];
    let mut b = text.into_bytes();
    b[at] = if digit == b'9' { b'8' } else { digit + 1 };
    let recounted = copy("recounted.jsonl", b);
    refused(
        &[p(0), &recounted, p(2)],
        &[
            "recounted.jsonl is damaged: its SHA-256 is",
            "its end line says",
        ],
    );

    // Cut short.
    let b = bytes(2);
    let cut = copy("cut.jsonl", b[..b.len() * 2 / 3].to_vec());
    refused(&[p(0), p(1), &cut], &["cut.jsonl is truncated"]);

    // Missing, doubled.
    refused(
        &[p(2), p(0)],
        &["shard 1/3 missing", "part-2.jsonl", "part-0.jsonl"],
    );
    let again = copy("again.jsonl", bytes(1));
    refused(
        &[p(0), p(1), &again, p(2)],
        &["again.jsonl and", "part-1.jsonl are both shard 1/3"],
    );

    // Shards of other runs: another seed, other runs, other options, another count.
    for (name, other, field) in [
        (
            "seed",
            &["--runs", "12000", "--format", "csv", "--seed", "5"][..],
            "identity.command",
        ),
        ("runs", &["--runs", "12001", "--format", "csv"], "runs"),
        (
            "steps",
            &["--runs", "12000", "--format", "csv", "--max-steps", "500"],
            "identity.command",
        ),
        (
            "format",
            &["--runs", "12000", "--format", "json"],
            "identity.command",
        ),
    ] {
        let sub = dir.join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let theirs = shards(&sub, other, 3);
        refused(
            &[p(0), &theirs[1], p(2)],
            &[
                &format!("{name}/part-1.jsonl is not a shard of the same run as"),
                field,
            ],
        );
    }
    let sub = dir.join("count");
    std::fs::create_dir_all(&sub).unwrap();
    let four = shards(&sub, &args, 4);
    refused(
        &[p(0), p(1), &four[2]],
        &["count/part-2.jsonl", "shard count is 4 there and 3"],
    );

    // Another build (the header says so; its checksum is not reached).
    let forged: Vec<PathBuf> = (0..3)
        .map(|i| {
            let text = String::from_utf8(bytes(i)).unwrap();
            let text = text.replacen("\"commit\":\"", "\"commit\":\"other-", 1);
            copy(&format!("forged-{i}.jsonl"), text.into_bytes())
        })
        .collect();
    refused(
        &forged.iter().collect::<Vec<_>>(),
        &[
            "forged-0.jsonl was made by meldroute",
            "(commit other-",
            "merge with the build that made the shards",
        ],
    );

    // Not a partial; empty.
    let json = copy(
        "output.json",
        single(&["--runs", "100", "--format", "json"]).into_bytes(),
    );
    refused(&[&json], &["output.json is not a partial aggregate"]);
    let empty = copy("empty.jsonl", Vec::new());
    refused(
        &[p(0), &empty],
        &["empty.jsonl is not a partial aggregate", "it is empty"],
    );
    let absent = dir.join("absent.jsonl");
    refused(&[p(0), &absent], &["cannot read", "absent.jsonl"]);
}

#[test]
fn a_procedure_file_changed_between_shards_or_before_the_merge_is_refused() {
    let dir = temp_dir("shards-files");
    let file = dir.join("klacht.yaml");
    let text = std::fs::read_to_string(support::root().join("processes/rijk/klacht.yaml")).unwrap();
    let own = text.replacen("id: rijk/klacht", "id: test/klacht", 1);
    assert_ne!(own, text);
    std::fs::write(&file, &own).unwrap();
    let part = |i: u64| {
        let path = dir.join(format!("p{i}.jsonl"));
        let shard = format!("{i}/2");
        let args = [
            "simulate",
            s(&file),
            "--runs",
            "9000",
            "--shard",
            &shard,
            "-o",
            s(&path),
        ];
        output(meldroute().args(args)).ok();
        path
    };
    let first = part(0);
    let changed = own.replacen("title: ", "title: Anders ", 1);
    std::fs::write(&file, &changed).unwrap();
    let second = part(1);
    refused(
        &[&first, &second],
        &[
            "p1.jsonl is not a shard of the same run as",
            "identity.files",
            "sha256",
        ],
    );
    // Both shards of the changed file, then the file changes back, or
    // breaks: refused as another file, before it is validated.
    let first = part(0);
    for now in [own.as_str(), "id: [\n"] {
        std::fs::write(&file, now).unwrap();
        refused(
            &[&first, &second],
            &[
                "klacht.yaml is not the file the shards read",
                "merge with the procedure files the shards were made from",
            ],
        );
    }
}

#[test]
fn shard_syntax_is_checked_before_anything_runs() {
    for (shard, says) in [
        (
            "3/2",
            "the index must be below the count (shards of 2 are 0/2 to 1/2)",
        ),
        ("2/2", "shards of 2 are 0/2 to 1/2"),
        ("0/0", "a run has at least one shard"),
        ("4", "write it as I/N"),
        ("x/4", "its index 'x' is not a whole number"),
    ] {
        let out = run(&["simulate", PROCEDURE, "--shard", shard]).expect_code(2);
        assert!(out.stderr.contains(says), "{shard}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let out = run(&["simulate", PROCEDURE, "-o", "x.jsonl"]).expect_code(2);
    assert!(out.stderr.contains("--shard"), "{}", out.stderr);
    let out = run(&["merge"]).expect_code(2);
    assert!(out.stderr.contains("PARTIAL"), "{}", out.stderr);
}

#[test]
fn both_commands_explain_themselves_with_examples_and_exit_codes() {
    let merge = run(&["merge", "--help"]).ok().stdout;
    for says in [
        "Examples:",
        "--shard $i/4",
        "meldroute merge part-*.jsonl",
        "Exit codes: 0 merged",
        "2 refused",
    ] {
        assert!(
            merge.contains(says),
            "merge --help lacks `{says}`:\n{merge}"
        );
    }
    let simulate = run(&["simulate", "--help"]).ok().stdout;
    for says in [
        "--shard <I/N>",
        "--shard 0/4 -o part-0.jsonl",
        "Exit codes:",
        "docs/scaling.md",
    ] {
        assert!(
            simulate.contains(says),
            "simulate --help lacks `{says}`:\n{simulate}"
        );
    }
}

#[test]
fn a_run_in_which_no_journey_ends_stops_after_batch_0_and_merges_to_exit_1() {
    let dir = temp_dir("shards-hopeless");
    // No journey of the internal report ends within one step.
    let args = ["--runs", "12288", "--max-steps", "1", "--format", "json"];
    let mut all = vec!["simulate", PROCEDURE];
    all.extend_from_slice(&args);
    let want = run(&all).expect_code(1);
    assert!(want.stderr.contains("error"), "{}", want.stderr);
    let parts: Vec<PathBuf> = (0..3)
        .map(|i| {
            let path = dir.join(format!("part-{i}.jsonl"));
            let shard = format!("{i}/3");
            let mut all = all.clone();
            all.extend_from_slice(&["--shard", &shard, "-o", s(&path)]);
            let out = run(&all).ok();
            assert!(
                out.stderr.contains("this shard stopped too"),
                "{}",
                out.stderr
            );
            // The header, its first batch, the end line.
            assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
            path
        })
        .collect();
    let merged = merge(&shuffled(&parts)).expect_code(1);
    assert_eq!(merged.stdout, want.stdout);
    assert_eq!(merged.stderr, want.stderr);
}

/// The shards of `count` of `sensitivity args`, in shard order.
fn study_shards(dir: &Path, args: &[&str], count: u64) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let path = dir.join(format!("study-{i}.jsonl"));
            let shard = format!("{i}/{count}");
            let mut all = vec!["sensitivity"];
            all.extend_from_slice(args);
            all.extend_from_slice(&["--shard", &shard, "-o", s(&path)]);
            run(&all).ok();
            path
        })
        .collect()
}

#[test]
fn the_points_of_a_sensitivity_study_shard_and_merge_to_the_single_study() {
    let dir = temp_dir("shards-study");
    let chain = support::root().join("tests/fixtures/sensitivity/keten.yaml");
    let chain = s(&chain).to_owned();
    for args in [
        // 9 points of 2 batches: shards cut points in the middle.
        vec![chain.as_str(), "--runs", "5000", "--format", "json"],
        vec![chain.as_str(), "--runs", "5000", "--format", "svg"],
        vec![
            chain.as_str(),
            "--runs",
            "3000",
            "--method",
            "sobol",
            "--samples",
            "8",
            "--format",
            "csv",
        ],
    ] {
        let parts = study_shards(&dir, &args, 4);
        let mut single = vec!["sensitivity"];
        single.extend_from_slice(&args);
        let want = run(&single).ok().stdout;
        let merged = merge(&shuffled(&parts)).ok();
        assert_eq!(merged.stdout, want, "{args:?}");
        assert!(!want.is_empty());
    }
    // A study's shards with a simulation's are of another run.
    let study = study_shards(&dir, &[chain.as_str(), "--runs", "5000"], 2);
    let sim = shards(&dir, &["--runs", "5000"], 2);
    let out = merge(&[&study[0], &sim[1]]).expect_code(2);
    assert!(
        out.stderr.contains("is not a shard of the same run"),
        "{}",
        out.stderr
    );
}
