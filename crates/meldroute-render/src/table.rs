//! The comparison as a table: column names with their units and each
//! procedure's cells, for the terminal, Markdown, CSV and the HTML report.

use meldroute_core::compare::Row;

use crate::figures::{days_weeks, percent};

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
