//! Interim updates end to end (`updates:` on a step, docs/format.md): the
//! journey map, the graph view, `trace`, the journey rules and `simulate
//! --exact` on one investigation of 20 weeks whose silence updates break,
//! read with feedback updates, bare updates and none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::PathBuf;

use support::{run, run_ok, temp_dir};

/// The fixture: updates every 4 weeks with `feedback: true`.
const FIXTURE: &str = "tests/fixtures/updates/tussentijds.yaml";
/// Its updates, as the fixture writes them.
const UPDATES: &str = "updates: {every: 4w, feedback: true}";

/// The fixture with its updates written `updates` (`""`: none), in a file
/// of its own under a temporary directory named `name`.
fn variant(name: &str, updates: &str) -> PathBuf {
    let text = std::fs::read_to_string(support::root().join(FIXTURE)).expect("the fixture");
    assert!(text.contains(UPDATES), "the fixture has {UPDATES}");
    let line = format!("    {UPDATES}\n");
    let changed = if updates.is_empty() {
        text.replace(&line, "")
    } else {
        text.replace(UPDATES, updates)
    };
    let path = temp_dir(name).join("tussentijds.yaml");
    std::fs::write(&path, changed).expect("written");
    path
}

fn journey_svg(path: &str) -> String {
    run_ok(&["render", path, "--view", "journey", "--lang", "en"]).stdout
}

#[test]
fn the_journey_map_draws_each_update_and_the_silences_it_ends() {
    let told = journey_svg(FIXTURE);
    // Weeks 4, 8, 12 and 16 of the investigation, which starts on day 2.
    assert_eq!(
        told.matches("<title>feedback update, week").count(),
        4,
        "{told}"
    );
    assert!(
        told.contains("<title>feedback update, week 4.3</title>"),
        "{told}"
    );
    assert!(told.contains("4× feedback update, every 4 wk"), "{told}");
    // The silences are the 4 weeks between them, not the 20 weeks and a
    // day to the feedback.
    assert!(told.contains(">4.0 wk silent<"), "{told}");
    assert!(!told.contains("20.1 wk silent"), "{told}");

    let bare = variant("updates-bare", "updates: {every: 4w}");
    let bare = journey_svg(&bare.display().to_string());
    assert_eq!(bare.matches("<title>update, week").count(), 4, "{bare}");
    assert!(!bare.contains("feedback update"), "{bare}");
    assert!(bare.contains("4× update, every 4 wk"), "{bare}");
    assert!(!bare.contains("20.1 wk silent"), "{bare}");

    let none = variant("updates-none", "");
    let none = journey_svg(&none.display().to_string());
    assert!(
        !none.contains("update, week") && !none.contains("update, every"),
        "{none}"
    );
    assert!(none.contains(">20.1 wk silent<"), "{none}");
}

#[test]
fn the_journey_map_draws_a_bounded_number_of_updates() {
    // Ten years with an update every day: 3,652 updates.
    let text = std::fs::read_to_string(support::root().join(FIXTURE)).expect("the fixture");
    let long = text
        .replace("duration: 20w", "duration: 10y")
        .replace(UPDATES, "updates: {every: 1d}");
    let path = temp_dir("updates-daily").join("dagelijks.yaml");
    std::fs::write(&path, long).expect("written");
    let svg = journey_svg(&path.display().to_string());
    let marks = svg.matches("<title>update, week").count();
    assert_eq!(marks, 12, "at most 12 updates of a step are drawn");
    assert!(
        svg.contains("3,652× update, every 1 day (+3,640 more not drawn)"),
        "{svg}"
    );
    // No silence is drawn between the updates not drawn.
    assert!(svg.matches("silent<").count() < 10, "{svg}");
    assert!(svg.len() < 20_000, "{} bytes", svg.len());
}

#[test]
fn the_mermaid_journey_and_the_trace_show_the_updates() {
    let mermaid = run_ok(&[
        "render", FIXTURE, "--view", "journey", "--format", "mermaid", "--lang", "en",
    ])
    .stdout;
    // Before the investigation's own task, scored by the 4 weeks' silence.
    assert!(
        mermaid.contains("      4× update every 4 wk: 3: Organisatie\n      Onderzoek: "),
        "{mermaid}"
    );
    let trace = run_ok(&["trace", FIXTURE]).stdout;
    let row = trace
        .lines()
        .find(|l| l.contains("Onderzoek") && l.contains("test/tussentijds"))
        .expect("the investigation's row");
    assert!(
        row.contains("4 feedback updates every 4.0 w, the first at 4.3 w; silence 4.0 w"),
        "{trace}"
    );
}

#[test]
fn the_graph_view_labels_a_step_with_updates() {
    let dot = run_ok(&["render", FIXTURE]).stdout;
    assert!(
        dot.contains(r#"label="Onderzoek\n[investigation] 20.0 w (median)\nfeedback every 4w""#),
        "{dot}"
    );
    let bare = variant("updates-dot", "updates: {every: 4w, first: 2w}");
    let dot = run_ok(&["render", &bare.display().to_string()]).stdout;
    assert!(
        dot.contains(r#"\nupdates every 4w, first after 2w""#),
        "{dot}"
    );
    assert!(!dot.contains("feedback every"), "{dot}");
}

#[test]
fn feedback_updates_keep_the_three_months_and_bare_ones_do_not() {
    // The final feedback has no deadline: only the updates can keep the
    // term.
    let told = run_ok(&["gaps", FIXTURE]);
    assert!(!told.stdout.contains("MR107"), "{}", told.stdout);
    let bare = variant("updates-gaps", "updates: {every: 4w}");
    let out = run(&["gaps", &bare.display().to_string()]).expect_code(1);
    assert!(
        out.stdout.contains("error[MR107]")
            && out.stdout.contains("norm `feedback-within-3-months`"),
        "{}",
        out.stdout
    );
    // The first update after 14 weeks is too late.
    let late = variant(
        "updates-late",
        "updates: {every: 4w, first: 14w, feedback: true}",
    );
    let out = run(&["gaps", &late.display().to_string()]).expect_code(1);
    assert!(
        out.stdout.contains("norm `feedback-within-3-months`"),
        "{}",
        out.stdout
    );
}

fn simulate_json(path: &str) -> serde_json::Value {
    let out = run_ok(&[
        "simulate", path, "--exact", "--runs", "20000", "--format", "json",
    ]);
    serde_json::from_str(&out.stdout).expect("JSON")
}

#[test]
fn exact_contacts_count_the_updates_and_the_rest_is_named() {
    let json = simulate_json(FIXTURE);
    let exact = &json["exact"];
    let c = exact["contacts_mean"].as_f64().expect("an exact figure");
    let (low, high) = (
        json["contacts_mean_ci95"]["low"].as_f64().expect("low"),
        json["contacts_mean_ci95"]["high"].as_f64().expect("high"),
    );
    let half = (high - low) / 2.0;
    assert!(low - half <= c && c <= high + half, "{c} vs {low}..{high}");
    let not_covered: Vec<&str> = exact["not_covered"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| f.as_str().expect("a name"))
        .collect();
    for figure in [
        "longest_silence_days",
        "first_contact_days",
        "feedback_within_3_months",
    ] {
        assert!(not_covered.contains(&figure), "{not_covered:?}");
    }
    assert!(!not_covered.contains(&"contacts_mean"), "{not_covered:?}");
    // Without the updates, four fewer contacts per journey exactly.
    let none = variant("updates-exact-none", "");
    let without = simulate_json(&none.display().to_string())["exact"]["contacts_mean"]
        .as_f64()
        .expect("an exact figure");
    assert!((c - without - 4.0).abs() < 1e-6, "{c} vs {without}");

    let table = run_ok(&["simulate", FIXTURE, "--exact", "--runs", "8192"]).stdout;
    assert!(
        table.contains("contacts per journey (interim updates included): simulated ")
            && table.contains("not given exactly (simulated only): lead_time_days (all but the mean), first_contact_days, longest_silence_days"),
        "{table}"
    );
}

#[test]
fn exact_says_so_when_it_cannot_count_the_updates() {
    // A lognormal with a very long tail and an update every hour: the sum
    // would take more than ten million terms.
    let text = std::fs::read_to_string(support::root().join(FIXTURE)).expect("the fixture");
    let wide = text
        .replace(
            "duration: 20w",
            "duration: {lognormal: {median: 1d, p90: 50w}}",
        )
        .replace(UPDATES, "updates: {every: 1h}");
    let path = temp_dir("updates-wide").join("breed.yaml");
    std::fs::write(&path, wide).expect("written");
    let path = path.display().to_string();
    let out = run_ok(&[
        "simulate", &path, "--exact", "--runs", "4096", "--format", "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(
        json["exact"]["contacts_mean"].is_null(),
        "{}",
        json["exact"]
    );
    assert_eq!(json["exact"]["not_covered"][0], "contacts_mean");
    let table = run_ok(&["simulate", &path, "--exact", "--runs", "4096"]).stdout;
    assert!(table.contains("no exact figure"), "{table}");
    assert!(
        table.contains("not given exactly (simulated only): contacts_mean, "),
        "{table}"
    );
}
