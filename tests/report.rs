//! `meldroute report` end to end, and the report in a real browser
//! (headless Chromium, network off).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use scraper::{ElementRef, Html, Selector};
use support::{CHROMIUM, GRAPHVIZ, meldroute, output, require, run_ok, temp_dir};

const VARIANTS: [&str; 5] = ["a", "b", "c", "d", "e"];

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

fn count(root: ElementRef, css: &str) -> usize {
    root.select(&sel(css)).count()
}

fn text(root: ElementRef) -> String {
    root.text().collect()
}

/// What the browser made of a page: its DOM after loading, and every
/// console message (CSP violations and failed loads among them).
struct Loaded {
    dom: String,
    console: Vec<String>,
}

/// Loads `page` from a file URL in headless Chromium with the network off.
fn load(page: &Path, profile: &Path) -> Loaded {
    let browser = CHROMIUM.require();
    let url = format!(
        "file://{}",
        page.canonicalize().expect("the page exists").display()
    );
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Network off: no name resolves and every proxy connection fails.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=http://127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        // Files, not pipes: a full pipe nobody reads would stall the browser.
        .stdout(std::fs::File::create(profile.with_extension("dom")).expect("a file"))
        .stderr(std::fs::File::create(profile.with_extension("log")).expect("a file"))
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish loading the report within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |ext| {
        String::from_utf8_lossy(&std::fs::read(profile.with_extension(ext)).expect("output"))
            .into_owned()
    };
    let stderr = read("log");
    assert!(
        status.success(),
        "{} exited with {status}:\n{stderr}",
        browser.display()
    );
    Loaded {
        dom: read("dom"),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_owned)
            .collect(),
    }
}

fn report(dir: &Path, name: &str, args: &[&str]) -> (PathBuf, String) {
    let path = dir.join(name);
    let out = run_ok(
        &[
            &["report"],
            args,
            &["-o", path.to_str().expect("utf-8 path")],
        ]
        .concat(),
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("meldroute: wrote "), "{}", out.stderr);
    let html = std::fs::read_to_string(&path).expect("the report was written");
    assert_no_template(&html);
    (path, html)
}

/// Every finding's message and help in the report are rendered: no
/// `{placeholder}` of a diagnostic template is left.
fn assert_no_template(html: &str) {
    let bytes = html.as_bytes();
    for (i, _) in html.match_indices('{') {
        let name: String = html[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        let closes = bytes.get(i + 1 + name.len()) == Some(&b'}');
        assert!(
            name.is_empty() || !closes || !name.starts_with(|c: char| c.is_ascii_lowercase()),
            "an unfilled placeholder {{{name}}} in the report: {}",
            &html[i.saturating_sub(80)..(i + 80).min(html.len())]
        );
    }
}

/// The structure every report has, checked on a parsed DOM.
/// A figure shown with how far its interval reaches: `±0.3`, or one way
/// near 0% or 100% (`+0.0038`, `-0.1`).
fn has_interval(cell: &str) -> bool {
    [" ±", " +", " -"].iter().any(|m| {
        cell.split(m)
            .nth(1)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

fn check_structure(dom: &Html, procedures: &[&str], graphs: bool) {
    let root = dom.root_element();
    let n = procedures.len();
    assert_eq!(count(root, "script"), 0, "a report has no scripts");
    // Self-contained: nothing to load (links to sources are followed only on a click).
    assert_eq!(count(root, "[src], link, iframe, object, embed"), 0);
    for a in root.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap_or_default();
        assert!(
            href.starts_with('#') || href.starts_with("https://") || href.starts_with("http://"),
            "{href}"
        );
    }
    let csp = root
        .select(&sel("meta[http-equiv=Content-Security-Policy]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .expect("a Content-Security-Policy");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let rows: Vec<ElementRef> = root.select(&sel("table.compare tbody tr")).collect();
    assert_eq!(rows.len(), n, "one table row per procedure");
    let header_cells = count(root, "table.compare thead th");
    for row in &rows {
        assert_eq!(count(*row, "th, td"), header_cells, "{}", text(*row));
        // The journeys that made a report, then every figure with the ±
        // of its interval, gap counts aside.
        let cells: Vec<String> = row.select(&sel("td")).map(text).collect();
        assert!(cells[0].parse::<u64>().is_ok(), "reported: {cells:?}");
        let figures = cells.len() - 3;
        assert!(
            cells[1..figures]
                .iter()
                .all(|c| c == "-" || has_interval(c)),
            "{cells:?}"
        );
    }
    // The differences from the first procedure: a row for each other one,
    // each figure with its ±, those within chance marked.
    let differences: Vec<ElementRef> = root.select(&sel("table.differences tbody tr")).collect();
    assert_eq!(
        differences.len(),
        n - 1,
        "one row per procedure but the first"
    );
    for row in &differences {
        for cell in row.select(&sel("td")) {
            let c = text(cell);
            assert!(c == "-" || has_interval(&c), "{c}");
            assert_eq!(
                cell.value().classes().any(|k| k == "chance"),
                c.starts_with('~'),
                "{c}"
            );
        }
    }
    // The headline figures drawn with their intervals: four plots, a label
    // and a dot per procedure.
    let intervals: Vec<ElementRef> = root
        .select(&sel("#comparison figure.interval svg"))
        .collect();
    assert_eq!(intervals.len(), 4);
    for plot in intervals {
        assert_eq!(count(plot, "circle[stroke=none]"), n, "a dot per procedure");
        assert_eq!(
            text(plot)
                .split(": ")
                .skip(1)
                .filter(|t| has_interval(t))
                .count(),
            n,
            "{}",
            text(plot)
        );
    }
    let sections: Vec<ElementRef> = root.select(&sel("section.procedure")).collect();
    assert_eq!(sections.len(), n, "one section per procedure");
    for (section, id) in sections.iter().zip(procedures) {
        assert_eq!(section.value().attr("data-procedure"), Some(*id));
        assert_eq!(count(*section, "figure.plot svg"), 1, "one plot in {id}");
        assert_eq!(count(*section, "figure.journey svg"), 1, "{id}");
        assert_eq!(
            count(*section, "figure.graph svg"),
            usize::from(graphs),
            "{id}"
        );
        assert_eq!(count(*section, "table.steps"), 1, "{id}");
        assert!(text(*section).contains("Gap findings"), "{id}");
    }
    // The overlaid plots name every procedure in their legends, by title
    // (its first words: a legend cuts a long title).
    let titles: Vec<String> = root
        .select(&sel("section.procedure h2"))
        .map(|h| {
            let t = text(h);
            let t = t.split_once(". ").map_or(t.as_str(), |(_, rest)| rest);
            t.chars().take(12).collect()
        })
        .collect();
    assert_eq!(titles.len(), procedures.len());
    let overlays: Vec<ElementRef> = root
        .select(&sel("#distributions figure.plot svg"))
        .collect();
    assert_eq!(overlays.len(), 2);
    for plot in overlays {
        let legend = text(plot);
        for (id, title) in procedures.iter().zip(&titles) {
            assert!(
                legend.contains(title.as_str()),
                "{id} ({title}) missing from a plot legend: {legend}"
            );
            assert!(!legend.contains(id), "{id}: a legend names titles, not ids");
        }
    }
}

/// The ids of the procedures in the report of the illustrative variants
/// and the internal report, in the report's order.
fn variant_ids() -> Vec<String> {
    let mut ids: Vec<String> = VARIANTS
        .iter()
        .map(|v| format!("voorbeelden/ministerie-{v}"))
        .collect();
    ids.push("rijk/interne-melding".to_owned());
    ids
}

/// Writes the report of the illustrative variants and the internal report
/// into `dir`, with the graph diagrams or (`graphs` false) without.
fn variants_report(dir: &Path, graphs: bool) -> (PathBuf, String) {
    let mut args = vec![
        "processes/voorbeelden",
        "rijk/interne-melding",
        "--runs",
        "20000",
    ];
    if !graphs {
        args.push("--no-graphs");
    }
    report(dir, "report.html", &args)
}

#[test]
fn variants_and_library_report_structure() {
    let dir = temp_dir("report-variants");
    let (_, html) = variants_report(&dir, false);
    let ids = variant_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    check_structure(&Html::parse_document(&html), &ids, false);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn variants_and_library_report_with_graphs() {
    GRAPHVIZ.require();
    let dir = temp_dir("report-variants-graphs");
    let (_, html) = variants_report(&dir, true);
    let ids = variant_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    check_structure(&Html::parse_document(&html), &ids, true);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(
    not(all(has_graphviz, has_chromium)),
    ignore = "needs Graphviz and Chromium: apt-get install graphviz chromium"
)]
fn variants_and_library_in_a_real_browser() {
    require(&[&GRAPHVIZ, &CHROMIUM]);
    let dir = temp_dir("report-browser");
    let (page, html) = variants_report(&dir, true);
    let ids = variant_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    check_structure(&Html::parse_document(&html), &ids, true);
    let loaded = load(&page, &dir.join("profile"));
    assert!(
        loaded.console.is_empty(),
        "console messages:\n{}",
        loaded.console.join("\n")
    );
    let dom = Html::parse_document(&loaded.dom);
    check_structure(&dom, &ids, true);
    // The browser saw the figures, not just the markup around them.
    let first_row = dom
        .select(&sel("table.compare tbody tr"))
        .next()
        .expect("a row");
    assert!(
        text(first_row).contains("Ministerie A"),
        "{}",
        text(first_row)
    );
    assert!(loaded.dom.contains("Lead time: share of journeys finished"));
    let _ = std::fs::remove_dir_all(&dir);
}

const HOSTILE: &str = "tests/fixtures/render/vijandig.yaml";

#[test]
fn hostile_titles_are_inert_in_html() {
    let dir = temp_dir("report-hostile");
    let (_, html) = report(
        &dir,
        "vijandig.html",
        &[HOSTILE, "--runs", "2000", "--no-graphs"],
    );
    assert!(!html.contains("<script"), "raw markup from a title");
    assert!(!html.contains("<b>vet"), "raw markup from a step title");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Right-to-left overrides stay inside their own <bdi>.
    assert!(html.contains("<bdi>Özütok \u{202e}evil\u{202c}</bdi>"));
    assert!(!html.contains('\u{1b}'));
    let dom = Html::parse_document(&html);
    check_structure(&dom, &["test/vijandig"], false);
    let heading = dom
        .select(&sel("section.procedure h2"))
        .next()
        .expect("a heading");
    assert!(
        text(heading).contains("=1+1 Melding \"quoted\" \\ <script>alert(1)</script> & co"),
        "{}",
        text(heading)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(
    not(all(has_graphviz, has_chromium)),
    ignore = "needs Graphviz and Chromium: apt-get install graphviz chromium"
)]
fn hostile_titles_are_inert_in_a_real_browser() {
    require(&[&GRAPHVIZ, &CHROMIUM]);
    let dir = temp_dir("report-hostile-browser");
    let (page, html) = report(&dir, "vijandig.html", &[HOSTILE, "--runs", "2000"]);
    assert!(!html.contains("<script"), "raw markup from a title");
    check_structure(&Html::parse_document(&html), &["test/vijandig"], true);
    let loaded = load(&page, &dir.join("profile"));
    assert!(loaded.console.is_empty(), "{}", loaded.console.join("\n"));
    let dom = Html::parse_document(&loaded.dom);
    assert_eq!(count(dom.root_element(), "script"), 0);
    check_structure(&dom, &["test/vijandig"], true);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same input and seed give the same file (with the graph diagrams or,
/// `graphs` false, without); another seed another.
fn check_same_file(graphs: bool) {
    let dir = temp_dir(if graphs {
        "report-same-graphs"
    } else {
        "report-same"
    });
    let mut args = vec![
        "processes/voorbeelden/ministerie-c.yaml",
        "--runs",
        "3000",
        "--seed",
        "7",
    ];
    if !graphs {
        args.push("--no-graphs");
    }
    // The same command line twice (the provenance names it, -o included).
    let (_, first) = report(&dir, "1.html", &args);
    let (_, second) = report(&dir, "1.html", &args);
    assert!(first == second, "two runs differ");
    args[4] = "8";
    let (_, other_seed) = report(&dir, "3.html", &args);
    assert!(first != other_seed, "the seed changes the figures");
    assert!(first.contains("seed 7"));
    assert_eq!(
        count(
            Html::parse_document(&first).root_element(),
            "figure.graph svg"
        ),
        usize::from(graphs)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn same_input_and_seed_give_the_same_file() {
    check_same_file(false);
}

#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn same_input_and_seed_give_the_same_file_with_graphs() {
    GRAPHVIZ.require();
    check_same_file(true);
}

#[test]
fn without_graphviz_the_graphs_are_left_out_with_a_note() {
    let dir = temp_dir("report-nodot");
    let path = dir.join("r.html");
    let out = output(
        meldroute()
            .args(["report", "rijk/klacht", "--runs", "1000", "-o"])
            .arg(&path)
            .env("PATH", "/nonexistent"),
    )
    .ok();
    let err = out.stderr;
    assert!(err.contains("Graphviz `dot` was not found"), "{err}");
    let html = std::fs::read_to_string(&path).expect("written");
    let dom = Html::parse_document(&html);
    check_structure(&dom, &["rijk/klacht"], false);
    assert!(html.contains("The graph diagram is left out"));
    // --no-graphs leaves them out on purpose, without a warning.
    let out = run_ok(&["report", "rijk/klacht", "--runs", "1000", "--no-graphs"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(out.stdout.starts_with("<!DOCTYPE html>"));
    assert!(out.stdout.contains("--no-graphs was given"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn never_overwrites_an_input_and_writes_nothing_on_errors() {
    let dir = temp_dir("report-guard");
    let procedure = dir.join("p.yaml");
    let original = std::fs::read(support::root().join("processes/voorbeelden/ministerie-d.yaml"))
        .expect("a variant");
    std::fs::write(&procedure, &original).expect("copied");
    let report_to = |inputs: &[&Path], target: &Path| {
        output(
            meldroute()
                .args(["report", "--no-graphs", "--runs", "100"])
                .args(inputs)
                .arg("-o")
                .arg(target),
        )
    };
    // The output file is one of the inputs (in an input directory): refused.
    let out = report_to(&[&dir], &procedure).expect_code(2);
    assert!(
        out.stderr.contains("refusing to overwrite the input file"),
        "{}",
        out.stderr
    );
    // A new .yaml file inside an input directory would be read as an input
    // next time: refused, nothing written (more in tests/output.rs).
    let other = dir.join("other.yaml");
    let out = report_to(&[&procedure, &dir], &other).expect_code(2);
    assert!(
        out.stderr.contains("it is inside the input directory"),
        "{}",
        out.stderr
    );
    assert!(!other.exists());
    assert_eq!(std::fs::read(&procedure).expect("still there"), original);
    // An invalid procedure: exit 1, its diagnostics, and no report file.
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).expect("dir");
    std::fs::write(bad.join("kapot.yaml"), "id: x\ntitle: [\n").expect("written");
    let target = dir.join("kapot.html");
    let out = output(
        meldroute()
            .arg("report")
            .arg(bad.join("kapot.yaml"))
            .arg("-o")
            .arg(&target),
    )
    .expect_code(1);
    assert!(out.stderr.contains("kapot.yaml:"), "{}", out.stderr);
    assert!(!target.exists(), "no half-written report");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_rijk_library_compares_and_reports() {
    let ids: Vec<String> = support::bundled_ids()
        .into_iter()
        .filter(|id| id.starts_with("rijk/"))
        .collect();
    assert_eq!(ids.len(), 9);
    let table = run_ok(&[
        "compare",
        "processes/rijk",
        "--runs",
        "3000",
        "--format",
        "json",
    ]);
    let rows = support::json_items(&table.stdout, "rows");
    let listed: Vec<&str> = rows
        .iter()
        .map(|r| r["procedure"].as_str().expect("id"))
        .collect();
    assert_eq!(listed.len(), 9);
    for id in &ids {
        assert!(listed.contains(&id.as_str()), "{id}");
    }
    // Every gap in the library is accepted in its file.
    assert!(rows.iter().all(|r| r["gaps"]["errors"] == 0));
    let dir = temp_dir("report-rijk");
    let (_, html) = report(
        &dir,
        "rijk.html",
        &["processes/rijk", "--runs", "3000", "--no-graphs"],
    );
    let dom = Html::parse_document(&html);
    let sections: Vec<String> = dom
        .select(&sel("section.procedure"))
        .map(|s| {
            s.value()
                .attr("data-procedure")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let mut sorted = sections.clone();
    sorted.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    let order: Vec<&str> = sections.iter().map(String::as_str).collect();
    check_structure(&dom, &order, false);
    // Accepted findings are listed as accepted, with the file's reason.
    assert!(html.contains("<span class=\"tag accepted\">accepted</span>"));
    assert!(html.contains("Accepted: "));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report the documentation's screenshots are made from
/// (docs/img/make.sh) is current, byte for byte but for its provenance.
#[test]
fn committed_report_is_current() {
    let dir = temp_dir("report-committed");
    let path = dir.join("rapport.html");
    let p = path.to_string_lossy().into_owned();
    support::run(&[
        "report",
        "rijk/interne-melding",
        "rijk/klacht",
        "--runs",
        "20000",
        "--no-graphs",
        "-o",
        &p,
    ])
    .expect_code(0);
    let fresh = std::fs::read_to_string(&path).expect("the report");
    let committed = std::fs::read_to_string(support::root().join("docs/img/rapport.html"))
        .expect("docs/img/rapport.html");
    assert!(
        support::without_provenance(&fresh) == support::without_provenance(&committed),
        "docs/img/rapport.html is stale: run docs/img/make.sh"
    );
    let _ = std::fs::remove_dir_all(dir);
}
