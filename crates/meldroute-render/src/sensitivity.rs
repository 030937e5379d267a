//! A sensitivity study for people: the tornado and the Sobol indices as
//! tables, CSV, and the tornado chart as SVG (drawn here, no Graphviz).

use std::fmt::Write as _;

use meldroute_core::sensitivity::{Factor, Method, Study, Tornado, Varies};
use meldroute_core::sim::precision::Unit;
use meldroute_core::stats::{Estimate, Interval};

use crate::figures::{days_weeks, days_weeks_ci, number, per_journey_ci, percent, percent_ci};
use crate::table::aligned;
use crate::text::{inert_cell, xml};

/// The unit of the figure called `kpi`, a journey's or a caseload's (a
/// duration when unknown).
fn unit(kpi: &str) -> Unit {
    meldroute_core::sensitivity::caseload::unit_of(kpi)
}

/// A figure of `kpi` for people, with how far its interval reaches.
pub fn figure(kpi: &str, e: &Estimate) -> String {
    match unit(kpi) {
        Unit::Days => days_weeks_ci(e.value, e.ci95),
        Unit::Share => percent_ci(e.value, e.ci95),
        Unit::PerJourney | Unit::Cases => per_journey_ci(e.value, e.ci95),
    }
}

/// A value of `kpi` for people, without an interval.
pub fn value(kpi: &str, x: f64) -> String {
    match unit(kpi) {
        Unit::Days => days_weeks(x),
        Unit::Share => percent(x),
        Unit::PerJourney | Unit::Cases => format!("{x:.2}"),
    }
}

/// A swing (a difference of two values) of `kpi` for people: days or
/// weeks, or percentage points.
fn swing(kpi: &str, x: f64) -> String {
    match unit(kpi) {
        Unit::Days => days_weeks(x),
        Unit::Share => format!("{:.1} pp", x * 100.0),
        Unit::PerJourney | Unit::Cases => format!("{x:.2}"),
    }
}

/// A factor's range for people: `0.5x-1.5x`, `p 0.20-0.40`, with `*`
/// when the range is the step's own (`range:`).
pub fn range(f: &Factor) -> String {
    let own = if f.from_file { " *" } else { "" };
    match f.varies {
        Varies::Duration | Varies::Handlers { .. } | Varies::Arrivals | Varies::Open => {
            format!("{}x-{}x{own}", number(f.low), number(f.high))
        }
        Varies::Branch { .. } => format!(
            "p {}-{} (now {}){own}",
            number(f.low),
            number(f.high),
            number(f.base)
        ),
        Varies::Experience { .. } => format!(
            "{} to {} (now {})",
            number(f.low),
            number(f.high),
            number(f.base)
        ),
    }
}

/// An index with its interval: `0.75 [0.70, 0.81]`.
fn index(x: f64, ci: Interval) -> String {
    format!("{x:.3} [{:.3}, {:.3}]", ci.low, ci.high)
}

/// The study as tables for a terminal: per figure, the tornado (largest
/// swing first) or the Sobol indices.
pub fn table(study: &Study) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Sensitivity of {} to its {} assumptions ({}, {} per point, seed {}, {} points)",
        study.subject(),
        study.factors.len(),
        match study.method {
            Method::Oat => "one at a time".to_owned(),
            Method::Sobol => format!(
                "Sobol indices, N = {}, {} bootstrap resamples",
                study.samples, study.bootstrap
            ),
        },
        study.per_point(),
        study.seed,
        study.points
    );
    if study.factors.is_empty() {
        o.push_str(if study.caseload.is_some() {
            "\nNo step of its procedures (or of those they escalate to), and none of its arrivals, open cases or pools, has `basis: assumption`: nothing to vary.\n"
        } else {
            "\nNo step of it (or of the procedures it escalates to) has `basis: assumption`: nothing to vary.\n"
        });
        return o;
    }
    for t in &study.tornado {
        let _ = writeln!(o, "\n{}: {} as written", t.kpi, figure(&t.kpi, &t.base));
        let header: Vec<String> = [
            "assumption (largest swing first)",
            "range",
            "at low",
            "at high",
            "swing",
        ]
        .map(String::from)
        .to_vec();
        let cells: Vec<Vec<String>> = t
            .swings
            .iter()
            .map(|s| {
                let f = &study.factors[s.factor];
                vec![
                    f.label(),
                    range(f),
                    figure(&t.kpi, &s.low),
                    figure(&t.kpi, &s.high),
                    swing(&t.kpi, s.swing),
                ]
            })
            .collect();
        o.push_str(&aligned(&header, &cells));
        o.push('\n');
    }
    for s in &study.sobol {
        let _ = writeln!(
            o,
            "\n{}: {} as written; over the sampled points mean {}, variance {:.4}",
            s.kpi,
            figure(&s.kpi, &s.base),
            value(&s.kpi, s.mean),
            s.variance
        );
        let header: Vec<String> = ["assumption", "range", "first order [95%]", "total [95%]"]
            .map(String::from)
            .to_vec();
        let mut rows: Vec<_> = s.indices.iter().collect();
        rows.sort_by(|a, b| {
            b.total
                .value
                .total_cmp(&a.total.value)
                .then(a.factor.cmp(&b.factor))
        });
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|ix| {
                let f = &study.factors[ix.factor];
                vec![
                    f.label(),
                    range(f),
                    index(ix.first.value, ix.first.ci95),
                    index(ix.total.value, ix.total.ci95),
                ]
            })
            .collect();
        o.push_str(&aligned(&header, &cells));
        o.push('\n');
    }
    o.push_str(&format!("\n{}\n", crate::figures::PLUS_MINUS));
    o.push_str(if study.caseload.is_some() {
        "Every point runs the same replications (one seed: the same arrivals, the same draws per case), so a difference between two points comes from the change, and is surer than the intervals of its two figures suggest. A number of handlers is rounded to a whole number, at least 1.\n"
    } else {
        "Every point runs the same journeys (one seed), so a difference between two points comes from the change, and is surer than the intervals of its two figures suggest.\n"
    });
    if study.factors.iter().any(|f| f.from_file) {
        o.push_str("*: the step's own range (`range:`); the others take the defaults (docs/sensitivity.md).\n");
    }
    o
}

/// The rows of the CSV after its header and provenance:
/// `kpi,procedure,step,varies,to,pool,base,low,high,statistic,value,ci95_low,ci95_high`.
pub fn csv_rows(study: &Study) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let fnum = |x: f64| format!("{}", (x * 1e6).round() / 1e6);
    let bounds = |ci: Option<Interval>| match ci {
        Some(ci) => [fnum(ci.low), fnum(ci.high)],
        None => [String::new(), String::new()],
    };
    let factor_cells = |f: &Factor| {
        let (varies, to, pool) = match &f.varies {
            Varies::Duration => ("duration", String::new(), String::new()),
            Varies::Branch { to } => ("branch", inert_cell(to), String::new()),
            Varies::Handlers { pool } => ("handlers", String::new(), inert_cell(pool)),
            Varies::Arrivals => ("arrivals", String::new(), String::new()),
            Varies::Open => ("open", String::new(), String::new()),
            // The parameter's name in the `to` column (docs/sensitivity.md).
            Varies::Experience { parameter } => {
                ("experience", inert_cell(parameter), String::new())
            }
        };
        vec![
            inert_cell(f.procedure.as_deref().unwrap_or_default()),
            inert_cell(f.step.as_deref().unwrap_or_default()),
            varies.to_owned(),
            to,
            pool,
            fnum(f.base),
            fnum(f.low),
            fnum(f.high),
        ]
    };
    let none = || vec![String::new(); 8];
    let mut row = |kpi: &str, f: Vec<String>, stat: &str, v: f64, ci: Option<Interval>| {
        let mut r = vec![kpi.to_owned()];
        r.extend(f);
        r.push(stat.to_owned());
        r.push(fnum(v));
        r.extend(bounds(ci));
        rows.push(r);
    };
    for t in &study.tornado {
        row(&t.kpi, none(), "base", t.base.value, t.base.ci95);
        for s in &t.swings {
            let f = &study.factors[s.factor];
            row(&t.kpi, factor_cells(f), "low", s.low.value, s.low.ci95);
            row(&t.kpi, factor_cells(f), "high", s.high.value, s.high.ci95);
            row(&t.kpi, factor_cells(f), "swing", s.swing, None);
        }
    }
    for s in &study.sobol {
        row(&s.kpi, none(), "base", s.base.value, s.base.ci95);
        row(&s.kpi, none(), "variance", s.variance, None);
        for ix in &s.indices {
            let f = &study.factors[ix.factor];
            row(
                &s.kpi,
                factor_cells(f),
                "first_order",
                ix.first.value,
                Some(ix.first.ci95),
            );
            row(
                &s.kpi,
                factor_cells(f),
                "total",
                ix.total.value,
                Some(ix.total.ci95),
            );
        }
    }
    rows
}

/// The CSV header.
pub const CSV_HEADER: [&str; 13] = [
    "kpi",
    "procedure",
    "step",
    "varies",
    "to",
    "pool",
    "base",
    "low",
    "high",
    "statistic",
    "value",
    "ci95_low",
    "ci95_high",
];

/// Width of the chart.
const WIDTH: f64 = 900.0;
/// Width of the labels left of the bars.
const LABELS: f64 = 420.0;
/// Height of one bar's row.
const ROW: f64 = 22.0;
/// The most factors a panel draws: the largest swings; the rest are
/// counted below it (the table, CSV and JSON have every one).
pub const CHART_ROWS: usize = 15;
/// Colours of the low and the high end (Okabe–Ito blue and vermilion).
const LOW: &str = "#0072B2";
const HIGH: &str = "#D55E00";

/// Tornado charts of the study, one panel per figure stacked, as an SVG
/// document: per factor (largest swing on top, the first [`CHART_ROWS`]) a bar from the figure at
/// the factor's low end to the figure at its high end, split at the figure
/// as written. Every user string passes [`xml`]. A Sobol study has no
/// tornado (`None`).
pub fn tornado_svg(study: &Study) -> Option<String> {
    if study.method != Method::Oat {
        return None;
    }
    let panels: Vec<String> = study.tornado.iter().map(|t| panel(study, t)).collect();
    let heights: Vec<f64> = study
        .tornado
        .iter()
        .map(|t| panel_height(t.swings.len().min(CHART_ROWS)))
        .collect();
    let total: f64 = heights.iter().sum::<f64>() + 40.0;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{total}\" viewBox=\"0 0 {WIDTH} {total}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(o, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let _ = writeln!(
        o,
        "<text x=\"10\" y=\"20\" font-size=\"15\">{}</text>",
        xml(&format!(
            "Sensitivity of {} to its assumptions, one at a time ({} per point)",
            study.subject(),
            study.per_point()
        ))
    );
    let _ = writeln!(
        o,
        "<rect x=\"10\" y=\"28\" width=\"10\" height=\"10\" fill=\"{LOW}\"/><text x=\"24\" y=\"37\">at the low end of its range</text><rect x=\"200\" y=\"28\" width=\"10\" height=\"10\" fill=\"{HIGH}\"/><text x=\"214\" y=\"37\">at the high end</text>"
    );
    let mut y = 40.0;
    for (p, h) in panels.iter().zip(&heights) {
        let _ = writeln!(o, "<g transform=\"translate(0,{y})\">\n{p}</g>");
        y += h;
    }
    o.push_str("</svg>\n");
    Some(o)
}

fn panel_height(rows: usize) -> f64 {
    76.0 + ROW * rows.max(1) as f64
}

/// One figure's tornado, at the origin.
fn panel(study: &Study, t: &Tornado) -> String {
    let mut o = String::new();
    let base = t.base.value;
    let drawn = &t.swings[..t.swings.len().min(CHART_ROWS)];
    let (mut lo, mut hi) = (base, base);
    for s in drawn {
        lo = lo.min(s.low.value).min(s.high.value);
        hi = hi.max(s.low.value).max(s.high.value);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let plot = WIDTH - LABELS - 20.0;
    let x = |v: f64| LABELS + (v - lo) / (hi - lo) * plot;
    let _ = writeln!(
        o,
        "<text x=\"10\" y=\"24\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        xml(&format!(
            "{}: {} as written",
            t.kpi,
            figure(&t.kpi, &t.base)
        ))
    );
    let top = 34.0;
    if t.swings.is_empty() {
        let _ = writeln!(
            o,
            "<text x=\"10\" y=\"{}\">no assumption to vary</text>",
            top + 14.0
        );
    }
    for (i, s) in drawn.iter().enumerate() {
        let f = &study.factors[s.factor];
        let yy = top + ROW * i as f64;
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABELS - 8.0,
            yy + 15.0,
            xml(&crate::text::cut(&f.label(), 64))
        );
        for (v, colour) in [(s.low.value, LOW), (s.high.value, HIGH)] {
            let (a, b) = (x(base.min(v)), x(base.max(v)));
            let _ = writeln!(
                o,
                "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{}</title></rect>",
                yy + 3.0,
                (b - a).max(0.5),
                ROW - 6.0,
                xml(&format!(
                    "{}: {}",
                    f.label(),
                    figure(&t.kpi, if colour == LOW { &s.low } else { &s.high })
                ))
            );
        }
    }
    let bottom = top + ROW * drawn.len().max(1) as f64;
    let _ = writeln!(
        o,
        "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{bottom}\" stroke=\"black\"/>",
        x(base)
    );
    let _ = writeln!(
        o,
        "<line x1=\"{LABELS}\" y1=\"{bottom}\" x2=\"{:.1}\" y2=\"{bottom}\" stroke=\"#999\"/>",
        LABELS + plot
    );
    for (v, anchor) in [(lo, "start"), (base, "middle"), (hi, "end")] {
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#444\">{}</text>",
            x(v),
            bottom + 14.0,
            xml(&value(&t.kpi, v))
        );
    }
    let more = t.swings.len() - drawn.len();
    if more > 0 {
        let _ = writeln!(
            o,
            "<text x=\"10\" y=\"{:.1}\" fill=\"#444\">{}</text>",
            bottom + 30.0,
            xml(&format!(
                "and {more} more assumption{} with smaller swings (every one is in the table, CSV and JSON)",
                if more == 1 { "" } else { "s" }
            ))
        );
    }
    o
}
