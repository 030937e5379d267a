//! One hostile fixture through every command and format that reads a
//! procedure: quotes, backslashes, newlines, markup, `=cmd|` formulas,
//! right-to-left overrides, terminal escapes, a `javascript:` URL and a
//! very long title. Every output stays well-formed and inert. (`list`,
//! `rules` and `schema` read no procedure files.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use support::{GRAPHVIZ, run, temp_dir};

const FIXTURE: &str = "tests/fixtures/render/vijandig.yaml";

/// Terminal text: no escape sequences, carriage returns or direction
/// overrides from the file.
fn assert_terminal_safe(what: &str, text: &str) {
    for (i, c) in text.chars().enumerate() {
        let bad = (c.is_control() && c != '\n')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(!bad, "{what}: character {c:?} at {i} in:\n{text}");
    }
}

fn assert_json(what: &str, text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{text}"))
}

/// RFC 4180, the same number of cells in every record, and no cell a
/// spreadsheet would run as a formula.
fn assert_csv(what: &str, text: &str) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut width = None;
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{what}: bad CSV ({e})"));
        assert_eq!(*width.get_or_insert(record.len()), record.len(), "{what}");
        for cell in &record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']) || cell.parse::<f64>().is_ok(),
                "{what}: formula-like cell {cell:?}"
            );
        }
    }
    assert!(width.is_some(), "{what}: no records");
}

fn assert_svg(what: &str, text: &str) {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("{what}: not well-formed ({e})"));
    assert!(
        doc.descendants().all(|n| n.tag_name().name() != "script"
            && n.attributes().all(|a| !a.name().starts_with("on"))),
        "{what}: script in SVG"
    );
}

/// Runs `args`, asserts exit `code` and a terminal-safe standard error, and
/// gives standard output.
fn exits(code: i32, args: &[&str]) -> String {
    let out = run(args).expect_code(code);
    assert_terminal_safe(&format!("{args:?} stderr"), &out.stderr);
    out.stdout
}

/// The fixture is a valid procedure: every command accepts it (exit 0), so
/// the checks below see real output, never that of a refusal.
fn ok(args: &[&str]) -> String {
    exits(0, args)
}

#[test]
fn validate_in_every_format() {
    for format in ["human", "short"] {
        let out = ok(&["validate", FIXTURE, "--format", format]);
        assert_terminal_safe(format, &out);
    }
    assert_json(
        "validate json",
        &ok(&["validate", FIXTURE, "--format", "json"]),
    );
}

#[test]
fn simulate_and_trace() {
    let base = ["simulate", FIXTURE, "--runs", "2000"];
    let table = ok(&base);
    assert_terminal_safe("simulate table", &table);
    assert!(table.contains("test/vijandig:lang"), "{table}");
    assert_json(
        "simulate json",
        &ok(&[&base[..], &["--format", "json"]].concat()),
    );
    assert_csv(
        "simulate csv",
        &ok(&[&base[..], &["--format", "csv"]].concat()),
    );
    for seed in ["1", "2", "3"] {
        assert_terminal_safe("trace", &ok(&["trace", FIXTURE, "--seed", seed]));
    }
}

#[test]
fn gaps_in_every_format() {
    // Exit 1: the fixture has an error finding its file does not accept
    // (refusing an invalid file exits 1 too, with nothing on standard output).
    let human = exits(1, &["gaps", FIXTURE, "--runs", "2000"]);
    assert_terminal_safe("gaps human", &human);
    assert!(
        human.starts_with("== test/vijandig ") && human.contains("= route: "),
        "no findings on the fixture in:\n{human}"
    );
    // Long titles are cut in the route lines.
    assert!(
        human.lines().all(|l| l.chars().count() < 1000),
        "an overlong line in:\n{human}"
    );
    let json = assert_json(
        "gaps json",
        &exits(1, &["gaps", FIXTURE, "--runs", "2000", "--format", "json"]),
    );
    assert!(!json["findings"].as_array().expect("findings").is_empty());
}

#[test]
fn compare_in_every_format() {
    let base = ["compare", FIXTURE, "rijk/klacht", "--runs", "2000"];
    assert_terminal_safe("compare table", &ok(&base));
    assert_json(
        "compare json",
        &ok(&[&base[..], &["--format", "json"]].concat()),
    );
    let csv = ok(&[&base[..], &["--format", "csv"]].concat());
    assert_csv("compare csv", &csv);
    let md = ok(&[&base[..], &["--format", "markdown"]].concat());
    assert_terminal_safe("compare markdown", &md);
    // The one comment is the provenance, last; the file's text has no markup.
    assert!(
        md.trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("<!-- meldroute-provenance {") && l.ends_with(" -->")),
        "{md}"
    );
    let md = support::without_provenance(&md);
    assert!(!md.contains('<'), "raw markup in Markdown:\n{md}");
    // Every table (the figures, the differences) has the same number of
    // cells on each of its lines.
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    for table in md.split("\n\n") {
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
        assert!(rows.iter().all(|r| cells(r) == cells(rows[0])), "{md}");
    }
}

#[test]
fn render_every_view_and_text_format() {
    let dot = ok(&["render", FIXTURE, "--gaps", "--follow-escalations"]);
    graphviz_rust::parse(&dot).unwrap_or_else(|e| panic!("DOT does not parse back: {e}\n{dot}"));
    assert!(!dot.contains('\u{1b}'));
    let journey = ok(&["render", FIXTURE, "--view", "journey"]);
    assert_svg("journey svg", &journey);
    let mermaid = ok(&[
        "render", FIXTURE, "--view", "journey", "--format", "mermaid",
    ]);
    assert_terminal_safe("mermaid", &mermaid);
    // Mermaid draws labels as HTML: markup from the file is entity codes.
    assert!(
        !mermaid.contains(['<', '>']) && mermaid.contains("#lt;script#gt;"),
        "{mermaid}"
    );
    for line in mermaid.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            line == "journey"
                || line.starts_with("%% meldroute-provenance {")
                || line.starts_with("title ")
                || line.starts_with("section ")
                || line.matches(':').count() == 2,
            "{line}"
        );
    }
}

#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn render_graph_svg_through_graphviz() {
    GRAPHVIZ.require();
    let svg = ok(&["render", FIXTURE, "--gaps", "--format", "svg"]);
    assert_svg("graph svg", &svg);
    assert!(!svg.contains("<script"));
}

/// The report of the fixture, with (`graphs`) or without its graph diagram.
fn check_report_html(graphs: bool) {
    let dir = temp_dir(if graphs {
        "hostile-report-graphs"
    } else {
        "hostile-report"
    });
    let path = dir.join("r.html");
    let path_arg = path.to_str().expect("utf-8");
    let mut args = vec!["report", FIXTURE, "--runs", "2000", "-o", path_arg];
    if !graphs {
        args.push("--no-graphs");
    }
    ok(&args);
    let html = std::fs::read_to_string(&path).expect("written");
    let dom = scraper::Html::parse_document(&html);
    let any = |css: &str| {
        dom.select(&scraper::Selector::parse(css).expect("selector"))
            .count()
    };
    assert_eq!(any("script, iframe, object, embed, [src]"), 0);
    assert_eq!(any("[onerror], [onload], [onclick]"), 0);
    // The javascript: URL is shown as text, never as a link.
    assert_eq!(any("a[href^='javascript']"), 0);
    assert!(html.contains("javascript:alert(1)"));
    // The https link keeps its query, escaped.
    assert!(html.contains("href=\"https://example.org/?a=1&amp;b=&quot;2&quot;&lt;x&gt;\""));
    assert!(!html.contains('\u{1b}'));
    assert_eq!(any("figure.graph svg"), usize::from(graphs));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_html() {
    check_report_html(false);
}

#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn report_html_with_the_graph() {
    GRAPHVIZ.require();
    check_report_html(true);
}
