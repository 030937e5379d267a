//! `meldroute compare` end to end.

mod support;

use support::{root, run, run_ok, temp_dir};

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
    insta::assert_snapshot!(support::redact_commit(&out.stdout));
}

#[test]
fn csv_snapshot_and_shape() {
    let out = run_ok(&[&ARGS[..], &["--format", "csv"]].concat());
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(&header[0], "procedure");
    assert_eq!(&header[1], "title");
    assert_eq!(&header[3], "base");
    assert_eq!(&header[4], "reported");
    assert_eq!(&header[5], "lead time p50 (days)");
    assert_eq!(&header[6], "lead time p50 ci95 low");
    assert_eq!(&header[7], "lead time p50 ci95 high");
    assert_eq!(&header[8], "lead time p50 difference from base (days)");
    let all: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("RFC 4180")).collect();
    assert!(all.iter().all(|r| r.len() == header.len()));
    // The provenance comes after the procedures, in rows of the same width.
    let (records, provenance): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|r| &r[0] != "provenance");
    assert_eq!(records.len(), 3, "one row per procedure");
    assert!(
        provenance
            .iter()
            .any(|r| &r[1] == "provenance" && &r[2] == "json")
    );
    assert_eq!(&records[2][0], "rijk/klacht");
    // Durations are bare numbers of days, within their intervals; the
    // first procedure is the base, and the others differ from it by the
    // difference of their figures.
    let num = |r: &csv::StringRecord, i: usize| {
        r[i].parse::<f64>()
            .unwrap_or_else(|_| panic!("not a number: `{}` in {r:?}", &r[i]))
    };
    for r in &records {
        assert!(num(r, 4) > 0.0, "journeys that made a report: {r:?}");
        assert!(num(r, 6) <= num(r, 5) && num(r, 5) <= num(r, 7), "{r:?}");
    }
    assert_eq!((&records[0][3], &records[0][8]), ("", ""));
    for r in &records[1..] {
        assert_eq!(&r[3], "test/geen-gaten");
        let d = num(r, 5) - num(&records[0], 5);
        assert!((num(r, 8) - d).abs() < 0.011, "{r:?}");
        assert!(num(r, 9) <= num(r, 8) && num(r, 8) <= num(r, 10), "{r:?}");
    }
    insta::assert_snapshot!(support::redact_commit(&out.stdout));
}

#[test]
fn same_seed_for_every_procedure_and_gaps_counted() {
    let out = run_ok(&[&ARGS[..], &["--format", "json"]].concat());
    let rows = support::json_items(&out.stdout, "rows");
    assert_eq!(rows.len(), 3);
    let good = &rows[0];
    let bad = &rows[1];
    assert_eq!(good["gaps"]["errors"], 0);
    assert_eq!(good["gaps"]["warnings"], 0);
    assert_eq!(bad["gaps"]["errors"], 5);
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
    let mut alone = support::json_items(&alone.stdout, "rows");
    // Alone it is its own base; among others it differs from the first.
    assert!(alone[0]["difference_from_base"].is_null());
    assert_eq!(rows[2]["difference_from_base"]["base"], "test/geen-gaten");
    alone[0]["difference_from_base"] = rows[2]["difference_from_base"].clone();
    assert_eq!(alone[0], rows[2]);
}

/// What a spreadsheet runs as a formula when a cell starts with it.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Titles that a spreadsheet would run: the fixture's, and copies of the
/// fixture whose titles start with the other formula characters. Each
/// reaches the CSV with a leading `'`, and no cell starts a formula.
#[test]
fn no_formula_cells_in_csv() {
    let fixture = "tests/fixtures/compare/formules.yaml";
    let text = std::fs::read_to_string(root().join(fixture)).expect("the fixture");
    let (id_line, title_line) = (
        "id: test/formules\n",
        "title: '=HYPERLINK(\"http://x\",\"y\")'\n",
    );
    assert!(text.contains(id_line) && text.contains(title_line));
    let dir = temp_dir("compare-formulas");
    let mut args = vec!["compare".to_owned(), fixture.to_owned()];
    let mut titles = vec!["=HYPERLINK(\"http://x\",\"y\")"];
    for (i, title) in ["@SUM(A1)", "+1", "-2", "\t=1+1", "\r=1+1"]
        .into_iter()
        .enumerate()
    {
        let copy = text.replacen(id_line, &format!("id: test/formules-{i}\n"), 1);
        let yaml_title = serde_json::to_string(title).expect("a JSON string is a YAML string");
        let copy = copy.replacen(title_line, &format!("title: {yaml_title}\n"), 1);
        let path = dir.join(format!("formules-{i}.yaml"));
        std::fs::write(&path, copy).expect("written");
        args.push(path.display().to_string());
        titles.push(title);
    }
    args.extend(["--runs", "500", "--format", "csv"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_ok(&args);
    let records: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.stdout.as_bytes())
        .records()
        .map(|r| r.expect("RFC 4180"))
        .filter(|r| &r[0] != "provenance")
        .collect();
    assert_eq!(records.len(), 1 + titles.len(), "{}", out.stdout);
    assert_eq!(&records[0][1], "title");
    for (record, title) in records[1..].iter().zip(&titles) {
        assert_eq!(&record[1], format!("'{title}"), "{}", out.stdout);
    }
    // A cell starts with a formula character only when it is a negative
    // number (a difference from the base), which a spreadsheet reads as one.
    let negative_number = |cell: &str| {
        cell.strip_prefix('-')
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    };
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(FORMULA_START) || negative_number(cell),
                "formula-like cell {cell:?} in:\n{}",
                out.stdout
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
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
    let rows = support::json_items(&out.stdout, "rows");
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
    assert!((0.6..0.95).contains(&aftercare), "{aftercare}");
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

/// `--base` names the procedure the others are measured against; each
/// difference is the difference of the two figures, within chance exactly
/// when its interval holds 0.
#[test]
fn differences_from_the_base_with_their_intervals() {
    let out = support::run(&[&ARGS[..], &["--base", "rijk/klacht", "--format", "json"]].concat())
        .expect_code(0);
    let rows = support::json_items(&out.stdout, "rows");
    assert!(
        rows[2]["difference_from_base"].is_null(),
        "the base has none"
    );
    for row in &rows[..2] {
        let d = &row["difference_from_base"];
        assert_eq!(d["base"], "rijk/klacht");
        let figures = d["figures"].as_object().expect("figures");
        assert!(
            figures.contains_key("feedback_rate") && figures.contains_key("lead_time_p50_days")
        );
        for (key, f) in figures {
            let (here, base) = (row[key.as_str()].as_f64(), rows[2][key.as_str()].as_f64());
            if let (Some(here), Some(base)) = (here, base) {
                let diff = f["difference"].as_f64().expect("difference");
                assert!(
                    (diff - (here - base)).abs() < 1e-5,
                    "{key}: {diff} vs {here} - {base}"
                );
            }
            let (low, high) = (
                f["ci95"]["low"].as_f64().expect("low"),
                f["ci95"]["high"].as_f64().expect("high"),
            );
            assert_eq!(f["within_chance"], low <= 0.0 && 0.0 <= high, "{key}: {f}");
        }
    }
    // test/alle-gaten has no aftercare, rijk/klacht none either: within chance;
    // test/geen-gaten always has it: a real difference.
    assert_eq!(
        rows[0]["difference_from_base"]["figures"]["aftercare_rate"]["within_chance"],
        false
    );
    assert_eq!(
        rows[1]["difference_from_base"]["figures"]["aftercare_rate"]["within_chance"],
        true
    );
    // A base that is not compared is refused, naming those that are.
    let bad = support::run(&[&ARGS[..], &["--base", "rijk/klaht"]].concat()).expect_code(2);
    assert!(
        bad.stderr
            .contains("--base rijk/klaht: not one of the procedures compared")
            && bad.stderr.contains("rijk/klacht"),
        "{}",
        bad.stderr
    );
}

/// A copy of a procedure under another id differs from it only by chance:
/// the same seed gives the same figures, every difference is 0 and within
/// chance; the table marks each with `~`.
#[test]
fn a_copy_differs_from_its_original_only_by_chance() {
    let dir = temp_dir("compare-copy");
    let text = std::fs::read_to_string(root().join("processes/rijk/klacht.yaml")).expect("klacht");
    let copy = text.replacen("id: rijk/klacht\n", "id: test/klacht-kopie\n", 1);
    assert_ne!(copy, text);
    let path = dir.join("kopie.yaml");
    std::fs::write(&path, copy).expect("written");
    let path = path.display().to_string();
    let args = ["compare", "rijk/klacht", &path, "--runs", "9000"];
    let out = support::run(&[&args[..], &["--format", "json"]].concat()).expect_code(0);
    let rows = support::json_items(&out.stdout, "rows");
    let figures = rows[1]["difference_from_base"]["figures"]
        .as_object()
        .expect("figures");
    assert!(figures.len() >= 9, "{figures:?}");
    for (key, f) in figures {
        assert_eq!(f["difference"], 0.0, "{key}");
        assert_eq!(f["within_chance"], true, "{key}");
    }
    let table = support::run(&args).expect_code(0);
    assert!(
        table.stdout.contains("difference from rijk/klacht:"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("~ +0.0"), "{}", table.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The workbook opens in a reader library, and its numbers are the CSV's:
/// the figures and their bounds on `figures`, the differences on
/// `differences`, numbers as numbers (not text), the provenance on its sheet.
#[test]
fn the_workbook_has_the_csvs_numbers_as_numbers() {
    use calamine::{Data, Reader, Xlsx};
    let args = [
        "compare",
        "rijk/klacht",
        "rijk/interne-melding",
        "voorbeelden/ministerie-c",
        "--runs",
        "3000",
    ];
    let csv = run_ok(&[&args[..], &["--format", "csv"]].concat()).stdout;
    let dir = temp_dir("compare-xlsx");
    let path = dir.join("vergelijking.xlsx");
    let p = path.to_string_lossy().into_owned();
    run(&[&args[..], &["--format", "xlsx", "-o", &p]].concat()).expect_code(0);
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("the workbook opens");
    assert_eq!(book.sheet_names(), ["figures", "differences", "provenance"]);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rows
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<Vec<String>> = rows
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .filter(|r: &Vec<String>| r[0] != "provenance")
        .collect();
    assert_eq!(records.len(), 3);
    let mut numbers = 0;
    for sheet in ["figures", "differences"] {
        let range = book.worksheet_range(sheet).expect("the sheet");
        let mut it = range.rows();
        let names: Vec<String> = it
            .next()
            .expect("a header row")
            .iter()
            .map(|c| c.to_string())
            .collect();
        for (r, row) in it.enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let col = header
                    .iter()
                    .position(|h| *h == names[c])
                    .expect("a CSV column");
                let want = &records[r][col];
                match cell {
                    Data::Float(x) => {
                        let w: f64 = want
                            .parse()
                            .unwrap_or_else(|_| panic!("{sheet} {}: {want:?}", names[c]));
                        assert!((x - w).abs() < 1e-9, "{sheet} {}: {x} vs {w}", names[c]);
                        numbers += 1;
                    }
                    Data::String(s) => assert_eq!(s, want, "{sheet} {}", names[c]),
                    Data::Empty => assert!(want.is_empty(), "{sheet} {}: {want:?}", names[c]),
                    other => panic!("{sheet} {}: {other:?}", names[c]),
                }
            }
        }
        assert!(
            names
                .iter()
                .any(|n| n.contains("(days)") || n.contains("(%)") || n.contains("(points)")),
            "{names:?}"
        );
    }
    // Every figure of the CSV is a number in the workbook.
    let csv_numbers: usize = records
        .iter()
        .flat_map(|r| r.iter().enumerate().skip(4))
        .filter(|(_, v)| v.parse::<f64>().is_ok())
        .count();
    // `reported` and the gap counts are on the figures sheet only; the
    // naming columns on both.
    assert_eq!(numbers, csv_numbers, "numbers in the workbook vs the CSV");
    let prov = book.worksheet_range("provenance").expect("provenance");
    assert!(prov.rows().any(|r| {
        r.iter()
            .any(|c| matches!(c, calamine::Data::String(s) if s == "commit"))
    }));
    let _ = std::fs::remove_dir_all(dir);
}

/// A table wider than the terminal (`COLUMNS`) is turned, the figures
/// down and the procedures across, and fits; piped without `COLUMNS` it is
/// as wide as its cells. `--explain` says what the figures mean.
#[test]
fn the_table_fits_the_terminal_and_explains_itself() {
    let args = [
        "compare",
        "rijk/klacht",
        "rijk/interne-melding",
        "--runs",
        "2000",
    ];
    let narrow = support::output(
        support::meldroute()
            .args(args)
            .arg("--explain")
            .env("COLUMNS", "90"),
    )
    .expect_code(0)
    .stdout;
    let table: Vec<&str> = narrow.lines().take_while(|l| !l.is_empty()).collect();
    assert!(
        table[0].starts_with("procedure") && table[0].contains("rijk/klacht"),
        "{narrow}"
    );
    assert!(
        table.iter().any(|l| l.starts_with("lead time p50")),
        "{narrow}"
    );
    assert!(table.iter().all(|l| l.chars().count() <= 90), "{narrow}");
    assert!(
        narrow.contains("p50: the median: half of the journeys"),
        "{narrow}"
    );
    assert!(
        narrow.contains("met: of the journeys that reach it"),
        "{narrow}"
    );
    let wide = run_ok(&args).stdout;
    let first = wide.lines().next().expect("a header");
    assert!(
        first.chars().count() > 90 && first.contains("lead time"),
        "{wide}"
    );
    assert!(!wide.contains("what the figures mean"));
}
