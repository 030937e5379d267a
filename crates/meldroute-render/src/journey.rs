//! The journey view: an SVG timeline in the customer-journey-map style,
//! drawn by meldroute itself, and the same route as a Mermaid `journey`.

use std::collections::HashMap;
use std::fmt::Write as _;

use meldroute_core::model::StepKind;
use meldroute_core::sim::model::{SimDeadline, UpdateTimes};
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

/// The most interim updates a journey map draws as marks during one step:
/// the first of them and the last; the others are said (`+N more`), and
/// the stretch between is drawn as one band.
pub const UPDATES_DRAWN: usize = 12;

/// The most update marks in one map: a budget the steps draw from in
/// order, so that a long route of steps with frequent updates stays
/// readable and small.
pub const UPDATES_DRAWN_IN_ALL: usize = 240;

/// The journey as an SVG document: its first [`STEPS_DRAWN`] steps, their
/// interim updates (at most [`UPDATES_DRAWN`] marks a step, and
/// [`UPDATES_DRAWN_IN_ALL`] in all), and how the whole journey ends.
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
    let marks = update_marks(trace);
    header(&mut o, &layout, title, !marks.is_empty());
    for stage in stages(model, trace) {
        draw_stage(&mut o, model, &layout, &stage);
    }
    draw_lanes(&mut o, model, &layout);
    for silence in silences(model, trace, &marks, layout.end) {
        draw_silence(&mut o, &layout, silence);
    }
    for (n, s) in trace.steps.iter().enumerate() {
        draw_step(&mut o, model, &layout, n, s);
    }
    for m in &marks {
        draw_updates(&mut o, &layout, m);
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

/// The opening tag, background, title and key (which names the update
/// marks when there are any, `updates`).
fn header(o: &mut String, layout: &Layout, title: &str, updates: bool) {
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
    let diamonds = if updates {
        " Diamonds: interim updates (filled: feedback)."
    } else {
        ""
    };
    let _ = writeln!(
        o,
        r##"<text x="16" y="44" fill="#57606a">Shaded: time without contact with the reporter. Dots: contacts.{diamonds} Dashed lines: deadlines.</text>"##
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

/// The interim updates of one step as drawn: the marks, and the updates
/// not drawn between them.
struct Marks {
    /// The updates.
    updates: UpdateTimes,
    /// The times drawn as marks (days).
    at: Vec<f64>,
    /// The updates between the last two marks that are not drawn, and
    /// that stretch (from, to): regular contacts `every` apart.
    hidden: Option<(u64, f64, f64)>,
}

/// The update marks of `trace`, step by step, within the budgets
/// [`UPDATES_DRAWN`] and [`UPDATES_DRAWN_IN_ALL`]: each step's first
/// updates and its last; a step past the budget gets its first and last.
fn update_marks(trace: &Trace) -> Vec<Marks> {
    let mut left = UPDATES_DRAWN_IN_ALL;
    let mut out = Vec::new();
    for u in trace.steps.iter().filter_map(|s| s.updates) {
        let room = UPDATES_DRAWN.min(left).max(2);
        let n = u.count.min(room as u64);
        let (at, hidden) = if u.count <= n {
            ((0..u.count).map(|k| u.at(k)).collect(), None)
        } else {
            let mut at: Vec<f64> = (0..n - 1).map(|k| u.at(k)).collect();
            at.push(u.last());
            (at, Some((u.count - n, u.at(n - 2), u.last())))
        };
        left = left.saturating_sub(at.len());
        out.push(Marks {
            updates: u,
            at,
            hidden,
        });
    }
    out
}

/// The silences, as (from, to) in days: the times without contact from
/// the report (or the start) to `end`; contact steps end them, and so do
/// interim updates (`marks`; the regular updates not drawn leave no
/// silence longer than `every`, drawn as their band instead).
fn silences(model: &SimModel, trace: &Trace, marks: &[Marks], end: f64) -> Vec<(f64, f64)> {
    let report_at = trace
        .steps
        .iter()
        .find(|s| model.steps[s.step as usize].kind == StepKind::Report)
        .map_or(0.0, |s| s.end);
    // Contacts as (from, to): a moment, or the stretch of updates not drawn.
    let mut contacts: Vec<(f64, f64)> = trace
        .steps
        .iter()
        .filter(|s| s.contact)
        .map(|s| (s.end, s.end))
        .collect();
    for m in marks {
        contacts.extend(m.at.iter().map(|&t| (t, t)));
        contacts.extend(m.hidden.map(|(_, from, to)| (from, to)));
    }
    contacts.retain(|c| c.0 >= report_at);
    contacts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    contacts.push((end, end));
    let mut quiet_from = report_at;
    let mut out = Vec::new();
    for (from, to) in contacts {
        if from - quiet_from > 1e-9 {
            out.push((quiet_from, from));
        }
        quiet_from = quiet_from.max(to);
    }
    out
}

/// A step's interim updates on the reporter's lane: a diamond per drawn
/// update (filled when they are feedback), each titled; the stretch of
/// updates not drawn as a band; and one label: how many, how often, and
/// how many are not drawn.
fn draw_updates(o: &mut String, layout: &Layout, m: &Marks) {
    let y = layout.actor_y(0);
    let u = &m.updates;
    let (what, fill) = if u.feedback {
        ("feedback update", "#1a7f37")
    } else {
        ("update", "#ffffff")
    };
    if let Some((_, from, to)) = m.hidden {
        let (a, b) = (layout.x(from), layout.x(to));
        let _ = writeln!(
            o,
            r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="6" fill="#1a7f37" fill-opacity="0.25"/>"##,
            y - 3.0,
            (b - a).max(0.5)
        );
    }
    for &t in &m.at {
        let x = layout.x(t);
        let _ = writeln!(
            o,
            r##"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="{fill}" stroke="#1a7f37"><title>{what}, week {:.1}</title></path>"##,
            y - 5.0,
            x + 4.0,
            y + 5.0,
            x - 4.0,
            t / 7.0
        );
    }
    let every = meldroute_core::Duration::from_days(u.every).to_string();
    let mut label = format!(
        "{} {what}{} every {every}",
        crate::text::thousands(u.count),
        if u.count == 1 { "" } else { "s" }
    );
    if let Some((hidden, _, _)) = m.hidden {
        label += &format!(" (+{} more not drawn)", crate::text::thousands(hidden));
    }
    let _ = writeln!(
        o,
        r##"<text x="{:.1}" y="{:.1}" fill="#1a7f37" font-size="9">{}</text>"##,
        layout.x(u.first),
        y + 20.0,
        xml(&label)
    );
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
/// tasks are steps (and a step's interim updates, one task for them all),
/// actors are who does them.
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
        // The updates while the step runs, as a task before its end,
        // scored by the longest silence they leave within the step.
        if let Some(u) = &s.updates {
            let every = meldroute_core::Duration::from_days(u.every).to_string();
            let _ = writeln!(
                o,
                "      {} {}update{} every {}: {}: {}",
                u.count,
                if u.feedback { "feedback " } else { "" },
                if u.count == 1 { "" } else { "s" },
                mm(&every),
                score((u.first - s.start).max(u.gap())),
                named(mm(&cut(&model.actors[st.actor as usize], 60)))
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
