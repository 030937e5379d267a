//! The journey view: snapshots, well-formed SVG, inert text, Mermaid syntax.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use meldroute_core::sim::{self, SimModel};
use meldroute_core::{Library, Limits, Origin, SourceFile};
use meldroute_render::journey;

fn model(path: &str) -> SimModel {
    let mut lib = Library::with_bundled(Limits::default());
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    let i = lib
        .load_source(SourceFile::new(path, text), Origin::User)
        .expect("loads");
    SimModel::compile(&lib, i).expect("compiles")
}

#[test]
fn journey_svg_and_mermaid_snapshots() {
    let m = model("tests/fixtures/gaps/geen-gaten.yaml");
    let route = sim::most_likely(&m, 1000);
    insta::assert_snapshot!(
        "journey_svg",
        journey::svg(&m, &route, "Melding zonder gaten")
    );
    insta::assert_snapshot!(
        "journey_mermaid",
        journey::mermaid(&m, &route, "Melding zonder gaten")
    );
}

#[test]
fn every_bundled_procedure_and_the_hostile_fixture_give_wellformed_inert_output() {
    let lib = Library::with_bundled(Limits::default());
    let mut models: Vec<SimModel> = lib
        .iter()
        .map(|(i, _)| SimModel::compile(&lib, i).expect("compiles"))
        .collect();
    models.push(model("tests/fixtures/render/vijandig.yaml"));
    for m in &models {
        for trace in [sim::most_likely(m, 1000), sim::trace(m, 7, 1000)] {
            let title = format!("{} \"<script>\" & ' \u{1b}", m.procedures[0].id);
            let svg = journey::svg(m, &trace, &title);
            let doc = roxmltree::Document::parse(&svg)
                .unwrap_or_else(|e| panic!("{}: {e}\n{svg}", m.procedures[0].id));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
            assert!(!svg.contains("<script>") && !svg.contains('\u{1b}'));
            let mmd = journey::mermaid(m, &trace, &title);
            for line in mmd.lines().skip(2).filter(|l| l.starts_with("      ")) {
                assert_eq!(
                    line.matches(':').count(),
                    2,
                    "task line must have exactly two separators: {line}"
                );
                let score: u8 = line
                    .split(':')
                    .nth(1)
                    .expect("score")
                    .trim()
                    .parse()
                    .expect("number");
                assert!((1..=5).contains(&score));
            }
            // Only the entity codes of HTML characters use `#` and `;`.
            let mut plain = mmd.clone();
            for code in ["#lt;", "#gt;", "#amp;", "#quot;", "#39;"] {
                plain = plain.replace(code, "");
            }
            assert!(
                plain
                    .lines()
                    .all(|l| !l.contains(['#', ';', '<', '>', '"'])),
                "{mmd}"
            );
        }
    }
}

#[test]
fn scores_follow_the_documented_mapping() {
    assert_eq!(
        [0.0, 7.0, 8.0, 21.0, 30.0, 42.0, 60.0, 84.0, 100.0].map(journey::score),
        [5, 5, 4, 4, 3, 3, 2, 2, 1]
    );
}
