//! The journey map: no label overlaps another or leaves the canvas, on
//! every bundled procedure in both languages; the axis names the places
//! its ticks are at; the route drawn is the one asked for; hostile text is
//! inert; Mermaid's syntax holds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

use meldroute_core::gaps::{self, GapOptions};
use meldroute_core::sim::routes::{self, Pick};
use meldroute_core::sim::{SimModel, SimOptions};
use meldroute_core::{Library, Limits, Origin, SourceFile};
use meldroute_render::Lang;
use meldroute_render::journey::{self, Drawn, Map};

fn load(lib: &mut Library, path: &str) -> meldroute_core::library::EntryId {
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    lib.load_source(SourceFile::new(path, text), Origin::User)
        .expect("loads")
}

/// The map of route `pick` of `entry`, with its pain points.
fn map(
    lib: &Library,
    entry: meldroute_core::library::EntryId,
    pick: Pick,
    lang: Lang,
    title: &str,
) -> (SimModel, routes::RouteJourney, Drawn) {
    let model = SimModel::compile(lib, entry).expect("compiles");
    let j = routes::picked(&model, pick, 1).expect("a route");
    let opts = GapOptions {
        sim: SimOptions {
            runs: 5_000,
            ..SimOptions::default()
        },
        ..GapOptions::default()
    };
    let findings = gaps::analyse(lib, &[entry], &opts, &|_| true);
    let pains = journey::pains(&model, lib, &findings, lang);
    let drawn = Map {
        model: &model,
        journey: &j,
        title,
        pains: &pains,
        lang,
    }
    .draw();
    (model, j, drawn)
}

/// Every text box inside the canvas and none over another.
fn assert_laid_out(what: &str, d: &Drawn) {
    let (w, h) = d.size;
    for b in &d.boxes {
        let [l, t, r, bottom] = b.rect;
        assert!(
            l >= 0.0 && t >= 0.0 && r <= w && bottom <= h,
            "{what}: {:?} leaves the canvas {w}x{h}: {:?}",
            b.text,
            b.rect
        );
    }
    for (i, a) in d.boxes.iter().enumerate() {
        for b in &d.boxes[i + 1..] {
            assert!(
                !a.overlaps(b),
                "{what}: {:?} {:?} overlaps {:?} {:?}",
                a.text,
                a.rect,
                b.text,
                b.rect
            );
        }
    }
}

#[test]
fn no_label_of_any_bundled_map_overlaps_another_or_leaves_the_canvas() {
    let lib = Library::with_bundled(Limits::default());
    let mut maps = 0;
    for (i, e) in lib.iter() {
        for lang in Lang::ALL {
            for n in 1..=3 {
                let model = SimModel::compile(&lib, i).expect("compiles");
                let ranked = routes::ranked(&model, n, None, 1).expect("routes");
                if ranked.routes.len() < n {
                    continue;
                }
                let (_, _, d) = map(&lib, i, Pick::Rank(n), lang, &e.procedure.title);
                assert_laid_out(&format!("{} route {n} ({lang})", *e.procedure.id), &d);
                assert!(
                    d.boxes.len() > 20,
                    "{}: {} texts",
                    *e.procedure.id,
                    d.boxes.len()
                );
                maps += 1;
            }
        }
    }
    assert!(maps >= 60, "{maps} maps");
}

#[test]
fn the_hostile_fixture_is_laid_out_and_inert() {
    let mut lib = Library::with_bundled(Limits::default());
    let i = load(&mut lib, "tests/fixtures/render/vijandig.yaml");
    let title = "Titel \"<script>\" & ' \u{1b} met een heel lange naam die over de hele breedte van het blad doorloopt en dan nog verder gaat, en verder, en verder";
    for lang in Lang::ALL {
        let (_, _, d) = map(&lib, i, Pick::Rank(1), lang, title);
        assert_laid_out("vijandig", &d);
        let doc = roxmltree::Document::parse(&d.svg).unwrap_or_else(|e| panic!("{e}\n{}", d.svg));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert_eq!(doc.root_element().attribute("lang"), Some(lang.code()));
        assert!(!d.svg.contains("<script") && !d.svg.contains('\u{1b}'));
    }
}

/// The x of each tick label on the time axis, with the weeks it names.
fn ticks(d: &Drawn) -> Vec<(f64, f64)> {
    let doc = roxmltree::Document::parse(&d.svg).expect("svg");
    let axis_label = doc
        .descendants()
        .find(|n| n.text() == Some("weken sinds de start"))
        .expect("the axis");
    let y = axis_label.attribute("y").expect("y");
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("y") == Some(y))
        .filter_map(|n| {
            let weeks: f64 = n.text()?.parse().ok()?;
            Some((n.attribute("x")?.parse().ok()?, weeks))
        })
        .collect()
}

#[test]
fn the_axis_ticks_are_where_they_say_and_the_route_is_on_their_scale() {
    let lib = Library::with_bundled(Limits::default());
    let i = lib.resolve_index("rijk/interne-melding").expect("bundled");
    let (model, j, d) = map(&lib, i, Pick::Rank(1), Lang::Nl, "t");
    let t = ticks(&d);
    assert!(t.len() >= 3, "{t:?}");
    let (x0, w0) = t[0];
    let (x1, w1) = *t.last().expect("a tick");
    let px_per_week = (x1 - x0) / (w1 - w0);
    for &(x, w) in &t {
        assert!(
            (x - (x0 + (w - w0) * px_per_week)).abs() < 0.11,
            "tick {w} at {x}: {t:?}"
        );
    }
    // The route's last contact (the decision not to handle the report) is
    // a dot at its median end, on the axis's scale.
    let last_contact = j
        .steps
        .iter()
        .rev()
        .find(|s| model.steps[s.step as usize].contact)
        .expect("a contact");
    let want = x0 + (last_contact.end / 7.0 - w0) * px_per_week;
    let doc = roxmltree::Document::parse(&d.svg).expect("svg");
    let found = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .filter_map(|n| n.attribute("cx")?.parse::<f64>().ok())
        .any(|cx| (cx - want).abs() < 0.11);
    assert!(found, "no contact dot at {want}");
}

#[test]
fn the_internal_reports_map_draws_the_most_probable_route_and_names_its_share() {
    let lib = Library::with_bundled(Limits::default());
    let i = lib.resolve_index("rijk/interne-melding").expect("bundled");
    let (model, j, d) = map(&lib, i, Pick::Rank(1), Lang::Nl, "t");
    let ids: Vec<&str> = j
        .route
        .steps
        .iter()
        .map(|&s| &*model.names[s as usize].id)
        .collect();
    assert_eq!(ids.last(), Some(&"afsluiting-niet-in-behandeling"));
    assert!(d.svg.contains("18,75% van de trajecten"), "{}", d.svg);
    let onderzoek = (0..model.steps.len() as u32)
        .find(|&s| model.names[s as usize].id == "onderzoek")
        .expect("step");
    let (_, via, d) = map(&lib, i, Pick::Via(onderzoek), Lang::En, "t");
    assert!(via.route.steps.contains(&onderzoek));
    assert!(
        d.svg.contains("The most probable route through Onderzoek"),
        "{}",
        d.svg
    );
    // Founded and aftercare are equally probable after feedback: the map
    // names the tie.
    assert!(d.svg.contains("Tied with route 2"), "{}", d.svg);
}

#[test]
fn mermaid_task_lines_have_two_separators_and_scores_from_one_to_five() {
    let lib = Library::with_bundled(Limits::default());
    for (i, e) in lib.iter() {
        let model = SimModel::compile(&lib, i).expect("compiles");
        let j = routes::picked(&model, Pick::Rank(1), 1).expect("a route");
        let title = format!("{} \"<script>\" & ' \u{1b}", *e.procedure.id);
        let mmd = journey::mermaid(&model, &j, &title, Lang::Nl);
        assert!(mmd.starts_with("journey\n    title "));
        for line in mmd.lines().skip(2).filter(|l| l.starts_with("      ")) {
            assert_eq!(line.matches(':').count(), 2, "{line}");
            let score: u8 = line
                .split(':')
                .nth(1)
                .expect("score")
                .trim()
                .parse()
                .expect("number");
            assert!((1..=5).contains(&score));
        }
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

#[test]
fn scores_follow_the_documented_mapping() {
    assert_eq!(
        [0.0, 7.0, 8.0, 21.0, 30.0, 42.0, 60.0, 84.0, 100.0].map(journey::score),
        [5, 5, 4, 4, 3, 3, 2, 2, 1]
    );
}

#[test]
fn the_route_map_of_the_library_and_of_each_procedure_is_laid_out() {
    let lib = Library::with_bundled(Limits::default());
    let all: Vec<_> = lib.iter().map(|(i, _)| i).collect();
    for lang in Lang::ALL {
        let d = meldroute_render::routemap::draw(&lib, &all, "De hele bibliotheek", lang);
        assert_laid_out(&format!("the library ({lang})"), &d);
        let map = meldroute_core::route_map(&lib, &all);
        // Scenarios are variants, not procedures of the map.
        assert!(
            map.procedures
                .iter()
                .all(|&e| lib.entry(e).scenario.is_none())
        );
        assert_eq!(d.svg.matches("marker-end=").count(), map.escalations.len());
        for &e in &map.procedures {
            let first_word = lib
                .entry(e)
                .procedure
                .title
                .split(' ')
                .next()
                .expect("a word");
            assert!(
                d.boxes.iter().any(|b| b.text.contains(first_word)),
                "{first_word}"
            );
        }
        for (i, e) in lib.iter() {
            let d = meldroute_render::routemap::draw(&lib, &[i], &e.procedure.title, lang);
            assert_laid_out(&format!("{} ({lang})", *e.procedure.id), &d);
        }
    }
    // The internal report reaches the complaint, the ombudsman, the Huis and
    // the other authorities: five procedures, each arrow drawn once.
    let i = lib.resolve_index("rijk/interne-melding").expect("bundled");
    let map = meldroute_core::route_map(&lib, &[i]);
    assert_eq!(map.procedures.len(), 5, "{:?}", map.procedures);
    let pairs: std::collections::HashSet<_> =
        map.escalations.iter().map(|x| (x.from, x.to)).collect();
    assert_eq!(pairs.len(), map.escalations.len());
}
