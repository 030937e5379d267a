//! `meldroute render` end to end (graph view).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use support::{GRAPHVIZ, meldroute, output, run, run_ok, temp_dir};

#[test]
fn dot_goes_to_stdout_and_works_without_graphviz() {
    let out = output(
        meldroute()
            .args(["render", "rijk/klacht", "--follow-escalations"])
            .env("PATH", "/nonexistent"),
    )
    .ok();
    let text = support::without_provenance(&out.stdout);
    assert!(
        out.stdout.starts_with("// meldroute-provenance {"),
        "{text}"
    );
    assert!(text.starts_with("digraph procedure {"), "{text}");
    assert!(text.contains("cluster_legend"));
}

#[test]
fn missing_graphviz_is_explained() {
    let out = output(
        meldroute()
            .args(["render", "rijk/klacht", "--format", "svg"])
            .env("PATH", "/nonexistent"),
    )
    .expect_code(2);
    let err = out.stderr;
    assert!(
        err.contains("Graphviz program `dot`")
            && err.contains("apt-get install graphviz")
            && err.contains("--format dot"),
        "{err}"
    );
}

#[test]
fn output_file_follows_extension_and_never_overwrites_the_input() {
    let dir = std::env::temp_dir().join(format!("meldroute-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let dot = dir.join("klacht.dot");
    run_ok(&["render", "rijk/klacht", "-o", &dot.display().to_string()]);
    assert!(
        support::without_provenance(&std::fs::read_to_string(&dot).expect("written"))
            .starts_with("digraph")
    );
    let input = dir.join("input.dot");
    std::fs::copy(support::root().join("processes/rijk/klacht.yaml"), &input).expect("copy");
    let out = run(&[
        "render",
        &input.display().to_string(),
        "--format",
        "dot",
        "-o",
        &input.display().to_string(),
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("refusing to overwrite the input file"),
        "{}",
        out.stderr
    );
    let out = run(&[
        "render",
        "rijk/klacht",
        "-o",
        &dir.join("x.txt").display().to_string(),
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("cannot tell the format"),
        "{}",
        out.stderr
    );
}

#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn svg_png_and_pdf_through_graphviz() {
    GRAPHVIZ.require();
    let dir = temp_dir("render-graphviz");
    for (ext, magic) in [
        ("svg", &b"<?xml"[..]),
        ("png", &b"\x89PNG"[..]),
        ("pdf", &b"%PDF"[..]),
    ] {
        let path = dir.join(format!("melding.{ext}"));
        run_ok(&[
            "render",
            "tests/fixtures/render/vijandig.yaml",
            "--gaps",
            "-o",
            &path.display().to_string(),
        ]);
        let bytes = std::fs::read(&path).expect("written");
        assert!(bytes.starts_with(magic), "{ext}");
    }
    let svg = std::fs::read_to_string(dir.join("melding.svg")).expect("svg");
    assert!(
        !svg.contains("<script>") && svg.contains("&lt;script&gt;"),
        "markup in titles must be escaped"
    );
}

#[test]
fn journey_view_svg_and_mermaid() {
    let out = run_ok(&["render", "rijk/interne-melding", "--view", "journey"]);
    assert!(
        out.stdout.starts_with("<svg") && out.stdout.contains(r#"lang="nl""#),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
    // Dutch by default, English when asked, by flag or environment.
    assert!(out.stdout.contains("wk stil") && out.stdout.contains("18,75% van de trajecten"));
    let en = run_ok(&[
        "render",
        "rijk/interne-melding",
        "--view",
        "journey",
        "--lang",
        "en",
    ]);
    assert!(en.stdout.contains("wk silent") && en.stdout.contains("18.75% of journeys"));
    assert!(en.stdout.contains(r#"lang="en""#));
    let env = support::output(
        support::meldroute()
            .args(["render", "rijk/interne-melding", "--view", "journey"])
            .env("MELDROUTE_LANG", "en_GB.UTF-8"),
    )
    .expect_code(0);
    assert_eq!(
        support::without_provenance(&env.stdout),
        support::without_provenance(&en.stdout)
    );
    let bad = support::output(
        support::meldroute()
            .args(["render", "rijk/interne-melding", "--view", "journey"])
            .env("MELDROUTE_LANG", "fr"),
    )
    .expect_code(2);
    assert!(
        bad.stderr
            .contains("MELDROUTE_LANG=\"fr\" names no language"),
        "{}",
        bad.stderr
    );
    let out = run_ok(&[
        "render",
        "rijk/interne-melding",
        "--view",
        "journey",
        "--format",
        "mermaid",
    ]);
    assert!(
        out.stdout.starts_with("journey\n    title "),
        "{}",
        out.stdout
    );
    let out = run(&[
        "render",
        "rijk/klacht",
        "--view",
        "journey",
        "--format",
        "dot",
    ])
    .expect_code(2);
    assert!(
        out.stderr
            .contains("journey view is drawn as svg, png, pdf or mermaid"),
        "{}",
        out.stderr
    );
}

/// `--route N` and `--via STEP` pick the route the map draws; asking for
/// more routes than there are, or a step there is not, is a usage error.
#[test]
fn the_journey_map_draws_the_route_asked_for() {
    let second = run_ok(&[
        "render",
        "rijk/klacht",
        "--view",
        "journey",
        "--route",
        "2",
        "--lang",
        "en",
    ]);
    assert!(
        second.stdout.contains("Route 2 by probability"),
        "{}",
        second.stdout
    );
    let via = run_ok(&[
        "render",
        "rijk/interne-melding",
        "--view",
        "journey",
        "--via",
        "onderzoek",
        "--lang",
        "en",
    ]);
    assert!(
        via.stdout
            .contains("The most probable route through Onderzoek naar het vermoeden"),
        "{}",
        via.stdout
    );
    let too_many = run(&[
        "render",
        "rijk/bevoegde-autoriteit",
        "--view",
        "journey",
        "--route",
        "99",
    ])
    .expect_code(2);
    assert!(
        too_many
            .stderr
            .contains("there are only 4 routes; ask for at most 4"),
        "{}",
        too_many.stderr
    );
    let typo = run(&[
        "render",
        "rijk/interne-melding",
        "--view",
        "journey",
        "--via",
        "onderzek",
    ])
    .expect_code(2);
    assert!(
        typo.stderr.contains("did you mean `onderzoek`?"),
        "{}",
        typo.stderr
    );
    // A name from the command line is shown inert, never as terminal codes.
    let hostile = run(&[
        "render",
        "rijk/klacht",
        "--view",
        "journey",
        "--via",
        "x\u{1b}[31mred",
    ])
    .expect_code(2);
    assert!(
        !hostile.stderr.contains('\u{1b}') && hostile.stderr.contains("--via x"),
        "{:?}",
        hostile.stderr
    );
}

/// The pictures of the documentation are what `meldroute render` draws now
/// (docs/img/make.sh makes them); they have no provenance line, which
/// names a build.
#[test]
fn committed_pictures_are_current() {
    for (args, file) in [
        (
            &[
                "rijk/interne-melding",
                "--view",
                "journey",
                "--via",
                "onderzoek",
            ][..],
            "docs/img/interne-melding-journey.svg",
        ),
        (
            &["rijk/interne-melding", "--view", "map"][..],
            "docs/img/interne-melding-routekaart.svg",
        ),
        (
            &["processes/", "--view", "map"][..],
            "docs/img/routekaart.svg",
        ),
    ] {
        let out = run_ok(&[&["render"][..], args].concat());
        let committed = std::fs::read_to_string(support::root().join(file)).expect("picture");
        assert!(
            committed == support::without_provenance(&out.stdout),
            "{file} is stale: run docs/img/make.sh"
        );
    }
}

/// Renders every bundled procedure in each (view, format) of `cases` to a
/// file; checks the file is there, and well-formed when it is SVG.
fn render_every_bundled_procedure(name: &str, cases: &[(&str, &str)]) {
    let ids = support::bundled_ids();
    let dir = temp_dir(name);
    for id in &ids {
        for &(view, format) in cases {
            let path = dir.join(format!("{}-{view}.{format}", id.replace('/', "-")));
            let path_arg = path.display().to_string();
            let mut args = vec!["render", id.as_str(), "--view", view, "--format", format];
            // The graph with everything it can show; the journey as it is.
            if view == "graph" {
                args.extend(["--gaps", "--follow-escalations", "--runs", "2000"]);
            }
            args.extend(["-o", path_arg.as_str()]);
            run_ok(&args);
            let bytes = std::fs::read(&path).expect("written");
            assert!(!bytes.is_empty(), "{id} {view} {format}");
            if format == "svg" {
                let text = String::from_utf8(bytes).expect("UTF-8");
                roxmltree::Document::parse_with_options(
                    &text,
                    roxmltree::ParsingOptions {
                        allow_dtd: true,
                        ..Default::default()
                    },
                )
                .unwrap_or_else(|e| panic!("{id} {view}: SVG is not well-formed XML: {e}"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The formats that need no other program.
#[test]
fn every_bundled_procedure_in_every_view_and_text_format() {
    render_every_bundled_procedure(
        "render-all",
        &[("graph", "dot"), ("journey", "svg"), ("journey", "mermaid")],
    );
}

#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn every_bundled_procedure_through_graphviz() {
    GRAPHVIZ.require();
    render_every_bundled_procedure(
        "render-all-graphviz",
        &[("graph", "svg"), ("graph", "png"), ("graph", "pdf")],
    );
}

/// Graphviz draws the graph of every bundled procedure (with and without
/// its escalations) without a warning.
#[test]
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
fn graphviz_renders_every_bundled_graph_without_warnings() {
    use meldroute_core::{Library, Limits};
    use meldroute_render::{GraphOptions, graph, print};
    GRAPHVIZ.require();
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
            let mut cmd = std::process::Command::new("dot");
            cmd.args(["-Tsvg", "-o", "/dev/null"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let out = cmd
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
            let id = e.procedure.id.as_str();
            assert!(out.status.success(), "{id}: dot exited with {}", out.status);
            assert!(
                out.stderr.is_empty(),
                "{id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Flags the chosen view cannot use are refused (exit 2), never silently
/// ignored: the picture is always what the command line says.
#[test]
fn flags_that_cannot_apply_are_refused() {
    for (args, says) in [
        (
            &["--view", "journey", "--gaps"][..],
            "--gaps draws on the graph view",
        ),
        (
            &["--view", "journey", "--follow-escalations"],
            "--follow-escalations draws on the graph view",
        ),
        (
            &["--view", "journey", "--format", "mermaid", "--runs", "10"],
            "--runs applies to the pain points the svg journey map marks",
        ),
        (
            &["--route", "2"],
            "--route picks the route of the journey view",
        ),
        (
            &["--via", "oordeel"],
            "--via picks the route of the journey view",
        ),
        (
            &["--seed", "3"],
            "--seed applies to the graph view only with --gaps",
        ),
        (
            &["--max-steps", "3"],
            "--max-steps applies to the graph view only with --gaps",
        ),
        (&["--format", "mermaid"], "Mermaid draws the journey view"),
        (
            &["--view", "journey", "--format", "dot"],
            "journey view is drawn as svg, png, pdf or mermaid",
        ),
    ] {
        let out = run(&[&["render", "rijk/klacht"][..], args].concat()).expect_code(2);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    // What does apply: the overlay's simulation on the graph view, a seed
    // (the times along the route) on the journey view.
    let overlay = run_ok(&[
        "render",
        "rijk/klacht",
        "--gaps",
        "--seed",
        "3",
        "--runs",
        "500",
    ]);
    assert!(
        support::without_provenance(&overlay.stdout).starts_with("digraph"),
        "{}",
        overlay.stdout
    );
    let journey = run_ok(&["render", "rijk/klacht", "--view", "journey", "--seed", "4"]);
    let other = run_ok(&["render", "rijk/klacht", "--view", "journey", "--seed", "3"]);
    assert!(journey.stdout.starts_with("<svg"));
    assert_ne!(
        support::without_provenance(&journey.stdout),
        support::without_provenance(&other.stdout),
        "the seed draws the times along the route"
    );
}
