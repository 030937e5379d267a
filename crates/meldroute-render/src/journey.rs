//! The journey map: one route of a procedure in the customer-journey-map
//! style of the working group's hand-drawn maps (stages, the actors'
//! steps, the touchpoints with their channel, the deadlines, the
//! reporter's experience, the pain points), drawn by meldroute itself from
//! the simulated distribution (docs/journey-map.md); and the same route as
//! a Mermaid `journey`.
//!
//! Every label is measured in the bundled font ([`crate::font`]) and
//! placed where it fits: wrapped, in a row of its own when it would
//! overlap another, moved left inside the canvas with a leader line to
//! what it names. [`Map::draw`] returns the boxes of every text it drew,
//! so that a test can check that none overlaps another or leaves the
//! canvas.

use std::fmt::Write as _;

use meldroute_core::gaps::Finding;
use meldroute_core::library::Library;
use meldroute_core::sim::SimModel;
use meldroute_core::sim::model::UpdateTimes;
use meldroute_core::sim::routes::{Ranking, RouteJourney, RouteStep};
use meldroute_diagnostics::Lang;

use crate::font::Style;
use crate::layout::{Anchor, Canvas, Label, pack};
pub use crate::layout::{Drawn, TextBox};
use crate::text::{mermaid as mm, xml};
use crate::words::{self, pick};

/// The canvas width: A4 landscape at 96 px per inch (297 mm).
pub const WIDTH: f64 = 1123.0;
/// The margin all round.
const MARGIN: f64 = 24.0;
/// The column of row headings.
const HEADS: f64 = 176.0;
/// Where the time scale starts and ends.
const X0: f64 = MARGIN + HEADS + 12.0;
const X1: f64 = WIDTH - MARGIN - 8.0;
/// The widest a step's label is.
const STEP_LABEL: f64 = 150.0;

const TITLE: Style = Style::bold(18.0);
const SUB: Style = Style::regular(11.0);
const HEAD: Style = Style::bold(10.0);
const LABEL: Style = Style::regular(9.0);
const BAND: Style = Style::bold(9.0);
const NOTE: Style = Style::regular(9.0);

/// The most steps a journey map draws: beyond this the picture is no
/// longer readable.
pub const STEPS_DRAWN: usize = 120;

/// The most update marks a step draws: the first of them and the last.
pub const UPDATES_DRAWN: usize = 12;

/// A pain point: a gap finding, where it occurs on the route.
#[derive(Clone, Debug, PartialEq)]
pub struct Pain {
    /// The step of the route where it occurs (an index into
    /// [`SimModel::steps`]), `None` when it concerns the procedure as a
    /// whole or a step off this route.
    pub step: Option<u32>,
    /// Its procedure (an index into [`SimModel::procedures`]).
    pub procedure: u32,
    /// What it is, in words of the map's language.
    pub text: String,
}

/// The pain points of `findings` on `model`: each finding not accepted as
/// no gap, at the step where its witness route starts, said in `lang`
/// without codes or ids (they stay in the diagnostics).
pub fn pains(model: &SimModel, lib: &Library, findings: &[Finding], lang: Lang) -> Vec<Pain> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| !f.accepted_as_no_gap()) {
        let Some(procedure) = model.procedures.iter().position(|p| p.entry == f.entry) else {
            continue;
        };
        let entry = lib.entry(f.entry);
        let step = f.route.first().and_then(|i| {
            let id = entry
                .procedure
                .steps
                .iter()
                .nth(i)
                .map(|(k, _)| k.value.as_str())?;
            (0..model.steps.len() as u32).find(|&s| {
                model.steps[s as usize].procedure == procedure as u32
                    && model.names[s as usize].id == id
            })
        });
        let mut text = pain_text(f.diagnostic.code, lang).to_owned();
        if let Some(s) = step {
            let _ = write!(
                text,
                " ({}: {})",
                pick(lang, "bij", "at"),
                model.names[s as usize].title
            );
        }
        if let Some(share) = &f.share {
            let _ = write!(
                text,
                "; {} {}",
                words::percent(share.value, 1, lang),
                pick(lang, "van de trajecten", "of journeys")
            );
        }
        out.push(Pain {
            step,
            procedure: procedure as u32,
            text,
        });
    }
    out
}

/// A journey rule's finding in a few words.
fn pain_text(code: &str, lang: Lang) -> &'static str {
    let (nl, en) = match code {
        "MR101" => (
            "Ontvangst niet altijd binnen 7 dagen bevestigd",
            "Receipt not always confirmed within 7 days",
        ),
        "MR102" => (
            "Een route zonder terugkoppeling",
            "A route without feedback",
        ),
        "MR103" => ("Een route zonder nazorg", "A route without aftercare"),
        "MR104" => (
            "Lange stilte voor de melder",
            "A long silence for the reporter",
        ),
        "MR105" => (
            "Een termijn wordt vaak overschreden",
            "A deadline is often missed",
        ),
        "MR106" => (
            "Geen weg naar de Nationale ombudsman of het Huis voor klokkenluiders",
            "No way on to the Nationale ombudsman or the Huis voor klokkenluiders",
        ),
        "MR107" => (
            "Wat de wet van deze procedure vraagt, ontbreekt",
            "Something the law requires of this procedure is missing",
        ),
        "MR108" => (
            "Een anonieme melder krijgt geen terugkoppeling",
            "An anonymous reporter gets no feedback",
        ),
        _ => ("Een knelpunt", "A pain point"),
    };
    pick(lang, nl, en)
}

/// What a journey map draws.
pub struct Map<'a> {
    /// The model the route runs through.
    pub model: &'a SimModel,
    /// The route, its times and what the reporter has had.
    pub journey: &'a RouteJourney,
    /// The title (the procedure's).
    pub title: &'a str,
    /// The pain points ([`pains`]).
    pub pains: &'a [Pain],
    /// The language of the map's own words.
    pub lang: Lang,
}

/// The time scale: days to px, with ticks at whole weeks.
struct Scale {
    end: f64,
    tick_weeks: u32,
}

impl Scale {
    /// A scale to `days` at least, ending on a tick.
    fn new(days: f64) -> Scale {
        let weeks = (days.max(1.0) / 7.0).max(1.0);
        let tick_weeks = [1u32, 2, 4, 8, 13, 26, 52, 104, 260, 520]
            .into_iter()
            .find(|&t| weeks / f64::from(t) <= 10.0)
            .unwrap_or(1040);
        let ticks = (weeks / f64::from(tick_weeks)).ceil().max(1.0);
        Scale {
            end: ticks * f64::from(tick_weeks) * 7.0,
            tick_weeks,
        }
    }

    fn x(&self, days: f64) -> f64 {
        X0 + days.clamp(0.0, self.end) / self.end * (X1 - X0)
    }
}

/// The stage of `step`: its file's, else its kind's.
fn stage_of(model: &SimModel, step: u32, lang: Lang) -> String {
    model.names[step as usize]
        .stage
        .clone()
        .unwrap_or_else(|| words::stage(model.steps[step as usize].kind, lang).to_owned())
}

/// A row of bands: each its first and last step on the route, and its
/// label.
type Bands = Vec<(usize, usize, String)>;

/// A mark of the key, drawn at (x, y), and what it means.
type KeyMark = (Box<dyn Fn(f64, f64) -> String>, &'static str);

/// Runs of route steps with the same key, as (first, last) indices.
fn runs<K: PartialEq>(steps: &[RouteStep], key: impl Fn(&RouteStep) -> K) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        match out.last_mut() {
            Some(r) if key(&steps[r.1]) == key(s) => r.1 = i,
            _ => out.push((i, i)),
        }
    }
    out
}

/// Colours, named for what they mark.
const INK: &str = "#24292f";
const MUTED: &str = "#57606a";
const CONTACT: &str = "#1a7f37";
const SILENCE: &str = "#cf222e";
const DEADLINE: &str = "#9a6700";
const STEP: &str = "#6e7781";
const RULE: &str = "#d0d7de";
const EXPERIENCE: &str = "#0969da";

impl Map<'_> {
    /// The map as SVG, with the box of every text.
    pub fn draw(&self) -> Drawn {
        let lang = self.lang;
        let model = self.model;
        let all = &self.journey.steps;
        let steps = &all[..all.len().min(STEPS_DRAWN)];
        let scale = Scale::new(
            steps
                .iter()
                .map(|s| s.end_p90.max(s.end))
                .chain(steps.iter().filter_map(|s| s.deadline.map(|d| d.1)))
                .fold(1.0, f64::max),
        );
        let mut c = Canvas::default();
        let mut y = MARGIN;

        // Title and what the route is.
        let title = TITLE.wrap(self.title, WIDTH - 2.0 * MARGIN, 2);
        y += TITLE.size;
        c.lines(MARGIN, y, &title, TITLE, Anchor::Start, INK);
        y += (title.len() - 1) as f64 * TITLE.line() + SUB.line() + 4.0;
        for line in self.route_said() {
            for l in SUB.wrap(&line, WIDTH - 2.0 * MARGIN, 3) {
                c.text(MARGIN, y, &l, SUB, Anchor::Start, MUTED);
                y += SUB.line();
            }
        }
        y += 10.0;

        // The procedures (when the route leaves the first) and the stages.
        let procedures = runs(steps, |s| model.steps[s.step as usize].procedure);
        let mut rows: Vec<(String, Bands)> = Vec::new();
        if procedures.len() > 1 {
            rows.push((
                pick(lang, "Procedure", "Procedure").to_owned(),
                procedures
                    .iter()
                    .map(|&(a, b)| {
                        let p = model.steps[steps[a].step as usize].procedure;
                        (a, b, model.procedures[p as usize].title.clone())
                    })
                    .collect(),
            ));
        }
        let stages = runs(steps, |s| {
            (
                model.steps[s.step as usize].procedure,
                stage_of(model, s.step, lang),
            )
        });
        rows.push((
            pick(lang, "Fase", "Stage").to_owned(),
            stages
                .iter()
                .map(|&(a, b)| (a, b, stage_of(model, steps[a].step, lang)))
                .collect(),
        ));
        for (k, (head, bands)) in rows.iter().enumerate() {
            let mut labels: Vec<Label> = bands
                .iter()
                .map(|(a, _, text)| {
                    Label::new(scale.x(steps[*a].start) + 4.0, text, BAND, 220.0, 2)
                })
                .collect();
            let n = pack(&mut labels, X0, X1);
            let row_h = 2.0 * BAND.line();
            let h = n as f64 * row_h + 8.0;
            self.head(&mut c, y, h, head);
            for (i, (a, b, _)) in bands.iter().enumerate() {
                let (xa, xb) = (scale.x(steps[*a].start), scale.x(steps[*b].end));
                let fill = if (i + k).is_multiple_of(2) {
                    "#f6f8fa"
                } else {
                    "#eaeef2"
                };
                c.raw(format_args!(
                    r#"<rect x="{xa:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}" stroke="{RULE}"/>"#,
                    y,
                    (xb - xa).max(1.0),
                    h
                ));
            }
            for l in &labels {
                let ly = y + 4.0 + l.row as f64 * row_h + BAND.size;
                c.lines(l.x, ly, &l.lines, BAND, Anchor::Start, INK);
            }
            y += h + 4.0;
        }

        // The actors' lanes: each step a bar from its median start to its
        // median end, the 10-90% band of its end a whisker, its title below.
        let mut actors: Vec<u32> = vec![0];
        for s in steps {
            let a = model.steps[s.step as usize].actor;
            if !actors.contains(&a) {
                actors.push(a);
            }
        }
        let lanes_top = y;
        for &a in &actors {
            let mine: Vec<&RouteStep> = steps
                .iter()
                .filter(|s| model.steps[s.step as usize].actor == a)
                .collect();
            let mut labels: Vec<Label> = mine
                .iter()
                .map(|s| {
                    Label::new(
                        scale.x(s.start),
                        &model.names[s.step as usize].title,
                        LABEL,
                        STEP_LABEL,
                        2,
                    )
                })
                .collect();
            let n = pack(&mut labels, X0, X1);
            let row_h = 2.0 * LABEL.line() + 2.0;
            let h = 24.0 + n as f64 * row_h;
            self.head(&mut c, y, h, &model.actors[a as usize]);
            let bar = y + 10.0;
            for (s, l) in mine.iter().zip(&labels) {
                let (xa, xb) = (scale.x(s.start), scale.x(s.end));
                let colour = if model.steps[s.step as usize].contact {
                    CONTACT
                } else {
                    STEP
                };
                c.raw(format_args!(
                    r#"<rect x="{xa:.1}" y="{:.1}" width="{:.1}" height="8" rx="2" fill="{colour}"/>"#,
                    bar - 4.0,
                    (xb - xa).max(2.0)
                ));
                let (p10, p90) = (scale.x(s.end_p10), scale.x(s.end_p90));
                if p90 - p10 > 1.0 {
                    c.raw(format_args!(
                        r#"<path d="M{p10:.1} {:.1}V{:.1}M{p10:.1} {:.1}H{p90:.1}M{p90:.1} {:.1}V{:.1}" stroke="{INK}" fill="none" stroke-width="1"/>"#,
                        bar + 5.0,
                        bar + 9.0,
                        bar + 7.0,
                        bar + 5.0,
                        bar + 9.0
                    ));
                }
                let ly = bar + 12.0 + l.row as f64 * row_h + LABEL.size;
                if (l.x - l.at).abs() > 2.0 || l.row > 0 {
                    c.raw(format_args!(
                        r#"<line x1="{xa:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{RULE}"/>"#,
                        bar + 4.0,
                        l.x,
                        ly - LABEL.size
                    ));
                }
                c.lines(l.x, ly, &l.lines, LABEL, Anchor::Start, INK);
            }
            y += h;
        }

        // The touchpoints: each contact where it ends, with its channel;
        // interim updates as diamonds; the silences between shaded.
        y += 4.0;
        let mut labels: Vec<Label> = Vec::new();
        // (time, update mark: Some(feedback) or a contact's dot, title)
        let mut marks: Vec<(f64, Option<bool>, String)> = Vec::new();
        let mut bands: Vec<(f64, f64)> = Vec::new();
        for s in steps {
            let st = &model.steps[s.step as usize];
            if st.contact {
                let text = format!(
                    "{}, {} {}",
                    capital(words::channel(model.names[s.step as usize].channel, lang)),
                    pick(lang, "wk", "wk"),
                    words::fixed(s.end / 7.0, 1, lang)
                );
                labels.push(Label::new(scale.x(s.end) - 4.0, &text, LABEL, 120.0, 1));
                marks.push((s.end, None, String::new()));
            }
            if let Some(u) = s.updates {
                let what = if u.feedback {
                    pick(lang, "tussentijdse terugkoppeling", "feedback update")
                } else {
                    pick(lang, "tussentijds bericht", "update")
                };
                let (at, hidden) = drawn_updates(&u);
                for t in at {
                    let title = format!(
                        "{what}, {} {}",
                        pick(lang, "week", "week"),
                        words::fixed(t / 7.0, 1, lang)
                    );
                    marks.push((t, Some(u.feedback), title));
                }
                let mut text = format!(
                    "{}× {what}, {} {}",
                    words::thousands(u.count, lang),
                    pick(lang, "elke", "every"),
                    words::term(u.every, lang)
                );
                if let Some((n, from, to)) = hidden {
                    bands.push((from, to));
                    let _ = write!(
                        text,
                        " (+{} {})",
                        words::thousands(n, lang),
                        pick(lang, "niet getekend", "more not drawn")
                    );
                }
                labels.push(Label::new(scale.x(u.first) - 4.0, &text, LABEL, 320.0, 1));
            }
        }
        let silences = silences(steps, model);
        for &(from, to) in silences.iter().filter(|(a, b)| b - a >= 7.0) {
            let text = format!(
                "{} {} {}",
                words::fixed((to - from) / 7.0, 1, lang),
                pick(lang, "wk", "wk"),
                pick(lang, "stil", "silent")
            );
            let mid = (scale.x(from) + scale.x(to)) / 2.0;
            labels.push(Label::new(
                mid - LABEL.width(&text) / 2.0,
                &text,
                LABEL,
                120.0,
                1,
            ));
        }
        labels.sort_by(|a, b| a.at.total_cmp(&b.at));
        let n = pack(&mut labels, X0, X1);
        let row_h = LABEL.line() + 2.0;
        let h = 26.0 + n as f64 * row_h;
        self.head(
            &mut c,
            y,
            h,
            pick(lang, "Contact met de melder", "Contact with the reporter"),
        );
        let line_y = y + 11.0;
        for &(from, to) in &silences {
            let (a, b) = (scale.x(from), scale.x(to));
            c.raw(format_args!(
                r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="14" fill="{SILENCE}" fill-opacity="0.15"/>"#,
                line_y - 7.0,
                (b - a).max(0.5)
            ));
        }
        c.raw(format_args!(
            r#"<line x1="{X0}" y1="{line_y:.1}" x2="{X1}" y2="{line_y:.1}" stroke="{RULE}"/>"#
        ));
        for &(from, to) in &bands {
            let (a, b) = (scale.x(from), scale.x(to));
            c.raw(format_args!(
                r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="6" fill="{CONTACT}" fill-opacity="0.25"/>"#,
                line_y - 3.0,
                (b - a).max(0.5)
            ));
        }
        for (t, update, what) in &marks {
            let x = scale.x(*t);
            if let Some(feedback) = update {
                let fill = if *feedback { CONTACT } else { "#ffffff" };
                c.raw(format_args!(
                    r#"<path d="M{x:.1} {:.1}L{:.1} {line_y:.1}L{x:.1} {:.1}L{:.1} {line_y:.1}Z" fill="{fill}" stroke="{CONTACT}"><title>{}</title></path>"#,
                    line_y - 5.0,
                    x + 4.0,
                    line_y + 5.0,
                    x - 4.0,
                    xml(what)
                ));
            } else {
                c.raw(format_args!(
                    r#"<circle cx="{x:.1}" cy="{line_y:.1}" r="5" fill="{CONTACT}"/>"#
                ));
            }
        }
        for l in &labels {
            let ly = line_y + 10.0 + l.row as f64 * row_h + LABEL.size;
            c.lines(l.x, ly, &l.lines, LABEL, Anchor::Start, INK);
        }
        y += h;

        // The experience lane: the score after each step (a model).
        y += 4.0;
        let h = 64.0;
        self.head(
            &mut c,
            y,
            h,
            pick(
                lang,
                "Beleving van de melder (model)",
                "The reporter's experience (model)",
            ),
        );
        let (lo, hi) = meldroute_core::experience::RANGE;
        let weights = meldroute_core::experience::Weights::default();
        let sy = |score: f64| y + h - 6.0 - (score.clamp(lo, hi) - lo) / (hi - lo) * (h - 12.0);
        for v in [lo, (lo + hi) / 2.0, hi] {
            c.raw(format_args!(
                r#"<line x1="{X0}" y1="{:.1}" x2="{X1}" y2="{:.1}" stroke="{RULE}" stroke-dasharray="2 3"/>"#,
                sy(v),
                sy(v)
            ));
            c.text(
                X0 - 4.0,
                sy(v) + 3.0,
                &words::number(v, 0, lang),
                NOTE,
                Anchor::End,
                MUTED,
            );
        }
        let mut points = format!("{:.1},{:.1}", scale.x(0.0), sy(weights.base));
        let mut last = weights.base;
        for s in steps {
            last = weights.score(&s.facts);
            let _ = write!(points, " {:.1},{:.1}", scale.x(s.end), sy(last));
        }
        c.raw(format_args!(
            r#"<polyline points="{points}" fill="none" stroke="{EXPERIENCE}" stroke-width="2"/>"#
        ));
        let end_x = steps.last().map_or(X0, |s| scale.x(s.end));
        let said = format!(
            "{}: {}",
            pick(lang, "eind", "end"),
            words::number(last, 0, lang)
        );
        let (x, anchor) = if end_x + 6.0 + NOTE.width(&said) <= X1 {
            (end_x + 6.0, Anchor::Start)
        } else {
            (end_x - 6.0, Anchor::End)
        };
        let ly = if sy(last) - 6.0 - NOTE.size > y {
            sy(last) - 6.0
        } else {
            sy(last) + 12.0
        };
        c.text(x, ly, &said, NOTE, anchor, EXPERIENCE);
        y += h;

        // The pain points: numbered where they occur, in one row while
        // they fit beside each other, else in more.
        y += 4.0;
        let mut placed: Vec<(f64, usize)> = Vec::new();
        let mut next_free = vec![X0];
        for p in self.pains {
            let at = p
                .step
                .and_then(|s| steps.iter().find(|r| r.step == s))
                .or_else(|| {
                    steps
                        .iter()
                        .find(|r| model.steps[r.step as usize].procedure == p.procedure)
                })
                .map_or(X0, |r| scale.x(r.end));
            let want = (at - 8.0).clamp(X0, X1 - 16.0);
            let row = next_free
                .iter()
                .position(|&f| want.max(f) <= X1 - 16.0)
                .unwrap_or_else(|| {
                    next_free.push(X0);
                    next_free.len() - 1
                });
            let left = want.max(next_free[row]);
            next_free[row] = left + 18.0;
            placed.push((left, row));
        }
        let h = 6.0 + 20.0 * next_free.len() as f64;
        self.head(&mut c, y, h, pick(lang, "Knelpunten", "Pain points"));
        for (k, &(left, row)) in placed.iter().enumerate() {
            let cx = left + 8.0;
            let cy = y + 13.0 + 20.0 * row as f64;
            c.raw(format_args!(
                r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="7.5" fill="{SILENCE}"/>"#
            ));
            c.text(
                cx,
                cy + 3.5,
                &(k + 1).to_string(),
                Style::bold(9.0),
                Anchor::Middle,
                "#ffffff",
            );
        }
        if self.pains.is_empty() {
            c.text(
                X0,
                y + 16.0,
                pick(lang, "geen knelpunten gevonden", "no pain points found"),
                NOTE,
                Anchor::Start,
                MUTED,
            );
        }
        y += h;

        // The deadlines: a dashed line at each limit, across the lanes,
        // labelled below.
        let mut labels: Vec<Label> = Vec::new();
        let mut lines = Vec::new();
        for s in steps {
            let Some((di, at)) = s.deadline else { continue };
            let d = &model.deadlines[di as usize];
            let met = s.end <= at + 1e-9;
            let text = format!(
                "{} {} ({}): {}",
                words::term(d.within, lang),
                pick(lang, "voor", "for"),
                d.basis,
                if met {
                    pick(lang, "gehaald", "met")
                } else {
                    pick(lang, "overschreden", "missed")
                }
            );
            labels.push(Label::new(scale.x(at) - 4.0, &text, NOTE, 260.0, 2));
            lines.push(scale.x(at));
        }
        let n = pack(&mut labels, X0, X1);
        let row_h = 2.0 * NOTE.line() + 2.0;
        let h = if labels.is_empty() {
            0.0
        } else {
            8.0 + n as f64 * row_h
        };
        if !labels.is_empty() {
            self.head(&mut c, y, h, pick(lang, "Termijnen", "Deadlines"));
        }
        for (x, l) in lines.iter().zip(&labels) {
            let _ = writeln!(
                c.under,
                r#"<line x1="{x:.1}" y1="{lanes_top:.1}" x2="{x:.1}" y2="{:.1}" stroke="{DEADLINE}" stroke-dasharray="4 3"/>"#,
                y + 4.0 + l.row as f64 * row_h
            );
            c.lines(
                l.x + 2.0,
                y + 4.0 + l.row as f64 * row_h + NOTE.size,
                &l.lines,
                NOTE,
                Anchor::Start,
                DEADLINE,
            );
        }
        y += h;

        // The time axis, ticks where they say.
        y += 6.0;
        c.raw(format_args!(
            r#"<line x1="{X0}" y1="{y:.1}" x2="{X1}" y2="{y:.1}" stroke="{INK}"/>"#
        ));
        let ticks = (scale.end / 7.0 / f64::from(scale.tick_weeks)).round() as u32;
        for k in 0..=ticks {
            let weeks = k * scale.tick_weeks;
            let x = scale.x(f64::from(weeks) * 7.0);
            c.raw(format_args!(
                r#"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{:.1}" stroke="{INK}"/>"#,
                y + 4.0
            ));
            c.text(x, y + 15.0, &weeks.to_string(), NOTE, Anchor::Middle, INK);
        }
        c.text(
            MARGIN,
            y + 15.0,
            pick(lang, "weken sinds de start", "weeks since the start"),
            NOTE,
            Anchor::Start,
            MUTED,
        );
        y += 30.0;

        // The key, the pain points in words, and what the figures are.
        let mut x = MARGIN;
        for (mark, text) in self.key() {
            let w = 18.0 + NOTE.width(text) + 16.0;
            if x + w > WIDTH - MARGIN {
                x = MARGIN;
                y += NOTE.line() + 6.0;
            }
            c.raw(format_args!("{}", mark(x, y - 3.0)));
            c.text(x + 18.0, y, text, NOTE, Anchor::Start, INK);
            x += w;
        }
        y += NOTE.line() + 10.0;
        for (k, p) in self.pains.iter().enumerate() {
            let lines = NOTE.wrap(&p.text, WIDTH - 2.0 * MARGIN - 24.0, 3);
            c.text(
                MARGIN + 14.0,
                y,
                &(k + 1).to_string(),
                Style::bold(9.0),
                Anchor::End,
                SILENCE,
            );
            c.lines(MARGIN + 24.0, y, &lines, NOTE, Anchor::Start, INK);
            y += lines.len() as f64 * NOTE.line() + 2.0;
        }
        y += 6.0;
        for line in self.footer() {
            for l in NOTE.wrap(&line, WIDTH - 2.0 * MARGIN, 4) {
                c.text(MARGIN, y, &l, NOTE, Anchor::Start, MUTED);
                y += NOTE.line();
            }
        }
        c.finish(WIDTH, (y + MARGIN).ceil(), lang)
    }

    /// A row's heading in the left column, and the row's rule.
    fn head(&self, c: &mut Canvas, y: f64, h: f64, text: &str) {
        let lines = HEAD.wrap(
            text,
            HEADS - 8.0,
            ((h / HEAD.line()).floor() as usize).max(1),
        );
        c.lines(
            MARGIN,
            y + HEAD.size + 2.0,
            &lines,
            HEAD,
            Anchor::Start,
            INK,
        );
        c.raw(format_args!(
            r#"<line x1="{MARGIN}" y1="{y:.1}" x2="{X1}" y2="{y:.1}" stroke="{RULE}" stroke-width="0.5"/>"#
        ));
    }

    /// What route this is: its rank, its share, its ties.
    fn route_said(&self) -> Vec<String> {
        let lang = self.lang;
        let j = self.journey;
        let share = match j.route.ci95 {
            Some(ci) => format!(
                "{} (95%-{} {}–{})",
                words::percent(j.route.probability, 1, lang),
                pick(lang, "BI", "CI"),
                words::percent(ci.low, 1, lang),
                words::percent(ci.high, 1, lang)
            ),
            None => words::percent(j.route.probability, 2, lang),
        };
        let via = j
            .via
            .map(|v| {
                format!(
                    " {} {}",
                    pick(lang, "via", "through"),
                    self.model.names[v as usize].title
                )
            })
            .unwrap_or_default();
        let which = if j.rank == 1 {
            format!(
                "{}{via}",
                pick(
                    lang,
                    "De meest waarschijnlijke route",
                    "The most probable route"
                )
            )
        } else {
            format!(
                "{} {}{via} {}",
                pick(lang, "Route", "Route"),
                j.rank,
                pick(lang, "naar waarschijnlijkheid", "by probability")
            )
        };
        let mut first = format!(
            "{which}: {share} {}, {} {} {}: {}",
            pick(lang, "van de trajecten", "of journeys"),
            pick(lang, "einde na", "ending after"),
            words::fixed(j.steps.last().map_or(0.0, |s| s.end) / 7.0, 1, lang),
            pick(lang, "weken (mediaan)", "weeks (median)"),
            words::outcome(j.outcome, lang)
        );
        if j.steps.len() > STEPS_DRAWN {
            let _ = write!(
                first,
                " ({} {STEPS_DRAWN} {} {})",
                pick(lang, "getekend: de eerste", "drawn: the first"),
                pick(lang, "van", "of"),
                j.steps.len()
            );
        }
        let mut out = vec![first];
        if !j.ties.is_empty() {
            let ranks: Vec<String> = j.ties.iter().map(ToString::to_string).collect();
            out.push(format!(
                "{} {} {}",
                pick(lang, "Even waarschijnlijk als route", "Tied with route"),
                join(&ranks, lang),
                pick(
                    lang,
                    "(bij gelijke kans gaat de kortere route voor, dan de volgorde van de stappen in het bestand)",
                    "(equal chances go to the shorter route, then to the order of the steps in the file)"
                )
            ));
        }
        out
    }

    /// The key: a mark and what it means.
    fn key(&self) -> Vec<KeyMark> {
        let lang = self.lang;
        vec![
            (
                Box::new(|x, y| {
                    format!(
                        r#"<rect x="{x:.1}" y="{:.1}" width="14" height="8" rx="1" fill="{STEP}"/>"#,
                        y - 4.0
                    )
                }),
                pick(lang, "stap (mediane duur)", "step (median duration)"),
            ),
            (
                Box::new(|x, y| {
                    format!(
                        r#"<path d="M{x:.1} {:.1}V{:.1}M{x:.1} {y:.1}H{:.1}M{:.1} {:.1}V{:.1}" stroke="{INK}" fill="none"/>"#,
                        y - 3.0,
                        y + 3.0,
                        x + 14.0,
                        x + 14.0,
                        y - 3.0,
                        y + 3.0
                    )
                }),
                pick(
                    lang,
                    "einde: 10–90% van de trajecten",
                    "end: 10-90% of journeys",
                ),
            ),
            (
                Box::new(|x, y| {
                    format!(
                        r#"<circle cx="{:.1}" cy="{y:.1}" r="5" fill="{CONTACT}"/>"#,
                        x + 7.0
                    )
                }),
                pick(lang, "contact met de melder", "contact with the reporter"),
            ),
            (
                Box::new(|x, y| {
                    let m = x + 7.0;
                    format!(
                        r##"<path d="M{m:.1} {:.1}L{:.1} {y:.1}L{m:.1} {:.1}L{:.1} {y:.1}Z" fill="#ffffff" stroke="{CONTACT}"/>"##,
                        y - 5.0,
                        m + 4.0,
                        y + 5.0,
                        m - 4.0
                    )
                }),
                pick(
                    lang,
                    "tussentijds bericht (gevuld: terugkoppeling)",
                    "interim update (filled: feedback)",
                ),
            ),
            (
                Box::new(|x, y| {
                    format!(
                        r#"<rect x="{x:.1}" y="{:.1}" width="14" height="10" fill="{SILENCE}" fill-opacity="0.15"/>"#,
                        y - 5.0
                    )
                }),
                pick(lang, "stilte: geen contact", "silence: no contact"),
            ),
            (
                Box::new(|x, y| {
                    format!(
                        r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{DEADLINE}" stroke-dasharray="4 3"/>"#,
                        x + 7.0,
                        y - 6.0,
                        x + 7.0,
                        y + 6.0
                    )
                }),
                pick(lang, "termijn", "deadline"),
            ),
            (
                Box::new(|x, y| {
                    format!(
                        r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{EXPERIENCE}" stroke-width="2"/>"#,
                        x + 14.0
                    )
                }),
                pick(
                    lang,
                    "beleving (0–100, een model)",
                    "experience (0-100, a model)",
                ),
            ),
            (
                Box::new(|x, y| {
                    format!(
                        r#"<circle cx="{:.1}" cy="{y:.1}" r="6" fill="{SILENCE}"/>"#,
                        x + 7.0
                    )
                }),
                pick(lang, "knelpunt (zie onder)", "pain point (see below)"),
            ),
        ]
    }

    /// What the figures are, in words.
    fn footer(&self) -> Vec<String> {
        let lang = self.lang;
        let ranked = match self.journey.ranking {
            Ranking::Exact => pick(
                lang,
                "Het aandeel van de route is exact berekend uit de kansen van de vertakkingen.",
                "The route's share is computed exactly from the branch probabilities.",
            )
            .to_owned(),
            Ranking::Simulated { journeys, .. } => format!(
                "{} {} {}",
                pick(
                    lang,
                    "Het aandeel van de route is geteld over",
                    "The route's share is counted over"
                ),
                words::thousands(journeys, lang),
                pick(
                    lang,
                    "gesimuleerde trajecten: de keuzes hangen af van de tijd, dus er is geen exacte kans.",
                    "simulated journeys: the choices depend on time, so there is no exact probability."
                )
            ),
        };
        vec![
            format!(
                "{} {} {} {ranked}",
                pick(
                    lang,
                    "Tijden: de mediaan, en 10–90% van",
                    "Times: the median, and 10-90% of"
                ),
                words::thousands(meldroute_core::sim::routes::TIMING_DRAWS as u64, lang),
                pick(
                    lang,
                    "trajecten langs deze route, elke duur getrokken uit zijn verdeling; de meeste duren zijn aannames.",
                    "journeys along this route, each duration drawn from its distribution; most durations are assumptions."
                ),
            ),
            pick(
                lang,
                "Beleving: een model van wat de melder ervaart (terugkoppeling, nazorg, contacten, stilte, uitkomst), geen meting.",
                "Experience: a model of what the reporter lives through (feedback, aftercare, contacts, silence, outcome), not a measurement.",
            )
            .to_owned(),
        ]
    }
}

/// `a`, `a en b`, `a, b en c`.
fn join(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), pick(lang, "en", "and")),
    }
}

/// `s` with its first letter a capital.
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The updates of a step the map draws, and those it does not: at most
/// [`UPDATES_DRAWN`] marks, the first ones and the last; the others as
/// (how many, from, to), the stretch between the last two marks.
fn drawn_updates(u: &UpdateTimes) -> (Vec<f64>, Option<(u64, f64, f64)>) {
    let n = u.count.min(UPDATES_DRAWN as u64);
    if u.count <= n {
        return ((0..u.count).map(|k| u.at(k)).collect(), None);
    }
    let mut at: Vec<f64> = (0..n - 1).map(|k| u.at(k)).collect();
    at.push(u.last());
    (at, Some((u.count - n, u.at(n - 2), u.last())))
}

/// The silences of the route at its median times, as (from, to) days:
/// from the report (or the start) to the first contact, between
/// contacts (interim updates included), and from the last to the end.
fn silences(steps: &[RouteStep], model: &SimModel) -> Vec<(f64, f64)> {
    let report_at = steps
        .iter()
        .find(|s| model.steps[s.step as usize].kind == meldroute_core::model::StepKind::Report)
        .map_or(0.0, |s| s.end);
    let end = steps.last().map_or(0.0, |s| s.end);
    let mut contacts: Vec<(f64, f64)> = Vec::new();
    for s in steps {
        if model.steps[s.step as usize].contact {
            contacts.push((s.end, s.end));
        }
        if let Some(u) = s.updates {
            // The updates drawn end silences; between those not drawn there
            // is none longer than `every`.
            let (at, hidden) = drawn_updates(&u);
            contacts.extend(at.into_iter().map(|t| (t, t)));
            contacts.extend(hidden.map(|(_, from, to)| (from, to)));
        }
    }
    contacts.retain(|c| c.1 >= report_at);
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

/// The route as a Mermaid `journey` diagram: sections are stages, tasks are
/// steps (and a step's interim updates, one task for them all), actors are
/// who does them; a task's score is [`score`] of the silence before it.
pub fn mermaid(model: &SimModel, j: &RouteJourney, title: &str, lang: Lang) -> String {
    let mut o = String::from("journey\n");
    let _ = writeln!(o, "    title {}", named(mm(title)));
    let mut section: Option<(u32, String)> = None;
    let mut last_contact: Option<f64> = None;
    for s in &j.steps {
        let st = &model.steps[s.step as usize];
        let stage = (st.procedure, stage_of(model, s.step, lang));
        if section.as_ref() != Some(&stage) {
            let _ = writeln!(o, "    section {}", named(mm(&stage.1)));
            section = Some(stage);
        }
        let since = last_contact.unwrap_or(0.0);
        if let Some(u) = &s.updates {
            let _ = writeln!(
                o,
                "      {}× {} {} {}: {}: {}",
                u.count,
                pick(lang, "bericht", "update"),
                pick(lang, "elke", "every"),
                mm(&words::term(u.every, lang)),
                score((u.first - since).max(u.gap())),
                named(mm(&model.actors[st.actor as usize]))
            );
            last_contact = Some(u.last());
        }
        let silence = s.end - last_contact.unwrap_or(0.0);
        let _ = writeln!(
            o,
            "      {}: {}: {}",
            named(mm(&model.names[s.step as usize].title)),
            score(silence.max(0.0)),
            named(mm(&model.actors[st.actor as usize]))
        );
        if st.contact || st.kind == meldroute_core::model::StepKind::Report {
            last_contact = Some(s.end);
        }
    }
    o
}
