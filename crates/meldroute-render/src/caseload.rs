//! A caseload for people: its months drawn over the calendar (the backlog
//! with each pool's queue, and the reports that arrive against the cases
//! that finish), with plotters' SVG backend as the other plots, and the
//! report's section on a caseload: the plots, the pools, waiting and work
//! per step, and where the caseload's figures come from.

use std::fmt::Write as _;

use meldroute_core::calendar::{Date, parse_date};
use meldroute_core::caseload::{ArrivalSpec, ByYear, CaseloadChange};
use meldroute_core::library::Library;
use meldroute_core::model::Basis;
use meldroute_core::sim::des::CaseloadReport;
use meldroute_core::stats::Estimate;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::RenderError;
use crate::figures::{days_weeks, days_weeks_ci, number, per_journey_ci, percent_ci};
use crate::plot::{clean, clean_to, colour};
use crate::report::{embed_svg, user};
use crate::text::xml;

/// Most tick labels on the time axis: quarters over three years and the
/// end of the last.
pub const MAX_TICKS: usize = 13;

/// The least room a tick label of the time axis gets, in pixels: its
/// longest label, `Mar 2023` in 12-pixel type, is about 55 pixels wide.
pub const TICK_PIXELS: u32 = 64;

/// Width and height of the backlog plot, in pixels.
pub const BACKLOG_SIZE: (u32, u32) = (900, 400);

/// Width and height of the throughput plot, in pixels.
pub const THROUGHPUT_SIZE: (u32, u32) = (900, 300);

/// The most characters of a caption: a caseload's title is often long,
/// and a 900-pixel plot has room for about 100 in 16-pixel type.
const CAPTION_CHARS: usize = 100;

/// Pixels of the plot's width left of and right of the drawing area (the
/// axis labels and the margins), for [`ticks`].
const FRAME_PIXELS: u32 = 56 + 2 * 10;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A tick of the time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Days since the period's start.
    pub day: f64,
    /// Its label: the year on 1 January (`2024`), the month otherwise
    /// (`Apr`; the first tick with its year, `Apr 2023`).
    pub label: String,
    /// It is 1 January: the plot marks the year boundary.
    pub year_start: bool,
}

/// Days from `from` to `to`.
fn days_between(from: Date, to: Date) -> f64 {
    to.since(from)
        .map_or(0.0, |span| f64::from(span.get_days()))
}

/// The first of every month from `start` to `until` (both included).
fn month_starts(start: Date, until: Date) -> Vec<Date> {
    let (mut y, mut m) = (start.year(), start.month());
    if start.day() > 1 {
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let mut out = Vec::new();
    while let Ok(d) = Date::new(y, m, 1) {
        if d > until {
            break;
        }
        out.push(d);
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Steps between ticks, in months: 1, 2, 3, 6, then 1, 2, 5, 10, 20, 50,
/// ... years.
fn tick_steps() -> impl Iterator<Item = i64> {
    [1, 2, 3, 6]
        .into_iter()
        .chain((0..18u32).flat_map(|e| [1, 2, 5].map(|k| 12 * k * 10i64.saturating_pow(e))))
}

/// The ticks of a time axis from `start` to `until`, `pixels` wide: at the
/// first of a month every 1, 2, 3 or 6 months or every 1, 2, 5, 10, ...
/// years (the fewest months apart that keep at most [`MAX_TICKS`] and
/// [`TICK_PIXELS`] each), so that no two labels overlap; every 1 January
/// among them is a year boundary.
pub fn ticks(start: Date, until: Date, pixels: u32) -> Vec<Tick> {
    let days = days_between(start, until).max(1.0);
    let firsts = month_starts(start, until);
    let aligned = |d: &Date, step: i64| {
        let month = i64::from(d.month()) - 1;
        if step < 12 {
            month % step == 0
        } else {
            month == 0 && i64::from(d.year()) % (step / 12) == 0
        }
    };
    // Few enough, and each label with its room.
    let fits = |t: &Vec<Date>| {
        t.len() <= MAX_TICKS
            && t.windows(2).all(|w| {
                days_between(w[0], w[1]) / days * f64::from(pixels) >= f64::from(TICK_PIXELS)
            })
    };
    let chosen: Vec<Date> = tick_steps()
        .map(|step| {
            firsts
                .iter()
                .filter(|d| aligned(d, step))
                .copied()
                .collect()
        })
        .find(fits)
        .unwrap_or_default();
    let dates = if chosen.is_empty() {
        vec![start]
    } else {
        chosen
    };
    dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let year_start = d.month() == 1 && d.day() == 1;
            let month = MONTHS[(d.month() - 1) as usize];
            let label = if year_start {
                d.year().to_string()
            } else if i == 0 {
                format!("{month} {}", d.year())
            } else {
                month.to_owned()
            };
            Tick {
                day: days_between(start, *d),
                label,
                year_start,
            }
        })
        .collect()
}

/// The time axis: days since the period's start, its grid lines at the
/// [`ticks`] (labelled) and at the first of every month (light).
struct TimeAxis {
    days: RangedCoordf64,
    ticks: Vec<f64>,
    months: Vec<f64>,
}

impl Ranged for TimeAxis {
    // Labelled by the plot's formatter, never by plotters' own.
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.days.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.months.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.days.range()
    }
}

/// A figure over the months: at each point, days since the period's start
/// and the figure with its interval.
#[derive(Clone, Debug)]
pub struct Line {
    /// Legend text (user text: cleaned here, escaped by the backend).
    pub label: String,
    /// The points, in time order.
    pub points: Vec<(f64, Estimate)>,
    /// Its colour ([`colour`]).
    pub colour: RGBColor,
    /// Its stroke, in pixels.
    pub width: u32,
}

/// A plot over the calendar of a caseload's period.
#[derive(Clone, Debug)]
pub struct TimePlot<'a> {
    /// Caption above the plot (user text).
    pub title: &'a str,
    /// What the vertical axis counts.
    pub y_label: &'a str,
    /// The first day of the period.
    pub start: Date,
    /// The day after its last.
    pub until: Date,
    /// Days of warm-up from the start (shaded and labelled), 0 for none.
    pub warm_up_days: f64,
    /// The lines, in legend order, each with its 95% band.
    pub lines: &'a [Line],
}

/// The plot as an SVG document (`width` × `height` pixels): each line
/// over a shaded band of its 95% interval, the warm-up shaded and
/// labelled, the months as ticks ([`ticks`]) with each 1 January marked.
pub fn time_svg(plot: &TimePlot, width: u32, height: u32) -> Result<String, RenderError> {
    let failed = |e: &dyn std::fmt::Display| RenderError::Plot(e.to_string());
    let days = days_between(plot.start, plot.until).max(1.0);
    let ticks = ticks(plot.start, plot.until, width.saturating_sub(FRAME_PIXELS));
    let highest = plot
        .lines
        .iter()
        .flat_map(|l| &l.points)
        .map(|(_, e)| e.ci95.map_or(e.value, |ci| ci.high).max(e.value))
        .fold(0.0f64, f64::max);
    let y_max = if highest > 0.0 { highest * 1.08 } else { 1.0 };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let x = TimeAxis {
            days: (0f64..days).into(),
            ticks: ticks.iter().map(|t| t.day).collect(),
            months: month_starts(plot.start, plot.until)
                .into_iter()
                .map(|d| days_between(plot.start, d))
                .collect(),
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(clean_to(plot.title, CAPTION_CHARS), ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x, 0f64..y_max)
            .map_err(|e| failed(&e))?;
        let label = |v: &f64| {
            ticks
                .iter()
                .find(|t| (t.day - v).abs() < 0.5)
                .map(|t| t.label.clone())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_desc("calendar month (ticks at the first of the month)")
            .y_desc(plot.y_label)
            .x_label_formatter(&label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(BLACK.mix(0.04))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| failed(&e))?;
        if plot.warm_up_days > 0.0 {
            let end = plot.warm_up_days.min(days);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, 0.0), (end, y_max)],
                    BLACK.mix(0.07).filled(),
                )))
                .map_err(|e| failed(&e))?;
            // At the top left, above the legend (which moves down for it).
            let (left, top) = chart.backend_coord(&(0.0, y_max));
            root.draw(&Text::new(
                "warm-up (shaded, not measured)",
                (left + 6, top + 6),
                ("sans-serif", 12).into_font().color(&BLACK.mix(0.7)),
            ))
            .map_err(|e| failed(&e))?;
        }
        // The year boundaries, above the month grid.
        let years = ticks.iter().filter(|t| t.year_start && t.day > 0.0);
        chart
            .draw_series(
                years.map(|t| PathElement::new(vec![(t.day, 0.0), (t.day, y_max)], BLACK.mix(0.4))),
            )
            .map_err(|e| failed(&e))?;
        for line in plot.lines {
            let band: Vec<(f64, f64)> = line
                .points
                .iter()
                .filter_map(|(d, e)| Some((*d, e.ci95?.high)))
                .chain(
                    line.points
                        .iter()
                        .rev()
                        .filter_map(|(d, e)| Some((*d, e.ci95?.low.max(0.0)))),
                )
                .collect();
            if band.len() > 2 {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band,
                        line.colour.mix(0.18).filled(),
                    )))
                    .map_err(|e| failed(&e))?;
            }
        }
        for line in plot.lines {
            let style = line.colour.stroke_width(line.width);
            chart
                .draw_series(LineSeries::new(
                    line.points.iter().map(|(d, e)| (*d, e.value)),
                    style,
                ))
                .map_err(|e| failed(&e))?
                .label(clean(&line.label))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        chart
            .configure_series_labels()
            .position(if plot.warm_up_days > 0.0 {
                SeriesLabelPosition::Coordinate(10, 26)
            } else {
                SeriesLabelPosition::UpperLeft
            })
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(|e| failed(&e))?;
        root.present().map_err(|e| failed(&e))?;
    }
    Ok(svg)
}

/// The period of a caseload report and its months.
struct Months {
    /// The first day.
    start: Date,
    /// The day after the last.
    until: Date,
    /// Per month, the days since the start it begins and ends.
    spans: Vec<(f64, f64)>,
}

impl Months {
    /// The months of `r`.
    fn of(r: &CaseloadReport) -> Result<Months, RenderError> {
        let date = |text: &str| {
            parse_date(text).map_err(|e| RenderError::Plot(format!("the caseload's dates: {e}")))
        };
        let (start, until) = (date(&r.start)?, date(&r.until)?);
        let days = days_between(start, until);
        let begins: Vec<f64> = r
            .months
            .iter()
            .map(|m| date(&m.month).map(|d| days_between(start, d)))
            .collect::<Result<_, _>>()?;
        let spans = begins
            .iter()
            .enumerate()
            .map(|(i, &from)| (from, begins.get(i + 1).copied().unwrap_or(days)))
            .collect();
        Ok(Months {
            start,
            until,
            spans,
        })
    }
}

/// The colour of the open cases; the pools' queues take the next ones.
const OPEN: usize = 0;

/// A figure a month lacks (a pool the report has no figure of).
const NONE: Estimate = Estimate {
    value: 0.0,
    ci95: None,
};

/// The backlog of `r` as an SVG plot (`width` × `height`): the cases open
/// at the end of each month (one point per month, at its last moment)
/// and each pool's queue then, each with its 95% band; the caseload's
/// title above.
pub fn backlog_svg(r: &CaseloadReport, width: u32, height: u32) -> Result<String, RenderError> {
    let Months {
        start,
        until,
        spans,
    } = Months::of(r)?;
    let at_end = |pick: &dyn Fn(usize) -> Estimate| -> Vec<(f64, Estimate)> {
        spans
            .iter()
            .enumerate()
            .map(|(m, &(_, end))| (end, pick(m)))
            .collect()
    };
    let mut lines = vec![Line {
        label: "cases open at the month's end (the backlog)".to_owned(),
        points: at_end(&|m| r.months[m].open),
        colour: colour(OPEN),
        width: 3,
    }];
    for (p, pool) in r.pools.iter().enumerate() {
        lines.push(Line {
            label: format!("of those, waiting for {}", pool.pool),
            points: at_end(&|m| r.months[m].queue.get(p).copied().unwrap_or(NONE)),
            colour: colour(OPEN + 1 + p),
            width: 2,
        });
    }
    time_svg(
        &TimePlot {
            title: &r.title,
            y_label: "cases",
            start,
            until,
            warm_up_days: r.warm_up_days,
            lines: &lines,
        },
        width,
        height,
    )
}

/// The reports that arrived in each month of `r` against the cases that
/// finished in it, and the services each pool completed, as an SVG plot
/// (one point per month, at its middle), each with its 95% band.
pub fn throughput_svg(r: &CaseloadReport, width: u32, height: u32) -> Result<String, RenderError> {
    let Months {
        start,
        until,
        spans,
    } = Months::of(r)?;
    let mid = |pick: &dyn Fn(usize) -> Estimate| -> Vec<(f64, Estimate)> {
        spans
            .iter()
            .enumerate()
            .map(|(m, &(from, to))| ((from + to) / 2.0, pick(m)))
            .collect()
    };
    let mut lines = vec![
        Line {
            label: "reports arrived".to_owned(),
            points: mid(&|m| r.months[m].arrived),
            colour: colour(r.pools.len() + 1),
            width: 2,
        },
        Line {
            label: "cases finished".to_owned(),
            points: mid(&|m| r.months[m].finished),
            colour: colour(OPEN),
            width: 2,
        },
    ];
    for (p, pool) in r.pools.iter().enumerate() {
        lines.push(Line {
            label: format!("services completed by {}", pool.pool),
            points: mid(&|m| r.months[m].served.get(p).copied().unwrap_or(NONE)),
            colour: colour(OPEN + 1 + p),
            width: 2,
        });
    }
    time_svg(
        &TimePlot {
            title: "Arrivals and throughput per month",
            y_label: "cases per month",
            start,
            until,
            warm_up_days: r.warm_up_days,
            lines: &lines,
        },
        width,
        height,
    )
}

/// A count per replication with its interval, as the tables show it.
fn count(e: &Estimate) -> String {
    per_journey_ci(e.value, e.ci95)
}

/// A figure of the file by calendar year: `28 (2023), 93 (2025)`.
fn by_year<T: std::fmt::Display>(figure: &ByYear<T>) -> String {
    match figure {
        ByYear::All(v) => v.to_string(),
        ByYear::Years(years) => years
            .iter()
            .map(|(y, v)| format!("{} ({})", v.value, y.value))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// How reports arrive, as the file says.
fn arrivals(a: &ArrivalSpec) -> String {
    if let Some(rate) = &a.per_year {
        format!("{} reports a year", by_year(&rate.value))
    } else if let Some(months) = &a.per_month {
        let rates: Vec<String> = months.iter().map(|r| number(r.value)).collect();
        format!(
            "reports per calendar month, January to December: {}",
            rates.join(", ")
        )
    } else if let Some(dates) = &a.dates {
        match (dates.first(), dates.last()) {
            (Some(first), Some(last)) => format!(
                "{} reports on given dates, {} to {}",
                dates.len(),
                first.value,
                last.value
            ),
            _ => "no reports".to_owned(),
        }
    } else {
        "no reports".to_owned()
    }
}

/// A basis for the table: marked when it is an assumption.
fn basis(b: Basis) -> String {
    if b == Basis::Assumption {
        "<span class=\"tag assumption\">assumption</span>".to_owned()
    } else {
        xml(b.as_str())
    }
}

/// The note of a figure, escaped, or a dash.
fn note(n: Option<&String>) -> String {
    n.map_or("–".to_owned(), |n| {
        format!("<span class=\"small\">{}</span>", user(n))
    })
}

/// Where the figures of caseload `k` of `library` come from: its
/// arrivals, cases open at the start and handlers, each with its basis
/// and note; for a caseload scenario, first its changes with their
/// reasons, then the figures of the base they change.
fn sources(o: &mut String, library: &Library, k: usize) {
    o.push_str("<h3>Where the figures come from</h3>\n<table class=\"caseload-sources\"><thead><tr><th>figure</th><th>in the file</th><th>basis</th><th>note</th></tr></thead><tbody>\n");
    let mut next = Some(k);
    let mut seen = Vec::new();
    while let Some(k) = next.filter(|k| !seen.contains(k)) {
        seen.push(k);
        let entry = &library.caseloads()[k];
        let spec = &entry.spec;
        // The figures of a base, once a scenario has changed some of them.
        let of = if seen.len() > 1 {
            format!(" (of the base <code>{}</code>)", xml(&spec.caseload.value))
        } else {
            String::new()
        };
        for c in &spec.changes {
            let (figure, value) = change(c);
            let _ = writeln!(
                o,
                "<tr><td>{figure}, changed by <code>{}</code></td><td>{}</td><td>change</td><td>{}</td></tr>",
                xml(&spec.caseload.value),
                user(&value),
                note(Some(&c.reason.value)),
            );
        }
        for flow in &spec.procedures {
            let id = &flow.procedure.value;
            let a = &flow.arrivals.value;
            let _ = writeln!(
                o,
                "<tr><td>arrivals at <code>{}</code>{of}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                xml(id),
                user(&arrivals(a)),
                basis(*a.basis),
                note(a.note.as_ref()),
            );
            if let Some(open) = &flow.open {
                let at = open
                    .at
                    .as_ref()
                    .map_or("its start".to_owned(), |s| format!("step {}", s.value));
                let _ = writeln!(
                    o,
                    "<tr><td>cases open at the start in <code>{}</code>{of}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    xml(id),
                    user(&format!("{} at {at}", open.cases.value)),
                    basis(*open.basis),
                    note(open.note.as_ref()),
                );
            }
        }
        for (id, pool) in spec.pools.iter() {
            let _ = writeln!(
                o,
                "<tr><td>handlers of <code>{}</code>{of}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                xml(&id.value),
                user(&by_year(&pool.handlers.value)),
                basis(*pool.basis),
                note(pool.note.as_ref()),
            );
        }
        next = spec
            .base
            .as_ref()
            .and_then(|b| library.caseload_index(b.as_str()));
    }
    o.push_str("</tbody></table>\n");
}

/// What a change of a caseload scenario changes (markup) and its new
/// figure (text).
fn change(c: &CaseloadChange) -> (String, String) {
    let code = |id: &Option<meldroute_core::model::Located<String>>| {
        id.as_ref().map_or(String::new(), |id| {
            format!("<code>{}</code>", xml(&id.value))
        })
    };
    if let Some(h) = &c.handlers {
        (format!("handlers of {}", code(&c.pool)), by_year(&h.value))
    } else if let Some(f) = &c.scale_arrivals {
        let from = c
            .from
            .as_ref()
            .map_or(String::new(), |d| format!(" from {}", d.value));
        (
            format!("arrivals at {}", code(&c.procedure)),
            format!("times {}{from}", number(f.value.0)),
        )
    } else if let Some(a) = &c.arrivals {
        (
            format!("arrivals at {}", code(&c.procedure)),
            arrivals(&a.value),
        )
    } else {
        ("–".to_owned(), String::new())
    }
}

/// The wording of the warning that some measured cases of `procedure` had
/// not finished when the run stopped (`share` of them).
pub fn unfinished(procedure: &str, share: &Estimate) -> String {
    format!(
        "{} of the cases of {procedure} measured had not finished when the run stopped (twice the period); their lead times are left out",
        percent_ci(share.value, share.ci95)
    )
}

/// The report's section on the caseload `k` of `library`
/// ([`Library::caseloads`]), whose figures are `r`; its anchor is `c{n}`.
pub fn html_section(
    o: &mut String,
    library: &Library,
    k: usize,
    r: &CaseloadReport,
    n: usize,
) -> Result<(), RenderError> {
    let entry = &library.caseloads()[k];
    let spec = &entry.spec;
    let _ = writeln!(
        o,
        r#"<section class="caseload" id="c{n}" data-caseload="{id}">
<h2>Caseload: {title}</h2>
<p class="meta"><code>{id}</code> · from {start} until {until} · file <code>{file}</code></p>"#,
        id = xml(&r.caseload),
        title = user(&r.title),
        start = xml(&r.start),
        until = xml(&r.until),
        file = xml(library.file(entry.file).name()),
    );
    if let Some(d) = &spec.description {
        let _ = writeln!(o, "<p>{}</p>", user(d));
    }
    let warm_up = if r.warm_up_days > 0.0 {
        format!(
            "; the reports of the first {} (the warm-up, shaded) are not measured",
            days_weeks(r.warm_up_days)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "<p>The procedures below run together: reports arrive over the period, and a case whose step needs a handler waits until one of its pool is free (docs/caseload.md). {} replications of the whole period with seed {}{warm_up}. Every figure is the mean over the replications with its 95% interval over them (±). {}</p>",
        r.replications,
        r.seed,
        match r.months.last() {
            Some(m) => format!(
                "Open at the end of the period: {} cases.",
                xml(&count(&m.open))
            ),
            None => String::new(),
        }
    );
    for f in r.procedures.iter().filter(|f| f.unfinished.value > 0.0) {
        let _ = writeln!(
            o,
            "<p class=\"warning\"><strong>Warning:</strong> {}</p>",
            user(&unfinished(&f.procedure, &f.unfinished))
        );
    }
    let backlog = backlog_svg(r, BACKLOG_SIZE.0, BACKLOG_SIZE.1)?;
    let _ = writeln!(
        o,
        "<figure class=\"plot backlog\">\n{}\n<figcaption>The backlog: cases open at the end of each month, and of those the cases waiting for each pool's handlers, each the mean over the replications with its 95% band. The dark lines mark 1 January.</figcaption>\n</figure>",
        embed_svg(&backlog, &format!("c{n}-b-"))?
    );
    let throughput = throughput_svg(r, THROUGHPUT_SIZE.0, THROUGHPUT_SIZE.1)?;
    let _ = writeln!(
        o,
        "<figure class=\"plot throughput\">\n{}\n<figcaption>Per month: the reports that arrived, the cases that finished (their whole journey), and the services each pool completed (a step done by one of its handlers), each with its 95% band. Where arrivals stay above the cases finished, the backlog grows.</figcaption>\n</figure>",
        embed_svg(&throughput, &format!("c{n}-t-"))?
    );
    journeys(o, r);
    pools(o, r);
    steps(o, r);
    let l = &r.little;
    let _ = writeln!(
        o,
        "<p class=\"small\">Little's law after the warm-up: {} cases open on average against {} reports a day × {} open = {}; the two agree when the backlog does not grow, and the first stays below the second while it grows.</p>",
        xml(&count(&l.open_mean)),
        xml(&per_journey_ci(
            l.arrivals_per_day.value,
            l.arrivals_per_day.ci95
        )),
        xml(&days_weeks_ci(
            l.lead_mean_days.value,
            l.lead_mean_days.ci95
        )),
        xml(&count(&l.lambda_w)),
    );
    sources(o, library, k);
    o.push_str("</section>\n");
    Ok(())
}

/// Per procedure of the caseload: its cases and their journeys, waiting
/// included.
fn journeys(o: &mut String, r: &CaseloadReport) {
    o.push_str("<h3>The cases' journeys, waiting included</h3>\n<table class=\"caseload-journeys\"><thead><tr><th>procedure</th><th>cases measured</th><th>lead time, mean</th><th>p50</th><th>p90</th><th>feedback within 3 months</th><th>unfinished</th></tr></thead><tbody>\n");
    for f in &r.procedures {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            xml(&f.procedure),
            xml(&count(&f.arrived)),
            xml(&days_weeks_ci(
                f.lead_mean_days.value,
                f.lead_mean_days.ci95
            )),
            xml(&days_weeks_ci(f.lead_p50_days.value, f.lead_p50_days.ci95)),
            xml(&days_weeks_ci(f.lead_p90_days.value, f.lead_p90_days.ci95)),
            xml(&percent_ci(
                f.feedback_within_3_months.value,
                f.feedback_within_3_months.ci95
            )),
            xml(&percent_ci(f.unfinished.value, f.unfinished.ci95)),
        );
    }
    o.push_str("</tbody></table>\n<p class=\"small\">Cases measured: reports per replication that arrived after the warm-up and before the end, followed until they finished. Lead times of the finished ones; feedback within 3 months of the cases with a report, the one definition of docs/simulation.md. The procedures' own sections below show their journeys without waiting for handlers.</p>\n");
}

fn pools(o: &mut String, r: &CaseloadReport) {
    if r.pools.is_empty() {
        o.push_str(
            "<p class=\"note\">The caseload has no pools: no step waits for a handler.</p>\n",
        );
        return;
    }
    o.push_str("<h3>Pools of handlers</h3>\n<table class=\"pools\"><thead><tr><th>pool</th><th>handlers</th><th>utilisation</th><th>mean queue</th><th>mean wait</th><th>services</th></tr></thead><tbody>\n");
    for p in &r.pools {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            xml(&p.pool),
            xml(&number(p.handlers)),
            xml(&percent_ci(p.utilisation.value, p.utilisation.ci95)),
            xml(&count(&p.queue_mean)),
            xml(&days_weeks_ci(
                p.wait_mean_days.value,
                p.wait_mean_days.ci95
            )),
            xml(&count(&p.served)),
        );
    }
    o.push_str("</tbody></table>\n<p class=\"small\">After the warm-up: handlers on average; utilisation, the share of handler time at work; mean queue, the time-average number of cases waiting; mean wait, the days a measured case waited for one of its handlers; services, those started for measured cases, per replication.</p>\n");
}

fn steps(o: &mut String, r: &CaseloadReport) {
    o.push_str("<h3>Where the time goes: waiting and work per step</h3>\n<table class=\"caseload-steps\"><thead><tr><th>step</th><th>pool</th><th>visits</th><th>waiting per visit</th><th>work per visit</th></tr></thead><tbody>\n");
    for f in &r.procedures {
        for s in f.steps.iter().filter(|s| s.visits.value > 0.0) {
            let _ = writeln!(
                o,
                "<tr><td><code>{}:{}</code><br><span class=\"small\">{}</span></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                xml(&s.procedure),
                xml(&s.step),
                user(&s.title),
                s.pool
                    .as_deref()
                    .map_or("–".to_owned(), |p| format!("<code>{}</code>", xml(p))),
                xml(&count(&s.visits)),
                xml(&days_weeks_ci(s.wait_days.value, s.wait_days.ci95)),
                xml(&days_weeks_ci(s.work_days.value, s.work_days.ci95)),
            );
        }
    }
    o.push_str("</tbody></table>\n<p class=\"small\">The steps the cases took (of their procedures and those they escalate to): visits per replication, and per visit the days waiting for a handler of the step's pool and the days of work. A step no pool serves never waits.</p>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use meldroute_core::sim::des::{Little, MonthFigures, PoolFigures};
    use meldroute_core::stats::Interval;

    fn date(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    fn e(value: f64) -> Estimate {
        Estimate {
            value,
            ci95: Some(Interval {
                low: value - 1.0,
                high: value + 1.0,
            }),
        }
    }

    /// A caseload of one pool over the months from 2025-01-01, `open` cases
    /// open at the end of each, titled `title`.
    fn report(title: &str, open: &[f64]) -> CaseloadReport {
        let months = (0..open.len())
            .map(|m| MonthFigures {
                month: format!("{}-{:02}-01", 2025 + m / 12, m % 12 + 1),
                warm_up: m < 2,
                arrived: e(5.0),
                finished: e(3.0),
                open: e(open[m]),
                queue: vec![e(open[m] / 2.0)],
                in_service: vec![e(1.0)],
                served: vec![e(3.0)],
                utilisation: vec![e(0.9)],
            })
            .collect();
        let n = open.len();
        CaseloadReport {
            caseload: "test/c".to_owned(),
            title: title.to_owned(),
            start: "2025-01-01".to_owned(),
            until: format!("{}-{:02}-01", 2025 + n / 12, n % 12 + 1),
            warm_up_days: 59.0,
            replications: 20,
            seed: 1,
            confidence: 0.95,
            events: 0,
            procedures: Vec::new(),
            pools: vec![PoolFigures {
                pool: "onderzoekers".to_owned(),
                handlers: 2.0,
                utilisation: e(0.9),
                queue_mean: e(3.0),
                wait_mean_days: e(20.0),
                served: e(30.0),
            }],
            little: Little {
                open_mean: e(10.0),
                arrivals_per_day: e(0.1),
                lead_mean_days: e(100.0),
                lambda_w: e(10.0),
            },
            months,
        }
    }

    /// The points of the polylines drawn in `colour` with more than two
    /// points (a legend's mark has two), as pixels.
    fn lines(svg: &str, colour: &str) -> Vec<Vec<(i32, i32)>> {
        svg.split("<polyline")
            .skip(1)
            .filter(|p| p.contains(&format!("stroke=\"{colour}\"")))
            .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
            .map(|pts| {
                pts.split_whitespace()
                    .map(|xy| {
                        let (x, y) = xy.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|p| p.len() > 2)
            .collect()
    }

    #[test]
    fn ticks_never_crowd_and_mark_the_years() {
        // Three years: quarters, and the end.
        let t = ticks(date("2023-01-01"), date("2026-01-01"), 824);
        let labels: Vec<&str> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2023", "Apr", "Jul", "Oct", "2024", "Apr", "Jul", "Oct", "2025", "Apr", "Jul",
                "Oct", "2026"
            ]
        );
        assert_eq!(t[4].day, 365.0);
        assert_eq!(t.iter().filter(|t| t.year_start).count(), 4);
        // A period that starts mid-month: the first tick names its year.
        let t = ticks(date("2024-03-15"), date("2024-09-01"), 824);
        assert_eq!(t[0].label, "Apr 2024");
        assert_eq!(t[0].day, 17.0);
        // Shorter than a month: one tick at the start.
        let t = ticks(date("2024-03-05"), date("2024-03-20"), 824);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].day, 0.0);
        // Any period, any width: at most 13 ticks, each with room for its
        // label.
        for (from, to) in [
            ("2025-01-01", "2025-02-01"),
            ("2025-01-01", "2026-01-01"),
            ("2023-07-01", "2026-01-01"),
            ("2020-01-01", "2030-01-01"),
            ("1990-05-01", "2090-01-01"),
            ("1600-01-01", "9999-01-01"),
        ] {
            for pixels in [200, 500, 824, 2000] {
                let t = ticks(date(from), date(to), pixels);
                let days = days_between(date(from), date(to));
                assert!(
                    !t.is_empty() && t.len() <= MAX_TICKS,
                    "{from} {to} {pixels}"
                );
                for w in t.windows(2) {
                    let apart = (w[1].day - w[0].day) / days * f64::from(pixels);
                    assert!(
                        apart >= f64::from(TICK_PIXELS),
                        "{from} {to} {pixels}: {w:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_backlog_line_has_a_point_per_month_at_its_figure() {
        let open: Vec<f64> = (0..18).map(|m| 10.0 + 4.0 * m as f64).collect();
        let svg = backlog_svg(&report("Backlog", &open), 900, 400).unwrap();
        let blue = lines(&svg, "#0072B2");
        assert_eq!(blue.len(), 1, "one open-cases line");
        let points = &blue[0];
        assert_eq!(points.len(), 18);
        // Equal steps of the figure are equal steps up (to a pixel), at
        // the months' ends: further right each month.
        let ys: Vec<i32> = points.iter().map(|p| p.1).collect();
        for w in ys.windows(3) {
            assert!(((w[0] - w[1]) - (w[1] - w[2])).abs() <= 1, "{ys:?}");
            assert!(w[1] < w[0], "{ys:?}");
        }
        assert!(points.windows(2).all(|w| w[1].0 > w[0].0));
        // The queue: half of it, in the pool's colour.
        let queue = &lines(&svg, "#D55E00")[0];
        assert_eq!(queue.len(), 18);
        // Bands: the open cases' and the queue's.
        assert_eq!(svg.matches("<polygon").count(), 2);
        // The warm-up is shaded and labelled, the years marked.
        assert!(svg.contains("warm-up (shaded, not measured)"));
        assert!(svg.contains(">2026<") || svg.contains("2026\n"));
    }

    #[test]
    fn user_text_is_escaped_and_the_bytes_are_the_same() {
        let open = [3.0, 4.0, 5.0, 6.0];
        let r = report("<script>alert(1)</script> & co\u{1b}", &open);
        let svg = backlog_svg(&r, 900, 400).unwrap();
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(!svg.contains('\u{1b}'));
        assert_eq!(svg, backlog_svg(&r, 900, 400).unwrap());
        let t = throughput_svg(&r, 900, 300).unwrap();
        assert_eq!(t, throughput_svg(&r, 900, 300).unwrap());
        // Arrivals, finished, and the pool's services.
        assert_eq!(t.matches("<polygon").count(), 3);
    }
}
