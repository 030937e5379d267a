//! One definition of every measure: `simulate`, `gaps`, `compare` and
//! `report` give the same figures for the same procedure, seed and runs,
//! and the reporter shares count the journeys that made a report.

mod support;

use support::{json_items, run};

/// The procedure, seed and runs every command below is given.
const SAME: [&str; 5] = ["rijk/interne-melding", "--seed", "7", "--runs", "20000"];

fn args<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![command];
    a.extend(SAME);
    a.extend(extra);
    a
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn number(v: &serde_json::Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}"))
}

/// A share as the tables print it, without its interval: `88.6%`.
fn shown(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

#[test]
fn feedback_within_3_months_is_the_same_share_in_every_command() {
    // simulate: the figure and its denominator.
    let sim = run(&args("simulate", &["--format", "json"])).ok();
    let sim = json(&sim.stdout);
    let in_time = number(&sim["feedback_within_3_months"], "feedback_within_3_months");
    let reported = sim["reported"].as_u64().expect("reported");
    assert_eq!(reported, 20_000, "every journey through it reports");
    // Interim feedback counts: the share is well above the share of
    // journeys whose final feedback meets its deadline on the step.
    let final_met = sim["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["step"] == "rijk/interne-melding:terugkoppeling")
        .map(|d| number(&d["met"], "met"))
        .expect("the final feedback's deadline");
    assert!(
        (0.8..0.95).contains(&in_time) && in_time > final_met + 0.03,
        "{in_time} vs {final_met}"
    );

    // gaps: MR105 judges the statutory feedback term by the same
    // definition, as the share of reporters without it. The file accepts
    // the finding, so gaps exits 0.
    let gaps = run(&args("gaps", &["--format", "json"])).ok();
    let findings = json_items(&gaps.stdout, "findings");
    let late = findings
        .iter()
        .find(|f| {
            f["code"] == "MR105"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("get no feedback within"))
        })
        .unwrap_or_else(|| panic!("the late-feedback finding in {findings:?}"));
    let late_share = number(&late["share"], "share");
    assert!(
        (1.0 - late_share - in_time).abs() < 2e-6,
        "gaps: {late_share} late, simulate: {in_time} in time"
    );
    let message = late["message"].as_str().expect("message");
    assert!(
        message.starts_with(&shown(1.0 - in_time)),
        "{message} vs {}",
        shown(in_time)
    );
    // The text output says the same.
    let gaps_text = run(&args("gaps", &[])).ok();
    assert!(
        gaps_text
            .stdout
            .contains(&format!("{} (95% CI", shown(1.0 - in_time))),
        "{}",
        gaps_text.stdout
    );

    // compare: the column of the same name.
    let compare = run(&args("compare", &["--format", "json"])).ok();
    let rows = json_items(&compare.stdout, "rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        number(&rows[0]["feedback_within_3_months"], "compare"),
        in_time
    );
    assert_eq!(rows[0]["reported"].as_u64(), Some(reported));

    // simulate's table.
    let table = run(&args("simulate", &[])).ok();
    assert!(
        table.stdout.contains(&format!(
            "of the {reported} journeys that made a report: acknowledged within 7 days "
        )) && table
            .stdout
            .contains(&format!("feedback within 3 months {} ", shown(in_time))),
        "{}",
        table.stdout
    );

    // report: the procedure's paragraph and the comparison table.
    let report = run(&args("report", &["--no-graphs"])).ok();
    let html = &report.stdout;
    assert!(
        html.contains(&format!(
            "Of the 20,000 journeys that made a report, {} ",
            shown(in_time)
        )),
        "the report's paragraph"
    );
    let cell = format!(
        "<td class=\"num\">{} ",
        shown(in_time).trim_end_matches('%')
    );
    assert!(html.contains(&cell), "the report's table: {cell}");
}

#[test]
fn reporter_shares_count_only_the_journeys_that_made_a_report() {
    // In ministerie-b some journeys are referred elsewhere after advice,
    // before any report; every one that reports gets feedback and aftercare.
    let procedure = "processes/voorbeelden/ministerie-b.yaml";
    let common = ["--seed", "7", "--runs", "20000"];
    let sim = run(&[&["simulate", procedure, "--format", "json"][..], &common].concat()).ok();
    let sim = json(&sim.stdout);
    let runs = sim["runs"].as_u64().expect("runs");
    let reported = sim["reported"].as_u64().expect("reported");
    assert!(
        reported < runs && reported > runs / 2,
        "some, not all, journeys report: {reported} of {runs}"
    );
    for share in ["feedback_rate", "aftercare_rate"] {
        assert_eq!(number(&sim[share], share), 1.0, "{share}");
        // Wilson's interval of n in n reaches down only.
        let ci = &sim[format!("{share}_ci95")];
        assert!(number(&ci["low"], "low") < 1.0 && number(&ci["high"], "high") == 1.0);
    }
    let table = run(&[&["simulate", procedure][..], &common].concat()).ok();
    assert!(
        table
            .stdout
            .contains(&format!("of the {reported} journeys that made a report: "))
            && table.stdout.contains(", feedback 100.0% ")
            && table.stdout.contains(", aftercare 100.0% "),
        "{}",
        table.stdout
    );
    let compare = run(&[&["compare", procedure, "--format", "json"][..], &common].concat()).ok();
    let rows = json_items(&compare.stdout, "rows");
    assert_eq!(rows[0]["reported"].as_u64(), Some(reported));
    assert_eq!(number(&rows[0]["aftercare_rate"], "aftercare"), 1.0);
}

#[test]
fn where_the_time_goes_shows_the_mean_per_visit() {
    let sim = run(&args("simulate", &["--format", "json"])).ok();
    let sim = json(&sim.stdout);
    let step = sim["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| {
            s["procedure"] == "rijk/huis-voor-klokkenluiders-onderzoek" && s["step"] == "onderzoek"
        })
        .expect("the Huis's investigation")
        .clone();
    let (per_journey, per_visit) = (
        number(&step["mean_days"], "mean_days"),
        number(&step["mean_days_per_visit"], "mean_days_per_visit"),
    );
    let visit_rate = number(&step["visit_rate"], "visit_rate");
    // Few journeys get there, and those that do spend months in it.
    assert!(visit_rate < 0.05, "{visit_rate}");
    assert!(
        per_visit > 100.0 && per_visit > 10.0 * per_journey,
        "{step}"
    );
    // Visited once per journey: the per-journey mean is the per-visit mean
    // times the share of journeys that visit it.
    let runs = number(&sim["runs"], "runs");
    let visits = number(&step["visits"], "visits");
    assert!((visits - visit_rate * runs).abs() < 0.5, "{step}");
    assert!(
        (per_journey - per_visit * visit_rate).abs() < 1e-3,
        "{step}"
    );
    let ci = &step["mean_days_per_visit_ci95"];
    assert!(number(&ci["low"], "low") < per_visit && per_visit < number(&ci["high"], "high"));
    let table = run(&args("simulate", &[])).ok();
    assert!(
        table.stdout.contains("mean per journey  mean per visit"),
        "{}",
        table.stdout
    );
    // The report's table shows it too, as weeks.
    let report = run(&args("report", &["--no-graphs"])).ok();
    let row = report
        .stdout
        .lines()
        .find(|l| l.contains("<code>rijk/huis-voor-klokkenluiders-onderzoek:onderzoek</code>"))
        .expect("the Huis's investigation in where the time goes");
    assert!(
        row.contains(&format!("{:.1} w ±", per_visit / 7.0)),
        "{row} vs {per_visit} days"
    );
}
