//! `meldroute report` with a caseload among its inputs (docs/report.md,
//! docs/caseload.md): the section on the caseload with its backlog plotted,
//! its tables and its sources, escaped user text, the same bytes for the
//! same input, `verify`, and `--replications` refused without a caseload.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::Path;
use std::process::Command;

use scraper::{ElementRef, Html, Selector};
use support::{Exited, output, run, run_ok, temp_dir};

/// The bundled caseload.
const HUIS: &str = "caseloads/huis-onderzoeksverzoeken";

/// Its procedure.
const HUIS_PROCEDURE: &str = "scenarios/huis-onderzoekstoets-zonder-wachttijd";

/// The colour of the open cases in the backlog plot (the first of the
/// plots' colours).
const OPEN_COLOUR: &str = "#0072B2";

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

/// A figure with how far its interval reaches (`±0.3`, `+0.1`, `-0.2`).
fn has_interval(cell: &str) -> bool {
    [" ±", " +", " -"].iter().any(|m| {
        cell.split(m)
            .nth(1)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// `meldroute` run in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Exited {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meldroute"));
    cmd.current_dir(dir).args(args);
    output(&mut cmd)
}

/// The points of the open-cases line of the backlog plot of `section`,
/// in pixels: the polyline in its colour with more than the two points of
/// its legend's mark.
fn open_line(section: ElementRef) -> Vec<(i32, i32)> {
    let lines: Vec<Vec<(i32, i32)>> = section
        .select(&sel(&format!(
            "figure.backlog polyline[stroke=\"{OPEN_COLOUR}\"]"
        )))
        .map(|l| {
            l.value()
                .attr("points")
                .unwrap_or_default()
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .filter(|p: &Vec<(i32, i32)>| p.len() > 2)
        .collect();
    assert_eq!(lines.len(), 1, "one line of open cases");
    lines.into_iter().next().unwrap()
}

/// The report of `args` in `dir`/`name`, after checking it was written.
fn report(dir: &Path, name: &str, args: &[&str]) -> String {
    let path = dir.join(name);
    let out = run_ok(
        &[
            &["report"],
            args,
            &[
                "--no-graphs",
                "--runs",
                "2000",
                "-o",
                path.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn the_report_of_the_bundled_caseload_plots_its_backlog() {
    let dir = temp_dir("report-caseload-huis");
    let html = report(&dir, "huis.html", &[HUIS]);
    let dom = Html::parse_document(&html);
    let root = dom.root_element();
    assert_eq!(root.select(&sel("script")).count(), 0);
    let sections: Vec<ElementRef> = root.select(&sel("section.caseload")).collect();
    assert_eq!(sections.len(), 1, "one caseload section");
    let section = sections[0];
    assert_eq!(section.value().attr("data-caseload"), Some(HUIS));
    assert_eq!(section.value().attr("id"), Some("c1"));
    assert!(
        root.select(&sel("nav a[href=\"#c1\"]")).next().is_some(),
        "in the contents"
    );
    // Its procedure is reported as a procedure, as today.
    let procedures: Vec<&str> = root
        .select(&sel("section.procedure"))
        .filter_map(|s| s.value().attr("data-procedure"))
        .collect();
    assert_eq!(procedures, [HUIS_PROCEDURE]);

    // The backlog: a point per month of 2023-2025, at the months' ends
    // (further right each month), rising through 2025 (up is a smaller y).
    let points = open_line(section);
    assert_eq!(points.len(), 36, "{points:?}");
    assert!(points.windows(2).all(|w| w[1].0 > w[0].0), "{points:?}");
    let year_2025 = &points[23..];
    assert!(
        year_2025.windows(2).all(|w| w[1].1 < w[0].1),
        "the backlog does not rise every month of 2025: {year_2025:?}"
    );
    // The line is the open cases `simulate` gives with the same seed and
    // replications: its rise in 2025 against its rise over the whole
    // period, to the pixel.
    let v: serde_json::Value =
        serde_json::from_str(&run_ok(&["simulate", HUIS, "--format", "json"]).stdout).unwrap();
    let open: Vec<f64> = v["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["open"]["value"].as_f64().unwrap())
        .collect();
    assert_eq!(open.len(), 36);
    let rise_pixels = f64::from(points[23].1 - points[35].1);
    let all_pixels = f64::from(points[0].1 - points[35].1);
    let expected = (open[35] - open[23]) / (open[35] - open[0]);
    assert!(
        (rise_pixels / all_pixels - expected).abs() < 2.0 / all_pixels,
        "{rise_pixels} / {all_pixels} pixels, {expected} in the figures"
    );
    // Its band, each pool's queue with its band, the throughput plot.
    assert_eq!(
        section.select(&sel("figure.backlog svg polygon")).count(),
        2
    );
    assert_eq!(
        section
            .select(&sel("figure.throughput svg polygon"))
            .count(),
        3
    );
    let axis = text(section.select(&sel("figure.backlog svg")).next().unwrap());
    for year in ["2023", "2024", "2025", "2026"] {
        assert!(axis.contains(year), "{year} is not on the axis: {axis}");
    }
    assert!(axis.contains("toetsers"), "the pool in the legend");

    // The pool table: handlers, then every figure with its interval.
    let pools: Vec<ElementRef> = section.select(&sel("table.pools tbody tr")).collect();
    assert_eq!(pools.len(), 1);
    let cells: Vec<String> = pools[0].select(&sel("td")).map(text).collect();
    assert_eq!(cells[0], "toetsers");
    assert_eq!(cells[1], "3", "2, 3 and 4 handlers: 3 on average");
    assert!(cells[2..].iter().all(|c| has_interval(c)), "{cells:?}");
    // Waiting and work per step: the steps taken, each figure with its
    // interval; the screening waits for the pool.
    let steps: Vec<Vec<String>> = section
        .select(&sel("table.caseload-steps tbody tr"))
        .map(|r| r.select(&sel("td")).map(text).collect())
        .collect();
    assert!(steps.len() >= 5, "{steps:?}");
    for row in &steps {
        assert!(row[2..].iter().all(|c| has_interval(c)), "{row:?}");
        assert!(
            !row[2].starts_with("0.00"),
            "a step without visits: {row:?}"
        );
    }
    let screening = steps
        .iter()
        .find(|r| r[0].starts_with(&format!("{HUIS_PROCEDURE}:onderzoekstoets")))
        .unwrap_or_else(|| panic!("no screening in {steps:?}"));
    assert_eq!(screening[1], "toetsers");
    assert!(
        screening[3].contains(" w "),
        "it waits weeks: {screening:?}"
    );
    // Where the figures come from: arrivals, open cases and handlers, with
    // their basis and the file's notes.
    let sources: Vec<Vec<String>> = section
        .select(&sel("table.caseload-sources tbody tr"))
        .map(|r| r.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert!(sources[0][1].contains("93 (2025)"), "{sources:?}");
    assert_eq!(sources[0][2], "measured");
    assert!(sources[1][1].starts_with("8 at step aard-verzoek"));
    assert_eq!(sources[2][2], "assumption");
    assert!(sources[2][3].starts_with("Not published."), "{sources:?}");
    // The method names the caseload's file.
    assert!(html.contains("<code>bundled:caseloads/huis-onderzoeksverzoeken.yaml</code>"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A caseload of the bundled internal report, titled `title`.
fn user_caseload(title: &str, handlers: u32) -> String {
    format!(
        "meldroute: 1
caseload: test/interne-meldingen
title: '{title}'
description: 'Beschrijving <b>vet</b> & \"zo\"'
start: 2025-01-01
until: 2026-01-01
warm-up: 60d
procedures:
  - procedure: rijk/interne-melding
    arrivals: {{per-year: 40, basis: assumption, note: '<img src=x onerror=alert(1)>'}}
pools:
  onderzoekers: {{handlers: {handlers}, basis: assumption}}
"
    )
}

#[test]
fn the_titles_and_notes_of_a_caseload_are_escaped() {
    let dir = temp_dir("report-caseload-hostile");
    let file = dir.join("c.yaml");
    std::fs::write(&file, user_caseload("<script>alert(1)</script> & co", 2)).unwrap();
    let html = report(
        &dir,
        "c.html",
        &[file.to_str().unwrap(), "--replications", "3"],
    );
    assert!(!html.contains("<script"), "raw markup from a title");
    assert!(!html.contains("<img"), "raw markup from a note");
    assert!(!html.contains("<b>vet"), "raw markup from the description");
    let dom = Html::parse_document(&html);
    let root = dom.root_element();
    assert_eq!(root.select(&sel("script, img, b")).count(), 0);
    let section = root.select(&sel("section.caseload")).next().unwrap();
    // The heading, the plot's caption and the note, as text.
    let heading = text(section.select(&sel("h2")).next().unwrap());
    assert_eq!(heading, "Caseload: <script>alert(1)</script> & co");
    let svg = section.select(&sel("figure.backlog svg")).next().unwrap();
    assert!(text(svg).contains("<script>alert(1)</script> & co"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(text(section).contains("<img src=x onerror=alert(1)>"));
    // A year of months; the two of the warm-up shaded and labelled.
    assert_eq!(open_line(section).len(), 12);
    assert!(text(svg).contains("warm-up"));
    assert!(text(section).contains("3 replications"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_input_gives_the_same_bytes_and_verify_makes_it_again() {
    let dir = temp_dir("report-caseload-verify");
    std::fs::write(dir.join("c.yaml"), user_caseload("Interne meldingen", 2)).unwrap();
    let args = [
        "report",
        "c.yaml",
        HUIS,
        "--no-graphs",
        "--runs",
        "2000",
        "--replications",
        "4",
        "-o",
        "r.html",
    ];
    run_in(&dir, &args).ok();
    let first = std::fs::read(dir.join("r.html")).unwrap();
    run_in(&dir, &args).ok();
    assert!(
        first == std::fs::read(dir.join("r.html")).unwrap(),
        "two runs differ"
    );
    let html = String::from_utf8(first).unwrap();
    let dom = Html::parse_document(&html);
    let ids: Vec<&str> = dom
        .root_element()
        .select(&sel("section.caseload"))
        .filter_map(|s| s.value().attr("data-caseload"))
        .collect();
    assert_eq!(ids, ["test/interne-meldingen", HUIS]);
    // The provenance names both caseload files, the bundled one too, and
    // the replications.
    let files = provenance_files(&html);
    for (path, origin) in [
        ("c.yaml", "user"),
        ("caseloads/huis-onderzoeksverzoeken.yaml", "bundled"),
    ] {
        assert!(
            files.contains(&(path.to_owned(), origin.to_owned())),
            "{path} not in {files:?}"
        );
    }
    assert!(html.contains("\"replications\":4"));
    let out = run_in(&dir, &["verify", "r.html"]).ok();
    assert!(
        out.stdout.contains("reproduced byte for byte"),
        "{}",
        out.stdout
    );
    // Another seed, other figures; a changed caseload does not reproduce.
    let other = [&args[..8], &["--seed", "8", "-o", "s.html"]].concat();
    run_in(&dir, &other).ok();
    assert!(std::fs::read(dir.join("s.html")).unwrap() != html.as_bytes());
    std::fs::write(dir.join("c.yaml"), user_caseload("Interne meldingen", 3)).unwrap();
    let out = run_in(&dir, &["verify", "r.html"]).expect_code(1);
    assert!(
        out.stdout
            .contains("c.yaml changed since the output was made"),
        "{}",
        out.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The files the provenance of the report `html` names, with their origin.
fn provenance_files(html: &str) -> Vec<(String, String)> {
    let dom = Html::parse_document(html);
    let provenance = text(dom.select(&sel("#meldroute-provenance")).next().unwrap());
    let p: serde_json::Value = serde_json::from_str(&provenance).unwrap();
    p["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["origin"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_caseload_scenario_shows_its_changes_and_names_its_base() {
    let dir = temp_dir("report-caseload-scenario");
    std::fs::write(
        dir.join("s.yaml"),
        format!(
            "meldroute: 1
caseload: test/huis-een-toetser-meer
title: Een toetser meer vanaf 2025
base: {HUIS}
changes:
  - pool: toetsers
    handlers: {{2023: 2, 2024: 3, 2025: 5}}
    reason: Een extra toetser vanaf 1 januari 2025.
  - procedure: {HUIS_PROCEDURE}
    scale-arrivals: 1.5
    from: 2025-07-01
    reason: Een wetswijziging brengt de helft meer verzoeken.
"
        ),
    )
    .unwrap();
    let args = [
        "report",
        "s.yaml",
        "--no-graphs",
        "--runs",
        "2000",
        "--replications",
        "3",
        "-o",
        "s.html",
    ];
    run_in(&dir, &args).ok();
    let html = std::fs::read_to_string(dir.join("s.html")).unwrap();
    let dom = Html::parse_document(&html);
    let section = dom.select(&sel("section.caseload")).next().unwrap();
    assert_eq!(
        section.value().attr("data-caseload"),
        Some("test/huis-een-toetser-meer")
    );
    assert_eq!(open_line(section).len(), 36);
    // Its changes with their reasons first, then the base's figures.
    let sources: Vec<Vec<String>> = section
        .select(&sel("table.caseload-sources tbody tr"))
        .map(|r| r.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(sources.len(), 5, "{sources:?}");
    assert_eq!(
        sources[0],
        [
            "handlers of toetsers, changed by test/huis-een-toetser-meer",
            "2 (2023), 3 (2024), 5 (2025)",
            "change",
            "Een extra toetser vanaf 1 januari 2025."
        ]
    );
    assert_eq!(sources[1][1], "times 1.5 from 2025-07-01");
    assert_eq!(
        sources[1][3],
        "Een wetswijziging brengt de helft meer verzoeken."
    );
    assert!(
        sources[4][0].ends_with(&format!("(of the base {HUIS})")),
        "{sources:?}"
    );
    assert_eq!(sources[4][1], "2 (2023), 3 (2024), 4 (2025)");
    // The provenance names the scenario's file and its bundled base's.
    let files = provenance_files(&html);
    for (path, origin) in [
        ("s.yaml", "user"),
        ("caseloads/huis-onderzoeksverzoeken.yaml", "bundled"),
    ] {
        assert!(
            files.contains(&(path.to_owned(), origin.to_owned())),
            "{path} not in {files:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replications_without_a_caseload_are_refused() {
    let dir = temp_dir("report-caseload-refused");
    let target = dir.join("r.html");
    let out = run(&[
        "report",
        "rijk/klacht",
        "--replications",
        "5",
        "-o",
        target.to_str().unwrap(),
    ])
    .expect_code(2);
    assert!(
        out.stderr
            .contains("--replications is for a caseload, and none of the inputs is one"),
        "{}",
        out.stderr
    );
    assert!(!target.exists(), "no report written");
    let _ = std::fs::remove_dir_all(&dir);
}
