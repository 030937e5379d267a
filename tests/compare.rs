//! `meldroute compare` end to end.

use meldroute_tests::run;

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
    let out = run(&[&ARGS[..], &["--format", "markdown"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn csv_snapshot_and_shape() {
    let out = run(&[&ARGS[..], &["--format", "csv"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "header and one row per procedure");
    let columns = lines[0].split(',').count();
    assert!(
        lines.iter().all(|l| l.split(',').count() == columns),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn same_seed_for_every_procedure_and_gaps_counted() {
    let out = run(&[&ARGS[..], &["--format", "json"]].concat());
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
    let alone = run(&[
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
    let out = run(&[&ARGS[..], &["--format", "csv"]].concat());
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
    let out = run(&[
        "compare",
        "processes/voorbeelden",
        "--runs",
        "5000",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 4);
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
}
