//! The comparison as a table: column names with their units and each
//! procedure's cells, for the terminal, Markdown, CSV and the HTML report.

use comfy_table::{CellAlignment, Table, presets};
use meldroute_core::compare::{Row, Unit, columns};
use meldroute_core::stats::Estimate;

use crate::diagnostics::inert;
use crate::figures::{days_weeks_ci, difference_ci, percent_ci};
use crate::text::{inert_cell, trim_lines};

/// A table for a terminal `width` columns wide (`None`: as wide as its
/// cells, for output that is not a terminal): cells wrap to fit it.
pub fn fit(t: &mut Table, width: Option<u16>) {
    if let Some(w) = width {
        t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
        t.set_width(w);
    }
}

/// Rows as aligned text: the first column left, the others right, no
/// borders, no padding at line ends.
pub fn aligned(header: &[String], cells: &[Vec<String>]) -> String {
    aligned_to(header, cells, None)
}

/// [`aligned`] for a terminal `width` columns wide: as it is when it fits;
/// else turned (a row per column, a column per row: the figures down, the
/// procedures across), its cells wrapped to fit ([`fit`]).
pub fn aligned_to(header: &[String], cells: &[Vec<String>], width: Option<u16>) -> String {
    let natural = laid_out(header, cells, None);
    let Some(w) = width else { return natural };
    let widest = natural
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    if widest <= usize::from(w) {
        return natural;
    }
    let turned_header: Vec<String> = std::iter::once(header.first().cloned().unwrap_or_default())
        .chain(cells.iter().map(|r| r.first().cloned().unwrap_or_default()))
        .collect();
    let turned: Vec<Vec<String>> = (1..header.len())
        .map(|j| {
            std::iter::once(header[j].clone())
                .chain(cells.iter().map(|r| r.get(j).cloned().unwrap_or_default()))
                .collect()
        })
        .collect();
    laid_out(&turned_header, &turned, Some(w))
}

/// The table of `header` and `cells` fitted to `width` ([`fit`]).
fn laid_out(header: &[String], cells: &[Vec<String>], width: Option<u16>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header(header.to_vec());
    fit(&mut t, width);
    for row in cells {
        t.add_row(row.iter().map(|c| inert(c)).collect::<Vec<_>>());
    }
    for i in 1..t.column_count() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    trim_lines(&t.to_string())
}

/// Rows as a Markdown table (numbers right-aligned), one line per row:
/// `|` escaped, markup written as entities.
pub fn markdown(header: &[String], cells: &[Vec<String>]) -> String {
    let esc = |s: &str| {
        inert(s)
            .replace('|', "\\|")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let line = |row: &[String]| {
        format!(
            "| {} |\n",
            row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        )
    };
    let mut out = line(header);
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i == 0 { "---" } else { "---:" })
        .collect();
    out.push_str(&format!("|{}|\n", align.join("|")));
    for row in cells {
        out.push_str(&line(row));
    }
    out
}

/// Rows as RFC 4180 CSV, the cells of [`cells`] with `plain` (whose text
/// cells a spreadsheet would run as a formula are prefixed with `'`,
/// [`inert_cell`], and whose numbers, negative ones included, stay numbers).
pub fn csv(header: &[String], cells: &[Vec<String>]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in cells {
        w.write_record(row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub use meldroute_core::compare::bodies;

/// A column's unit, as a header names it: `(days)` in CSV, `(%)` for shares.
fn unit(u: Unit, plain: bool) -> &'static str {
    match (u, plain) {
        (Unit::Days, true) => " (days)",
        (Unit::Days, false) => "",
        (Unit::Share, _) => " (%)",
    }
}

/// Column names, with units. `plain` (for CSV) adds the title and whether
/// the procedure is illustrative, durations are in days, and each figure
/// is followed by the bounds of its 95% interval, its difference from the
/// base procedure and that difference's bounds; the base is named in a
/// column of its own.
pub fn header(bodies: &[String], plain: bool) -> Vec<String> {
    let mut h = vec!["procedure".to_owned()];
    if plain {
        h.extend(["title", "illustrative", "base"].map(str::to_owned));
    }
    h.push("reported".to_owned());
    for f in columns(bodies) {
        let u = unit(f.unit, plain);
        h.push(format!("{}{u}", f.label));
        if plain {
            let diff = if f.unit == Unit::Share {
                " (points)"
            } else {
                " (days)"
            };
            h.extend([
                format!("{} ci95 low", f.label),
                format!("{} ci95 high", f.label),
                format!("{} difference from base{diff}", f.label),
                format!("{} difference ci95 low", f.label),
                format!("{} difference ci95 high", f.label),
            ]);
        }
    }
    h.extend(["gap errors", "gap warnings", "gaps accepted"].map(str::to_owned));
    h
}

/// A figure for people, with the `±` of its interval: `17.4 w ±0.3`,
/// `34.8 ±0.7` (percent).
fn shown(unit: Unit, e: Estimate) -> String {
    match unit {
        Unit::Days => days_weeks_ci(e.value, e.ci95),
        Unit::Share => percent_ci(e.value, e.ci95).replacen('%', "", 1),
    }
}

/// A row's cells, in [`header`] order. `plain` (for CSV): durations in days
/// and shares in percent, as bare numbers, with the bounds of each
/// interval and the differences from the base; otherwise with units and
/// the `±` of each interval.
pub fn cells(r: &Row, bodies: &[String], plain: bool) -> Vec<String> {
    let num = |u: Unit, x: f64| match u {
        Unit::Days => format!("{x:.2}"),
        Unit::Share => format!("{:.2}", x * 100.0),
    };
    // Empty in CSV, where a lone `-` would look like the start of a formula.
    let none = if plain { "" } else { "-" };
    let mut c = if plain {
        vec![
            inert_cell(&r.procedure),
            inert_cell(&r.title),
            if r.illustrative { "yes" } else { "no" }.to_owned(),
            r.difference_from_base
                .as_ref()
                .map_or_else(String::new, |d| inert_cell(&d.base)),
        ]
    } else if r.illustrative {
        vec![format!("{} (illustrative)", r.procedure)]
    } else {
        vec![r.procedure.clone()]
    };
    c.push(r.reported.to_string());
    for (f, e) in columns(bodies).iter().zip(r.estimates(bodies)) {
        let Some(e) = e else {
            c.push(none.to_owned());
            if plain {
                c.extend(std::iter::repeat_n(String::new(), 5));
            }
            continue;
        };
        if !plain {
            c.push(shown(f.unit, e));
            continue;
        }
        let bound = |x: Option<f64>| x.map_or_else(String::new, |x| num(f.unit, x));
        c.push(num(f.unit, e.value));
        c.push(bound(e.ci95.map(|i| i.low)));
        c.push(bound(e.ci95.map(|i| i.high)));
        let d = r
            .difference_from_base
            .as_ref()
            .and_then(|d| d.figures.get(&f.key));
        c.push(bound(d.map(|d| d.difference)));
        c.push(bound(d.and_then(|d| d.ci95).map(|i| i.low)));
        c.push(bound(d.and_then(|d| d.ci95).map(|i| i.high)));
    }
    c.extend([
        r.gaps.errors.to_string(),
        r.gaps.warnings.to_string(),
        r.gaps.accepted.to_string(),
    ]);
    c
}

/// What the `reported` column of a comparison counts.
pub const REPORTED: &str = "reported: the journeys that made a report, the denominator of the acknowledgement, feedback and aftercare shares";

/// What a differences table says its marks mean.
pub const WITHIN_CHANCE: &str = "~ within chance: the 95% interval of the difference includes 0, so the procedures may not differ in that figure";

/// The header of the table of differences from the base: the figures, in
/// days or weeks and percentage points.
pub fn difference_header(bodies: &[String]) -> Vec<String> {
    let mut h = vec!["procedure".to_owned()];
    h.extend(columns(bodies).into_iter().map(|f| match f.unit {
        Unit::Days => f.label,
        Unit::Share => format!("{} (points)", f.label),
    }));
    h
}

/// A row's differences from the base, in [`difference_header`] order:
/// `+3.9 w ±0.4`, and `~` before one within chance; `-` where either has
/// no such figure. `None` for the base itself.
pub fn difference_cells(r: &Row, bodies: &[String]) -> Option<Vec<String>> {
    let diffs = r.difference_from_base.as_ref()?;
    let mut c = vec![r.procedure.clone()];
    for f in columns(bodies) {
        c.push(match diffs.figures.get(&f.key) {
            None => "-".to_owned(),
            Some(d) => {
                let mark = if d.within_chance { "~ " } else { "" };
                let text = difference_ci(d.difference, d.ci95, f.unit == Unit::Share);
                format!("{mark}{text}")
            }
        });
    }
    Some(c)
}

/// A comparison as an Excel workbook ([`header`] and [`cells`] with
/// `plain`, the CSV's table): a sheet `figures` (each figure with its
/// interval), a sheet `differences` (each figure's difference from the base
/// with its interval), and a sheet `provenance` (`rows`, as the CSV's
/// provenance rows). Numbers are numbers, units are in the headers, the
/// header row is bold and frozen. The same input gives the same bytes: the
/// creation date is fixed (the provenance says when, if asked).
pub fn xlsx(
    header: &[String],
    cells: &[Vec<String>],
    provenance: &[Vec<String>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let difference = |h: &str| h.contains(" difference");
    // The columns that name a procedure go on both sheets.
    let names = ["procedure", "title", "illustrative", "base"];
    let figures: Vec<usize> = (0..header.len())
        .filter(|&i| !difference(&header[i]))
        .collect();
    let differences: Vec<usize> = (0..header.len())
        .filter(|&i| names.contains(&header[i].as_str()) || difference(&header[i]))
        .collect();
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title("meldroute compare"),
    );
    let bold = Format::new().set_bold();
    for (name, columns) in [("figures", &figures), ("differences", &differences)] {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        for (c, &i) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, &header[i], &bold)?;
            sheet.set_column_width(c as u16, if i < 2 { 40 } else { 14 })?;
        }
        for (r, row) in cells.iter().enumerate() {
            for (c, &i) in columns.iter().enumerate() {
                let text = row.get(i).map_or("", String::as_str);
                let named = names.contains(&header[i].as_str());
                write_cell(sheet, r as u32 + 1, c as u16, text, named)?;
            }
        }
        sheet.set_freeze_panes(1, 1)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("provenance")?;
    for (r, row) in provenance.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, text)?;
        }
    }
    book.save_to_buffer()
}

/// A cell of a figure column as a number (it is one, or empty); of a
/// column that names (`named`), as text, without the quote the CSV puts
/// before text a spreadsheet could run as a formula ([`inert_cell`]): a
/// text cell in xlsx is never a formula.
fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
    named: bool,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    if text.is_empty() {
        return Ok(());
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && !named => {
            sheet.write_number(row, col, x)?;
        }
        _ => {
            let quoted = text
                .strip_prefix('\'')
                .filter(|t| t.starts_with(['=', '+', '-', '@', '\t', '\r']));
            sheet.write_string(row, col, quoted.unwrap_or(text))?;
        }
    }
    Ok(())
}
