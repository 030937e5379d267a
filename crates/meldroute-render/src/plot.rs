//! Distribution plots, drawn with plotters' SVG backend: for each series the
//! share of journeys at or below a duration (an empirical distribution
//! function), so procedures can be overlaid and read off at any point.

pub use meldroute_core::stats::Interval;
use meldroute_core::stats::Summary;
use plotters::prelude::*;

use crate::RenderError;

/// One line of a plot.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    /// Legend text (user text; escaped by the backend, control characters dropped here).
    pub label: &'a str,
    /// The distribution, in days.
    pub summary: &'a Summary,
}

/// What to plot.
#[derive(Clone, Copy, Debug)]
pub struct Plot<'a> {
    /// Caption above the plot.
    pub title: &'a str,
    /// What the horizontal axis measures (in weeks).
    pub x_label: &'a str,
    /// The lines, in legend order.
    pub series: &'a [Series<'a>],
    /// A vertical reference line: days and its label.
    pub marker: Option<(f64, &'a str)>,
}

/// Okabe–Ito colours, told apart by colour-blind readers; the series
/// after the eighth reuse them.
const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// Points per line.
const POINTS: usize = 240;

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    COLOURS[i % COLOURS.len()]
}

/// The right end of the horizontal axis, in days: the largest 99th
/// percentile of the series, so one long tail does not squash the rest.
pub fn x_max_days(series: &[Series]) -> f64 {
    series
        .iter()
        .filter(|s| s.summary.moments.count > 0)
        .map(|s| s.summary.quantile(0.99))
        .fold(0.0, f64::max)
        .max(1.0)
}

/// The share of values at or below `days` (to the histogram's resolution).
pub fn share_at_or_below(summary: &Summary, days: f64) -> f64 {
    if summary.moments.count == 0 {
        0.0
    } else {
        1.0 - summary.share_above(days)
    }
}

/// Legend and caption text: no control characters, at most 60 characters.
pub(crate) fn clean(text: &str) -> String {
    clean_to(text, 60)
}

/// Plot text without control characters, at most `max` characters.
pub(crate) fn clean_to(text: &str, max: usize) -> String {
    let kept: String = text.chars().filter(|c| !c.is_control()).collect();
    crate::text::cut(&kept, max)
}

/// The plot as an SVG document (`width` × `height` pixels).
pub fn cdf_svg(plot: &Plot, width: u32, height: u32) -> Result<String, RenderError> {
    let failed = |e: &dyn std::fmt::Display| RenderError::Plot(e.to_string());
    let x_max = x_max_days(plot.series) / 7.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(clean(plot.title), ("sans-serif", 17))
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..x_max, 0f64..1f64)
            .map_err(|e| failed(&e))?;
        chart
            .configure_mesh()
            .x_desc(clean(plot.x_label))
            .y_desc("share of journeys")
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| failed(&e))?;
        if let Some((days, label)) = plot.marker
            && days / 7.0 < x_max
        {
            let x = days / 7.0;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, 1.0)],
                    BLACK.mix(0.55).stroke_width(1),
                )))
                .map_err(|e| failed(&e))?;
            chart
                .draw_series(std::iter::once(Text::new(
                    clean(label),
                    (x, 0.04),
                    ("sans-serif", 12).into_font().color(&BLACK.mix(0.75)),
                )))
                .map_err(|e| failed(&e))?;
        }
        for (i, s) in plot.series.iter().enumerate() {
            if s.summary.moments.count == 0 {
                continue;
            }
            let style = colour(i).stroke_width(2);
            let points = (0..=POINTS).map(|k| {
                let weeks = x_max * k as f64 / POINTS as f64;
                (weeks, share_at_or_below(s.summary, weeks * 7.0))
            });
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(|e| failed(&e))?
                .label(clean(s.label))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            // The median and the 90th percentile: a dot on the line, and
            // the quantile's 95% interval as a bar through it.
            for q in [0.5, 0.9] {
                let x = s.summary.quantile(q) / 7.0;
                if !(x.is_finite() && x <= x_max) {
                    continue;
                }
                if let Some(ci) = s.summary.quantile_interval(q) {
                    let (lo, hi) = ((ci.low / 7.0).max(0.0), (ci.high / 7.0).min(x_max));
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(lo, q), (hi, q)],
                            colour(i).mix(0.45).stroke_width(5),
                        )))
                        .map_err(|e| failed(&e))?;
                }
                chart
                    .draw_series(std::iter::once(Circle::new((x, q), 3, colour(i).filled())))
                    .map_err(|e| failed(&e))?;
            }
        }
        // What the dots are, once, at the top left.
        chart
            .draw_series(std::iter::once(Text::new(
                "dots: p50 and p90, bars: their 95% intervals",
                (x_max * 0.01, 0.985),
                ("sans-serif", 11).into_font().color(&BLACK.mix(0.65)),
            )))
            .map_err(|e| failed(&e))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(|e| failed(&e))?;
        root.present().map_err(|e| failed(&e))?;
    }
    Ok(svg)
}

/// One row of an interval plot: a figure and its 95% interval.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    /// Its label (user text; escaped by the backend, control characters dropped here).
    pub label: &'a str,
    /// The figure.
    pub value: f64,
    /// Its interval, if it has one.
    pub ci95: Option<Interval>,
}

/// A figure of several procedures with their 95% intervals: one row each,
/// a dot at the figure and a bar over its interval (a forest plot).
#[derive(Clone, Copy, Debug)]
pub struct IntervalPlot<'a> {
    /// Caption above the plot.
    pub title: &'a str,
    /// What the horizontal axis measures.
    pub x_label: &'a str,
    /// The rows, top to bottom.
    pub rows: &'a [Row<'a>],
    /// Tick labels of the horizontal axis (`12`, `40%`).
    pub tick: fn(f64) -> String,
}

/// The interval plot as an SVG document, `width` pixels wide and as high
/// as its rows need.
pub fn intervals_svg(plot: &IntervalPlot, width: u32) -> Result<String, RenderError> {
    let failed = |e: &dyn std::fmt::Display| RenderError::Plot(e.to_string());
    let n = plot.rows.len().max(1);
    let height = 90 + 28 * n as u32;
    let highest = plot
        .rows
        .iter()
        .map(|r| r.ci95.map_or(r.value, |ci| ci.high).max(r.value))
        .fold(0.0f64, f64::max);
    let x_max = if highest > 0.0 { highest * 1.08 } else { 1.0 };
    let labels: Vec<String> = plot.rows.iter().map(|r| clean(r.label)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(clean(plot.title), ("sans-serif", 15))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(330)
            .build_cartesian_2d(0f64..x_max, (0..n).into_segmented())
            .map_err(|e| failed(&e))?;
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => n
                .checked_sub(1 + *i)
                .and_then(|k| labels.get(k))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .x_desc(clean(plot.x_label))
            .x_label_formatter(&|v| (plot.tick)(*v))
            .y_label_formatter(&label)
            .y_labels(n)
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| failed(&e))?;
        for (i, r) in plot.rows.iter().enumerate() {
            let y = SegmentValue::CenterOf(n - 1 - i);
            let style = colour(i).stroke_width(2);
            if let Some(ci) = r.ci95 {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        y.clone(),
                        ci.low.max(0.0),
                        r.value,
                        ci.high,
                        style,
                        10,
                    )))
                    .map_err(|e| failed(&e))?;
            }
            chart
                .draw_series(std::iter::once(Circle::new(
                    (r.value, y),
                    4,
                    colour(i).filled(),
                )))
                .map_err(|e| failed(&e))?;
        }
        root.present().map_err(|e| failed(&e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(values: &[f64]) -> Summary {
        let mut s = Summary::default();
        for &v in values {
            s.add(v);
        }
        s
    }

    #[test]
    fn distribution_function() {
        let s = summary(&[7.0, 14.0, 21.0, 28.0]);
        assert_eq!(share_at_or_below(&s, 0.0), 0.0);
        assert_eq!(share_at_or_below(&s, 15.0), 0.5);
        assert_eq!(share_at_or_below(&s, 30.0), 1.0);
        assert_eq!(share_at_or_below(&Summary::default(), 30.0), 0.0);
        let t = summary(&[70.0; 10]);
        let both = [
            Series {
                label: "s",
                summary: &s,
            },
            Series {
                label: "t",
                summary: &t,
            },
        ];
        // The 99th percentile of the slowest series, to the histogram's resolution.
        assert!((x_max_days(&both) - 70.0).abs() < 0.3);
        assert_eq!(x_max_days(&[]), 1.0);
    }

    #[test]
    fn svg_escapes_and_lists_every_series() {
        let s = summary(&[3.0, 9.0, 40.0]);
        let series = [
            Series {
                label: "<script>alert(1)</script>\u{1b}",
                summary: &s,
            },
            Series {
                label: "b & \"c\"",
                summary: &s,
            },
        ];
        let svg = cdf_svg(
            &Plot {
                title: "Lead time",
                x_label: "weeks",
                series: &series,
                marker: Some((14.0, "2 weeks")),
            },
            600,
            300,
        )
        .unwrap();
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!svg.contains('\u{1b}'));
        assert!(svg.contains("b &amp; &quot;c&quot;"));
        assert!(svg.contains("2 weeks"));
        // Each series: its line and its legend mark, in its own colour.
        for colour in ["#0072B2", "#D55E00"] {
            assert_eq!(
                svg.matches(&format!("stroke=\"{colour}\"")).count(),
                2,
                "{colour}"
            );
        }
    }
}
