//! Every output format of the CLI, rendered and read back as its reader
//! reads it: terminal text must hold no control character but the line
//! feed and no direction override, JSON and CSV must parse, SVG must be
//! well-formed XML, DOT must parse and keep every string on its line, and
//! Mermaid must keep one statement a line. Used by `render_all` (and the
//! diagnostics part by every target through `check_diagnostic`).

use meldroute_core::compare::{Compared, Row};
use meldroute_core::gaps::Finding;
use meldroute_core::{Diagnostic, Library};
use meldroute_render::diagnostics as render;
use meldroute_render::text;

/// A direction override or isolate, which makes a terminal show a line in
/// another order than it holds.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal: no control character other than `\n` (none at all
/// when `one_line`), and no direction override.
pub fn assert_terminal_safe(what: &str, text: &str, one_line: bool) {
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| (c.is_control() && (c != '\n' || one_line)) || is_bidi_control(c))
    {
        panic!(
            "{what}: U+{:04X} at byte {at} reaches the terminal:\n{text:?}",
            c as u32
        );
    }
}

/// One diagnostic through every renderer: short, human, human with notes
/// (as `gaps` prints it) and JSON (parsed back, its texts as rendered).
pub fn diagnostic(lib: &Library, d: &Diagnostic, notes: &[(&str, String)]) {
    assert_terminal_safe("short", &render::short(lib, d), true);
    let human = render::human(lib, d);
    assert_terminal_safe("human", &human, false);
    assert!(
        human.ends_with('\n'),
        "human does not end its last line: {human:?}"
    );
    let with_notes = render::human_with_notes(lib, d, notes);
    assert_terminal_safe("human with notes", &with_notes, false);
    let json = serde_json::to_string(&render::json(lib, d)).expect("a diagnostic serialises");
    let back: serde_json::Value = serde_json::from_str(&json).expect("diagnostic JSON parses");
    assert_eq!(back["message"].as_str(), Some(render::message(d).as_str()));
    assert_eq!(back["help"].as_str(), render::help(d).as_deref());
    assert_eq!(back["code"].as_str(), Some(d.code));
    let file = lib.file(d.primary.file);
    assert_eq!(back["file"].as_str(), Some(file.name()));
    let (line, column) = file.line_column(d.primary.span.start);
    assert_eq!(back["line"].as_u64(), Some(line as u64));
    assert_eq!(back["column"].as_u64(), Some(column as u64));
}

/// A list of diagnostics as `validate` prints it in each format, with the
/// count line (in JSON, the array of `findings` beside the provenance).
pub fn diagnostics(lib: &Library, diags: &[Diagnostic]) {
    for d in diags {
        diagnostic(lib, d, &[]);
    }
    let counts = render::counts(diags);
    assert_terminal_safe("counts", &counts, true);
    let json: Vec<_> = diags.iter().map(|d| render::json(lib, d)).collect();
    let text = serde_json::to_string_pretty(&json).expect("diagnostics serialise");
    let back: serde_json::Value = serde_json::from_str(&text).expect("JSON parses");
    assert_eq!(back.as_array().map(Vec::len), Some(diags.len()));
}

/// Gap findings as `meldroute gaps` prints them: human with notes, and
/// JSON with the route's step ids. Every route step is a step of the
/// finding's procedure.
pub fn findings(lib: &Library, findings: &[Finding]) {
    for f in findings {
        crate::check_diagnostic(lib, &f.diagnostic);
        let p = &lib.entry(f.entry).procedure;
        assert_eq!(
            lib.entry(f.entry).file,
            f.diagnostic.primary.file,
            "{}: a finding about one procedure points into another file",
            f.diagnostic.code
        );
        for i in f.route.kept() {
            assert!(
                i < p.steps.len(),
                "{}: route step {i} of {}",
                f.diagnostic.code,
                p.steps.len()
            );
        }
        assert!(f.route.len() >= f.route.kept().count());
        if let Some(share) = f.share {
            assert!(
                (0.0..=1.0).contains(&share.value),
                "{}: share {share:?}",
                f.diagnostic.code
            );
            if let Some(ci) = share.ci95 {
                assert!(
                    0.0 <= ci.low
                        && ci.low <= share.value + 1e-12
                        && share.value <= ci.high + 1e-12
                        && ci.high <= 1.0,
                    "{}: share {share:?}",
                    f.diagnostic.code
                );
            }
        }
        let notes = text::gap_notes(lib, f);
        diagnostic(lib, &f.diagnostic, &notes);
        let ids: Vec<&str> = f.route.ids(p).collect();
        let json = serde_json::json!({
            "diagnostic": render::json(lib, &f.diagnostic),
            "procedure": p.id.as_str(),
            "path": ids,
            "path_steps": f.route.len(),
            "path_omitted": f.route.omitted(),
            "share": f.share.map(|s| (s.value * 1e6).round() / 1e6),
            "basis": f.basis.as_deref(),
            "standing": f.standing,
            "scopes": f.scopes,
            "rests_on": f.rests_on,
            "accepted": f.accepted.as_ref().map(|a| a.reason.as_str()),
            "known_shortcoming": f.known_shortcoming().map(|k| k.source.as_str()),
        });
        let text = serde_json::to_string_pretty(&json).expect("a finding serialises");
        let _: serde_json::Value = serde_json::from_str(&text).expect("finding JSON parses");
    }
}

/// An SVG document: well-formed XML (DTDs allowed, as `embed_svg` allows
/// them), an `svg` root, and no script.
pub fn assert_svg(what: &str, svg: &str) {
    let doc = roxmltree::Document::parse_with_options(
        svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{what}: not well-formed XML: {e}\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg", "{what}: root");
    assert!(
        !doc.descendants().any(|n| n.tag_name().name() == "script"
            || n.attributes().any(|a| a.name().starts_with("on"))),
        "{what}: a script or event handler\n{svg}"
    );
}

/// DOT text as Graphviz reads it: every string literal closed on the line
/// it opens (a user's line break is written `\n`), no control character
/// but the line feed and tab outside strings and none inside them, and the
/// whole parses (graphviz-rust's parser, as `tests/hostile.rs` checks).
pub fn assert_dot(what: &str, dot: &str) {
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in dot.char_indices() {
        if in_string {
            assert!(
                !c.is_control(),
                "{what}: U+{:04X} inside a DOT string at byte {at}\n{dot}",
                c as u32
            );
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else {
            assert!(
                !c.is_control() || c == '\n' || c == '\t',
                "{what}: U+{:04X} in DOT at byte {at}\n{dot}",
                c as u32
            );
            if c == '"' {
                in_string = true;
            }
        }
    }
    assert!(!in_string, "{what}: a DOT string is not closed\n{dot}");
    if let Err(e) = graphviz_rust::parse(dot) {
        panic!("{what}: DOT does not parse back: {e}\n{dot}");
    }
}

/// A Mermaid `journey`: `journey`, then `title`, `section` and task lines
/// of exactly three `:`-separated fields, nothing a terminal or Mermaid
/// would read as something else.
pub fn assert_mermaid(what: &str, text: &str) {
    assert_terminal_safe(what, text, false);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("journey"), "{what}\n{text}");
    for line in lines {
        let t = line.trim();
        assert!(!t.is_empty(), "{what}: an empty line\n{text}");
        let ok = t.starts_with("title ")
            || t.starts_with("section ")
            || (t.matches(':').count() == 2 && t.split(':').all(|f| !f.trim().is_empty()));
        assert!(ok, "{what}: line {line:?}\n{text}");
        let mut bare = t.to_owned();
        for entity in ["#lt;", "#gt;", "#amp;", "#quot;", "#39;"] {
            bare = bare.replace(entity, "");
        }
        assert!(
            !bare.contains(['#', '%', ';', '<', '>', '&', '"', '\'']),
            "{what}: Mermaid syntax in a label: {line:?}"
        );
    }
}

/// The comparison as `meldroute compare` prints it: table, Markdown and
/// CSV built from `meldroute_render::table` as the CLI builds them, and JSON.
pub fn compare_tables(rows: &[Row]) {
    let bodies = meldroute_render::table::bodies(rows);
    for plain in [false, true] {
        let header = meldroute_render::table::header(&bodies, plain);
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| meldroute_render::table::cells(r, &bodies, plain))
            .collect();
        for row in &cells {
            assert_eq!(row.len(), header.len(), "cells and header differ in length");
        }
        if plain {
            csv(&header, &cells);
        } else {
            markdown(&header, &cells);
            table(&header, &cells);
        }
    }
    let json = serde_json::to_string_pretty(rows).expect("rows serialise");
    let back: serde_json::Value = serde_json::from_str(&json).expect("compare JSON parses");
    assert_eq!(back.as_array().map(Vec::len), Some(rows.len()));
}

/// The CSV `meldroute compare --format csv` writes reads back cell for
/// cell (`table::cells` neutralised the formula-like text cells; numbers,
/// negative differences too, stay numbers).
fn csv(header: &[String], cells: &[Vec<String>]) {
    let text = meldroute_render::table::csv(header, cells).expect("CSV written");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut n = 0;
    for (i, record) in r.records().enumerate() {
        let record = record.expect("CSV reads back");
        assert_eq!(record.len(), header.len(), "CSV record {i}");
        if i > 0 {
            for (cell, written) in record.iter().zip(&cells[i - 1]) {
                assert_eq!(cell, written, "CSV cell");
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']) || cell.parse::<f64>().is_ok(),
                    "CSV formula {cell:?}"
                );
            }
        }
        n += 1;
    }
    assert_eq!(n, cells.len() + 1, "CSV records");
}

/// The Markdown table: one line per row with as many cells as the header,
/// no raw markup, nothing a terminal would act on.
fn markdown(header: &[String], cells: &[Vec<String>]) {
    let md = meldroute_render::table::markdown(header, cells);
    let count = |l: &str| l.replace("\\|", "").matches('|').count();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines.len(), cells.len() + 2, "Markdown lines:\n{md}");
    for l in &lines {
        assert_terminal_safe("markdown", l, true);
        assert!(!l.contains('<'), "raw markup in Markdown: {l}");
        assert_eq!(count(l), count(lines[0]), "Markdown cells: {l}");
    }
}

fn table(header: &[String], cells: &[Vec<String>]) {
    let t = meldroute_render::table::aligned(header, cells);
    assert_terminal_safe("compare table", &t, false);
    assert_eq!(t.lines().count(), cells.len() + 1, "table lines:\n{t}");
}

/// The HTML report: every inline SVG (taken out between `<svg` and its
/// `</svg>`) well-formed, no script, no control character but line feeds.
pub fn assert_report(html: &str, compared: &[Compared]) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    if let Some((at, c)) = html
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\n')
    {
        panic!("report: U+{:04X} at byte {at}", c as u32);
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "report: a script");
    assert!(
        !lower.contains("href=\"javascript"),
        "report: a javascript: link"
    );
    let mut rest = html;
    let mut svgs = 0;
    while let Some(start) = rest.find("<svg") {
        let len = rest[start..]
            .find("</svg>")
            .unwrap_or_else(|| panic!("report: an <svg> is not closed"));
        let end = start + len + "</svg>".len();
        assert_svg("report svg", &rest[start..end]);
        svgs += 1;
        rest = &rest[end..];
    }
    // Four interval plots of the headline figures, two overlay plots; per
    // procedure its own plot and journey map (the graphs are left out: no
    // Graphviz).
    assert_eq!(svgs, 4 + 2 + 2 * compared.len(), "report: inline SVGs");
    assert_eq!(
        html.matches("<section class=\"procedure\"").count(),
        compared.len(),
        "report: procedure sections"
    );
}
