//! The comparison as a table: column names with their units and each
//! procedure's cells, for the terminal, Markdown, CSV and the HTML report.

use comfy_table::{CellAlignment, Table, presets};
use meldroute_core::compare::Row;

use crate::diagnostics::inert;
use crate::figures::{days_weeks, percent};
use crate::text::{inert_cell, trim_lines};

/// Rows as aligned text for a terminal: the first column left, the others
/// right, no borders, no padding at line ends.
pub fn aligned(header: &[String], cells: &[Vec<String>]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header(header.to_vec());
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

/// Rows as RFC 4180 CSV; a text cell a spreadsheet would run as a formula
/// is prefixed with `'` ([`inert_cell`]).
pub fn csv(header: &[String], cells: &[Vec<String>]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in cells {
        w.write_record(row.iter().map(|c| inert_cell(c)))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The external bodies any row escalates to, sorted.
pub fn bodies(rows: &[Row]) -> Vec<String> {
    let mut b: Vec<String> = rows
        .iter()
        .flat_map(|r| r.escalation_to.keys().cloned())
        .collect();
    b.sort();
    b.dedup();
    b
}

/// Column names, with units. `plain` (for CSV) adds the title and whether
/// the procedure is illustrative, and durations are in days.
pub fn header(bodies: &[String], plain: bool) -> Vec<String> {
    let mut h = vec!["procedure".to_owned()];
    if plain {
        h.extend(["title", "illustrative"].map(str::to_owned));
    }
    let durations = [
        "lead time p50",
        "lead time p90",
        "first contact p50",
        "longest silence p50",
        "longest silence p90",
    ];
    h.extend(durations.map(|d| {
        if plain {
            format!("{d} (days)")
        } else {
            d.to_owned()
        }
    }));
    h.extend(
        [
            "acknowledged within 7 d (%)",
            "feedback within 3 mo (%)",
            "feedback (%)",
            "aftercare (%)",
        ]
        .map(str::to_owned),
    );
    h.extend(bodies.iter().map(|b| format!("to {b} (%)")));
    h.extend(["gap errors", "gap warnings", "gaps accepted"].map(str::to_owned));
    h
}

/// A row's cells, in [`header`] order. `plain` (for CSV): durations in days
/// and shares in percent, as bare numbers; otherwise with units.
pub fn cells(r: &Row, bodies: &[String], plain: bool) -> Vec<String> {
    let d = |days: f64| {
        if plain {
            format!("{days:.2}")
        } else {
            days_weeks(days)
        }
    };
    let p = |share: f64| {
        if plain {
            format!("{:.2}", share * 100.0)
        } else {
            percent(share).trim_end_matches('%').to_owned()
        }
    };
    // Empty in CSV, where a lone `-` would look like the start of a formula.
    let none = if plain { "" } else { "-" };
    let mut c = if plain {
        vec![
            r.procedure.clone(),
            r.title.clone(),
            if r.illustrative { "yes" } else { "no" }.to_owned(),
        ]
    } else if r.illustrative {
        vec![format!("{} (illustrative)", r.procedure)]
    } else {
        vec![r.procedure.clone()]
    };
    c.extend([
        d(r.lead_time_p50_days),
        d(r.lead_time_p90_days),
        r.first_contact_p50_days.map_or(none.to_owned(), d),
        d(r.longest_silence_p50_days),
        d(r.longest_silence_p90_days),
        p(r.acknowledged_within_7_days),
        p(r.feedback_within_3_months),
        p(r.feedback_rate),
        p(r.aftercare_rate),
    ]);
    c.extend(
        bodies
            .iter()
            .map(|b| r.escalation_to.get(b).map_or(none.to_owned(), |s| p(*s))),
    );
    c.extend([
        r.gaps.errors.to_string(),
        r.gaps.warnings.to_string(),
        r.gaps.accepted.to_string(),
    ]);
    c
}
