//! `meldroute compare` end to end.

mod support;

use support::run_ok;

const ARGS: [&str; 6] = [
    "compare",
    "tests/fixtures/gaps/geen-gaten.yaml",
    "tests/fixtures/gaps/alle-gaten.yaml",
    "rijk/klacht",
    "--runs",
    "5000",
];

#[test]
fn markdown_snapshot() {
    let out = run_ok(&[&ARGS[..], &["--format", "markdown"]].concat());
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn csv_snapshot_and_shape() {
    let out = run_ok(&[&ARGS[..], &["--format", "csv"]].concat());
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(&header[0], "procedure");
    assert_eq!(&header[1], "title");
    assert_eq!(&header[3], "lead time p50 (days)");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("RFC 4180")).collect();
    assert_eq!(records.len(), 3, "one row per procedure");
    assert!(records.iter().all(|r| r.len() == header.len()));
    assert_eq!(&records[2][0], "rijk/klacht");
    // Durations are bare numbers of days.
    assert!(
        records.iter().all(|r| r[3].parse::<f64>().is_ok()),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn same_seed_for_every_procedure_and_gaps_counted() {
    let out = run_ok(&[&ARGS[..], &["--format", "json"]].concat());
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 3);
    let good = &rows[0];
    let bad = &rows[1];
    assert_eq!(good["gaps"]["errors"], 0);
    assert_eq!(good["gaps"]["warnings"], 0);
    assert_eq!(bad["gaps"]["errors"], 3);
    assert_eq!(bad["aftercare_rate"], 0.0);
    assert_eq!(good["aftercare_rate"], 1.0);
    // The same procedure gives the same figures alone and among others.
    let alone = run_ok(&[
        "compare",
        "rijk/klacht",
        "--runs",
        "5000",
        "--format",
        "json",
    ]);
    let alone: serde_json::Value = serde_json::from_str(&alone.stdout).expect("JSON");
    assert_eq!(alone[0], rows[2]);
}

#[test]
fn no_formula_cells_in_csv() {
    let out = run_ok(&[&ARGS[..], &["--format", "csv"]].concat());
    for line in out.stdout.lines().skip(1) {
        for cell in line.split(',') {
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "formula-like cell `{cell}` in {line}"
            );
        }
    }
}

#[test]
fn the_illustrative_variants_differ_as_described() {
    let out = run_ok(&[
        "compare",
        "processes/voorbeelden",
        "--runs",
        "5000",
        "--format",
        "json",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 5);
    let get = |id: &str| {
        rows.iter()
            .find(|r| r["procedure"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let (a, b) = (
        get("voorbeelden/ministerie-a"),
        get("voorbeelden/ministerie-b"),
    );
    assert!(rows.iter().all(|r| r["illustrative"] == true));
    // A: no aftercare, slow, long silences, gaps; B: aftercare, interim feedback, no gaps.
    assert_eq!(a["aftercare_rate"], 0.0);
    assert!(b["aftercare_rate"].as_f64().expect("rate") > 0.8);
    assert!(a["longest_silence_p50_days"].as_f64() > b["longest_silence_p50_days"].as_f64());
    assert!(a["gaps"]["errors"].as_u64() > Some(0));
    assert_eq!(b["gaps"]["errors"], 0);
    assert_eq!(b["gaps"]["warnings"], 0);
    // E: a slow front door: the only variant that often misses the 7-day
    // acknowledgement, though it gives interim feedback and mostly aftercare.
    let e = get("voorbeelden/ministerie-e");
    let ack = |r: &serde_json::Value| r["acknowledged_within_7_days"].as_f64().expect("share");
    assert!(ack(e) < 0.7, "{e}");
    for other in ["a", "b", "c", "d"] {
        assert!(ack(get(&format!("voorbeelden/ministerie-{other}"))) > 0.99);
    }
    let aftercare = e["aftercare_rate"].as_f64().expect("rate");
    assert!((0.5..0.8).contains(&aftercare), "{aftercare}");
}

#[test]
fn hostile_title_is_inert_in_csv_and_markdown() {
    let fixture = "tests/fixtures/render/vijandig.yaml";
    let out = run_ok(&["compare", fixture, "--runs", "500", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let row = reader.records().next().expect("a row").expect("RFC 4180");
    // The title starts with `=`: neutralised, and its quotes survive RFC 4180 quoting.
    assert_eq!(
        &row[1],
        "'=1+1 Melding \"quoted\" \\ <script>alert(1)</script> & co"
    );
    let md = run_ok(&["compare", fixture, "--runs", "500", "--format", "markdown"]);
    assert!(!md.stdout.contains("<script"), "{}", md.stdout);
}
