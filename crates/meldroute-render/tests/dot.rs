//! The graph view: snapshot, escaping of hostile titles, DOT that parses
//! back, and Graphviz rendering without warnings (when `dot` is installed).

use meldroute_core::{Library, Limits, Origin, SourceFile};
use meldroute_render::{GraphOptions, graph, print, render_with_dot};

fn load(path: &str) -> (Library, usize) {
    let mut lib = Library::with_bundled(Limits::default());
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    let i = lib
        .load_source(SourceFile::new(path, text), Origin::User)
        .expect("loads");
    (lib, i)
}

/// True when external programs must be there (CI); otherwise a test may skip.
fn required() -> bool {
    std::env::var("MELDROUTE_REQUIRE_EXTERNAL").is_ok_and(|v| v == "1")
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
fn every_bundled_procedure_parses_back_and_renders_without_warnings() {
    let lib = Library::with_bundled(Limits::default());
    let have_dot = meldroute_render::dot::dot_available();
    if !have_dot {
        assert!(
            !required(),
            "MELDROUTE_REQUIRE_EXTERNAL=1 but Graphviz `dot` is not installed"
        );
        eprintln!(
            "skipping the Graphviz part: the `dot` program is not installed (apt-get install graphviz)"
        );
    }
    for (i, e) in lib.entries().iter().enumerate() {
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
            if have_dot {
                let out = std::process::Command::new("dot")
                    .args(["-Tsvg", "-o", "/dev/null"])
                    .stdin(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .and_then(|mut child| {
                        use std::io::Write;
                        child
                            .stdin
                            .take()
                            .expect("stdin")
                            .write_all(dot.as_bytes())?;
                        child.wait_with_output()
                    })
                    .expect("dot runs");
                assert!(out.status.success(), "{}", e.procedure.id.as_str());
                assert!(
                    out.stderr.is_empty(),
                    "{}: {}",
                    e.procedure.id.as_str(),
                    String::from_utf8_lossy(&out.stderr)
                );
                let svg = render_with_dot(&dot, "svg").expect("svg");
                assert!(
                    String::from_utf8_lossy(&svg).contains("<svg"),
                    "{}",
                    e.procedure.id.as_str()
                );
            }
        }
    }
}
