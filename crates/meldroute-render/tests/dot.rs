//! The graph view: snapshot, escaping of hostile titles, DOT that parses
//! back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use meldroute_core::{EntryId, Library, Limits, Origin, SourceFile};
use meldroute_render::{GraphOptions, graph, print};

fn load(path: &str) -> (Library, EntryId) {
    let mut lib = Library::with_bundled(Limits::default());
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    let i = lib
        .load_source(SourceFile::new(path, text), Origin::User)
        .expect("loads");
    (lib, i)
}

#[test]
fn bundled_internal_report_dot_snapshot() {
    let lib = Library::with_bundled(Limits::default());
    let i = lib.resolve_index("rijk/interne-melding").expect("bundled");
    let dot = print(&graph(&lib, i, &GraphOptions::default()));
    insta::assert_snapshot!(dot);
}

#[test]
fn hostile_titles_are_escaped_and_parse_back() {
    let (lib, i) = load("tests/fixtures/render/vijandig.yaml");
    for follow in [false, true] {
        let dot = print(&graph(
            &lib,
            i,
            &GraphOptions {
                follow_escalations: follow,
                gaps: Vec::new(),
            },
        ));
        let parsed = graphviz_rust::parse(&dot);
        assert!(parsed.is_ok(), "DOT does not parse: {parsed:?}\n{dot}");
        // No raw newline inside a quoted string, and every quote inside a label escaped.
        for line in dot.lines() {
            let unescaped = line.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(
                unescaped.matches('"').count() % 2,
                0,
                "unbalanced quotes: {line}"
            );
        }
        assert!(dot.contains(r#"Melding \"A\" \\n <b>vet</b>"#), "{dot}");
        // The title's own line break is re-flowed; the backslash stays escaped.
        assert!(dot.contains(r"Bevestiging op twee regels &\n\\\n"), "{dot}");
    }
}

#[test]
fn every_bundled_procedure_parses_back() {
    // Running Graphviz on them is an end-to-end test (tests/render.rs:
    // `graphviz_renders_every_bundled_graph_without_warnings`), where a
    // missing `dot` shows as an ignored test.
    let lib = Library::with_bundled(Limits::default());
    for (i, e) in lib.iter() {
        for follow in [false, true] {
            let dot = print(&graph(
                &lib,
                i,
                &GraphOptions {
                    follow_escalations: follow,
                    gaps: Vec::new(),
                },
            ));
            assert!(
                graphviz_rust::parse(&dot).is_ok(),
                "{}",
                e.procedure.id.as_str()
            );
        }
    }
}
