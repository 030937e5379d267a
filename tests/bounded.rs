//! Bounded work on the largest valid inputs: long chains of steps and of
//! escalations across files, thousands of findings, loops a journey almost
//! never leaves. Each test would crash, take minutes or gigabytes if the
//! mechanism it guards broke.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::Path;

use support::largest::{chain, escalation_chain};
use support::{run, temp_dir};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// Ten files of 9,000 steps that escalate into each other in a chain, each
/// within every default limit: the loop check and every search over the
/// library are iterative, so no command overflows the stack (it aborted
/// with exit 134 when the cycle check recursed once per step).
#[test]
fn a_chain_of_escalations_across_many_files_does_not_overflow_the_stack() {
    let dir = temp_dir("bounded-chain");
    escalation_chain(&dir, 10, 9000, |_| "intake", false);
    let d = dir.to_string_lossy().into_owned();
    let out = run(&["validate", &d]).expect_code(0);
    assert!(out.stdout.contains("10 procedures"), "{}", out.stdout);
    // The same files in a ring: one loop of 90,000 steps, found.
    escalation_chain(&dir, 10, 9000, |_| "intake", true);
    let out = run(&["validate", &d, "--format", "short"]).expect_code(1);
    assert!(
        out.stdout.contains("MR008") && out.stdout.contains("more"),
        "{}",
        out.stdout
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// 1,125 decisions in a chain of 9,000 steps, none with a route to an
/// external body: every one is found (counts and JSON exact), each route
/// is kept in part, and the human output names the first 20 and how many
/// more. Before, every finding held its whole route of up to 9,000 step
/// ids and titles: `compare` peaked at 1 GB and `report` wrote 97 MB.
#[test]
fn thousands_of_findings_with_long_routes_are_summarised_not_copied() {
    let dir = temp_dir("bounded-findings");
    let file = write(
        &dir,
        "besluiten.yaml",
        &chain(
            "keten/besluiten",
            9000,
            |i| if i % 8 == 7 { "decision" } else { "intake" },
            "outcome: closed",
        ),
    );
    let out = run(&[
        "gaps",
        &file,
        "--structural-only",
        "--select",
        "MR106",
        "--format",
        "json",
    ])
    .expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    assert_eq!(findings.len(), 1125);
    // The first decision is step s7: its route runs to the end, s8999.
    let first = &findings[0];
    assert_eq!(first["path_steps"], 8993);
    assert_eq!(first["path_omitted"], 8993 - 32);
    let path = first["path"].as_array().expect("path");
    assert_eq!(path.len(), 32);
    assert_eq!(path[0], "s7");
    assert_eq!(path[23], "s30");
    assert_eq!(path[24], "s8992");
    assert_eq!(path[31], "s8999");

    let out = run(&["gaps", &file, "--structural-only", "--select", "MR106"]).expect_code(1);
    assert_eq!(
        out.stdout.matches("error[MR106]").count(),
        20,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("... and 1,105 more MR106 no-escalation-route findings in this procedure"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("… 8,961 more steps …"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("1 procedure: 1125 errors"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.len() < 200_000, "{} bytes", out.stdout.len());
    let _ = std::fs::remove_dir_all(dir);
}

/// A report step, a decision and aftercare, 3,333 times in a chain: the
/// searches of the journey rules are linear per report step (the aftercare
/// rule searched once per pair of steps, 26 s for this file).
#[test]
fn many_report_steps_are_checked_in_linear_time() {
    let dir = temp_dir("bounded-reports");
    let kinds = ["report", "decision", "aftercare"];
    let file = write(
        &dir,
        "meldingen.yaml",
        &chain("keten/meldingen", 9999, |i| kinds[i % 3], "outcome: closed"),
    );
    let started = std::time::Instant::now();
    let out = run(&["gaps", &file, "--structural-only", "--format", "json"]).expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    let count = |code: &str| findings.iter().filter(|f| f["code"] == code).count();
    // Every decision but those followed by aftercare on the way out... all
    // 3,333 decisions lack an external route; every report step lacks
    // feedback; none lacks aftercare.
    assert_eq!(count("MR106"), 3333);
    assert_eq!(count("MR102"), 3333);
    assert_eq!(count("MR103"), 0);
    assert!(
        // Debug build, under load; the quadratic search took minutes.
        started.elapsed() < std::time::Duration::from_secs(120),
        "{:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A loop left with one chance in a billion per step.
const TINY_EXIT: &str = r"meldroute: 1
id: keten/lus
title: Lus
organisation: Test
kind: anonymous-line
sources:
  s: {title: Bron, url: 'https://example.org'}
actors:
  a: {title: Organisatie, role: organisation}
  m: {title: Melder, role: reporter}
start: melding
steps:
  melding: {title: Melding, actor: m, kind: report, sources: [s], next: lus}
  lus: {title: Lus, actor: a, kind: intake, sources: [s], basis: policy, next: [{to: lus, p: 0.999999999}, {to: einde, p: 0.000000001}]}
  einde: {title: Einde, actor: a, kind: closure, sources: [s], outcome: closed}
";

/// The loop counts as escapable (no MR008), but validation warns of it
/// (MR018, with the exact expected number of steps), and a simulation
/// stops after its first batch instead of running 100,000 journeys to the
/// step limit (4,096 journeys run, not 100,000: tens of seconds before):
/// exit 1, the reason on standard error, `stopped_early` in the figures,
/// the same on one thread and two.
#[test]
fn a_loop_the_journey_almost_never_leaves_is_warned_of_and_stops_the_run() {
    let dir = temp_dir("bounded-loop");
    let file = write(&dir, "lus.yaml", TINY_EXIT);
    let out = run(&["validate", &file, "--format", "short"]).expect_code(0);
    assert!(
        out.stdout.contains("warning[MR018]")
            && out.stdout.contains("about 1,000,000,000 steps on average"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("MR008"), "{}", out.stdout);

    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = run(&[
            "simulate",
            &file,
            "--format",
            "json",
            "--threads",
            threads,
            "--max-steps",
            "1000",
        ])
        .expect_code(1);
        assert!(
            out.stderr.contains("stopped after its first 4096 journeys")
                && out.stderr.contains("step limit of 1000 steps")
                && out.stderr.contains("--max-steps"),
            "{}",
            out.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        assert_eq!(v["stopped_early"], true);
        assert_eq!(v["runs"], 4096);
        assert_eq!(v["unfinished"], 1.0);
        // The provenance names the thread count; the figures do not change.
        outputs.push(support::without_provenance(&out.stdout));
    }
    assert_eq!(outputs[0], outputs[1]);
    // A run that finishes journeys is not stopped.
    let out = run(&[
        "simulate",
        "rijk/klacht",
        "--format",
        "json",
        "--runs",
        "10000",
    ])
    .ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        (v["stopped_early"].clone(), v["runs"].clone()),
        (false.into(), 10000.into())
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A loop more likely than its way out (60% back to the assessment): the
/// routes are ranked by the probability of the whole route, so the most
/// probable goes straight out (40%), the loop once is the second (24%),
/// and no map draws 10,000 steps of the loop (a 2.4 MB SVG, a 5 MB report).
#[test]
fn the_most_likely_route_of_a_likely_loop_ends() {
    let dir = temp_dir("bounded-likely-loop");
    let file = write(
        &dir,
        "lus.yaml",
        &TINY_EXIT.replace(
            "next: [{to: lus, p: 0.999999999}, {to: einde, p: 0.000000001}]",
            "next: [{to: aanvulling, p: 0.6}, {to: einde, p: 0.4}]}\n  aanvulling: {title: Aanvulling, actor: m, kind: report, sources: [s], next: lus",
        ),
    );
    let tasks = |route: &str| {
        let out = run(&[
            "render", &file, "--view", "journey", "--format", "mermaid", "--route", route,
        ])
        .ok();
        out.stdout
            .lines()
            .filter(|l| l.starts_with("      "))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // melding, lus, einde; then melding, lus, aanvulling, lus, einde.
    let first = tasks("1");
    assert_eq!(first.len(), 3, "{first:?}");
    assert!(first[2].contains("Einde"), "{first:?}");
    assert_eq!(tasks("2").len(), 5);
    let svg = run(&["render", &file, "--view", "journey"]).ok();
    assert!(svg.stdout.len() < 50_000, "{} bytes", svg.stdout.len());
    let _ = std::fs::remove_dir_all(dir);
}

/// 150 procedures of four steps that escalate into each other in a chain,
/// each with a deadline: `compare` and `report` keep a bounded amount per
/// procedure, whatever it reaches. Each report section draws at most 120
/// steps of its journey map and lists 20 deadlines with a count of the
/// rest; before, the report kept every procedure's whole simulation (2,000
/// such files: 4.6 GB, and a 1.25 GB file of journey maps running the
/// whole chain). A report of more procedures than --max-procedures is
/// refused before any work, and writes nothing.
#[test]
fn comparing_a_chain_of_procedures_keeps_a_bounded_amount_per_procedure() {
    let dir = temp_dir("bounded-compare");
    let files = 150;
    for f in 0..files {
        let last = if f + 1 == files {
            "outcome: closed".to_owned()
        } else {
            format!("escalate: {{procedure: keten/c{}}}", f + 1)
        };
        let text = chain(&format!("keten/c{f}"), 4, |_| "intake", &last).replace(
            "s1: {title: Stap 1,",
            "s1: {deadline: {within: 7d, basis: Testtermijn}, title: Stap 1,",
        );
        write(&dir, &format!("c{f}.yaml"), &text);
    }
    let d = dir.to_string_lossy().into_owned();
    let out = run(&["compare", &d, "--runs", "200", "--format", "csv"]).expect_code(0);
    assert_eq!(
        support::without_provenance(&out.stdout).lines().count(),
        files + 1,
        "{}",
        out.stdout
    );

    let html = dir.with_extension("html");
    let h = html.to_string_lossy().into_owned();
    run(&["report", &d, "--no-graphs", "--runs", "200", "-o", &h]).expect_code(0);
    let text = std::fs::read_to_string(&html).expect("the report");
    let section = |f: usize| {
        let start = text
            .find(&format!("data-procedure=\"keten/c{f}\""))
            .expect("a section");
        let end = text[start..].find("</section>").expect("its end");
        &text[start..start + end]
    };
    let first = section(0);
    // The journey of the first procedure runs through all 600 steps.
    assert!(first.contains("drawn: the first 120 of 600"), "{first}");
    assert_eq!(first.matches(r#"height="8" rx="2""#).count(), 120);
    let deadlines = &first[first.find("<h3>Deadlines</h3>").expect("deadlines")..];
    let deadlines = &deadlines[..deadlines.find("</table>").expect("a table")];
    assert_eq!(
        deadlines.matches("<tr><td><code>").count(),
        20,
        "{deadlines}"
    );
    assert!(
        first.contains("… and 130 more deadlines of the procedures it escalates to"),
        "{first}"
    );
    // The last procedure reaches only itself: drawn whole.
    let last = section(files - 1);
    assert!(last.contains("ending after"), "{last}");
    assert!(!last.contains("drawn: the first"), "{last}");
    assert!(!last.contains("more deadlines"), "{last}");
    // A journey map of 120 steps with their labels, whiskers and stages
    // is about 60 kB.
    assert!(text.len() < files * 120_000, "{} bytes", text.len());

    let refused = dir.with_extension("refused.html");
    let r = refused.to_string_lossy().into_owned();
    let out = run(&["report", &d, "--max-procedures", "100", "-o", &r]).expect_code(2);
    assert!(
        out.stderr.contains("150 procedures to report on")
            && out.stderr.contains("--max-procedures"),
        "{}",
        out.stderr
    );
    assert!(!refused.exists());
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_file(html);
}

/// More files than --max-library-files: the file that crosses the limit
/// is refused at its first line, naming the flag, and the files after it
/// are not read (each would be refused and its text kept: a directory of
/// any size would fill memory); raising the limit reads them all.
/// (10,000 files by default: on 38,000 small files, `gaps` peaked at
/// 560 MB and `gaps --format json` at 811 MB.)
#[test]
fn more_files_than_the_library_limit_are_refused_where_they_start() {
    let dir = temp_dir("bounded-files");
    support::largest::many_files(&dir, 6);
    let d = dir.to_string_lossy().into_owned();
    let out = run(&[
        "validate",
        &d,
        "--max-library-files",
        "4",
        "--format",
        "short",
    ])
    .expect_code(1);
    let refused: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("more than the limit of 4 files read together"))
        .collect();
    assert_eq!(refused.len(), 1, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "1 more procedure file was not read: the files before reached a library limit"
        ),
        "{}",
        out.stderr
    );
    assert!(
        refused
            .iter()
            .all(|l| l.contains(".yaml:1:1: error[MR000]")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("this is file 5 read"), "{}", out.stdout);
    let out = run(&["validate", &d, "--max-library-files", "4"]).expect_code(1);
    assert!(
        out.stdout.contains("--max-library-files")
            && out.stdout.contains("the files after this one are not read"),
        "{}",
        out.stdout
    );
    let out = run(&["validate", &d, "--max-library-files", "6"]).expect_code(0);
    assert!(
        out.stdout.contains("checked 6 procedures"),
        "{}",
        out.stdout
    );
    let _ = std::fs::remove_dir_all(dir);
}
