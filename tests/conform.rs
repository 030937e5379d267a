//! `meldroute conform` (docs/conform.md): real case logs measured against a
//! procedure. A log that `simulate --log` wrote gives the simulation's own
//! figures; a hand-made log gives its known answers; bad logs get located
//! errors that never repeat a cell; nothing but case ids and activities
//! of a log is ever printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::Path;

use support::{root, run, run_ok, temp_dir};

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run_ok(args).stdout).expect("JSON")
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The figures `simulate` and `conform` both report, which must be equal.
const FIGURES: [&str; 9] = [
    "runs",
    "lead_time_days",
    "first_contact_days",
    "longest_silence_days",
    "acknowledged_within_7_days",
    "feedback_within_3_months",
    "feedback_rate",
    "aftercare_rate",
    "outcomes",
];

/// `v` without its intervals (`*_ci95`).
fn values(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(k, _)| !k.ends_with("_ci95"))
            .map(|(k, v)| (k.clone(), values(v)))
            .collect(),
        other => other.clone(),
    }
}

fn round_trip(procedure: &str, dir: &Path) {
    let log = dir.join("log.csv");
    let l = log.to_str().unwrap();
    let sim = json(&[
        "simulate",
        procedure,
        "--runs",
        "3000",
        "--start-date",
        "2026-03-02",
        "--log",
        l,
        "--format",
        "json",
    ]);
    let seen = json(&["conform", l, "--procedure", procedure, "--format", "json"]);
    let schema = run_ok(&["schema", "--output", "conform"]).stdout;
    assert_eq!(
        std::fs::read_to_string(root().join("docs/output/conform.schema.json")).unwrap(),
        schema,
        "docs/output/conform.schema.json is stale: run `cargo run -- schema --output conform > docs/output/conform.schema.json`"
    );
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&seen)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(seen["data"]["cases"], 3000);
    assert_eq!(seen["data"]["not_measured"], 0, "{}", seen["misfits"]);
    // The values, to the last digit; the intervals of means differ: the
    // simulation's are over its batches, a log's over its cases.
    let more = [
        "contacts_mean",
        "handoffs_mean",
        "procedures_mean",
        "escalations",
    ];
    for k in FIGURES.iter().chain(&more) {
        assert_eq!(values(&seen[k]), values(&sim[k]), "{procedure}: {k}");
    }
}

/// A log written by `simulate --log` and read back gives the simulation's
/// own figures, to the last digit: the same journeys, the same
/// definitions, the same dates.
#[test]
fn a_simulated_log_read_back_gives_the_simulations_figures() {
    let dir = temp_dir("conform-round-trip");
    round_trip("rijk/interne-melding", &dir);
    // With interim updates (contacts while a step runs) and an escalation.
    round_trip(&fixture("updates/tussentijds.yaml"), &dir);
}

fn zaken(format: &str) -> Vec<String> {
    let f = |n: &str| fixture(&format!("conform/{n}"));
    [
        "conform",
        &f("zaken.csv"),
        "--procedure",
        &f("echt.yaml"),
        "--map",
        &f("map.yaml"),
        "--case-column",
        "zaak",
        "--activity-column",
        "activiteit",
        "--time-column",
        "datum",
        "--format",
        format,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// tests/fixtures/conform/zaken.csv: `;`, Dutch dates and ISO times, rows
/// shuffled, one duplicate row, activities named as a registration names
/// them (map.yaml), and a column of names. 10 cases fit: 8 acknowledged
/// after 3 days, 2 after 9 days from Tuesday 10 March 2026, late; one case
/// goes to the investigation before the acknowledgement, one has an
/// activity that is no step, one has no report.
#[test]
fn a_hand_made_log_gives_its_known_answers() {
    let args = zaken("json");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let v = json(&args);
    assert_eq!(v["data"]["rows"], 56);
    assert_eq!(v["data"]["cases"], 13);
    assert_eq!(v["data"]["measured"], 10);
    assert_eq!(v["data"]["duplicates"], 1);
    assert_eq!(v["data"]["first_day"], "2026-02-02");
    assert_eq!(v["acknowledged_within_7_days"], 0.8);
    assert_eq!(v["feedback_within_3_months"], 1.0);
    assert_eq!(v["outcomes"]["founded"], 1.0);
    let ack = &v["first_contact_days"];
    assert!(
        (ack["mean"].as_f64().unwrap() - (8.0 * 3.0 + 2.0 * 9.0) / 10.0).abs() < 1e-6,
        "{ack}"
    );
    assert!(
        ack["mean_ci95"].is_object(),
        "a sample of ten has an interval: {ack}"
    );
    let misfits: Vec<(&str, &str)> = v["misfits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["case"].as_str().unwrap(), m["kind"].as_str().unwrap()))
        .collect();
    let mut sorted = misfits.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            ("Z11", "order"),
            ("Z12", "unknown-activity"),
            ("Z13", "start")
        ]
    );
    let unknown = v["misfits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["case"] == "Z12")
        .unwrap();
    assert!(
        unknown["reason"]
            .as_str()
            .unwrap()
            .contains("`Dossier gearchiveerd`")
    );
    let activities = v["activities"].as_array().unwrap();
    assert!(
        activities
            .iter()
            .any(|a| a["activity"] == "Melding binnen" && a["step"] == "melding")
    );
    // The names in the log are never printed, in any format.
    let table = zaken("table");
    let table: Vec<&str> = table.iter().map(String::as_str).collect();
    let out = run_ok(&table);
    assert!(
        out.stdout
            .contains("Z11: after `melding` the procedure does not go to `onderzoek`"),
        "{}",
        out.stdout
    );
    for text in [out.stdout, v.to_string()] {
        assert!(!text.contains("Piet") && !text.contains("Geheim"), "{text}");
    }
}

#[test]
fn bad_logs_get_located_errors_that_never_repeat_a_cell() {
    let dir = temp_dir("conform-bad");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let header = "case:concept:name,concept:name,time:timestamp,org:resource\n";
    let cases = [
        (
            "empty.csv",
            String::new(),
            "empty.csv:1:0: the log is empty",
        ),
        (
            "header.csv",
            header.to_owned(),
            "header.csv:1:0: the log has a header and no event",
        ),
        (
            "time.csv",
            format!(
                "{header}1,melding,2026-03-10,Anna Vertrouwelijk\n1,bevestiging,31-02-2026,Anna Vertrouwelijk\n"
            ),
            "time.csv:3:3: column `time:timestamp` is not a date",
        ),
        (
            "columns.csv",
            "zaak;wat;wanneer\n1;melding;2026-03-10\n".to_owned(),
            "columns.csv:1:0: no column `case:concept:name`",
        ),
    ];
    for (name, text, message) in cases {
        let f = write(name, &text);
        let out = run(&["conform", &f, "--procedure", "rijk/interne-melding"]).expect_code(2);
        assert!(out.stderr.contains(message), "{name}: {}", out.stderr);
        assert!(
            !out.stderr.contains("Anna") && !out.stderr.contains("31-02"),
            "{}",
            out.stderr
        );
    }
    let out = run(&[
        "conform",
        "geen-bestand.csv",
        "--procedure",
        "rijk/interne-melding",
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("cannot read geen-bestand.csv"),
        "{}",
        out.stderr
    );
    let map = write("map.yaml", "activiteiten: {}\n");
    let log = write("ok.csv", &format!("{header}1,melding,2026-03-10,x\n"));
    let out = run(&[
        "conform",
        &log,
        "--procedure",
        "rijk/interne-melding",
        "--map",
        &map,
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("not a mapping of activities"),
        "{}",
        out.stderr
    );
}

/// One case, still open: measured, counted as open, no crash on a sample
/// of one.
#[test]
fn a_log_of_one_open_case_is_measured() {
    let dir = temp_dir("conform-one");
    let log = dir.join("een.csv");
    std::fs::write(
        &log,
        "case:concept:name,concept:name,time:timestamp\nA,melding,2026-03-10T09:00:00Z\nA,ontvangstbevestiging,2026-03-12T09:00:00Z\n",
    )
    .unwrap();
    let v = json(&[
        "conform",
        log.to_str().unwrap(),
        "--procedure",
        "rijk/interne-melding",
        "--format",
        "json",
    ]);
    assert_eq!(v["data"]["measured"], 1);
    assert_eq!(v["data"]["open"], 1);
    assert_eq!(v["unfinished"], 1.0);
    assert_eq!(v["acknowledged_within_7_days"], 1.0);
}

/// A log written as XES by `simulate --log` and read back gives the
/// simulation's figures too.
#[test]
fn an_xes_log_read_back_gives_the_simulations_figures() {
    let dir = temp_dir("conform-xes");
    let log = dir.join("log.xes");
    let l = log.to_str().unwrap();
    let procedure = fixture("updates/tussentijds.yaml");
    let sim = json(&[
        "simulate",
        &procedure,
        "--runs",
        "1000",
        "--start-date",
        "2026-03-02",
        "--log",
        l,
        "--format",
        "json",
    ]);
    let seen = json(&["conform", l, "--procedure", &procedure, "--format", "json"]);
    assert_eq!(seen["data"]["cases"], 1000);
    assert_eq!(seen["data"]["not_measured"], 0, "{}", seen["misfits"]);
    for k in FIGURES {
        assert_eq!(values(&seen[k]), values(&sim[k]), "{k}");
    }
    assert_eq!(seen["data"]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn bad_xes_logs_are_located_by_line() {
    let dir = temp_dir("conform-bad-xes");
    let cases = [
        (
            "open.xes",
            "<log>\n  <trace>\n    <event>\n</log>\n",
            "open.xes:4:0: is not well-formed XML",
        ),
        (
            "no-time.xes",
            "<log>\n  <trace>\n    <string key=\"concept:name\" value=\"1\"/>\n    <event>\n      <string key=\"concept:name\" value=\"melding\"/>\n    </event>\n  </trace>\n</log>\n",
            "no-time.xes:4:0: an event without `time:timestamp`",
        ),
        (
            "bad-time.xes",
            "<log>\n  <trace>\n    <string key=\"concept:name\" value=\"1\"/>\n    <event>\n      <string key=\"concept:name\" value=\"melding\"/>\n      <date key=\"time:timestamp\" value=\"Anna's birthday\"/>\n    </event>\n  </trace>\n</log>\n",
            "bad-time.xes:6:0: `time:timestamp` is not a date and time",
        ),
        (
            "root.xes",
            "<html></html>\n",
            "root.xes:1:0: is not an XES log",
        ),
    ];
    for (name, text, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = run(&[
            "conform",
            path.to_str().unwrap(),
            "--procedure",
            "rijk/interne-melding",
        ])
        .expect_code(2);
        assert!(out.stderr.contains(message), "{name}: {}", out.stderr);
        assert!(!out.stderr.contains("Anna"), "{}", out.stderr);
    }
}

/// tests/fixtures/conform/zaken.xlsx (made by make_xlsx.py): Excel dates,
/// a numeric case id and a text date; case 1 finished in 33 days, Z2
/// acknowledged late, Z3 still open and never acknowledged: one of three
/// in time.
#[test]
fn an_excel_workbook_is_read() {
    let v = json(&[
        "conform",
        &fixture("conform/zaken.xlsx"),
        "--procedure",
        &fixture("conform/echt.yaml"),
        "--case-column",
        "zaak",
        "--activity-column",
        "activiteit",
        "--time-column",
        "datum",
        "--format",
        "json",
    ]);
    assert_eq!(v["data"]["rows"], 8);
    assert_eq!(v["data"]["cases"], 3);
    assert_eq!(v["data"]["measured"], 3);
    assert_eq!(v["data"]["open"], 2);
    assert_eq!(v["data"]["first_day"], "2026-03-02");
    assert_eq!(v["acknowledged_within_7_days"], 0.333333, "{v}");
    let lead = v["lead_time_days"]["mean"].as_f64().unwrap();
    assert!((lead - 33.0).abs() < 1e-6, "{lead}");
}

/// `--pseudonymise KEYFILE` replaces each case id by its keyed hash: the
/// same for the same key, another for another key; a short key is refused.
#[test]
fn case_ids_are_pseudonymised_with_a_key() {
    let dir = temp_dir("conform-pseudonym");
    let key = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let (a, b) = (key("a.key", &[7u8; 32]), key("b.key", &[9u8; 32]));
    let ids = |k: &str| {
        let mut args = zaken("json");
        args.extend(["--pseudonymise".to_owned(), k.to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_ok(&args).stdout;
        assert!(
            !out.contains("\"Z11\"") && !out.contains("\"Z12\""),
            "{out}"
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut ids: Vec<String> = v["misfits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["case"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let first = ids(&a);
    assert_eq!(first.len(), 3);
    assert!(
        first
            .iter()
            .all(|i| i.len() == 20 && i.chars().all(|c| c.is_ascii_hexdigit())),
        "{first:?}"
    );
    assert_eq!(ids(&a), first, "the same key gives the same pseudonyms");
    assert_ne!(ids(&b), first, "another key gives others");
    let short = key("short.key", b"geheim");
    let mut args = zaken("json");
    args.extend(["--pseudonymise".to_owned(), short]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args).expect_code(2);
    assert!(
        out.stderr.contains("a key needs at least 16"),
        "{}",
        out.stderr
    );
}

/// `compare P --data LOG`: the log measured against P is one more row,
/// in every format, with its differences from the model (intervals of
/// independent samples).
#[test]
fn compare_puts_the_model_and_the_data_side_by_side() {
    let f = |n: &str| fixture(&format!("conform/{n}"));
    let args = |format: &'static str| {
        vec![
            "compare".to_owned(),
            f("echt.yaml"),
            "--data".to_owned(),
            f("zaken.csv"),
            "--map".to_owned(),
            f("map.yaml"),
            "--case-column".to_owned(),
            "zaak".to_owned(),
            "--activity-column".to_owned(),
            "activiteit".to_owned(),
            "--time-column".to_owned(),
            "datum".to_owned(),
            "--runs".to_owned(),
            "8192".to_owned(),
            "--format".to_owned(),
            format.to_owned(),
        ]
    };
    let run_with = |format: &'static str| {
        let a = args(format);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run_ok(&a).stdout
    };
    let v: serde_json::Value = serde_json::from_str(&run_with("json")).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["procedure"], "test/echt");
    assert_eq!(rows[1]["procedure"], "data:zaken.csv");
    assert_eq!(rows[1]["runs"], 10);
    assert_eq!(rows[1]["acknowledged_within_7_days"], 0.8);
    let model = rows[0]["acknowledged_within_7_days"].as_f64().unwrap();
    let d = &rows[1]["difference_from_base"];
    assert_eq!(d["base"], "test/echt");
    let diff = d["figures"]["acknowledged_within_7_days"]["difference"]
        .as_f64()
        .unwrap();
    assert!((diff - (0.8 - model)).abs() < 1e-9, "{d}");
    assert!(d["figures"]["acknowledged_within_7_days"]["ci95"].is_object());
    assert_eq!(
        v["provenance"]["options"]["data_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    for format in ["table", "markdown", "csv"] {
        let out = run_with(format);
        assert!(out.contains("data:zaken.csv"), "{format}: {out}");
        assert!(!out.contains("Piet"), "{format}");
    }
}

/// `report P --data LOG`: the log is one more row of the comparison and
/// of its plots, marked as real cases, with its difference from P; it has
/// no section of its own.
#[test]
fn the_report_shows_the_data_beside_the_model() {
    let dir = temp_dir("conform-report");
    let html = dir.join("r.html");
    let f = |n: &str| fixture(&format!("conform/{n}"));
    run_ok(&[
        "report",
        &f("echt.yaml"),
        "--data",
        &f("zaken.csv"),
        "--map",
        &f("map.yaml"),
        "--case-column",
        "zaak",
        "--activity-column",
        "activiteit",
        "--time-column",
        "datum",
        "--runs",
        "8192",
        "--no-graphs",
        "-o",
        html.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    let doc = scraper::Html::parse_document(&text);
    let rows = scraper::Selector::parse("table.compare tbody tr th").unwrap();
    let names: Vec<String> = doc.select(&rows).map(|r| r.text().collect()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[1].contains("10 cases of zaken.csv measured against test/echt")
            && names[1].contains("real cases"),
        "{names:?}"
    );
    let sections = scraper::Selector::parse("section.procedure").unwrap();
    assert_eq!(doc.select(&sections).count(), 1, "no section for the data");
    assert!(
        text.contains("Difference from"),
        "the data's difference from the model"
    );
    assert!(!text.contains("Piet"));
}
