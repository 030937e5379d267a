//! Validate procedure files with the library and print one line per finding.
//!
//! Run: `cargo run -p meldroute-examples --example validate_file -- processes/rijk/klacht.yaml`

use meldroute_core::{Library, Limits, Severity, catalogue};

fn main() -> std::process::ExitCode {
    let mut lib = Library::with_bundled(Limits::default());
    let mut targets = Vec::new();
    for arg in std::env::args().skip(1) {
        match lib.load_input(&arg) {
            Ok(loaded) => targets.extend(loaded),
            Err(err) => {
                eprintln!("{err}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let mut findings: Vec<_> = lib.user_load_errors().cloned().collect();
    findings.extend(catalogue::check(&lib, &targets));
    for d in &findings {
        let file = lib.file(d.primary.file);
        let (line, column) = file.line_column(d.primary.span.start);
        println!(
            "{}:{line}:{column}: {}[{}] {}",
            file.name(),
            d.severity.as_str(),
            d.name,
            meldroute_diagnostics::render::message(d)
        );
    }
    println!("{} procedures, {} findings", targets.len(), findings.len());
    let failed = findings.iter().any(|d| d.severity == Severity::Error);
    if failed {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
