//! Simulate a bundled procedure and read what the reporter lives through:
//! lead time, feedback (within 3 months, and at all) and aftercare. The library validates the procedure
//! before it runs a journey (`meldroute_core::Error::Invalid` otherwise).
//!
//! Run: `cargo run -p meldroute-examples --example simulate_kpis`

use meldroute_core::{Library, Limits, sim::SimOptions};

fn main() -> Result<(), meldroute_core::Error> {
    let lib = Library::with_bundled(Limits::default());
    let report = lib.simulate("rijk/interne-melding", &SimOptions::default())?;
    println!("lead time, median: {:.1} days", report.lead_time_days.p50);
    // The reporter shares are of the journeys that made a report.
    println!("journeys that made a report: {}", report.reported);
    println!(
        "feedback within 3 months: {:.1}%",
        100.0 * report.feedback_within_3_months
    );
    println!("feedback rate: {:.1}%", 100.0 * report.feedback_rate);
    println!("aftercare rate: {:.1}%", 100.0 * report.aftercare_rate);
    Ok(())
}
