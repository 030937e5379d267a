//! The HTML report: one self-contained file for a reader who never runs the
//! tool. It holds the comparison table, distribution plots overlaid across
//! procedures, and per procedure its plot, journey map, graph diagram, gap
//! findings, deadlines, and steps with their assumptions and sources.
//!
//! Nothing is fetched: styles are inline, pictures are inline SVG, there is
//! no script, and a Content-Security-Policy forbids loading anything, so
//! even text that escaped escaping could not run or call out. Every string
//! from a procedure file goes through [`crate::text::xml`] (and inline text
//! through [`user`], which isolates right-to-left overrides in `<bdi>`).

use std::fmt::Write as _;

use crate::figures::{days_weeks, days_weeks_ci, percent, percent_ci};
use meldroute_core::compare::{self, Compared};
use meldroute_core::gaps::{Finding, GapOptions};
use meldroute_core::library::Library;
use meldroute_core::model::{Basis, Procedure};
use meldroute_core::sim;

use crate::plot::{self, Plot, Series};
use crate::text::xml;
use crate::{GraphOptions, RenderError, graph, journey, print, render_with_dot};

/// How to draw the graph diagrams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Graphs {
    /// Run Graphviz `dot` and inline its SVG. A graph that `dot` does not
    /// draw within `timeout` (`None`: no limit) is left out with a note
    /// ([`Report::left_out`]).
    Graphviz {
        /// How long `dot` may take for one graph.
        timeout: Option<std::time::Duration>,
    },
    /// Leave them out; the report says why (for example, Graphviz is not installed).
    Omit(String),
}

/// What the report says about how it was made.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// The settings the procedures were simulated and analysed with.
    pub gaps: GapOptions,
    /// The program and version, e.g. `meldroute 0.1.0`.
    pub generator: String,
    /// Graph diagrams.
    pub graphs: Graphs,
    /// How the report was made, for its "Provenance" section
    /// ([`crate::provenance::html_section`]).
    pub provenance: Option<meldroute_core::provenance::Provenance>,
    /// The sensitivity study of each procedure, in the order compared
    /// ([`meldroute_core::sensitivity::report_study`]); empty: the report
    /// has no section on it.
    pub sensitivity: Vec<meldroute_core::sensitivity::Study>,
    /// How robust each finding of each procedure is to the assumptions
    /// (`meldroute gaps --robust`), in the order compared and of its
    /// findings; empty: not shown.
    pub robustness: Vec<Vec<meldroute_core::gaps::Robustness>>,
    /// The caseloads run for the report: each an index into
    /// [`Library::caseloads`] and its figures; each has a section
    /// ([`crate::caseload::html_section`]) before the comparison, and its
    /// procedures are among those compared. Empty: no caseload.
    pub caseloads: Vec<(usize, meldroute_core::sim::des::CaseloadReport)>,
    /// Real case logs measured against the first procedure (`report
    /// --data`, [`meldroute_core::compare::observed`]), each with its
    /// differences from it: rows of the comparison, its intervals and its
    /// distributions after the procedures, without a section of their own.
    pub data: Vec<Compared>,
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328; margin: 0 auto; max-width: 1180px; padding: 24px 28px 60px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid #d0d7de; }
h3 { font-size: 16px; margin: 26px 0 6px; }
p.meta, p.note, figcaption, .small { color: #57606a; font-size: 13px; }
nav ol { columns: 2; font-size: 14px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
th, td { border: 1px solid #d0d7de; padding: 4px 7px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.compare, table.differences { width: 100%; font-size: 12px; }
table.compare th, table.differences th { font-size: 10.5px; hyphens: auto; padding: 3px 4px; }
table.compare td, table.differences td { padding: 3px 4px; }
table.compare td.num, table.differences td.num { white-space: normal; }
table.compare th:first-child, table.differences th:first-child { min-width: 9em; }
td.chance { color: #8c959f; }
.intervals { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 0 18px; }
tr.assumption td:first-child { border-left: 4px solid #bf8700; }
.tag { display: inline-block; font-size: 0.75em; padding: 0 6px; border-radius: 9px; background: #eaeef2; color: #24292f; vertical-align: middle; }
.tag.error { background: #ffebe9; color: #a40e26; }
.tag.warning { background: #fff8c5; color: #7d4e00; }
.tag.accepted { background: #ddf4ff; color: #0a3069; }
.tag.known { background: #fff1e5; color: #762c00; }
.tag.everywhere { background: #dafbe1; color: #116329; }
.tag.measured { background: #ddf4ff; color: #0a3069; }
.tag.illustrative, .tag.assumption { background: #fff1e5; color: #8a4600; }
figure { margin: 10px 0 18px; }
figure svg { max-width: 100%; height: auto; display: block; }
figure.graph .scroll { overflow: auto; max-height: 85vh; border: 1px solid #d0d7de; }
figure.graph svg { max-width: none; }
code { font-size: 12px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  section.procedure { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  table { font-size: 9px; }
  table.compare, table.differences { width: 100%; }
  table.compare th, table.compare td, table.differences th, table.differences td { font-size: 7px; padding: 2px 2px; }
  table.compare th:first-child, table.differences th:first-child { min-width: 6em; }
  .scroll, figure.graph .scroll { overflow: visible; max-height: none; border: 0; }
  figure.graph svg { max-width: 100%; }
  a { color: inherit; }
}
"#;

/// Inline user text: escaped, with any direction overrides kept inside.
pub fn user(text: &str) -> String {
    format!("<bdi>{}</bdi>", xml(text))
}

/// A link when `url` is a web address, otherwise plain text; never a
/// `javascript:` or other scheme.
fn link(text: &str, url: Option<&str>) -> String {
    match url {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
            format!(r#"<a href="{}">{}</a>"#, xml(u), user(text))
        }
        Some(u) => format!("{} ({})", user(text), user(u)),
        None => user(text),
    }
}

/// An SVG document for inlining: only its root element (no XML prolog or
/// DOCTYPE), after checking it is well-formed, with every `id` prefixed so
/// several pictures on one page keep unique ids.
pub fn embed_svg(svg: &str, id_prefix: &str) -> Result<String, RenderError> {
    let doc = roxmltree::Document::parse_with_options(
        svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .map_err(|e| RenderError::Svg(e.to_string()))?;
    let root = doc.root_element();
    let range = root.range();
    let mut starts: Vec<usize> = root
        .descendants()
        .flat_map(|n| n.attributes())
        .filter(|a| a.name() == "id" && a.namespace().is_none())
        .map(|a| a.range_value().start)
        .collect();
    starts.sort_unstable();
    let mut out = String::with_capacity(range.len() + starts.len() * id_prefix.len());
    let mut at = range.start;
    for s in starts {
        out.push_str(&svg[at..s]);
        out.push_str(id_prefix);
        at = s;
    }
    out.push_str(&svg[at..range.end]);
    Ok(out)
}

/// A report, and the graph diagrams it had to leave out.
#[derive(Clone, Debug)]
pub struct Report {
    /// The HTML document.
    pub html: String,
    /// The graphs left out, as `(procedure id, why)`; the report says so
    /// where each would have been.
    pub left_out: Vec<(String, String)>,
}

/// The most procedures a report holds by default: each has a section of
/// about 70 KB and keeps distributions of about 80 KB while the report is
/// made, so a report of every procedure a library may hold would run to
/// gigabytes.
pub const DEFAULT_MAX_PROCEDURES: usize = 500;

/// The whole report.
pub fn html(
    library: &Library,
    compared: &[Compared],
    opts: &ReportOptions,
) -> Result<Report, RenderError> {
    let sim = &opts.gaps.sim;
    let mut o = String::new();
    let mut left_out = Vec::new();
    let titles: Vec<&str> = compared.iter().map(|c| c.row.title.as_str()).collect();
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="generator" content="{generator}">
<title>Reporter journeys compared: {count} procedure{plural}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>Reporter journeys compared</h1>
<p class="meta">{count} procedure{plural}: {list}.{caseloads}<br>Made by {generator} from the procedure files named below: {runs}, simulated with seed {seed}, the same for every procedure. A simulated figure is an estimate: each comes with its 95% confidence interval (± in the tables, bars in the figures), and each procedure's difference from the first says whether it is within chance. Durations marked <span class="tag assumption">assumption</span> are assumptions, not measurements; the figures show what the procedure files imply.</p>
</header>
"#,
        generator = xml(&opts.generator),
        count = compared.len(),
        plural = if compared.len() == 1 { "" } else { "s" },
        list = titles
            .iter()
            .map(|t| user(t))
            .collect::<Vec<_>>()
            .join("; "),
        runs = xml(&crate::figures::journeys_per_procedure(
            compared.iter().map(|c| c.figures.runs),
            sim.precision.as_ref()
        )),
        seed = sim.seed,
        caseloads = if opts.caseloads.is_empty() {
            String::new()
        } else {
            format!(
                " First the caseload{} {}: {} procedures run together over a period, cases waiting for the handlers of their pools, and the backlog month by month.",
                if opts.caseloads.len() == 1 { "" } else { "s" },
                opts.caseloads
                    .iter()
                    .map(|(_, r)| user(&r.title))
                    .collect::<Vec<_>>()
                    .join("; "),
                if opts.caseloads.len() == 1 {
                    "its"
                } else {
                    "their"
                },
            )
        },
    );
    // Contents.
    o.push_str("<nav><h2>Contents</h2><ol>\n");
    for (n, (_, r)) in opts.caseloads.iter().enumerate() {
        let _ = writeln!(
            o,
            r##"<li><a href="#c{}">Caseload: {}</a></li>"##,
            n + 1,
            user(&r.title)
        );
    }
    o.push_str("<li><a href=\"#comparison\">Comparison</a></li>\n<li><a href=\"#distributions\">Lead time and silence</a></li>\n");
    if !opts.sensitivity.is_empty() {
        o.push_str("<li><a href=\"#sensitivity\">How sure: the assumptions</a></li>\n");
    }
    for (i, c) in compared.iter().enumerate() {
        let _ = writeln!(
            o,
            r##"<li><a href="#p{}">{}</a></li>"##,
            i + 1,
            user(&c.row.title)
        );
    }
    o.push_str("<li><a href=\"#method\">How this report was made</a></li>\n");
    if opts.provenance.is_some() {
        o.push_str("<li><a href=\"#provenance\">Provenance</a></li>\n");
    }
    o.push_str("</ol></nav>\n");
    for (n, (k, r)) in opts.caseloads.iter().enumerate() {
        crate::caseload::html_section(&mut o, library, *k, r, n + 1)?;
    }
    let with_data: Vec<Compared> = compared.iter().chain(&opts.data).cloned().collect();
    comparison_table(&mut o, &with_data, compared.len());
    intervals(&mut o, &with_data)?;
    o.push_str("</section>\n");
    distributions(&mut o, &with_data)?;
    sensitivity(&mut o, compared, &opts.sensitivity, &opts.robustness)?;
    for (i, c) in compared.iter().enumerate() {
        procedure_section(&mut o, library, c, i + 1, opts, &mut left_out)?;
    }
    method(&mut o, library, compared, opts, &left_out);
    if let Some(p) = &opts.provenance {
        o.push_str(&crate::provenance::html_section(p));
    }
    o.push_str("</body>\n</html>\n");
    Ok(Report { html: o, left_out })
}

/// The comparison: a row per procedure (the first `sections`, each linked
/// to its section) and per case log after them.
/// A column heading that wraps at words, and within an id after its `/`
/// and `-` (`<wbr>`), so that a wide table fits a 1280 px window and A4.
fn header_cell(h: &str) -> String {
    xml(h).replace('/', "/<wbr>").replace('-', "-<wbr>")
}

/// A figure in a table cell that may break only before its interval: the
/// number and its unit held together (`10.8 w ±0.2` breaks after `w`).
fn figure_cell(c: &str) -> String {
    xml(c).replacen(
        ' ',
        "\u{a0}",
        usize::from(c.contains(" w ") || c.contains(" d ")),
    )
}

/// True when a title says already that its procedure is illustrative
/// (`(illustratief)`), so that no second marker is added.
fn says_illustrative(title: &str) -> bool {
    title.to_lowercase().contains("illustrat")
}

fn comparison_table(o: &mut String, compared: &[Compared], sections: usize) {
    let rows: Vec<compare::Row> = compared.iter().map(|c| c.row.clone()).collect();
    let bodies = crate::table::bodies(&rows);
    let header = crate::table::header(&bodies, false);
    o.push_str("<section id=\"comparison\">\n<h2>Comparison</h2>\n");
    o.push_str("<p class=\"small\">One row per procedure. Durations in days (d) or weeks (w); p50 is the median, p90 the value 90% of journeys stay under. Shares in percent: \"reported\" counts the journeys that made a report, and the acknowledgement, feedback and aftercare shares are of those; the 7 days count from the report, the 3 months of feedback from the acknowledgement, and the first feedback counts, interim feedback included. \"to …\": share of journeys that end up at that external body. Gap findings: see each procedure's section.</p>\n");
    o.push_str("<div class=\"scroll\"><table class=\"compare\">\n<thead><tr>");
    for h in &header {
        let _ = write!(o, "<th scope=\"col\">{}</th>", header_cell(h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for (i, row) in rows.iter().enumerate() {
        let cells = crate::table::cells(row, &bodies, false);
        let name = if i < sections {
            format!(r##"<a href="#p{}">{}</a>"##, i + 1, user(&row.title))
        } else {
            format!(
                "{} <span class=\"tag measured\">real cases</span>",
                user(&row.title)
            )
        };
        let _ = write!(
            o,
            r##"<tr><th scope="row">{}{}</th>"##,
            name,
            if row.illustrative && !says_illustrative(&row.title) {
                " <span class=\"tag illustrative\">illustrative</span>"
            } else {
                ""
            }
        );
        for c in cells.iter().skip(1) {
            let _ = write!(o, "<td class=\"num\">{}</td>", figure_cell(c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table></div>\n");
    differences_table(o, &rows, &bodies);
}

/// Each procedure's difference from the base, with its interval, and the
/// headline figures drawn with their intervals.
fn differences_table(o: &mut String, rows: &[compare::Row], bodies: &[String]) {
    let Some(base) = rows.iter().find(|r| r.difference_from_base.is_none()) else {
        return;
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .filter_map(|r| crate::table::difference_cells(r, bodies))
        .collect();
    if cells.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h3>Difference from {}</h3>\n<p class=\"small\">Each figure less the same figure of {}: durations in days (d) or weeks (w), shares in percentage points, with the half-width of the difference's 95% interval. {}.</p>",
        user(&base.title),
        user(&base.title),
        xml(crate::table::WITHIN_CHANCE)
    );
    o.push_str("<div class=\"scroll\"><table class=\"differences\">\n<thead><tr>");
    for h in crate::table::difference_header(bodies) {
        let _ = write!(o, "<th scope=\"col\">{}</th>", header_cell(&h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    let titles = rows.iter().filter(|r| r.difference_from_base.is_some());
    for (row, r) in cells.iter().zip(titles) {
        let _ = write!(o, "<tr><th scope=\"row\">{}</th>", user(&r.title));
        for c in row.iter().skip(1) {
            let class = if c.starts_with('~') {
                "num chance"
            } else {
                "num"
            };
            let _ = write!(o, "<td class=\"{class}\">{}</td>", figure_cell(c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table></div>\n");
}

/// The headline figures of every procedure, each with its 95% interval.
fn intervals(o: &mut String, compared: &[Compared]) -> Result<(), RenderError> {
    o.push_str("<h3>How sure: the headline figures with their 95% intervals</h3>\n<p class=\"small\">A dot is the simulated figure, the bar its 95% confidence interval; each label gives the figure and the interval's half-width (±), as a bar narrower than its dot, a figure known very precisely, is hidden by the dot. Where two bars overlap, the procedures may not differ in that figure; the table of differences above says so exactly.</p>\n");
    let weeks = |x: f64| format!("{x:.0}");
    let pct = |x: f64| format!("{x:.0}%");
    type Pick = fn(&compare::Row) -> (f64, Option<crate::plot::Interval>);
    let plots: [(&str, &str, compare::Unit, Pick); 4] = [
        ("Lead time, median", "weeks", compare::Unit::Days, |r| {
            (r.lead_time_p50_days, r.lead_time_p50_days_ci95)
        }),
        (
            "Longest silence, median",
            "weeks",
            compare::Unit::Days,
            |r| (r.longest_silence_p50_days, r.longest_silence_p50_days_ci95),
        ),
        (
            "Feedback within 3 months of the acknowledgement",
            "share of journeys that made a report",
            compare::Unit::Share,
            |r| (r.feedback_within_3_months, r.feedback_within_3_months_ci95),
        ),
        (
            "Aftercare",
            "share of journeys that made a report",
            compare::Unit::Share,
            |r| (r.aftercare_rate, r.aftercare_rate_ci95),
        ),
    ];
    o.push_str("<div class=\"intervals\">\n");
    for (title, x_label, unit, pick) in plots {
        let (scale, tick): (f64, fn(f64) -> String) = match unit {
            compare::Unit::Days => (1.0 / 7.0, weeks),
            compare::Unit::Share => (100.0, pct),
        };
        // Each row's label carries its figure: a bar narrower than its dot
        // (a very sure figure) is hidden by the dot.
        let labels: Vec<String> = compared
            .iter()
            .map(|c| {
                let (value, ci) = pick(&c.row);
                let figure = match unit {
                    compare::Unit::Days => days_weeks_ci(value, ci),
                    compare::Unit::Share => percent_ci(value, ci),
                };
                format!("{}: {figure}", crate::text::cut(&c.row.title, 40))
            })
            .collect();
        let rows: Vec<crate::plot::Row> = compared
            .iter()
            .zip(&labels)
            .map(|(c, label)| {
                let (value, ci) = pick(&c.row);
                crate::plot::Row {
                    label,
                    value: value * scale,
                    ci95: ci.map(|i| crate::plot::Interval {
                        low: i.low * scale,
                        high: i.high * scale,
                    }),
                }
            })
            .collect();
        let svg = crate::plot::intervals_svg(
            &crate::plot::IntervalPlot {
                title,
                x_label,
                rows: &rows,
                tick,
            },
            640,
        )?;
        let _ = writeln!(
            o,
            "<figure class=\"plot interval\">\n{}\n<figcaption>{}, per procedure, with its 95% interval.</figcaption>\n</figure>",
            embed_svg(&svg, "")?,
            xml(title)
        );
    }
    o.push_str("</div>\n");
    Ok(())
}

fn distributions(o: &mut String, compared: &[Compared]) -> Result<(), RenderError> {
    let drawn: Vec<(&str, &compare::Distributions)> = compared
        .iter()
        .filter_map(|c| Some((c.row.title.as_str(), c.distributions.as_ref()?)))
        .collect();
    o.push_str("<section id=\"distributions\">\n<h2>Lead time and silence</h2>\n");
    o.push_str("<p class=\"small\">Each line shows, for one procedure, the share of journeys that took at most the time on the horizontal axis. A line further left is faster; a line that rises late leaves reporters waiting. The axis ends at the 99th percentile of the slowest procedure.</p>\n");
    let lead: Vec<Series> = drawn
        .iter()
        .map(|&(label, d)| Series {
            label,
            summary: &d.lead_time,
        })
        .collect();
    let silence: Vec<Series> = drawn
        .iter()
        .map(|&(label, d)| Series {
            label,
            summary: &d.longest_silence,
        })
        .collect();
    figure(
        o,
        "overlay",
        &Plot {
            title: "Lead time: share of journeys finished",
            x_label: "weeks from the start of the journey",
            series: &lead,
            marker: None,
        },
        "Lead time, all procedures.",
    )?;
    figure(
        o,
        "overlay",
        &Plot {
            title: "Longest silence: share of journeys",
            x_label: "weeks without contact with the reporter",
            series: &silence,
            marker: Some((42.0, "6 weeks")),
        },
        "Longest time without contact after the report, all procedures. The line at 6 weeks is the silence threshold of the gap analysis (meldroute's default, not a legal term).",
    )?;
    o.push_str("</section>\n");
    Ok(())
}

fn figure(o: &mut String, class: &str, p: &Plot, caption: &str) -> Result<(), RenderError> {
    let svg = plot::cdf_svg(p, 900, 380)?;
    let _ = writeln!(
        o,
        "<figure class=\"plot {class}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
        embed_svg(&svg, "")?,
        xml(caption)
    );
    Ok(())
}

fn procedure_section(
    o: &mut String,
    library: &Library,
    c: &Compared,
    n: usize,
    opts: &ReportOptions,
    left_out: &mut Vec<(String, String)>,
) -> Result<(), RenderError> {
    let entry = library.entry(c.entry);
    let p = &entry.procedure;
    let r = &c.figures;
    let _ = writeln!(
        o,
        r#"<section class="procedure" id="p{n}" data-procedure="{id}">
<h2>{n}. {title}{tag}</h2>
<p class="meta"><code>{id}</code> · {kind} · {org} · file <code>{file}</code></p>"#,
        id = xml(&p.id),
        title = user(&p.title),
        tag = if p.illustrative && !says_illustrative(&p.title) {
            " <span class=\"tag illustrative\">illustrative</span>"
        } else {
            ""
        },
        kind = xml(p.kind.as_str()),
        org = user(&p.organisation),
        file = xml(library.file(entry.file).name()),
    );
    if let Some(d) = &p.description {
        let _ = writeln!(o, "<p>{}</p>", user(d));
    }
    let _ = writeln!(
        o,
        "<p>Lead time {} (median), {} (p90); mean {}. Longest silence {} (median), {} (p90). Of the {} journeys that made a report, {} had feedback within 3 months of the acknowledgement (the first feedback, interim feedback included), {} had feedback at all, {} aftercare, and {} no contact after the report. (±x: the 95% confidence interval reaches x either side; +x or -x: one way only, near 0% or 100%.)</p>",
        days_weeks_ci(r.lead_time_days.p50, r.lead_time_days.p50_ci95),
        days_weeks_ci(r.lead_time_days.p90, r.lead_time_days.p90_ci95),
        days_weeks_ci(r.lead_time_days.mean, r.lead_time_days.mean_ci95),
        days_weeks_ci(r.longest_silence_days.p50, r.longest_silence_days.p50_ci95),
        days_weeks_ci(r.longest_silence_days.p90, r.longest_silence_days.p90_ci95),
        crate::text::thousands(r.reported),
        percent_ci(
            r.feedback_within_3_months.value,
            r.feedback_within_3_months.ci95
        ),
        percent_ci(r.feedback_rate.value, r.feedback_rate.ci95),
        percent_ci(r.aftercare_rate.value, r.aftercare_rate.ci95),
        percent_ci(
            r.no_contact_after_report.value,
            r.no_contact_after_report.ci95
        ),
    );
    if let Some(why) = r
        .precision
        .as_ref()
        .and_then(|p| crate::figures::precision_not_met(&r.procedure, p))
    {
        let _ = writeln!(
            o,
            "<p class=\"warning\"><strong>Warning:</strong> {}</p>",
            user(&why)
        );
    }
    if r.stopped_early {
        let why = crate::figures::stopped_early(&r.procedure, r.runs, r.max_steps);
        let _ = writeln!(
            o,
            "<p class=\"warning\"><strong>Warning:</strong> {}</p>",
            user(&why)
        );
    }
    // Its own distributions, one plot.
    if let Some(d) = &c.distributions {
        let series = [
            Series {
                label: "lead time",
                summary: &d.lead_time,
            },
            Series {
                label: "longest silence",
                summary: &d.longest_silence,
            },
        ];
        o.push_str("<h3>Lead time and longest silence</h3>\n");
        figure(
            o,
            "own",
            &Plot {
                title: &p.title,
                x_label: "weeks",
                series: &series,
                marker: Some((42.0, "6 weeks")),
            },
            "Share of journeys at or below each duration.",
        )?;
    }
    // Journey map: the model is compiled again here, one procedure at a
    // time, rather than kept for every procedure compared.
    o.push_str("<h3>Journey map</h3>\n");
    let seed = opts.gaps.sim.seed;
    let drawn = sim::SimModel::compile(library, c.entry)
        .map_err(|e| e.to_string())
        .and_then(|model| {
            let routes = sim::routes::ranked(&model, ROUTES_SHOWN, None, seed);
            let j = routes
                .and_then(|r| sim::routes::journey(&model, &r, 1, None, seed).map(|j| (r, j)))
                .map_err(|e| e.to_string())?;
            let pains = journey::pains(&model, library, &c.findings, crate::Lang::En);
            let map = journey::Map {
                model: &model,
                journey: &j.1,
                title: &p.title,
                pains: &pains,
                lang: crate::Lang::En,
            }
            .draw();
            Ok((map, route_table(&model, &j.0)))
        });
    match drawn {
        Ok((drawn, table)) => {
            let _ = writeln!(
                o,
                "<figure class=\"journey\">\n{}\n<figcaption>The most probable route, with the times of the journeys along it.</figcaption>\n</figure>",
                embed_svg(&drawn.svg, &format!("p{n}-j-"))?
            );
            o.push_str("<h3>The most probable routes</h3>\n");
            o.push_str(&table);
        }
        Err(e) => {
            let _ = writeln!(
                o,
                "<p class=\"note\">The journey map is left out: {}.</p>",
                user(&e)
            );
        }
    }
    // Graph.
    o.push_str("<h3>Graph of the procedure</h3>\n");
    let drawn = match &opts.graphs {
        Graphs::Graphviz { timeout } => {
            let dot = print(&graph(
                library,
                c.entry,
                &GraphOptions {
                    follow_escalations: false,
                    gaps: c.findings.clone(),
                },
            ));
            match render_with_dot(&dot, "svg", *timeout) {
                Ok(svg) => Ok(svg),
                Err(e @ RenderError::DotTimeout { .. }) => {
                    left_out.push((p.id.value.clone(), e.to_string()));
                    Err(e.to_string())
                }
                Err(e) => return Err(e),
            }
        }
        Graphs::Omit(why) => Err(why.clone()),
    };
    match drawn {
        Ok(svg) => {
            let svg = String::from_utf8(svg)
                .map_err(|e| RenderError::Svg(format!("Graphviz wrote no UTF-8: {e}")))?;
            let _ = writeln!(
                o,
                "<figure class=\"graph\">\n<div class=\"scroll\">{}</div>\n<figcaption>Every step and branch, one lane per actor; percentages are branch shares, durations medians. Red: routes with an open gap; orange: accepted gaps; GAP marks where a gap starts. Scroll to see all of it; printed, it fits the page width.</figcaption>\n</figure>",
                embed_svg(&svg, &format!("p{n}-g-"))?
            );
        }
        Err(why) => {
            let _ = writeln!(
                o,
                "<p class=\"note\">The graph diagram is left out: {}. The journey map above shows the most likely route.</p>",
                xml(&why)
            );
        }
    }
    deadlines(o, c);
    where_the_time_goes(o, c);
    findings(o, library, p, &c.findings);
    steps(o, p);
    o.push_str("</section>\n");
    Ok(())
}

/// The routes the report lists per procedure.
const ROUTES_SHOWN: usize = 3;

/// The [`ROUTES_SHOWN`] most probable routes as a table: rank, share (with
/// its interval when counted over simulated journeys), the steps by title,
/// and how the route ends; ties named.
fn route_table(model: &sim::SimModel, routes: &sim::routes::Routes) -> String {
    let mut o = String::from(
        "<table class=\"routes\">\n<thead><tr><th>rank</th><th>share of journeys</th><th>route</th><th>outcome</th></tr></thead>\n<tbody>\n",
    );
    for (i, r) in routes.routes.iter().take(ROUTES_SHOWN).enumerate() {
        let share = match r.ci95 {
            Some(ci) => format!(
                "{} (95% CI {}-{})",
                percent(r.probability),
                percent(ci.low),
                percent(ci.high)
            ),
            None => crate::words::percent(r.probability, 2, crate::Lang::En),
        };
        let steps: Vec<String> = r
            .steps
            .iter()
            .map(|&s| format!("<bdi>{}</bdi>", user(&model.names[s as usize].title)))
            .collect();
        let outcome = match r.steps.last().map(|&s| &model.steps[s as usize].go) {
            Some(sim::Go::End(o)) => crate::words::outcome(*o, crate::Lang::En),
            _ => "",
        };
        let tied: Vec<String> = routes
            .tied_with(i)
            .into_iter()
            .map(|t| (t + 1).to_string())
            .collect();
        let tie = if tied.is_empty() {
            String::new()
        } else {
            format!(
                " <span class=\"note\">(tied with {})</span>",
                tied.join(", ")
            )
        };
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}{tie}</td><td class=\"num\">{share}</td><td>{}</td><td>{outcome}</td></tr>",
            i + 1,
            steps.join(" → ")
        );
    }
    o.push_str("</tbody>\n</table>\n");
    let how = match routes.ranking {
        sim::routes::Ranking::Exact => {
            "Ranked by the exact probability of the whole route (the product of its branch probabilities); equal chances go to the shorter route, then to the order of the steps in the file.".to_owned()
        }
        sim::routes::Ranking::Simulated { journeys, why } => format!(
            "Counted over {} simulated journeys, because {why}; each share with its 95% interval.",
            crate::text::thousands(journeys)
        ),
    };
    let _ = writeln!(o, "<p class=\"note\">{how}</p>");
    o
}

fn deadlines(o: &mut String, c: &Compared) {
    let f = &c.figures;
    if f.deadlines.is_empty() {
        return;
    }
    o.push_str("<h3>Deadlines</h3>\n<table><thead><tr><th>step</th><th>within</th><th>from</th><th>basis</th><th>reached</th><th>met</th></tr></thead><tbody>\n");
    for d in &f.deadlines {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            xml(&d.step),
            days_weeks(d.within_days),
            d.from
                .as_deref()
                .map_or("entering the procedure".to_owned(), |f| format!(
                    "<code>{}</code>",
                    xml(f)
                )),
            user(&d.basis),
            percent(d.reached),
            percent(d.met),
        );
    }
    if f.deadlines_total > f.deadlines.len() {
        let _ = writeln!(
            o,
            "<tr><td colspan=\"6\">… and {} more deadlines of the procedures it escalates to</td></tr>",
            crate::text::thousands((f.deadlines_total - f.deadlines.len()) as u64)
        );
    }
    o.push_str("</tbody></table>\n<p class=\"small\">Reached: share of journeys that get to the step; met: share of those that complete it in time.</p>\n");
}

fn where_the_time_goes(o: &mut String, c: &Compared) {
    let f = &c.figures;
    if f.steps.is_empty() {
        return;
    }
    o.push_str("<h3>Where the time goes</h3>\n<table><thead><tr><th>step</th><th>visited</th><th>mean per journey</th><th>mean per visit</th><th>share of time</th></tr></thead><tbody>\n");
    for s in &f.steps {
        let _ = writeln!(
            o,
            "<tr><td><code>{}:{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            xml(&s.procedure),
            xml(&s.step),
            percent_ci(s.visit_rate, s.visit_rate_ci95),
            days_weeks_ci(s.mean_days, s.mean_days_ci95),
            days_weeks_ci(s.mean_days_per_visit, s.mean_days_per_visit_ci95),
            percent_ci(s.share_of_lead_time, s.share_of_lead_time_ci95),
        );
    }
    if f.steps_total > f.steps.len() {
        let _ = writeln!(
            o,
            "<tr><td colspan=\"5\">… and {} more steps with less time</td></tr>",
            crate::text::thousands((f.steps_total - f.steps.len()) as u64)
        );
    }
    o.push_str("</tbody></table>\n<p class=\"small\">Visited: share of journeys that take the step; mean per journey: days in it over all journeys, visiting or not (what it adds to the mean lead time); mean per visit: days in it over the times it was taken; share of time: its part of all time spent in steps.</p>\n");
}

fn findings(o: &mut String, library: &Library, p: &Procedure, findings: &[Finding]) {
    o.push_str("<h3>Gap findings</h3>\n");
    if findings.is_empty() {
        o.push_str("<p>No gap findings.</p>\n");
        return;
    }
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    // Open findings first, then known shortcomings, then findings
    // accepted as no real gap.
    sorted.sort_by_key(|f| {
        (
            f.accepted.is_some(),
            f.accepted_as_no_gap(),
            std::cmp::Reverse(f.diagnostic.severity),
            f.diagnostic.primary.span.start,
        )
    });
    let (sorted, hidden) = crate::text::shown(&sorted);
    o.push_str("<table class=\"findings\"><thead><tr><th>rule</th><th>finding</th><th>where</th><th>journeys</th><th>basis and sources</th></tr></thead><tbody>\n");
    for f in sorted {
        let d = &f.diagnostic;
        let file = library.file(d.primary.file);
        let (line, col) = file.line_column(d.primary.span.start);
        let status = match (&f.accepted, d.severity) {
            (Some(a), _) if a.known_shortcoming.is_some() => {
                "<span class=\"tag known\">known shortcoming</span>".to_owned()
            }
            (Some(_), _) => "<span class=\"tag accepted\">accepted</span>".to_owned(),
            (None, s) => format!("<span class=\"tag {0}\">{0}</span>", s.as_str()),
        };
        let mut text = user(&crate::diagnostics::message(d));
        if let Some(h) = crate::diagnostics::help(d) {
            let _ = write!(
                text,
                "<br><span class=\"small\">How to fix: {}</span>",
                user(&h)
            );
        }
        if !f.route.is_empty() {
            let _ = write!(
                text,
                "<br><span class=\"small\">Route: {}</span>",
                crate::text::route(p, &f.route, " → ", user)
            );
        }
        if let Some(a) = &f.accepted {
            let _ = match &a.known_shortcoming {
                Some(k) => write!(
                    text,
                    "<br><span class=\"small\">Known shortcoming, found by {}: {}</span>",
                    user(&k.title),
                    user(&a.reason)
                ),
                None => write!(
                    text,
                    "<br><span class=\"small\">Accepted: {}</span>",
                    user(&a.reason)
                ),
            };
        }
        let scopes: Vec<&str> = f.scopes.iter().map(|s| s.as_str()).collect();
        let _ = write!(
            text,
            "<br><span class=\"small\">Scope: {}; rests on {}</span>",
            xml(&scopes.join(", ")),
            xml(crate::text::rests_on(f.rests_on))
        );
        // The sources of the step where the gap starts.
        let step_sources = f
            .route
            .first()
            .and_then(|i| p.steps.entry(i))
            .map(|(_, s)| s)
            .map(|s| source_list(p, s.sources.iter().map(|k| k.value.as_str())))
            .unwrap_or_default();
        let cited = |b: &str| {
            format!(
                "<span class=\"small\">{}:</span> {}",
                xml(crate::text::standing_key(f.standing)),
                user(b)
            )
        };
        let basis = match &f.basis {
            Some(b) if step_sources.is_empty() => cited(b),
            Some(b) => format!(
                "{}<br><span class=\"small\">Step sources: {step_sources}</span>",
                cited(b)
            ),
            None if step_sources.is_empty() => "–".to_owned(),
            None => format!("<span class=\"small\">Step sources: {step_sources}</span>"),
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code> {}<br><span class=\"small\">{}</span></td><td>{}</td><td><code>{}:{}:{}</code></td><td class=\"num\">{}</td><td>{}</td></tr>",
            xml(d.code),
            status,
            xml(d.name),
            text,
            xml(file.name()),
            line,
            col,
            f.share
                .map_or("–".to_owned(), |e| percent_ci(e.value, e.ci95)),
            basis,
        );
    }
    for (code, name, n) in hidden {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code> {}</td><td colspan=\"4\">… and {} more {} findings in this procedure (<code>meldroute gaps --format json</code> lists every one)</td></tr>",
            xml(code),
            xml(name),
            crate::text::thousands(n as u64),
            xml(name),
        );
    }
    o.push_str("</tbody></table>\n");
}

/// Titles of the given source keys, linked where they have a web address.
fn source_list<'a>(p: &Procedure, keys: impl Iterator<Item = &'a str>) -> String {
    keys.map(|k| match p.sources.get(k) {
        Some(s) => link(&s.title, s.url.as_deref()),
        None => user(k),
    })
    .collect::<Vec<_>>()
    .join("; ")
}

fn steps(o: &mut String, p: &Procedure) {
    let assumptions = p
        .steps
        .iter()
        .filter(|(_, s)| s.basis.as_ref().is_some_and(|b| **b == Basis::Assumption))
        .count();
    let _ = writeln!(
        o,
        "<h3>Steps, assumptions and sources</h3>\n<p class=\"small\">{} steps; {} rest on an assumption (marked at the left).</p>",
        p.steps.len(),
        assumptions
    );
    o.push_str("<table class=\"steps\"><thead><tr><th>step</th><th>actor</th><th>kind</th><th>duration</th><th>basis</th><th>sources and notes</th></tr></thead><tbody>\n");
    for (id, s) in p.steps.iter() {
        let assumed = s.basis.as_ref().is_some_and(|b| **b == Basis::Assumption);
        let actor = p
            .actors
            .get(&s.actor)
            .map_or(s.actor.as_str(), |a| a.title.as_str());
        let duration = if s.duration.is_zero() {
            "–".to_owned()
        } else {
            xml(&s.duration.to_string())
        };
        let basis = match &s.basis {
            Some(b) if **b == Basis::Assumption => {
                "<span class=\"tag assumption\">assumption</span>".to_owned()
            }
            Some(b) => xml(b.as_str()),
            None => "–".to_owned(),
        };
        let mut notes = source_list(p, s.sources.iter().map(|k| k.value.as_str()));
        if let Some(n) = &s.note {
            if !notes.is_empty() {
                notes.push_str("<br>");
            }
            let _ = write!(notes, "<span class=\"small\">{}</span>", user(n));
        }
        let _ = writeln!(
            o,
            "<tr{}><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if assumed { " class=\"assumption\"" } else { "" },
            user(&s.title),
            xml(&id.value),
            user(actor),
            xml(s.kind.as_str()),
            duration,
            basis,
            notes,
        );
    }
    o.push_str("</tbody></table>\n");
    if !p.sources.is_empty() {
        o.push_str("<h3>Sources</h3>\n<ul class=\"sources\">\n");
        for (key, s) in p.sources.iter() {
            let _ = write!(
                o,
                "<li><code>{}</code>: {}",
                xml(&key.value),
                link(&s.title, s.url.as_deref())
            );
            if let Some(n) = &s.note {
                let _ = write!(o, " — <span class=\"small\">{}</span>", user(n));
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ul>\n");
    }
}

/// The section "How sure": per procedure the tornado of its assumptions
/// for the report's figures.
fn sensitivity(
    o: &mut String,
    compared: &[Compared],
    studies: &[meldroute_core::sensitivity::Study],
    robustness: &[Vec<meldroute_core::gaps::Robustness>],
) -> Result<(), RenderError> {
    if studies.is_empty() {
        return Ok(());
    }
    let _ = writeln!(
        o,
        "<section id=\"sensitivity\">\n<h2>How sure: the assumptions</h2>\n<p class=\"small\">Per procedure, first its gap findings with how robust each is: the share of 128 sampled points of its assumptions (each drawn within its range) at which the finding still holds, and the assumptions it depends on most; a structural finding holds by the structure. Then the tornado: each step marked <span class=\"tag assumption\">assumption</span>, in the procedure and in those its escalations reach, varied one at a time with the others as written: its duration scaled from 0.5 to 1.5 times, each branch probability moved by up to 0.10 either way (or the step's own <code>range:</code>). Each bar runs from the figure with the assumption at the low end of its range (blue) to the figure at the high end (orange); the largest swing is on top. Each point ran {} journeys with the report's seed, the same journeys at every point, so a difference comes from the change (docs/sensitivity.md; <code>meldroute sensitivity</code> does more, and Sobol indices).</p>",
        crate::text::thousands(studies.first().and_then(|s| s.runs).unwrap_or(0))
    );
    for (i, (c, study)) in compared.iter().zip(studies).enumerate() {
        let _ = writeln!(o, "<h3>{}</h3>", user(&c.row.title));
        if let Some(robust) = robustness.get(i) {
            robust_findings(o, c, robust);
        }
        if study.factors.is_empty() {
            o.push_str("<p class=\"note\">No step of it, or of the procedures it escalates to, is marked as an assumption: nothing to vary.</p>\n");
            continue;
        }
        if let Some(svg) = crate::sensitivity::tornado_svg(study) {
            let _ = writeln!(
                o,
                "<figure class=\"plot tornado\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                embed_svg(&svg, "")?,
                xml(&format!(
                    "{}: {} assumptions, {} points",
                    study.subject(),
                    study.factors.len(),
                    study.points
                ))
            );
        }
    }
    o.push_str("</section>\n");
    Ok(())
}

/// The findings of `c` with how robust each is (`meldroute gaps --robust`).
fn robust_findings(o: &mut String, c: &Compared, robust: &[meldroute_core::gaps::Robustness]) {
    if c.findings.is_empty() {
        return;
    }
    o.push_str("<table class=\"findings robust\"><thead><tr><th>rule</th><th>finding</th><th>over the assumptions</th></tr></thead><tbody>\n");
    for (f, r) in c.findings.iter().zip(robust) {
        let sampled = matches!(r, meldroute_core::gaps::Robustness::Sampled { .. });
        let mark = if sampled && r.everywhere() {
            " <span class=\"tag everywhere\">holds everywhere</span>"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}{mark}</td></tr>",
            xml(f.diagnostic.code),
            user(&crate::diagnostics::message(&f.diagnostic)),
            user(&crate::text::robustness(r)),
        );
    }
    o.push_str("</tbody></table>\n");
}

fn method(
    o: &mut String,
    library: &Library,
    compared: &[Compared],
    opts: &ReportOptions,
    left_out: &[(String, String)],
) {
    let g = &opts.gaps;
    let _ = writeln!(
        o,
        r#"<section id="method">
<h2>How this report was made</h2>
<p>Made by {generator}. Every procedure was simulated with the same seed, {seed}: {runs}, at most {max_steps} steps per journey. Gap analysis: a silence over {silence} is long when more than {silence_tol} of journeys have one; a deadline is at risk when more than {deadline_tol} of journeys miss it. The same files, seed and runs give the same report, byte for byte.</p>
<p>Files read:</p>
<ul>"#,
        generator = xml(&opts.generator),
        runs = xml(&crate::figures::journeys_per_procedure(
            compared.iter().map(|c| c.figures.runs),
            g.sim.precision.as_ref()
        )),
        seed = g.sim.seed,
        max_steps = g.sim.max_steps,
        silence = days_weeks(g.silence_days),
        silence_tol = percent(g.silence_tolerance),
        deadline_tol = percent(g.deadline_tolerance),
    );
    for c in compared {
        let e = library.entry(c.entry);
        let _ = writeln!(
            o,
            "<li><code>{}</code>: <code>{}</code></li>",
            xml(&e.procedure.id),
            xml(library.file(e.file).name())
        );
    }
    for (k, r) in &opts.caseloads {
        let file = library.file(library.caseloads()[*k].file);
        let _ = writeln!(
            o,
            "<li><code>{}</code> (caseload, {} replications with seed {}): <code>{}</code></li>",
            xml(&r.caseload),
            r.replications,
            r.seed,
            xml(file.name())
        );
    }
    o.push_str("</ul>\n");
    if let Graphs::Omit(why) = &opts.graphs {
        let _ = writeln!(
            o,
            "<p class=\"note\">Graph diagrams left out: {}.</p>",
            xml(why)
        );
    }
    for (id, why) in left_out {
        let _ = writeln!(
            o,
            "<p class=\"note\">The graph diagram of <code>{}</code> is left out: {}.</p>",
            xml(id),
            xml(why)
        );
    }
    o.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_svg_keeps_only_the_root_and_prefixes_ids() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<!-- a comment with id=\"x\" -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph0\"><g id=\"node1\"><title>id=\"no\"</title></g></svg>\n";
        assert_eq!(
            embed_svg(svg, "p1-").unwrap(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"p1-graph0\"><g id=\"p1-node1\"><title>id=\"no\"</title></g></svg>"
        );
        assert!(matches!(
            embed_svg("<svg><g></svg>", ""),
            Err(RenderError::Svg(_))
        ));
    }

    #[test]
    fn links_only_to_web_addresses() {
        assert_eq!(
            link("Wbk", Some("https://wetten.overheid.nl/a?b=1&c=\"2\"")),
            "<a href=\"https://wetten.overheid.nl/a?b=1&amp;c=&quot;2&quot;\"><bdi>Wbk</bdi></a>"
        );
        assert_eq!(
            link("x", Some("javascript:alert(1)")),
            "<bdi>x</bdi> (<bdi>javascript:alert(1)</bdi>)"
        );
        assert_eq!(user("<b>\u{202e}"), "<bdi>&lt;b&gt;\u{202e}</bdi>");
    }
}
