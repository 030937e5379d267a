//! Journeys on dates (docs/calendars.md): working days (`5wd`) on the
//! actor's calendar, and the reporter's legal terms ending where the
//! Algemene termijnenwet ends them, with `--start-date` and in a caseload;
//! without a date, a working day counts at its calendar's mean length.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use support::{root, run, run_ok, temp_dir};

/// Report, an acknowledgement of 8 days, 5 working days of investigation,
/// feedback, end: every duration fixed.
const FIXTURE: &str = "tests/fixtures/dates/werkdagen.yaml";

fn fixture() -> String {
    std::fs::read_to_string(root().join(FIXTURE)).unwrap()
}

fn simulate(file: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["simulate", file, "--runs", "500", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&run_ok(&args).stdout).expect("JSON")
}

fn lead(v: &serde_json::Value) -> f64 {
    v["lead_time_days"]["mean"].as_f64().unwrap()
}

#[test]
fn without_a_date_a_working_day_counts_at_the_calendars_mean_length() {
    // 8 days, then 5 working days at the Rijk's 1.44 calendar days each
    // (365.24 days / 253.3 working days a year over 2001-2100): the ratio
    // is the one the model uses, and the 8 days are late by calendar days.
    let ratio = meldroute_core::sim::model::working_day_ratio(
        &meldroute_core::calendar::WorkCalendar::rijk(),
    );
    assert!((1.43..1.45).contains(&ratio), "{ratio}");
    let v = simulate(FIXTURE, &[]);
    assert!(
        (lead(&v) - (8.0 + 5.0 * ratio)).abs() < 1e-6,
        "{}",
        lead(&v)
    );
    assert_eq!(v["acknowledged_within_7_days"], 0.0);
}

#[test]
fn on_a_date_working_days_skip_the_weekend_and_terms_end_by_the_atw() {
    // A report on Saturday 7 March 2026 (day 0). The acknowledgement comes
    // 8 days later, at the midnight that ends Saturday 14 March (day 7): a
    // term counts from the day after the report, so its 7 days end on
    // Saturday 14 March (extended to Monday 16 March, Atw art. 1), and the
    // acknowledgement is in time, where by calendar days from the moment it
    // is late. The investigation starts at midnight on Sunday 15 March, a
    // day off, works Monday 16 to Friday 20 March and ends at the midnight
    // after: day 14.
    let v = simulate(FIXTURE, &["--start-date", "2026-03-07"]);
    assert_eq!(lead(&v), 14.0);
    assert_eq!(v["acknowledged_within_7_days"], 1.0);
    assert_eq!(v["feedback_within_3_months"], 1.0);
    assert_eq!(v["provenance"]["options"]["start_date"], "2026-03-07");
}

#[test]
fn an_acknowledgement_of_9_days_is_late_unless_the_term_runs_on() {
    let dir = temp_dir("dates-negen");
    let file = dir.join("negen.yaml");
    std::fs::write(&file, fixture().replace("duration: 8d", "duration: 9d")).unwrap();
    let f = file.to_str().unwrap();
    // From Tuesday 10 March 2026 the 7 days end on Tuesday 17 March: the
    // acknowledgement at the end of Wednesday 18 March is late.
    let v = simulate(f, &["--start-date", "2026-03-10"]);
    assert_eq!(v["acknowledged_within_7_days"], 0.0);
    // From Saturday 7 March they run on to Monday 16 March: day 9 ends at
    // the end of Sunday 15 March, in time.
    let v = simulate(f, &["--start-date", "2026-03-07"]);
    assert_eq!(v["acknowledged_within_7_days"], 1.0);
    // From Friday 27 March the 7 days end on Good Friday 3 April, run on
    // past the weekend and Easter Monday to Tuesday 7 April: 9 days end on
    // Sunday 5 April, in time.
    let v = simulate(f, &["--start-date", "2026-03-27"]);
    assert_eq!(v["acknowledged_within_7_days"], 1.0);
    // Work from midnight on Sunday 5 April (day 9): Easter Monday 6 April
    // is a day off at the Rijk, so the 5 working days are Tuesday 7 to
    // Monday 13 April, ending at the midnight after: Tuesday 14 April, day 18.
    assert_eq!(lead(&v), 18.0);
}

#[test]
fn an_actor_that_works_every_day_takes_5_days() {
    let dir = temp_dir("dates-elke-dag");
    let file = dir.join("elke-dag.yaml");
    let text = fixture().replace(
        "org: {title: Organisatie, role: organisation}",
        "org: {title: Organisatie, role: organisation, calendar: {base: all}}",
    );
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    assert_eq!(lead(&simulate(f, &["--start-date", "2026-03-07"])), 13.0);
    // Without a date its mean length is 1 day.
    assert!((lead(&simulate(f, &[])) - 13.0).abs() < 1e-9);
}

#[test]
fn a_caseload_runs_on_its_dates() {
    let dir = temp_dir("dates-caseload");
    let proc_file = dir.join("werkdagen.yaml");
    std::fs::write(&proc_file, fixture()).unwrap();
    let caseload = dir.join("c.yaml");
    std::fs::write(
        &caseload,
        "meldroute: 1
caseload: test/op-datum
title: Op datum
start: 2026-03-01
until: 2026-04-01
procedures:
  - procedure: test/werkdagen
    arrivals: {dates: [2026-03-07], basis: assumption}
",
    )
    .unwrap();
    let out = run_ok(&[
        "simulate",
        caseload.to_str().unwrap(),
        proc_file.to_str().unwrap(),
        "--format",
        "json",
        "--replications",
        "2",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let p = &v["procedures"][0];
    // The one report, on Saturday 7 March, as with --start-date above.
    assert_eq!(p["lead_mean_days"]["value"], 14.0);
    assert_eq!(p["acknowledged_within_7_days"]["value"], 1.0);
}

#[test]
fn a_start_date_that_does_not_exist_is_refused() {
    let out = run(&["simulate", FIXTURE, "--start-date", "2026-02-30"]).expect_code(2);
    assert!(out.stderr.contains("2026-02-30"), "{}", out.stderr);
    assert!(
        out.stderr.contains("February 2026 has 28 days"),
        "{}",
        out.stderr
    );
}

#[test]
fn working_days_and_calendar_days_do_not_mix_in_one_distribution() {
    let dir = temp_dir("dates-mix");
    let file = dir.join("mix.yaml");
    std::fs::write(
        &file,
        fixture().replace("duration: 5wd", "duration: {uniform: {min: 3wd, max: 2w}}"),
    )
    .unwrap();
    let out = run(&["validate", file.to_str().unwrap()]).expect_code(1);
    assert!(out.stdout.contains("mixes working days"), "{}", out.stdout);
    assert!(out.stdout.contains("mix.yaml:16:"), "{}", out.stdout);
}
