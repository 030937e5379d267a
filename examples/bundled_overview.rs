//! An overview of the bundled library: per procedure its contacts with the
//! reporter, its legal deadlines and where the reporter can escalate.
//!
//! Run: `cargo run -p meldroute-examples --example bundled_overview`

use meldroute_core::{Library, Limits, Origin};

fn main() {
    let lib = Library::with_bundled(Limits::default());
    for entry in lib.entries().iter().filter(|e| e.origin == Origin::Bundled) {
        let p = &entry.procedure;
        let contacts = p.steps.iter().filter(|(_, s)| s.is_contact()).count();
        println!(
            "{} ({}): {} steps, {} contacts with the reporter",
            *p.id,
            p.kind.as_str(),
            p.steps.len(),
            contacts
        );
        for (id, step) in p.steps.iter() {
            if let Some(d) = &step.deadline {
                let from = d
                    .from
                    .as_ref()
                    .map_or("entering the procedure", |f| f.as_str());
                println!(
                    "  deadline: {} within {} of {from} ({})",
                    id.as_str(),
                    *d.within,
                    d.basis
                );
            }
            if let Some(e) = &step.escalate {
                println!("  escalation: {} -> {}", id.as_str(), e.procedure.as_str());
            }
        }
    }
}
