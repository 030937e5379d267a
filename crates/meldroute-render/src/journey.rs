//! The journey view: an SVG timeline in the customer-journey-map style,
//! drawn by meldroute itself, and the same route as a Mermaid `journey`.

use std::collections::HashMap;
use std::fmt::Write as _;

use meldroute_core::model::StepKind;
use meldroute_core::sim::model::SimDeadline;
use meldroute_core::sim::{SimModel, Trace, TraceStep};

use crate::text::{cut, mermaid as mm, xml};

const LEFT: f64 = 190.0;
const WIDTH: f64 = 1100.0;
const LANE: f64 = 46.0;
const TOP: f64 = 96.0;

/// The most steps a journey map draws: beyond this the picture is no
/// longer readable, and a report with a map per procedure would grow
/// with the square of a chain of procedures that escalate into each other.
pub const STEPS_DRAWN: usize = 120;

/// The journey as an SVG document: its first [`STEPS_DRAWN`] steps, and
/// how the whole journey ends.
pub fn svg(model: &SimModel, whole: &Trace, title: &str) -> String {
    let cut_short;
    let trace = if whole.steps.len() > STEPS_DRAWN {
        cut_short = Trace {
            steps: whole.steps[..STEPS_DRAWN].to_vec(),
            outcome: whole.outcome,
        };
        &cut_short
    } else {
        whole
    };
    let layout = Layout::new(model, trace);
    let mut o = String::new();
    header(&mut o, &layout, title);
    for stage in stages(model, trace) {
        draw_stage(&mut o, model, &layout, &stage);
    }
    draw_lanes(&mut o, model, &layout);
    for silence in silences(model, trace, layout.end) {
        draw_silence(&mut o, &layout, silence);
    }
    for (n, s) in trace.steps.iter().enumerate() {
        draw_step(&mut o, model, &layout, n, s);
    }
    for (at, di) in deadlines(model, trace) {
        draw_deadline(&mut o, &layout, at, di, &model.deadlines[di as usize]);
    }
    draw_axis(&mut o, &layout);
    draw_ending(&mut o, &layout, whole);
    o.push_str("</svg>\n");
    o
}

/// Where things go: the time scale and the lanes.
struct Layout {
    /// The end of the journey in days (at least 1).
    end: f64,
    /// The actors of the route, one lane each: the reporter first, then in
    /// order of appearance.
    actors: Vec<u32>,
    /// The height of the picture.
    height: f64,
}

impl Layout {
    /// The layout of `trace`.
    fn new(model: &SimModel, trace: &Trace) -> Layout {
        let end = trace.steps.last().map_or(0.0, |s| s.end).max(1.0);
        let mut actors: Vec<u32> = vec![0];
        for s in &trace.steps {
            let a = model.steps[s.step as usize].actor;
            if !actors.contains(&a) {
                actors.push(a);
            }
        }
        let height = lane_y(actors.len()) + 150.0;
        Layout {
            end,
            actors,
            height,
        }
    }

    /// The x of `days` since the start; room on the right for the labels
    /// of the last steps and deadlines.
    fn x(&self, days: f64) -> f64 {
        LEFT + days / self.end * (WIDTH - LEFT - 170.0)
    }

    /// The y of `actor`'s lane.
    fn actor_y(&self, actor: u32) -> f64 {
        lane_y(self.actors.iter().position(|&a| a == actor).unwrap_or(0))
    }
}

/// The y of lane `k`.
fn lane_y(k: usize) -> f64 {
    TOP + 40.0 + k as f64 * LANE
}

/// The opening tag, background, title and key.
fn header(o: &mut String, layout: &Layout, title: &str) {
    let height = layout.height;
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="Helvetica, Arial, sans-serif" font-size="11">"#
    );
    let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        o,
        r#"<text x="16" y="26" font-size="16" font-weight="bold">{}</text>"#,
        xml(&cut(title, 120))
    );
    let _ = writeln!(
        o,
        r##"<text x="16" y="44" fill="#57606a">Shaded: time without contact with the reporter. Dots: contacts. Dashed lines: deadlines.</text>"##
    );
}

/// A stage: a run of steps in one procedure, from the start of its first
/// to the end of its last (days).
struct Stage {
    procedure: u32,
    start: f64,
    end: f64,
}

/// The stages of the journey, in order.
fn stages(model: &SimModel, trace: &Trace) -> Vec<Stage> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < trace.steps.len() {
        let p = model.steps[trace.steps[i].step as usize].procedure;
        let mut j = i;
        while j + 1 < trace.steps.len()
            && model.steps[trace.steps[j + 1].step as usize].procedure == p
        {
            j += 1;
        }
        out.push(Stage {
            procedure: p,
            start: trace.steps[i].start,
            end: trace.steps[j].end,
        });
        i = j + 1;
    }
    out
}

/// A stage's band behind the lanes, named after its procedure.
fn draw_stage(o: &mut String, model: &SimModel, layout: &Layout, stage: &Stage) {
    let (a, b) = (layout.x(stage.start), layout.x(stage.end));
    let fill = if stage.procedure.is_multiple_of(2) {
        "#f6f8fa"
    } else {
        "#eef4fb"
    };
    let _ = writeln!(
        o,
        r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}" stroke="#d0d7de"/>"##,
        TOP - 30.0,
        (b - a).max(1.0),
        layout.height - TOP - 80.0
    );
    let _ = writeln!(
        o,
        r##"<text x="{:.1}" y="{:.1}" fill="#24292f" font-weight="bold">{}</text>"##,
        a + 4.0,
        TOP - 16.0,
        xml(&cut(&model.procedures[stage.procedure as usize].id, 40))
    );
}

/// One line per lane, with its actor's name.
fn draw_lanes(o: &mut String, model: &SimModel, layout: &Layout) {
    for (k, &a) in layout.actors.iter().enumerate() {
        let y = lane_y(k);
        let _ = writeln!(
            o,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d0d7de"/>"##,
            WIDTH - 20.0
        );
        let _ = writeln!(
            o,
            r##"<text x="16" y="{:.1}" fill="#24292f">{}</text>"##,
            y + 4.0,
            xml(&cut(&model.actors[a as usize], 28))
        );
    }
}

/// The silences, as (from, to) in days: the times without contact from
/// the report (or the start) to `end`.
fn silences(model: &SimModel, trace: &Trace, end: f64) -> Vec<(f64, f64)> {
    let report_at = trace
        .steps
        .iter()
        .find(|s| model.steps[s.step as usize].kind == StepKind::Report)
        .map_or(0.0, |s| s.end);
    let mut quiet_from = report_at;
    let mut contacts: Vec<f64> = trace
        .steps
        .iter()
        .filter(|s| s.contact && s.end >= report_at)
        .map(|s| s.end)
        .collect();
    contacts.push(end);
    let mut out = Vec::new();
    for c in contacts {
        if c - quiet_from > 1e-9 {
            out.push((quiet_from, c));
        }
        quiet_from = c;
    }
    out
}

/// A silence, shaded on the reporter's lane; from a week on, with its
/// length.
fn draw_silence(o: &mut String, layout: &Layout, (from, to): (f64, f64)) {
    let reporter_y = layout.actor_y(0);
    let (a, b) = (layout.x(from), layout.x(to));
    let _ = writeln!(
        o,
        r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="22" fill="#cf222e" fill-opacity="0.15"/>"##,
        reporter_y - 11.0,
        (b - a).max(0.5)
    );
    if to - from >= 7.0 {
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#cf222e">{:.1} w silent</text>"##,
            (a + b) / 2.0,
            reporter_y - 15.0,
            (to - from) / 7.0
        );
    }
}

/// Step `n` of the journey in its lane, its title above or below in turn;
/// a contact also as a dot on the reporter's lane.
fn draw_step(o: &mut String, model: &SimModel, layout: &Layout, n: usize, s: &TraceStep) {
    let st = &model.steps[s.step as usize];
    let y = layout.actor_y(st.actor);
    let (a, b) = (layout.x(s.start), layout.x(s.end));
    let colour = if s.contact { "#1a7f37" } else { "#57606a" };
    let _ = writeln!(
        o,
        r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="10" rx="2" fill="{colour}"/>"#,
        y - 5.0,
        (b - a).max(2.0)
    );
    let dy = if n.is_multiple_of(2) { 17.0 } else { -9.0 };
    let _ = writeln!(
        o,
        r##"<text x="{a:.1}" y="{:.1}" fill="#24292f" font-size="9">{}</text>"##,
        y + dy,
        xml(&cut(&model.names[s.step as usize].title, 34))
    );
    if s.contact {
        let reporter_y = layout.actor_y(0);
        let _ = writeln!(
            o,
            r##"<circle cx="{b:.1}" cy="{reporter_y:.1}" r="5" fill="#1a7f37"/>"##
        );
    }
}

/// The deadlines the journey meets, in order, as (limit in days, deadline
/// index): a deadline counts from entering the procedure, or from the last
/// completion of its `from` step before it.
fn deadlines(model: &SimModel, trace: &Trace) -> Vec<(f64, u32)> {
    let mut out = Vec::new();
    let mut done_at = HashMap::new();
    let mut entered = 0.0;
    let mut prev_proc = u32::MAX;
    for s in &trace.steps {
        let st = &model.steps[s.step as usize];
        if st.procedure != prev_proc {
            entered = s.start;
            prev_proc = st.procedure;
        }
        if let Some(di) = st.deadline {
            let d = &model.deadlines[di as usize];
            let from = match d.from {
                Some(f) => done_at.get(&f).copied(),
                None => Some(entered),
            };
            if let Some(from) = from {
                out.push((from + d.within, di));
            }
        }
        done_at.insert(s.step, s.end);
    }
    out
}

/// Deadline `di`, `d`, as a dashed vertical line at its limit `at` (days),
/// with its term and rule.
fn draw_deadline(o: &mut String, layout: &Layout, at: f64, di: u32, d: &SimDeadline) {
    let at = layout.x(at);
    let height = layout.height;
    let _ = writeln!(
        o,
        r##"<line x1="{at:.1}" y1="{:.1}" x2="{at:.1}" y2="{:.1}" stroke="#9a6700" stroke-dasharray="4 3"/>"##,
        TOP - 30.0,
        height - 110.0
    );
    let _ = writeln!(
        o,
        r##"<text x="{:.1}" y="{:.1}" fill="#9a6700" font-size="9">{} {}</text>"##,
        at + 3.0,
        height - 100.0 + (di % 2) as f64 * 11.0,
        xml(&meldroute_core::Duration::from_days(d.within).to_string()),
        xml(&cut(&d.basis, 28))
    );
}

/// The time axis in weeks, with at most about 12 ticks.
fn draw_axis(o: &mut String, layout: &Layout) {
    let end = layout.end;
    let axis_y = layout.height - 70.0;
    let _ = writeln!(
        o,
        r##"<line x1="{LEFT}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="#24292f"/>"##,
        layout.x(end)
    );
    let weeks = (end / 7.0).ceil() as usize;
    let step = (weeks / 12).max(1);
    for w in (0..=weeks).step_by(step) {
        let px = layout.x(w as f64 * 7.0).min(layout.x(end));
        let _ = writeln!(
            o,
            r##"<line x1="{px:.1}" y1="{axis_y:.1}" x2="{px:.1}" y2="{:.1}" stroke="#24292f"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" font-size="9">{w} w</text>"##,
            axis_y + 5.0,
            axis_y + 17.0
        );
    }
}

/// How the whole journey ended, below the axis, and what is not drawn.
fn draw_ending(o: &mut String, layout: &Layout, whole: &Trace) {
    let end = whole.steps.last().map_or(0.0, |s| s.end).max(1.0);
    let mut ending = match whole.outcome {
        Some(outcome) => format!("end after {:.1} weeks: {}", end / 7.0, outcome.as_str()),
        None => "unfinished".to_owned(),
    };
    if whole.steps.len() > STEPS_DRAWN {
        ending = format!(
            "the first {STEPS_DRAWN} of {} steps drawn ({:.1} weeks); the route goes on: {ending}",
            crate::text::thousands(whole.steps.len() as u64),
            layout.end / 7.0
        );
    }
    let _ = writeln!(
        o,
        r#"<text x="16" y="{:.1}" font-weight="bold">{}</text>"#,
        layout.height - 30.0,
        xml(&ending)
    );
}

/// The score (1..5) of a step in the Mermaid journey: how the reporter fares
/// after the silence before it: contact within a week 5, within 3 weeks 4,
/// within 6 weeks 3, within 12 weeks 2, longer 1.
pub fn score(silence_days: f64) -> u8 {
    match silence_days {
        d if d <= 7.0 => 5,
        d if d <= 21.0 => 4,
        d if d <= 42.0 => 3,
        d if d <= 84.0 => 2,
        _ => 1,
    }
}

/// Mermaid needs a name on every line: text that cleaned to nothing.
fn named(text: String) -> String {
    if text.is_empty() {
        "(untitled)".to_owned()
    } else {
        text
    }
}

/// The journey as a Mermaid `journey` diagram: sections are procedures,
/// tasks are steps, actors are who does them.
pub fn mermaid(model: &SimModel, trace: &Trace, title: &str) -> String {
    let mut o = String::from("journey\n");
    let _ = writeln!(o, "    title {}", named(mm(title)));
    let mut section = u32::MAX;
    for s in &trace.steps {
        let st = &model.steps[s.step as usize];
        if st.procedure != section {
            section = st.procedure;
            let _ = writeln!(
                o,
                "    section {}",
                named(mm(&model.procedures[section as usize].id))
            );
        }
        let _ = writeln!(
            o,
            "      {}: {}: {}",
            named(mm(&cut(&model.names[s.step as usize].title, 80))),
            score(s.silence),
            named(mm(&cut(&model.actors[st.actor as usize], 60)))
        );
    }
    o
}
